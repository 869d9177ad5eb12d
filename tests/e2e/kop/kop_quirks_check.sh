#!/usr/bin/env bash
# Scenario 6 of run_kop_e2e.sh: the KoP quirks kgate smooths with broker-kind: kop.
#   kop_quirks_check.sh GATEWAY HTTP DIRECT GROUP TOPIC PARTITIONS
# GATEWAY is kgate's bootstrap HOST:PORT, HTTP its metrics HOST:PORT, DIRECT the brokers' own
# HOST:PORT list (comma-separated, for the printed comparison), GROUP a group that committed
# offsets of TOPIC (PARTITIONS partitions) through kgate. Checks, with kop_quirks.py:
# ApiVersions offers only what KoP serves, every gateway listener names one controller,
# kafka-python lists the group's offsets under the plain topic name; then kgate's metrics must
# show the all-topics OffsetFetch asked as v8, the prefix stripped and DeleteTopics asked as v6
# (kafka-clients 2.6.0 in scenario 4). Prints one line per check; exits 1 if any failed.
set -euo pipefail
if [[ $# -ne 6 ]]; then
  echo "usage: $0 GATEWAY HTTP DIRECT GROUP TOPIC PARTITIONS" >&2
  exit 2
fi
gateway=$1 http=$2 direct=$3 group=$4 topic=$5 partitions=$6
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"

status=0
timeout -s KILL 120 "$KGATE_PYTHON" "$here/kop_quirks.py" --bootstrap "$gateway" --direct "$direct" \
  --group "$group" --topic "$topic" --partitions "$partitions" --timeout-s 60 2>&1 || status=1

metrics=$(curl -sf --max-time 5 "http://$http/metrics") || { echo "FAILED kgate's /metrics at $http did not answer"; exit 1; }
quirk() { awk -v q="quirk=\"$1\"" 'index($0, "kgate_kop_quirks_total{") == 1 && index($0, q) { print $NF + 0 }' <<<"$metrics"; }
for q in offset_fetch_upgraded topic_prefix_stripped delete_topics_upgraded; do
  n=$(quirk "$q")
  if [[ ${n:-0} -gt 0 ]]; then
    echo "OK kgate_kop_quirks_total{quirk=\"$q\"} $n"
  else
    echo "FAILED kgate_kop_quirks_total{quirk=\"$q\"} is ${n:-missing}: kgate did not smooth it"
    status=1
  fi
done
echo "   kgate_kop_quirks_total{quirk=\"controller_pinned\"} $(quirk controller_pinned) (KoP names a random controller, so this may be 0)"
exit "$status"
