# shellcheck shell=bash
# Shared by the scripts of infra/ (sourced, not run): messages, argument
# checks, the command dispatch, a per-cache lock, fetching with Maven,
# installing a Debian package, starting a detached process and finding it
# again, stopping it, and waiting for readiness. ../lib/nodes.sh adds what the
# three-node cluster scripts need on top.
#
# Messages name the script that sourced this file (or `prog`, if it set one).

prog=${prog:-${0##*/}}
HOST=127.0.0.1
# shellcheck disable=SC2034 # used by the scripts that source this file
cache_root=${COMMLAB_CACHE:-${HOME:?HOME is not set}/.cache/commlab}

say() { printf '%s\n' "$*"; }
warn() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() {
  printf '%s: %s\n' "$prog" "$*" >&2
  exit 1
}
# Exit 2 for a bad command line, as kafka.sh does for an unknown command.
usage_error() {
  printf '%s: %s\n' "$prog" "$*" >&2
  printf "run '%s --help' for usage\n" "$prog" >&2
  exit 2
}
now() { date +%s; }
# <path> from the root: a server may resolve relative paths in its config
# against the config file's folder (Prometheus' rule_files), and we may be
# started from anywhere.
absolute() { # <path>
  local dir
  dir=$(cd -- "$(dirname -- "$1")" && pwd) || return 1
  echo "$dir/$(basename -- "$1")"
}

need_number() { # <name> <value>
  case $2 in '' | *[!0-9]*) usage_error "$1 must be a whole number, got '$2'" ;; esac
}
need_port() { # <name> <value>
  need_number "$1" "$2"
  if [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then usage_error "$1 must be a port between 1 and 65535, got '$2'"; fi
}
need_numbers() { # <variable name>...: need_number for each, by its value
  local name
  for name in "$@"; do need_number "$name" "${!name}"; done
}
# A script's environment settings, each NAME=DEFAULT: the environment's value
# when set and not empty, else the default. A setting whose default is a whole
# number (a port, a timeout, a count) must be one, so a typo stops the script
# here, naming the setting, rather than as an odd failure later.
settings() { # <NAME=DEFAULT>...
  local pair name default
  for pair in "$@"; do
    name=${pair%%=*} default=${pair#*=}
    [ -n "${!name-}" ] || printf -v "$name" '%s' "$default"
    case $default in '' | *[!0-9]*) ;; *) need_number "$name" "${!name}" ;; esac
  done
}

# ------------------------------------------------------------------ cleanup

# Each script registers what an interrupted run must undo (a half-done fetch,
# a lock) with at_exit; one EXIT trap runs them all, last registered first.
exit_hooks=()
at_exit() { exit_hooks=("$1" "${exit_hooks[@]}"); }
run_exit_hooks() {
  local hook
  for hook in "${exit_hooks[@]}"; do eval "$hook" || true; done
}
trap run_exit_hooks EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One mutating command at a time per server (or cluster node): a lab runner
# and a test may both call "start". A mkdir lock (flock is not on macOS)
# holding its owner's pid, so that a lock left by a killed run is recognised
# and taken over. Held until release_locks or the end of the script.
lock_patience=900 # seconds a waiter waits for a held lock before giving up
locks_held=()
take_lock() { # <lock dir> [what waits, for messages; default: $prog]
  local lock=$1 what=${2:-$prog} holder waited=0
  mkdir -p "$(dirname "$lock")"
  until mkdir "$lock" 2>/dev/null; do
    holder=$(cat "$lock/pid" 2>/dev/null || true)
    # Dead holder, or one killed between its mkdir and writing its pid.
    if { [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; } ||
      { [ -z "$holder" ] && [ "$waited" -ge 10 ]; }; then
      rm -rf "$lock"
      continue
    fi
    if [ "$waited" -eq 2 ]; then say "waiting for another $what (pid ${holder:-?}) to finish..."; fi
    if [ "$waited" -ge $((lock_patience * 2)) ]; then
      die "another $what (pid ${holder:-?}) has held $lock for $((lock_patience / 60)) minutes"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "$$" >"$lock/pid"
  locks_held+=("$lock")
}
release_locks() {
  local lock
  for lock in "${locks_held[@]}"; do rm -rf "$lock"; done
  locks_held=()
}
at_exit release_locks

# ---------------------------------------------------------------- commands

# serve "$@": the script's command line. Runs do_<command> (a dash becomes
# an underscore) with the remaining arguments for a command the script lists
# in `commands`, under the lock `lock_dir` if it is also in `locked_commands`;
# help prints usage; a missing or unknown command exits 2. A script defines
# do_<command> for each command; restart and logs have defaults below.
commands=()
locked_commands=()
lock_dir=""
serve() {
  local cmd=${1:-} list
  list=$(printf '%s, ' "${commands[@]}")
  list=${list%, }
  case $cmd in
    -h | --help | help)
      usage
      return 0
      ;;
    '') usage_error "missing command ($list)" ;;
  esac
  case " ${commands[*]} " in *" $cmd "*) ;; *) usage_error "unknown command '$cmd' ($list)" ;; esac
  case " ${locked_commands[*]} " in *" $cmd "*) take_lock "$lock_dir" ;; esac
  shift
  "do_${cmd//-/_}" "$@"
}

do_restart() {
  do_stop
  do_start
}

# Follows the script's log_file (-F: across rollovers).
# shellcheck disable=SC2154 # log_file is set by the sourcing script
do_logs() { follow_log "$log_file"; }
follow_log() { # <log file>
  [ -f "$1" ] || die "no log yet: $1"
  exec tail -n 50 -F "$1"
}

# ------------------------------------------------------------------- ports

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

# The end of a status that found no ready server on <port>: names whoever
# holds the port instead; returns 3 (the status exit code for "down").
status_down() { # <port> <what that holder is not, e.g. "does not answer as Zipkin">
  if port_open "$1"; then
    say "$HOST:$1 is in use by $(port_owner "$1"), which $2"
  else
    say "nothing listens on $HOST:$1"
  fi
  return 3
}

# http_get <url> [max seconds]: the body on 2xx, failure otherwise.
http_get() {
  curl -fsS --max-time "${2:-3}" "$1" 2>/dev/null
}

need_curl() {
  command -v curl >/dev/null 2>&1 || die "curl not found; it checks the server's HTTP endpoints:
  Debian/Ubuntu: sudo apt-get install curl"
}

# ---------------------------------------------------------- what to install

# shellcheck disable=SC2034 # set here, used by the scripts that source this file
java_bin=""
need_java() { # <minimum major version> <what needs it>
  local want=$1 what=$2 version major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java_bin=$JAVA_HOME/bin/java
  elif command -v java >/dev/null 2>&1; then
    java_bin=$(command -v java)
  else
    die "Java not found. $what needs a Java $want+ runtime:
  Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless
  macOS:         brew install openjdk@17
  or set JAVA_HOME to an existing JDK/JRE."
  fi
  version=$("$java_bin" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')
  major=${version%%[.+-]*}
  if [ "$major" = 1 ]; then # 1.8.0_x style
    major=${version#1.}
    major=${major%%.*}
  fi
  case $major in '' | *[!0-9]*) die "cannot tell the version of $java_bin (got '${version}')" ;; esac
  [ "$major" -ge "$want" ] || die "$what needs Java $want+, but $java_bin is Java $major:
  Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless  (then set JAVA_HOME or update-alternatives)"
}

need_mvn() { # <what it fetches>
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) not found; it is needed once, to fetch $1 from Maven Central:
  Debian/Ubuntu: sudo apt-get install maven
  macOS:         brew install maven"
}

# mvn_quiet <log file> <mvn args...>: runs Maven in the background with a
# progress line every 15 s (a first fetch takes a while and must not look
# hung); on failure prints the log's tail and returns non-zero. Maven runs as
# a background job, which ignores Ctrl-C, so an interrupted run kills it. It
# runs in the log file's (scratch) folder: in a folder with a pom.xml, Maven
# would read that pom, whose settings beat -D properties.
mvn_pid=""
mvn_quiet() {
  local log=$1 waited=0 rc=0
  shift
  # shellcheck disable=SC2094 # dirname only reads the name
  (cd "$(dirname "$log")" && exec mvn -B -q -U "$@") >"$log" 2>&1 </dev/null &
  mvn_pid=$!
  # shellcheck disable=SC2016 # expanded when the hook runs
  at_exit 'if [ -n "$mvn_pid" ]; then kill "$mvn_pid" 2>/dev/null; fi'
  while kill -0 "$mvn_pid" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    if [ $((waited % 15)) -eq 0 ]; then say "  still fetching (${waited}s)..."; fi
  done
  wait "$mvn_pid" || rc=$?
  mvn_pid=""
  if [ "$rc" -ne 0 ]; then
    # Maven 3.8 prints colour codes even in batch mode.
    tail -n 30 "$log" | sed "s/$(printf '\033')\[[0-9;]*m//g" >&2 || true
  fi
  return "$rc"
}

# fetch_pom_libs <what> <version> <size> <libs dir> <jar> <pom> [mvn args...]:
# the dependencies of <pom> into <libs dir>, unless it holds <jar> already.
# Maven runs on a copy of the pom, so that it writes nothing into the repo,
# and fills a folder next to <libs dir> that is renamed at the end, so that
# a killed fetch never leaves a half-filled one behind. The user's ~/.m2
# (and settings.xml mirrors/proxies) is used as usual.
fetch_pom_libs() {
  local what=$1 version=$2 size=$3 libs=$4 jar=$5 pom=$6 parent scratch t0
  shift 6
  [ -f "$libs/$jar" ] && return 0
  parent=$(dirname "$libs")
  mkdir -p "$parent"
  scratch=$(mktemp -d "$parent/.fetch.XXXXXX")
  at_exit "rm -rf '$scratch'; rmdir '$parent' 2>/dev/null"
  cp "$pom" "$scratch/pom.xml"
  say "fetching $what $version from Maven Central (once, $size)..."
  t0=$(now)
  if ! mvn_quiet "$scratch/mvn.log" -f "$scratch/pom.xml" "$@" dependency:copy-dependencies ||
    ! [ -f "$scratch/libs/$jar" ]; then
    die "fetching $what $version failed (Maven output above). Is Maven Central reachable, and does version $version exist?"
  fi
  # Under the script's lock, so no concurrent fetch: what is there is incomplete.
  rm -rf "$libs"
  mv "$scratch/libs" "$libs"
  say "fetched $(find "$libs" -name '*.jar' | wc -l | tr -d ' ') jars ($(du -sh "$libs" | cut -f1)) in $(($(now) - t0))s into $libs"
}

# mvn_copy <what> <version> <size> <artifact> <file> <parent dir>: one
# artifact (group:artifact:version:type[:classifier]) from Maven Central,
# copied as <file> into a new folder in <parent dir>, whose path it sets in
# `copied`; the caller renames what it needs into place, so that a killed
# fetch never leaves a truncated file that looks complete. The folder is
# removed at exit, <parent dir> too if it is left empty.
copied=""
mvn_copy() {
  local what=$1 version=$2 size=$3 artifact=$4 file=$5 parent=$6
  mkdir -p "$parent"
  copied=$(mktemp -d "$parent/.fetch.XXXXXX")
  at_exit "rm -rf '$copied'; rmdir '$parent' 2>/dev/null"
  say "fetching $what $version from Maven Central (once, $size)..."
  if ! mvn_quiet "$copied/mvn.log" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="$artifact" -DoutputDirectory="$copied" -Dmdep.overWriteReleases=true ||
    ! [ -f "$copied/$file" ]; then
    die "fetching $what $version failed (Maven output above). Is Maven Central reachable, and does version $version exist?"
  fi
}

# need_deb <debian package> <command> [more commands]: installs the package
# with apt-get when any of the commands is missing and we are root (as
# infra/containers/setup-podman.sh does); otherwise names the command to run.
# Debian starts a packaged server as a system service on install; the scripts
# here run their own instance instead, so that service is left as it is.
need_deb() {
  local pkg=$1 cmd missing=""
  shift
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+="${missing:+, }$cmd"
  done
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "'$missing' not found; it comes with the Debian package '$pkg':
  sudo apt-get update && sudo apt-get install -y --no-install-recommends $pkg
  (other systems: install $pkg with your package manager and put '$missing' on PATH)"
  fi
  say "installing the Debian package '$pkg' (for '$missing')..."
  local log
  log=$(mktemp)
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg"; } >"$log" 2>&1 </dev/null; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    die "apt-get install $pkg failed (output above)"
  fi
  rm -f "$log"
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] ||
      die "installed '$pkg' but '$cmd' is still not on PATH"
  done
  say "installed $pkg $(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || true)"
}

# --------------------------------------------------------------- processes

# spawn <pid file> <output file> <command...>: starts the command detached in
# its own session (setsid where available), so that a Ctrl-C meant for
# whatever ran the script does not also stop the server. The child records its
# own pid because setsid may fork; prints that pid.
spawn() {
  local pid_file=$1 out=$2 pid i
  shift 2
  # shellcheck disable=SC2016 # expanded by the child shell, on purpose
  local record_pid='echo $$ >"$1"; shift; exec "$@"'
  rm -f "$pid_file"
  if command -v setsid >/dev/null 2>&1; then
    setsid bash -c "$record_pid" "$prog" "$pid_file" "$@" >>"$out" 2>&1 </dev/null &
  else
    nohup bash -c "$record_pid" "$prog" "$pid_file" "$@" >>"$out" 2>&1 </dev/null &
  fi
  for ((i = 0; i < 50; i++)); do
    pid=$(read_pid "$pid_file" || true)
    if [ -n "$pid" ]; then
      echo "$pid"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# read_pid <pid file>: its pid; nothing if there is no file.
read_pid() { if [ -f "$1" ]; then tr -dc '0-9' <"$1"; fi; }

# pid_alive <pid>: running; a zombie is not (a dead process whose parent,
# often init, has not reaped it yet still answers kill -0).
pid_alive() {
  local stat
  stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$stat" ] && [[ $stat != Z* ]]
}

# pid_wait_gone <pid> <timeout s>: true once the process is gone.
pid_wait_gone() {
  local waited=0
  while pid_alive "$1"; do
    [ "$waited" -lt $(($2 * 10)) ] || return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}

# True if <pid> is alive and its command line contains <marker> (a path only
# our instance has on its command line), so that a pid reused after a reboot
# never makes us signal some unrelated process.
pid_is() { # <pid> <marker>
  local args
  [ -n "$1" ] && pid_alive "$1" || return 1
  # -ww: never cut the command line short.
  args=$(ps -ww -p "$1" -o args= 2>/dev/null) || return 1
  case $args in *"$2"*) return 0 ;; *) return 1 ;; esac
}

# running_pid <pid file> <marker>: prints the pid of our running server.
# Clears a stale pid file; finds the server by its marker when the pid file
# was lost (the oldest match: a forking server's parent).
running_pid() {
  local pid_file=$1 marker=$2 pid
  pid=$(read_pid "$pid_file" || true)
  if [ -n "$pid" ]; then
    if pid_is "$pid" "$marker"; then
      echo "$pid"
      return 0
    fi
    rm -f "$pid_file"
  fi
  pid=$(ps -ww -eo pid=,args= 2>/dev/null | awk -v m="$marker" 'index($0, m) && !/ awk / { print $1; exit }')
  if [ -n "$pid" ] && pid_is "$pid" "$marker"; then
    echo "$pid" >"$pid_file"
    echo "$pid"
    return 0
  fi
  return 1
}

# stop_pid <pid> <timeout s> [signal] [name]: the signal (TERM by default:
# a clean shutdown), then SIGKILL after the timeout; returns once the process
# is gone. <name> says whose pid it is in messages.
stop_pid() {
  local pid=$1 timeout=$2 sig=${3:-TERM} who="pid $1"
  if [ -n "${4:-}" ]; then who="$4 (pid $1)"; fi
  kill -"$sig" "$pid" 2>/dev/null || return 0
  if ! pid_wait_gone "$pid" "$timeout"; then
    say "$who still running after ${timeout}s; sending SIGKILL"
    kill_pid "$pid" "${4:-}"
  fi
}

# kill_pid <pid> [name]: SIGKILL, as a crash or a pulled power cord; returns
# once the process is gone.
kill_pid() {
  local who="pid $1"
  if [ -n "${2:-}" ]; then who="$2 (pid $1)"; fi
  kill -KILL "$1" 2>/dev/null || return 0
  pid_wait_gone "$1" 10 || die "$who survived SIGKILL"
}

# stop_server <name> <port> <stop timeout> [noun]: stops the server this
# script started from its cache folder (root, pid_file, marker), or says that
# none runs and who serves <port> instead. <noun> names it in "no <noun>
# started from ..." and in the SIGKILL message (default: <name>, no noun).
# shellcheck disable=SC2154 # root, pid_file and marker: set by the sourcing script
stop_server() {
  local name=$1 port=$2 timeout=$3 pid t0
  t0=$(now)
  if ! pid=$(running_pid "$pid_file" "$marker"); then
    if port_open "$port"; then
      say "no ${4:-$name} started from $root; $HOST:$port is served by $(port_owner "$port"), left alone"
    else
      say "$name is not running"
    fi
    return 0
  fi
  say "stopping $name (pid $pid)..."
  stop_pid "$pid" "$timeout" TERM "${4:-}"
  rm -f "$pid_file"
  say "$name stopped ($(($(now) - t0))s)"
}

# server_status <noun> <port> <what runs> [more]: the first line of a
# status, "<prog> <noun>: running, pid P, <what runs>, host:port[, more],
# RSS N MiB, up T" for the server this script started, else "<prog> <noun>:
# not running". Sets the caller's port to the one that server runs on (the
# state file's), else to <port>.
server_status() {
  local pid
  port=$2
  if pid=$(running_pid "$pid_file" "$marker"); then
    port=$(state_get port)
    port=${port:-$2}
    say "$prog $1: running, pid $pid, $3, $HOST:$port${4:+, $4}, RSS $(rss_mib "$pid") MiB, up $(uptime_of "$pid")"
  else
    say "$prog $1: not running"
  fi
}

# A key of the state file a start writes (key=value lines: what the running
# server was started with, for status and stop).
# shellcheck disable=SC2154 # state_file: set by the sourcing script
state_get() { if [ -f "$state_file" ]; then sed -n "s/^$1=//p" "$state_file"; fi; }

# need_same_port <noun> <pid> <port>: a start finds our server running; it
# must be on the port asked for (the state file's port), or the start fails.
need_same_port() {
  local port
  port=$(state_get port)
  if [ -n "$port" ] && [ "$port" != "$3" ]; then
    die "the $1 from $root (pid $2) already runs on port $port; stop it first to use port $3"
  fi
}

rss_kib() { # <pid>: resident set size in KiB (the process alone; 0 when gone)
  local kb
  kb=$(ps -p "$1" -o rss= 2>/dev/null | tr -d ' ')
  echo "${kb:-0}"
}
rss_mib() { echo $(($(rss_kib "$1") / 1024)); }

uptime_of() { ps -p "$1" -o etime= 2>/dev/null | tr -d ' '; }

# Marks where a run (or a reload) begins in an output file that spans many
# runs, so that a failure shows this run's lines, not the previous shutdown.
START_MARK="=== $prog"
mark_start() { # <log file> <what> [verb, default start]
  printf '%s %s %s: %s ===\n' "$START_MARK" "${3:-start}" "$(date '+%Y-%m-%d %H:%M:%S')" "$2" >>"$1"
}

# tail_log <log file> [output file]: this run's last 30 lines of the log, its
# first error line and the last Java "Caused by:" after it (the cause is
# often 100 stack lines above the tail), then the last 30 lines of the
# process's own output file if it has one of its own.
tail_log() {
  local log=$1 out=${2:-}
  [ -s "$log" ] || [ -s "${out:-/nonexistent}" ] || return 0
  if [ -s "$log" ]; then
    printf -- '--- last 30 lines of %s ---\n' "$log" >&2
    awk -v mark="$START_MARK" 'index($0, mark) == 1 { n = 0; err = ""; cause = "" }
      { line[n++] = $0 }
      err == "" && /(ERROR|FATAL|[Ee]rror:|level=error|\[ALERT\])/ { err = $0 }
      err != "" && /^Caused by: / { cause = $0 }
      END {
        for (i = (n > 30 ? n - 30 : 0); i < n; i++) print line[i]
        if (err != "") print "--- first error of this run ---\n" err
        if (cause != "") print cause
      }' "$log" >&2
  fi
  if [ -s "${out:-/nonexistent}" ]; then
    printf -- '--- %s ---\n' "$out" >&2
    tail -n 30 "$out" >&2
  fi
  printf -- '---\n' >&2
}

# wait_ready <pid> <timeout s> <log file> <check command...>: polls the check
# every half second until it passes. Fails, with the log's tail, if the
# process exits or the timeout passes. Prints a progress line every 5 s. A
# start sets stop_on_timeout=1 so that a server which never got ready is
# stopped; a plain "wait" never stops anything. A script may set extra_log
# (the process's own output file, shown after the log) and timeout_hint
# (what to do about a timeout, added to that message).
# shellcheck disable=SC2034 # set by the scripts that source this file
stop_on_timeout=""
extra_log=""
timeout_hint=""
wait_ready() {
  local pid=$1 timeout=$2 log=$3
  shift 3
  if poll "$timeout" 5 "it to be ready" server_alive "$@"; then return 0; fi
  tail_log "$log" "$extra_log"
  if [ -n "$pid" ] && [ -n "$stop_on_timeout" ]; then
    say "giving up after ${timeout}s; stopping the half-started server (pid $pid)" >&2
    stop_pid "$pid" 10 >&2
  fi
  die "not ready after ${timeout}s${log:+ (log above: $log)}${timeout_hint:+; $timeout_hint}"
}

# wait_for <port> <timeout s> <check command...>: what a "wait" command does
# for a server started some other way (or in the background): waits until
# the check passes, and fails early, with the log, if the server on <port>
# is ours and it exits.
wait_for() {
  local port=$1 timeout=$2 pid="" log=""
  shift 2
  if pid=$(running_pid "$pid_file" "$marker") && [ "$(state_get port)" = "$port" ]; then
    log=$log_file
  else
    pid=""
  fi
  wait_ready "$pid" "$timeout" "$log" "$@"
}

# wait_ready's watch between tries (it sees wait_ready's pid and log).
server_alive() {
  if [ -n "$pid" ] && ! pid_alive "$pid"; then
    tail_log "$log" "$extra_log"
    die "the server exited during startup${log:+ (log above: $log)}"
  fi
}

# poll <timeout s> <note every s> <what> <watch> <check command...>: runs
# the check every half second until it passes. Between tries it runs
# <watch>, which fails the wait (die) when what it waits for has died, and
# says "waiting for <what>" every <note> seconds. Returns 1 once the timeout
# has passed.
poll() {
  local timeout=$1 every=$2 what=$3 watch=$4 t0 elapsed next_note=$2
  shift 4
  t0=$(now)
  until "$@"; do
    elapsed=$(($(now) - t0))
    "$watch"
    [ "$elapsed" -lt "$timeout" ] || return 1
    if [ "$elapsed" -ge "$next_note" ]; then
      say "  waiting for $what (${elapsed}s)..."
      next_note=$((elapsed + every))
    fi
    sleep 0.5
  done
}
