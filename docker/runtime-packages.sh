#!/usr/bin/env bash
# Prints the Debian packages that hold the shared libraries BINARY links, one a line: the final
# image installs exactly these, so it carries kgate's runtime libraries and none of the -dev
# packages, and follows kgate's dependencies without a hand-kept list.
#   runtime-packages.sh BINARY
set -euo pipefail
binary=$1
# ldd fails loudly on a missing library ("not found"): the image would not run, so stop here.
if ldd "$binary" | grep -q "not found"; then
  echo "runtime-packages: $binary has unresolved libraries:" >&2
  ldd "$binary" | grep "not found" >&2
  exit 1
fi
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
  real=$(realpath "$lib")
  # Bookworm's /lib is a link to /usr/lib, and dpkg knows a file under the path its package
  # shipped it at: ask for both spellings.
  dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null || {
    echo "runtime-packages: no package holds $real (needed by $binary)" >&2
    exit 1
  }
done | cut -d: -f1 | sort -u
