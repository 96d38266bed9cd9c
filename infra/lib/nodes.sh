# shellcheck shell=bash
# What the three-node cluster scripts (../kafka-cluster/cluster.sh,
# ../rabbitmq-cluster/cluster.sh) add to server.sh, which they source first:
# a lock per node, finding, starting, stopping and killing nodes, and the
# commands both have (kill, restart, logs <node>, node <node> ...). Sourced,
# not run.
#
# The script defines NODES (every node's name); node_dir, pid_file, log_file
# and node_marker <node> (a string only that node's command line holds);
# node_start, node_status, node_tail (its log, for a failure), node_exited
# and node_stuck <node> (see await); do_start and do_stop; sets await_hint
# and node_start_timeout; and sets node_stop_timeout (seconds before a
# SIGTERM becomes a SIGKILL) before sourcing this file.
# shellcheck disable=SC2154 # node_stop_timeout: set by the sourcing script
: "${node_stop_timeout:?set node_stop_timeout before sourcing nodes.sh}"

# Tests start and kill nodes from several processes: one command per node at
# a time, and a command waits at most 10 minutes for another on its node.
# shellcheck disable=SC2034 # read by take_lock (server.sh)
lock_patience=600
lock_node() { take_lock "$(node_dir "$1").lock" "command on $1"; }

# The pid of a node started from this cache, if it runs.
node_pid() { running_pid "$(pid_file "$1")" "$(node_marker "$1")"; }
# Takes <node>'s lock for a start; true, saying so, when the node already runs.
claim_for_start() {
  local pid
  lock_node "$1"
  pid=$(node_pid "$1") || return 1
  say "$1 already running (pid $pid)"
}

# node_spawn <pid file> <output file> <command...>: spawn, with the output
# file emptied first, so that it holds the node's last run only.
node_spawn() {
  : >"$2"
  spawn "$@"
}

node_stop() {
  local node=$1 pid
  lock_node "$node"
  if pid=$(node_pid "$node"); then
    say "stopping $node (pid $pid)..."
    stop_pid "$pid" "$node_stop_timeout" TERM "$node"
    rm -f "$(pid_file "$node")"
    say "$node stopped"
  else
    say "$node is not running"
  fi
}

# SIGKILL, as a crash or a pulled power cord.
node_kill() {
  local node=$1 pid
  lock_node "$node"
  if pid=$(node_pid "$node"); then
    kill_pid "$pid" "$node"
    rm -f "$(pid_file "$node")"
    say "$node killed (pid $pid)"
  else
    say "$node is not running"
  fi
}

# stop_nodes <node>...: SIGTERM to all of them at once, then waits for each
# (a Kafka broker's clean shutdown waits for the controllers, so that script
# stops its brokers first).
stop_nodes() {
  local node pid i pids=() names=()
  for node in "$@"; do
    lock_node "$node"
    if pid=$(node_pid "$node"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$node")
    fi
  done
  for i in "${!pids[@]}"; do
    stop_pid "${pids[$i]}" "$node_stop_timeout" TERM "${names[$i]}"
    rm -f "$(pid_file "${names[$i]}")"
  done
  if [ "${#names[@]}" -gt 0 ]; then say "stopped ${names[*]}"; fi
}

# await <what> <nodes> <check command...>: polls the check every half second
# with a progress line every 10 s. Fails as soon as one of <nodes> (a
# space-separated list) has exited (node_exited), with its log; or after
# node_start_timeout seconds, with the logs of those that node_stuck names.
# shellcheck disable=SC2154 # node_start_timeout and await_hint: set by the sourcing script
await() {
  local what=$1 watched=$2 node
  shift 2
  if poll "$node_start_timeout" 10 "$what" nodes_alive "$@"; then return 0; fi
  for node in $watched; do if node_stuck "$node"; then node_tail "$node"; fi; done
  die "gave up after ${node_start_timeout}s waiting for $what ($await_hint; '$0 status' shows what runs)"
}

# await's watch between tries (it sees await's what and watched).
nodes_alive() {
  local node
  for node in $watched; do
    if node_exited "$node"; then
      node_tail "$node"
      rm -f "$(pid_file "$node")"
      die "$node exited while waiting for $what (log above: $(log_file "$node"))"
    fi
  done
}

need_node() { # <name>
  local node
  for node in "${NODES[@]}"; do [ "$node" != "${1:-}" ] || return 0; done
  die "unknown node '${1:-}'; one of: ${NODES[*]}"
}

# ------------------------------------------------------------------ commands

do_kill() {
  local node
  for node in "${NODES[@]}"; do node_kill "$node"; done
}

# do_stop keeps its node locks until the script ends; do_start takes them again.
do_restart() {
  do_stop
  release_locks
  do_start
}

do_logs() { # <node>
  need_node "${1:-}"
  follow_log "$(log_file "$1")"
}

do_node() { # <node> start|stop|kill|restart|status
  need_node "${1:-}"
  case ${2:-} in
    start) node_start "$1" ;;
    stop) node_stop "$1" ;;
    kill) node_kill "$1" ;;
    restart)
      node_stop "$1"
      release_locks
      node_start "$1"
      ;;
    status) node_status "$1" ;;
    *) die "usage: $0 node <node> start|stop|kill|restart|status" ;;
  esac
}
