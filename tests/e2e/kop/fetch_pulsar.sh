#!/usr/bin/env bash
# Fetches the Apache Pulsar broker runtime (org.apache.pulsar:pulsar-broker at PULSAR_VERSION,
# scripts/versions) and its runtime dependencies with Maven, by coordinates, into
# $KGATE_CACHE/pulsar-broker-VERSION/libs. The KoP handler itself is not fetched: it is not
# published anywhere Maven can reach, and the tests find it through KGATE_KOP_NAR.
# Idempotent: does nothing when the jars are already there. Prints the libs directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"

libs="$KGATE_CACHE/pulsar-broker-$PULSAR_VERSION/libs"
# The directory is moved into place only once complete, so its presence with the broker jar
# means a finished fetch.
if [ -s "$libs/pulsar-broker-$PULSAR_VERSION.jar" ]; then
  echo "$libs"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || { echo "fetch_pulsar: mvn is not installed (scripts/setup installs it)" >&2; exit 1; }
echo "fetch_pulsar: fetching org.apache.pulsar:pulsar-broker:$PULSAR_VERSION and its runtime dependencies" >&2
mkdir -p "$KGATE_CACHE"
tmp="$(mktemp -d "$KGATE_CACHE/.pulsar-broker.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# Stopped by a signal, still remove the partial copy (once Maven, in the foreground, has ended).
trap 'exit 130' INT TERM
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
  -Dpulsar.version="$PULSAR_VERSION" -DincludeScope=runtime -DoutputDirectory="$tmp/libs" >&2
# What the KoP cluster starts from these jars: the broker, its storage, ZooKeeper, BookKeeper.
for needed in "pulsar-broker-$PULSAR_VERSION.jar" "managed-ledger-$PULSAR_VERSION.jar" \
              "pulsar-metadata-$PULSAR_VERSION.jar"; do
  [ -s "$tmp/libs/$needed" ] || { echo "fetch_pulsar: $needed missing after the Maven fetch" >&2; exit 1; }
done
for pattern in "zookeeper-3.*.jar" "bookkeeper-server-*.jar" "log4j-core-*.jar"; do
  compgen -G "$tmp/libs/$pattern" >/dev/null || { echo "fetch_pulsar: no $pattern after the Maven fetch" >&2; exit 1; }
done
rm -rf "$libs"
mkdir -p "$(dirname "$libs")"
mv "$tmp/libs" "$libs"
echo "$libs"
