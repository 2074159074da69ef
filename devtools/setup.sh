#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Prepare a fresh Debian 12 machine for building and testing virtnet.
# Idempotent; run as root. Installs Debian packages, fetches the DPDK driver
# SDK headers from Debian's dpdk source package of the installed version into
# a cache outside the tracked tree, and reserves hugepages.
#
# Environment:
#   VIRTNET_SDK_CACHE  where the SDK headers go (default /var/cache/virtnet/sdk)
#   VIRTNET_HUGEPAGES  2 MB pages to reserve (default 1024)
#   VIRTNET_NO_HUGE=1  skip hugepage setup
set -euo pipefail

SDK_CACHE=${VIRTNET_SDK_CACHE:-/var/cache/virtnet/sdk}
NR_HUGE=${VIRTNET_HUGEPAGES:-1024}
# openvswitch-switch-dpdk: tests/test_ovs.sh runs its ovs-vswitchd-dpdk
# itself, with its own database and directories; the openvswitch-switch
# service the package brings is not used (nor is the alternative switched).
PKGS="dpdk dpdk-dev libdpdk-dev meson ninja-build pkg-config python3-pyelftools
gcc clang libclang-rt-dev binutils dpkg-dev xz-utils iproute2 procps bc gnuplot-nox
qemu-system-x86 qemu-utils debootstrap e2fsprogs openvswitch-switch-dpdk"

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"
export DEBIAN_FRONTEND=noninteractive

need_install() {
	local p
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || return 0
	done
	return 1
}

install_packages() {
	if need_install; then
		log "installing packages"
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
	else
		log "packages already installed"
	fi
}

# Write deb-src twins of the machine's own "deb" entries (both the one-line
# and the deb822 formats), so no mirror host is ever named by this project.
add_deb_src() {
	local out=/etc/apt/sources.list.d/virtnet-deb-src.sources f
	local list=/etc/apt/sources.list.d/virtnet-deb-src.list
	: >"$out.tmp"
	: >"$list.tmp"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		[ "$f" = "$list" ] && continue
		sed -n 's/^[[:space:]]*deb[[:space:]]\+\(.*debian.*\)$/deb-src \1/p' \
			"$f" >>"$list.tmp"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		[ "$f" = "$out" ] && continue
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
		     /(^|\n)Types:[^\n]*deb([ \t\n]|$)/ && /debian/ {
			sub(/Types:[^\n]*/, "Types: deb-src"); print }' \
			"$f" >>"$out.tmp"
	done
	mv "$out.tmp" "$out"
	mv "$list.tmp" "$list"
	[ -s "$out" ] || rm -f "$out"
	[ -s "$list" ] || rm -f "$list"
}

fetch_sdk_headers() {
	local ver stamp work dsc srcdir h
	ver=$(dpkg-query -W -f='${Version}' libdpdk-dev)
	stamp="$SDK_CACHE/.version"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ver" ]; then
		log "SDK headers for dpdk $ver already in $SDK_CACHE"
		return
	fi
	log "fetching dpdk $ver source package for the driver SDK headers"
	add_deb_src
	apt-get update -qq
	work=$(mktemp -d /var/tmp/virtnet-dpdk-src.XXXXXX)
	chown _apt "$work" 2>/dev/null || true
	(cd "$work" && apt-get source -qq --download-only "dpdk=$ver") ||
		die "apt-get source dpdk=$ver failed (is a deb-src entry reachable?)"
	dsc=$(ls "$work"/dpdk_*.dsc | head -n 1)
	(cd "$work" && dpkg-source -q --no-check -x "$dsc" src >/dev/null)
	srcdir="$work/src"
	rm -rf "$SDK_CACHE.new"
	mkdir -p "$SDK_CACHE.new"
	for h in lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h \
		 lib/ethdev/ethdev_pci.h drivers/bus/vdev/bus_vdev_driver.h \
		 drivers/bus/pci/bus_pci_driver.h lib/eal/include/dev_driver.h \
		 lib/eal/include/bus_driver.h; do
		[ -f "$srcdir/$h" ] || die "$h missing from dpdk $ver source"
		cp "$srcdir/$h" "$SDK_CACHE.new/"
	done
	echo "$ver" >"$SDK_CACHE.new/.version"
	rm -rf "$SDK_CACHE"
	mv "$SDK_CACHE.new" "$SDK_CACHE"
	rm -rf "$work"
	log "SDK headers in $SDK_CACHE"
}

setup_hugepages() {
	if [ "${VIRTNET_NO_HUGE:-0}" = 1 ]; then
		log "hugepages skipped (VIRTNET_NO_HUGE=1)"
		return
	fi
	mkdir -p /dev/hugepages
	mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages
	local cur
	cur=$(cat /proc/sys/vm/nr_hugepages)
	if [ "$cur" -lt "$NR_HUGE" ]; then
		echo "$NR_HUGE" >/proc/sys/vm/nr_hugepages
	fi
	cur=$(cat /proc/sys/vm/nr_hugepages)
	[ "$cur" -ge "$NR_HUGE" ] ||
		log "warning: only $cur of $NR_HUGE hugepages reserved"
	log "hugepages: $cur x 2 MB on /dev/hugepages"
}

install_packages
fetch_sdk_headers
setup_hugepages
log "done"
