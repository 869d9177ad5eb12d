# shellcheck shell=bash
# The kafka-clients releases the Java scenarios run with: 2.6.0, the release KoP's Kafka proxy
# recipe was built on, and the release kgate's codec is generated from (scripts/versions).
# shellcheck source=scripts/versions
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/versions"
# shellcheck disable=SC2034 # used by the scripts that source this file
JAVA_E2E_CLIENT_VERSIONS=(2.6.0 "$KAFKA_VERSION")
