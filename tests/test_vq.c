/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Unit tests of the virtqueue, split and packed, against the spec device
 * model, with no EAL: chains, completion order, wrap-around, notification
 * suppression and every kind of bad value a device can write. Each test
 * runs once per layout.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "virtnet_vq.h"
#include "devmodel.h"
#include "test_common.h"

TEST_GLOBALS;

/* The layout under test; the vq API takes it as a constant in the PMD. */
static bool P;

struct fixture {
	struct virtnet_vq *vq;
	struct devmodel dm;
	void *ring;
};

static void
fx_init(struct fixture *f, uint16_t size)
{
	size_t rs = virtnet_vq_ring_size(size, P);
	uint64_t d, drv, dev;

	f->ring = aligned_alloc(4096, rs);
	memset(f->ring, 0xa5, rs);	/* init must not rely on zeroed memory */
	f->vq = calloc(1, virtnet_vq_struct_size(size));
	virtnet_vq_init(f->vq, 1, size, P, f->ring, (uintptr_t)f->ring);
	virtnet_vq_addrs(f->vq, &d, &drv, &dev);
	dm_init(&f->dm, size, P, d, drv, dev);
}

static void
fx_fini(struct fixture *f)
{
	free(f->vq);
	free(f->ring);
}

static int
add(struct fixture *f, const struct virtnet_buf *b, uint16_t out, uint16_t in,
		void *cookie)
{
	return P ? virtnet_vq_add(f->vq, b, out, in, cookie, true) :
		virtnet_vq_add(f->vq, b, out, in, cookie, false);
}

static void
publish(struct fixture *f)
{
	virtnet_vq_publish(f->vq, P);
}

static void *
get_used(struct fixture *f, uint32_t *len)
{
	return P ? virtnet_vq_get_used(f->vq, len, true) :
		virtnet_vq_get_used(f->vq, len, false);
}

static bool
kick_prepare(struct fixture *f)
{
	return virtnet_vq_kick_prepare(f->vq, P);
}

static unsigned int
count_detached(struct virtnet_vq *vq)
{
	unsigned int n = 0;

	while (virtnet_vq_detach_unused(vq) != NULL)
		n++;
	return n;
}

static void
test_tx_chain_roundtrip(void)
{
	struct fixture f;
	char a[100], b[200], c[7], out[307];
	struct virtnet_buf bufs[3] = {
		{ (uintptr_t)a, sizeof(a) }, { (uintptr_t)b, sizeof(b) },
		{ (uintptr_t)c, sizeof(c) },
	};
	struct dm_chain ch, none;
	uint32_t len = 0;
	int id;

	fx_init(&f, 8);
	memset(a, 1, sizeof(a));
	memset(b, 2, sizeof(b));
	memset(c, 3, sizeof(c));
	id = add(&f, bufs, 3, 0, &f);
	CHECK(id >= 0, "add returned %d", id);
	CHECK(f.vq->num_free == 5, "num_free %u", f.vq->num_free);
	if (!P)
		CHECK(dm_pop(&f.dm, &ch) == -1, "device saw a chain before publish");
	publish(&f);
	CHECK(dm_pop(&f.dm, &ch) == 0, "device sees no chain");
	CHECK(ch.n == 3 && ch.head == id, "chain n=%u id=%u", ch.n, ch.head);
	CHECK(dm_pop(&f.dm, &none) == -1, "device sees a second chain");
	CHECK(dm_read_chain(&ch, out, sizeof(out)) == 307, "read short");
	CHECK(out[0] == 1 && out[100] == 2 && out[300] == 3 && out[306] == 3,
		"bytes differ");
	CHECK(get_used(&f, &len) == NULL, "used before push");
	dm_push(&f.dm, ch.head, 0, ch.n);
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == &f, "cookie");
	CHECK(f.vq->num_free == 8, "num_free after completion %u",
		f.vq->num_free);
	CHECK(get_used(&f, &len) == NULL, "a second completion appeared");
	CHECK(!virtnet_vq_broken(f.vq), "queue broken");
	fx_fini(&f);
}

static void
test_rx_write_and_len(void)
{
	struct fixture f;
	char buf[64], pkt[40];
	struct virtnet_buf b = { (uintptr_t)buf, sizeof(buf) };
	struct dm_chain ch;
	uint32_t len = 0;

	fx_init(&f, 4);
	memset(pkt, 0x5c, sizeof(pkt));
	memset(buf, 0, sizeof(buf));
	CHECK(add(&f, &b, 0, 1, buf) >= 0, "add");
	publish(&f);
	CHECK(dm_pop(&f.dm, &ch) == 0 && ch.n == 1 && (ch.d[0].flags & 2),
		"device sees a writable buffer");
	CHECK(dm_write_chain(&ch, pkt, sizeof(pkt)) == sizeof(pkt), "write");
	dm_push(&f.dm, ch.head, sizeof(pkt), 1);
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == buf && len == sizeof(pkt), "len %u", len);
	CHECK(memcmp(buf, pkt, sizeof(pkt)) == 0, "payload");
	fx_fini(&f);
}

/* Completions out of order must recycle descriptors and ids correctly. */
static void
test_full_ring_out_of_order(void)
{
	struct fixture f;
	char data[16][8];
	struct dm_chain ch[16];
	uint16_t i;
	uint32_t len;

	fx_init(&f, 16);
	for (i = 0; i < 8; i++) {
		struct virtnet_buf b[2] = {
			{ (uintptr_t)data[2 * i], 8 }, { (uintptr_t)data[2 * i + 1], 8 },
		};

		CHECK(add(&f, b, 1, 1, data[2 * i]) >= 0, "add %u", i);
	}
	CHECK(add(&f, (struct virtnet_buf[]){ { 0, 1 } }, 1, 0, data) == -ENOSPC,
		"add on a full ring");
	publish(&f);
	for (i = 0; i < 8; i++)
		CHECK(dm_pop(&f.dm, &ch[i]) == 0 && ch[i].n == 2, "pop %u", i);
	for (i = 8; i-- > 0;)
		dm_push(&f.dm, ch[i].head, 8, ch[i].n);
	dm_publish(&f.dm);
	for (i = 8; i-- > 0;)
		CHECK(get_used(&f, &len) == data[2 * i], "cookie %u", i);
	CHECK(f.vq->num_free == 16, "all free again: %u", f.vq->num_free);
	/* The recycled free lists must still give 16 distinct descriptors. */
	for (i = 0; i < 16; i++)
		CHECK(add(&f, (struct virtnet_buf[]){ { 0, 1 } }, 1, 0, data[i]) >= 0,
			"re-add %u", i);
	publish(&f);
	for (i = 0; i < 16; i++) {
		struct dm_chain c;

		CHECK(dm_pop(&f.dm, &c) == 0 && c.n == 1, "pop again %u", i);
	}
	CHECK(count_detached(f.vq) == 16, "detach all in flight");
	fx_fini(&f);
}

/* Ring indices and wrap counters wrap: run well past 65536 chains. */
static void
test_wraparound(void)
{
	struct fixture f;
	struct dm_chain ch;
	char x[4];
	uint32_t i, len, bad = 0;

	fx_init(&f, 32);
	for (i = 0; i < 70000 * 3; i++) {
		struct virtnet_buf b[2] = { { (uintptr_t)x, 4 }, { (uintptr_t)x, 4 } };
		void *ck = (void *)(uintptr_t)(i + 1);
		uint16_t n = 1 + i % 2;

		if (add(&f, b, n, 0, ck) < 0)
			bad++;
		publish(&f);
		if (dm_pop(&f.dm, &ch) != 0 || ch.n != n)
			bad++;
		dm_push(&f.dm, ch.head, 0, ch.n);
		dm_publish(&f.dm);
		if (get_used(&f, &len) != ck)
			bad++;
	}
	CHECK(bad == 0, "%u mismatches", bad);
	CHECK(f.vq->num_free == 32 && !virtnet_vq_broken(f.vq), "state");
	fx_fini(&f);
}

static void
test_kick_suppression(void)
{
	struct fixture f;
	char x;
	struct virtnet_buf b = { (uintptr_t)&x, 1 };

	fx_init(&f, 8);
	CHECK(!kick_prepare(&f), "kick with nothing new");
	add(&f, &b, 1, 0, &x);
	publish(&f);
	CHECK(kick_prepare(&f), "no kick while the device wants them");
	CHECK(!kick_prepare(&f), "second kick for the same work");
	dm_no_notify(&f.dm, true);
	add(&f, &b, 1, 0, &x);
	publish(&f);
	CHECK(!kick_prepare(&f), "kick despite the device's suppression");
	dm_no_notify(&f.dm, false);
	add(&f, &b, 1, 0, &x);
	publish(&f);
	CHECK(kick_prepare(&f), "no kick after suppression ended");
	virtnet_vq_disable_intr(f.vq);
	CHECK(dm_intr_disabled(&f.dm), "interrupts not disabled");
	virtnet_vq_enable_intr(f.vq);
	CHECK(!dm_intr_disabled(&f.dm), "interrupts not enabled");
	fx_fini(&f);
}

/* Post n one-descriptor chains and let the device take them all. */
static void
post_n(struct fixture *f, uint16_t n, struct dm_chain *ch, char *bufs)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct virtnet_buf b = { (uintptr_t)&bufs[i * 64], 64 };

		add(f, &b, 0, 1, &bufs[i * 64]);
	}
	publish(f);
	for (i = 0; i < n; i++)
		dm_pop(&f->dm, &ch[i]);
}

static void
test_bad_id_out_of_range(void)
{
	struct fixture f;
	struct dm_chain ch[4];
	char bufs[4 * 64];
	uint32_t len;

	fx_init(&f, 4);
	post_n(&f, 4, ch, bufs);
	dm_push(&f.dm, 4, 10, 1);		/* id == size */
	dm_push(&f.dm, ch[0].head, 10, 1);
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == NULL, "bad id accepted");
	CHECK(virtnet_vq_broken(f.vq) && f.vq->err.bad_id == 1,
		"fault %u bad_id %" PRIu64, f.vq->fault, f.vq->err.bad_id);
	CHECK(count_detached(f.vq) == 4, "every posted buffer comes back");
	virtnet_vq_reset(f.vq);
	CHECK(!virtnet_vq_broken(f.vq) && f.vq->num_free == 4, "reset heals");
	fx_fini(&f);
}

static void
test_bad_id_not_in_flight(void)
{
	struct fixture f;
	struct dm_chain ch[4];
	char bufs[4 * 64];
	uint32_t len;

	fx_init(&f, 4);
	post_n(&f, 2, ch, bufs);
	dm_push(&f.dm, ch[0].head, 10, 1);
	dm_push(&f.dm, ch[0].head, 10, 1);	/* same buffer twice */
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == &bufs[0], "first completion");
	CHECK(get_used(&f, &len) == NULL, "double completion");
	CHECK(f.vq->err.bad_id == 1 && virtnet_vq_broken(f.vq), "counted");
	CHECK(f.vq->num_free == 3, "free list untouched by the bad entry: %u",
		f.vq->num_free);
	CHECK(count_detached(f.vq) == 1, "the other buffer comes back");
	fx_fini(&f);
}

static void
test_bad_len(void)
{
	struct fixture f;
	struct dm_chain ch[2];
	char bufs[2 * 64];
	uint32_t len = 0;

	fx_init(&f, 4);
	post_n(&f, 1, ch, bufs);
	dm_push(&f.dm, ch[0].head, 65, 1);	/* one more than posted */
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == NULL, "long len accepted");
	CHECK(f.vq->err.bad_len == 1 && virtnet_vq_broken(f.vq), "counted");
	CHECK(count_detached(f.vq) == 1, "buffer comes back");
	fx_fini(&f);
}

/*
 * DPDK's vhost returns packed Tx descriptors with the driver's length
 * still in them: a chain the device only reads reports 0, not a fault.
 */
static void
test_readonly_len_ignored(void)
{
	struct fixture f;
	char a[300];
	struct virtnet_buf b = { (uintptr_t)a, sizeof(a) };
	struct dm_chain ch;
	uint32_t len = 1;

	fx_init(&f, 4);
	CHECK(add(&f, &b, 1, 0, a) >= 0, "add");
	publish(&f);
	CHECK(dm_pop(&f.dm, &ch) == 0, "device sees the chain");
	dm_push(&f.dm, ch.head, sizeof(a), ch.n);
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == a, "completion taken");
	CHECK(len == 0 && !virtnet_vq_broken(f.vq), "len %u broken %d", len,
		virtnet_vq_broken(f.vq));
	CHECK(f.vq->num_free == 4, "num_free %u", f.vq->num_free);
	fx_fini(&f);
}

static void
test_bad_used_idx(void)
{
	struct fixture f;
	struct dm_chain ch[4];
	char bufs[4 * 64];
	uint32_t len;

	if (P)
		return;	/* the packed ring has no used index */
	fx_init(&f, 4);
	post_n(&f, 2, ch, bufs);
	dm_set_used_idx(&f.dm, 3);	/* 3 used, only 2 in flight */
	CHECK(get_used(&f, &len) == NULL, "runaway index accepted");
	CHECK(f.vq->err.bad_used_idx == 1 && virtnet_vq_broken(f.vq), "counted");
	CHECK(count_detached(f.vq) == 2, "buffers come back");
	fx_fini(&f);
}

/* used_ready counts chains without taking them, and checks their ids. */
static void
test_used_ready(void)
{
	struct fixture f;
	struct dm_chain ch[8];
	char bufs[8 * 64];
	uint32_t len;

	fx_init(&f, 8);
	post_n(&f, 6, ch, bufs);
	dm_push(&f.dm, ch[0].head, 64, 1);
	dm_push(&f.dm, ch[1].head, 64, 1);
	dm_publish(&f.dm);
	CHECK(P ? virtnet_vq_used_ready(f.vq, 2, true) :
		virtnet_vq_used_ready(f.vq, 2, false), "2 ready");
	CHECK(!(P ? virtnet_vq_used_ready(f.vq, 3, true) :
		virtnet_vq_used_ready(f.vq, 3, false)), "3 ready");
	CHECK(get_used(&f, &len) == &bufs[0], "first");
	dm_push(&f.dm, 7, 64, 1);	/* not in flight */
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == &bufs[64], "second");
	CHECK(get_used(&f, &len) == NULL && virtnet_vq_broken(f.vq),
		"bad id behind good ones");
	CHECK(count_detached(f.vq) == 4, "rest comes back");
	fx_fini(&f);
}

/* Random posting and completion orders keep the books balanced. */
static void
test_random_orders(void)
{
	struct fixture f;
	struct dm_chain pend[255];
	char data[64];
	unsigned int npend = 0, inflight = 0, round, bad = 0;
	uint16_t size = P ? 255 : 256;
	uint32_t len;

	srand(12345);
	fx_init(&f, size);
	for (round = 0; round < 20000; round++) {
		uint16_t n = 1 + rand() % 4;
		struct virtnet_buf b[4];
		uint16_t i;

		for (i = 0; i < n; i++) {
			b[i].addr = (uintptr_t)&data[i];
			b[i].len = 1;
		}
		if (add(&f, b, n, 0, (void *)(uintptr_t)(round + 1)) >= 0)
			inflight += n;
		else if (f.vq->num_free >= n)
			bad++;
		publish(&f);
		while (npend < size && dm_pop(&f.dm, &pend[npend]) == 0)
			npend++;
		while (npend > 0 && rand() % 3) {
			unsigned int k = rand() % npend;

			dm_push(&f.dm, pend[k].head, 0, pend[k].n);
			inflight -= pend[k].n;
			pend[k] = pend[--npend];
		}
		dm_publish(&f.dm);
		while (get_used(&f, &len) != NULL)
			;
		if (f.vq->num_free != size - inflight)
			bad++;
	}
	CHECK(bad == 0 && !virtnet_vq_broken(f.vq), "%u inconsistencies", bad);
	CHECK(count_detached(f.vq) == npend, "in flight at the end");
	fx_fini(&f);
}

static void
test_ring_sizes(void)
{
	CHECK(virtnet_vq_check_size(256, false) == 0, "256");
	CHECK(virtnet_vq_check_size(32768, false) == 0, "32768");
	CHECK(virtnet_vq_check_size(0, false) != 0, "0");
	CHECK(virtnet_vq_check_size(255, false) != 0, "255 on split");
	CHECK(virtnet_vq_check_size(255, true) == 0, "255 on packed");
	CHECK(virtnet_vq_check_size(4097, true) == 0, "4097 on packed");
	CHECK(virtnet_vq_check_size(65536, true) != 0, "65536");
	CHECK(virtnet_vq_ring_size(256, false) % 4096 == 0, "ring bytes aligned");
	CHECK(vring_used_offset(256) == 8192, "used at %zu", vring_used_offset(256));
}

#define RUN_BOTH(fn) do { \
	P = false; \
	RUN_NAMED(fn, #fn "[split]"); \
	P = true; \
	RUN_NAMED(fn, #fn "[packed]"); \
} while (0)

int
main(void)
{
	RUN_BOTH(test_tx_chain_roundtrip);
	RUN_BOTH(test_rx_write_and_len);
	RUN_BOTH(test_full_ring_out_of_order);
	RUN_BOTH(test_wraparound);
	RUN_BOTH(test_kick_suppression);
	RUN_BOTH(test_bad_id_out_of_range);
	RUN_BOTH(test_bad_id_not_in_flight);
	RUN_BOTH(test_bad_len);
	RUN_BOTH(test_readonly_len_ignored);
	RUN_BOTH(test_bad_used_idx);
	RUN_BOTH(test_used_ready);
	RUN_BOTH(test_random_orders);
	RUN(test_ring_sizes);
	TEST_SUMMARY();
	return t_failed ? 1 : 0;
}
