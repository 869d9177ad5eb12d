#!/usr/bin/env bash
# The gRPC admin API driven with grpcurl as an operator would, against `kgate serve` in front
# of librdkafka's mock cluster (3 brokers):
#   reflection lists the services and describe explains them; health needs no token,
#   reflection and every GatewayAdmin call do; PutRoute changes what kcat sees in Metadata, DeleteRoute reverts
#   it, a restart keeps it; an upstream move sends the next connection to the new address at
#   once and drains the open ones; bad arguments get INVALID_ARGUMENT / NOT_FOUND /
#   FAILED_PRECONDITION naming the field; DrainBroker, ResumeBroker, ListConnections,
#   CloseConnection, ListBrokers, GetStatus; /metrics counts exactly the traffic sent; TLS.
#
#   admin_api_test.sh KGATE MOCK_CLUSTER GRPCURL WORKDIR
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 KGATE MOCK_CLUSTER GRPCURL WORKDIR" >&2
  exit 2
fi
kgate=$1
mock_cluster=$2
grpcurl=$3
workdir=$4
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly PROCESS_LIMIT_S=240 READY_WAIT_S=20 STOP_WAIT_S=15

die() {
  echo "admin_api: FAILED: $*" >&2
  exit 1
}
[[ -x $grpcurl ]] || die "grpcurl is not at $grpcurl (scripts/setup installs it)"
for tool in curl kcat python3 timeout openssl; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
mock_pid=
kgate_pid=
helper_pids=()

# alive, stop_process, wait_until, pick_ports, start_mock_cluster.
source "$here/process_helpers.sh"

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for p in "${helper_pids[@]}"; do alive "$p" && kill "$p" 2>/dev/null; done
  [[ -n $kgate_pid ]] && stop_process "$kgate_pid"
  [[ -n $mock_pid ]] && stop_process "$mock_pid"
  if [[ $status -eq 0 ]]; then
    rm -rf -- "$run"
  else
    [[ -s $run/kgate.log ]] && { echo "---- last lines of kgate.log ----" >&2; tail -n 30 "$run/kgate.log" >&2; }
    echo "admin_api: logs kept in $run" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_mock_cluster "$mock_cluster" "$run" "$PROCESS_LIMIT_S"

# Ports: bootstrap, 4 broker ports, a spare broker-range port, HTTP, admin, relay, TLS admin.
base=$(pick_ports 12) || die "cannot find free ports"
bootstrap=127.0.0.1:$base
spare_port=$((base + 5))
http=http://127.0.0.1:$((base + 6))
admin=127.0.0.1:$((base + 7))
relay_port=$((base + 8))
tls_admin=127.0.0.1:$((base + 9))
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
printf '%s\n' "$token" >"$run/token"

start_kgate() {
  timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --upstream "$mock_brokers" --listen "$bootstrap" \
    --broker-ports "$((base + 1))-$spare_port" --http-listen "127.0.0.1:$((base + 6))" --admin-listen "$admin" \
    --admin-token-file "$run/token" --state-dir "$run/state" "$@" >>"$run/kgate.log" 2>&1 &
  kgate_pid=$!
  wait_until "$READY_WAIT_S" "$kgate_pid" "kgate /readyz" has_status /readyz 200
}
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$http$1" || true; }
has_status() { test "$(status "$1")" = "$2"; }

# admin METHOD JSON: the call with the token; its output (JSON or the error) in $out.
out=
admin_call() {
  local method=$1 body=${2:-'{}'}
  out=$("$grpcurl" -plaintext -emit-defaults -max-time 20 -H "authorization: Bearer $token" -d "$body" "$admin" "kgate.admin.v1.GatewayAdmin/$method" 2>&1)
}
must() {
  admin_call "$@" || die "$1 $2 failed: $out"
}
# refused METHOD JSON CODE TEXT: the call must fail with gRPC CODE and a message containing TEXT.
refused() {
  local method=$1 body=$2 code=$3 text=$4
  if admin_call "$method" "$body"; then die "$method $body was accepted: $out"; fi
  grep -q "Code: $code" <<<"$out" || die "$method $body: expected $code, got: $out"
  grep -qF -- "$text" <<<"$out" || die "$method $body: the message does not name \"$text\": $out"
}
json() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, {'d': d}))" "$out" "$1" || die "cannot read $1 from: $out"; }
# What kcat's metadata says for one broker: "host:port".
broker_seen() {
  timeout 30 kcat -L -b "$bootstrap" -m 15 2>&1 | sed -nE "s/^ +broker $1 at ([^ ]+).*/\1/p" | head -n 1
}
metric() { curl -sf --max-time 5 "$http/metrics" | grep -F "$1" | grep -v '^#' | awk '{print $2}' | head -n 1; }

start_kgate
echo "PASS kgate ready, admin API on $admin"

# ---- reflection, describe, health, token ----
if "$grpcurl" -plaintext "$admin" list >"$run/list.anonymous" 2>&1; then die "reflection answered without the token"; fi
grep -q "Unauthenticated" "$run/list.anonymous" || die "reflection without the token: $(cat "$run/list.anonymous")"
auth=(-H "authorization: Bearer $token")
"$grpcurl" -plaintext "${auth[@]}" "$admin" list >"$run/list" 2>&1 || die "grpcurl list: $(cat "$run/list")"
grep -qx "kgate.admin.v1.GatewayAdmin" "$run/list" || die "list does not show kgate.admin.v1.GatewayAdmin: $(cat "$run/list")"
grep -qx "grpc.health.v1.Health" "$run/list" || die "list does not show grpc.health.v1.Health: $(cat "$run/list")"
"$grpcurl" -plaintext "${auth[@]}" "$admin" describe kgate.admin.v1.PutRouteRequest >"$run/describe" 2>&1 || die "describe: $(cat "$run/describe")"
grep -q "Empty string: remove the upstream override" "$run/describe" || die "describe does not explain the fields: $(cat "$run/describe")"
"$grpcurl" -plaintext "${auth[@]}" "$admin" describe grpc.health.v1.Health >"$run/describe.health" 2>&1 ||
  die "describe Health: $(cat "$run/describe.health")"
echo "PASS reflection needs the token, lists GatewayAdmin and Health, and describe explains PutRouteRequest"

# Without the token there is no reflection: the probe brings its own proto (Debian's grpc-proto).
health=$("$grpcurl" -plaintext -import-path /usr/share/grpc-proto -proto grpc/health/v1/health.proto -d '{}' "$admin" \
  grpc.health.v1.Health/Check 2>&1) || die "health check without a token: $health"
grep -q SERVING <<<"$health" || die "health: $health"
# From the proto file, not reflection: the call itself must refuse, not only the lookup.
for header in "" "authorization: Bearer wrong-$token" "authorization: $token"; do
  args=(-plaintext -import-path "$here/../../admin-api" -proto kgate/admin/v1/admin.proto -d '{}')
  [[ -n $header ]] && args+=(-H "$header")
  if out=$("$grpcurl" "${args[@]}" "$admin" kgate.admin.v1.GatewayAdmin/ListRoutes 2>&1); then die "ListRoutes with \"$header\" was accepted"; fi
  grep -q "Code: Unauthenticated" <<<"$out" || die "ListRoutes with \"$header\": $out"
done
must ListRoutes
[[ $(json 'len(d["routes"])') == 3 ]] || die "ListRoutes: $out"
echo "PASS health open; GatewayAdmin refuses a missing, wrong or schemeless token (UNAUTHENTICATED) and takes the right one"

node=$(json 'd["routes"][0]["node_id"]')
other=$(json 'd["routes"][1]["node_id"]')
node_port=$(json 'd["routes"][0]["listen_port"]')
other_port=$(json 'd["routes"][1]["listen_port"]')
broker_addr=$(json 'd["routes"][0]["effective_upstream"]')

# ---- PutRoute / DeleteRoute change what clients see ----
[[ $(broker_seen "$node") == "127.0.0.1:$node_port" ]] || die "before PutRoute kcat sees $(broker_seen "$node")"
must PutRoute "{\"node_id\": $node, \"advertised_host\": \"localhost\"}"
[[ $(json 'd["advertised_host"]') == localhost && $(json 'd["listen_port"]') == "$node_port" ]] || die "PutRoute answered $out"
[[ $(json 'd.get("upstream_host", "")') == "" ]] || die "PutRoute of advertised_host changed the upstream: $out"
[[ $(broker_seen "$node") == "localhost:$node_port" ]] || die "after PutRoute kcat sees $(broker_seen "$node")"
[[ $(broker_seen "$other") == "127.0.0.1:$other_port" ]] || die "PutRoute changed broker $other too"
echo "PASS PutRoute {node_id, advertised_host} changes only that: kcat's Metadata shows localhost:$node_port"

# ---- bad arguments ----
refused PutRoute "{\"node_id\": $node, \"upstream_port\": 70000}" InvalidArgument "upstream_port"
refused PutRoute "{\"node_id\": $node, \"advertised_host\": \"bad host\"}" InvalidArgument "advertised_host"
refused PutRoute "{\"node_id\": $node, \"upstream_host\": \"\", \"upstream_port\": 9092}" InvalidArgument "upstream_port"
refused PutRoute "{\"node_id\": $node}" InvalidArgument "set at least one"
refused PutRoute '{"node_id": 424242, "advertised_host": "x"}' NotFound "no broker 424242"
refused PutRoute "{\"node_id\": $node, \"listen_port\": $other_port}" FailedPrecondition "is broker $other's listener"
refused PutRoute "{\"node_id\": $node, \"listen_port\": $base}" FailedPrecondition "bootstrap"
refused GetRoute '{"node_id": 424242}' NotFound "no broker 424242"
refused DeleteRoute '{"node_id": 424242}' NotFound "no broker 424242"
refused CloseConnection '{"id": 987654321}' NotFound "no open connection"
refused DrainBroker "{\"node_id\": $node, \"timeout_ms\": 600001}" InvalidArgument "timeout_ms"
[[ $(broker_seen "$node") == "localhost:$node_port" ]] || die "a refused change changed the route"
echo "PASS bad arguments refused (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION) naming the field, nothing changed"

# ---- a restart keeps the change ----
stop_process "$kgate_pid"
kgate_pid=
[[ $stopped_status -eq 0 ]] || die "kgate exit status $stopped_status after SIGTERM"
start_kgate
[[ $(broker_seen "$node") == "localhost:$node_port" ]] || die "after a restart kcat sees $(broker_seen "$node")"
must GetRoute "{\"node_id\": $node}"
[[ $(json 'd["admin_fields"]') == "['advertised_host']" ]] || die "GetRoute after restart: $out"
echo "PASS a restart restores the override exactly"

must DeleteRoute "{\"node_id\": $node}"
[[ $(broker_seen "$node") == "127.0.0.1:$node_port" ]] || die "after DeleteRoute kcat sees $(broker_seen "$node")"
echo "PASS DeleteRoute reverts it"

# ---- an upstream move: next connection goes to the new address, open ones drain ----
timeout -s KILL 120 python3 "$here/admin_client.py" relay "$relay_port" "$broker_addr" "$run/relay.count" 100 \
  >"$run/relay.log" 2>&1 &
helper_pids+=($!)
wait_until 10 "${helper_pids[-1]}" "relay" test -s "$run/relay.count"
timeout -s KILL 60 python3 "$here/admin_client.py" hold "127.0.0.1:$node_port" "$run/held.ready" "$run/held.result" 30 \
  >"$run/held.log" 2>&1 &
held_pid=$!
helper_pids+=("$held_pid")
wait_until 10 "$held_pid" "held connection" test -s "$run/held.ready"
must PutRoute "{\"node_id\": $node, \"upstream_host\": \"127.0.0.1\", \"upstream_port\": $relay_port}"
[[ $(json 'd["effective_upstream"]') == "127.0.0.1:$relay_port" ]] || die "PutRoute upstream answered $out"
timeout 20 python3 "$here/admin_client.py" metadata "127.0.0.1:$node_port" 3 >/dev/null || die "a request after the move failed"
[[ $(cat "$run/relay.count") -ge 1 ]] || die "the first connection after PutRoute did not go to the new upstream"
wait "$held_pid" || die "held connection: $(cat "$run/held.log")"
[[ $(cat "$run/held.result") == closed ]] || die "the connection to the old upstream was not drained"
echo "PASS after an upstream move the next connection uses the new address, the open one drains"
must DeleteRoute "{\"node_id\": $node}"

# ---- connections, close, drain, resume, brokers, status ----
timeout -s KILL 60 python3 "$here/admin_client.py" hold "127.0.0.1:$other_port" "$run/c1.ready" "$run/c1.result" 30 >/dev/null 2>&1 &
c1_pid=$!
helper_pids+=("$c1_pid")
wait_until 10 "$c1_pid" "connection 1" test -s "$run/c1.ready"
must ListConnections "{\"node_id\": $other}"
[[ $(json 'len(d["connections"])') == 1 ]] || die "ListConnections for broker $other: $out"
[[ $(json 'd["connections"][0]["listener"]') == "broker $other" && $(json 'int(d["connections"][0]["requests"])') == 1 ]] ||
  die "ListConnections: $out"
conn_id=$(json 'd["connections"][0]["id"]')
must CloseConnection "{\"id\": $conn_id}"
wait "$c1_pid" || true
[[ $(cat "$run/c1.result") == closed ]] || die "CloseConnection did not close connection $conn_id"
echo "PASS ListConnections shows the client on broker $other's listener; CloseConnection closes it"

timeout -s KILL 60 python3 "$here/admin_client.py" hold "127.0.0.1:$other_port" "$run/c2.ready" "$run/c2.result" 30 >/dev/null 2>&1 &
c2_pid=$!
helper_pids+=("$c2_pid")
wait_until 10 "$c2_pid" "connection 2" test -s "$run/c2.ready"
must DrainBroker "{\"node_id\": $other, \"timeout_ms\": 5000}"
[[ $(json 'd.get("drained", 0)') -ge 1 && $(json 'd.get("closed_at_timeout", 0)') == 0 ]] || die "DrainBroker: $out"
wait "$c2_pid" || true
[[ $(cat "$run/c2.result") == closed ]] || die "DrainBroker left the connection open"
must ListBrokers
[[ $(json "[b['state'] for b in d['brokers'] if b['node_id'] == $other][0]") == STATE_DRAINING ]] || die "ListBrokers: $out"
if timeout 10 python3 "$here/admin_client.py" metadata "127.0.0.1:$other_port" 1 >/dev/null 2>&1; then
  die "a drained broker's listener still served a request"
fi
must ResumeBroker "{\"node_id\": $other}"
timeout 10 python3 "$here/admin_client.py" metadata "127.0.0.1:$other_port" 1 >/dev/null || die "ResumeBroker did not reopen broker $other"
must ListBrokers
[[ $(json "[b['state'] for b in d['brokers'] if b['node_id'] == $other][0]") == STATE_SERVING ]] || die "ListBrokers: $out"
echo "PASS DrainBroker closes idle connections and refuses new ones; ResumeBroker serves again"

must GetStatus
[[ $(json 'd["kafka_spec_version"]') != "" && $(json 'd["ready"]') == True && $(json 'd["config"]["admin_token_required"]') == True ]] ||
  die "GetStatus: $out"
# The protections in effect (kgate's defaults here) and TLS off on the client listeners.
[[ $(json 'd["config"]["request_memory_budget"]') == 134217728 && $(json 'd["config"]["max_connections_per_address"]') == 2000 &&
  $(json 'd["config"]["connections_max_idle_ms"]') == 600000 && $(json 'd["config"]["frame_min_bytes_per_second"]') == 1024 &&
  $(json 'd.get("client_tls", {}).get("enabled", False)') == False ]] || die "GetStatus settings: $out"
echo "PASS GetStatus: version $(json 'd["version"]'), Kafka spec $(json 'd["kafka_spec_version"]'), budgets, limits and timeouts listed, client TLS off"

# ---- pipelining: requests answered by kgate between forwarded ones ----
timeout 20 python3 "$here/admin_client.py" pipelined "$bootstrap" >"$run/pipelined.out" 2>&1 ||
  die "pipelined Metadata/ApiVersions: $(cat "$run/pipelined.out")"
echo "PASS Metadata and ApiVersions pipelined in one write: all answered, in order"

# ---- metrics count exactly the traffic ----
req_before=$(metric 'kgate_requests_total{api="Metadata",version="1"}')
rew_before=$(metric 'kgate_rewrites_total{api="Metadata"}')
ok_before=$(metric 'kgate_responses_total{api="Metadata",error_code="0"}')
timeout 20 python3 "$here/admin_client.py" metadata "$bootstrap" 7 >/dev/null || die "7 Metadata requests failed"
req_after=$(metric 'kgate_requests_total{api="Metadata",version="1"}')
rew_after=$(metric 'kgate_rewrites_total{api="Metadata"}')
ok_after=$(metric 'kgate_responses_total{api="Metadata",error_code="0"}')
python3 - "${req_before:-0}" "$req_after" "${rew_before:-0}" "$rew_after" "${ok_before:-0}" "$ok_after" <<'PY' ||
import sys
a, b, c, d, e, f = map(float, sys.argv[1:])
assert b - a == 7 and d - c == 7 and f - e == 7
PY
  die "metrics: requests ${req_before:-0} -> $req_after, rewrites ${rew_before:-0} -> $rew_after, responses ${ok_before:-0} -> $ok_after"
# While one client holds a connection to a broker's listener, that broker's upstream gauge counts it.
timeout -s KILL 60 python3 "$here/admin_client.py" hold "127.0.0.1:$other_port" "$run/c3.ready" "$run/c3.result" 5 >/dev/null 2>&1 &
c3_pid=$!
helper_pids+=("$c3_pid")
wait_until 10 "$c3_pid" "connection 3" test -s "$run/c3.ready"
gauge=$(metric "kgate_upstream_connections{broker=\"$other\"}")
[[ ${gauge%.*} -ge 1 ]] || die "kgate_upstream_connections{broker=\"$other\"} is '$gauge' with a connection open"
kill "$c3_pid" 2>/dev/null || true
# Since the restart no PutRoute was refused: exactly these two are.
refused PutRoute "{\"node_id\": $node, \"advertised_port\": 65536}" InvalidArgument "advertised_port"
refused PutRoute "{\"node_id\": $node, \"upstream_host\": \"a..b\"}" InvalidArgument "upstream_host"
calls=$(metric 'kgate_admin_calls_total{code="INVALID_ARGUMENT",method="PutRoute"}')
[[ ${calls%.*} == 2 ]] || die "kgate_admin_calls_total PutRoute INVALID_ARGUMENT is $calls after 2 such calls"
echo "PASS /metrics: 7 Metadata v1 requests, 7 rewrites, 7 responses with error code 0; upstream connections per broker; admin calls by method and code"

# ---- TLS ----
stop_process "$kgate_pid"
kgate_pid=
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=kgate-admin-test -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$run/admin.key" -out "$run/admin.crt" >"$run/openssl.log" 2>&1 || die "openssl: $(cat "$run/openssl.log")"
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --upstream "$mock_brokers" --listen "$bootstrap" \
  --broker-ports "$((base + 1))-$spare_port" --http-listen "127.0.0.1:$((base + 6))" --admin-listen "$tls_admin" \
  --admin-tls-cert "$run/admin.crt" --admin-tls-key "$run/admin.key" --state-dir "$run/state" >>"$run/kgate.log" 2>&1 &
kgate_pid=$!
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate /readyz (TLS admin)" has_status /readyz 200
out=$("$grpcurl" -cacert "$run/admin.crt" -d '{}' "$tls_admin" kgate.admin.v1.GatewayAdmin/GetStatus 2>&1) || die "GetStatus over TLS: $out"
[[ $(json 'd["config"]["admin_tls"]') == True ]] || die "GetStatus over TLS: $out"
if "$grpcurl" -plaintext -max-time 5 "$tls_admin" list >/dev/null 2>&1; then die "the TLS admin port answered plaintext"; fi
echo "PASS the admin API over TLS (and not in plaintext there)"

stop_process "$kgate_pid"
kgate_pid=
[[ $stopped_status -eq 0 ]] || die "kgate exit status $stopped_status after SIGTERM"
echo "admin_api: all passed"
