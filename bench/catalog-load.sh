#!/usr/bin/env bash
# Load benchmark of the public catalog reads: starts the release server with its embedded
# PostgreSQL in a temp folder, seeds the catalogue (the full 130-brand file when SEED_DATA_FILE
# names it or ../shared/data/brands-models.json exists, else the small built-in one), then drives
# each route with wrk and prints requests/s and latency percentiles:
#   GET /api/v1/brands                      (what the app's brand picker loads)
#   GET /api/v1/brands/search?search=cam    (the app's per-keystroke search)
#   GET /api/v1/brands/search?search=       (the app's ensureIndex: the whole index)
#   GET /api/v1/models?filter=<toyota>      (models of one brand)
#   GET /api/v1/categories?photo=true&post=true, /api/v1/banners, /api/v1/subscription
# Usage: bench/catalog-load.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-20}
CONNECTIONS=${2:-32}
THREADS=2
PORT=${BENCH_PORT:-38081}

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }; }
cargo build --release -q -p alpha-server
BIN=target/release/alpha-motors

DATA=${SEED_DATA_FILE:-}
[ -z "$DATA" ] && [ -f ../shared/data/brands-models.json ] && DATA=$(cd ../shared/data && pwd)/brands-models.json

WORK=$(mktemp -d /tmp/alpha-bench.XXXXXX)
chmod 755 "$WORK"
export APP_ENV=development PORT="$PORT" PG_DATA_DIR="$WORK/pg" RUST_LOG=warn,alpha_http_api=info NO_COLOR=1 \
  ALPHA__DATABASE__POOL_SIZE=${BENCH_POOL_SIZE:-8} ALPHA__UPLOADS__DIR="$WORK/uploads"
if [ -n "$DATA" ]; then
  echo "== catalogue: $DATA"
  export SEED_DATA_FILE="$DATA"
else
  echo "== catalogue: the small built-in one (set SEED_DATA_FILE for the full 130 brands)"
  unset SEED_DATA_FILE
fi
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log"; exit 1; }

BASE="http://127.0.0.1:$PORT/api/v1"
BRANDS=$(curl -fs "$BASE/brands" | grep -o '"uuid"' | wc -l)
echo "== GET /brands: $BRANDS brands, $(curl -fs "$BASE/brands" | wc -c) bytes"
TOYOTA=$(curl -fs "$BASE/brands?search=toyota" | sed -E 's/^\[\{"uuid":"([^"]+)".*/\1/')

run() { # name, url
  echo "== $1 ($CONNECTIONS connections, ${DURATION}s)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$2" |
    grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
}

run brands "$BASE/brands"
run search-cam "$BASE/brands/search?search=cam"
run search-index "$BASE/brands/search?search=&limit=10000&offset=0"
run models-of-brand "$BASE/models?filter=$TOYOTA"
run categories "$BASE/categories?photo=true&post=true"
run banners "$BASE/banners"
run plans "$BASE/subscription"
# Failed or refused requests, by message (a clean run prints none).
grep -E ' (WARN|ERROR) |request refused' "$WORK/server.log" | sed -E 's/^.* (WARN|ERROR|INFO) //' |
  sort | uniq -c | sort -rn | head -5 || true
echo "== server RSS after the runs: $(ps -o rss= -p $SERVER | awk '{printf "%.1f MiB", $1/1024}')"
