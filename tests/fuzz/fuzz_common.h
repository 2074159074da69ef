/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_FUZZ_COMMON_H
#define VIRTNET_FUZZ_COMMON_H

/*
 * What the libFuzzer targets of tests/fuzz share: the input as a stream
 * of little-endian fields (reads past its end give 0), EAL set up once
 * without hugepages, and a strict mbuf pool that aborts on a double free
 * and tells which mbuf an address lies in, so a target can check the
 * pool is back to its level after every input.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "virtnet_transport.h"
#include "virtnet_vq.h"

/* The input, read front to back. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t
fz_u8(struct fz *f)
{
	uint8_t v = 0;

	if (f->n > 0) {
		v = *f->p++;
		f->n--;
	}
	return v;
}

static inline uint16_t
fz_u16(struct fz *f)
{
	uint16_t lo = fz_u8(f);

	return (uint16_t)(lo | fz_u8(f) << 8);
}

static inline uint32_t
fz_u32(struct fz *f)
{
	uint32_t lo = fz_u16(f);

	return lo | (uint32_t)fz_u16(f) << 16;
}

static inline bool
fz_end(const struct fz *f)
{
	return f->n == 0;
}

/* A report of what broke, then abort(): libFuzzer keeps the input. */
#define FZ_ASSERT(cond, ...) do { \
	if (!(cond)) \
		fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
} while (0)

__attribute__((noreturn, format(printf, 4, 5)))
void fz_fail(const char *file, int line, const char *cond,
		const char *fmt, ...);

/*
 * EAL without hugepages, PCI or shared config, logs quiet unless
 * VIRTNET_FUZZ_LOG is set. Call from LLVMFuzzerInitialize.
 */
void fz_eal_init(const char *prog);

/** A transport whose notifications go nowhere: the device model is polled. */
extern const struct virtnet_transport fz_quiet_tp;

/*
 * The strict pool: @p n mbufs of @p room data bytes, no per-lcore
 * cache, so every put reaches its check. One per process.
 */
struct rte_mempool *fz_pool_create(unsigned int n, uint16_t room);

/* Mbufs out of the strict pool now. */
unsigned int fz_pool_in_use(void);

/*
 * Whether [addr, addr + len) lies in the data buffer of one mbuf of the
 * strict pool: what a device model may write through a descriptor.
 */
bool fz_pool_buf_ok(uint64_t addr, uint64_t len);

/*
 * Free the mbufs of every chain still on @p vq, as
 * virtnet_vq_detach_unused() gives them at a port stop, in one pass (the
 * driver's scan from the start for each made the fuzzers' teardown
 * quadratic); then that function must find none.
 */
static inline __attribute__((no_sanitize("coverage"))) void
fz_vq_drain(struct virtnet_vq *vq)
{
	void *cookie;
	uint16_t i;

	for (i = 0; i < vq->size; i++) {
		cookie = vq->extra[i].cookie;
		vq->extra[i].cookie = NULL;
		if (cookie != NULL && cookie != VIRTNET_VQ_NO_BUF)
			rte_pktmbuf_free(cookie);
	}
	FZ_ASSERT(virtnet_vq_detach_unused(vq) == NULL,
		"a buffer left after detaching all");
}

/* Abort unless every mbuf is back in the pool. */
void fz_pool_check_empty(const char *what);

#define FZ_CACHE_SLOTS	64

/*
 * @p size zeroed bytes, 4096-aligned, in slot @p slot: the same memory as
 * the last call with that slot and size, which must no longer be in use.
 */
void *fz_zalloc_cached(unsigned int slot, size_t size);

#endif /* VIRTNET_FUZZ_COMMON_H */
