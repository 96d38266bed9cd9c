#!/usr/bin/env bash
# Runs a real three-node RabbitMQ cluster on this machine from the installed
# rabbitmq-server (Debian package, Homebrew...): nodes rabbit-1..3@localhost,
# each with its own AMQP and distribution ports and data dir, a shared Erlang
# cookie, joined into one cluster. The machine's own RabbitMQ (5672) is left
# alone; the nodes share its epmd. See README.md.
#
#   cluster.sh start | stop | kill | restart | status | reset | urls | logs <node>
#   cluster.sh node <node> start | stop | kill | restart | status
#   cluster.sh ctl <rabbitmqctl args...> | queues <rabbitmq-queues args...>
#
# Environment: RABBITMQ_CLUSTER_PORT (5673), RABBITMQ_CLUSTER_DIST_PORT (25673),
# RABBITMQ_CLUSTER_MANAGEMENT (off; on: ports 15673-15675), RABBITMQ_SBIN,
# COMMLAB_CACHE (~/.cache/commlab), RABBITMQ_CLUSTER_START_TIMEOUT (90 s),
# RABBITMQ_CLUSTER_STOP_TIMEOUT (30 s).
# Another set of nodes beside this cluster (a test's own broker): RABBITMQ_CLUSTER_NAME
# (rabbit: nodes rabbit-1..N@localhost; node names are unique per machine, as
# they share its epmd), RABBITMQ_CLUSTER_SIZE (3; 1 to 3) and RABBITMQ_CLUSTER_DIR
# ($COMMLAB_CACHE/rabbitmq-cluster), with ports of their own.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"

settings RABBITMQ_CLUSTER_PORT=5673 \
  RABBITMQ_CLUSTER_DIST_PORT=25673 \
  RABBITMQ_CLUSTER_NAME=rabbit \
  RABBITMQ_CLUSTER_SIZE=3 \
  RABBITMQ_CLUSTER_DIR="$cache_root/rabbitmq-cluster" \
  RABBITMQ_CLUSTER_MANAGEMENT=off \
  RABBITMQ_CLUSTER_START_TIMEOUT=90 \
  RABBITMQ_CLUSTER_STOP_TIMEOUT=30

[[ $RABBITMQ_CLUSTER_NAME =~ ^[a-z][a-z0-9-]*$ ]] ||
  die "RABBITMQ_CLUSTER_NAME must be lower-case letters, digits and dashes, got '$RABBITMQ_CLUSTER_NAME'"
[ "$RABBITMQ_CLUSTER_SIZE" -ge 1 ] && [ "$RABBITMQ_CLUSTER_SIZE" -le 3 ] ||
  die "RABBITMQ_CLUSTER_SIZE must be 1, 2 or 3, got '$RABBITMQ_CLUSTER_SIZE'"
case $RABBITMQ_CLUSTER_MANAGEMENT in
  on | off) ;;
  *) die "RABBITMQ_CLUSTER_MANAGEMENT must be on or off" ;;
esac
# RabbitMQ treats SIGTERM as a clean shutdown.
# shellcheck disable=SC2034 # used by nodes.sh
node_stop_timeout=$RABBITMQ_CLUSTER_STOP_TIMEOUT

# shellcheck source=../lib/nodes.sh
. "$here/../lib/nodes.sh"

NODES=()
for ((i = 1; i <= RABBITMQ_CLUSTER_SIZE; i++)); do NODES+=("$RABBITMQ_CLUSTER_NAME-$i"); done
cluster_root=$RABBITMQ_CLUSTER_DIR
# The cookie lives here, as .erlang.cookie: the nodes and our CLI calls run
# with HOME set to it, so they share a cookie that is not the machine's.
home_dir=$cluster_root/home

usage() {
  cat <<EOF
usage: ${0##*/} <command>

  start          start every node that is not running (a fresh cluster one node
                 at a time), wait until all three run as one cluster
  stop           stop every node cleanly
  kill           SIGKILL every node
  restart        stop, then start
  status         each node: running, pid, RSS; the cluster as rabbit-1..3 see it
  reset          kill every node and wipe the data: the next start is fresh
  urls           print the AMQP URLs, comma-separated ($(urls))
  logs <node>    follow a node's log
  node <node> start|stop|kill|restart|status
  ctl ...        rabbitmqctl against a running node (-n <node>@localhost to pick)
  queues ...     rabbitmq-queues likewise, e.g. queues quorum_status <queue>

cache: $cluster_root
EOF
}

# ------------------------------------------------------------- installation

sbin=""
# The real scripts, not Debian's /usr/sbin wrappers: those switch to the
# rabbitmq user (and its cookie and HOME) when run as root.
need_rabbitmq() {
  local candidate
  for candidate in "${RABBITMQ_SBIN:-}" /usr/lib/rabbitmq/bin; do
    if [ -n "$candidate" ] && [ -x "$candidate/rabbitmq-server" ]; then
      sbin=$candidate
      return 0
    fi
  done
  candidate=$(command -v rabbitmq-server || true)
  [ -n "$candidate" ] || die "rabbitmq-server not found. Install it:
  Debian/Ubuntu: sudo apt-get install rabbitmq-server
  macOS:         brew install rabbitmq
  or set RABBITMQ_SBIN to the folder holding rabbitmq-server and rabbitmqctl."
  sbin=$(dirname -- "$candidate")
}

# ----------------------------------------------------------------- the nodes

is_node() {
  local node
  for node in "${NODES[@]}"; do [ "$node" != "$1" ] || return 0; done
  return 1
}
index_of() { echo "${1##*-}"; }
node_name() { echo "$1@localhost"; }
amqp_port() { echo $((RABBITMQ_CLUSTER_PORT + $(index_of "$1") - 1)); }
dist_port() { echo $((RABBITMQ_CLUSTER_DIST_PORT + $(index_of "$1") - 1)); }
management_port() { echo $((15672 + $(index_of "$1"))); }
node_dir() { echo "$cluster_root/$1"; }
data_dir() { echo "$cluster_root/$1/data"; }
pid_file() { echo "$cluster_root/$1/beam.pid"; }
log_dir() { echo "$cluster_root/$1/log"; }
log_file() { echo "$cluster_root/$1/log/$(node_name "$1").log"; }
out_file() { echo "$cluster_root/$1/node.out"; }

urls() {
  local node list=""
  for node in "${NODES[@]}"; do list+=${list:+,}amqp://guest:guest@127.0.0.1:$(amqp_port "$node"); done
  echo "$list"
}

# The Erlang VM's command line carries this marker (an argument the VM
# ignores), so a node is recognised by its process even without a pid file.
marker() { echo "-commlab_node $(node_dir "$1")"; }
node_marker() { echo "$(marker "$1") "; }

has_data() { [ -d "$(data_dir "$1")/$(node_name "$1")" ]; }

ensure_cookie() {
  mkdir -p "$home_dir"
  local cookie=$home_dir/.erlang.cookie
  if ! [ -s "$cookie" ]; then
    rm -f "$cookie"
    # 20 random capitals; `|| true`: tr ends on SIGPIPE once head has enough.
    (umask 077 && { LC_ALL=C tr -dc '[:upper:]' </dev/urandom | head -c 20 || true; } >"$cookie")
  fi
  # Erlang refuses a cookie file that others can read.
  chmod 400 "$cookie"
}

write_config() { # <node>
  local node=$1 dir
  dir=$(node_dir "$node")
  mkdir -p "$dir" "$(data_dir "$node")" "$(log_dir "$node")"
  # Peer discovery lists this set's nodes only, by this set's names.
  local -a drop=()
  local i
  for ((i = RABBITMQ_CLUSTER_SIZE + 1; i <= 3; i++)); do drop+=(-e "/classic_config\.nodes\.$i = /d"); done
  sed -e "s|@AMQP_PORT@|$(amqp_port "$node")|g" -e "s|@DIST_PORT@|$(dist_port "$node")|g" \
    -e "s|= rabbit-\([0-9]\)@localhost|= $RABBITMQ_CLUSTER_NAME-\1@localhost|" "${drop[@]}" \
    "$here/rabbitmq.conf" >"$dir/rabbitmq.conf"
  if [ "$RABBITMQ_CLUSTER_MANAGEMENT" = on ]; then
    printf 'management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = %s\n' "$(management_port "$node")" >>"$dir/rabbitmq.conf"
    echo '[rabbitmq_management].' >"$dir/enabled_plugins"
  else
    # No plugins: the management UI alone costs each node ~40 MB.
    echo '[].' >"$dir/enabled_plugins"
  fi
}

# The environment a node and the CLI run with: everything in our folders,
# nothing from /etc/rabbitmq (RABBITMQ_CONF_ENV_FILE points at nothing).
node_env() { # <node>: prints NAME=value lines for env
  local node=$1 dir
  dir=$(node_dir "$node")
  cat <<EOF
HOME=$home_dir
RABBITMQ_NODENAME=$(node_name "$node")
RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
RABBITMQ_NODE_PORT=$(amqp_port "$node")
RABBITMQ_DIST_PORT=$(dist_port "$node")
RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
RABBITMQ_CONF_ENV_FILE=$dir/none.conf
RABBITMQ_ADVANCED_CONFIG_FILE=$dir/none.config
RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
RABBITMQ_MNESIA_BASE=$(data_dir "$node")
RABBITMQ_LOG_BASE=$(log_dir "$node")
RABBITMQ_PID_FILE=$(pid_file "$node")
RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=$(marker "$node")
ERL_EPMD_ADDRESS=127.0.0.1
ERL_CRASH_DUMP=$dir/erl_crash.dump
EOF
}

in_env() { # <node> <command...>
  local node=$1
  shift
  local -a vars
  mapfile -t vars < <(node_env "$node")
  env "${vars[@]}" "$@"
}

# rabbitmqctl (or another CLI tool) against one node, with the cluster's cookie.
cli() { # <tool> <node> <args...>
  local tool=$1 node=$2
  shift 2
  in_env "$node" "$sbin/$tool" -n "$(node_name "$node")" "$@"
}

# RabbitMQ's own log spans every run and has no start marks: its plain tail.
node_tail() {
  local log out
  log=$(log_file "$1")
  out=$(out_file "$1")
  if [ -s "$log" ]; then
    printf -- '--- last 20 lines of %s ---\n' "$log" >&2
    tail -n 20 "$log" >&2
  fi
  if [ -s "$out" ]; then
    printf -- '--- %s ---\n' "$out" >&2
    tail -n 20 "$out" >&2
  fi
}

# Starts one node (under its lock) unless it runs; does not wait for it.
launch() {
  local node=$1 port
  if claim_for_start "$node"; then return 0; fi
  for port in "$(amqp_port "$node")" "$(dist_port "$node")"; do
    if port_open "$port"; then
      die "port $port ($node) is in use by $(port_owner "$port"); stop it, or move the cluster with RABBITMQ_CLUSTER_PORT / RABBITMQ_CLUSTER_DIST_PORT"
    fi
  done
  ensure_cookie
  write_config "$node"
  rm -f "$(pid_file "$node")"
  mark_start "$(out_file "$node").log" "$(node_name "$node") on 127.0.0.1:$(amqp_port "$node")"
  # The rabbitmq-server script stays as the VM's parent (it turns SIGTERM
  # into a clean stop); the VM's own pid comes from RABBITMQ_PID_FILE.
  local -a vars
  mapfile -t vars < <(node_env "$node")
  node_spawn "$(node_dir "$node")/script.pid" "$(out_file "$node")" env "${vars[@]}" "$sbin/rabbitmq-server" >/dev/null ||
    die "$node did not start (see $(out_file "$node"))"
  say "starting $(node_name "$node") (AMQP 127.0.0.1:$(amqp_port "$node"), distribution $(dist_port "$node"))"
}

# A node is up once its AMQP listener accepts connections: RabbitMQ opens it
# last, after the node joined the cluster and recovered its queues.
is_up() { port_open "$(amqp_port "$1")"; }

# What await (nodes.sh) checks while it waits: a node whose VM and start
# script are both gone fails the wait at once; at the timeout it shows the
# nodes that are not up.
node_exited() { ! node_pid "$1" >/dev/null && ! script_running "$1"; }
node_stuck() { ! is_up "$1"; }
node_start_timeout=$RABBITMQ_CLUSTER_START_TIMEOUT
await_hint="a node restarted alone waits for the peers it last saw"

# The start script runs before the VM writes its pid file.
script_running() {
  local pid
  pid=$(read_pid "$(node_dir "$1")/script.pid")
  [ -n "$pid" ] && pid_alive "$pid"
}

all_up() {
  local node
  for node in "$@"; do is_up "$node" || return 1; done
}

# Running members as one node sees them.
running_members() { # <node>
  cli rabbitmqctl "$1" cluster_status --formatter json 2>/dev/null |
    tr -d '\n ' | sed -n 's/.*"running_nodes":\[\([^]]*\)\].*/\1/p' | tr -d '"'
}

do_start() {
  local t0 node fresh=() known=()
  t0=$(now)
  need_rabbitmq
  for node in "${NODES[@]}"; do
    if has_data "$node"; then known+=("$node"); else fresh+=("$node"); fi
  done
  # Nodes that were in the cluster start together: each waits for the peers
  # it saw last. Fresh nodes start one by one, so that peer discovery finds
  # a running cluster to join instead of two fresh nodes choosing each other.
  if [ "${#known[@]}" -gt 0 ]; then
    for node in "${known[@]}"; do launch "$node"; done
    release_locks
    await "${known[*]} to be up" "${known[*]}" all_up "${known[@]}"
  fi
  for node in "${fresh[@]}"; do
    launch "$node"
    release_locks
    await "$node to be up" "$node" is_up "$node"
  done
  local members
  members=$(running_members "${NODES[0]}")
  [ "$(tr ',' '\n' <<<"$members" | grep -c .)" -eq "${#NODES[@]}" ] ||
    die "the nodes run but do not form one cluster: ${NODES[0]} sees running nodes [${members}]; run '$0 reset' and start again"
  say "RabbitMQ cluster up in $(($(now) - t0))s: ${members//,/, }"
  say "RabbitMQ cluster ready on $(urls)"
}

node_start() {
  need_rabbitmq
  launch "$1"
  release_locks
  await "$1 to be up" "$1" is_up "$1"
  say "$(node_name "$1") ready on 127.0.0.1:$(amqp_port "$1")"
}

do_stop() {
  local t0
  t0=$(now)
  stop_nodes "${NODES[@]}"
  say "RabbitMQ cluster stopped ($(($(now) - t0))s)"
}

node_status() {
  local node=$1 pid
  if pid=$(node_pid "$node"); then
    local up="starting"
    if is_up "$node"; then up="up"; fi
    printf '%-9s %-19s AMQP 127.0.0.1:%-5s %s, pid %s, RSS %s MiB\n' "$node" "$(node_name "$node")" \
      "$(amqp_port "$node")" "$up" "$pid" "$(rss_mib "$pid")"
    return 0
  fi
  printf '%-9s %-19s AMQP 127.0.0.1:%-5s not running\n' "$node" "$(node_name "$node")" "$(amqp_port "$node")"
  return 1
}

do_status() {
  local node pid up=0 rss=0 seen=""
  for node in "${NODES[@]}"; do
    if node_status "$node"; then
      up=$((up + 1))
      pid=$(node_pid "$node")
      rss=$((rss + $(rss_kib "$pid")))
      if [ -z "$seen" ] && is_up "$node"; then
        need_rabbitmq
        seen="$node sees running nodes [$(running_members "$node")]"
      fi
    fi
  done
  say "$up of ${#NODES[@]} nodes running, RSS together $((rss / 1024)) MiB (data: $cluster_root)"
  if [ -n "$seen" ]; then say "$seen"; fi
  [ "$up" -eq "${#NODES[@]}" ]
}

do_reset() {
  do_kill
  local node
  for node in "${NODES[@]}"; do rm -rf "$(data_dir "$node")"; done
  say "wiped the cluster's data under $cluster_root; the next start forms a fresh cluster"
}

# A running node for ctl/queues: -n <node>@localhost if given, else the first up.
first_up() {
  local node
  for node in "${NODES[@]}"; do
    if is_up "$node"; then
      echo "$node"
      return 0
    fi
  done
  die "no node of the cluster is up; run '$0 start'"
}

passthrough() { # <tool> <args...>
  local tool=$1 node
  shift
  need_rabbitmq
  if [ "${1:-}" = -n ] && [ -n "${2:-}" ]; then
    node=${2%@*}
    is_node "$node" || die "unknown node '$2'; one of:$(printf ' %s@localhost' "${NODES[@]}")"
    shift 2
  else
    node=$(first_up)
  fi
  cli "$tool" "$node" "$@"
}

do_urls() { urls; }
do_ctl() { passthrough rabbitmqctl "$@"; }
do_queues() { passthrough rabbitmq-queues "$@"; }

# Each node takes its own lock (nodes.sh): no command locks the whole cluster.
commands=(start stop kill restart status reset urls logs ctl queues node)
serve "$@"
