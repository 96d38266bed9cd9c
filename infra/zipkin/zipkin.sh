#!/usr/bin/env bash
# Runs a real Zipkin server (in-memory span store) for the labs, from its
# executable jar fetched once from Maven Central: no Docker, nothing installed
# system-wide. See README.md.
#
#   zipkin.sh fetch | start | stop | restart | status | wait | logs
#
# Environment: ZIPKIN_PORT (9411), ZIPKIN_VERSION (3.5.1), ZIPKIN_HEAP_OPTS,
# ZIPKIN_MAX_SPANS (40000), ZIPKIN_START_TIMEOUT (60 s), ZIPKIN_STOP_TIMEOUT
# (20 s), COMMLAB_CACHE (~/.cache/commlab), JAVA_HOME.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"

settings ZIPKIN_VERSION=3.5.1 \
  ZIPKIN_PORT=9411
# In-memory storage lives on the heap, about 2 KiB a span of lab 14 (tags and
# indexes): 40k spans take ~100 MiB of the 256, leaving room for queries and
# bursts. 100k filled the heap (240 MiB measured) and a burst of spans ran it
# out of memory; the JVM then hung instead of exiting, so a full heap ends it.
# Serial GC and C1-only JIT: a third less RSS and half the start-up CPU of the
# defaults, at a throughput no lab notices.
settings "ZIPKIN_HEAP_OPTS=-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:+ExitOnOutOfMemoryError" \
  ZIPKIN_MAX_SPANS=40000 \
  ZIPKIN_START_TIMEOUT=60 \
  ZIPKIN_STOP_TIMEOUT=20
need_port ZIPKIN_PORT "$ZIPKIN_PORT"

root=$cache_root/zipkin
jar=$root/$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar
run_dir=$root/run
pid_file=$run_dir/zipkin.pid
log_file=$run_dir/zipkin.log
state_file=$run_dir/zipkin.state
# On the JVM's command line: tells our server from any other Java process.
marker=-Dcommlab.zipkin.run=$run_dir

usage() {
  cat <<EOF
usage: $prog <command>

  fetch    download the Zipkin $ZIPKIN_VERSION server jar from Maven Central (once, ~125 MB)
  start    fetch if needed, start Zipkin on $HOST:$ZIPKIN_PORT (in-memory store) and
           wait until it is ready
  stop     stop the Zipkin started by this script
  restart  stop, then start (the in-memory store starts empty)
  status   does Zipkin answer on $HOST:$ZIPKIN_PORT? (exit 0 yes, 3 no)
  wait     wait until Zipkin answers on $HOST:$ZIPKIN_PORT (ZIPKIN_START_TIMEOUT)
  logs     follow the server log

cache: $root
EOF
}

# ------------------------------------------------------------------- fetch

do_fetch() {
  if [ -f "$jar" ]; then say "Zipkin $ZIPKIN_VERSION already fetched: $jar"; else fetch_jar; fi
}

fetch_jar() {
  [ -f "$jar" ] && return 0
  need_mvn "the Zipkin server jar"
  local t0
  t0=$(now)
  # The exec classifier is the runnable Spring Boot jar; the plain one is a
  # library. The user's ~/.m2 (and settings.xml mirrors/proxies) is used.
  mvn_copy "the Zipkin server" "$ZIPKIN_VERSION" "~125 MB" "io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    "${jar##*/}" "$root/$ZIPKIN_VERSION"
  mv "$copied/${jar##*/}" "$jar"
  say "fetched ${jar##*/} ($(du -h "$jar" | cut -f1)) in $(($(now) - t0))s into $root/$ZIPKIN_VERSION"
}

# ------------------------------------------------------------- readiness

# /health names the "zipkin" component only on a Zipkin server; UP once the
# storage and collectors are up.
zipkin_up() { # <port>
  local body
  body=$(http_get "http://$HOST:$1/health" 2) || return 1
  case $body in *'"zipkin"'*'"UP"'* | *'"UP"'*'"zipkin"'*) return 0 ;; *) return 1 ;; esac
}

zipkin_version() { # <port>: what /info reports
  http_get "http://$HOST:$1/info" 2 | sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p' | head -n 1
}

# ------------------------------------------------------------------- start

do_start() {
  local pid t0
  t0=$(now)
  need_curl
  if pid=$(running_pid "$pid_file" "$marker"); then
    need_same_port Zipkin "$pid" "$ZIPKIN_PORT"
    say "Zipkin from $root is already running (pid $pid)"
    wait_ready "$pid" "$ZIPKIN_START_TIMEOUT" "$log_file" zipkin_up "$ZIPKIN_PORT"
    say "Zipkin ready on http://$HOST:$ZIPKIN_PORT"
    return 0
  fi
  if port_open "$ZIPKIN_PORT"; then
    if zipkin_up "$ZIPKIN_PORT"; then
      say "Zipkin $(zipkin_version "$ZIPKIN_PORT") already answers on $HOST:$ZIPKIN_PORT; it is $(port_owner "$ZIPKIN_PORT"), not one started from $root, so it is used as is"
      say "Zipkin ready on http://$HOST:$ZIPKIN_PORT"
      return 0
    fi
    die "port $ZIPKIN_PORT on $HOST is in use by $(port_owner "$ZIPKIN_PORT"), which does not answer as Zipkin.
  Stop it, or pick another port, e.g. ZIPKIN_PORT=$((ZIPKIN_PORT + 10000)) $0 start"
  fi

  need_java 17 "Zipkin $ZIPKIN_VERSION"
  fetch_jar
  mkdir -p "$run_dir"
  printf 'version=%s\nport=%s\n' "$ZIPKIN_VERSION" "$ZIPKIN_PORT" >"$state_file"
  say "starting Zipkin $ZIPKIN_VERSION on $HOST:$ZIPKIN_PORT (log: $log_file)..."
  mark_start "$log_file" "Zipkin $ZIPKIN_VERSION on $HOST:$ZIPKIN_PORT"
  # STORAGE_TYPE=mem: spans live in the JVM only, and a restart empties it,
  # which is what a lab wants. The collectors for Kafka, RabbitMQ, ActiveMQ
  # and Pulsar stay off (they start only when their address is set); labs
  # send spans over HTTP (POST /api/v2/spans). Armeria binds loopback only.
  # shellcheck disable=SC2086 # ZIPKIN_HEAP_OPTS holds several flags
  pid=$(STORAGE_TYPE=mem MEM_MAX_SPANS=$ZIPKIN_MAX_SPANS SELF_TRACING_ENABLED=false \
    KAFKA_BOOTSTRAP_SERVERS='' RABBIT_ADDRESSES='' RABBIT_URI='' ACTIVEMQ_URL='' PULSAR_SERVICE_URL='' \
    spawn "$pid_file" "$log_file" "$java_bin" $ZIPKIN_HEAP_OPTS "$marker" \
    -Djava.awt.headless=true -jar "$jar" \
    "--armeria.ports[0].ip=$HOST" "--armeria.ports[0].port=$ZIPKIN_PORT" \
    "--armeria.ports[0].protocols[0]=http" --logging.level.root=WARN \
    --logging.level.com.linecorp.armeria.server.Server=INFO) ||
    die "the Zipkin process did not start (log: $log_file)"
  stop_on_timeout=1
  wait_ready "$pid" "$ZIPKIN_START_TIMEOUT" "$log_file" zipkin_up "$ZIPKIN_PORT"
  say "Zipkin $ZIPKIN_VERSION up in $(($(now) - t0))s (pid $pid, RSS $(rss_mib "$pid") MiB)"
  say "Zipkin ready on http://$HOST:$ZIPKIN_PORT"
}

do_stop() { stop_server Zipkin "$ZIPKIN_PORT" "$ZIPKIN_STOP_TIMEOUT"; }

do_status() {
  local port
  need_curl
  server_status server "$ZIPKIN_PORT" "Zipkin $(state_get version)"
  say "log: $log_file"
  if zipkin_up "$port"; then
    say "http://$HOST:$port answers as Zipkin $(zipkin_version "$port")"
    return 0
  fi
  status_down "$port" "does not answer as Zipkin"
}

# For a caller that started Zipkin some other way (or in the background).
do_wait() {
  need_curl
  wait_for "$ZIPKIN_PORT" "$ZIPKIN_START_TIMEOUT" zipkin_up "$ZIPKIN_PORT"
  say "Zipkin ready on http://$HOST:$ZIPKIN_PORT"
}

[ $# -le 1 ] || usage_error "takes one command, got: $*"
commands=(fetch start stop restart status wait logs)
locked_commands=(fetch start stop restart)
lock_dir=$root/.lock
serve "$@"
