#!/usr/bin/env bash
# Load benchmark of the listings: starts the release server with its embedded PostgreSQL in a
# temp folder, seeds the catalogue and N demo posts (100,000 by default), then measures with wrk:
#   home feed       GET /posts?offset=<random page>&limit=20&brand&model&photo&subscription&status
#   count-hot       GET /posts?countOnly=true&status=true + 3 filters (brand, minYear, maxPrice)
#   count-cold      the same with random filter values: nearly every request is counted afresh
#   detail          GET /posts/<random uuid>
# and with curl:
#   upload          POST /photo/posts of a 4000x3000 JPEG (5 in a row: each time and the median)
#   memory          the server's peak RSS while 8 such uploads and one 200 MB video upload run
#                   at once (sampled from /proc every 20 ms), on a restarted server; the RSS the
#                   load runs left behind is printed before the restart
# Each wrk run follows an unmeasured warm-up of the same load (BENCH_WARMUP seconds, default 5).
# The machine must be otherwise idle: on 2 cores, a compile running beside the benchmark moves
# the p99 of every run from a few milliseconds to tens.
# Usage: bench/posts-load.sh [seconds] [connections] [posts]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-20}
CONNECTIONS=${2:-32}
POSTS=${3:-100000}
THREADS=2
WARMUP=${BENCH_WARMUP:-5}
PORT=${BENCH_PORT:-38082}

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }; }
cargo build --release -q -p alpha-server --bin alpha-motors --example bench_jpeg
BIN=target/release/alpha-motors

WORK=$(mktemp -d /tmp/alpha-bench.XXXXXX)
chmod 755 "$WORK"
export APP_ENV=development PORT="$PORT" PG_DATA_DIR="$WORK/pg" RUST_LOG=warn NO_COLOR=1 \
  ALPHA__DATABASE__POOL_SIZE=${BENCH_POOL_SIZE:-8} ALPHA__UPLOADS__DIR="$WORK/uploads" \
  OTP_TEST_MODE=true TEST_OTP_PREFIX=99365
SERVER=
trap '[ -n "$SERVER" ] && kill -INT $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

echo "== seeding the catalogue and $POSTS demo posts"
start=$(date +%s.%N)
"$BIN" seed --demo --demo-posts "$POSTS" >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; exit 1; }
echo "   took $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f') s"

"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log"; exit 1; }
BASE="http://127.0.0.1:$PORT/api/v1"

run() { # name, then wrk arguments
  local name=$1; shift
  # A warm-up of the same load, not measured: it fills the rendered-page caches and
  # PostgreSQL's buffers, as minutes of real traffic would have; without it the first seconds'
  # misses (32 connections loading the same pages at once) dominate the tail.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$@" >/dev/null 2>&1
  echo "== $name ($CONNECTIONS connections, ${DURATION}s after a ${WARMUP}s warm-up)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" 2>"$WORK/wrk.err" |
    grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
  sort "$WORK/wrk.err" | uniq -c | head -3
}

export BRANDS
BRANDS=$(curl -fs "$BASE/brands" | grep -oE '"uuid":"[^"]+"' | sed -E 's/"uuid":"([^"]+)"/\1/' | paste -sd, -)
echo "== $(curl -fs "$BASE/posts?countOnly=true&status=true") approved posts, $(tr , '\n' <<<"$BRANDS" | wc -l) brands"
export UUIDS_FILE="$WORK/uuids"
for offset in $(seq 0 100 1900); do
  curl -fs "$BASE/posts?status=true&limit=100&offset=$((offset * 37))" | grep -oE '"uuid":"[^"]+","brandsId"' |
    sed -E 's/"uuid":"([^"]+)".*/\1/'
done >"$UUIDS_FILE"

FEED_MODE=home run home-feed -s bench/lua/feed.lua "http://127.0.0.1:$PORT"
FEED_MODE=count-hot run count-3-filters-hot -s bench/lua/feed.lua "http://127.0.0.1:$PORT"
FEED_MODE=count-cold run count-3-filters-cold -s bench/lua/feed.lua "http://127.0.0.1:$PORT"
FEED_MODE=detail run post-detail -s bench/lua/feed.lua "http://127.0.0.1:$PORT"

# ---- uploads: a logged-in seller with one post ----
json() { curl -fs -X "$1" "$BASE$2" -H 'Content-Type: application/json' ${TOKEN:+-H "Authorization: Bearer $TOKEN"} -d "$3"; }
json POST /otp/send '{"phone":"99365000001"}' >/dev/null
TOKEN=$(json POST /otp/verify '{"phone":"99365000001","otp":"12345"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
POST=$(json POST /posts "{\"brandsId\":\"${BRANDS%%,*}\",\"price\":100000,\"currency\":\"TMT\",\"year\":2018}" |
  sed -E 's/.*"uuid":"([^"]+)".*/\1/')
target/release/examples/bench_jpeg "$WORK/photo.jpg" 4000 3000
echo "== upload of a 4000x3000 JPEG ($(($(stat -c %s "$WORK/photo.jpg") / 1024)) KiB), 5 in a row"
upload_photo() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$BASE/photo/posts" \
    -H "Authorization: Bearer $TOKEN" -F "uuid=$POST" -F "file=@$WORK/photo.jpg;type=image/jpeg"
}
for _ in 1 2 3 4 5; do upload_photo; done | tee "$WORK/uploads.txt" | awk '{printf "   %s %.0f ms\n", $1, $2 * 1000}'
echo "   median $(awk '{print $2}' "$WORK/uploads.txt" | sort -n | sed -n 3p | awk '{printf "%.0f ms", $1 * 1000}')"

rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }
echo "== memory: 8 photo uploads and one 200 MB video at once"
echo "   RSS of the server after the runs above: $(($(rss) / 1024)) MiB (caches full, allocator warm)"
# The burst runs on a restarted server, so it shows what uploads cost rather than what the
# load runs above left behind.
kill -INT $SERVER; wait $SERVER 2>/dev/null || true
"$BIN" serve >>"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$BASE/posts?limit=20&brand=true&model=true&photo=true&subscription=true&status=true" >/dev/null
{ printf '\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom'; head -c 209715200 /dev/zero; } >"$WORK/video.mp4"
echo "   RSS before (restarted, one feed page served): $(($(rss) / 1024)) MiB"
: >"$WORK/rss"
( while kill -0 $SERVER 2>/dev/null; do rss >>"$WORK/rss"; sleep 0.02; done ) &
SAMPLER=$!
pids=()
for _ in $(seq 1 8); do upload_photo >>"$WORK/burst.txt" & pids+=($!); done
curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$BASE/video/upload" \
  -H "Authorization: Bearer $TOKEN" -F "postId=$POST" -F "file=@$WORK/video.mp4;type=video/mp4" \
  >"$WORK/video.txt" & pids+=($!)
wait "${pids[@]}"
kill $SAMPLER 2>/dev/null || true
echo "   photo uploads: $(awk '{print $1}' "$WORK/burst.txt" | sort | uniq -c | xargs), slowest $(sort -k2 -n "$WORK/burst.txt" | tail -1 | awk '{printf "%.0f ms", $2 * 1000}')"
echo "   video upload: $(awk '{printf "%s in %.1f s", $1, $2}' "$WORK/video.txt")"
echo "   peak RSS during the burst: $(($(sort -n "$WORK/rss" | tail -1) / 1024)) MiB"

grep -E ' (WARN|ERROR) ' "$WORK/server.log" | sed -E 's/^.* (WARN|ERROR) //' | sort | uniq -c | sort -rn | head -5 || true
