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
# In a VM the host places the two vCPUs, and that placement sets the Mpps
# of both drivers more than either driver does (3-4x, changing between
# runs). Each run is bracketed by app/virtnet-corelat, a cache line's round
# trip between CPUs 0 and 1: runs within 2.5x of the fastest round trip
# seen are "near", slower ones "far", and a run whose round trip changed
# by more than 2x during it is "moved". The table gives the medians of
# all runs and, per placement, of the runs that saw it (ratios compare
# like with like).
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
	# EAL refuses -d below a world-writable directory (as /var/tmp is):
	# copy it next to the build.
	BASE_DIR=$VIRTNET_BUILD/bench-base
	mkdir -p "$BASE_DIR" && chmod 755 "$BASE_DIR"
	cp "$VIRTNET_BENCH_BASE" "$BASE_DIR/librte_net_virtnet.so"
	DRIVERS="virtnet virtio base"
fi

mkdir -p "$VIRTNET_RUN"
vn_build
ninja -C "$VIRTNET_BUILD" >/dev/null || vn_die "build failed"
CORELAT=$VIRTNET_BUILD/app/virtnet-corelat
vn_check_hugepages
vn_plugin_setup
SOCK=$VIRTNET_RUN/bench.sock
RESULTS=$VIRTNET_RUN/bench.results
CSV=$VIRTNET_RUN/bench.csv
SUMMARY=$VIRTNET_RUN/bench-summary.csv
: >"$RESULTS"
echo "devargs,dir,driver,round,pps,pkt_len,corelat_before_cycles,corelat_after_cycles" >"$CSV"

# Round trip of a cache line between the two CPUs the runs use, in cycles.
corelat() {
	"$CORELAT" 0 1 | sed -n 's/^round_trip_cycles=\([0-9]*\) .*/\1/p'
}

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
				lat0=$(corelat)
				pps=$(run_one "$drv" "$dir" "$set")
				lat1=$(corelat)
				printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$dir" "$drv" "$pps" \
					"$lat0" "$lat1" >>"$RESULTS"
				printf '"%s",%s,%s,%s,%s,%s,%s,%s\n' "$set" "$dir" "$drv" "$r" \
					"${pps:-0}" "$PKTLEN" "$lat0" "$lat1" >>"$CSV"
				printf 'round %s %-34s %s %-8s %10.3f Mpps  corelat %s/%s cycles\n' \
					"$r" "$set" "$dir" "$drv" \
					"$(echo "$pps / 1000000" | bc -l)" "$lat0" "$lat1"
			done
		done
	done
done
vn_cleanup

# Each run's placement, from its round trips (column 7 of the results).
awk -F'\t' 'NR == FNR { for (i = 5; i <= 6; i++) if ($i > 0 && (min == 0 || $i < min)) min = $i; next }
	{ lo = $5 < $6 ? $5 : $6; hi = $5 < $6 ? $6 : $5
	  p = (lo <= 0) ? "unknown" : (hi > 2 * lo) ? "moved" : (hi <= 2.5 * min) ? "near" : "far"
	  print $0 "\t" p }' "$RESULTS" "$RESULTS" >"$RESULTS.p"
mv "$RESULTS.p" "$RESULTS"

# Medians, and the best of the rounds: on a shared host runs swing between
# two levels (both drivers alike), and the best shows what each can do;
# then the medians of the runs that saw each placement, with their counts.
printf '\n%-34s %-4s %9s %9s %6s %9s %9s %6s  %-17s %-17s (%s rounds, %s B, Mpps)\n' \
	devargs dir "virtnet" "virtio" ratio "best-vn" "best-vio" ratio \
	"near: ratio n/n" "far: ratio n/n" "$ROUNDS" "$PKTLEN"
pick() { # set dir driver [placement] -> values
	awk -F'\t' -v s="$1" -v d="$2" -v v="$3" -v p="${4:-}" \
		'$1 == s && $2 == d && $3 == v && (p == "" || $7 == p) { print $4 }' "$RESULTS"
}
best() { sort -n | tail -1; }
mpps() { echo "$1 / 1000000" | bc -l; }
ratio() { echo "if ($2 > 0) $1 / $2 else 0" | bc -l; }
echo "devargs,dir,virtnet_median_pps,virtio_median_pps,ratio,virtnet_best_pps,virtio_best_pps,best_ratio,rounds,near_virtnet_median_pps,near_virtio_median_pps,near_ratio,near_runs_virtnet,near_runs_virtio,far_virtnet_median_pps,far_virtio_median_pps,far_ratio,far_runs_virtnet,far_runs_virtio" >"$SUMMARY"
for set in "${SETS[@]}"; do
	for dir in tx rx; do
		a=$(pick "$set" "$dir" virtnet | median)
		b=$(pick "$set" "$dir" virtio | median)
		ba=$(pick "$set" "$dir" virtnet | best)
		bb=$(pick "$set" "$dir" virtio | best)
		printf '%-34s %-4s %9.3f %9.3f %6.3f %9.3f %9.3f %6.3f' "$set" "$dir" \
			"$(mpps "$a")" "$(mpps "$b")" "$(ratio "$a" "$b")" \
			"$(mpps "$ba")" "$(mpps "$bb")" "$(ratio "$ba" "$bb")"
		line=$(printf '"%s",%s,%s,%s,%.3f,%s,%s,%.3f,%s' "$set" "$dir" "$a" "$b" \
			"$(ratio "$a" "$b")" "$ba" "$bb" "$(ratio "$ba" "$bb")" "$ROUNDS")
		for pl in near far; do
			na=$(pick "$set" "$dir" virtnet $pl | wc -l)
			nb=$(pick "$set" "$dir" virtio $pl | wc -l)
			if [ "$na" -gt 0 ] && [ "$nb" -gt 0 ]; then
				pa=$(pick "$set" "$dir" virtnet $pl | median)
				pb=$(pick "$set" "$dir" virtio $pl | median)
				printf '  %6.3f %4s      ' "$(ratio "$pa" "$pb")" "$na/$nb"
				line+=$(printf ',%s,%s,%.3f,%s,%s' "$pa" "$pb" "$(ratio "$pa" "$pb")" "$na" "$nb")
			else
				printf '  %6s %4s      ' - "$na/$nb"
				line+=",,,,$na,$nb"
			fi
		done
		echo "$line" >>"$SUMMARY"
		if [ -n "${BASE_DIR:-}" ]; then
			c=$(pick "$set" "$dir" base | median)
			printf '   base %9.3f  virtnet/base %6.3f' "$(mpps "$c")" "$(ratio "$a" "$c")"
		fi
		printf '\n'
	done
done
