#!/bin/sh
# make_test_certs.sh OUT_DIR: the certificates kgate's TLS tests use, made with the openssl CLI
# only. Idempotent: a complete set (OUT_DIR/.complete) is kept as it is; anything else is made
# again from scratch in a work folder and moved into OUT_DIR only once every file exists.
#
#   ca.pem, ca.key                 a CA (EC P-256) that signs everything below but other-ca
#   intermediate.pem               a CA signed by ca.pem, signing ec-chain.pem's leaf
#   other-ca.pem                   a second CA that signed nothing
#   server.pem, server.key         RSA 2048: *.kafka.test, kafka.test, IP 127.0.0.1 (serverAuth)
#   server.der                     server.pem in DER, for the "not PEM" case
#   ec-chain.pem, ec.key           EC P-256 leaf for ec.kafka.test, then intermediate.pem
#   ec.pem                         that leaf alone
#   ed25519.pem, ed25519.key       Ed25519 leaf for ed.kafka.test
#   client.pem, client.key         a client certificate (clientAuth), CN kgate-test-client
#   kafka-broker.pem, .key         RSA 2048: *.kgate-e2e.invalid, IP 127.0.0.1 (the e2e cluster's names)
#   expired.pem, expired.key       valid 2020-01-01 to 2021-01-01
#   future.pem, future.key         valid 2090-01-01 to 2091-01-01
#   wrong.key                      an RSA key no certificate holds
#   encrypted.key                  server.key in encrypted PKCS#8 (password "kgate")
#   encrypted-traditional.key      server.key in the old encrypted PEM form (Proc-Type)
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
out=$1
[ -f "$out/.complete" ] && exit 0
command -v openssl >/dev/null || { echo "$0: openssl is not installed" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM  # so that the EXIT trap removes the work folder then too
cd "$work"
log=openssl.log
run() {
    "$@" >"$log" 2>&1 || { echo "$0: failed: $*" >&2; cat "$log" >&2; exit 1; }
}

# The CA database `openssl ca` needs: it is the only way openssl 3.0 sets arbitrary dates.
mkdir newcerts
: >index.txt
echo 01 >serial
cat >ca.cnf <<'CNF'
[ca]
default_ca = test_ca
[test_ca]
dir = .
database = index.txt
serial = serial
new_certs_dir = newcerts
default_md = sha256
policy = any_name
unique_subject = no
email_in_dn = no
[any_name]
commonName = supplied
[req]
distinguished_name = req_name
[req_name]
CNF

new_key() {  # FILE TYPE
    case $2 in
        rsa) run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" ;;
        ec) run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" ;;
        ed25519) run openssl genpkey -algorithm ED25519 -out "$1" ;;
    esac
}

# sign ISSUER NAME CN EXTENSIONS [START END]: NAME.pem for NAME.key, signed by ISSUER.pem.
sign() {
    issuer=$1 name=$2 cn=$3 extensions=$4
    printf '[ext]\n%s\n' "$extensions" | tr ';' '\n' >"$name.ext"
    run openssl req -config ca.cnf -new -key "$name.key" -subj "/CN=$cn" -out "$name.csr"
    if [ $# -eq 6 ]; then dates="-startdate $5 -enddate $6"; else dates="-days 3650"; fi
    # shellcheck disable=SC2086 # $dates is two options
    run openssl ca -config ca.cnf -batch -notext -rand_serial -cert "$issuer.pem" -keyfile "$issuer.key" \
        -extfile "$name.ext" -extensions ext $dates -in "$name.csr" -out "$name.pem"
}

server_extensions='basicConstraints=CA:FALSE;keyUsage=critical,digitalSignature,keyEncipherment;extendedKeyUsage=serverAuth'

for ca in ca other-ca; do
    new_key "$ca.key" ec
    run openssl req -config ca.cnf -x509 -new -key "$ca.key" -subj "/CN=kgate test $ca" -days 3650 \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$ca.pem"
done
new_key intermediate.key ec
sign ca intermediate "kgate test intermediate" "basicConstraints=critical,CA:TRUE,pathlen:0;keyUsage=critical,keyCertSign,cRLSign"

new_key server.key rsa
sign ca server '*.kafka.test' "$server_extensions;subjectAltName=DNS:*.kafka.test,DNS:kafka.test,IP:127.0.0.1"
run openssl x509 -in server.pem -outform DER -out server.der

new_key ec.key ec
sign intermediate ec ec.kafka.test "$server_extensions;subjectAltName=DNS:ec.kafka.test"
cat ec.pem intermediate.pem >ec-chain.pem

new_key ed25519.key ed25519
sign ca ed25519 ed.kafka.test "basicConstraints=CA:FALSE;extendedKeyUsage=serverAuth;subjectAltName=DNS:ed.kafka.test"

new_key kafka-broker.key rsa
sign ca kafka-broker '*.kgate-e2e.invalid' "$server_extensions;subjectAltName=DNS:*.kgate-e2e.invalid,IP:127.0.0.1"

new_key client.key ec
sign ca client kgate-test-client "basicConstraints=CA:FALSE;keyUsage=critical,digitalSignature;extendedKeyUsage=clientAuth"

new_key expired.key ec
sign ca expired expired.kafka.test "$server_extensions;subjectAltName=DNS:expired.kafka.test" 20200101000000Z 20210101000000Z
new_key future.key ec
sign ca future future.kafka.test "$server_extensions;subjectAltName=DNS:future.kafka.test" 20900101000000Z 20910101000000Z

new_key wrong.key rsa
run openssl pkey -in server.key -aes256 -passout pass:kgate -out encrypted.key
run openssl rsa -in server.key -aes256 -traditional -passout pass:kgate -out encrypted-traditional.key

for f in ca other-ca intermediate server ec ed25519 client expired future kafka-broker; do
    cp "$f.pem" "$out/$f.pem"
done
cp ec-chain.pem server.der ca.key server.key ec.key ed25519.key client.key expired.key future.key wrong.key \
    encrypted.key encrypted-traditional.key "$out/"
cp intermediate.key other-ca.key kafka-broker.key "$out/"
: >"$out/.complete"
