#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# virtnet in testpmd against testpmd with net_vhost, two processes, with
# DTS-style command lines; the back-end killed mid-traffic; the plugin's
# pmdinfo and exports. Prints "N passed, N failed".
set -uo pipefail
export VIRTNET_BUILD=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
export VIRTNET_RUN=${VIRTNET_RUN:-/var/run/virtnet/test}
. "$(dirname "$0")/../devtools/lib.sh"

passed=0
failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

mkdir -p "$VIRTNET_RUN"
vn_check_hugepages
PLUGIN_ARG=$(vn_plugin_arg)
SOCK=$VIRTNET_RUN/tp.sock

# forward stats "RX-packets: N" for port 0 from the final summary
fwd_count() {
	awk -v k="$2-packets:" '/Forward statistics for port 0/ { f = 1 } f && $1 == k { print $2; exit }' "$1"
}

start_vhost() { # fwd seconds
	rm -f "$SOCK"
	vn_script "set fwd $1" "start" "sleep $2" "stop" "quit" |
		vn_testpmd tp-vhost '0@1,1@1' "net_vhost0,iface=$SOCK,queues=1" "" \
			"--txd=1024 --rxd=1024" &
	VH=$!
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
}

# case_fwd NAME DEVARGS RXPATH [testpmd commands before start]
# RXPATH: the Rx burst mode testpmd must report, e.g. "packed mergeable".
case_fwd() {
	local name=$1 devargs=$2 rxpath=$3
	shift 3
	vn_cleanup
	start_vhost mac 12
	vn_script "set fwd mac" "$@" "start tx_first 32" "sleep 4" "stop" \
		"show port info 0" "show rxq info 0 0" "show txq info 0 0" "quit" |
		vn_testpmd tp-virtnet '0@0,1@0' \
			"net_virtnet_user0,mac=00:01:02:03:04:05,path=$SOCK,$devargs" \
			"$PLUGIN_ARG" "--txd=1024 --rxd=1024 --max-pkt-len=9600"
	local rc=$?
	wait "$VH"
	local log=$VIRTNET_RUN/tp-virtnet.log rx tx
	rx=$(fwd_count "$log" RX)
	tx=$(fwd_count "$log" TX)
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad "$name" "testpmd exit $rc; see $log"
	elif [ "${rx:-0}" -lt 1000 ] || [ "${tx:-0}" -lt 1000 ]; then
		bad "$name" "forwarded rx=${rx:-0} tx=${tx:-0}; see $log"
	elif ! grep -q "MAC address: 00:01:02:03:04:05" "$log"; then
		bad "$name" "mac devarg not reported"
	elif ! grep -q "Burst mode: $rxpath\$" "$log"; then
		bad "$name" "Rx path is not \"$rxpath\"; see $log"
	elif ! grep -q "Burst mode: ${rxpath%% *}\$" "$log"; then
		bad "$name" "Tx path is not \"${rxpath%% *}\"; see $log"
	else
		ok "$name (rx $rx tx $tx)"
	fi
}

case_backend_killed() {
	vn_cleanup
	start_vhost io 60
	vn_script "set fwd io" "start tx_first 32" "sleep 3" |
		cat - <(sleep 5; pkill -9 -f -- "--file-prefix virtnet-tp-vhost"; sleep 3;
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
want fwd && case_fwd split_mergeable "mrg_rxbuf=1,in_order=0" "split mergeable"
want fwd && case_fwd split_non_mergeable "mrg_rxbuf=0,in_order=0" split
want fwd && case_fwd split_chained_8000 "mrg_rxbuf=1" "split mergeable" \
	"set txpkts 2000,2000,2000,2000"
want fwd && case_fwd dts_flags "mrg_rxbuf=1,queue_size=1024" "split mergeable" \
	"port stop 0" "port config 0 rx_offload vlan_strip off" "port start 0"
want fwd && case_fwd packed_mergeable "packed_vq=1,mrg_rxbuf=1,in_order=0" \
	"packed mergeable"
want fwd && case_fwd packed_non_mergeable "packed_vq=1,mrg_rxbuf=0,in_order=0" \
	packed
want fwd && case_fwd packed_chained_8000 "packed_vq=1,mrg_rxbuf=1,queue_size=255" \
	"packed mergeable" "set txpkts 2000,2000,2000,2000"
want killed && case_backend_killed
want nobackend && case_no_backend
want pmdinfo && case_pmdinfo
vn_cleanup
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
