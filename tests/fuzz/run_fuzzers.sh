#!/usr/bin/env bash
# Runs each codec fuzzer for SECONDS, seeded from captured frames, one after the other; then the
# SNI listener's ClientHello fuzzer, seeded with the ClientHellos it writes itself.
# Usage: tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS CORPUS_SEED_DIR
# Seeds are files named NNNNN-request-KEY-VERSION.bin / NNNNN-response-KEY-VERSION.bin, each a
# whole frame with its 4-byte size prefix. Exits non-zero when a fuzzer finds a crash.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 BUILD_DIR SECONDS CORPUS_SEED_DIR" >&2
  exit 2
fi
build_dir=$1
seconds=$2
seed_dir=$3
if ! [[ $seconds =~ ^[0-9]+$ ]] || (( seconds < 1 )); then
  echo "SECONDS must be a positive integer, not '$seconds'" >&2
  exit 2
fi
if [[ ! -d $seed_dir ]]; then
  echo "no seed directory $seed_dir" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kgate-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Crash inputs must outlive the run, so they go to the build tree.
artifacts="$build_dir/fuzz-artifacts"
mkdir -p "$artifacts"

# Seeds are copied first: the seed directory may be rewritten while the fuzzers run.
# Requests lose their size prefix; responses get it replaced by the response fuzzer's
# selector (big-endian int16 API key, int16 version, taken from the file name).
python3 - "$seed_dir" "$work" <<'EOF'
import pathlib, re, struct, sys
seed_dir, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
name = re.compile(r"^\d+-(request|response)-(\d+)-(\d+)\.bin$")
counts = {"request": 0, "response": 0}
for kind in counts:
    (work / f"{kind}-seeds").mkdir()
    (work / f"{kind}-corpus").mkdir()
for f in sorted(seed_dir.iterdir()):
    m = name.match(f.name)
    if not m or not f.is_file():
        continue
    kind, key, version = m.group(1), int(m.group(2)), int(m.group(3))
    data = f.read_bytes()
    if len(data) < 4 or struct.unpack(">i", data[:4])[0] != len(data) - 4:
        print(f"skipping {f.name}: its size prefix does not match its length", file=sys.stderr)
        continue
    body = data[4:]
    if kind == "response":
        body = struct.pack(">hh", key, version) + body
    (work / f"{kind}-seeds" / f.name).write_bytes(body)
    counts[kind] += 1
print(f"seeds: {counts['request']} request frames, {counts['response']} response frames from {seed_dir}")
EOF

find_fuzzer() {
  local candidate
  for candidate in "$build_dir/tests/fuzz/$1" "$build_dir/$1"; do
    if [[ -x $candidate ]]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "no $1 in $build_dir: build it with -DKGATE_FUZZ=ON (see tests/fuzz/CMakeLists.txt)" >&2
  return 1
}

failed=0
# fuzz KIND: runs KIND_fuzzer on $work/KIND-corpus and $work/KIND-seeds.
fuzz() {
  local kind=$1 fuzzer log status=0
  fuzzer=$(find_fuzzer "${kind}_fuzzer")
  log="$work/$kind.log"
  mkdir -p "$artifacts/$kind" "$work/$kind-corpus" "$work/$kind-seeds"
  echo "== ${kind}_fuzzer: ${seconds}s"
  # timeout is a backstop in case libFuzzer overruns -max_total_time (a hung input).
  timeout --signal=KILL $((seconds + 120)) "$fuzzer" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$kind/" \
    "$work/$kind-corpus" "$work/$kind-seeds" >"$log" 2>&1 || status=$?
  if (( status != 0 )); then
    failed=1
    echo "${kind}_fuzzer FAILED (exit $status); crash inputs in $artifacts/$kind/. Log tail:"
    tail -n 40 "$log"
  else
    grep -E '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs|^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$log" || true
    echo "corpus: $(find "$work/$kind-corpus" -type f | wc -l) new inputs"
  fi
}
fuzz request
fuzz response
KGATE_TLS_FUZZ_SEEDS="$work/tls_hello-seeds" fuzz tls_hello

if (( failed )); then
  echo "fuzzing found a problem" >&2
  exit 1
fi
echo "no crashes"
