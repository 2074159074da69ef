# SPDX-License-Identifier: BSD-3-Clause
# Shell helpers for running testpmd pairs over vhost-user (sourced).

VIRTNET_ROOT=${VIRTNET_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VIRTNET_BUILD=${VIRTNET_BUILD:-$VIRTNET_ROOT/build}
VIRTNET_PLUGIN=$VIRTNET_BUILD/drivers/net/virtnet/librte_net_virtnet.so
VIRTNET_RUN=${VIRTNET_RUN:-/var/run/virtnet}
# EAL file prefixes of every process the scripts start begin with this;
# vn_cleanup removes only their runtime files (parallel runs: set it apart).
VIRTNET_PREFIX=${VIRTNET_PREFIX:-virtnet}
TESTPMD=${TESTPMD:-dpdk-testpmd}
# Memory: 2 MB hugepages by default (virtio-user side needs single files);
# VIRTNET_NO_HUGE=1 uses --no-huge (memfd) instead.
if [ "${VIRTNET_NO_HUGE:-0}" = 1 ]; then
	VIRTNET_MEM="--no-huge -m 512"
else
	VIRTNET_MEM="--single-file-segments -m 512"
fi

vn_die() { printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# Build once if the plugin is missing.
vn_build() {
	if [ ! -f "$VIRTNET_PLUGIN" ]; then
		[ -d "$VIRTNET_BUILD" ] || meson setup "$VIRTNET_BUILD" "$VIRTNET_ROOT" >/dev/null
		ninja -C "$VIRTNET_BUILD" >/dev/null || vn_die "build failed"
	fi
}

# EAL refuses a -d path below a world-writable directory: fall back to a
# bare name found through LD_LIBRARY_PATH. Sets PLUGIN_ARG; not to be run
# in a subshell, or the LD_LIBRARY_PATH export is lost.
vn_plugin_setup() {
	local d
	VIRTNET_PLUGIN=$(realpath -m "$VIRTNET_PLUGIN")
	d=$(dirname "$VIRTNET_PLUGIN")
	while [ "$d" != / ]; do
		if [ -n "$(find "$d" -maxdepth 0 -perm -0002 2>/dev/null)" ]; then
			export LD_LIBRARY_PATH="$(dirname "$VIRTNET_PLUGIN")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
			PLUGIN_ARG="-d librte_net_virtnet.so"
			return
		fi
		d=$(dirname "$d")
	done
	PLUGIN_ARG="-d $VIRTNET_PLUGIN"
}

vn_check_hugepages() {
	[ "${VIRTNET_NO_HUGE:-0}" = 1 ] && return 0
	local free
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	[ "${free:-0}" -ge 512 ] ||
		vn_die "need 512 free 2 MB hugepages (have ${free:-0}): run devtools/setup.sh, or set VIRTNET_NO_HUGE=1"
}

# vn_testpmd NAME LCORES VDEV EXTRA_EAL TESTPMD_ARGS < commands
# Runs an interactive testpmd reading commands from stdin; output to
# $VIRTNET_RUN/NAME.log.
vn_testpmd() {
	local name=$1 lcores=$2 vdev=$3 extra=$4 args=$5
	# shellcheck disable=SC2086
	timeout 120 "$TESTPMD" --lcores "$lcores" --file-prefix "$VIRTNET_PREFIX-$name" \
		--no-pci $VIRTNET_MEM $extra --vdev "$vdev" \
		--log-level=lib.eal:error -- -i --nb-cores=1 \
		--total-num-mbufs=32768 $args >"$VIRTNET_RUN/$name.log" 2>&1
}

# Commands for testpmd: "cmd" lines, and lines the shell runs itself:
# "sleep N"; "ready NAME" waits (up to 60 s) until testpmd NAME reads its
# commands, so that later sleeps time what they should on a slow machine;
# "until FILE N" waits until FILE exists, at most N seconds.
vn_script() {
	local line f i n
	for line in "$@"; do
		case "$line" in
		sleep\ *) $line ;;
		ready\ *)
			f=$VIRTNET_RUN/${line#ready }.log
			for i in $(seq 600); do
				grep -q "testpmd> " "$f" 2>/dev/null && break
				sleep 0.1
			done ;;
		until\ *)
			read -r _ f n <<<"$line"
			for i in $(seq $((n * 10))); do
				[ -e "$f" ] && break
				sleep 0.1
			done ;;
		*) echo "$line" ;;
		esac
	done
}

# The last "Rx-pps:"/"Tx-pps:" figure of a log: since the previous show.
vn_last_pps() {
	awk -v k="$2-pps:" '$1 == k { v = $2 } END { print v + 0 }' "$1"
}

# The eight DTS virtio paths as devarg sets: packed_vq x in_order x mrg_rxbuf.
vn_all_paths() {
	local p i m
	for p in 0 1; do for i in 0 1; do for m in 0 1; do
		echo "packed_vq=$p,in_order=$i,mrg_rxbuf=$m"
	done; done; done
}

# vn_rotate N WORD...: the words rotated by N, so that each round of a
# benchmark starts with another driver.
vn_rotate() {
	local r=$1
	shift
	echo "$@" | awk -v r="$r" '{ for (i = 0; i < NF; i++) printf "%s ", $((i + r) % NF + 1) }'
}

vn_cleanup() {
	rm -rf /var/run/dpdk/"$VIRTNET_PREFIX"-* 2>/dev/null
	rm -f /dev/hugepages/"$VIRTNET_PREFIX"-* 2>/dev/null
	return 0
}
