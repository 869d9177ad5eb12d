#!/usr/bin/env bash
# The client matrix through kgate in front of one real 3-node Apache Kafka KRaft cluster
# (tests/e2e/kafka/cluster.sh), whose brokers advertise names no client can resolve:
#   confluent-kafka  the librdkafka its wheel bundles (confluent_e2e.py)
#   kafka-python     pure Python (kafka_python_e2e.py)
#   franz-go + kadm  pure Go (go/)
# each producing idempotently, consuming in a group (classic, and KIP-848 where the client has
# it), listing topics and groups, running transactions read back read_committed, and told only
# gateway addresses. One cluster start serves all three. Then: a control (the Go address check,
# told that only one gateway port is kgate's, must fail), no broker's own address anywhere in
# any client's output, and kgate must stop on SIGTERM with status 0.
#
#   run_clients_e2e.sh KGATE WORKDIR
#
# Needs the broker jars (tests/e2e/kafka/fetch_kafka.sh), the Python packages in $KGATE_VENV
# (scripts/setup-python) and the Go modules (setup_clients_e2e.sh); scripts/setup does all three.
# Without them it FAILS saying so. CLIENTS_E2E_ONLY="go python-kafka confluent" narrows the run.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 KGATE WORKDIR" >&2
  exit 2
fi
kgate=$1
workdir=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kafka_home=$here/../kafka
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"
# shellcheck source=tests/e2e/clients/go_env.sh
source "$here/go_env.sh"

readonly PROCESS_LIMIT_S=840   # kgate's and the brokers' own bound, below the ctest timeout
readonly CLUSTER_WAIT_S=150
readonly READY_WAIT_S=30
readonly STOP_WAIT_S=20
readonly CLIENT_LIMIT_S=300    # each client program; its own waits are --timeout-s each
readonly COUNT=${KGATE_CLIENTS_E2E_COUNT:-3000}
read -r -a families <<<"${CLIENTS_E2E_ONLY:-confluent kafka-python go}"

die() {
  echo "clients_e2e: FAILED: $*" >&2
  exit 1
}

kafka_libs=$KGATE_CACHE/kafka-broker-$KAFKA_VERSION/libs
[[ -s $kafka_libs/kafka_2.13-$KAFKA_VERSION.jar ]] ||
  die "NOT RUN: the Apache Kafka $KAFKA_VERSION broker jars are missing from $kafka_libs; run tests/e2e/kafka/fetch_kafka.sh (scripts/setup does)"
[[ -x $kgate ]] || die "$kgate is not an executable"
for tool in java kcat python3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
"$KGATE_PYTHON" -c 'import confluent_kafka, kafka' 2>/dev/null ||
  die "NOT RUN: confluent-kafka or kafka-python is missing from $KGATE_VENV; run scripts/setup-python (scripts/setup does)"

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
kgate_pid=
tap_pid=
started_at=$SECONDS

# alive, stop_process, wait_until, pick_ports; then the cluster functions.
# shellcheck source=tests/integration/process_helpers.sh
source "$here/../../integration/process_helpers.sh"
KAFKA_PROCESS_LIMIT_S=$PROCESS_LIMIT_S
# shellcheck source=tests/e2e/kafka/cluster.sh
source "$kafka_home/cluster.sh"
# shellcheck source=tests/e2e/kafka/behind_kgate.sh
source "$kafka_home/behind_kgate.sh"

trap 'kafka_e2e_cleanup clients_e2e' EXIT
trap 'exit 130' INT TERM

# The Go client is built offline from the modules setup fetched, before any broker starts.
(cd "$CLIENTS_GO_DIR" && GOPROXY=off GOFLAGS=-mod=readonly "$GO_CMD" build -o "$run/franz-go-clients" .) >"$run/go-build.log" 2>&1 ||
  die "cannot build the franz-go client offline (run tests/e2e/clients/setup_clients_e2e.sh): $(tail -n 5 "$run/go-build.log")"

# ---- ports: 9 for the brokers, the gateway's bootstrap, 4 broker listeners, HTTP, 3 taps ----
base=$(pick_ports 18) || die "cannot find free ports"
gateway=127.0.0.1:$((base + 9))
gateway_first=$((base + 10))
gateway_last=$((base + 13))
http=127.0.0.1:$((base + 14))
tap_first=$((base + 15))

t=$SECONDS
kafka_cluster_init "$run/kafka" "$base" "$kafka_libs"
kafka_cluster_start "$CLUSTER_WAIT_S"
echo "clients_e2e: cluster formatted and up in $((SECONDS - t)) s"

kafka_hidden_addresses

# A recording relay between kgate and each broker: the clients' own requests (kgate forwards them
# byte for byte) and the brokers' answers, for the golden corpus. Clients must never see it.
tap_routes=()
tap_upstreams=()
for ((n = 1; n <= KAFKA_NODES; n++)); do
  tap_routes+=("$((tap_first + n - 1))=127.0.0.1:$(kafka_client_port "$n")")
  tap_upstreams+=("127.0.0.1:$((tap_first + n - 1))")
  hidden+=("127.0.0.1:$((tap_first + n - 1))")
done
hidden_list=$(IFS=,; echo "${hidden[*]}")
timeout -s KILL "$PROCESS_LIMIT_S" python3 "$here/../../tools/frame_tap/frame_tap.py" --out "$run/frames" --keep 3 \
  --seconds "$PROCESS_LIMIT_S" --ready-file "$run/tap.ready" "${tap_routes[@]}" >"$run/tap.log" 2>&1 &
tap_pid=$!
wait_until "$READY_WAIT_S" "$tap_pid" "frame tap" test -e "$run/tap.ready"

kafka_kgate_config "$run/kgate.yaml" "$gateway" "$gateway_first" "$gateway_last" "$http" "$(IFS=,; echo "${tap_upstreams[*]}")"
timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/kgate.yaml" >"$run/kgate.log" 2>&1 &
kgate_pid=$!
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate" grep -qs "ready: 3 brokers" "$run/kgate.log"
echo "clients_e2e: kgate on $gateway (broker ports $gateway_first-$gateway_last)"

# The bootstrap listener is a gateway address too.
common=(--bootstrap "$gateway" --gateway-ports "$((base + 9))-$gateway_last" --hidden "$hidden_list"
        --count "$COUNT" --timeout-s 60)
status=0
failed=()
# run_family NAME COMMAND...: one client program, bounded; its lines indented, then PASS or FAIL.
run_family() {
  local name=$1 t=$SECONDS rc=0
  shift
  timeout -s KILL "$CLIENT_LIMIT_S" "$@" "${common[@]}" --run-id "$name-$$" >"$run/$name.out" 2>"$run/$name.err" || rc=$?
  sed 's/^/    /' "$run/$name.out"
  if [[ $rc -eq 0 ]]; then
    echo "PASS $name ($((SECONDS - t)) s)"
  else
    [[ $rc -eq 137 ]] && echo "    killed after $CLIENT_LIMIT_S s" >>"$run/$name.err"
    tail -n 20 "$run/$name.err" | sed 's/^/    /'
    echo "FAIL $name ($((SECONDS - t)) s, exit status $rc)"
    status=1
    failed+=("$name")
  fi
}
for family in "${families[@]}"; do
  case $family in
    confluent) run_family confluent "$KGATE_PYTHON" "$here/confluent_e2e.py" ;;
    kafka-python) run_family kafka-python "$KGATE_PYTHON" "$here/kafka_python_e2e.py" ;;
    go) run_family franz-go "$run/franz-go-clients" ;;
    *) die "unknown client family $family (confluent, kafka-python, go)" ;;
  esac
done

# The control: told that only the first gateway port is kgate's, the Go address check must
# reject the other brokers' gateway addresses. A check that passed here could not fail.
if [[ " ${families[*]} " == *" go "* ]]; then
  if timeout -s KILL 120 "$run/franz-go-clients" --bootstrap "$gateway" --gateway-ports "$gateway_first-$gateway_first" \
       --hidden "$hidden_list" --timeout-s 60 --run-id "franz-go-$$" --scenarios admin >"$run/control.out" 2>&1; then
    echo "FAIL control: the address check accepted addresses outside the one port it was given"
    status=1
  elif grep -q "not kgate's" "$run/control.out"; then
    echo "PASS control: with one gateway port the check rejects $(grep -o "not kgate's.*" "$run/control.out" | cut -c 1-160)"
  else
    echo "FAIL control: the control run failed for another reason: $(tail -n 2 "$run/control.out")"
    status=1
  fi
fi

# No broker's own name or port in anything a client printed or logged.
leaks=$(grep -lF -e kgate-e2e.invalid "${hidden[@]/#/-e}" "$run"/*.out "$run"/*.err 2>/dev/null || true)
if [[ -n $leaks ]]; then
  echo "FAIL a broker's own address appears in $leaks: $(grep -hF -e kgate-e2e.invalid "${hidden[@]/#/-e}" $leaks | head -n 3)"
  status=1
else
  echo "PASS no client printed or logged a broker's own address"
fi
# librdkafka 2.16 asks for all topics with bytes after the Metadata body: kgate must have
# forwarded such requests, and counted them.
if [[ " ${families[*]} " == *" confluent "* ]]; then
  trailing=$(curl -sf --max-time 5 "http://$http/metrics" |
    sed -nE 's/^kgate_frames_with_trailing_bytes_total\{api="Metadata",frame="request"\} ([0-9.e+]+)$/\1/p' | head -n 1)
  if [[ -n $trailing ]] && [[ ${trailing%.*} -ge 1 ]]; then
    echo "PASS kgate forwarded ${trailing%.*} Metadata requests with bytes after the body (librdkafka 2.16's all-topics request)"
  else
    echo "FAIL kgate_frames_with_trailing_bytes_total{api=\"Metadata\",frame=\"request\"} is '${trailing:-absent}': no such request was seen"
    status=1
  fi
fi
# What kgate refused (a client's request it could not decode) is named, whatever passed.
if grep -q "does not decode" "$run/kgate.log"; then
  echo "NOTE kgate refused requests: $(grep -o "[A-Za-z]* v[0-9]* request does not decode.*" "$run/kgate.log" | sort | uniq -c | head -n 5)"
fi

stop_process "$kgate_pid"
kgate_status=$stopped_status
kgate_pid=
if [[ $kgate_status -ne 0 ]]; then
  echo "FAIL kgate exit status $kgate_status after SIGTERM"
  status=1
else
  echo "PASS kgate stops cleanly on SIGTERM"
fi

# The frames these clients sent and got: every one decodes and re-encodes byte for byte through
# `kgate decode --reencode` (trailing bytes included); kept beside the golden corpus.
stop_process "$tap_pid"
tap_pid=
rm -rf "$workdir/client-frames"
cp -r "$run/frames" "$workdir/client-frames"
if out=$("$here/../../cli/decode_reencode_test.sh" "$kgate" "$workdir/client-frames" 2>&1); then
  echo "PASS client frames: ${out##*decode CLI: } (in $workdir/client-frames)"
else
  echo "FAIL client frames: $out"
  status=1
fi
[[ $status -eq 0 ]] || die "${failed[*]:-see above} ($((SECONDS - started_at)) s)"
echo "clients_e2e: all clients passed in $((SECONDS - started_at)) s"
