#!/usr/bin/env bash
# kgate reaching the 3-node Apache Kafka KRaft cluster over TLS (upstream TLS): the cluster's
# CLIENT listener is SSL with a PEM keystore (cluster.sh KAFKA_TLS_KEYSTORE) whose certificate,
# from tests/tls/make_test_certs.sh's CA, names *.kgate-e2e.invalid (what the brokers
# advertise) and 127.0.0.1 (the bootstrap servers kgate dials). Two gateways in front of it:
# one serving clients in plaintext, one serving them over TLS (tls-certificate) on its
# port-per-broker listeners and on an SNI port (kafka.test, broker-N.kafka.test, the test's
# wildcard certificate; kgate_tls_clients.sh).
#   1. both discover over TLS (upstream-tls with the CA; node 1 by its own overrides entry with
#      a server-name); kcat -L through each lists gateway addresses only, through the SNI port
#      broker-N.kafka.test at that port; ListRoutes shows the TLS state of every route
#   2. kcat produces and consumes through both and through the SNI port; confluent-kafka
#      (librdkafka) produces idempotently and reads back with a 2-member group through both:
#      nothing lost or duplicated
#   2j. Java kafka-clients (tests/e2e/java/versions.sh) over SSL with a keytool trust store,
#      host names verified, through the TLS port-per-broker listeners and through the SNI port:
#      idempotent produce, a 2-member group, exact counts (at once with 2's clients)
#   3. live through the admin API: node 2 gets a CA that did not sign its certificate and node 3
#      a server name its certificate does not hold; a client on their listeners is refused as by
#      an unreachable broker, kgate logs each reason and counts it
#      (kgate_upstream_tls_handshakes_total{result="unknown_ca"|"name_mismatch"}) while node 1
#      keeps serving; reset_tls brings both back
# Then the plaintext-facing kgate must stop on SIGTERM with status 0 and no critical line.
#
#   run_kafka_upstream_tls_e2e.sh KGATE GRPCURL WORKDIR
#
# Needs the broker jars as kafka_e2e does (it FAILS without them), openssl for the certificates
# (or KGATE_TLS_TEST_CERTS, the ctest fixture's), the Java clients as java_kafka_e2e does and
# keytool. Logs stay in a run directory under WORKDIR when anything fails or KGATE_E2E_KEEP=1.
set -euo pipefail

[[ $# -eq 3 ]] || { echo "usage: $0 KGATE GRPCURL WORKDIR" >&2; exit 2; }
kgate=$1 grpcurl=$2 workdir=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"
readonly PROCESS_LIMIT_S=300 CLUSTER_WAIT_S=150 READY_WAIT_S=30 STOP_WAIT_S=20  # each JVM and kgate bound by itself too
readonly COUNT=${KGATE_KAFKA_UPSTREAM_TLS_E2E_COUNT:-3000}
die() { echo "kafka_upstream_tls_e2e: FAILED: $*" >&2; exit 1; }

# require_tools, alive, stop_process, wait_until, pick_ports, report; then the cluster functions.
source "$here/../../integration/process_helpers.sh"
require_tools "$kgate" "$grpcurl" -- java keytool mvn kcat python3 timeout openssl curl
[[ -x $KGATE_PYTHON ]] || die "no Python virtual environment at $KGATE_VENV (scripts/setup makes it)"
mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
kgate_pid= bg_pids=() failures=() started_at=$(date +%s)
KAFKA_PROCESS_LIMIT_S=$PROCESS_LIMIT_S

# ---- certificates: the ctest fixture's, else made here ----
certs=${KGATE_TLS_TEST_CERTS:-$run/certs}
sh "$here/../../tls/make_test_certs.sh" "$certs" || die "cannot make the test certificates"
# Kafka's PEM keystore: the private key, then the certificate.
cat "$certs/kafka-broker.key" "$certs/kafka-broker.pem" >"$run/broker-keystore.pem"
KAFKA_TLS_KEYSTORE=$run/broker-keystore.pem
source "$here/cluster.sh"

# shellcheck source=tests/e2e/kafka/behind_kgate.sh
source "$here/behind_kgate.sh"
trap 'kafka_e2e_cleanup kafka_upstream_tls_e2e' EXIT
kafka_libs_or_die
trap 'exit 130' INT TERM
# shellcheck source=tests/e2e/kafka/kgate_tls_clients.sh
source "$here/kgate_tls_clients.sh"
tls_prepare  # the keytool stores and the Java builds while the cluster starts

# ---- ports: 9 for the brokers; per gateway a bootstrap, 4 broker listeners, admin, http; SNI ----
base=$(pick_ports 23) || die "cannot find free ports"
gateway=127.0.0.1:$((base + 9))
gateway_first=$((base + 10))
gateway_last=$((base + 13))
admin=127.0.0.1:$((base + 14))
http=127.0.0.1:$((base + 15))
tls_gateway=127.0.0.1:$((base + 16))
tls_first=$((base + 17))
tls_last=$((base + 20))
sni_settings $((base + 21))

t=$(date +%s)
kafka_cluster_init "$run/kafka" "$base" "$kafka_libs"
kafka_cluster_start "$CLUSTER_WAIT_S"
echo "kafka_upstream_tls_e2e: cluster with a TLS CLIENT listener formatted and up in $(elapsed_since "$t") s"
tls_prepared
kafka_hidden_addresses

# upstream_tls_config FILE GATEWAY FIRST LAST HTTP: kgate's configuration reaching the brokers
# over TLS; node 1 by its own overrides entry, naming the name to verify explicitly.
upstream_tls_config() {
  kafka_kgate_config "$@"
  sed -i "/^  - node-id: 1\$/a\\    tls: {ca: $certs/ca.pem, server-name: kafka-1.kgate-e2e.invalid}" "$1"
  printf 'upstream-tls:\n  ca: %s\n' "$certs/ca.pem" >>"$1"
}
upstream_tls_config "$run/kgate.yaml" "$gateway" "$gateway_first" "$gateway_last" "$http"
echo "admin-listen: $admin" >>"$run/kgate.yaml"
upstream_tls_config "$run/kgate-tls.yaml" "$tls_gateway" "$tls_first" "$tls_last" off
sed -i "s|^state-dir: .*|state-dir: $run/kgate-tls-state|" "$run/kgate-tls.yaml"
{
  echo "admin-listen: off"
  echo "tls-certificate: $certs/server.pem"
  echo "tls-key: $certs/server.key"
  echo "$sni_yaml"
} >>"$run/kgate-tls.yaml"
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" check-config --config "$run/kgate.yaml" >"$run/check-config.out" 2>&1 ||
  die "check-config refused the configuration: $(cat "$run/check-config.out")"
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/kgate.yaml" >"$run/kgate.log" 2>&1 &
kgate_pid=$!
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/kgate-tls.yaml" >"$run/kgate-tls.log" 2>&1 &
tls_kgate_pid=$!
bg_pids=("$tls_kgate_pid")  # stopped by the EXIT trap if the run ends early
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" grep -qs "ready: 3 brokers" "$run/kgate.log"
wait_until "$READY_WAIT_S" "$tls_kgate_pid" "kgate (TLS to clients)" grep -qs "ready: 3 brokers" "$run/kgate-tls.log"
echo "kafka_upstream_tls_e2e: kgate on $gateway (plaintext to clients) and $tls_gateway (TLS to clients, SNI on $sni_bootstrap), both TLS to the brokers"

admin_call() {  # METHOD JSON
  timeout 20 "$grpcurl" -plaintext -max-time 15 -d "$2" "$admin" "kgate.admin.v1.GatewayAdmin/$1" 2>&1
}
tls_handshakes() {  # RESULT: kgate_upstream_tls_handshakes_total for it on the plaintext-facing kgate
  curl -fsS --max-time 10 "http://$http/metrics" | awk -v want="result=\"$1\"" 'index($0, want) && /^kgate_upstream_tls_handshakes_total/ { print $2 + 0 }'
}
client_tls=(-X security.protocol=ssl -X "ssl.ca.location=$certs/ca.pem")
sni_tls=("${client_tls[@]}" -X ssl.endpoint.identification.algorithm=https)

# ---- 1. discovery over TLS; kcat -L through both; ListRoutes shows each route's TLS ----
# shellcheck source=tests/e2e/kcat_gateway_check.sh
source "$here/../kcat_gateway_check.sh"
kcat_brokers=3
kcat_hidden=("${hidden[@]}")
t=$(date +%s)
status=0
kcat_gateway=$gateway kcat_first=$gateway_first kcat_last=$gateway_last check_kcat_brokers "$run/1.kcat" "$run/1.plain" || status=1
kcat_gateway=$tls_gateway kcat_first=$tls_first kcat_last=$tls_last check_kcat_brokers "$run/1.tls.kcat" "$run/1.tls" "${client_tls[@]}" || status=1
sni_kcat_list "$run/1.sni.kcat" "$run/1.sni" "${sni_tls[@]}" || status=1
routes=$(admin_call ListRoutes '{}')
echo "$routes" >"$run/1.routes.json"
if python3 - "$run/1.routes.json" "$certs/ca.pem" >"$run/1.routes" <<'PY'; then :; else status=1; fi
import json, re, sys
# grpcurl prints the proto's names or their lowerCamelCase, by version: one form here.
snake = lambda pairs: {re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), k): v for k, v in pairs}
routes = json.load(open(sys.argv[1]), object_pairs_hook=snake)["routes"]
ca = sys.argv[2]
want = {1: ("configuration", "kafka-1.kgate-e2e.invalid"), 2: ("default", "kafka-2.kgate-e2e.invalid"), 3: ("default", "kafka-3.kgate-e2e.invalid")}
got = {r["node_id"]: (r["tls"].get("source"), r["tls"].get("server_name")) for r in routes if r["tls"].get("enabled") and r["tls"].get("ca_file") == ca}
ok = got == want
print(("ListRoutes: OK " if ok else "ListRoutes: FAILED ") + "; ".join(f"node {n}: TLS from {s}, verifies {name}" for n, (s, name) in sorted(got.items())))
sys.exit(0 if ok else 1)
PY
status_out=$(admin_call GetStatus '{}')
if grep -Eq "\"ca_?[fF]ile\": \"$certs/ca.pem\"" <<<"$status_out" && grep -q "upstream TLS for broker 1: on" "$run/check-config.out"; then
  echo "GetStatus names the cluster's CA; check-config: $(grep -m1 'upstream TLS for broker 1' "$run/check-config.out")" >"$run/1.status"
else
  echo "GetStatus or check-config: FAILED no upstream TLS shown: $status_out $(cat "$run/check-config.out")" >"$run/1.status"
  status=1
fi
metrics_text=$(curl -fsS --max-time 10 "http://$http/metrics" || true)
if ! grep -q "^kgate_tls_certificate_expiry_timestamp_seconds{.*role=\"upstream_ca\"" <<<"$metrics_text"; then
  echo "metrics: FAILED no kgate_tls_certificate_expiry_timestamp_seconds for the upstream CA" >>"$run/1.status"
  status=1
fi
ok_handshakes=$(tls_handshakes ok)
echo "upstream TLS handshakes so far (plaintext-facing kgate): ok=$ok_handshakes" >"$run/1.count"
[[ ${ok_handshakes:-0} -ge 4 ]] || status=1
report "1. discovery over TLS; kcat -L through kgate (plaintext and TLS to clients) lists gateway addresses only, through the SNI port broker-N.kafka.test; ListRoutes shows TLS per route" \
  "$status" "$t" "$run/1.plain" "$run/1.tls" "$run/1.sni" "$run/1.routes" "$run/1.status" "$run/1.count"

# ---- 2. kcat and confluent-kafka produce and consume through both; 2j. Java beside them ----
t=$(date +%s)
status=0
echo "security.protocol=SSL" | cat - "$run/stores/truststore.properties" >"$run/java-ssl.properties"
java_over_tls tls "$tls_gateway" "$run/java-ssl.properties" produce-consume "$run/2j.tls" &
java_tls_pid=$!
java_over_sni sni "$run/java-ssl.properties" produce-consume "$run/2j.sni" &
java_sni_pid=$!
bg_pids+=("$java_tls_pid" "$java_sni_pid")
{ kcat_round plaintext "$gateway" || status=1; } >"$run/2.kcat"
{ kcat_round tls "$tls_gateway" "${client_tls[@]}" || status=1; } >>"$run/2.kcat"
{ sni_named kcat_round sni "$sni_bootstrap" "${sni_tls[@]}" || status=1; } >>"$run/2.kcat"
clients() {  # TOPIC OUT BOOTSTRAP FIRST LAST [OPTIONS...]
  local topic=$1 out=$2 bootstrap=$3 first=$4 last=$5
  shift 5
  "$KGATE_PYTHON" "$here/../clients/sasl_clients.py" --bootstrap "$bootstrap" --topic "$topic" --count "$COUNT" --brokers 3 \
    --gateway-ports "$first-$last" --timeout-s 90 "$@" >"$out" 2>"$out.err" || return 1
}
no_summary() { [[ -s $1 ]] || echo "clients: FAILED no summary; $(tail -n 3 "$1.err")" >"$1"; }
clients upstream-tls-plain "$run/2.plain" "$gateway" "$((base + 9))" "$gateway_last" --security-protocol PLAINTEXT || status=1
no_summary "$run/2.plain"
clients upstream-tls-tls "$run/2.tls" "$tls_gateway" "$((base + 16))" "$tls_last" --security-protocol SSL --ssl-ca "$certs/ca.pem" || status=1
no_summary "$run/2.tls"
report "2. kcat and confluent-kafka ($COUNT idempotent messages, 2-member group) through kgate, plaintext and TLS to clients (kcat through the SNI port too), TLS to the brokers" \
  "$status" "$t" "$run/2.kcat" "$run/2.plain" "$run/2.tls"
status=0
wait "$java_tls_pid" || status=1
wait "$java_sni_pid" || status=1
bg_pids=("$tls_kgate_pid")
report "2j. Java kafka-clients ${JAVA_E2E_CLIENT_VERSIONS[*]} over SSL (keytool trust store, host names verified) through the TLS port-per-broker listeners and the SNI port: idempotent produce, a 2-member group, exact counts" \
  "$status" "$t" "$run/2j.tls" "$run/2j.sni"

# ---- 3. a wrong CA and a wrong server name, set live; the other routes keep serving ----
t=$(date +%s)
status=0
out=$run/3.out
: >"$out"
route_port() {  # NODE: its gateway listener on the plaintext-facing kgate
  admin_call GetRoute "{\"node_id\": $1}" | python3 -c 'import json,sys; r = json.load(sys.stdin); print(r.get("listen_port", r.get("listenPort")))'
}
port1=$(route_port 1) port2=$(route_port 2) port3=$(route_port 3)
unknown_before=$(tls_handshakes unknown_ca) mismatch_before=$(tls_handshakes name_mismatch)
refused=$(admin_call PutRoute "{\"node_id\": 2, \"tls\": {\"enabled\": true, \"ca_file\": \"$run/no-such-ca.pem\"}}" || true)
grep -q "InvalidArgument" <<<"$refused" && grep -q "no-such-ca.pem: cannot be read" <<<"$refused" ||
  { echo "PutRoute with a missing CA file: FAILED answered: $refused" >>"$out"; status=1; }
put2=$(admin_call PutRoute "{\"node_id\": 2, \"tls\": {\"enabled\": true, \"ca_file\": \"$certs/other-ca.pem\"}}")
put3=$(admin_call PutRoute "{\"node_id\": 3, \"tls\": {\"enabled\": true, \"ca_file\": \"$certs/ca.pem\", \"server_name\": \"wrong.kafka.test\"}}")
grep -q '"source": "admin"' <<<"$put2" && grep -Eq '"server_?[nN]ame": "wrong.kafka.test"' <<<"$put3" ||
  { echo "PutRoute: FAILED answered: $put2 $put3" >>"$out"; status=1; }
# The broker's listener: kcat bootstraps there, so its first connection goes to that broker.
metadata_via() { timeout 20 kcat -L -b "127.0.0.1:$1" -m 8 >"$run/3.kcat.$1" 2>&1; }
for node_port in "2:$port2" "3:$port3"; do
  if metadata_via "${node_port#*:}"; then
    echo "broker ${node_port%%:*}'s listener: FAILED kcat -L succeeded through a route whose TLS must fail" >>"$out"
    status=1
  fi
done
metadata_via "$port1" || { echo "broker 1's listener: FAILED kcat -L failed beside the refused routes: $(tail -n 1 "$run/3.kcat.$port1")" >>"$out"; status=1; }
unknown_after=$(tls_handshakes unknown_ca) mismatch_after=$(tls_handshakes name_mismatch)
if ((unknown_after <= unknown_before || mismatch_after <= mismatch_before)); then
  echo "metrics: FAILED unknown_ca $unknown_before -> $unknown_after, name_mismatch $mismatch_before -> $mismatch_after" >>"$out"
  status=1
fi
for reason in "failed (unknown_ca)" "failed (name_mismatch)"; do
  grep -q "$reason" "$run/kgate.log" || { echo "log: FAILED no line with \"$reason\"" >>"$out"; status=1; }
done
admin_call PutRoute '{"node_id": 2, "reset_tls": true}' >"$run/3.reset2" || status=1
admin_call PutRoute '{"node_id": 3, "reset_tls": true}' >"$run/3.reset3" || status=1
for node_port in "2:$port2" "3:$port3"; do
  metadata_via "${node_port#*:}" || { echo "broker ${node_port%%:*}'s listener: FAILED still refused after reset_tls" >>"$out"; status=1; }
done
kcat_round after-reset "$gateway" >>"$out" || status=1
if ((status == 0)); then
  echo "wrong CA and wrong name: OK refused on brokers 2 and 3 while broker 1 served; unknown_ca $unknown_before -> $unknown_after, name_mismatch $mismatch_before -> $mismatch_after; e.g. $(grep -m1 -o 'TLS with [^ ]* failed (unknown_ca)[^;]*' "$run/kgate.log" | head -c 200)" >>"$out"
  echo "reset_tls: OK both served again" >>"$out"
fi
report "3. PutRoute sets a wrong CA and a wrong server name live: refused with the reason logged and counted, other routes serve; reset_tls restores" \
  "$status" "$t" "$out"

# ---- shutdown ----
stop_process "$tls_kgate_pid"
bg_pids=()
report_kgate_stop "$run" "$run/kgate.log"

if [[ ${#failures[@]} -ne 0 ]]; then
  echo "kafka_upstream_tls_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "kafka_upstream_tls_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
