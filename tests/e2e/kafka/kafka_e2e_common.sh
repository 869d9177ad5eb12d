# shellcheck shell=bash
# What the Apache Kafka runners (run_kafka_e2e.sh, run_kafka_sasl_e2e.sh) share, as functions
# to source after process_helpers.sh and cluster.sh, with die() defined. They use the runner's
# `run` (its run directory), `kgate_pid` and `bg_pids`.
#
#   kafka_libs_or_die                   the broker jars, or a failure saying how to fetch them
#   kafka_e2e_cleanup NAME              the runner's EXIT trap: stops what it started, keeps
#                                       the logs of a failed run and shows their last lines
#   kafka_hidden_addresses              sets `hidden`: every address no client may be told
#   kafka_kgate_yaml GATEWAY FIRST-LAST the configuration lines every runner gives kgate: the
#                                       three brokers, reached by overrides (they advertise
#                                       names that resolve nowhere); the caller adds its own

kafka_libs=$KGATE_CACHE/kafka-broker-$KAFKA_VERSION/libs

kafka_libs_or_die() {
  if [[ ! -s $kafka_libs/kafka_2.13-$KAFKA_VERSION.jar ]]; then
    die "NOT RUN: the Apache Kafka $KAFKA_VERSION broker jars are missing from $kafka_libs; run tests/e2e/kafka/fetch_kafka.sh (scripts/setup does)"
  fi
}

kafka_e2e_cleanup() {
  local status=$? name=$1 pid log
  trap - EXIT INT TERM
  for pid in "${bg_pids[@]}"; do stop_process "$pid"; done
  [[ -n $kgate_pid ]] && stop_process "$kgate_pid"
  kafka_cluster_stop
  if [[ $status -eq 0 ]]; then
    if [[ ${KGATE_E2E_KEEP:-0} == 1 ]]; then echo "$name: logs kept in $run"; else rm -rf -- "$run"; fi
  else
    for log in "$run"/kgate*.log "$run"/kafka/node-*/broker.log; do
      [[ -s $log ]] || continue
      echo "---- last lines of $log ----" >&2
      tail -n 15 "$log" >&2
    done
    echo "$name: logs kept in $run" >&2
  fi
  exit "$status"
}

kafka_hidden_addresses() {
  local n
  hidden=()
  for n in 1 2 3; do
    hidden+=("$(kafka_advertised "$n")" "127.0.0.1:$(kafka_client_port "$n")"
             "127.0.0.1:$(kafka_replication_port "$n")" "127.0.0.1:$(kafka_controller_port "$n")")
  done
}

kafka_kgate_yaml() {
  local n
  echo "upstream: [127.0.0.1:$(kafka_client_port 1), 127.0.0.1:$(kafka_client_port 2), 127.0.0.1:$(kafka_client_port 3)]"
  echo "listen: $1"
  echo "broker-ports: $2"
  echo "state-dir: $run/kgate-state"
  echo "overrides:"
  for n in 1 2 3; do
    echo "  - node-id: $n"
    echo "    upstream: 127.0.0.1:$(kafka_client_port "$n")"
  done
}
