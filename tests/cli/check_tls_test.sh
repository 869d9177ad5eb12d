#!/bin/sh
# check_tls_test.sh KGATE CERTS_DIR: `kgate check-tls` on good and bad certificates made by
# tests/tls/make_test_certs.sh: its exit status, its summary and its reasons.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 KGATE CERTS_DIR" >&2; exit 2; }
kgate=$1 certs=$2
out=$(mktemp -d "${TMPDIR:-/tmp}/kgate-check-tls.XXXXXX")
trap 'rm -rf "$out"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run NAME WANTED_STATUS ARGS...: runs check-tls, keeps stdout and stderr as $out/NAME.{out,err}.
run() {
    name=$1 wanted=$2
    shift 2
    status=0
    timeout 20 "$kgate" check-tls "$@" >"$out/$name.out" 2>"$out/$name.err" || status=$?
    [ "$status" -eq "$wanted" ] || fail "$name: exit status $status, wanted $wanted; stderr: $(cat "$out/$name.err")"
}

# expect NAME STREAM TEXT: the line TEXT appears in $out/NAME.STREAM.
expect() {
    grep -qxF -- "$3" "$out/$1.$2" || { fail "$1: no line \"$3\" in its std$2:"; cat "$out/$1.$2" >&2; }
}

run good 0 --certificate "$certs/server.pem" --key "$certs/server.key" --ca "$certs/ca.pem" \
    --host kafka.test --host broker-1834119876.kafka.test --host 127.0.0.1
fingerprint=$(openssl x509 -noout -fingerprint -sha256 -in "$certs/server.pem" | sed 's/^sha256 Fingerprint=//')
expect good out "subject           CN=*.kafka.test"
expect good out "DNS names         *.kafka.test, kafka.test"
expect good out "IP addresses      127.0.0.1"
expect good out "key               RSA 2048, matches the certificate"
expect good out "SHA-256           $fingerprint"
expect good out "CA bundle         $certs/ca.pem (1 certificate): the chain verifies to it"
expect good out "host kafka.test: covered"
expect good out "host broker-1834119876.kafka.test: covered"
expect good out "host 127.0.0.1: covered"
grep -q '^valid             .* UTC to .* UTC (36[0-9][0-9] days left)$' "$out/good.out" || fail "good: no validity line: $(cat "$out/good.out")"
[ ! -s "$out/good.err" ] || fail "good: wrote to stderr: $(cat "$out/good.err")"

run chain 0 --certificate "$certs/ec-chain.pem" --key "$certs/ec.key" --ca "$certs/ca.pem"
expect chain out "certificate file  $certs/ec-chain.pem (2 certificates)"
expect chain out "key               EC P-256, matches the certificate"

# A host the wildcard does not cover: the summary is printed, the status says no.
run uncovered 1 --certificate "$certs/server.pem" --key "$certs/server.key" --host a.b.kafka.test --host kafka.test
expect uncovered out "host a.b.kafka.test: NOT covered by the certificate's names"
expect uncovered out "host kafka.test: covered"

run bad 1 --certificate "$certs/expired.pem" --key "$certs/wrong.key" --ca "$certs/other-ca.pem"
expect bad err "kgate: key file $certs/wrong.key does not match the certificate (CN=expired.kafka.test) in $certs/expired.pem"
expect bad err "kgate: certificate file $certs/expired.pem: the certificate (CN=expired.kafka.test) expired on 2021-01-01 00:00:00 UTC (notAfter)"
expect bad err "kgate: certificate file $certs/expired.pem does not verify to CA bundle $certs/other-ca.pem as a server certificate: unable to get local issuer certificate (at depth 0: CN=expired.kafka.test)"
expect bad err "kgate: 3 problems with the TLS files"
[ ! -s "$out/bad.out" ] || fail "bad: printed a summary: $(cat "$out/bad.out")"

run missing 1 --certificate "$certs/no-such.pem" --key "$certs/encrypted.key"
expect missing err "kgate: certificate file $certs/no-such.pem: cannot be read: No such file or directory"
expect missing err "kgate: key file $certs/encrypted.key: the key is encrypted, and kgate has no passphrase setting: store it unencrypted (openssl pkey -in ENCRYPTED -out PLAIN) and protect the file's permissions"

run future 1 --certificate "$certs/future.pem" --key "$certs/future.key"
expect future err "kgate: certificate file $certs/future.pem: the certificate (CN=future.kafka.test) is not valid before 2090-01-01 00:00:00 UTC (notBefore)"

run client_as_server 1 --certificate "$certs/client.pem" --key "$certs/client.key" --ca "$certs/ca.pem"
run client 0 --certificate "$certs/client.pem" --key "$certs/client.key" --ca "$certs/ca.pem" --client

# CLI11 refuses a missing required option with its own status.
run no_key 106 --certificate "$certs/server.pem"

[ "$failures" -eq 0 ] || { echo "$failures check-tls checks failed" >&2; exit 1; }
echo "check-tls: every check passed"
