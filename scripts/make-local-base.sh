#!/usr/bin/env bash
# Makes the offline base image joinlab/node-base:local from this machine's own Node runtime, for
# machines where the official node image cannot be pulled (air-gapped, or CI with no registry).
#   bash scripts/make-local-base.sh [--force]      prints the image tag as the last stdout line
# The image holds only the host's node binary, the shared libraries ldd lists for it, /tmp (1777)
# and minimal /etc files: no shell, no package manager, nothing downloaded. It is rebuilt only when
# missing, when the host's node binary changed (label joinlab.node-sha256), or with --force.
set -euo pipefail

tag=${JOINLAB_LOCAL_BASE:-joinlab/node-base:local}
force=0
[ "${1:-}" = --force ] && force=1

node_bin=$(readlink -f "$(command -v node)")
node_version=$("$node_bin" --version)
node_sha=$(sha256sum "$node_bin" | cut -d' ' -f1)

if ! timeout 10 docker info >/dev/null 2>&1; then
  echo "make-local-base: no Docker engine answers; run 'bash scripts/ensure-docker.sh' first" >&2
  exit 1
fi

current=$(docker image inspect --format '{{ index .Config.Labels "joinlab.node-sha256" }}' "$tag" 2>/dev/null || true)
if [ "$force" = 0 ] && [ "$current" = "$node_sha" ]; then
  echo "make-local-base: $tag is current (node $node_version)" >&2
  echo "$tag"
  exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# The runtime: node where the official image keeps it, plus every library the loader needs.
mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc" "$root/app"
cp "$node_bin" "$root/usr/local/bin/node"
ldd "$node_bin" | awk '/=> \//{print $3} /^\t\//{print $1}' | while read -r lib; do
  # Copy the file the link points at, under the path the binary asks for (incl. the ELF interpreter).
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
chmod 1777 "$root/tmp"

# Users like the official image's: root and node (1000), so `USER node` works on either base.
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
node:x:1000:1000:node:/home/node:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
node:x:1000:
nogroup:x:65534:
EOF
# Service names resolve through Docker's DNS; glibc's default order is fine, but say it plainly.
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
mkdir -p "$root/home/node" && chown 1000:1000 "$root/home/node"

echo "make-local-base: importing $tag from $node_bin ($node_version)..." >&2
tar -C "$root" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV NODE_VERSION='"${node_version#v}" \
  --change 'WORKDIR /' \
  --change 'CMD ["node"]' \
  --change "LABEL org.opencontainers.image.title=joinlab-node-base org.opencontainers.image.description=\"Host node runtime, no shell (made by scripts/make-local-base.sh)\" joinlab.node-version=$node_version joinlab.node-sha256=$node_sha" \
  --message "joinlab local base from host node $node_version" \
  - "$tag" >&2

# A base that cannot run node is worse than none: check it before anyone builds on it.
if ! docker run --rm --network none --label joinlab.run=make-local-base "$tag" node -e 'process.exit(0)' >&2; then
  echo "make-local-base: $tag was made but cannot run node; see the output above" >&2
  exit 1
fi
echo "make-local-base: $tag ready ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))" >&2
echo "$tag"
