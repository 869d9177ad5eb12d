# Sourced by the real-broker runners: run kgate-e2e on the newest librdkafka the project pins
# (the C library inside the confluent-kafka wheel in $KGATE_VENV, see
# scripts/python-requirements.txt), not on Debian's 2.0.2.
#
# Why: librdkafka before 2.3.0 turns a disconnection with produce requests in flight into a
# fatal "out of order sequence number" error when the retried message had not been persisted
# (fixed upstream in 2.3.0). Killing a broker under an idempotent producer hits it now and then,
# with or without kgate. The brokers-killed scenarios test kgate, so they run the client people
# run today; the mock-cluster tests (tests/integration) keep Debian's library, so both stay
# covered.
#
# kgate-e2e is built against Debian's headers and librdkafka++ bindings, which call only
# librdkafka's C API; that API keeps binary compatibility across 2.x, so the wheel's C library
# loads in its place. kcat is a C program on the same API and runs on it the same way: Debian's
# kcat on 2.0.2 cannot authenticate with SCRAM to Kafka 3.8.1 or later at all (before 2.6.1,
# librdkafka repeats the client nonce in its final SCRAM message; those brokers check it
# strictly and answer "invalid credentials").
#
#   current_librdkafka_wrapper E2E_BINARY DIR   prints the path of a wrapper that runs
#                                               E2E_BINARY on the wheel's library, after
#                                               checking that it really loads (dies otherwise)
#   current_librdkafka_kcat DIR                 the same for Debian's kcat: prints DIR/kcat

# current_librdkafka_lib DIR: links the wheel's library into DIR/lib; prints its version.
current_librdkafka_lib() {
  local dir=$1 lib
  [[ -x ${KGATE_PYTHON:-} ]] || {
    echo "current_librdkafka: no Python virtual environment at ${KGATE_VENV:-?}; run scripts/setup" >&2
    return 1
  }
  # The wheel bundles its library, with every dependency linked in, next to the package.
  lib=$("$KGATE_PYTHON" -c '
import glob, os, confluent_kafka
libs = os.path.join(os.path.dirname(os.path.dirname(confluent_kafka.__file__)), "confluent_kafka.libs")
found = sorted(glob.glob(os.path.join(libs, "librdkafka*.so*")))
print(found[0] if found else "")') || return 1
  if [[ -z $lib ]]; then
    echo "current_librdkafka: the confluent-kafka wheel in $KGATE_VENV has no librdkafka" >&2
    return 1
  fi
  mkdir -p "$dir/lib"
  ln -sf "$lib" "$dir/lib/librdkafka.so.1"
  "$KGATE_PYTHON" -c 'import confluent_kafka; print(confluent_kafka.libversion()[0])'
}

# current_librdkafka_write WRAPPER BINARY DIR: a script that runs BINARY on DIR/lib's library.
current_librdkafka_write() {
  cat >"$1" <<EOF
#!/bin/sh
LD_LIBRARY_PATH="$3/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$2" "\$@"
EOF
  chmod +x "$1"
}

current_librdkafka_wrapper() {
  local binary=$1 dir=$2 want got
  want=$(current_librdkafka_lib "$dir") || return 1
  current_librdkafka_write "$dir/kgate-e2e" "$binary" "$dir"
  got=$("$dir/kgate-e2e" version) || return 1
  if [[ $got != "librdkafka $want" ]]; then
    echo "current_librdkafka: kgate-e2e loads '$got', not librdkafka $want" >&2
    return 1
  fi
  echo "$dir/kgate-e2e"
}

current_librdkafka_kcat() {
  local dir=$1 want kcat
  kcat=$(command -v kcat) || {
    echo "current_librdkafka: kcat is not installed" >&2
    return 1
  }
  want=$(current_librdkafka_lib "$dir") || return 1
  current_librdkafka_write "$dir/kcat" "$kcat" "$dir"
  # kcat -V names the library it loaded: "... librdkafka 2.16.0 builtin.features=...".
  if ! "$dir/kcat" -V 2>&1 | grep -q "librdkafka $want "; then
    echo "current_librdkafka: kcat does not load librdkafka $want: $("$dir/kcat" -V 2>&1 | grep -o 'librdkafka [0-9.]*')" >&2
    return 1
  fi
  echo "$dir/kcat"
}
