#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The long soak (not part of run-tests.sh, which runs a short one through
# meson test soak-short): tests/test_soak.c runs a virtnet_user port
# against DPDK's vhost in one process through port stop/start cycles and
# back-end restarts (client and server mode), traffic checked each cycle,
# and prints mbufs in use, open fds, memzones and heap bytes before and
# after each phase; they must be identical. Memory: --no-huge (memfd).
#
# Usage: devtools/soak.sh [-c CYCLES] [-r RESTARTS]   (default 1000, 100)
# VIRTNET_BUILD=DIR soaks another build (such as an ASan one).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cycles=1000
restarts=100
while getopts c:r: opt; do
	case $opt in
	c) cycles=$OPTARG ;;
	r) restarts=$OPTARG ;;
	*) vn_die "usage: $0 [-c CYCLES] [-r RESTARTS]" ;;
	esac
done

vn_build
ninja -C "$VIRTNET_BUILD" tests/test_soak >/dev/null || vn_die "build failed"
vn_plugin_setup
prefix=$VIRTNET_PREFIX-soak-$$
start=$(date +%s)
status=0
# shellcheck disable=SC2086
"$VIRTNET_BUILD/tests/test_soak" --lcores 0@0 --no-huge -m 512 --no-pci \
	--file-prefix "$prefix" $PLUGIN_ARG \
	--log-level=lib.eal:error --log-level=lib.vhost.config:error \
	--log-level=pmd.net.vhost:error '--log-level=pmd.net.virtnet.*:warning' \
	-- --cycles "$cycles" --restarts "$restarts" || status=$?
echo "soak: $cycles stop/start cycles, $restarts restarts per mode," \
	"$(($(date +%s) - start)) s, exit status $status"
# Only this run's files (vn_cleanup would take other runs' with them).
rm -rf "/var/run/dpdk/$prefix"
exit $status
