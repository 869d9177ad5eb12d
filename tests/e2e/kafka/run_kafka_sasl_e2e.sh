#!/usr/bin/env bash
# kgate in front of the 3-node Apache Kafka KRaft cluster whose CLIENT listener requires SASL
# (SASL_PLAINTEXT, PLAIN and SCRAM-SHA-512, users made by the test: cluster.sh KAFKA_SASL_USERS).
# kgate discovers the brokers over its own SCRAM-SHA-512 connections (upstream-sasl) and passes
# each client's SASL exchange to the broker untouched, SCRAM's challenges included.
#   1. kcat -L through kgate names gateway addresses only: over SCRAM-SHA-512 with kcat on
#      librdkafka 2.16 (Debian's 2.0.2 cannot do SCRAM with Kafka 4 at all, with or without
#      kgate: current_librdkafka.sh says why), over PLAIN with Debian's kcat as it comes
#   2. confluent-kafka (librdkafka 2.16): idempotent producer and a 2-member group through kgate,
#      nothing lost or duplicated, over SCRAM-SHA-512 and then over PLAIN as another user
#   3. wrong passwords (SCRAM-SHA-512 and PLAIN), tried again and again while an honest SCRAM
#      producer and group run: each reaches the client as the broker's authentication error,
#      the honest clients lose nothing, kgate logs no error
# Then the same over TLS (kafka_tls_scenarios.sh): two more kgates with TLS listeners, kcat,
# confluent-kafka and Java clients over SASL_SSL, Java over SSL with client certificates
# required (refused without one), transactions included; and through the SNI port of the first
# of them, kcat and Java over SASL_SSL.
# Then kgate must stop on SIGTERM with status 0 and no critical line.
#
#   run_kafka_sasl_e2e.sh KGATE WORKDIR
#
# Needs the broker jars as kafka_e2e does and the Java clients as java_kafka_e2e does (it FAILS
# without them), keytool and openssl. Logs stay in a run directory under WORKDIR when anything
# fails or KGATE_E2E_KEEP=1.
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

readonly PROCESS_LIMIT_S=540   # every JVM's and kgate's own bound, below the ctest timeout
readonly CLUSTER_WAIT_S=150
readonly READY_WAIT_S=30
readonly STOP_WAIT_S=20
readonly COUNT=${KGATE_KAFKA_SASL_E2E_COUNT:-5000}

die() {
  echo "kafka_sasl_e2e: FAILED: $*" >&2
  exit 1
}

[[ -x $kgate ]] || die "$kgate is not an executable"
for tool in java keytool mvn openssl kcat python3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x $KGATE_PYTHON ]] || die "no Python virtual environment at $KGATE_VENV (scripts/setup makes it)"

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
kgate_pid=
bg_pids=()
failures=()
started_at=$(date +%s)

# alive, stop_process, wait_until, pick_ports, report; then the cluster functions.
source "$here/../../integration/process_helpers.sh"
KAFKA_PROCESS_LIMIT_S=$PROCESS_LIMIT_S
# Passwords made fresh for each run; the usernames say who is who in the logs.
password() { python3 -c 'import secrets; print(secrets.token_urlsafe(18))'; }
admin_password=$(password)
alice_password=$(password)
bob_password=$(password)
KAFKA_SASL_USERS="kgate-admin:$admin_password alice:$alice_password bob:$bob_password"
source "$here/cluster.sh"

# shellcheck source=tests/e2e/kafka/behind_kgate.sh
source "$here/behind_kgate.sh"
trap 'kafka_e2e_cleanup kafka_sasl_e2e' EXIT
kafka_libs_or_die
trap 'exit 130' INT TERM
# shellcheck source=tests/e2e/kafka/kgate_tls_clients.sh
source "$here/kgate_tls_clients.sh"
# shellcheck source=tests/e2e/kafka/kafka_tls_scenarios.sh
source "$here/kafka_tls_scenarios.sh"
# Certificates, keytool stores and the Java builds while the cluster starts.
tls_prepare

# kcat on the pinned librdkafka, for SCRAM (current_librdkafka.sh).
# shellcheck source=tests/e2e/current_librdkafka.sh
source "$here/../current_librdkafka.sh"
current_kcat=$(current_librdkafka_kcat "$run/client") || die "cannot run kcat on the pinned librdkafka"
current_kcat_path="$(dirname "$current_kcat"):$PATH"

# ---- ports: 9 for the brokers, the gateway's bootstrap and 4 broker listeners, then 10 for
# the TLS kgates and one for the SNI port ----
base=$(pick_ports 25) || die "cannot find free ports"
gateway=127.0.0.1:$((base + 9))
gateway_first=$((base + 10))
gateway_last=$((base + 13))

t=$(date +%s)
kafka_cluster_init "$run/kafka" "$base" "$kafka_libs"
kafka_cluster_start "$CLUSTER_WAIT_S"
echo "kafka_sasl_e2e: SASL cluster (PLAIN and SCRAM-SHA-512 on CLIENT) formatted and up in $(elapsed_since "$t") s"
tls_prepared
echo "kafka_sasl_e2e: certificates, keytool stores and Java builds ready after $(elapsed_since "$t") s"

kafka_hidden_addresses

printf '%s\n' "$admin_password" >"$run/upstream-password"
chmod 600 "$run/upstream-password"
kafka_kgate_config "$run/kgate.yaml" "$gateway" "$gateway_first" "$gateway_last" off
{
  echo "admin-listen: off"
  echo "upstream-sasl:"
  echo "  mechanism: SCRAM-SHA-512"
  echo "  username: kgate-admin"
  echo "  password-file: $run/upstream-password"
} >>"$run/kgate.yaml"
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/kgate.yaml" >"$run/kgate.log" 2>&1 &
kgate_pid=$!
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" grep -qs "ready: 3 brokers" "$run/kgate.log"
echo "kafka_sasl_e2e: kgate on $gateway, discovering over SASL SCRAM-SHA-512 as kgate-admin"

# sasl_options PROTOCOL MECHANISM USER PASSWORD: kcat's -X options for them.
sasl_options() { echo -X "security.protocol=$1" -X "sasl.mechanisms=$2" -X "sasl.username=$3" -X "sasl.password=$4"; }
scram() { sasl_options SASL_PLAINTEXT SCRAM-SHA-512 "$@"; }
plain() { sasl_options SASL_PLAINTEXT PLAIN "$@"; }
# sasl_clients MECHANISM USER PASSWORD TOPIC OUT [BOOTSTRAP CA]: sasl_clients.py through kgate
# (at BOOTSTRAP, its broker ports the next 4; over SASL_SSL with CA), its summary in OUT.
sasl_clients() {
  local bootstrap=${6:-$gateway}
  local port=${bootstrap##*:}
  timeout -s KILL 300 "$KGATE_PYTHON" "$here/../clients/sasl_clients.py" --bootstrap "$bootstrap" --mechanism "$1" --username "$2" --password "$3" \
    --topic "$4" --count "$COUNT" --brokers 3 --gateway-ports "$port-$((port + 4))" --timeout-s 150 ${7:+--ssl-ca "$7"} \
    >"$5" 2>"$5.err" || return 1
}
no_summary() { [[ -s $1 ]] || echo "sasl clients: FAILED no summary; $(tail -n 3 "$1.err")" >"$1"; }

# ---- 1. metadata through kgate over SCRAM ----
# shellcheck source=tests/e2e/kcat_gateway_check.sh
source "$here/../kcat_gateway_check.sh"
kcat_gateway=$gateway kcat_first=$gateway_first kcat_last=$gateway_last kcat_brokers=3
kcat_hidden=("${hidden[@]}")
t=$(date +%s)
status=0
# shellcheck disable=SC2046  # scram prints the -X options, one word each (no spaces in them)
PATH=$current_kcat_path check_kcat_brokers "$run/1.kcat" "$run/1.scram" $(scram alice "$alice_password") || status=1
# shellcheck disable=SC2046
check_kcat_brokers "$run/1.plain.kcat" "$run/1.plain" $(plain bob "$bob_password") || status=1
sed -i -E 's/sasl\.password=[^ :]+/sasl.password=(the user'"'"'s)/' "$run/1.scram" "$run/1.plain"
report "1. kcat -L through kgate over SCRAM-SHA-512 (librdkafka 2.16) and PLAIN (Debian's kcat) lists only gateway addresses" \
  "$status" "$t" "$run/1.scram" "$run/1.plain"

# ---- 2. producer and group over SCRAM, then over PLAIN ----
t=$(date +%s)
status=0
sasl_clients SCRAM-SHA-512 alice "$alice_password" sasl-scram "$run/2.scram" || status=1
no_summary "$run/2.scram"
sasl_clients PLAIN bob "$bob_password" sasl-plain "$run/2.plain" || status=1
no_summary "$run/2.plain"
report "2. confluent-kafka through kgate over SCRAM-SHA-512 and PLAIN: $COUNT idempotent messages each, 2-member groups" \
  "$status" "$t" "$run/2.scram" "$run/2.plain"

# ---- 3. wrong passwords while honest clients run ----
t=$(date +%s)
status=0
sasl_clients SCRAM-SHA-512 alice "$alice_password" sasl-beside "$run/3.honest" &
honest_pid=$!
bg_pids=("$honest_pid")
# try_wrong NAME KCAT BOOTSTRAP OPTIONS...: kcat -L with a wrong password must fail with the
# broker's error; prints why when it did not. SCRAM with the current kcat only: Debian's fails
# with the right password too.
try_wrong() {
  local name=$1 kcat=$2 bootstrap=$3
  shift 3
  if timeout 30 "$kcat" -L -b "$bootstrap" -m 10 "$@" >"$run/wrong.$name.kcat" 2>"$run/wrong.$name.err"; then
    echo "wrong $name password: FAILED kcat -L succeeded"
    return 1
  fi
  if ! grep -qiE "authentication failed.*invalid (credentials|username or password)" "$run/wrong.$name.err"; then
    echo "wrong $name password: FAILED kcat failed without the broker's authentication error: $(tail -n 2 "$run/wrong.$name.err")"
    return 1
  fi
}
wrong=0
: >"$run/3.out"
while alive "$honest_pid" && ((wrong < 40)); do
  # shellcheck disable=SC2046
  try_wrong SCRAM-SHA-512 "$current_kcat" "$gateway" $(scram alice not-the-password) >>"$run/3.out" || { status=1; break; }
  # shellcheck disable=SC2046
  try_wrong PLAIN kcat "$gateway" $(plain bob not-the-password) >>"$run/3.out" || { status=1; break; }
  wrong=$((wrong + 2))
done
if ((status == 0)); then
  echo "wrong passwords: OK $wrong refused while the honest clients ran, e.g. $(grep -m1 -oiE 'authentication failed[^(]*' "$run/wrong.SCRAM-SHA-512.err" | head -c 160)" >"$run/3.out"
fi
wait "$honest_pid" || status=1
bg_pids=()
no_summary "$run/3.honest"
if grep -q '\[error\]' "$run/kgate.log"; then
  echo "kgate: FAILED logged errors: $(grep -m2 '\[error\]' "$run/kgate.log")" >>"$run/3.out"
  status=1
fi
report "3. wrong SCRAM and PLAIN passwords get the broker's error; honest SASL clients beside them lose nothing" \
  "$status" "$t" "$run/3.out" "$run/3.honest"

# ---- 4-8. over TLS ----
tls_scenarios $((base + 14))

# ---- shutdown ----
report_kgate_stop "$run" "$run/kgate.log"

if [[ ${#failures[@]} -ne 0 ]]; then
  echo "kafka_sasl_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "kafka_sasl_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
