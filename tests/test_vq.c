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

#include <rte_power_intrinsics.h>

#include "virtnet_vq.h"
#include "devmodel.h"
#include "test_common.h"

TEST_GLOBALS;

/* The queue mode under test; the PMD passes it as a constant. */
static uint32_t M;
#define P	(!!(M & VIRTNET_VQ_PACKED))
#define IO	(!!(M & VIRTNET_VQ_IN_ORDER))

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
	virtnet_vq_init(f->vq, 1, size, M, f->ring, (uintptr_t)f->ring);
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
	return virtnet_vq_add(f->vq, b, out, in, cookie, M);
}

static void
publish(struct fixture *f)
{
	virtnet_vq_publish(f->vq, M);
}

static void *
get_used(struct fixture *f, uint32_t *len)
{
	return virtnet_vq_get_used(f->vq, len, M);
}

static bool
kick_prepare(struct fixture *f)
{
	return virtnet_vq_kick_prepare(f->vq, M);
}

/* One one-buffer chain added and published: whether a kick is due. */
static bool
add_kick(struct fixture *f, const struct virtnet_buf *b, void *cookie)
{
	add(f, b, 1, 0, cookie);
	publish(f);
	return kick_prepare(f);
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
	dm_push(&f.dm, ch.head, 0, ch.ring_descs);
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == &f, "cookie");
	CHECK(f.vq->num_free == 8, "num_free after completion %u",
		f.vq->num_free);
	CHECK(get_used(&f, &len) == NULL, "a second completion appeared");
	CHECK(!virtnet_vq_broken(f.vq), "queue broken");
	fx_fini(&f);
}

/*
 * Indirect chains take one ring slot each, so a ring of 4 carries three
 * 5-buffer packets and a 3-buffer receive chain; the device sees every
 * buffer, and a length beyond the writable part is still a fault.
 */
static void
test_indirect(void)
{
	union virtnet_vq_indir tab[4][8];
	char pkt[3][5][16], out[80], rx[2][32], src[64];
	struct virtnet_buf b[5];
	struct dm_chain ch[4];
	uint32_t len = 0;
	int i, k, id;
	struct fixture f;

	fx_init(&f, 4);
	for (i = 0; i < 3; i++) {
		for (k = 0; k < 5; k++) {
			memset(pkt[i][k], i * 16 + k, sizeof(pkt[i][k]));
			b[k].addr = (uintptr_t)pkt[i][k];
			b[k].len = sizeof(pkt[i][k]);
		}
		id = virtnet_vq_add_indirect(f.vq, b, 5, 0, tab[i],
			(uintptr_t)tab[i], &pkt[i], M);
		CHECK(id >= 0, "indirect add %d returned %d", i, id);
	}
	b[0].addr = (uintptr_t)src;
	b[0].len = 10;
	b[1].addr = (uintptr_t)rx[0];
	b[1].len = sizeof(rx[0]);
	b[2].addr = (uintptr_t)rx[1];
	b[2].len = sizeof(rx[1]);
	id = virtnet_vq_add_indirect(f.vq, b, 1, 2, tab[3], (uintptr_t)tab[3],
		&rx, M);
	CHECK(id >= 0 && f.vq->num_free == 0, "4th add %d, free %u", id,
		f.vq->num_free);
	publish(&f);
	for (i = 0; i < 4; i++) {
		CHECK(dm_pop(&f.dm, &ch[i]) == 0, "device sees no chain %d", i);
		CHECK(ch[i].indirect && ch[i].ring_descs == 1,
			"chain %d: indirect %d, %u ring descs", i,
			ch[i].indirect, ch[i].ring_descs);
	}
	for (i = 0; i < 3; i++) {
		CHECK(ch[i].n == 5, "chain %d has %u buffers", i, ch[i].n);
		CHECK(dm_read_chain(&ch[i], out, sizeof(out)) == 80,
			"chain %d reads short", i);
		for (k = 0; k < 80; k++)
			if (out[k] != i * 16 + k / 16)
				break;
		CHECK(k == 80, "chain %d byte %d differs", i, k);
	}
	CHECK(ch[3].n == 3, "rx chain has %u buffers", ch[3].n);
	memset(src, 0x77, sizeof(src));
	CHECK(dm_write_chain(&ch[3], src, 64) == 64, "rx write short");
	CHECK(rx[0][0] == 0x77 && rx[1][31] == 0x77, "rx bytes not written");
	/* In order the device returns them as they came, else reversed. */
	for (i = 0; i < 4; i++) {
		k = IO ? i : 3 - i;
		dm_push(&f.dm, ch[k].head, k == 3 ? 64 : 0, ch[k].ring_descs);
	}
	dm_publish(&f.dm);
	for (i = 0; i < 4; i++) {
		k = IO ? i : 3 - i;
		CHECK(get_used(&f, &len) == (k == 3 ? (void *)&rx :
			(void *)&pkt[k]), "completion %d: wrong cookie", i);
		CHECK(len == (k == 3 ? 64u : 0u), "completion %d: len %u", i,
			len);
	}
	CHECK(f.vq->num_free == 4 && !virtnet_vq_broken(f.vq),
		"free %u after completions", f.vq->num_free);
	/* A length beyond the 64 writable bytes of the table. */
	id = virtnet_vq_add_indirect(f.vq, b, 1, 2, tab[3], (uintptr_t)tab[3],
		&rx, M);
	publish(&f);
	CHECK(dm_pop(&f.dm, &ch[0]) == 0, "device sees no chain");
	dm_push(&f.dm, ch[0].head, 65, ch[0].ring_descs);
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == NULL && virtnet_vq_broken(f.vq) &&
		f.vq->err.bad_len == 1, "length past the table not caught");
	CHECK(count_detached(f.vq) == 1, "in-flight chain not detached");
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
		dm_push(&f.dm, ch.head, 0, ch.ring_descs);
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
	CHECK(add_kick(&f, &b, &x), "no kick while the device wants them");
	CHECK(!kick_prepare(&f), "second kick for the same work");
	dm_no_notify(&f.dm, true);
	CHECK(!add_kick(&f, &b, &x), "kick despite the device's suppression");
	dm_no_notify(&f.dm, false);
	CHECK(add_kick(&f, &b, &x), "no kick after suppression ended");
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
	dm_push(&f.dm, ch.head, sizeof(a), ch.ring_descs);
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
	CHECK(virtnet_vq_used_ready(f.vq, 2, M), "2 ready");
	CHECK(!virtnet_vq_used_ready(f.vq, 3, M), "3 ready");
	CHECK(get_used(&f, &len) == &bufs[0], "first");
	dm_push(&f.dm, 7, 64, 1);	/* not in flight */
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == &bufs[64], "second");
	CHECK(get_used(&f, &len) == NULL && virtnet_vq_broken(f.vq),
		"bad id behind good ones");
	CHECK(count_detached(f.vq) == 4, "rest comes back");
	fx_fini(&f);
}

/*
 * The done count (rx_queue_count, descriptor status) and the power-monitor
 * condition follow the device and the driver, and stop at what is not
 * sound without faulting the queue.
 */
static void
test_done_count_monitor(void)
{
	struct rte_power_monitor_cond pmc;
	struct fixture f;
	struct dm_chain ch[8];
	char bufs[8 * 64];
	uint64_t v;
	uint32_t len;

	fx_init(&f, 8);
	post_n(&f, 6, ch, bufs);
	CHECK(virtnet_vq_done_count(f.vq) == 0, "none done");
	virtnet_vq_monitor(f.vq, &pmc);
	v = *(volatile uint16_t *)pmc.addr;
	CHECK(pmc.size == 2 && pmc.fn(v, pmc.opaque) == 0, "sleeps when idle");
	dm_push(&f.dm, ch[0].head, 64, 1);
	dm_push(&f.dm, ch[1].head, 64, 1);
	dm_publish(&f.dm);
	v = *(volatile uint16_t *)pmc.addr;
	CHECK(pmc.fn(v, pmc.opaque) == -1, "wakes on a used entry");
	CHECK(virtnet_vq_done_count(f.vq) == 2, "two done: %u",
		virtnet_vq_done_count(f.vq));
	CHECK(get_used(&f, &len) == &bufs[0], "first");
	CHECK(virtnet_vq_done_count(f.vq) == 1, "one left");
	CHECK(get_used(&f, &len) == &bufs[64], "second");
	virtnet_vq_monitor(f.vq, &pmc);
	v = *(volatile uint16_t *)pmc.addr;
	CHECK(pmc.fn(v, pmc.opaque) == 0, "sleeps again once taken");
	/* An id never posted ends the count, and the queue is not faulted. */
	dm_push(&f.dm, IO ? ch[2].head : ch[3].head, 64, 1);
	dm_push(&f.dm, 7, 64, 1);
	dm_publish(&f.dm);
	CHECK(virtnet_vq_done_count(f.vq) == 1, "stops at the bad id: %u",
		virtnet_vq_done_count(f.vq));
	CHECK(!virtnet_vq_broken(f.vq), "counting faults nothing");
	if (!P) {
		/* An index far past what is in flight counts what is. */
		dm_set_used_idx(&f.dm, 200);
		CHECK(virtnet_vq_done_count(f.vq) <= 4, "runaway index: %u",
			virtnet_vq_done_count(f.vq));
		CHECK(!virtnet_vq_broken(f.vq), "still counting only");
	}
	fx_fini(&f);
}

/* Random posting and completion orders keep the books balanced. */
static void
test_random_orders(void)
{
	struct fixture f;
	struct dm_chain pend[255];
	char data[64];
	unsigned int npend = 0, inflight = 0, round, bad = 0, done = 0;
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
			done++;
		}
		dm_publish(&f.dm);
		/* Take some, then all: the count follows both. */
		for (i = rand() % 3; i > 0 && get_used(&f, &len) != NULL; i--)
			done--;
		if (virtnet_vq_done_count(f.vq) != done)
			bad++;
		while (get_used(&f, &len) != NULL)
			done--;
		if (virtnet_vq_done_count(f.vq) != 0 || done != 0)
			bad++;
		if (f.vq->num_free != size - inflight)
			bad++;
	}
	CHECK(bad == 0 && !virtnet_vq_broken(f.vq), "%u inconsistencies", bad);
	CHECK(count_detached(f.vq) == npend, "in flight at the end");
	fx_fini(&f);
}

/*
 * In order, one used entry may stand for a batch: the id of its last
 * chain. Random batches over many laps keep cookies and counts exact.
 */
static void
test_inorder_batches(void)
{
	struct fixture f;
	struct dm_chain pend[64];
	char data[4];
	unsigned int npend = 0, round, bad = 0, done = 0;
	uint32_t next_ck = 1, want_ck = 1, len;
	uint16_t size = P ? 61 : 64;
	void *ck;

	srand(777);
	fx_init(&f, size);
	for (round = 0; round < 20000; round++) {
		uint16_t n = 1 + rand() % 3, i, k, nd = 0;
		struct virtnet_buf b[3];

		for (i = 0; i < n; i++) {
			b[i].addr = (uintptr_t)&data[i];
			b[i].len = 1;
		}
		if (add(&f, b, n, 0, (void *)(uintptr_t)next_ck) >= 0)
			next_ck++;
		publish(&f);
		while (npend < RTE_DIM(pend) && dm_pop(&f.dm, &pend[npend]) == 0)
			npend++;
		k = npend ? rand() % (npend + 1) : 0;
		if (k > 0 && rand() % 2) {
			/* one entry for the k oldest chains */
			for (i = 0; i < k; i++)
				nd += pend[i].n;
			dm_push(&f.dm, pend[k - 1].head, 0, nd);
		} else {
			for (i = 0; i < k; i++)
				dm_push(&f.dm, pend[i].head, 0, pend[i].n);
		}
		memmove(pend, pend + k, (npend - k) * sizeof(pend[0]));
		npend -= k;
		done += k;
		dm_publish(&f.dm);
		/* Part of a batch taken: the count is what is left of it. */
		for (i = rand() % 3; i > 0 && (ck = get_used(&f, &len)) != NULL; i--) {
			done--;
			if ((uintptr_t)ck != want_ck++ || len != 0)
				bad++;
		}
		if (virtnet_vq_done_count(f.vq) != done)
			bad++;
		while ((ck = get_used(&f, &len)) != NULL) {
			done--;
			if ((uintptr_t)ck != want_ck++ || len != 0)
				bad++;
		}
	}
	CHECK(bad == 0 && !virtnet_vq_broken(f.vq), "%u out of order", bad);
	CHECK(want_ck + npend == next_ck, "taken %u + pending %u != added %u",
		want_ck - 1, npend, next_ck - 1);
	CHECK(count_detached(f.vq) == npend, "in flight at the end");
	fx_fini(&f);
}

/* In order, an id that is not in flight is still a fault. */
static void
test_inorder_bad_batch(void)
{
	struct fixture f;
	struct dm_chain ch[4];
	char bufs[4 * 64];
	uint32_t len;

	fx_init(&f, 8);
	post_n(&f, 3, ch, bufs);
	dm_push(&f.dm, ch[1].head, 64, 2);	/* batch of two */
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == &bufs[0] && len == 0, "first of batch");
	CHECK(get_used(&f, &len) == &bufs[64] && len == 0, "last of batch");
	CHECK(get_used(&f, &len) == NULL && !virtnet_vq_broken(f.vq), "more");
	dm_push(&f.dm, 6, 64, 1);		/* never posted */
	dm_publish(&f.dm);
	CHECK(get_used(&f, &len) == NULL && virtnet_vq_broken(f.vq) &&
		f.vq->err.bad_id == 1, "bad id in order");
	CHECK(count_detached(f.vq) == 1, "the third comes back");
	fx_fini(&f);
}

/* Event index: a kick only when the device's event falls among the new. */
static void
test_event_idx_kick(void)
{
	struct fixture f;
	char x;
	struct virtnet_buf b = { (uintptr_t)&x, 1 };
	unsigned int i, kicks = 0;

	M |= VIRTNET_VQ_EVENT_IDX;
	fx_init(&f, 8);
	dm_avail_event(&f.dm, 3, true);
	for (i = 0; i < 3; i++) {
		kicks += add_kick(&f, &b, &x);
	}
	CHECK(kicks == 0, "%u kicks before the event", kicks);
	/* index/slot 3 */
	CHECK(add_kick(&f, &b, &x), "no kick at the event");
	CHECK(!add_kick(&f, &b, &x), "kick past the event");
	/* Several at once, the event among them. */
	dm_avail_event(&f.dm, 6, true);
	add(&f, &b, 1, 0, &x);
	add(&f, &b, 1, 0, &x);
	CHECK(add_kick(&f, &b, &x), "no kick for a batch crossing the event");
	M &= ~VIRTNET_VQ_EVENT_IDX;
	fx_fini(&f);
}

/*
 * A device that re-enabled notifications at an index the driver had
 * passed, then took more buffers (QEMU 7.2's virtio-net after an
 * asynchronous Tx), still gets one kick, and only one.
 */
static void
test_event_idx_stale(void)
{
	struct fixture f;
	char x;
	struct virtnet_buf b = { (uintptr_t)&x, 1 };

	M |= VIRTNET_VQ_EVENT_IDX;
	fx_init(&f, 8);
	dm_avail_event(&f.dm, 0, true);
	add(&f, &b, 1, 0, &x);
	CHECK(add_kick(&f, &b, &x), "no kick at the event");
	CHECK(!add_kick(&f, &b, &x), "a second kick for the same event");
	/* The device asks at 1, behind the 3 published: it missed them. */
	dm_avail_event(&f.dm, 1, true);
	CHECK(add_kick(&f, &b, &x), "no kick for an event left behind");
	CHECK(!add_kick(&f, &b, &x), "kicked twice for an event left behind");
	M &= ~VIRTNET_VQ_EVENT_IDX;
	fx_fini(&f);
}

/*
 * VIRTIO_F_NOTIFICATION_DATA: the split avail index, or the packed slot
 * of the next descriptor with the driver's wrap counter in bit 15, over
 * two wraps of a 4-entry ring.
 */
static void
test_notify_data(void)
{
	struct fixture f;
	char a[64];
	struct virtnet_buf b = { (uintptr_t)a, sizeof(a) };
	struct dm_chain ch;
	uint16_t want, got;
	uint32_t len;
	unsigned int i;

	fx_init(&f, 4);
	for (i = 1; i <= 10; i++) {
		CHECK(add(&f, &b, 1, 0, &f) >= 0, "add %u", i);
		publish(&f);
		got = virtnet_vq_notify_data(f.vq, M);
		want = P ? (uint16_t)(i % 4 | ((i / 4) % 2 ? 0 : 0x8000)) :
			(uint16_t)i;
		CHECK(got == want, "after %u buffers: 0x%04x, want 0x%04x", i,
			got, want);
		CHECK(dm_pop(&f.dm, &ch) == 0, "device sees no chain %u", i);
		dm_push(&f.dm, ch.head, 0, ch.ring_descs);
		dm_publish(&f.dm);
		CHECK(get_used(&f, &len) == &f, "used %u", i);
	}
	fx_fini(&f);
}

/*
 * A writable packed chain is made available by its head alone; the rest
 * must not pass for single buffers (DPDK vhost's Rx batch would take
 * them so). The device still walks the whole chain.
 */
static void
test_packed_rx_chain_flags(void)
{
	struct fixture f;
	char a[64], b[64], c[64];
	struct virtnet_buf bufs[3] = {
		{ (uintptr_t)a, 64 }, { (uintptr_t)b, 64 }, { (uintptr_t)c, 64 },
	};
	const struct vring_packed_desc *d;
	struct dm_chain ch;
	uint32_t len;
	int i;

	fx_init(&f, 8);
	CHECK(add(&f, bufs, 0, 3, a) >= 0, "add");
	d = f.vq->pdesc;
	CHECK((d[0].flags & VRING_PACKED_DESC_F_AVAIL) &&
		!(d[0].flags & VRING_PACKED_DESC_F_USED), "head available");
	for (i = 1; i < 3; i++)
		CHECK(!(d[i].flags & VRING_PACKED_DESC_F_AVAIL) &&
			(d[i].flags & VRING_PACKED_DESC_F_USED) &&
			(d[i].flags & VRING_DESC_F_WRITE),
			"descriptor %d looks available on its own: 0x%x", i,
			d[i].flags);
	CHECK(dm_pop(&f.dm, &ch) == 0 && ch.n == 3, "device walks the chain");
	dm_push(&f.dm, ch.head, 150, ch.ring_descs);
	CHECK(get_used(&f, &len) == a && len == 150, "used");
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

#define VQ_P	VIRTNET_VQ_PACKED
#define VQ_O	VIRTNET_VQ_IN_ORDER

/* Out-of-order devices: both layouts. */
#define RUN_BOTH(fn) do { \
	M = 0; \
	RUN_NAMED(fn, #fn "[split]"); \
	M = VQ_P; \
	RUN_NAMED(fn, #fn "[packed]"); \
} while (0)

/* In-order devices: both layouts. */
#define RUN_IN_ORDER(fn) do { \
	M = VQ_O; \
	RUN_NAMED(fn, #fn "[split in-order]"); \
	M = VQ_P | VQ_O; \
	RUN_NAMED(fn, #fn "[packed in-order]"); \
} while (0)

#define RUN_ALL(fn) do { \
	RUN_BOTH(fn); \
	RUN_IN_ORDER(fn); \
} while (0)

int
main(void)
{
	RUN_ALL(test_tx_chain_roundtrip);
	RUN_ALL(test_rx_write_and_len);
	RUN_BOTH(test_full_ring_out_of_order);
	RUN_ALL(test_wraparound);
	RUN_ALL(test_kick_suppression);
	RUN_ALL(test_bad_id_out_of_range);
	RUN_ALL(test_bad_id_not_in_flight);
	RUN_ALL(test_bad_len);
	RUN_ALL(test_readonly_len_ignored);
	RUN_ALL(test_bad_used_idx);
	RUN_ALL(test_used_ready);
	RUN_ALL(test_done_count_monitor);
	RUN_BOTH(test_random_orders);
	RUN_IN_ORDER(test_inorder_batches);
	RUN_IN_ORDER(test_inorder_bad_batch);
	RUN_ALL(test_event_idx_kick);
	RUN_ALL(test_event_idx_stale);
	RUN_ALL(test_indirect);
	RUN_ALL(test_notify_data);
	RUN(test_ring_sizes);
	M = VQ_P;
	RUN(test_packed_rx_chain_flags);
	TEST_SUMMARY();
	return t_failed ? 1 : 0;
}
