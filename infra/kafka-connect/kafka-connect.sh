#!/usr/bin/env bash
# Runs a real Kafka Connect worker (distributed mode, one worker) with the
# Debezium PostgreSQL connector, against the shared Kafka of infra/kafka, from
# jars fetched once from Maven Central: no Docker, nothing installed
# system-wide. See README.md.
#
#   kafka-connect.sh fetch | start | stop | restart | status | wait | reset | logs
#   kafka-connect.sh console-consumer ARGS... | topics ARGS...
#
# Environment: CONNECT_PORT (8083), KAFKA_BROKERS (127.0.0.1:9092),
# CONNECT_GROUP (commlab-connect), CONNECT_VERSION (4.4.0),
# DEBEZIUM_VERSION (3.6.1.Final), CONNECT_HEAP_OPTS, CONNECT_START_TIMEOUT
# (90 s), CONNECT_STOP_TIMEOUT (30 s), COMMLAB_CACHE (~/.cache/commlab),
# JAVA_HOME.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"

settings CONNECT_VERSION=4.4.0 \
  DEBEZIUM_VERSION=3.6.1.Final \
  CONNECT_PORT=8083 \
  KAFKA_BROKERS=127.0.0.1:9092 \
  CONNECT_GROUP=commlab-connect
# The issue's budget is a heap of at most 512 MiB. C1-only JIT, as for the
# broker: half the start-up CPU.
settings "CONNECT_HEAP_OPTS=-Xms128m -Xmx512m" \
  "CONNECT_JVM_OPTS=-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1" \
  CONNECT_START_TIMEOUT=90 \
  CONNECT_STOP_TIMEOUT=30
need_port CONNECT_PORT "$CONNECT_PORT"
case $CONNECT_GROUP in '' | *[!A-Za-z0-9._-]*) usage_error "CONNECT_GROUP may only hold letters, digits, '.', '_' and '-', got '$CONNECT_GROUP'" ;; esac

root=$cache_root/kafka-connect
libs_dir=$root/$CONNECT_VERSION/libs
plugins_dir=$root/debezium/$DEBEZIUM_VERSION
run_dir=$root/run
pid_file=$run_dir/connect.pid
log_file=$run_dir/connect.log
out_file=$run_dir/connect.out
props_file=$run_dir/connect-distributed.properties
state_file=$run_dir/connect.state
marker=-Dcommlab.connect.run=$run_dir
url=http://$HOST:$CONNECT_PORT

usage() {
  cat <<EOF
usage: $prog <command>

  fetch    download Kafka Connect $CONNECT_VERSION (~45 MB) and the Debezium PostgreSQL
           connector $DEBEZIUM_VERSION plugin (~25 MB) from Maven Central (once)
  start    fetch if needed, start the worker on $HOST:$CONNECT_PORT against Kafka at
           $KAFKA_BROKERS and wait until its REST API is ready with Debezium loaded
  stop     stop the worker started by this script (connectors stay registered)
  restart  stop, then start
  status   does the worker answer on $HOST:$CONNECT_PORT? connectors and states
           (exit 0 yes, 3 no)
  wait     wait until a worker is ready on $HOST:$CONNECT_PORT
  reset    stop the worker and delete its internal topics (${CONNECT_GROUP}-configs,
           -offsets, -status): every connector and its offsets are forgotten
  logs     follow the worker log
  console-consumer ARGS...   kafka-console-consumer from the fetched jars
  topics ARGS...             kafka-topics from the fetched jars

cache: $root
EOF
}

# ------------------------------------------------------------------- fetch

fetched() {
  [ -f "$libs_dir/connect-runtime-$CONNECT_VERSION.jar" ] &&
    [ -d "$plugins_dir/debezium-connector-postgres" ]
}

fetch_libs() {
  fetch_pom_libs "Kafka Connect" "$CONNECT_VERSION" "~45 MB" "$libs_dir" "connect-runtime-$CONNECT_VERSION.jar" \
    "$here/pom.xml" -Dkafka.version="$CONNECT_VERSION"
}

# The connector's plugin archive holds every jar it needs. Resolving the
# connector jar transitively instead fails on a module Maven Central does not
# serve, and would mix its dependencies into the worker's class path.
fetch_debezium() {
  [ -d "$plugins_dir/debezium-connector-postgres" ] && return 0
  local t0 archive=debezium-connector-postgres-$DEBEZIUM_VERSION-plugin.tar.gz
  t0=$(now)
  mvn_copy "the Debezium PostgreSQL connector plugin" "$DEBEZIUM_VERSION" "~25 MB" \
    "io.debezium:debezium-connector-postgres:$DEBEZIUM_VERSION:tar.gz:plugin" "$archive" "$root/debezium"
  mkdir -p "$copied/plugins"
  tar -xzf "$copied/$archive" -C "$copied/plugins" || die "cannot unpack $copied/$archive"
  [ -d "$copied/plugins/debezium-connector-postgres" ] ||
    die "$copied/$archive has no debezium-connector-postgres/ folder (the plugin layout changed?)"
  rm -rf "$plugins_dir"
  mv "$copied/plugins" "$plugins_dir"
  say "fetched Debezium $DEBEZIUM_VERSION ($(find "$plugins_dir" -name '*.jar' | wc -l | tr -d ' ') jars) in $(($(now) - t0))s into $plugins_dir"
}

do_fetch() {
  if fetched; then say "Kafka Connect $CONNECT_VERSION and Debezium $DEBEZIUM_VERSION already fetched: $root"; else fetch_all; fi
}

fetch_all() {
  need_mvn "Kafka Connect and the Debezium connector"
  fetch_libs
  fetch_debezium
}

# ------------------------------------------------------------- readiness

# GET /health (KIP-1017) answers 200 once the worker has joined its group
# and can serve requests; 503 while it starts. Then Debezium must be among
# the loaded plugins, or a lab's first PUT would fail with a class error.
worker_ready() { # <port>
  http_get "http://$HOST:$1/health" 2 | grep -q '"status" *: *"healthy"' &&
    http_get "http://$HOST:$1/connector-plugins" 3 | grep -q 'io.debezium.connector.postgresql.PostgresConnector'
}

is_connect() { # <port>: answers as Kafka Connect (GET / has its version and commit)
  http_get "http://$HOST:$1/" 2 | grep -q '"kafka_cluster_id"'
}

# First broker of KAFKA_BROKERS answers on TCP: the worker would otherwise
# retry for a minute and then exit with a less direct message.
kafka_answers() {
  local first=${KAFKA_BROKERS%%,*}
  local host=${first%:*} port=${first##*:}
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# ------------------------------------------------------------------- start

java_cmd=()
build_java() { # <main class> <args...>
  local main=$1
  shift
  # shellcheck disable=SC2206 # the *_OPTS hold several flags
  java_cmd=("$java_bin" $CONNECT_HEAP_OPTS $CONNECT_JVM_OPTS -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dcommlab.connect.log="$log_file"
    -cp "$libs_dir/*" "$main" "$@")
}

do_start() {
  local pid t0
  t0=$(now)
  need_curl
  if pid=$(running_pid "$pid_file" "$marker"); then
    need_same_port "Connect worker" "$pid" "$CONNECT_PORT"
    say "Kafka Connect from $root is already running (pid $pid)"
    wait_ready "$pid" "$CONNECT_START_TIMEOUT" "$log_file" worker_ready "$CONNECT_PORT"
    say "Kafka Connect ready on $url"
    return 0
  fi
  if port_open "$CONNECT_PORT"; then
    if is_connect "$CONNECT_PORT"; then
      worker_ready "$CONNECT_PORT" ||
        die "a Kafka Connect worker that is not ours, $(port_owner "$CONNECT_PORT"), answers on $HOST:$CONNECT_PORT but is not ready or has no Debezium PostgreSQL connector"
      say "Kafka Connect with Debezium already answers on $HOST:$CONNECT_PORT; it is $(port_owner "$CONNECT_PORT"), not one started from $root, so it is used as is"
      say "Kafka Connect ready on $url"
      return 0
    fi
    die "port $CONNECT_PORT on $HOST is in use by $(port_owner "$CONNECT_PORT"), which does not answer as Kafka Connect.
  Stop it, or pick another port, e.g. CONNECT_PORT=$((CONNECT_PORT + 10000)) $0 start"
  fi
  kafka_answers || die "Kafka does not answer at $KAFKA_BROKERS; Kafka Connect keeps its connectors in Kafka topics.
  Start the shared broker first: infra/kafka/kafka.sh start   (or point KAFKA_BROKERS at one)"

  need_java 17 "Kafka Connect $CONNECT_VERSION"
  fetched || fetch_all
  mkdir -p "$run_dir"
  sed -e "s|@BOOTSTRAP@|$KAFKA_BROKERS|g" -e "s|@GROUP@|$CONNECT_GROUP|g" \
    -e "s|@PORT@|$CONNECT_PORT|g" -e "s|@PLUGINS@|$plugins_dir|g" \
    "$here/connect-distributed.properties" >"$props_file"
  printf 'version=%s\ndebezium=%s\nport=%s\nbrokers=%s\ngroup=%s\n' "$CONNECT_VERSION" \
    "$DEBEZIUM_VERSION" "$CONNECT_PORT" "$KAFKA_BROKERS" "$CONNECT_GROUP" >"$state_file"
  say "starting Kafka Connect $CONNECT_VERSION (distributed, group $CONNECT_GROUP) on $HOST:$CONNECT_PORT against $KAFKA_BROKERS, with Debezium $DEBEZIUM_VERSION (log: $log_file)..."
  mark_start "$log_file" "Kafka Connect $CONNECT_VERSION on $HOST:$CONNECT_PORT"
  mark_start "$out_file" "Kafka Connect $CONNECT_VERSION on $HOST:$CONNECT_PORT"
  build_java org.apache.kafka.connect.cli.ConnectDistributed "$props_file"
  pid=$(spawn "$pid_file" "$out_file" "${java_cmd[0]}" "$marker" "${java_cmd[@]:1}") ||
    die "the Kafka Connect process did not start (log: $log_file)"
  stop_on_timeout=1
  wait_ready "$pid" "$CONNECT_START_TIMEOUT" "$log_file" worker_ready "$CONNECT_PORT"
  say "Kafka Connect up in $(($(now) - t0))s (pid $pid, RSS $(rss_mib "$pid") MiB)"
  say "Kafka Connect ready on $url"
}

do_stop() { stop_server "Kafka Connect" "$CONNECT_PORT" "$CONNECT_STOP_TIMEOUT"; }

do_status() {
  local port
  need_curl
  server_status worker "$CONNECT_PORT" "Kafka Connect $(state_get version) with Debezium $(state_get debezium)" \
    "Kafka $(state_get brokers), group $(state_get group)"
  say "log: $log_file"
  if worker_ready "$port"; then
    say "http://$HOST:$port is ready; connectors: $(connector_states "$port")"
    return 0
  fi
  status_down "$port" "is not a ready Kafka Connect worker with Debezium"
}

# "name (connector STATE, tasks STATE...)" per connector: a connector can be
# RUNNING while its task FAILED, which is what a lab needs to see.
connector_states() { # <port>
  local names n states out=""
  names=$(http_get "http://$HOST:$1/connectors" 3 | tr -d '[]"' | tr ',' ' ') || true
  for n in $names; do
    states=$(http_get "http://$HOST:$1/connectors/$n/status" 3 | grep -o '"state":"[A-Z]*"' | cut -d'"' -f4 | paste -sd' ' -) || true
    out+="${out:+, }$n (connector ${states%% *}, tasks ${states#* })"
    [ "${states#* }" != "$states" ] || out="${out%, tasks*}, no tasks)"
  done
  echo "${out:-none}"
}

do_wait() {
  need_curl
  wait_for "$CONNECT_PORT" "$CONNECT_START_TIMEOUT" worker_ready "$CONNECT_PORT"
  say "Kafka Connect ready on $url"
}

# Runs a Kafka command-line tool from the fetched jars, without the worker's
# log file: tools log to the terminal (warnings only).
run_tool() { # <main class> <args...>
  need_java 17 "the Kafka tools"
  [ -f "$libs_dir/kafka-tools-$CONNECT_VERSION.jar" ] || die "the Kafka tools are not fetched yet; run '$0 fetch'"
  exec "$java_bin" -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.level=WARN -cp "$libs_dir/*" "$@"
}

do_reset() {
  do_stop
  need_java 17 "the Kafka tools"
  [ -f "$libs_dir/kafka-tools-$CONNECT_VERSION.jar" ] || {
    say "nothing fetched yet, so no internal topics to delete"
    return 0
  }
  kafka_answers || die "Kafka does not answer at $KAFKA_BROKERS; cannot delete the internal topics"
  local topics="$CONNECT_GROUP-configs|$CONNECT_GROUP-offsets|$CONNECT_GROUP-status" out
  if ! out=$("$java_bin" -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.level=WARN -cp "$libs_dir/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BROKERS" \
    --delete --if-exists --topic "${topics//./\\.}" 2>&1); then
    printf '%s\n' "$out" >&2
    die "deleting the internal topics failed (above)"
  fi
  say "deleted the internal topics ${topics//|/, } (if they existed): connectors and their offsets are gone"
  say "  Replication slots a Debezium connector made stay in PostgreSQL; drop them there (pg_drop_replication_slot) or they keep WAL."
}

do_console_consumer() { run_tool org.apache.kafka.tools.consumer.ConsoleConsumer "$@"; }
do_topics() { run_tool org.apache.kafka.tools.TopicCommand "$@"; }

commands=(fetch start stop restart status wait reset logs console-consumer topics)
locked_commands=(fetch start stop restart reset)
lock_dir=$root/.lock
serve "$@"
