#!/usr/bin/env bash
# All-topics Metadata of a 10,000-partition cluster, asked directly and through one or more
# kgate binaries in the same run: requests/s for each, and the CPU kgate spent per response
# (utime + stime from /proc, which a shared machine's noise does not inflate as it does wall
# time). Compares builds: pass --kgate LABEL=PATH once per binary (default: BUILD_DIR's).
# Usage: tests/bench/metadata_cpu.sh BUILD_DIR [--requests N] [--rounds N] [--kgate LABEL=PATH]...
set -euo pipefail

die() { echo "metadata_cpu: $*" >&2; exit 2; }
readonly READY_WAIT_S=60 STOP_WAIT_S=5
# shellcheck source=tests/integration/process_helpers.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/integration/process_helpers.sh"

[[ $# -ge 1 ]] || die "usage: $0 BUILD_DIR [--requests N] [--rounds N] [--kgate LABEL=PATH]..."
build_dir=$1
shift
requests=200
rounds=1
kgates=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --requests) requests=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --kgate) kgates+=("$2"); shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
[[ ${#kgates[@]} -gt 0 ]] || kgates=("kgate=$build_dir/gateway/kgate")
mock=$build_dir/tests/tools/mock_cluster/kgate-mock-cluster
bench=$build_dir/tests/bench/kgate-metadata-bench
for b in "$mock" "$bench"; do [[ -x $b ]] || die "no $b: build kgate-mock-cluster and kgate-metadata-bench"; done
for k in "${kgates[@]}"; do [[ -x ${k#*=} ]] || die "no kgate binary ${k#*=}"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/metadata_cpu.XXXXXX")
mock_pid=
kgate_pid=
cleanup() {
  [[ -n $kgate_pid ]] && stop_process "$kgate_pid"
  [[ -n $mock_pid ]] && stop_process "$mock_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_mock_cluster "$mock" "$work" $((rounds * ${#kgates[@]} * 300 + 300)) meta:10000

# CPU seconds (user + system) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)

run_bench() {  # LABEL BOOTSTRAP: prints the bench's JSON line
  timeout 300 "$bench" --bootstrap "$2" --requests "$requests" 2>"$work/bench.err" ||
    { cat "$work/bench.err" >&2; die "$1: the Metadata bench failed"; }
}

for ((round = 1; round <= rounds; round++)); do
  echo "round $round: direct $(run_bench direct "$mock_brokers")"
  for k in "${kgates[@]}"; do
    label=${k%%=*}
    base=$(pick_ports 9)
    "${k#*=}" serve --upstream "$mock_brokers" --listen "127.0.0.1:$base" --broker-ports "$((base + 1))-$((base + 8))" \
      --state-dir "$work/state-$label" --workers 1 --http-listen off >"$work/kgate-$label.log" 2>&1 &
    kgate_pid=$!
    wait_until 30 "$kgate_pid" "kgate $label" grep -qs "ready:" "$work/kgate-$label.log"
    before=$(cpu_ticks "$kgate_pid")
    result=$(run_bench "$label" "127.0.0.1:$base")
    after=$(cpu_ticks "$kgate_pid")
    stop_process "$kgate_pid"
    kgate_pid=
    # The bench's untimed warm-up request passes kgate too.
    per_response_ms=$(python3 -c "print(f'{($after - $before) * 1000 / $ticks_per_s / ($requests + 1):.2f}')")
    echo "round $round: $label $result kgate_cpu_ms_per_response=$per_response_ms"
  done
done
