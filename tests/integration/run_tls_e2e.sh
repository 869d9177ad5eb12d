#!/usr/bin/env bash
# Client-facing TLS (issue 16, part 1): kgate serving TLS in front of librdkafka's mock cluster
# (3 brokers, plaintext), with certificates this script makes with the openssl CLI (a CA, two
# server certificates for 127.0.0.1 with an IP SAN, a client certificate, a key that matches
# nothing). Two kgates: one with tls-client-auth none, one with required.
#   a. kcat produces and consumes through TLS (ssl.ca.location, host name verified): nothing lost;
#   b. under required, kcat with a client certificate does the same; without one it is refused
#      and counted;
#   c. hostile handshakes (plaintext bytes, a garbage ClientHello, one cut half-way, one that
#      stalls until the handshake timeout) each close only their own connection while an honest
#      TLS client keeps working (tls_clients.py);
#   d. SIGHUP with a new certificate: a new connection is served it (openssl s_client's serial),
#      a connection opened before keeps working, a stream produced across the reload loses and
#      duplicates nothing; a reload with a mismatched key keeps the
#      certificate serving and says why, in the log and to the admin API's ReloadCertificates;
#      ReloadCertificates with good files serves them;
#   e. start-up and check-config refuse a key that does not match and a missing file, naming them;
#   kgate stops on SIGTERM with status 0.
#
#   run_tls_e2e.sh KGATE MOCK_CLUSTER GRPCURL WORKDIR
set -euo pipefail

[[ $# -eq 4 ]] || { echo "usage: $0 KGATE MOCK_CLUSTER GRPCURL WORKDIR" >&2; exit 2; }
kgate=$1 mock_cluster=$2 grpcurl=$3 workdir=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

readonly PROCESS_LIMIT_S=150
readonly READY_WAIT_S=20
readonly STOP_WAIT_S=15
readonly HANDSHAKE_MS=1500
readonly MESSAGES=2000
readonly STREAMED=600  # produced across a certificate reload

die() {
  echo "tls_e2e: FAILED: $*" >&2
  exit 1
}
# alive, stop_process, wait_until, pick_ports, start_mock_cluster, report, end_run,
# report_kgate_stop, require_tools.
source "$here/process_helpers.sh"
require_tools "$kgate" "$mock_cluster" "$grpcurl" -- python3 timeout kcat openssl curl

mkdir -p "$workdir" && run=$(mktemp -d "$workdir/run.XXXXXX")
mock_pid='' kgate_pid='' bg_pids=() failures=() started_at=$(date +%s)

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [[ $status -ne 0 && -s $run/mtls.log ]] && { echo "---- last lines of mtls.log ----" >&2; tail -n 15 "$run/mtls.log" >&2; }
  end_run tls_e2e "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- certificates ----
pki=$run/pki
mkdir -p "$pki"
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>>"$pki/openssl.log"; }
# sign NAME KEY SERIAL EXTENSIONS: a certificate for KEY signed by the CA.
sign() {
  openssl req -new -key "$2" -subj "/CN=$1" -out "$pki/$1.csr" 2>>"$pki/openssl.log"
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -set_serial "$3" -days 2 \
    -extfile <(printf '%s\n' "$4") -out "$pki/$1.pem" 2>>"$pki/openssl.log"
}
new_key "$pki/ca.key"
openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=kgate-tls-e2e-ca" -days 2 -out "$pki/ca.pem" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>>"$pki/openssl.log" ||
  die "openssl cannot make the CA: $(tail -n 3 "$pki/openssl.log")"
for n in 1 2; do
  new_key "$pki/server$n.key"
  sign "server$n" "$pki/server$n.key" "0x${n}00${n}" "subjectAltName=IP:127.0.0.1"$'\n'"extendedKeyUsage=serverAuth"
  cat "$pki/server$n.pem" "$pki/ca.pem" >"$pki/chain$n.pem"  # leaf first, then the chain
done
new_key "$pki/client.key"
sign client "$pki/client.key" 0x3003 "extendedKeyUsage=clientAuth"
new_key "$pki/wrong.key"
# kgate serves the "live" files; the test changes them and reloads.
cp "$pki/chain1.pem" "$pki/live-chain.pem"
cp "$pki/server1.key" "$pki/live.key"
echo "tls_e2e: certificates made: CA, server serials 1001 and 2002 (127.0.0.1 in an IP SAN), client 3003, a key matching neither"

start_mock_cluster "$mock_cluster" "$run" "$PROCESS_LIMIT_S" orders:3

base=$(pick_ports 15) || die "cannot find free ports"
gateway=127.0.0.1:$base metrics=127.0.0.1:$((base + 5)) admin=127.0.0.1:$((base + 6))
mtls=127.0.0.1:$((base + 7)) mtls_metrics=127.0.0.1:$((base + 12))
ready() { test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$1/readyz")" = 200; }
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --upstream "$mock_brokers" --listen "$gateway" \
  --broker-ports "$((base + 1))-$((base + 4))" --state-dir "$run/state" --http-listen "$metrics" --admin-listen "$admin" \
  --tls-certificate "$pki/live-chain.pem" --tls-key "$pki/live.key" --tls-handshake-timeout-ms "$HANDSHAKE_MS" \
  >"$run/kgate.log" 2>&1 &
kgate_pid=$!
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --upstream "$mock_brokers" --listen "$mtls" \
  --broker-ports "$((base + 8))-$((base + 11))" --state-dir "$run/state-mtls" --http-listen "$mtls_metrics" --admin-listen off \
  --tls-certificate "$pki/chain1.pem" --tls-key "$pki/server1.key" --tls-client-auth required --tls-client-ca "$pki/ca.pem" \
  >"$run/mtls.log" 2>&1 &
mtls_pid=$!
bg_pids+=("$mtls_pid")
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" ready "$metrics"
wait_until "$READY_WAIT_S" "$mtls_pid" "kgate (client certificates required)" ready "$mtls_metrics"
echo "tls_e2e: mock brokers $mock_brokers; kgate TLS on $gateway, with client certificates required on $mtls"

tls=(-X security.protocol=ssl -X "ssl.ca.location=$pki/ca.pem")
with_cert=("${tls[@]}" -X "ssl.certificate.location=$pki/client.pem" -X "ssl.key.location=$pki/client.key")
metric() { curl -sf --max-time 5 "http://$1/metrics" | grep -F "$2" | grep -v '^#' | awk '{print $2}' | head -n 1; }

# produce_consume LABEL BOOTSTRAP OUT KCAT_ARGS...: MESSAGES values LABEL-1..N through kcat,
# then everything in the topic read back; passes when each of them came back exactly once.
produce_consume() {
  local label=$1 bootstrap=$2 out=$3 got
  shift 3
  if ! seq -f "$label-%g" 1 "$MESSAGES" | timeout 60 kcat -P -b "$bootstrap" -t orders "$@" 2>"$out.produce.err"; then
    echo "kcat produce through $bootstrap: FAILED $(tail -n 3 "$out.produce.err")" >"$out"
    return 1
  fi
  timeout 60 kcat -C -b "$bootstrap" -t orders -o beginning -e -q "$@" >"$out.consumed" 2>"$out.consume.err" || true
  got=$(grep -c "^$label-" "$out.consumed" || true)
  if [[ $got -ne $MESSAGES || $(grep "^$label-" "$out.consumed" | sort -u | wc -l) -ne $MESSAGES ]]; then
    echo "kcat through $bootstrap: FAILED $got of $MESSAGES $label messages read back ($(sort "$out.consumed" | uniq -d | wc -l) twice); $(tail -n 3 "$out.consume.err")" >"$out"
    return 1
  fi
  echo "kcat through $bootstrap over TLS: OK $MESSAGES produced, the same $MESSAGES read back once each" >"$out"
}

# ---- a. kcat over TLS ----
t=$(date +%s)
status=0
produce_consume a "$gateway" "$run/a.out" "${tls[@]}" || status=1
brokers_seen=$(timeout 20 kcat -L -b "$gateway" "${tls[@]}" 2>&1 | grep -c " at 127.0.0.1:" || true)
[[ $brokers_seen -eq 3 ]] || { echo "kcat -L over TLS: FAILED $brokers_seen brokers listed at kgate's addresses" >>"$run/a.out"; status=1; }
report "a. kcat produces and consumes through TLS (CA verified, host name checked)" "$status" "$t" "$run/a.out"

# ---- b. client certificates required ----
t=$(date +%s)
status=0
produce_consume b "$mtls" "$run/b.out" "${with_cert[@]}" || status=1
if timeout 20 kcat -L -b "$mtls" -m 5 "${tls[@]}" >"$run/b.refused" 2>&1; then
  echo "kcat without a client certificate: FAILED it was served: $(head -n 3 "$run/b.refused")" >>"$run/b.out"
  status=1
else
  echo "kcat without a client certificate: OK refused" >>"$run/b.out"
fi
refused=$(metric "$mtls_metrics" 'kgate_tls_handshakes_total{result="no_client_certificate"}')
[[ ${refused%.*} -ge 1 ]] || { echo "no_client_certificate counted ${refused:-nothing}: FAILED" >>"$run/b.out"; status=1; }
report "b. client certificates required: served with one, refused and counted without" "$status" "$t" "$run/b.out"

# ---- c. hostile handshakes beside an honest client ----
t=$(date +%s)
status=0
(cd "$here" && timeout -s KILL 60 python3 tls_clients.py hostile "$gateway" "$pki/ca.pem" "$HANDSHAKE_MS" "$metrics") \
  >"$run/c.out" 2>&1 || status=1
report "c. hostile handshakes close only their own connection; an honest TLS client keeps working" "$status" "$t" "$run/c.out"

# ---- d. reloads ----
t=$(date +%s)
status=0
d=$run/d.out
: >"$d"
served_serial() {
  timeout 10 openssl s_client -connect "$gateway" -CAfile "$pki/ca.pem" -verify_return_error </dev/null 2>/dev/null |
    openssl x509 -noout -serial 2>/dev/null | sed 's/^serial=//'
}
check() { if eval "$2"; then echo "$1: OK" >>"$d"; else echo "$1: FAILED" >>"$d"; status=1; fi; }
reloads() { grep -c "$1" "$run/kgate.log" || true; }
(cd "$here" && timeout -s KILL 60 python3 tls_clients.py hold "$gateway" "$pki/ca.pem" "$run/hold.go" "$run/hold.done") \
  >"$run/hold.out" 2>&1 &
hold_pid=$!
bg_pids+=("$hold_pid")
wait_until 15 "$hold_pid" "held TLS connection" test -s "$run/hold.done.before"
check "before the reload, serial 1001 served (s_client: $(served_serial))" '[[ $(served_serial) == 1001 ]]'
# A stream in flight across the reload: STREAMED messages trickle through kcat for about 3 s.
(for i in $(seq 1 "$STREAMED"); do echo "stream-$i"; if (( i % 20 == 0 )); then sleep 0.1; fi; done) |
  timeout 60 kcat -P -b "$gateway" -t orders "${tls[@]}" -X linger.ms=5 2>"$run/stream.err" &
stream_pid=$!
bg_pids+=("$stream_pid")
sleep 1
cp "$pki/chain2.pem" "$pki/live-chain.pem" && cp "$pki/server2.key" "$pki/live.key"
kill -HUP "$kgate_pid"
wait_until 10 "$kgate_pid" "SIGHUP reload" grep -q "TLS reloaded" "$run/kgate.log"
check "after SIGHUP, a new connection is served serial 2002 (s_client: $(served_serial))" '[[ $(served_serial) == 2002 ]]'
touch "$run/hold.go"
wait "$hold_pid" || true
bg_pids=("$mtls_pid")
check "the connection opened before the reload (served $(cat "$run/hold.done.before" 2>/dev/null)) still answers: $(cat "$run/hold.done" 2>/dev/null || cat "$run/hold.out")" \
  '[[ $(cat "$run/hold.done" 2>/dev/null) == "1001 ok" ]]'
cp "$pki/wrong.key" "$pki/live.key"
kill -HUP "$kgate_pid"
wait_until 10 "$kgate_pid" "failed SIGHUP reload" grep -q "TLS reload failed" "$run/kgate.log"
check "SIGHUP with a key that does not match: logged ($(grep -m1 'TLS reload failed' "$run/kgate.log" | sed 's/.*failed; //'))" \
  'grep -q "TLS reload failed.*does not match the certificate" "$run/kgate.log"'
check "and serial 2002 still served (s_client: $(served_serial))" '[[ $(served_serial) == 2002 ]]'
admin_reload() { timeout 20 "$grpcurl" -plaintext -max-time 15 -d '{}' "$admin" kgate.admin.v1.GatewayAdmin/ReloadCertificates 2>&1; }
out=$(admin_reload) && { echo "ReloadCertificates with the mismatched key: FAILED accepted: $out" >>"$d"; status=1; }
check "ReloadCertificates with the mismatched key: FailedPrecondition naming the reason ($(tr '\n' ' ' <<<"$out" | sed 's/.*Message: //'))" \
  'grep -q "Code: FailedPrecondition" <<<"$out" && grep -q "does not match the certificate" <<<"$out"'
cp "$pki/chain1.pem" "$pki/live-chain.pem" && cp "$pki/server1.key" "$pki/live.key"
out=$(admin_reload) || { echo "ReloadCertificates: FAILED $out" >>"$d"; status=1; }
check "ReloadCertificates with good files answers serial 1001" 'grep -q "\"serial\": \"1001\"" <<<"$out"'
check "and a new connection is served serial 1001 (s_client: $(served_serial))" '[[ $(served_serial) == 1001 ]]'
status_out=$(timeout 20 "$grpcurl" -plaintext -max-time 15 -d '{}' "$admin" kgate.admin.v1.GatewayAdmin/GetStatus 2>&1 || true)
check "GetStatus names the certificate now served ($(tr -d '\n ' <<<"$status_out" | grep -o '"client_tls":{[^}]*}' | cut -c1-160))" \
  'python3 -c "import json,sys; t=json.loads(sys.argv[1])[\"client_tls\"]; sys.exit(0 if t[\"enabled\"] and t[\"serial\"] == \"1001\" and t[\"certificate_file\"].endswith(\"live-chain.pem\") else 1)" "$status_out"'
ok_reloads=$(metric "$metrics" 'kgate_tls_reloads_total{result="ok"}') failed_reloads=$(metric "$metrics" 'kgate_tls_reloads_total{result="failed"}')
check "kgate_tls_reloads_total ok ${ok_reloads:-?}, failed ${failed_reloads:-?}" '[[ ${ok_reloads%.*} -eq 2 && ${failed_reloads%.*} -eq 2 ]]'
# The expiry gauge follows the file in use: the certificates here are made for 2 days.
expiry=$(metric "$metrics" "kgate_tls_certificate_expiry_timestamp_seconds{file=\"$pki/live-chain.pem\",role=\"server\"}")
leaf_end=$(date -d "$(openssl x509 -noout -enddate -in "$pki/chain1.pem" | sed 's/^notAfter=//')" +%s)
check "kgate_tls_certificate_expiry_timestamp_seconds for $pki/live-chain.pem ${expiry:-missing}, at or before the leaf's notAfter $leaf_end" \
  '[[ -n $expiry ]] && (( $(printf "%.0f" "$expiry") <= leaf_end && $(printf "%.0f" "$expiry") > $(date +%s) + 86400 ))'
stream_status=0
wait "$stream_pid" || stream_status=$?
bg_pids=("$mtls_pid")
check "the stream produced across the SIGHUP reload finished (kcat status $stream_status$(tail -n 2 "$run/stream.err" | tr '\n' ' '))" \
  '[[ $stream_status -eq 0 ]]'
produce_consume d "$gateway" "$run/d.kcat" "${tls[@]}" || status=1
cat "$run/d.kcat" >>"$d"
streamed=$(grep -c '^stream-' "$run/d.kcat.consumed" || true)
check "the stream across the reload: $streamed of $STREAMED read back, $(grep '^stream-' "$run/d.kcat.consumed" | sort | uniq -d | wc -l) twice" \
  '[[ $streamed -eq $STREAMED && $(grep "^stream-" "$run/d.kcat.consumed" | sort -u | wc -l) -eq $STREAMED ]]'
report "d. certificates reload on SIGHUP and ReloadCertificates; a failed reload keeps the old one and says why" "$status" "$t" "$d"

# ---- e. start-up and check-config refuse bad files, naming them ----
t=$(date +%s)
status=0
e=$run/e.out
: >"$e"
# refuses WHAT TEXT COMMAND...: COMMAND must fail within 10 s with TEXT in its output.
refuses() {
  local what=$1 text=$2 out
  shift 2
  if out=$(timeout 10 "$@" 2>&1); then
    echo "$what: FAILED it was accepted" >>"$e"
    status=1
  elif grep -qF -- "$text" <<<"$out"; then
    echo "$what: OK refused ($(grep -F -- "$text" <<<"$out" | head -n 1 | sed 's/.*\] //'))" >>"$e"
  else
    echo "$what: FAILED the message does not say \"$text\": $out" >>"$e"
    status=1
  fi
}
bad=(--upstream "$mock_brokers" --listen "127.0.0.1:$((base + 13))" --http-listen off --admin-listen off --state-dir "$run/state-bad")
refuses "kgate serve with a key that does not match" "tls-key: key file $pki/wrong.key does not match the certificate" \
  "$kgate" serve "${bad[@]}" --tls-certificate "$pki/chain1.pem" --tls-key "$pki/wrong.key"
refuses "kgate serve with a certificate file that is not there" "tls-certificate: \"$pki/missing.pem\" cannot be read" \
  "$kgate" serve "${bad[@]}" --tls-certificate "$pki/missing.pem" --tls-key "$pki/server1.key"
refuses "kgate check-config with a key that does not match" "does not match the certificate" \
  "$kgate" check-config "${bad[@]}" --tls-certificate "$pki/chain1.pem" --tls-key "$pki/wrong.key"
refuses "client certificates required without a CA bundle" "tls-client-ca: required with tls-client-auth required" \
  "$kgate" check-config "${bad[@]}" --tls-certificate "$pki/chain1.pem" --tls-key "$pki/server1.key" --tls-client-auth required
report "e. start-up and check-config refuse bad TLS files, naming file and reason" "$status" "$t" "$e"

# ---- shutdown ----
echo "kgate: $(grep -c 'TLS handshake' "$run/kgate.log" || true) handshake failures logged (rate-limited)"
report_kgate_stop "$run" "$run/kgate.log" "$run/mtls.log"
stop_process "$mtls_pid"
bg_pids=()
stop_process "$mock_pid"
mock_pid=

if [[ ${#failures[@]} -ne 0 ]]; then
  echo "tls_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "tls_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
