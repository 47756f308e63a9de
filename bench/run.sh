#!/usr/bin/env bash
# Throughput, latency and memory of the read paths, measured with wrk against a release
# build seeded with generated articles. Prints one line per scenario.
#
#   bench/run.sh                       # SQLite, 10,000 articles
#   ARTICLES=100000 bench/run.sh       # more articles
#   DATABASE_URL=postgres://postgres@127.0.0.1/lectern_bench bench/run.sh
#
# Needs wrk (apt-get install wrk). Load comes from this machine only (loopback).
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${ARTICLES:-10000}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lectern-target}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/lectern"
WORK="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

DB="${DATABASE_URL:-sqlite://$WORK/bench.db?mode=rwc}"
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

"$BIN" migrate >/dev/null
# Demo technologies first, so generated articles link real technology profiles.
LECTERN_ADDR=127.0.0.1:0 "$BIN" serve > "$WORK/demo.out" & PID=$!
until grep -q "listening on" "$WORK/demo.out" 2>/dev/null; do sleep 0.1; done
kill "$PID"; wait "$PID" 2>/dev/null || true
"$BIN" seed --articles "$ARTICLES"

start() {
  LECTERN_CACHE_BYTES="$1" LECTERN_ADDR=127.0.0.1:0 "$BIN" serve > "$WORK/serve.out" & PID=$!
  until grep -q "listening on" "$WORK/serve.out" 2>/dev/null; do sleep 0.05; done
  BASE="$(grep -o 'http://[0-9.:]*' "$WORK/serve.out" | head -1)"
  sleep 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; }

run() {
  local name="$1" path="$2" script="${3:-}"
  local out; out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency ${script:+-s "$script"} "$BASE$path")"
  local rps p50 p99 rss
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  rss=$(( $(awk '/VmRSS/ {print $2}' "/proc/$PID/status") / 1024 ))
  if grep -q "Non-2xx" <<<"$out"; then echo "  (errors: $(grep Non-2xx <<<"$out"))"; fi
  printf '%-52s %10.0f %9s %9s %8s\n' "$name" "$rps" "$p50" "$p99" "$rss"
}

echo "Lectern $("$BIN" --version | awk '{print $2}') on $(nproc) cores, $ARTICLES articles, ${DB%%:*}, wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
printf '%-52s %10s %9s %9s %8s\n' scenario req/s p50 p99 rss_mb
for mode in cached uncached; do
  if [ "$mode" = cached ]; then start 33554432; else start 0; fi
  idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
  SLUG="$(curl -s "$BASE/api/v1/articles?limit=1&sort=title" | grep -o '"slug":"[^"]*"' | head -1 | cut -d'"' -f4)"
  run "GET one article by slug ($mode)" "/api/v1/articles/$SLUG"
  run "GET list of 20 articles ($mode)" "/api/v1/articles?limit=20"
  run "GET list of 20, include=author,technologies ($mode)" "/api/v1/articles?limit=20&include=author,technologies"
  run "GET list of 20 technologies ($mode)" "/api/v1/technologies?limit=20"
  # A GraphQL error is still HTTP 200, so check the answer once before timing it.
  body="$(awk -F"'" '/wrk.body/ {print $2}' bench/graphql.lua)"
  if curl -s -H 'content-type: application/json' -d "$body" "$BASE/graphql" | grep -q '"errors"'; then
    echo "the GraphQL benchmark query fails" >&2; exit 1
  fi
  run "GraphQL 20 articles, author+technologies ($mode)" "/graphql" bench/graphql.lua
  printf '%-52s %29s %8d\n' "idle memory before load ($mode)" "" $(( idle_kb / 1024 ))
  stop
done
