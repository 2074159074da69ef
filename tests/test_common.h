/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_TEST_COMMON_H
#define VIRTNET_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Minimal test bookkeeping; the summary line is "N passed, N failed". */
extern unsigned int t_passed, t_failed, t_case_failed;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		printf("    check failed at %s:%d: %s: ", __FILE__, __LINE__, \
			#cond); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		t_case_failed++; \
	} \
} while (0)

#define CHECK_GOTO(cond, label, ...) do { \
	unsigned int before__ = t_case_failed; \
	CHECK(cond, __VA_ARGS__); \
	if (t_case_failed != before__) \
		goto label; \
} while (0)

/* VIRTNET_TEST_ONLY=<part of a name> runs only the cases that match. */
#define RUN_NAMED(fn, name) do { \
	const char *only_ = getenv("VIRTNET_TEST_ONLY"); \
	if (only_ != NULL && strstr(name, only_) == NULL) \
		break; \
	t_case_failed = 0; \
	printf("--- %s\n", name); \
	fflush(stdout); \
	fn(); \
	if (t_case_failed) { \
		t_failed++; \
		printf("FAIL %s\n", name); \
	} else { \
		t_passed++; \
		printf("ok   %s\n", name); \
	} \
	fflush(stdout); \
} while (0)

#define RUN(fn) RUN_NAMED(fn, #fn)

#define TEST_SUMMARY() do { \
	printf("%u passed, %u failed\n", t_passed, t_failed); \
} while (0)

#define TEST_GLOBALS unsigned int t_passed, t_failed, t_case_failed

#endif
