/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * virtnet-corelat: how long one cache line takes to go from one CPU to
 * another and back. devtools/bench.sh runs it around each cross-core run:
 * in a VM the host decides which physical cores the vCPUs share, and a
 * driver and its device on two cores that share a cache move lines three
 * to four times faster than on two that do not, which sets the Mpps of
 * both drivers more than either driver does.
 *
 * Usage: virtnet-corelat [CPU_A CPU_B [ROUNDS]]   (default 0 1 200000)
 * Prints "round_trip_cycles=N round_trip_ns=N".
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

struct ping {
	/* The line that moves; nothing else shares it. */
	volatile uint64_t seq __attribute__((aligned(64)));
	char pad[64 - sizeof(uint64_t)];
	uint64_t rounds;
	int cpu;
	volatile int state;	/* 1 peer pinned, -1 peer could not be */
};

static int
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *
peer(void *arg)
{
	struct ping *p = arg;
	uint64_t i;

	if (pin(p->cpu) != 0) {
		p->state = -1;
		return NULL;
	}
	p->state = 1;
	for (i = 1; i <= p->rounds; i++) {
		while (p->seq != 2 * i - 1)
			_mm_pause();
		p->seq = 2 * i;
	}
	return NULL;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
parse(const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' || end == s || *v < min || *v > max;
}

int
main(int argc, char **argv)
{
	static struct ping p;
	long a = 0, b = 1, n = 200000;
	uint64_t i, t0, t1;
	double ns0, ns1;
	pthread_t t;

	if ((argc != 1 && argc != 3 && argc != 4) ||
	    (argc >= 3 && (parse(argv[1], 0, CPU_SETSIZE - 1, &a) ||
			   parse(argv[2], 0, CPU_SETSIZE - 1, &b))) ||
	    (argc == 4 && parse(argv[3], 1000, 100000000, &n)) || a == b) {
		fprintf(stderr, "usage: %s [CPU_A CPU_B [ROUNDS 1000..1e8]], two different CPUs\n",
			argv[0]);
		return 2;
	}
	p.rounds = n;
	p.cpu = (int)b;
	if (pin((int)a) != 0) {
		fprintf(stderr, "%s: cannot run on CPU %ld\n", argv[0], a);
		return 1;
	}
	if (pthread_create(&t, NULL, peer, &p) != 0) {
		fprintf(stderr, "%s: no thread: %s\n", argv[0], strerror(errno));
		return 1;
	}
	while (p.state == 0)
		_mm_pause();
	if (p.state < 0) {
		pthread_join(t, NULL);
		fprintf(stderr, "%s: cannot run on CPU %ld\n", argv[0], b);
		return 1;
	}
	ns0 = now_ns();
	t0 = __rdtsc();
	for (i = 1; i <= p.rounds; i++) {
		p.seq = 2 * i - 1;
		while (p.seq != 2 * i)
			_mm_pause();
	}
	t1 = __rdtsc();
	ns1 = now_ns();
	pthread_join(t, NULL);
	printf("round_trip_cycles=%.0f round_trip_ns=%.1f\n",
		(double)(t1 - t0) / p.rounds, (ns1 - ns0) / p.rounds);
	return 0;
}
