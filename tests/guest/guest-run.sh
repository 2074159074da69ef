#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Inside the guest: for each case bind its two NICs for DPDK, then run
# testpmd (io, tx_first) and the guest test app with virtnet, the app with
# net_virtio on the same NICs, and virtnet=0 to check precedence.
D=/opt/virtnet
. $D/guest-cases.sh
PLUGIN="-d $D/librte_net_virtnet.so"
EAL="-l 0,1 -n 1 --log-level=8 --log-level=lib.eal:error --log-level=pmd.net.virtnet.init:info --log-level=pmd.net.virtnet.driver:debug"

ONLY=$(sed -n 's/.*vnt_only=\([^ ]*\).*/\1/p' /proc/cmdline)

# A testpmd that died early must not take this script with it (SIGPIPE).
trap '' PIPE

modprobe uio_pci_generic
modprobe vfio-pci

bind() { # bdf driver
	s=/sys/bus/pci/devices/$1
	[ -e "$s/driver" ] && echo "$1" >"$s/driver/unbind"
	echo "$2" >"$s/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
	echo "VNT-BIND $1 $(basename "$(readlink "$s/driver")") $(cat "$s/vendor"):$(cat "$s/device")"
}

# "port rx-packets rx-bytes tx-packets tx-bytes" per port, from the last
# stats block of each port in a testpmd or dpdk-proc-info log.
port_counts() { # log
	awk '/NIC statistics for port/ { for (i = 1; i <= NF; i++)
			if ($i == "port") p = $(i + 1) + 0 }
		$1 == "RX-packets:" && ($3 == "RX-missed:" || $3 == "RX-errors:") {
			rx[p] = $2; rb[p] = $6; seen[p] = 1 }
		$1 == "TX-packets:" && $3 == "TX-errors:" { tx[p] = $2; tb[p] = $6 }
		END { for (q in seen) print q, rx[q], rb[q], tx[q], tb[q] }' "$1" | sort
}

# With forwarding stopped (fd 3: testpmd's commands), a secondary process
# reads the ports' counters: dpdk-proc-info --stats must show testpmd's.
secondary_stats() { # a b
	i=0
	while [ "$(grep -c "^Done\.$" /tmp/tp.log)" -lt 1 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	timeout 120 dpdk-proc-info $PLUGIN --file-prefix tp \
		-a "$1" -a "$2" --log-level=lib.eal:error -- --stats >/tmp/pi.log 2>&1
	echo "VNT-PI proc-info rc $?"
	n=$(grep -c "NIC statistics for port 1" /tmp/tp.log)
	echo "show port stats all" >&3
	i=0
	while [ "$(grep -c "NIC statistics for port 1" /tmp/tp.log)" -le "$n" ] &&
	      [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5
	port_counts /tmp/tp.log | sed "s/^/VNT-PI testpmd port /"
	port_counts /tmp/pi.log | sed "s/^/VNT-PI proc-info port /"
	if [ -n "$(port_counts /tmp/pi.log)" ] &&
	   [ "$(port_counts /tmp/pi.log)" = "$(port_counts /tmp/tp.log)" ]; then
		echo "VNT-PI result PASS"
	else
		tail -5 /tmp/pi.log | sed "s/^/VNT-PI log /"
		echo "VNT-PI result FAIL"
	fi
}

testpmd_io() { # name label a b [plugin]
	# Counts over a fixed window that starts once forwarding runs: EAL
	# init and probe take seconds under TCG, and differ between drivers.
	rm -f /tmp/tpin /tmp/tp.log
	mkfifo /tmp/tpin
	timeout 120 stdbuf -o0 dpdk-testpmd $EAL $IOVA $5 --file-prefix tp -a "$3" -a "$4" \
		-- -i --nb-cores=1 --total-num-mbufs=4096 $TPQ </tmp/tpin >/tmp/tp.log 2>&1 &
	tp=$!
	exec 3>/tmp/tpin
	t0=$(date +%s%N)
	i=0
	while ! grep -q "testpmd> " /tmp/tp.log && kill -0 $tp 2>/dev/null &&
	      [ $i -lt 900 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "VNT-TPINIT $1 $2 $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	grep -q "testpmd> " /tmp/tp.log || tail -20 /tmp/tp.log | sed "s/^/VNT-TPFAIL $2 /"
	echo "start tx_first" >&3
	sleep 1
	echo "clear port stats all" >&3
	# VNT-STALL: the host may look at QEMU's queues (VNT_DEBUG=1).
	sleep 1
	echo "VNT-STALL testpmd $2" >/dev/console
	sleep 2
	printf 'show port stats all\nshow port info 0\nstop\n' >&3
	[ "$2" = virtnet ] && secondary_stats "$3" "$4"
	echo "quit" >&3
	exec 3>&-
	wait $tp
	echo "VNT-TESTPMD $1 $2 rc $?"
	grep -E "RX-packets|TX-packets|Rx path|Tx path|virtnet.*interface|port [0-9]+ [rt]xq|LSC|[Ll]ink|[Ee]rror|[Ff]ail" /tmp/tp.log | sed "s/^/VNT-TP $2 /"
}

# The control-plane commands in testpmd on the ctrl pair: the MTU against
# host_mtu, and an Rx offload change by port stop / config / start, in a
# window where the host counts the device's status writes (resets).
testpmd_ctrl() { # label a b [plugin]
	rm -f /tmp/tpin /tmp/tp.log
	mkfifo /tmp/tpin
	timeout 120 dpdk-testpmd $EAL $IOVA $4 --file-prefix tp -a "$2" -a "$3" \
		-- -i --nb-cores=1 --total-num-mbufs=4096 </tmp/tpin >/tmp/tp.log 2>&1 &
	tp=$!
	exec 3>/tmp/tpin
	i=0
	while ! grep -q "testpmd> " /tmp/tp.log && kill -0 $tp 2>/dev/null &&
	      [ $i -lt 900 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	printf 'show port info 0\nport config mtu 0 4001\nport config mtu 0 4000\nshow port info 0\n' >&3
	sleep 2
	echo "VNT-GOFF-TRACE-ON testpmd $1" >/dev/console
	sleep 3
	printf 'port stop 1\nshow port info 1\nport config 1 rx_offload tcp_lro on\nport start 1\n' >&3
	sleep 3
	printf 'show port 1 rx_offload configuration\nport stop 1\nport config 1 rx_offload tcp_lro off\nport start 1\nshow port info 1\n' >&3
	sleep 4
	echo "VNT-GOFF-TRACE-OFF testpmd $1" >/dev/console
	sleep 2
	printf 'quit\n' >&3
	exec 3>&-
	wait $tp
	echo "VNT-TPC $1 rc $?"
	grep -E "^MTU:|Maximum configurable|MTU \(|Set MTU|[Ll]ink status|link state change|Port 1: |tcp_lro|LRO|device reset|queues reset|GUEST_OFFLOADS|[Ee]rror|[Ff]ail" /tmp/tp.log | sed "s/^/VNT-TPC $1 /"
}

# RSS from testpmd's commands on the rss=on pair (2 queue pairs): show
# the table size and key, forward multi-flow traffic (io, tx_first), point
# the whole table of port 1 at queue 1 (reta commands of 14 entries),
# forward again, then set a key. Per-stream counters from "stop" show the
# spread; port 1's Rx queue 1 is stopped for one window (port 1 rxq 1
# stop/start). VNT-TPR lines carry what the host checks.
testpmd_rss() { # label a b plugin
	L=/tmp/tpr.log
	rm -f /tmp/tpin $L
	mkfifo /tmp/tpin
	timeout 150 stdbuf -o0 dpdk-testpmd $EAL $IOVA $4 --file-prefix tp -a "$2" -a "$3" \
		-- -i --nb-cores=1 --total-num-mbufs=4096 --rxq=2 --txq=2 \
		--txonly-multi-flow </tmp/tpin >>$L 2>&1 &
	tp=$!
	exec 3>/tmp/tpin
	i=0
	while ! grep -q "testpmd> " $L && kill -0 $tp 2>/dev/null && [ $i -lt 900 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	printf 'show port info 1\nshow port 1 rss-hash key\n' >&3
	echo "VNT-TPR-WINDOW spread" >>$L
	printf 'start tx_first\n' >&3
	sleep 3
	printf 'stop\n' >&3
	sleep 1
	printf 'port 1 rxq 1 stop\nshow port 1 rxq 1 desc 0 status\n' >&3
	sleep 1
	echo "VNT-TPR-WINDOW rxq1stopped" >>$L
	printf 'start tx_first\n' >&3
	sleep 3
	printf 'stop\nport 1 rxq 1 start\n' >&3
	sleep 1
	# A list token of testpmd's takes at most 126 characters.
	# (The caller's a and b are the NICs: other names here.)
	for rb in $(seq 0 14 127); do
		rl=""
		for re in $(seq $rb $((rb + 13 > 127 ? 127 : rb + 13))); do
			rl="$rl${rl:+,}($re,1)"
		done
		printf 'port config 1 rss reta %s\n' "$rl" >&3
		sleep 0.3
	done
	printf 'show port 1 rss reta 128 (0xffffffffffffffff,0xffffffffffffffff)\n' >&3
	sleep 1
	echo "VNT-TPR-WINDOW queue1" >>$L
	printf 'start tx_first\n' >&3
	sleep 3
	printf 'stop\n' >&3
	sleep 1
	printf 'port config 1 rss-hash-key ipv4 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627\nshow port 1 rss-hash key\n' >&3
	sleep 1
	printf 'quit\n' >&3
	exec 3>&-
	wait $tp
	echo "VNT-TPR $1 rc $?"
	# Per window, port 1's streams: "RX Port= 1/Queue= q -> ..." then RX-packets.
	awk -v l="$1" '
		/VNT-TPR-WINDOW/ { w = $NF }
		/Forward Stats for RX Port= *1\/Queue= *[0-9]+/ {
			s = $0; sub(/.*Queue= */, "", s); q = s + 0; want = 1; next }
		want && /RX-packets:/ { printf "VNT-TPR %s %s port 1 queue %d rx %s\n", l, w, q, $2; want = 0 }
		key { printf "VNT-TPR %s key %s\n", l, $1; key = 0 }
		/RSS key:/ { key = 1 }
		/Redirection table size/ { sub(/.*Redirection/, "Redirection"); printf "VNT-TPR %s %s\n", l, $0 }
		/RSS RETA configuration: hash index=/ { s = $0; sub(/.*queue=/, "", s); rq[s + 0]++ }
		END { printf "VNT-TPR %s reta entries queue 0 %d queue 1 %d\n", l, rq[0], rq[1] }
		/[Ee]rror|[Ff]ailed|not supported|[Ii]nvalid/ { printf "VNT-TPR-MSG %s %s\n", l, $0 }' $L
}

# The control-plane case: host_mtu, announce, Rx offload change without a
# device reset; virtnet, then net_virtio on the same NICs.
ctrl_case() { # a b
	X="$PLUGIN"
	app ctrl mtu "$1" "$2" mtu 4000 20
	echo "VNT-ANNOUNCE-NIC nic$slot"
	app ctrl announce "$1" "$2" announce 64 8
	app ctrl goff "$1" "$2" goff 4000 1000 20
	X=""
	app ctrl mtu-net_virtio "$1" "$2" mtu 4000 20
	echo "VNT-ANNOUNCE-NIC nic$slot"
	app ctrl announce-net_virtio "$1" "$2" announce 64 8
	echo "VNT-ANNOUNCE-NIC nic$slot"
	app ctrl announce-lsc-net_virtio "$1" "$2" announce 64 8 1
	app ctrl goff-net_virtio "$1" "$2" goff 4000 1000 20
	testpmd_ctrl virtnet "$1" "$2" "$PLUGIN"
	testpmd_ctrl net_virtio "$1" "$2" ""
}

# Receive filters from testpmd's commands on port 1, frames from port 0:
# each probe is one "start tx_first" burst (32 frames) to one address,
# tagged with "tx_vlan set", and port 1's RX-packets in the forward
# statistics of the following stop must be 32 or 0. Results as VNT-TPF
# lines, testpmd's error messages (with the command) as VNT-TPF-MSG.
testpmd_filter() { # case label a b plugin keeps-own
	L=/tmp/tpf.log
	rm -f /tmp/tpin $L
	mkfifo /tmp/tpin
	timeout 300 stdbuf -o0 dpdk-testpmd $EAL $IOVA $5 --file-prefix tp -a "$3" -a "$4" \
		-- -i --nb-cores=1 --total-num-mbufs=4096 </tmp/tpin >>$L 2>&1 &
	tp=$!
	exec 3>/tmp/tpin
	i=0
	while ! grep -q "testpmd> " $L && kill -0 $tp 2>/dev/null && [ $i -lt 900 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	P1=$(sed -n 's/^Port 1: \([0-9A-Fa-f:]*\)$/\1/p' $L | head -1)
	U=02:00:00:00:AA:01 N=02:00:00:00:BB:01 M1=01:00:5E:00:00:01 M2=01:00:5E:00:00:02
	tpf "set fwd rxonly"
	tpf "set promisc 1 off"
	tpf "set allmulti 1 off"
	probe filtering "$P1" 0 32
	probe filtering $U 0 0
	probe filtering FF:FF:FF:FF:FF:FF 0 32
	probe filtering $M1 0 0
	tpf "mac_addr add 1 $U"
	probe mac_addr_add $U 0 32
	tpf "mac_addr remove 1 $U"
	probe mac_addr_remove $U 0 0
	tpf "mcast_addr add 1 $M1"
	probe mcast_addr_add $M1 0 32
	probe mcast_addr_add $M2 0 0
	tpf "set allmulti 1 on"
	probe allmulti_on $M2 0 32
	tpf "set allmulti 1 off"
	probe allmulti_off $M2 0 0
	tpf "mcast_addr remove 1 $M1"
	probe mcast_addr_remove $M1 0 0
	tpf "mac_addr set 1 $N"
	probe mac_addr_set $N 0 32
	probe mac_addr_set "$P1" 0 $(($6 * 32))
	tpf "mac_addr set 1 $P1"
	probe mac_addr_set_back "$P1" 0 32
	tpf "vlan set filter on 1"
	tpf "rx_vlan add 10 1"
	tpf "show port info 1"
	probe rx_vlan_add "$P1" 10 32
	probe rx_vlan_add "$P1" 20 0
	tpf "rx_vlan rm 10 1"
	probe rx_vlan_rm "$P1" 10 0
	tpf "vlan set filter off 1"
	probe vlan_filter_off "$P1" 10 32
	probe vlan_filter_off "$P1" 20 32
	tpf "set promisc 1 on"
	probe promisc_on $U 0 32
	tpf "quit"
	exec 3>&-
	wait $tp
	echo "VNT-TPF-RC $1 $2 $?"
	# The markers may follow a "testpmd> " prompt on the same line.
	awk -v l="$1 $2" '
		/VNT-TPF-CMD / { sub(/.*VNT-TPF-CMD /, ""); cmd = $0; next }
		/VNT-TPF-STEP / { sub(/.*VNT-TPF-STEP /, "")
			st = $1; dst = $2; vid = $3; want = $4; pend = 1; next }
		pend && /Forward statistics for port 1/ { blk = 1; next }
		blk && $1 == "RX-packets:" {
			printf "VNT-TPF %s %s to %s vlan %s: got %s want %s %s\n", l, st,
				dst, vid, $2, want, ($2 == want ? "ok" : "BAD")
			blk = 0; pend = 0; next }
		/[Ee]rror|[Ff]ailed|not supported|[Ii]nvalid|Please stop|diag=|device is reset|^Promiscuous mode|filter (on|off),/ {
			sub(/^(testpmd> )+/, ""); printf "VNT-TPF-MSG %s [%s] %s\n", l, cmd, $0 }' $L
}
tpf() { # command
	echo "VNT-TPF-CMD $*" >>/tmp/tpf.log
	echo "$*" >&3
	sleep 0.5
}
probe() { # step dst vlan want
	if [ "$3" != 0 ]; then
		tpf "port stop 0"
		tpf "tx_vlan set 0 $3"
		tpf "port start 0"
		sleep 1
	fi
	tpf "set eth-peer 0 $2"
	echo "VNT-TPF-STEP $1 $2 $3 $4" >>/tmp/tpf.log
	echo "start tx_first" >&3
	sleep 1
	echo "stop" >&3
	sleep 0.5
	if [ "$3" != 0 ]; then
		tpf "port stop 0"
		tpf "tx_vlan reset 0"
		tpf "port start 0"
		sleep 1
	fi
}

# Receive filters (guest_filter.c; testpmd_filter): the app and testpmd
# with virtnet, then net_virtio on the same NICs for the comparison. In
# testpmd the sender (port 0) is virtnet for both: net_virtio inserts the
# tx_vlan tag in tx_prepare, which testpmd's txonly does not call. A
# modern device without CTRL_MAC_ADDR keeps its own address whatever the
# port's primary (keeps-own 1). To save guest time, testpmd runs on the
# modern case with both drivers, on the legacy one with virtnet only, and
# not on the modern one without CTRL_MAC_ADDR (the app covers it).
filter_case() { # name a b opts
	K=0
	case "$4" in *disable-legacy=on*ctrl_mac_addr=off*) K=1 ;; esac
	X="$PLUGIN"
	app "$1" virtnet "$2" "$3" filter 64 8 $K
	X=""
	app "$1" net_virtio "$2" "$3" filter 64 8 $K
	[ $K = 1 ] && return
	testpmd_filter "$1" virtnet "$2" "$3" "$PLUGIN" $K
	case "$4" in *disable-modern=on*) return ;; esac
	testpmd_filter "$1" net_virtio "$2" "$3,virtnet=0" "$PLUGIN" $K
}

app() { # name driver-label a-args b-args args...
	local n=$1 lbl=$2 pa=$3 pb=$4
	shift 4
	echo "VNT-RUN $n $lbl $*"
	{ timeout 120 $D/virtnet_guest_test $EAL $IOVA $X --file-prefix app -a "$pa" -a "$pb" \
		-- "$@" 2>&1; echo "VNT exit rc=$?"; } | grep --line-buffered -E "^VNT|EAL: .*([Ff]ail|[Ee]rror|[Cc]annot|[Nn]o )|[Cc]annot|coalescing|Rx interrupts|interface|path|port [0-9]+ [rt]xq|invalid|rejected|rc=|Segmentation|Abort|announce|GUEST_OFFLOADS|device reset|queues reset|MTU|VLAN filter|receive filter|MAC" | sed -u "s/^/[$n $lbl] /"
}

echo "$VNT_CASES" | while read -r name slot opts drv; do
	[ -n "$name" ] || continue
	[ -z "$ONLY" ] || echo "$name" | grep -Eqx "$ONLY" || continue
	a=0000:00:$slot.0
	b=0000:00:$(printf '%02x' $((0x$slot + 1))).0
	echo "VNT-CASE $name $opts $drv"
	# Devices outside the IOMMU (no iommu_platform) DMA to guest physical
	# addresses: with VFIO, DPDK must map IOVA = PA.
	IOVA=""
	case "$drv $opts" in
	*iommu_platform=on*) IOVA="--iova-mode=va" ;;
	vfio-pci*) IOVA="--iova-mode=pa" ;;
	esac
	bind "$a" "$drv"
	bind "$b" "$drv"
	if [ "$name" = ctrl ]; then
		ctrl_case "$a" "$b"
		continue
	fi
	case "$name" in filter*)
		filter_case "$name" "$a" "$b" "$opts"
		continue
	esac
	Q=1
	case "$opts" in *mq=on*) Q=2 ;; esac
	TPQ="--rxq=$Q --txq=$Q"
	testpmd_io "$name" virtnet "$a" "$b" "$PLUGIN"
	testpmd_io "$name" net_virtio "$a" "$b" ""
	X="$PLUGIN"
	app "$name" virtnet "$a" "$b" check 64 1 500 $Q
	app "$name" virtnet "$a" "$b" check 1518 1 300 $Q
	app "$name" virtnet "$a" "$b" check 8000 4 100 $Q
	app "$name" virtnet "$a" "$b" rate 64 3
	X=""
	app "$name" net_virtio "$a" "$b" check 64 1 500 $Q
	app "$name" net_virtio "$a" "$b" rate 64 3
	if [ "$name" = split ] || [ "$name" = packed ]; then
		X="$PLUGIN"
		echo "VNT-LSC-NIC nic$slot"
		app "$name" lsc "$a" "$b" lsc 64 20
		# Rx interrupts: MSI-X vectors with vfio-pci (packed); refused
		# with uio_pci_generic's one INTx (split).
		app "$name" rxintr "$a" "$b" rxintr 64 10
	fi
	# Taps segment and sum in the kernel: TSO and checksum offload end
	# to end through Linux's GSO, and LRO when the receiver takes GSO
	# frames whole (the hub has no offloads).
	case "$opts" in *mq=on*)
		X="$PLUGIN"
		app "$name" tso "$a" "$b" tso 4000 1000 50
		app "$name" lro "$a" "$b" lro 4000 1000 50
		X=""
		app "$name" tso-net_virtio "$a" "$b" tso 4000 1000 50
		app "$name" lro-net_virtio "$a" "$b" lro 4000 1000 50
	esac
	case "$opts" in *rss=on*)
		X="$PLUGIN"
		app "$name" rss "$a" "$b" rss 64 256
		testpmd_rss virtnet "$a" "$b" "$PLUGIN"
	esac
	if [ "$name" = split ]; then
		X="$PLUGIN"
		app "$name" precedence "$a,virtnet=0" "$b,virtnet=0" check 64 1 10
		app "$name" noevidx "$a,event_idx=0,rx_coal_usecs=50,tx_coal_frames=16" "$b,event_idx=0" check 64 1 200
		# Refused cleanly: a log line, no port, no crash.
		app "$name" nolegacy "$a,force_legacy=1" "$b,force_legacy=1" check 64 1 10
		app "$name" baddevarg "$a,virtnet=2" "$b" check 64 1 10
	fi
	X="$PLUGIN"
	app "$name" virtnet "$a" "$b" rate 64 3
	X=""
	app "$name" net_virtio "$a" "$b" rate 64 3
done
