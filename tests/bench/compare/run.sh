#!/usr/bin/env bash
# kgate side by side with the brokers directly, HAProxy (TCP), grepplabs kafka-proxy and
# Kroxylicious, in one run against one 3-broker cluster: producer and consumer throughput,
# produce latency at fixed rates, round trips with one request in flight (kgate-round-trip-probe),
# all-topics Metadata of a 10,000-partition topic, and proxy memory with idle client connections.
# Prints a markdown table and writes it, the raw results and a PNG chart to OUT_DIR (default
# BUILD_DIR/bench-compare): table.md, results.jsonl and chart.png for the mock brokers,
# table-kafka.md, results-kafka.jsonl and chart-kafka.png for Kafka, table-kop.md,
# results-kop.jsonl and chart-kop.png for KoP.
#
# Usage: tests/bench/compare/run.sh BUILD_DIR [--short] [--throughput-only] [--tls] [--messages N] [--brokers mock|kafka|kop] [--out OUT_DIR]
#   --short: one round, small counts, 100 and 1,000 idle connections (CI; a few minutes).
#   --throughput-only: produce and consume only (throughput, CPU per GB, peak RSS), three rounds
#     even with --short; no latency, round-trip, Metadata or idle-connection workloads. What
#     scripts/test runs against KoP by default.
#   --tls: the clients speak TLS to every proxy (kgate tls-certificate, HAProxy `ssl crt` on its
#     binds, Kroxylicious a gateway key pair; certificates from tests/tls/make_test_certs.sh, the
#     clients verifying them). With --brokers kafka, TLS on both sides: the brokers' client
#     listener is TLS too (cluster.sh KAFKA_TLS_KEYSTORE), the direct clients speak TLS to them
#     and every proxy verifies them against the test CA (kgate upstream-tls, HAProxy `ssl verify
#     required ca-file` on its servers, Kroxylicious a trust store on its target cluster). The mock
#     brokers speak only plaintext, and KoP's are set up without TLS: there the proxies reach
#     them, and the direct runs are made, in plaintext. Produce, consume and round trips only (no latency at fixed rates, Metadata or
#     idle connections); kafka-proxy is left out. Files get -tls in their names.
#   --messages N: records per produce or consume run (default 20,000 with --short, 200,000
#     without); more makes the CPU-per-GB figures finer (the CPU clock ticks every 10 ms).
#   --brokers mock (default): librdkafka's mock cluster (kgate-mock-cluster), topics bench (6
#     partitions) and meta (10,000).
#   --brokers kafka: the 3-node Apache Kafka KRaft cluster of the e2e tests (tests/e2e/kafka/
#     cluster.sh, jars from fetch_kafka.sh), advertising 127.0.0.1 so every target can reach it;
#     topics bench (6 partitions, replication 3) and meta (10,000 partitions, replication 1: three
#     times as many replicas is more than three brokers with bounded heaps on two cores carry).
#   --brokers kop: the 2-broker KoP cluster of the e2e tests (tests/e2e/kop/cluster.sh: the Pulsar
#     jars from fetch_pulsar.sh and the KoP handler named by KGATE_KOP_NAR, without which it fails
#     saying so); the brokers advertise localhost, which every target reaches. Topic bench is
#     created by the first producer (8 partitions, 4 led by each broker). No Metadata workload: a
#     10,000-partition topic is 10,000 Pulsar topics. KoP's fetch answers high watermark -1 when
#     it finds nothing, so a consumer never sees a partition's end: consumers stop at their count,
#     and the topic always holds more records than one consumer run reads.
# Proxies not installed (tests/bench/compare/setup.sh) are left out and named. KGATE_BIN,
# KGATE_MOCK_BIN, KAFKA_PROXY_BIN override binaries; BENCH_TARGETS="direct kgate ..." picks.
#
# Every proxy runs on core 1 only (taskset -c 1) with one worker: kgate --workers 1, HAProxy
# nbthread 1, GOMAXPROCS=1, -XX:ActiveProcessorCount=1. The brokers (mock or Kafka) and the
# clients may use both cores. Timing never fails the run; kgate or the direct path failing a
# workload does, a third-party proxy failing one is reported in the table.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
# shellcheck source=scripts/versions
source "$repo/scripts/versions"
# shellcheck source=tests/bench/compare/versions
source "$here/versions"

die() {
  echo "bench-compare: FAIL: $*" >&2
  exit 1
}
STOP_WAIT_S=10
# shellcheck source=tests/integration/process_helpers.sh
source "$repo/tests/integration/process_helpers.sh"

usage() {
  echo "usage: $0 BUILD_DIR [--short] [--throughput-only] [--tls] [--messages N] [--brokers mock|kafka|kop] [--out OUT_DIR]" >&2
  exit 2
}
[[ $# -ge 1 ]] || usage
build_dir=$1
shift
short=0 throughput_only=0 round_trips=1 tls=0 messages_asked= brokers=mock out_dir=
while [[ $# -gt 0 ]]; do
  case $1 in
    --short) short=1 ;;
    --throughput-only) throughput_only=1 round_trips=0 ;;
    --tls) tls=1 throughput_only=1 ;;
    --messages) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage; messages_asked=$2; shift ;;
    --brokers) [[ $# -ge 2 && ($2 == mock || $2 == kafka || $2 == kop) ]] || usage; brokers=$2; shift ;;
    --out) [[ $# -ge 2 ]] || usage; out_dir=$2; shift ;;
    *) usage ;;
  esac
  shift
done
out_dir=${out_dir:-$build_dir/bench-compare}
# The mock's files keep their names; the other kind's are named after it, so neither overwrites the other.
suffix=
[[ $brokers == mock ]] || suffix=-$brokers
((!tls)) || suffix+=-tls
# TLS between the proxies (and the direct clients) and the brokers: only Kafka's brokers speak it.
brokers_tls=0
((tls)) && [[ $brokers == kafka ]] && brokers_tls=1

if ((short)); then
  rounds=1 messages=20000 lat_seconds=1 lat_warmup=0.5 meta_requests=5 idle_counts=(100 1000)
else
  rounds=3 messages=200000 lat_seconds=5 lat_warmup=1 meta_requests=30 idle_counts=(1000 10000)
fi
messages=${messages_asked:-$messages}
# Throughput alone is quick: three rounds, so each target runs first once (a warm machine favours
# whoever runs later) and the table's medians and spreads mean something.
((!throughput_only)) || rounds=3
size=1024
run_limit=120  # seconds one client run may take
# Round trips per target and round (after a warm-up not measured): a real broker takes a few
# hundred microseconds to answer each, the mock about twenty.
if [[ $brokers == mock ]]; then
  rt_requests=$((short ? 10000 : 20000)) rt_warmup=1000
else
  rt_requests=$((short ? 2000 : 5000)) rt_warmup=300
fi
lat_loads=(25 50 75)

find_bin() {
  local override=$1 name=$2 subdir=$3 candidate
  for candidate in "$override" "$build_dir/$subdir/$name" "$build_dir/$name"; do
    if [[ -n $candidate && -x $candidate ]]; then
      echo "$candidate"
      return
    fi
  done
  die "no $name in $build_dir (looked in $subdir/ too)"
}
kgate=$(find_bin "${KGATE_BIN:-}" kgate gateway)
[[ $brokers == mock ]] && mock=$(find_bin "${KGATE_MOCK_BIN:-}" kgate-mock-cluster tests/tools/mock_cluster)
throughput_bench=$(find_bin "" kgate-throughput-bench tests/bench)
latency_bench=$(find_bin "" kgate-latency-bench tests/bench)
metadata_bench=$(find_bin "" kgate-metadata-bench tests/bench)
round_trip_probe=$(find_bin "" kgate-round-trip-probe tests/bench)

# Each proxy holds two descriptors per client connection (client and broker side); the hard
# limit caps the idle-connection case, which then says how many it could hold.
ulimit -n "$(ulimit -Hn)"
fd_limit=$(ulimit -n)

kroxy_lib="$KGATE_CACHE/kroxylicious-$KROXYLICIOUS_VERSION/lib"
kafka_proxy_bin=${KAFKA_PROXY_BIN:-$KGATE_CACHE/kafka-proxy-$KAFKA_PROXY_VERSION/kafka-proxy}
kroxy_java=java
# The registry's runtime is built for Java 17; a newer JDK is used when Java 17 is not there.
if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|2[0-9])'; then kroxy_java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; fi

targets=()
skipped=()
for t in ${BENCH_TARGETS:-direct kgate haproxy kafka-proxy kroxylicious}; do
  case $t in
    direct | kgate) targets+=("$t") ;;
    haproxy) if command -v haproxy >/dev/null; then targets+=("$t"); else skipped+=("haproxy (not installed)"); fi ;;
    kafka-proxy) if ((tls)); then skipped+=("kafka-proxy (TLS not set up here)"); elif [[ -x $kafka_proxy_bin ]]; then targets+=("$t"); else skipped+=("kafka-proxy (no binary: $kafka_proxy_bin)"); fi ;;
    kroxylicious)
      if [[ -s $kroxy_lib/kroxylicious-runtime-$KROXYLICIOUS_VERSION.jar ]] && command -v "$kroxy_java" >/dev/null; then
        targets+=("$t")
      else
        skipped+=("kroxylicious (not in $kroxy_lib)")
      fi
      ;;
    *) die "unknown target $t" ;;
  esac
done
[[ " ${targets[*]} " == *" direct "* && " ${targets[*]} " == *" kgate "* ]] || die "BENCH_TARGETS must include direct and kgate"

mkdir -p "$out_dir"
work=$(mktemp -d "${TMPDIR:-/tmp}/bench_compare.XXXXXX")
declare -A pid=() bootstrap=() map=()
mock_pid=
cleanup() {
  local t
  for t in "${!pid[@]}"; do stop_process "${pid[$t]}"; done
  [[ -n $mock_pid ]] && stop_process "$mock_pid"
  # Sourced only once the Kafka or KoP brokers start (cluster.sh), so only then there to call.
  if declare -F kafka_cluster_stop >/dev/null; then kafka_cluster_stop; fi
  if declare -F kop_cluster_stop >/dev/null; then kop_cluster_stop; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_logs() {
  local log
  for log in "$work"/*.log "$work"/kafka/node-*/broker.log "$work"/kop/*/out.log; do
    [[ -s $log ]] && { echo "--- $(basename "$log") (last lines)" >&2; tail -n 15 "$log" >&2; }
  done
}
fail() {
  show_logs
  die "$@"
}

# Everything is bounded: the mock (or each Kafka node) exits by itself after the budget, the
# proxies and the Kafka nodes are stopped by cleanup, every client run has a time limit.
budget=$((rounds * 40 * run_limit + 600))
start_mock_brokers() {
  "$mock" --brokers 3 --topic bench:6 --topic meta:10000 --seconds "$budget" --ready-file "$work/ready" \
    >"$work/mock.log" 2>&1 &
  mock_pid=$!
  wait_until 60 "$mock_pid" "mock cluster" test -s "$work/ready"
  direct=$(<"$work/ready")
}

# --tls: one server certificate (127.0.0.1 among its names) for every proxy, and the CA that the
# clients verify it against; with TLS to the brokers, theirs (kafka-broker.pem, 127.0.0.1 too) from
# the same CA.
certs=$work/certs
if ((tls)); then
  "$repo/tests/tls/make_test_certs.sh" "$certs" >"$work/certs.log" 2>&1 || die "making the test certificates failed: $(cat "$work/certs.log")"
  cat "$certs/server.pem" "$certs/server.key" >"$certs/haproxy.pem"
  cat "$certs/kafka-broker.key" "$certs/kafka-broker.pem" >"$certs/broker-keystore.pem"  # Kafka's PEM keystore
fi

# The e2e cluster, but advertising 127.0.0.1: the direct path, HAProxy (through the clients' port
# map, as with the mock) and Kroxylicious need brokers they can reach by what the brokers say.
kafka_libs=$KGATE_CACHE/kafka-broker-$KAFKA_VERSION/libs
broker_setup=
start_kafka_brokers() {
  local start=$SECONDS t
  [[ -s $kafka_libs/kafka_2.13-$KAFKA_VERSION.jar ]] ||
    die "no Apache Kafka $KAFKA_VERSION broker jars in $kafka_libs (run tests/e2e/kafka/fetch_kafka.sh; scripts/setup does)"
  command -v kcat >/dev/null || die "kcat is not installed (the cluster's readiness probe; scripts/setup installs it)"
  KAFKA_ADVERTISE_HOST=127.0.0.1
  KAFKA_PROCESS_LIMIT_S=$budget
  # More heap than the e2e's: 10,000 partitions' logs, indexes and metadata.
  KAFKA_HEAP=${KAFKA_HEAP:--Xmx1g -Xms256m}
  # Disk bounded: every record is kept otherwise, tens of GB over a full run. 128 MiB per partition
  # is more than any workload reads back; retention is checked every 10 s instead of every 5
  # minutes, and a deleted segment's file goes after 1 s instead of a minute.
  KAFKA_EXTRA_CONFIG=$'log.retention.bytes=134217728\nlog.retention.check.interval.ms=10000\nlog.segment.delete.delay.ms=1000'
  ((!brokers_tls)) || KAFKA_TLS_KEYSTORE=$certs/broker-keystore.pem
  # shellcheck source=tests/e2e/kafka/cluster.sh
  source "$repo/tests/e2e/kafka/cluster.sh"
  kafka_cluster_init "$work/kafka" "$(pick_ports 9)" "$kafka_libs" >/dev/null
  kafka_cluster_start 150 >/dev/null
  direct="127.0.0.1:$(kafka_client_port 1),127.0.0.1:$(kafka_client_port 2),127.0.0.1:$(kafka_client_port 3)"
  # The topics are made through the plaintext REPLICATION listeners, whatever CLIENT speaks; the
  # 10,000-partition one only for the Metadata workload.
  local admin_bootstrap="127.0.0.1:$(kafka_replication_port 1)" topics=(bench:6:3) made="bench (6 partitions, replication 3)"
  ((throughput_only)) || topics+=(meta:10000:1) made+=" and meta (10,000, replication 1)"
  t=$SECONDS
  timeout -s KILL 330 java -Xmx256m -Dlog4j2.configurationFile="$repo/tests/e2e/kafka/log4j2.xml" -cp "$kafka_libs/*" \
    "$here/kafka/CreateTopics.java" "$admin_bootstrap" 300 "${topics[@]}" >"$work/topics.log" 2>&1 ||
    fail "creating the topics failed"
  broker_setup="cluster up in $((t - start)) s, client listeners $( ((brokers_tls)) && echo TLS || echo plaintext), topics $made made in $((SECONDS - t)) s"
}

# KoP: the e2e tests' 2-broker cluster, as it is (it advertises localhost, which resolves here).
start_kop_brokers() {
  local start=$SECONDS pulsar_libs=$KGATE_CACHE/pulsar-broker-$PULSAR_VERSION/libs
  [[ -n ${KGATE_KOP_NAR:-} ]] ||
    die "--brokers kop needs KGATE_KOP_NAR, the path of the KoP protocol handler (pulsar-protocol-handler-kafka-3.1.1.1.nar), which no registry serves (tests/e2e/kop/README.md)"
  [[ -s $KGATE_KOP_NAR ]] || die "KGATE_KOP_NAR=$KGATE_KOP_NAR: no such file"
  [[ -s $pulsar_libs/pulsar-broker-$PULSAR_VERSION.jar ]] ||
    die "no Apache Pulsar $PULSAR_VERSION jars in $pulsar_libs (run tests/e2e/kop/fetch_pulsar.sh; scripts/setup does when KGATE_KOP_NAR is set)"
  command -v kcat >/dev/null || die "kcat is not installed (the cluster's readiness probe; scripts/setup installs it)"
  KOP_PROCESS_LIMIT_S=$budget
  # Records stay readable for the whole run: no ledger of the bench topic is trimmed while a
  # later consumer run may still read it (KoP's readers hold no Pulsar subscription).
  KOP_EXTRA_CONFIG=$'defaultRetentionTimeInMinutes=120\ndefaultRetentionSizeInMB=4096'
  kop_cluster_init "$work/kop" "$(pick_ports 8)" "$pulsar_libs" "$(realpath "$KGATE_KOP_NAR")" >/dev/null
  kop_cluster_start 240 >/dev/null
  direct="127.0.0.1:$(kop_kafka_port 1),127.0.0.1:$(kop_kafka_port 2)"
  kop_node_ids=$(kcat -L -b "$direct" -m 15 2>/dev/null | sed -nE 's/^ +broker (-?[0-9]+) at .*/\1/p' | sort -n | tr '\n' ' ')
  [[ $(wc -w <<<"$kop_node_ids") -eq 2 ]] || fail "the KoP brokers' node ids could not be read (kcat -L: ${kop_node_ids:-none})"
  broker_setup="KoP 3.1.1.1 on Apache Pulsar $PULSAR_VERSION, 2 brokers, cluster up in $((SECONDS - start)) s"
}
# More memory than in the e2e tests: at 150 MB/s the bookie ran out of its 256 MiB of direct
# memory and exited; the brokers get twice theirs too.
KOP_BOOKIE_HEAP=${KOP_BOOKIE_HEAP:--Xms128m -Xmx512m -XX:MaxDirectMemorySize=1g}
KOP_BROKER_HEAP=${KOP_BROKER_HEAP:--Xms128m -Xmx768m -XX:MaxDirectMemorySize=768m}
# Sourced here, not in start_kop_brokers: it declares the table of the cluster's processes, which
# a function would make local, and the cleanup could then stop nothing.
# shellcheck source=tests/e2e/kop/cluster.sh
[[ $brokers == kop ]] && source "$repo/tests/e2e/kop/cluster.sh"
"start_${brokers}_brokers"
IFS=, read -r -a broker_addrs <<<"$direct"
bootstrap[direct]=$direct
map[direct]=

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# with_tls TARGET: the client's TLS options for that target (none without --tls, none for direct
# unless the brokers speak TLS).
with_tls() { ((tls)) && { [[ $1 != direct ]] || ((brokers_tls)); } && echo "--ssl-ca $certs/ca.pem"; return 0; }

# Each start_* sets pid[T], bootstrap[T] and map[T] (the client-side port map, HAProxy only).
# The idle-connection workload opens up to 10,000 connections from one address: kgate's connection
# limits (2,000 per address by default) are lifted, as the other proxies have none here.
start_kgate() {
  local base=$1 tls_options=()
  ((!tls)) || tls_options=(--tls-certificate "$certs/server.pem" --tls-key "$certs/server.key")
  if ((brokers_tls)); then
    printf 'upstream-tls:\n  ca: %s\n' "$certs/ca.pem" >"$work/kgate-upstream-tls.yaml"
    tls_options+=(--config "$work/kgate-upstream-tls.yaml")
  fi
  taskset -c 1 "$kgate" serve --upstream "$direct" --listen "127.0.0.1:$base" \
    --broker-ports "$((base + 1))-$((base + 8))" --state-dir "$work/kgate-state" --workers 1 --http-listen off --admin-listen off \
    --max-connections 0 --max-connections-per-address 0 "${tls_options[@]}" >"$work/kgate.log" 2>&1 &
  pid[kgate]=$!
  wait_until 30 "${pid[kgate]}" kgate grep -qs "ready:" "$work/kgate.log"
  bootstrap[kgate]="127.0.0.1:$base"
}

# HAProxy does not decode Kafka, so clients must be told its ports instead of the brokers'.
# Brokers would do that with advertised.listeners; the mock brokers cannot, so the bench
# clients map each broker port to its HAProxy port at connect() (tests/bench/port_map.h).
start_haproxy() {
  local base=$1 i cfg="$work/haproxy.cfg" mapping=
  {
    echo "global"
    echo "  nbthread 1"
    echo "  maxconn $((fd_limit / 2 - 100))"
    echo "defaults"
    echo "  mode tcp"
    echo "  timeout connect 5s"
    echo "  timeout client 1h"
    echo "  timeout server 1h"
    for i in "${!broker_addrs[@]}"; do
      echo "listen broker$i"
      echo "  bind 127.0.0.1:$((base + i))$( ((tls)) && echo " ssl crt $certs/haproxy.pem")"
      echo "  server b$i ${broker_addrs[$i]}$( ((brokers_tls)) && echo " ssl verify required ca-file $certs/ca.pem")"
      mapping+="${mapping:+,}${broker_addrs[$i]##*:}=$((base + i))"
    done
  } >"$cfg"
  taskset -c 1 haproxy -db -f "$cfg" >"$work/haproxy.log" 2>&1 &
  pid[haproxy]=$!
  wait_until 30 "${pid[haproxy]}" haproxy port_open "$base"
  bootstrap[haproxy]="127.0.0.1:$base"
  map[haproxy]=$mapping
}

start_kafka_proxy() {
  local base=$1 i args=()
  for i in "${!broker_addrs[@]}"; do
    args+=(--bootstrap-server-mapping "${broker_addrs[$i]},127.0.0.1:$((base + i))")
  done
  GOMAXPROCS=1 taskset -c 1 "$kafka_proxy_bin" server "${args[@]}" --dynamic-listeners-disable --http-disable \
    --log-level warning >"$work/kafka-proxy.log" 2>&1 &
  pid[kafka-proxy]=$!
  wait_until 30 "${pid[kafka-proxy]}" kafka-proxy port_open "$base"
  bootstrap[kafka-proxy]="127.0.0.1:$base"
}

# Port-per-broker gateway: node id N (1..3 in the mock) on nodeStartPort + N - 1. KoP's node ids
# are hashes, so there each id is a range of its own (ports given out in the ranges' order).
start_kroxylicious() {
  local base=$1 cfg="$work/kroxylicious.yaml" ranges id
  ranges="            - name: brokers
              start: 1
              end: ${#broker_addrs[@]}"
  if [[ $brokers == kop ]]; then
    ranges=
    for id in $kop_node_ids; do
      ranges+="${ranges:+$'\n'}            - name: node${id#-}
              start: $id
              end: $id"
    done
  fi
  # TLS to the brokers: their certificates checked against the test CA.
  local target_tls=
  ((!brokers_tls)) || target_tls="
      tls:
        trust:
          storeFile: $certs/ca.pem
          storeType: PEM"
  cat >"$cfg" <<EOF
virtualClusters:
  - name: bench
    targetCluster:
      bootstrapServers: ${broker_addrs[0]}$target_tls
    gateways:
      - name: default
        portIdentifiesNode:
          bootstrapAddress: 127.0.0.1:$base
          nodeStartPort: $((base + 1))
          nodeIdRanges:
$ranges
EOF
  if ((tls)); then
    cat >>"$cfg" <<EOF
        tls:
          key:
            privateKeyFile: $certs/server.key
            certificateFile: $certs/server.pem
EOF
  fi
  taskset -c 1 "$kroxy_java" -XX:ActiveProcessorCount=1 -cp "$kroxy_lib/*" \
    "$here/kroxylicious/KroxyliciousLauncher.java" "$cfg" >"$work/kroxylicious.log" 2>&1 &
  pid[kroxylicious]=$!
  wait_until 120 "${pid[kroxylicious]}" kroxylicious port_open "$base"
  bootstrap[kroxylicious]="127.0.0.1:$base"
}

for t in "${targets[@]}"; do
  map[$t]=
  [[ $t == direct ]] && continue
  base=$(pick_ports 10)
  "start_${t//-/_}" "$base"
done

ticks() { if [[ $1 == direct ]]; then echo 0; else awk '{print $14 + $15}' "/proc/${pid[$1]}/stat"; fi; }
proc_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/${pid[$1]}/status"; }
alive_or_fail() {
  [[ $1 == direct ]] && return 0
  alive "${pid[$1]}" && return 0
  [[ $1 == kgate ]] && fail "kgate exited during $2"
  echo "  $1 exited during $2; left out from here on" >&2
  unset "pid[$1]"
  local t kept=()
  for t in "${targets[@]}"; do [[ $t != "$1" ]] && kept+=("$t"); done
  targets=("${kept[@]}")
  return 1
}

results="$out_dir/results$suffix.jsonl"
: >"$results"
# record WORKLOAD TARGET ROUND TICKS JSON: one line of results.jsonl.
record() {
  printf '{"workload":"%s","target":"%s","round":%s,"ticks":%s,"result":%s}\n' "$1" "$2" "$3" "$4" "$5" >>"$results"
}

# A KoP broker's JVM crashed once in CI (a SIGSEGV in C2-compiled broker code, in the middle of
# HAProxy's produce run): a fault of the broker, which a benchmark of proxies is not there to
# test. A broker found dead after a failed client run is started again, once per run, and that
# client runs again; a second death fails the run. Both are in the results (broker-restart).
broker_restarts=0
restart_dead_brokers() {
  [[ $brokers == kop ]] || return 1
  local n dead=() crash
  for ((n = 1; n <= KOP_BROKERS; n++)); do alive "${KOP_PIDS[broker-$n]}" || dead+=("$n"); done
  ((${#dead[@]})) || return 1
  for n in "${dead[@]}"; do
    crash=$(grep -h -A1 -m1 '^# Problematic frame:' "$KOP_DIR/broker-$n"/hs_err_pid*.log 2>/dev/null | tail -n 1)
    echo "  KoP broker $n died during $1${crash:+ (JVM crash at${crash#\#})}" >&2
    record broker-restart "broker-$n" "$2" 0 "{\"during\":\"$1\",\"restart\":$((broker_restarts + 1))}"
  done
  ((broker_restarts++ == 0)) || fail "KoP broker(s) ${dead[*]} died again during $1, after a restart"
  local start=$SECONDS
  for n in "${dead[@]}"; do
    kop_broker_start "$n"
    kop_broker_wait "$n" "$KOP_BROKERS" 180
  done
  for ((n = 1; n <= KOP_BROKERS; n++)); do kop_broker_wait "$n" "$KOP_BROKERS" 180; done
  echo "  KoP broker(s) ${dead[*]} started again, serving after $((SECONDS - start)) s; $1 runs again" >&2
}

# run_client WORKLOAD TARGET ROUND COMMAND...: runs one client, records its JSON and the proxy's CPU.
run_client() {
  local workload=$1 target=$2 round=$3 before after out status=0
  shift 3
  # Its /proc entry must still be there to read (a proxy may die in the warm-up, which is unchecked).
  alive_or_fail "$target" "$workload" || return 0
  before=$(ticks "$target")
  out=$(timeout "$((run_limit + 30))" "$@" 2>>"$work/clients.log") || status=$?
  if { ((status != 0)) || [[ $out != "{"* ]]; } && restart_dead_brokers "$workload $target" "$round"; then
    status=0
    before=$(ticks "$target")
    out=$(timeout "$((run_limit + 30))" "$@" 2>>"$work/clients.log") || status=$?
  fi
  alive_or_fail "$target" "$workload" || return 0
  after=$(ticks "$target")
  if ((status != 0)) || [[ $out != "{"* ]]; then
    [[ $target == direct || $target == kgate ]] && fail "$workload through $target failed (exit $status)"
    echo "  $workload $target: failed (exit $status)" >&2
    record "$workload" "$target" "$round" 0 '{"failed":true}'
    return 0
  fi
  record "$workload" "$target" "$round" "$((after - before))" "$out"
  printf '  %-12s %-13s %s\n' "$workload" "$target" "$out"
}

with_map() { local m=${map[$1]}; [[ -n $m ]] && echo "--map-ports $m"; return 0; }

# run_round_trips ROUND TARGET...: one kgate-round-trip-probe for all the targets, taking turns
# request by request (so a slow moment of the machine or the brokers falls on all alike); one
# results line per target, with its proxy's CPU. Should a third-party proxy fail the probe, it
# runs again with the direct path and kgate only, and that proxy is reported as failed.
run_round_trips() {
  local round=$1 t line status=0 out
  shift
  local targets_now=() args=() failed_targets=()
  declare -A before=()
  for t in "$@"; do alive_or_fail "$t" round-trip && targets_now+=("$t"); done
  for try in 1 2; do
    args=()
    for t in "${targets_now[@]}"; do
      # shellcheck disable=SC2046  # with_map and with_tls print two words or nothing
      args+=(--target "$t" --bootstrap "${bootstrap[$t]}" $(with_map "$t") $(with_tls "$t"))
      before[$t]=$(ticks "$t")
    done
    status=0
    out=$(timeout 90 "$round_trip_probe" --topic bench --requests "$rt_requests" --warmup "$rt_warmup" --seconds 60 "${args[@]}" \
      2>>"$work/clients.log") || status=$?
    ((status != 0)) || break
    ((try == 1)) && [[ " ${targets_now[*]} " != " direct kgate " && " ${targets_now[*]} " != " kgate direct " ]] ||
      fail "round trips through ${targets_now[*]} failed (exit $status)"
    echo "  round-trip: failed through ${targets_now[*]} (exit $status); again with direct and kgate only" >&2
    for t in "${targets_now[@]}"; do [[ $t == direct || $t == kgate ]] || failed_targets+=("$t"); done
    targets_now=(direct kgate)
  done
  for t in "${failed_targets[@]+"${failed_targets[@]}"}"; do record round-trip "$t" "$round" 0 '{"failed":true}'; done
  while IFS= read -r line; do
    t=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["target"])' "$line")
    alive_or_fail "$t" round-trip || continue
    record round-trip "$t" "$round" "$(($(ticks "$t") - before[$t]))" "$line"
    printf '  %-12s %-13s %s\n' round-trip "$t" "$line"
  done <<<"$out"
}

echo "bench-compare: targets ${targets[*]}${skipped:+; left out: ${skipped[*]}}"
echo "bench-compare: $rounds round(s), direct $direct, out $out_dir"
[[ $brokers == kafka ]] && echo "bench-compare: Apache Kafka $KAFKA_VERSION brokers: $broker_setup"
[[ $brokers == kop ]] && echo "bench-compare: $broker_setup"

# Warm-up, not recorded: connections, the mock's first segments, the JVM's just-in-time compiler.
# Kafka's and KoP's brokers are JVMs too, just started: warmed before their maximum is taken (below), and
# with the latency client as well. With --throughput-only, as many records as a measured run: every
# measured consumer then reads records read before, not only those after the first, cold one.
warm_up() {
  local t workload warm_messages=$((throughput_only ? messages : 20000))
  for t in "${targets[@]}"; do
    for workload in produce consume; do
      # shellcheck disable=SC2046  # with_map prints two words or nothing
      timeout "$((run_limit + 30))" "$throughput_bench" --bootstrap "${bootstrap[$t]}" --topic bench --messages "$warm_messages" \
        --size "$size" --mode "$workload" --seconds "$run_limit" $(with_map "$t") $(with_tls "$t") >/dev/null 2>>"$work/clients.log" || true
    done
    if [[ $brokers != mock ]] && ((!throughput_only)); then
      # shellcheck disable=SC2046
      timeout "$((run_limit + 30))" "$latency_bench" --bootstrap "${bootstrap[$t]}" --topic bench --rate 0 \
        --seconds "$lat_seconds" --warmup 0 "${lat_options[@]}" $(with_map "$t") >/dev/null 2>>"$work/clients.log" || true
    fi
  done
}
# A real broker answers one connection's requests one at a time; with linger.ms=0 and librdkafka's
# default of a million requests in flight, the latency client would send one per few records and
# measure its own queue of requests (seconds, even at 5,000 records/s here). Capped at 5 (Java's
# default), records wait in the client and go out together. The mock answers at once: no cap.
lat_options=()
if [[ $brokers != mock ]]; then
  lat_options=(--max-in-flight 5)
  warm_up
fi
# KoP's load balancer places the partitions the first producer made: say where they went.
if [[ $brokers == kop ]]; then
  echo "bench-compare: topic bench, partitions led per node: $(kcat -L -b "$direct" -t bench -m 15 2>/dev/null |
    sed -nE 's/^ +partition [0-9]+, leader (-?[0-9]+),.*/\1/p' | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')"
fi

# The latency rates are fractions of what the latency client reaches directly, unthrottled: the
# median of three tries, so one lucky (or unlucky) moment of a shared machine does not set them.
max_rate=0
if ((throughput_only)); then
  lat_loads=()
else
  max_rates=()
  for try in 1 2 3; do
    max_out=$(timeout "$((run_limit + 30))" "$latency_bench" --bootstrap "$direct" --topic bench --rate 0 \
      --seconds "$lat_seconds" --warmup "$lat_warmup" "${lat_options[@]}" 2>>"$work/clients.log") ||
      fail "latency maximum (direct) failed"
    record latency-max direct "$try" 0 "$max_out"
    max_rates+=("$(python3 -c 'import json,sys; print(int(json.loads(sys.argv[1])["achieved_per_s"]))' "$max_out")")
  done
  max_rate=$(printf '%s\n' "${max_rates[@]}" | sort -n | sed -n 2p)
  echo "bench-compare: direct maximum of the latency client: $max_rate records/s (median of ${max_rates[*]})"
fi

[[ $brokers != mock ]] || warm_up

for round in $(seq "$rounds"); do
  # Rotate the order every round, so no target always runs first (or last) on a warm machine.
  order=("${targets[@]:$(((round - 1) % ${#targets[@]}))}" "${targets[@]:0:$(((round - 1) % ${#targets[@]}))}")
  echo "round $round: ${order[*]}"
  for workload in produce consume; do
    for t in "${order[@]}"; do
      # shellcheck disable=SC2046  # with_map prints two words or nothing
      run_client "$workload" "$t" "$round" "$throughput_bench" --bootstrap "${bootstrap[$t]}" --topic bench \
        --messages "$messages" --size "$size" --mode "$workload" --seconds "$run_limit" $(with_map "$t") $(with_tls "$t")
    done
  done
  ((!round_trips)) || run_round_trips "$round" "${order[@]}"
  for load in "${lat_loads[@]+"${lat_loads[@]}"}"; do
    for t in "${order[@]}"; do
      # shellcheck disable=SC2046
      run_client "latency-$load" "$t" "$round" "$latency_bench" --bootstrap "${bootstrap[$t]}" --topic bench \
        --rate "$((max_rate * load / 100))" --seconds "$lat_seconds" --warmup "$lat_warmup" "${lat_options[@]}" $(with_map "$t")
    done
  done
  for t in "${order[@]}"; do
    [[ $brokers == kop ]] && break  # no 10,000-partition topic on KoP (see the top)
    ((!throughput_only)) || break
    # shellcheck disable=SC2046
    run_client metadata "$t" "$round" "$metadata_bench" --bootstrap "${bootstrap[$t]}" --requests "$meta_requests" \
      $(with_map "$t")
  done
done

# Peak memory over the workloads above, before the idle connections.
for t in "${targets[@]}"; do
  [[ $t == direct ]] && continue
  record peak-rss "$t" 0 0 "{\"vmhwm_kib\":$(proc_kib "$t" VmHWM)}"
done

# Idle connections: each one made and sent one ApiVersions request (so every proxy has its broker
# side open too), then held while the proxy's resident memory is read. The mock brokers accept
# ever more slowly as connections pile up (one thread polls them all), so each count gets a time
# limit; when it runs out, memory is read with the connections open so far, and the table says
# how many that was.
max_idle=$(((fd_limit - 300) / 2))
idle_limit=$((short ? 120 : 150))
if ((throughput_only)); then idle_counts=(); fi
for count in "${idle_counts[@]+"${idle_counts[@]}"}"; do
  n=$((count < max_idle ? count : max_idle))
  for t in "${targets[@]}"; do
    [[ $t == direct ]] && continue
    # Only this test's growth counts: writing 5 to clear_refs resets the peak (VmHWM).
    echo 5 >"/proc/${pid[$t]}/clear_refs" 2>/dev/null || true
    base_kib=$(proc_kib "$t" VmRSS)
    fifo="$work/idle.fifo"
    rm -f "$fifo" && mkfifo "$fifo"
    : >"$work/idle.out"
    timeout "$((idle_limit + 60))" python3 "$here/idle_connections.py" "${bootstrap[$t]}" "$n" <"$fifo" \
      >"$work/idle.out" 2>>"$work/clients.log" &
    idle_pid=$!
    exec 4>"$fifo"  # held open: the client keeps its connections until this closes
    for ((i = 0; i < idle_limit * 10; i++)); do
      grep -qs '^held' "$work/idle.out" && break
      alive "$idle_pid" || break
      sleep 0.1
    done
    held=$(awk '{n = $2} END {print n + 0}' "$work/idle.out")
    if ((held > 0)) && alive_or_fail "$t" "idle connections"; then
      sleep 1  # let the proxy settle after the last connection
      rss_kib=$(proc_kib "$t" VmRSS)
      hwm_kib=$(proc_kib "$t" VmHWM)
      record idle "$t" "$count" 0 "{\"connections\":$held,\"rss_kib\":$rss_kib,\"hwm_kib\":$hwm_kib,\"before_kib\":$base_kib}"
      printf '  idle %-6s %-13s %s connections: RSS %s MiB (was %s MiB)\n' "$count" "$t" "$held" "$((rss_kib / 1024))" "$((base_kib / 1024))"
    else
      echo "  idle $count $t: no connection held" >&2
    fi
    exec 4>&-
    wait "$idle_pid" 2>/dev/null || true
    sleep 2  # connections closing on the proxy and the mock before the next one starts
  done
done

cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
machine="nproc $(nproc), $cpu_model, kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
versions="kgate $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'), $(haproxy -v 2>/dev/null | awk 'NR==1 {print "HAProxy " $3}'), kafka-proxy $KAFKA_PROXY_VERSION, Kroxylicious $KROXYLICIOUS_VERSION"
[[ $brokers == kafka ]] && versions+=", Apache Kafka $KAFKA_VERSION ($broker_setup)"
[[ $brokers == kop ]] && versions+=", $broker_setup"
"$KGATE_PYTHON" "$here/report.py" "$results" "$out_dir" "$(getconf CLK_TCK)" "$machine" "$versions" "${skipped[*]:-}" "$brokers" "$((tls + brokers_tls))"

# kgate must still stop cleanly: drain and exit 0 on SIGTERM.
stop_process "${pid[kgate]}"
unset "pid[kgate]"
((stopped_status == 0)) || fail "kgate exited with status $stopped_status on SIGTERM"
