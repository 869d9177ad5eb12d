#!/usr/bin/env bash
# Throughput through kgate against the same cluster without it: a 3-broker mock cluster (topic
# `bench`, 6 partitions), kgate (--workers 1) in front of it, and kgate-throughput-bench producing
# and consuming 1 KiB records, direct and through kgate in turn, for several rounds. Prints a
# markdown table of medians, kgate's CPU seconds per GB moved and its peak RSS.
# Timing never fails the run; a failed run, a wrong record count or kgate dying does.
#
# Usage: tests/bench/run_gateway_bench.sh BUILD_DIR [--short]
# KGATE_BIN, KGATE_MOCK_BIN, KGATE_BENCH_BIN override the binaries found in BUILD_DIR.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || ( $# -eq 2 && $2 != --short ) ]]; then
  echo "usage: $0 BUILD_DIR [--short]" >&2
  exit 2
fi
build_dir=$1
rounds=3 messages=200000
if [[ $# -eq 2 ]]; then rounds=1 messages=20000; fi
size=1024
run_limit=120  # seconds one bench run may take before it counts as failed

# First of: the override, the build tree's place for it, BUILD_DIR itself.
find_bin() {
  local override=$1 name=$2 subdir=$3 candidate
  for candidate in "$override" "$build_dir/$subdir/$name" "$build_dir/$name"; do
    if [[ -n $candidate && -x $candidate ]]; then
      echo "$candidate"
      return
    fi
  done
  echo "no $name in $build_dir (looked in $subdir/ too)" >&2
  exit 2
}
kgate=$(find_bin "${KGATE_BIN:-}" kgate gateway)
mock=$(find_bin "${KGATE_MOCK_BIN:-}" kgate-mock-cluster tests/tools/mock_cluster)
bench=$(find_bin "${KGATE_BENCH_BIN:-}" kgate-throughput-bench tests/bench)

work=$(mktemp -d "${TMPDIR:-/tmp}/gateway_bench.XXXXXX")
mock_pid= kgate_wrapper= kgate_pid=
cleanup() {
  # timeout(1) passes SIGTERM on to kgate, which drains and exits.
  [[ -n $kgate_wrapper ]] && kill -TERM "$kgate_wrapper" 2>/dev/null && wait "$kgate_wrapper" 2>/dev/null
  [[ -n $mock_pid ]] && kill -TERM "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/*.log; do
    [[ -s $log ]] && { echo "--- $(basename "$log") (last lines)" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

# Everything below is bounded: the mock exits by itself, kgate runs under timeout(1).
budget=$((rounds * 4 * run_limit + 120))
"$mock" --brokers 3 --topic bench:6 --seconds "$budget" --ready-file "$work/ready" >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 200); do
  [[ -s $work/ready ]] && break
  kill -0 "$mock_pid" 2>/dev/null || fail "the mock cluster exited before it was ready"
  sleep 0.1
done
[[ -s $work/ready ]] || fail "the mock cluster was not ready within 20 s"
direct=$(<"$work/ready")

# Ports below the ephemeral range, where the mock's brokers and clients' sockets live; another
# base is tried when something else holds one of them.
free_base_port() {
  python3 - <<'EOF'
import random, socket
for _ in range(50):
    base = random.randrange(20000, 32000)
    try:
        for port in range(base, base + 9):
            with socket.socket() as s:
                s.bind(("127.0.0.1", port))
        print(base)
        break
    except OSError:
        pass
EOF
}

start_kgate() {
  local port=$1
  : >"$work/kgate.log"
  timeout --signal=TERM "$budget" "$kgate" serve --upstream "$direct" --listen "127.0.0.1:$port" \
    --broker-ports "$((port + 1))-$((port + 8))" --state-dir "$work/state-$port" --workers 1 --http-listen off --admin-listen off \
    >"$work/kgate.log" 2>&1 &
  kgate_wrapper=$!
  for _ in $(seq 200); do
    grep -q "ready:" "$work/kgate.log" && { kgate_pid=$(pgrep -P "$kgate_wrapper"); return 0; }
    kill -0 "$kgate_wrapper" 2>/dev/null || { wait "$kgate_wrapper" || true; kgate_wrapper=; return 1; }
    sleep 0.1
  done
  return 1
}
through=
for _ in 1 2 3; do
  port=$(free_base_port)
  [[ -n $port ]] || continue
  if start_kgate "$port"; then
    through="127.0.0.1:$port"
    break
  fi
done
[[ -n $through && -n $kgate_pid ]] || fail "kgate did not become ready"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$kgate_pid/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# One run: check its JSON and count, and append "workload target mb_per_s bytes cpu_ticks".
results="$work/results"
run() {
  local workload=$1 target=$2 bootstrap=$3 before=0 after=0 out
  [[ $target == kgate ]] && before=$(cpu_ticks)
  out=$("$bench" --bootstrap "$bootstrap" --topic bench --messages "$messages" --size "$size" \
    --mode "$workload" --seconds "$run_limit" 2>>"$work/bench.log") ||
    fail "$workload $target run failed"
  if [[ $target == kgate ]]; then
    kill -0 "$kgate_pid" 2>/dev/null || fail "kgate exited during the $workload run"
    after=$(cpu_ticks)
  fi
  python3 - "$out" "$workload" "$target" "$messages" "$size" "$((after - before))" >>"$results" <<'EOF' ||
import json, sys
out, workload, target, messages, size, ticks = sys.argv[1:]
r = json.loads(out)
expected = int(messages) * int(size)
if r["mode"] != workload or r["messages"] != int(messages) or r["bytes"] != expected:
    sys.exit(f"count mismatch: {out} (expected {messages} records, {expected} bytes)")
print(workload, target, r["mb_per_s"], r["bytes"], ticks)
EOF
    fail "bad result from the $workload $target run: $out"
  printf '  %-8s %-7s %9.1f MB/s\n' "$workload" "$target" "$(tail -n 1 "$results" | cut -d' ' -f3)"
}

echo "gateway throughput: $rounds round(s) of $messages x $size B records, direct $direct, kgate $through"
for round in $(seq "$rounds"); do
  echo "round $round"
  for workload in produce consume; do
    # Alternate which side goes first, so neither always gets a warmer (or cooler) machine.
    if ((round % 2)); then order=(direct kgate); else order=(kgate direct); fi
    for target in "${order[@]}"; do
      if [[ $target == direct ]]; then run "$workload" direct "$direct"; else run "$workload" kgate "$through"; fi
    done
  done
done

peak_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$kgate_pid/status")
cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo
python3 - "$results" "$ticks_per_second" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
tick = 1.0 / int(sys.argv[2])
print("| workload | direct MB/s (median) | kgate MB/s (median) | kgate/direct | kgate CPU s/GB |")
print("|---|---:|---:|---:|---:|")
notes = []
for workload in ("produce", "consume"):
    def pick(target):
        return [r for r in rows if r[0] == workload and r[1] == target]
    direct = statistics.median(float(r[2]) for r in pick("direct"))
    kgate = statistics.median(float(r[2]) for r in pick("kgate"))
    gb = sum(int(r[3]) for r in pick("kgate")) / 1e9
    ticks = sum(int(r[4]) for r in pick("kgate"))
    print(f"| {workload} | {direct:.1f} | {kgate:.1f} | {kgate / direct:.2f} | {ticks * tick / gb:.2f} |")
    notes.append(f"{workload} {ticks} ticks for {gb:.3f} GB")
# Clock ticks are coarse: a short run's CPU figure rests on a handful of them.
print(f"\nkgate CPU time measured: {', '.join(notes)} (1 tick = {tick} s)")
EOF
echo "kgate peak RSS (VmHWM): $((peak_kib / 1024)) MiB"
echo "machine: nproc $(nproc), $cpu_model, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(the mock cluster and the clients share these cores with kgate; compare the ratio, not the MB/s)"

# A clean stop is part of the result: kgate must drain and exit 0 on SIGTERM.
kill -TERM "$kgate_wrapper"
status=0
wait "$kgate_wrapper" || status=$?
kgate_wrapper=
((status == 0)) || fail "kgate exited with status $status on SIGTERM"
