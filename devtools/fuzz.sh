#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the libFuzzer targets of tests/fuzz (clang, ASan, UBSan, in
# build-fuzz) and run each for SECONDS (default 60) from its seed corpus
# (tests/fuzz/corpus/<target>/), after replaying its regression inputs
# (tests/fuzz/regress/<target>/). Prints per target the executions per
# second, the coverage (libFuzzer's cov:) and the corpus size; exits
# nonzero on any crash, leak, UB or hang. New inputs and crash files go
# to build-fuzz/fuzz-work/<target>/.
#
# Usage: devtools/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
	targets=(fuzz_rx fuzz_tx fuzz_ctrl fuzz_vhost_user fuzz_pci)
build=build-fuzz
work=$build/fuzz-work

rt=$(clang -print-resource-dir 2>/dev/null)/lib/linux
if ! ls "$rt"/libclang_rt.fuzzer-*.a >/dev/null 2>&1; then
	echo "fuzz: clang with libFuzzer needed (libclang-rt-dev; devtools/setup.sh)" >&2
	exit 2
fi
if [ ! -f $build/build.ninja ]; then
	CC=clang meson setup $build -Dfuzz=true -Dtests=false >/dev/null
fi
ninja -C $build "${targets[@]/#/tests/fuzz/}" >/dev/null
echo "fuzz: targets built ($build)"

# Leaks are checked per input by the targets (mempool level, fds);
# LSan would also see EAL's allocations, which live until exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
printf '%-16s %10s %8s %8s %s\n' target exec/s cov corpus result
for t in "${targets[@]}"; do
	bin=$build/tests/fuzz/$t
	dir=$work/$t
	log=$work/$t.log
	mkdir -p "$dir/corpus" "$dir/crashes"
	result=ok
	regress=(tests/fuzz/regress/$t/*)
	if [ -e "${regress[0]}" ] &&
	   ! "$bin" -runs=1 "${regress[@]}" >"$work/$t.regress.log" 2>&1; then
		result="REGRESSION (see $work/$t.regress.log)"
		status=1
	fi
	if ! "$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$dir/crashes/" "$dir/corpus" \
		tests/fuzz/corpus/$t >"$log" 2>&1; then
		result="CRASH (see $log and $dir/crashes)"
		status=1
	fi
	execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	printf '%-16s %10s %8s %8s %s\n' "$t" "${execs:-?}" "${cov:-?}" \
		"${corp:-?}" "$result"
done
exit $status
