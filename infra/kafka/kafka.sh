#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft, broker+controller in one
# JVM) for the labs, from jars fetched once from Maven Central: no Docker, no
# tarball download, nothing installed system-wide. See README.md.
#
#   kafka.sh fetch | start | stop | restart | status | reset | logs
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1),
# KAFKA_VERSION, COMMLAB_CACHE (~/.cache/commlab), KAFKA_HEAP_OPTS,
# KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_START_TIMEOUT (60 s), KAFKA_STOP_TIMEOUT
# (30 s), JAVA_HOME.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"
# need_kafka_java and the Kafka protocol probes (metadata_probe,
# coordinators_ready...), shared with ../kafka-cluster/cluster.sh.
# shellcheck source=lib.sh
. "$here/lib.sh"

settings KAFKA_VERSION=4.4.0 \
  KAFKA_PORT=9092
settings "KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1))" \
  "KAFKA_HEAP_OPTS=-Xms256m -Xmx512m"
# Kafka's own GC defaults, plus C1-only JIT: halves the CPU a start costs
# (about 10 s -> 5 s on 2 cores) at a peak-throughput price no lab notices.
settings "KAFKA_JVM_PERFORMANCE_OPTS=-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:TieredStopAtLevel=1" \
  KAFKA_START_TIMEOUT=60 \
  KAFKA_STOP_TIMEOUT=30

# Fixed rather than random so that every machine (and every reset) gets the
# same, recognisable cluster: base64url("commlab-kafka-01").
CLUSTER_ID=Y29tbWxhYi1rYWZrYS0wMQ
NODE_ID=1

root=$cache_root/kafka
libs_dir=$root/$KAFKA_VERSION/libs
data_dir=$root/data
run_dir=$root/run
pid_file=$run_dir/kafka.pid
log_file=$run_dir/kafka.log
out_file=$run_dir/kafka.out
props_file=$run_dir/server.properties
# Remembers what the running broker was started with, for status/stop.
state_file=$run_dir/kafka.state
# Which Kafka version formatted the data dir (Kafka ignores stray files there).
formatted_by=$data_dir/commlab-formatted-by
# The JVM's command line ends with our rendered config: how our broker is
# told from any other process.
marker=" kafka.Kafka $props_file"
# What a failed start shows beside the log: the JVM's own output.
extra_log=$out_file
timeout_hint="raise KAFKA_START_TIMEOUT on a slow machine"

usage() {
  cat <<EOF
usage: ${0##*/} <command>

  fetch    download Apache Kafka $KAFKA_VERSION jars from Maven Central (once)
  start    fetch if needed, format storage if needed, start the broker on
           $HOST:$KAFKA_PORT and wait until it answers
  stop     stop the broker started by this script
  restart  stop, then start
  status   is a broker answering on $HOST:$KAFKA_PORT? (exit 0 yes, 3 no)
  reset    stop and wipe the data dir: the next start is a fresh cluster
  logs     follow the broker log

cache: $root
EOF
}

case $KAFKA_CONTROLLER_PORT$KAFKA_START_TIMEOUT$KAFKA_STOP_TIMEOUT in
  *[!0-9]*) die "KAFKA_CONTROLLER_PORT, KAFKA_START_TIMEOUT and KAFKA_STOP_TIMEOUT must be numbers" ;;
esac
[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ] || die "KAFKA_CONTROLLER_PORT must differ from KAFKA_PORT"

# -------------------------------------------------------------------- fetch

fetched() { [ -f "$libs_dir/kafka_2.13-$KAFKA_VERSION.jar" ]; }

do_fetch() {
  if fetched; then say "Kafka $KAFKA_VERSION already fetched: $libs_dir"; else fetch_jars; fi
}

fetch_jars() {
  fetched && return 0
  need_mvn "the Kafka jars"
  fetch_pom_libs "Apache Kafka" "$KAFKA_VERSION" "~45 MB" "$libs_dir" "kafka_2.13-$KAFKA_VERSION.jar" \
    "$here/pom.xml" -Dkafka.version="$KAFKA_VERSION"
}

# ------------------------------------------------------------- our process

broker_pid() { running_pid "$pid_file" "$marker"; }

# -------------------------------------------------------------------- start

render_properties() { # <target file> <log.dirs>
  sed -e "s|@PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$2|g" \
    "$here/server.properties" >"$1"
}

# Fills jcmd with the JVM command line for <main class> <args...>: the same
# JVM setup for formatting and for running.
jcmd=()
java_cmd() {
  local main=$1
  shift
  # shellcheck disable=SC2206 # both *_OPTS hold several flags
  jcmd=("$java_bin" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS
    -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$here/log4j2.properties"
    -Dcommlab.kafka.log="$log_file"
    -cp "$libs_dir/*" "$main" "$@")
}

# True if the data dir is formatted and usable; false if it needs formatting.
# Refuses (with the fix) rather than silently wiping a data dir that belongs
# to another cluster or node. Runs before a fetch, so that a doomed start
# downloads nothing.
storage_ready() {
  local meta=$data_dir/meta.properties found
  if [ -f "$meta" ]; then
    found=$(sed -n 's/^cluster\.id=//p' "$meta")
    if [ "$found" != "$CLUSTER_ID" ] || ! grep -qx "node\.id=$NODE_ID" "$meta"; then
      die "the data dir $data_dir was formatted for another cluster (cluster.id=${found:-?}, expected $CLUSTER_ID, node.id $NODE_ID).
  Run '$0 reset' to wipe it and start a fresh cluster."
    fi
    # A log dir is not forward-compatible: a broker older than the tool that
    # formatted it dies on the first metadata record it cannot read.
    found=$(cat "$formatted_by" 2>/dev/null || true)
    if [ -n "$found" ] && [ "$found" != "$KAFKA_VERSION" ] &&
      [ "$(printf '%s\n%s\n' "$found" "$KAFKA_VERSION" | sort -V | tail -n 1)" = "$found" ]; then
      die "the data dir $data_dir was formatted by Kafka $found; Kafka $KAFKA_VERSION cannot read it.
  Use KAFKA_VERSION=$found, or run '$0 reset' to wipe it and start a fresh cluster."
    fi
    return 0
  fi
  if [ -d "$data_dir" ] && [ -n "$(ls -A "$data_dir")" ]; then
    die "the data dir $data_dir is not empty but has no meta.properties (not a Kafka log dir?).
  Run '$0 reset' to wipe it."
  fi
  return 1
}

# Formats the data dir (storage_ready said it needs it).
format_storage() {
  local scratch
  rm -rf "$data_dir"
  mkdir -p "$root"
  # Format a temp dir and rename it, so an interrupted format never leaves a
  # dir that looks formatted but is not.
  scratch=$(mktemp -d "$root/.format.XXXXXX")
  at_exit "rm -rf '$scratch'"
  render_properties "$scratch/server.properties" "$scratch/data"
  say "formatting KRaft storage in $data_dir (cluster id $CLUSTER_ID)..."
  java_cmd kafka.tools.StorageTool format \
    --config "$scratch/server.properties" --cluster-id "$CLUSTER_ID"
  if ! "${jcmd[@]}" >"$scratch/format.log" 2>&1 </dev/null; then
    cat "$scratch/format.log" >&2
    die "formatting $data_dir failed"
  fi
  echo "$KAFKA_VERSION" >"$scratch/data/$(basename "$formatted_by")"
  mv "$scratch/data" "$data_dir"
  rm -rf "$scratch"
}

# True once the broker answers a Metadata request with itself as a live
# broker (KRaft opens the port before the broker is unfenced; clients that
# connect in that window get "0 brokers" errors on createTopics), and groups
# and producers work (see coordinators_ready).
broker_ready() {
  local reply
  # A local broker answers in milliseconds; a short timeout matters because
  # the kernel accepts connections before the broker reads from them.
  port_open "$KAFKA_PORT" && reply=$(metadata_probe "$KAFKA_PORT" 2) &&
    [ "${reply%% *}" -ge 1 ] || return 1
  if [ "${reply#* }" != "$CLUSTER_ID" ]; then
    die "a broker answers on $HOST:$KAFKA_PORT but reports cluster ${reply#* }, not $CLUSTER_ID"
  fi
  coordinators_ready "$KAFKA_PORT"
}

# The timeout counts from here, not from a fetch.
wait_broker() { wait_ready "$1" "$KAFKA_START_TIMEOUT" "$log_file" broker_ready; }

do_start() {
  local pid reply t0
  t0=$(now)
  if pid=$(broker_pid); then
    need_same_port broker "$pid" "$KAFKA_PORT"
    say "Kafka from $root is already running (pid $pid)"
    wait_broker "$pid"
    say "Kafka ready on $HOST:$KAFKA_PORT"
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    if reply=$(metadata_probe "$KAFKA_PORT"); then
      say "Kafka already answers on $HOST:$KAFKA_PORT (cluster ${reply#* }); it is $(port_owner "$KAFKA_PORT"), not a broker started from $root, so it is used as is"
      say "Kafka ready on $HOST:$KAFKA_PORT"
      return 0
    fi
    die "port $KAFKA_PORT on $HOST is in use by $(port_owner "$KAFKA_PORT"), which does not answer as Kafka.
  Stop it, or pick another port, e.g. KAFKA_PORT=$((KAFKA_PORT + 10000)) $0 start"
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "the KRaft controller port $KAFKA_CONTROLLER_PORT on $HOST is in use by $(port_owner "$KAFKA_CONTROLLER_PORT").
  Stop it, or pick another, e.g. KAFKA_CONTROLLER_PORT=$((KAFKA_CONTROLLER_PORT + 10000)) $0 start"
  fi

  need_kafka_java
  local formatted=yes
  storage_ready || formatted=""
  fetch_jars
  mkdir -p "$run_dir"
  [ -n "$formatted" ] || format_storage
  render_properties "$props_file" "$data_dir"
  printf 'version=%s\nport=%s\ncontroller_port=%s\n' \
    "$KAFKA_VERSION" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" >"$state_file"

  say "starting Kafka $KAFKA_VERSION on $HOST:$KAFKA_PORT (log: $log_file)..."
  mark_start "$log_file" "Kafka $KAFKA_VERSION on $HOST:$KAFKA_PORT"
  java_cmd kafka.Kafka "$props_file"
  # The JVM's output holds this run only (the log keeps every run).
  : >"$out_file"
  pid=$(spawn "$pid_file" "$out_file" "${jcmd[@]}") ||
    die "the broker process did not start (log: $log_file)"
  stop_on_timeout=1
  wait_broker "$pid"
  say "Kafka $KAFKA_VERSION up in $(($(now) - t0))s (pid $pid, data: $data_dir)"
  say "Kafka ready on $HOST:$KAFKA_PORT"
}

# ------------------------------------------------------------- stop/status

do_stop() { stop_server Kafka "$KAFKA_PORT" "$KAFKA_STOP_TIMEOUT" broker; }

do_status() {
  local reply port version
  version=$(state_get version)
  server_status broker "$KAFKA_PORT" "Kafka ${version:-?}"
  say "data: $data_dir ($(du -sh "$data_dir" 2>/dev/null | cut -f1 || true))"
  say "log:  $log_file"
  if port_open "$port" && reply=$(metadata_probe "$port"); then
    say "$HOST:$port answers as Kafka: ${reply%% *} live broker(s), cluster ${reply#* }"
    return 0
  fi
  status_down "$port" "does not answer as Kafka"
}

do_reset() {
  do_stop
  if [ -d "$data_dir" ]; then
    rm -rf "$data_dir"
    say "wiped $data_dir; the next start formats a fresh cluster"
  else
    say "no data dir to wipe ($data_dir)"
  fi
}

# One mutating command at a time per cache: test runners may call "start" in
# parallel, and two formats or two brokers on one data dir would clash.
commands=(fetch start stop restart status reset logs)
locked_commands=(fetch start stop restart reset)
lock_dir=$root/.lock
serve "$@"
