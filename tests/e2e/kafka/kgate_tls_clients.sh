# shellcheck shell=bash
# Clients over TLS to kgate, shared by kafka_sasl_e2e and kafka_upstream_tls_e2e (sourced after
# cluster.sh and behind_kgate.sh):
#   tls_prepare                  in the background, while the cluster starts: certificates
#                                (KGATE_TLS_TEST_CERTS, ctest's fixture, or made here), the
#                                keytool stores, the Java builds; tls_prepared waits for them
#   kcat_round NAME BOOTSTRAP [KCAT_ARGS...]
#                                200 messages in with kcat (acks=all), read back whole: one OK or
#                                FAILED line
#   java_over_tls NAME BOOTSTRAP PROPERTIES SCENARIOS OUT [JavaE2e options...]
#                                JavaE2e through kgate's TLS port-per-broker listeners (broker
#                                ports BOOTSTRAP's port + 1..4), every release of versions.sh
#   The SNI port, one kgate listener for bootstrap and every broker (kgate's sni-listen):
#   sni_settings PORT            sets sni_yaml, kgate's YAML lines for it on 127.0.0.1:PORT,
#                                sni_port and sni_bootstrap (kafka.test:PORT)
#   sni_named COMMAND...         COMMAND with the names *.kafka.test resolving to 127.0.0.1
#   sni_kcat_list OUT SUMMARY [KCAT_ARGS...]
#                                kcat -L through the SNI port must list broker-N.kafka.test at
#                                that port for every node, and nothing the brokers advertise
#   java_over_sni NAME PROPERTIES SCENARIOS OUT [JavaE2e options...]
#                                JavaE2e through the SNI port, every broker address it is told
#                                checked against the pattern
# The runner provides: run, here, hidden, hidden_list, KAFKA_NODES, die, bg_pids. Certificates:
# the tls_certs fixture's server.pem names *.kafka.test, kafka.test and 127.0.0.1.
#
# How the invented names reach 127.0.0.1, without root, DNS or /etc/hosts:
# - kcat (librdkafka, the C library's getaddrinfo): tests/tools/loopback_names preloaded, as in
#   sni_e2e (KGATE_LOOPBACK_NAMES, else the library beside kgate's build);
# - Java: the JVM's own resolver reading a hosts file (-Djdk.net.hosts.file), not the preload:
#   no native library inside the JVM, the node ids (1..KAFKA_NODES) are known so the file can
#   list every name, and the same file gives kafka-clients 2.6.0 the name it wants for
#   127.0.0.1 (java_over_tls says why).

readonly TLS_JAVA_COUNT=${KGATE_KAFKA_TLS_JAVA_COUNT:-4000}
readonly SNI_DOMAIN=kafka.test
readonly SNI_PATTERN="broker-{node}.$SNI_DOMAIN"

tls_prepare() {
  certs=${KGATE_TLS_TEST_CERTS:-$run/certs}
  local java_dir=$here/../java
  # shellcheck source=tests/e2e/java/versions.sh
  source "$java_dir/versions.sh"
  (
    set -e
    sh "$here/../../tls/make_test_certs.sh" "$certs"
    KGATE_JAVA_STORE_PASSWORD=$(openssl rand -hex 12) "$java_dir/make_java_stores.sh" "$certs" "$run/stores"
    for version in "${JAVA_E2E_CLIENT_VERSIONS[@]}"; do
      "$java_dir/build_java_e2e.sh" "$version" "$run/java-built/kafka-clients-$version"
    done
  ) >"$run/tls-prepare.log" 2>&1 &
  tls_prepare_pid=$!
  bg_pids+=("$tls_prepare_pid")
}

tls_prepared() {
  wait "$tls_prepare_pid" || die "cannot make the test certificates, the Java stores or the Java builds: $(tail -n 5 "$run/tls-prepare.log")"
  bg_pids=()  # it was the only one: the runners call this before they start anything else
}

kcat_round() {
  local name=$1 bootstrap=$2 topic="kcat-$1" got
  shift 2
  seq 1 200 | sed 's/^/message-/' >"$run/kcat-$name.in"
  if ! timeout 60 kcat -P -b "$bootstrap" -t "$topic" -X acks=all "$@" <"$run/kcat-$name.in" 2>"$run/kcat-$name.err"; then
    echo "kcat $name: FAILED producing: $(tail -n 1 "$run/kcat-$name.err")"
    return 1
  fi
  timeout 60 kcat -C -b "$bootstrap" -t "$topic" -o beginning -e -q -c 200 "$@" 2>>"$run/kcat-$name.err" | sort >"$run/kcat-$name.out" || true
  got=$(sort -u "$run/kcat-$name.out" | wc -l)
  if ! sort "$run/kcat-$name.in" | cmp -s - "$run/kcat-$name.out"; then
    echo "kcat $name: FAILED read $(wc -l <"$run/kcat-$name.out") messages ($got distinct) of 200: $(tail -n 1 "$run/kcat-$name.err")"
    return 1
  fi
  echo "kcat $name: OK 200 produced (acks=all) through $bootstrap and read back, none lost or duplicated"
}

# java_through NAME BOOTSTRAP GATEWAY_PORTS PROPERTIES SCENARIOS OUT [JavaE2e options...]: every
# line JavaE2e prints goes to OUT.
# kafka-clients 2.6.0 (as every release before Kafka's fix for KAFKA-8562) checks the
# certificate of a SASL_SSL listener it was told by address against the name a reverse lookup of
# that address gives, as it does against a broker: 127.0.0.1 would become "localhost", which
# the test certificate does not name. So the client JVM gets a hosts file whose first name for
# 127.0.0.1 is kafka.test, a name the certificate covers, as a deployment's DNS would name its
# gateway; later releases check the address itself against the certificate's IP SAN. The SNI
# port's names follow on the same line.
java_through() {
  local name=$1 bootstrap=$2 ports=$3 properties=$4 scenarios=$5 out=$6 n names=$SNI_DOMAIN
  shift 6
  if [[ ! -s $run/java-hosts ]]; then
    for ((n = 1; n <= KAFKA_NODES; n++)); do names+=" ${SNI_PATTERN/\{node\}/$n}"; done
    echo "127.0.0.1 $names" >"$run/java-hosts"
  fi
  JAVA_E2E_BUILT=$run/java-built JAVA_E2E_JVM_OPTS="-Djdk.net.hosts.file=$run/java-hosts" JAVA_E2E_RUN_LIMIT_S=240 \
    "$here/../java/run_java_e2e.sh" "$bootstrap" "$ports" "$run/java-$name" \
    --client-properties "$properties" --scenarios "$scenarios" \
    --count "$TLS_JAVA_COUNT" --consumers 2 --partitions 12 --replication-factor 3 --timeout-s 120 \
    --hidden "$hidden_list" "$@" >"$out" 2>&1
}

java_over_tls() {
  local port=${2##*:}
  java_through "$1" "$2" "$((port + 1))-$((port + 4))" "${@:3}"
}

sni_settings() {
  sni_port=$1 sni_bootstrap=$SNI_DOMAIN:$1
  sni_yaml="sni-listen: 127.0.0.1:$1
sni-bootstrap-name: $SNI_DOMAIN
sni-broker-pattern: $SNI_PATTERN"
}

sni_named() {
  local lib=${KGATE_LOOPBACK_NAMES:-$(dirname "$kgate")/../tests/tools/loopback_names/libkgate-loopback-names.so}
  [[ -f $lib ]] || { echo "sni: FAILED no loopback_names library at $lib (KGATE_LOOPBACK_NAMES)" >&2; return 1; }
  LD_PRELOAD=$lib KGATE_LOOPBACK_SUFFIX=.$SNI_DOMAIN "$@"
}

sni_kcat_list() {
  local out=$1 summary=$2 listed want n h bad=()
  shift 2
  if ! sni_named timeout 30 kcat -L -b "$sni_bootstrap" -m 15 "$@" >"$out" 2>"$out.err"; then
    echo "kcat -L through $sni_bootstrap: FAILED: $(tail -n 1 "$out.err")" >"$summary"
    return 1
  fi
  listed=$(sed -n -E 's/^ +broker (-?[0-9]+) at ([^ ]+).*/\1=\2/p' "$out" | sort)
  want=$(for ((n = 1; n <= KAFKA_NODES; n++)); do echo "$n=${SNI_PATTERN/\{node\}/$n}:$sni_port"; done | sort)
  for h in "${hidden[@]}"; do grep -qF -- "$h" "$out" && bad+=("$h"); done
  if [[ $listed != "$want" || ${#bad[@]} -ne 0 ]]; then
    echo "kcat -L through $sni_bootstrap: FAILED lists $(tr '\n' ' ' <<<"$listed"), not $(tr '\n' ' ' <<<"$want"); the brokers' own: ${bad[*]:-none}" >"$summary"
    return 1
  fi
  echo "kcat -L through $sni_bootstrap: OK $(tr '\n' ' ' <<<"$listed")" >"$summary"
}

java_over_sni() {
  java_through "$1" "$sni_bootstrap" "$sni_port-$sni_port" "${@:2}" --sni-broker-pattern "$SNI_PATTERN"
}
