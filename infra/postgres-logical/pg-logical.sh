#!/usr/bin/env bash
# Runs a lab-owned PostgreSQL cluster with wal_level=logical (what Debezium's
# log-based CDC needs) from the PostgreSQL binaries already installed, on its
# own port, so that the machine's shared server on 5432 is never reconfigured.
# initdb once, then pg_ctl start/stop. See README.md.
#
#   pg-logical.sh start | stop | restart | status | wait | reset | url | psql [args]
#
# Environment: PG_LOGICAL_PORT (5433), PG_LOGICAL_DIR (see README), PG_BIN,
# PG_LOGICAL_START_TIMEOUT (60 s), COMMLAB_CACHE (~/.cache/commlab).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"

settings PG_LOGICAL_PORT=5433 \
  PG_LOGICAL_START_TIMEOUT=60
need_port PG_LOGICAL_PORT "$PG_LOGICAL_PORT"
port=$PG_LOGICAL_PORT

usage() {
  cat <<EOF
usage: $prog <command>

  start    initdb on first use, then start the cluster on $HOST:$port with
           wal_level=logical and wait until it accepts connections
  stop     stop it (fast shutdown: open sessions are disconnected)
  restart  stop, then start
  status   is it running and answering? (exit 0 yes, 3 no)
  wait     wait until a server accepts connections on $HOST:$port
  reset    stop and delete the cluster: the next start is a fresh initdb
  url      print its connection URL (user postgres, no password)
  psql [args]  run psql against it

cluster: $(cluster_dir_hint)
EOF
}

# PostgreSQL refuses to run as root. As root, the cluster belongs to the
# "postgres" user and lives under its home, because root's ~/.cache is not
# reachable for other users; anyone else runs it as themselves in the cache.
pg_user=""
if [ "$(id -u)" -eq 0 ]; then
  pg_user=postgres
  getent passwd "$pg_user" >/dev/null 2>&1 || die "running as root, but there is no '$pg_user' user to run PostgreSQL as (PostgreSQL refuses root).
  Run $prog as an ordinary user, or create the user: useradd --system --home-dir /var/lib/postgresql postgres"
fi
as_pg() {
  if [ -z "$pg_user" ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$pg_user" -- "$@"
  else
    # shellcheck disable=SC2016 # expanded by the inner shell
    su "$pg_user" -s /bin/sh -c '"$0" "$@"' "$@"
  fi
}

cluster_dir_hint() {
  if [ -n "${PG_LOGICAL_DIR:-}" ]; then
    echo "$PG_LOGICAL_DIR/$port"
  elif [ -n "$pg_user" ]; then
    echo "$(getent passwd "$pg_user" | cut -d: -f6)/commlab/postgres-logical/$port"
  else
    echo "$cache_root/postgres-logical/$port"
  fi
}
base=$(cluster_dir_hint)
data=$base/data
log_file=$base/postgres.log
conf_file=$data/commlab.conf

# The newest installed server: PG_BIN, else Debian's /usr/lib/postgresql/<v>/bin,
# else whatever initdb is on PATH (Homebrew, other distributions).
pg_bin=""
find_bins() {
  if [ -n "${PG_BIN:-}" ]; then
    pg_bin=$PG_BIN
  else
    local d
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4 -n); do
      if [ -x "$d/initdb" ]; then pg_bin=$d; fi
    done
    if [ -z "$pg_bin" ] && command -v initdb >/dev/null 2>&1; then
      pg_bin=$(dirname "$(command -v initdb)")
    fi
  fi
  if [ ! -x "${pg_bin:-/nonexistent}/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ]; then die "no PostgreSQL server binaries (initdb, pg_ctl) found${PG_BIN:+ in PG_BIN=$PG_BIN}.
  Debian/Ubuntu: sudo apt-get install postgresql   (the cluster it creates is left alone)
  macOS:         brew install postgresql@16
  or set PG_BIN to the folder that holds initdb and pg_ctl."; fi
}

pg_version() { "$pg_bin/postgres" --version | sed -n 's/.* \([0-9][0-9]*\)\..*/\1/p'; }

url() { echo "postgres://postgres@$HOST:$port/postgres"; }

accepting() { "$pg_bin/pg_isready" -q -h "$HOST" -p "$port" -t 2; }

psql_q() { # <sql>: one value, as the postgres role, over TCP
  "$pg_bin/psql" -X -q -A -t -h "$HOST" -p "$port" -U postgres -d postgres -c "$1"
}

# pg_ctl status knows whether *this* data dir's postmaster runs.
running() { [ -d "$data" ] && as_pg "$pg_bin/pg_ctl" status -D "$data" >/dev/null 2>&1; }
postmaster_pid() { head -n 1 "$data/postmaster.pid" 2>/dev/null | tr -dc '0-9'; }

# Total RSS of the postmaster and its children, in MiB.
cluster_rss() {
  local pid=$1 kb
  kb=$({
    ps -o rss= -p "$pid"
    ps -o rss= --ppid "$pid" 2>/dev/null || true
  } | awk '{ s += $1 } END { print s + 0 }')
  echo $((kb / 1024))
}

# Written on every start; postgresql.conf includes it (added by init_cluster).
write_conf() {
  as_pg tee "$conf_file" >/dev/null <<EOF
# Written by $prog on every start; edit the script, not this file.
listen_addresses = '$HOST'
port = $port
unix_socket_directories = '$base'
# Logical decoding for Debezium (pgoutput plugin, built in since PostgreSQL 10).
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
# A lab cluster: small and quick to start.
shared_buffers = 32MB
max_connections = 50
logging_collector = off
EOF
}

init_cluster() {
  say "creating the cluster in $data (initdb, PostgreSQL $(pg_version); once)..."
  as_pg mkdir -p "$base"
  # trust: like the shared server here, and Debezium connects without a
  # password; it listens on 127.0.0.1 only. --no-locale keeps it portable.
  local out
  if ! out=$(as_pg "$pg_bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale --no-instructions 2>&1); then
    printf '%s\n' "$out" >&2
    as_pg rm -rf "$data"
    die "initdb failed (above)"
  fi
  printf "\n# commlab\ninclude_if_exists = 'commlab.conf'\n" | as_pg tee -a "$data/postgresql.conf" >/dev/null
}

do_start() {
  local t0 pid
  t0=$(now)
  find_bins
  if running; then
    pid=$(postmaster_pid)
    say "the logical PostgreSQL cluster on $HOST:$port is already running (pid $pid)"
    wait_ready "$pid" "$PG_LOGICAL_START_TIMEOUT" "$log_file" accepting
    say "PostgreSQL (wal_level=$(psql_q 'show wal_level')) ready on $(url)"
    return 0
  fi
  if port_open "$port"; then
    die "port $port on $HOST is in use by $(port_owner "$port"), not by the cluster in $data.
  Stop it, or use another port: PG_LOGICAL_PORT=$((port + 1)) $0 start"
  fi
  if [ -f "$data/PG_VERSION" ]; then
    local made
    made=$(cat "$data/PG_VERSION")
    [ "$made" = "$(pg_version)" ] || die "the cluster in $data was made by PostgreSQL $made, but the binaries in $pg_bin are PostgreSQL $(pg_version).
  Set PG_BIN to PostgreSQL $made's bin folder, or run '$0 reset' to start afresh."
  else
    [ ! -e "$data" ] || die "$data exists but is not a PostgreSQL cluster (no PG_VERSION); run '$0 reset'"
    init_cluster
  fi
  write_conf
  say "starting PostgreSQL $(pg_version) on $HOST:$port with wal_level=logical (log: $log_file)..."
  as_pg touch "$log_file"
  mark_start "$log_file" "PostgreSQL on $HOST:$port" 2>/dev/null || true
  local out
  # -w: pg_ctl itself waits until the server accepts connections.
  if ! out=$(as_pg "$pg_bin/pg_ctl" start -D "$data" -l "$log_file" -w -t "$PG_LOGICAL_START_TIMEOUT" 2>&1); then
    printf '%s\n' "$out" >&2
    tail_log "$log_file"
    die "PostgreSQL did not start (log above: $log_file)"
  fi
  pid=$(postmaster_pid)
  wait_ready "$pid" "$PG_LOGICAL_START_TIMEOUT" "$log_file" accepting
  local level
  level=$(psql_q 'show wal_level')
  [ "$level" = logical ] || die "the cluster runs but reports wal_level=$level (is commlab.conf included by $data/postgresql.conf?)"
  say "PostgreSQL up in $(($(now) - t0))s (postmaster $pid, RSS $(cluster_rss "$pid") MiB with its processes, data: $data)"
  say "PostgreSQL (wal_level=logical) ready on $(url)"
}

do_stop() {
  local t0
  t0=$(now)
  find_bins
  if ! running; then
    say "the logical PostgreSQL cluster ($data) is not running"
    return 0
  fi
  say "stopping PostgreSQL on $HOST:$port (pid $(postmaster_pid))..."
  local out
  if ! out=$(as_pg "$pg_bin/pg_ctl" stop -D "$data" -m fast -w -t 60 2>&1); then
    printf '%s\n' "$out" >&2
    die "pg_ctl stop failed (above)"
  fi
  say "PostgreSQL stopped ($(($(now) - t0))s)"
}

do_status() {
  local pid
  find_bins
  if running; then
    pid=$(postmaster_pid)
    say "pg-logical.sh cluster: running, postmaster $pid, PostgreSQL $(pg_version), $HOST:$port, RSS $(cluster_rss "$pid") MiB with its processes, up $(uptime_of "$pid")"
  else
    say "pg-logical.sh cluster: not running"
  fi
  say "data: $data"
  say "log:  $log_file"
  if accepting; then
    say "$(url) accepts connections; wal_level=$(psql_q 'show wal_level' 2>/dev/null || echo '?'), replication slots: $(psql_q 'select count(*) from pg_replication_slots' 2>/dev/null || echo '?')"
    return 0
  fi
  say "nothing accepts PostgreSQL connections on $HOST:$port"
  return 3
}

do_reset() {
  do_stop
  if [ -d "$data" ]; then
    as_pg rm -rf "$data"
    say "deleted $data; the next start runs initdb"
  else
    say "no cluster to delete ($data)"
  fi
}

do_wait() {
  local pid=""
  find_bins
  if running; then pid=$(postmaster_pid); fi
  wait_ready "$pid" "$PG_LOGICAL_START_TIMEOUT" "" accepting
  say "PostgreSQL ready on $(url)"
}

do_url() { url; }

do_psql() {
  find_bins
  exec "$pg_bin/psql" -X -h "$HOST" -p "$port" -U postgres -d postgres "$@"
}

commands=(start stop restart status wait reset url psql)
locked_commands=(start stop restart reset)
lock_dir=$cache_root/postgres-logical/.lock-$port
serve "$@"
