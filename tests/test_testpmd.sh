#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# virtnet in testpmd against testpmd with net_vhost, two processes, with
# DTS-style command lines; the back-end killed mid-traffic; the plugin's
# pmdinfo and exports. Prints "N passed, N failed".
set -uo pipefail
export VIRTNET_BUILD=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
export VIRTNET_RUN=${VIRTNET_RUN:-/var/run/virtnet/test}
. "$(dirname "$0")/../devtools/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

mkdir -p "$VIRTNET_RUN"
vn_check_hugepages
vn_plugin_setup
SOCK=$VIRTNET_RUN/tp.sock

# forward stats "RX-packets: N" for port 0 from the final summary
fwd_count() {
	awk -v k="$2-packets:" '/Forward statistics for port 0/ { f = 1 } f && $1 == k { print $2; exit }' "$1"
}

# The back-end forwards until $VIRTNET_RUN/vhost.done exists (the other
# side's script makes it when done) or SECONDS pass.
start_vhost() { # fwd seconds [queues]
	local q=${3:-1}
	rm -f "$SOCK" "$VIRTNET_RUN/vhost.done" "$VIRTNET_RUN/tp-vhost.log"
	vn_script "set fwd $1" "start" "until $VIRTNET_RUN/vhost.done $2" "stop" "quit" |
		vn_testpmd tp-vhost '0@1,1@1' "net_vhost0,iface=$SOCK,queues=$q" "" \
			"--rxq=$q --txq=$q --txd=1024 --rxd=1024" &
	VH=$!
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
}

# Commands for one size: forward, then the port's byte and packet counts.
phase() { # txpkts
	echo "set txpkts $1"
	echo "clear port stats 0"
	# 512 frames in the loop, fewer than the Rx rings hold, so drops
	# while a ring is full do not drain the loop.
	echo "start tx_first 16"
	sleep 2
	echo "stop"
	# The back-end keeps forwarding: give it time to hand back every
	# frame of this size, which the next start flushes (testpmd drains
	# the Rx rings at start); on a loaded machine they would mix phases.
	sleep 1
	echo "show port stats 0"
}

# For each "show port stats" block: the expected size if the average
# RX bytes per packet is within 1% of it (frames of the previous size
# still in the rings when a phase starts), else the average.
phase_sizes() { # log size...
	local log=$1
	shift
	awk -v want="$*" 'BEGIN { n = split(want, w, " ") }
		$1 == "RX-packets:" && $3 == "RX-missed:" { p = $2 }
		$1 == "RX-packets:" && $5 == "RX-bytes:" {
			k++; a = p > 1000 ? $6 / p : 0
			d = a - w[k]; if (d < 0) d = -d
			printf "%s ", (d <= w[k] / 100) ? w[k] : sprintf("%.1f", a)
		}' "$log"
}

# case_fwd NAME DEVARGS RXPATH [testpmd commands before the first start]
# Forwards 64 B, 1518 B and chained 8000 B frames (mac fwd both sides);
# each size must flow and arrive at its length. RXPATH: the Rx burst mode
# testpmd must report; the Tx one is the same without " mergeable" and
# a vector suffix, or TP_TXPATH. TP_RING: the ring size "show rxq/txq info" must report.
# TP_EAL: more EAL arguments.
case_fwd() {
	local name=$1 devargs=$2 rxpath=$3 txpath=${3% mergeable}
	txpath=${TP_TXPATH:-${txpath% vector *}}
	shift 3
	# CASE_ONLY=<regex>: run only the forwarding cases whose name matches.
	[ -z "${CASE_ONLY:-}" ] || [[ $name =~ $CASE_ONLY ]] || return 0
	vn_cleanup
	start_vhost mac 60
	rm -f "$VIRTNET_RUN/tp-virtnet.log"
	{
		vn_script "ready tp-virtnet" "set fwd mac" "$@"
		phase 64
		phase 1518
		phase 2000,2000,2000,2000
		vn_script "show port info 0" "show rxq info 0 0" "show txq info 0 0" "quit"
		touch "$VIRTNET_RUN/vhost.done"
	} | vn_testpmd tp-virtnet '0@0,1@0' \
			"net_virtnet_user0,mac=00:01:02:03:04:05,path=$SOCK,$devargs" \
			"$PLUGIN_ARG ${TP_EAL:-}" "--txd=1024 --rxd=1024 --max-pkt-len=9600 ${TP_EXTRA:-}"
	local rc=$?
	wait "$VH"
	local log=$VIRTNET_RUN/tp-virtnet.log sizes
	sizes=$(phase_sizes "$log" 64 1518 8000)
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad "$name" "testpmd exit $rc; see $log"
	elif [ "$sizes" != "64 1518 8000 " ]; then
		bad "$name" "bytes per packet per phase: '$sizes', want '64 1518 8000'; see $log"
	elif ! grep -q "MAC address: 00:01:02:03:04:05" "$log"; then
		bad "$name" "mac devarg not reported"
	elif ! grep -q "Burst mode: $rxpath\$" "$log"; then
		bad "$name" "Rx path is not \"$rxpath\"; see $log"
	elif ! grep -q "Burst mode: $txpath\$" "$log"; then
		bad "$name" "Tx path is not \"$txpath\"; see $log"
	elif [ -n "${TP_RING:-}" ] &&
	     ! { grep -q "Number of RXDs: $TP_RING\$" "$log" &&
		 grep -q "Number of TXDs: $TP_RING\$" "$log"; }; then
		bad "$name" "rings are not of $TP_RING descriptors; see $log"
	else
		ok "$name ($rxpath)"
	fi
}

# DTS loopback_multi_queues: queues=8 both sides, one forwarding core;
# every queue must carry traffic both ways.
case_mq() {
	local log=$VIRTNET_RUN/tp-mq.log rc nrx ntx
	vn_cleanup
	start_vhost mac 60 8
	rm -f "$log"
	{ vn_script "ready tp-mq" "set fwd mac" "start tx_first 8" "sleep 3" "stop" \
		"show port xstats 0" "quit"; touch "$VIRTNET_RUN/vhost.done"; } |
		vn_testpmd tp-mq '0@0,1@0' \
			"net_virtnet_user0,mac=00:01:02:03:04:05,path=$SOCK,queues=8,in_order=0,mrg_rxbuf=1" \
			"$PLUGIN_ARG" "--rxq=8 --txq=8 --txd=1024 --rxd=1024"
	rc=$?
	wait "$VH"
	# Prompt echoes land inside buffered output lines: take them out.
	local xs
	xs=$(sed -z 's/testpmd> [^\n]*\n//g' "$log")
	nrx=$(echo "$xs" | awk -F': ' '$1 ~ /^rx_q[0-7]_good_packets$/ && $2 > 1000' | wc -l)
	ntx=$(echo "$xs" | awk -F': ' '$1 ~ /^tx_q[0-7]_good_packets$/ && $2 > 1000' | wc -l)
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad queues_8 "testpmd exit $rc; see $log"
	elif [ "$nrx" != 8 ] || [ "$ntx" != 8 ]; then
		bad queues_8 "queues with traffic: rx $nrx tx $ntx of 8; see $log"
	else
		ok "queues_8 (8 Rx and 8 Tx queues forwarding)"
	fi
}

# "name: value" lines of the Nth "show port xstats" block of a log
# (prompt echoes, which land inside buffered output lines, taken out).
xstats_block() { # log n
	sed -z 's/testpmd> [^\n]*\n//g' "$1" |
		awk -v n="$2" '/NIC extended statistics for port/ { k++; next }
			/^[#*]/ { if (k == n) exit }
			k == n && /^[a-z0-9_]+: [0-9]+$/ { print }'
}

# xstats from testpmd, virtnet and net_virtio each on the same vhost
# set-up (2 queue pairs, 64 B frames forwarded both ways): net_virtio's
# names are virtnet's first, in its order; each direction of each queue
# counted its frames as 64 B unicast; "clear port xstats all" zeroes all.
xstats_run() { # name driver plugin
	local name=$1
	vn_cleanup
	start_vhost mac 60 2
	{ vn_script "ready $name" "set fwd mac" "start tx_first 4" "sleep 2" \
		"stop" "show port xstats all" "clear port xstats all" \
		"show port xstats all" "quit"; touch "$VIRTNET_RUN/vhost.done"; } |
		vn_testpmd "$name" '0@0,1@0' \
			"$2,mac=00:01:02:03:04:05,path=$SOCK,queues=2,cq=1" "$3" \
			"--rxq=2 --txq=2 --txd=1024 --rxd=1024"
	local rc=$?
	wait "$VH"
	[ $rc -eq 0 ] && grep -q "Bye" "$VIRTNET_RUN/$name.log"
}

case_xstats() {
	local log=$VIRTNET_RUN/tp-xs-virtnet.log vlog=$VIRTNET_RUN/tp-xs-virtio.log
	local ours theirs cleared v q d
	if ! xstats_run tp-xs-virtnet net_virtnet_user0 "$PLUGIN_ARG"; then
		bad xstats "virtnet testpmd failed; see $log"
		return
	fi
	if ! xstats_run tp-xs-virtio net_virtio_user0 ""; then
		bad xstats "net_virtio testpmd failed; see $vlog"
		return
	fi
	ours=$(xstats_block "$log" 1 | cut -d: -f1)
	theirs=$(xstats_block "$vlog" 1 | cut -d: -f1)
	cleared=$(xstats_block "$log" 2 | awk -F': ' '$2 != 0')
	v() { xstats_block "$log" 1 | awk -F': ' -v k="$1" '$1 == k { print $2 }'; }
	if [ -z "$theirs" ] || [ "$(echo "$ours" | head -n "$(echo "$theirs" | wc -l)")" != "$theirs" ]; then
		bad xstats "net_virtio's names are not virtnet's first: $(diff <(echo "$theirs") <(echo "$ours") | grep '^[<>]' | head -5 | tr '\n' ' ')"
		return
	fi
	if [ "$(xstats_block "$log" 2 | wc -l)" != "$(echo "$ours" | wc -l)" ] || [ -n "$cleared" ]; then
		bad xstats "not all 0 after clear port xstats: $(echo "$cleared" | head -5 | tr '\n' ' '); see $log"
		return
	fi
	for d in rx tx; do
		for q in 0 1; do
			if [ "$(v ${d}_q${q}_good_packets)" -lt 100 ] ||
			   [ "$(v ${d}_q${q}_size_64_packets)" != "$(v ${d}_q${q}_good_packets)" ] ||
			   [ "$(v ${d}_q${q}_good_bytes)" != $(($(v ${d}_q${q}_good_packets) * 64)) ] ||
			   [ "$(v ${d}_q${q}_multicast_packets)$(v ${d}_q${q}_broadcast_packets)" != 00 ]; then
				bad xstats "${d}_q$q: not its 64 B unicast frames; see $log"
				return
			fi
		done
	done
	ok "xstats ($(echo "$theirs" | wc -l) names as net_virtio's, $(echo "$ours" | wc -l) in all; cleared)"
}

case_backend_killed() {
	vn_cleanup
	start_vhost io 60
	vn_script "set fwd io" "start tx_first 32" "sleep 3" |
		cat - <(sleep 5; pkill -9 -f -- "--file-prefix $VIRTNET_PREFIX-tp-vhost"; sleep 3;
			printf 'show port info 0\nshow port stats 0\nstop\nstart\nquit\n') |
		vn_testpmd tp-killed '0@0,1@0' "net_virtnet_user0,path=$SOCK" "$PLUGIN_ARG" ""
	local rc=$? log=$VIRTNET_RUN/tp-killed.log
	wait "$VH" 2>/dev/null
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad backend_killed "testpmd exit $rc; see $log"
	elif ! grep -q "Link status: down" "$log"; then
		bad backend_killed "link not reported down; see $log"
	elif ! grep -q "back-end closed the connection" "$log"; then
		bad backend_killed "loss not logged; see $log"
	else
		ok backend_killed
	fi
}

# A net_vhost testpmd that injects a burst and forwards (io) for N s;
# kill=1: killed with SIGKILL at the end, as a crashing switch would be.
vhost_peer() { # name seconds vdev-extra kill [queues]
	local stop q=${5:-1}
	stop=$([ "$4" = 1 ] && echo "" || echo "stop")
	# The burst is injected once the other side had time to connect.
	{ vn_script "set fwd io" "sleep 2" "start tx_first 32" "sleep $2" $stop
	  [ "$4" = 1 ] && { pkill -9 -f -- "--file-prefix $VIRTNET_PREFIX-$1"; sleep 1; }
	  echo quit; } |
		vn_testpmd "$1" '0@1,1@1' "net_vhost0,iface=$SOCK,queues=$q$3" "" \
			"--txd=1024 --rxd=1024 --rxq=$q --txq=$q"
}

# DTS virtio_user server mode / reconnect: virtnet's testpmd forwards
# (io) throughout, never restarted; its back-end comes, is killed, comes
# back. NAME MODE: client (back-end is the server, there first) or
# server (virtnet server=1 first, back-end connects as client=1);
# [DEVARGS QUEUES]: more virtnet devargs, queue pairs on both sides.
case_reconnect() {
	local name=$1 mode=$2 vargs="${3:+,$3}" hargs="" q=${4:-1}
	local log=$VIRTNET_RUN/$1.log rx lsc
	vn_cleanup
	rm -f "$SOCK"
	[ "$mode" = server ] && { vargs="$vargs,server=1"; hargs=",client=1"; }
	[ "$mode" = client ] && { vhost_peer "$name-peer1" 10 "" 1 "$q" & sleep 2; }
	vn_script "set fwd io" "start" "sleep 16" "stop" "show port stats 0" "quit" |
		vn_testpmd "$name" '0@0,1@0' "net_virtnet_user0,path=$SOCK,queues=$q$vargs" \
			"$PLUGIN_ARG" "--txd=1024 --rxd=1024 --rxq=$q --txq=$q" &
	local vn=$!
	if [ "$mode" = server ]; then
		sleep 2
		vhost_peer "$name-peer1" 3 "$hargs" 1 "$q"
	else
		wait %1 2>/dev/null
	fi
	sleep 1
	# A killed net_vhost server leaves its socket file (OVS removes its
	# own stale sockets; DTS's steps do it by hand).
	[ "$mode" = client ] && rm -f "$SOCK"
	vhost_peer "$name-peer2" 4 "$hargs" 0 "$q"
	wait $vn
	local rc=$? plog=$VIRTNET_RUN/$name-peer2.log
	rx=$(fwd_count "$plog" RX)
	lsc=$(grep -c "link state change event" "$log")
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad "$name" "virtnet testpmd exit $rc; see $log"
	elif [ "${rx:-0}" -lt 10000 ]; then
		bad "$name" "no traffic after the back-end came back (peer RX ${rx:-none}); see $plog $log"
	elif ! grep -q "back-end closed the connection" "$log"; then
		bad "$name" "loss not logged; see $log"
	elif [ "$lsc" -lt "$([ "$mode" = client ] && echo 2 || echo 3)" ]; then
		# A client's link is up at start: no event for that one.
		bad "$name" "$lsc LSC events, want (up/)down/up; see $log"
	else
		ok "$name (peer RX $rx after the back-end came back, $lsc LSC events)"
	fi
}

# Receive filters on virtio-user (no filter in a vhost-user back-end):
# the port is promiscuous and all-multicast and stays so ("set promisc 0
# off", "set allmulti 0 off": Operation not supported), "mac_addr add" and
# "mcast_addr add" are taken, "vlan set filter on" is refused (VLAN_FILTER
# not offered), and frames from the back-end to an added, an unknown and
# an unlisted multicast address all arrive (3 bursts of 32). DRIVER
# net_virtio: the same commands, results shown (it acknowledges them all).
case_filters_user() { # driver
	local name=filters_user_$1 log rx vdev extra
	local U=02:00:00:00:AA:01 X=02:00:00:00:CC:01 M1=01:00:5E:00:00:01 M2=01:00:5E:00:00:02
	log=$VIRTNET_RUN/$name.log
	vn_cleanup
	rm -f "$SOCK" "$VIRTNET_RUN/vn.ready" "$VIRTNET_RUN/vh.sent"
	{ vn_script "until $VIRTNET_RUN/vn.ready 60" "set fwd rxonly"
	  for d in $U $X $M2; do
		vn_script "set eth-peer 0 $d" "start tx_first" "sleep 1" "stop"
	  done
	  touch "$VIRTNET_RUN/vh.sent"
	  vn_script "sleep 3" "quit"; } |
		vn_testpmd "$name-vhost" '0@1,1@1' "net_vhost0,iface=$SOCK" "" "" &
	VH=$!
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
	vdev="net_virtnet_user0,path=$SOCK,cq=1"
	extra=$PLUGIN_ARG
	[ "$1" = net_virtio ] && { vdev="net_virtio_user0,path=$SOCK,cq=1"; extra=""; }
	{ vn_script "ready $name" "set fwd rxonly" "set promisc 0 off" "set allmulti 0 off" \
		"mac_addr add 0 $U" "mcast_addr add 0 $M1" "vlan set filter on 0" \
		"show port info 0" "start" "sleep 1"
	  touch "$VIRTNET_RUN/vn.ready"
	  vn_script "until $VIRTNET_RUN/vh.sent 60" "sleep 2" "stop" "quit"; } |
		vn_testpmd "$name" '0@0,1@0' "$vdev" "$extra" ""
	local rc=$?
	wait "$VH"
	rx=$(fwd_count "$log" RX)
	if [ "$1" != virtnet ]; then
		echo "info $name: rc $rc, RX-packets ${rx:-none} of 96; $(grep -E "^(Promiscuous|Allmulticast) mode|Operation not|failed|error:" "$log" | sed 's/^testpmd> //' | tr '\n' ';')"
	elif [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad "$name" "testpmd exit $rc; see $log"
	elif ! grep -q "Error during disabling promiscuous mode for port 0: Operation not supported" "$log" ||
	     ! grep -q "Error during disabling all-multicast mode for port 0: Operation not supported" "$log" ||
	     ! grep -q "Promiscuous mode: enabled" "$log" || ! grep -q "Allmulticast mode: enabled" "$log"; then
		bad "$name" "promiscuous/all-multicast not kept on with -ENOTSUP; see $log"
	elif ! grep -q "no receive filter.*promiscuous mode stays on" "$log"; then
		bad "$name" "no log line for the refusal; see $log"
	elif grep -q "mac_addr_cmd error\|set_mc_addr_list.*failed" "$log"; then
		bad "$name" "mac_addr add or mcast_addr add refused; see $log"
	elif ! grep -q "rx_vlan_filter_set(port_pi=0, on=1) failed" "$log"; then
		bad "$name" "vlan set filter on not refused; see $log"
	elif [ "${rx:-0}" != 96 ]; then
		bad "$name" "RX-packets ${rx:-none}, want 96 (added, unknown, unlisted multicast); see $log"
	else
		ok "$name (promiscuous and all-multicast kept on, -ENOTSUP to turn off; addresses taken; no VLAN filter; 96 of 96 frames)"
	fi
}

# Queue status from testpmd: the back-end sends one burst of 32 frames
# that virtnet's testpmd leaves in its Rx ring (not forwarding), then
# "desc used count" and "desc N status" on the Rx and Tx queues.
case_qstatus() { # name devargs
	local name=qstatus_$1 log got
	log=$VIRTNET_RUN/$name.log
	vn_cleanup
	rm -f "$SOCK" "$VIRTNET_RUN/vn.ready" "$VIRTNET_RUN/vh.sent"
	{ vn_script "until $VIRTNET_RUN/vn.ready 60" "set fwd rxonly" "start tx_first" \
		"sleep 1" "stop"
	  touch "$VIRTNET_RUN/vh.sent"
	  vn_script "sleep 4" "quit"; } |
		vn_testpmd "$name-vhost" '0@1,1@1' "net_vhost0,iface=$SOCK" "" "" &
	VH=$!
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
	{ vn_script "ready $name" "sleep 1"
	  touch "$VIRTNET_RUN/vn.ready"
	  vn_script "until $VIRTNET_RUN/vh.sent 60" "sleep 1" \
		"show port 0 rxq 0 desc used count" "show port 0 rxq 0 desc 31 status" \
		"show port 0 rxq 0 desc 32 status" "show port 0 rxq 0 desc 4096 status" \
		"show port 0 txq 0 desc 0 status" "quit"; } |
		vn_testpmd "$name" '0@0,1@0' "net_virtnet_user0,path=$SOCK,$2" "$PLUGIN_ARG" \
			"--rxd=256 --txd=256"
	local rc=$?
	wait "$VH"
	got=$(grep -oE "Used desc count = [0-9-]+|Desc status = [A-Z]+" "$log" |
		sed 's/.* = //' | tr '\n' ' ')
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad "$name" "testpmd exit $rc; see $log"
	elif [ "$got" != "32 DONE AVAILABLE DONE " ]; then
		bad "$name" "got '$got', want '32 DONE AVAILABLE DONE'; see $log"
	elif ! grep -q "Invalid input: queue id = 0, desc id = 4096" "$log"; then
		bad "$name" "desc 4096 of a 256 ring not refused; see $log"
	else
		ok "$name (32 frames waiting: used count 32, desc 31 DONE, 32 AVAILABLE, 4096 refused; Tx desc 0 DONE)"
	fi
}

# testpmd's per-queue commands on virtio-user (the ring paused): net_vhost
# sends on both queues (txonly); virtnet's rxonly forwarding sees both,
# then nothing on queue 1 after "port 0 rxq 1 stop" while queue 0 goes on,
# then both again after "port 0 rxq 1 start". Per-stream counts from
# each "stop" (a stream with no packet is not printed).
case_qstop() {
	local name=qstop log
	log=$VIRTNET_RUN/$name.log
	vn_cleanup
	rm -f "$SOCK" "$VIRTNET_RUN/vn.done"
	{ vn_script "set fwd txonly" "start" "until $VIRTNET_RUN/vn.done 60" \
		"stop" "quit"; } |
		vn_testpmd "$name-vhost" '0@1,1@1' "net_vhost0,iface=$SOCK,queues=2" "" \
			"--rxq=2 --txq=2" &
	VH=$!
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
	{ vn_script "ready $name" "set fwd rxonly" "start" "sleep 2" "stop" \
		"port 0 rxq 1 stop" "show port 0 rxq 1 desc 0 status" "start" \
		"sleep 2" "stop" "port 0 rxq 1 start" "start" "sleep 2" "stop"
	  touch "$VIRTNET_RUN/vn.done"
	  vn_script "quit"; } |
		vn_testpmd "$name" '0@0,1@0' "net_virtnet_user0,path=$SOCK,queues=2" \
			"$PLUGIN_ARG" "--rxq=2 --txq=2"
	local rc=$?
	wait "$VH"
	# Per window: "q0 q1" RX-packets of port 0's two streams.
	local got
	got=$(awk '/Forward statistics for port/ { print q[0] + 0, q[1] + 0; delete q }
		/Forward Stats for RX Port= *0\/Queue= *[0-9]+/ {
			s = $0; sub(/.*Queue= */, "", s); cur = s + 0; want = 1; next }
		want && /RX-packets:/ { q[cur] = $2; want = 0 }' "$log" | tr '\n' ';')
	set -- $(tr ';' ' ' <<<"$got")
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad "$name" "testpmd exit $rc; see $log"
	elif [ $# -lt 6 ] || [ "$1" -le 0 ] || [ "$2" -le 0 ] || [ "$3" -le 0 ] ||
	     [ "$4" != 0 ] || [ "$5" -le 0 ] || [ "$6" -le 0 ]; then
		bad "$name" "queue 0/1 RX per window '$got', want both, queue 0 only, both; see $log"
	else
		ok "$name (virtio-user, port 0 rxq 1 stop/start: RX per queue $got)"
	fi
}

case_no_backend() {
	vn_cleanup
	rm -f "$SOCK"
	echo quit | vn_testpmd tp-nobackend '0@0,1@0' "net_virtnet_user0,path=$SOCK" "$PLUGIN_ARG" ""
	local log=$VIRTNET_RUN/tp-nobackend.log
	if grep -q "cannot connect to vhost-user socket $SOCK" "$log"; then
		ok no_backend
	else
		bad no_backend "no clear error; see $log"
	fi
}

case_pmdinfo() {
	local out
	out=$(dpdk-pmdinfo.py "$VIRTNET_PLUGIN" 2>&1)
	if echo "$out" | grep -q '"name": "net_virtnet_user"' &&
	   echo "$out" | grep -q 'path=<path> mac=<mac addr> cq=<int> queue_size=<int> queues=<int>'; then
		ok pmdinfo
	else
		bad pmdinfo "$out"
	fi
	out=$(nm -D --defined-only "$VIRTNET_PLUGIN" | grep -v ' [AU] ' || true)
	if [ -z "$out" ]; then ok no_exports; else bad no_exports "$out"; fi
}

want() { [ -z "${CASES:-}" ] || [[ " $CASES " == *" $1 "* ]]; }
# The Rx path vectorized=1 gives layout $1 (split/packed) without
# mergeable buffers under --force-max-simd-bitwidth=512 on this CPU.
vec_suffix() {
	local f
	f=$(grep -m1 '^flags' /proc/cpuinfo)
	if [ "$1" = packed ]; then
		[[ $f == *" avx512f "* && $f == *" avx512bw "* && $f == *" avx512vl "* ]] &&
			echo " vector avx512"
	else
		[[ $f == *" avx2 "* ]] && echo " vector avx2"
	fi
	return 0
}
# DTS loopback_multi_paths: packed_vq x in_order x mrg_rxbuf, each also
# with vectorized=1: on packed rings the AVX512 Tx path serves where the
# CPU has it (with --force-max-simd-bitwidth=512), else the scalar one;
# without mergeable buffers a vector Rx path serves where the CPU has it.
avx512=0
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo &&
   grep -qw avx512vl /proc/cpuinfo && grep -qa "vector avx512" "$VIRTNET_PLUGIN"; then
	avx512=1
fi
for packed in 0 1; do
	for io in 0 1; do
		for mrg in 0 1; do
			l=$([ $packed = 1 ] && echo packed || echo split)
			lay=$l
			[ $io = 1 ] && l="$l in-order"
			tx=$l
			[ $packed$avx512 = 11 ] && tx="$l vector avx512"
			[ $mrg = 1 ] && l="$l mergeable"
			[ $mrg = 0 ] && l="$l$(vec_suffix $lay)"
			# Without mergeable buffers each 9600 B Rx buffer takes 5
			# descriptors: a larger ring keeps the loop from starving.
			# The ring is nb_desc within queue_size: ask for both.
			qs=$([ $mrg = 1 ] && echo 1024 || echo 4096)
			want fwd && TP_EXTRA="--rxd=$qs --txd=$qs" TP_RING=$qs \
				TP_EAL=--force-max-simd-bitwidth=512 TP_TXPATH=$tx \
				case_fwd "packed_vq=$packed,in_order=$io,mrg_rxbuf=$mrg" \
				"packed_vq=$packed,in_order=$io,mrg_rxbuf=$mrg,vectorized=1,queue_size=$qs" "$l"
		done
	done
done
# 1024 asked, 255 the device's: any size on a packed ring.
want fwd && TP_RING=255 case_fwd packed_odd_ring "packed_vq=1,queue_size=255" \
	"packed in-order mergeable"
want fwd && case_fwd dts_flags "mrg_rxbuf=1,queue_size=1024" "split in-order mergeable" \
	"port stop 0" "port config 0 rx_offload vlan_strip off" "port start 0"
# Flags DTS pairs with the virtio paths (VLAN strip, LRO, no Tx offloads,
# RSS on IP with one queue).
want offload && TP_EXTRA="--enable-hw-vlan-strip --rx-offloads=0x10 --tx-offloads=0x0 --rss-ip" \
	case_fwd dts_offload_flags "packed_vq=1,mrg_rxbuf=1" "packed in-order mergeable"
want mq && case_mq
want xstats && case_xstats
want killed && case_backend_killed
want qstatus && case_qstatus split "packed_vq=0,mrg_rxbuf=0"
want qstatus && case_qstatus packed "packed_vq=1,in_order=1,mrg_rxbuf=1"
want qstop && case_qstop
want nobackend && case_no_backend
want filters && case_filters_user virtnet
want filters && case_filters_user net_virtio
want reconnect && case_reconnect reconnect_client client
want reconnect && case_reconnect reconnect_server server
want reconnect && case_reconnect reconnect_server_packed_mq server \
	"packed_vq=1,in_order=0,mrg_rxbuf=1" 2
want pmdinfo && case_pmdinfo
vn_cleanup
t_summary
