/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * The vector Tx paths against the scalar ones. Two queues set up alike,
 * each with its own mempool, ring and device side (tests/devmodel.c, the
 * unit tests' device written from the spec): the same packets, made alike
 * in both pools, go to the scalar burst on one and to the vector burst on
 * the other; then the device side writes the same completions into both,
 * hostile ones included (ids out of range, not in flight, repeated, the
 * wrong wrap, flags torn across a line, in-order batch entries). After
 * every step both must agree on what the device reads (descriptors with
 * addresses relative to their mbuf, net headers, frame bytes), on what
 * the burst returned and on the driver's state: counters (the xstats
 * fields too), faults, free slots and ids, cookies and mempool levels.
 *
 * Runs without hugepages or shared config (--no-huge --no-shconf); skipped
 * (77) on a build or CPU without the AVX512 paths.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_cpuflags.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_vect.h>

#include "virtnet_rxtx.h"
#include "devmodel.h"
#include "test_common.h"

TEST_GLOBALS;

#define F(bit)		(1ULL << (bit))
#define NB_MBUF		4095
#define MAX_BURST	40
#define MAX_OUT		1024	/* chains the device holds */
#define SERIALS		(1u << 20)
/*
 * Entries past the end of the driver's bookkeeping that look like a chain
 * in flight: a vector path that took an id out of range would take them.
 */
#define DECOYS		128u

/* What a test packet is, made alike on both sides. */
enum kind {
	K_PLAIN, K_CHAIN, K_HEAD1, K_CSUM, K_TSO, K_VLAN, K_SHARED,
	K_SHARED_VLAN, K_INDIRECT, K_NOROOM, K_ODD, K_SEGS65, K_MAX
};

struct pkt_spec {
	enum kind kind;
	uint16_t len;
	uint8_t segs;
	uint8_t dst;	/* 0 unicast, 1 multicast, 2 broadcast, 3-4 near it */
	uint32_t serial;
};

struct side {
	struct virtnet_txq txq;
	struct virtnet_vq *vq;
	void *ring;
	struct virtnet_tx_slot *slots;
	size_t slots_len;
	struct rte_mempool *mp;
	uintptr_t *objs;	/* the pool's objects, sorted */
	uint32_t *owner;	/* by object: serial << 8 | segment */
	unsigned int nobj;
	struct devmodel dm;
	struct virtnet_transport tp;
	const struct virtnet_path *path;
	struct rte_mbuf *held[MAX_BURST];	/* the test's own references */
	uint64_t notified;
};

/* One scenario: ring, features, what the device does wrong. */
enum hostile {
	H_NONE, H_RANGE, H_NOT_IN_FLIGHT, H_REPEAT, H_WRONG_WRAP, H_TORN,
	H_AVAIL_ONLY, H_MAX
};

static const char *const hostile_name[H_MAX] = {
	"none", "id out of range", "id not in flight", "id repeated",
	"wrong wrap", "torn flags", "available, not used",
};

struct scenario {
	bool in_order;
	bool indirect;
	bool ol_hdr;
	uint16_t size;
	enum hostile hostile;
	unsigned int rounds;
};

/* The device's chains not yet completed, oldest first. */
struct outstanding {
	uint16_t id[MAX_OUT];
	uint16_t descs[MAX_OUT];
	unsigned int n;
};

static const volatile bool not_halted;
static struct rte_mbuf *decoy;
static uint64_t rng_state;
static uint32_t next_serial;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static void
t_notify(void *t, uint16_t qid __rte_unused, uint16_t next __rte_unused)
{
	((struct side *)t)->notified++;
}

static const struct virtnet_transport_ops t_ops = {
	.name = "test",
	.notify = t_notify,
};

static void
collect_obj(struct rte_mempool *mp __rte_unused, void *arg, void *obj,
		unsigned int idx __rte_unused)
{
	struct side *s = arg;

	s->objs[s->nobj++] = (uintptr_t)obj;
}

static int
cmp_uptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* The pool object holding @p addr, or -1. */
static int
obj_of(const struct side *s, uintptr_t addr)
{
	unsigned int lo = 0, hi = s->nobj;

	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if (s->objs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (addr < s->objs[lo] ||
	    addr >= s->objs[lo] + s->mp->header_size + s->mp->elt_size)
		return -1;
	return (int)lo;
}

/*
 * An address as both sides can compare it: the packet and segment whose
 * buffer holds it and the offset there, or the offset in the Tx slots.
 */
static uint64_t
norm(const struct side *s, uint64_t addr)
{
	int o = obj_of(s, (uintptr_t)addr);

	if (o >= 0)
		return (uint64_t)s->owner[o] << 32 | (addr - s->objs[o]);
	if (addr >= (uintptr_t)s->slots &&
	    addr < (uintptr_t)s->slots + s->slots_len)
		return 1ULL << 63 | (addr - (uintptr_t)s->slots);
	return 1ULL << 62 | addr;
}

static int
side_init(struct side *s, const char *name, const struct scenario *sc,
		uint16_t simd)
{
	uint64_t features = F(VIRTIO_F_RING_PACKED) | F(VIRTIO_F_VERSION_1) |
		(sc->in_order ? F(VIRTIO_F_IN_ORDER) : 0);
	uint32_t mode = VIRTNET_VQ_PACKED |
		(sc->in_order ? VIRTNET_VQ_IN_ORDER : 0);
	size_t rs = RTE_ALIGN(virtnet_vq_ring_size(sc->size, true), 4096);
	uint64_t d, drv, dev;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->path = virtnet_path_select(virtnet_tx_paths, features, 0, simd);
	s->ring = aligned_alloc(4096, rs);
	s->vq = calloc(1, virtnet_vq_struct_size(sc->size) +
		DECOYS * sizeof(s->vq->extra[0]));
	s->slots_len = RTE_ALIGN(sc->size * sizeof(*s->slots), 64);
	s->slots = aligned_alloc(64, s->slots_len);
	s->mp = rte_pktmbuf_pool_create(name, NB_MBUF, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (s->path == NULL || s->ring == NULL || s->vq == NULL ||
	    s->slots == NULL || s->mp == NULL)
		return -1;
	memset(s->ring, 0, rs);
	memset(s->slots, 0, s->slots_len);
	s->objs = calloc(NB_MBUF, sizeof(*s->objs));
	s->owner = calloc(NB_MBUF, sizeof(*s->owner));
	rte_mempool_obj_iter(s->mp, collect_obj, s);
	qsort(s->objs, s->nobj, sizeof(*s->objs), cmp_uptr);
	virtnet_vq_init(s->vq, 1, sc->size, mode, s->ring, (uintptr_t)s->ring);
	for (i = sc->size; i < sc->size + DECOYS; i++) {
		s->vq->extra[i].cookie = decoy;
		s->vq->extra[i].ndescs = 1;
	}
	s->tp.ops = &t_ops;
	s->tp.priv = s;
	s->txq.vq = s->vq;
	s->txq.tp = &s->tp;
	s->txq.guard.halted = &not_halted;
	s->txq.use_va = true;
	s->txq.ol_hdr = sc->ol_hdr;
	s->txq.tso = true;
	s->txq.uso = true;
	s->txq.indirect = sc->indirect;
	s->txq.hdr_size = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	s->txq.slots = s->slots;
	s->txq.slots_addr = (uintptr_t)s->slots;
	virtnet_vq_addrs(s->vq, &d, &drv, &dev);
	dm_init(&s->dm, sc->size, true, d, drv, dev);
	return 0;
}

static void
side_fini(struct side *s)
{
	struct rte_mbuf *m;

	if (s->vq != NULL)
		while ((m = virtnet_vq_detach_unused(s->vq)) != NULL)
			rte_pktmbuf_free(m);
	CHECK(rte_mbuf_refcnt_read(decoy) == 1000, "decoy taken");
	CHECK(s->mp == NULL || rte_mempool_avail_count(s->mp) == NB_MBUF,
		"%s: %u of %u mbufs back", s->path ? s->path->name : "?",
		s->mp ? rte_mempool_avail_count(s->mp) : 0, NB_MBUF);
	rte_mempool_free(s->mp);
	free(s->objs);
	free(s->owner);
	free(s->slots);
	free(s->vq);
	free(s->ring);
}

static void
own(struct side *s, const struct rte_mbuf *m, uint32_t serial, uint32_t seg)
{
	int o = obj_of(s, (uintptr_t)m);

	if (o >= 0)
		s->owner[o] = serial << 8 | seg;
}

/* Segment @p seg of a frame: @p len bytes from @p off of its pattern. */
static struct rte_mbuf *
make_seg(struct side *s, const struct pkt_spec *p, uint32_t off, uint32_t len,
		uint32_t seg)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->mp);
	uint8_t *d;
	uint32_t i;

	if (m == NULL)
		return NULL;
	own(s, m, p->serial, seg);
	d = (uint8_t *)rte_pktmbuf_append(m, len);
	for (i = 0; i < len; i++)
		d[i] = (uint8_t)(p->serial * 7 + off + i);
	if (off == 0 && len >= 6) {
		d[0] = p->dst == 0 ? 0x02 : 0x01;
		if (p->dst >= 2)
			memset(d, 0xff, 6);
		if (p->dst >= 3)	/* multicast, one bit short of broadcast */
			d[p->dst == 3 ? 5 : 4] = 0xfe;
	}
	return m;
}

/* The frame's bytes in @p segs mbufs, the first @p first bytes long. */
static struct rte_mbuf *
make_frame(struct side *s, const struct pkt_spec *p, uint32_t first)
{
	uint32_t per, off = first, seg = 1;
	struct rte_mbuf *h, *m;

	h = make_seg(s, p, 0, first, 0);
	if (h == NULL)
		return NULL;
	per = p->segs > 1 ? (p->len - first + p->segs - 2) / (p->segs - 1) : 0;
	while (off < p->len) {
		m = make_seg(s, p, off, RTE_MIN(per, p->len - off), seg++);
		if (m == NULL || rte_pktmbuf_chain(h, m) != 0) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(h);
			return NULL;
		}
		off += m->data_len;
	}
	return h;
}

/* Move the data of a one-segment mbuf to headroom @p room. */
static void
set_headroom(struct rte_mbuf *m, uint16_t room)
{
	memmove((char *)m->buf_addr + room, rte_pktmbuf_mtod(m, char *),
		m->data_len);
	m->data_off = room;
}

static struct rte_mbuf *
make_pkt(struct side *s, const struct pkt_spec *p, unsigned int slot)
{
	uint32_t first = p->kind == K_HEAD1 ? 1 :
		p->segs > 1 ? p->len / p->segs : p->len;
	struct rte_mbuf *m = make_frame(s, p, first), *c;

	if (m == NULL)
		return NULL;
	switch (p->kind) {
	case K_CSUM:
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		m->l2_len = 14;
		m->l3_len = 20;
		break;
	case K_TSO:
		m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_SEG;
		m->l2_len = 14;
		m->l3_len = 40;
		m->l4_len = 20;
		m->tso_segsz = 1000;
		break;
	case K_SHARED_VLAN:
	case K_VLAN:
		m->ol_flags |= RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = (uint16_t)p->serial;
		if (p->kind == K_VLAN)
			break;
		/* fall through */
	case K_SHARED:
		rte_mbuf_refcnt_update(m, 1);
		s->held[slot] = m;
		break;
	case K_INDIRECT:
		c = rte_pktmbuf_clone(m, s->mp);
		if (c != NULL)
			own(s, c, p->serial, 0xff);
		rte_pktmbuf_free(m);	/* the clone holds it */
		return c;
	case K_NOROOM:
		set_headroom(m, 6);
		break;
	case K_ODD:
		set_headroom(m, RTE_PKTMBUF_HEADROOM - 1);
		break;
	default:
		break;
	}
	return m;
}

/*
 * Lengths the tally must tell apart: both sides of each size bin edge,
 * empty frames and frames under 8 bytes (counted as unicast whatever
 * their first byte), plain; past one mbuf's room, chained.
 */
static const uint16_t edge_len[] = {
	0, 1, 5, 6, 7, 8, 14, 63, 64, 65, 127, 128, 255, 256, 511, 512, 1023,
	1024, 1518, 1519, 1900, 9000
};
#define ONE_MBUF_MAX	1900

/* Mostly plain frames, as an app sends; each odd kind now and then. */
static void
make_specs(struct pkt_spec *p, unsigned int n)
{
	unsigned int i, r;

	for (i = 0; i < n; i++) {
		r = rnd(100);
		p[i].kind = r < 70 ? K_PLAIN : (enum kind)(1 + rnd(K_MAX - 1));
		if (p[i].kind == K_SEGS65 && rnd(8) != 0)
			p[i].kind = K_PLAIN;	/* 66 mbufs: rarely */
		p[i].len = 60 + rnd(1518 - 60 + 1);
		if (rnd(3) == 0) {
			p[i].len = edge_len[rnd(RTE_DIM(edge_len))];
			if (p[i].len < 60)
				p[i].kind = K_PLAIN;
			else if (p[i].len > ONE_MBUF_MAX)
				p[i].kind = K_CHAIN;
		}
		p[i].segs = p[i].kind == K_CHAIN ?
			(p[i].len > ONE_MBUF_MAX ? 8 : 2) + rnd(20) :
			p[i].kind == K_HEAD1 ? 2 :
			p[i].kind == K_SEGS65 ? 65 : 1;
		if (p[i].segs > 1 && p[i].len < 2 * p[i].segs)
			p[i].len = 2 * p[i].segs;
		p[i].dst = (uint8_t)rnd(5);
		p[i].serial = next_serial++ % SERIALS;
	}
}

/* The device's view of one chain, compared across the sides. */
static void
check_chains(struct side *a, struct side *b, struct outstanding *out)
{
	static uint8_t ba[1 << 17], bb[1 << 17];
	struct dm_chain ca, cb;
	uint32_t la, lb;
	int ra, rb;
	uint16_t i;

	for (;;) {
		ra = dm_pop(&a->dm, &ca);
		rb = dm_pop(&b->dm, &cb);
		CHECK_GOTO(ra == rb, out, "device pop %d / %d", ra, rb);
		if (ra != 0)
			break;
		CHECK_GOTO(ca.head == cb.head && ca.n == cb.n &&
			ca.ring_descs == cb.ring_descs &&
			ca.indirect == cb.indirect, out,
			"chain id %u/%u n %u/%u descs %u/%u indirect %d/%d",
			ca.head, cb.head, ca.n, cb.n, ca.ring_descs,
			cb.ring_descs, ca.indirect, cb.indirect);
		for (i = 0; i < ca.n; i++)
			CHECK(ca.d[i].len == cb.d[i].len &&
				ca.d[i].flags == cb.d[i].flags &&
				norm(a, ca.d[i].addr) == norm(b, cb.d[i].addr),
				"chain %u desc %u: len %u/%u flags 0x%x/0x%x addr 0x%" PRIx64 "/0x%" PRIx64,
				ca.head, i, ca.d[i].len, cb.d[i].len,
				ca.d[i].flags, cb.d[i].flags,
				norm(a, ca.d[i].addr), norm(b, cb.d[i].addr));
		la = dm_read_chain(&ca, ba, sizeof(ba));
		lb = dm_read_chain(&cb, bb, sizeof(bb));
		CHECK(la == lb && memcmp(ba, bb, la) == 0,
			"chain %u: %u/%u bytes differ", ca.head, la, lb);
		CHECK_GOTO(out->n < MAX_OUT, out, "device holds too many");
		out->id[out->n] = ca.head;
		out->descs[out->n++] = ca.ring_descs;
	}
out:
	return;
}

/* The driver's state on both sides, all of it the paths may change. */
static void
check_state(const struct side *a, const struct side *b, const char *when)
{
	const struct virtnet_vq *x = a->vq, *y = b->vq;
	const struct vring_packed_desc *da = x->pdesc, *db = y->pdesc;
	uint16_t i;

	CHECK(memcmp(&a->txq.stats, &b->txq.stats, sizeof(a->txq.stats)) == 0,
		"%s: stats differ (packets %" PRIu64 "/%" PRIu64 ", bytes %" PRIu64 "/%" PRIu64 ", errors %" PRIu64 "/%" PRIu64 ", kicks %" PRIu64 "/%" PRIu64 ")",
		when, a->txq.stats.packets, b->txq.stats.packets,
		a->txq.stats.bytes, b->txq.stats.bytes, a->txq.stats.errors,
		b->txq.stats.errors, a->txq.stats.notifications,
		b->txq.stats.notifications);
	CHECK(a->notified == b->notified, "%s: notified %" PRIu64 "/%" PRIu64,
		when, a->notified, b->notified);
	CHECK(memcmp(&x->err, &y->err, sizeof(x->err)) == 0 &&
		x->fault == y->fault, "%s: fault %u/%u", when, x->fault,
		y->fault);
	CHECK(x->num_free == y->num_free && x->free_head == y->free_head &&
		x->avail_idx == y->avail_idx && x->last_used == y->last_used &&
		x->avail_flags == y->avail_flags &&
		x->used_wrap == y->used_wrap && x->kick_added == y->kick_added &&
		x->in_batch == y->in_batch &&
		(!x->in_batch || x->batch_last == y->batch_last) &&
		x->peek_id == y->peek_id,
		"%s: vq free %u/%u head %u/%u avail %u/%u used %u/%u wrap %d/%d batch %d/%d peek %u/%u",
		when, x->num_free, y->num_free, x->free_head, y->free_head,
		x->avail_idx, y->avail_idx, x->last_used, y->last_used,
		x->used_wrap, y->used_wrap, x->in_batch, y->in_batch,
		x->peek_id, y->peek_id);
	CHECK(rte_mempool_avail_count(a->mp) == rte_mempool_avail_count(b->mp),
		"%s: mempool %u/%u", when, rte_mempool_avail_count(a->mp),
		rte_mempool_avail_count(b->mp));
	for (i = 0; i < x->size; i++) {
		CHECK(da[i].len == db[i].len && da[i].id == db[i].id &&
			da[i].flags == db[i].flags,
			"%s: desc %u len %u/%u id %u/%u flags 0x%x/0x%x", when, i,
			da[i].len, db[i].len, da[i].id, db[i].id, da[i].flags,
			db[i].flags);
		CHECK((x->extra[i].cookie == NULL) == (y->extra[i].cookie == NULL) &&
			(x->extra[i].cookie == NULL ||
			 (norm(a, (uintptr_t)x->extra[i].cookie) ==
			  norm(b, (uintptr_t)y->extra[i].cookie) &&
			  x->extra[i].ndescs == y->extra[i].ndescs &&
			  x->extra[i].in_len == y->extra[i].in_len)) &&
			(x->mode & VIRTNET_VQ_IN_ORDER ||
			 x->extra[i].next == y->extra[i].next),
			"%s: id %u bookkeeping differs", when, i);
		if (t_case_failed > 20)
			break;
	}
}

/* One burst of the same packets to both sides. */
static void
send_burst(struct side *a, struct side *b)
{
	struct rte_mbuf *pa[MAX_BURST], *pb[MAX_BURST];
	struct pkt_spec spec[MAX_BURST];
	unsigned int n = rnd(MAX_BURST + 1), i;
	uint16_t sa, sb;

	make_specs(spec, n);
	for (i = 0; i < n; i++) {
		a->held[i] = NULL;
		b->held[i] = NULL;
		pa[i] = make_pkt(a, &spec[i], i);
		pb[i] = make_pkt(b, &spec[i], i);
		CHECK_GOTO(pa[i] != NULL && pb[i] != NULL, out, "mbufs");
	}
	sa = a->path->tx(&a->txq, pa, (uint16_t)n);
	sb = b->path->tx(&b->txq, pb, (uint16_t)n);
	CHECK(sa == sb, "burst of %u: %u / %u taken", n, sa, sb);
	for (i = 0; i < n; i++) {
		if (i >= sa)
			rte_pktmbuf_free(pa[i]);
		if (i >= sb)
			rte_pktmbuf_free(pb[i]);
		rte_pktmbuf_free(a->held[i]);
		rte_pktmbuf_free(b->held[i]);
	}
out:
	return;
}

static void
push_both(struct side *a, struct side *b, uint32_t id, uint16_t descs)
{
	dm_push(&a->dm, id, 0, descs);
	dm_push(&b->dm, id, 0, descs);
}

static void
drop_outstanding(struct outstanding *out, unsigned int j)
{
	memmove(&out->id[j], &out->id[j + 1], (out->n - j - 1) * sizeof(out->id[0]));
	memmove(&out->descs[j], &out->descs[j + 1],
		(out->n - j - 1) * sizeof(out->descs[0]));
	out->n--;
}

/*
 * Complete some of what the device holds. In order, oldest first, one used
 * entry now per chain, now per batch of chains (id of the batch's last,
 * its descriptors skipped); otherwise in any order.
 */
static void
complete(struct side *a, struct side *b, struct outstanding *out, bool in_order)
{
	unsigned int k = rnd(out->n + 1), i, g, sum, j;

	if (!in_order) {
		for (i = 0; i < k; i++) {
			j = rnd(out->n);
			push_both(a, b, out->id[j], out->descs[j]);
			drop_outstanding(out, j);
		}
		return;
	}
	for (i = 0; i < k; i += g) {
		g = rnd(3) == 0 ? 1 + rnd(k - i) : 1;
		for (sum = 0, j = i; j < i + g; j++)
			sum += out->descs[j];
		push_both(a, b, out->id[i + g - 1], (uint16_t)sum);
	}
	for (i = 0; i < k; i++)
		drop_outstanding(out, 0);
}

/* An id no chain in flight has, or the ring size when all are. */
static uint16_t
idle_id(const struct side *s)
{
	uint16_t i;

	for (i = 0; i < s->vq->size; i++)
		if (s->vq->extra[i].cookie == NULL)
			return i;
	return s->vq->size;
}

/* A used entry whose flags are wrong now and right a burst later. */
static int late_pos = -1;
static uint16_t late_flags;

/* Write @p id at the device's next used slot with flags not yet right. */
static void
write_late(struct side *a, struct side *b, uint16_t id, uint16_t descs,
		enum hostile h)
{
	const uint16_t both = VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED;
	uint16_t good = a->dm.used_wrap ? both : 0;
	/*
	 * AVAIL and USED apart: the way round that does not look available
	 * to the device side (devmodel.c) when it comes by in the next lap.
	 */
	uint16_t bad = h == H_WRONG_WRAP ? good ^ both : a->dm.used_wrap ?
		VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED;
	struct side *s[2] = { a, b };
	unsigned int k;

	late_pos = a->dm.next_used;
	late_flags = good;
	for (k = 0; k < 2; k++) {
		s[k]->vq->pdesc[late_pos].id = id;
		if (h != H_TORN)	/* torn: flags still the driver's */
			__atomic_store_n(&s[k]->vq->pdesc[late_pos].flags, bad,
				__ATOMIC_RELEASE);
		s[k]->dm.next_used += descs;
		if (s[k]->dm.next_used >= s[k]->dm.size) {
			s[k]->dm.next_used -= s[k]->dm.size;
			s[k]->dm.used_wrap = !s[k]->dm.used_wrap;
		}
	}
}

/* The late entry's flags made right. */
static void
fix_late(struct side *a, struct side *b)
{
	if (late_pos < 0)
		return;
	__atomic_store_n(&a->vq->pdesc[late_pos].flags, late_flags,
		__ATOMIC_RELEASE);
	__atomic_store_n(&b->vq->pdesc[late_pos].flags, late_flags,
		__ATOMIC_RELEASE);
	late_pos = -1;
}

/*
 * Four used entries, oldest chains first, one of them (@p bad) hostile:
 * an id out of range, an id not in flight, an id of this line again, or
 * right but with flags that are not (yet) right.
 */
static void
inject(struct side *a, struct side *b, struct outstanding *out,
		enum hostile h)
{
	unsigned int bad = rnd(4), j;
	uint16_t first = 0;

	if (h == H_REPEAT && bad == 0)
		bad = 1 + rnd(3);
	for (j = 0; j < 4 && out->n > 0; j++) {
		if (j == 0)
			first = out->id[0];
		if (j != bad) {
			push_both(a, b, out->id[0], out->descs[0]);
		} else if (h == H_RANGE) {
			push_both(a, b, a->vq->size + rnd(100), 1);
			continue;
		} else if (h == H_NOT_IN_FLIGHT) {
			push_both(a, b, idle_id(a), 1);
			continue;
		} else if (h == H_REPEAT) {
			push_both(a, b, first, 1);
			continue;
		} else {
			write_late(a, b, out->id[0], out->descs[0], h);
		}
		drop_outstanding(out, 0);
	}
}

static bool
faulting(enum hostile h)
{
	/* Flags of the wrong lap are no late write: no device may make them. */
	return h == H_RANGE || h == H_NOT_IN_FLIGHT || h == H_REPEAT ||
		h == H_WRONG_WRAP;
}

/* Runs whose queue a fault stopped. */
static unsigned int faults;

static void
run(const struct scenario *sc, uint64_t seed)
{
	struct outstanding out = { .n = 0 };
	static struct side a, b;
	unsigned int r, hit = sc->rounds / 2;
	char when[64];

	rng_state = seed;
	late_pos = -1;
	printf("    %s, ring %u, indirect %d, offload header %d, device: %s, seed %" PRIu64 "\n",
		sc->in_order ? "in order" : "out of order", sc->size,
		sc->indirect, sc->ol_hdr, hostile_name[sc->hostile], seed);
	CHECK_GOTO(side_init(&a, "vtx_a", sc, 0) == 0 &&
		side_init(&b, "vtx_b", sc, RTE_VECT_SIMD_512) == 0, out, "setup");
	CHECK_GOTO(a.path->simd == 0 && b.path->simd == RTE_VECT_SIMD_512, out,
		"paths %s / %s", a.path->name, b.path->name);
	for (r = 0; r < sc->rounds && t_case_failed == 0; r++) {
		send_burst(&a, &b);
		snprintf(when, sizeof(when), "round %u, after the burst", r);
		check_state(&a, &b, when);
		check_chains(&a, &b, &out);
		fix_late(&a, &b);
		/* Faults once (the queue stops); the rest every few bursts. */
		if (sc->hostile != H_NONE &&
		    (faulting(sc->hostile) ? r == hit : rnd(4) == 0))
			inject(&a, &b, &out, sc->hostile);
		else
			complete(&a, &b, &out, sc->in_order);
	}
	/*
	 * An id not in flight when written may be in flight again when read
	 * (the driver reused it): then both take it as that chain's.
	 */
	if (!faulting(sc->hostile))
		CHECK(!virtnet_vq_broken(a.vq) && a.txq.stats.packets > 0,
			"no traffic, or a fault from a sane device");
	faults += virtnet_vq_broken(a.vq);
out:
	side_fini(&a);
	side_fini(&b);
}

static uint64_t base_seed;

static void
test_sane_device(void)
{
	static const uint16_t sizes[] = { 256, 62, 255 };
	struct scenario sc = { .rounds = 600 };
	unsigned int i, v;

	for (i = 0; i < RTE_DIM(sizes); i++)
		for (v = 0; v < 8; v++) {
			sc.size = sizes[i];
			sc.in_order = v & 1;
			sc.indirect = v & 2;
			sc.ol_hdr = v & 4;
			run(&sc, base_seed + i * 8 + v);
		}
}

/* Each kind in both orders, on several seeds: where it lands varies. */
static void
test_hostile_device(void)
{
	struct scenario sc = { .rounds = 200, .size = 64, .ol_hdr = true };
	unsigned int h, v;

	for (h = H_RANGE; h < H_MAX; h++) {
		faults = 0;
		for (v = 0; v < 12; v++) {
			sc.hostile = (enum hostile)h;
			sc.in_order = v & 1;
			sc.indirect = v & 2;
			run(&sc, base_seed + 100 + h * 16 + v);
		}
		if (faulting(sc.hostile))
			CHECK(faults >= 6, "%s: %u of 12 runs saw the fault",
				hostile_name[h], faults);
		else
			CHECK(faults == 0, "%s: %u faults", hostile_name[h],
				faults);
	}
}

static bool
avx512_here(void)
{
#ifdef VIRTNET_AVX512
	return rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512BW) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL) > 0;
#else
	return false;
#endif
}

int
main(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv);

	if (n < 0) {
		printf("EAL init failed\n0 passed, 1 failed\n");
		return 1;
	}
	base_seed = argc - n > 1 ? strtoull(argv[n + 1], NULL, 0) : 20260101;
	decoy = rte_pktmbuf_alloc(rte_pktmbuf_pool_create("vtx_decoy", 63, 0,
		0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY));
	if (decoy == NULL) {
		printf("decoy mbuf\n0 passed, 1 failed\n");
		return 1;
	}
	rte_mbuf_refcnt_set(decoy, 1000);
	if (!avx512_here()) {
		printf("no AVX512 Tx path in this build or on this CPU: skipped\n");
		rte_eal_cleanup();
		return 77;
	}
	RUN(test_sane_device);
	RUN(test_hostile_device);
	TEST_SUMMARY();
	rte_eal_cleanup();
	return t_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
