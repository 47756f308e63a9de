#!/usr/bin/env bash
# Build-time delivery at scale: a full export of ARTICLES published articles (the CLI in both
# formats and the streamed NDJSON endpoint), with throughput and peak memory, then an
# incremental sync and export after 100 changes. Run it at two sizes to see that memory and
# the incremental cost do not grow with the number of articles:
#
#   bench/export.sh                    # SQLite, 100,000 articles
#   ARTICLES=10000 bench/export.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1/lectern_export bench/export.sh
#
# Needs curl and GNU time (/usr/bin/time). Seeding 100,000 articles takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${ARTICLES:-100000}"
CHANGES="${CHANGES:-100}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lectern-target}"
cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/lectern"
WORK="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

DB="${DATABASE_URL:-sqlite://$WORK/export.db?mode=rwc}"
export DATABASE_URL="$DB" LECTERN_LOG=warn LECTERN_ADMIN_EMAIL=bench@example.com LECTERN_ADMIN_PASSWORD=bench-password-123
if [[ "$DB" == postgres* ]]; then
  name="${DB##*/}"; name="${name%%\?*}"
  # The run starts from an empty database, which it makes by dropping this one: only ever
  # one whose name says it belongs to the benchmarks.
  if [[ "$name" != lectern_bench* ]]; then
    echo "$0 drops and recreates the database it runs on, so its name must start with lectern_bench (not $name): use DATABASE_URL=${DB%/*}/lectern_bench" >&2
    exit 2
  fi
  psql "${DB%/*}/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
fi

LECTERN_ADDR=127.0.0.1:0 "$BIN" serve > "$WORK/serve.out" & PID=$!
until grep -q "listening on" "$WORK/serve.out" 2>/dev/null; do sleep 0.1; done
BASE="$(grep -o 'http://[0-9.:]*' "$WORK/serve.out" | head -1)"
"$BIN" seed --articles "$ARTICLES" 2>/dev/null
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
ADMIN="$(curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password-123"}' | json '["access_token"]')"
READ="$(curl -sf -X POST "$BASE/api/v1/tokens" -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d '{"name":"bench","scope":"read"}' | json '["token"]')"

echo "Lectern $("$BIN" --version | awk '{print $2}') on $(nproc) cores, ${DB%%:*}, $ARTICLES seeded articles"
printf '%-46s %9s %10s %11s %9s\n' scenario items seconds items/s peak_mb

# One CLI run under GNU time: items from its summary line, peak RSS of the process.
cli() {
  local name="$1"; shift
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" export "$@" > "$WORK/cli.out" 2>/dev/null
  local secs kb n
  read -r secs kb < "$WORK/time"
  n="$(grep -o 'exported [0-9]*' "$WORK/cli.out" | head -1 | cut -d' ' -f2)"
  printf '%-46s %9s %10s %11.0f %9d\n' "$name" "${n:-?}" "$secs" "$(echo "${n:-0} / ($secs + 0.001)" | bc -l)" $(( kb / 1024 ))
}

cli "lectern export --format json (full)" --out "$WORK/json" --format json
cli "lectern export --format markdown (full)" --out "$WORK/md" --format markdown

# The NDJSON stream, read by curl; the server's peak RSS grows only if streaming buffers.
before_kb=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
start=$(date +%s.%N)
curl -sf "$BASE/api/v1/export" -H "authorization: Bearer $READ" -o "$WORK/export.ndjson"
secs=$(echo "$(date +%s.%N) - $start" | bc -l)
lines=$(( $(wc -l < "$WORK/export.ndjson") - 1 ))
after_kb=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
tail -1 "$WORK/export.ndjson" | grep -q '"type":"end"' || { echo "the NDJSON export did not end with its end line" >&2; exit 1; }
printf '%-46s %9d %10.2f %11.0f %9d\n' "GET /api/v1/export (NDJSON, server peak)" "$lines" "$secs" "$(echo "$lines / $secs" | bc -l)" $(( after_kb / 1024 ))
echo "  server peak RSS before the stream: $(( before_kb / 1024 )) MB, after: $(( after_kb / 1024 )) MB"

# The changes: CHANGES updates through the API.
TOKEN="$(tail -1 "$WORK/export.ndjson" | json '["next_sync_token"]')"
slugs="$(curl -sf "$BASE/api/v1/articles?limit=$CHANGES" | python3 -c 'import json,sys; [print(a["slug"], a["version"]) for a in json.load(sys.stdin)["data"]]')"
while read -r slug version; do
  curl -sf -X PATCH "$BASE/api/v1/articles/$slug" -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
    -d "{\"version\":$version,\"summary\":\"Changed for the incremental benchmark.\"}" > /dev/null
done <<< "$slugs"

start=$(date +%s.%N)
changed=$(curl -sf "$BASE/api/v1/sync?token=$TOKEN&limit=500" -H "authorization: Bearer $READ" | json '["items"].__len__()')
secs=$(echo "$(date +%s.%N) - $start" | bc -l)
printf '%-46s %9d %10.3f %11s %9s\n' "GET /api/v1/sync?token= after $CHANGES changes" "$changed" "$secs" "-" "-"
cli "lectern export --since (after $CHANGES changes)" --out "$WORK/json" --format json --since "$(cat "$WORK/json/.lectern-sync-token")"
kill "$PID"; wait "$PID" 2>/dev/null || true
