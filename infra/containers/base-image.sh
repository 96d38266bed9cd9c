#!/usr/bin/env bash
# Builds, locally and without any container registry, the Node base image that
# every commlab Dockerfile starts FROM, and tags it with the official name
# (docker.io/library/node:24-bookworm-slim) so that Podman finds it in local
# storage and never tries to pull it.
#
#   rootfs : Debian bookworm, debootstrap --variant=minbase (+ ca-certificates),
#            security updates applied, docs/man/locales dropped (like -slim)
#   node   : npm registry package node-linux-<x64|arm64>@NODE_VERSION (bin/node
#            + headers for this architecture), fetched with `npm pack`
#   npm    : npm registry package npm@NPM_VERSION (node-linux-* ships only node)
#   corepack: npm registry package corepack@COREPACK_VERSION
#   user   : node (uid/gid 1000, /home/node), as in the official image
#
# Cached: the whole script is skipped when the image already exists with the
# same recipe label; the debootstrap rootfs tarball and the npm tarballs are
# kept in ${COMMLAB_CACHE:-$HOME/.cache/commlab}/containers/.
#
#   bash infra/containers/base-image.sh            # build if missing
#   bash infra/containers/base-image.sh --force    # rebuild the image (reuses cached rootfs)
#   bash infra/containers/base-image.sh --refresh  # also redo debootstrap and downloads
#
# Needs root (debootstrap, chroot, podman as root) and the tools installed by
# setup-podman.sh. Builds for the machine's own architecture (amd64 or arm64).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

IMAGE=${COMMLAB_NODE_IMAGE:-docker.io/library/node:24-bookworm-slim}
NODE_VERSION=${COMMLAB_NODE_VERSION:-24.21.0}
NPM_VERSION=${COMMLAB_NPM_VERSION:-11.21.2}
COREPACK_VERSION=${COMMLAB_COREPACK_VERSION:-0.36.0}
SUITE=bookworm
MIRROR=${COMMLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${COMMLAB_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
CACHE=${COMMLAB_CACHE:-$HOME/.cache/commlab}/containers

force=0 refresh=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --refresh) force=1 refresh=1 ;;
    -h | --help) sed -n '2,25p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

t0=$SECONDS
log() { printf '[base-image %4ss] %s\n' "$((SECONDS - t0))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "$(uname -m)" in
  x86_64 | amd64) deb_arch=amd64 node_arch=x64 ossl_arch=linux-x86_64 ;;
  aarch64 | arm64) deb_arch=arm64 node_arch=arm64 ossl_arch=linux-aarch64 ;;
  *) die "unsupported machine architecture $(uname -m) (amd64 and arm64 only)" ;;
esac

recipe="node=$NODE_VERSION npm=$NPM_VERSION corepack=$COREPACK_VERSION debian=$SUITE-minbase arch=$deb_arch"

# ---- 0. cache hit? --------------------------------------------------------------
if ((!force)) && podman image exists "$IMAGE"; then
  have=$(podman image inspect --format '{{index .Config.Labels "org.commlab.base-recipe"}}' "$IMAGE" 2>/dev/null || true)
  if [[ -z "$have" || "$have" == "<no value>" ]]; then
    log "$IMAGE exists and was not built by this script (a pulled official image?); keeping it"
    exit 0
  fi
  if [[ "$have" == "$recipe" ]]; then
    log "$IMAGE is up to date ($recipe)"
    exit 0
  fi
  log "$IMAGE was built from '$have'; rebuilding for '$recipe'"
fi

[[ $(id -u) -eq 0 ]] || die "run as root (debootstrap, chroot and podman storage in /var/lib/containers)"
for c in podman debootstrap npm tar gzip chroot; do
  command -v "$c" >/dev/null || die "$c not found: run infra/containers/setup-podman.sh first"
done

mkdir -p "$CACHE/npm"
work=$(mktemp -d "${TMPDIR:-/tmp}/commlab-base.XXXXXX")
mounted=()
cleanup() {
  local m
  for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# ---- 1. Debian rootfs (cached tarball) -----------------------------------------
rootfs_tar="$CACHE/debian-$SUITE-minbase-$deb_arch.tar.gz"
if ((refresh)) || [[ ! -s "$rootfs_tar" ]]; then
  rfs="$work/rootfs"
  log "debootstrap $SUITE ($deb_arch, minbase) from $MIRROR: takes a few minutes..."
  t=$SECONDS
  debootstrap --variant=minbase --arch="$deb_arch" --include=ca-certificates \
    "$SUITE" "$rfs" "$MIRROR" > "$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  log "debootstrap done in $((SECONDS - t))s"

  # Like Debian's -slim images: never install docs, man pages or translations.
  cat > "$rfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  cat > "$rfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$rfs/etc/apt/apt.conf.d/docker-no-recommends"
  rm -f "$rfs/etc/apt/sources.list"
  cat > "$rfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

  log "applying $SUITE-updates / $SUITE-security updates in the rootfs..."
  t=$SECONDS
  cp /etc/resolv.conf "$rfs/etc/resolv.conf"
  mount -t proc proc "$rfs/proc" && mounted+=("$rfs/proc")
  chroot "$rfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -qq && apt-get -y -qq -o Dpkg::Options::=--force-confold dist-upgrade && apt-get clean' \
    > "$work/upgrade.log" 2>&1 || { tail -n 30 "$work/upgrade.log" >&2; die "apt-get dist-upgrade in the rootfs failed"; }
  umount "$rfs/proc" && mounted=()
  log "updates done in $((SECONDS - t))s"

  # Slim down what debootstrap already unpacked before the dpkg excludes existed.
  find "$rfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$rfs/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$rfs"/usr/share/{man,groff,info,lintian,linda}/* "$rfs"/var/lib/apt/lists/* \
    "$rfs"/var/cache/apt/*.bin "$rfs"/var/cache/debconf/*-old "$rfs"/var/log/* "$rfs"/tmp/* \
    "$rfs"/var/lib/dpkg/*-old "$rfs"/etc/resolv.conf "$rfs"/etc/hostname
  find "$rfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  : > "$rfs/etc/machine-id"

  log "saving rootfs tarball to $rootfs_tar"
  tar --numeric-owner --xattrs -C "$rfs" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./run/*' \
    -czf "$rootfs_tar.tmp" .
  mv -f "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$rfs"
else
  log "using cached rootfs $rootfs_tar"
fi

# ---- 2. Node, npm, corepack from the npm registry (cached tarballs) ------------
fetch() { # fetch <package@version> <file name npm pack produces>
  if ((refresh)) || [[ ! -s "$CACHE/npm/$2" ]]; then
    log "npm pack $1"
    (cd "$CACHE/npm" && npm pack --silent "$1" > /dev/null) || die "npm pack $1 failed"
    [[ -s "$CACHE/npm/$2" ]] || die "npm pack $1 did not produce $2"
  fi
  printf '%s\n' "$CACHE/npm/$2"
}
node_tgz=$(fetch "node-linux-$node_arch@$NODE_VERSION" "node-linux-$node_arch-$NODE_VERSION.tgz")
npm_tgz=$(fetch "npm@$NPM_VERSION" "npm-$NPM_VERSION.tgz")
corepack_tgz=$(fetch "corepack@$COREPACK_VERSION" "corepack-$COREPACK_VERSION.tgz")

# ---- 3. Assemble the image filesystem ------------------------------------------
fs="$work/fs"
mkdir -p "$fs"
log "assembling image filesystem"
tar --numeric-owner --xattrs -xzf "$rootfs_tar" -C "$fs"

mkdir -p "$fs/usr/local/bin" "$fs/usr/local/include" "$fs/usr/local/lib/node_modules/npm" \
  "$fs/usr/local/lib/node_modules/corepack" "$fs/usr/local/share/doc/node"
tar -xzf "$node_tgz" -C "$work" package/bin/node package/include package/LICENSE
install -m 0755 "$work/package/bin/node" "$fs/usr/local/bin/node"
# Headers (for node-gyp), keeping only this architecture's OpenSSL config (~7 MB, not ~67 MB).
find "$work/package/include/node/openssl/archs" -mindepth 1 -maxdepth 1 -not -name "$ossl_arch" -exec rm -rf {} +
cp -a "$work/package/include/node" "$fs/usr/local/include/node"
cp "$work/package/LICENSE" "$fs/usr/local/share/doc/node/LICENSE"
rm -rf "$work/package"

tar -xzf "$npm_tgz" -C "$fs/usr/local/lib/node_modules/npm" --strip-components=1
tar -xzf "$corepack_tgz" -C "$fs/usr/local/lib/node_modules/corepack" --strip-components=1
chown -R 0:0 "$fs/usr/local"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$fs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$fs/usr/local/bin/npx"
ln -sf ../lib/node_modules/corepack/dist/corepack.js "$fs/usr/local/bin/corepack"

# The official image's unprivileged user.
chroot "$fs" /usr/sbin/groupadd --gid 1000 node
chroot "$fs" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node

# Sanity check inside the rootfs before importing.
for tool in node npm corepack; do
  out=$(chroot "$fs" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root "$tool" --version 2>&1) \
    || die "'$tool --version' failed in the image filesystem: $out"
  log "  $tool --version -> $out"
done
rm -rf "$fs/root/.npm" "$fs/root/.cache" "$fs/tmp/"*

# ---- 4. Import and tag -----------------------------------------------------------
log "podman import -> $IMAGE"
t=$SECONDS
tar --numeric-owner --xattrs -C "$fs" -cf - . | podman import --quiet \
  --arch "$deb_arch" --os linux \
  --message "commlab local base: $recipe" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change "LABEL org.commlab.base-recipe=\"$recipe\"" \
  --change 'LABEL org.opencontainers.image.description="Locally built stand-in for node:24-bookworm-slim (commlab infra/containers/base-image.sh)"' \
  --change 'CMD ["node"]' \
  - "$IMAGE" > /dev/null
log "import done in $((SECONDS - t))s"

# ---- 5. Verify: runs, and is found locally without any pull ---------------------
got=$(podman run --rm --pull=never "$IMAGE" node -e 'process.stdout.write(process.version)')
[[ "$got" == "v$NODE_VERSION" ]] || die "image runs node '$got', expected v$NODE_VERSION"
podman run --rm --pull=never --user node "$IMAGE" sh -c 'test "$(id -u):$(id -g)" = 1000:1000 && npm --version >/dev/null' \
  || die "user node / npm check failed in $IMAGE"
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
log "built $IMAGE ($recipe), $((size / 1024 / 1024)) MiB, total $((SECONDS - t0))s"
