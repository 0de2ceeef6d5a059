#!/bin/sh
# A PostgreSQL server on 127.0.0.1 for the test suite (CI: .ci/run; also by hand).
#
#   scripts/test-postgres.sh run -- npm test
#       install PostgreSQL if missing, start a throwaway server, run the command with
#       DATABASE_URL and REQUIRE_POSTGRES=1 exported (so the PostgreSQL variant of the
#       suite must run, not skip), stop the server, exit with the command's status.
#   eval "$(scripts/test-postgres.sh start)"
#       the same start, printing `export DATABASE_URL=...; export REQUIRE_POSTGRES=1`;
#   scripts/test-postgres.sh stop
#       stop that server and delete its data.
#
# The server lives in ${ICE_TEST_PG_DIR:-${TMPDIR:-/tmp}/ice-protocol-test-pg}, listens on
# 127.0.0.1 only (port: $ICE_TEST_PG_PORT or a free one), trusts local connections, and
# runs as the `postgres` user when this script runs as root (initdb refuses root).
# Each test file creates and drops its own database on it.
set -eu

state="${ICE_TEST_PG_DIR:-${TMPDIR:-/tmp}/ice-protocol-test-pg}"

log() { echo "test-postgres: $*" >&2; }

find_bindir() {
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

install_postgres() {
  log "PostgreSQL not found: installing it (apt-get install -y postgresql)"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    log "need root (or sudo) to install PostgreSQL"; exit 1
  fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
}

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  if [ -f "$state/url" ] && as_server_user "$(cat "$state/bindir")/pg_ctl" -D "$state/data" status >/dev/null 2>&1; then
    log "already running"
  else
    bindir="$(find_bindir || true)"
    if [ -z "$bindir" ]; then install_postgres; bindir="$(find_bindir)"; fi
    rm -rf "$state"
    mkdir -p "$state"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$state"; user=postgres; else user="$(id -un)"; fi
    port="${ICE_TEST_PG_PORT:-$(free_port)}"
    as_server_user "$bindir/initdb" -D "$state/data" -U "$user" -A trust -E UTF8 --locale=C --no-sync --no-instructions >/dev/null
    as_server_user "$bindir/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $state -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
    echo "$bindir" >"$state/bindir"
    echo "postgresql://$user@127.0.0.1:$port/postgres" >"$state/url"
    log "PostgreSQL $("$bindir/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port (data in $state)"
  fi
  echo "export DATABASE_URL='$(cat "$state/url")'; export REQUIRE_POSTGRES=1"
}

stop() {
  if [ -f "$state/bindir" ]; then
    as_server_user "$(cat "$state/bindir")/pg_ctl" -D "$state/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$state"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || { echo "usage: $0 run -- <command...>" >&2; exit 2; }
    eval "$(start)"
    set +e
    "$@"
    status=$?
    set -e
    stop
    exit $status
    ;;
  *)
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
