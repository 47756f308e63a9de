#!/usr/bin/env bash
# Before and after, interleaved: the uncached reads of two lectern binaries on the same seeded
# databases, alternating binaries ROUNDS times so that the machine's drift hits both alike.
# Prints the median req/s of each scenario per binary and their ratio.
#
#   bench/compare.sh OLD_BIN NEW_BIN                  # SQLite and PostgreSQL, 1,000 articles
#   ROUNDS=5 ARTICLES=10000 BACKENDS=sqlite bench/compare.sh old/lectern new/lectern
set -euo pipefail
cd "$(dirname "$0")/.."
OLD="$1"; NEW="$2"
ROUNDS="${ROUNDS:-3}"; ARTICLES="${ARTICLES:-1000}"; DURATION="${DURATION:-4s}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
WORK="$(mktemp -d)"; PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
export LECTERN_LOG=error LECTERN_CACHE_BYTES=0 LECTERN_ADMIN_EMAIL=bench@example.com LECTERN_ADMIN_PASSWORD=bench-password-123

serve() { # BIN: starts it on the current DATABASE_URL, sets BASE
  LECTERN_DEMO="${LECTERN_DEMO:-false}" LECTERN_ADDR=127.0.0.1:0 "$1" serve > "$WORK/out" 2> "$WORK/err" & PID=$!
  until grep -q "listening on" "$WORK/out" 2>/dev/null; do
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/err" >&2; exit 1; }
    sleep 0.02
  done
  BASE="$(grep -o 'http://[0-9.:]*' "$WORK/out" | head -1)"
}
rps() { wrk -t2 -c32 -d"$DURATION" ${2:+-s "$2"} "$1" | awk '/Requests\/sec/ {printf "%.0f", $2}'; }

url() { # BACKEND WHICH: each binary gets its own database, migrated and seeded by itself
  if [ "$1" = postgres ]; then echo "$PG_URL/lectern_compare_$2?sslmode=disable"
  else echo "sqlite://$WORK/compare-$2.db?mode=rwc"; fi
}
bin_of() { if [ "$1" = new ]; then echo "$NEW"; else echo "$OLD"; fi; }

echo "| backend | scenario | old req/s | new req/s | new/old |"
echo "|---|---|---:|---:|---:|"
for backend in $BACKENDS; do
  for which in old new; do
    if [ "$backend" = postgres ]; then
      psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS lectern_compare_$which WITH (FORCE)" -c "CREATE DATABASE lectern_compare_$which" > /dev/null
    fi
    export DATABASE_URL="$(url "$backend" "$which")"
    LECTERN_CACHE_BYTES=0 LECTERN_DEMO=true serve "$(bin_of "$which")"
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
    "$(bin_of "$which")" seed --articles "$ARTICLES" > /dev/null 2>&1
    if [ "$backend" = postgres ]; then psql "$PG_URL/lectern_compare_$which" -qc "VACUUM ANALYZE"; fi
  done
  : > "$WORK/$backend.tsv"
  for round in $(seq 1 "$ROUNDS"); do
    for which in old new; do
      export DATABASE_URL="$(url "$backend" "$which")"
      serve "$(bin_of "$which")"
      slug="$(curl -sf "$BASE/api/v1/articles?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')"
      printf '%s\tone article\t%s\n' "$which" "$(rps "$BASE/api/v1/articles/$slug")" >> "$WORK/$backend.tsv"
      printf '%s\tlist of 20\t%s\n' "$which" "$(rps "$BASE/api/v1/articles?limit=20")" >> "$WORK/$backend.tsv"
      printf '%s\tGraphQL list of 20\t%s\n' "$which" "$(rps "$BASE/graphql" bench/graphql.lua)" >> "$WORK/$backend.tsv"
      kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
    done
    echo "$backend: round $round done" >&2
  done
  python3 - "$WORK/$backend.tsv" "$backend" <<'PY'
import sys, statistics
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
for scenario in dict.fromkeys(r[1] for r in rows):
    med = {w: statistics.median(int(r[2]) for r in rows if r[0] == w and r[1] == scenario) for w in ("old", "new")}
    print(f"| {sys.argv[2]} | {scenario} | {med['old']:.0f} | {med['new']:.0f} | {med['new'] / med['old']:.2f} |")
PY
done
