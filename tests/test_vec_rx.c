/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Differential test of the vector Rx paths: two queues set up alike, one
 * served by the scalar path and one by the vector path of the same ring
 * mode, each with its own device (tests/devmodel.c, the spec's side of
 * the ring) driven by the same random script. After every burst both
 * must have returned the same count and the same mbufs (fields and
 * bytes), the same counters, errors and fault state, the same ring
 * bookkeeping and the same mempool level. The script is hostile at
 * times: ids out of range, not in flight or repeated, lengths too long,
 * too short or 0xffffffff, a used index jump (split), torn or old-lap
 * flags (packed), in-order batch entries, VLAN-tagged frames with strip
 * switched on and off, and headers with checksum and GSO state.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_vect.h>

#include "virtnet_rxtx.h"
#include "devmodel.h"
#include "test_common.h"

TEST_GLOBALS;

#define F(bit)		(1ULL << (bit))
#define ROUNDS		60
#define STEPS		400
#define MAX_PEND	1024
#define MAX_HELD	512

/* One queue and its device. */
struct side {
	struct virtnet_rxq rxq;
	struct virtnet_vq *vq;
	void *ring;
	struct rte_mempool *mp;
	uint64_t nombuf;
	struct devmodel dm;
	struct dm_chain pend[MAX_PEND];	/* popped, not returned, in order */
	uint16_t npend;
	int32_t torn;			/* packed slot with bad flags, or -1 */
	uint16_t torn_flags;
	struct rte_mbuf *held[MAX_HELD];
	unsigned int nheld;
	uint64_t kicks;
};

/* What a round runs: a ring mode and its settings. */
struct round_conf {
	uint32_t mode;
	uint16_t size;
	uint16_t hdr;
	bool ol_hdr;
	unsigned int hostile;	/* 1 in this many returns misbehaves */
};

/* What the rounds of a mode went through, to show the cases were met. */
struct cover {
	uint64_t packets, errors, nombuf, vlan, csum;
	struct virtnet_vq_errors faults;
};

static const bool halted;
static struct side sides[2];
static struct cover cov;
static char pool_name_seq;

static void
t_notify(void *t, uint16_t qid, uint16_t next)
{
	RTE_SET_USED(qid);
	RTE_SET_USED(next);
	((struct side *)t)->kicks++;
}

static const struct virtnet_transport_ops t_ops = { .notify = t_notify };
static struct virtnet_transport t_tp[2] = {
	{ &t_ops, &sides[0] }, { &t_ops, &sides[1] },
};

/* xorshift64*: both sides get the same stream from the same seed. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static uint32_t
rndn(uint64_t *s, uint32_t n)
{
	return n == 0 ? 0 : (uint32_t)(rnd(s) >> 33) % n;
}

static int
side_up(struct side *sd, int k, const struct round_conf *rc)
{
	bool packed = rc->mode & VIRTNET_VQ_PACKED;
	char name[32];
	uint64_t d, dr, dv;

	memset(sd, 0, sizeof(*sd));
	sd->torn = -1;
	snprintf(name, sizeof(name), "vrx%d_%d", k, pool_name_seq);
	sd->mp = rte_pktmbuf_pool_create(name, rc->size + 160, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	sd->vq = calloc(1, virtnet_vq_struct_size(rc->size));
	sd->ring = aligned_alloc(4096, virtnet_vq_ring_size(rc->size, packed));
	if (sd->mp == NULL || sd->vq == NULL || sd->ring == NULL)
		return -1;
	virtnet_vq_init(sd->vq, 0, rc->size, rc->mode, sd->ring,
		(uint64_t)(uintptr_t)sd->ring);
	sd->rxq.vq = sd->vq;
	sd->rxq.tp = &t_tp[k];
	sd->rxq.mp = sd->mp;
	sd->rxq.nombuf = &sd->nombuf;
	sd->rxq.guard.halted = &halted;
	sd->rxq.use_va = true;
	sd->rxq.ol_hdr = rc->ol_hdr;
	sd->rxq.port_id = 3;
	sd->rxq.hdr_size = rc->hdr;
	sd->rxq.big_bufs = 1;
	virtnet_vq_addrs(sd->vq, &d, &dr, &dv);
	dm_init(&sd->dm, rc->size, packed, d, dr, dv);
	return virtnet_rx_refill(&sd->rxq) == 0 ? 0 : -1;
}

static void
side_down(struct side *sd)
{
	struct rte_mbuf *m;
	unsigned int i;

	if (sd == &sides[1] && sd->vq != NULL) {
		cov.packets += sd->rxq.stats.packets;
		cov.errors += sd->rxq.stats.errors;
		cov.nombuf += sd->nombuf;
		cov.faults.bad_id += sd->vq->err.bad_id;
		cov.faults.bad_len += sd->vq->err.bad_len;
		cov.faults.bad_used_idx += sd->vq->err.bad_used_idx;
	}
	if (sd->vq != NULL)
		while ((m = virtnet_vq_detach_unused(sd->vq)) != NULL)
			rte_pktmbuf_free(m);
	for (i = 0; i < sd->nheld; i++)
		rte_pktmbuf_free(sd->held[i]);
	if (sd->mp != NULL)
		CHECK(rte_mempool_full(sd->mp), "mbufs lost: %u of %u",
			rte_mempool_avail_count(sd->mp), sd->mp->size);
	rte_mempool_free(sd->mp);
	free(sd->vq);
	free(sd->ring);
	memset(sd, 0, sizeof(*sd));
}

/*
 * Frame lengths the tally must tell apart: both sides of each size bin
 * edge; past the room of one mbuf, as long as it holds.
 */
static const uint32_t edge_len[] = {
	14, 63, 64, 65, 127, 128, 255, 256, 511, 512, 1023, 1024, 1518,
	1519, 9000
};

/* A frame into the chain: header state, addresses, ethertype, bytes. */
static uint32_t
dev_frame(struct side *sd, const struct round_conf *rc,
		const struct dm_chain *c, uint64_t *s)
{
	uint8_t buf[RTE_MBUF_DEFAULT_DATAROOM + 64];
	struct virtio_net_hdr *h = (void *)buf;
	uint32_t room = c->d[0].len, flen, i;
	uint8_t *f = buf + rc->hdr;

	flen = RTE_ETHER_HDR_LEN + rndn(s, 4) * 4 + rndn(s, 3) * rndn(s, 1500);
	if (rndn(s, 3) == 0)
		flen = edge_len[rndn(s, RTE_DIM(edge_len))];
	if (flen + rc->hdr > room)
		flen = room - rc->hdr;
	memset(buf, 0, rc->hdr);
	if (rc->ol_hdr && rndn(s, 4) == 0) {
		h->flags = (uint8_t)rndn(s, 4);
		h->gso_type = (uint8_t)(rndn(s, 3) == 0 ? rndn(s, 6) | (rndn(s, 2) << 7) : 0);
		h->gso_size = (uint16_t)rndn(s, 1500);
		h->csum_start = (uint16_t)rndn(s, flen + 8);
		h->csum_offset = (uint16_t)rndn(s, 20);
	}
	for (i = 0; i < flen; i++)
		f[i] = (uint8_t)rnd(s);
	switch (rndn(s, 8)) {
	case 0:
		memset(f, 0xff, RTE_ETHER_ADDR_LEN);	/* broadcast */
		break;
	case 1:
		f[0] |= 1;				/* multicast */
		break;
	case 2:
	case 3:			/* multicast, one bit short of broadcast */
		memset(f, 0xff, RTE_ETHER_ADDR_LEN);
		f[rndn(s, 2) ? 4 : 5] = 0xfe;
		break;
	default:
		f[0] &= ~1;
	}
	if (rndn(s, 3) == 0) {
		f[12] = 0x81;				/* VLAN tag */
		f[13] = 0x00;
	}
	dm_write_chain(c, buf, flen + rc->hdr);
	RTE_SET_USED(sd);
	return flen + rc->hdr;
}

/* The length a returned chain gets: mostly right, hostile at times. */
static uint32_t
dev_len(uint32_t good, const struct dm_chain *c, const struct round_conf *rc,
		uint64_t *s)
{
	if (rndn(s, rc->hostile) != 0)
		return good;
	/* Each limit and the value just past it, half the time. */
	switch (rndn(s, 4)) {
	case 0:		/* beyond posted */
		return c->d[0].len + 1 + (rndn(s, 2) ? 0 : rndn(s, 100));
	case 1:		/* too short for a frame */
		return rndn(s, 2) ? rc->hdr + RTE_ETHER_HDR_LEN - 1u :
			rndn(s, rc->hdr + RTE_ETHER_HDR_LEN);
	case 2:
		return UINT32_MAX;
	default:	/* the limits themselves: good */
		return rndn(s, 2) ? c->d[0].len : rc->hdr + (uint32_t)RTE_ETHER_HDR_LEN;
	}
}

/* The id a returned chain gets: its own, or a bad one at times. */
static uint32_t
dev_id(const struct side *sd, uint32_t own, uint32_t prev,
		const struct round_conf *rc, uint64_t *s)
{
	if (rndn(s, rc->hostile * 2) != 0)
		return own;
	switch (rndn(s, 3)) {
	case 0:
		return rc->size + rndn(s, 70000);	/* out of range */
	case 1:
		return prev;			/* repeated or not in flight */
	default:
		return (own + 1 + rndn(s, 3)) % sd->dm.size;
	}
}

/* Take chains from the ring: each one writable descriptor. */
static void
dev_pop(struct side *sd, uint64_t *s)
{
	uint32_t n = rndn(s, 48);

	while (n-- > 0 && sd->npend < MAX_PEND) {
		struct dm_chain *c = &sd->pend[sd->npend];

		if (dm_pop(&sd->dm, c) != 0)
			break;
		CHECK(c->n == 1 && (c->d[0].flags & 2), "chain of %u", c->n);
		sd->npend++;
	}
}

/* Packed: spoil the flags of the slot just written, at times. */
static void
dev_tear(struct side *sd, uint16_t slot, uint64_t *s)
{
	struct vring_packed_desc *d = sd->dm.desc;
	uint16_t both = VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED;

	if (sd->torn >= 0 || rndn(s, 30) != 0)
		return;
	sd->torn = slot;
	sd->torn_flags = d[slot].flags;
	/* Torn (AVAIL != USED), or both of the other lap. */
	d[slot].flags ^= rndn(s, 2) ? VRING_PACKED_DESC_F_USED : both;
}

static void
dev_return(struct side *sd, const struct round_conf *rc, uint64_t *s)
{
	bool packed = rc->mode & VIRTNET_VQ_PACKED;
	bool in_order = rc->mode & VIRTNET_VQ_IN_ORDER;
	bool hostile = rc->hostile < 1000;
	uint32_t n = rndn(s, sd->npend + 1), i, j, k, len, id, prev = 0;
	struct dm_chain *c;
	uint16_t slot;

	for (i = 0; i < n && sd->npend > 0; i++) {
		j = in_order ? 0 : rndn(s, sd->npend);
		/* In order, one entry may stand for several chains. */
		k = in_order && rndn(s, 10) == 0 ?
			1 + rndn(s, RTE_MIN(sd->npend, 6u)) : 1;
		c = &sd->pend[j + k - 1];
		len = dev_frame(sd, rc, c, s);
		len = dev_len(len, c, rc, s);
		id = dev_id(sd, c->head, prev, rc, s);
		prev = c->head;
		slot = sd->dm.next_used;
		dm_push(&sd->dm, id, len, (uint16_t)k);
		if (packed && hostile)
			dev_tear(sd, slot, s);
		memmove(&sd->pend[j], &sd->pend[j + k],
			(sd->npend - j - k) * sizeof(sd->pend[0]));
		sd->npend -= k;
	}
	if (!packed && hostile && rndn(s, 40 * rc->hostile) == 0)
		dm_set_used_idx(&sd->dm, sd->dm.next_used + 1 + rndn(s, 0x8000));
	dm_publish(&sd->dm);
}

/* Mend torn flags at times: the batch behind them becomes whole. */
static void
dev_mend(struct side *sd, uint64_t *s)
{
	struct vring_packed_desc *d = sd->dm.desc;

	if (sd->torn >= 0 && rndn(s, 3) == 0) {
		__atomic_store_n(&d[sd->torn].flags, sd->torn_flags,
			__ATOMIC_RELEASE);
		sd->torn = -1;
	}
}

static void
dev_step(struct side *sd, const struct round_conf *rc, uint64_t seed)
{
	uint64_t s = seed;

	if (rc->mode & VIRTNET_VQ_PACKED)
		dev_mend(sd, &s);
	dev_pop(sd, &s);
	dev_return(sd, rc, &s);
}

/* Free what the app held, after dirtying what a raw get leaves stale. */
static void
app_release(struct side *sd, uint64_t seed)
{
	uint64_t s = seed;
	unsigned int i;

	for (i = 0; i < sd->nheld; i++) {
		struct rte_mbuf *m = sd->held[i];

		m->ol_flags = rnd(&s) & ~RTE_MBUF_F_EXTERNAL &
			~RTE_MBUF_F_INDIRECT;
		m->packet_type = (uint32_t)rnd(&s);
		m->vlan_tci = (uint16_t)rnd(&s);
		m->hash.rss = (uint32_t)rnd(&s);
		m->data_off = (uint16_t)rndn(&s, RTE_PKTMBUF_HEADROOM);
		rte_pktmbuf_free(m);
	}
	sd->nheld = 0;
}

static bool
same_mbuf(const struct rte_mbuf *a, const struct rte_mbuf *b)
{
	return a->data_off == b->data_off && a->data_len == b->data_len &&
		a->pkt_len == b->pkt_len && a->nb_segs == b->nb_segs &&
		a->port == b->port && a->ol_flags == b->ol_flags &&
		a->vlan_tci == b->vlan_tci &&
		a->packet_type == b->packet_type &&
		a->hash.rss == b->hash.rss && a->next == NULL &&
		b->next == NULL && rte_mbuf_refcnt_read(a) == 1 &&
		rte_mbuf_refcnt_read(b) == 1 &&
		((a->ol_flags & RTE_MBUF_F_RX_LRO) == 0 ||
		 a->tso_segsz == b->tso_segsz) &&
		memcmp(rte_pktmbuf_mtod(a, void *), rte_pktmbuf_mtod(b, void *),
			a->data_len) == 0;
}

/* The ring bookkeeping both queues must share. */
static bool
same_vq(const struct virtnet_vq *a, const struct virtnet_vq *b)
{
	uint16_t i;

	if (a->num_free != b->num_free || a->free_head != b->free_head ||
	    a->avail_idx != b->avail_idx || a->avail_pub != b->avail_pub ||
	    a->last_used != b->last_used || a->used_cached != b->used_cached ||
	    a->avail_flags != b->avail_flags ||
	    a->kick_added != b->kick_added ||
	    a->inorder_next != b->inorder_next ||
	    a->batch_last != b->batch_last || a->in_batch != b->in_batch ||
	    a->used_wrap != b->used_wrap || a->fault != b->fault ||
	    memcmp(&a->err, &b->err, sizeof(a->err)) != 0)
		return false;
	for (i = 0; i < a->size; i++)
		if ((a->extra[i].cookie == NULL) != (b->extra[i].cookie == NULL) ||
		    a->extra[i].in_len != b->extra[i].in_len ||
		    a->extra[i].ndescs != b->extra[i].ndescs ||
		    a->extra[i].next != b->extra[i].next)
			return false;
	return true;
}

/* Both sides after one burst; false stops the round. */
static bool
compare(struct rte_mbuf **pa, struct rte_mbuf **pb, uint16_t na, uint16_t nb,
		unsigned int step)
{
	struct side *a = &sides[0], *b = &sides[1];
	uint16_t i;

	CHECK_GOTO(na == nb, bad, "step %u: scalar %u, vector %u packets",
		step, na, nb);
	for (i = 0; i < na; i++)
		CHECK_GOTO(same_mbuf(pa[i], pb[i]), bad,
			"step %u: packet %u of %u differs (len %u/%u flags 0x%" PRIx64 "/0x%" PRIx64 ")",
			step, i, na, pa[i]->pkt_len, pb[i]->pkt_len,
			pa[i]->ol_flags, pb[i]->ol_flags);
	CHECK_GOTO(memcmp(&a->rxq.stats, &b->rxq.stats,
		sizeof(a->rxq.stats)) == 0 && a->nombuf == b->nombuf &&
		a->kicks == b->kicks, bad,
		"step %u: counters differ: packets %" PRIu64 "/%" PRIu64 " errors %" PRIu64 "/%" PRIu64 " nombuf %" PRIu64 "/%" PRIu64,
		step, a->rxq.stats.packets, b->rxq.stats.packets,
		a->rxq.stats.errors, b->rxq.stats.errors, a->nombuf, b->nombuf);
	CHECK_GOTO(same_vq(a->vq, b->vq), bad,
		"step %u: ring state differs (fault %u/%u free %u/%u used %u/%u)",
		step, a->vq->fault, b->vq->fault, a->vq->num_free,
		b->vq->num_free, a->vq->last_used, b->vq->last_used);
	CHECK_GOTO(rte_mempool_avail_count(a->mp) ==
		rte_mempool_avail_count(b->mp), bad,
		"step %u: mempool %u/%u", step, rte_mempool_avail_count(a->mp),
		rte_mempool_avail_count(b->mp));
	return true;
bad:
	return false;
}

/* Hand what a burst returned to the app; a full hand releases all. */
static void
app_hold(struct side *sd, struct rte_mbuf **p, uint16_t n, uint64_t seed)
{
	uint16_t i;

	if (sd->nheld + n > MAX_HELD)
		app_release(sd, seed);
	for (i = 0; i < n; i++)
		sd->held[sd->nheld++] = p[i];
}

/* @return the bursts where the vector path delivered anything. */
static unsigned int
run_round(const struct virtnet_path *sp, const struct virtnet_path *vp,
		const struct round_conf *rc, uint64_t seed)
{
	struct rte_mbuf *pa[64], *pb[64];
	unsigned int step, busy = 0;
	uint64_t s = seed;
	uint16_t na, nb, want;
	bool strip = false;
	int k;

	pool_name_seq++;
	for (k = 0; k < 2; k++)
		CHECK_GOTO(side_up(&sides[k], k, rc) == 0, out, "queue setup");
	for (step = 0; step < STEPS; step++) {
		uint64_t ds = rnd(&s), rs = rnd(&s);

		dev_step(&sides[0], rc, ds);
		dev_step(&sides[1], rc, ds);
		if (rndn(&s, 16) == 0)
			strip = !strip;
		sides[0].rxq.vlan_strip = sides[1].rxq.vlan_strip = strip;
		want = (uint16_t)(1 + rndn(&s, rndn(&s, 2) ? 64 : 8));
		na = sp->rx(&sides[0].rxq, pa, want);
		nb = vp->rx(&sides[1].rxq, pb, want);
		busy += nb > 0;
		for (k = 0; k < nb; k++) {
			cov.vlan += !!(pb[k]->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED);
			cov.csum += !!(pb[k]->ol_flags & (RTE_MBUF_F_RX_L4_CKSUM_MASK |
				RTE_MBUF_F_RX_LRO));
		}
		if (!compare(pa, pb, na, nb, step))
			break;
		app_hold(&sides[0], pa, na, rs);
		app_hold(&sides[1], pb, nb, rs);
		if (rndn(&s, 4) == 0) {
			app_release(&sides[0], rs);
			app_release(&sides[1], rs);
		}
		if (virtnet_vq_broken(sides[0].vq))
			break;
	}
out:
	for (k = 0; k < 2; k++)
		side_down(&sides[k]);
	return busy;
}

static void
run_mode(uint32_t mode, uint64_t features, const uint16_t *sizes,
		unsigned int nsizes)
{
	const struct virtnet_path *sp, *vp;
	struct round_conf rc;
	unsigned int r, busy = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ mode;

	sp = virtnet_path_select(virtnet_rx_paths, features, 0, 0);
	vp = virtnet_path_select(virtnet_rx_paths, features, 0,
		virtnet_simd_width());
	CHECK_GOTO(sp != NULL && vp != NULL, out, "no path");
	if (vp->simd == 0) {
		printf("    no vector path for \"%s\" on this CPU: skipped\n",
			sp->name);
		return;
	}
	printf("    \"%s\" against \"%s\"\n", vp->name, sp->name);
	memset(&cov, 0, sizeof(cov));
	for (r = 0; r < ROUNDS && t_case_failed == 0; r++) {
		rc.mode = mode;
		rc.size = sizes[r % nsizes];
		rc.hdr = r % 5 == 4 ? sizeof(struct virtio_net_hdr) :
			sizeof(struct virtio_net_hdr_mrg_rxbuf);
		rc.ol_hdr = r % 3 == 1;
		/* A third of the rounds well behaved, the rest hostile. */
		rc.hostile = r % 3 == 0 ? 1000000 : 20 + 60 * (r % 4);
		busy += run_round(sp, vp, &rc, seed + r);
	}
	printf("    %u rounds: %" PRIu64 " packets (%" PRIu64 " VLAN stripped, %" PRIu64 " with offload flags), %" PRIu64 " dropped, %" PRIu64 " nombuf; faults: id %" PRIu64 " len %" PRIu64 " used index %" PRIu64 "\n",
		r, cov.packets, cov.vlan, cov.csum, cov.errors, cov.nombuf,
		cov.faults.bad_id, cov.faults.bad_len, cov.faults.bad_used_idx);
	CHECK(busy > ROUNDS * 10, "the vector path delivered in %u bursts only",
		busy);
out:
	return;
}

static const uint16_t split_sizes[] = { 256, 64, 32, 1024 };
static const uint16_t packed_sizes[] = { 256, 254, 37, 255, 64 };

#define PACKED	F(VIRTIO_F_RING_PACKED)
#define IO	F(VIRTIO_F_IN_ORDER)

static void
test_packed_in_order(void)
{
	run_mode(VIRTNET_VQ_PACKED | VIRTNET_VQ_IN_ORDER, PACKED | IO,
		packed_sizes, RTE_DIM(packed_sizes));
}

static void
test_packed(void)
{
	run_mode(VIRTNET_VQ_PACKED, PACKED, packed_sizes,
		RTE_DIM(packed_sizes));
}

static void
test_split_in_order(void)
{
	run_mode(VIRTNET_VQ_IN_ORDER, IO, split_sizes, RTE_DIM(split_sizes));
}

static void
test_split(void)
{
	run_mode(0, 0, split_sizes, RTE_DIM(split_sizes));
}

/*
 * Hash reports (HASH_REPORT's 20-byte header) on the scalar path of each
 * layout, mergeable or not: the hash reaches the mbuf only for a report
 * of a type the port configured (TCPv4 and UDPv4 here); none, another
 * type or one out of range leaves it out. The frame starts after the
 * larger header.
 */
static const struct {
	uint16_t report;
	bool taken;
} hash_cases[] = {
	{ VIRTIO_NET_HASH_REPORT_NONE, false }, { 1, false }, { 2, true },
	{ 3, true }, { 4, false }, { 9, false }, { 10, false },
	{ 0xffff, false },
};

static void
hash_mode(uint32_t mode, uint64_t features)
{
	const struct virtnet_path *p = virtnet_path_select(virtnet_rx_paths,
		features, 0, virtnet_simd_width());
	struct virtio_net_hdr_v1_hash h;
	struct round_conf rc = { .mode = mode, .size = 64,
		.hdr = sizeof(h), .hostile = 1000000 };
	uint8_t buf[sizeof(h) + 64];
	struct rte_mbuf *pkts[RTE_DIM(hash_cases)];
	struct side *sd = &sides[0];
	unsigned int i, n, taken = 0;

	CHECK_GOTO(p != NULL && p->simd == 0, out, "path for 0x%" PRIx64 ": %s",
		features, p != NULL ? p->name : "none");
	CHECK_GOTO(side_up(sd, 0, &rc) == 0, out, "side up");
	sd->rxq.rss_hash = true;
	sd->rxq.hash_types = VIRTIO_NET_RSS_HASH_TYPE_TCPv4 |
		VIRTIO_NET_RSS_HASH_TYPE_UDPv4;
	for (i = 0; i < RTE_DIM(hash_cases); i++) {
		struct dm_chain c;

		CHECK_GOTO(dm_pop(&sd->dm, &c) == 0, down, "chain %u", i);
		memset(&h, 0, sizeof(h));
		h.hdr.num_buffers = 1;
		h.hash_report = hash_cases[i].report;
		h.hash_value = 0x5a000000u + i;
		memcpy(buf, &h, sizeof(h));
		memset(buf + sizeof(h), 0x40 + i, 64);
		dm_write_chain(&c, buf, sizeof(buf));
		dm_push(&sd->dm, c.head, sizeof(buf), 1);
	}
	dm_publish(&sd->dm);
	n = p->rx(&sd->rxq, pkts, RTE_DIM(pkts));
	CHECK_GOTO(n == RTE_DIM(hash_cases), down, "\"%s\": %u of %zu frames",
		p->name, n, RTE_DIM(hash_cases));
	for (i = 0; i < n; i++) {
		bool has = pkts[i]->ol_flags & RTE_MBUF_F_RX_RSS_HASH;

		CHECK(has == hash_cases[i].taken &&
			(!has || pkts[i]->hash.rss == 0x5a000000u + i) &&
			pkts[i]->pkt_len == 64 &&
			*rte_pktmbuf_mtod(pkts[i], uint8_t *) == 0x40 + i,
			"\"%s\" report %u: flag %d hash 0x%x len %u byte 0x%x",
			p->name, hash_cases[i].report, has, pkts[i]->hash.rss,
			pkts[i]->pkt_len, *rte_pktmbuf_mtod(pkts[i], uint8_t *));
		taken += has;
		rte_pktmbuf_free(pkts[i]);
	}
	printf("    \"%s\": %u of %u reports taken\n", p->name, taken, n);
down:
	side_down(sd);
out:
	return;
}

#define HASH	F(VIRTIO_NET_F_HASH_REPORT)
#define MRG	F(VIRTIO_NET_F_MRG_RXBUF)

static void
test_hash_report(void)
{
	static const uint32_t modes[] = { 0, VIRTNET_VQ_IN_ORDER,
		VIRTNET_VQ_PACKED, VIRTNET_VQ_PACKED | VIRTNET_VQ_IN_ORDER };
	unsigned int i;

	for (i = 0; i < RTE_DIM(modes); i++) {
		uint64_t f = HASH | ((modes[i] & VIRTNET_VQ_PACKED) ? PACKED : 0) |
			((modes[i] & VIRTNET_VQ_IN_ORDER) ? IO : 0);

		hash_mode(modes[i], f);
		hash_mode(modes[i], f | MRG);
	}
}

/* The four mergeable scalar paths, each with its ring mode. */
static void
for_mrg_modes(void (*fn)(uint32_t mode, uint64_t features))
{
	fn(0, MRG);
	fn(VIRTNET_VQ_IN_ORDER, MRG | IO);
	fn(VIRTNET_VQ_PACKED, MRG | PACKED);
	fn(VIRTNET_VQ_PACKED | VIRTNET_VQ_IN_ORDER, MRG | PACKED | IO);
}

/* Side 0 on the scalar path of @p features: a mergeable header, 64 slots. */
static const struct virtnet_path *
mrg_side_up(struct side *sd, uint32_t mode, uint64_t features)
{
	const struct virtnet_path *p = virtnet_path_select(virtnet_rx_paths,
		features, 0, virtnet_simd_width());
	struct round_conf rc = { .mode = mode, .size = 64,
		.hdr = sizeof(struct virtio_net_hdr_mrg_rxbuf),
		.hostile = 1000000 };

	memset(sd, 0, sizeof(*sd));	/* side_down() after a failure */
	if (p == NULL || p->simd != 0 || side_up(sd, 0, &rc) != 0)
		return NULL;
	return p;
}

#define NO_HDR	UINT16_MAX	/* a later buffer of a packet: no header */

/*
 * The device uses @p n buffers: bytes 0x40 + i, lengths @p lens, a header
 * with num_buffers @p nbufs[i] unless NO_HDR, and then the VLAN @p tag
 * (if not NULL) at byte 12 of the frame.
 */
static int
post_mrg(struct side *sd, unsigned int n, const uint32_t *lens,
		const uint16_t *nbufs, const uint8_t *tag)
{
	struct virtio_net_hdr_mrg_rxbuf h;
	uint8_t buf[sizeof(h) + 64];
	struct dm_chain c;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (dm_pop(&sd->dm, &c) != 0)
			return -1;
		memset(buf, 0x40 + i, sizeof(buf));
		memset(&h, 0, sizeof(h));
		h.num_buffers = nbufs[i];
		if (nbufs[i] != NO_HDR) {
			memcpy(buf, &h, sizeof(h));
			if (tag != NULL)
				memcpy(buf + sizeof(h) + 12, tag, 4);
		}
		dm_write_chain(&c, buf, lens[i]);
		dm_push(&sd->dm, c.head, lens[i], 1);
	}
	dm_publish(&sd->dm);
	return 0;
}

/*
 * VLAN strip with mergeable buffers (audit F6): a device may end the
 * first buffer 16 bytes into a tagged frame, inside the tag. That frame
 * is left tagged and whole (stripping would read the tag past the
 * segment and leave a head shorter than an Ethernet header); a frame
 * whose first buffer holds the tag is stripped.
 */
static void
vlan_mode(uint32_t mode, uint64_t features)
{
	static const uint8_t tag[4] = { 0x81, 0x00, 0x0a, 0xbc };
	const uint32_t hdr = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	const uint32_t lens[3] = { hdr + 16, 50, hdr + 64 };
	const uint16_t nbufs[3] = { 2, NO_HDR, 1 };
	struct side *sd = &sides[0];
	const struct virtnet_path *p = mrg_side_up(sd, mode, features);
	struct rte_mbuf *pkts[2], *m;
	unsigned int n;

	CHECK_GOTO(p != NULL, down, "path and side");
	sd->rxq.vlan_strip = true;
	CHECK_GOTO(post_mrg(sd, 3, lens, nbufs, tag) == 0, down, "chains");
	n = p->rx(&sd->rxq, pkts, RTE_DIM(pkts));
	CHECK_GOTO(n == 2, down, "\"%s\": %u frames", p->name, n);
	m = pkts[0];
	CHECK(m->pkt_len == 66 && m->nb_segs == 2 && m->data_len == 16 &&
		!(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) &&
		memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 12), tag, 4) == 0,
		"\"%s\" tag split by the first buffer: len %u segs %u head %u flags 0x%" PRIx64,
		p->name, m->pkt_len, m->nb_segs, m->data_len, m->ol_flags);
	m = pkts[1];
	CHECK(m->pkt_len == 60 && (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) &&
		m->vlan_tci == 0x0abc,
		"\"%s\" whole tag: len %u tci 0x%x flags 0x%" PRIx64, p->name,
		m->pkt_len, m->vlan_tci, m->ol_flags);
	rte_pktmbuf_free_bulk(pkts, n);
down:
	side_down(sd);
}

static void
test_vlan_short_head(void)
{
	for_mrg_modes(vlan_mode);
}

/*
 * A mergeable packet whose middle buffer has length 0 (audit note): the
 * whole packet goes, its last buffer with it, although that buffer looks
 * like a packet of its own (a header with num_buffers 1); the packet
 * after it arrives whole; one error.
 */
static void
broken_merge_mode(uint32_t mode, uint64_t features)
{
	const uint32_t hdr = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	const uint32_t lens[4] = { hdr + 64, 0, hdr + 64, hdr + 60 };
	const uint16_t nbufs[4] = { 3, NO_HDR, 1, 1 };
	struct side *sd = &sides[0];
	const struct virtnet_path *p = mrg_side_up(sd, mode, features);
	struct rte_mbuf *pkts[4];
	unsigned int n;

	CHECK_GOTO(p != NULL, down, "path and side");
	CHECK_GOTO(post_mrg(sd, 4, lens, nbufs, NULL) == 0, down, "chains");
	n = p->rx(&sd->rxq, pkts, RTE_DIM(pkts));
	CHECK(n == 1 && pkts[0]->pkt_len == 60 && pkts[0]->nb_segs == 1 &&
		*rte_pktmbuf_mtod(pkts[0], uint8_t *) == 0x43 &&
		sd->rxq.stats.errors == 1 && !virtnet_vq_broken(sd->vq),
		"\"%s\": %u frames (first %u B of 0x%02x), %" PRIu64 " errors",
		p->name, n, n ? pkts[0]->pkt_len : 0,
		n ? *rte_pktmbuf_mtod(pkts[0], uint8_t *) : 0,
		sd->rxq.stats.errors);
	rte_pktmbuf_free_bulk(pkts, n);
down:
	side_down(sd);
}

static void
test_merge_broken(void)
{
	for_mrg_modes(broken_merge_mode);
}

int
main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0) {
		printf("EAL init failed\n0 passed, 1 failed\n");
		return 1;
	}
	/* As --force-max-simd-bitwidth=512: the AVX512 paths too. */
	rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_512);
	RUN(test_packed_in_order);
	RUN(test_packed);
	RUN(test_split_in_order);
	RUN(test_split);
	RUN(test_hash_report);
	RUN(test_vlan_short_head);
	RUN(test_merge_broken);
	TEST_SUMMARY();
	rte_eal_cleanup();
	return t_failed ? 1 : 0;
}
