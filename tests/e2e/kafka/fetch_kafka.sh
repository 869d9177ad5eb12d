#!/usr/bin/env bash
# Fetches the Apache Kafka broker (org.apache.kafka:kafka_2.13 at the codec's Kafka version) and
# its runtime dependencies with Maven, by coordinates, into $KGATE_CACHE/kafka-broker-VERSION/libs.
# There is no distribution tarball on Maven: the brokers run as `java -cp 'libs/*' kafka.Kafka`.
# Idempotent: does nothing when the jars are already there. Prints the libs directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"

libs="$KGATE_CACHE/kafka-broker-$KAFKA_VERSION/libs"
# The broker jar and the logging binding are the last to be copied: both there means complete.
if [ -s "$libs/kafka_2.13-$KAFKA_VERSION.jar" ] && compgen -G "$libs/log4j-slf4j-impl-*.jar" >/dev/null; then
  echo "$libs"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || { echo "fetch_kafka: mvn is not installed (scripts/setup installs it)" >&2; exit 1; }
echo "fetch_kafka: fetching org.apache.kafka:kafka_2.13:$KAFKA_VERSION and its runtime dependencies" >&2
# Copy into a fresh directory and move it into place, so an interrupted fetch is never taken
# for a complete one.
tmp="$(mktemp -d "$KGATE_CACHE/.kafka-broker.XXXXXX" 2>/dev/null || { mkdir -p "$KGATE_CACHE" && mktemp -d "$KGATE_CACHE/.kafka-broker.XXXXXX"; })"
trap 'rm -rf "$tmp"' EXIT
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
  -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$tmp/libs" >&2
for needed in "kafka_2.13-$KAFKA_VERSION.jar" "kafka-server-$KAFKA_VERSION.jar" "kafka-raft-$KAFKA_VERSION.jar" \
              "kafka-metadata-$KAFKA_VERSION.jar" "kafka-storage-$KAFKA_VERSION.jar" \
              "kafka-group-coordinator-$KAFKA_VERSION.jar" "kafka-transaction-coordinator-$KAFKA_VERSION.jar" \
              "kafka-share-coordinator-$KAFKA_VERSION.jar"; do
  [ -s "$tmp/libs/$needed" ] || { echo "fetch_kafka: $needed missing after the Maven fetch" >&2; exit 1; }
done
compgen -G "$tmp/libs/scala-library-*.jar" >/dev/null || { echo "fetch_kafka: scala-library missing after the Maven fetch" >&2; exit 1; }
compgen -G "$tmp/libs/log4j-slf4j-impl-*.jar" >/dev/null || { echo "fetch_kafka: log4j-slf4j-impl missing after the Maven fetch" >&2; exit 1; }
rm -rf "$libs"
mkdir -p "$(dirname "$libs")"
mv "$tmp/libs" "$libs"
echo "$libs"
