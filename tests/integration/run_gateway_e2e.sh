#!/usr/bin/env bash
# End-to-end tests of `kgate serve` in front of librdkafka's mock cluster (3 brokers, topic
# `orders` with 12 partitions), every client going through the gateway only:
#   a. throughput correctness: 100,000 idempotent messages, read back by a 2-member group
#   b. `kcat -L` through the gateway names gateway addresses only
#   c. leader move, coordinator move and a broker outage during production
#   d. the gateway's ApiVersions answer lies within every broker's
#   e. bad input on raw connections while a healthy producer runs
# Then kgate must stop on SIGTERM with status 0 and its log must hold no "critical" line.
#
#   run_gateway_e2e.sh KGATE MOCK_CLUSTER E2E_BINARY WORKDIR
#
# Prints one summary line per scenario; exits 0 when all pass, 1 otherwise. Logs stay in a
# run directory under WORKDIR when anything fails or KGATE_E2E_KEEP=1 (else it is removed).
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 KGATE MOCK_CLUSTER E2E_BINARY WORKDIR" >&2
  exit 2
fi
kgate=$1
mock_cluster=$2
e2e=$3
workdir=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mockctl=$here/../tools/mock_cluster/mockctl.sh

# Every process this script starts is bounded by its own time limit too, so nothing
# outlives a killed script for long. `timeout --foreground` forwards our SIGTERM once; without
# it, timeout signals the child and then its whole process group, a second SIGTERM that can
# reach kgate after it has restored the default handler on its way out (exit 143).
readonly PROCESS_LIMIT_S=540
readonly READY_WAIT_S=20
readonly STOP_WAIT_S=15

die() {
  echo "gateway_e2e: FAILED: $*" >&2
  exit 1
}

for tool in "$kgate" "$mock_cluster" "$e2e"; do
  [[ -x $tool ]] || die "$tool is not an executable"
done
for tool in kcat python3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -r $mockctl ]] || die "mockctl.sh not found at $mockctl"

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
mock_pid=
kgate_pid=
bg_pids=()
failures=()
started_at=$(date +%s)

# alive, stop_process, wait_until, pick_ports, start_mock_cluster, report, end_run, report_kgate_stop.
source "$(dirname "${BASH_SOURCE[0]}")/process_helpers.sh"

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  end_run gateway_e2e "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the cluster and the gateway ----
start_mock_cluster "$mock_cluster" "$run" "$PROCESS_LIMIT_S" orders:12
IFS=, read -r -a mock_list <<<"$mock_brokers"
[[ ${#mock_list[@]} -eq 3 ]] || die "mock cluster: expected 3 brokers, ready file says '$mock_brokers'"
ctl() { "$mockctl" "$run/mock.port" "$@" >>"$run/mockctl.log" 2>&1 || die "mockctl $* failed: $(tail -n 1 "$run/mockctl.log")"; }

base=$(pick_ports 21) || die "cannot find free ports"
gateway=127.0.0.1:$base
gateway_ports=$base-$((base + 20))
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --upstream "$mock_brokers" --listen "$gateway" \
  --broker-ports "$((base + 1))-$((base + 20))" --state-dir "$run/state" >"$run/kgate.log" 2>&1 &
kgate_pid=$!
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" grep -qs "ready: 3 brokers" "$run/kgate.log"
echo "gateway_e2e: mock brokers $mock_brokers, kgate on $gateway (broker ports $((base + 1))-$((base + 20)))"

common=(--bootstrap "$gateway" --gateway-ports "$gateway_ports" --upstream "$mock_brokers" --topic orders)

# The gateway's view through kcat: "broker N at HOST:PORT" lines, checked against the mock.
check_kcat_brokers() {
  local out=$1 summary=$2 listed=() bad=()
  if ! timeout 30 kcat -L -b "$gateway" -m 15 >"$out" 2>"$out.err"; then
    echo "kcat -L: FAILED: $(tail -n 1 "$out.err")" >"$summary"
    return 1
  fi
  while read -r _ id _ address; do
    listed+=("$id=$address")
    local port=${address##*:}
    if [[ ${address%:*} != 127.0.0.1 || $port -lt $base || $port -gt $((base + 20)) ]]; then bad+=("$address"); fi
  done < <(grep -E '^ +broker [0-9]+ at ' "$out")
  for m in "${mock_list[@]}"; do grep -qw -- "$m" "$out" && bad+=("mock $m"); done
  if [[ ${#listed[@]} -ne 3 || ${#bad[@]} -ne 0 ]]; then
    echo "kcat -L: FAILED lists ${#listed[@]} brokers (${listed[*]}), not gateway addresses: ${bad[*]:-none}" >"$summary"
    return 1
  fi
  echo "kcat -L: OK 3 brokers, all gateway addresses: ${listed[*]}" >"$summary"
}

# ---- a. throughput correctness ----
t=$(date +%s)
status=0
"$e2e" produce --label throughput "${common[@]}" --run-id "a$$" --count 100000 --timeout-s 120 \
  >"$run/a.produce" 2>"$run/a.produce.err" || status=1
if [[ $status -eq 0 ]]; then
  "$e2e" consume --label throughput "${common[@]}" --run-id "a$$" --group "e2e-throughput-$$" \
    --consumers 2 --expect 100000 --timeout-s 60 >"$run/a.consume" 2>"$run/a.consume.err" || status=1
fi
report "a. throughput correctness (100,000 idempotent messages, 2-member group)" "$status" "$t" \
  "$run/a.produce" "$run/a.consume"

# ---- b. kcat -L through kgate ----
t=$(date +%s)
status=0
check_kcat_brokers "$run/b.kcat" "$run/b.summary" || status=1
report "b. kcat -L through kgate lists only gateway addresses" "$status" "$t" "$run/b.summary"

# ---- c. faults during production ----
t=$(date +%s)
status=0
group=e2e-faults-$$
leader=$(timeout 30 kcat -L -b "${mock_list[0]}" -t orders -m 15 | sed -nE 's/^ +partition 0, leader ([0-9]+),.*/\1/p' || true)
[[ $leader =~ ^[1-3]$ ]] || die "cannot tell the leader of orders/0 from the mock cluster"
new_leader=$((leader % 3 + 1))
new_coordinator=$((new_leader % 3 + 1))
# The group starts on the broker that will go down, so the later move is a real one.
ctl coordinator group "$group" "$new_leader"
"$e2e" consume --label faults "${common[@]}" --run-id "c$$" --group "$group" --expect 30000 --timeout-s 120 \
  >"$run/c.consume" 2>"$run/c.consume.err" &
consumer_pid=$!
bg_pids+=("$consumer_pid")
"$e2e" produce --label faults "${common[@]}" --run-id "c$$" --count 30000 --duration-ms 10000 --timeout-s 120 \
  --started-file "$run/c.started" >"$run/c.produce" 2>"$run/c.produce.err" &
producer_pid=$!
bg_pids+=("$producer_pid")
wait_until "$READY_WAIT_S" "$producer_pid" "faults producer" test -e "$run/c.started"
# Faults spread over the producer's 10 s; the pauses set the pace, they wait for nothing.
sleep 1.5
ctl leader orders 0 "$new_leader"
sleep 1.5
ctl coordinator group "$group" "$new_coordinator"
sleep 1
ctl down "$new_leader"
sleep 2
ctl up "$new_leader"
wait "$producer_pid" || status=1
wait "$consumer_pid" || status=1
bg_pids=()
echo "faults: orders/0 leader $leader -> $new_leader, group coordinator $new_leader -> $new_coordinator, broker $new_leader down for 2 s" >"$run/c.faults"
check_kcat_brokers "$run/c.kcat" "$run/c.kcat.summary" || status=1
if grep -qi critical "$run/kgate.log"; then
  echo "kgate log: FAILED has critical lines: $(grep -i critical "$run/kgate.log" | head -n 3)" >"$run/c.log.summary"
  status=1
else
  echo "kgate log: OK no critical lines" >"$run/c.log.summary"
fi
report "c. faults during production (leader move, coordinator move, broker down 2 s)" "$status" "$t" \
  "$run/c.faults" "$run/c.produce" "$run/c.consume" "$run/c.kcat.summary" "$run/c.log.summary"

# ---- d. ApiVersions through kgate is the intersection ----
t=$(date +%s)
status=0
python3 "$here/api_versions_check.py" "$gateway" "${mock_list[@]}" >"$run/d.out" 2>&1 || status=1
report "d. ApiVersions through kgate lies within every broker's" "$status" "$t" "$run/d.out"

# ---- e. bad input while a healthy producer runs ----
t=$(date +%s)
status=0
"$e2e" produce --label healthy "${common[@]}" --run-id "e$$" --count 6000 --duration-ms 6000 --timeout-s 60 \
  --strict --started-file "$run/e.started" >"$run/e.produce" 2>"$run/e.produce.err" &
producer_pid=$!
bg_pids+=("$producer_pid")
wait_until "$READY_WAIT_S" "$producer_pid" "healthy producer" test -e "$run/e.started"
python3 "$here/bad_input.py" "$gateway" "$run/kgate.log" >"$run/e.bad" 2>"$run/e.bad.err" || status=1
alive "$producer_pid" || { echo "healthy producer: FAILED it finished before the bad input was over" >>"$run/e.bad"; status=1; }
wait "$producer_pid" || status=1
bg_pids=()
report "e. bad input closed by kgate, healthy producer unharmed" "$status" "$t" "$run/e.bad.err" "$run/e.bad" "$run/e.produce"

# ---- shutdown ----
report_kgate_stop "$run" "$run/kgate.log"
stop_process "$mock_pid"
mock_status=$stopped_status
mock_pid=
[[ $mock_status -eq 0 ]] || echo "gateway_e2e: note: mock cluster exited with status $mock_status" >&2

if [[ ${#failures[@]} -ne 0 ]]; then
  echo "gateway_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "gateway_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
