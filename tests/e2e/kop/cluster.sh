# shellcheck shell=bash
# A 2-broker KoP (Kafka-on-Pulsar) cluster on loopback for the end-to-end tests, as functions to
# source (after tests/integration/process_helpers.sh, and with die() and STOP_WAIT_S defined).
#
# Four JVMs from the Apache Pulsar jars (fetch_pulsar.sh) and the KoP handler NAR:
#   zookeeper   ZooKeeperServerMain, bound to 127.0.0.1 (Pulsar's standalone starter binds its
#               ZooKeeper to every interface, so it is not used)
#   bookie      one BookKeeper bookie, bound to 127.0.0.1 (listeningInterface=lo)
#   broker-1/2  PulsarBrokerStarter with the KoP handler. Kafka listener on 127.0.0.1:K, which
#               ADVERTISES localhost:K: a name that resolves on the machine the broker runs on,
#               as KoP needs (its transaction markers dial the advertised address), but is not
#               an address a client outside could use. Clients only ever see kgate's addresses.
# Node ids are KoP's: Murmur3 of the advertised host and port ("localhost" + K), not 1 and 2.
#
#   kop_cluster_init DIR FIRST_PORT LIBS NAR   write the configurations (ports FIRST..FIRST+7)
#   kop_cluster_start [WAIT_S]                 start everything, wait until each broker's Metadata
#                                              lists both brokers; on failure, a node's last lines
#   kop_broker_start N; kop_broker_wait N WANT S  broker N again (after it died), until its Metadata
#                                              lists WANT brokers, within S seconds
#   kop_cluster_stop                           SIGTERM (SIGKILL after STOP_WAIT_S), brokers first
#   kop_kafka_port N, kop_advertised N, kop_log NAME, kop_listen_ports (every port it binds)
# KOP_EXTRA_CONFIG, if set, is appended to both brokers' configurations. KOP_LISTENER_PROTOCOL
# (default PLAINTEXT) is the Kafka listeners' security protocol; the array KOP_KCAT_OPTS, if set,
# holds what kcat needs to reach them (SASL settings), for the readiness checks. KOP_BROKER_HEAP and
# KOP_BOOKIE_HEAP, if set, replace those JVMs' memory flags.

KOP_E2E_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KOP_BROKERS=2
KOP_CLUSTER_NAME=kgate-kop
KOP_BROKER_HEAP="${KOP_BROKER_HEAP:--Xms128m -Xmx768m -XX:MaxDirectMemorySize=384m}"
# Enough for the tests; a benchmark writing 150 MB/s needs more direct memory, or the bookie
# exits ("Unable to allocate memory").
KOP_BOOKIE_HEAP="${KOP_BOOKIE_HEAP:--Xms64m -Xmx256m -XX:MaxDirectMemorySize=256m}"
# Each JVM is bounded in time by itself too, so none outlives a killed test for long.
KOP_PROCESS_LIMIT_S="${KOP_PROCESS_LIMIT_S:-1200}"
KOP_DIR=""
KOP_FIRST_PORT=0
KOP_LIBS=""
KOP_NAR_PATH=""
KOP_LISTENER_PROTOCOL="${KOP_LISTENER_PROTOCOL:-PLAINTEXT}"
declare -p KOP_KCAT_OPTS >/dev/null 2>&1 || KOP_KCAT_OPTS=()
declare -A KOP_PIDS=()  # by node name: zookeeper, bookie, broker-1, broker-2

kop_zk_port() { echo "$KOP_FIRST_PORT"; }
kop_bookie_port() { echo $((KOP_FIRST_PORT + 1)); }
kop_pulsar_port() { echo $((KOP_FIRST_PORT + 2 + 3 * ($1 - 1))); }
kop_web_port() { echo $((KOP_FIRST_PORT + 3 + 3 * ($1 - 1))); }
kop_kafka_port() { echo $((KOP_FIRST_PORT + 4 + 3 * ($1 - 1))); }
# KOP_ADVERTISED_N (HOST:PORT), if set, is what broker N advertises instead (the Envoy-per-broker
# recipe: the gateway's address).
kop_advertised() { local set="KOP_ADVERTISED_$1"; echo "${!set:-localhost:$(kop_kafka_port "$1")}"; }
kop_log() { echo "$KOP_DIR/$1/out.log"; }
kop_listen_ports() { seq "$KOP_FIRST_PORT" $((KOP_FIRST_PORT + 1 + 3 * KOP_BROKERS)); }

# What Pulsar's own launcher passes on Java 17: the broker reads platform internals (CPU and NIC
# figures for its load manager) and Netty's direct buffers reflectively.
KOP_JVM_FLAGS=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -XX:CICompilerCount=2
  -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true -Djute.maxbuffer=10485760
  -Dzookeeper.admin.enableServer=false -Dio.netty.tryReflectionSetAccessible=true
  -Dorg.apache.pulsar.shade.io.netty.tryReflectionSetAccessible=true
  --add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/java.util.zip=ALL-UNNAMED
  --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/jdk.internal.platform=ALL-UNNAMED
  --add-opens java.base/sun.net=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

kop_write_configs() {
  local zk n
  zk=127.0.0.1:$(kop_zk_port)
  mkdir -p "$KOP_DIR"/{zookeeper,bookie,protocols} "$KOP_DIR"/bookie/{journal,ledgers}
  ln -sf "$KOP_NAR_PATH" "$KOP_DIR/protocols/$(basename "$KOP_NAR_PATH")"
  cat >"$KOP_DIR/zookeeper/zoo.cfg" <<CFG
tickTime=2000
dataDir=$KOP_DIR/zookeeper/data
clientPort=$(kop_zk_port)
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
CFG
  cat >"$KOP_DIR/bookie/bookie.conf" <<CFG
bookiePort=$(kop_bookie_port)
listeningInterface=lo
allowLoopback=true
advertisedAddress=127.0.0.1
metadataServiceUri=zk://$zk/ledgers
journalDirectories=$KOP_DIR/bookie/journal
ledgerDirectories=$KOP_DIR/bookie/ledgers
httpServerEnabled=false
# A test bookie: no fsync per entry, small caches, and no refusal over a fairly full disk.
journalSyncData=false
ledgerStorageClass=org.apache.bookkeeper.bookie.storage.ldb.DbLedgerStorage
dbStorage_writeCacheMaxSizeMb=32
dbStorage_readAheadCacheMaxSizeMb=32
diskUsageThreshold=0.99
diskUsageWarnThreshold=0.98
CFG
  for ((n = 1; n <= KOP_BROKERS; n++)); do
    mkdir -p "$KOP_DIR/broker-$n/nar"
    cat >"$KOP_DIR/broker-$n/broker.conf" <<CFG
clusterName=$KOP_CLUSTER_NAME
metadataStoreUrl=zk:$zk
configurationMetadataStoreUrl=zk:$zk
bindAddress=127.0.0.1
advertisedAddress=127.0.0.1
brokerServicePort=$(kop_pulsar_port "$n")
webServicePort=$(kop_web_port "$n")
narExtractionDirectory=$KOP_DIR/broker-$n/nar
functionsWorkerEnabled=false
managedLedgerDefaultEnsembleSize=1
managedLedgerDefaultWriteQuorum=1
managedLedgerDefaultAckQuorum=1
managedLedgerCacheSizeMB=64
allowAutoTopicCreation=true
allowAutoTopicCreationType=partitioned
# Topics a client creates by using them get partitions enough to spread over both brokers.
defaultNumPartitions=8
brokerDeleteInactiveTopicsEnabled=false
# This machine reports no NIC speed: without a figure the broker refuses to start.
loadBalancerOverrideBrokerNicSpeedGbps=10
# Both brokers share two cores, so CPU readings say nothing about a broker: at the default
# threshold one seen busy while the other starts is "overloaded" and gets no bundles, and every
# partition leader lands on the other. Shedding off keeps leaders where they are during a test.
loadBalancerBrokerOverloadedThresholdPercentage=1000
loadBalancerSheddingEnabled=false
# KoP, as its documentation sets it up
messagingProtocols=kafka
protocolHandlerDirectory=$KOP_DIR/protocols
brokerEntryMetadataInterceptors=org.apache.pulsar.common.intercept.AppendIndexMetadataInterceptor
kafkaListeners=$KOP_LISTENER_PROTOCOL://127.0.0.1:$(kop_kafka_port "$n")
kafkaAdvertisedListeners=$KOP_LISTENER_PROTOCOL://$(kop_advertised "$n")
# Idempotent and transactional producers (every Java client from 3.0 on) need both: without the
# coordinator KoP drops the connection on InitProducerId and the producer retries forever.
kafkaTransactionCoordinatorEnabled=true
brokerDeduplicationEnabled=true
CFG
    if [[ -n ${KOP_EXTRA_CONFIG:-} ]]; then echo "$KOP_EXTRA_CONFIG" >>"$KOP_DIR/broker-$n/broker.conf"; fi
  done
}

kop_cluster_init() {
  KOP_DIR=$1 KOP_FIRST_PORT=$2 KOP_LIBS=$3 KOP_NAR_PATH=$4
  [ -s "$KOP_LIBS/pulsar-broker-${PULSAR_VERSION:-3.1.0}.jar" ] ||
    die "no Pulsar broker jars in $KOP_LIBS (run tests/e2e/kop/fetch_pulsar.sh)"
  [ -s "$KOP_NAR_PATH" ] || die "no KoP handler at $KOP_NAR_PATH"
  local port
  for port in $(kop_listen_ports); do
    if ss -Hltn "sport = :$port" | grep -q .; then die "port $port, which the KoP cluster needs, is in use"; fi
  done
  kop_write_configs
  echo "kop cluster in $KOP_DIR: ports $KOP_FIRST_PORT-$((KOP_FIRST_PORT + 1 + 3 * KOP_BROKERS)), Kafka listeners $(kop_kafka_port 1) and $(kop_kafka_port 2)"
}

# kop_java NAME HEAP CLASS ARGS...: one JVM in the background, its output in kop_log NAME.
kop_java() {
  local name=$1 heap=$2
  shift 2
  # `timeout --foreground` passes SIGTERM on to the JVM; KOP_PIDS holds timeout's pid.
  # shellcheck disable=SC2086 # heap holds several JVM flags
  (cd "$KOP_DIR/$name" && exec timeout --foreground -s KILL "$KOP_PROCESS_LIMIT_S" java $heap "${KOP_JVM_FLAGS[@]}" \
    -Dlog4j.configurationFile="$KOP_E2E_HOME/log4j2.xml" -cp "$KOP_LIBS/*" "$@") >>"$(kop_log "$name")" 2>&1 &
  KOP_PIDS[$name]=$!
}

kop_fail() {
  die "$1; last lines of $(kop_log "$2"):
$(tail -n 30 "$(kop_log "$2")")"
}

# kop_wait_port NAME PORT SECONDS: until the node accepts connections on 127.0.0.1:PORT.
kop_wait_port() {
  local name=$1 port=$2 seconds=$3 i
  for ((i = 0; i < seconds * 4; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    alive "${KOP_PIDS[$name]}" || kop_fail "kop $name exited while starting" "$name"
    sleep 0.25
  done
  kop_fail "kop $name: port $port not open within $seconds s" "$name"
}

# Ready: the broker's own Kafka Metadata lists WANT brokers (kop_broker_ready N WANT).
kop_broker_ready() {
  local listed
  listed=$(kcat "${KOP_KCAT_OPTS[@]}" -L -b "127.0.0.1:$(kop_kafka_port "$1")" -m 5 2>/dev/null | sed -nE 's/^ ([0-9]+) brokers:$/\1/p')
  [[ ${listed:-0} -ge $2 ]]
}

kop_broker_wait() {
  local n=$1 want=$2 seconds=$3 i
  for ((i = 0; i < seconds; i++)); do
    kop_broker_ready "$n" "$want" && return 0
    alive "${KOP_PIDS[broker-$n]}" || kop_fail "kop broker $n exited while starting" "broker-$n"
    sleep 1
  done
  kop_fail "kop broker $n: its Metadata did not list $want brokers within $seconds s" "broker-$n"
}

# kop_broker_start N: broker N's JVM, in the background (kop_broker_wait says when it serves).
kop_broker_start() {
  kop_java "broker-$1" "$KOP_BROKER_HEAP" org.apache.pulsar.PulsarBrokerStarter --broker-conf "$KOP_DIR/broker-$1/broker.conf"
}

kop_cluster_start() {
  local seconds=${1:-240} start=$SECONDS n
  # What is left of the overall wait, at least a second.
  left() { local l=$((seconds - (SECONDS - start))); echo $((l > 1 ? l : 1)); }
  kop_java zookeeper "-Xms32m -Xmx128m" org.apache.zookeeper.server.ZooKeeperServerMain "$KOP_DIR/zookeeper/zoo.cfg"
  kop_wait_port zookeeper "$(kop_zk_port)" "$(left)"
  # Cluster, tenant and namespace records and BookKeeper's ledger root, once per data directory.
  if ! timeout -s KILL 120 java -Xmx256m "${KOP_JVM_FLAGS[@]}" -Dlog4j.configurationFile="$KOP_E2E_HOME/log4j2.xml" \
       -cp "$KOP_LIBS/*" org.apache.pulsar.PulsarClusterMetadataSetup --cluster "$KOP_CLUSTER_NAME" \
       --metadata-store "zk:127.0.0.1:$(kop_zk_port)" --configuration-metadata-store "zk:127.0.0.1:$(kop_zk_port)" \
       --web-service-url "http://127.0.0.1:$(kop_web_port 1)" --broker-service-url "pulsar://127.0.0.1:$(kop_pulsar_port 1)" \
       >"$KOP_DIR/metadata-setup.log" 2>&1; then
    die "Pulsar cluster metadata setup failed; last lines of $KOP_DIR/metadata-setup.log:
$(tail -n 30 "$KOP_DIR/metadata-setup.log")"
  fi
  kop_java bookie "$KOP_BOOKIE_HEAP" org.apache.bookkeeper.server.Main --conf "$KOP_DIR/bookie/bookie.conf"
  kop_wait_port bookie "$(kop_bookie_port)" "$(left)"
  echo "kop: zookeeper and bookie up in $((SECONDS - start)) s"
  # One after the other: brokers starting together race to create KoP's own namespace
  # (public/__kafka), and the loser shuts down on "Namespace already exists".
  for ((n = 1; n <= KOP_BROKERS; n++)); do
    kop_broker_start "$n"
    kop_broker_wait "$n" 1 "$(left)"
  done
  for ((n = 1; n <= KOP_BROKERS; n++)); do kop_broker_wait "$n" "$KOP_BROKERS" "$(left)"; done
  echo "kop: $KOP_BROKERS brokers up in $((SECONDS - start)) s"
}

kop_cluster_stop() {
  local name jvm i
  local -A jvms=()
  # Brokers first and together (each takes seconds to close its topics), then storage.
  for name in broker-2 broker-1 bookie zookeeper; do
    [ -n "${KOP_PIDS[$name]:-}" ] || continue
    jvms[$name]=$(pgrep -P "${KOP_PIDS[$name]}" || true)
    if [[ $name == broker-* ]]; then kill -TERM "${KOP_PIDS[$name]}" 2>/dev/null || true; fi
  done
  for name in broker-2 broker-1 bookie zookeeper; do
    [ -n "${KOP_PIDS[$name]:-}" ] || continue
    stop_process "${KOP_PIDS[$name]}"
    KOP_PIDS[$name]=""
    # A JVM still shutting down when its timeout wrapper was SIGKILLed would be left behind.
    jvm=${jvms[$name]}
    if alive "$jvm"; then
      kill -KILL "$jvm" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        alive "$jvm" || break
        sleep 0.1
      done
    fi
  done
}
