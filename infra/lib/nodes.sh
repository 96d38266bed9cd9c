#!/usr/bin/env bash
# Process helpers shared by the three-node cluster scripts
# (../kafka-cluster/cluster.sh, ../rabbitmq-cluster/cluster.sh): locks, starting
# a node in its own session, stopping and killing it, its memory. Sourced, not
# run; the caller defines say and die.
# shellcheck shell=bash

now() { date +%s; }

# ---------------------------------------------------------------------- locks

# lock_take <dir> <what>: one mutating command per node at a time (tests may
# start and kill nodes from several processes). A mkdir lock (flock is not on
# macOS) holding its owner's pid, so that a lock left by a killed run is taken
# over. Released by lock_release_all, which the caller's EXIT trap runs.
locks_held=()
lock_take() {
  local dir=$1 what=$2 holder waited=0
  mkdir -p "$(dirname -- "$dir")"
  until mkdir "$dir" 2>/dev/null; do
    holder=$(cat "$dir/pid" 2>/dev/null || true)
    # Dead holder, or one killed between its mkdir and writing its pid.
    if { [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; } ||
      { [ -z "$holder" ] && [ "$waited" -ge 10 ]; }; then
      rm -rf "$dir"
      continue
    fi
    if [ "$waited" -eq 4 ]; then say "waiting for another command on $what (pid ${holder:-?}) to finish..."; fi
    if [ "$waited" -ge 1200 ]; then die "another command (pid ${holder:-?}) has held $dir for 10 minutes"; fi
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "$$" >"$dir/pid"
  locks_held+=("$dir")
}

lock_release_all() {
  local dir
  for dir in "${locks_held[@]}"; do rm -rf "$dir"; done
  locks_held=()
}

# ------------------------------------------------------------------ processes

# node_spawn <pid file> <output file> <command...>: starts a node in a session of
# its own (setsid where available), so that a Ctrl-C meant for whatever ran
# the script does not also kill the node; the child writes its own pid because
# setsid may fork. Prints the pid.
node_spawn() {
  local pid_file=$1 out_file=$2 i pid=""
  shift 2
  # shellcheck disable=SC2016 # expanded by the child shell, on purpose
  local record_pid='echo $$ >"$1"; shift; exec "$@"'
  rm -f "$pid_file"
  if command -v setsid >/dev/null 2>&1; then
    setsid bash -c "$record_pid" node "$pid_file" "$@" >"$out_file" 2>&1 </dev/null &
  else
    nohup bash -c "$record_pid" node "$pid_file" "$@" >"$out_file" 2>&1 </dev/null &
  fi
  for ((i = 0; i < 50; i++)); do
    pid=$(pid_from "$pid_file")
    [ -z "$pid" ] || break
    sleep 0.1
  done
  [ -n "$pid" ] || return 1
  echo "$pid"
}

pid_from() { if [ -f "$1" ]; then tr -dc '0-9' <"$1"; fi; }

# pid_matches <pid> <glob>: alive, and its command line matches <glob> (pid
# reuse after a reboot must never make us signal an unrelated process).
pid_matches() {
  local pid=$1 pattern=$2 args
  [ -n "$pid" ] && pid_alive "$pid" || return 1
  # -ww: never cut the command line short.
  args=$(ps -ww -p "$pid" -o args= 2>/dev/null) || return 1
  # shellcheck disable=SC2053 # a glob on purpose
  [[ $args == $pattern ]]
}

# pid_find <glob>: the first process whose command line matches (a node whose
# pid file was lost).
pid_find() {
  local pid args
  while read -r pid args; do
    # shellcheck disable=SC2053
    if [[ $args == $1 ]]; then
      echo "$pid"
      return 0
    fi
  done < <(ps -ww -eo pid=,args= 2>/dev/null)
  return 1
}

# pid_alive <pid>: running; a zombie is not (a dead node whose parent, often
# init, has not reaped it yet still answers kill -0).
pid_alive() {
  local stat
  stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$stat" ] && [[ $stat != Z* ]]
}

# pid_wait_gone <pid> <timeout s>: true once the process is gone.
pid_wait_gone() {
  local pid=$1 waited=0
  while pid_alive "$pid"; do
    [ "$waited" -lt $(($2 * 10)) ] || return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}

# pid_stop <pid> <timeout s> <name>: SIGTERM (a clean shutdown), then SIGKILL
# after the timeout.
pid_stop() {
  local pid=$1 timeout=$2 name=$3
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! pid_wait_gone "$pid" "$timeout"; then
    say "$name (pid $pid) still running after ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    pid_wait_gone "$pid" 10 || die "$name (pid $pid) survived SIGKILL"
  fi
}

# pid_kill <pid> <name>: SIGKILL, as a crash or a pulled power cord; returns
# once the process is gone.
pid_kill() {
  kill -KILL "$1" 2>/dev/null || return 0
  pid_wait_gone "$1" 10 || die "$2 (pid $1) survived SIGKILL"
}

# pid_rss_kib <pid>: resident memory of a process, in KiB (0 when gone).
pid_rss_kib() {
  local rss
  rss=$(ps -p "$1" -o rss= 2>/dev/null | tr -d ' ')
  echo "${rss:-0}"
}

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
