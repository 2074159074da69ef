#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The driver and its in-process tests under ASan and UBSan (gcc, any
# UBSan finding fatal, LeakSanitizer on, no suppressions) in their own
# build (build-asan): the unit tests, the short soak and test_vhost (a
# subset by default; -a for every case). Debian's DPDK is not built with
# ASan: ASan sees the driver's and the tests' malloc'd memory, stacks and
# globals, not what lives in DPDK memory (rings, mbufs, rte_malloc), which
# the soak's figures and the tests' pool checks cover; UBSan checks all of
# the driver's code.
#
# Usage: devtools/asan.sh [-a]      (run-tests.sh runs it without -a)
# VIRTNET_ASAN_BUILD=DIR builds elsewhere than build-asan.
set -euo pipefail
cd "$(dirname "$0")/.."

# test_vhost cases of the subset: the datapath of every ring layout
# (sizes, chains, indirect, mergeable and not, offloads, vector Rx, multi-
# queue, faults counted) and the reconnect paths; not the long restart
# loops (the soak has them) nor the ones that mostly wait.
SUBSET='test_probe_and_link|test_bad_devargs|test_server_mode'
SUBSET+='|test_close_in_lsc_callback|test_ctrl_faults|test_filters_user'
SUBSET+='|test_tx_sizes|test_rx_sizes|test_multiseg_tx|test_indirect_tx'
SUBSET+='|test_jumbo_rx_mergeable|test_non_mergeable|test_offloads'
SUBSET+='|test_vector_rx|test_multiqueue|test_xstats_faults|test_backend_gone'
only=$SUBSET
[ "${1:-}" = -a ] && only=

B=${VIRTNET_ASAN_BUILD:-build-asan}
start=$(date +%s)
if [ ! -f "$B"/build.ninja ]; then
	# -O0: with both sanitizers each of the four builds of the burst
	# bodies takes 5-8 minutes at -O2, 2 at -O1, 1 at -O0 (the tests
	# mostly wait, they run as fast); b_lundef=false: the sanitizers'
	# runtime symbols.
	CC=gcc meson setup "$B" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=undefined -Doptimization=0 >/dev/null
fi
# Only what the tests below run (apps and guest tools are not needed).
ninja -C "$B" drivers/net/virtnet/librte_net_virtnet.so tests/test_vq \
	tests/test_offload tests/test_paths tests/test_vec_tx tests/test_vec_rx \
	tests/test_devargs tests/test_ctrl tests/test_vhost tests/test_soak >/dev/null
echo "asan: build $B clean ($(($(date +%s) - start)) s)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1
status=0
env -u VIRTNET_TEST_ONLY meson test -C "$B" --no-rebuild --print-errorlogs \
	--suite unit --suite soak || status=1
# A prefix and socket of its own (test_vhost names the socket by pid);
# virtnet logs at info: some cases check its log lines.
env -u VIRTNET_TEST_ONLY ${only:+VIRTNET_TEST_ONLY="$only"} \
	LD_LIBRARY_PATH="$B"/drivers/net/virtnet "$B"/tests/test_vhost \
	--lcores 0@0 --no-huge -m 768 --no-pci \
	--file-prefix virtnet-asan-vhost -d librte_net_virtnet.so \
	--log-level=lib.eal:error --log-level=lib.vhost.config:error \
	--log-level=pmd.net.vhost:error --log-level='pmd.net.virtnet.*:info' \
	>"$B"/test_vhost.log 2>&1 || status=1
rm -rf /var/run/dpdk/virtnet-asan-vhost
grep -E '^(FAIL|[0-9]+ passed)|Sanitizer|runtime error' "$B"/test_vhost.log || true
echo "asan: test_vhost (${only:+subset, }log $B/test_vhost.log), unit, soak-short:" \
	"$([ $status = 0 ] && echo clean || echo FAILED)," \
	"$(($(date +%s) - start)) s in all"
exit $status
