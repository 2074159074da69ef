#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Cycles per packet of the driver and of the device (DPDK's vhost,
# in-process), one thread, TSC around each burst (app/virtnet_cost.c):
# virtnet against net_virtio, and against another virtnet build with
# VIRTNET_COST_BASE=<its librte_net_virtnet.so>. Drivers alternate every
# round; the table has the medians.
#
# Usage: devtools/cost.sh [rounds] [devarg sets... | all]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${1:-3}
shift || true
SETS=("$@")
[ ${#SETS[@]} -gt 0 ] || SETS=(all)
[ "${SETS[0]}" = all ] && mapfile -t SETS < <(vn_all_paths)
ITERS=${VIRTNET_COST_ITERS:-200000}
APP=$VIRTNET_BUILD/app/virtnet_cost
vn_build
vn_plugin_setup
mkdir -p "$VIRTNET_RUN"
DRIVERS="virtnet virtio"
if [ -n "${VIRTNET_COST_BASE:-}" ]; then
	BASE_DIR=$VIRTNET_RUN/cost-base
	mkdir -p "$BASE_DIR" && chmod 755 "$BASE_DIR"
	cp "$VIRTNET_COST_BASE" "$BASE_DIR/librte_net_virtnet.so"
	DRIVERS="virtnet virtio base"
fi
OUT=$VIRTNET_RUN/cost.results
: >"$OUT"

run_one() { # driver devargs -> "txd deq enq rxd"
	local drv=$1 name=net_virtnet_user plug=$PLUGIN_ARG
	case $drv in
	virtio) name=net_virtio_user plug="" ;;
	base) plug="-d $BASE_DIR/librte_net_virtnet.so" ;;
	esac
	# shellcheck disable=SC2086
	timeout 120 "$APP" --lcores 0@0 --no-huge -m 1024 --no-pci \
		--file-prefix "$VIRTNET_PREFIX-cost" $plug --log-level=lib.eal:error \
		--log-level=pmd.net.vhost:error --log-level=lib.vhost.config:error \
		-- "$name" "$2" "$ITERS" 2>/dev/null |
		awk '/^COST/ { print $6, $9, $13, $16 }'
}

for set in "${SETS[@]}"; do
	for r in $(seq "$ROUNDS"); do
		order=$(vn_rotate "$r" $DRIVERS)
		for drv in $order; do
			v=$(run_one "$drv" "$set")
			printf '%s\t%s\t%s\n' "$set" "$drv" "$v" >>"$OUT"
			printf 'round %s %-34s %-8s tx/deq/enq/rx %s\n' "$r" "$set" "$drv" "$v"
		done
	done
done
vn_cleanup
python3 - "$OUT" "$DRIVERS" <<'PY'
import collections, statistics, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    s, drv, v = line.rstrip("\n").split("\t")
    if v:
        d[(s, drv)].append([float(x) for x in v.split()])
drivers = sys.argv[2].split()
print("\ncycles/packet, medians: driver Tx, device dequeue | device enqueue, driver Rx")
print("%-36s " % "devargs" + " ".join("%-27s" % x for x in drivers))
for s in dict.fromkeys(k[0] for k in d):
    cols = []
    for drv in drivers:
        rows = d.get((s, drv), [])
        m = [statistics.median(c) for c in zip(*rows)] if rows else [0] * 4
        cols.append("%5.1f %5.1f | %5.1f %5.1f   " % tuple(m))
    print("%-36s " % s + " ".join(cols))
PY
