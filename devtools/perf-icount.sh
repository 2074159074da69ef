#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Instructions and simulated L1 data misses per packet of each driver's
# calls, counted by valgrind's callgrind in build/app/virtnet-perf (one
# driver per run, only the driver's own calls counted: drv_tx, drv_rx,
# drv_fwd and what they call). Unlike cycles, these counts do not move
# with the machine's load: they say where a driver spends, not how long.
#
# Usage: devtools/perf-icount.sh [devargs ...]   (default: the 8 scalar paths)
#   VIRTNET_ICOUNT_SIZE=64|1518|chain (default 64), VIRTNET_ICOUNT_BURSTS (2000)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || vn_die "valgrind missing (apt-get install valgrind)"
vn_build
ninja -C "$VIRTNET_BUILD" >/dev/null || vn_die "build failed"
vn_plugin_setup
SETS=("$@")
[ ${#SETS[@]} -gt 0 ] || mapfile -t SETS < <(vn_all_paths)
SIZE=${VIRTNET_ICOUNT_SIZE:-64}
BURSTS=${VIRTNET_ICOUNT_BURSTS:-2000}
OUT=$VIRTNET_RUN/icount
mkdir -p "$OUT"

# count SET DRIVER -> "tx_ir tx_d1 rx_ir rx_d1 fwd_ir fwd_d1" per packet
count() {
	local cg=$OUT/cg.$2 log=$OUT/run.$2
	# shellcheck disable=SC2086
	valgrind --tool=callgrind --cache-sim=yes --callgrind-out-file="$cg" \
		--toggle-collect=drv_tx --toggle-collect=drv_rx --toggle-collect=drv_fwd \
		"$VIRTNET_BUILD/app/virtnet-perf" --lcores 0@0 --no-huge -m 1024 \
		--no-pci --file-prefix "$VIRTNET_PREFIX-icount" $PLUGIN_ARG \
		--log-level=lib.eal:error --log-level=pmd.net.vhost:error \
		--log-level=lib.vhost.config:error --log-level=pmd.net.virtio.*:error \
		-- -R "$OUT" -r 1 -b "$BURSTS" -s "$SIZE" -p "$1" -D "$2" >"$log" 2>&1 ||
		vn_die "virtnet-perf under callgrind failed: $log"
	python3 - "$cg" "$log" <<'PY'
import re, subprocess, sys
pk = re.search(r"driver packets.*tx (\d+) rx (\d+) fwd (\d+)", open(sys.argv[2]).read())
pk = dict(zip(("drv_tx", "drv_rx", "drv_fwd"), map(int, pk.groups())))
out = subprocess.run(["callgrind_annotate", "--inclusive=yes",
    "--show=Ir,D1mr,D1mw", sys.argv[1]], capture_output=True, text=True).stdout
cost = {}
for line in out.splitlines():
    m = re.match(r"\s*([\d,]+)\s+\(.*?\)\s+([\d,]+)\s+\(.*?\)\s+([\d,]+)\s+\(.*?\)\s+\S*:(drv_\w+)", line)
    if m and m.group(4) in pk:
        ir, mr, mw = (int(x.replace(",", "")) for x in m.groups()[:3])
        cost[m.group(4)] = (ir, mr + mw)
res = []
for f in ("drv_tx", "drv_rx", "drv_fwd"):
    ir, d1 = cost.get(f, (0, 0))
    n = pk[f] or 1
    res += ["%.1f" % (ir / n), "%.2f" % (d1 / n)]
print(" ".join(res))
PY
}

printf '%-48s %-8s %8s %6s %8s %6s %8s %6s\n' "path ($SIZE B)" driver \
	tx_Ir D1miss rx_Ir D1miss fwd_Ir D1miss
for set in "${SETS[@]}"; do
	for drv in virtnet virtio; do
		# shellcheck disable=SC2046
		printf '%-48s %-8s %8s %6s %8s %6s %8s %6s\n' "$set" "$drv" \
			$(count "$set" "$drv")
	done
done
vn_cleanup
