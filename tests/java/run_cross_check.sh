#!/usr/bin/env bash
# Java cross-check: kgate's encodings of every message and version, read and re-written by
# Apache Kafka's own classes at the pinned version.   run_cross_check.sh BUILD_DIR KAFKA_VERSION
set -euo pipefail
build="$1"
version="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$build/java-cross-check"
mkdir -p "$work/classes"

mvn -q -B -o -f "$here/pom.xml" -Dkafka.version="$version" dependency:build-classpath \
    -Dmdep.outputFile="$work/classpath.txt" >/dev/null 2>&1 ||
  mvn -q -B -f "$here/pom.xml" -Dkafka.version="$version" dependency:build-classpath \
    -Dmdep.outputFile="$work/classpath.txt"
cp="$(cat "$work/classpath.txt")"
javac -d "$work/classes" -cp "$cp" "$here/CrossCheck.java"
rm -rf "$work/messages"
"$build/tests/tools/dump_filled/kgate-dump-filled" "$work/messages"
java -cp "$work/classes:$cp" CrossCheck "$work/messages"
