#!/usr/bin/env bash
# Runs a real three-broker Apache Kafka cluster on this machine: three KRaft
# controllers and three brokers, each its own JVM with its own ports, node id
# and data dir, from the jars infra/kafka fetches. See README.md.
#
#   cluster.sh start | stop | kill | restart | status | reset | brokers | logs <node>
#   cluster.sh node <node> start | stop | kill | restart | status
#
# Nodes: kafka-1 kafka-2 kafka-3 (brokers), controller-1 controller-2 controller-3.
# Environment: KAFKA_CLUSTER_PORT (19092), KAFKA_CLUSTER_CONTROLLER_PORT (19192),
# KAFKA_VERSION, COMMLAB_CACHE (~/.cache/commlab), KAFKA_CLUSTER_BROKER_HEAP,
# KAFKA_CLUSTER_CONTROLLER_HEAP, KAFKA_CLUSTER_JVM_OPTS,
# KAFKA_CLUSTER_START_TIMEOUT (90 s), KAFKA_CLUSTER_STOP_TIMEOUT (20 s), JAVA_HOME.
set -euo pipefail

prog=cluster.sh
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"

KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
KAFKA_CLUSTER_PORT=${KAFKA_CLUSTER_PORT:-19092}
KAFKA_CLUSTER_CONTROLLER_PORT=${KAFKA_CLUSTER_CONTROLLER_PORT:-19192}
# Measured, not guessed (README.md): small heaps keep six JVMs workshop-sized.
KAFKA_CLUSTER_BROKER_HEAP=${KAFKA_CLUSTER_BROKER_HEAP:--Xms64m -Xmx192m}
KAFKA_CLUSTER_CONTROLLER_HEAP=${KAFKA_CLUSTER_CONTROLLER_HEAP:--Xms32m -Xmx64m}
# Serial GC: the least memory beside a small heap (G1's remembered sets cost
# tens of MB per JVM), and its pauses are short at this size. C1-only JIT
# halves the CPU a start costs, as in infra/kafka.
KAFKA_CLUSTER_JVM_OPTS=${KAFKA_CLUSTER_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=48m -Xss512k}
KAFKA_CLUSTER_START_TIMEOUT=${KAFKA_CLUSTER_START_TIMEOUT:-90}
KAFKA_CLUSTER_STOP_TIMEOUT=${KAFKA_CLUSTER_STOP_TIMEOUT:-20}

case $KAFKA_CLUSTER_PORT$KAFKA_CLUSTER_CONTROLLER_PORT$KAFKA_CLUSTER_START_TIMEOUT$KAFKA_CLUSTER_STOP_TIMEOUT in
  *[!0-9]*) printf 'cluster.sh: KAFKA_CLUSTER_PORT, KAFKA_CLUSTER_CONTROLLER_PORT and the timeouts must be numbers\n' >&2 && exit 1 ;;
esac

# Fixed, and not the single broker's, so a data dir of one is never mistaken
# for the other: base64url("commlab-kafka-03").
CLUSTER_ID=Y29tbWxhYi1rYWZrYS0wMw
HOST=127.0.0.1
BROKERS=(kafka-1 kafka-2 kafka-3)
CONTROLLERS=(controller-1 controller-2 controller-3)
NODES=("${BROKERS[@]}" "${CONTROLLERS[@]}")

cache=${COMMLAB_CACHE:-${HOME:?HOME is not set}/.cache/commlab}
cluster_root=$cache/kafka-cluster
libs_dir=$cache/kafka/$KAFKA_VERSION/libs

say() { printf '%s\n' "$*"; }
die() {
  printf 'cluster.sh: %s\n' "$*" >&2
  exit 1
}

# shellcheck source=../lib/nodes.sh
. "$here/../lib/nodes.sh"
# shellcheck source=../kafka/lib.sh
. "$here/../kafka/lib.sh"

scratch=""
cleanup() {
  if [ -n "$scratch" ]; then rm -rf "$scratch"; fi
  lock_release_all
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

usage() {
  cat <<EOF
usage: ${0##*/} <command>

  start            start every node that is not running; wait until all three
                   brokers are live and groups and producers work
  stop             stop every node cleanly (brokers first, then controllers)
  kill             SIGKILL every node
  restart          stop, then start
  status           each node: running, pid, RSS, live; exit 0 if all six run
  reset            kill every node and wipe the data: the next start is fresh
  brokers          print the bootstrap list ($(bootstrap))
  logs <node>      follow a node's log
  node <node> start|stop|kill|restart|status
                   one node: $(printf '%s ' "${NODES[@]}")

cache: $cluster_root
EOF
}

# --------------------------------------------------------------- the nodes

is_broker() { [[ $1 == kafka-[123] ]]; }
is_node() { [[ $1 == kafka-[123] || $1 == controller-[123] ]]; }
index_of() { echo "${1##*-}"; }
# Brokers are 1-3 (what a reader sees as partition leaders), controllers 101-103.
node_id() { if is_broker "$1"; then index_of "$1"; else echo $((100 + $(index_of "$1"))); fi; }
client_port() { echo $((KAFKA_CLUSTER_PORT + $(index_of "$1") - 1)); }
controller_port() { echo $((KAFKA_CLUSTER_CONTROLLER_PORT + $(index_of "$1") - 1)); }
# The port a node listens on.
node_port() { if is_broker "$1"; then client_port "$1"; else controller_port "$1"; fi; }

bootstrap() {
  local b list=""
  for b in "${BROKERS[@]}"; do list+=${list:+,}$HOST:$(client_port "$b"); done
  echo "$list"
}

voters() {
  local c list=""
  for c in "${CONTROLLERS[@]}"; do list+=${list:+,}$(node_id "$c")@$HOST:$(controller_port "$c"); done
  echo "$list"
}

node_dir() { echo "$cluster_root/$1"; }
data_dir() { echo "$cluster_root/$1/data"; }
props_file() { echo "$cluster_root/$1/server.properties"; }
pid_file() { echo "$cluster_root/$1/node.pid"; }
log_file() { echo "$cluster_root/$1/node.log"; }
out_file() { echo "$cluster_root/$1/node.out"; }

# The JVM command line ends with our rendered config: how a node is recognised.
node_pattern() { echo "* kafka.Kafka $(props_file "$1")"; }

# Prints the pid of a node started from this cache, if it runs.
running_pid() {
  local node=$1 pid pattern
  pattern=$(node_pattern "$node")
  pid=$(pid_from "$(pid_file "$node")")
  if [ -n "$pid" ] && pid_matches "$pid" "$pattern"; then
    echo "$pid"
    return 0
  fi
  rm -f "$(pid_file "$node")"
  if pid=$(pid_find "$pattern"); then
    echo "$pid" >"$(pid_file "$node")"
    echo "$pid"
    return 0
  fi
  return 1
}

render_properties() { # <node> <target file> <data dir>
  local template=controller.properties
  if is_broker "$1"; then template=broker.properties; fi
  sed -e "s|@NODE_ID@|$(node_id "$1")|g" \
    -e "s|@VOTERS@|$(voters)|g" \
    -e "s|@PORT@|$(client_port "$1")|g" \
    -e "s|@CONTROLLER_PORT@|$(controller_port "$1")|g" \
    -e "s|@DATA_DIR@|$3|g" \
    "$here/$template" >"$2"
}

jcmd=()
java_cmd() { # <node> <main class> <args...>
  local node=$1 main=$2 heap=$KAFKA_CLUSTER_CONTROLLER_HEAP
  shift 2
  if is_broker "$node"; then heap=$KAFKA_CLUSTER_BROKER_HEAP; fi
  # shellcheck disable=SC2206 # the *_OPTS hold several flags
  jcmd=("$java_bin" $heap $KAFKA_CLUSTER_JVM_OPTS
    -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$here/../kafka/log4j2.properties"
    -Dcommlab.kafka.log="$(log_file "$node")"
    -cp "$libs_dir/*" "$main" "$@")
}

# Formats a node's data dir unless it is formatted for this cluster; refuses a
# data dir of another cluster or node rather than wiping it.
ensure_storage() {
  local node=$1 dir meta found
  dir=$(data_dir "$node")
  meta=$dir/meta.properties
  if [ -f "$meta" ]; then
    found=$(sed -n 's/^cluster\.id=//p' "$meta")
    if [ "$found" != "$CLUSTER_ID" ] || ! grep -qx "node\.id=$(node_id "$node")" "$meta"; then
      die "$dir was formatted for another cluster or node (cluster.id=${found:-?}); run '$0 reset' to wipe the cluster"
    fi
    return 0
  fi
  [ ! -d "$dir" ] || [ -z "$(ls -A "$dir")" ] || die "$dir is not empty but has no meta.properties; run '$0 reset'"
  mkdir -p "$(node_dir "$node")"
  # Format a temp dir and rename it: an interrupted format never leaves a dir
  # that looks formatted but is not.
  scratch=$(mktemp -d "$(node_dir "$node")/.format.XXXXXX")
  render_properties "$node" "$scratch/server.properties" "$scratch/data"
  java_cmd "$node" kafka.tools.StorageTool format --config "$scratch/server.properties" --cluster-id "$CLUSTER_ID"
  if ! "${jcmd[@]}" >"$scratch/format.log" 2>&1 </dev/null; then
    cat "$scratch/format.log" >&2
    die "formatting $dir failed"
  fi
  rm -rf "$dir"
  mv "$scratch/data" "$dir"
  rm -rf "$scratch"
  scratch=""
}

START_MARK='=== cluster.sh start'
tail_log() { # <node>: this run's last lines and its first error
  local log out
  log=$(log_file "$1")
  out=$(out_file "$1")
  if [ -s "$log" ]; then
    printf -- '--- last 20 lines of %s ---\n' "$log" >&2
    awk -v mark="$START_MARK" 'index($0, mark) == 1 { n = 0; err = "" }
      { line[n++] = $0 }
      err == "" && / (ERROR|FATAL) / { err = $0 }
      END {
        for (i = (n > 20 ? n - 20 : 0); i < n; i++) print line[i]
        if (err != "") print "--- first error of this run ---\n" err
      }' "$log" >&2
  fi
  if [ -s "$out" ]; then
    printf -- '--- %s ---\n' "$out" >&2
    tail -n 20 "$out" >&2
  fi
}

# Starts one node (under its lock) unless it runs; does not wait for it.
launch() {
  local node=$1 port pid
  lock_take "$(node_dir "$node").lock" "$node"
  if pid=$(running_pid "$node"); then
    say "$node already running (pid $pid)"
    return 0
  fi
  port=$(node_port "$node")
  if port_open "$port"; then
    die "port $port ($node) is in use by $(port_owner "$port"); stop it, or move the cluster with KAFKA_CLUSTER_PORT / KAFKA_CLUSTER_CONTROLLER_PORT"
  fi
  ensure_storage "$node"
  render_properties "$node" "$(props_file "$node")" "$(data_dir "$node")"
  printf '%s %s: %s, Kafka %s on %s:%s ===\n' "$START_MARK" "$(date '+%Y-%m-%d %H:%M:%S')" \
    "$node" "$KAFKA_VERSION" "$HOST" "$port" >>"$(log_file "$node")"
  java_cmd "$node" kafka.Kafka "$(props_file "$node")"
  pid=$(node_spawn "$(pid_file "$node")" "$(out_file "$node")" "${jcmd[@]}") ||
    die "$node did not start (see $(out_file "$node"))"
  say "starting $node (pid $pid, node id $(node_id "$node"), $HOST:$port)"
}

prepare() {
  need_kafka_java
  # The single broker's fetch, under its own lock: one copy of the jars.
  if ! [ -f "$libs_dir/kafka_2.13-$KAFKA_VERSION.jar" ]; then
    KAFKA_VERSION=$KAFKA_VERSION "$here/../kafka/kafka.sh" fetch
  fi
}

running_count() { # <nodes...>: how many of them run
  local n=0 node
  for node in "$@"; do if running_pid "$node" >/dev/null; then n=$((n + 1)); fi; done
  echo "$n"
}

# is_live <broker>: the broker answers and lists itself as a live (unfenced)
# broker, i.e. the controller quorum has registered it.
is_live() {
  local ids port
  port=$(client_port "$1")
  port_open "$port" && ids=$(live_brokers "$port" 2) || return 1
  [[ ,$ids, == *,$(node_id "$1"),* ]]
}

# await <what> <check command...>: polls every half second until the check
# passes; fails naming what is missing, with the logs of nodes that died.
await() {
  local what=$1 t0 next_note=10 elapsed node pid
  shift
  t0=$(now)
  while ! "$@"; do
    elapsed=$(($(now) - t0))
    for node in "${NODES[@]}"; do
      pid=$(pid_from "$(pid_file "$node")")
      if [ -n "$pid" ] && ! pid_alive "$pid"; then
        tail_log "$node"
        rm -f "$(pid_file "$node")"
        die "$node exited while waiting for $what (log above: $(log_file "$node"))"
      fi
    done
    if [ "$elapsed" -ge "$KAFKA_CLUSTER_START_TIMEOUT" ]; then
      for node in "${BROKERS[@]}"; do running_pid "$node" >/dev/null && ! is_live "$node" && tail_log "$node"; done
      die "gave up after ${KAFKA_CLUSTER_START_TIMEOUT}s waiting for $what (raise KAFKA_CLUSTER_START_TIMEOUT on a slow machine; '$0 status' shows what runs)"
    fi
    if [ "$elapsed" -ge "$next_note" ]; then
      say "  waiting for $what (${elapsed}s)..."
      next_note=$((elapsed + 10))
    fi
    sleep 0.5
  done
}

all_live() {
  local b
  for b in "${BROKERS[@]}"; do is_live "$b" || return 1; done
  # __consumer_offsets (RF 3) exists, its partition is led, producer ids flow.
  coordinators_ready "$(client_port kafka-1)"
}

port_listens() { port_open "$(node_port "$1")"; }

do_start() {
  local t0 node
  t0=$(now)
  prepare
  for node in "${NODES[@]}"; do launch "$node"; done
  lock_release_all
  await "all three brokers live" all_live
  say "Kafka cluster up in $(($(now) - t0))s: 3 brokers, 3 controllers"
  say "Kafka cluster ready on $(bootstrap)"
}

# Waits for one node that was just started.
await_node() {
  local node=$1 quorum
  await "$node to listen" port_listens "$node"
  is_broker "$node" || return 0
  quorum=$(running_count "${CONTROLLERS[@]}")
  if [ "$quorum" -lt 2 ]; then
    say "$node listens, but only $quorum of 3 controllers run: it becomes a live broker once a controller majority is back"
    return 0
  fi
  await "$node to be a live broker" is_live "$node"
}

node_start() {
  prepare
  launch "$1"
  lock_release_all
  await_node "$1"
  say "$1 ready"
}

node_stop() {
  local node=$1 pid
  lock_take "$(node_dir "$node").lock" "$node"
  if pid=$(running_pid "$node"); then
    say "stopping $node (pid $pid)..."
    pid_stop "$pid" "$KAFKA_CLUSTER_STOP_TIMEOUT" "$node"
    rm -f "$(pid_file "$node")"
    say "$node stopped"
  else
    say "$node is not running"
  fi
}

node_kill() {
  local node=$1 pid
  lock_take "$(node_dir "$node").lock" "$node"
  if pid=$(running_pid "$node"); then
    pid_kill "$pid" "$node"
    rm -f "$(pid_file "$node")"
    say "$node killed (pid $pid)"
  else
    say "$node is not running"
  fi
}

# Stops several nodes at once: SIGTERM to all, then wait (a broker's clean
# shutdown waits for the controllers, so brokers go first).
stop_group() {
  local node pid pids=() names=()
  for node in "$@"; do
    lock_take "$(node_dir "$node").lock" "$node"
    if pid=$(running_pid "$node"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$node")
    fi
  done
  local i
  for i in "${!pids[@]}"; do
    pid_stop "${pids[$i]}" "$KAFKA_CLUSTER_STOP_TIMEOUT" "${names[$i]}"
    rm -f "$(pid_file "${names[$i]}")"
  done
  if [ "${#names[@]}" -gt 0 ]; then say "stopped ${names[*]}"; fi
}

do_stop() {
  local t0
  t0=$(now)
  stop_group "${BROKERS[@]}"
  stop_group "${CONTROLLERS[@]}"
  say "Kafka cluster stopped ($(($(now) - t0))s)"
}

do_kill() {
  local node
  for node in "${NODES[@]}"; do node_kill "$node"; done
}

node_status() { # <node>: one line; true if it runs
  local node=$1 pid role=controller live=""
  if is_broker "$node"; then role=broker; fi
  if pid=$(running_pid "$node"); then
    if is_broker "$node"; then
      if is_live "$node"; then live=", live"; else live=", not live"; fi
    fi
    printf '%-13s %-10s id %-4s %s:%-6s running, pid %s, RSS %s MiB%s\n' "$node" "$role" "$(node_id "$node")" \
      "$HOST" "$(node_port "$node")" "$pid" $(($(pid_rss_kib "$pid") / 1024)) "$live"
    return 0
  fi
  printf '%-13s %-10s id %-4s %s:%-6s not running\n' "$node" "$role" "$(node_id "$node")" "$HOST" "$(node_port "$node")"
  return 1
}

do_status() {
  local node pid up=0 rss=0
  for node in "${NODES[@]}"; do
    if node_status "$node"; then
      up=$((up + 1))
      pid=$(running_pid "$node")
      rss=$((rss + $(pid_rss_kib "$pid")))
    fi
  done
  say "$up of 6 nodes running, RSS together $((rss / 1024)) MiB (data: $cluster_root)"
  [ "$up" -eq 6 ]
}

do_reset() {
  do_kill
  local node
  for node in "${NODES[@]}"; do rm -rf "$(data_dir "$node")"; done
  say "wiped the cluster's data under $cluster_root; the next start formats a fresh cluster"
}

need_node() {
  is_node "${1:-}" || die "unknown node '${1:-}'; one of: ${NODES[*]}"
}

case ${1:-} in
  start) do_start ;;
  stop) do_stop ;;
  kill) do_kill ;;
  restart)
    do_stop
    do_start
    ;;
  status) do_status ;;
  reset) do_reset ;;
  brokers) bootstrap ;;
  logs)
    need_node "${2:-}"
    [ -f "$(log_file "$2")" ] || die "no log yet: $(log_file "$2")"
    exec tail -n 50 -F "$(log_file "$2")"
    ;;
  node)
    need_node "${2:-}"
    case ${3:-} in
      start) node_start "$2" ;;
      stop) node_stop "$2" ;;
      kill) node_kill "$2" ;;
      restart)
        node_stop "$2"
        lock_release_all
        node_start "$2"
        ;;
      status) node_status "$2" ;;
      *) die "usage: $0 node <node> start|stop|kill|restart|status" ;;
    esac
    ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
