#!/usr/bin/env bash
# Runs the codec benchmarks and checks that decoding a Produce request does not grow with its
# records: the 1 MiB decode must take at most 2x the 1 KiB one (records are a view, not a copy).
# Usage: tests/bench/run_codec_bench.sh BUILD_DIR [--short]
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || ( $# -eq 2 && $2 != --short ) ]]; then
  echo "usage: $0 BUILD_DIR [--short]" >&2
  exit 2
fi
build_dir=$1
bench=
for candidate in "$build_dir/tests/bench/codec_bench" "$build_dir/codec_bench"; do
  if [[ -x $candidate ]]; then
    bench=$candidate
    break
  fi
done
if [[ -z $bench ]]; then
  echo "no codec_bench in $build_dir: build it with -DKGATE_BUILD_BENCH=ON" >&2
  exit 2
fi

args=()
if [[ $# -eq 2 ]]; then
  args+=(--benchmark_min_time=0.05)
fi

json=$(mktemp "${TMPDIR:-/tmp}/codec_bench.XXXXXX.json")
trap 'rm -f "$json"' EXIT
"$bench" "${args[@]}" --benchmark_out="$json" --benchmark_out_format=json

# CPU time rather than wall time: the machine may be shared, and neither loop waits on anything.
python3 - "$json" <<'EOF'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b.get("run_type", "iteration") == "iteration"}
def cpu_ns(name):
    b = runs.get(name)
    if b is None or b.get("error_occurred"):
        sys.exit(f"{name} did not run: {b.get('error_message') if b else 'missing'}")
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
    return b["cpu_time"] * scale
ratio = cpu_ns("BM_ProduceRequestDecode/1048576") / cpu_ns("BM_ProduceRequestDecode/1024")
print(f"produce decode 1MiB/1KiB time ratio: {ratio:.2f}")
if ratio > 2.0:
    sys.exit("FAIL: decoding a Produce request grows with its records (ratio above 2.0)")
EOF
