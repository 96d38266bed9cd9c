# shellcheck shell=bash
# Source this file (". infra/containers/env.sh") before calling podman or
# podman-compose: it points the engine at the repo's configuration instead of
# anything hand-edited under /etc/containers.
_commlab_containers_dir=$(CDPATH="" cd -- "$(dirname -- "${BASH_SOURCE:-$0}")" && pwd)
export CONTAINERS_CONF="$_commlab_containers_dir/containers.conf"
export CONTAINERS_REGISTRIES_CONF="$_commlab_containers_dir/registries.conf"
# Build Docker-format (v2s2) images: the OCI image format has no HEALTHCHECK,
# and buildah drops it with only a warning. containers.conf's
# image_default_format does NOT reach `podman build` in Podman 4.3; this does,
# also for the `podman build` that podman-compose runs.
export BUILDAH_FORMAT=docker
# The image every Dockerfile in the repo starts FROM; built by base-image.sh.
export COMMLAB_NODE_IMAGE="${COMMLAB_NODE_IMAGE:-docker.io/library/node:24-bookworm-slim}"
unset _commlab_containers_dir
