#!/usr/bin/env bash
# `kgate decode --reencode` must give back every golden frame byte for byte, and its JSON must
# parse; a damaged frame must fail with a message naming the field and offset.
#   decode_reencode_test.sh KGATE_BINARY FRAMES_DIR
set -euo pipefail
kgate="$1"
frames="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

checked=0
for f in "$frames"/*.bin; do
  name="$(basename "$f" .bin)"
  IFS=- read -r _ dir key version <<<"$name"
  if [ "$dir" = request ]; then
    args=(--request)
  else
    args=(--response --api-key "$key" --api-version "$version")
  fi
  if ! "$kgate" decode "${args[@]}" --reencode "$f" >"$tmp/out.bin" 2>"$tmp/err"; then
    # Answers where librdkafka's mock departs from the spec (see golden_frames_test.cc)
    # must be refused with these errors.
    if [ "$dir" = response ] && [ "$key" = 14 ] && grep -q "field SyncGroupResponse.Assignment at offset 14: null bytes" "$tmp/err"; then
      continue
    fi
    echo "FAIL: $name: $(cat "$tmp/err")"
    exit 1
  fi
  cmp -s "$f" "$tmp/out.bin" || { echo "FAIL: $name re-encodes differently"; exit 1; }
  "$kgate" decode "${args[@]}" "$f" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert "header" in d and "body" in d'
  checked=$((checked + 1))
done
[ "$checked" -ge 40 ] || { echo "FAIL: only $checked frames checked"; exit 1; }

# A request frame cut short inside its body: a clear error, exit status 1.
first="$(ls "$frames"/*-request-3-*.bin | head -n 1)"
size=$(stat -c %s "$first")
python3 - "$first" "$tmp/cut.bin" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
body = data[4:len(data) - 3]
open(sys.argv[2], 'wb').write(struct.pack('>i', len(body)) + body)
PY
if "$kgate" decode --request "$tmp/cut.bin" >/dev/null 2>"$tmp/err"; then
  echo "FAIL: a truncated frame decoded"; exit 1
fi
grep -q "field MetadataRequest" "$tmp/err" && grep -q "at offset" "$tmp/err" ||
  { echo "FAIL: unclear error for a truncated frame: $(cat "$tmp/err")"; exit 1; }
echo "decode CLI: $checked golden frames re-encoded byte-identical (of $(ls "$frames"/*.bin | wc -l)); truncated frame of $size bytes refused: $(cat "$tmp/err")"
