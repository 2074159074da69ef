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

/* Whether @name contains one of the '|'-separated parts of @only. */
static inline int
test_only_match(const char *only, const char *name)
{
	char part[128];
	size_t n;

	if (*only == '\0')
		return 1;	/* as strstr(name, "") */
	for (;;) {
		n = strcspn(only, "|");
		if (n > 0 && n < sizeof(part)) {
			memcpy(part, only, n);
			part[n] = '\0';
			if (strstr(name, part) != NULL)
				return 1;
		}
		if (only[n] == '\0')
			return 0;
		only += n + 1;
	}
}

/*
 * VIRTNET_TEST_ONLY=<part of a name>[|<part>...] runs only the cases that
 * match one of the parts.
 */
#define RUN_NAMED(fn, name) do { \
	const char *only_ = getenv("VIRTNET_TEST_ONLY"); \
	if (only_ != NULL && !test_only_match(only_, name)) \
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
