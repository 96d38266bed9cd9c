#!/usr/bin/env bash
# Waits until containers are healthy, by RUNNING their healthchecks.
#
#   bash infra/containers/wait-healthy.sh [-t SECONDS] -p PROJECT   # every container of a compose project
#   bash infra/containers/wait-healthy.sh [-t SECONDS] NAME...       # given containers
#
# Why it drives the checks itself: Podman 4.3 schedules healthchecks with
# systemd timers. Without systemd (CI machines, containers, WSL...) it logs
# "unable to get systemd connection to add healthchecks" and never runs them,
# so a container stays "(starting)" forever. `podman healthcheck run` runs one
# check and records the result, so this script loops over it. It is also what
# replaces `depends_on: condition: service_healthy`, which podman-compose 1.0.3
# ignores (it only orders container creation).
#
# Containers without a healthcheck count as ready once running, one-shot
# containers once exited with code 0. Exits 1 (with
# the last check output and log tail) when a container exits or the timeout ends.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

timeout=120 project="" names=()
while (($#)); do
  case "$1" in
    -t | --timeout) timeout=$2; shift 2 ;;
    -p | --project) project=$2; shift 2 ;;
    -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done
if [[ -n "$project" ]]; then
  mapfile -t more < <(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}')
  names+=("${more[@]}")
fi
((${#names[@]})) || { echo "wait-healthy: no containers given/found" >&2; exit 2; }

declare -A done_=()
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
start=$SECONDS
while :; do
  # One round: every pending container's state first, then all their checks at once (each runs
  # a process inside its container; one after the other they cost a round their sum).
  checking=()
  for n in "${names[@]}"; do
    [[ -n "${done_[$n]:-}" ]] && continue
    read -r state code oom hc < <(podman inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}} {{if .Config.Healthcheck}}yes{{else}}no{{end}}' "$n" 2>/dev/null || echo missing 1 false no)
    if [[ "$state" != running ]]; then
      # A one-shot container that finished successfully is fine.
      if [[ "$state" == exited && "$code" == 0 ]]; then
        done_[$n]=1; echo "wait-healthy: $n exited 0 ($((SECONDS - start))s)" >&2; continue
      fi
      # An OOM kill leaves no line in the log: say it here.
      echo "wait-healthy: $n is $state (exit code $code$([[ "$oom" == true ]] && echo ', killed for memory: raise its mem_limit'))" >&2
      podman logs --tail 20 "$n" >&2 2>&1 || true
      wait # for this round's checks already running, before their results folder goes
      exit 1
    fi
    if [[ "$hc" != yes ]]; then
      done_[$n]=1; echo "wait-healthy: $n running (no healthcheck) ($((SECONDS - start))s)" >&2; continue
    fi
    checking+=("$n")
    (podman healthcheck run "$n" > /dev/null 2>&1 && touch "$results/$n") &
  done
  wait
  pending=()
  for n in "${checking[@]}"; do
    if [[ -e "$results/$n" ]]; then
      done_[$n]=1; echo "wait-healthy: $n healthy ($((SECONDS - start))s)" >&2
    else
      pending+=("$n")
    fi
  done
  ((${#pending[@]})) || exit 0
  if ((SECONDS - start >= timeout)); then
    for n in "${pending[@]}"; do
      echo "wait-healthy: $n not healthy after ${timeout}s; last check: $(podman inspect --format '{{range .State.Health.Log}}{{.Output}}{{end}}' "$n" 2>/dev/null | tail -c 400)" >&2
      podman logs --tail 20 "$n" >&2 2>&1 || true
    done
    exit 1
  fi
  sleep 1
done
