# shellcheck shell=bash
# A 3-node Apache Kafka KRaft cluster on loopback for the end-to-end tests, as functions to
# source (after tests/integration/process_helpers.sh, and with die() and STOP_WAIT_S defined).
#
# Every node is broker and controller at once (a 3-voter controller quorum). Each has three
# listeners, all bound to 127.0.0.1:
#   CLIENT       port P   what kgate talks to. It ADVERTISES kafka-N.kgate-e2e.invalid:P, a
#                         name that resolves nowhere (.invalid is reserved for that): like a
#                         broker behind a NAT or in Kubernetes, its address is internal. A
#                         client that was ever handed it could not connect at all, so clients
#                         only succeed through kgate, which reaches node N at 127.0.0.1:P by
#                         an override (the "the broker says X, reach it at Y" setting).
#   REPLICATION  port R   between brokers (they must reach each other), and the readiness probe.
#   CONTROLLER   port C   the KRaft quorum.
# Nothing is advertised on 127.0.0.1 to clients of the CLIENT listener, unless the sourcing
# script sets KAFKA_ADVERTISE_HOST (the benchmark does, KAFKA_ADVERTISE_HOST=127.0.0.1): then
# CLIENT advertises that host with port P, so clients reach the brokers without kgate too.
#
#   kafka_cluster_init DIR FIRST_PORT LIBS   configure and format (uses FIRST_PORT..FIRST_PORT+8)
#   kafka_cluster_start [WAIT_S]             start all three, wait until each sees all three
#   kafka_broker_start N / kafka_broker_kill N (SIGKILL) / kafka_broker_wait N WAIT_S
#   kafka_cluster_stop                       SIGTERM (SIGKILL after STOP_WAIT_S) every node
#   kafka_client_port N, kafka_advertised N, kafka_log N
# KAFKA_EXTRA_CONFIG, if set, is appended to every node's server.properties (the benchmark bounds
# its disk use with it); by default nothing is.
# KAFKA_SASL_USERS="NAME:PASSWORD ..." makes CLIENT a SASL_PLAINTEXT listener taking PLAIN and
# SCRAM-SHA-512 for those users, the same password in both (PLAIN users in the listener's JAAS
# setting, SCRAM credentials written when the storage is formatted). The other listeners stay
# PLAINTEXT, so the readiness probe and replication need no credentials.
# KAFKA_TLS_KEYSTORE=FILE (a PEM private key followed by its certificate chain) makes CLIENT a
# TLS listener (SSL) serving that certificate, Kafka's own PEM keystore: no keytool needed.

KAFKA_E2E_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_NODES=3
KAFKA_HEAP="${KAFKA_HEAP:--Xmx384m -Xms96m}"
# Each broker is bounded in time by itself too, so none outlives a killed test for long.
KAFKA_PROCESS_LIMIT_S="${KAFKA_PROCESS_LIMIT_S:-900}"
KAFKA_DIR=""
KAFKA_FIRST_PORT=0
KAFKA_LIBS=""
KAFKA_PIDS=("" "" "" "")  # by node id, 1-based

kafka_client_port() { echo $((KAFKA_FIRST_PORT + $1 - 1)); }
kafka_replication_port() { echo $((KAFKA_FIRST_PORT + KAFKA_NODES + $1 - 1)); }
kafka_controller_port() { echo $((KAFKA_FIRST_PORT + 2 * KAFKA_NODES + $1 - 1)); }
kafka_advertised() { echo "${KAFKA_ADVERTISE_HOST:-kafka-$1.kgate-e2e.invalid}:$(kafka_client_port "$1")"; }
kafka_log() { echo "$KAFKA_DIR/node-$1/broker.log"; }

# A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (as Kafka's Uuid).
kafka_new_cluster_id() {
  python3 -c '
import base64, uuid
while True:
    s = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not s.startswith("-"):
        print(s)
        break'
}

kafka_write_config() {
  local n=$1 voters="" i
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    voters+="${voters:+,}$i@127.0.0.1:$(kafka_controller_port "$i")"
  done
  cat >"$KAFKA_DIR/node-$n/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=CLIENT://127.0.0.1:$(kafka_client_port "$n"),REPLICATION://127.0.0.1:$(kafka_replication_port "$n"),CONTROLLER://127.0.0.1:$(kafka_controller_port "$n")
advertised.listeners=CLIENT://$(kafka_advertised "$n"),REPLICATION://127.0.0.1:$(kafka_replication_port "$n")
listener.security.protocol.map=CLIENT:$(kafka_client_protocol),REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=REPLICATION
log.dirs=$KAFKA_DIR/node-$n/data
# Topics the producers create on first use: 12 partitions on all three brokers, and a write
# acknowledged (acks=all) only once at least two of them have it.
auto.create.topics.enable=true
num.partitions=12
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=6
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
share.coordinator.state.topic.num.partitions=3
# A group's members start together: the first join waits this long for the others, so
# all of them share the first generation (each must read part of the topic; fewer rebalances).
group.initial.rebalance.delay.ms=3000
# Small: two cores shared with the clients and kgate, bounded heaps.
num.network.threads=2
num.io.threads=2
background.threads=2
num.replica.fetchers=1
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=8388608
log.segment.bytes=8388608
log.retention.ms=3600000
PROPS
  if [[ -n ${KAFKA_SASL_USERS:-} ]]; then kafka_sasl_config >>"$KAFKA_DIR/node-$n/server.properties"; fi
  if [[ -n ${KAFKA_TLS_KEYSTORE:-} ]]; then kafka_tls_config >>"$KAFKA_DIR/node-$n/server.properties"; fi
  if [[ -n ${KAFKA_EXTRA_CONFIG:-} ]]; then echo "$KAFKA_EXTRA_CONFIG" >>"$KAFKA_DIR/node-$n/server.properties"; fi
}

# The CLIENT listener's security protocol: SASL with KAFKA_SASL_USERS, TLS with KAFKA_TLS_KEYSTORE.
kafka_client_protocol() {
  if [[ -n ${KAFKA_TLS_KEYSTORE:-} ]]; then
    echo "${KAFKA_SASL_USERS:+SASL_}SSL"
  else
    echo "${KAFKA_SASL_USERS:+SASL_}PLAINTEXT"
  fi
}

kafka_tls_config() {
  echo "listener.name.client.ssl.keystore.type=PEM"
  echo "listener.name.client.ssl.keystore.location=$KAFKA_TLS_KEYSTORE"
}

kafka_sasl_config() {
  local user plain=""
  for user in $KAFKA_SASL_USERS; do plain+=" user_${user%%:*}=\"${user#*:}\""; done
  echo "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512"
  echo "listener.name.client.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$plain;"
  echo "listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
}

# The SCRAM credentials of KAFKA_SASL_USERS, as StorageTool format's arguments.
kafka_scram_format_args() {
  local user
  for user in ${KAFKA_SASL_USERS:-}; do
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=${user%%:*},password=${user#*:}]"
  done
}

kafka_cluster_init() {
  KAFKA_DIR=$1 KAFKA_FIRST_PORT=$2 KAFKA_LIBS=$3
  [ -s "$KAFKA_LIBS/kafka_2.13-${KAFKA_VERSION:-4.4.0}.jar" ] || die "no Kafka broker jars in $KAFKA_LIBS (run tests/e2e/kafka/fetch_kafka.sh)"
  local id n pids=() status=0 scram=()
  id=$(kafka_new_cluster_id)
  mapfile -t scram < <(kafka_scram_format_args)
  for ((n = 1; n <= KAFKA_NODES; n++)); do
    mkdir -p "$KAFKA_DIR/node-$n"
    kafka_write_config "$n"
    # One cluster id for all three; formatting writes meta.properties and the bootstrap metadata.
    timeout -s KILL 180 java -Xmx128m -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_E2E_HOME/log4j2.xml" \
      kafka.tools.StorageTool format -t "$id" -c "$KAFKA_DIR/node-$n/server.properties" "${scram[@]}" \
      >"$KAFKA_DIR/node-$n/format.log" 2>&1 &
    pids+=($!)
  done
  for ((n = 1; n <= KAFKA_NODES; n++)); do
    wait "${pids[n - 1]}" || status=$?
    ((status == 0)) || die "formatting node $n failed: $(tail -n 20 "$KAFKA_DIR/node-$n/format.log")"
  done
  echo "kafka cluster $id in $KAFKA_DIR: client ports $(kafka_client_port 1)-$(kafka_client_port "$KAFKA_NODES")"
}

kafka_broker_start() {
  local n=$1
  alive "${KAFKA_PIDS[n]}" && die "kafka node $n is already running"
  # `timeout --foreground` passes SIGTERM on to the JVM (a clean shutdown); KAFKA_PIDS holds
  # timeout's pid, the JVM is its only child.
  # shellcheck disable=SC2086 # KAFKA_HEAP holds several JVM flags
  timeout --foreground -s KILL "$KAFKA_PROCESS_LIMIT_S" java $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1 \
    -XX:CICompilerCount=2 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_E2E_HOME/log4j2.xml" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/node-$n/server.properties" >>"$(kafka_log "$n")" 2>&1 &
  KAFKA_PIDS[n]=$!
}

kafka_broker_kill() {
  local n=$1
  alive "${KAFKA_PIDS[n]}" || die "kafka node $n is not running"
  # The JVM itself (timeout's child) dies without a chance to shut down; timeout then exits.
  pkill -KILL -P "${KAFKA_PIDS[n]}" || die "kafka node $n: no JVM under process ${KAFKA_PIDS[n]}"
  wait "${KAFKA_PIDS[n]}" 2>/dev/null || true
  KAFKA_PIDS[n]=""
}

# Ready: the node's own metadata lists every node as an unfenced broker.
kafka_broker_ready() {
  kcat -L -b "127.0.0.1:$(kafka_replication_port "$1")" -m 3 2>/dev/null |
    grep -q " $KAFKA_NODES brokers:"
}

kafka_broker_wait() {
  local n=$1 seconds=$2 i
  for ((i = 0; i < seconds * 2; i++)); do
    kafka_broker_ready "$n" && return 0
    alive "${KAFKA_PIDS[n]}" || die "kafka node $n exited while starting; last lines of $(kafka_log "$n"):
$(tail -n 30 "$(kafka_log "$n")")"
    sleep 0.5
  done
  die "kafka node $n: not ready within $seconds s (its metadata must list $KAFKA_NODES brokers); last lines of $(kafka_log "$n"):
$(tail -n 30 "$(kafka_log "$n")")"
}

kafka_cluster_start() {
  local seconds=${1:-120} n start=$SECONDS
  for ((n = 1; n <= KAFKA_NODES; n++)); do kafka_broker_start "$n"; done
  for ((n = 1; n <= KAFKA_NODES; n++)); do
    kafka_broker_wait "$n" $((seconds - (SECONDS - start) > 1 ? seconds - (SECONDS - start) : 1))
  done
  echo "kafka cluster up in $((SECONDS - start)) s"
}

kafka_cluster_stop() {
  local n i jvms=("" "" "" "")
  for ((n = 1; n <= KAFKA_NODES; n++)); do
    alive "${KAFKA_PIDS[n]}" || continue
    jvms[n]=$(pgrep -P "${KAFKA_PIDS[n]}" || true)
    kill -TERM "${KAFKA_PIDS[n]}" 2>/dev/null || true
  done
  for ((n = 1; n <= KAFKA_NODES; n++)); do
    [ -n "${KAFKA_PIDS[n]}" ] || continue
    stop_process "${KAFKA_PIDS[n]}"
    KAFKA_PIDS[n]=""
    # A JVM still shutting down when its timeout wrapper was SIGKILLed would be left behind,
    # unbounded: kill it too, and wait (bounded) until it is gone.
    if alive "${jvms[n]}"; then
      kill -KILL "${jvms[n]}" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        alive "${jvms[n]}" || break
        sleep 0.1
      done
    fi
  done
}
