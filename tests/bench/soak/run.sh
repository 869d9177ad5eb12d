#!/usr/bin/env bash
# The soak of issue 15: honest clients through kgate for a long run while hostile clients attack
# the same kgate in turn and one broker restarts; reports kgate's memory over time, the honest
# clients' p99 per minute, and records produced, consumed, lost and duplicated.
#
# Usage: tests/bench/soak/run.sh BUILD_DIR [--minutes N] [--brokers mock|kafka] [--out OUT_DIR]
#                                [--rate R] [--kgate-args "ARGS"]
#   --minutes N   length of the honest load (default 60); the attacks fit inside it.
#   --brokers     mock (default): librdkafka's mock cluster (kgate-mock-cluster), 3 brokers, topic
#                 soak with 6 partitions; kafka: the 3-node Apache Kafka KRaft cluster of the e2e
#                 tests (tests/e2e/kafka/cluster.sh), topic soak made on first use (12 partitions,
#                 replication 3). Kafka needs the machine's cluster lock around the whole run:
#                 flock /tmp/kgate-cluster.lock tests/bench/soak/run.sh ... --brokers kafka
#   --out DIR     where the report goes (default BUILD_DIR/soak-BROKERS): summary.md (printed
#                 too), soak.png, rss.tsv, timeline.tsv, the latency logs and every process's log.
#   --rate R      honest records produced per second (default 200).
#   --kgate-args  extra arguments for `kgate serve`, appended after the soak's own (so they win).
#                 KGATE_SOAK_KGATE_ARGS does the same from the environment; both may be given.
#                 The soak sets none of kgate's protections itself: kgate runs with its defaults
#                 (memory budgets, connection limits, idle and slow-frame timeouts), which is what
#                 the soak is for; pass e.g. "--request-memory-budget 0" to see kgate without one.
#
# Honest load, for the whole run: kgate-e2e produce (idempotent, acks=all, paced at --rate) and
# kgate-e2e consume (a group of 2), each logging every record's latency and id; report.py
# matches the ids: lost = acknowledged but never consumed (must be 0).
# Attacks (attacks.py), one at a time in turn: large frames sent slowly, thousands of idle
# connections, connect-and-drop churn, Fetch answers never read, frames trickled (slowloris),
# garbage bytes. Halfway through,
# one broker goes down and comes back (mock: mockctl down/up; kafka: SIGKILL, then start again).
# Exit 1 if a record was lost, a record was never acknowledged, or kgate died; 2 on usage.
# Every process is bounded in time and stopped by the trap; everything listens on 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
# shellcheck source=scripts/versions
source "$repo/scripts/versions"

die() {
  echo "soak: FAIL: $*" >&2
  exit 1
}
STOP_WAIT_S=15
# shellcheck source=tests/integration/process_helpers.sh
source "$repo/tests/integration/process_helpers.sh"

usage() {
  echo "usage: $0 BUILD_DIR [--minutes N] [--brokers mock|kafka] [--out OUT_DIR] [--rate R] [--kgate-args ARGS]" >&2
  exit 2
}
[[ $# -ge 1 ]] || usage
build_dir=$1
shift
minutes=60 brokers=mock out_dir= rate=200 kgate_args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --minutes) [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 3 && $2 -le 240 ]] || usage; minutes=$2; shift ;;
    --brokers) [[ $# -ge 2 && ($2 == mock || $2 == kafka) ]] || usage; brokers=$2; shift ;;
    --out) [[ $# -ge 2 ]] || usage; out_dir=$2; shift ;;
    --rate) [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 1 && $2 -le 5000 ]] || usage; rate=$2; shift ;;
    --kgate-args) [[ $# -ge 2 ]] || usage; read -r -a more <<<"$2"; kgate_args+=("${more[@]}"); shift ;;
    *) usage ;;
  esac
  shift
done
if [[ -n ${KGATE_SOAK_KGATE_ARGS:-} ]]; then
  read -r -a more <<<"$KGATE_SOAK_KGATE_ARGS"
  kgate_args=("${more[@]}" "${kgate_args[@]}")
fi
out_dir=${out_dir:-$build_dir/soak-$brokers}

find_bin() {
  local name=$1 subdir=$2 candidate
  for candidate in "$build_dir/$subdir/$name" "$build_dir/$name"; do
    [[ -x $candidate ]] && { echo "$candidate"; return; }
  done
  die "no $name in $build_dir (looked in $subdir/ too)"
}
kgate=$(find_bin kgate gateway)
e2e=$(find_bin kgate-e2e tests/integration)
[[ $brokers == mock ]] && mock=$(find_bin kgate-mock-cluster tests/tools/mock_cluster)
[[ -x $KGATE_PYTHON ]] || die "no Python with matplotlib at $KGATE_PYTHON (scripts/setup-python makes it)"
command -v kcat >/dev/null || die "kcat is not installed (scripts/setup installs it)"

# ---- the plan, in seconds from the start of the honest load ----
total=$((minutes * 60))
warm=$((total / 10 < 60 ? total / 10 : 60))  # honest load alone first, and quiet again at the end
avail=$((total - 2 * warm))
kinds=(large-frames idle churn noread trickle garbage)
# About one event every 4 minutes, and at least one of each (the broker restart is one too).
slots=$((avail / 240 > ${#kinds[@]} + 1 ? avail / 240 : ${#kinds[@]} + 1))
slot=$((avail / slots))
attack_s=$((slot * 6 / 10 < 120 ? slot * 6 / 10 : 120))
down_s=$((slot * 4 / 10 < 20 ? slot * 4 / 10 : 20))
# The attacks' sizes: the issue's own figures for large frames (40 x 25 MB of a 100 MB frame).
# Idle connections cost the gateway two descriptors each (client and broker side): bounded below.
ulimit -n "$(ulimit -Hn)"
idle_count=$((($(ulimit -n) - 1000) / 2 < 5000 ? ($(ulimit -n) - 1000) / 2 : 5000))
attack_args() {
  case $1 in
    large-frames) echo "--connections 40 --announce 100000000 --send-each 25000000" ;;
    trickle) echo "--connections 50 --announce 100000000 --send-each $((attack_s * 300))" ;;  # 500 bytes/s while sending
    idle) echo "--connections $idle_count" ;;
    churn) echo "--rate 200" ;;
    noread) echo "--connections 8 --rate 20 --topic soak" ;;
    garbage) echo "--rate 100" ;;
  esac
}
count=$((rate * total))
((count <= 10000000)) || die "--rate $rate for $minutes minutes is over kgate-e2e's 10,000,000 records"
budget=$((total + 900))  # every long-lived process exits by itself after this

mkdir -p "$out_dir"
logs="$out_dir/logs"
rm -rf "$logs" && mkdir -p "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/kgate_soak.XXXXXX")
kgate_pid= mock_pid= sampler_pid= producer_pid= consumer_pid= attack_pid=
cleanup() {
  local p
  for p in "$attack_pid" "$producer_pid" "$consumer_pid" "$sampler_pid" "$kgate_pid" "$mock_pid"; do
    [[ -n $p ]] && stop_process "$p"
  done
  if declare -F kafka_cluster_stop >/dev/null; then kafka_cluster_stop; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- brokers ----
if [[ $brokers == mock ]]; then
  timeout -s KILL $((budget + 30)) "$mock" --brokers 3 --topic soak:6 --seconds "$budget" \
    --ready-file "$work/mock.ready" --control-port-file "$work/mock.port" >"$logs/mock.out" 2>"$logs/mock.log" &
  mock_pid=$!
  wait_until 60 "$mock_pid" "mock cluster" test -s "$work/mock.ready"
  upstream=$(head -n 1 "$work/mock.ready")
  broker_note="librdkafka mock cluster, 3 brokers"
else
  kafka_libs=$KGATE_CACHE/kafka-broker-$KAFKA_VERSION/libs
  [[ -s $kafka_libs/kafka_2.13-$KAFKA_VERSION.jar ]] ||
    die "no Apache Kafka $KAFKA_VERSION broker jars in $kafka_libs (run tests/e2e/kafka/fetch_kafka.sh; scripts/setup does)"
  KAFKA_ADVERTISE_HOST=127.0.0.1  # kgate reaches the brokers by what they advertise
  KAFKA_PROCESS_LIMIT_S=$budget
  # shellcheck source=tests/e2e/kafka/cluster.sh
  source "$repo/tests/e2e/kafka/cluster.sh"
  kafka_cluster_init "$work/kafka" "$(pick_ports 9)" "$kafka_libs" >/dev/null
  kafka_cluster_start 150 >/dev/null
  upstream="127.0.0.1:$(kafka_client_port 1),127.0.0.1:$(kafka_client_port 2),127.0.0.1:$(kafka_client_port 3)"
  broker_note="Apache Kafka $KAFKA_VERSION, 3 KRaft nodes"
fi

# ---- kgate ----
base=$(pick_ports 12)
gateway="127.0.0.1:$base"
http_port=$((base + 11))
kgate_cmd=("$kgate" serve --upstream "$upstream" --listen "$gateway" --broker-ports "$((base + 1))-$((base + 10))"
  --state-dir "$work/kgate-state" --http-listen "127.0.0.1:$http_port" --admin-listen off "${kgate_args[@]}")
timeout -s KILL $((budget + 30)) "${kgate_cmd[@]}" >"$logs/kgate.log" 2>&1 &
kgate_pid=$!
# /readyz rather than the log: --kgate-args may well quieten the log.
kgate_ready() { curl -sf --max-time 2 "http://127.0.0.1:$http_port/readyz" >/dev/null; }
wait_until 30 "$kgate_pid" kgate kgate_ready
# The real process, not timeout's: its /proc entry holds the memory figures.
kgate_proc=$(pgrep -P "$kgate_pid" -x kgate || true)
[[ -n $kgate_proc ]] || die "cannot find kgate's process under $kgate_pid"

# Kafka makes the topic on first use: ask through kgate and wait until every partition has a leader.
if [[ $brokers == kafka ]]; then
  for ((i = 0; i < 60; i++)); do
    kcat -L -b "$gateway" -t soak -m 5 -X allow.auto.create.topics=true 2>/dev/null | grep -q 'partition 11, leader [0-9]' && break
    sleep 1
  done
  ((i < 60)) || die "topic soak did not get a leader for each of its 12 partitions within 60 s"
fi

# ---- memory sampler: kgate's resident memory and open descriptors every 2 s ----
{
  echo -e "unix_s\trss_kib\thwm_kib\tfds"
  while alive "$kgate_proc"; do
    rss=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$kgate_proc/status" 2>/dev/null) || break
    hwm=$(awk '$1 == "VmHWM:" {print $2}' "/proc/$kgate_proc/status" 2>/dev/null) || break
    fds=$(find "/proc/$kgate_proc/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    echo -e "$(date +%s.%N | cut -c1-14)\t$rss\t$hwm\t$fds"
    sleep 2
  done
} >"$out_dir/rss.tsv" &
sampler_pid=$!

# ---- honest load ----
run_id="soak$$"
common=(--bootstrap "$gateway" --run-id "$run_id" --gateway-ports "$base-$((base + 10))" --upstream "$upstream" --topic soak)
# The consumer waits for every record; it gives up at the producer's end plus its retries (120 s) and a margin.
timeout -s KILL $((total + 400)) "$e2e" consume --label soak "${common[@]}" --group "soak-$run_id" --consumers 2 \
  --expect "$count" --max-duplicates "$count" --timeout-s $((total + 300)) --latency-log "$out_dir/consume.lat" \
  >"$logs/consume.out" 2>"$logs/consume.err" &
consumer_pid=$!
timeout -s KILL $((total + 300)) "$e2e" produce --label soak "${common[@]}" --count "$count" \
  --duration-ms $((total * 1000)) --timeout-s $((total + 200)) --latency-log "$out_dir/produce.lat" \
  --started-file "$work/started" >"$logs/produce.out" 2>"$logs/produce.err" &
producer_pid=$!
t0=$(date +%s)
wait_until 60 "$producer_pid" "honest producer" test -e "$work/started"
echo "soak: $minutes min, $broker_note, kgate $gateway (pid $kgate_proc${kgate_args[*]:+, extra args: ${kgate_args[*]}}), $rate records/s, out $out_dir"

timeline="$out_dir/timeline.tsv"
echo -e "start_unix\tend_unix\tevent\tdetail" >"$timeline"
# sleep_until SECONDS: waits until that offset from the start; fails at once if kgate dies meanwhile.
sleep_until() {
  local target=$((t0 + $1))
  while (($(date +%s) < target)); do
    alive "$kgate_proc" || return 1
    sleep 1
  done
  alive "$kgate_proc"
}
broker_restart() {
  local start node detail
  # The leader of soak/0, asked of the brokers themselves: its partitions' records must wait for it.
  node=$(timeout 30 kcat -L -b "$upstream" -t soak -m 10 2>/dev/null | sed -nE 's/^ +partition 0, leader ([0-9]+),.*/\1/p')
  [[ $node =~ ^[1-3]$ ]] || node=2
  start=$(date +%s.%N | cut -c1-14)
  if [[ $brokers == mock ]]; then
    "$repo/tests/tools/mock_cluster/mockctl.sh" "$work/mock.port" down "$node" >>"$logs/mockctl.log" 2>&1 ||
      die "mockctl down $node failed"
    sleep "$down_s"
    "$repo/tests/tools/mock_cluster/mockctl.sh" "$work/mock.port" up "$node" >>"$logs/mockctl.log" 2>&1 ||
      die "mockctl up $node failed"
    detail="mock broker $node (leader of soak/0) down for $down_s s"
  else
    kafka_broker_kill "$node"
    sleep "$down_s"
    kafka_broker_start "$node"
    kafka_broker_wait "$node" 180
    detail="Kafka node $node (leader of soak/0) killed (SIGKILL), started again after $down_s s, back in the cluster after $(($(date +%s) - ${start%.*})) s"
  fi
  echo -e "$start\t$(date +%s.%N | cut -c1-14)\tbroker-restart\t$detail" >>"$timeline"
}

# ---- the attacks, in turn; the broker restart in the middle slot ----
attack_index=0
for ((s = 0; s < slots; s++)); do
  sleep_until $((warm + s * slot)) || break
  if ((s == slots / 2)); then
    echo "soak: $(date -u +%T) broker restart"
    broker_restart
    continue
  fi
  kind=${kinds[attack_index % ${#kinds[@]}]}
  attack_index=$((attack_index + 1))
  echo "soak: $(date -u +%T) attack $kind for $attack_s s"
  start=$(date +%s.%N | cut -c1-14)
  # shellcheck disable=SC2046  # attack_args prints several words
  timeout -s KILL $((attack_s + 60)) "$KGATE_PYTHON" "$here/attacks.py" "$kind" "$gateway" --seconds "$attack_s" \
    $(attack_args "$kind") >"$work/attack.out" 2>>"$logs/attacks.err" &
  attack_pid=$!
  status=0
  wait "$attack_pid" || status=$?
  attack_pid=
  detail=$(tail -n 1 "$work/attack.out" 2>/dev/null || true)
  ((status == 0)) || detail="exit $status ${detail}"
  echo -e "$start\t$(date +%s.%N | cut -c1-14)\t$kind\t$detail" >>"$timeline"
  echo "soak:   $detail"
  # kgate's counters after each attack: what its limits did, once it has them.
  curl -s --max-time 5 "http://127.0.0.1:$http_port/metrics" >"$logs/metrics-after-$s-$kind.txt" || true
done

# ---- the end: honest clients finish, kgate's last figures, then stop it ----
# The clients run to the end unless kgate died: then nothing is left to measure.
produce_status=0 consume_status=0
if sleep_until "$total"; then
  wait "$producer_pid" || produce_status=$?
  wait "$consumer_pid" || consume_status=$?
else
  stop_process "$producer_pid"
  produce_status=$stopped_status
  stop_process "$consumer_pid"
  consume_status=$stopped_status
fi
producer_pid= consumer_pid=
kgate_state=alive
if ! alive "$kgate_proc"; then
  kgate_state=died
  wait "$kgate_pid" 2>/dev/null || kgate_state="died (exit $?)"
  kgate_pid=
else
  curl -s --max-time 5 "http://127.0.0.1:$http_port/metrics" >"$out_dir/metrics.txt" || true
fi
sleep 3  # the sampler's last figures after the clients left
stop_process "$sampler_pid"
sampler_pid=
if [[ -n $kgate_pid ]]; then
  stop_process "$kgate_pid"
  kgate_pid=
  ((stopped_status == 0)) || kgate_state="alive, but exited $stopped_status on SIGTERM"
fi

# Clients' own verdicts, for the report (the exact accounting comes from the latency logs).
clients="producer exit $produce_status: $(tail -n 1 "$logs/produce.out" 2>/dev/null | cut -c1-300)"
clients+=$'\n'"consumer exit $consume_status: $(tail -n 1 "$logs/consume.out" 2>/dev/null | cut -c1-300)"
echo "$clients" >"$out_dir/clients.txt"
cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
"$KGATE_PYTHON" "$here/report.py" --out "$out_dir" --t0 "$t0" --minutes "$minutes" --count "$count" --rate "$rate" \
  --kgate "$kgate_state" --setup "$broker_note; kgate $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')${kgate_args[*]:+ with ${kgate_args[*]}}; nproc $(nproc), $cpu_model"
