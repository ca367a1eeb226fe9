#!/usr/bin/env bash
# Fails when crates/store/src/schema.rs differs from what `diesel print-schema` generates for the
# schema our migrations build. With --write, regenerates the file instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-throwaway.sh

command -v diesel >/dev/null || {
  echo "diesel_cli is needed: cargo install diesel_cli --locked --no-default-features --features postgres" >&2
  exit 1
}

pg_throwaway_start
"$(pg_bin_dir)/createdb" -h "$PG_TMP" -U postgres drift
url="postgresql://postgres@/drift?host=$PG_TMP"
DATABASE_URL="$url" cargo run --quiet -p alpha-server -- migrate >/dev/null
generated="$PG_TMP/schema.rs"
diesel print-schema --database-url "postgres:///drift?host=$PG_TMP&user=postgres" >"$generated"

if [[ "${1:-}" == "--write" ]]; then
  cp "$generated" crates/store/src/schema.rs
  echo "schema.rs regenerated"
elif diff -u crates/store/src/schema.rs "$generated"; then
  echo "schema drift: none (schema.rs matches the migrations)"
else
  echo "schema.rs drifted from the migrations: run 'just schema' and commit" >&2
  exit 1
fi
