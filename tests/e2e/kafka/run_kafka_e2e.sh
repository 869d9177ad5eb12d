#!/usr/bin/env bash
# End-to-end tests of `kgate serve` in front of a real Apache Kafka KRaft cluster (3 nodes,
# cluster.sh), whose brokers advertise addresses clients cannot resolve: every client goes
# through the gateway and must never be told a broker's own address.
#   1. 200,000 idempotent acks=all messages into 12 partitions (replication 3), read back by a
#      3-member consumer group: no loss, no duplicate, per-partition and per-key order
#   3. transactions: commits and aborts; read_committed sees exactly the committed messages,
#      read_uncommitted sees the aborted ones too (so the aborts really reached the brokers)
#   4. one broker SIGKILLed while an idempotent producer runs, then restarted: nothing lost or
#      duplicated, kgate logs the broker's loss and keeps serving
#   6. kgate itself restarted (SIGTERM, then again on its state) while a producer runs: same
#      gateway ports, nothing lost or duplicated
#   7. hostile clients (hostile_clients.py: large frames, Fetch answers never read, trickled
#      frames, idle connections, churn, garbage) against a second kgate with small memory
#      budgets and short timeouts, while an idempotent producer runs through it: kgate's memory
#      within the budgets' bound, nothing lost, memory returned after the attacks
#   5. `kcat -L` through kgate names gateway addresses only (the brokers' own answer names the
#      internal ones); every kgate-e2e run also checks librdkafka's statistics the same way;
#      5b. raw Metadata, FindCoordinator, DescribeCluster and DescribeQuorum answers through kgate,
#      decoded by `kgate decode`, name gateway addresses only
# Then kgate must stop on SIGTERM with status 0.
#
#   run_kafka_e2e.sh KGATE E2E_BINARY WORKDIR
#
# The broker jars come from tests/e2e/kafka/fetch_kafka.sh (scripts/setup runs it); without
# them this test FAILS saying so, it never passes without brokers. Logs stay in a run directory
# under WORKDIR when anything fails or KGATE_E2E_KEEP=1.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 KGATE E2E_BINARY WORKDIR" >&2
  exit 2
fi
kgate=$1
e2e=$2
workdir=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"

readonly PROCESS_LIMIT_S=840   # kgate's own bound, below the ctest timeout
readonly CLUSTER_WAIT_S=150
readonly READY_WAIT_S=30
readonly STOP_WAIT_S=20
readonly SCENARIO1_COUNT=${KGATE_KAFKA_E2E_COUNT:-200000}

die() {
  echo "kafka_e2e: FAILED: $*" >&2
  exit 1
}

for tool in "$kgate" "$e2e"; do
  [[ -x $tool ]] || die "$tool is not an executable"
done
for tool in java kcat python3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
kgate_pid=
bg_pids=()
failures=()
started_at=$(date +%s)

# alive, stop_process, wait_until, pick_ports, report; then the cluster functions.
source "$here/../../integration/process_helpers.sh"
KAFKA_PROCESS_LIMIT_S=$PROCESS_LIMIT_S
source "$here/cluster.sh"

# shellcheck source=tests/e2e/kafka/behind_kgate.sh
source "$here/behind_kgate.sh"
trap 'kafka_e2e_cleanup kafka_e2e' EXIT
kafka_libs_or_die
trap 'exit 130' INT TERM

# The librdkafka clients run on the newest librdkafka the project pins (current_librdkafka.sh).
# shellcheck source=tests/e2e/current_librdkafka.sh
source "$here/../current_librdkafka.sh"
e2e=$(current_librdkafka_wrapper "$e2e" "$run/client") || die "cannot run kgate-e2e on the pinned librdkafka"
echo "kafka_e2e: librdkafka clients on $("$e2e" version)"


# ---- ports: 9 for the brokers, then the gateway's bootstrap, 4 broker listeners, HTTP; the
# same 6 again for scenario 7's kgate ----
base=$(pick_ports 21) || die "cannot find free ports"
gateway=127.0.0.1:$((base + 9))
gateway_first=$((base + 10))
gateway_last=$((base + 13))
http=127.0.0.1:$((base + 14))

# ---- the cluster ----
t=$(date +%s)
kafka_cluster_init "$run/kafka" "$base" "$kafka_libs"
kafka_cluster_start "$CLUSTER_WAIT_S"
echo "kafka_e2e: cluster formatted and up in $(elapsed_since "$t") s"

# What no client may ever be told: the advertised names and every port a broker listens on.
kafka_hidden_addresses

# ---- kgate: the brokers' advertised names do not resolve, so it reaches each node by an override ----
kafka_kgate_config "$run/kgate.yaml" "$gateway" "$gateway_first" "$gateway_last" "$http"
# start_kgate LOG: kgate with that configuration (and its state directory), ready for clients.
start_kgate() {
  kgate_log=$1
  timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/kgate.yaml" >"$kgate_log" 2>&1 &
  kgate_pid=$!
  wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" grep -qs "ready: 3 brokers" "$kgate_log"
}
start_kgate "$run/kgate.log"
echo "kafka_e2e: kgate on $gateway (broker ports $gateway_first-$gateway_last) in front of brokers advertising ${hidden[0]%%:*}..."

# The bootstrap listener is a gateway address too: librdkafka lists it as a "bootstrap" broker.
common=(--bootstrap "$gateway" --gateway-ports "$((base + 9))-$gateway_last" --upstream "$hidden_list")

# kcat's view through the gateway: three "broker N at 127.0.0.1:PORT" lines, gateway ports only,
# and nothing a broker listens on or advertises anywhere in the output.
# shellcheck source=tests/e2e/kcat_gateway_check.sh
source "$here/../kcat_gateway_check.sh"
kcat_gateway=$gateway kcat_first=$gateway_first kcat_last=$gateway_last kcat_brokers=3
kcat_hidden=("${hidden[@]}" kgate-e2e.invalid)

# ---- 5. metadata through kgate names only gateway addresses ----
t=$(date +%s)
status=0
# The control: asked directly, a broker names its internal, unresolvable address.
if timeout 30 kcat -L -b "127.0.0.1:$(kafka_client_port 1)" -m 15 >"$run/5.direct" 2>&1 &&
  grep -q "kafka-1.kgate-e2e.invalid:$(kafka_client_port 1)" "$run/5.direct"; then
  echo "direct kcat -L: OK the broker itself advertises $(kafka_advertised 1)" >"$run/5.summary"
else
  echo "direct kcat -L: FAILED the broker does not advertise $(kafka_advertised 1): $(head -n 5 "$run/5.direct")" >"$run/5.summary"
  status=1
fi
check_kcat_brokers "$run/5.kcat" "$run/5.kcat.summary" || status=1
report "5. kcat -L through kgate lists only gateway addresses" "$status" "$t" "$run/5.summary" "$run/5.kcat.summary"

# ---- 1. 200,000 idempotent messages, a 3-member group ----
t=$(date +%s)
status=0
"$e2e" produce --label idempotent "${common[@]}" --topic e2e-orders --run-id "k1-$$" --count "$SCENARIO1_COUNT" \
  --timeout-s 300 >"$run/1.produce" 2>"$run/1.produce.err" || status=1
if [[ $status -eq 0 ]]; then
  "$e2e" consume --label group3 "${common[@]}" --topic e2e-orders --run-id "k1-$$" --group "e2e-group3-$$" \
    --consumers 3 --expect "$SCENARIO1_COUNT" --timeout-s 240 >"$run/1.consume" 2>"$run/1.consume.err" || status=1
fi
# The topic the producer created: 12 partitions, each on all three brokers.
check_kcat_brokers "$run/1.kcat" "$run/1.kcat.summary" -t e2e-orders || status=1
partitions=$(grep -cE '^ +partition [0-9]+, leader [1-3], replicas: [1-3],[1-3],[1-3], isrs' "$run/1.kcat" || true)
if [[ $partitions -eq 12 ]]; then
  echo "topic e2e-orders: OK 12 partitions with 3 replicas each" >>"$run/1.kcat.summary"
else
  echo "topic e2e-orders: FAILED $partitions partitions with 3 replicas, 12 expected" >>"$run/1.kcat.summary"
  status=1
fi
report "1. $SCENARIO1_COUNT idempotent acks=all messages, 12 partitions x 3 replicas, 3-member group" "$status" "$t" \
  "$run/1.produce" "$run/1.consume" "$run/1.kcat.summary"

# ---- 3. transactions ----
t=$(date +%s)
status=0
txn_count=6000
"$e2e" txn-produce --label txn "${common[@]}" --topic e2e-txn --run-id "k3-$$" --count "$txn_count" \
  --batch 500 --abort-every 3 --timeout-s 180 >"$run/3.produce" 2>"$run/3.produce.err" || status=1
aborted=$(sed -nE 's/.* ([0-9]+) aborted in [0-9]+ transactions.*/\1/p' "$run/3.produce")
[[ $aborted =~ ^[0-9]+$ && $aborted -gt 0 ]] || { echo "txn-produce: FAILED no aborted count in its summary" >>"$run/3.produce"; status=1; aborted=0; }
if [[ $status -eq 0 ]]; then
  "$e2e" consume --label read-committed "${common[@]}" --topic e2e-txn --run-id "k3-$$" --group "e2e-rc-$$" \
    --isolation read_committed --expect "$txn_count" --expect-foreign 0 --timeout-s 120 \
    >"$run/3.committed" 2>"$run/3.committed.err" || status=1
  "$e2e" consume --label read-uncommitted "${common[@]}" --topic e2e-txn --run-id "k3-$$" --group "e2e-ru-$$" \
    --isolation read_uncommitted --expect "$txn_count" --expect-foreign "$aborted" --timeout-s 120 \
    >"$run/3.uncommitted" 2>"$run/3.uncommitted.err" || status=1
fi
report "3. transactions: read_committed sees exactly the committed messages" "$status" "$t" \
  "$run/3.produce" "$run/3.committed" "$run/3.uncommitted"

# ---- 4. a broker killed mid-stream and restarted ----
t=$(date +%s)
status=0
victim=2
fault_count=60000
"$e2e" produce --label broker-kill "${common[@]}" --topic e2e-kill --run-id "k4-$$" --count "$fault_count" \
  --duration-ms 45000 --timeout-s 240 --started-file "$run/4.started" >"$run/4.produce" 2>"$run/4.produce.err" &
producer_pid=$!
bg_pids+=("$producer_pid")
wait_until "$READY_WAIT_S" "$producer_pid" "broker-kill producer" test -e "$run/4.started"
sleep 4
log_mark=$(wc -l <"$run/kgate.log")
kafka_broker_kill "$victim"
killed_at=$(date +%s)
kill_offset=$((killed_at - t))
sleep 6
# The restart must happen mid-stream, or the scenario proves less than it says. Whether the
# node is fully back before the producer ends depends on the machine's speed (log recovery
# after SIGKILL), so that part is only reported.
if ! alive "$producer_pid"; then
  echo "faults: FAILED the producer had finished before node $victim was restarted (lengthen --duration-ms)" >>"$run/4.faults"
  status=1
fi
kafka_broker_start "$victim"
kafka_broker_wait "$victim" "$CLUSTER_WAIT_S"
producer_state="still running"
alive "$producer_pid" || producer_state="already finished"
echo "faults: node $victim SIGKILLed $kill_offset s into the run, restarted 6 s later, back in $(elapsed_since "$killed_at") s after the kill; producer $producer_state then" >>"$run/4.faults"
wait "$producer_pid" || status=1
bg_pids=()
"$e2e" consume --label after-kill "${common[@]}" --topic e2e-kill --run-id "k4-$$" --group "e2e-kill-$$" \
  --consumers 2 --expect "$fault_count" --timeout-s 180 >"$run/4.consume" 2>"$run/4.consume.err" || status=1
# kgate noticed: a line about the killed node's address after the kill.
if tail -n +"$((log_mark + 1))" "$run/kgate.log" | grep -E "(warn|info|error)" | grep -qF "127.0.0.1:$(kafka_client_port "$victim")"; then
  echo "kgate log: OK $(tail -n +"$((log_mark + 1))" "$run/kgate.log" | grep -F "127.0.0.1:$(kafka_client_port "$victim")" | head -n 1)" >"$run/4.log.summary"
else
  echo "kgate log: FAILED no line about node $victim (127.0.0.1:$(kafka_client_port "$victim")) after it was killed" >"$run/4.log.summary"
  status=1
fi
alive "$kgate_pid" || { echo "kgate: FAILED it exited" >>"$run/4.log.summary"; status=1; }
check_kcat_brokers "$run/4.kcat" "$run/4.kcat.summary" || status=1
report "4. node $victim SIGKILLed and restarted while $fault_count idempotent messages are produced" "$status" "$t" \
  "$run/4.faults" "$run/4.produce" "$run/4.consume" "$run/4.log.summary" "$run/4.kcat.summary"

# ---- 5b. every response naming brokers, asked raw through kgate ----
# After the others, so the group and transaction coordinators exist and node 2 is back.
t=$(date +%s)
status=0
python3 "$here/address_leak_check.py" "$kgate" "$gateway" "$((base + 9))-$gateway_last" "$run" "$hidden_list" \
  >"$run/5b.out" 2>&1 || status=1
report "5b. Metadata, FindCoordinator, DescribeCluster, DescribeQuorum through kgate name only gateway addresses" \
  "$status" "$t" "$run/5b.out"

# ---- 6. kgate restarted on its state while a producer runs ----
t=$(date +%s)
status=0
restart_count=20000
"$e2e" produce --label kgate-restart "${common[@]}" --topic e2e-restart --run-id "k6-$$" --count "$restart_count" \
  --duration-ms 15000 --timeout-s 180 --started-file "$run/6.started" >"$run/6.produce" 2>"$run/6.produce.err" &
producer_pid=$!
bg_pids+=("$producer_pid")
wait_until "$READY_WAIT_S" "$producer_pid" "kgate-restart producer" test -e "$run/6.started"
sleep 3
stop_process "$kgate_pid"
kgate_pid=
if [[ $stopped_status -ne 0 ]]; then
  echo "kgate: FAILED exit status $stopped_status after SIGTERM" >"$run/6.restart"
  status=1
fi
start_kgate "$run/kgate-2.log"
if grep -q "restored 3 broker routes" "$run/kgate-2.log"; then
  echo "kgate: OK stopped and restarted mid-stream, $(grep -o 'restored 3 broker routes' "$run/kgate-2.log")" >>"$run/6.restart"
else
  echo "kgate: FAILED the restarted kgate did not restore its 3 broker routes" >>"$run/6.restart"
  status=1
fi
alive "$producer_pid" || { echo "faults: FAILED the producer had finished before kgate was back" >>"$run/6.restart"; status=1; }
wait "$producer_pid" || status=1
bg_pids=()
"$e2e" consume --label after-restart "${common[@]}" --topic e2e-restart --run-id "k6-$$" --group "e2e-restart-$$" \
  --expect "$restart_count" --timeout-s 120 >"$run/6.consume" 2>"$run/6.consume.err" || status=1
# The same gateway addresses as before the restart (clients keep what they were told).
check_kcat_brokers "$run/6.kcat" "$run/6.kcat.summary" || status=1
# (Only "broker N at ADDRESS": which one is the controller may have changed meanwhile.)
if [[ $(grep -oE '^ +broker [0-9]+ at [^ ]+' "$run/6.kcat" | sort) != "$(grep -oE '^ +broker [0-9]+ at [^ ]+' "$run/5.kcat" | sort)" ]]; then
  echo "kcat -L: FAILED the gateway addresses changed across the restart" >>"$run/6.kcat.summary"
  status=1
fi
report "6. kgate restarted on its state while $restart_count idempotent messages are produced" "$status" "$t" \
  "$run/6.restart" "$run/6.produce" "$run/6.consume" "$run/6.kcat.summary"

# ---- 7. hostile clients beside an honest producer, against a kgate with small budgets ----
t=$(date +%s)
status=0
hostile_gateway=127.0.0.1:$((base + 15))
hostile_http=127.0.0.1:$((base + 20))
request_budget=$((32 * 1024 * 1024))
response_budget=$((16 * 1024 * 1024))
kafka_kgate_config "$run/kgate-hostile.yaml" "$hostile_gateway" "$((base + 16))" "$((base + 19))" "$hostile_http"
sed -i "s|^state-dir: .*|state-dir: $run/kgate-hostile-state|" "$run/kgate-hostile.yaml"
{
  echo "request-memory-budget: $request_budget"
  echo "response-memory-budget: $response_budget"
  echo "connections-max-idle-ms: 3000"
  echo "frame-grace-ms: 2000"
} >>"$run/kgate-hostile.yaml"
timeout --foreground -s KILL 300 "$kgate" serve --config "$run/kgate-hostile.yaml" >"$run/kgate-hostile.log" 2>&1 &
hostile_pid=$!
bg_pids+=("$hostile_pid")
wait_until "$READY_WAIT_S" "$hostile_pid" "kgate (hostile)" grep -qs "ready: 3 brokers" "$run/kgate-hostile.log"
hostile_kgate=$(pgrep -P "$hostile_pid" -x kgate || true)
hostile_common=(--bootstrap "$hostile_gateway" --gateway-ports "$((base + 15))-$((base + 19))" --upstream "$hidden_list")
hostile_count=30000
"$e2e" produce --label hostile "${hostile_common[@]}" --topic e2e-hostile --run-id "k7-$$" --count "$hostile_count" \
  --duration-ms 55000 --timeout-s 240 --started-file "$run/7.started" >"$run/7.produce" 2>"$run/7.produce.err" &
producer_pid=$!
bg_pids+=("$producer_pid")
wait_until "$READY_WAIT_S" "$producer_pid" "hostile-run producer" test -e "$run/7.started"
if [[ -z $hostile_kgate ]]; then
  echo "kgate: FAILED cannot find the process of the second kgate" >"$run/7.attacks"
  status=1
else
  # noread fetches scenario 1's topic: megabytes in each partition, answers to pile up.
  python3 "$here/hostile_clients.py" "$hostile_gateway" "$hostile_http" "$hostile_kgate" e2e-orders \
    "$request_budget" "$response_budget" >"$run/7.attacks" 2>"$run/7.attacks.err" || status=1
fi
wait "$producer_pid" || status=1
"$e2e" consume --label after-hostile "${hostile_common[@]}" --topic e2e-hostile --run-id "k7-$$" \
  --group "e2e-hostile-$$" --expect "$hostile_count" --timeout-s 120 >"$run/7.consume" 2>"$run/7.consume.err" || status=1
stop_process "$hostile_pid"
((stopped_status == 0)) || { echo "kgate: FAILED the second kgate exited $stopped_status on SIGTERM" >>"$run/7.attacks"; status=1; }
if grep -qi critical "$run/kgate-hostile.log"; then
  echo "kgate: FAILED the second kgate logged: $(grep -hi critical "$run/kgate-hostile.log" | head -n 3)" >>"$run/7.attacks"
  status=1
fi
bg_pids=()
report "7. hostile clients against a kgate with 32 MiB and 16 MiB budgets while $hostile_count idempotent messages are produced" \
  "$status" "$t" "$run/7.attacks" "$run/7.produce" "$run/7.consume"

# ---- shutdown ----
report_kgate_stop "$run" "$run"/kgate.log "$run"/kgate-2.log

if [[ ${#failures[@]} -ne 0 ]]; then
  echo "kafka_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "kafka_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
