#!/usr/bin/env bash
# Installs what tests/bench/compare/run.sh measures kgate against, only what is missing:
# Kroxylicious's runtime with its dependencies (Maven, by coordinates, into the cache) and
# grepplabs kafka-proxy (`go install` at a pinned tag, into the cache). HAProxy and the chart's
# matplotlib come from scripts/setup (scripts/debian-packages, scripts/python-requirements.txt).
# A proxy that cannot be installed is reported and left out; run.sh skips it and says so.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"
# shellcheck source=tests/bench/compare/versions
source "$here/versions"

status=0
kroxy_lib="$KGATE_CACHE/kroxylicious-$KROXYLICIOUS_VERSION/lib"
if [ ! -s "$kroxy_lib/kroxylicious-runtime-$KROXYLICIOUS_VERSION.jar" ]; then
  echo "bench setup: fetching io.kroxylicious:kroxylicious-runtime:$KROXYLICIOUS_VERSION and its dependencies"
  mkdir -p "$kroxy_lib"
  if ! mvn -q -B -f "$here/kroxylicious/pom.xml" -Dkroxylicious.version="$KROXYLICIOUS_VERSION" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$kroxy_lib"; then
    echo "bench setup: Kroxylicious $KROXYLICIOUS_VERSION could not be fetched; run.sh will leave it out" >&2
    status=1
  fi
fi

kafka_proxy_bin="$KGATE_CACHE/kafka-proxy-$KAFKA_PROXY_VERSION/kafka-proxy"
if [ ! -x "$kafka_proxy_bin" ]; then
  echo "bench setup: go install github.com/grepplabs/kafka-proxy@$KAFKA_PROXY_VERSION"
  if ! command -v go >/dev/null 2>&1 ||
    ! GOBIN="$(dirname "$kafka_proxy_bin")" go install "github.com/grepplabs/kafka-proxy@$KAFKA_PROXY_VERSION"; then
    # Seen: the Go module proxy refuses this module (403, "not available") while serving its
    # dependencies. KAFKA_PROXY_BIN=/path/to/kafka-proxy makes run.sh use a binary built elsewhere.
    echo "bench setup: kafka-proxy $KAFKA_PROXY_VERSION could not be installed; run.sh will leave it out" \
      "unless KAFKA_PROXY_BIN names a binary" >&2
    status=1
  fi
fi
echo "bench setup: done (haproxy $(haproxy -v 2>/dev/null | awk 'NR==1 {print $3}'), Kroxylicious $KROXYLICIOUS_VERSION," \
  "kafka-proxy $KAFKA_PROXY_VERSION$( ((status)) && echo ', some missing: see above'))"
# Missing comparison proxies do not fail the set-up: kgate's own build and tests do not need them.
exit 0
