#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# virtnet against DPDK's net_virtio, side by side in one run: the same
# testpmd loopback over vhost-user, the same ring options, alternating
# the two drivers several times, for the Tx and Rx directions.
#
# Usage: devtools/bench.sh [rounds] [devarg-set ... | all]
#   devarg sets default to "mrg_rxbuf=1,in_order=0" "mrg_rxbuf=0,in_order=0";
#   "all" is the eight DTS paths, packed_vq x in_order x mrg_rxbuf, and
#   the two vectorized=1 ones net_virtio has (run with 512-bit SIMD).
# Prints one line per run and a table of medians and bests with ratios;
# machine-readable: $VIRTNET_RUN/bench.csv (every run) and
# $VIRTNET_RUN/bench-summary.csv (the table).
#
# VIRTNET_BENCH_BASE=<librte_net_virtnet.so of another build> adds that
# build as a third driver ("base"), alternated with the two others, for a
# before/after comparison in the same sitting.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${1:-3}
shift || true
SETS=("$@")
[ ${#SETS[@]} -gt 0 ] || SETS=("mrg_rxbuf=1,in_order=0" "mrg_rxbuf=0,in_order=0")
if [ "${SETS[0]}" = all ]; then
	mapfile -t SETS < <(vn_all_paths)
	# net_virtio's vector paths (DTS's vectorized cases), with virtnet's.
	SETS+=("packed_vq=0,in_order=0,mrg_rxbuf=0,vectorized=1"
		"packed_vq=1,in_order=1,mrg_rxbuf=0,vectorized=1")
fi
WARM=${VIRTNET_BENCH_WARM:-4}
MEASURE=${VIRTNET_BENCH_SECONDS:-5}
PKTLEN=${VIRTNET_BENCH_PKTLEN:-64}

DRIVERS="virtnet virtio"
if [ -n "${VIRTNET_BENCH_BASE:-}" ]; then
	# EAL refuses -d below a world-writable directory: copy it aside.
	BASE_DIR=${VIRTNET_RUN}/bench-base
	mkdir -p "$BASE_DIR" && chmod 755 "$BASE_DIR"
	cp "$VIRTNET_BENCH_BASE" "$BASE_DIR/librte_net_virtnet.so"
	DRIVERS="virtnet virtio base"
fi

mkdir -p "$VIRTNET_RUN"
vn_build
vn_check_hugepages
vn_plugin_setup
SOCK=$VIRTNET_RUN/bench.sock
RESULTS=$VIRTNET_RUN/bench.results
CSV=$VIRTNET_RUN/bench.csv
SUMMARY=$VIRTNET_RUN/bench-summary.csv
: >"$RESULTS"
echo "devargs,dir,driver,round,pps,pkt_len" >"$CSV"

# run_one DRIVER(virtnet|virtio) DIR(tx|rx) DEVARGS -> packets/s delivered
run_one() {
	local drv=$1 dir=$2 devargs=$3 vdev extra="" dut_fwd vh_fwd meas_log
	vn_cleanup
	rm -f "$SOCK"
	if [ "$drv" = virtnet ]; then
		vdev="net_virtnet_user0,path=$SOCK,$devargs"
		extra=$PLUGIN_ARG
	elif [ "$drv" = base ]; then
		vdev="net_virtnet_user0,path=$SOCK,$devargs"
		extra="-d $BASE_DIR/librte_net_virtnet.so"
	else
		vdev="net_virtio_user0,path=$SOCK,$devargs"
	fi
	# net_virtio's AVX512 path needs the EAL to allow 512 bits; so do virtnet's.
	[[ $devargs == *vectorized=1* ]] && extra="$extra --force-max-simd-bitwidth=512"
	if [ "$dir" = tx ]; then
		dut_fwd=txonly vh_fwd=rxonly meas_log=bench-vhost
	else
		dut_fwd=rxonly vh_fwd=txonly meas_log=bench-dut
	fi
	local total=$((WARM + MEASURE + 4))
	if [ "$dir" = tx ]; then
		vn_script "set fwd $vh_fwd" "start" "sleep $WARM" "show port stats all" \
			"sleep $MEASURE" "show port stats all" "sleep 2" "stop" "quit" |
			vn_testpmd bench-vhost '0@1,1@1' "net_vhost0,iface=$SOCK,queues=1" "" "" &
	else
		vn_script "set fwd $vh_fwd" "set txpkts $PKTLEN" "start" "sleep $total" "stop" "quit" |
			vn_testpmd bench-vhost '0@1,1@1' "net_vhost0,iface=$SOCK,queues=1" "" "" &
	fi
	local vh=$!
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
	if [ "$dir" = tx ]; then
		vn_script "set fwd $dut_fwd" "set txpkts $PKTLEN" "start" "sleep $total" "stop" "quit" |
			vn_testpmd bench-dut '0@0,1@0' "$vdev" "$extra" "" || true
	else
		vn_script "set fwd $dut_fwd" "start" "sleep $WARM" "show port stats all" \
			"sleep $MEASURE" "show port stats all" "sleep 2" "stop" "quit" |
			vn_testpmd bench-dut '0@0,1@0' "$vdev" "$extra" "" || true
	fi
	wait "$vh" || true
	vn_last_pps "$VIRTNET_RUN/$meas_log.log" Rx
}

median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.0f\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for set in "${SETS[@]}"; do
	for r in $(seq "$ROUNDS"); do
		for dir in tx rx; do
			# Rotate which driver goes first to spread drift evenly.
			order=$(vn_rotate "$r" $DRIVERS)
			for drv in $order; do
				pps=$(run_one "$drv" "$dir" "$set")
				printf '%s\t%s\t%s\t%s\n' "$set" "$dir" "$drv" "$pps" >>"$RESULTS"
				printf '"%s",%s,%s,%s,%s,%s\n' "$set" "$dir" "$drv" "$r" \
					"${pps:-0}" "$PKTLEN" >>"$CSV"
				printf 'round %s %-34s %s %-8s %10.3f Mpps\n' "$r" "$set" "$dir" "$drv" \
					"$(echo "$pps / 1000000" | bc -l)"
			done
		done
	done
done
vn_cleanup

# Medians, and the best of the rounds: on a shared host runs swing between
# two levels (both drivers alike), and the best shows what each can do.
printf '\n%-34s %-4s %9s %9s %6s %9s %9s %6s   (%s rounds, %s B, Mpps)\n' \
	devargs dir "virtnet" "virtio" ratio "best-vn" "best-vio" ratio "$ROUNDS" "$PKTLEN"
pick() { # set dir driver -> values
	awk -F'\t' -v s="$1" -v d="$2" -v v="$3" '$1 == s && $2 == d && $3 == v { print $4 }' "$RESULTS"
}
best() { sort -n | tail -1; }
mpps() { echo "$1 / 1000000" | bc -l; }
ratio() { echo "if ($2 > 0) $1 / $2 else 0" | bc -l; }
echo "devargs,dir,virtnet_median_pps,virtio_median_pps,ratio,virtnet_best_pps,virtio_best_pps,best_ratio,rounds" >"$SUMMARY"
for set in "${SETS[@]}"; do
	for dir in tx rx; do
		a=$(pick "$set" "$dir" virtnet | median)
		b=$(pick "$set" "$dir" virtio | median)
		ba=$(pick "$set" "$dir" virtnet | best)
		bb=$(pick "$set" "$dir" virtio | best)
		printf '%-34s %-4s %9.3f %9.3f %6.3f %9.3f %9.3f %6.3f' "$set" "$dir" \
			"$(mpps "$a")" "$(mpps "$b")" "$(ratio "$a" "$b")" \
			"$(mpps "$ba")" "$(mpps "$bb")" "$(ratio "$ba" "$bb")"
		printf '"%s",%s,%s,%s,%.3f,%s,%s,%.3f,%s\n' "$set" "$dir" "$a" "$b" \
			"$(ratio "$a" "$b")" "$ba" "$bb" "$(ratio "$ba" "$bb")" \
			"$ROUNDS" >>"$SUMMARY"
		if [ -n "${BASE_DIR:-}" ]; then
			c=$(pick "$set" "$dir" base | median)
			printf '   base %9.3f  virtnet/base %6.3f' "$(mpps "$c")" "$(ratio "$a" "$c")"
		fi
		printf '\n'
	done
done
