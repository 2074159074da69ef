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
# What failed, and why in a few lines of its output: printed again at the
# very end, where a CI log's tail shows it.
failures=build/meson-logs/failures.txt
python3 - build/meson-logs/testlog.json "$failures" <<'PY'
import json, re, sys
ok = bad = skip = 0
why = re.compile(r"check failed|^FAIL|^not ok|Assertion|error:|timed out",
                 re.I)
with open(sys.argv[2], "w") as out:
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
        out.write("run-tests: %s: %s\n" % (r["name"], r["result"]))
        lines = [l for l in (r.get("stdout") or "").splitlines()
                 if why.search(l)]
        for l in lines[-12:]:
            out.write("    " + l[:300] + "\n")
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
if [ -s "$failures" ]; then
	echo "run-tests: failed, with the lines that say why:"
	cat "$failures"
fi
exit $status
