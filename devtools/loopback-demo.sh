#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job: testpmd with virtnet (virtio-user) forwarding against a
# testpmd with net_vhost, in two processes; prints the forwarding rate.
# Usage: devtools/loopback-demo.sh [extra virtnet devargs, e.g. mrg_rxbuf=0]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DEVARGS=${1:-}
SECONDS_MEASURED=${VIRTNET_DEMO_SECONDS:-5}
mkdir -p "$VIRTNET_RUN"
vn_build
vn_check_hugepages
vn_cleanup
SOCK=$VIRTNET_RUN/demo.sock
rm -f "$SOCK"
vn_plugin_setup

# vhost side: io forwarding, bounces everything back.
vn_script "set fwd io" "start" "sleep $((SECONDS_MEASURED + 8))" "stop" "quit" |
	vn_testpmd demo-vhost '0@1,1@1' "net_vhost0,iface=$SOCK,queues=1" "" "" &
VH=$!
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || vn_die "vhost testpmd did not create $SOCK (see $VIRTNET_RUN/demo-vhost.log)"

# virtnet side: io forwarding, primed with a first burst.
vn_script "set fwd io" "start tx_first 32" "sleep 3" "show port stats all" \
	"sleep $SECONDS_MEASURED" "show port stats all" "show port info 0" "stop" "quit" |
	vn_testpmd demo-virtnet '0@0,1@0' "net_virtnet_user0,path=$SOCK${DEVARGS:+,$DEVARGS}" \
		"$PLUGIN_ARG" "" || true
wait $VH || true
LOG=$VIRTNET_RUN/demo-virtnet.log
grep -q "Driver name: net_virtnet_user" "$LOG" ||
	vn_die "virtnet port did not come up; see $LOG"
RX=$(vn_last_pps "$LOG" Rx)
TX=$(vn_last_pps "$LOG" Tx)
vn_cleanup
printf 'virtnet loopback (testpmd io <-> net_vhost io, 64 B, %s): Rx %.3f Mpps, Tx %.3f Mpps\n' \
	"${DEVARGS:-defaults}" "$(echo "$RX / 1000000" | bc -l)" "$(echo "$TX / 1000000" | bc -l)"
[ "$RX" -gt 0 ] && [ "$TX" -gt 0 ] || vn_die "no traffic forwarded; see $LOG"
