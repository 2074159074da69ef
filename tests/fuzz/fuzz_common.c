/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * The fuzz targets' shared harness: EAL start-up, the failure report and
 * a strict mempool driver ("fz_strict"). The pool keeps its free mbufs
 * on a stack and a flag per mbuf (found by its address): a put of
 * an mbuf already free aborts at once, where DPDK's ring pool would take
 * it twice and hand it out twice later.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "fuzz_common.h"

#define FZ_POOL_MAX	4096

static struct {
	void *stack[FZ_POOL_MAX];
	unsigned int nfree;
	unsigned int size;
	bool ready;			/* objs sorted */
	uintptr_t objs[FZ_POOL_MAX];	/* the mbufs, by address */
	bool is_free[FZ_POOL_MAX];
	struct rte_mempool *mp;
} fzp;

void
fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FUZZ CHECK FAILED at %s:%d: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static void
fz_notify(void *t, uint16_t qid, uint16_t next)
{
	RTE_SET_USED(t);
	RTE_SET_USED(qid);
	RTE_SET_USED(next);
}

static const struct virtnet_transport_ops fz_quiet_ops = {
	.notify = fz_notify,
};
const struct virtnet_transport fz_quiet_tp = { &fz_quiet_ops, NULL };

void
fz_eal_init(const char *prog)
{
	char *argv[] = {
		(char *)(uintptr_t)prog, (char *)(uintptr_t)"--no-huge",
		(char *)(uintptr_t)"-m", (char *)(uintptr_t)"128",
		(char *)(uintptr_t)"--no-pci",
		(char *)(uintptr_t)"--no-shconf",
		(char *)(uintptr_t)"--no-telemetry",
		(char *)(uintptr_t)"--lcores", (char *)(uintptr_t)"0@(0-1)",
		(char *)(uintptr_t)"--force-max-simd-bitwidth=512",
		(char *)(uintptr_t)"--log-level=lib.eal:error",
	};

	if (rte_eal_init((int)RTE_DIM(argv), argv) < 0) {
		fprintf(stderr, "%s: EAL init failed\n", prog);
		exit(1);
	}
	if (getenv("VIRTNET_FUZZ_LOG") == NULL)
		rte_log_set_global_level(RTE_LOG_EMERG);
}

/* Index of the last pool object at or below @p a; the pool's size if none. */
static unsigned int
fzp_below(uintptr_t a)
{
	unsigned int lo = 0, hi = fzp.size;

	if (!fzp.ready || a < fzp.objs[0])
		return fzp.size;
	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if (fzp.objs[mid] <= a)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Index of a pool object from its address; the pool's size if none. */
static unsigned int
fzp_index(uintptr_t obj)
{
	unsigned int k = fzp_below(obj);

	return k < fzp.size && fzp.objs[k] == obj ? k : fzp.size;
}

static int
fzp_alloc(struct rte_mempool *mp)
{
	if (fzp.mp != NULL || mp->size > FZ_POOL_MAX)
		return -ENOSPC;
	fzp.mp = mp;
	fzp.size = mp->size;
	fzp.nfree = 0;
	fzp.ready = false;
	return 0;
}

static void
fzp_free(struct rte_mempool *mp)
{
	RTE_SET_USED(mp);
	memset(&fzp, 0, sizeof(fzp));
}

static int
fzp_enqueue(struct rte_mempool *mp, void * const *objs, unsigned int n)
{
	unsigned int i, k;

	RTE_SET_USED(mp);
	for (i = 0; i < n; i++) {
		FZ_ASSERT(fzp.nfree < fzp.size, "more puts than mbufs (%u)",
			fzp.size);
		if (fzp.ready) {
			k = fzp_index((uintptr_t)objs[i]);
			FZ_ASSERT(k < fzp.size, "put of %p, not of this pool",
				objs[i]);
			FZ_ASSERT(!fzp.is_free[k], "double free of mbuf %u (%p)",
				k, objs[i]);
			fzp.is_free[k] = true;
		}
		fzp.stack[fzp.nfree++] = objs[i];
	}
	return 0;
}

static int
fzp_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	unsigned int i, k;

	RTE_SET_USED(mp);
	if (n > fzp.nfree)
		return -ENOBUFS;
	for (i = 0; i < n; i++) {
		objs[i] = fzp.stack[--fzp.nfree];
		if (fzp.ready) {
			k = fzp_index((uintptr_t)objs[i]);
			fzp.is_free[k] = false;
		}
	}
	return 0;
}

static unsigned int
fzp_count(const struct rte_mempool *mp)
{
	RTE_SET_USED(mp);
	return fzp.nfree;
}

static struct rte_mempool_ops fzp_ops = {
	.name = "fz_strict",
	.alloc = fzp_alloc,
	.free = fzp_free,
	.enqueue = fzp_enqueue,
	.dequeue = fzp_dequeue,
	.get_count = fzp_count,
};

RTE_MEMPOOL_REGISTER_OPS(fzp_ops);

static void
fzp_collect(struct rte_mempool *mp, void *arg, void *obj, unsigned int i)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(arg);
	fzp.objs[i] = (uintptr_t)obj;
}

static int
fzp_cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

struct rte_mempool *
fz_pool_create(unsigned int n, uint16_t room)
{
	struct rte_mempool *mp;
	unsigned int i;

	mp = rte_pktmbuf_pool_create_by_ops("fz_pool", n, 0, 0, room,
		SOCKET_ID_ANY, "fz_strict");
	FZ_ASSERT(mp != NULL, "no mbuf pool: %s", rte_strerror(rte_errno));
	FZ_ASSERT(rte_mempool_obj_iter(mp, fzp_collect, NULL) == fzp.size,
		"pool of %u objects", fzp.size);
	qsort(fzp.objs, fzp.size, sizeof(fzp.objs[0]), fzp_cmp);
	fzp.ready = true;
	for (i = 0; i < fzp.nfree; i++)
		fzp.is_free[fzp_index((uintptr_t)fzp.stack[i])] = true;
	return mp;
}

unsigned int
fz_pool_in_use(void)
{
	return fzp.size - fzp.nfree;
}

bool
fz_pool_buf_ok(uint64_t addr, uint64_t len)
{
	const struct rte_mbuf *m;
	uintptr_t a = (uintptr_t)addr, buf;
	unsigned int k = fzp_below(a);

	if (k >= fzp.size || len > UINT16_MAX)
		return false;
	m = (const void *)fzp.objs[k];
	buf = (uintptr_t)m->buf_addr;
	return a >= buf && a + len <= buf + m->buf_len;
}

void
fz_pool_check_empty(const char *what)
{
	FZ_ASSERT(fz_pool_in_use() == 0, "%s: %u mbufs not returned to the pool",
		what, fz_pool_in_use());
}

/*
 * Memory a target needs per input, kept between inputs: fresh memory per
 * input cost a page fault per page (ASan's quarantine hands out new
 * pages) and halved the executions per second. Exact sizes keep ASan's
 * bounds.
 */
void *
fz_zalloc_cached(unsigned int slot, size_t size)
{
	static struct {
		void *p;
		size_t size;
	} cache[FZ_CACHE_SLOTS];

	FZ_ASSERT(slot < FZ_CACHE_SLOTS, "cache slot %u", slot);
	if (cache[slot].p == NULL || cache[slot].size != size) {
		free(cache[slot].p);
		cache[slot].p = NULL;
		FZ_ASSERT(posix_memalign(&cache[slot].p, 4096, size) == 0,
			"no memory (%zu B)", size);
		cache[slot].size = size;
	}
	memset(cache[slot].p, 0, size);
	return cache[slot].p;
}
