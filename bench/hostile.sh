#!/usr/bin/env bash
# The GraphQL fragment-spread attack against a release build: refusal time over POST, GET and
# WebSocket at 22 and 40 levels, a REST read's latency while 4 such requests arrive each
# second (and the same read against a bare actix-web handler, for the ratio), and the
# server's memory. Loopback only; bounded in time (about 30 s).
#
#   bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lectern-target}"
VENV="${LECTERN_VENV:-$HOME/.cache/lectern-venv}"
cargo build --release --quiet -p lectern-server
BIN="$CARGO_TARGET_DIR/release/lectern"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import websockets' 2>/dev/null || "$VENV/bin/pip" install --quiet 'websockets>=13,<16'

WORK="$(mktemp -d)"
trap 'kill "${PID:-0}" "${BARE:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export DATABASE_URL="sqlite://$WORK/hostile.db?mode=rwc" LECTERN_LOG=warn LECTERN_CACHE_BYTES=0 \
  LECTERN_ADMIN_EMAIL=bench@example.com LECTERN_ADMIN_PASSWORD=bench-password-123
LECTERN_ADDR=127.0.0.1:0 "$BIN" serve > "$WORK/serve.out" & PID=$!
"$BIN" bare-handler --addr 127.0.0.1:0 --bytes 2000 > "$WORK/bare.out" & BARE=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && grep -q "http" "$WORK/bare.out" 2>/dev/null && break; sleep 0.1; done
URL="$(grep -o 'http://[0-9.:]*' "$WORK/serve.out" | head -1)"
BARE_URL="$(grep -o 'http://[0-9.:]*' "$WORK/bare.out" | head -1)"
SLUG="$(curl -sf "$URL/api/v1/articles?limit=1" | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')"
echo "hostile GraphQL against $URL (release, SQLite, cache off), bare handler at $BARE_URL"
"$VENV/bin/python" bench/hostile.py "$URL" "$BARE_URL" "$PID" "$SLUG"
