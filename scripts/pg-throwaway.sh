# Sourced by scripts that need a short-lived private PostgreSQL. Sets PG_TMP (socket dir) and
# registers a trap that stops the cluster and removes its files.
pg_bin_dir() {
  if [[ -n "${PG_BIN_DIR:-}" ]]; then echo "$PG_BIN_DIR"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z "$d" ]]; then
    echo "PostgreSQL server binaries not found; install them (apt-get install postgresql)" >&2
    return 1
  fi
  echo "$d"
}

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    setpriv --reuid=postgres --regid=postgres --init-groups "$@"
  else
    "$@"
  fi
}

pg_throwaway_start() {
  local bin
  bin=$(pg_bin_dir)
  PG_TMP=$(mktemp -d /tmp/alpha-pg.XXXXXX)
  [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_TMP"
  as_pg "$bin/initdb" -D "$PG_TMP/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
  as_pg "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w \
    -o "-k $PG_TMP -c listen_addresses='' -c fsync=off" start >/dev/null
  trap 'as_pg "'"$bin"'/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$PG_TMP"' EXIT
}
