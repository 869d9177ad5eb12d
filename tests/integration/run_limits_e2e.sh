#!/usr/bin/env bash
# Hostile clients cannot take kgate down (issue 15: connection limits and timeouts). kgate in
# front of librdkafka's mock cluster (3 brokers, topic `orders` with 12 partitions) with short
# timeouts and a small per-address limit:
#   a. while an idempotent producer sends 20,000 messages over 30 s through kgate, the attacks of
#      limits_attacks.py run from other loopback addresses (per-address limit, connections opened
#      and dropped in a loop, 2,400 idle connections, slowloris frames); then a consumer group
#      reads back exactly what was produced;
#   b. limits_stalled_broker.py: a connection past max-connections is closed at once; a broker
#      that stops answering loses its pair after the request's own timeout plus the margin; kgate
#      at its open-files limit logs the failed accepts rate-limited and serves again once
#      descriptors free.
# Then kgate must stop on SIGTERM with status 0.
#
#   run_limits_e2e.sh KGATE MOCK_CLUSTER E2E_BINARY WORKDIR
#
# Exits 0 when every scenario passes. Logs stay under WORKDIR when anything fails or
# KGATE_E2E_KEEP=1.
set -euo pipefail

[[ $# -eq 4 ]] || { echo "usage: $0 KGATE MOCK_CLUSTER E2E_BINARY WORKDIR" >&2; exit 2; }
kgate=$1 mock_cluster=$2 e2e=$3 workdir=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

readonly PROCESS_LIMIT_S=240
readonly READY_WAIT_S=20
readonly STOP_WAIT_S=15
readonly PER_ADDRESS=300
readonly IDLE_MS=3000
readonly GRACE_MS=1500
readonly MIN_RATE=1024
readonly MESSAGES=20000

die() {
  echo "limits_e2e: FAILED: $*" >&2
  exit 1
}
# alive, stop_process, wait_until, pick_ports, start_mock_cluster, report, end_run,
# report_kgate_stop, require_tools.
source "$here/process_helpers.sh"
require_tools "$kgate" "$mock_cluster" "$e2e" -- python3 timeout

# Thousands of idle connections: each costs kgate two descriptors, the mock cluster and the
# attacking script one each. Raise the soft limit as far as the hard one allows.
ulimit -n "$(ulimit -Hn)"
[[ $(ulimit -n) == unlimited || $(ulimit -n) -ge 8000 ]] || die "the open-files limit $(ulimit -n) is under the 8,000 this test needs"

mkdir -p "$workdir" && run=$(mktemp -d "$workdir/run.XXXXXX")
mock_pid='' kgate_pid='' bg_pids=() failures=() started_at=$(date +%s)

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  end_run limits_e2e "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_mock_cluster "$mock_cluster" "$run" "$PROCESS_LIMIT_S" orders:12

base=$(pick_ports 22) || die "cannot find free ports"
gateway=127.0.0.1:$base
metrics_url=http://127.0.0.1:$((base + 21))/metrics
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --upstream "$mock_brokers" --listen "$gateway" \
  --broker-ports "$((base + 1))-$((base + 20))" --state-dir "$run/state" --http-listen "127.0.0.1:$((base + 21))" \
  --admin-listen off --max-connections-per-address "$PER_ADDRESS" --connections-max-idle-ms "$IDLE_MS" \
  --frame-grace-ms "$GRACE_MS" --frame-min-bytes-per-second "$MIN_RATE" >"$run/kgate.log" 2>&1 &
kgate_pid=$!
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" grep -qs "ready: 3 brokers" "$run/kgate.log"
echo "limits_e2e: mock brokers $mock_brokers, kgate on $gateway, open-files limit $(ulimit -n)"

common=(--bootstrap "$gateway" --gateway-ports "$base-$((base + 20))" --upstream "$mock_brokers" --topic orders)

# ---- a. attacks beside an honest producer and consumer ----
t=$(date +%s)
status=0
# Not --strict: kgate closes the producer's own idle connections (its bootstrap connection) after
# IDLE_MS, which librdkafka reports as an error event and reconnects from; nothing may be lost.
"$e2e" produce --label honest "${common[@]}" --run-id "l$$" --count "$MESSAGES" --duration-ms 30000 --timeout-s 90 \
  --started-file "$run/a.started" >"$run/a.produce" 2>"$run/a.produce.err" &
producer_pid=$!
bg_pids+=("$producer_pid")
wait_until "$READY_WAIT_S" "$producer_pid" "honest producer" test -e "$run/a.started"
(cd "$here" && timeout -s KILL 120 python3 limits_attacks.py "$gateway" "$metrics_url" "$PER_ADDRESS" "$IDLE_MS" "$GRACE_MS" \
  "$MIN_RATE") >"$run/a.attacks" 2>&1 || status=1
alive "$producer_pid" || { echo "honest producer: FAILED it finished before the attacks were over" >>"$run/a.attacks"; status=1; }
wait "$producer_pid" || status=1
bg_pids=()
"$e2e" consume --label honest "${common[@]}" --run-id "l$$" --group "limits-$$" --consumers 2 --expect "$MESSAGES" \
  --timeout-s 60 >"$run/a.consume" 2>"$run/a.consume.err" || status=1
report "a. attacks from other addresses while an honest producer and consumer group run" "$status" "$t" \
  "$run/a.attacks" "$run/a.produce" "$run/a.consume"

# ---- b. a broker that stops answering; kgate at its open-files limit ----
t=$(date +%s)
status=0
timeout -s KILL 90 python3 "$here/limits_stalled_broker.py" "$kgate" "$run/b" >"$run/b.out" 2>&1 || status=1
report "b. a silent broker loses its pair in time; accepts at the open-files limit" "$status" "$t" "$run/b.out"

# ---- shutdown ----
echo "kgate: $(grep -c 'refused:' "$run/kgate.log" || true) refusal and $(grep -c 'arrived slower than' "$run/kgate.log" || true) slow-frame lines logged (rate-limited)"
report_kgate_stop "$run" "$run/kgate.log"
stop_process "$mock_pid"
mock_pid=

if [[ ${#failures[@]} -ne 0 ]]; then
  echo "limits_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "limits_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
