# shellcheck shell=bash
# What every KoP test needs before it starts anything, as one function to source (the caller
# defines die() and has sourced scripts/versions):
#
#   kop_prerequisites TEST_NAME   sets `nar` (the KoP handler, checked) and `pulsar_libs`;
#                                 without KGATE_KOP_NAR prints "TEST_NAME: SKIPPED: why" and
#                                 exits 77 (ctest's SKIP_RETURN_CODE), unless
#                                 KGATE_KOP_REQUIRED=1 (.ci/run sets it when it finds the NAR),
#                                 which makes the skip a failure
#
# The KoP handler is not published where Maven can fetch it: KGATE_KOP_NAR names
# pulsar-protocol-handler-kafka-3.1.1.1.nar, checked against the .sha256 file beside it when
# there is one. The Pulsar jars come from fetch_pulsar.sh (scripts/setup runs it when
# KGATE_KOP_NAR is set); without them the test fails saying so, it never passes without brokers.

readonly KOP_SKIP_STATUS=77
readonly KOP_NAR_NAME=pulsar-protocol-handler-kafka-3.1.1.1.nar

kop_prerequisites() {
  local test_name=$1 reason want got
  if [[ -z ${KGATE_KOP_NAR:-} ]]; then
    reason="KGATE_KOP_NAR is not set: it must name the KoP protocol handler ($KOP_NAR_NAME), which no registry serves"
    [[ ${KGATE_KOP_REQUIRED:-0} == 1 ]] && die "NOT RUN, and KGATE_KOP_REQUIRED=1 forbids skipping: $reason"
    echo "$test_name: SKIPPED: $reason"
    exit "$KOP_SKIP_STATUS"
  fi
  nar=$(realpath -e -- "$KGATE_KOP_NAR" 2>/dev/null) || die "KGATE_KOP_NAR=$KGATE_KOP_NAR: no such file"
  [[ $(basename "$nar") == "$KOP_NAR_NAME" ]] ||
    die "KGATE_KOP_NAR=$KGATE_KOP_NAR is not $KOP_NAR_NAME (the handler these tests were written for)"
  if [[ -f $nar.sha256 ]]; then
    want=$(awk '{print $1; exit}' "$nar.sha256")
    got=$(sha256sum "$nar" | awk '{print $1}')
    [[ $want == "$got" ]] || die "$nar has sha256 $got, $nar.sha256 says $want"
  fi
  pulsar_libs=$KGATE_CACHE/pulsar-broker-$PULSAR_VERSION/libs
  [[ -s $pulsar_libs/pulsar-broker-$PULSAR_VERSION.jar ]] ||
    die "NOT RUN: the Apache Pulsar $PULSAR_VERSION jars are missing from $pulsar_libs; run tests/e2e/kop/fetch_pulsar.sh (scripts/setup does when KGATE_KOP_NAR is set)"
}
