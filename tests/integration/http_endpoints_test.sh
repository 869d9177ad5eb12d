#!/usr/bin/env bash
# The operator HTTP endpoints of `kgate serve` in front of librdkafka's mock cluster (3 brokers):
# /healthz, /readyz once ready, /routes naming 3 brokers on gateway ports, and /metrics counting
# a `kcat -L` connection and a request with bytes after its body (answered, then counted).
# Then kgate must stop on SIGTERM with status 0.
#
#   http_endpoints_test.sh KGATE MOCK_CLUSTER WORKDIR
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 KGATE MOCK_CLUSTER WORKDIR" >&2
  exit 2
fi
kgate=$1
mock_cluster=$2
workdir=$3
readonly PROCESS_LIMIT_S=120 READY_WAIT_S=20 STOP_WAIT_S=15

die() {
  echo "http_endpoints: FAILED: $*" >&2
  exit 1
}
for tool in curl kcat python3 timeout; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
mock_pid=
kgate_pid=

# alive, stop_process, wait_until, pick_ports, start_mock_cluster.
source "$(dirname "${BASH_SOURCE[0]}")/process_helpers.sh"

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [[ -n $kgate_pid ]] && stop_process "$kgate_pid"
  [[ -n $mock_pid ]] && stop_process "$mock_pid"
  if [[ $status -eq 0 ]]; then
    rm -rf -- "$run"
  else
    [[ -s $run/kgate.log ]] && { echo "---- last lines of kgate.log ----" >&2; tail -n 25 "$run/kgate.log" >&2; }
    echo "http_endpoints: logs kept in $run" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_mock_cluster "$mock_cluster" "$run" "$PROCESS_LIMIT_S"

base=$(pick_ports 6) || die "cannot find free ports"
http=http://127.0.0.1:$((base + 5))
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --upstream "$mock_brokers" --listen "127.0.0.1:$base" \
  --broker-ports "$((base + 1))-$((base + 4))" --http-listen "127.0.0.1:$((base + 5))" --state-dir "$run/state" \
  >"$run/kgate.log" 2>&1 &
kgate_pid=$!

# status PATH: the HTTP status code only.
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$http$1" || true; }
# has_status PATH CODE, run anew on every poll (a $(...) argument would be expanded only once).
has_status() { test "$(status "$1")" = "$2"; }
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate /healthz" has_status /healthz 200
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate /readyz" has_status /readyz 200
echo "PASS /healthz 200, /readyz 200 once ready"

curl -sf --max-time 5 "$http/routes" >"$run/routes.json" || die "/routes: request failed"
python3 - "$run/routes.json" "$base" <<'PY' || die "/routes: $(cat "$run/routes.json")"
import json, sys
routes = json.load(open(sys.argv[1]))
base = int(sys.argv[2])
assert len(routes) == 3, f"{len(routes)} routes"
for r in routes:
    assert base + 1 <= r["listen_port"] <= base + 4, r
    assert r["client_advertised"] == {"host": "127.0.0.1", "port": r["listen_port"]}, r
    assert r["state"] == "serving", r
PY
echo "PASS /routes lists 3 serving brokers on gateway ports"

# The counter's value, 0 when absent.
connections() { curl -sf --max-time 5 "$http/metrics" | sed -nE 's/^kgate_client_connections_total ([0-9.e+]+)$/\1/p' | head -n 1; }
before=$(connections)
[[ -n $before ]] || die "/metrics has no kgate_client_connections_total"
timeout 30 kcat -L -b "127.0.0.1:$base" -m 15 >"$run/kcat.out" 2>&1 || die "kcat -L through kgate failed"
after=$(connections)
python3 -c "import sys; sys.exit(0 if float('$after') > float('$before') else 1)" ||
  die "kgate_client_connections_total did not grow: $before -> $after"
echo "PASS /metrics kgate_client_connections_total $before -> $after after kcat -L"

# A request with bytes after its body (as librdkafka 2.16 sends Metadata) is answered, and counted.
trailing() {
  curl -sf --max-time 5 "$http/metrics" |
    sed -nE 's/^kgate_frames_with_trailing_bytes_total\{api="Metadata",frame="request"\} ([0-9.e+]+)$/\1/p' | head -n 1
}
[[ -z $(trailing) ]] || die "kgate_frames_with_trailing_bytes_total counted Metadata requests before any was sent: $(trailing)"
timeout 30 python3 "$(dirname "${BASH_SOURCE[0]}")/lenient_requests.py" "127.0.0.1:$base" >"$run/lenient.out" 2>&1 || die "$(cat "$run/lenient.out")"
[[ $(trailing) == 1 ]] || die "kgate_frames_with_trailing_bytes_total{api=\"Metadata\",frame=\"request\"} is '$(trailing)', not 1"
echo "PASS $(cat "$run/lenient.out"); counted once in /metrics"

[[ $(status /nope) == 404 ]] || die "/nope is not 404"
[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$http/healthz") == 405 ]] || die "POST is not 405"
echo "PASS 404 and 405"

stop_process "$kgate_pid"
kgate_pid=
[[ $stopped_status -eq 0 ]] || die "kgate exit status $stopped_status after SIGTERM"
echo "http_endpoints: all passed"
