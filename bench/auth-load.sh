#!/usr/bin/env bash
# Load benchmark of the phone-login path on this machine: starts the release server with its
# embedded PostgreSQL in a temp folder, then drives it with wrk:
#   GET  /api/v1/auth/me     (a valid access token)
#   POST /api/v1/otp/send    (distinct test numbers; per-IP limits raised by configuration)
#   POST /api/v1/otp/verify  (each one a real first login of a number sent in the phase before)
# Prints requests/s and latency percentiles per route. Usage: bench/auth-load.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-20}
CONNECTIONS=${2:-32}
THREADS=2
PORT=${BENCH_PORT:-38080}

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }; }
cargo build --release -q -p alpha-server
BIN=target/release/alpha-motors

WORK=$(mktemp -d /tmp/alpha-bench.XXXXXX)
chmod 755 "$WORK"
export APP_ENV=development PORT="$PORT" PG_DATA_DIR="$WORK/pg" RUST_LOG=warn \
  OTP_TEST_MODE=true TEST_OTP_PREFIX=99365 \
  ALPHA__OTP__IP_SEND_LIMIT=100000000 ALPHA__OTP__IP_VERIFY_LIMIT=100000000 \
  ALPHA__DATABASE__POOL_SIZE=${BENCH_POOL_SIZE:-8}
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -INT $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log"; exit 1; }

post() { curl -fs -H 'content-type: application/json' -d "$2" "http://127.0.0.1:$PORT$1"; }
post /api/v1/otp/send '{"phone":"99361999999"}' >/dev/null
TOKEN=$(post /api/v1/otp/verify '{"phone":"99361999999","otp":"12345"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')

run() { # name, wrk args...
  local name=$1; shift
  echo "== $name ($CONNECTIONS connections, ${DURATION}s)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" | tee "$WORK/$name.txt" |
    grep -E 'Requests/sec|^ +(50|90|99)%|statuses|Non-2xx|Socket errors'
}

run auth-me -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/auth/me"
export THREADS PHONE_BASE=99365000000
OTP_PATH=/api/v1/otp/send run otp-send -s bench/lua/otp.lua "http://127.0.0.1:$PORT"
OTP_PATH=/api/v1/otp/verify run otp-verify -s bench/lua/otp.lua "http://127.0.0.1:$PORT"
echo "== server RSS after the runs: $(ps -o rss= -p $SERVER | awk '{printf "%.1f MiB", $1/1024}')"
