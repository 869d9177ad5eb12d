#!/usr/bin/env bash
# Fetches and builds what the client matrix (run_clients_e2e.sh) needs beyond the Python
# packages (scripts/python-requirements.txt, installed by scripts/setup-python): the franz-go
# modules pinned in go/go.mod and go/go.sum, downloaded into $KGATE_CACHE/go and built once, so
# the test itself builds offline. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"
# shellcheck source=tests/e2e/clients/go_env.sh
source "$here/go_env.sh"
cd "$CLIENTS_GO_DIR"
# -mod=readonly: go.sum must already hold every module; a version change fails here, named.
GOFLAGS=-mod=readonly "$GO_CMD" mod download
GOFLAGS=-mod=readonly "$GO_CMD" build -o /dev/null .
echo "clients_e2e: franz-go client modules fetched and built"
