#!/usr/bin/env bash
# Assets: an original served, a kept derivative served (req/s, each against a bare actix-web
# handler of the same size, measured in the same run), the first derivative of a 12-megapixel
# JPEG to an 800-pixel WebP (ms), and the server's peak memory while 8 such derivatives are
# asked for at once. Release build, SQLite, files in a local folder.
#
#   bench/assets.sh            # DURATION=10s CONNECTIONS=64 by default
#
# Needs wrk (apt-get install wrk). Load comes from this machine only (loopback).
set -euo pipefail
[ -n "${TRACE:-}" ] && set -x
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lectern-target}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

cargo build --release --quiet -p lectern-server --bin lectern --example bench_image
BIN="$CARGO_TARGET_DIR/release/lectern"
WORK="$(mktemp -d)"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$CARGO_TARGET_DIR/release/examples/bench_image" 1600 1067 "$WORK/photo.jpg"
"$CARGO_TARGET_DIR/release/examples/bench_image" 4000 3000 "$WORK/big.jpg"

export DATABASE_URL="sqlite://$WORK/bench.db?mode=rwc" LECTERN_LOG=warn LECTERN_DEMO=false \
  LECTERN_ADMIN_EMAIL=bench@example.com LECTERN_ADMIN_PASSWORD=bench-password-123 LECTERN_CACHE_BYTES=0
LECTERN_ADDR=127.0.0.1:0 "$BIN" serve > "$WORK/serve.out" & PID=$!; PIDS+=("$PID")
until grep -q "listening on" "$WORK/serve.out" 2>/dev/null; do sleep 0.05; done
BASE="$(grep -o 'http://[0-9.:]*' "$WORK/serve.out" | head -1)"
TOKEN="$(curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password-123"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

# Uploads a file and makes it public; prints its URL.
public_asset() {
  local created id etag
  created="$(curl -sf -X POST "$BASE/api/v1/assets" -H "authorization: Bearer $TOKEN" -F "file=@$1" -F "alt=bench")"
  id="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$created")"
  etag="$(curl -sf -D - -o /dev/null "$BASE/api/v1/assets/$id" -H "authorization: Bearer $TOKEN" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tr -d '\r')"
  curl -sf -X POST "$BASE/api/v1/assets/$id/publish" -H "authorization: Bearer $TOKEN" -H "if-match: $etag" > /dev/null
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$created"
}
PHOTO="$(public_asset "$WORK/photo.jpg")"
BIG="$(public_asset "$WORK/big.jpg")"

rps() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '/Requests\/sec/ {print $2}'; }
bare() {
  "$CARGO_TARGET_DIR/release/lectern" bare-handler --bytes "$1" > "$WORK/bare.out" & local b=$!
  until grep -q "listening on" "$WORK/bare.out" 2>/dev/null; do sleep 0.02; done
  rps "$(grep -o 'http://[0-9.:]*' "$WORK/bare.out" | head -1)/"
  kill "$b"; wait "$b" 2>/dev/null || true
}
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

original_bytes="$(curl -sf "$BASE$PHOTO" | wc -c)"
original="$(rps "$BASE$PHOTO")"
bare_original="$(bare "$original_bytes")"
derived_path="$PHOTO?width=400&format=webp"
derived_bytes="$(curl -sf "$BASE$derived_path" | wc -c)"
derived="$(rps "$BASE$derived_path")"
bare_derived="$(bare "$derived_bytes")"

first_ms="$(curl -sf -o /dev/null -w '%{time_total}' "$BASE$BIG?width=800&format=webp" | python3 -c 'import sys; print(round(float(sys.stdin.read()) * 1000))')"
kib() { awk "/$1/ {print \$2}" "/proc/$PID/status"; }
rss_before="$(kib VmRSS)"
wait_start=$(date +%s%N)
CURLS=()
for w in 160 320 400 640 1024 1280 1600 1920; do
  curl -sf -o /dev/null "$BASE$BIG?width=$w&format=webp" & CURLS+=($!)
done
wait "${CURLS[@]}"
eight_ms=$(( ($(date +%s%N) - wait_start) / 1000000 ))
peak="$(kib VmHWM)"

echo "assets (release, SQLite, local folder; wrk -c$CONNECTIONS -d$DURATION)"
echo "original ${original_bytes} B:   $original req/s   bare handler $bare_original req/s   ratio $(ratio "$original" "$bare_original")"
echo "kept derivative ${derived_bytes} B: $derived req/s   bare handler $bare_derived req/s   ratio $(ratio "$derived" "$bare_derived")"
echo "first derivative, 12 MP JPEG to 800 px WebP: ${first_ms} ms"
echo "8 new derivatives of it at once: done in ${eight_ms} ms; memory $(( rss_before / 1024 )) MiB before, peak $(( peak / 1024 )) MiB"
