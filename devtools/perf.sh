#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The cost harness: build/app/virtnet-perf runs virtnet and net_virtio
# side by side in one thread, each against its own in-process vhost port,
# and prints cycles per packet of each driver per path, size and direction
# (app/virtnet_perf.c says how). Results go to $VIRTNET_RUN/perf/:
# perf.txt (the table), perf.csv and perf.png.
#
# Usage: devtools/perf.sh [virtnet-perf options]   e.g. -r 7 -b 20000 -p scalar
# The AVX512 paths of net_virtio need --force-max-simd-bitwidth=512, which
# this script passes (VIRTNET_PERF_SIMD=256 to compare at 256 bits).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

vn_build
ninja -C "$VIRTNET_BUILD" >/dev/null || vn_die "build failed"
vn_plugin_setup
OUT=$VIRTNET_RUN/perf
mkdir -p "$OUT"
command -v gnuplot >/dev/null || vn_die "gnuplot missing: run devtools/setup.sh"
# shellcheck disable=SC2086
"$VIRTNET_BUILD/app/virtnet-perf" --lcores 0@0 --no-huge -m 1024 --no-pci \
	--file-prefix "$VIRTNET_PREFIX-perf" $PLUGIN_ARG \
	--force-max-simd-bitwidth="${VIRTNET_PERF_SIMD:-512}" \
	--log-level=lib.eal:error --log-level=pmd.net.vhost:error \
	--log-level=lib.vhost.config:error --log-level=pmd.net.virtio.*:error \
	--log-level=pmd.net.virtnet.*:warning \
	-- -R "$OUT" -c "$OUT/perf.csv" -g "$OUT/perf.png" "$@" | tee "$OUT/perf.txt"
vn_cleanup
echo "perf: table, CSV and plot in $OUT"
