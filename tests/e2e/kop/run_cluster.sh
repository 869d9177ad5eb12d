#!/usr/bin/env bash
# Starts the 2-broker KoP cluster of cluster.sh by hand (to try a client or kgate against it),
# prints its Kafka listeners, and keeps it up until Ctrl-C, SIGTERM or --seconds have passed;
# everything it started is stopped on the way out. Logs stay in WORKDIR.
#
#   KGATE_KOP_NAR=/path/pulsar-protocol-handler-kafka-3.1.1.1.nar run_cluster.sh WORKDIR [--seconds N]
# Ports: 18100-18107 unless KGATE_KOP_E2E_PORT_BASE says otherwise.
set -euo pipefail

if [[ $# -ne 1 && $# -ne 3 ]] || [[ $# -eq 3 && $2 != --seconds ]]; then
  echo "usage: $0 WORKDIR [--seconds N]" >&2
  exit 2
fi
workdir=$1
seconds=${3:-3600}
[[ $seconds =~ ^[0-9]+$ && $seconds -ge 1 && $seconds -le 86400 ]] || { echo "--seconds must lie in 1..86400" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"
readonly STOP_WAIT_S=30

die() {
  echo "kop cluster: FAILED: $*" >&2
  exit 1
}

[[ -n ${KGATE_KOP_NAR:-} ]] || die "KGATE_KOP_NAR must name pulsar-protocol-handler-kafka-3.1.1.1.nar"
nar=$(realpath -e -- "$KGATE_KOP_NAR" 2>/dev/null) || die "KGATE_KOP_NAR=$KGATE_KOP_NAR: no such file"
# shellcheck source=tests/integration/process_helpers.sh
source "$here/../../integration/process_helpers.sh"
# Should this shell be killed outright, the JVMs still end after start-up (300 s at most) and
# the hold.
KOP_PROCESS_LIMIT_S=$((seconds + 360))
# shellcheck source=tests/e2e/kop/cluster.sh
source "$here/cluster.sh"
hold_pid=
stop_all() {
  if [[ -n $hold_pid ]]; then kill "$hold_pid" 2>/dev/null || true; fi
  kop_cluster_stop
}
trap stop_all EXIT
trap 'exit 130' INT TERM

mkdir -p "$workdir"
kop_cluster_init "$(cd "$workdir" && pwd)/kop" "${KGATE_KOP_E2E_PORT_BASE:-18100}" \
  "$KGATE_CACHE/pulsar-broker-$PULSAR_VERSION/libs" "$nar"
kop_cluster_start 300
echo "kop cluster: Kafka on 127.0.0.1:$(kop_kafka_port 1) (advertised $(kop_advertised 1)) and 127.0.0.1:$(kop_kafka_port 2) (advertised $(kop_advertised 2)); up for $seconds s, Ctrl-C stops it"
sleep "$seconds" &
hold_pid=$!
wait "$hold_pid" || true
