#!/usr/bin/env bash
# Makes the network-fault helper image joinlab/netfaults:local from this machine's own iptables
# (nf_tables backend), for machines where the official alpine image cannot be pulled.
#   bash scripts/make-netfaults-image.sh [--force]     prints the image tag as the last stdout line
# The image holds iptables-nft and iptables-nft-restore, every xtables extension (matches such as
# statistic and comment are loaded at run time, not linked), tc when the host has it (latency needs
# netem, which the kernel may lack), sleep (the helper's idle process), the libraries ldd lists for
# all of them, and minimal /etc files: no shell, no package manager, nothing downloaded. It is
# rebuilt only when missing, when the host's binaries changed (label joinlab.netfaults-sha256), or
# with --force. The helper runs with NET_ADMIN only, inside a node's network namespace.
set -euo pipefail

tag=${JOINLAB_NETFAULTS_LOCAL:-joinlab/netfaults:local}
force=0
[ "${1:-}" = --force ] && force=1

fail() {
  echo "make-netfaults-image: $*" >&2
  exit 1
}

iptables_bin=$(command -v iptables-nft || command -v xtables-nft-multi || true)
[ -n "$iptables_bin" ] ||
  fail "this machine has no iptables-nft (Debian: apt-get install iptables; it comes with docker.io)"
multi=$(readlink -f "$iptables_bin")
case "$(basename "$multi")" in
  xtables-nft-multi) ;;
  *) fail "$iptables_bin is $(basename "$multi"), not the nf_tables backend (xtables-nft-multi)" ;;
esac
# Extensions (libxt_statistic.so, libxt_comment.so, ...) are dlopen()ed from the compiled-in
# directory, so ldd does not list them: find it next to libxtables.
libxtables=$(ldd "$multi" | awk '/libxtables/ {print $3}')
xtables_dir=$(dirname "$(readlink -f "$libxtables")")/xtables
[ -d "$xtables_dir" ] || fail "no xtables extension directory at $xtables_dir"
sleep_bin=$(readlink -f "$(command -v sleep)")
tc_bin=$(command -v tc || true)
[ -n "$tc_bin" ] && tc_bin=$(readlink -f "$tc_bin")

sha=$(cat "$multi" "$sleep_bin" ${tc_bin:+"$tc_bin"} "$xtables_dir"/*.so | sha256sum | cut -d' ' -f1)
version=$("$multi" iptables --version 2>/dev/null | head -1 || true)

if ! timeout 10 docker info >/dev/null 2>&1; then
  fail "no Docker engine answers; run 'bash scripts/ensure-docker.sh' first"
fi

current=$(docker image inspect --format '{{ index .Config.Labels "joinlab.netfaults-sha256" }}' "$tag" 2>/dev/null || true)
if [ "$force" = 0 ] && [ "$current" = "$sha" ]; then
  echo "make-netfaults-image: $tag is current ($version)" >&2
  echo "$tag"
  exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

copy_with_libs() {
  # The file under the path it is asked for, then every library the loader needs for it.
  local file=$1 target=$2
  mkdir -p "$root$(dirname "$target")"
  cp -L "$file" "$root$target"
  ldd "$file" | awk '/=> \//{print $3} /^\t\//{print $1}' | while read -r lib; do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

mkdir -p "$root/usr/sbin" "$root/usr/bin" "$root/etc" "$root/tmp" "$root/run"
copy_with_libs "$multi" /usr/sbin/xtables-nft-multi
# The multi-binary picks its personality from argv[0].
ln -s xtables-nft-multi "$root/usr/sbin/iptables-nft"
ln -s xtables-nft-multi "$root/usr/sbin/iptables-nft-restore"
ln -s xtables-nft-multi "$root/usr/sbin/iptables-nft-save"
for ext in "$xtables_dir"/*.so; do
  copy_with_libs "$ext" "$xtables_dir/$(basename "$ext")"
done
copy_with_libs "$sleep_bin" /usr/bin/sleep
[ -n "$tc_bin" ] && copy_with_libs "$tc_bin" /usr/sbin/tc
chmod 1777 "$root/tmp"
# Protocol names (`-p udp`) resolve through /etc/protocols when it exists.
[ -f /etc/protocols ] && cp /etc/protocols "$root/etc/protocols"
echo 'root:x:0:0:root:/root:/sbin/nologin' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

echo "make-netfaults-image: importing $tag from $multi ($version)..." >&2
tar -C "$root" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/sbin:/usr/bin' \
  --change 'WORKDIR /' \
  --change 'CMD ["sleep", "infinity"]' \
  --change "LABEL org.opencontainers.image.title=joinlab-netfaults org.opencontainers.image.description=\"Host iptables-nft for network faults, no shell (made by scripts/make-netfaults-image.sh)\" joinlab.netfaults-source=host joinlab.netfaults-sha256=$sha" \
  --message "joinlab network-fault helper from host $version" \
  - "$tag" >&2

# An image that cannot list rules is worse than none: check it in a namespace of its own.
if ! docker run --rm --network none --cap-drop ALL --cap-add NET_ADMIN --label joinlab.run=make-netfaults-image \
  "$tag" iptables-nft -S >/dev/null; then
  fail "$tag was made but cannot run iptables-nft; see the output above"
fi
echo "make-netfaults-image: $tag ready ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.1f MB", $1/1e6}'))" >&2
echo "$tag"
