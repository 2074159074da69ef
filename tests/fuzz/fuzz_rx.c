/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * libFuzzer target: the Rx bursts of virtnet_rxtx.c (scalar and, on a
 * CPU that has them, vector) on a ring set up as the unit tests do, with
 * a device (tests/devmodel.c) that writes what the input says: used ids,
 * lengths, indexes and flags, net headers (num_buffers, checksum and GSO
 * fields, hash reports) and the frame's first bytes. The first bytes of
 * the input choose the layout, in-order, mergeable buffers, offloads,
 * header size, ring size and big-packet buffers; the rest is a script of
 * device actions and bursts. Every mbuf a burst returns must pass
 * rte_mbuf_check(); after the input every mbuf must be back in the pool.
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
#define MAX_HELD	128
#define MAX_OPS		2048
#define POOL_SIZE	2048
#define FRAME_HEAD	18	/* frame bytes the input gives */

/* First byte of the input. */
#define C_PACKED	0x01
#define C_IN_ORDER	0x02
#define C_EVENT_IDX	0x04
#define C_MRG		0x08
#define C_OL_HDR	0x10
#define C_VLAN_STRIP	0x20
#define C_RSS_HASH	0x40

enum op {
	OP_POP, OP_RETURN, OP_RAW_PUSH, OP_PUBLISH, OP_USED_IDX, OP_RAW_RING,
	OP_BURST, OP_RELEASE, OP_EVENT, OP_DUMP, OP_MAX
};

static struct {
	struct virtnet_rxq rxq;
	struct virtnet_vq *vq;
	void *ring;
	struct devmodel dm;
	uint64_t nombuf;
	eth_rx_burst_t burst;
	struct dm_chain chains[MAX_PEND];	/* popped chains' storage */
	uint16_t pend[MAX_PEND];	/* popped, not returned, oldest first */
	uint16_t spare[MAX_PEND];	/* storage not in use */
	unsigned int npend, nspare;
	struct rte_mbuf *held[MAX_HELD];
	unsigned int nheld;
} s;

static struct rte_mempool *mp;
static uint16_t simd_width;	/* virtnet_simd_width(), once */
static const bool halted;
static const uint16_t sizes[8] = { 16, 32, 64, 128, 256, 8, 4, 2 };
static const uint16_t packed_sizes[8] = { 16, 32, 64, 128, 256, 24, 7, 100 };

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

/* The burst the driver would pick for these features and offloads. */
static eth_rx_burst_t
pick_path(uint8_t cfg, uint8_t vec, uint16_t hdr)
{
	uint64_t features = 0, offloads = 0;
	uint16_t simd = 0;

	if (cfg & C_PACKED)
		features |= F(VIRTIO_F_RING_PACKED);
	if (cfg & C_IN_ORDER)
		features |= F(VIRTIO_F_IN_ORDER);
	if (cfg & C_MRG)
		features |= F(VIRTIO_NET_F_MRG_RXBUF);
	if (hdr == sizeof(struct virtio_net_hdr_v1_hash))
		features |= F(VIRTIO_NET_F_HASH_REPORT);
	if (hdr != VIRTIO_NET_HDR_LEGACY_LEN)
		features |= F(VIRTIO_F_VERSION_1);
	if (cfg & C_VLAN_STRIP)
		offloads |= RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	if (cfg & C_OL_HDR)
		offloads |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
			RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	if (cfg & C_RSS_HASH)
		offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
	if (vec == 1)
		simd = RTE_MIN(simd_width, (uint16_t)RTE_VECT_SIMD_256);
	else if (vec == 2)
		simd = simd_width;
	return virtnet_path_select(virtnet_rx_paths, features, offloads,
		simd)->rx;
}

/* Header size: 12 with mergeable buffers, 20 with hash reports, or 10. */
static uint16_t
pick_hdr(uint8_t cfg, uint8_t v)
{
	if (cfg & C_RSS_HASH || v == 2)
		return sizeof(struct virtio_net_hdr_v1_hash);
	if (!(cfg & C_MRG) && v == 1)
		return VIRTIO_NET_HDR_LEGACY_LEN;
	return sizeof(struct virtio_net_hdr_mrg_rxbuf);
}

static int
rx_setup(struct fz *f)
{
	uint8_t cfg = fz_u8(f), cfg2 = fz_u8(f);
	bool packed = cfg & C_PACKED;
	uint16_t size = packed ? packed_sizes[cfg2 & 7] : sizes[cfg2 & 7];
	uint32_t mode = 0, slot;
	uint64_t d, dr, dv;

	memset(&s.rxq, 0, sizeof(s.rxq));
	s.npend = 0;
	for (s.nspare = 0; s.nspare < MAX_PEND; s.nspare++)
		s.spare[s.nspare] = (uint16_t)s.nspare;
	s.nheld = 0;
	mode |= packed ? VIRTNET_VQ_PACKED : 0;
	mode |= cfg & C_IN_ORDER ? VIRTNET_VQ_IN_ORDER : 0;
	mode |= cfg & C_EVENT_IDX ? VIRTNET_VQ_EVENT_IDX : 0;
	s.rxq.hdr_size = pick_hdr(cfg, (cfg2 >> 3) & 3);
	s.rxq.big_bufs = cfg & C_MRG ? 1 : ((cfg2 >> 5) & 3) + 1;
	if (s.rxq.big_bufs > size)
		s.rxq.big_bufs = 1;
	s.burst = pick_path(cfg, cfg2 >> 7 ? 1 + (fz_u8(f) & 1) : 0,
		s.rxq.hdr_size);
	slot = (packed ? 8 : 0) + (cfg2 & 7);
	s.vq = fz_zalloc_cached(slot, virtnet_vq_struct_size(size));
	s.ring = fz_zalloc_cached(16 + slot, virtnet_vq_ring_size(size, packed));
	virtnet_vq_init(s.vq, 0, size, mode, s.ring, (uint64_t)(uintptr_t)s.ring);
	s.rxq.vq = s.vq;
	s.rxq.tp = &fz_quiet_tp;
	s.rxq.mp = mp;
	s.rxq.nombuf = &s.nombuf;
	s.rxq.guard.halted = &halted;
	s.rxq.use_va = true;
	s.rxq.ol_hdr = cfg & C_OL_HDR;
	s.rxq.vlan_strip = cfg & C_VLAN_STRIP;
	s.rxq.rss_hash = cfg & C_RSS_HASH;
	s.rxq.hash_types = s.rxq.rss_hash ? fz_u16(f) : 0;
	virtnet_vq_addrs(s.vq, &d, &dr, &dv);
	dm_init(&s.dm, size, packed, d, dr, dv);
	return virtnet_rx_refill(&s.rxq);
}

/* The device takes up to @p k chains the driver made available. */
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

/* Bytes the device writes into a chain: each buffer must be an mbuf's. */
static void
dev_write(const struct dm_chain *c, const uint8_t *src, uint32_t len)
{
	uint16_t i;

	for (i = 0; i < c->n; i++)
		if (!fz_pool_buf_ok(c->d[i].addr, c->d[i].len))
			return;
	dm_write_chain(c, src, len);
}

/* Net header and the frame's first bytes, as the input says. */
static uint32_t
dev_frame(struct fz *f, uint8_t *buf, uint32_t room)
{
	uint16_t hdr = s.rxq.hdr_size, flen = fz_u16(f);
	struct virtio_net_hdr_v1_hash *h = (void *)buf;
	uint8_t how = fz_u8(f);
	unsigned int i;

	memset(buf, 0, hdr + FRAME_HEAD);
	if (hdr >= sizeof(struct virtio_net_hdr_mrg_rxbuf))
		h->hdr.num_buffers = 1;
	if (how & 1) {
		h->hdr.hdr.flags = fz_u8(f);
		h->hdr.hdr.gso_type = fz_u8(f);
		h->hdr.hdr.hdr_len = fz_u16(f);
		h->hdr.hdr.gso_size = fz_u16(f);
		h->hdr.hdr.csum_start = fz_u16(f);
		h->hdr.hdr.csum_offset = fz_u16(f);
	}
	if ((how & 2) && hdr >= sizeof(struct virtio_net_hdr_mrg_rxbuf))
		h->hdr.num_buffers = fz_u8(f);
	if ((how & 4) && hdr == sizeof(*h)) {
		h->hash_value = fz_u32(f);
		h->hash_report = fz_u16(f);
	}
	for (i = 0; (how & 8) && i < FRAME_HEAD; i++)
		buf[hdr + i] = fz_u8(f);
	return RTE_MIN((uint32_t)hdr + flen, room);
}

/* Return a popped chain, written and with a length the input chooses. */
static void
dev_return(struct fz *f)
{
	uint8_t buf[sizeof(struct virtio_net_hdr_v1_hash) + FRAME_HEAD];
	unsigned int i = fz_u8(f);
	struct dm_chain *c;
	uint32_t room = 0, len;
	uint16_t k;

	if (s.npend == 0)
		return;
	c = pend_take(i % s.npend);
	for (k = 0; k < c->n; k++)
		room += c->d[k].len;
	len = dev_frame(f, buf, room);
	dev_write(c, buf, RTE_MIN(len, (uint32_t)sizeof(buf)));
	if (fz_u8(f) & 1)
		len = fz_u32(f);
	dm_push(&s.dm, c->head, len, c->ring_descs);
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

/* Any bytes into what the device writes of the ring. */
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
release_held(void)
{
	while (s.nheld > 0)
		rte_pktmbuf_free(s.held[--s.nheld]);
}

/* A burst; what it returns must be sound mbufs, freed or held. */
static void
do_burst(uint16_t n, bool hold)
{
	struct rte_mbuf *pkts[64];
	const char *why = NULL;
	uint16_t i, nrx;

	nrx = s.burst(&s.rxq, pkts, n);
	FZ_ASSERT(nrx <= n, "burst of %u returned %u", n, nrx);
	for (i = 0; i < nrx; i++) {
		FZ_ASSERT(rte_mbuf_check(pkts[i], 1, &why) == 0,
			"bad mbuf from the burst: %s", why);
		FZ_ASSERT(pkts[i]->pkt_len >= RTE_ETHER_HDR_LEN ||
			(s.rxq.vlan_strip &&
			 pkts[i]->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED),
			"frame of %u bytes", pkts[i]->pkt_len);
		if (hold && s.nheld < MAX_HELD)
			s.held[s.nheld++] = pkts[i];
		else
			rte_pktmbuf_free(pkts[i]);
	}
}

static void
run_op(struct fz *f, uint8_t op)
{
	char line[128];
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
		a = fz_u8(f);
		do_burst(a % 64 + 1, a & 0x80);
		break;
	case OP_RELEASE:
		release_held();
		break;
	case OP_EVENT:
		a = fz_u8(f);
		dm_no_notify(&s.dm, a & 1);
		dm_avail_event(&s.dm, fz_u16(f), a & 2);
		break;
	default:
		virtnet_rxq_dump_next(&s.rxq, line, sizeof(line));
		virtnet_vq_done_count(s.vq);
		break;
	}
}

/* Give everything back as a port stop does; the pool must be full. */
static void
rx_teardown(void)
{
	int i;

	for (i = 0; i < 4; i++)
		do_burst(64, false);
	release_held();
	fz_vq_drain(s.vq);
	fz_pool_check_empty("rx");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	unsigned int ops = 0;

	if (rx_setup(&f) == 0)
		while (!fz_end(&f) && ops++ < MAX_OPS)
			run_op(&f, fz_u8(&f));
	rx_teardown();
	return 0;
}
