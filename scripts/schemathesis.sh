#!/usr/bin/env bash
# API fuzzing: schemathesis (`--checks all`) against the OpenAPI document a real `alpha-motors
# serve` publishes at /api-docs/openapi.json. Exits non-zero when schemathesis finds a failure.
#
# The server runs in embedded mode on a throwaway PostgreSQL cluster under /tmp, or, when
# TEST_DATABASE_URL is set, in a fresh database created on that server (dropped at the end).
# DATABASE_URL is never used: it may name production.
#
#   scripts/schemathesis.sh                      # the CI run
#   scripts/schemathesis.sh --max-examples 200   # extra arguments go to every schemathesis run
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Run through the interpreter pip installs into: its scripts folder need not be on PATH.
if ! python3 -c 'import schemathesis' 2>/dev/null; then
  python3 -m pip install --quiet schemathesis
fi
schemathesis() { python3 -m schemathesis.cli "$@"; }
schemathesis --version
# Read explicitly: the runs start in a scratch folder, where no schemathesis.toml is found.
config="$root/scripts/schemathesis.toml"

cargo build -p alpha-server
target_dir=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/debug/alpha-motors"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
http_port=$(free_port)
client_port=$(free_port)
sms_port=$(free_port)

# Under /tmp and world-searchable: as root, the embedded PostgreSQL runs as `postgres`, who must
# reach its data folder inside.
work=$(mktemp -d /tmp/alpha-schemathesis.XXXXXX)
chmod 0711 "$work"
server_pid=""
fuzzed=0
db_name=""
admin_url=""

cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -INT "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$db_name" ]]; then
    psql "$admin_url" -qAt -c "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if ((rc != 0 && !fuzzed)) && [[ -f "$work/server.log" ]]; then
    echo "--- server log (last 40 lines) ---" >&2
    tail -n 40 "$work/server.log" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# A clean environment: nothing inherited may point the server elsewhere. Run from $work so that
# no `.env` of the checkout is read; the config files still come from the checkout.
server_env=(
  PATH="$PATH"
  HOME="${HOME:-/tmp}"
  APP_ENV=test
  ALPHA_CONFIG_DIR="$root/config"
  RUST_LOG=warn
  ALPHA__HTTP__HOST=127.0.0.1
  PORT="$http_port"
  ALPHA__GATEWAYS__CLIENT_HOST=127.0.0.1
  ALPHA__GATEWAYS__CLIENT_PORT="$client_port"
  ALPHA__GATEWAYS__SMS_HOST=127.0.0.1
  ALPHA__GATEWAYS__SMS_PORT="$sms_port"
  OTP_TEST_MODE=true
  # The fuzzer sends thousands of OTP requests from one IP and for a few phones.
  ALPHA__OTP__IP_SEND_LIMIT=100000
  ALPHA__OTP__IP_VERIFY_LIMIT=100000
  ALPHA__OTP__PHONE_RATE_LIMIT_MAX=100000
)
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  admin_url=$TEST_DATABASE_URL
  db_name="alpha_schemathesis_$$_$RANDOM"
  psql "$admin_url" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db_name\"" >/dev/null
  db_url=$(python3 - "$admin_url" "$db_name" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit
parts = urlsplit(sys.argv[1])
print(urlunsplit(parts._replace(path="/" + sys.argv[2])))
EOF
)
  server_env+=(DATABASE_URL="$db_url")
  echo "database: $db_name on TEST_DATABASE_URL's server"
else
  server_env+=(PG_DATA_DIR="$work/pg")
  echo "database: embedded cluster in $work/pg"
fi

(cd "$work" && exec env -i "${server_env[@]}" "$bin" serve) >"$work/server.log" 2>&1 &
server_pid=$!

base="http://127.0.0.1:$http_port"
for _ in $(seq 1 900); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server exited before it was ready" >&2
    exit 1
  fi
  if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then
    break
  fi
  sleep 0.2
done
curl -fsS -o /dev/null "$base/readyz"

# The test number's fixed code (OTP_TEST_MODE) logs in: prints "<accessToken> <refreshToken>" of
# a new session.
phone=99361999999
login() {
  curl -fsS -H 'content-type: application/json' -d "{\"phone\":\"$phone\"}" \
    "$base/api/v1/otp/send" >/dev/null
  curl -fsS -H 'content-type: application/json' \
    -d "{\"phone\":\"$phone\",\"otp\":\"12345\"}" "$base/api/v1/otp/verify" |
    python3 -c 'import json, sys; t = json.load(sys.stdin); print(t["accessToken"], t["refreshToken"])'
}
login >/dev/null
# An admin, so that the admin routes answer 200 (and their response schemas get checked) rather
# than 403. The operator command runs next to the live server, on the same database.
(cd "$work" && env -i "${server_env[@]}" "$bin" admin grant "$phone") >>"$work/server.log" 2>&1
read -r access _ < <(login)
# Refresh rotates its token and revokes the session when an old one comes back: a session of its
# own.
read -r _ refresh < <(login)

schema="$base/api-docs/openapi.json"
common=(
  --url "$base"
  --checks all
  --max-examples 100
  --request-timeout 10
  --generation-database none
  --no-color
)
status=0
fuzzed=1
run() {
  local title=$1
  shift
  echo
  echo "==> schemathesis: $title"
  (cd "$work" && schemathesis --config-file "$config" run "$schema" "${common[@]}" "$@") || status=1
}

# Three runs (more with the ones apart below), because two routes change the session the credentials belong to. Fuzzed together
# with the rest, POST /auth/logout would revoke the token every request carries and turn all later
# answers into (documented) 401s, leaving the other authenticated routes untested. POST
# /auth/refresh takes a refresh token, not the access token the other routes take.
# Image uploads (multipart, avatars included) run apart: a schema cannot say "these bytes decode as an image", so
# any generated file is schema-valid and the server's 400 NOT_AN_IMAGE / NO_FILE would count as
# "valid data rejected" (positive_data_acceptance). Every other check still runs on them, and
# crates/server/tests/api_catalog_photos.rs tests which files are accepted. Video and document
# uploads likewise (NOT_A_VIDEO, NOT_A_PDF; crates/server/tests/api_attachments.rs).
# Posts likewise: a post names brand, model, category and plan ids that must exist, and the feed
# takes ranges whose minimum must not exceed their maximum; no schema states either, so those 400s
# (UNKNOWN_REFERENCE, INVALID_FIELD) are not mistakes. crates/server/tests/api_posts.rs tests them.
# Push sends likewise: which of `targetData.brandId`, `targetData.userId` or `topic` a send needs
# depends on its `type`, the brand or user must exist and the user must have a push token, and a
# title or body of blanks is refused; those 400s are tested in crates/server/tests/api_notifications.rs.
# An admin's edit of a user likewise: whether a phone is a mobile number the login accepts, or an
# e-mail is free, no schema says (INVALID_PHONE, EMAIL_TAKEN); crates/server/tests/api_backoffice.rs.
apart='^/api/v1/(photo/|models/photo/|auth/avatar$|posts$|posts/\{uuid\}$|video$|video/upload$|file/upload$|notifications$|notifications/send-to-|notifications/admin/(send|create)$|notifications/admin/history/\{uuid\}$|auth/\{uuid\}$|admins/\{uuid\}$)'
# POST /subscription/order runs apart too: POST /subscription (a plan, or the app's order) is a
# prefix of its path, so after a plan was created there the stateful phase sends it an order for
# a plan it made up and takes the 404 for the unknown plan (which the API must answer) for the
# created resource gone missing (ST302). crates/server/tests/api_orders.rs tests both routes.
run "every operation but logout, refresh, image uploads, listing writes, push sends and orders, as an admin" \
  -H "Authorization: Bearer $access" \
  --exclude-path /api/v1/auth/logout --exclude-path /api/v1/auth/refresh \
  --exclude-path /api/v1/subscription/order \
  --exclude-path-regex "$apart" "$@"
run "POST /api/v1/subscription/order, as an admin" \
  -H "Authorization: Bearer $access" --include-path /api/v1/subscription/order "$@"
run "image uploads, listing writes and push sends, as an admin (all checks but positive_data_acceptance)" \
  -H "Authorization: Bearer $access" --include-path-regex "$apart" \
  --exclude-checks positive_data_acceptance "$@"
run "POST /api/v1/auth/refresh, with a refresh token" \
  -H "Authorization: Bearer $refresh" --include-path /api/v1/auth/refresh "$@"
run "POST /api/v1/auth/logout (revokes the session)" \
  -H "Authorization: Bearer $access" --include-path /api/v1/auth/logout "$@"

if ((status != 0)); then
  echo "schemathesis found failures (see above)" >&2
fi
exit "$status"
