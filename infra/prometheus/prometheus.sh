#!/usr/bin/env bash
# Runs a real Prometheus for a lab, from Debian's `prometheus` package
# (installed when missing, as root), with the lab's own config file and rules.
# Not the system service: our own process, on 127.0.0.1, with its data in a
# folder the lab names or a temp folder. See README.md.
#
#   prometheus.sh start --config FILE [--data DIR] [--port N]
#   prometheus.sh stop | status | wait | reload | logs [--port N]
#   prometheus.sh check --config FILE | install
#
# Environment: PROMETHEUS_PORT (9090), PROMETHEUS_RETENTION (1d),
# PROMETHEUS_START_TIMEOUT (60 s), PROMETHEUS_STOP_TIMEOUT (20 s),
# COMMLAB_CACHE (~/.cache/commlab), PROMETHEUS_BIN / PROMTOOL_BIN.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"

settings PROMETHEUS_PORT=9090 \
  PROMETHEUS_RETENTION=1d \
  PROMETHEUS_START_TIMEOUT=60 \
  PROMETHEUS_STOP_TIMEOUT=20

usage() {
  cat <<EOF
usage: $prog <command> [options]

  start --config FILE [--data DIR] [--port N]
           check FILE with promtool, then run Prometheus on $HOST:PORT with it and wait
           until it is ready. Data goes to DIR (kept), or to a temp folder removed by stop.
  stop     stop the Prometheus this script started on PORT (and remove its temp data)
  restart  stop, then start (same options as start)
  reload   check the running config file again with promtool, then make Prometheus
           re-read it and its rules (SIGHUP); fails if the reload fails
  status   is our Prometheus answering on PORT? (exit 0 yes, 3 no)
  wait     wait until a Prometheus is ready on PORT (PROMETHEUS_START_TIMEOUT)
  check --config FILE   only run promtool on the config and the rule files it names
  install  install Debian's prometheus package if it is missing (as root)
  logs     follow the server log

  --port N defaults to \$PROMETHEUS_PORT ($PROMETHEUS_PORT). One instance per port.
EOF
}

# ------------------------------------------------------------- arguments

cmd=${1:-}
[ $# -eq 0 ] || shift
config=""
data=""
port=$PROMETHEUS_PORT
while [ $# -gt 0 ]; do
  case $1 in
    --config | --data | --port)
      if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi
      case $1 in
        --config) config=$2 ;;
        --data) data=$2 ;;
        --port) port=$2 ;;
      esac
      shift 2
      ;;
    --config=* | --data=* | --port=*)
      case $1 in
        --config=*) config=${1#*=} ;;
        --data=*) data=${1#*=} ;;
        --port=*) port=${1#*=} ;;
      esac
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
need_port "port" "$port"
case $PROMETHEUS_RETENTION in
  *[0-9][smhdwy]) ;;
  *) usage_error "PROMETHEUS_RETENTION must be a duration such as 2h or 1d, got '$PROMETHEUS_RETENTION'" ;;
esac

root=$cache_root/prometheus
run_dir=$root/$port
pid_file=$run_dir/prometheus.pid
log_file=$run_dir/prometheus.log
state_file=$run_dir/prometheus.state
# Our instance is the process whose command line names its data folder
# (the trailing space: more flags follow, so /data never matches /data2).
marker=--storage.tsdb.path=

prometheus_bin=""
promtool_bin=""
find_bins() {
  prometheus_bin=${PROMETHEUS_BIN:-$(command -v prometheus || true)}
  promtool_bin=${PROMTOOL_BIN:-$(command -v promtool || true)}
  if [ -z "$prometheus_bin" ] || [ -z "$promtool_bin" ]; then
    need_deb prometheus prometheus promtool
    prometheus_bin=$(command -v prometheus)
    promtool_bin=$(command -v promtool)
  fi
}

our_pid() {
  local dir
  dir=$(state_get data)
  [ -n "$dir" ] || return 1
  running_pid "$pid_file" "$marker$dir "
}

need_config() {
  [ -n "$config" ] || usage_error "$cmd needs --config FILE (the lab's prometheus.yml)"
  [ -f "$config" ] || die "config file not found: $config"
  config=$(absolute "$config")
}

# promtool checks the YAML, the scrape configs and every rule file named in
# rule_files (syntax, PromQL, duplicate rules), so a lab's typo stops here
# with promtool's message instead of in a crash-looping server.
check_config() { # <file>
  local out
  if ! out=$("$promtool_bin" check config "$1" 2>&1); then
    printf '%s\n' "$out" >&2
    die "promtool rejected $1 (above); nothing was started or changed"
  fi
}

ready() { # <port>: /-/ready answers 200 only once the TSDB is open and the config loaded
  local body
  body=$(http_get "http://$HOST:$1/-/ready" 2) || return 1
  case $body in *Prometheus*) return 0 ;; *) return 1 ;; esac
}

is_prometheus() { # <port>: answers as a Prometheus, ready or not
  curl -sS --max-time 2 -o /dev/null -w '%{http_code}' "http://$HOST:$1/-/healthy" 2>/dev/null | grep -q '^200$'
}

# ------------------------------------------------------------------ start

do_start() {
  local pid t0 running_config
  t0=$(now)
  need_curl
  need_config
  find_bins
  if pid=$(our_pid); then
    running_config=$(state_get config)
    if [ "$running_config" != "$config" ]; then
      die "Prometheus on $HOST:$port (pid $pid) already runs with another config: $running_config
  Use '$prog restart --config $config --port $port', or another --port."
    fi
    if [ -n "$data" ] && [ "$(absolute "$data")" != "$(state_get data)" ]; then
      die "Prometheus on $HOST:$port (pid $pid) already runs with data in $(state_get data), not $data; restart it to switch"
    fi
    say "Prometheus on $HOST:$port is already running with $config (pid $pid)"
    wait_ready "$pid" "$PROMETHEUS_START_TIMEOUT" "$log_file" ready "$port"
    say "Prometheus ready on http://$HOST:$port"
    return 0
  fi
  check_config "$config"
  if port_open "$port"; then
    # Unlike Zipkin, another Prometheus is no use: it has someone else's
    # scrape config and rules.
    if is_prometheus "$port"; then
      die "port $port on $HOST is served by another Prometheus, $(port_owner "$port"), not one this script started (Debian's system service? 'sudo systemctl disable --now prometheus').
  Stop it, or use another port: $prog start --config $config --port $((port + 1))"
    fi
    die "port $port on $HOST is in use by $(port_owner "$port").
  Stop it, or use another port: $prog start --config $config --port $((port + 1))"
  fi

  local temp=""
  mkdir -p "$run_dir"
  if [ -n "$data" ]; then
    mkdir -p "$data" || die "cannot create the data folder $data"
    data=$(absolute "$data")
    [ -w "$data" ] || die "the data folder $data is not writable"
  else
    data=$(mktemp -d "${TMPDIR:-/tmp}/commlab-prometheus-$port.XXXXXX")
    temp=1
  fi
  printf 'config=%s\ndata=%s\ntemp=%s\nversion=%s\n' "$config" "$data" "$temp" \
    "$("$prometheus_bin" --version 2>&1 | sed -n 's/^prometheus, version \([^ ]*\).*/\1/p')" >"$state_file"

  say "starting Prometheus $(state_get version) on $HOST:$port with $config (data: $data${temp:+, temporary}; log: $log_file)..."
  mark_start "$log_file" "Prometheus on $HOST:$port with $config"
  # --web.enable-lifecycle: POST /-/reload (what 'reload' does with SIGHUP).
  # --web.enable-admin-api: POST /api/v1/admin/tsdb/delete_series, for a
  # lab's reset between exercises. Both are fine on a loopback-only port.
  pid=$(spawn "$pid_file" "$log_file" "$prometheus_bin" \
    --config.file="$config" \
    "$marker$data" \
    --storage.tsdb.retention.time="$PROMETHEUS_RETENTION" \
    --web.listen-address="$HOST:$port" \
    --web.enable-lifecycle --web.enable-admin-api) ||
    die "the Prometheus process did not start (log: $log_file)"
  stop_on_timeout=1
  wait_ready "$pid" "$PROMETHEUS_START_TIMEOUT" "$log_file" ready "$port"
  say "Prometheus up in $(($(now) - t0))s (pid $pid, RSS $(rss_mib "$pid") MiB)"
  say "Prometheus ready on http://$HOST:$port"
}

remove_temp_data() {
  local dir
  dir=$(state_get data)
  if [ "$(state_get temp)" = 1 ] && [ -n "$dir" ] && [ -d "$dir" ]; then
    rm -rf "$dir"
    say "removed the temporary data folder $dir"
  fi
}

do_stop() {
  local pid t0
  t0=$(now)
  if ! pid=$(our_pid); then
    if port_open "$port"; then
      say "no Prometheus started by $prog on $HOST:$port; the port is served by $(port_owner "$port"), left alone"
    else
      say "Prometheus is not running on $HOST:$port"
    fi
    remove_temp_data
    rm -f "$state_file"
    return 0
  fi
  say "stopping Prometheus on $HOST:$port (pid $pid)..."
  stop_pid "$pid" "$PROMETHEUS_STOP_TIMEOUT"
  rm -f "$pid_file"
  remove_temp_data
  rm -f "$state_file"
  say "Prometheus stopped ($(($(now) - t0))s)"
}

do_reload() {
  local pid before after waited=0
  need_curl
  find_bins
  pid=$(our_pid) ||
    die "no Prometheus started by $prog runs on $HOST:$port"
  config=$(state_get config)
  check_config "$config"
  before=$(reload_count "$port")
  kill -HUP "$pid"
  # Prometheus bumps prometheus_config_last_reload_success_timestamp_seconds
  # only on success; prometheus_config_last_reload_successful says which.
  while :; do
    after=$(reload_count "$port")
    if [ -n "$after" ] && [ "$after" != "$before" ]; then break; fi
    if [ "$(reload_ok "$port")" = 0 ]; then break; fi
    [ "$waited" -lt 40 ] || die "Prometheus did not confirm the reload within 20s (log: $log_file)"
    sleep 0.5
    waited=$((waited + 1))
  done
  if [ "$(reload_ok "$port")" != 1 ]; then
    tail_log "$log_file"
    die "Prometheus could not apply $config (log above); it keeps running with the previous config"
  fi
  say "Prometheus on $HOST:$port reloaded $config"
}

# Reads the whole page: an awk that exits at the match makes curl fail on
# a closed pipe now and then (exit 23), which pipefail turns into a failed
# reload.
metric() { # <port> <name>: the value of an unlabelled metric of Prometheus itself
  http_get "http://$HOST:$1/metrics" 3 | awk -v m="$2" '$1 == m && !found { print $2; found = 1 }'
}
reload_count() { metric "$1" prometheus_config_last_reload_success_timestamp_seconds; }
reload_ok() { metric "$1" prometheus_config_last_reload_successful; }

do_status() {
  local pid
  need_curl
  if pid=$(our_pid); then
    say "prometheus.sh on $HOST:$port: running, pid $pid, Prometheus $(state_get version), RSS $(rss_mib "$pid") MiB, up $(uptime_of "$pid")"
    say "config: $(state_get config)"
    say "data:   $(state_get data)$([ "$(state_get temp)" = 1 ] && echo ' (temporary, removed by stop)')"
  else
    say "prometheus.sh on $HOST:$port: not running"
  fi
  say "log:    $log_file"
  if ready "$port"; then
    local targets
    targets=$(http_get "http://$HOST:$port/api/v1/targets?state=active" 3 |
      grep -o '"health":"[a-z]*"' | sort | uniq -c | awk '{ sub(/"health":/, "", $2); gsub(/"/, "", $2); printf "%s%s %s", sep, $1, $2; sep = ", " }') || true
    say "http://$HOST:$port is ready; targets: ${targets:-none yet (they appear within about 5 s of a start or reload)}"
    return 0
  fi
  status_down "$port" "is not a ready Prometheus"
}

do_wait() {
  local pid="" log=""
  need_curl
  if pid=$(our_pid); then
    log=$log_file
  else
    pid=""
  fi
  wait_ready "$pid" "$PROMETHEUS_START_TIMEOUT" "$log" ready "$port"
  say "Prometheus ready on http://$HOST:$port"
}

do_restart() {
  # Without options: the running one's config, and its data unless temporary.
  [ -n "$config" ] || config=$(state_get config)
  if [ -z "$data" ] && [ "$(state_get temp)" != 1 ]; then data=$(state_get data); fi
  need_config
  do_stop
  do_start
}

do_check() {
  need_config
  find_bins
  check_config "$config"
  say "$config: OK"
}

do_install() {
  find_bins
  say "prometheus: $prometheus_bin ($("$prometheus_bin" --version 2>&1 | head -n 1))"
}

commands=(start stop restart reload status wait check install logs)
locked_commands=(start stop restart reload install)
lock_dir=$root/.lock-$port
serve "$cmd"
