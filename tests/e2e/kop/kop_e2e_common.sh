# shellcheck shell=bash
# What the KoP end-to-end scripts share, as functions to source (after defining die() and
# sourcing scripts/versions):
#   kop_handler_or_skip NAME   sets KOP_HANDLER to the KoP handler that KGATE_KOP_NAR names,
#                              checked against the .sha256 file beside it when there is one.
#                              Without KGATE_KOP_NAR: prints "NAME: SKIPPED: ..." and exits 77
#                              (ctest's SKIP_RETURN_CODE), or fails when KGATE_KOP_REQUIRED=1
#   kop_pulsar_libs_or_die     sets KOP_PULSAR_LIBS to the Apache Pulsar jars (fetch_pulsar.sh)
#   kop_tools_or_die TOOL...   each an executable path or a command on PATH
#   kop_node_id HOST:PORT      the node id KoP derives from an advertised listener
#   kop_e2e_cleanup NAME       a runner's EXIT trap: stops its kgate processes (`kgate_pid`, and
#                              `bad_kgate_pid` when set) and the cluster; keeps the run directory
#                              `run` (and prints the logs' last lines) on failure

readonly KOP_SKIP_STATUS=77
readonly KOP_NAR_NAME=pulsar-protocol-handler-kafka-3.1.1.1.nar

kop_handler_or_skip() {
  local name=$1 reason want got
  if [[ -z ${KGATE_KOP_NAR:-} ]]; then
    reason="KGATE_KOP_NAR is not set: it must name the KoP protocol handler ($KOP_NAR_NAME), which no registry serves"
    [[ ${KGATE_KOP_REQUIRED:-0} == 1 ]] && die "NOT RUN, and KGATE_KOP_REQUIRED=1 forbids skipping: $reason"
    echo "$name: SKIPPED: $reason"
    exit "$KOP_SKIP_STATUS"
  fi
  KOP_HANDLER=$(realpath -e -- "$KGATE_KOP_NAR" 2>/dev/null) || die "KGATE_KOP_NAR=$KGATE_KOP_NAR: no such file"
  [[ $(basename "$KOP_HANDLER") == "$KOP_NAR_NAME" ]] ||
    die "KGATE_KOP_NAR=$KGATE_KOP_NAR is not $KOP_NAR_NAME (the handler these tests were written for)"
  if [[ -f $KOP_HANDLER.sha256 ]]; then
    want=$(awk '{print $1; exit}' "$KOP_HANDLER.sha256")
    got=$(sha256sum "$KOP_HANDLER" | awk '{print $1}')
    [[ $want == "$got" ]] || die "$KOP_HANDLER has sha256 $got, $KOP_HANDLER.sha256 says $want"
  fi
}

kop_pulsar_libs_or_die() {
  KOP_PULSAR_LIBS=$KGATE_CACHE/pulsar-broker-$PULSAR_VERSION/libs
  [[ -s $KOP_PULSAR_LIBS/pulsar-broker-$PULSAR_VERSION.jar ]] ||
    die "NOT RUN: the Apache Pulsar $PULSAR_VERSION jars are missing from $KOP_PULSAR_LIBS; run tests/e2e/kop/fetch_pulsar.sh (scripts/setup does when KGATE_KOP_NAR is set)"
}

kop_tools_or_die() {
  local tool
  for tool in "$@"; do
    if [[ $tool == */* ]]; then
      [[ -x $tool ]] || die "$tool is not an executable"
    else
      command -v "$tool" >/dev/null || die "$tool is not installed"
    fi
  done
}

# KoP names a broker by the 32-bit Murmur3 hash (seed 0) of its advertised host and port written
# together ("127.0.0.1" "18211" -> "127.0.0.118211"), as a non-negative int: Pulsar's
# Murmur3_32Hash. The recipe's static map needs the ids before any broker runs.
kop_node_id() {
  python3 - "$1" <<'PY'
import sys

host, port = sys.argv[1].rsplit(":", 1)
data = (host + port).encode()
mask = 0xFFFFFFFF
def rotl(x, r):
    return ((x << r) | (x >> (32 - r))) & mask
def mix(k):
    return (rotl((k * 0xCC9E2D51) & mask, 15) * 0x1B873593) & mask
h = 0
body = len(data) - len(data) % 4
for i in range(0, body, 4):
    h = (rotl(h ^ mix(int.from_bytes(data[i:i + 4], "little")), 13) * 5 + 0xE6546B64) & mask
if len(data) > body:
    h ^= mix(int.from_bytes(data[body:], "little"))
h ^= len(data)
for shift, factor in ((16, 0x85EBCA6B), (13, 0xC2B2AE35)):
    h = ((h ^ (h >> shift)) * factor) & mask
h ^= h >> 16
print(h & 0x7FFFFFFF)
PY
}

kop_e2e_cleanup() {
  local status=$? name=$1
  trap - EXIT INT TERM
  [[ -n ${bad_kgate_pid:-} ]] && stop_process "$bad_kgate_pid"
  [[ -n $kgate_pid ]] && stop_process "$kgate_pid"
  kop_cluster_stop
  finish_run "$name" "$status" 15 "$run"/kgate*.log "$run"/kop/*/out.log
}
