#!/usr/bin/env bash
# The dependency rule, from Cargo's own graph (normal and build edges; tests may use anything):
# - domain crates hold the rules and stay free of infrastructure: no database driver, no web or
#   socket framework, no async runtime;
# - adapters do not reach each other: http-api, gateways, files and push-fcm know domain crates
#   and kernel only, never the store (nor each other).
# Fails listing every broken edge.
set -euo pipefail
cd "$(dirname "$0")/.."

domains=(alpha-kernel alpha-otp alpha-auth alpha-sms-dispatch alpha-chat alpha-catalog alpha-media alpha-listings alpha-community alpha-subscriptions alpha-notifications)
adapters=(alpha-http-api alpha-gateways alpha-store alpha-files alpha-push-fcm)
# Arguments replace the lists, to prove each check can fail (CI does): `check-deps.sh alpha-store`
# checks the store as a domain crate; `check-deps.sh --adapters alpha-server alpha-store` checks
# the server as an adapter.
if [[ ${1:-} == --adapters ]]; then
  shift; domains=(); adapters=("$@")
elif (($#)); then
  domains=("$@"); adapters=()
fi
forbidden='^(diesel|diesel-async|diesel_migrations|tokio-postgres|actix-web|actix-http|actix-rt|socketioxide|engineioxide|hyper|tokio|reqwest|rust_socketio) '

deps_of() {
  cargo tree --quiet --package "$1" --edges normal,build --prefix none --format '{p}' | sort -u
}

status=0
for crate in ${domains[@]+"${domains[@]}"}; do
  bad=$(grep -E "$forbidden" <<<"$(deps_of "$crate")" || true)
  if [[ -n "$bad" ]]; then
    echo "dependency rule broken: $crate reaches:" >&2
    sed 's/^/  /' <<<"$bad" >&2
    status=1
  fi
done
for crate in ${adapters[@]+"${adapters[@]}"}; do
  others=$(printf '%s\n' "${adapters[@]}" | grep -vx "$crate" | paste -sd'|')
  bad=$(grep -E "^($others) " <<<"$(deps_of "$crate")" || true)
  if [[ -n "$bad" ]]; then
    echo "dependency rule broken: adapter $crate reaches another adapter:" >&2
    sed 's/^/  /' <<<"$bad" >&2
    status=1
  fi
done
if [[ $status -eq 0 ]]; then
  echo "dependency direction: ok (${domains[*]:-no domain crate} reach no infrastructure crate; ${adapters[*]:-no adapter} reach no other adapter)"
fi
exit $status
