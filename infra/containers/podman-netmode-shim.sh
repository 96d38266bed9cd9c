#!/usr/bin/env bash
# A `podman` stand-in for Debian's podman-compose 1.0.3, passed with
#   podman-compose --podman-path infra/containers/podman-netmode-shim.sh ...
#
# Why: podman-compose 1.0.3 turns `network_mode: host` into `--network host`
# but then ALWAYS appends `--net <project>_default --network-alias <service>`,
# and podman refuses the pair ("cannot set multiple networks without bridge
# network mode"), so no service with network_mode (host, none, container:...)
# can start. This shim drops that injected `--net X --network-alias Y` pair from
# `podman run/create` when a non-bridge --network was already given, and passes
# everything else through unchanged. Newer podman-compose releases (and Docker
# Compose) do not need it; with them it is a no-op pass-through.
set -euo pipefail

real=${COMMLAB_REAL_PODMAN:-podman}

if [[ "${1:-}" == run || "${1:-}" == create ]]; then
  args=("$@")
  mode=""
  out=()
  i=0 n=${#args[@]} dropped=0
  while ((i < n)); do
    a=${args[i]}
    case "$a" in
      --network=*) [[ -z "$mode" ]] && mode=${a#--network=} ;;
      --network) [[ -z "$mode" && $((i + 1)) -lt n ]] && mode=${args[i + 1]} ;;
    esac
    if ((!dropped)) && [[ "$mode" == host || "$mode" == none || "$mode" == container:* || "$mode" == ns:* || "$mode" == slirp4netns* ]] \
      && [[ "$a" == --net && $((i + 3)) -lt n && "${args[i + 2]}" == --network-alias ]]; then
      i=$((i + 4)) dropped=1
      continue
    fi
    out+=("$a")
    i=$((i + 1))
  done
  exec "$real" "${out[@]}"
fi
exec "$real" "$@"
