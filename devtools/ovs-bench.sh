#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# virtnet against DPDK's net_virtio inside OVS-DPDK (Debian's
# openvswitch-switch-dpdk, run privately by devtools/ovs-lib.sh): each
# driver in turn is OVS's dpdk port on a testpmd with net_vhost (flowgen),
# OVS sending every packet back (in_port=1,actions=in_port). The figure is
# testpmd's Rx-pps at the net_vhost side: what came back through the
# driver's Rx and Tx in OVS. One OVS for all runs (the port is added and
# deleted); rounds alternate which driver goes first.
#
# Usage: devtools/ovs-bench.sh [rounds] [devargs]
#   devargs: more net_virtnet_user/net_virtio_user keys for both
#   drivers, e.g. "mrg_rxbuf=0,in_order=0".
# Env: OVS_BENCH_WARM, OVS_BENCH_SECONDS; OVS_* of devtools/ovs-lib.sh
# (default: OVS's main lcore on CPU 0, its PMD on CPU 1, testpmd on 0).
set -uo pipefail
trap '' PIPE
export VIRTNET_NO_HUGE=${VIRTNET_NO_HUGE:-1}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ovs-lib.sh"

ROUNDS=${1:-4}
DEVARGS=${2:+,$2}
WARM=${OVS_BENCH_WARM:-2}
MEASURE=${OVS_BENCH_SECONDS:-5}

if why=$(ovs_missing); then
	vn_die "$why"
fi
mkdir -p "$VIRTNET_RUN"
vn_build
vn_check_hugepages
vn_plugin_setup
SOCK=$VIRTNET_RUN/ovs-bench.sock
RESULTS=$VIRTNET_RUN/ovs-bench.results
: >"$RESULTS"

cleanup() {
	tp_quit_all
	ovs_stop
	vn_cleanup
	rm -f "$SOCK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_one DRIVER ROUND: prints testpmd's Rx-pps over MEASURE seconds, or
# fails with a reason on stderr.
run_one() {
	local drv=$1 r=$2 dev pps
	rm -f "$SOCK"
	tp_start ovs-bench '0@0,1@0' "net_vhost0,iface=$SOCK" "" "--no-flush-rx"
	if ! tp_ready ovs-bench 30; then
		echo "net_vhost testpmd not up: $(tp_why ovs-bench)" >&2
		tp_quit ovs-bench
		return 1
	fi
	# A new device name each run: the previous one is being detached.
	dev="net_${drv}_user$r,path=$SOCK$DEVARGS"
	if ! ovs_vsctl add-port "$OVS_BRIDGE" dpdk0 -- set Interface dpdk0 \
			type=dpdk ofport_request=1 options:dpdk-devargs="$dev" ||
	   ! ovs_link_wait dpdk0 10; then
		echo "OVS port on $dev not up: $(ovs_vsctl get Interface dpdk0 error 2>&1)" >&2
		ovs_vsctl --if-exists del-port "$OVS_BRIDGE" dpdk0
		tp_quit ovs-bench
		return 1
	fi
	ovs_flows "in_port=1,actions=in_port"
	tp_cmd ovs-bench "set fwd flowgen" "start"
	sleep "$WARM"
	tp_stats ovs-bench >/dev/null
	sleep "$MEASURE"
	pps=$(tp_stats ovs-bench | cut -d' ' -f3)
	tp_stop ovs-bench >/dev/null
	ovs_vsctl --if-exists del-port "$OVS_BRIDGE" dpdk0
	tp_quit ovs-bench
	echo "${pps:-0}"
}

if ! ovs_start "$PLUGIN_ARG"; then
	vn_die "OVS did not start; see $OVS_LOGDIR"
fi
echo "OVS-DPDK $("$OVS_VSWITCHD" --version | sed -n 's/^DPDK //p'), lcores $OVS_LCORE_MASK, PMD $OVS_PMD_MASK, ${OVS_MEM:-dpdk-socket-mem=$OVS_SOCKET_MEM}; flowgen 64 B, ${MEASURE} s per run${DEVARGS:+, devargs ${DEVARGS#,}}"
for r in $(seq "$ROUNDS"); do
	for drv in $(vn_rotate $((r - 1)) virtnet virtio); do
		if pps=$(run_one "$drv" "$r"); then
			echo "round $r $drv: $pps pps"
			echo "$r $drv $pps" >>"$RESULTS"
		else
			echo "round $r $drv: failed"
		fi
	done
done

# The table: each round, then the medians and their ratio.
awk -v rounds="$ROUNDS" '
function median(a, n,   i, j, t) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n == 0 ? 0 : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
}
{ v[$1, $2] = $3; if ($2 == "virtnet") x[++nx] = $3; else y[++ny] = $3 }
END {
	printf "\n%-8s %16s %16s\n", "round", "virtnet Mpps", "net_virtio Mpps"
	for (r = 1; r <= rounds; r++)
		printf "%-8s %16s %16s\n", r,
			((r, "virtnet") in v) ? sprintf("%.3f", v[r, "virtnet"] / 1e6) : "-",
			((r, "virtio") in v) ? sprintf("%.3f", v[r, "virtio"] / 1e6) : "-"
	mx = median(x, nx); my = median(y, ny)
	printf "%-8s %16.3f %16.3f\n", "median", mx / 1e6, my / 1e6
	if (my > 0)
		printf "virtnet / net_virtio: %.2f\n", mx / my
}' "$RESULTS"
