#!/usr/bin/env bash
# Domain crates hold the rules and must stay free of infrastructure: no database driver, no web or
# socket framework, no async runtime. Fails listing any forbidden crate a domain crate reaches.
set -euo pipefail
cd "$(dirname "$0")/.."

# Arguments name other crates to check (CI passes an adapter to prove the check can fail).
if (($#)); then domains=("$@"); else domains=(alpha-kernel alpha-otp alpha-auth alpha-sms-dispatch alpha-chat); fi
forbidden='^(diesel|diesel-async|diesel_migrations|tokio-postgres|actix-web|actix-http|actix-rt|socketioxide|engineioxide|hyper|tokio|reqwest|rust_socketio) '

status=0
for crate in "${domains[@]}"; do
  deps=$(cargo tree --quiet --package "$crate" --edges normal,build --prefix none --format '{p}' | sort -u)
  bad=$(grep -E "$forbidden" <<<"$deps" || true)
  if [[ -n "$bad" ]]; then
    echo "dependency rule broken: $crate reaches:" >&2
    sed 's/^/  /' <<<"$bad" >&2
    status=1
  fi
done
[[ $status -eq 0 ]] && echo "dependency direction: ok (${domains[*]} reach no infrastructure crate)"
exit $status
