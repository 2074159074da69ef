# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Pass/fail bookkeeping of the shell tests (sourced): one "ok   ..." or
# "FAIL ..." line per check, then the "N passed, N failed" summary that
# devtools/run-tests.sh and the meson logs show.

t_passed=0
t_failed=0

ok() { # what...
	echo "ok   $*"
	t_passed=$((t_passed + 1))
}

bad() { # what [why...]: "FAIL what: why"
	local what=$1
	shift
	echo "FAIL $what${*:+: $*}"
	t_failed=$((t_failed + 1))
}

# The summary line; the status is the script's result (false on a failure).
t_summary() {
	echo "$t_passed passed, $t_failed failed"
	[ "$t_failed" -eq 0 ]
}
