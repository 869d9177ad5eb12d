#!/usr/bin/env bash
# Builds the Java client scenarios against one kafka-clients release, offline (`mvn -o`), into
# OUT_DIR; writes OUT_DIR/classpath.txt (the scenario jar and its runtime dependencies) and
# prints its path. Without --fetch it never goes online: a missing artifact fails the build
# with a message naming fetch_java_e2e.sh (scripts/setup runs it).
#
#   build_java_e2e.sh [--fetch] KAFKA_CLIENTS_VERSION OUT_DIR
set -euo pipefail

offline=(-o)
if [[ ${1:-} == --fetch ]]; then
  offline=()
  shift
fi
if [[ $# -ne 2 ]]; then
  echo "usage: $0 [--fetch] KAFKA_CLIENTS_VERSION OUT_DIR" >&2
  exit 2
fi
version=$1
out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v mvn >/dev/null || { echo "java_e2e: mvn is not installed (scripts/setup installs it)" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/build.log
# The jar first, then the dependency classpath; both go to OUT_DIR, never into the source tree.
if ! mvn -q -B "${offline[@]}" -Dstyle.color=never -f "$here/pom.xml" -Dkafka.version="$version" \
     -De2e.build.dir="$out/maven" package dependency:build-classpath \
     -Dmdep.outputFile="$out/dependencies.txt" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  if [[ ${#offline[@]} -ne 0 ]]; then
    echo "java_e2e: offline build against kafka-clients $version failed; if an artifact is missing, run $here/fetch_java_e2e.sh" >&2
  else
    echo "java_e2e: build against kafka-clients $version failed (log: $log)" >&2
  fi
  exit 1
fi
jar=$out/maven/kgate-java-e2e-0.jar
[[ -s $jar && -s $out/dependencies.txt ]] || { echo "java_e2e: the build left no $jar or dependency list" >&2; exit 1; }
grep -q "kafka-clients-$version.jar" "$out/dependencies.txt" ||
  { echo "java_e2e: the classpath does not hold kafka-clients-$version.jar: $(cat "$out/dependencies.txt")" >&2; exit 1; }
echo "$jar:$(cat "$out/dependencies.txt")" >"$out/classpath.txt"
echo "$out/classpath.txt"
