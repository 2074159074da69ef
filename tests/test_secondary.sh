#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Secondary processes on a virtnet port of a primary testpmd (6 queue
# pairs, against testpmd with net_vhost): dpdk-proc-info's stats and
# xstats equal testpmd's own (all, and by id), its resets zero them
# all; dpdk-pdump and dpdk-dumpcap capture known
# frames (testpmd txonly from the vhost side, echoed by virtnet's io
# forwarding) byte for byte; a secondary testpmd forwarding gets nothing
# and one log line per direction while the primary keeps forwarding; a
# port the primary closed answers the secondary with an error.
# Prints "N passed, N failed".
set -uo pipefail
export VIRTNET_BUILD=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
export VIRTNET_RUN=${VIRTNET_RUN:-/var/run/virtnet/test}
. "$(dirname "$0")/../devtools/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
CHECK="python3 $(dirname "$0")/pcap_check.py"

# Secondaries share the primary's memory: 2 MB hugepages, one file.
if [ "${VIRTNET_NO_HUGE:-0}" = 1 ] ||
   [ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -lt 160 ]; then
	echo "SKIP: secondary processes need 160 free 2 MB hugepages"
	exit 77
fi
for t in dpdk-proc-info dpdk-pdump dpdk-dumpcap; do
	command -v $t >/dev/null || { echo "SKIP: no $t"; exit 77; }
done
mkdir -p "$VIRTNET_RUN"
vn_plugin_setup
# A command written to a testpmd that died must not kill the script.
trap '' PIPE

R=$VIRTNET_RUN
SOCK=$R/sec.sock
PRIM=$VIRTNET_PREFIX-sec-prim
MAC=00:01:02:03:04:05
Q=6
LEN=100
# Debian's dpdk-testpmd links librte_mempool_dpaa: its mempool ops table
# starts with "dpaa", and the tools, loading drivers from the plugin
# directory only, would number the ops otherwise. The primary would then
# run the wrong ops on their capture mempool (mempool/dpaa2 errors, every
# packet dropped). Loaded first, the tools number them as testpmd does.
DPAA=$(ls /usr/lib/*/dpdk/pmds-*/librte_mempool_dpaa.so.* 2>/dev/null | head -1)
PRELOAD=${DPAA:+$DPAA }$VIRTNET_PLUGIN
DPAA_ARG=${DPAA:+-d $DPAA}

# wait_for FILE REGEX [COUNT [SECONDS]]: until COUNT lines match.
wait_for() {
	local i
	for ((i = 0; i < ${4:-20} * 10; i++)); do
		[ "$(nlines "$1" "$2")" -ge "${3:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}

# nlines FILE REGEX: lines that match (0 while FILE does not exist).
nlines() { cat "$1" 2>/dev/null | grep -c -E -- "$2"; }

# "RX-packets RX-bytes RX-errors TX-packets TX-bytes TX-errors" of the last
# "show port stats" in a testpmd log.
tp_stats() {
	awk '$1 == "RX-packets:" && $3 == "RX-missed:" { rp = $2; rb = $6 }
		$1 == "RX-errors:" { re = $2 }
		$1 == "TX-packets:" && $3 == "TX-errors:" { tp = $2; te = $4; tb = $6 }
		END { print rp, rb, re, tp, tb, te }' "$1"
}

# The same six of dpdk-proc-info --stats.
pi_stats() {
	awk '$1 == "RX-packets:" && $3 == "RX-errors:" { rp = $2; re = $4; rb = $6 }
		$1 == "TX-packets:" && $3 == "TX-errors:" { tp = $2; te = $4; tb = $6 }
		END { print rp, rb, re, tp, tb, te }' "$1"
}

# "name: value" lines of the last xstats listing in a log, in id order
# (xstats) or sorted (xstats_sorted).
xstats() {
	sed -z 's/testpmd> //g' "$1" |
		awk '/NIC extended statistics for port/ { n = 0; delete l }
			/^[a-z0-9_]+: [0-9]+$/ { l[n++] = $0 }
			END { for (i = 0; i < n; i++) print l[i] }'
}
xstats_sorted() { xstats "$1" | sort; }

# Primary (fd 3) and vhost side (fd 4) read commands from FIFOs; stdout
# unbuffered so the script can follow them.
start_pair() {
	# Logs emptied first: a job's own redirection may come after the
	# script's first look at them.
	rm -f "$SOCK" "$R"/sec-*
	mkfifo "$R/sec-prim.cmd" "$R/sec-vh.cmd"
	timeout 200 stdbuf -o0 "$TESTPMD" --lcores '0@1,1@1' \
		--file-prefix "$VIRTNET_PREFIX-sec-vh" --no-pci --no-huge -m 512 \
		--vdev "net_vhost0,iface=$SOCK,queues=$Q" --log-level=lib.eal:error \
		-- -i --nb-cores=1 --rxq=$Q --txq=$Q --total-num-mbufs=32768 \
		--eth-peer=0,$MAC <"$R/sec-vh.cmd" >"$R/sec-vh.log" 2>&1 &
	VH=$!
	exec 4>"$R/sec-vh.cmd"
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
	# shellcheck disable=SC2086
	timeout 200 stdbuf -o0 "$TESTPMD" --lcores '0@0,1@0' --file-prefix "$PRIM" \
		--no-pci --single-file-segments -m 256 $PLUGIN_ARG \
		--vdev "net_virtnet_user0,path=$SOCK,mac=$MAC,queues=$Q" \
		--log-level=lib.eal:error --log-level='pmd.net.virtnet.*:info' --log-level=lib.pdump:debug \
		-- -i --nb-cores=1 --rxq=$Q --txq=$Q --total-num-mbufs=16384 \
		<"$R/sec-prim.cmd" >"$R/sec-prim.log" 2>&1 &
	PR=$!
	exec 3>"$R/sec-prim.cmd"
	wait_for "$R/sec-prim.log" 'testpmd> ' 1 30 &&
		wait_for "$R/sec-vh.log" 'testpmd> ' 1 10
}

prim() { echo "$*" >&3; }
vhost() { echo "$*" >&4; }

# Primary: show port stats, and wait for it.
prim_stats() {
	local n
	n=$(nlines "$R/sec-prim.log" 'NIC statistics for port 0')
	prim "show port stats 0"
	wait_for "$R/sec-prim.log" 'NIC statistics for port 0' $((n + 1)) 10 &&
		wait_for "$R/sec-prim.log" 'Tx-pps:' $((n + 1)) 10
	tp_stats "$R/sec-prim.log"
}

# The vhost side sends one txonly burst per queue ($Q x 32 frames of
# $LEN B); virtnet's io forwarding sends them back, the vhost side drops
# them. Waits until the primary has counted them all, both ways.
send_frames() {
	local n i want
	# shellcheck disable=SC2046
	set -- $(prim_stats)
	want=$(($1 + Q * 32))
	n=$(nlines "$R/sec-vh.log" 'Forward statistics for port 0')
	vhost "start tx_first 1"
	sleep 0.5
	vhost "stop"
	wait_for "$R/sec-vh.log" 'Forward statistics for port 0' $((n + 1)) 10
	for i in $(seq 20); do
		# shellcheck disable=SC2046
		set -- $(prim_stats)
		[ "$1" = "$want" ] && [ "$4" = "$want" ] && return 0
		sleep 0.2
	done
	return 1
}

# (1) dpdk-proc-info --stats, --xstats, --stats-reset. The primary's
# forwarding stops meanwhile: an idle burst writes its counters back, so a
# reset from another thread while it polls may be undone.
case_proc_info() {
	local want got pi=$R/sec-procinfo.log n
	n=$(nlines "$R/sec-prim.log" 'Done\.')
	prim "stop"
	wait_for "$R/sec-prim.log" 'Done\.' $((n + 1)) 10
	want=$(prim_stats)
	timeout 30 dpdk-proc-info --file-prefix "$PRIM" $DPAA_ARG $PLUGIN_ARG \
		--log-level=lib.eal:error -- --stats >"$pi" 2>&1
	got=$(pi_stats "$pi")
	if [ "$got" != "$want" ]; then
		bad proc_info_stats "proc-info '$got', testpmd '$want'; see $pi"
	elif [ "${want%% *}" != $((Q * 32)) ]; then
		bad proc_info_stats "$want: not the $((Q * 32)) frames sent"
	else
		ok "proc_info_stats (rx/tx packets bytes errors: $got)"
	fi
	n=$(nlines "$R/sec-prim.log" 'NIC extended statistics for port 0')
	prim "show port xstats 0"
	wait_for "$R/sec-prim.log" 'NIC extended statistics for port 0' $((n + 1)) 10
	sleep 0.5
	timeout 30 dpdk-proc-info --file-prefix "$PRIM" $DPAA_ARG $PLUGIN_ARG \
		--log-level=lib.eal:error -- --xstats >"$pi.x" 2>&1
	want=$(xstats_sorted "$R/sec-prim.log")
	got=$(xstats_sorted "$pi.x")
	if [ -z "$got" ] || [ "$got" != "$want" ]; then
		bad proc_info_xstats "differ from testpmd's: $(diff <(echo "$want") <(echo "$got") | tr '\n' ' '); see $pi.x"
	elif [ "$(echo "$got" | grep -c -E '^(rx|tx)_q[0-9]+_good_packets: [1-9]')" != $((2 * Q)) ] ||
	     [ "$(echo "$got" | grep -c -E '^(rx|tx)_q[0-9]+_size_65_127_packets: [1-9]')" != $((2 * Q)) ]; then
		bad proc_info_xstats "not every queue counted traffic: $(echo "$got" | tr '\n' ' ')"
	else
		ok "proc_info_xstats ($(echo "$got" | wc -l) counters equal, $((2 * Q)) queues with traffic)"
	fi
	proc_info_xstats_ids
	timeout 30 dpdk-proc-info --file-prefix "$PRIM" $DPAA_ARG $PLUGIN_ARG \
		--log-level=lib.eal:error -- --stats-reset >"$pi.r" 2>&1
	got=$(prim_stats)
	if [ "$got" = "0 0 0 0 0 0" ]; then
		ok "proc_info_stats_reset"
	else
		bad proc_info_stats_reset "testpmd shows '$got' after the reset; see $pi.r"
	fi
	prim_xstats_zero proc_info_stats_reset_xstats
	prim "start"
}

# dpdk-proc-info --xstats-ids: a few of the driver's xstats by id (ids
# from the primary's listing), each named and valued as testpmd shows it.
proc_info_xstats_ids() {
	local pi=$R/sec-procinfo.log.ids all ids want got
	all=$(xstats "$R/sec-prim.log")
	ids=$(echo "$all" | awk -F': ' '$1 ~ /^(rx_q5_size_65_127_packets|tx_q5_good_bytes|tx_q0_notifications|rx_q3_broadcast_packets|ctrl_commands)$/ { printf "%s%d", s, NR - 1; s = "," }')
	want=$(echo "$all" | awk -F': ' '$1 ~ /^(rx_q5_size_65_127_packets|tx_q5_good_bytes|tx_q0_notifications|rx_q3_broadcast_packets|ctrl_commands)$/')
	timeout 30 dpdk-proc-info --file-prefix "$PRIM" $DPAA_ARG $PLUGIN_ARG \
		--log-level=lib.eal:error -- --xstats-ids "$ids" >"$pi" 2>&1
	got=$(xstats "$pi")
	if [ "$(echo "$want" | wc -l)" != 5 ] || [ "$got" != "$want" ]; then
		bad proc_info_xstats_ids "ids $ids: '$(echo "$got" | tr '\n' ' ')', testpmd: '$(echo "$want" | tr '\n' ' ')'; see $pi"
	else
		ok "proc_info_xstats_ids ($ids: $(echo "$got" | tr '\n' ' '))"
	fi
}

# The primary's xstats all 0 (after a reset from a secondary).
prim_xstats_zero() { # check-name
	local n nz
	n=$(nlines "$R/sec-prim.log" 'NIC extended statistics for port 0')
	prim "show port xstats 0"
	wait_for "$R/sec-prim.log" 'NIC extended statistics for port 0' $((n + 1)) 10
	sleep 0.5
	nz=$(xstats "$R/sec-prim.log" | awk -F': ' '$2 != 0')
	if [ -z "$nz" ] && [ "$(xstats "$R/sec-prim.log" | wc -l)" -gt 50 ]; then
		ok "$1 (every xstat 0)"
	else
		bad "$1" "not 0: $(echo "$nz" | head -5 | tr '\n' ' ')"
	fi
}

# dpdk-proc-info --xstats-reset after more frames: every xstat 0.
case_proc_info_xstats_reset() {
	local n
	send_frames || bad proc_info_xstats_reset "frames did not come back"
	n=$(nlines "$R/sec-prim.log" 'Done\.')
	prim "stop"
	wait_for "$R/sec-prim.log" 'Done\.' $((n + 1)) 10
	timeout 30 dpdk-proc-info --file-prefix "$PRIM" $DPAA_ARG $PLUGIN_ARG \
		--log-level=lib.eal:error -- --xstats-reset >"$R/sec-procinfo.log.xr" 2>&1
	prim_xstats_zero proc_info_xstats_reset
	prim "start"
}

# (3) dpdk-dumpcap: one pcapng with both directions.
case_dumpcap() {
	local out=$R/sec-dumpcap.pcapng log=$R/sec-dumpcap.log dc res
	rm -f "$out" "$log"
	LD_PRELOAD=$PRELOAD timeout 60 dpdk-dumpcap --file-prefix "$PRIM" \
		-i net_virtnet_user0 -w "$out" >"$log" 2>&1 &
	dc=$!
	if ! wait_for "$log" 'Packets captured:' 1 20; then
		kill -INT $dc 2>/dev/null; wait $dc
		bad dumpcap "did not start; see $log"
		return
	fi
	send_frames || bad dumpcap "frames did not come back"
	sleep 1
	kill -INT $dc; wait $dc
	res=$($CHECK pcapng "$out" --count $((Q * 32)) --len $LEN \
		--src "$VH_MAC" --dst $MAC 2>&1)
	if [ $? -eq 0 ]; then
		ok "dumpcap ($res)"
	else
		bad dumpcap "$res; see $log"
	fi
}

# (2) dpdk-pdump: one pcap per direction, through its pcap ports.
case_pdump() {
	local log=$R/sec-pdump.log pd res
	rm -f "$R"/sec-pdump-*.pcap "$log"
	timeout 60 stdbuf -o0 dpdk-pdump --file-prefix "$PRIM" --lcores '4@1' $DPAA_ARG \
		$PLUGIN_ARG --log-level=lib.eal:error -- --pdump \
		"device_id=net_virtnet_user0,queue=*,rx-dev=$R/sec-pdump-rx.pcap,tx-dev=$R/sec-pdump-tx.pcap" \
		>"$log" 2>&1 &
	pd=$!
	if ! wait_for "$log" 'capture for \(1\) tuples' 1 20; then
		kill -INT $pd 2>/dev/null; wait $pd
		bad pdump "did not start; see $log"
		return
	fi
	send_frames || bad pdump "frames did not come back"
	sleep 1
	kill -INT $pd; wait $pd
	res=$($CHECK pcap "$R/sec-pdump-rx.pcap" "$R/sec-pdump-tx.pcap" \
		--count $((Q * 32)) --len $LEN --src "$VH_MAC" --dst $MAC 2>&1)
	if [ $? -eq 0 ]; then
		ok "pdump ($res)"
	else
		bad pdump "$res; see $log"
	fi
}

# (4) bursts in a secondary testpmd: refused, said once per direction; the
# primary keeps forwarding. Then the primary closes the port: the
# secondary's stats request gets an error. fd 5: the secondary's commands.
case_secondary_bursts() {
	local log=$R/sec-second.log before after
	rm -f "$R/sec-second.cmd" "$log"
	mkfifo "$R/sec-second.cmd"
	# A loop: both sides forward what they receive.
	vhost "set fwd io"
	vhost "start tx_first 1"
	sleep 1
	before=$(prim_stats)
	# shellcheck disable=SC2086
	# Lcore ids apart from the primary's: mempool caches are per lcore id.
	timeout 60 stdbuf -o0 "$TESTPMD" --proc-type=secondary --lcores '2@1,3@1' \
		--file-prefix "$PRIM" $PLUGIN_ARG --log-level=lib.eal:error \
		-- -i --nb-cores=1 --rxq=$Q --txq=$Q --total-num-mbufs=16384 \
		<"$R/sec-second.cmd" >"$log" 2>&1 &
	local sec=$!
	exec 5>"$R/sec-second.cmd"
	wait_for "$log" 'testpmd> ' 1 30
	{
		echo "set fwd io"; echo "start"; sleep 2; echo "stop"
		echo "set fwd txonly"; echo "start"; sleep 2; echo "stop"
	} >&5
	wait_for "$log" 'Forward statistics for port 0' 2 20
	after=$(prim_stats)
	local nrx ntx
	nrx=$(grep -c 'port 0: Rx burst refused in a secondary process' "$log")
	ntx=$(grep -c 'port 0: Tx burst refused in a secondary process' "$log")
	# Per-stream lines: what this process's bursts did (testpmd leaves
	# out streams that did nothing; its per-port lines are the port's
	# counters, which the primary's traffic moves).
	# shellcheck disable=SC2046
	set -- $(awk '$2 == "Forward" && $3 == "Stats" { f = 1; next }
		f && $1 == "RX-packets:" { r += $2; t += $4; d += $6; f = 0 }
		END { print r + 0, t + 0, d + 0 }' "$log")
	if [ "$nrx" != 1 ] || [ "$ntx" != 1 ]; then
		bad secondary_bursts "refusals logged: Rx $nrx Tx $ntx times, want 1 each; see $log"
	elif [ "$1" != 0 ] || [ "$2" != 0 ] || [ "$3" = 0 ]; then
		bad secondary_bursts "secondary forwarded rx $1 tx $2 (tx dropped $3); see $log"
	elif [ $((${after%% *} - ${before%% *})) -lt 10000 ]; then
		bad secondary_bursts "primary forwarding stalled: rx $before -> $after"
	elif [ "$(echo "$after" | cut -d' ' -f3,6)" != "0 0" ]; then
		bad secondary_bursts "primary counted errors meanwhile: $after"
	else
		ok "secondary_bursts (0 packets, one line per direction; primary rx +$((${after%% *} - ${before%% *})) meanwhile)"
	fi
	# The port gone: the primary answers the secondary with an error.
	vhost "stop"
	prim "stop"
	prim "port stop 0"
	prim "port close 0"
	wait_for "$R/sec-prim.log" 'Port 0 is closed' 1 10
	echo "show port stats 0" >&5
	if wait_for "$log" 'failed to get stats \(port 0\): -19' 1 10; then
		ok "port_gone (the secondary's stats request: -ENODEV)"
	else
		bad port_gone "no error for a closed port; see $log"
	fi
	echo "quit" >&5
	exec 5>&-
	wait $sec
}

vn_cleanup
if ! start_pair; then
	bad setup "testpmd did not start; see $R/sec-prim.log $R/sec-vh.log"
else
	VH_MAC=$(awk '$1 == "Port" && $2 == "0:" && $3 ~ /:/ { print $3; exit }' "$R/sec-vh.log")
	prim "set fwd io"
	prim "start"
	vhost "set fwd rxonly"
	vhost "set txpkts $LEN"
	if send_frames; then
		case_proc_info
		case_proc_info_xstats_reset
		case_dumpcap
		case_pdump
		case_secondary_bursts
	else
		bad setup "the $((Q * 32)) frames did not come back; see $R/sec-prim.log"
	fi
fi
prim "quit"
exec 3>&-
wait "$PR" 2>/dev/null
vhost "quit"
exec 4>&-
wait "$VH" 2>/dev/null
grep -q "Bye" "$R/sec-prim.log" || bad primary_exit "see $R/sec-prim.log"
rm -f "$R"/sec-*.cmd
vn_cleanup
t_summary
