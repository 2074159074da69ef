#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build (or reuse) the Debian 12 guest for the PCI tests.
#
#   tests/guest/image.sh BUILD_DIR OUT_DIR
#
# Two caches under VIRTNET_GUEST_CACHE (default /var/cache/virtnet/guest):
#   tree-<key>/      debootstrap tree with the kernel and the dpdk packages of
#                    the host's exact version; key = packages + version + this
#                    script. Built once (a few minutes), then reused.
#   <OUT_DIR>/       kernel, initrd and root image made with `mkfs.ext4 -d`
#                    from the tree plus the plugin, the guest test app and
#                    the guest scripts; rebuilt only when one of them changed.
# The mirror is read from the machine's own apt sources, never written down.
set -euo pipefail

BUILD=$(cd "$1" && pwd)
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${VIRTNET_GUEST_CACHE:-/var/cache/virtnet/guest}
PKGS="linux-image-amd64 kmod procps iproute2 pciutils"

log() { printf 'guest-image: %s\n' "$*"; }
die() { printf 'guest-image: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"
for t in debootstrap mkfs.ext4 qemu-system-x86_64; do
	command -v "$t" >/dev/null || die "$t missing: run devtools/setup.sh"
done

# The first "deb" URI of the machine's sources that serves bookworm main.
mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = "" }
		     /Types:[^\n]*deb([ \t\n]|$)/ && /Suites:[^\n]*bookworm([ \t\n]|$)/ {
			if (match($0, /URIs:[ \t]*[^ \t\n]+/)) {
				u = substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", u)
				print u; exit
			} }' "$f"
	done | head -n1
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' "$f"
	done | head -n1
}

DPDK_VER=$(dpkg-query -W -f='${Version}' dpdk)
KEY=$( { echo "$PKGS $DPDK_VER"; cat "$0"; } | sha256sum | cut -c1-16)
TREE=$CACHE/tree-$KEY

build_tree() {
	local m tmp=$CACHE/tree-$KEY.tmp
	m=$(mirror | head -n1)
	[ -n "$m" ] || die "no bookworm source in the machine's apt sources"
	log "debootstrap bookworm (dpdk $DPDK_VER) into $TREE"
	rm -rf "$tmp"
	mkdir -p "$CACHE"
	debootstrap --variant=minbase bookworm "$tmp" "$m" >"$CACHE/debootstrap.log" 2>&1 ||
		die "debootstrap failed: see $CACHE/debootstrap.log"
	# The guest takes the host's own sources, so it gets the same dpdk.
	cp /etc/apt/sources.list.d/*.sources "$tmp/etc/apt/sources.list.d/" 2>/dev/null || true
	[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$tmp/etc/apt/"
	rm -f "$tmp"/etc/apt/sources.list.d/virtnet-deb-src.*
	find "$tmp/etc/apt/sources.list.d" -name '*.disabled*' -delete
	mount --bind /proc "$tmp/proc"
	# shellcheck disable=SC2086
	if ! chroot "$tmp" /bin/sh -c "apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $PKGS dpdk=$DPDK_VER dpdk-dev=$DPDK_VER" \
		>"$CACHE/apt.log" 2>&1; then
		umount "$tmp/proc"
		die "package install in the guest failed: see $CACHE/apt.log"
	fi
	umount "$tmp/proc"
	chroot "$tmp" apt-get clean
	rm -rf "$tmp"/usr/share/doc "$tmp"/usr/share/man "$tmp"/usr/share/locale \
		"$tmp"/var/lib/apt/lists/*
	echo virtnet-guest >"$tmp/etc/hostname"
	mv "$tmp" "$TREE"
}

[ -d "$TREE" ] || build_tree

# Inputs of the root image: tree key, plugin, guest app, guest scripts.
APP=$BUILD/tests/guest/virtnet_guest_test
PLUGIN=$BUILD/drivers/net/virtnet/librte_net_virtnet.so
[ -f "$APP" ] && [ -f "$PLUGIN" ] || die "build first (missing $APP or $PLUGIN)"
IKEY=$( { echo "$KEY"; sha256sum "$APP" "$PLUGIN" "$HERE"/guest-*.sh | cut -c1-64; } |
	sha256sum | cut -c1-16)
mkdir -p "$OUT"
if [ -f "$OUT/rootfs.ext4" ] && [ "$(cat "$OUT/key" 2>/dev/null)" = "$IKEY" ]; then
	log "root image unchanged ($IKEY)"
	exit 0
fi
log "root image $IKEY"
STAGE=$OUT/stage
rm -rf "$STAGE"
mkdir -p "$STAGE/opt/virtnet"
cp "$PLUGIN" "$APP" "$HERE"/guest-*.sh "$STAGE/opt/virtnet/"
cp "$TREE"/boot/vmlinuz-* "$OUT/vmlinuz"
cp "$TREE"/boot/initrd.img-* "$OUT/initrd"
# Tree and stage merged by a throw-away overlay so the cache stays clean.
rm -f "$OUT/rootfs.ext4"
mkdir -p "$OUT/merged"
mount -t overlay overlay -o "lowerdir=$STAGE:$TREE" "$OUT/merged"
mkfs.ext4 -q -F -L virtnet -d "$OUT/merged" "$OUT/rootfs.ext4" 1536M ||
	{ umount "$OUT/merged"; die "mkfs.ext4 failed"; }
umount "$OUT/merged"
rm -rf "$STAGE" "$OUT/merged"
echo "$IKEY" >"$OUT/key"
