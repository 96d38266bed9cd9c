#!/usr/bin/env bash
# Runs a real three-broker Apache Kafka cluster on this machine: three KRaft
# controllers and three brokers, each its own JVM with its own ports, node id
# and data dir, from the jars infra/kafka fetches. See README.md.
#
#   cluster.sh start | stop | kill | restart | status | reset | brokers | topics ... | quorum ... | logs <node>
#   cluster.sh node <node> start | stop | kill | restart | status
#
# Nodes: kafka-1 kafka-2 kafka-3 (brokers), controller-1 controller-2 controller-3.
# Environment: KAFKA_CLUSTER_PORT (19092), KAFKA_CLUSTER_CONTROLLER_PORT (19192),
# KAFKA_VERSION, COMMLAB_CACHE (~/.cache/commlab), KAFKA_CLUSTER_BROKER_HEAP,
# KAFKA_CLUSTER_CONTROLLER_HEAP, KAFKA_CLUSTER_JVM_OPTS,
# KAFKA_CLUSTER_START_TIMEOUT (90 s), KAFKA_CLUSTER_STOP_TIMEOUT (20 s), JAVA_HOME.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"

settings KAFKA_VERSION=4.4.0 \
  KAFKA_CLUSTER_PORT=19092 \
  KAFKA_CLUSTER_CONTROLLER_PORT=19192
# Measured, not guessed (README.md): small heaps keep six JVMs workshop-sized.
settings "KAFKA_CLUSTER_BROKER_HEAP=-Xms64m -Xmx192m" \
  "KAFKA_CLUSTER_CONTROLLER_HEAP=-Xms32m -Xmx64m"
# Serial GC: the least memory beside a small heap (G1's remembered sets cost
# tens of MB per JVM), and its pauses are short at this size. C1-only JIT
# halves the CPU a start costs, as in infra/kafka.
settings "KAFKA_CLUSTER_JVM_OPTS=-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=48m -Xss512k" \
  KAFKA_CLUSTER_START_TIMEOUT=90 \
  KAFKA_CLUSTER_STOP_TIMEOUT=20

# shellcheck disable=SC2034 # used by nodes.sh
node_stop_timeout=$KAFKA_CLUSTER_STOP_TIMEOUT

# Fixed, and not the single broker's, so a data dir of one is never mistaken
# for the other: base64url("commlab-kafka-03").
CLUSTER_ID=Y29tbWxhYi1rYWZrYS0wMw
BROKERS=(kafka-1 kafka-2 kafka-3)
CONTROLLERS=(controller-1 controller-2 controller-3)
NODES=("${BROKERS[@]}" "${CONTROLLERS[@]}")

cluster_root=$cache_root/kafka-cluster
libs_dir=$cache_root/kafka/$KAFKA_VERSION/libs

# shellcheck source=../lib/nodes.sh
. "$here/../lib/nodes.sh"
# shellcheck source=../kafka/lib.sh
. "$here/../kafka/lib.sh"

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
  topics ...       Kafka's kafka-topics against the cluster, e.g. topics --describe --topic T
  quorum ...       Kafka's kafka-metadata-quorum, e.g. quorum describe --status
  logs <node>      follow a node's log
  node <node> start|stop|kill|restart|status
                   one node: $(printf '%s ' "${NODES[@]}")

cache: $cluster_root
EOF
}

# --------------------------------------------------------------- the nodes

is_broker() { [[ $1 == kafka-[123] ]]; }
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
node_marker() { echo " kafka.Kafka $(props_file "$1")"; }

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
  local node=$1 dir meta found scratch
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
  at_exit "rm -rf '$scratch'"
  render_properties "$node" "$scratch/server.properties" "$scratch/data"
  java_cmd "$node" kafka.tools.StorageTool format --config "$scratch/server.properties" --cluster-id "$CLUSTER_ID"
  if ! "${jcmd[@]}" >"$scratch/format.log" 2>&1 </dev/null; then
    cat "$scratch/format.log" >&2
    die "formatting $dir failed"
  fi
  rm -rf "$dir"
  mv "$scratch/data" "$dir"
  rm -rf "$scratch"
}

# A node's run: its log since the start mark, its first error, its output.
node_tail() { tail_log "$(log_file "$1")" "$(out_file "$1")"; }

# Starts one node (under its lock) unless it runs; does not wait for it.
launch() {
  local node=$1 port pid
  if claim_for_start "$node"; then return 0; fi
  port=$(node_port "$node")
  if port_open "$port"; then
    die "port $port ($node) is in use by $(port_owner "$port"); stop it, or move the cluster with KAFKA_CLUSTER_PORT / KAFKA_CLUSTER_CONTROLLER_PORT"
  fi
  ensure_storage "$node"
  render_properties "$node" "$(props_file "$node")" "$(data_dir "$node")"
  mark_start "$(log_file "$node")" "$node, Kafka $KAFKA_VERSION on $HOST:$port"
  java_cmd "$node" kafka.Kafka "$(props_file "$node")"
  pid=$(node_spawn "$(pid_file "$node")" "$(out_file "$node")" "${jcmd[@]}") ||
    die "$node did not start (see $(out_file "$node"))"
  say "starting $node (pid $pid, node id $(node_id "$node"), $HOST:$port)"
}

# Kafka's own command-line tools (kafka-topics, kafka-metadata-quorum), fetched once
# beside the broker jars: the broker needs none of them.
tools_dir=$cache_root/kafka/$KAFKA_VERSION/tools
fetch_tools() {
  prepare
  [ -f "$tools_dir/kafka-tools-$KAFKA_VERSION.jar" ] && return 0
  command -v mvn >/dev/null || die "fetching Kafka's tools needs Maven (Debian: apt-get install maven)"
  local work
  work=$(mktemp -d "$cache_root/kafka/$KAFKA_VERSION/.tools.XXXXXX")
  cp "$here/tools.pom.xml" "$work/pom.xml"
  say "fetching Kafka $KAFKA_VERSION command-line tools from Maven Central (once)..." >&2
  if ! mvn -B -q -U -f "$work/pom.xml" -Dkafka.version="$KAFKA_VERSION" dependency:copy-dependencies \
    >"$work/mvn.log" 2>&1 </dev/null || ! [ -f "$work/libs/kafka-tools-$KAFKA_VERSION.jar" ]; then
    tail -n 30 "$work/mvn.log" >&2
    rm -rf "$work"
    die "fetching Kafka's tools failed (Maven output above)"
  fi
  rm -rf "$tools_dir"
  mv "$work/libs" "$tools_dir"
  rm -rf "$work"
}

# run_tool <main class> <args...>: one of Kafka's tools against this cluster, quietly
# (its log4j output off), with a small heap and the same quick-start JVM flags as the nodes.
run_tool() {
  fetch_tools
  local main=$1
  shift
  # shellcheck disable=SC2086 # the *_OPTS hold several flags
  exec "$java_bin" -Xmx96m $KAFKA_CLUSTER_JVM_OPTS -Dlog4j2.rootLogger.level=OFF -Dlog4j2.level=OFF \
    -cp "$tools_dir/*:$libs_dir/*" "$main" "$@"
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
  for node in "$@"; do if node_pid "$node" >/dev/null; then n=$((n + 1)); fi; done
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

# What await (nodes.sh) checks while it waits, on every node: a node that
# died fails the wait at once; at the timeout it shows the brokers that run
# but are not live.
node_exited() {
  local pid
  pid=$(read_pid "$(pid_file "$1")")
  [ -n "$pid" ] && ! pid_alive "$pid"
}
node_stuck() { is_broker "$1" && node_pid "$1" >/dev/null && ! is_live "$1"; }
node_start_timeout=$KAFKA_CLUSTER_START_TIMEOUT
await_hint="raise KAFKA_CLUSTER_START_TIMEOUT on a slow machine"

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
  release_locks
  await "all three brokers live" "${NODES[*]}" all_live
  say "Kafka cluster up in $(($(now) - t0))s: 3 brokers, 3 controllers"
  say "Kafka cluster ready on $(bootstrap)"
  # Kafka's own tools too, once, so the first `topics`/`quorum` (a guide step) does not wait on
  # Maven; the cluster is usable without them, so a failed fetch only warns.
  (fetch_tools) || say "warning: Kafka's command-line tools not fetched; topics and quorum will try again"
}

# Waits for one node that was just started.
await_node() {
  local node=$1 quorum
  await "$node to listen" "${NODES[*]}" port_listens "$node"
  is_broker "$node" || return 0
  quorum=$(running_count "${CONTROLLERS[@]}")
  if [ "$quorum" -lt 2 ]; then
    say "$node listens, but only $quorum of 3 controllers run: it becomes a live broker once a controller majority is back"
    return 0
  fi
  await "$node to be a live broker" "${NODES[*]}" is_live "$node"
}

node_start() {
  prepare
  launch "$1"
  release_locks
  await_node "$1"
  say "$1 ready"
}

# A broker's clean shutdown waits for the controllers: brokers go first.
do_stop() {
  local t0
  t0=$(now)
  stop_nodes "${BROKERS[@]}"
  stop_nodes "${CONTROLLERS[@]}"
  say "Kafka cluster stopped ($(($(now) - t0))s)"
}

node_status() { # <node>: one line; true if it runs
  local node=$1 pid role=controller live=""
  if is_broker "$node"; then role=broker; fi
  if pid=$(node_pid "$node"); then
    if is_broker "$node"; then
      if is_live "$node"; then live=", live"; else live=", not live"; fi
    fi
    printf '%-13s %-10s id %-4s %s:%-6s running, pid %s, RSS %s MiB%s\n' "$node" "$role" "$(node_id "$node")" \
      "$HOST" "$(node_port "$node")" "$pid" "$(rss_mib "$pid")" "$live"
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
      pid=$(node_pid "$node")
      rss=$((rss + $(rss_kib "$pid")))
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

do_brokers() { bootstrap; }

do_topics() { run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$(bootstrap)" "$@"; }
do_quorum() { run_tool org.apache.kafka.tools.MetadataQuorumCommand --bootstrap-server "$(bootstrap)" "$@"; }

# Each node takes its own lock (nodes.sh): no command locks the whole cluster.
commands=(start stop kill restart status reset brokers topics quorum logs node)
serve "$@"
