#!/usr/bin/env bash
# A PostgreSQL server of its own for the tests: Debian's postgresql binaries, a cluster in a
# scratch folder, listening on 127.0.0.1 only, with a role that logs in with a password over
# TCP (scram-sha-256), as a team's store would be reached.
#
#   scripts/testpg.sh start DIR PORT    prints the URL; the password is in DIR/pgpass
#   scripts/testpg.sh stop DIR
#   scripts/testpg.sh sql DIR [-d DB] SQL   runs SQL as the cluster's superuser (over its socket)
set -euo pipefail
cmd=${1:?start|stop|sql}
dir=${2:?folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 2; }
# PostgreSQL's programs get a clean environment: a test runner's (LD_LIBRARY_PATH into a
# toolchain, PG* variables) must not reach the server.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"
  else
    env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$HOME" "$@"
  fi
}
case "$cmd" in
start)
  port=${3:?port}
  # The server outlives this script: it must hold none of the caller's descriptors (a pipe
  # the caller reads to its end would never end).
  for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  # The tests' role and its password (random per cluster); the superuser logs in only over
  # the cluster's own socket.
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$dir/password"
  printf '127.0.0.1:%s:*:gavel:%s\n' "$port" "$(cat "$dir/password")" > "$dir/pgpass"
  chmod 600 "$dir/pgpass" "$dir/password"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on" start </dev/null >/dev/null 2>&1
  as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 -c \
    "CREATE ROLE gavel LOGIN PASSWORD '$(cat "$dir/password")' CREATEDB" >/dev/null
  echo "$port" > "$dir/port"
  echo "postgresql://gavel@127.0.0.1:$port/postgres"
  ;;
stop)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
sql)
  shift 2
  db=postgres
  if [ "${1:-}" = "-d" ]; then db=$2; shift 2; fi
  as_owner "$bin/psql" -h "$dir" -p "$(cat "$dir/port")" -U postgres -d "$db" -q -t -A -v ON_ERROR_STOP=1 -c "$*"
  ;;
esac
