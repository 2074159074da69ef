#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install: meson install puts only the plugin, into the EAL's plugin
# directory; devtools/deb.sh packages it; dpkg -i installs it into the
# system, where dpdk-testpmd finds it without -d and forwards over it
# against a testpmd with net_vhost; dpkg -r takes every file away again.
# Needs root. The package is installed for a few seconds only and never
# left installed (other tests load the build's plugin with -d; a second
# copy in the system directory is loaded too). Prints "N passed, N failed".
set -uo pipefail
export VIRTNET_BUILD=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
export VIRTNET_RUN=${VIRTNET_RUN:-/var/run/virtnet/install}
export VIRTNET_PREFIX=${VIRTNET_PREFIX:-virtnet}-install
. "$(dirname "$0")/../devtools/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PKG=dpdk-pmd-virtnet
LIB=librte_net_virtnet.so
SOCK=$VIRTNET_RUN/inst.sock
DONE=$VIRTNET_RUN/inst.done
VH=
INSTALLED=0
WINDOW="?"

if [ "$(id -u)" != 0 ] || ! command -v dpkg >/dev/null; then
	echo "SKIP: needs root and dpkg"
	exit 77
fi
mkdir -p "$VIRTNET_RUN"
vn_check_hugepages

# The EAL's plugin directory, as DPDK's build config has it.
# shellcheck disable=SC2046
PMD_DIR=$(printf '#include <rte_build_config.h>\nRTE_EAL_PMD_PATH\n' |
	cpp -P $(pkg-config --cflags libdpdk) - | tr -d '" ' | tail -n 1)

remove_pkg() {
	if [ "$INSTALLED" = 1 ]; then
		dpkg -r "$PKG" >"$VIRTNET_RUN/dpkg-r.log" 2>&1
		INSTALLED=0
	fi
}

cleanup() {
	remove_pkg
	touch "$DONE"
	[ -z "$VH" ] || wait "$VH"
	vn_cleanup
	rm -rf "$VIRTNET_RUN/deb" "$VIRTNET_RUN/destdir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

installed() {
	dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed'
}

# meson install: the plugin, stripped, at the EAL's directory; no test or
# app of the tree.
case_meson_install() {
	local d=$VIRTNET_RUN/destdir files
	rm -rf "$d"
	if ! meson install -C "$VIRTNET_BUILD" --destdir "$d" --strip \
			>"$VIRTNET_RUN/meson-install.log" 2>&1; then
		bad meson_install "see $VIRTNET_RUN/meson-install.log"
		return
	fi
	files=$(cd "$d" && find . ! -type d | sed 's|^\.||')
	if [ "$files" = "$PMD_DIR/$LIB" ] &&
	   dpdk-pmdinfo.py "$d$PMD_DIR/$LIB" | grep -c '"name": "net_virtnet_user"' >/dev/null; then
		ok "meson_install (only $PMD_DIR/$LIB)"
	else
		bad meson_install "installs '$(echo "$files" | paste -sd ' ' -)', want only $PMD_DIR/$LIB with pmdinfo"
	fi
}

# The package: name, fields, exact DPDK runtime, contents.
case_deb() {
	local dver arch
	mkdir -p "$VIRTNET_RUN/deb"
	rm -f "$VIRTNET_RUN"/deb/*.deb
	DEB=$("$VIRTNET_ROOT/devtools/deb.sh" -b "$VIRTNET_BUILD" "$VIRTNET_RUN/deb" \
		2>"$VIRTNET_RUN/deb.log")
	dver=$(dpkg-query -W -f='${Version}' librte-ethdev23)
	arch=$(dpkg --print-architecture)
	VERSION=$(meson introspect --projectinfo "$VIRTNET_BUILD" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
	if [ "$DEB" != "$VIRTNET_RUN/deb/${PKG}_${VERSION}_$arch.deb" ] || [ ! -f "$DEB" ]; then
		bad deb "no ${PKG}_${VERSION}_$arch.deb: $(cat "$VIRTNET_RUN/deb.log")"
	elif [ "$(dpkg-deb -f "$DEB" Package Version Architecture | tr '\n' ' ')" != \
	       "Package: $PKG Version: $VERSION Architecture: $arch " ]; then
		bad deb "fields: $(dpkg-deb -f "$DEB" Package Version Architecture)"
	elif ! dpkg-deb -f "$DEB" Depends | grep -q "librte-ethdev23 (= $dver)" ||
	     ! dpkg-deb -f "$DEB" Depends | grep -q "librte-bus-vdev23 (= $dver)"; then
		bad deb "Depends not pinned to DPDK $dver: $(dpkg-deb -f "$DEB" Depends)"
	elif ! dpkg-deb -c "$DEB" | grep -c " \.$PMD_DIR/$LIB\$" >/dev/null; then
		bad deb "$PMD_DIR/$LIB not in the package"
	else
		ok "deb ($(basename "$DEB"), Depends on DPDK $dver)"
		return 0
	fi
	return 1
}

# A testpmd with net_vhost, started before the install (it loads the
# system plugin directory at start); forwards until $DONE appears.
start_vhost() {
	rm -f "$SOCK" "$DONE"
	{
		vn_script "set fwd mac" "start"
		for _ in $(seq 300); do [ -e "$DONE" ] && break; sleep 0.1; done
		vn_script "stop" "quit"
	} | vn_testpmd inst-vhost '0@1,1@1' "net_vhost0,iface=$SOCK" "" "" &
	VH=$!
	for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
}

# forward stats of port 0 in the final summary: "RX" or "TX" packets
fwd_count() {
	awk -v k="$2-packets:" '/Forward statistics for port 0/ { f = 1 }
		f && $1 == k { print $2; exit }' "$1"
}

# Commands once the port is up (init takes seconds on a loaded machine:
# the 2 s of traffic must not start before it).
virtnet_script() { # log
	for _ in $(seq 300); do grep -q "^Port 0: " "$1" 2>/dev/null &&
		grep -q "^Checking link statuses" "$1" && break; sleep 0.1; done
	vn_script "set fwd mac" "start tx_first 16" "sleep 2" "stop" \
		"show port info 0" "quit"
}

# Installed: dpkg -L, dpkg -V, then testpmd with no -d forwarding over
# net_virtnet_user; removed right after.
case_installed() {
	local log=$VIRTNET_RUN/inst-virtnet.log rc rx tx list verify
	local st
	st=$(dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null)
	if [ -n "$st" ] && [ "$st" != "unknown ok not-installed" ]; then
		bad installed "$PKG is '$st' before the test; not touching it (dpkg -r $PKG)"
		return
	fi
	if [ -e "$PMD_DIR/$LIB" ]; then
		bad installed "$PMD_DIR/$LIB exists, not from the package (meson install?); remove it first"
		return
	fi
	vn_cleanup
	start_vhost
	[ -S "$SOCK" ] || { bad installed "vhost socket $SOCK never appeared"; return; }
	rm -f "$log"
	T0=$(date +%s.%N)
	INSTALLED=1
	if ! dpkg -i "$DEB" >"$VIRTNET_RUN/dpkg-i.log" 2>&1; then
		bad installed "dpkg -i failed: $(tail -n 3 "$VIRTNET_RUN/dpkg-i.log")"
		return
	fi
	list=$(dpkg -L "$PKG")
	verify=$(dpkg -V "$PKG" 2>&1)
	virtnet_script "$log" |
		vn_testpmd inst-virtnet '0@0,1@0' \
			"net_virtnet_user0,mac=00:01:02:03:04:05,path=$SOCK" "" ""
	rc=$?
	remove_pkg
	WINDOW=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	touch "$DONE"
	wait "$VH"
	VH=
	rx=$(fwd_count "$log" RX)
	tx=$(fwd_count "$log" TX)
	if ! echo "$list" | grep -qx "$PMD_DIR/$LIB" ||
	   ! echo "$list" | grep -qx "/usr/share/doc/$PKG/copyright"; then
		bad dpkg_L "$(echo "$list" | paste -sd ' ' -)"
	elif [ -n "$verify" ]; then
		bad dpkg_V "$verify"
	else
		ok "dpkg_L ($PMD_DIR/$LIB, copyright, changelog)"
	fi
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad testpmd_no_d "testpmd exit $rc; see $log"
	elif ! grep -q "Driver name: net_virtnet_user\$" "$log" ||
	     ! grep -q "Link status: up" "$log"; then
		bad testpmd_no_d "no net_virtnet_user port up; see $log"
	elif [ "${rx:-0}" -lt 10000 ] || [ "${tx:-0}" -lt 10000 ]; then
		bad testpmd_no_d "forwarded rx ${rx:-0} tx ${tx:-0}, want >= 10000; see $log"
	else
		ok "testpmd_no_d (no -d: net_virtnet_user up, rx $rx tx $tx)"
	fi
}

# dpkg -r: every file of the package gone, the package unknown.
case_removed() {
	local left=
	for f in "$PMD_DIR/$LIB" "/usr/share/doc/$PKG"; do
		[ -e "$f" ] && left="$left $f"
	done
	if installed; then
		bad dpkg_r "still installed: $(cat "$VIRTNET_RUN/dpkg-r.log")"
	elif [ -n "$left" ]; then
		bad dpkg_r "left:$left"
	else
		ok "dpkg_r (no file left; installed for $WINDOW s)"
	fi
}

case_meson_install
if case_deb; then
	case_installed
	case_removed
fi
t_summary
