#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# virtnet's vhost-user connection against a back-end that breaks the
# protocol on the socket (tests/fake_vhost.py): unsolicited bytes (audit
# F2: the interrupt thread must not spin), a reply trickled a byte a
# second (F3: one deadline for the whole reply), a back-end that never
# answers. testpmd must survive each, log the reason and give up in time.
# Prints "N passed, N failed".
set -uo pipefail
export VIRTNET_BUILD=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
export VIRTNET_RUN=${VIRTNET_RUN:-/var/run/virtnet/test}
. "$(dirname "$0")/../devtools/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
FAKE=$(dirname "$0")/fake_vhost.py

mkdir -p "$VIRTNET_RUN"
vn_check_hugepages
vn_plugin_setup
SOCK=$VIRTNET_RUN/hostile.sock

fake_start() { # mode lifetime
	rm -f "$SOCK"
	/usr/bin/python3 "$FAKE" "$SOCK" "$1" "$2" >"$VIRTNET_RUN/fake-$1.log" 2>&1 &
	FAKE_PID=$!
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
}

# CPU ticks (utime + stime) of the EAL interrupt thread of the processes
# whose command line matches $1 (testpmd, not the timeout wrapping it).
intr_ticks() {
	local t
	for t in $(pgrep -f -- "$1" | sed 's|.*|/proc/&/task/*|'); do
		if [ "$(cat "$t/comm" 2>/dev/null)" = eal-intr-thread ]; then
			awk '{ print $14 + $15 }' "$t/stat"
			return
		fi
	done
	echo -1
}

# F2: bytes the back-end sends unasked end the connection; before the fix
# the level-triggered socket watch woke the interrupt thread forever.
case_unsolicited() {
	local log=$VIRTNET_RUN/hostile-unsolicited.log pid t1 t2
	vn_cleanup
	fake_start unsolicited 20
	vn_script "sleep 8" "show port info 0" "quit" |
		vn_testpmd hostile-unsolicited '0@0,1@0' "net_virtnet_user0,path=$SOCK" \
			"$PLUGIN_ARG" "" &
	local tp=$!
	sleep 4
	pid="--file-prefix $VIRTNET_PREFIX-hostile-unsolicited"
	t1=$(intr_ticks "$pid")
	sleep 3
	t2=$(intr_ticks "$pid")
	wait $tp
	local rc=$?
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	if [ $rc -ne 0 ] || ! grep -q "Bye" "$log"; then
		bad unsolicited "testpmd exit $rc; see $log"
	elif ! grep -q "unsolicited bytes from the back-end" "$log" ||
	     ! grep -q "Link status: down" "$log"; then
		bad unsolicited "not logged or link not down; see $log"
	elif [ "$t1" -lt 0 ] || [ $((t2 - t1)) -gt 30 ]; then
		bad unsolicited "interrupt thread used $((t2 - t1)) ticks in 3 s (spinning)"
	else
		ok "unsolicited (connection closed, interrupt thread $((t2 - t1)) ticks in 3 s)"
	fi
}

# F3/F10: a reply trickled, or none at all: the probe gives up after one
# 5 s deadline (before the fix: 5 s per byte), testpmd carries on.
case_slow_reply() { # mode
	local mode=$1 log=$VIRTNET_RUN/hostile-$1.log t0 el
	vn_cleanup
	fake_start "$mode" 30
	t0=$(date +%s.%N)
	echo quit | vn_testpmd "hostile-$mode" '0@0,1@0' "net_virtnet_user0,path=$SOCK" \
		"$PLUGIN_ARG" ""
	local rc=$?
	el=$(echo "$(date +%s.%N) - $t0" | bc)
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	if ! grep -q "no valid reply to request 1 (Connection timed out)" "$log"; then
		bad "$mode" "timeout not logged (testpmd exit $rc); see $log"
	elif [ "$(echo "$el > 12" | bc)" = 1 ]; then
		bad "$mode" "gave up after ${el%.*} s, want one 5 s deadline"
	else
		ok "$mode (probe gave up after ${el%.*} s, testpmd exit $rc)"
	fi
}

case_unsolicited
case_slow_reply trickle
case_slow_reply silent
vn_cleanup
t_summary
