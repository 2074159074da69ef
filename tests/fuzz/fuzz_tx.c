/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * libFuzzer target: Tx completion. The Tx bursts and tx_done_cleanup of
 * virtnet_rxtx.c (scalar and vector paths) send packets the input shapes
 * (segments, headroom, VLAN insertion, checksum and TSO requests, mbufs
 * the app still holds a reference to) on a ring set up as the unit tests
 * do; the device (tests/devmodel.c) takes chains and writes used entries
 * as the input says: any id, length, count of descriptors, used index or
 * flags. The strict pool aborts on a double free (an mbuf freed while
 * the driver still had it comes back a second time); after the input
 * every mbuf must be back in the pool.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_vect.h>

#include "virtnet_rxtx.h"
#include "devmodel.h"
#include "fuzz_common.h"

#define F(bit)		(1ULL << (bit))
#define MAX_PEND	256
#define MAX_REFS	256
#define MAX_OPS		2048
#define POOL_SIZE	2048

/* First byte of the input. */
#define C_PACKED	0x01
#define C_IN_ORDER	0x02
#define C_EVENT_IDX	0x04
#define C_INDIRECT	0x08
#define C_OL_HDR	0x10
#define C_TSO		0x20
#define C_HASH_HDR	0x40
#define C_VECTOR	0x80

/* Per packet. */
#define P_SEGS		0x03	/* segments - 1 */
#define P_NO_ROOM	0x04	/* headroom too small for the header */
#define P_REF		0x08	/* the app keeps a reference */
#define P_VLAN		0x10
#define P_CSUM		0x20
#define P_TSO		0x40
#define P_MANY		0x80	/* more segments than a packet may have */

enum op {
	OP_POP, OP_RETURN, OP_RAW_PUSH, OP_PUBLISH, OP_USED_IDX, OP_RAW_RING,
	OP_BURST, OP_CLEANUP, OP_EVENT, OP_COUNT, OP_MAX
};

static struct {
	struct virtnet_txq txq;
	struct virtnet_vq *vq;
	void *ring;
	struct devmodel dm;
	eth_tx_burst_t burst;
	struct dm_chain chains[MAX_PEND];	/* popped chains' storage */
	uint16_t pend[MAX_PEND];	/* popped, not returned, oldest first */
	uint16_t spare[MAX_PEND];	/* storage not in use */
	unsigned int npend, nspare;
	struct rte_mbuf *refs[MAX_REFS];
	unsigned int nrefs;
} s;

static struct rte_mempool *mp;
static uint16_t simd_width;	/* virtnet_simd_width(), once */
static const bool halted;
static const uint16_t sizes[8] = { 16, 32, 64, 128, 256, 8, 4, 2 };
static const uint16_t packed_sizes[8] = { 16, 32, 64, 128, 256, 24, 7, 1 };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	fz_eal_init((*argv)[0]);
	mp = fz_pool_create(POOL_SIZE, RTE_MBUF_DEFAULT_DATAROOM);
	simd_width = virtnet_simd_width();
	return 0;
}

static eth_tx_burst_t
pick_path(uint8_t cfg, uint8_t vec)
{
	uint64_t features = F(VIRTIO_F_VERSION_1);
	uint16_t simd = vec ? simd_width : 0;

	if (cfg & C_PACKED)
		features |= F(VIRTIO_F_RING_PACKED);
	if (cfg & C_IN_ORDER)
		features |= F(VIRTIO_F_IN_ORDER);
	if (cfg & C_HASH_HDR)
		features |= F(VIRTIO_NET_F_HASH_REPORT);
	return virtnet_path_select(virtnet_tx_paths, features, 0, simd)->tx;
}

static void
tx_setup(struct fz *f)
{
	uint8_t cfg = fz_u8(f), cfg2 = fz_u8(f);
	bool packed = cfg & C_PACKED;
	uint16_t size = packed ? packed_sizes[cfg2 & 7] : sizes[cfg2 & 7];
	uint32_t mode = 0, slot;
	uint64_t d, dr, dv;

	memset(&s.txq, 0, sizeof(s.txq));
	s.npend = 0;
	for (s.nspare = 0; s.nspare < MAX_PEND; s.nspare++)
		s.spare[s.nspare] = (uint16_t)s.nspare;
	s.nrefs = 0;
	mode |= packed ? VIRTNET_VQ_PACKED : 0;
	mode |= cfg & C_IN_ORDER ? VIRTNET_VQ_IN_ORDER : 0;
	mode |= cfg & C_EVENT_IDX ? VIRTNET_VQ_EVENT_IDX : 0;
	s.burst = pick_path(cfg, cfg & C_VECTOR);
	slot = (packed ? 8 : 0) + (cfg2 & 7);
	s.vq = fz_zalloc_cached(slot, virtnet_vq_struct_size(size));
	s.ring = fz_zalloc_cached(16 + slot, virtnet_vq_ring_size(size, packed));
	s.txq.slots = fz_zalloc_cached(32 + slot, sizeof(*s.txq.slots) * size);
	virtnet_vq_init(s.vq, 1, size, mode, s.ring, (uint64_t)(uintptr_t)s.ring);
	s.txq.vq = s.vq;
	s.txq.tp = &fz_quiet_tp;
	s.txq.guard.halted = &halted;
	s.txq.use_va = true;
	s.txq.ol_hdr = cfg & C_OL_HDR;
	s.txq.tso = cfg & C_TSO;
	s.txq.uso = cfg2 & 0x80;
	s.txq.indirect = cfg & C_INDIRECT;
	s.txq.hdr_size = cfg & C_HASH_HDR ?
		sizeof(struct virtio_net_hdr_v1_hash) :
		(cfg2 & 0x40 ? VIRTIO_NET_HDR_LEGACY_LEN :
		 sizeof(struct virtio_net_hdr_mrg_rxbuf));
	s.txq.slots_addr = (uint64_t)(uintptr_t)s.txq.slots;
	virtnet_vq_addrs(s.vq, &d, &dr, &dv);
	dm_init(&s.dm, size, packed, d, dr, dv);
}

/* One segment of @p len bytes; a frame's head when @p head. */
static struct rte_mbuf *
make_seg(struct fz *f, uint16_t len, bool no_room)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;

	if (m == NULL)
		return NULL;
	if (no_room)
		m->data_off = (fz_u8(f) % 8) * 2;	/* even: DPDK's own inlines want it */
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, len);
	p[0] = fz_u8(f);	/* multicast bit, broadcast, or not */
	return m;
}

/* Offload requests as an app sets them (tx_prepare is not called). */
static void
set_offloads(struct rte_mbuf *m, uint8_t how, struct fz *f)
{
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = 20;
	m->l4_len = 20;
	if (how & P_CSUM)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | (fz_u8(f) & 1 ?
			RTE_MBUF_F_TX_UDP_CKSUM : RTE_MBUF_F_TX_TCP_CKSUM);
	if (how & P_TSO) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | (fz_u8(f) & 1 ?
			RTE_MBUF_F_TX_UDP_SEG : RTE_MBUF_F_TX_TCP_SEG);
		m->tso_segsz = fz_u16(f);
	}
	if (how & P_VLAN) {
		m->ol_flags |= RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = fz_u16(f);
	}
}

/* A packet as the input shapes it, or NULL when the pool ran dry. */
static struct rte_mbuf *
make_pkt(struct fz *f)
{
	uint8_t how = fz_u8(f);
	unsigned int nseg = (how & P_MANY) ? VIRTNET_TX_MAX_SEGS + 1 :
		(how & P_SEGS) + 1u, i;
	struct rte_mbuf *head, *m;

	head = make_seg(f, RTE_ETHER_HDR_LEN + fz_u8(f), how & P_NO_ROOM);
	for (i = 1; head != NULL && i < nseg; i++) {
		m = make_seg(f, fz_u8(f) % 128 + 1, false);
		if (m == NULL || rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			break;
		}
	}
	if (head == NULL)
		return NULL;
	set_offloads(head, how, f);
	if ((how & P_REF) && s.nrefs < MAX_REFS) {
		rte_pktmbuf_refcnt_update(head, 1);
		s.refs[s.nrefs++] = head;
	}
	return head;
}

static void
do_burst(struct fz *f)
{
	struct rte_mbuf *pkts[32];
	uint16_t n = fz_u8(f) % 32 + 1, i, sent;

	for (i = 0; i < n; i++) {
		pkts[i] = make_pkt(f);
		if (pkts[i] == NULL)
			break;
	}
	n = i;
	sent = s.burst(&s.txq, pkts, n);
	FZ_ASSERT(sent <= n, "burst of %u took %u", n, sent);
	/* What a burst did not take is still the app's. */
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
}

static void
dev_pop(unsigned int k)
{
	uint16_t c;

	while (k-- > 0 && s.nspare > 0) {
		c = s.spare[s.nspare - 1];
		if (dm_pop(&s.dm, &s.chains[c]) != 0)
			return;
		s.nspare--;
		s.pend[s.npend++] = c;
	}
}

/* The @p i-th oldest popped chain, out of the pending list. */
static struct dm_chain *
pend_take(unsigned int i)
{
	uint16_t c = s.pend[i];

	memmove(&s.pend[i], &s.pend[i + 1],
		(s.npend - i - 1) * sizeof(s.pend[0]));
	s.npend--;
	s.spare[s.nspare++] = c;
	return &s.chains[c];
}

/* Return a chain the device took: any length, its descriptors or not. */
static void
dev_return(struct fz *f)
{
	unsigned int i = fz_u8(f);
	uint8_t how = fz_u8(f);
	struct dm_chain *c;

	if (s.npend == 0)
		return;
	c = pend_take(i % s.npend);
	dm_push(&s.dm, c->head, how & 1 ? fz_u32(f) : 0,
		how & 2 ? RTE_MIN(fz_u8(f) % 4, s.dm.size) : c->ring_descs);
	dm_publish(&s.dm);
}

/* A used entry of any id, length and descriptor count. */
static void
dev_raw_push(struct fz *f)
{
	uint16_t id = fz_u16(f);
	uint32_t len = fz_u32(f);

	dm_push(&s.dm, id, len, RTE_MIN(fz_u8(f) % 4, s.dm.size));
}

/* Split: any used index. Packed: the device's next slot, any. */
static void
dev_used_idx(uint16_t v)
{
	if (s.dm.packed)
		s.dm.next_used = v % s.dm.size;
	else
		dm_set_used_idx(&s.dm, v);
}

static void
dev_raw_ring(struct fz *f)
{
	uint16_t pos = fz_u16(f) % s.vq->size;

	if (s.vq->packed) {
		s.vq->pdesc[pos].id = fz_u16(f);
		s.vq->pdesc[pos].len = fz_u32(f);
		s.vq->pdesc[pos].flags = fz_u16(f) &
			~VRING_DESC_F_INDIRECT;	/* the model would follow it */
	} else {
		s.vq->used->ring[pos].id = fz_u32(f);
		s.vq->used->ring[pos].len = fz_u32(f);
	}
}

static void
run_op(struct fz *f, uint8_t op)
{
	uint8_t a;

	switch (op % OP_MAX) {
	case OP_POP:
		dev_pop(fz_u8(f) % 64 + 1);
		break;
	case OP_RETURN:
		dev_return(f);
		break;
	case OP_RAW_PUSH:
		dev_raw_push(f);
		break;
	case OP_PUBLISH:
		dm_publish(&s.dm);
		break;
	case OP_USED_IDX:
		dev_used_idx(fz_u16(f));
		break;
	case OP_RAW_RING:
		dev_raw_ring(f);
		break;
	case OP_BURST:
		do_burst(f);
		break;
	case OP_CLEANUP:
		virtnet_tx_done_cleanup(&s.txq, fz_u8(f));
		break;
	case OP_EVENT:
		a = fz_u8(f);
		dm_no_notify(&s.dm, a & 1);
		dm_avail_event(&s.dm, fz_u16(f), a & 2);
		break;
	default:
		virtnet_vq_done_count(s.vq);
		break;
	}
}

/* What a port stop does, then the app's own references go. */
static void
tx_teardown(void)
{
	fz_vq_drain(s.vq);
	while (s.nrefs > 0)
		rte_pktmbuf_free(s.refs[--s.nrefs]);
	fz_pool_check_empty("tx");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	unsigned int ops = 0;

	tx_setup(&f);
	while (!fz_end(&f) && ops++ < MAX_OPS)
		run_op(&f, fz_u8(&f));
	tx_teardown();
	return 0;
}
