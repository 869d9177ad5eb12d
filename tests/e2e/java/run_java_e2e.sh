#!/usr/bin/env bash
# Runs the Java client scenarios (JavaE2e) through kgate with every tested kafka-clients release
# (versions.sh: 2.6.0 and the codec's release), one after the other:
#   produce-consume  N idempotent acks=all records into a 12-partition topic, read back by a
#                    3-member consumer group: no loss, no duplicate, per-partition order
#   admin            createTopics, describeCluster (gateway addresses only), describeConfigs of
#                    a broker, listConsumerGroups (the group above), deleteTopics
# (by default; --scenarios also takes transactions and refused: tests/e2e/java/README.md)
#
#   run_java_e2e.sh BOOTSTRAP GATEWAY_PORTS WORKDIR [JavaE2e options...]
#
# BOOTSTRAP is kgate's bootstrap HOST:PORT, GATEWAY_PORTS its broker ports FIRST-LAST; extra
# options go to JavaE2e (e.g. --hidden HOST:PORT,... --count N --scenarios admin). The versions
# can be narrowed with JAVA_E2E_VERSIONS="4.4.0"; JAVA_E2E_BUILT=DIR runs the builds
# build_java_e2e.sh already made in DIR/kafka-clients-VERSION instead of building again;
# JAVA_E2E_JVM_OPTS adds options to the client JVM's command line.
# Prints one line per scenario and version; exits 0 only when all passed.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 BOOTSTRAP GATEWAY_PORTS WORKDIR [JavaE2e options...]" >&2
  exit 2
fi
bootstrap=$1
gateway_ports=$2
workdir=$3
shift 3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/java/versions.sh
source "$here/versions.sh"
read -r -a versions <<<"${JAVA_E2E_VERSIONS:-${JAVA_E2E_CLIENT_VERSIONS[*]}}"
# Each client run is bounded; JavaE2e's own waits (--timeout-s, default 120 s) lie well inside.
readonly RUN_LIMIT_S=${JAVA_E2E_RUN_LIMIT_S:-400}

command -v java >/dev/null || { echo "java_e2e: FAILED: java is not installed" >&2; exit 1; }
mkdir -p "$workdir"
failures=()
for version in "${versions[@]}"; do
  t=$SECONDS
  out=$workdir/kafka-clients-$version
  classpath_file=${JAVA_E2E_BUILT:+$JAVA_E2E_BUILT/kafka-clients-$version/classpath.txt}
  if [[ -n $classpath_file && -s $classpath_file ]]; then
    mkdir -p "$out"
  elif ! classpath_file=$("$here/build_java_e2e.sh" "$version" "$out"); then
    echo "FAIL java kafka-clients $version: build failed"
    failures+=("$version")
    continue
  fi
  # Topic, group and record ids of their own per version: each run checks only what it wrote.
  id="${version//./}-$$"
  status=0
  # shellcheck disable=SC2086 # JAVA_E2E_JVM_OPTS holds several options
  timeout -s KILL "$RUN_LIMIT_S" java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ${JAVA_E2E_JVM_OPTS:-} \
    -Dorg.slf4j.simpleLogger.defaultLogLevel="${JAVA_E2E_LOG_LEVEL:-warn}" -Dorg.slf4j.simpleLogger.showDateTime=true \
    -cp "$(cat "$classpath_file")" dev.kgate.e2e.JavaE2e \
    --bootstrap "$bootstrap" --gateway-ports "$gateway_ports" --run-id "$id" --topic "java-e2e-$id" "$@" \
    >"$out/run.out" 2>"$out/run.err" || status=$?
  sed 's/^/    /' "$out/run.out"
  if [[ $status -eq 0 ]]; then
    echo "PASS java kafka-clients $version ($((SECONDS - t)) s)"
  else
    [[ $status -eq 137 ]] && echo "    java_e2e: killed after $RUN_LIMIT_S s" >>"$out/run.err"
    # awk reads the whole file: `grep | head` would end in SIGPIPE, which pipefail and set -e
    # turn into this script's exit before the next version runs.
    awk '!/^SLF4J/ && shown++ < 30' "$out/run.err" | sed 's/^/    /'
    echo "FAIL java kafka-clients $version ($((SECONDS - t)) s, exit status $status; output in $out)"
    failures+=("$version")
  fi
done
if [[ ${#failures[@]} -ne 0 ]]; then
  echo "java_e2e: FAILED with kafka-clients ${failures[*]}" >&2
  exit 1
fi
echo "java_e2e: all scenarios passed with kafka-clients ${versions[*]}"
