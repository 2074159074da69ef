/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Unit tests of the split virtqueue against the spec device model, with
 * no EAL: chains, completion order, wrap-around, notification suppression
 * and every kind of bad value a device can write.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "virtnet_vq.h"
#include "devmodel.h"
#include "test_common.h"

TEST_GLOBALS;

struct fixture {
	struct virtnet_vq *vq;
	struct devmodel dm;
	void *ring;
};

static void
fx_init(struct fixture *f, uint16_t size)
{
	size_t rs = virtnet_vq_ring_size(size);

	f->ring = aligned_alloc(4096, rs);
	memset(f->ring, 0xa5, rs);	/* init must not rely on zeroed memory */
	f->vq = calloc(1, virtnet_vq_struct_size(size));
	virtnet_vq_init(f->vq, 1, size, f->ring, (uintptr_t)f->ring);
	dm_init(&f->dm, f->ring, size);
}

static void
fx_fini(struct fixture *f)
{
	free(f->vq);
	free(f->ring);
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
	struct dm_chain ch;
	uint32_t len = 0;
	int head;

	fx_init(&f, 8);
	memset(a, 1, sizeof(a));
	memset(b, 2, sizeof(b));
	memset(c, 3, sizeof(c));
	head = virtnet_vq_add(f.vq, bufs, 3, 0, &f);
	CHECK(head >= 0, "add returned %d", head);
	CHECK(f.vq->num_free == 5, "num_free %u", f.vq->num_free);
	CHECK(dm_pop(&f.dm, &ch) == -1, "device saw a chain before publish");
	virtnet_vq_publish(f.vq);
	CHECK(dm_pop(&f.dm, &ch) == 0, "device sees no chain");
	CHECK(ch.n == 3 && ch.head == head, "chain n=%u head=%u", ch.n, ch.head);
	CHECK(dm_read_chain(&ch, out, sizeof(out)) == 307, "read short");
	CHECK(out[0] == 1 && out[100] == 2 && out[300] == 3 && out[306] == 3,
		"bytes differ");
	CHECK(virtnet_vq_used_count(f.vq) == 0, "used before push");
	dm_push(&f.dm, ch.head, 0);
	dm_publish(&f.dm);
	CHECK(virtnet_vq_used_count(f.vq) == 1, "used count");
	CHECK(virtnet_vq_get_used(f.vq, &len) == &f, "cookie");
	CHECK(f.vq->num_free == 8, "num_free after completion %u",
		f.vq->num_free);
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
	CHECK(virtnet_vq_add(f.vq, &b, 0, 1, buf) >= 0, "add");
	virtnet_vq_publish(f.vq);
	CHECK(dm_pop(&f.dm, &ch) == 0 && ch.n == 1 && (ch.d[0].flags & 2),
		"device sees a writable buffer");
	CHECK(dm_write_chain(&ch, pkt, sizeof(pkt)) == sizeof(pkt), "write");
	dm_push(&f.dm, ch.head, sizeof(pkt));
	dm_publish(&f.dm);
	CHECK(virtnet_vq_used_count(f.vq) == 1, "used");
	CHECK(virtnet_vq_get_used(f.vq, &len) == buf && len == sizeof(pkt),
		"len %u", len);
	CHECK(memcmp(buf, pkt, sizeof(pkt)) == 0, "payload");
	fx_fini(&f);
}

/* Completions out of order must recycle descriptors correctly. */
static void
test_full_ring_out_of_order(void)
{
	struct fixture f;
	char data[16][8];
	struct dm_chain ch[16];
	uint16_t i;
	uint32_t len;
	int heads[16];

	fx_init(&f, 16);
	for (i = 0; i < 8; i++) {
		struct virtnet_buf b[2] = {
			{ (uintptr_t)data[2 * i], 8 }, { (uintptr_t)data[2 * i + 1], 8 },
		};

		heads[i] = virtnet_vq_add(f.vq, b, 1, 1, data[2 * i]);
		CHECK(heads[i] >= 0, "add %u", i);
	}
	CHECK(virtnet_vq_add(f.vq, (struct virtnet_buf[]){ { 0, 1 } }, 1, 0,
		data) == -ENOSPC, "add on a full ring");
	virtnet_vq_publish(f.vq);
	for (i = 0; i < 8; i++)
		CHECK(dm_pop(&f.dm, &ch[i]) == 0 && ch[i].n == 2, "pop %u", i);
	for (i = 8; i-- > 0;)
		dm_push(&f.dm, ch[i].head, 8);
	dm_publish(&f.dm);
	CHECK(virtnet_vq_used_count(f.vq) == 8, "used 8");
	for (i = 8; i-- > 0;)
		CHECK(virtnet_vq_get_used(f.vq, &len) == data[2 * i], "cookie %u", i);
	CHECK(f.vq->num_free == 16, "all free again: %u", f.vq->num_free);
	/* The recycled free list must still give 16 distinct descriptors. */
	for (i = 0; i < 16; i++)
		CHECK(virtnet_vq_add(f.vq, (struct virtnet_buf[]){ { 0, 1 } }, 1,
			0, data[i]) >= 0, "re-add %u", i);
	virtnet_vq_publish(f.vq);
	for (i = 0; i < 16; i++) {
		struct dm_chain c;

		CHECK(dm_pop(&f.dm, &c) == 0 && c.n == 1, "pop again %u", i);
	}
	CHECK(count_detached(f.vq) == 16, "detach all in flight");
	fx_fini(&f);
}

/* 16-bit ring indices wrap: run well past 65536 chains. */
static void
test_wraparound(void)
{
	struct fixture f;
	struct dm_chain ch;
	char x[4];
	uint32_t i, len, bad = 0;

	fx_init(&f, 32);
	for (i = 0; i < 70000 * 3; i++) {
		struct virtnet_buf b = { (uintptr_t)x, 4 };
		void *ck = (void *)(uintptr_t)(i + 1);

		if (virtnet_vq_add(f.vq, &b, 1, 0, ck) < 0)
			bad++;
		virtnet_vq_publish(f.vq);
		if (dm_pop(&f.dm, &ch) != 0)
			bad++;
		dm_push(&f.dm, ch.head, 0);
		dm_publish(&f.dm);
		if (virtnet_vq_used_count(f.vq) != 1 ||
		    virtnet_vq_get_used(f.vq, &len) != ck)
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
	CHECK(!virtnet_vq_kick_prepare(f.vq), "kick with nothing new");
	virtnet_vq_add(f.vq, &b, 1, 0, &x);
	virtnet_vq_publish(f.vq);
	CHECK(virtnet_vq_kick_prepare(f.vq), "no kick while device wants them");
	CHECK(!virtnet_vq_kick_prepare(f.vq), "second kick for the same work");
	dm_no_notify(&f.dm, 1);
	virtnet_vq_add(f.vq, &b, 1, 0, &x);
	virtnet_vq_publish(f.vq);
	CHECK(!virtnet_vq_kick_prepare(f.vq), "kick despite NO_NOTIFY");
	virtnet_vq_disable_intr(f.vq);
	CHECK(((struct vring_avail *)f.dm.avail)->flags == 1, "NO_INTERRUPT");
	fx_fini(&f);
}

/* Post n one-descriptor chains and let the device take them all. */
static void
post_n(struct fixture *f, uint16_t n, struct dm_chain *ch, char *bufs)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct virtnet_buf b = { (uintptr_t)&bufs[i * 64], 64 };

		virtnet_vq_add(f->vq, &b, 0, 1, &bufs[i * 64]);
	}
	virtnet_vq_publish(f->vq);
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
	dm_push(&f.dm, 4, 10);		/* id == size */
	dm_push(&f.dm, ch[0].head, 10);
	dm_publish(&f.dm);
	CHECK(virtnet_vq_used_count(f.vq) == 2, "used");
	CHECK(virtnet_vq_get_used(f.vq, &len) == NULL, "bad id accepted");
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
	dm_push(&f.dm, ch[0].head, 10);
	dm_push(&f.dm, ch[0].head, 10);	/* same chain twice */
	dm_publish(&f.dm);
	CHECK(virtnet_vq_used_count(f.vq) == 2, "used");
	CHECK(virtnet_vq_get_used(f.vq, &len) == &bufs[0], "first completion");
	CHECK(virtnet_vq_get_used(f.vq, &len) == NULL, "double completion");
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
	dm_push(&f.dm, ch[0].head, 65);	/* one more than posted */
	dm_publish(&f.dm);
	CHECK(virtnet_vq_used_count(f.vq) == 1, "used");
	CHECK(virtnet_vq_get_used(f.vq, &len) == NULL, "long len accepted");
	CHECK(f.vq->err.bad_len == 1 && virtnet_vq_broken(f.vq), "counted");
	CHECK(count_detached(f.vq) == 1, "buffer comes back");
	fx_fini(&f);
}

static void
test_bad_used_idx(void)
{
	struct fixture f;
	struct dm_chain ch[4];
	char bufs[4 * 64];

	fx_init(&f, 4);
	post_n(&f, 2, ch, bufs);
	dm_set_used_idx(&f.dm, 3);	/* 3 used, only 2 in flight */
	CHECK(virtnet_vq_used_count(f.vq) == 0, "runaway index accepted");
	CHECK(f.vq->err.bad_used_idx == 1 && virtnet_vq_broken(f.vq), "counted");
	dm_set_used_idx(&f.dm, 0x8000);
	CHECK(virtnet_vq_used_count(f.vq) == 0, "huge index accepted");
	CHECK(count_detached(f.vq) == 2, "buffers come back");
	fx_fini(&f);
}

/* Random posting and completion orders keep the books balanced. */
static void
test_random_orders(void)
{
	struct fixture f;
	struct dm_chain pend[64];
	char data[64];
	unsigned int npend = 0, inflight = 0, round, bad = 0;
	uint32_t len;

	srand(12345);
	fx_init(&f, 64);
	for (round = 0; round < 20000; round++) {
		uint16_t n = 1 + rand() % 4;
		struct virtnet_buf b[4];
		uint16_t i;

		for (i = 0; i < n; i++) {
			b[i].addr = (uintptr_t)&data[i];
			b[i].len = 1;
		}
		if (virtnet_vq_add(f.vq, b, n, 0, (void *)(uintptr_t)(round + 1)) >= 0)
			inflight += n;
		else if (f.vq->num_free >= n)
			bad++;
		virtnet_vq_publish(f.vq);
		while (npend < 64 && dm_pop(&f.dm, &pend[npend]) == 0)
			npend++;
		while (npend > 0 && rand() % 3) {
			unsigned int k = rand() % npend;

			dm_push(&f.dm, pend[k].head, 0);
			inflight -= pend[k].n;
			pend[k] = pend[--npend];
		}
		dm_publish(&f.dm);
		for (i = virtnet_vq_used_count(f.vq); i > 0; i--)
			if (virtnet_vq_get_used(f.vq, &len) == NULL)
				bad++;
		if (f.vq->num_free != 64 - inflight)
			bad++;
	}
	CHECK(bad == 0 && !virtnet_vq_broken(f.vq), "%u inconsistencies", bad);
	CHECK(count_detached(f.vq) == npend, "in flight at the end");
	fx_fini(&f);
}

static void
test_ring_sizes(void)
{
	CHECK(virtnet_vq_check_size(256) == 0, "256");
	CHECK(virtnet_vq_check_size(32768) == 0, "32768");
	CHECK(virtnet_vq_check_size(0) != 0, "0");
	CHECK(virtnet_vq_check_size(255) != 0, "255 on split");
	CHECK(virtnet_vq_check_size(65536) != 0, "65536");
	CHECK(virtnet_vq_ring_size(256) % 4096 == 0, "ring bytes aligned");
	CHECK(vring_used_offset(256) == 8192, "used at %zu", vring_used_offset(256));
}

int
main(void)
{
	RUN(test_tx_chain_roundtrip);
	RUN(test_rx_write_and_len);
	RUN(test_full_ring_out_of_order);
	RUN(test_wraparound);
	RUN(test_kick_suppression);
	RUN(test_bad_id_out_of_range);
	RUN(test_bad_id_not_in_flight);
	RUN(test_bad_len);
	RUN(test_bad_used_idx);
	RUN(test_random_orders);
	RUN(test_ring_sizes);
	TEST_SUMMARY();
	return t_failed ? 1 : 0;
}
