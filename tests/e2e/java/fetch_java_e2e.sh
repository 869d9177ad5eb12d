#!/usr/bin/env bash
# Fetches with Maven everything the Java client scenarios need to build offline: kafka-clients
# at every tested release, their dependencies and the build plugins. It builds once online into
# a throwaway directory, which is what makes Maven download all of it. Idempotent: a version whose
# offline build already works is skipped.
#
#   fetch_java_e2e.sh [KAFKA_CLIENTS_VERSION...]   (default: the tested releases)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/java/versions.sh
source "$here/versions.sh"
versions=("$@")
[[ ${#versions[@]} -ne 0 ]] || versions=("${JAVA_E2E_CLIENT_VERSIONS[@]}")

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
for version in "${versions[@]}"; do
  if "$here/build_java_e2e.sh" "$version" "$tmp/offline-$version" >/dev/null 2>&1; then
    echo "java_e2e: kafka-clients $version already builds offline"
    continue
  fi
  echo "java_e2e: fetching kafka-clients $version and the build plugins"
  "$here/build_java_e2e.sh" --fetch "$version" "$tmp/online-$version" >/dev/null
  "$here/build_java_e2e.sh" "$version" "$tmp/check-$version" >/dev/null
done
