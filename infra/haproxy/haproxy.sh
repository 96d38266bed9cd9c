#!/usr/bin/env bash
# Runs HAProxy instances (a lab's sidecars, a gateway...) from Debian's
# `haproxy` package, installed when missing (as root). Each instance is our
# own master-worker process with a lab's config file, not the system service:
# reload without dropping connections, a runtime API socket per instance,
# stop/status by name. See README.md.
#
#   haproxy.sh start --config FILE [--name NAME] [--api-port N]
#   haproxy.sh reload | stop | status | wait | logs [--name NAME]
#   haproxy.sh api --name NAME 'set server be/s1 weight 10'
#   haproxy.sh check --config FILE | install | list
#
# Environment: HAPROXY_START_TIMEOUT (20 s), HAPROXY_STOP_TIMEOUT (10 s),
# COMMLAB_CACHE (~/.cache/commlab), HAPROXY_BIN.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"

settings HAPROXY_START_TIMEOUT=20 \
  HAPROXY_STOP_TIMEOUT=10

usage() {
  cat <<EOF
usage: $prog <command> [options]

  start --config FILE [--name NAME] [--api-port N]
           check FILE, then run it as instance NAME (default: the file name without
           .cfg) in master-worker mode, and wait until its worker answers. The runtime
           API is a unix socket (or 127.0.0.1:N with --api-port, e.g. for containers).
  reload   check the instance's config file again, then reload it: new worker, same
           listening sockets (no refused connection), old worker finishes its requests
  stop     stop the instance (its worker finishes current requests first)
  restart  stop, then start (same config unless --config is given)
  status   one instance (--name) or all: pids, config, RSS; exit 3 if not running
  wait     wait until the instance's worker answers its runtime API
  api --name NAME 'COMMAND'
           send one runtime API command to the worker and print the answer
           (e.g. 'show stat', 'set server inventory/v2 weight 50', 'show servers state')
  check --config FILE   only validate the config (haproxy -c)
  install  install Debian's haproxy package if it is missing (as root)
  list     the instances this cache knows, running or not
  logs     follow the instance's output (HAProxy's own messages, and request logs
           if the config sends them to stdout)
EOF
}

# ------------------------------------------------------------- arguments

cmd=${1:-}
[ $# -eq 0 ] || shift
config=""
name=""
api_port=""
api_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --config | --name | --api-port)
      if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi
      case $1 in
        --config) config=$2 ;;
        --name) name=$2 ;;
        --api-port) api_port=$2 ;;
      esac
      shift 2
      ;;
    --config=* | --name=* | --api-port=*)
      case $1 in
        --config=*) config=${1#*=} ;;
        --name=*) name=${1#*=} ;;
        --api-port=*) api_port=${1#*=} ;;
      esac
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*) usage_error "unknown option '$1'" ;;
    *)
      [ "$cmd" = api ] || usage_error "unexpected argument '$1'"
      api_args+=("$1")
      shift
      ;;
  esac
done
[ -z "$api_port" ] || need_port "--api-port" "$api_port"
if [ -z "$name" ] && [ -n "$config" ]; then
  name=$(basename -- "$config")
  name=${name%.cfg}
fi
if [ -n "$name" ]; then
  case $name in
    *[!A-Za-z0-9_.-]* | .*) usage_error "instance name '$name' may only hold letters, digits, '.', '_' and '-'" ;;
  esac
fi

root=$cache_root/haproxy

# The per-instance paths of instance <name> (status and list go through all).
select_instance() { # <name>
  name=$1
  inst=$root/instances/$name
  pid_file=$inst/master.pid
  log_file=$inst/haproxy.log
  state_file=$inst/state
  master_sock=$inst/master.sock
  api_sock=$inst/api.sock
  runtime_cfg=$inst/runtime.cfg
  servers_state=$inst/servers.state
  # The master's command line names our runtime.cfg, which no other process has.
  marker="-f $runtime_cfg"
}
select_instance "$name"

need_name() {
  [ -n "$name" ] || usage_error "$cmd needs --name NAME (or --config FILE)"
}

haproxy_bin=""
find_haproxy() {
  haproxy_bin=${HAPROXY_BIN:-$(command -v haproxy || true)}
  [ -n "$haproxy_bin" ] || [ ! -x /usr/sbin/haproxy ] || haproxy_bin=/usr/sbin/haproxy
  if [ -z "$haproxy_bin" ]; then
    need_deb haproxy haproxy
    haproxy_bin=$(command -v haproxy || echo /usr/sbin/haproxy)
  fi
}

need_config() {
  [ -n "$config" ] || usage_error "$cmd needs --config FILE"
  [ -f "$config" ] || die "config file not found: $config"
  config=$(absolute "$config")
}

# Loaded after the lab's file: HAProxy merges repeated global sections. The
# stats socket is the worker's runtime API; "expose-fd listeners" lets the
# master hand the listening sockets from the old worker to the new one on a
# reload (HAProxy adds -x itself in master-worker mode), so no connection is
# refused while it reloads. server-state-file is where reload saves the
# servers' runtime state (weights, drain/maint), for configs that say
# load-server-state-from-file global in their defaults.
write_runtime_cfg() {
  local bind=$api_sock
  [ -z "$api_port" ] || bind=ipv4@$HOST:$api_port
  cat >"$runtime_cfg" <<EOF
# Written by haproxy.sh for instance '$name'; loaded after $config.
global
    stats socket $bind mode 600 level admin expose-fd listeners
    server-state-file $servers_state
EOF
}

# The full command line of this instance: -W master-worker in the
# foreground of its own session (spawn), -S the master CLI.
haproxy_cmd=()
build_cmd() {
  haproxy_cmd=("$haproxy_bin" -W -S "$master_sock,mode,600" -f "$config" -f "$runtime_cfg")
}

check_config() {
  local out
  if ! out=$("$haproxy_bin" -c -f "$config" -f "$runtime_cfg" 2>&1); then
    printf '%s\n' "$out" >&2
    die "haproxy rejected $config (above); nothing was started or changed"
  fi
  # Warnings do not fail the check, but a lab should see them.
  printf '%s\n' "$out" | grep -E '^\[WARNING\]' >&2 || true
}

# ------------------------------------------------------------ runtime API

# api_call <command>: one runtime API command to the worker. A unix socket
# needs socat (or nc -U); a TCP one only bash.
api_call() {
  local port
  port=$(state_get api_port)
  if [ -n "$port" ]; then
    (
      exec 3<>"/dev/tcp/$HOST/$port" || exit 1
      printf '%s\n' "$1" >&3
      timeout 5 cat <&3
    )
  else
    unix_call "$api_sock" "$1"
  fi
}

master_call() { unix_call "$master_sock" "$1"; }

unix_call() { # <socket> <command>
  [ -S "$1" ] || return 1
  if command -v socat >/dev/null 2>&1; then
    printf '%s\n' "$2" | socat -t 5 - "UNIX-CONNECT:$1"
  elif nc -h 2>&1 | grep -q -- ' -U'; then
    printf '%s\n' "$2" | nc -U -w 5 "$1"
  else
    need_deb socat socat
    printf '%s\n' "$2" | socat -t 5 - "UNIX-CONNECT:$1"
  fi
}

worker_answers() { api_call "show info" 2>/dev/null | grep -q '^Pid: '; }

# "show proc" on the master CLI: the current worker's pid and the master's
# reload count / failed reload count.
current_worker() { master_call "show proc" 2>/dev/null | awk '$2 == "worker" { print $1; exit }'; }
reload_counts() { # prints "<reloads> <failed>"
  master_call "show proc" 2>/dev/null | awk '$2 == "master" { gsub(/[^0-9 ]/, " ", $0); print $2, $3; exit }'
}

# ----------------------------------------------------------------- start

do_start() {
  local pid t0
  t0=$(now)
  need_config
  find_haproxy
  if pid=$(running_pid "$pid_file" "$marker"); then
    if [ "$(state_get config)" != "$config" ]; then
      die "instance '$name' (pid $pid) already runs with another config: $(state_get config)
  Use '$prog restart --name $name --config $config', or another --name."
    fi
    say "HAProxy '$name' is already running with $config (pid $pid)"
    wait_ready "$pid" "$HAPROXY_START_TIMEOUT" "$log_file" worker_answers
    say "HAProxy '$name' ready"
    return 0
  fi
  mkdir -p "$inst"
  [ -z "$api_port" ] || ! port_open "$api_port" ||
    die "--api-port $api_port on $HOST is in use by $(port_owner "$api_port")"
  write_runtime_cfg
  # A start begins from the config's weights and states: an empty state file
  # (its version line only) instead of what an earlier run saved.
  echo 1 >"$servers_state"
  check_config
  printf 'config=%s\napi_port=%s\n' "$config" "$api_port" >"$state_file"
  rm -f "$master_sock" "$api_sock"
  build_cmd
  say "starting HAProxy '$name' with $config (log: $log_file)..."
  mark_start "$log_file" "HAProxy '$name' with $config"
  pid=$(spawn "$pid_file" "$log_file" "${haproxy_cmd[@]}") ||
    die "the HAProxy process did not start (log: $log_file)"
  stop_on_timeout=1
  wait_ready "$pid" "$HAPROXY_START_TIMEOUT" "$log_file" worker_answers
  local worker
  worker=$(current_worker || true)
  say "HAProxy '$name' up in $(($(now) - t0))s (master $pid, worker ${worker:-?}, RSS $(rss_mib "$pid") + $(rss_mib "${worker:-0}") MiB)"
  say "runtime API: $(api_where)"
  say "HAProxy '$name' ready"
}

api_where() {
  if [ -n "$(state_get api_port)" ]; then echo "$HOST:$(state_get api_port)"; else echo "$api_sock"; fi
}

# ---------------------------------------------------------------- reload

do_reload() {
  local pid old_worker before after waited=0
  need_name
  find_haproxy
  pid=$(running_pid "$pid_file" "$marker") || die "instance '$name' is not running"
  config=$(state_get config)
  api_port=$(state_get api_port)
  [ -f "$config" ] || die "the config of '$name' is gone: $config"
  # Saved for configs with load-server-state-from-file: runtime changes
  # (weights, maint, health) survive the reload instead of going back to the
  # file's values. Before the check, which reads it too.
  if api_call "show servers state" >"$servers_state.tmp" 2>/dev/null; then
    mv "$servers_state.tmp" "$servers_state"
  else
    rm -f "$servers_state.tmp"
  fi
  write_runtime_cfg
  check_config
  old_worker=$(current_worker || true)
  before=$(reload_counts)
  mark_start "$log_file" "HAProxy '$name' with $config" reload
  kill -USR2 "$pid"
  # The master re-executes itself with the new config; a new worker starts
  # (listeners handed over), the old one finishes its connections and exits.
  while :; do
    after=$(reload_counts || true)
    if [ -n "$after" ] && [ "$after" != "$before" ]; then break; fi
    [ "$waited" -lt $((HAPROXY_START_TIMEOUT * 2)) ] || die "HAProxy '$name' did not report the reload within ${HAPROXY_START_TIMEOUT}s (log: $log_file)"
    sleep 0.5
    waited=$((waited + 1))
  done
  # "[failed: N]" counts failed reloads since the last good one.
  if [ "${after#* }" != 0 ]; then
    tail_log "$log_file"
    die "HAProxy '$name' failed to load $config (log above); the previous worker (pid ${old_worker:-?}) keeps serving"
  fi
  wait_ready "$pid" "$HAPROXY_START_TIMEOUT" "$log_file" new_worker_answers "$old_worker"
  say "HAProxy '$name' reloaded $config (worker ${old_worker:-?} -> $(current_worker))"
}

new_worker_answers() { # <old worker pid>
  local w
  w=$(current_worker) && [ -n "$w" ] && [ "$w" != "$1" ] && worker_answers
}

# ------------------------------------------------------- stop and status

do_stop() {
  local pid t0
  t0=$(now)
  need_name
  if ! pid=$(running_pid "$pid_file" "$marker"); then
    say "HAProxy '$name' is not running"
    return 0
  fi
  say "stopping HAProxy '$name' (master $pid)..."
  # SIGUSR1: soft stop. Workers close their listeners, finish the requests
  # in flight, then exit; the master follows. SIGKILL after the timeout.
  stop_pid "$pid" "$HAPROXY_STOP_TIMEOUT" USR1
  rm -f "$pid_file" "$master_sock" "$api_sock"
  say "HAProxy '$name' stopped ($(($(now) - t0))s)"
}

status_one() {
  local pid worker
  if pid=$(running_pid "$pid_file" "$marker"); then
    worker=$(current_worker || true)
    say "HAProxy '$name': running, master $pid, worker ${worker:-?}, RSS $(rss_mib "$pid") + $(rss_mib "${worker:-0}") MiB, up $(uptime_of "$pid")"
    say "  config: $(state_get config)"
    say "  runtime API: $(api_where)$(worker_answers && echo ' (answering)' || echo ' (NOT answering)')"
    say "  log: $log_file"
    return 0
  fi
  say "HAProxy '$name': not running${config:+ }"
  return 3
}

instances() {
  [ -d "$root/instances" ] || return 0
  find "$root/instances" -mindepth 1 -maxdepth 1 -type d -exec basename {} \; | sort
}

do_status() {
  if [ -n "$name" ]; then
    status_one
    return
  fi
  local n any=3
  for n in $(instances); do
    select_instance "$n"
    if status_one; then any=0; fi
  done
  [ "$any" -eq 0 ] || say "no HAProxy instance started by $prog is running"
  return "$any"
}

do_list() {
  local n pid
  for n in $(instances); do
    select_instance "$n"
    if pid=$(running_pid "$pid_file" "$marker"); then
      say "$n  running (master $pid)  $(state_get config)"
    else
      say "$n  stopped  $(state_get config)"
    fi
  done
}

do_api() {
  need_name
  [ "${#api_args[@]}" -eq 1 ] || usage_error "api takes one command in quotes, e.g. $prog api --name $name 'show stat'"
  running_pid "$pid_file" "$marker" >/dev/null || die "instance '$name' is not running"
  local out
  out=$(api_call "${api_args[0]}") || die "the runtime API of '$name' ($(api_where)) did not answer"
  printf '%s\n' "$out"
  # HAProxy answers errors in plain text with exit status 0; make them fail.
  case $out in
    Unknown\ command* | *"No such "* | *"Require "* | *"not found"* | *"Invalid "* | *"expects "*) return 1 ;;
  esac
}

do_restart() {
  need_name
  [ -n "$config" ] || config=$(state_get config)
  [ -n "$api_port" ] || api_port=$(state_get api_port)
  do_stop
  do_start
}

do_wait() {
  local pid
  need_name
  pid=$(running_pid "$pid_file" "$marker") || pid=""
  wait_ready "$pid" "$HAPROXY_START_TIMEOUT" "$log_file" worker_answers
  say "HAProxy '$name' ready"
}

do_check() {
  need_config
  find_haproxy
  mkdir -p "$inst"
  write_runtime_cfg
  check_config
  say "$config: OK"
}

do_install() {
  find_haproxy
  say "haproxy: $haproxy_bin ($("$haproxy_bin" -v | head -n 1))"
}

do_logs() {
  need_name
  follow_log "$log_file"
}

commands=(start stop restart reload status wait api check install list logs)
locked_commands=(start stop restart reload install)
lock_dir=$root/.lock${name:+-$name}
serve "$cmd"
