#!/usr/bin/env bash
# kgate as a drop-in for KoP's Envoy-per-broker recipe, against a real 2-broker KoP cluster
# (cluster.sh). In the recipe each broker advertises its own proxy's address; here each broker
# advertises 127.0.0.1:<its gateway port>, and one kgate with a static map (overrides: node id,
# upstream, listen-port) stands in for the two proxies.
#   0. kgate started before any broker: /readyz answers 200 and the bootstrap and both broker
#      listeners accept connections, from the static map alone
#   1. once the brokers are up, discovery confirms the map; kcat -L through kgate lists each
#      node on the port it advertises (what the brokers say directly), only gateway addresses,
#      and kgate never dialled itself
#   2. librdkafka idempotent producer into 8 partitions led by both brokers, read back by a
#      2-member group: nothing lost or duplicated
#   3. transactions (KoP's markers go to the advertised address, so to kgate): read_committed
#      sees exactly the committed messages
#   4. kgate restarted on saved routes whose ports are swapped (the failure that broke
#      transactions), with overrides naming upstreams only: it is ready before discovery, puts
#      each node back on the port it advertises, and transactions work again
# Then kgate must stop on SIGTERM with status 0.
#
#   run_kop_recipe_e2e.sh KGATE E2E_BINARY WORKDIR
#
# Needs KGATE_KOP_NAR as kop_e2e does (without it: skipped, exit 77). Ports: 18200-18216 unless
# KGATE_KOP_RECIPE_PORT_BASE says otherwise. Logs stay in a run directory under WORKDIR when
# anything fails or KGATE_E2E_KEEP=1.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 KGATE E2E_BINARY WORKDIR" >&2
  exit 2
fi
kgate=$1
e2e=$2
workdir=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions
source "$here/../../../scripts/versions"

readonly PROCESS_LIMIT_S=840  # every JVM's and kgate's own bound, below the ctest timeout
readonly CLUSTER_WAIT_S=240
readonly READY_WAIT_S=60
readonly STOP_WAIT_S=30
readonly COUNT=${KGATE_KOP_RECIPE_COUNT:-5000}
readonly PORT_BASE=${KGATE_KOP_RECIPE_PORT_BASE:-18200}

die() {
  echo "kop_recipe_e2e: FAILED: $*" >&2
  exit 1
}

# shellcheck source=tests/e2e/kop/kop_e2e_common.sh
source "$here/kop_e2e_common.sh"
kop_handler_or_skip kop_recipe_e2e
kop_pulsar_libs_or_die
kop_tools_or_die "$kgate" "$e2e" java kcat curl python3 ss timeout

mkdir -p "$workdir"
run=$(mktemp -d "$workdir/run.XXXXXX")
kgate_pid=
failures=()
started_at=$(date +%s)

# alive, stop_process, wait_until, report; then the cluster functions.
# shellcheck source=tests/integration/process_helpers.sh
source "$here/../../integration/process_helpers.sh"
KOP_PROCESS_LIMIT_S=$PROCESS_LIMIT_S
# shellcheck source=tests/e2e/kop/cluster.sh
source "$here/cluster.sh"

trap 'kop_e2e_cleanup kop_recipe_e2e' EXIT
trap 'exit 130' INT TERM

# shellcheck source=tests/e2e/current_librdkafka.sh
source "$here/../current_librdkafka.sh"
e2e=$(current_librdkafka_wrapper "$e2e" "$run/client") || die "cannot run kgate-e2e on the pinned librdkafka"

# ---- ports: the cluster's 8, then the gateway's bootstrap, 4 broker listeners, HTTP, admin ----
gateway=127.0.0.1:$((PORT_BASE + 10))
gateway_first=$((PORT_BASE + 11))
gateway_last=$((PORT_BASE + 14))
http=127.0.0.1:$((PORT_BASE + 15))
for port in $(seq $((PORT_BASE + 10)) $((PORT_BASE + 16))); do
  if ss -Hltn "sport = :$port" | grep -q .; then die "port $port, which kgate needs here, is in use"; fi
done

# The recipe: each broker advertises the gateway's address, one gateway port per broker (broker
# 1 the higher one, so that handing out ports in discovery order would get them wrong).
declare -A gateway_port=([1]=$((PORT_BASE + 13)) [2]=$((PORT_BASE + 11)))
declare -A node_id=()
for n in 1 2; do
  declare "KOP_ADVERTISED_$n=127.0.0.1:${gateway_port[$n]}"  # read by cluster.sh
  node_id[$n]=$(kop_node_id "127.0.0.1:${gateway_port[$n]}")
done
kop_cluster_init "$run/kop" "$PORT_BASE" "$KOP_PULSAR_LIBS" "$KOP_HANDLER"
hidden=()  # every port the cluster listens on: no client may be told one
for port in $(kop_listen_ports); do hidden+=("127.0.0.1:$port"); done
hidden_list=$(IFS=,; echo "${hidden[*]}")

# write_config FILE PIN: kgate's YAML; PIN=1 adds each node's listen-port (the static map).
write_config() {
  local file=$1 pin=$2 n
  cat >"$file" <<YAML
upstream: [127.0.0.1:$(kop_kafka_port 1), 127.0.0.1:$(kop_kafka_port 2)]
listen: $gateway
broker-ports: $gateway_first-$gateway_last
state-dir: $run/kgate-state
http-listen: $http
admin-listen: 127.0.0.1:$((PORT_BASE + 16))
overrides:
YAML
  for n in 1 2; do
    echo "  - node-id: ${node_id[$n]}" >>"$file"
    echo "    upstream: 127.0.0.1:$(kop_kafka_port "$n")" >>"$file"
    [[ $pin == 1 ]] && echo "    listen-port: ${gateway_port[$n]}" >>"$file"
  done
  return 0
}

# start_kgate CONFIG LOG: kgate in the background; sets kgate_pid.
start_kgate() {
  timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$1" >"$2" 2>&1 &
  kgate_pid=$!
}

ready_200() { [[ $(curl -s -o "$run/readyz.body" -w '%{http_code}' "http://$http/readyz" 2>/dev/null) == 200 ]]; }
accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- 0. ready from the static map before any broker runs ----
t=$(date +%s)
status=0
write_config "$run/kgate.yaml" 1
start_kgate "$run/kgate.yaml" "$run/kgate.log"
wait_until 10 "$kgate_pid" "kgate /readyz" ready_200
{
  echo "/readyz: OK 200 \"$(cat "$run/readyz.body")\" with no broker running"
  for port in "${gateway#*:}" "${gateway_port[1]}" "${gateway_port[2]}"; do
    if accepts "$port"; then echo "listener $port: OK accepts connections"; else echo "listener $port: FAILED refuses connections"; fi
  done
} >"$run/0.summary"
grep -q FAILED "$run/0.summary" && status=1
if grep -q 'ready before discovery: 2 ' "$run/kgate.log" && ! grep -q 'ready: 2 brokers' "$run/kgate.log"; then
  echo "kgate log: OK ready before discovery, which has not succeeded yet" >>"$run/0.summary"
else
  echo "kgate log: FAILED no 'ready before discovery' before discovery's 'ready: 2 brokers'" >>"$run/0.summary"
  status=1
fi
report "0. kgate ready from its static map before any broker runs" "$status" "$t" "$run/0.summary"

# ---- the brokers, advertising kgate's ports ----
t=$(date +%s)
kop_cluster_start "$CLUSTER_WAIT_S"
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate discovery" grep -qs "ready: 2 brokers" "$run/kgate.log"
echo "kop_recipe_e2e: cluster up and discovered in $(elapsed_since "$t") s; brokers advertise ${KOP_ADVERTISED_1} (node ${node_id[1]}) and ${KOP_ADVERTISED_2} (node ${node_id[2]})"

common=(--bootstrap "$gateway" --gateway-ports "${gateway#*:}-$gateway_last" --upstream "$hidden_list")
# shellcheck source=tests/e2e/kcat_gateway_check.sh
source "$here/../kcat_gateway_check.sh"
kcat_gateway=$gateway kcat_first=$gateway_first kcat_last=$gateway_last kcat_brokers=2
kcat_hidden=("${hidden[@]}" localhost)

brokers_listed() { grep -oE '^ +broker -?[0-9]+ at [^ ]+' "$1" | awk '{print $2 "@" $4}' | sort | tr '\n' ' '; }
# Lines kgate logs when a broker's address leads back to itself or a port is not the advertised one.
self_dial_lines() {
  grep -cE "kgate does not dial itself|not dialled|must have gateway port|(127\.0\.0\.1:(${gateway#*:}|${gateway_port[1]}|${gateway_port[2]})): Connection refused" "$1" || true
}

# check_recipe_routes TAG: kcat through kgate names each node on the port it advertises and
# nothing else; the brokers say the same directly; kgate never tried to reach itself.
check_recipe_routes() {
  local tag=$1 want n ok=0
  check_kcat_brokers "$run/$tag.kcat" "$run/$tag.summary" || ok=1
  want=$(for n in 1 2; do echo "${node_id[$n]}@127.0.0.1:${gateway_port[$n]}"; done | sort | tr '\n' ' ')
  timeout 30 kcat -L -b "127.0.0.1:$(kop_kafka_port 1)" -m 15 >"$run/$tag.direct" 2>&1 || true
  if [[ $(brokers_listed "$run/$tag.kcat") == "$want" && $(brokers_listed "$run/$tag.direct") == "$want" ]]; then
    echo "ports: OK every node on the gateway port it advertises, through kgate and directly: $want" >>"$run/$tag.summary"
  else
    echo "ports: FAILED want $want; kgate lists $(brokers_listed "$run/$tag.kcat"); the brokers list $(brokers_listed "$run/$tag.direct")" >>"$run/$tag.summary"
    ok=1
  fi
  if [[ $(self_dial_lines "$2") -eq 0 ]]; then
    echo "kgate log: OK no connection to its own listeners, no port disagreement" >>"$run/$tag.summary"
  else
    echo "kgate log: FAILED $(self_dial_lines "$2") lines about its own address: $(grep -m 2 -E 'not dial|must have gateway port|Connection refused' "$2" | tr '\n' ' ')" >>"$run/$tag.summary"
    ok=1
  fi
  return "$ok"
}

# ---- 1. the map confirmed by discovery ----
t=$(date +%s)
status=0
check_recipe_routes 1 "$run/kgate.log" || status=1
report "1. kcat -L through kgate: each node on the port it advertises, gateway addresses only" "$status" "$t" "$run/1.summary"

# ---- 2. librdkafka: idempotent producer, 2-member group ----
t=$(date +%s)
status=0
"$e2e" produce --label idempotent "${common[@]}" --topic recipe --run-id "r2-$$" --count "$COUNT" \
  --timeout-s 180 >"$run/2.produce" 2>"$run/2.produce.err" || status=1
check_kcat_brokers "$run/2.kcat" "$run/2.kcat.summary" -t recipe || status=1
leaders=$(sed -nE 's/^ +partition [0-9]+, leader (-?[0-9]+),.*/\1/p' "$run/2.kcat" | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')
if [[ $(wc -w <<<"$leaders") -eq 2 ]]; then
  echo "topic recipe: OK leaders on both brokers: $leaders" >>"$run/2.kcat.summary"
else
  echo "topic recipe: FAILED partitions led by both brokers expected; leaders per node: ${leaders:-none}" >>"$run/2.kcat.summary"
  status=1
fi
if [[ $status -eq 0 ]]; then
  "$e2e" consume --label group2 "${common[@]}" --topic recipe --run-id "r2-$$" --group "recipe-group-$$" \
    --consumers 2 --expect "$COUNT" --timeout-s 180 >"$run/2.consume" 2>"$run/2.consume.err" || status=1
fi
report "2. librdkafka: $COUNT idempotent messages on both brokers, 2-member group" "$status" "$t" \
  "$run/2.produce" "$run/2.kcat.summary" "$run/2.consume"

# check_transactions TAG COUNT: commits and aborts through kgate; read_committed sees exactly
# the committed messages (KoP's markers reach each partition's leader through kgate).
check_transactions() {
  local tag=$1 count=$2 ok=0
  "$e2e" txn-produce --label "txn-$tag" "${common[@]}" --topic "recipe-txn-$tag" --run-id "t$tag-$$" --count "$count" \
    --batch 250 --abort-every 3 --timeout-s 150 >"$run/$tag.produce" 2>"$run/$tag.produce.err" || ok=1
  if [[ $ok -eq 0 ]]; then
    "$e2e" consume --label "read-committed-$tag" "${common[@]}" --topic "recipe-txn-$tag" --run-id "t$tag-$$" \
      --group "recipe-rc-$tag-$$" --isolation read_committed --expect "$count" --expect-foreign 0 --timeout-s 120 \
      >"$run/$tag.committed" 2>"$run/$tag.committed.err" || ok=1
  fi
  return "$ok"
}

# ---- 3. transactions ----
t=$(date +%s)
status=0
check_transactions 3 2000 || status=1
report "3. transactions through the recipe's topology: read_committed sees exactly the committed messages" "$status" "$t" \
  "$run/3.produce" "$run/3.committed"

# ---- 4. restart on saved routes with the ports swapped ----
t=$(date +%s)
status=0
stop_process "$kgate_pid"
kgate_pid=
python3 - "$run/kgate-state/routes.json" <<'PY'
import json, sys
path = sys.argv[1]
doc = json.load(open(path))
a, b = doc["routes"]
a["listen_port"], b["listen_port"] = b["listen_port"], a["listen_port"]
json.dump(doc, open(path, "w"), indent=2)
PY
write_config "$run/kgate-saved.yaml" 0
start_kgate "$run/kgate-saved.yaml" "$run/kgate-saved.log"
wait_until "$READY_WAIT_S" "$kgate_pid" "kgate on saved routes" grep -qs "ready: 2 brokers" "$run/kgate-saved.log"
before=$(grep -n -m 1 'ready before discovery: 2 ' "$run/kgate-saved.log" | cut -d: -f1)
after=$(grep -n -m 1 'ready: 2 brokers' "$run/kgate-saved.log" | cut -d: -f1)
if [[ -n $before && $before -lt $after ]]; then
  echo "kgate log: OK ready before discovery on the saved routes (line $before, discovery's line $after)" >"$run/4.summary"
else
  echo "kgate log: FAILED not ready before discovery: $(grep -m 3 -E 'ready|restored' "$run/kgate-saved.log" | tr '\n' ' ')" >"$run/4.summary"
  status=1
fi
moved=$(grep -c 'the gateway port it advertises .*, instead of the saved' "$run/kgate-saved.log" || true)
if [[ $moved -eq 2 ]]; then
  echo "swapped saved ports: OK both brokers put back on the ports they advertise" >>"$run/4.summary"
else
  echo "swapped saved ports: FAILED $moved of 2 brokers moved back" >>"$run/4.summary"
  status=1
fi
check_recipe_routes 4r "$run/kgate-saved.log" || status=1
check_transactions 4t 1000 || status=1
report "4. kgate restarted on swapped saved routes: ready before discovery, ports corrected, transactions work" "$status" "$t" \
  "$run/4.summary" "$run/4r.summary" "$run/4t.produce" "$run/4t.committed"

# ---- shutdown ----
report_kgate_stop "$run" "$run"/kgate*.log

if [[ ${#failures[@]} -ne 0 ]]; then
  echo "kop_recipe_e2e: FAILED ${#failures[@]} scenario(s) in $(elapsed_since "$started_at") s: ${failures[*]}" >&2
  exit 1
fi
echo "kop_recipe_e2e: all scenarios passed in $(elapsed_since "$started_at") s"
