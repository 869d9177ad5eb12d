#!/usr/bin/env bash
# The stores a Java client needs for kgate's TLS listeners, made with keytool from the test CA
# of tests/tls/make_test_certs.sh (ca.pem, ca.key in CERTS):
#   truststore.p12   the CA, as a trusted certificate (keytool -importcert)
#   keystore.p12     a client key pair made by keytool (-genkeypair), its certificate signed
#                    by the CA (keytool -certreq, then openssl as the CA, clientAuth), imported
#                    back as the key's chain (the CA first, then the signed certificate)
# Both PKCS12 with the password in the environment variable KGATE_JAVA_STORE_PASSWORD (the key
# has the same one, as PKCS12 wants). Writes the client settings for each store too:
# OUT_DIR/truststore.properties and OUT_DIR/keystore.properties.
#
#   make_java_stores.sh CERTS OUT_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 CERTS OUT_DIR" >&2
  exit 2
fi
certs=$1
out=$2
: "${KGATE_JAVA_STORE_PASSWORD:?set KGATE_JAVA_STORE_PASSWORD}"
for tool in keytool openssl; do
  command -v "$tool" >/dev/null || { echo "make_java_stores: $tool is not installed" >&2; exit 1; }
done
[[ -s $certs/ca.pem && -s $certs/ca.key ]] || { echo "make_java_stores: no ca.pem and ca.key in $certs" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/stores.log
run() {
  "$@" >>"$log" 2>&1 || { echo "make_java_stores: failed: $*" >&2; tail -n 5 "$log" >&2; exit 1; }
}
store() {  # FILE: keytool's options for that PKCS12 store, its password from the environment
  echo -keystore "$1" -storetype PKCS12 -storepass:env KGATE_JAVA_STORE_PASSWORD
}
rm -f "$out/truststore.p12" "$out/keystore.p12"

# shellcheck disable=SC2046 # store prints options, one word each
run keytool -importcert -noprompt -alias kgate-test-ca -file "$certs/ca.pem" $(store "$out/truststore.p12")

# shellcheck disable=SC2046
run keytool -genkeypair -alias client -keyalg EC -groupname secp256r1 -dname CN=kgate-java-client -validity 2 \
  $(store "$out/keystore.p12")
# shellcheck disable=SC2046
run keytool -certreq -alias client -file "$out/client.csr" $(store "$out/keystore.p12")
run openssl x509 -req -in "$out/client.csr" -CA "$certs/ca.pem" -CAkey "$certs/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
  -days 2 -extfile <(printf '%s\n' basicConstraints=CA:FALSE keyUsage=critical,digitalSignature extendedKeyUsage=clientAuth) \
  -out "$out/client-signed.pem"
# The CA first, so that keytool can build the chain of the signed certificate it installs.
# shellcheck disable=SC2046
run keytool -importcert -noprompt -alias kgate-test-ca -file "$certs/ca.pem" $(store "$out/keystore.p12")
# shellcheck disable=SC2046
run keytool -importcert -alias client -file "$out/client-signed.pem" $(store "$out/keystore.p12")

cat >"$out/truststore.properties" <<PROPS
ssl.truststore.location=$out/truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=$KGATE_JAVA_STORE_PASSWORD
PROPS
cat >"$out/keystore.properties" <<PROPS
ssl.keystore.location=$out/keystore.p12
ssl.keystore.type=PKCS12
ssl.keystore.password=$KGATE_JAVA_STORE_PASSWORD
ssl.key.password=$KGATE_JAVA_STORE_PASSWORD
PROPS
chmod 600 "$out/truststore.properties" "$out/keystore.properties"
