#!/usr/bin/env bash
# SNI routing (issue 16, part 2): one TLS port for bootstrap and every broker, in front of
# librdkafka's mock cluster (3 brokers, ids 1-3), with the tls_certs fixture's wildcard
# certificate (*.kafka.test, kafka.test). The names are resolved to 127.0.0.1 inside the
# clients by a preloaded getaddrinfo (tests/tools/loopback_names): no DNS, hosts file or root.
# kgate A serves plaintext port-per-broker listeners and the SNI port (tls-listeners sni-only),
# with a static route for node 2147483647 (KoP's largest hashed id) to mock broker 1; kgate B
# serves TLS port-per-broker listeners, SNI with advertised port 443 (a load balancer's) and
# plaintext port-per-broker listeners beside them (plaintext-listen): all three at once.
#   a. Metadata through the SNI port names only broker-N.kafka.test at the SNI port;
#   b. kcat produces and consumes through SNI (CA and host name verified): nothing lost;
#   c. the same kgate serves plaintext at once: produce and consume, port-per-broker addresses;
#   d. an unknown name and no SNI are refused (unrecognized_name), logged and counted;
#   e. the long name broker-2147483647.kafka.test reaches its broker; after a certificate reload
#      (SIGHUP) the SNI port still routes and refuses;
#   f. kgate B: TLS port-per-broker, SNI advertising port 443 and plaintext port-per-broker, at
#      once: each lists its own addresses, produce and consume through each;
#   g. check-config and GetStatus: the SNI listener shown, an uncovering certificate warned about;
#   h. confluent-kafka (the project's virtual environment) produces and consumes through SNI;
#   kgate stops on SIGTERM with status 0.
#
#   run_sni_e2e.sh KGATE MOCK_CLUSTER LOOPBACK_NAMES_LIB GRPCURL CERTS WORKDIR
set -euo pipefail

[[ $# -eq 6 ]] || { echo "usage: $0 KGATE MOCK_CLUSTER LOOPBACK_NAMES_LIB GRPCURL CERTS WORKDIR" >&2; exit 2; }
kgate=$1 mock_cluster=$2 loopback_names=$3 grpcurl=$4 certs=$5 workdir=$6
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

readonly PROCESS_LIMIT_S=120
readonly READY_WAIT_S=20
readonly STOP_WAIT_S=15
readonly MESSAGES=1000

die() { echo "sni_e2e: FAILED: $*" >&2; exit 1; }
source "$here/process_helpers.sh"
require_tools "$kgate" "$mock_cluster" "$grpcurl" -- python3 timeout kcat openssl curl
[[ -f $loopback_names ]] || die "$loopback_names is not there"
[[ -f $certs/server.pem && -f $certs/ca.pem ]] || die "no test certificates in $certs (the tls_certs fixture)"

mkdir -p "$workdir" && run=$(mktemp -d "$workdir/run.XXXXXX")
mock_pid='' kgate_pid='' bg_pids=() failures=() started_at=$(date +%s)
trap 'end_run sni_e2e $?' EXIT
trap 'exit 130' INT TERM

start_mock_cluster "$mock_cluster" "$run" "$PROCESS_LIMIT_S" orders:3
mock_broker_1=$(tr ',' '\n' <<<"$mock_brokers" | head -n 1)

base=$(pick_ports 22) || die "cannot find free ports"
plain=127.0.0.1:$base sni_port=$((base + 5)) metrics=127.0.0.1:$((base + 6)) admin=127.0.0.1:$((base + 7))
b_tls=127.0.0.1:$((base + 8)) b_sni_port=$((base + 13)) b_metrics=127.0.0.1:$((base + 14))
# kgate B's plaintext listeners: bootstrap 8 ports above its TLS one, so brokers at base+17..20.
b_plain=127.0.0.1:$((base + 16)) b_admin=127.0.0.1:$((base + 21))
names=(--sni-bootstrap-name kafka.test --sni-broker-pattern 'broker-{node}.kafka.test')
cat >"$run/a.yaml" <<YAML
overrides:
  - node-id: 2147483647
    upstream: $mock_broker_1
    listen-port: $((base + 4))
YAML
ready() { test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$1/readyz")" = 200; }
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/a.yaml" --upstream "$mock_brokers" --listen "$plain" \
  --broker-ports "$((base + 1))-$((base + 4))" --state-dir "$run/state" --http-listen "$metrics" --admin-listen "$admin" \
  --tls-certificate "$certs/server.pem" --tls-key "$certs/server.key" --tls-listeners sni-only \
  --sni-listen "127.0.0.1:$sni_port" "${names[@]}" >"$run/kgate.log" 2>&1 &
kgate_pid=$!
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --upstream "$mock_brokers" --listen "$b_tls" \
  --broker-ports "$((base + 9))-$((base + 12))" --state-dir "$run/state-b" --http-listen "$b_metrics" --admin-listen "$b_admin" \
  --tls-certificate "$certs/server.pem" --tls-key "$certs/server.key" --plaintext-listen "$b_plain" \
  --sni-listen "127.0.0.1:$b_sni_port" --sni-advertised-port 443 "${names[@]}" >"$run/b.log" 2>&1 &
b_pid=$!
bg_pids+=("$b_pid")
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate A" ready "$metrics"
wait_until "$READY_WAIT_S" "$b_pid" "kgate B" ready "$b_metrics"
echo "sni_e2e: mock brokers $mock_brokers; kgate A plaintext on $plain and SNI on $sni_port; kgate B TLS on $b_tls, SNI on $b_sni_port (told 443) and plaintext on $b_plain"

# Clients over TLS with the CA; librdkafka checks the host name (ssl.endpoint.identification.algorithm https).
tls=(-X security.protocol=ssl -X "ssl.ca.location=$certs/ca.pem" -X ssl.endpoint.identification.algorithm=https)
# named COMMAND...: COMMAND with *.kafka.test (and kafka.test) resolving to 127.0.0.1.
named() { LD_PRELOAD=$loopback_names KGATE_LOOPBACK_SUFFIX=.kafka.test "$@"; }
metric() { curl -sf --max-time 5 "http://$1/metrics" | grep -F "$2" | grep -v '^#' | awk '{print $2}' | head -n 1; }
# brokers_listed BOOTSTRAP OUT KCAT_ARGS...: the "host:port" of each broker kcat -L lists.
brokers_listed() {
  local bootstrap=$1 out=$2
  shift 2
  named timeout 20 kcat -L -b "$bootstrap" -t orders "$@" >"$out" 2>&1 || true
  sed -n 's/^ *broker [0-9]* at \([^ ]*\).*/\1/p' "$out" | sort
}
# through LABEL BOOTSTRAP OUT KCAT_ARGS...: MESSAGES values LABEL-1..N produced, then the topic
# read back: passes when each came back exactly once.
through() {
  local label=$1 bootstrap=$2 out=$3 got
  shift 3
  if ! seq -f "$label-%g" 1 "$MESSAGES" | named timeout 60 kcat -P -b "$bootstrap" -t orders "$@" 2>"$out.produce.err"; then
    echo "produce through $bootstrap: FAILED $(tail -n 3 "$out.produce.err")" >>"$out"
    return 1
  fi
  named timeout 60 kcat -C -b "$bootstrap" -t orders -o beginning -e -q "$@" >"$out.consumed" 2>"$out.consume.err" || true
  got=$(grep -c "^$label-" "$out.consumed" || true)
  if [[ $got -ne $MESSAGES || $(grep "^$label-" "$out.consumed" | sort -u | wc -l) -ne $MESSAGES ]]; then
    echo "through $bootstrap: FAILED $got of $MESSAGES $label messages read back; $(tail -n 3 "$out.consume.err")" >>"$out"
    return 1
  fi
  echo "through $bootstrap: OK $MESSAGES produced, the same $MESSAGES read back once each" >>"$out"
}
expect() { if eval "$2"; then echo "$1: OK" >>"$out"; else echo "$1: FAILED" >>"$out"; status=1; fi; }

# ---- a. Metadata through SNI ----
t=$(date +%s) status=0 out=$run/a.out
listed=$(brokers_listed "kafka.test:$sni_port" "$run/a.kcat" "${tls[@]}")
expected=$(printf 'broker-%s.kafka.test:%s\n' 1 "$sni_port" 2 "$sni_port" 3 "$sni_port")
expect "kcat -L through kafka.test:$sni_port lists $(tr '\n' ' ' <<<"$listed")" '[[ $listed == "$expected" ]]'
report "a. Metadata through the SNI port names only the pattern's names, at the one port" "$status" "$t" "$out"

# ---- b. produce and consume through SNI ----
t=$(date +%s) status=0 out=$run/b.out
through sni "kafka.test:$sni_port" "$out" "${tls[@]}" || status=1
report "b. kcat produces and consumes through the SNI port (CA and host names verified)" "$status" "$t" "$out"

# ---- c. plaintext at once ----
t=$(date +%s) status=0 out=$run/c.out
through plain "$plain" "$out" || status=1
listed=$(brokers_listed "$plain" "$run/c.kcat")
expect "kcat -L through $plain (plaintext) lists port-per-broker addresses: $(tr '\n' ' ' <<<"$listed")" \
  '[[ $(grep -c "^127.0.0.1:" <<<"$listed") -eq 3 ]]'
report "c. the same kgate serves plaintext beside SNI" "$status" "$t" "$out"

# ---- d. refusals ----
t=$(date +%s) status=0 out=$run/d.out
handshake() { timeout 10 openssl s_client -connect "127.0.0.1:$sni_port" -CAfile "$certs/ca.pem" "$@" </dev/null 2>&1; }
# The client hears OpenSSL's "tlsv1 unrecognized name" alert and never gets a certificate.
refused_with_alert() { grep -q "unrecognized name" <<<"$1" && grep -q "no peer certificate available" <<<"$1"; }
unknown=$(handshake -servername unknown.example.com || true)
expect "openssl s_client -servername unknown.example.com: refused with unrecognized_name" 'refused_with_alert "$unknown"'
nameless=$(handshake -noservername || true)
expect "openssl s_client without SNI: refused with unrecognized_name" 'refused_with_alert "$nameless"'
unrouted=$(handshake -servername broker-9.kafka.test || true)
expect "openssl s_client -servername broker-9.kafka.test (no such broker): refused" 'refused_with_alert "$unrouted"'
if named timeout 20 kcat -L -b "unknown.kafka.test:$sni_port" -m 5 "${tls[@]}" >"$run/d.kcat" 2>&1; then
  echo "kcat to unknown.kafka.test: FAILED it was served" >>"$out"
  status=1
fi
for reason in unknown_name:2 no_sni:1 unknown_broker:1; do
  n=$(metric "$metrics" "kgate_tls_sni_refused_total{reason=\"${reason%:*}\"}")
  expect "kgate_tls_sni_refused_total{reason=\"${reason%:*}\"} ${n:-missing}, at least ${reason#*:}" '[[ ${n%.*} -ge ${reason#*:} ]]'
done
expect "logged: $(grep -m1 'server name refused' "$run/kgate.log" | sed 's/.*\] //')" 'grep -q "server name refused" "$run/kgate.log"'
report "d. an unknown name and no SNI are refused, logged and counted" "$status" "$t" "$out"

# ---- e. a long KoP-like node id ----
t=$(date +%s) status=0 out=$run/e.out
listed=$(brokers_listed "broker-2147483647.kafka.test:$sni_port" "$run/e.kcat" "${tls[@]}")
expect "kcat -L through broker-2147483647.kafka.test:$sni_port (node 2147483647's route) lists $(tr '\n' ' ' <<<"$listed")" \
  '[[ $listed == "$expected" ]]'
report "e. broker-2147483647.kafka.test, KoP's largest node id, is served" "$status" "$t" "$out"

# ---- e2. a certificate reload keeps SNI working ----
t=$(date +%s) status=0 out=$run/e2.out
kill -HUP "$kgate_pid"
wait_until 10 "$kgate_pid" "SIGHUP reload" grep -q "TLS reloaded" "$run/kgate.log"
listed=$(brokers_listed "kafka.test:$sni_port" "$run/e2.kcat" "${tls[@]}")
expect "after SIGHUP, kcat -L through kafka.test:$sni_port lists $(tr '\n' ' ' <<<"$listed")" '[[ $listed == "$expected" ]]'
unknown=$(handshake -servername unknown.example.com || true)
expect "after SIGHUP, unknown.example.com still refused with unrecognized_name" 'refused_with_alert "$unknown"'
report "e2. after a certificate reload (SIGHUP) the SNI port still routes and refuses" "$status" "$t" "$out"

# ---- f. TLS port-per-broker beside SNI; SNI told on 443 ----
t=$(date +%s) status=0 out=$run/f.out
listed=$(brokers_listed "kafka.test:$b_sni_port" "$run/f.kcat" "${tls[@]}")
expected_443=$(printf 'broker-%s.kafka.test:443\n' 1 2 3)
expect "kcat -L through kgate B's SNI port $b_sni_port lists $(tr '\n' ' ' <<<"$listed")" '[[ $listed == "$expected_443" ]]'
through tls "$b_tls" "$out" -X security.protocol=ssl -X "ssl.ca.location=$certs/ca.pem" || status=1
listed=$(brokers_listed "$b_tls" "$run/f2.kcat" -X security.protocol=ssl -X "ssl.ca.location=$certs/ca.pem")
expect "kcat -L through kgate B's TLS bootstrap $b_tls lists port-per-broker addresses: $(tr '\n' ' ' <<<"$listed")" \
  '[[ $(grep -c "^127.0.0.1:" <<<"$listed") -eq 3 ]]'
listed=$(brokers_listed "$b_plain" "$run/f3.kcat")
expected_plain=$(printf '127.0.0.1:%s\n' $((base + 17)) $((base + 18)) $((base + 19)))
expect "kcat -L through kgate B's plaintext bootstrap $b_plain lists the plaintext twins: $(tr '\n' ' ' <<<"$listed")" \
  '[[ $listed == "$expected_plain" ]]'
through plainb "$b_plain" "$out" || status=1
plaintext_series='kgate_client_connections{listener="plaintext-bootstrap"}'
expect "kgate B counts connections on its plaintext listeners apart ($plaintext_series)" \
  '[[ -n $(metric "$b_metrics" "$plaintext_series") ]]'
# A broker moved to another TLS port (PutRoute) moves its plaintext twin with it.
moved=$(timeout 20 "$grpcurl" -plaintext -max-time 15 -d "{\"node_id\": 1, \"listen_port\": $((base + 12))}" "$b_admin" \
  kgate.admin.v1.GatewayAdmin/PutRoute 2>&1 || true)
listed=$(brokers_listed "$b_plain" "$run/f4.kcat")
expect "after PutRoute moved broker 1 to TLS port $((base + 12)), the plaintext bootstrap lists $(tr '\n' ' ' <<<"$listed")" \
  '[[ $listed == *"127.0.0.1:$((base + 20))"* && $listed != *"127.0.0.1:$((base + 17))"* ]] || { echo "$moved"; false; }'
expect "broker 1's old plaintext port $((base + 17)) is closed" '! (exec 3<>"/dev/tcp/127.0.0.1/$((base + 17))") 2>/dev/null'
through plainm "$b_plain" "$out" || status=1
# Listeners are closed by port, so no route may take the port of another of kgate's listeners.
onto_sni=$(timeout 20 "$grpcurl" -plaintext -max-time 15 -d "{\"node_id\": 2, \"listen_port\": $b_sni_port}" "$b_admin" \
  kgate.admin.v1.GatewayAdmin/PutRoute 2>&1 || true)
expect "PutRoute moving broker 2 onto the SNI port is refused ($(grep -o 'port [0-9]* is already[^"]*' <<<"$onto_sni" | head -n 1))" \
  'grep -q "is already one of kgate.s own listeners" <<<"$onto_sni"'
got=$(timeout 20 "$grpcurl" -plaintext -max-time 15 -d '{}' "$b_admin" kgate.admin.v1.GatewayAdmin/GetStatus 2>&1 || true)
expect "kgate B's GetStatus shows its plaintext listeners ($(tr -d '\n ' <<<"$got" | grep -o '"plaintext":{[^}]*}' | cut -c1-200))" \
  'python3 -c "import json,sys; s=json.loads(sys.argv[1])[\"plaintext\"]; sys.exit(0 if s[\"listen\"] == \"$b_plain\" and s[\"port_shift\"] == 8 else 1)" "$got"'
report "f. TLS port-per-broker, SNI and plaintext port-per-broker from one kgate; the advertised SNI port may differ from the listening one" "$status" "$t" "$out"

# ---- g. check-config and GetStatus ----
t=$(date +%s) status=0 out=$run/g.out
check=(--upstream "$mock_brokers" --listen "127.0.0.1:$((base + 15))" --http-listen off --admin-listen off --state-dir "$run/state-c"
  --sni-listen 0.0.0.0:9443 --sni-bootstrap-name kafka.test)
names=(--sni-broker-pattern 'broker-{node}.kafka.test')
covered=$(timeout 10 "$kgate" check-config "${check[@]}" "${names[@]}" --tls-certificate "$certs/server.pem" --tls-key "$certs/server.key" 2>&1) || status=1
expect "check-config with the wildcard certificate: valid, no warning ($(tail -n 1 <<<"$covered" | cut -c1-200))" \
  '! grep -q warning <<<"$covered" && grep -q "SNI on 0.0.0.0:9443" <<<"$covered"'
uncovered=$(timeout 10 "$kgate" check-config "${check[@]}" "${names[@]}" --tls-certificate "$certs/ec-chain.pem" --tls-key "$certs/ec.key" 2>&1) || status=1
expect "check-config with a certificate for ec.kafka.test only: $(grep -m1 'SNI: the certificate' <<<"$uncovered" | cut -c1-160)..." \
  'grep -q "does not cover kafka.test, broker-0.kafka.test" <<<"$uncovered"'
sni_only=$(timeout 10 "$kgate" check-config "${check[@]}" "${names[@]}" --tls-certificate "$certs/ec-chain.pem" --tls-key "$certs/ec.key" \
  --tls-listeners sni-only 2>&1) || status=1
expect "the same with tls-listeners sni-only: the SNI names warned about, not the plaintext listeners' host" \
  'grep -q "SNI: the certificate" <<<"$sni_only" && ! grep -q "client TLS: the certificate" <<<"$sni_only" && grep -q "client TLS: the certificate" <<<"$uncovered"'
bad=$(timeout 10 "$kgate" check-config "${check[@]}" --tls-certificate "$certs/server.pem" --tls-key "$certs/server.key" \
  --sni-broker-pattern 'broker.kafka.test' 2>&1) && status=1
expect "check-config with a pattern without {node}: refused ($(grep -m1 'sni-broker-pattern' <<<"$bad"))" 'grep -q "must hold {node} exactly once" <<<"$bad"'
got=$(timeout 20 "$grpcurl" -plaintext -max-time 15 -d '{}' "$admin" kgate.admin.v1.GatewayAdmin/GetStatus 2>&1 || true)
expect "GetStatus shows the SNI listener ($(tr -d '\n ' <<<"$got" | grep -o '"sni":{[^}]*}' | cut -c1-200))" \
  'python3 -c "import json,sys; s=json.loads(sys.argv[1])[\"sni\"]; sys.exit(0 if s[\"listen\"] == \"127.0.0.1:$sni_port\" and s[\"advertised_port\"] == $sni_port and s[\"broker_pattern\"] == \"broker-{node}.kafka.test\" and s[\"tls_listeners\"] == \"sni-only\" else 1)" "$got"'
report "g. check-config validates and warns, GetStatus shows the SNI listener" "$status" "$t" "$out"

# ---- h. confluent-kafka through SNI (the project's virtual environment) ----
t=$(date +%s) status=0 out=$run/h.out
source "$here/../../scripts/versions"
if [[ -x $KGATE_PYTHON ]] && "$KGATE_PYTHON" -c 'import confluent_kafka' 2>/dev/null; then
  named timeout -s KILL 90 "$KGATE_PYTHON" "$here/sni_confluent.py" "kafka.test:$sni_port" "$certs/ca.pem" orders \
    "$(tr '\n' ',' <<<"$expected" | sed 's/,$//')" 500 >"$out" 2>&1 || status=1
else
  echo "no confluent-kafka in $KGATE_VENV (scripts/setup makes it): FAILED" >"$out"
  status=1
fi
report "h. confluent-kafka produces idempotently and consumes in a group through the SNI port" "$status" "$t" "$out"

report_kgate_stop "$run" "$run/kgate.log" "$run/b.log"
stop_process "$b_pid"
bg_pids=()
if [[ ${#failures[@]} -ne 0 ]]; then
  echo "sni_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "sni_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
