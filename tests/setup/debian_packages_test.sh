#!/usr/bin/env bash
# The project's Debian package list (scripts/debian-packages) can be installed in one apt
# transaction on this machine, whatever is installed already, and scripts/setup's check does stop
# on a conflict and names it. Runs apt-get only in simulation: installs nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fail() { echo "FAIL $*" >&2; exit 1; }

dupes=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$root/scripts/debian-packages" | awk '{print $1}' | sort | uniq -d)
[ -z "$dupes" ] || fail "scripts/debian-packages lists more than once: $dupes"
echo "PASS every package listed once"

out=$("$root/scripts/setup" --check 2>&1) || fail "the package list does not resolve: $out"
echo "PASS $out"

# libboost1.74-dev is the package behind the conflict that once stopped every new machine.
if out=$("$root/scripts/setup" --check libboost1.74-dev 2>&1); then
  fail "a list with a conflicting package was accepted: $out"
fi
grep -q "Conflicts" <<<"$out" || fail "the check did not name the conflict: $out"
echo "PASS a conflicting package stops set-up, named: $(grep -m1 Conflicts <<<"$out" | sed 's/^ *//')"
echo "3 passed, 0 failed"
