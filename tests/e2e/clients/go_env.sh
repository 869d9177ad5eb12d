# shellcheck shell=bash
# Where the franz-go client's modules and build cache live: in the cache, beside the other
# downloads, never in the source tree. Sourced after scripts/versions.
export GOMODCACHE="$KGATE_CACHE/go/mod"
export GOCACHE="$KGATE_CACHE/go/build"
GO_CMD=$(command -v go || echo /usr/local/go/bin/go)
CLIENTS_GO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/go"
