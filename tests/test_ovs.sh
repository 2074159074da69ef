#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# virtnet with OVS-DPDK: Debian's openvswitch-switch-dpdk (the same DPDK),
# run by the test itself with its own database and directories
# (devtools/ovs-lib.sh), never the system's openvswitch service.
#
#   a         testpmds with virtnet on OVS's two kinds of vhost-user
#             port: dpdkvhostuser (OVS serves, virtnet is the client) and
#             dpdkvhostuserclient (OVS connects, virtnet server=1)
#   a_virtio  the same with Debian's net_virtio_user on the server side
#   b         a, with ovs-vswitchd restarted mid-traffic: both testpmds
#             must see traffic again, untouched; time to traffic
#   b_virtio  b with net_virtio_user on the server side
#   c         virtnet inside OVS (a dpdk port, -d plugin) against
#             testpmd's net_vhost, OVS sending each packet back
#   d         c with Debian's net_virtio inside OVS
#
# Each traffic run: flowgen on every testpmd, then rxonly to drain; each
# testpmd's Tx must equal what OVS received from it (its flow's count),
# its Rx what OVS sent it (flow count less OVS's drops on the port), both
# at least OVS_MIN_PKTS; where OVS has a port's counters (the driver's,
# for a dpdk port) they must agree.
# CASE_ONLY=<regex>: only the cases whose whole name matches ("a|c").
# Prints "N passed, N failed"; exit 77 (skipped) without OVS-DPDK.
set -uo pipefail
trap '' PIPE
export VIRTNET_BUILD=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
export VIRTNET_RUN=${VIRTNET_RUN:-/var/run/virtnet/test-ovs}
export VIRTNET_NO_HUGE=${VIRTNET_NO_HUGE:-1}
. "$(dirname "$0")/../devtools/lib.sh"
. "$(dirname "$0")/../devtools/ovs-lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

if why=$(ovs_missing); then
	echo "SKIP: $why"
	exit 77
fi
[ "$(id -u)" = 0 ] || { echo "SKIP: OVS-DPDK and vhost-user need root"; exit 77; }

mkdir -p "$VIRTNET_RUN"
vn_check_hugepages
vn_plugin_setup
[ -f "$VIRTNET_PLUGIN" ] || vn_die "no plugin $VIRTNET_PLUGIN: build first"

MIN_PKTS=${OVS_MIN_PKTS:-1000}
SECS=${OVS_TRAFFIC_SECS:-3}
# Seconds for traffic to come back after the restart; its signal.
RESUME_MAX=${OVS_RESUME_MAX:-20}
RESTART_SIGNAL=${OVS_RESTART_SIGNAL:-TERM}
SOCK_C=$VIRTNET_RUN/vhuc1.sock
SOCK_T=$VIRTNET_RUN/vhost-t.sock
FLOWS=()
declare -A SRC

cleanup() {
	tp_quit_all
	ovs_stop
	vn_cleanup
	rm -f "$SOCK_C" "$SOCK_T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# OVS started (devtools/ovs-lib.sh), its complaints kept for ovs_up_why.
ovs_up() { # [dpdk-extra]
	ovs_start "$@" 2>"$VIRTNET_RUN/ovs-start.err"
}

ovs_up_why() {
	printf '%s; see %s' "$(tr '\n' ' ' <"$VIRTNET_RUN/ovs-start.err" | cut -c1-400)" "$OVS_LOGDIR"
}

case_on() {
	[ -z "${CASE_ONLY:-}" ] || [[ $1 =~ ^($CASE_ONLY)$ ]]
}

num() {
	[[ ${1:-} =~ ^[0-9]+$ ]]
}

# check_side LABEL NAME PORT OFPORT: one testpmd's counts against OVS's
# (variables of exchange). Sent by testpmd = received by OVS: the packets
# of the in_port flow. Received = sent by OVS: the packets of the flow
# feeding the port less OVS's drops there. Where OVS has the port's own
# counters (not dpdkvhostuser), they must agree: for a dpdk port these
# are its driver's.
check_side() {
	local label=$1 name=$2 port=$3 o=$4 t_rx t_tx r2 t2 o_in o_out drops
	local p_rx0 p_tx0 p_rx1 p_tx1
	read -r t_rx t_tx <<<"${fg[$name]}"
	read -r r2 t2 <<<"${ro[$name]}"
	o_in=${flows[$o]:-}
	o_out=${flows[${SRC[$o]}]:-}
	if ! { num "$t_rx" && num "$t_tx" && num "$r2" && num "$t2" && num "$o_in" &&
		num "$o_out" && num "${d0[$o]}" && num "${d1[$o]}"; }; then
		bad "$label $name" "no counts (testpmd '${fg[$name]}' '${ro[$name]}', OVS flows '$o_in' '$o_out', drops '${d0[$o]}' '${d1[$o]}'); see $VIRTNET_RUN/$name.log, $OVS_LOGDIR"
		return
	fi
	t_rx=$((t_rx + r2))
	t_tx=$((t_tx + t2))
	drops=$((d1[$o] - d0[$o]))
	o_out=$((o_out - drops))
	if [ "$t_tx" -lt "$MIN_PKTS" ] || [ "$t_tx" != "$o_in" ]; then
		bad "$label $name->$port" "testpmd sent $t_tx, OVS received $o_in (want equal, >= $MIN_PKTS) $(tp_why "$name")"
	else
		ok "$label $name->$port: $t_tx sent, $o_in received by OVS ($((t_tx / SECS)) pps)"
	fi
	if [ "$t_rx" -lt "$MIN_PKTS" ] || [ "$t_rx" != "$o_out" ]; then
		bad "$label $port->$name" "OVS forwarded $o_out to the port ($drops dropped), testpmd received $t_rx (want equal, >= $MIN_PKTS) [port rx tx drop: ${st0[$o]} -> ${st1[$o]}] $(tp_why "$name")"
	else
		ok "$label $port->$name: $o_out sent by OVS ($drops dropped), $t_rx received ($((t_rx / SECS)) pps)"
	fi
	# The port's counters only where both directions passed. OVS 3.1 has
	# none for a dpdkvhostuser port (Protocol error), or zeros once it has
	# restarted, with either driver on the other side: not checked.
	[ "$port" = vhu0 ] && return
	[ "$t_tx" -ge "$MIN_PKTS" ] && [ "$t_tx" = "$o_in" ] &&
		[ "$t_rx" -ge "$MIN_PKTS" ] && [ "$t_rx" = "$o_out" ] || return
	read -r p_rx0 p_tx0 _ <<<"${st0[$o]}"
	read -r p_rx1 p_tx1 _ <<<"${st1[$o]}"
	num "${p_rx0:-}" && num "${p_rx1:-}" && num "${p_tx0:-}" && num "${p_tx1:-}" || return
	if [ $((p_rx1 - p_rx0)) = "$o_in" ] && [ $((p_tx1 - p_tx0)) = "$o_out" ]; then
		ok "$label $port counters: Rx $o_in, Tx $o_out as counted"
	else
		bad "$label $port counters" "port says Rx $((p_rx1 - p_rx0)) Tx $((p_tx1 - p_tx0)), counted Rx $o_in Tx $o_out"
	fi
}

# exchange LABEL NAME:PORT:OFPORT...: flowgen on each testpmd NAME for
# SECS through the bridge's flows (SRC[p]: the in_port whose flow outputs
# to p), then rxonly: the senders stop, OVS forwards what is left, the
# testpmds drain it; then the counts are final. The flows stay as they
# are: replaced between runs, OVS 3.1 dropped up to a ring of packets
# after (coverage drop_action_of_pipeline) that the new flows counted.
exchange() {
	local label=$1 s n p o
	shift
	local -A fg ro d0 d1 st0 st1 f0 f1 flows
	for s; do
		IFS=: read -r n p o <<<"$s"
		d0[$o]=$(ovs_tx_drops "$o")
		st0[$o]=$(ovs_port_stats "$p" 2>/dev/null)
		f0[$o]=$(ovs_flow_packets "$o")
	done
	for s; do
		tp_cmd "${s%%:*}" "set fwd flowgen" "start"
	done
	sleep "$SECS"
	for s; do
		n=${s%%:*}
		fg[$n]=$(tp_stop "$n")
		tp_cmd "$n" "set fwd rxonly" "start"
	done
	sleep 1
	for s; do
		n=${s%%:*}
		ro[$n]=$(tp_stop "$n")
	done
	for s; do
		IFS=: read -r n p o <<<"$s"
		f1[$o]=$(ovs_flow_packets "$o")
		d1[$o]=$(ovs_tx_drops "$o")
		st1[$o]=$(ovs_port_stats "$p" 2>/dev/null)
		num "${f0[$o]}" && num "${f1[$o]}" && flows[$o]=$((f1[$o] - f0[$o]))
	done
	for s; do
		IFS=: read -r n p o <<<"$s"
		check_side "$label" "$n" "$p" "$o"
	done
}

# The bridge's flows, set once per OVS run: "cross" the two ports to
# each other, "reflect" each port to itself. SRC[p]: the in_port whose
# flow outputs to p.
set_flows() { # cross|reflect ofport...
	local kind=$1 p
	shift
	FLOWS=()
	SRC=()
	if [ "$kind" = cross ]; then
		FLOWS=("in_port=$1,actions=output:$2" "in_port=$2,actions=output:$1")
		SRC=([$1]=$2 [$2]=$1)
	else
		for p; do
			FLOWS+=("in_port=$p,actions=in_port")
			SRC[$p]=$p
		done
	fi
	ovs_flows "${FLOWS[@]}"
}

# OVS with a vhost-user port of each kind; testpmd ovs-a (virtnet) the
# client of dpdkvhostuser vhu0, ovs-b (virtnet or net_virtio, server=1)
# the server dpdkvhostuserclient vhuc1 connects to. False if OVS itself
# did not come up; a testpmd or port that did not come up is a FAIL line.
setup_pair() { # label peer cross|reflect
	local label=$1 peer=$2 bdev bextra=''
	if ! ovs_up; then
		bad "$label" "OVS did not start: $(ovs_up_why)"
		return 1
	fi
	rm -f "$SOCK_C"
	if ! ovs_vsctl add-port "$OVS_BRIDGE" vhu0 -- set Interface vhu0 \
			type=dpdkvhostuser ofport_request=1 -- \
			add-port "$OVS_BRIDGE" vhuc1 -- set Interface vhuc1 \
			type=dpdkvhostuserclient ofport_request=2 \
			options:vhost-server-path="$SOCK_C"; then
		bad "$label" "could not add the vhost-user ports"
		return 1
	fi
	if ! set_flows "$3" 1 2; then
		bad "$label" "could not set the flows"
		return 1
	fi
	if [ "$peer" = virtnet ]; then
		bdev="net_virtnet_user1,path=$SOCK_C,server=1,mac=02:00:00:00:00:0b"
		bextra=$PLUGIN_ARG
	else
		bdev="net_virtio_user1,path=$SOCK_C,server=1,mac=02:00:00:00:00:0b"
	fi
	tp_start ovs-a '0@0,1@0' "net_virtnet_user0,path=$OVS_RUNDIR/vhu0,mac=02:00:00:00:00:0a" \
		"$PLUGIN_ARG" "--no-flush-rx"
	tp_start ovs-b '0@1,1@1' "$bdev" "$bextra" "--no-flush-rx"
	tp_ready ovs-a 30 ||
		bad "$label client up" "virtnet testpmd (client of OVS) not up: $(tp_why ovs-a)"
	tp_ready ovs-b 30 ||
		bad "$label server up" "$peer testpmd (server=1) not up: $(tp_why ovs-b)"
	ovs_link_wait vhu0 10 ||
		bad "$label client link" "OVS dpdkvhostuser port down: virtnet did not connect to $OVS_RUNDIR/vhu0"
	ovs_link_wait vhuc1 10 ||
		bad "$label server link" "OVS dpdkvhostuserclient port down: no $peer server on $SOCK_C ($(tp_why ovs-b))"
	return 0
}

case_pair() { # label peer
	setup_pair "$1" "$2" cross && exchange "$1" ovs-a:vhu0:1 ovs-b:vhuc1:2
	tp_quit_all
	ovs_stop
}

now() {
	date +%s.%N
}

# Poll the testpmds' counters until each has sent and received (or MAX
# seconds): prints "name tx_seconds rx_seconds" per testpmd, the time
# since START at which its Tx, its Rx grew first ("none": never).
wait_traffic() { # start max name...
	local start=$1 max=$2 n rx tx end t
	shift 2
	local -A lrx=() ltx=() wrx=() wtx=()
	for n; do
		read -r "lrx[$n]" "ltx[$n]" _ < <(tp_stats "$n")
		# No port: nothing to wait for.
		tp_has_port "$n" || { wrx[$n]=none; wtx[$n]=none; }
	done
	end=$(echo "$(now) + $max" | bc)
	while [ "$(echo "$(now) < $end" | bc)" = 1 ]; do
		for n; do
			[ -n "${wrx[$n]:-}" ] && [ -n "${wtx[$n]:-}" ] && continue
			read -r rx tx _ < <(tp_stats "$n")
			t=$(printf '%.2f' "$(echo "$(now) - $start" | bc)")
			num "$rx" && num "${lrx[$n]:-}" && [ "$rx" -gt "${lrx[$n]}" ] &&
				[ -z "${wrx[$n]:-}" ] && wrx[$n]=$t
			num "$tx" && num "${ltx[$n]:-}" && [ "$tx" -gt "${ltx[$n]}" ] &&
				[ -z "${wtx[$n]:-}" ] && wtx[$n]=$t
			lrx[$n]=$rx
			ltx[$n]=$tx
		done
		[ "${#wrx[@]}" = $# ] && [ "${#wtx[@]}" = $# ] && break
		sleep 0.05
	done
	for n; do
		echo "$n ${wtx[$n]:-none} ${wrx[$n]:-none}"
	done
}

# Stop the testpmds' forwarding with their Rx rings empty: rxonly until
# OVS has forwarded what is left.
quiesce() { # name...
	local n
	for n; do
		tp_stop "$n" >/dev/null
		tp_cmd "$n" "set fwd rxonly" "start"
	done
	sleep 1
	for n; do
		tp_stop "$n" >/dev/null
	done
}

# Each testpmd's traffic comes back to it (flows in_port=p,actions=in_port)
# so that each port's verdict is its own. ovs-vswitchd is killed
# (OVS_RESTART_SIGNAL, TERM: a clean stop) and started again on the same
# database; the testpmds are left alone and must send and receive again.
case_restart() { # label peer
	local label=$1 peer=$2 n t r up res
	local -A side=([ovs-a]="client (dpdkvhostuser)" [ovs-b]="server (dpdkvhostuserclient)")
	if setup_pair "$label" "$peer" reflect; then
		tp_cmd ovs-a "set fwd flowgen" "start"
		tp_cmd ovs-b "set fwd flowgen" "start"
		res=$(wait_traffic "$(now)" 10 ovs-a ovs-b)
		while read -r n t r; do
			if [ "$t" = none ] || [ "$r" = none ]; then
				bad "$label before $n" "${side[$n]}: no traffic before the restart (Tx after $t s, Rx after $r s)"
			else
				ok "$label before $n: ${side[$n]} sends and receives"
			fi
		done <<<"$res"
		ovs_switch_kill "$RESTART_SIGNAL"
		# Killed, OVS leaves its dpdkvhostuser socket behind and then
		# cannot bind it ("remove it and try again"), as would an operator.
		[ "$RESTART_SIGNAL" = TERM ] || rm -f "$OVS_RUNDIR/vhu0"
		sleep 1
		if ! ovs_switch_start 2>"$VIRTNET_RUN/ovs-start.err"; then
			bad "$label" "ovs-vswitchd did not start again: $(ovs_up_why)"
		else
			up=$(now)
			ovs_flows "${FLOWS[@]}"
			res=$(wait_traffic "$up" "$RESUME_MAX" ovs-a ovs-b)
			while read -r n t r; do
				if [ "$t" = none ] || [ "$r" = none ]; then
					bad "$label resume $n" "${side[$n]}: Tx after $t s, Rx after $r s of OVS back, want both within $RESUME_MAX s (kill -$RESTART_SIGNAL) $(tp_why "$n")"
				else
					ok "$label resume $n: ${side[$n]} sends again $t s, receives $r s after OVS is back"
				fi
			done <<<"$res"
			for n in ovs-a ovs-b; do
				tp_alive "$n" || bad "$label $n" "testpmd is gone"
			done
			quiesce ovs-a ovs-b
			exchange "$label after" ovs-a:vhu0:1 ovs-b:vhuc1:2
		fi
	fi
	tp_quit_all
	ovs_stop
}

# virtnet (or net_virtio) as a dpdk port of OVS, against net_vhost.
case_in_ovs() { # label driver
	local label=$1 drv=$2 extra='' dev want name
	rm -f "$SOCK_T"
	tp_start ovs-t '0@0,1@0' "net_vhost0,iface=$SOCK_T" "" "--no-flush-rx"
	if ! tp_ready ovs-t 30; then
		bad "$label" "net_vhost testpmd not up: $(tp_why ovs-t)"
	else
		if [ "$drv" = virtnet ]; then
			extra="$PLUGIN_ARG --log-level=pmd.net.virtnet.*:info"
			dev="net_virtnet_user0,path=$SOCK_T"
			want=net_virtnet_user
		else
			dev="net_virtio_user0,path=$SOCK_T"
			want=net_virtio_user
		fi
		if ! ovs_up "$extra"; then
			bad "$label" "OVS did not start: $(ovs_up_why)"
		elif ! ovs_vsctl add-port "$OVS_BRIDGE" dpdk0 -- set Interface dpdk0 \
				type=dpdk ofport_request=1 options:dpdk-devargs="$dev" ||
		     ! ovs_link_wait dpdk0 10; then
			bad "$label" "OVS dpdk port on $dev not up: $(ovs_vsctl get Interface dpdk0 error 2>&1)"
		else
			name=$(ovs_vsctl get Interface dpdk0 status:driver_name | tr -d '"')
			if [ "$name" = "$want" ]; then
				ok "$label driver: OVS's port dpdk0 is $name"
			else
				bad "$label driver" "OVS's port dpdk0 is '$name', want $want"
			fi
			if set_flows reflect 1; then
				exchange "$label" ovs-t:dpdk0:1
			else
				bad "$label" "could not set the flows"
			fi
		fi
	fi
	tp_quit_all
	ovs_stop
}

t0=$(date +%s)
echo "OVS: $("$OVS_VSWITCHD" --version | tr '\n' ' '); memory: $OVS_MEM${OVS_SOCKET_MEM:+ dpdk-socket-mem=$OVS_SOCKET_MEM}; lcores $OVS_LCORE_MASK, PMD $OVS_PMD_MASK"
case_on a && case_pair a virtnet
case_on a_virtio && case_pair a_virtio virtio
case_on b && case_restart b virtnet
case_on b_virtio && case_restart b_virtio virtio
case_on c && case_in_ovs c virtnet
case_on d && case_in_ovs d virtio
echo "test time: $(($(date +%s) - t0)) s"
t_summary
