# shellcheck shell=bash
# Scenario 7 of run_kop_e2e.sh: one KoP broker stopped while a librdkafka idempotent producer
# runs through kgate. Pulsar moves the stopped broker's namespace bundles (so its partitions)
# to the other broker; the producer must deliver every message, none may be missing, and kgate
# must follow: KoP's Metadata stops naming the broker, so `kcat -L` through kgate names only the
# remaining one (at its gateway address) leading every partition, /routes and the admin API's
# ListBrokers mark the stopped one absent once discovery has refreshed (its route and gateway
# port are kept for its return), and /metrics counts the failed connections to it.
#
# Duplicates: KoP 3.1.1.1 writes a few retried batches a second time when a broker stops,
# without kgate too. librdkafka 2.16 directly against this cluster (15,000 messages paced over
# 30 s, as here) read back 8 duplicates after a SIGTERM and 0, then 2 after a SIGKILL; through
# kgate 5 after a SIGTERM and 3, 4 and 1 after a SIGKILL. The new owner rebuilds the partitions' producer
# state from the log ("Recovery of ... finished" in its log) and still takes the retried batch.
# So up to MAX_DUPLICATES may arrive twice (about what the stopped broker's 5 requests in flight
# per connection hold at this rate, ten times what was seen); nothing may be missing, nothing
# else out of order, and each duplicate is counted in the report.
#
# Sourced by run_kop_e2e.sh, which then calls kop_broker_stop_scenario as its LAST scenario:
# the broker is not restarted (restarting one costs 30-40 s here). It uses the runner's `run`,
# `e2e`, `common`, `kgate_pid`, PORT_BASE, READY_WAIT_S, `report`, `check_kcat_brokers` and the
# cluster functions.
#
# KGATE_KOP_STOP_SIGNAL: KILL (default) or TERM.
# - KILL, a crash: the broker gives nothing up. Its ZooKeeper session expires after 30 s
#   (metadataStoreSessionTimeoutMillis); only then does KoP's Metadata stop naming it and the
#   other broker take its bundles, while the producer's batches for them wait. The default:
#   for those 30 s kgate's discovery finds a broker that Metadata names but nobody can reach,
#   which TERM never shows, and a crash is what the Kafka scenario runs too. It costs 49-69 s
#   against TERM's 38; both, with a restart between, would be over the 2 minutes allowed.
# - TERM, an orderly stop (a rolling restart): the broker unloads its bundles itself; its JVM is
#   gone and the other broker owns them about 15 s later.

# kop_node_stop N SIGNAL: stops broker N's JVM with SIGNAL and waits (at most 90 s) for it to exit.
kop_node_stop() {
  local n=$1 signal=$2 wrapper jvm i
  wrapper=${KOP_PIDS[broker-$n]}
  jvm=$(pgrep -P "$wrapper" || true)
  [[ -n $jvm ]] || die "kop broker $n: no JVM under its timeout wrapper $wrapper"
  kill "-$signal" "$jvm"
  for ((i = 0; i < 900; i++)); do
    alive "$jvm" || break
    sleep 0.1
  done
  alive "$jvm" && die "kop broker $n did not exit within 90 s of SIG$signal"
  wait "$wrapper" 2>/dev/null || true
  KOP_PIDS[broker-$n]=""  # kop_cluster_stop leaves it alone
}

# kop_seconds_since NANOSECONDS: seconds since that `date +%s%N`, to a tenth.
kop_seconds_since() {
  local tenths=$((($(date +%s%N) - $1) / 100000000))
  echo "$((tenths / 10)).$((tenths % 10))"
}

# kop_routes_state FILE NODE: the state /routes gives NODE ("serving", "absent", ...), or "none".
kop_routes_state() {
  python3 -c 'import json, sys
states = {str(r["node_id"]): r.get("state", "no state field") for r in json.load(open(sys.argv[1]))}
print(states.get(sys.argv[2], "none"))' "$1" "$2" 2>/dev/null || echo "unreadable"
}

# kop_metric FILE NAME LABELS: the sum of NAME's series whose labels contain LABELS (0 if none).
kop_metric() {
  awk -v name="$2" -v labels="$3" '$1 ~ "^" name "[{ ]" && index($1, labels) { sum += $2 } END { printf "%d\n", sum }' "$1"
}

kop_broker_stop_scenario() {
  local t status=0 signal=${KGATE_KOP_STOP_SIGNAL:-KILL} victim=2 survivor=1 count=15000 topic=e2e-kop-stop max_duplicates=50
  local http=127.0.0.1:$((PORT_BASE + 15)) admin=127.0.0.1:$((PORT_BASE + 16))
  local grpcurl=$KGATE_CACHE/bin/grpcurl victim_id survivor_id producer_pid stopped_at stop_s
  local direct_s="" leaders_s="" routes_s="" i now leaders listed brokers_out failed_connects open_connections
  t=$(date +%s)
  [[ $signal == TERM || $signal == KILL ]] || die "KGATE_KOP_STOP_SIGNAL=$signal: TERM or KILL"
  [[ -x $grpcurl ]] || die "grpcurl is not at $grpcurl (scripts/setup installs it)"

  # The two node ids, as kgate discovered them (KoP's Murmur3 hashes of host and port).
  curl -sf --max-time 5 "http://$http/routes" >"$run/7.routes.before" || die "/routes: request failed"
  read -r victim_id survivor_id < <(python3 -c 'import json, sys
by_port = {r["broker_advertised"]["port"]: r["node_id"] for r in json.load(open(sys.argv[1]))}
print(by_port[int(sys.argv[2])], by_port[int(sys.argv[3])])' "$run/7.routes.before" "$(kop_kafka_port "$victim")" "$(kop_kafka_port "$survivor")") ||
    die "/routes does not list both brokers: $(cat "$run/7.routes.before")"

  # Paced over 30 s: the broker stops about 6 s in; its partitions move while the producer runs
  # (after a TERM) or once its ZooKeeper session has expired, near the producer's end (a KILL).
  "$e2e" produce --label broker-stop "${common[@]}" --topic "$topic" --run-id "p6-$$" --count "$count" \
    --duration-ms 30000 --timeout-s 150 --started-file "$run/7.started" >"$run/7.produce" 2>"$run/7.produce.err" &
  producer_pid=$!
  wait_until "$READY_WAIT_S" "$producer_pid" "broker-stop producer" test -e "$run/7.started"
  sleep 5
  kcat -L -b "$kcat_gateway" -t "$topic" -m 15 >"$run/7.kcat.before" 2>&1 || true
  echo "before: partitions of $topic led $(leaders_by_node "$run/7.kcat.before")(broker $victim is node $victim_id)" >"$run/7.timeline"

  stopped_at=$(date +%s%N)
  kop_node_stop "$victim" "$signal"
  stop_s=$(kop_seconds_since "$stopped_at")
  alive "$producer_pid" || { echo "producer: FAILED it had finished before broker $victim was stopped" >>"$run/7.timeline"; status=1; }

  # Until KoP's Metadata names one broker, every partition is led by the survivor and kgate's
  # discovery (every metadata-refresh-ms, 30 s by default) has marked the stopped one absent.
  for ((i = 0; i < 75; i++)); do
    now=$(kop_seconds_since "$stopped_at")
    if [[ -z $direct_s ]] && kop_broker_ready "$survivor" 1 && ! kop_broker_ready "$survivor" 2; then direct_s=$now; fi
    if [[ -z $leaders_s ]] && kcat -L -b "$kcat_gateway" -t "$topic" -m 5 >"$run/7.kcat.poll" 2>/dev/null &&
      [[ $(leaders_by_node "$run/7.kcat.poll") == "$survivor_id=8 " ]]; then leaders_s=$now; fi
    if [[ -z $routes_s ]] && curl -sf --max-time 5 "http://$http/routes" >"$run/7.routes.poll" &&
      [[ $(kop_routes_state "$run/7.routes.poll" "$victim_id") == absent ]]; then routes_s=$now; fi
    [[ -n $direct_s && -n $leaders_s && -n $routes_s ]] && break
    sleep 1
  done
  {
    echo "broker $victim: SIG$signal, its JVM gone in $stop_s s"
    echo "KoP's Metadata (asked broker $survivor directly) names one broker: ${direct_s:-not within 75} s after the signal"
    echo "all 8 partitions led by node $survivor_id (kcat -L through kgate): ${leaders_s:-not within 75} s after"
    echo "kgate's /routes marks node $victim_id absent: ${routes_s:-not within 75} s after"
  } >>"$run/7.timeline"
  [[ -n $direct_s && -n $leaders_s && -n $routes_s ]] || status=1

  wait "$producer_pid" || status=1
  "$e2e" consume --label after-stop "${common[@]}" --topic "$topic" --run-id "p6-$$" --group "kop-stop-$$" \
    --expect "$count" --max-duplicates "$max_duplicates" --timeout-s 120 >"$run/7.consume" 2>"$run/7.consume.err" || status=1

  # kcat -L through kgate: the remaining broker only, at its gateway address, leading everything.
  local saved_brokers=$kcat_brokers
  kcat_brokers=1
  check_kcat_brokers "$run/7.kcat" "$run/7.kcat.summary" -t "$topic" || status=1
  kcat_brokers=$saved_brokers
  leaders=$(leaders_by_node "$run/7.kcat")
  if [[ $leaders == "$survivor_id=8 " ]] && grep -qE "^ +broker $survivor_id at " "$run/7.kcat"; then
    echo "topic $topic: OK all 8 partitions led by node $survivor_id, the only broker listed" >>"$run/7.kcat.summary"
  else
    echo "topic $topic: FAILED leaders per node: ${leaders:-none}; node $survivor_id expected for all 8" >>"$run/7.kcat.summary"
    status=1
  fi

  # Routes: both kept (the stopped broker's gateway port stays reserved), the stopped one absent.
  curl -sf --max-time 5 "http://$http/routes" >"$run/7.routes" || echo '[]' >"$run/7.routes"
  if [[ $(kop_routes_state "$run/7.routes" "$victim_id") == absent && $(kop_routes_state "$run/7.routes" "$survivor_id") == serving ]]; then
    echo "/routes: OK node $victim_id absent, node $survivor_id serving" >"$run/7.state"
  else
    echo "/routes: FAILED node $victim_id $(kop_routes_state "$run/7.routes" "$victim_id"), node $survivor_id $(kop_routes_state "$run/7.routes" "$survivor_id"): $(cat "$run/7.routes")" >"$run/7.state"
    status=1
  fi
  brokers_out=$("$grpcurl" -plaintext -emit-defaults -max-time 20 -d '{}' "$admin" kgate.admin.v1.GatewayAdmin/ListBrokers 2>&1) || true
  listed=$(python3 -c 'import json, sys
brokers = sorted(json.loads(sys.argv[1])["brokers"], key=lambda b: b["node_id"])
print(" ".join("%s=%s" % (b["node_id"], b["state"]) for b in brokers))' "$brokers_out" 2>/dev/null || true)
  if [[ " $listed " == *" $victim_id=STATE_ABSENT "* && " $listed " == *" $survivor_id=STATE_SERVING "* ]]; then
    echo "admin ListBrokers: OK $listed" >>"$run/7.state"
  else
    echo "admin ListBrokers: FAILED ${listed:-$brokers_out}" >>"$run/7.state"
    status=1
  fi

  # Metrics: failed connections to the stopped broker counted, none of kgate's left open to it.
  curl -sf --max-time 5 "http://$http/metrics" >"$run/7.metrics" || : >"$run/7.metrics"
  failed_connects=$(kop_metric "$run/7.metrics" kgate_upstream_failures_total "broker=\"$victim_id\"")
  open_connections=$(kop_metric "$run/7.metrics" kgate_upstream_connections "broker=\"$victim_id\"")
  if [[ $failed_connects -gt 0 && $open_connections -eq 0 ]]; then
    echo "metrics: OK node $victim_id: $(grep -E "^kgate_upstream_failures_total\{broker=\"$victim_id\"" "$run/7.metrics" | tr '\n' ' ')and 0 open connections" >>"$run/7.state"
  else
    echo "metrics: FAILED node $victim_id: $failed_connects upstream failures counted (more than 0 expected), $open_connections open connections (0 expected)" >>"$run/7.state"
    status=1
  fi
  alive "$kgate_pid" || { echo "kgate: FAILED it exited" >>"$run/7.state"; status=1; }
  report "7. KoP broker $victim stopped (SIG$signal) while $count idempotent messages are produced; kgate follows" "$status" "$t" \
    "$run/7.timeline" "$run/7.produce" "$run/7.consume" "$run/7.kcat.summary" "$run/7.state"
}
