#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# PCI tests in a QEMU guest (TCG): virtnet on pairs of virtio-net-pci NICs,
# each pair on its own QEMU hub, cases from guest/guest-cases.sh. Checks
# the guest's results; prints virtnet and net_virtio rates side by side.
#
#   tests/test_guest.sh BUILD_DIR
#
# VIRTNET_GUEST_DIR: where the image goes (default /var/cache/virtnet/guest/img)
# VNT_ONLY=name: run one case of guest/guest-cases.sh only (an extended
#   regular expression matching whole names: VNT_ONLY='filter.*')
# VNT_DEBUG=1: when the guest reports a stall, print QEMU's view of every
#   queue (QMP x-query-virtio-queue-status) into BUILD/qmp-watch.log
set -euo pipefail

BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${VIRTNET_GUEST_DIR:-/var/cache/virtnet/guest/img}
LOG=$BUILD/guest-console.log
TIMEOUT=${VIRTNET_GUEST_TIMEOUT:-1800}

# shellcheck source=lib.sh
. "$HERE/lib.sh"

bash "$HERE/guest/image.sh" "$BUILD" "$OUT"
# shellcheck source=guest/guest-cases.sh
. "$HERE/guest/guest-cases.sh"

if [ -n "${VNT_ONLY:-}" ]; then
	VNT_CASES=$(awk -v c="$VNT_ONLY" '$1 ~ ("^(" c ")$")' <<<"$VNT_CASES")
	[ -n "$VNT_CASES" ] || { echo "test_guest: no case $VNT_ONLY"; exit 1; }
fi
# Without network namespaces or a tun device there is no multi-queue
# back-end: say so and leave the mq=on cases out rather than fail them.
if grep -q "mq=on" <<<"$VNT_CASES" &&
   ! { [ -c /dev/net/tun ] && ip netns add "vnt-probe-$$" 2>/dev/null &&
       ip netns del "vnt-probe-$$"; }; then
	echo "SKIP mq=on cases: no /dev/net/tun or no network namespaces here"
	VNT_CASES=$(grep -v "mq=on" <<<"$VNT_CASES")
fi
# Multi-queue NICs need a multi-queue back-end: QEMU's hub has one queue,
# so an mq=on pair gets two multi-queue taps on a bridge, in a network
# namespace of the test's own (QEMU runs in it).
NETNS=vnt-guest-$$
TAPS=()
NICS=()
hub=0
while read -r name slot opts drv; do
	[ -n "$name" ] || continue
	for s in "$slot" "$(printf '%02x' $((0x$slot + 1)))"; do
		# mq=on and the control-plane case (offloads) need taps.
		if [[ $opts == *mq=on* || $name == ctrl ]]; then
			NICS+=(-netdev "tap,id=n$s,ifname=vnt$s,script=no,downscript=no,queues=2,vhost=off")
			TAPS+=("vnt$s")
		else
			NICS+=(-netdev "hubport,id=n$s,hubid=$hub")
		fi
		NICS+=(-device "virtio-net-pci,id=nic$s,netdev=n$s,addr=0x$s,$opts")
	done
	hub=$((hub + 1))
done <<<"$VNT_CASES"

INNS=()
if [ ${#TAPS[@]} -gt 0 ]; then
	ip netns add "$NETNS"
	trap 'ip netns del "$NETNS" 2>/dev/null' EXIT
	ip netns exec "$NETNS" sh -c '
		sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip link add vntbr type bridge stp_state 0 && ip link set vntbr up'
	INNS=(ip netns exec "$NETNS")
	# QEMU creates the taps when it starts: put them on the bridge then.
	( for _ in $(seq 100); do
		sleep 0.2
		for t in "${TAPS[@]}"; do
			ip netns exec "$NETNS" ip link set "$t" mtu 9000 master vntbr up \
				2>/dev/null || continue 2
		done
		exit 0
	  done ) &
fi

# QMP: link changes for the LSC test, announce-self, tracing of device
# status writes (QEMU's log trace backend, into TRACE), queue state on
# stalls (VNT_DEBUG).
sock=$BUILD/qemu-qmp.sock
TRACE=$BUILD/qemu-trace.log
rm -f "$sock" "$LOG" "$TRACE"
QMP=(-qmp "unix:$sock,server=on,wait=off" -D "$TRACE"
	-d trace:virtio_net_handle_announce)
nics=$(printf '%s\n' "${NICS[@]}" | sed -n 's/.*id=\(nic[0-9a-f]*\),.*/\1/p')
dbg=()
[ "${VNT_DEBUG:-0}" = 1 ] && dbg=(--debug)
python3 "$HERE/guest/qmp-watch.py" "${dbg[@]}" "$sock" "$LOG" "$TRACE" $nics \
	>"$BUILD/qmp-watch.log" 2>&1 &
echo "test_guest: booting the guest ($(nproc) host cpus, TCG)"
start=$(date +%s)
"${INNS[@]}" timeout "$TIMEOUT" qemu-system-x86_64 -machine q35 -accel tcg -cpu Nehalem \
	-smp 2 -m 2G -device intel-iommu -display none -monitor none -no-reboot \
	-serial "file:$LOG" \
	-kernel "$OUT/vmlinuz" -initrd "$OUT/initrd" \
	-append "root=/dev/vda rw console=ttyS0 intel_iommu=on iommu=pt init=/opt/virtnet/guest-init.sh quiet${VNT_ONLY:+ vnt_only=$VNT_ONLY}" \
	-drive "file=$OUT/rootfs.ext4,if=virtio,format=raw,snapshot=on" \
	"${NICS[@]}" "${QMP[@]}" || echo "test_guest: qemu exited with $?"
echo "test_guest: guest ran $(( $(date +%s) - start )) s; console in $LOG"

grep -q "^VNT-DONE" "$LOG" && ok "guest ran every case" || bad "guest did not finish"

# The ctrl case: its own runs (guest-run.sh ctrl_case). QEMU's view is in
# qmp-watch.log: ANNOUNCE_ACKs handled, status writes per goff window (1:
# app on virtnet, 2: app on net_virtio, 3 and 4: testpmd, same order).
ctrl_checks() { # opts drv
	local q=$BUILD/qmp-watch.log l
	l=$(grep "^\[ctrl mtu\] VNT mtu" "$LOG" | head -1)
	grep -q "^\[ctrl mtu\] VNT result PASS" "$LOG" &&
		ok "ctrl: host_mtu=4000 is the maximum MTU, 4001 refused, 4014 B frames pass ($2)" ||
		bad "ctrl: host_mtu ($l)"
	l=$(grep "^\[ctrl announce\] VNT announce:" "$LOG" | head -1)
	grep -q "^\[ctrl announce\] VNT result PASS" "$LOG" &&
		grep -q "^QEMU announce 1: .*: 1 ANNOUNCE_ACK handled" "$q" &&
		ok "ctrl: announce-self: the driver's RARP on the other NIC, ANNOUNCE_ACK to QEMU ($l)" ||
		bad "ctrl: announce-self ($l; $(grep "^QEMU announce" "$q" | tr '\n' ' '))"
	l=$(grep "^\[ctrl goff\] VNT goff: port 1 link" "$LOG" | head -1)
	grep -q "^\[ctrl goff\] VNT result PASS" "$LOG" &&
		grep -q "link read down 0 times in the restarts; LSC events 0 down" <<<"$l" &&
		grep -q "^QEMU goff 1: 0 device status writes" "$q" &&
		grep -q "^QEMU goff 2: [1-9][0-9]* device status writes" "$q" &&
		[ "$(grep -c "^\[ctrl goff\] .*started again without a device reset" "$LOG")" = 2 ] &&
		ok "ctrl: Rx offloads changed by restart without a device reset (GUEST_OFFLOADS_SET; link up; net_virtio resets)" ||
		bad "ctrl: Rx offload change without reset ($l; $(grep "^QEMU goff [12]" "$q" | tr '\n' ' '))"
	grep -q "^VNT-TPC virtnet MTU (4001) > device max MTU (4000)" "$LOG" &&
		grep -q "^VNT-TPC virtnet MTU: 4000" "$LOG" &&
		grep -q "^QEMU goff 3: 0 device status writes" "$q" &&
		! grep -q "^VNT-TPC virtnet Link status: down" "$LOG" &&
		ok "ctrl: testpmd: port config mtu 4001 refused, 4000 taken; rx_offload tcp_lro on/off by port stop/start without a device reset, link up" ||
		bad "ctrl: testpmd ($(grep -E "^VNT-TPC virtnet" "$LOG" | tr '\n' ' '); $(grep "^QEMU goff 3" "$q"))"
}
# filter* cases (guest-run.sh filter_case): virtnet must pass every probe
# of the app and of testpmd; net_virtio's results are shown, not judged.
filter_checks() { # name opts
	local n bad
	n=$(grep -c "^\[$1 virtnet\] VNT filter .*: got [0-9]* want [0-9]* ok" "$LOG" || true)
	grep -q "^\[$1 virtnet\] VNT result PASS" "$LOG" &&
		ok "$1 ($2): guest app: promiscuous, all-multicast, MAC add/remove, multicast list, MAC set, VLAN filter on/off, restarts: $n probes all-or-none as expected" ||
		bad "$1 ($2): guest app filters ($(grep -E "^\[$1 virtnet\] VNT (filter .*BAD|result)" "$LOG" | tr '\n' ' '))"
	# The second restart of the app's keeps the device (QEMU's modern
	# device resets queues alone): the filters it had must still hold.
	if [[ $2 == *disable-legacy=on* ]]; then
		grep -q "^\[$1 virtnet\] .*started again without a device reset" "$LOG" &&
			ok "$1: filters kept by a restart without a device reset" ||
			bad "$1: the app's second restart reset the device"
	fi
	# testpmd runs on the cases whose device takes the primary as its own.
	[[ $2 == *disable-legacy=on*ctrl_mac_addr=off* ]] && return
	n=$(grep -c "^VNT-TPF $1 virtnet .*: got [0-9]* want [0-9]* ok" "$LOG" || true)
	bad=$(grep "^VNT-TPF $1 virtnet .* BAD" "$LOG" | tr -d '\r' | tr '\n' ' ' || true)
	[ "$n" = 20 ] && [ -z "$bad" ] && grep -q "^VNT-TPF-RC $1 virtnet 0" "$LOG" &&
		ok "$1: testpmd set promisc/allmulti, mac_addr add/remove/set, mcast_addr add/remove, vlan set filter, rx_vlan add/rm: 20 of 20 probes" ||
		bad "$1: testpmd filters ($n of 20 probes ok; $bad)"
}
# RSS and hash reports (rss=on,hash=on): the guest app's steps
# (guest/guest_rss.c), then testpmd's commands (guest-run.sh testpmd_rss).
rss_checks() { # name
	local l k1 k2 s0 s1 q0 q1 x0 x1
	l=$(grep -E "^\[$1 rss\] VNT (rss|qctl)" "$LOG" | tr '\n' ';')
	grep -q "^\[$1 rss\] VNT result PASS" "$LOG" &&
		ok "$1: RSS and queue control in the app: every UDP flow on the queue the table names for its hash, the hash in the mbuf equal to Toeplitz from the key; a table to queue 1, a new key, frames without IP (no hash, queue 0), a restart keeping the table; Rx queue 1 stopped (its buffers back, queue 0 runs on) and started, Tx queue 1 stopped and started, Rx queue 1 deferred ($l)" ||
		bad "$1: RSS in the app ($l)"
	# Under set -e: a line that is not there reads as empty.
	tpr() { grep "^VNT-TPR virtnet $1" "$LOG" | head -1 | tr -d '\r' || true; }
	k1=$(tpr "key " | awk '{print $4}')
	k2=$(grep "^VNT-TPR virtnet key " "$LOG" | sed -n 2p | awk '{print $4}' | tr -d '\r' || true)
	s0=$(tpr "spread port 1 queue 0" | awk '{print $NF}')
	s1=$(tpr "spread port 1 queue 1" | awk '{print $NF}')
	q0=$(tpr "queue1 port 1 queue 0" | awk '{print $NF}')
	q1=$(tpr "queue1 port 1 queue 1" | awk '{print $NF}')
	x0=$(tpr "rxq1stopped port 1 queue 0" | awk '{print $NF}')
	x1=$(tpr "rxq1stopped port 1 queue 1" | awk '{print $NF}')
	if grep -q "^VNT-TPR virtnet rc 0" "$LOG" &&
	   [[ "$(tpr Redirection)" == *"table size: 128"* ]] &&
	   [ "$k1" = 6D5A56DA255B0EC24167253D43A38FB0D0CA2BCBAE7B30B477CB2DA38030F20C6A42B73BBEAC01FA ] &&
	   [ "$k2" = 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2021222324252627 ] &&
	   [ "${s0:-0}" -gt 100 ] && [ "${s1:-0}" -gt 100 ] &&
	   [ "${q1:-0}" -gt 1000 ] && [ "${q0:-0}" -lt $(( ${q1:-0} / 20 )) ] &&
	   [ "${x0:-0}" -gt 100 ] && [ "${x1:-0}" = 0 ] &&
	   grep -q "^VNT-TPR virtnet reta entries queue 0 0 queue 1 128" "$LOG"; then
		ok "$1: testpmd: show port info (table size 128), show rss-hash key (the default key), io multi-flow spread over port 1's queues ($s0 / $s1), port 1 rxq 1 stop ($x0 / ${x1:-0}) and start, port config rss reta to queue 1 ($q0 / $q1), rss-hash-key set and shown"
	else
		bad "$1: testpmd RSS ($(grep -E "^VNT-TPR(-MSG)? virtnet" "$LOG" | tr -d '\r' | tr '\n' ';'))"
	fi
}
while read -r name slot opts drv; do
	[ -n "$name" ] || continue
	if [ "$name" = ctrl ]; then
		ctrl_checks "$opts" "$drv"
		continue
	fi
	case "$name" in filter*)
		filter_checks "$name" "$opts"
		continue
	esac
	n=$(grep -c "^\[$name virtnet\] VNT result PASS" "$LOG" || true)
	[ "$n" = 5 ] && ok "$name ($opts, $drv): virtnet 5 of 5 runs pass" ||
		bad "$name ($opts, $drv): virtnet $n of 5 runs pass"
	if [[ $name == split || $name == packed ]]; then
		grep -q "^\[$name lsc\] VNT lsc: [1-9][0-9]* down, [1-9][0-9]* up" "$LOG" &&
			ok "$name: link down/up (QMP set_link) seen as LSC events ($drv)" ||
			bad "$name: link down/up not seen as LSC events ($drv)"
	fi
	if [ "$name" = packed ]; then
		l=$(grep -E "^\[$name rxintr\] VNT rxintr" "$LOG" | tr '\n' ';')
		grep -q "^\[$name rxintr\] VNT result PASS" "$LOG" &&
			ok "$name: Rx interrupts with vfio-pci (an MSI-X vector per Rx queue): asleep in rte_epoll_wait when idle, woken by each burst, a burst that came while off wakes at enable ($l)" ||
			bad "$name: Rx interrupts with vfio-pci ($l)"
	fi
	if [ "$name" = split ]; then
		grep -q "^\[$name rxintr\] .*Rx interrupts need a vector per queue: bind the device to vfio-pci" "$LOG" &&
			grep -q "^\[$name rxintr\] VNT rxintr port 1 with intr_conf.rxq: Operation not supported" "$LOG" &&
			ok "$name: Rx interrupts with uio_pci_generic refused at configure (-ENOTSUP, the reason logged)" ||
			bad "$name: Rx interrupts with uio_pci_generic not refused cleanly ($(grep "^\[$name rxintr\]" "$LOG" | tr '\n' ';'))"
	fi
	if [ "$name" = packed ]; then
		# VFIO MSI-X vector 0 is the config interrupt: only with LSC.
		grep -q "^\[$name virtnet\] VNT port 0 lsc 0 irq 0" "$LOG" &&
			grep -q "^\[$name lsc\] VNT port 0 lsc 1 irq 1" "$LOG" &&
			ok "$name: config interrupt taken only with intr_conf.lsc (no GUEST_ANNOUNCE); $(grep -m1 "^\[$name net_virtio\] VNT port 0 lsc 0 irq" "$LOG" | sed 's/.*irq/net_virtio without LSC: irq/')" ||
			bad "$name: config interrupt without LSC ($(grep -E "^\[$name (virtnet|lsc)\] VNT port 0 lsc" "$LOG" | sort -u | tr '\n' ' '))"
	fi
	if [[ $opts == *mq=on* ]]; then
		grep -q "^\[$name virtnet\] VNT port 1 driver net_virtnet queues 2: up" "$LOG" &&
			ok "$name: 2 queue pairs up (control queue to QEMU)" ||
			bad "$name: 2 queue pairs not up"
		grep -q "^\[$name tso\] VNT result PASS" "$LOG" &&
			ok "$name: TSO and UDP checksum offload, segmented and summed by the taps' kernel" ||
			bad "$name: TSO / checksum offload through the taps ($(grep -E "^\[$name tso\] VNT (tso|udp|port)" "$LOG" | tr '\n' ' '))"
		grep -q "^\[$name lro\] VNT result PASS" "$LOG" &&
			ok "$name: LRO and Rx checksum: GSO frames arrive whole through the taps" ||
			bad "$name: LRO through the taps ($(grep -E "^\[$name lro\] VNT (lro|port|bad)" "$LOG" | tr '\n' ' '))"
	fi
	[[ $opts == *rss=on* ]] && rss_checks "$name"

	if [[ $opts == *iommu_platform=on* ]]; then
		f=$(sed -n "s/^\[$name virtnet\] .*port 0: Rx path.*features \(0x[0-9a-f]*\).*/\1/p" "$LOG" | head -1)
		[ -n "$f" ] && (( (f >> 33) & 1 )) &&
			ok "$name: ACCESS_PLATFORM negotiated, DMA through the vIOMMU (IOVA as VA)" ||
			bad "$name: ACCESS_PLATFORM not negotiated (features '$f')"
	fi
	# A secondary process (dpdk-proc-info) on the two PCI ports: the
	# counters the primary testpmd shows, BARs mapped by the bus.
	pi=$(awk -v c="$name" '/^VNT-CASE/ {on = ($2 == c)}
		on && /^VNT-PI (result|proc-info port)/ {$1 = ""; print}' "$LOG" | tr '\n' ';')
	[[ $pi == *"result PASS"* ]] &&
		ok "$name: dpdk-proc-info --stats in a secondary equals testpmd's ($pi)" ||
		bad "$name: dpdk-proc-info --stats in a secondary ($pi)"
	grep -q "^\[$name virtnet\] VNT port 0 driver net_virtnet" "$LOG" &&
		ok "$name: net_virtnet bound with -d" || bad "$name: net_virtnet not bound"
	tp=$(awk -v c="$name" '/^VNT-CASE/ {on = ($2 == c)}
		on && /^VNT-TP virtnet +RX-packets: [0-9]+ +RX-missed/ {print $4}' "$LOG" | tr '\n' ' ')
	set -- $tp
	# A stalled ring shows as (almost) nothing in the window; both
	# drivers forward hundreds of thousands per port here.
	if [ $# -ge 2 ] && [ "$1" -ge 1000 ] && [ "$2" -ge 1000 ]; then
		ok "$name: testpmd io tx_first forwarded (RX-packets $1 $2)"
	else
		bad "$name: testpmd io tx_first RX-packets '$tp'"
	fi
done <<<"$VNT_CASES"
if grep -q "^split " <<<"$VNT_CASES"; then
	# SPEED_DUPLEX: testpmd shows the speed and duplex of QEMU's config.
	sp=$(awk '/^VNT-CASE/ {on = ($2 == "split")}
		on && /^VNT-TP virtnet Link (speed|duplex):/' "$LOG" | tr '\n' ' ')
	[[ $sp == *"Link speed: 10 Gbps"*"Link duplex: full-duplex"* ]] &&
		ok "split: link speed and duplex from the device config ($sp)" ||
		bad "split: link speed and duplex from the device config ('$sp')"
	grep -q "^\[split precedence\] VNT port 0 driver net_virtio" "$LOG" &&
		ok "virtnet=0 leaves the device to net_virtio" ||
		bad "virtnet=0 did not hand the device to net_virtio"
	# EVENT_IDX (bit 29) is taken by default and left out with event_idx=0.
	evidx() { # label -> 1 if the port 0 features have bit 29
		local f
		f=$(sed -n "s/^\[split $1\] .*port 0: Rx path.*features \(0x[0-9a-f]*\).*/\1/p" "$LOG" | head -1)
		[ -n "$f" ] && echo $(( (f >> 29) & 1 ))
	}
	[ "$(evidx virtnet)" = 1 ] && [ "$(evidx noevidx)" = 0 ] &&
		grep -q "^\[split noevidx\] VNT result PASS" "$LOG" &&
		ok "EVENT_IDX taken by default; event_idx=0 leaves it out and still passes" ||
		bad "EVENT_IDX default / event_idx=0 (virtnet '$(evidx virtnet)', event_idx=0 '$(evidx noevidx)')"
	# QEMU 7.2 has no NOTF_COAL: the coalescing devargs are taken, logged
	# as not applied, and the port runs.
	grep -q "^\[split noevidx\] .*port 0: the device has no notification coalescing" "$LOG" &&
		grep -q "^\[split noevidx\] VNT result PASS" "$LOG" &&
		ok "rx_coal_usecs/tx_coal_frames on a device without NOTF_COAL: logged, not applied, the port runs" ||
		bad "coalescing devargs on a device without NOTF_COAL"
	# Refusals: the reason in the log, no port, a clean exit (rc 2).
	grep -q "^\[split nolegacy\] .*has no legacy interface" "$LOG" &&
		grep -q "^\[split nolegacy\] VNT exit rc=2" "$LOG" &&
		ok "force_legacy=1 on a modern-only device: refused with a reason" ||
		bad "force_legacy=1 on a modern-only device not refused cleanly"
	grep -q "^\[split baddevarg\] .*invalid virtnet=2" "$LOG" &&
		grep -q "^\[split baddevarg\] VNT exit rc=2" "$LOG" &&
		ok "virtnet=2: refused with a reason" ||
		bad "virtnet=2 not refused cleanly"
fi

if grep -q "^ctrl " <<<"$VNT_CASES"; then
	echo "test_guest: control plane (ctrl case), virtnet and net_virtio"
	grep -E "^\[ctrl [a-z_-]+\] (VNT (mtu|announce|goff|result)|.*(announce:|GUEST_OFFLOADS|device reset|queues reset))|^VNT-TPC|^QEMU (announce|goff)" "$LOG" "$BUILD/qmp-watch.log" | sed 's/^[^:]*:/  /' || true
fi
if grep -q "^filter" <<<"$VNT_CASES"; then
	echo "test_guest: receive filters: probes as expected per driver (app, testpmd), then every unexpected result and testpmd's messages"
	for c in $(awk '$1 ~ /^filter/ {print $1}' <<<"$VNT_CASES"); do
		for d in virtnet net_virtio; do
			echo "  $c $d: app $(grep -c "^\[$c $d\] VNT filter .*: got [0-9]* want [0-9]* ok" "$LOG") ok $(grep -c "^\[$c $d\] VNT filter .*BAD" "$LOG") bad; testpmd $(grep -c "^VNT-TPF $c $d .*: got [0-9]* want [0-9]* ok" "$LOG") ok $(grep -c "^VNT-TPF $c $d .* BAD" "$LOG") bad"
		done
	done
	grep -E "^\[filter[a-z]* [a-z_]+\] VNT filter (port|.*BAD)|^VNT-TPF .*BAD|^VNT-TPF-MSG" "$LOG" | tr -d '\r' | sed 's/^/  /' || true
fi
echo "test_guest: testpmd io tx_first, RX-packets of port 0 and 1 in 2 s after 1 s of warm-up (virtnet, then net_virtio)"
# The window's two ports; virtnet's log then has the totals the secondary
# process check compared.
awk '/^VNT-CASE/ {c = $2} /^VNT-TP [a-z_]+ +RX-packets: [0-9]+ +RX-missed/ &&
	++n[c " " $2] <= 2 {print "  " c, $2, $4}' "$LOG"
echo "test_guest: testpmd start to prompt (EAL init and probe of both ports)"
grep "^VNT-TPINIT" "$LOG" | sed 's/^VNT-TPINIT/ /' || true
echo "test_guest: 64 B one-way rate in the TCG guest (Mpps, Tx on port 0, Rx on port 1)"
grep -E "^\[[a-z]+ (virtnet|net_virtio)\] VNT rate" "$LOG" | sed 's/^/  /' || true
grep -E "^\[[a-z]+ (tso|lro)(-net_virtio)?\] VNT (tso|lro|udp)" "$LOG" | sed 's/^/  /' || true
grep -E "^QEMU" "$BUILD/qmp-watch.log" | sed 's/^/  /' || true
t_summary
