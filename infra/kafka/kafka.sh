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

case $KAFKA_PORT$KAFKA_CONTROLLER_PORT$KAFKA_START_TIMEOUT$KAFKA_STOP_TIMEOUT in
  *[!0-9]*) die "KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_START_TIMEOUT and KAFKA_STOP_TIMEOUT must be numbers" ;;
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

now() { date +%s; }

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

# ---------------------------------------------------------------- java, mvn

java_bin=""
need_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java_bin=$JAVA_HOME/bin/java
  elif command -v java >/dev/null 2>&1; then
    java_bin=$(command -v java)
  else
    die "Java not found. Kafka needs a Java 17+ runtime:
  Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless
  macOS:         brew install openjdk@17
  or set JAVA_HOME to an existing JDK/JRE."
  fi
  local version major want
  version=$("$java_bin" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')
  major=${version%%[.+-]*}
  if [ "$major" = 1 ]; then # 1.8.0_x style
    major=${version#1.}
    major=${major%%.*}
  fi
  # Kafka 4 brokers need Java 17; 3.x brokers still run on 11.
  case $KAFKA_VERSION in 3.*) want=11 ;; *) want=17 ;; esac
  case $major in
    '' | *[!0-9]*) die "cannot tell the version of $java_bin (got '${version}')" ;;
  esac
  [ "$major" -ge "$want" ] || die "Kafka $KAFKA_VERSION needs Java $want+, but $java_bin is Java $major:
  Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless  (then set JAVA_HOME or update-alternatives)"
}

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

# ----------------------------------------------------- ports and the probe

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Names whatever listens on a port, for error messages.
port_owner() {
  local port=$1 who=""
  if command -v ss >/dev/null 2>&1; then
    who=$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\("[^"]*",pid=[0-9]*\).*/\1/p' | head -n 1)
    who=${who//\"/}
    who=${who/,pid=/ (pid }${who:+)}
  fi
  if [ -z "$who" ] && command -v lsof >/dev/null 2>&1; then
    who=$(lsof -nP -iTCP:"$port" -sTCP:LISTEN 2>/dev/null | awk 'NR == 2 { print $1 " (pid " $2 ")" }')
  fi
  printf '%s' "${who:-another process}"
}

# Reads exactly $1 bytes from fd 3 and prints them as decimal numbers. dd
# with bs=1 never reads ahead, so consecutive calls share the stream safely.
read_bytes() { dd bs=1 count="$1" <&3 2>/dev/null | od -An -v -tu1; }

# The readiness checks speak the Kafka protocol from plain bash: cheap enough
# to poll every half second, nothing to install, no JVM to start. They use the
# same (non-flexible) request versions kafkajs 2.2.4 uses, so a broker that
# stopped serving them would break the labs anyway. Each request starts with
# header v1: api_key, api_version, correlation_id 7, client_id "commlab".
REQ_METADATA_V6='\000\003\000\006\000\000\000\007\000\007commlab\000\000\000\000\000' # topics [], no auto-create
REQ_METADATA_V6_LEN=22
REQ_FIND_COORDINATOR_V2='\000\012\000\002\000\000\000\007\000\007commlab\000\007commlab\000' # group "commlab"
REQ_FIND_COORDINATOR_V2_LEN=27
REQ_LIST_GROUPS_V2='\000\020\000\002\000\000\000\007\000\007commlab'
REQ_LIST_GROUPS_V2_LEN=17
REQ_INIT_PRODUCER_ID_V1='\000\026\000\001\000\000\000\007\000\007commlab\377\377\000\000\352\140' # no transactional id, 60 s
REQ_INIT_PRODUCER_ID_V1_LEN=23

# kafka_call <port> <timeout s> <request> <request length> <max bytes>
# Sends one request to $HOST:<port> and prints (at most <max bytes> of) the
# response, as decimal bytes, correlation id first. Fails when nothing
# answers in time or the answer is not Kafka.
kafka_call() {
  local port=$1 timeout=$2 request=$3 length=$4 max=$5
  (
    exec 3<>"/dev/tcp/$HOST/$port" || exit 1
    # shellcheck disable=SC2059 # the request is a printf escape string
    printf "\\000\\000\\$(printf '%03o' $((length >> 8)))\\$(printf '%03o' $((length & 255)))$request" >&3
    # shellcheck disable=SC2207 # word splitting of od's numbers is the point
    local -a b=($(read_bytes 4))
    [ "${#b[@]}" -eq 4 ] || exit 1
    local size=$(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]))
    # A non-Kafka server answers with text ("HTTP/1.1 ...") = absurd size.
    [ "$size" -ge 8 ] && [ "$size" -le 16777216 ] || exit 1
    [ "$size" -le "$max" ] || size=$max
    # shellcheck disable=SC2207
    b=($(read_bytes "$size"))
    [ "${#b[@]}" -eq "$size" ] || exit 1
    [ "${b[0]}${b[1]}${b[2]}${b[3]}" = 0007 ] || exit 1 # our correlation id
    echo "${b[*]}"
  ) &
  local call=$!
  # A server that accepts but never replies must not hang us. The watchdog
  # kills its own sleep when cancelled (and keeps off our stdout), otherwise
  # a $(kafka_call) would wait for that sleep to finish.
  (
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    sleep "$timeout" &
    nap=$!
    wait "$nap" && kill "$call" 2>/dev/null
  ) >/dev/null 2>&1 &
  local watchdog=$!
  local rc=0
  wait "$call" || rc=$?
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  return "$rc"
}

# metadata_probe <port> [timeout s]: prints "<live brokers> <cluster id>";
# fails if the port does not answer as Kafka. Fenced (still starting)
# brokers are not listed, so "0" means "Kafka, but not ready yet".
metadata_probe() {
  local reply
  reply=$(kafka_call "$1" "${2:-3}" "$REQ_METADATA_V6" "$REQ_METADATA_V6_LEN" 65536) || return 1
  # shellcheck disable=SC2206
  local -a b=($reply)
  int16() { echo $(((b[$1] << 8) | b[$1 + 1])); }
  int32() { echo $(((b[$1] << 24) | (b[$1 + 1] << 16) | (b[$1 + 2] << 8) | b[$1 + 3])); }
  # correlation_id, throttle_time_ms, then the brokers array
  local brokers i off=12 len id="" c
  brokers=$(int32 8)
  [ "$brokers" -le 1000 ] || return 1
  for ((i = 0; i < brokers; i++)); do
    off=$((off + 4))                     # node_id
    off=$((off + 2 + $(int16 "$off"))) # host
    off=$((off + 4))                     # port
    len=$(int16 "$off")                  # rack, nullable
    off=$((off + 2))
    [ "$len" -eq 65535 ] || off=$((off + len))
  done
  [ $((off + 2)) -le "${#b[@]}" ] || return 1
  len=$(int16 "$off") # cluster_id, nullable
  off=$((off + 2))
  if [ "$len" -ne 65535 ]; then
    for ((i = 0; i < len; i++)); do
      c=${b[off + i]:-63}
      id+=$(printf '%b' "\\$(printf '%03o' "$c")")
    done
  fi
  echo "$brokers ${id:-none}"
}

# error_code of a FindCoordinator v2, ListGroups v2 or InitProducerId v1
# response: it follows the correlation id and throttle_time_ms.
response_error() { # <decimal bytes>
  # shellcheck disable=SC2206
  local -a b=($1)
  echo $(((b[8] << 8) | b[9]))
}

# coordinators_ready <port>: true once consumer groups and idempotent
# producers work. A broker is "up" seconds before that: FindCoordinator makes
# it create __consumer_offsets on a fresh cluster, ListGroups fails with
# COORDINATOR_LOAD_IN_PROGRESS until the offsets partitions are loaded, and
# InitProducerId fails the same way until the broker has a block of producer
# ids. Without this wait a test that starts Kafka and at once lists groups
# fails now and then, and every first producer logs kafkajs ERROR lines.
coordinators_ready() {
  local reply
  reply=$(kafka_call "$1" 2 "$REQ_FIND_COORDINATOR_V2" "$REQ_FIND_COORDINATOR_V2_LEN" 10) &&
    [ "$(response_error "$reply")" -eq 0 ] &&
    reply=$(kafka_call "$1" 2 "$REQ_LIST_GROUPS_V2" "$REQ_LIST_GROUPS_V2_LEN" 10) &&
    [ "$(response_error "$reply")" -eq 0 ] &&
    reply=$(kafka_call "$1" 2 "$REQ_INIT_PRODUCER_ID_V1" "$REQ_INIT_PRODUCER_ID_V1_LEN" 10) &&
    [ "$(response_error "$reply")" -eq 0 ]
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

# Formats the data dir once. Refuses (with the fix) rather than silently
# wiping a data dir that belongs to another cluster or node.
ensure_storage() {
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
  Stop it, or pick another port: KAFKA_PORT=19092 $0 start"
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "the KRaft controller port $KAFKA_CONTROLLER_PORT on $HOST is in use by $(port_owner "$KAFKA_CONTROLLER_PORT").
  Stop it, or pick another: KAFKA_CONTROLLER_PORT=19093 $0 start"
  fi

  need_java
  do_fetch
  mkdir -p "$run_dir"
  ensure_storage
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
