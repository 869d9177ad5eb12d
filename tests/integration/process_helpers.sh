# Process and port helpers shared by the integration scripts. The sourcing script defines
# die() (its own prefix) and STOP_WAIT_S.

# require_tools EXECUTABLE... -- COMMAND...: each EXECUTABLE a file that runs, each COMMAND on
# the PATH; else die() naming the first missing.
require_tools() {
  while [[ $# -gt 0 && $1 != -- ]]; do
    [[ -x $1 ]] || die "$1 is not an executable"
    shift
  done
  [[ $# -gt 0 ]] && shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
  done
}

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

# The end of a suite's run, from its EXIT trap: end_run NAME STATUS stops what is left (the
# caller's bg_pids, kgate_pid and mock_pid), removes the run directory $run when all passed
# (kept with KGATE_E2E_KEEP=1), else prints the last lines of kgate.log and mock.log; then exits.
end_run() {
  local name=$1 status=$2
  for pid in "${bg_pids[@]}"; do stop_process "$pid"; done
  [[ -n $kgate_pid ]] && stop_process "$kgate_pid"
  [[ -n $mock_pid ]] && stop_process "$mock_pid"
  finish_run "$name" "$status" 25 "$run"/kgate.log "$run"/mock.log
}

# finish_run NAME STATUS LINES LOG...: once everything is stopped, removes the run directory
# $run when STATUS is 0 (kept with KGATE_E2E_KEEP=1), else prints the last LINES lines of each
# LOG that is not empty and says where the logs are; then exits with STATUS.
finish_run() {
  local name=$1 status=$2 lines=$3 log
  shift 3
  if [[ $status -eq 0 ]]; then
    if [[ ${KGATE_E2E_KEEP:-0} == 1 ]]; then echo "$name: logs kept in $run"; else rm -rf -- "$run"; fi
  else
    for log in "$@"; do
      [[ -s $log ]] || continue
      echo "---- last lines of $log ----" >&2
      tail -n "$lines" "$log" >&2
    done
    echo "$name: logs kept in $run" >&2
  fi
  exit "$status"
}

# The last scenario of every suite: report_kgate_stop RUN_DIR LOG... stops the caller's kgate
# ($kgate_pid, cleared) with SIGTERM and reports it: status 0 and no "critical" line in its
# logs passes; the summary counts the error and warning lines.
report_kgate_stop() {
  local dir=$1 t status=0 out
  shift
  out="$dir/stop.out"
  t=$(date +%s)
  stop_process "$kgate_pid"
  kgate_pid=
  if [[ $stopped_status -ne 0 ]]; then
    echo "kgate: FAILED exit status $stopped_status after SIGTERM" >"$out"
    status=1
  elif grep -qi critical "$@"; then
    echo "kgate: FAILED log has critical lines: $(grep -hi critical "$@" | head -n 3)" >"$out"
    status=1
  else
    echo "kgate: OK exit status 0 after SIGTERM, no critical lines, $(cat "$@" | grep -c '\[error\]' || true) error and $(cat "$@" | grep -c '\[warning\]' || true) warning lines in its logs" >"$out"
  fi
  report "kgate stops cleanly on SIGTERM" "$status" "$t" "$out"
}
