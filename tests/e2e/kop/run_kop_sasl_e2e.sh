#!/usr/bin/env bash
# kgate in front of a 2-broker KoP cluster that requires SASL: every Kafka listener is
# SASL_PLAINTEXT, and KoP checks the PLAIN password "token:<JWT>" with Pulsar's token
# authentication (tokens signed by the test with a fresh key: pulsar_token.py). kgate discovers
# the brokers over its own authenticated connections (upstream-sasl) and passes each client's
# SASL exchange to the broker untouched.
#   1. kcat -L through kgate with a client's token names gateway addresses only
#   2. confluent-kafka (librdkafka 2.16): idempotent producer and a 2-member group over SASL
#      through kgate, nothing lost or duplicated (sasl_clients.py)
#   3. a token signed with another key reaches the client as the broker's authentication error,
#      and kgate goes on serving the honest clients
#   4. kgate given a bad token for its own connections says so (with the broker's words) and
#      never reports ready
# Then kgate must stop on SIGTERM with status 0.
#
#   run_kop_sasl_e2e.sh KGATE WORKDIR
#
# Needs KGATE_KOP_NAR like kop_e2e (kop_e2e_common.sh: skipped without it). Ports:
# 18300-18324 unless KGATE_KOP_SASL_E2E_PORT_BASE says otherwise. Logs stay in a run directory
# under WORKDIR when anything fails or KGATE_E2E_KEEP=1.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 KGATE WORKDIR" >&2
  exit 2
fi
kgate=$1
workdir=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"

readonly PROCESS_LIMIT_S=600   # every JVM's and kgate's own bound, below the ctest timeout
readonly CLUSTER_WAIT_S=240
readonly READY_WAIT_S=60
readonly STOP_WAIT_S=30
readonly COUNT=${KGATE_KOP_SASL_E2E_COUNT:-5000}
readonly PORT_BASE=${KGATE_KOP_SASL_E2E_PORT_BASE:-18300}
readonly TENANT=public/default  # KoP's PLAIN username: the tenant/namespace

die() {
  echo "kop_sasl_e2e: FAILED: $*" >&2
  exit 1
}

# shellcheck source=tests/e2e/kop/kop_e2e_common.sh
source "$here/kop_e2e_common.sh"
kop_handler_or_skip kop_sasl_e2e
kop_pulsar_libs_or_die
kop_tools_or_die "$kgate" java kcat ss timeout
[[ -x $KGATE_PYTHON ]] || die "no Python virtual environment at $KGATE_VENV (scripts/setup makes it)"

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
kgate_pid=
bad_kgate_pid=
failures=()
started_at=$(date +%s)

# alive, stop_process, wait_until, report, elapsed_since; then the cluster functions.
source "$here/../../integration/process_helpers.sh"
KOP_PROCESS_LIMIT_S=$PROCESS_LIMIT_S
KOP_LISTENER_PROTOCOL=SASL_PLAINTEXT
# shellcheck source=tests/e2e/kop/cluster.sh
source "$here/cluster.sh"

trap 'kop_e2e_cleanup kop_sasl_e2e' EXIT
trap 'exit 130' INT TERM

for port in $(seq $((PORT_BASE + 10)) $((PORT_BASE + 15))) $(seq $((PORT_BASE + 19)) $((PORT_BASE + 24))); do
  if ss -Hltn "sport = :$port" | grep -q .; then die "port $port, which kgate needs here, is in use"; fi
done

# ---- tokens: a fresh key per run; the brokers' own role, a client's, and one signed elsewhere ----
token() { "$KGATE_PYTHON" "$here/pulsar_token.py" "$@"; }
secret=$(token secret)
admin_token=$(token sign "$secret" kgate-admin)
client_token=$(token sign "$secret" kafka-client)
forged_token=$(token sign "$(token secret)" kafka-client)
printf 'token:%s\n' "$admin_token" >"$run/upstream-password"
printf 'token:%s\n' "$forged_token" >"$run/forged-password"
chmod 600 "$run/upstream-password" "$run/forged-password"

# Pulsar token authentication, as KoP's security documentation sets it up; authorization stays
# off (the test is about authentication through kgate). The brokers' internal clients use the
# superuser token.
KOP_EXTRA_CONFIG="authenticationEnabled=true
authenticationProviders=org.apache.pulsar.broker.authentication.AuthenticationProviderToken
tokenSecretKey=data:;base64,$secret
superUserRoles=kgate-admin
brokerClientAuthenticationPlugin=org.apache.pulsar.client.impl.auth.AuthenticationToken
brokerClientAuthenticationParameters=token:$admin_token
saslAllowedMechanisms=PLAIN"
KOP_KCAT_OPTS=(-X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=PLAIN -X "sasl.username=$TENANT"
  -X "sasl.password=token:$admin_token")

t=$(date +%s)
kop_cluster_init "$run/kop" "$PORT_BASE" "$KOP_PULSAR_LIBS" "$KOP_HANDLER"
kop_cluster_start "$CLUSTER_WAIT_S"
echo "kop_sasl_e2e: SASL cluster up in $(elapsed_since "$t") s"

gateway=127.0.0.1:$((PORT_BASE + 10))
gateway_first=$((PORT_BASE + 11))
gateway_last=$((PORT_BASE + 14))
hidden=()
for n in 1 2; do hidden+=("$(kop_advertised "$n")"); done
for port in $(kop_listen_ports); do hidden+=("127.0.0.1:$port"); done

# kgate_config FILE PASSWORD_FILE BOOTSTRAP FIRST-LAST HTTP STATE
kgate_config() {
  cat >"$1" <<YAML
upstream: [127.0.0.1:$(kop_kafka_port 1), 127.0.0.1:$(kop_kafka_port 2)]
listen: $3
broker-ports: $4
state-dir: $6
http-listen: $5
admin-listen: off
upstream-sasl:
  mechanism: PLAIN
  username: $TENANT
  password-file: $2
YAML
}
kgate_config "$run/kgate.yaml" "$run/upstream-password" "$gateway" "$gateway_first-$gateway_last" \
  "127.0.0.1:$((PORT_BASE + 15))" "$run/kgate-state"
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/kgate.yaml" >"$run/kgate.log" 2>&1 &
kgate_pid=$!
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" grep -qs "ready: 2 brokers" "$run/kgate.log"
echo "kop_sasl_e2e: kgate on $gateway, discovering over SASL PLAIN as $TENANT"

client_sasl=(-X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=PLAIN -X "sasl.username=$TENANT")

# ---- 1. metadata through kgate, authenticated as a client ----
# shellcheck source=tests/e2e/kcat_gateway_check.sh
source "$here/../kcat_gateway_check.sh"
kcat_gateway=$gateway kcat_first=$gateway_first kcat_last=$gateway_last kcat_brokers=2
kcat_hidden=("${hidden[@]}" localhost)
t=$(date +%s)
status=0
check_kcat_brokers "$run/1.kcat" "$run/1.summary" "${client_sasl[@]}" -X "sasl.password=token:$client_token" || status=1
sed -i -E 's/sasl\.password=token:[^ :]+/sasl.password=token:(the client token)/' "$run/1.summary"
report "1. kcat -L over SASL PLAIN (Pulsar token) through kgate lists only gateway addresses" "$status" "$t" "$run/1.summary"

# ---- 2. producer and group over SASL ----
t=$(date +%s)
status=0
"$KGATE_PYTHON" "$here/../clients/sasl_clients.py" --bootstrap "$gateway" --username "$TENANT" --password "token:$client_token" \
  --topic kop-sasl --count "$COUNT" --gateway-ports "$((PORT_BASE + 10))-$gateway_last" --timeout-s 150 \
  >"$run/2.out" 2>"$run/2.err" || status=1
[[ -s $run/2.out ]] || echo "sasl clients: FAILED no summary; $(tail -n 3 "$run/2.err")" >"$run/2.out"
report "2. confluent-kafka over SASL through kgate: $COUNT idempotent messages, 2-member group" "$status" "$t" "$run/2.out"

# ---- 3. a forged token: the broker's error reaches the client; kgate carries on ----
t=$(date +%s)
status=0
if timeout 30 kcat -L -b "$gateway" -m 10 "${client_sasl[@]}" -X "sasl.password=token:$forged_token" \
     >"$run/3.kcat" 2>"$run/3.err"; then
  echo "forged token: FAILED kcat -L succeeded with a token signed by another key" >"$run/3.out"
  status=1
elif grep -qiE "SASL authentication (error|failed)" "$run/3.err"; then
  echo "forged token: OK refused: $(grep -m1 -oiE 'SASL authentication (error|failed)[^(]*' "$run/3.err")" >"$run/3.out"
else
  echo "forged token: FAILED kcat failed without the broker's authentication error: $(tail -n 2 "$run/3.err")" >"$run/3.out"
  status=1
fi
check_kcat_brokers "$run/3.after" "$run/3.after.summary" "${client_sasl[@]}" -X "sasl.password=token:$client_token" || status=1
sed -i -E 's/^kcat -L .*: (OK|FAILED)/after it, an honest client: \1/' "$run/3.after.summary"
report "3. a forged token is refused with the broker's error; kgate keeps serving" "$status" "$t" "$run/3.out" "$run/3.after.summary"

# ---- 4. kgate with a bad token for its own connections ----
t=$(date +%s)
status=0
kgate_config "$run/kgate-bad.yaml" "$run/forged-password" "127.0.0.1:$((PORT_BASE + 19))" \
  "$((PORT_BASE + 20))-$((PORT_BASE + 23))" "127.0.0.1:$((PORT_BASE + 24))" "$run/kgate-bad-state"
timeout --foreground -s KILL 60 "$kgate" serve --config "$run/kgate-bad.yaml" >"$run/kgate-bad.log" 2>&1 &
bad_kgate_pid=$!
refused=0
for ((i = 0; i < 200; i++)); do  # 20 s
  if grep -qs "SASL PLAIN as $TENANT: the broker refused the credentials" "$run/kgate-bad.log"; then refused=1; break; fi
  alive "$bad_kgate_pid" || break
  sleep 0.1
done
if [[ $refused -eq 1 ]]; then
  echo "bad upstream token: OK kgate says: $(grep -m1 -o 'SASL PLAIN as .*' "$run/kgate-bad.log")" >"$run/4.out"
else
  echo "bad upstream token: FAILED no refusal logged: $(tail -n 3 "$run/kgate-bad.log")" >"$run/4.out"
  status=1
fi
if grep -q "ready:" "$run/kgate-bad.log"; then
  echo "bad upstream token: FAILED kgate reported ready without discovering the brokers" >>"$run/4.out"
  status=1
fi
stop_process "$bad_kgate_pid"
bad_kgate_pid=
report "4. kgate with a bad token for its own connections says so and is never ready" "$status" "$t" "$run/4.out"

# ---- shutdown ----
report_kgate_stop "$run" "$run/kgate.log"

if [[ ${#failures[@]} -ne 0 ]]; then
  echo "kop_sasl_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "kop_sasl_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
