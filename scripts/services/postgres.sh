#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests, on loopback, with its data under $SVC_DIR.
# Used only when the machine has no server of its own on 127.0.0.1:5432.
# Prints TEST_ADMIN_DATABASE_URL=... for the caller to export. Idempotent.
set -euo pipefail

SVC_DIR=${SVC_DIR:-/tmp/cams-test-services}
PG_PORT=${PG_PORT:-15432}
dir="$SVC_DIR/postgres"
url="postgres://postgres@127.0.0.1:$PG_PORT/postgres"

say() { echo "postgres.sh: $*" >&2; }

bin=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
  bin=$(dirname "$(readlink -f "$(command -v initdb)")")
else
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
fi
if [[ -z $bin || ! -x $bin/initdb ]]; then
  say "installing the PostgreSQL server (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi

if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; then
  echo "TEST_ADMIN_DATABASE_URL=$url"
  exit 0
fi

owner=$(id -un)
run() { "$@"; }
if [[ $EUID -eq 0 ]]; then
  # PostgreSQL refuses to run as root.
  owner=postgres
  id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  run() { runuser -u postgres -- "$@"; }
fi

mkdir -p "$dir/run"
chown -R "$owner" "$dir"
if [[ ! -s $dir/data/PG_VERSION ]]; then
  rm -rf "$dir/data"
  run "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale -N >"$dir/initdb.log" 2>&1 \
    || { say "initdb failed:"; cat "$dir/initdb.log" >&2; exit 1; }
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir/run'
max_connections = 200
# Throwaway test data: durability is not wanted, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi
# A server killed with -9 leaves its pid file behind; pg_ctl handles a stale one itself.
run "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
  || { say "pg_ctl start failed:"; tail -n 20 "$dir/postgres.log" >&2; exit 1; }
say "started on 127.0.0.1:$PG_PORT"
echo "TEST_ADMIN_DATABASE_URL=$url"
