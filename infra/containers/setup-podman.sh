#!/usr/bin/env bash
# Installs (if missing) and checks the container toolchain commlab's CI uses to
# build every image and run every lab's Compose file: Podman + podman-compose
# with the runc runtime, plus debootstrap for the locally built base image.
#
# Idempotent: installs only what is missing, then runs a smoke check with the
# repo's engine configuration (containers.conf here, exported by env.sh).
#
#   bash infra/containers/setup-podman.sh          # install + check
#   bash infra/containers/setup-podman.sh --check  # check only, never install
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

check_only=0
[[ "${1:-}" == "--check" ]] && check_only=1

log() { printf '[setup-podman] %s\n' "$*" >&2; }

# command -> Debian package providing it
declare -A need=(
  [podman]=podman
  [podman-compose]=podman-compose
  [runc]=runc
  [debootstrap]=debootstrap
  [conmon]=conmon
  [netavark]=netavark          # bridge networks (podman's netavark backend)
  [aardvark-dns]=aardvark-dns  # service-name DNS on Compose networks
  [iptables]=iptables          # netavark's port publishing / NAT
  [catatonit]=catatonit        # `init: true` / --init
)
# Non-PATH locations of some helpers.
have() {
  case "$1" in
    netavark | aardvark-dns) [[ -x /usr/lib/podman/$1 || -x /usr/libexec/podman/$1 ]] || command -v "$1" >/dev/null ;;
    conmon) [[ -x /usr/bin/conmon || -x /usr/libexec/podman/conmon ]] || command -v conmon >/dev/null ;;
    catatonit) [[ -x /usr/bin/catatonit || -x /usr/libexec/podman/catatonit ]] ;;
    iptables) command -v iptables >/dev/null || [[ -x /usr/sbin/iptables ]] ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

missing=()
for cmd in "${!need[@]}"; do
  have "$cmd" || missing+=("${need[$cmd]}")
done

if ((${#missing[@]})); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if ((check_only)) || [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    log "missing: ${missing[*]}"
    log "install them as root, e.g.:"
    log "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Smoke check: the engine starts with the repo config (runc, no ulimits...).
pc_version=$(podman-compose version 2>/dev/null | sed -n 's/^podman-compose[a-z]* version *//p' | head -n1)
log "podman $(podman version --format '{{.Client.Version}}'), podman-compose ${pc_version:-?}"
rt=$(podman info --format '{{.Host.OCIRuntime.Name}}')
if [[ "$rt" != runc ]]; then
  log "unexpected OCI runtime '$rt' (CONTAINERS_CONF=$CONTAINERS_CONF)"
  exit 1
fi
log "engine ok: runtime=$rt cgroups=$(podman info --format '{{.Host.CgroupsVersion}}')/$(podman info --format '{{.Host.CgroupManager}}') storage=$(podman info --format '{{.Store.GraphDriverName}}') network=$(podman info --format '{{.Host.NetworkBackend}}')"
log "source $here/env.sh before calling podman / podman-compose"
