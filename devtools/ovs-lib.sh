# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# OVS-DPDK run privately by a test or benchmark (sourced after lib.sh):
# Debian's DPDK build of ovs-vswitchd with its own ovsdb-server, a fresh
# database and run, log and config directories below $OVS_DIR, never the
# openvswitch-switch service nor /var/run/openvswitch. And testpmds fed
# through a FIFO, so that a script can send commands and read counters
# while they run. Every wait is bounded; only processes started here are
# ever signalled.

OVS_VSWITCHD=${OVS_VSWITCHD:-/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}
OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
OVS_DIR=${OVS_DIR:-$VIRTNET_RUN/ovs}
# The bridge's local port is a kernel tap of this name (15 bytes at most).
OVS_BRIDGE=${OVS_BRIDGE:-vnbr$$}
# Cores: the main DPDK lcore (mostly idle) and the one PMD thread.
OVS_LCORE_MASK=${OVS_LCORE_MASK:-0x1}
OVS_PMD_MASK=${OVS_PMD_MASK:-0x2}
# Memory. --no-huge gives 4 kB pages in a memfd (shareable over
# vhost-user); OVS adds --in-memory, which EAL refuses with --no-huge
# (legacy memory) unless --legacy-mem is named. OVS_HUGE=1: 2 MB pages
# instead, OVS's own --in-memory mode with dpdk-socket-mem; a virtio-user
# port in OVS (virtnet or net_virtio) then needs --single-file-segments,
# or its memory is more files than vhost-user's 8 regions.
if [ "${OVS_HUGE:-0}" = 1 ]; then
	OVS_MEM=${OVS_MEM:---single-file-segments}
	OVS_SOCKET_MEM=${OVS_SOCKET_MEM:-512}
else
	OVS_MEM=${OVS_MEM:---no-huge -m 1024 --legacy-mem}
	OVS_SOCKET_MEM=
fi
# Bound of every process started here, seconds (a safety net only).
OVS_MAX_TIME=${OVS_MAX_TIME:-900}
TP_MAX_TIME=${TP_MAX_TIME:-300}

export OVS_RUNDIR=$OVS_DIR/run OVS_DBDIR=$OVS_DIR/db OVS_LOGDIR=$OVS_DIR/log
export OVS_SYSCONFDIR=$OVS_DIR/etc

declare -gA TP_PID TP_FD OVS_JOB

# Why OVS-DPDK cannot run here, or nothing (false) if it can.
ovs_missing() {
	local t
	for t in ovsdb-tool ovsdb-server ovs-vsctl ovs-ofctl ovs-appctl; do
		command -v "$t" >/dev/null || { echo "$t not installed (openvswitch-switch)"; return 0; }
	done
	[ -x "$OVS_VSWITCHD" ] ||
		{ echo "$OVS_VSWITCHD not installed (openvswitch-switch-dpdk)"; return 0; }
	"$OVS_VSWITCHD" --version 2>/dev/null | grep -q '^DPDK' ||
		{ echo "$OVS_VSWITCHD is not built with DPDK"; return 0; }
	[ -f "$OVS_SCHEMA" ] || { echo "no OVS schema $OVS_SCHEMA"; return 0; }
	return 1
}

ovs_vsctl() {
	ovs-vsctl --timeout=10 --db="unix:$OVS_RUNDIR/db.sock" "$@"
}

ovs_ofctl() { # command args: on the bridge, through its socket in OVS_RUNDIR
	local cmd=$1
	shift
	timeout 10 ovs-ofctl -O OpenFlow13 "$cmd" "$OVS_BRIDGE" "$@"
}

ovs_appctl() {
	ovs-appctl -T 10 -t "$OVS_RUNDIR/ovs-vswitchd.ctl" "$@"
}

# Whether a process runs (an unreaped child, a zombie, does not).
ovs_alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# Wait up to SECONDS for a process to end.
ovs_wait_gone() { # pid seconds
	for _ in $(seq $((${2:-10} * 10))); do
		ovs_alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

# The pid in OVS_RUNDIR/NAME.pid if that process is ours (its command
# line names our run directory); false otherwise.
ovs_pid() {
	local pid
	pid=$(cat "$OVS_RUNDIR/$1.pid" 2>/dev/null) || return 1
	[ -n "$pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" |
		grep -qF "$OVS_RUNDIR/" || return 1
	echo "$pid"
}

# ovs_daemon NAME CMD...: run an OVS daemon in the background (not
# --detach: the job stays ours to reap), output to OVS_LOGDIR/NAME.out.
ovs_daemon() {
	local name=$1
	shift
	# A subshell, so that a daemon killed on purpose is no job "Killed".
	(
		timeout -k 5 "$OVS_MAX_TIME" "$@" --pidfile="$OVS_RUNDIR/$name.pid" \
			--unixctl="$OVS_RUNDIR/$name.ctl" --log-file="$OVS_LOGDIR/$name.log" \
			>>"$OVS_LOGDIR/$name.out" 2>&1
		exit $?
	) 2>/dev/null &
	OVS_JOB[$name]=$!
}

# A fresh database and ovsdb-server; the switch's configuration in it.
# EXTRA: more EAL arguments for OVS (dpdk-extra).
ovs_db_start() {
	local extra=${1:-}
	ovs_stop
	rm -rf "$OVS_DIR"
	mkdir -p "$OVS_RUNDIR" "$OVS_DBDIR" "$OVS_LOGDIR" "$OVS_SYSCONFDIR" || return 1
	ovsdb-tool create "$OVS_DBDIR/conf.db" "$OVS_SCHEMA" || return 1
	ovs_daemon ovsdb-server ovsdb-server "$OVS_DBDIR/conf.db" \
		--remote="punix:$OVS_RUNDIR/db.sock"
	for _ in $(seq 50); do
		[ -S "$OVS_RUNDIR/db.sock" ] && break
		sleep 0.1
	done
	ovs_vsctl --no-wait init || return 1
	ovs_vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
		other_config:dpdk-lcore-mask="$OVS_LCORE_MASK" \
		other_config:pmd-cpu-mask="$OVS_PMD_MASK" \
		other_config:per-port-memory=true \
		other_config:dpdk-extra="$OVS_MEM --file-prefix $VIRTNET_PREFIX-ovs --no-pci $extra" \
		${OVS_SOCKET_MEM:+other_config:dpdk-socket-mem=$OVS_SOCKET_MEM}
}

# Start ovs-vswitchd on the existing database; true once DPDK is
# initialized and the switch answers.
ovs_switch_start() {
	ovs_daemon ovs-vswitchd "$OVS_VSWITCHD" "unix:$OVS_RUNDIR/db.sock"
	for _ in $(seq 300); do
		if ! ovs_alive "${OVS_JOB[ovs-vswitchd]}"; then
			echo "ovs-vswitchd exited: $(grep -E '\|(ERR|EMER)\|' "$OVS_LOGDIR/ovs-vswitchd.log" | tail -3)" >&2
			return 1
		fi
		[ -S "$OVS_RUNDIR/ovs-vswitchd.ctl" ] &&
			[ "$(ovs_vsctl get Open_vSwitch . dpdk_initialized 2>/dev/null)" = true ] &&
			ovs_appctl version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "ovs-vswitchd not up after 30 s" >&2
	return 1
}

# Signal ovs-vswitchd (TERM by default) and wait for it to be gone.
ovs_switch_kill() {
	local sig=${1:-TERM} pid job=${OVS_JOB[ovs-vswitchd]:-}
	if pid=$(ovs_pid ovs-vswitchd); then
		kill -"$sig" "$pid" 2>/dev/null
		ovs_wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null
	fi
	[ -n "$job" ] || return 0
	ovs_wait_gone "$job" 5 && wait "$job" 2>/dev/null
	unset 'OVS_JOB[ovs-vswitchd]'
	return 0
}

# Database, switch, and a netdev-datapath bridge that forwards only by
# the flows it is given (fail_mode secure).
ovs_start() { # [dpdk-extra]
	ovs_db_start "${1:-}" && ovs_switch_start &&
		ovs_vsctl add-br "$OVS_BRIDGE" -- set bridge "$OVS_BRIDGE" \
			datapath_type=netdev fail_mode=secure
}

# Stop everything this file started: the bridge's tap goes with the
# bridge (if the switch is gone, the tap is deleted by name).
ovs_stop() {
	local pid job
	[ -S "$OVS_RUNDIR/db.sock" ] && [ -n "${OVS_JOB[ovs-vswitchd]:-}" ] &&
		ovs_vsctl --if-exists del-br "$OVS_BRIDGE" >/dev/null 2>&1
	ovs_switch_kill TERM
	if pid=$(ovs_pid ovsdb-server); then
		kill -TERM "$pid" 2>/dev/null
		ovs_wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
	fi
	job=${OVS_JOB[ovsdb-server]:-}
	if [ -n "$job" ]; then
		ovs_wait_gone "$job" 5 && wait "$job" 2>/dev/null
		unset 'OVS_JOB[ovsdb-server]'
	fi
	ip link show "$OVS_BRIDGE" >/dev/null 2>&1 && ip link del "$OVS_BRIDGE" 2>/dev/null
	rm -rf /var/run/dpdk/"$VIRTNET_PREFIX"-ovs
	return 0
}

# Replace the bridge's flows by these (none: the bridge drops all).
ovs_flows() {
	local f
	ovs_ofctl del-flows || return 1
	for f in "$@"; do
		ovs_ofctl add-flow "$f" || return 1
	done
}

# "rx_packets tx_packets tx_dropped" of a port, live from the datapath.
ovs_port_stats() {
	ovs_appctl dpctl/show -s | awk -v p="$1" '
		$1 == "port" && $3 == p { f = 1; next }
		f && $1 == "port" { exit }
		f && $1 == "RX" && $2 ~ /^packets:/ { split($2, a, ":"); rx = a[2] }
		f && $1 == "TX" && $2 ~ /^packets:/ {
			split($2, a, ":"); split($4, d, ":"); tx = a[2]; td = d[2]
		}
		END { if (rx == "") exit 1; print rx, tx, td }'
}

# Packets OVS matched on the flows of in_port=OFPORT (after a
# revalidator round has moved the datapath's counts into the flows).
ovs_flow_packets() {
	ovs_appctl revalidator/wait >/dev/null || return 1
	ovs_ofctl dump-flows "in_port=$1" | awk '
		{ for (i = 1; i <= NF; i++) if ($i ~ /^n_packets=/) {
			sub(/^n_packets=/, "", $i); sub(/,$/, "", $i); n += $i; f = 1 } }
		END { if (!f) exit 1; print n }'
}

# Packets OVS dropped on output to OFPORT (full ring, MTU, QoS,
# offload), from its own counters (OpenFlow 1.4 custom port stats): live
# for every port type, where the basic counters of a dpdkvhostuser port
# are not (OVS 3.1 answers EPROTO).
ovs_tx_drops() {
	timeout 10 ovs-ofctl -O OpenFlow14 dump-ports "$OVS_BRIDGE" "$1" |
		tr -s ' ,' '\n' | awk -F= '
		$1 ~ /^ovs_tx_(failure|mtu_exceeded|qos|invalid_hwol)_drops$/ { n += $2; f = 1 }
		END { if (!f) exit 1; print n }'
}

# Wait (up to SECONDS) for an interface's link_state to be "up".
ovs_link_wait() { # port seconds
	for _ in $(seq $((${2:-10} * 10))); do
		[ "$(ovs_vsctl get Interface "$1" link_state 2>/dev/null)" = up ] && return 0
		sleep 0.1
	done
	return 1
}

# tp_start NAME LCORES VDEV EXTRA_EAL TESTPMD_ARGS
# An interactive testpmd reading commands from a FIFO (tp_cmd), output
# line-buffered to $VIRTNET_RUN/NAME.log.
tp_start() {
	local name=$1 fifo=$VIRTNET_RUN/$1.fifo fd
	rm -f "$fifo"
	mkfifo "$fifo" || return 1
	# shellcheck disable=SC2086
	timeout -k 5 "$TP_MAX_TIME" stdbuf -oL "$TESTPMD" --lcores "$2" \
		--file-prefix "$VIRTNET_PREFIX-$name" --no-pci $VIRTNET_MEM $4 \
		--vdev "$3" --log-level=lib.eal:error -- -i --nb-cores=1 \
		--total-num-mbufs=32768 $5 <"$fifo" >"$VIRTNET_RUN/$name.log" 2>&1 &
	TP_PID[$name]=$!
	# Read-write: opening never blocks, whatever became of testpmd.
	exec {fd}<>"$fifo"
	TP_FD[$name]=$fd
}

tp_alive() {
	[ -n "${TP_PID[$1]:-}" ] && ovs_alive "${TP_PID[$1]}"
}

# Whether testpmd has its port 0 (a failed probe leaves none).
tp_has_port() {
	grep -q -E '^Port 0: ([0-9A-F]{2}:){5}' "$VIRTNET_RUN/$1.log"
}

tp_cmd() { # name command...
	local name=$1
	shift
	tp_alive "$name" || return 1
	{ printf '%s\n' "$@" >&"${TP_FD[$name]}"; } 2>/dev/null
}

# Wait (up to SECONDS) for the first prompt: the port is started.
tp_ready() { # name seconds
	for _ in $(seq $((${2:-30} * 10))); do
		tp_alive "$1" || return 1
		grep -q 'testpmd> ' "$VIRTNET_RUN/$1.log" && return 0
		sleep 0.1
	done
	return 1
}

# Wait for the count of lines matching PATTERN in NAME's log to exceed N.
tp_wait_count() { # name pattern n
	for _ in $(seq 250); do
		[ "$(grep -c -- "$2" "$VIRTNET_RUN/$1.log")" -gt "$3" ] && return 0
		tp_alive "$1" || return 1
		sleep 0.02
	done
	return 1
}

# "rx tx rx_pps tx_pps" of port 0 now (show port stats 0).
tp_stats() {
	local log=$VIRTNET_RUN/$1.log n
	tp_has_port "$1" || return 1
	n=$(grep -c 'Tx-pps:' "$log")
	tp_cmd "$1" "show port stats 0" && tp_wait_count "$1" 'Tx-pps:' "$n" || return 1
	awk '$1 == "RX-packets:" && $3 == "RX-missed:" { rx = $2 }
		$1 == "TX-packets:" && $3 == "TX-errors:" { tx = $2 }
		$1 == "Rx-pps:" { rp = $2 } $1 == "Tx-pps:" { tp = $2 }
		END { print rx + 0, tx + 0, rp + 0, tp + 0 }' "$log"
}

# Stop forwarding; "rx tx" of port 0 in that forwarding run (testpmd's
# own counts of what the bursts returned).
tp_stop() {
	local log=$VIRTNET_RUN/$1.log n
	tp_has_port "$1" || return 1
	n=$(grep -c 'Accumulated forward statistics' "$log")
	tp_cmd "$1" stop && tp_wait_count "$1" 'Accumulated forward statistics' "$n" || return 1
	awk '/Forward statistics for port 0/ { f = 1 }
		f && $1 == "RX-packets:" { rx = $2 }
		f && $1 == "TX-packets:" { tx = $2; f = 0 }
		END { print rx + 0, tx + 0 }' "$log"
}

# Quit (closing its FIFO), and make sure it is gone within 10 s.
tp_quit() {
	local name=$1 pid=${TP_PID[$1]:-} fd=${TP_FD[$1]:-}
	[ -n "$pid" ] || return 0
	tp_cmd "$name" quit
	[ -n "$fd" ] && exec {fd}>&-
	# pid is timeout(1)'s: TERM goes on to testpmd, KILL 5 s later.
	ovs_wait_gone "$pid" 10 || kill -TERM "$pid" 2>/dev/null
	ovs_wait_gone "$pid" 10 && wait "$pid" 2>/dev/null
	rm -f "$VIRTNET_RUN/$name.fifo"
	unset "TP_PID[$name]" "TP_FD[$name]"
}

tp_quit_all() {
	local name
	for name in "${!TP_PID[@]}"; do
		tp_quit "$name"
	done
}

# Lines of a log worth showing after a failure: errors, the driver's.
tp_why() {
	grep -i -E 'error|fail|cannot|virtnet:|not supported' "$VIRTNET_RUN/$1.log" 2>/dev/null |
		grep -v -E 'promiscuous|Rx checksum|-FAILED: 0|[RT]X-errors' | head -3 | tr '\n' ' '
}
