#!/usr/bin/env bash
# End-to-end tests of `kgate serve` in front of a real 2-broker KoP (Kafka-on-Pulsar) cluster
# (cluster.sh): kgate is given the brokers as bootstrap servers only, discovers them by their
# KoP node ids (Murmur3 hashes) and every client goes through it. The brokers advertise
# localhost:PORT, which no client may ever be told.
#   1. kcat -L through kgate names gateway addresses only (asked directly, a broker names its own)
#   2. librdkafka (kgate-e2e): idempotent producer into an 8-partition topic led by both brokers,
#      read back by a 2-member group: nothing lost or duplicated
#   3. Java kafka-clients 4.4.0 directly against KoP fails (KoP closes the connection on
#      ApiVersions v4), the control for 4
#   4. Java kafka-clients 2.6.0 and 4.4.0 through kgate (tests/e2e/java/run_java_e2e.sh):
#      producer, 2-member group, AdminClient; 4.4.0 works because kgate answers ApiVersions
#   5. transactions: read_committed sees exactly the committed messages, read_uncommitted the
#      aborted ones too
#   6. KoP's quirks smoothed by kgate (broker-kind: kop; kop_quirks_check.sh)
#   7. one broker stopped while an idempotent producer runs (broker_stop.sh): nothing lost or
#      duplicated; kcat -L, /routes, ListBrokers and /metrics follow
# Then kgate must stop on SIGTERM with status 0.
#
#   run_kop_e2e.sh KGATE E2E_BINARY WORKDIR
#
# The KoP handler is not published where Maven can fetch it: the test finds it through
# KGATE_KOP_NAR (the path of pulsar-protocol-handler-kafka-3.1.1.1.nar, checked against the
# .sha256 file beside it when there is one). Without KGATE_KOP_NAR it says so and exits 77,
# which ctest reports as skipped; with KGATE_KOP_REQUIRED=1 (.ci/run sets it when it finds the
# NAR) a skip is a failure. The Pulsar jars come from fetch_pulsar.sh (scripts/setup runs it
# when KGATE_KOP_NAR is set); without them the test fails saying so. Ports: 18100-18116 unless
# KGATE_KOP_E2E_PORT_BASE says otherwise (the other tests pick theirs in 20000-32000). Logs stay
# in a run directory under WORKDIR when anything fails or KGATE_E2E_KEEP=1.
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

readonly PROCESS_LIMIT_S=1020  # every JVM's and kgate's own bound, below the ctest timeout
readonly CLUSTER_WAIT_S=240
readonly READY_WAIT_S=60
readonly STOP_WAIT_S=30
readonly COUNT=${KGATE_KOP_E2E_COUNT:-20000}
readonly PORT_BASE=${KGATE_KOP_E2E_PORT_BASE:-18100}

die() {
  echo "kop_e2e: FAILED: $*" >&2
  exit 1
}

# shellcheck source=tests/e2e/kop/kop_e2e_common.sh
source "$here/kop_e2e_common.sh"
kop_handler_or_skip kop_e2e
kop_pulsar_libs_or_die
kop_tools_or_die "$kgate" "$e2e" java mvn kcat ss timeout

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
kgate_pid=
failures=()
started_at=$(date +%s)

# alive, stop_process, wait_until, report; then the cluster functions.
# shellcheck source=tests/integration/process_helpers.sh
source "$here/../../integration/process_helpers.sh"
KOP_PROCESS_LIMIT_S=$PROCESS_LIMIT_S
# shellcheck source=tests/e2e/kop/cluster.sh
source "$here/cluster.sh"

trap 'kop_e2e_cleanup kop_e2e' EXIT
trap 'exit 130' INT TERM

# The librdkafka clients run on the newest librdkafka the project pins (current_librdkafka.sh).
# shellcheck source=tests/e2e/current_librdkafka.sh
source "$here/../current_librdkafka.sh"
e2e=$(current_librdkafka_wrapper "$e2e" "$run/client") || die "cannot run kgate-e2e on the pinned librdkafka"
echo "kop_e2e: librdkafka clients on $("$e2e" version)"

# Build both Java client versions before any broker starts: a build failure costs no cluster.
# shellcheck source=tests/e2e/java/versions.sh
source "$here/../java/versions.sh"
for version in "${JAVA_E2E_CLIENT_VERSIONS[@]}"; do
  "$here/../java/build_java_e2e.sh" "$version" "$run/java/kafka-clients-$version" >/dev/null ||
    die "cannot build the Java scenarios against kafka-clients $version"
done

# ---- ports: the cluster's 8, then the gateway's bootstrap, 4 broker listeners, HTTP, admin ----
gateway=127.0.0.1:$((PORT_BASE + 10))
gateway_first=$((PORT_BASE + 11))
gateway_last=$((PORT_BASE + 14))
for port in $(seq $((PORT_BASE + 10)) $((PORT_BASE + 16))); do
  if ss -Hltn "sport = :$port" | grep -q .; then die "port $port, which kgate needs here, is in use"; fi
done

t=$(date +%s)
kop_cluster_init "$run/kop" "$PORT_BASE" "$KOP_PULSAR_LIBS" "$KOP_HANDLER"
kop_cluster_start "$CLUSTER_WAIT_S"
echo "kop_e2e: cluster up in $(elapsed_since "$t") s"

# What no client may ever be told: the advertised names and every port the cluster listens on.
hidden=()
for n in 1 2; do hidden+=("$(kop_advertised "$n")"); done
for port in $(kop_listen_ports); do hidden+=("127.0.0.1:$port"); done
hidden_list=$(IFS=,; echo "${hidden[*]}")

# ---- kgate: bootstrap from both brokers, every node discovered (no override: localhost resolves) ----
cat >"$run/kgate.yaml" <<YAML
upstream: [127.0.0.1:$(kop_kafka_port 1), 127.0.0.1:$(kop_kafka_port 2)]
listen: $gateway
broker-ports: $gateway_first-$gateway_last
state-dir: $run/kgate-state
http-listen: 127.0.0.1:$((PORT_BASE + 15))
admin-listen: 127.0.0.1:$((PORT_BASE + 16))
broker-kind: kop
YAML
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/kgate.yaml" >"$run/kgate.log" 2>&1 &
kgate_pid=$!
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" grep -qs "ready: 2 brokers" "$run/kgate.log"
echo "kop_e2e: kgate on $gateway (broker ports $gateway_first-$gateway_last) in front of brokers advertising ${hidden[*]:0:2}"

common=(--bootstrap "$gateway" --gateway-ports "$((PORT_BASE + 10))-$gateway_last" --upstream "$hidden_list")

# kcat -L through the gateway: both brokers at gateway addresses, no broker's own anywhere.
# shellcheck source=tests/e2e/kcat_gateway_check.sh
source "$here/../kcat_gateway_check.sh"
kcat_gateway=$gateway kcat_first=$gateway_first kcat_last=$gateway_last kcat_brokers=2
kcat_hidden=("${hidden[@]}" localhost)

# ---- 1. metadata through kgate names only gateway addresses ----
t=$(date +%s)
status=0
if timeout 30 kcat -L -b "127.0.0.1:$(kop_kafka_port 1)" -m 15 >"$run/1.direct" 2>&1 &&
  grep -qF "at $(kop_advertised 2)" "$run/1.direct"; then
  echo "direct kcat -L: OK the brokers themselves advertise $(grep -oE 'broker -?[0-9]+ at [^ ]+' "$run/1.direct" | tr '\n' ' ')" >"$run/1.summary"
else
  echo "direct kcat -L: FAILED broker 2 is not listed at $(kop_advertised 2): $(head -n 5 "$run/1.direct")" >"$run/1.summary"
  status=1
fi
check_kcat_brokers "$run/1.kcat" "$run/1.kcat.summary" || status=1
# kgate passes KoP's own node ids on: the same two ids directly and through the gateway.
node_ids() { grep -oE '^ +broker -?[0-9]+ at' "$1" | awk '{print $2}' | sort | tr '\n' ' '; }
if [[ $(node_ids "$run/1.direct") == "$(node_ids "$run/1.kcat")" ]]; then
  echo "node ids: OK the same through kgate as from the brokers: $(node_ids "$run/1.kcat")" >>"$run/1.kcat.summary"
else
  echo "node ids: FAILED brokers say $(node_ids "$run/1.direct"), kgate says $(node_ids "$run/1.kcat")" >>"$run/1.kcat.summary"
  status=1
fi
report "1. kcat -L through kgate lists only gateway addresses" "$status" "$t" "$run/1.summary" "$run/1.kcat.summary"

# leaders_by_node FILE: "node=partitions ..." from kcat -L -t output.
leaders_by_node() {
  sed -nE 's/^ +partition [0-9]+, leader (-?[0-9]+),.*/\1/p' "$1" | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}'
}

# ---- 2. librdkafka: idempotent producer, 2-member group ----
t=$(date +%s)
status=0
"$e2e" produce --label idempotent "${common[@]}" --topic e2e-kop --run-id "p2-$$" --count "$COUNT" \
  --timeout-s 240 >"$run/2.produce" 2>"$run/2.produce.err" || status=1
# The topic the producer created by using it: 8 partitions, led by both brokers.
check_kcat_brokers "$run/2.kcat" "$run/2.kcat.summary" -t e2e-kop || status=1
leaders=$(leaders_by_node "$run/2.kcat")
if [[ $(grep -cE '^ +partition [0-9]+, leader' "$run/2.kcat") -eq 8 && $(wc -w <<<"$leaders") -eq 2 ]]; then
  echo "topic e2e-kop: OK 8 partitions, leaders per node: $leaders" >>"$run/2.kcat.summary"
else
  echo "topic e2e-kop: FAILED 8 partitions led by both brokers expected; leaders per node: ${leaders:-none}" >>"$run/2.kcat.summary"
  status=1
fi
if [[ $status -eq 0 ]]; then
  "$e2e" consume --label group2 "${common[@]}" --topic e2e-kop --run-id "p2-$$" --group "kop-group2-$$" \
    --consumers 2 --expect "$COUNT" --timeout-s 240 >"$run/2.consume" 2>"$run/2.consume.err" || status=1
fi
report "2. librdkafka: $COUNT idempotent messages, 8 partitions on both brokers, 2-member group" "$status" "$t" \
  "$run/2.produce" "$run/2.kcat.summary" "$run/2.consume"

# ---- 3. Java kafka-clients 4.4.0 cannot talk to KoP directly ----
t=$(date +%s)
status=0
latest=${JAVA_E2E_CLIENT_VERSIONS[-1]}
# How often the brokers logged that they cannot parse an ApiVersions request (v4 and later).
refusals() { cat "$run"/kop/broker-*/out.log | grep -cE 'API_VERSIONS protocol does not support version [4-9]' || true; }
before=$(refusals)
if timeout -s KILL 90 java -Xmx128m -cp "$(cat "$run/java/kafka-clients-$latest/classpath.txt")" dev.kgate.e2e.JavaE2e \
     --scenarios admin --bootstrap "127.0.0.1:$(kop_kafka_port 1)" --gateway-ports "$(kop_kafka_port 1)-$(kop_kafka_port 1)" \
     --run-id "direct-$$" --timeout-s 20 >"$run/3.out" 2>&1; then
  echo "direct kafka-clients $latest: FAILED it worked against KoP without kgate, so scenario 4 proves nothing about kgate" >"$run/3.summary"
  status=1
elif [[ $(refusals) -gt $before ]]; then
  echo "direct kafka-clients $latest: OK it fails ($(grep -m 1 -oE 'FAILED: .{0,100}' "$run/3.out" || echo 'no answer')); KoP logged: $(cat "$run"/kop/broker-*/out.log | grep -m 1 -oE 'API_VERSIONS protocol does not support version [0-9]+')" >"$run/3.summary"
else
  echo "direct kafka-clients $latest: FAILED it failed, but not on ApiVersions: $(grep -v '^SLF4J' "$run/3.out" | tail -n 3)" >"$run/3.summary"
  status=1
fi
report "3. Java kafka-clients $latest directly against KoP fails on ApiVersions (the control)" "$status" "$t" "$run/3.summary"

# ---- 4. Java kafka-clients through kgate ----
# KoP acts on DeleteTopics only from v6 (2.6.0 sends v4); kgate asks v6 (broker-kind: kop).
t=$(date +%s)
status=0
for version in "${JAVA_E2E_CLIENT_VERSIONS[@]}"; do
  JAVA_E2E_VERSIONS=$version "$here/../java/run_java_e2e.sh" "$gateway" "$gateway_first-$gateway_last" "$run/java" \
    --count "$COUNT" --consumers 2 --partitions 8 --replication-factor 1 --timeout-s 180 \
    --hidden "$hidden_list" >>"$run/4.out" 2>&1 || status=1
done
report "4. Java kafka-clients ${JAVA_E2E_CLIENT_VERSIONS[*]} through kgate: producer, 2-member group, AdminClient" \
  "$status" "$t" "$run/4.out"

# ---- 5. transactions ----
t=$(date +%s)
status=0
txn_count=3000
"$e2e" txn-produce --label txn "${common[@]}" --topic e2e-kop-txn --run-id "p5-$$" --count "$txn_count" \
  --batch 500 --abort-every 3 --timeout-s 180 >"$run/5.produce" 2>"$run/5.produce.err" || status=1
aborted=$(sed -nE 's/.* ([0-9]+) aborted in [0-9]+ transactions.*/\1/p' "$run/5.produce")
[[ $aborted =~ ^[0-9]+$ && $aborted -gt 0 ]] || { echo "txn-produce: FAILED no aborted count in its summary" >>"$run/5.produce"; status=1; aborted=0; }
if [[ $status -eq 0 ]]; then
  "$e2e" consume --label read-committed "${common[@]}" --topic e2e-kop-txn --run-id "p5-$$" --group "kop-rc-$$" \
    --isolation read_committed --expect "$txn_count" --expect-foreign 0 --timeout-s 120 \
    >"$run/5.committed" 2>"$run/5.committed.err" || status=1
  "$e2e" consume --label read-uncommitted "${common[@]}" --topic e2e-kop-txn --run-id "p5-$$" --group "kop-ru-$$" \
    --isolation read_uncommitted --expect "$txn_count" --expect-foreign "$aborted" --timeout-s 120 \
    >"$run/5.uncommitted" 2>"$run/5.uncommitted.err" || status=1
fi
report "5. transactions: read_committed sees exactly the committed messages" "$status" "$t" \
  "$run/5.produce" "$run/5.committed" "$run/5.uncommitted"

# ---- 6. KoP's quirks smoothed: ApiVersions, one controller, all-topics OffsetFetch ----
t=$(date +%s)
status=0
"$here/kop_quirks_check.sh" "$gateway" "127.0.0.1:$((PORT_BASE + 15))" "127.0.0.1:$(kop_kafka_port 1),127.0.0.1:$(kop_kafka_port 2)" \
  "kop-group2-$$" e2e-kop 8 >"$run/6.out" 2>&1 || status=1
report "6. KoP quirks smoothed by kgate (broker-kind: kop)" "$status" "$t" "$run/6.out"

# ---- 7. a broker stopped mid-stream (broker_stop.sh); last: it leaves one broker ----
# shellcheck source=tests/e2e/kop/broker_stop.sh
source "$here/broker_stop.sh"
kop_broker_stop_scenario

# ---- shutdown ----
report_kgate_stop "$run" "$run/kgate.log"

if [[ ${#failures[@]} -ne 0 ]]; then
  echo "kop_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "kop_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
