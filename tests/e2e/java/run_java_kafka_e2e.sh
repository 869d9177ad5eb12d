#!/usr/bin/env bash
# Java kafka-clients through kgate in front of a real 3-node Apache Kafka KRaft cluster
# (tests/e2e/kafka/cluster.sh), whose brokers advertise names no client can resolve: every
# client goes through the gateway. Runs run_java_e2e.sh (produce/consume with a group, and the
# AdminClient calls) with kafka-clients 2.6.0 and the codec's release; every broker address a
# client is told must be a gateway address, never one a broker advertises or listens on.
# Then kgate must stop on SIGTERM with status 0.
#
#   run_java_kafka_e2e.sh KGATE WORKDIR
#
# Needs java, mvn (offline: tests/e2e/java/fetch_java_e2e.sh fetched the clients), kcat,
# python3 and the broker jars (tests/e2e/kafka/fetch_kafka.sh); without them it FAILS saying so.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 KGATE WORKDIR" >&2
  exit 2
fi
kgate=$1
workdir=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kafka_home=$here/../kafka
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"

readonly PROCESS_LIMIT_S=840   # kgate's own bound, below the ctest timeout
readonly CLUSTER_WAIT_S=150
readonly READY_WAIT_S=30
readonly STOP_WAIT_S=20
readonly COUNT=${KGATE_JAVA_E2E_COUNT:-50000}

die() {
  echo "java_kafka_e2e: FAILED: $*" >&2
  exit 1
}

kafka_libs=$KGATE_CACHE/kafka-broker-$KAFKA_VERSION/libs
[[ -s $kafka_libs/kafka_2.13-$KAFKA_VERSION.jar ]] ||
  die "NOT RUN: the Apache Kafka $KAFKA_VERSION broker jars are missing from $kafka_libs; run tests/e2e/kafka/fetch_kafka.sh (scripts/setup does)"
[[ -r $kafka_home/cluster.sh ]] || die "tests/e2e/kafka/cluster.sh is missing"
[[ -x $kgate ]] || die "$kgate is not an executable"
for tool in java mvn kcat python3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
kgate_pid=
started_at=$SECONDS

# alive, stop_process, wait_until, pick_ports; then the cluster functions.
# shellcheck source=tests/integration/process_helpers.sh
source "$here/../../integration/process_helpers.sh"
# shellcheck source=tests/e2e/kafka/cluster.sh
source "$kafka_home/cluster.sh"
# shellcheck source=tests/e2e/kafka/behind_kgate.sh
source "$kafka_home/behind_kgate.sh"

trap 'kafka_e2e_cleanup java_kafka_e2e' EXIT
trap 'exit 130' INT TERM

# Build both client versions before any broker starts: a build failure costs no cluster.
# shellcheck source=tests/e2e/java/versions.sh
source "$here/versions.sh"
read -r -a versions <<<"${JAVA_E2E_VERSIONS:-${JAVA_E2E_CLIENT_VERSIONS[*]}}"
for version in "${versions[@]}"; do
  "$here/build_java_e2e.sh" "$version" "$run/java/kafka-clients-$version" >/dev/null ||
    die "cannot build the Java scenarios against kafka-clients $version"
done

# ---- ports: 9 for the brokers, then the gateway's bootstrap, 4 broker listeners, HTTP ----
base=$(pick_ports 15) || die "cannot find free ports"
gateway=127.0.0.1:$((base + 9))
gateway_first=$((base + 10))
gateway_last=$((base + 13))
http=127.0.0.1:$((base + 14))

t=$SECONDS
kafka_cluster_init "$run/kafka" "$base" "$kafka_libs"
kafka_cluster_start "$CLUSTER_WAIT_S"
echo "java_kafka_e2e: cluster formatted and up in $((SECONDS - t)) s"

kafka_hidden_addresses

kafka_kgate_config "$run/kgate.yaml" "$gateway" "$gateway_first" "$gateway_last" "$http"
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/kgate.yaml" >"$run/kgate.log" 2>&1 &
kgate_pid=$!
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" grep -qs "ready: 3 brokers" "$run/kgate.log"
echo "java_kafka_e2e: kgate on $gateway (broker ports $gateway_first-$gateway_last)"

status=0
# The control: told that only the first gateway port is kgate's, the same admin check must
# reject the other brokers' gateway addresses. A check that passed here could not fail.
control_cp=$(cat "$run/java/kafka-clients-${versions[-1]}/classpath.txt")
if timeout -s KILL 120 java -Xmx128m -cp "$control_cp" dev.kgate.e2e.JavaE2e --scenarios admin \
     --bootstrap "$gateway" --gateway-ports "$gateway_first-$gateway_first" \
     --run-id "control-$$" --timeout-s 60 >"$run/control.out" 2>&1; then
  echo "FAIL control: the admin check accepted addresses outside the ports it was given: $(tail -n 1 "$run/control.out")"
  status=1
elif grep -q "describeCluster names addresses outside the gateway" "$run/control.out"; then
  echo "PASS control: with a narrowed port range the check rejects $(grep -o 'outside the gateway.*' "$run/control.out" | head -n 1 | cut -d: -f3-)"
else
  echo "FAIL control: the control run failed for another reason: $(grep -v '^SLF4J' "$run/control.out" | tail -n 3)"
  status=1
fi

JAVA_E2E_VERSIONS="${versions[*]}" JAVA_E2E_BUILT=$run/java "$here/run_java_e2e.sh" "$gateway" "$gateway_first-$gateway_last" "$run/java" \
  --count "$COUNT" --consumers 3 --partitions 12 --replication-factor 3 --timeout-s 180 \
  --hidden "$(IFS=,; echo "${hidden[*]}")" || status=1

stop_process "$kgate_pid"
kgate_status=$stopped_status
kgate_pid=
if [[ $kgate_status -ne 0 ]]; then
  echo "FAIL kgate exit status $kgate_status after SIGTERM"
  status=1
else
  echo "PASS kgate stops cleanly on SIGTERM"
fi
[[ $status -eq 0 ]] || die "see above ($((SECONDS - started_at)) s)"
echo "java_kafka_e2e: all scenarios passed in $((SECONDS - started_at)) s"
