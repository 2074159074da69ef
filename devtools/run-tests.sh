#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build virtnet with gcc and clang (-Werror, DPDK's warning set) and run
# every test against real vhost-user devices. Run devtools/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."

build() { # dir compiler
	if [ ! -f "$1/build.ninja" ]; then
		CC=$2 meson setup "$1" >/dev/null
	fi
	ninja -C "$1" >/dev/null
	echo "run-tests: $2 build clean with -Werror ($1)"
}

build build gcc
build build-clang clang
status=0
meson test -C build --print-errorlogs || status=$?
python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
ok = bad = skip = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["result"] in ("OK", "EXPECTEDFAIL"):
        ok += 1
        continue
    if r["result"] == "SKIP":
        skip += 1
    else:
        bad += 1
    print("run-tests: %s: %s" % (r["name"], r["result"]))
print("%d passed, %d failed%s" % (ok, bad, ", %d skipped" % skip if skip else ""))
PY
# Short fuzzing of the parsers of device-written memory (libFuzzer, ASan,
# UBSan; about two minutes with the build): VIRTNET_FUZZ_SECONDS per
# target, 10 by default; VIRTNET_FUZZ_SECONDS=0 skips it.
fuzz_secs=${VIRTNET_FUZZ_SECONDS:-10}
if [ "$fuzz_secs" != 0 ]; then
	devtools/fuzz.sh "$fuzz_secs" || { status=1; echo "run-tests: fuzz: FAIL"; }
fi
# The driver and the in-process tests again under ASan and UBSan.
devtools/asan.sh || status=$?
exit $status
