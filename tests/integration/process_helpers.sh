# Process and port helpers shared by the integration scripts. The sourcing script defines
# die() (its own prefix) and STOP_WAIT_S.

alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# SIGTERM, then SIGKILL if it is still there after STOP_WAIT_S; sets stopped_status to its
# exit status (no command substitution: `wait` only works in the shell that started it).
stopped_status=0
stop_process() {
  local pid=$1
  stopped_status=0
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_WAIT_S * 10; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || stopped_status=$?
}

# wait_until SECONDS PID WHAT COMMAND...: polls COMMAND every 0.1 s (run anew each time) until
# it succeeds; fails when PID exits first or the time runs out.
wait_until() {
  local seconds=$1 pid=$2 what=$3
  shift 3
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" && return 0
    alive "$pid" || die "$what: the process exited before it was ready"
    sleep 0.1
  done
  die "$what: not ready within $seconds s"
}

# pick_ports COUNT: the first of COUNT consecutive free loopback ports (kgate_probe.py says how).
pick_ports() {
  PYTHONPATH="$(dirname "${BASH_SOURCE[0]}")${PYTHONPATH:+:$PYTHONPATH}" python3 -c \
    'import sys, kgate_probe; print(kgate_probe.free_port_range(int(sys.argv[1])))' "$1"
}

# start_mock_cluster MOCK_CLUSTER RUN_DIR SECONDS [TOPIC:PARTITIONS]: three mock brokers with
# that topic (default orders:3), for SECONDS at most; sets mock_pid and mock_brokers (their
# "host:port,..." list).
start_mock_cluster() {
  local binary=$1 dir=$2 seconds=$3 topic=${4:-orders:3}
  timeout --foreground -s KILL $((seconds + 30)) "$binary" --brokers 3 --topic "$topic" \
    --seconds "$seconds" --ready-file "$dir/mock.ready" --control-port-file "$dir/mock.port" \
    >"$dir/mock.out" 2>"$dir/mock.log" &
  mock_pid=$!
  wait_until "$READY_WAIT_S" "$mock_pid" "mock cluster" test -s "$dir/mock.ready"
  mock_brokers=$(head -n 1 "$dir/mock.ready")
}

elapsed_since() { echo $(($(date +%s) - $1)); }

# Records a scenario's outcome in a suite of scenarios: report NAME STATUS START DETAIL_FILE...
# prints the detail files indented and PASS or FAIL; a failure is added to the caller's
# `failures` array.
report() {
  local name=$1 status=$2 start=$3
  shift 3
  for f in "$@"; do [[ -s $f ]] && sed 's/^/    /' "$f"; done
  if [[ $status -eq 0 ]]; then
    echo "PASS $name ($(elapsed_since "$start") s)"
  else
    echo "FAIL $name ($(elapsed_since "$start") s)"
    failures+=("$name")
  fi
}
