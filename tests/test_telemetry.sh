#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Telemetry of a virtnet port in testpmd, forwarding against testpmd with
# net_vhost, asked with dpdk-telemetry.py: the /ethdev/ endpoints
# (dump_priv through the driver's eth_dev_priv_dump), /virtnet/ports and
# /virtnet/port,<id>, answers checked against testpmd's own output; bad
# parameters; a stopped port; queries racing port stop/start and the
# back-end's loss and return. Prints "N passed, N failed".
set -uo pipefail
export VIRTNET_BUILD=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
export VIRTNET_RUN=${VIRTNET_RUN:-/var/run/virtnet/test-telemetry}
. "$(dirname "$0")/../devtools/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# Debian ships usertools/dpdk-telemetry.py as /usr/bin/dpdk-telemetry.py.
TELEMETRY=${TELEMETRY:-$(command -v dpdk-telemetry.py)}
[ -n "$TELEMETRY" ] || vn_die "dpdk-telemetry.py not found (Debian package dpdk)"
CHECK=$(dirname "$0")/telemetry_check.py

mkdir -p "$VIRTNET_RUN"
vn_check_hugepages
vn_plugin_setup
SOCK=$VIRTNET_RUN/tel.sock
DONE=$VIRTNET_RUN/tel.done

# tel OUT COMMAND...: one dpdk-telemetry.py session sending the commands
# to the virtnet testpmd; one JSON reply per line into OUT.
tel() {
	local out=$1
	shift
	printf '%s\n' "$@" | timeout 30 python3 "$TELEMETRY" \
		-f "$VIRTNET_PREFIX-tel-virtnet" >"$out" 2>&1
}

# The vhost side forwards (mac) until the case says it is done.
start_vhost() { # queues [name]
	local q=$1 name=${2:-tel-vhost}
	rm -f "$SOCK" "$DONE"
	{
		vn_script "set fwd mac" "start"
		for _ in $(seq 900); do [ -e "$DONE" ] && break; sleep 0.1; done
		vn_script "stop" "quit"
	} | vn_testpmd "$name" '0@1,1@1' "net_vhost0,iface=$SOCK,queues=$q" "" \
		"--rxq=$q --txq=$q --txd=1024 --rxd=1024" 2>/dev/null &
	VH=$!
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
}

QUERIES=("/ethdev/list" "/ethdev/info,0" "/ethdev/stats,0" "/ethdev/xstats,0"
	"/ethdev/link_status,0" "/ethdev/dump_priv,0" "/virtnet/ports"
	"/virtnet/port,0")
BAD=("/virtnet/port" "/virtnet/port,abc" "/virtnet/port,0x0" "/virtnet/port,5" "/virtnet/port,99"
	"/virtnet/port,4294967296" "/virtnet/port,0,1" "/virtnet/ports,7")
RACE_ROUNDS=${RACE_ROUNDS:-10}

# Up to 60 s for testpmd to start and port 0 to receive (a busy machine
# takes its time); "sleep" in a command script would only guess.
tel_wait_traffic() { # out
	local _
	for _ in $(seq 120); do
		tel "$1" "/ethdev/stats,0"
		python3 -c 'import json, sys
s = json.loads(open(sys.argv[1]).readline())["/ethdev/stats"]
sys.exit(0 if s["ipackets"] > 0 else 1)' "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	echo "quit"
	return 1
}

# Up to 30 s for /virtnet/port,0 to say KEY (started: by the app;
# running: the device runs the rings) is VALUE.
tel_wait() { # out key 0|1
	local _
	for _ in $(seq 60); do
		tel "$1" "/virtnet/port,0"
		python3 -c 'import json, sys
p = json.loads(open(sys.argv[1]).readline())["/virtnet/port"]
sys.exit(0 if p[sys.argv[2]] == int(sys.argv[3]) else 1)' "$1" "$2" "$3" \
			2>/dev/null && return 0
		sleep 0.5
	done
	return 1
}

# Ask the same commands in new sessions until the STOP file appears (at
# most 60 sessions); the replies go into OUT. Prints the session count.
tel_loop() { # out stop cmdsfile
	local n=0
	: >"$1"
	while [ ! -e "$2" ] && [ $n -lt 60 ]; do
		tel "$1.one" $(cat "$3")
		cat "$1.one" >>"$1"
		n=$((n + 1))
	done
	echo $n
}

# Ask PREFIX.cmds in a loop into PREFIX.json while the caller changes the
# port; race_end stops the loop.
race_begin() { # prefix
	local i
	for i in $(seq 40); do
		echo "/virtnet/port,0"
		echo "/ethdev/dump_priv,0"
		echo "/ethdev/xstats,0"
	done >"$1.cmds"
	rm -f "$1.stop"
	tel_loop "$1.json" "$1.stop" "$1.cmds" >"$1.sessions" &
	RACER=$!
}

race_end() { # prefix
	touch "$1.stop"
	wait "$RACER"
}

# The virtnet side: forward, ask while forwarding, show what testpmd says
# of the paths, stop the port and ask; ask in a loop while the port stops
# and starts, then while its back-end is killed and comes back (recovery
# frees and makes the rings in the interrupt thread).
virtnet_session() { # dir queues
	local d=$1 q=$2 i vh2
	vn_script "set fwd mac" "start tx_first 8"
	tel_wait_traffic "$d/wait.json" || return
	sleep 2
	tel "$d/running.json" "${QUERIES[@]}"
	tel "$d/bad.json" "${BAD[@]}" "/virtnet/port,0"
	# testpmd's output is block-buffered in its log: ask telemetry whether
	# a command was done.
	vn_script "stop" "show rxq info 0 0" "show txq info 0 0" "port stop 0"
	tel_wait "$d/wait.json" started 0
	tel "$d/stopped.json" "/virtnet/port,0" "/ethdev/dump_priv,0" "/virtnet/ports"
	vn_script "port start 0"
	tel_wait "$d/wait.json" started 1
	race_begin "$d/race"
	for i in $(seq "$RACE_ROUNDS"); do
		vn_script "port stop 0"
		tel_wait "$d/wait.json" started 0 && sleep 0.2
		vn_script "port start 0"
		tel_wait "$d/wait.json" started 1 && sleep 0.2
	done
	race_end "$d/race"
	tel "$d/after.json" "/virtnet/port,0"
	race_begin "$d/lost"
	sleep 0.5
	pkill -9 -f -- "--file-prefix $VIRTNET_PREFIX-tel-vhost "
	tel_wait "$d/wait.json" running 0
	tel "$d/lost-down.json" "/virtnet/port,0" "/ethdev/dump_priv,0"
	# A killed net_vhost server leaves its socket file.
	rm -f "$SOCK"
	start_vhost "$q" tel-vhost2
	vh2=$VH
	tel_wait "$d/wait.json" running 1 && sleep 0.5
	race_end "$d/lost"
	tel "$d/lost-after.json" "/virtnet/port,0"
	touch "$DONE"
	wait "$vh2"
	vn_script "quit"
}

# case_tel NAME DEVARGS [QUEUES]: one testpmd pair, every check on its
# answers.
case_tel() {
	local name=$1 devargs=$2 q=${3:-1} d=$VIRTNET_RUN/$1 rc log packed=0
	# CASES="<name> ...": run only these.
	[ -z "${CASES:-}" ] || [[ " $CASES " == *" $name "* ]] || return 0
	[[ $devargs == *packed_vq=1* ]] && packed=1
	vn_cleanup
	rm -rf "$d"
	mkdir -p "$d"
	start_vhost "$q"
	virtnet_session "$d" "$q" | vn_testpmd tel-virtnet '0@0,1@0' \
		"net_virtnet_user0,mac=00:01:02:03:04:05,path=$SOCK,$devargs" \
		"$PLUGIN_ARG --log-level=pmd.net.virtnet.*:info" \
		"--rxq=$q --txq=$q --txd=1024 --rxd=1024"
	rc=$?
	touch "$DONE"
	wait "$VH" 2>/dev/null
	log=$VIRTNET_RUN/tel-virtnet.log
	cp "$log" "$d/testpmd.log"
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad "$name" "testpmd exit $rc; see $log"
		return
	fi
	while IFS=$'\t' read -r res what why; do
		if [ "$res" = ok ]; then ok "$name: $what"; else bad "$name: $what" "$why"; fi
	done < <(python3 "$CHECK" "$d" "$log" "$RACE_ROUNDS" "$packed" 2>&1 ||
		printf 'bad\tchecker\tpython exited with an error\n')
}

case_tel split "in_order=1,mrg_rxbuf=1"
case_tel packed "packed_vq=1,in_order=0,mrg_rxbuf=0,queue_size=512"
# 10 queue pairs: every ring in the dump, the first 8 in /virtnet/port
# (a reply holds 16 KiB).
case_tel queues_10 "queues=10,in_order=0,mrg_rxbuf=1" 10
vn_cleanup
t_summary
