# shellcheck shell=bash
# The TLS half of kafka_sasl_e2e (run_kafka_sasl_e2e.sh sources this, after kgate_tls_clients.sh):
# two more kgates with TLS port-per-broker listeners in front of the same SASL cluster, so the
# brokers start once.
#   kgate "sasl-ssl"  tls-client-auth none, to the brokers' SASL_PLAINTEXT CLIENT listeners:
#                     clients speak SASL_SSL, SASL passing through kgate to the brokers; it
#                     serves the SNI port too (kafka.test, broker-N.kafka.test, the test's
#                     wildcard certificate) beside its port-per-broker listeners
#   kgate "mtls"      tls-client-auth required, to the brokers' PLAINTEXT REPLICATION listeners
#                     (a plaintext listener that needs no SASL; clients may use any listener):
#                     clients speak SSL with a client certificate
# Scenarios (numbered after the runner's):
#   4. kcat -L over SASL_SSL (SCRAM-SHA-512 and PLAIN) and over SSL with a client certificate:
#      gateway addresses only, kgate's certificate verified with its host name (127.0.0.1);
#      through the SNI port over SASL_SSL (both mechanisms): broker-N.kafka.test at that port
#   5. confluent-kafka over SASL_SSL, SCRAM-SHA-512 (idempotent producer, a group, transactions)
#      and PLAIN (idempotent producer, a group), nothing lost or duplicated, while wrong passwords
#      over SASL_SSL get the broker's error; 5b. over SSL with a client certificate, the same as
#      SCRAM's. 5, 5b, 6 and 7's clients run at once (7's refusal and 6's wrong password first)
#   6. Java kafka-clients (versions.sh) over SASL_SSL with SCRAM-SHA-512 and a keytool trust
#      store: a wrong password gets the broker's authentication error; idempotent produce and a
#      group, transactions (commits, aborts, group offsets in the transactions, read_committed)
#   7. under tls-client-auth required, Java without a key store is refused (a TLS
#      authentication error, kgate logs the missing certificate); with a keytool key store
#      signed by the test CA, the scenarios of 6 over SSL
#   6s. through the SNI port over SASL_SSL, host names verified: kcat produces and reads back
#      200 messages with SCRAM-SHA-512 and 200 with PLAIN; Java (versions.sh) with SCRAM-SHA-512
#      runs the scenarios of 6 (at once with 5-7), told only broker-N.kafka.test at that port
#   8. both kgates stop on SIGTERM with status 0, no error or critical line
#
#   tls_scenarios FIRST_PORT     the scenarios; the kgates listen on FIRST_PORT..FIRST_PORT+9,
#                                the SNI port is FIRST_PORT+10
# The runner provides: run, here, kgate, hidden_list, COUNT, the users' passwords, current_kcat,
# current_kcat_path, sasl_options, sasl_clients, no_summary, try_wrong, report, failures, bg_pids,
# PROCESS_LIMIT_S, READY_WAIT_S, and kgate_tls_clients.sh's functions (certs comes from its
# tls_prepare). Globals set here: sasl_ssl and mtls (the two kgates' bootstrap addresses), kcat_ca,
# tls_kgate_pids, the java_refused_* outcomes.

# tls_kgate NAME FIRST CLIENT_AUTH UPSTREAMS [EXTRA_YAML]: starts a TLS kgate on FIRST (bootstrap)
# and FIRST+1..FIRST+4 (brokers); its pid goes into bg_pids and tls_kgate_pids[NAME], its log
# is $run/kgate-NAME.log.
declare -A tls_kgate_pids=()
tls_kgate() {
  local name=$1 first=$2 client_auth=$3 upstreams=$4 extra=${5:-} pid
  kgate_state_dir=$run/kgate-$name-state kafka_kgate_config "$run/kgate-$name.yaml" "127.0.0.1:$first" \
    $((first + 1)) $((first + 4)) off "$upstreams"
  {
    echo "admin-listen: off"
    echo "tls-certificate: $certs/server.pem"
    echo "tls-key: $certs/server.key"
    echo "tls-client-auth: $client_auth"
    [[ $client_auth == none ]] || echo "tls-client-ca: $certs/ca.pem"
    [[ -z $extra ]] || echo "$extra"
  } >>"$run/kgate-$name.yaml"
  timeout --foreground -s KILL "$PROCESS_LIMIT_S" "$kgate" serve --config "$run/kgate-$name.yaml" >"$run/kgate-$name.log" 2>&1 &
  pid=$!
  bg_pids+=("$pid")
  tls_kgate_pids[$name]=$pid
  wait_until "$READY_WAIT_S" "$pid" "kgate $name" grep -qs "ready: 3 brokers" "$run/kgate-$name.log"
}

# confluent_over_tls BOOTSTRAP NAME OUT [--set KEY=VALUE...]: confluent_e2e.py through the kgate at
# BOOTSTRAP with those client settings: idempotent producer, a classic group, transactions read
# with read_committed, librdkafka's statistics naming gateway addresses only; its lines in OUT.
confluent_over_tls() {
  local bootstrap=$1 name=$2 out=$3
  local port=${bootstrap##*:}
  shift 3
  timeout -s KILL 300 "$KGATE_PYTHON" "$here/../clients/confluent_e2e.py" --bootstrap "$bootstrap" --gateway-ports "$port-$((port + 4))" \
    --hidden "$hidden_list" --run-id "$name-$$" --count "$COUNT" --timeout-s 120 \
    --scenarios produce,classic,transactions,statistics "$@" >"$out" 2>"$out.err" ||
    { echo "confluent-kafka: FAILED (exit status $?): $(tail -n 3 "$out.err")" >>"$out"; return 1; }
}

# java_sasl_ssl_properties USER PASSWORD: a Java client's settings for SASL_SSL with SCRAM-SHA-512.
java_sasl_ssl_properties() {
  echo "security.protocol=SASL_SSL"
  echo "sasl.mechanism=SCRAM-SHA-512"
  echo "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$1\" password=\"$2\";"
  cat "$run/stores/truststore.properties"
}

tls_scenarios() {
  local first=$1 n upstreams=()
  sasl_ssl=127.0.0.1:$first mtls=127.0.0.1:$((first + 5))
  kcat_ca=(-X "ssl.ca.location=$certs/ca.pem" -X ssl.endpoint.identification.algorithm=https)
  sni_settings $((first + 10))
  for ((n = 1; n <= KAFKA_NODES; n++)); do upstreams+=("127.0.0.1:$(kafka_replication_port "$n")"); done
  tls_kgate sasl-ssl "$first" none "" "upstream-sasl:
  mechanism: SCRAM-SHA-512
  username: kgate-admin
  password-file: $run/upstream-password
$sni_yaml"
  tls_kgate mtls $((first + 5)) required "$(IFS=,; echo "${upstreams[*]}")"
  echo "kafka_sasl_e2e: TLS kgates on $sasl_ssl (SASL_SSL, to the SASL listeners; SNI on $sni_bootstrap) and $mtls (client certificates required, to the plaintext listeners)"
  tls_kcat_lists
  tls_java_refusals
  tls_clients_at_once
  tls_kgates_stop
}

# ---- 4. kcat -L over SASL_SSL and over SSL with a client certificate ----
tls_kcat_lists() {
  local t status=0 port=${sasl_ssl##*:}
  t=$(date +%s)
  kcat_gateway=$sasl_ssl kcat_first=$((port + 1)) kcat_last=$((port + 4))
  # shellcheck disable=SC2046  # sasl_options prints the -X options, one word each
  PATH=$current_kcat_path check_kcat_brokers "$run/4.scram.kcat" "$run/4.scram" \
    $(sasl_options SASL_SSL SCRAM-SHA-512 alice "$alice_password") "${kcat_ca[@]}" || status=1
  # shellcheck disable=SC2046
  check_kcat_brokers "$run/4.plain.kcat" "$run/4.plain" $(sasl_options SASL_SSL PLAIN bob "$bob_password") "${kcat_ca[@]}" || status=1
  # shellcheck disable=SC2046
  PATH=$current_kcat_path sni_kcat_list "$run/4.sni-scram.kcat" "$run/4.sni-scram" \
    $(sasl_options SASL_SSL SCRAM-SHA-512 alice "$alice_password") "${kcat_ca[@]}" || status=1
  # shellcheck disable=SC2046
  sni_kcat_list "$run/4.sni-plain.kcat" "$run/4.sni-plain" $(sasl_options SASL_SSL PLAIN bob "$bob_password") "${kcat_ca[@]}" || status=1
  port=${mtls##*:}
  kcat_gateway=$mtls kcat_first=$((port + 1)) kcat_last=$((port + 4))
  check_kcat_brokers "$run/4.mtls.kcat" "$run/4.mtls" -X security.protocol=SSL "${kcat_ca[@]}" \
    -X "ssl.certificate.location=$certs/client.pem" -X "ssl.key.location=$certs/client.key" || status=1
  sed -i -E 's/sasl\.password=[^ :]+/sasl.password=(the user'"'"'s)/; s#'"$certs"'/##g' "$run/4.scram" "$run/4.plain" "$run/4.mtls" \
    "$run/4.sni-scram" "$run/4.sni-plain"
  report "4. kcat -L through kgate's TLS listeners over SASL_SSL (SCRAM-SHA-512, PLAIN) and SSL with a client certificate lists only gateway addresses; through the SNI port, only broker-N.kafka.test" \
    "$status" "$t" "$run/4.scram" "$run/4.plain" "$run/4.mtls" "$run/4.sni-scram" "$run/4.sni-plain"
}

# Java clients refused, before anything else runs: the TLS refusal's handshake must be the one
# kgate logs as refused. Their outcome goes into scenarios 6 and 7 (java_refused_sasl,
# java_refused_tls: 0 when refused as expected).
tls_java_refusals() {
  java_sasl_ssl_properties alice "$alice_password" >"$run/java-sasl-ssl.properties"
  java_sasl_ssl_properties alice not-the-password >"$run/java-wrong-password.properties"
  echo "security.protocol=SSL" | cat - "$run/stores/truststore.properties" >"$run/java-no-keystore.properties"
  cat "$run/java-no-keystore.properties" "$run/stores/keystore.properties" >"$run/java-mtls.properties"
  java_refused_sasl=0 java_refused_tls=0
  java_over_tls wrong-password "$sasl_ssl" "$run/java-wrong-password.properties" refused "$run/6.wrong" --refusal sasl ||
    java_refused_sasl=1
  java_over_tls refused "$mtls" "$run/java-no-keystore.properties" refused "$run/7.refused" || java_refused_tls=1
  if ! grep -q "TLS handshake failed (no client certificate" "$run/kgate-mtls.log"; then
    echo "kgate mtls: FAILED logged no handshake refused for want of a client certificate" >>"$run/7.refused"
    java_refused_tls=1
  fi
}

# ---- 5 (confluent-kafka over SASL_SSL, wrong passwords beside), 5b (over SSL), 6 and 7 (Java):
# all at once. The clients mostly wait (group joins, transaction markers), so running them
# together costs far less time than one after another.
tls_clients_at_once() {
  local t status=0 wrong=0 name pids=() statuses=()
  local verify=(--set "ssl.ca.location=$certs/ca.pem" --set ssl.endpoint.identification.algorithm=https)
  declare -A pid=()
  t=$(date +%s)
  confluent_over_tls "$sasl_ssl" sasl-ssl "$run/5.scram" "${verify[@]}" --set security.protocol=SASL_SSL \
    --set sasl.mechanisms=SCRAM-SHA-512 --set sasl.username=alice --set "sasl.password=$alice_password" &
  pid[scram]=$!
  sasl_clients PLAIN bob "$bob_password" sasl-ssl-plain "$run/5.plain" "$sasl_ssl" "$certs/ca.pem" &
  pid[plain]=$!
  confluent_over_tls "$mtls" mtls "$run/5b.ssl" "${verify[@]}" --set security.protocol=SSL \
    --set "ssl.certificate.location=$certs/client.pem" --set "ssl.key.location=$certs/client.key" &
  pid[ssl]=$!
  java_over_tls sasl-ssl "$sasl_ssl" "$run/java-sasl-ssl.properties" produce-consume,transactions "$run/6.out" &
  pid[java_sasl_ssl]=$!
  java_over_tls mtls "$mtls" "$run/java-mtls.properties" produce-consume,transactions "$run/7.out" &
  pid[java_mtls]=$!
  java_over_sni sni "$run/java-sasl-ssl.properties" produce-consume,transactions "$run/6s.java" &
  pid[java_sni]=$!
  sni_kcat_rounds >"$run/6s.kcat" &
  pid[kcat_sni]=$!
  bg_pids+=("${pid[@]}")

  : >"$run/5.wrong"
  while { alive "${pid[scram]}" || alive "${pid[plain]}"; } && ((wrong < 20)); do
    # shellcheck disable=SC2046
    try_wrong SCRAM-SHA-512 "$current_kcat" "$sasl_ssl" $(sasl_options SASL_SSL SCRAM-SHA-512 alice not-the-password) \
      "${kcat_ca[@]}" >>"$run/5.wrong" || { status=1; break; }
    # shellcheck disable=SC2046
    try_wrong PLAIN kcat "$sasl_ssl" $(sasl_options SASL_SSL PLAIN bob not-the-password) "${kcat_ca[@]}" \
      >>"$run/5.wrong" || { status=1; break; }
    wrong=$((wrong + 2))
  done
  if ((status == 0 && wrong == 0)); then
    echo "wrong passwords: FAILED none tried: the honest clients ended first" >"$run/5.wrong"
    status=1
  elif ((status == 0)); then
    echo "wrong passwords over SASL_SSL: OK $wrong refused while the honest clients ran, e.g. $(grep -m1 -oiE 'authentication failed[^(]*' "$run/wrong.SCRAM-SHA-512.err" | head -c 160)" >"$run/5.wrong"
  fi

  declare -A failed=()
  for name in scram plain ssl java_sasl_ssl java_mtls java_sni kcat_sni; do
    failed[$name]=0
    wait "${pid[$name]}" || failed[$name]=1
  done
  bg_pids=("${tls_kgate_pids[@]}")
  no_summary "$run/5.plain"
  report "5. confluent-kafka over SASL_SSL through kgate: SCRAM-SHA-512 (idempotent producer, a group, transactions) and PLAIN (idempotent producer, 2-member group); wrong passwords get the broker's error" \
    $((status | failed[scram] | failed[plain])) "$t" "$run/5.scram" "$run/5.plain" "$run/5.wrong"
  report "5b. confluent-kafka over SSL with a client certificate (tls-client-auth required): idempotent producer, a group, transactions" \
    "${failed[ssl]}" "$t" "$run/5b.ssl"
  report "6. Java kafka-clients ${JAVA_E2E_CLIENT_VERSIONS[*]} over SASL_SSL (SCRAM-SHA-512, keytool trust store): a wrong password gets the broker's error; produce, a group, transactions" \
    $((java_refused_sasl | failed[java_sasl_ssl])) "$t" "$run/6.wrong" "$run/6.out"
  report "7. Java kafka-clients under tls-client-auth required: refused without a key store; with a keytool key store, produce, a group, transactions over SSL" \
    $((java_refused_tls | failed[java_mtls])) "$t" "$run/7.refused" "$run/7.out"
  report "6s. through the SNI port over SASL_SSL (host names verified): kcat produces and reads back with SCRAM-SHA-512 and PLAIN; Java kafka-clients ${JAVA_E2E_CLIENT_VERSIONS[*]} with SCRAM-SHA-512: produce, a group, transactions, told only broker-N.kafka.test" \
    $((failed[java_sni] | failed[kcat_sni])) "$t" "$run/6s.kcat" "$run/6s.java"
}

# sni_kcat_rounds: kcat_round through the SNI port over SASL_SSL, SCRAM-SHA-512 on librdkafka
# 2.16 and PLAIN on Debian's kcat; their lines on stdout.
sni_kcat_rounds() {
  local status=0
  # shellcheck disable=SC2046  # sasl_options prints the -X options, one word each
  PATH=$current_kcat_path sni_named kcat_round sni-scram "$sni_bootstrap" \
    $(sasl_options SASL_SSL SCRAM-SHA-512 alice "$alice_password") "${kcat_ca[@]}" || status=1
  # shellcheck disable=SC2046
  sni_named kcat_round sni-plain "$sni_bootstrap" $(sasl_options SASL_SSL PLAIN bob "$bob_password") "${kcat_ca[@]}" || status=1
  return "$status"
}

# ---- 8. both stop cleanly ----
tls_kgates_stop() {
  local t status=0 name
  t=$(date +%s)
  : >"$run/8.out"
  for name in sasl-ssl mtls; do
    stop_process "${tls_kgate_pids[$name]}"
    if [[ $stopped_status -ne 0 ]] || grep -qiE '\[error\]|critical' "$run/kgate-$name.log"; then
      echo "kgate $name: FAILED exit status $stopped_status; $(grep -m2 -iE '\[error\]|critical' "$run/kgate-$name.log")" >>"$run/8.out"
      status=1
    else
      echo "kgate $name: OK exit status 0 after SIGTERM, no error or critical line" >>"$run/8.out"
    fi
  done
  bg_pids=()
  report "8. the TLS kgates stop cleanly on SIGTERM" "$status" "$t" "$run/8.out"
}
