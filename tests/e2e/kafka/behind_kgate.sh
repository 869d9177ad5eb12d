# shellcheck shell=bash
# What the runners that put kgate in front of the cluster of cluster.sh share, as functions to
# source after it (the sourcing script sets `run`, its run directory, and `kgate_pid`):
#   kafka_hidden_addresses          sets `hidden` (array) and `hidden_list` (comma-separated):
#                                   what no client may ever be told, the advertised names and
#                                   every port a broker listens on
#   kafka_kgate_config FILE GATEWAY FIRST LAST HTTP [UPSTREAMS]
#                                   kgate's configuration: bootstrap GATEWAY, broker ports
#                                   FIRST-LAST, state in $run/kgate-state (or $kgate_state_dir,
#                                   for a second kgate beside the first), and an override per
#                                   node, since the names the brokers advertise resolve nowhere;
#                                   UPSTREAMS (HOST:PORT,... in node order) puts something
#                                   between kgate and the brokers (a recording relay)
#   kafka_e2e_cleanup NAME          the EXIT trap: stops the runner's background clients
#                                   (`bg_pids`, if any), kgate and the cluster; keeps the run
#                                   directory (and prints the logs' last lines) on failure
#   kafka_libs_or_die               the broker jars in $kafka_libs, or a failure saying how to
#                                   fetch them
#   start_paced_producer E2E OUT LABEL COUNT DURATION_MS ARGS...
#                                   kgate-e2e producing COUNT messages over DURATION_MS in the
#                                   background (ARGS: bootstrap, topic, run id...), output in
#                                   OUT and OUT.err; sets producer_pid (added to bg_pids) once it
#                                   has started

kafka_hidden_addresses() {
  local n
  hidden=()
  for ((n = 1; n <= KAFKA_NODES; n++)); do
    hidden+=("$(kafka_advertised "$n")" "127.0.0.1:$(kafka_client_port "$n")"
             "127.0.0.1:$(kafka_replication_port "$n")" "127.0.0.1:$(kafka_controller_port "$n")")
  done
  hidden_list=$(IFS=,; echo "${hidden[*]}")
}

kafka_kgate_config() {
  local file=$1 gateway=$2 first=$3 last=$4 http=$5 n upstreams=()
  if [[ -n ${6:-} ]]; then
    IFS=, read -r -a upstreams <<<"$6"
  else
    for ((n = 1; n <= KAFKA_NODES; n++)); do upstreams+=("127.0.0.1:$(kafka_client_port "$n")"); done
  fi
  {
    echo "upstream: [$(IFS=,; echo "${upstreams[*]}" | sed 's/,/, /g')]"
    echo "listen: $gateway"
    echo "broker-ports: $first-$last"
    echo "state-dir: ${kgate_state_dir:-$run/kgate-state}"
    echo "http-listen: $http"
    echo "overrides:"
    for ((n = 1; n <= KAFKA_NODES; n++)); do
      echo "  - node-id: $n"
      echo "    upstream: ${upstreams[n - 1]}"
    done
  } >"$file"
}

kafka_libs=$KGATE_CACHE/kafka-broker-$KAFKA_VERSION/libs

kafka_libs_or_die() {
  if [[ ! -s $kafka_libs/kafka_2.13-$KAFKA_VERSION.jar ]]; then
    die "NOT RUN: the Apache Kafka $KAFKA_VERSION broker jars are missing from $kafka_libs; run tests/e2e/kafka/fetch_kafka.sh (scripts/setup does)"
  fi
}

kafka_e2e_cleanup() {
  local status=$? name=$1 pid
  trap - EXIT INT TERM
  for pid in ${bg_pids[@]+"${bg_pids[@]}"}; do stop_process "$pid"; done
  [[ -n $kgate_pid ]] && stop_process "$kgate_pid"
  [[ -n ${tap_pid:-} ]] && stop_process "$tap_pid"
  kafka_cluster_stop
  finish_run "$name" "$status" 15 "$run"/kgate*.log "$run"/kafka/node-*/broker.log
}

start_paced_producer() {
  local e2e=$1 out=$2 label=$3 count=$4 duration_ms=$5
  shift 5
  "$e2e" produce --label "$label" --count "$count" --duration-ms "$duration_ms" --timeout-s 180 --started-file "$out.started" \
    "$@" >"$out" 2>"$out.err" &
  producer_pid=$!
  bg_pids+=("$producer_pid")
  wait_until "$READY_WAIT_S" "$producer_pid" "$label producer" test -e "$out.started"
}
