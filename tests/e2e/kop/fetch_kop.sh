#!/usr/bin/env bash
# Tries to fetch, by Maven coordinates, what the KoP recipe needs: the Kafka-on-Pulsar protocol
# handler NAR (io.streamnative.pulsar.handlers:pulsar-protocol-handler-kafka) for a Pulsar 3.x
# line, and the matching org.apache.pulsar:pulsar-broker. Prints the NAR's path and the pulsar
# version on success; otherwise exits 1 naming every coordinate tried and Maven's answer.
# Idempotent: what is already in the local Maven repository is not fetched again.
#
#   fetch_kop.sh [KOP_VERSION...]   (default: the candidates below, newest Pulsar line first)
set -euo pipefail

# KoP versions are PULSAR_VERSION.N: the first three parts name the Pulsar release it was built
# for, and the broker must be exactly that release.
candidates=("$@")
[[ ${#candidates[@]} -ne 0 ]] || candidates=(3.3.2.1 3.3.1.1 3.1.4.1 3.1.0.4 3.0.14.1 3.0.4.6 3.0.0.1)

command -v mvn >/dev/null || { echo "fetch_kop: mvn is not installed (scripts/setup installs it)" >&2; exit 1; }
tried=()
for kop in "${candidates[@]}"; do
  pulsar=${kop%.*}
  for coordinate in "io.streamnative.pulsar.handlers:pulsar-protocol-handler-kafka:$kop:nar" \
                    "org.apache.pulsar:pulsar-broker:$pulsar:pom"; do
    # -U: ask again rather than repeat a failure Maven cached from an earlier attempt.
    if ! answer=$(mvn -U -B -Dstyle.color=never dependency:get -Dtransitive=false -Dartifact="$coordinate" 2>&1); then
      reason=$(grep -m 1 -oE "Could not (find|transfer) artifact [^ ]+" <<<"$answer" || echo "mvn failed: $(grep -m 1 ERROR <<<"$answer")")
      tried+=("$coordinate: $reason")
      continue 2
    fi
  done
  nar=$HOME/.m2/repository/io/streamnative/pulsar/handlers/pulsar-protocol-handler-kafka/$kop/pulsar-protocol-handler-kafka-$kop.nar
  [[ -s $nar ]] || { tried+=("$kop: resolved but $nar is missing"); continue; }
  echo "$nar $pulsar"
  exit 0
done
echo "fetch_kop: no KoP protocol handler NAR with a matching Pulsar broker could be resolved:" >&2
printf '  %s\n' "${tried[@]}" >&2
exit 1
