#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Faults QEMU's virtio-net-pci never shows: a PCI function backed by files
# (tests/pci-fault/mkdev.py), one fault per variant, probed by virtnet
# through DPDK's PCI bus as a uio_pci_generic device. Each fault must be
# refused with its reason logged, no port, no crash, and ten more probes
# must give back every byte of DPDK heap they take. Bad queue values must
# fail queue setup or start cleanly; so must a control queue that never
# answers (ethdev's start replays the Rx modes through it: the wait ends
# after a second). The control variant must probe, start, stop and close.
#
#   [ONLY='variant|...'] tests/test_pci_faults.sh BUILD_DIR
#
# Needs root: the config space is read from /sys/class/uio/uioN/device/config,
# which a private mount namespace (unshare -m) covers with a tmpfs.
set -euo pipefail

BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
APP=$BUILD/tests/pci_probe_check
PLUGIN_DIR=$BUILD/drivers/net/virtnet
UIO=250
WORK=$(mktemp -d /var/tmp/virtnet-pcifault.XXXXXX)
DEVNODE=/dev/uio$UIO

# shellcheck source=lib.sh
. "$HERE/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	echo "SKIP: needs root and unshare"
	exit 77
fi
if ! unshare -m --propagation private sh -c 'mount -t tmpfs vnt-probe /sys/class' 2>/dev/null; then
	echo "SKIP: no private mount namespace here (unshare -m, mount)"
	exit 77
fi
if [ -e "$DEVNODE" ]; then
	echo "SKIP: $DEVNODE exists on this machine"
	exit 77
fi
# The uio fd of a file-backed function is a plain file.
touch "$DEVNODE"
trap 'rm -rf "$WORK"; rm -f "$DEVNODE"' EXIT

# variant  expected log line (a fixed string)
CASES='
cap-ptr-range|capability pointer 0x20 is out of range
cap-loop|capability list does not end
cap-truncated|virtio capability at 0x40 is truncated
cap-outside-bar|capability type 1: 14336+4096 lies outside BAR 4 (16384 B)
cap-bar-absent|capability type 3: BAR 2 is not mapped
cap-bar-invalid|capability type 4 names BAR 7
common-too-short|common config of 16 B is too short
isr-len0|ISR status capability of 0 B
notify-no-mult|notify capability without a multiplier
no-caps|modern device without a usable virtio capability set
no-queues|device offers no virtqueues
no-version-1|device is not virtio 1.x
legacy-no-iobar|I/O BAR 0 cannot be mapped
notify-off-range|queue 0 notify offset 16384 is beyond the 4096 B notify region|start
ring-size-zero|device offers ring size 0 for queue 0|start
ring-size-odd|device offers ring size 300 for queue 0, which the split layout cannot use|start
cq-silent|control command 1/0 got no answer in 1000 ms; control queue stopped|start
good|modern interface
notify-data|modern interface
devcfg-len0|device config capability of 0 B
notify-mult-odd|queue 0 notify offset 3 (multiplier 3) is not 2-byte aligned|start
mq-no-ctrl|device offers feature 22 without feature 17, which it needs: not used|runs
mq-pairs-0|device offers MQ with 0 queue pairs; using one pair without MQ|runs
mq-pairs-huge|device offers MQ with 65535 queue pairs; using one pair without MQ|runs
mq-pairs-max|device offers MQ with 32768 queue pairs; using one pair without MQ|runs
mtu-0|device offers MTU with 0, below 68; not negotiated|runs
mtu-huge|device MTU 65535; virtnet receives at most 9706|runs
mac-zero|device MAC 00:00:00:00:00:00 is zero or multicast; using random|runs
mac-multicast|device MAC 01:00:5E:00:00:01 is zero or multicast; using random|runs
gen-unstable|device config kept changing
reset-stuck|the device did not finish its reset: its 2 rings and the buffers in them are kept until it does
reset-stuck-close|closed on a device that never finished its reset
'

run() { # variant -> log in $WORK/$1.log
	local v=$1 sys=$WORK/$1/devices dv=$1 mode=() hook=HOOK=none
	# A good device whose reset gets stuck as the port stops (audit F4),
	# or whose config generation moves during every read (virtnet's
	# test hooks: a file does not change by itself).
	case $v in
	reset-stuck) dv=good; mode=(stuck); hook=VIRTNET_TEST_PCI_RESET=$WORK/$v.stuck ;;
	reset-stuck-close) dv=good; mode=(stuck-close); hook=VIRTNET_TEST_PCI_RESET=$WORK/$v.stuck ;;
	gen-unstable) dv=good; hook=VIRTNET_TEST_PCI_GEN=unstable ;;
	esac
	mkdir -p "$sys"
	python3 "$HERE/pci-fault/mkdev.py" "$dv" "$sys" "$WORK/$v/config" "$UIO"
	SYSFS_PCI_DEVICES=$sys LD_LIBRARY_PATH=$PLUGIN_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
	unshare -m --propagation private sh -c '
		mount -t tmpfs vnt-uio /sys/class &&
		mkdir -p /sys/class/uio/uio$1/device &&
		cp "$2" /sys/class/uio/uio$1/device/config &&
		shift 2 && exec "$@"' sh "$UIO" "$WORK/$v/config" \
		env "$hook" timeout 60 "$APP" --lcores 0@0 --in-memory -m 64 --iova-mode=pa \
		--file-prefix "vnt-pcifault-$$" -d librte_net_virtnet.so \
		--log-level=lib.eal:error --log-level='pmd.net.virtnet.*:info' \
		-a 0000:00:04.0 -- 0000:00:04.0 "${mode[@]}" >"$WORK/$v.log" 2>&1
	echo $?
}

while IFS='|' read -r v want step; do
	[ -n "$v" ] || continue
	[ -z "${ONLY:-}" ] || [[ $v =~ ^($ONLY)$ ]] || continue
	rc=$(run "$v" || true)
	log=$WORK/$v.log
	if [ "$v" = reset-stuck ]; then
		# Kept through the stuck stop, refused start, all back after.
		read -r h k r s e < <(sed -n 's/^VNT stuck held \([0-9]*\) stop-kept \([0-9]*\) start-stuck \(-*[0-9]*\) start-after \(-*[0-9]*\) held-end \([0-9]*\)$/\1 \2 \3 \4 \5/p' "$log") || true
		if [ "$rc" = 0 ] && [ -n "${h:-}" ] && [ "$h" -gt 8 ] && [ "$k" = "$h" ] &&
		   [ "$r" != 0 ] && [ "$s" = 0 ] && [ "$e" = 0 ] && grep -qF "$want" "$log"; then
			ok "$v: $k of $h mbufs kept from a device stuck in reset, start refused ($r), all back once it finished"
		else
			bad "$v (rc $rc):"; sed 's/^/    /' "$log"
		fi
	elif [ "$v" = reset-stuck-close ]; then
		read -r h k p < <(sed -n 's/^VNT stuck-close held \([0-9]*\) after-close \([0-9]*\) ports \([0-9]*\)$/\1 \2 \3/p' "$log") || true
		read -r r e < <(sed -n 's/^VNT reprobed start \(-*[0-9]*\) held-end \([0-9]*\)$/\1 \2/p' "$log") || true
		if [ "$rc" = 0 ] && [ -n "${h:-}" ] && [ "$h" -gt 8 ] && [ "$k" = "$h" ] &&
		   [ "$p" = 0 ] && [ "${r:-}" = 0 ] && [ "${e:-}" = 0 ] &&
		   grep -qF "$want" "$log"; then
			ok "$v: closed on a stuck device, its $k mbufs left to it; probed again, it starts and gives every mbuf back"
		else
			bad "$v (rc $rc):"; sed 's/^/    /' "$log"
		fi
	elif [ "$v" = good ] || [ "$v" = notify-data ]; then
		# Every queue notifies at offset 0 of the notify region (BAR
		# offset 0x3000); the last one is the Tx kick of 8 frames on
		# queue 1: "1" alone, or with NOTIFICATION_DATA the next avail
		# index 8 in the upper half.
		nw=$(od -An -tx4 -j $((0x3000)) -N4 "$WORK/$v/devices/0000:00:04.0/resource4" | tr -d ' ')
		[ "$v" = good ] && wn=00000001 || wn=00080001
		if [ "$rc" = 0 ] && grep -q "^VNT ports 1" "$log" &&
		   grep -q "^VNT control ok" "$log" && grep -qF "$want" "$log" &&
		   ! grep -q "^VNT refused" "$log" && [ "$nw" = "$wn" ]; then
			ok "$v: probes, starts, sends, stops, closes; last notification 0x$nw"
		else
			bad "$v (rc $rc, last notification 0x$nw, want 0x$wn):"; sed 's/^/    /' "$log"
		fi
	elif [ "$step" = runs ]; then
		# A config value the driver works around: probed, runs, logged.
		# MQ refused: one queue pair.
		case $v in mq-*) q=1 ;; *) q='[0-9]*' ;; esac
		if [ "$rc" = 0 ] && grep -q "^VNT ports 1" "$log" &&
		   grep -q "^VNT control ok" "$log" && grep -qF "$want" "$log" &&
		   grep -q "^VNT max-queues $q$" "$log" &&
		   ! grep -q "^VNT refused" "$log"; then
			ok "$v: runs ($want; $(grep -o 'max-queues [0-9]*' "$log"))"
		else
			bad "$v (rc $rc), wanted it to run with \"$want\":"
			sed 's/^/    /' "$log"
		fi
	elif [ -n "$step" ]; then
		# Probed; the device's queue values make $step fail.
		if [ "$rc" = 0 ] && grep -q "^VNT ports 1" "$log" &&
		   grep -q "^VNT refused $step" "$log" && grep -qF "$want" "$log" &&
		   grep -q "^VNT control ok" "$log"; then
			ok "$v: $step refused ($want), port closed, no mbuf held"
		else
			bad "$v (rc $rc), wanted $step refused with \"$want\":"
			sed 's/^/    /' "$log"
		fi
	elif [ "$rc" = 0 ] && grep -q "^VNT ports 0" "$log" && grep -qF "$want" "$log" &&
	     grep -q "^VNT reprobe fails 10 heap-delta 0 allocs-delta 0" "$log"; then
		ok "$v: refused ($want), no port, 10 reprobes leak nothing"
	else
		bad "$v (rc $rc), wanted \"$want\":"; sed 's/^/    /' "$log"
	fi
done <<<"$CASES"
t_summary
