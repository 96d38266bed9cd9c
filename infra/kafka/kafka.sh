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

KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
KAFKA_PORT=${KAFKA_PORT:-9092}
case $KAFKA_PORT in '' | *[!0-9]*) printf 'kafka.sh: KAFKA_PORT must be a number\n' >&2 && exit 1 ;; esac
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
# Kafka's own GC defaults, plus C1-only JIT: halves the CPU a start costs
# (about 10 s -> 5 s on 2 cores) at a peak-throughput price no lab notices.
KAFKA_JVM_PERFORMANCE_OPTS=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:TieredStopAtLevel=1}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-60}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}

# Fixed rather than random so that every machine (and every reset) gets the
# same, recognisable cluster: base64url("commlab-kafka-01").
CLUSTER_ID=Y29tbWxhYi1rYWZrYS0wMQ
NODE_ID=1
HOST=127.0.0.1

kafka_root=${COMMLAB_CACHE:-${HOME:?HOME is not set}/.cache/commlab}/kafka
libs_dir=$kafka_root/$KAFKA_VERSION/libs
data_dir=$kafka_root/data
run_dir=$kafka_root/run
pid_file=$run_dir/kafka.pid
log_file=$run_dir/kafka.log
out_file=$run_dir/kafka.out
props_file=$run_dir/server.properties
# Remembers what the running broker was started with, for status/stop.
state_file=$run_dir/kafka.state
# Which Kafka version formatted the data dir (Kafka ignores stray files there).
formatted_by=$data_dir/commlab-formatted-by

say() { printf '%s\n' "$*"; }
die() {
  printf 'kafka.sh: %s\n' "$*" >&2
  exit 1
}

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

cache: $kafka_root
EOF
}

case $KAFKA_CONTROLLER_PORT$KAFKA_START_TIMEOUT$KAFKA_STOP_TIMEOUT in
  *[!0-9]*) die "KAFKA_CONTROLLER_PORT, KAFKA_START_TIMEOUT and KAFKA_STOP_TIMEOUT must be numbers" ;;
esac
[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ] || die "KAFKA_CONTROLLER_PORT must differ from KAFKA_PORT"

# Whatever a failed or interrupted fetch/format leaves half-done. Maven runs
# as a background job, which ignores Ctrl-C, so it is stopped here too.
scratch=""
mvn_pid=""
lock_dir=$kafka_root/.lock
lock_held=""
cleanup() {
  if [ -n "$mvn_pid" ]; then kill "$mvn_pid" 2>/dev/null || true; fi
  if [ -n "$scratch" ]; then
    rm -rf "$scratch"
    rmdir "$kafka_root/$KAFKA_VERSION" 2>/dev/null || true # only if empty
  fi
  if [ -n "$lock_held" ]; then rm -rf "$lock_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One mutating command at a time per cache: test runners may call "start" in
# parallel, and two formats or two brokers on one data dir would clash. A
# mkdir lock (flock is not on macOS) holding its owner's pid, so that a lock
# left by a killed run is recognised and taken over.
take_lock() {
  local holder waited=0
  mkdir -p "$kafka_root"
  until mkdir "$lock_dir" 2>/dev/null; do
    holder=$(cat "$lock_dir/pid" 2>/dev/null || true)
    # Dead holder, or one killed between its mkdir and writing its pid.
    if { [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; } ||
      { [ -z "$holder" ] && [ "$waited" -ge 10 ]; }; then
      rm -rf "$lock_dir"
      continue
    fi
    if [ "$waited" -eq 2 ]; then say "waiting for another kafka.sh (pid ${holder:-?}) to finish..."; fi
    if [ "$waited" -ge 1800 ]; then die "another kafka.sh (pid ${holder:-?}) has held $lock_dir for 15 minutes"; fi
    sleep 0.5
    waited=$((waited + 1))
  done
  lock_held=1
  echo "$$" >"$lock_dir/pid"
}

# need_java and the Kafka protocol probes (port_open, metadata_probe,
# coordinators_ready...), shared with ../kafka-cluster/cluster.sh.
# shellcheck source=lib.sh
. "$here/lib.sh"

# ---------------------------------------------------------------------- mvn

need_mvn() {
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) not found; it is needed once, to fetch the Kafka jars from Maven Central:
  Debian/Ubuntu: sudo apt-get install maven
  macOS:         brew install maven"
}

# -------------------------------------------------------------------- fetch

fetched() { [ -f "$libs_dir/kafka_2.13-$KAFKA_VERSION.jar" ]; }

do_fetch() {
  if fetched; then
    return 0
  fi
  need_mvn
  mkdir -p "$kafka_root/$KAFKA_VERSION"
  # Fetch next to the final dir and rename at the end, so that a killed
  # fetch never leaves a half-filled libs/ behind.
  scratch=$(mktemp -d "$kafka_root/$KAFKA_VERSION/.fetch.XXXXXX")
  cp "$here/pom.xml" "$scratch/pom.xml"
  say "fetching Apache Kafka $KAFKA_VERSION from Maven Central (once, ~45 MB)..."
  local t0 waited=0
  t0=$(now)
  # Runs on a copy of the pom so that Maven writes nothing into the repo.
  # The user's ~/.m2 (and settings.xml mirrors/proxies) is used as usual.
  # -U: retry artifacts that an earlier, failed fetch recorded as missing.
  mvn -B -q -U -f "$scratch/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies >"$scratch/mvn.log" 2>&1 </dev/null &
  mvn_pid=$!
  while kill -0 "$mvn_pid" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    if [ $((waited % 15)) -eq 0 ]; then say "  still fetching (${waited}s)..."; fi
  done
  local mvn_rc=0
  wait "$mvn_pid" || mvn_rc=$?
  mvn_pid=""
  if [ "$mvn_rc" -ne 0 ] || ! [ -f "$scratch/libs/kafka_2.13-$KAFKA_VERSION.jar" ]; then
    # Maven 3.8 prints colour codes even in batch mode.
    tail -n 30 "$scratch/mvn.log" | sed "s/$(printf '\033')\[[0-9;]*m//g" >&2 || true
    die "fetching Kafka $KAFKA_VERSION failed (Maven output above). Is Maven Central reachable, and does version $KAFKA_VERSION exist?"
  fi
  # Under the lock, so no concurrent fetch; whatever is there is incomplete.
  rm -rf "$libs_dir"
  mv "$scratch/libs" "$libs_dir"
  rm -rf "$scratch"
  scratch=""
  fetched || die "fetch finished but $libs_dir has no kafka_2.13-$KAFKA_VERSION.jar"
  say "fetched $(find "$libs_dir" -name '*.jar' | wc -l | tr -d ' ') jars ($(du -sh "$libs_dir" | cut -f1)) in $(($(now) - t0))s into $libs_dir"
}

# ------------------------------------------------------------- our process

read_pid() { [ -f "$pid_file" ] && tr -dc '0-9' <"$pid_file"; }

# True if $1 is alive and is a broker this script started (pid reuse after a
# reboot must not make us signal some unrelated process).
is_our_broker() {
  local pid=$1 args
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # -ww: never cut the command line short; the config path comes last.
  args=$(ps -ww -p "$pid" -o args= 2>/dev/null) || return 1
  case $args in *" kafka.Kafka $props_file") return 0 ;; *) return 1 ;; esac
}

# Prints the pid of our running broker; clears a stale pid file, and finds
# the broker by its command line (it names our server.properties) when the
# pid file was lost.
running_pid() {
  local pid
  pid=$(read_pid || true)
  if [ -n "$pid" ]; then
    if is_our_broker "$pid"; then
      echo "$pid"
      return 0
    fi
    rm -f "$pid_file"
    say "removed stale pid file (pid $pid is not a running kafka.sh broker)" >&2
  fi
  pid=$(ps -ww -eo pid=,args= 2>/dev/null | awk -v tail=" kafka.Kafka $props_file" \
    'substr($0, length($0) - length(tail) + 1) == tail { print $1; exit }')
  if [ -n "$pid" ] && is_our_broker "$pid"; then
    echo "$pid" >"$pid_file"
    echo "$pid"
    return 0
  fi
  return 1
}

state_get() { if [ -f "$state_file" ]; then sed -n "s/^$1=//p" "$state_file"; fi; }

# The log spans many runs; start marks where each run begins, so that a
# failure shows this run's last lines, not the previous shutdown.
START_MARK='=== kafka.sh start'
tail_log() {
  if [ -s "$log_file" ]; then
    printf -- '--- last 30 lines of %s ---\n' "$log_file" >&2
    awk -v mark="$START_MARK" 'index($0, mark) == 1 { n = 0; err = ""; cause = "" }
      { line[n++] = $0 }
      err == "" && / (ERROR|FATAL) / { err = $0 }
      err != "" && /^Caused by: / { cause = $0 }
      END {
        for (i = (n > 30 ? n - 30 : 0); i < n; i++) print line[i]
        # The cause is often 100 stack lines above the tail.
        if (err != "") print "--- first error of this run ---\n" err
        if (cause != "") print cause
      }' "$log_file" >&2
  fi
  if [ -s "$out_file" ]; then
    printf -- '--- %s ---\n' "$out_file" >&2
    tail -n 30 "$out_file" >&2
  fi
  printf -- '---\n' >&2
}

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
  rm -rf "$data_dir"
  mkdir -p "$kafka_root"
  # Format a temp dir and rename it, so an interrupted format never leaves a
  # dir that looks formatted but is not.
  scratch=$(mktemp -d "$kafka_root/.format.XXXXXX")
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
  scratch=""
}

# Polls until the broker answers a Metadata request with itself as a live
# broker (KRaft opens the port before the broker is unfenced; clients that
# connect in that window get "0 brokers" errors on createTopics), and then
# until groups and producers work (see coordinators_ready).
wait_ready() { # <pid>; the timeout counts from here, not from a fetch
  local pid=$1 t0 reply="" next_note=5 elapsed
  t0=$(now)
  while :; do
    elapsed=$(($(now) - t0))
    if ! kill -0 "$pid" 2>/dev/null; then
      tail_log
      rm -f "$pid_file"
      die "the broker exited during startup (log above: $log_file)"
    fi
    # A local broker answers in milliseconds; a short timeout matters because
    # the kernel accepts connections before the broker reads from them.
    if port_open "$KAFKA_PORT" && reply=$(metadata_probe "$KAFKA_PORT" 2) &&
      [ "${reply%% *}" -ge 1 ]; then
      if [ "${reply#* }" != "$CLUSTER_ID" ]; then
        die "a broker answers on $HOST:$KAFKA_PORT but reports cluster ${reply#* }, not $CLUSTER_ID"
      fi
      if coordinators_ready "$KAFKA_PORT"; then return 0; fi
    fi
    if [ "$elapsed" -ge "$KAFKA_START_TIMEOUT" ]; then
      tail_log
      say "giving up after ${KAFKA_START_TIMEOUT}s; stopping the half-started broker" >&2
      stop_pid "$pid" >&2 || true
      die "Kafka did not become ready in ${KAFKA_START_TIMEOUT}s (log above: $log_file; raise KAFKA_START_TIMEOUT on a slow machine)"
    fi
    if [ "$elapsed" -ge "$next_note" ]; then
      say "  waiting for the broker (${elapsed}s)..."
      next_note=$((elapsed + 5))
    fi
    sleep 0.5
  done
}

do_start() {
  local pid reply t0
  t0=$(now)
  if pid=$(running_pid); then
    local port
    port=$(state_get port)
    if [ -n "$port" ] && [ "$port" != "$KAFKA_PORT" ]; then
      die "the broker from $kafka_root (pid $pid) already runs on port $port; stop it first to use port $KAFKA_PORT"
    fi
    say "Kafka from $kafka_root is already running (pid $pid)"
    wait_ready "$pid"
    say "Kafka ready on $HOST:$KAFKA_PORT"
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    if reply=$(metadata_probe "$KAFKA_PORT"); then
      say "Kafka already answers on $HOST:$KAFKA_PORT (cluster ${reply#* }); it is $(port_owner "$KAFKA_PORT"), not a broker started from $kafka_root, so it is used as is"
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

  need_java
  local formatted=yes
  storage_ready || formatted=""
  do_fetch
  mkdir -p "$run_dir"
  [ -n "$formatted" ] || format_storage
  render_properties "$props_file" "$data_dir"
  printf 'version=%s\nport=%s\ncontroller_port=%s\n' \
    "$KAFKA_VERSION" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" >"$state_file"

  say "starting Kafka $KAFKA_VERSION on $HOST:$KAFKA_PORT (log: $log_file)..."
  printf '%s %s: Kafka %s on %s:%s ===\n' "$START_MARK" "$(date '+%Y-%m-%d %H:%M:%S')" \
    "$KAFKA_VERSION" "$HOST" "$KAFKA_PORT" >>"$log_file"
  # Own session (setsid where available) so that a Ctrl-C meant for whatever
  # ran this script does not also kill the broker; the child records its own
  # pid because setsid may fork.
  java_cmd kafka.Kafka "$props_file"
  # shellcheck disable=SC2016 # expanded by the child shell, on purpose
  local record_pid='echo $$ >"$1"; shift; exec "$@"'
  rm -f "$pid_file"
  if command -v setsid >/dev/null 2>&1; then
    setsid bash -c "$record_pid" kafka "$pid_file" "${jcmd[@]}" >"$out_file" 2>&1 </dev/null &
  else
    nohup bash -c "$record_pid" kafka "$pid_file" "${jcmd[@]}" >"$out_file" 2>&1 </dev/null &
  fi
  local i
  for ((i = 0; i < 50; i++)); do
    pid=$(read_pid || true)
    [ -z "$pid" ] || break
    sleep 0.1
  done
  [ -n "$pid" ] || die "the broker process did not start (log: $log_file)"
  wait_ready "$pid"
  say "Kafka $KAFKA_VERSION up in $(($(now) - t0))s (pid $pid, data: $data_dir)"
  say "Kafka ready on $HOST:$KAFKA_PORT"
}

# ------------------------------------------------------------- stop/status

stop_pid() {
  local pid=$1 waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((KAFKA_STOP_TIMEOUT * 2)) ]; then
      say "broker (pid $pid) still running after ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
}

do_stop() {
  local pid t0
  t0=$(now)
  if ! pid=$(running_pid); then
    rm -f "$pid_file"
    if port_open "$KAFKA_PORT"; then
      say "no broker started from $kafka_root; $HOST:$KAFKA_PORT is served by $(port_owner "$KAFKA_PORT"), left alone"
    else
      say "Kafka is not running"
    fi
    return 0
  fi
  say "stopping Kafka (pid $pid)..."
  stop_pid "$pid"
  say "Kafka stopped ($(($(now) - t0))s)"
}

do_status() {
  local pid reply port version rss
  port=$KAFKA_PORT
  if pid=$(running_pid); then
    port=$(state_get port)
    port=${port:-$KAFKA_PORT}
    version=$(state_get version)
    rss=$(ps -p "$pid" -o rss= | tr -d ' ' || true)
    say "kafka.sh broker: running, pid $pid, Kafka ${version:-?}, $HOST:$port, RSS $((${rss:-0} / 1024)) MiB, up $(ps -p "$pid" -o etime= | tr -d ' ' || true)"
  else
    say "kafka.sh broker: not running"
  fi
  say "data: $data_dir ($(du -sh "$data_dir" 2>/dev/null | cut -f1 || true))"
  say "log:  $log_file"
  if port_open "$port" && reply=$(metadata_probe "$port"); then
    say "$HOST:$port answers as Kafka: ${reply%% *} live broker(s), cluster ${reply#* }"
    return 0
  fi
  if port_open "$port"; then
    say "$HOST:$port is in use by $(port_owner "$port"), which does not answer as Kafka"
  else
    say "nothing listens on $HOST:$port"
  fi
  return 3
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

case ${1:-} in
  fetch | start | stop | restart | reset) take_lock ;;
esac
case ${1:-} in
  fetch)
    if fetched; then say "Kafka $KAFKA_VERSION already fetched: $libs_dir"; else do_fetch; fi
    ;;
  start) do_start ;;
  stop) do_stop ;;
  restart)
    do_stop
    do_start
    ;;
  status) do_status ;;
  reset) do_reset ;;
  logs)
    [ -f "$log_file" ] || die "no log yet: $log_file"
    exec tail -n 50 -F "$log_file" # -F: follows the file across rollovers
    ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
