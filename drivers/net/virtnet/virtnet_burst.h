/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_BURST_H
#define VIRTNET_BURST_H

/*
 * The building blocks of the bursts, always inline and taking the ring
 * mode as a constant: mbuf addresses, the kick, the per-burst tally of
 * the xstats, Rx posting and header checks, Tx reclaim and the one-packet
 * add, and the scalar burst bodies built from them (instantiated in
 * virtnet_rxtx.c). Vector paths use the same blocks, and the scalar
 * body for what they do not take four at a time.
 */

#include <rte_mbuf.h>
#include <rte_net.h>

#include "virtnet_offload.h"
#include "virtnet_rxtx.h"

static __rte_always_inline uint64_t
virtnet_mbuf_addr(const struct rte_mbuf *m, bool use_va, int16_t off)
{
	if (use_va)
		return (uint64_t)(uintptr_t)rte_pktmbuf_mtod_offset(m, char *, off);
	return rte_pktmbuf_iova_offset(m, off);
}

/* The same for an mbuf taken raw from its pool: data_off is stale. */
static __rte_always_inline uint64_t
virtnet_mbuf_room_addr(const struct rte_mbuf *m, bool use_va, int16_t off)
{
	if (use_va)
		return (uint64_t)(uintptr_t)m->buf_addr + RTE_PKTMBUF_HEADROOM + off;
	return rte_mbuf_data_iova_default(m) + off;
}

/*
 * Whether @p m is one segment nobody else holds: refcnt and nb_segs are
 * adjacent, read as one word (1 in both halves, whatever the byte order).
 */
static __rte_always_inline bool
virtnet_mbuf_sole(const struct rte_mbuf *m)
{
	uint32_t w;

	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) !=
		offsetof(struct rte_mbuf, refcnt) + sizeof(uint16_t));
	memcpy(&w, &m->refcnt, sizeof(w));
	return w == (1u | 1u << 16);
}

static __rte_always_inline void
virtnet_kick(struct virtnet_vq *vq, const struct virtnet_transport *tp,
		uint64_t *kicks, const uint32_t mode)
{
	virtnet_vq_publish(vq, mode);
	if (virtnet_vq_kick_prepare(vq, mode)) {
		virtnet_transport_notify(tp, vq->qid,
			virtnet_vq_notify_data(vq, mode));
		(*kicks)++;
	}
}

/*
 * What a burst counts of its packets for the xstats, in locals: added
 * to the queue's counters once per burst (virtnet_tally_add()).
 */
struct virtnet_tally {
	uint64_t bytes;
	uint16_t mcast;		/* multicast bit set, broadcast included */
	uint16_t bcast;
	uint16_t bins[VIRTNET_SIZE_BINS];
};

/*
 * Whether the 6 bytes at @p dst are the broadcast address, reading 8 (a
 * frame has 14 or more): one load and one compare.
 */
static __rte_always_inline bool
virtnet_is_bcast8(const void *dst)
{
	uint64_t w;

	memcpy(&w, dst, sizeof(w));
	return (rte_le_to_cpu_64(w) << 16) == (UINT64_MAX << 16);
}

/*
 * The destination MAC at @p dst, 8 bytes readable. Unicast costs a test;
 * broadcast is a multicast address.
 */
static __rte_always_inline void
virtnet_tally_dst(struct virtnet_tally *t, const uint8_t *dst)
{
	if (unlikely(dst[0] & 1)) {
		t->mcast++;
		t->bcast += virtnet_is_bcast8(dst);
	}
}

/*
 * The destination MAC of the first segment, as net_virtio reads it: a Tx
 * first segment under 8 bytes counts as unicast.
 */
static __rte_always_inline void
virtnet_tally_mac(struct virtnet_tally *t, const struct rte_mbuf *m,
		const bool tx)
{
	if (tx && unlikely(m->data_len < sizeof(uint64_t)))
		return;
	virtnet_tally_dst(t, rte_pktmbuf_mtod(m, const uint8_t *));
}

/*
 * One packet, as net_virtio counts it: pkt_len as the app sees it (after
 * VLAN strip or insertion, no net header) and the destination MAC
 * (virtnet_tally_mac()). Vector paths count four at a time
 * (virtnet_tally_vec.h).
 */
static __rte_always_inline void
virtnet_tally_pkt(struct virtnet_tally *t, const struct rte_mbuf *m,
		const bool tx)
{
	uint32_t len = m->pkt_len;

	t->bytes += len;
	t->bins[virtnet_size_bin(len)]++;
	virtnet_tally_mac(t, m, tx);
}

static __rte_always_inline void
virtnet_tally_add(struct virtnet_queue_stats *s, const struct virtnet_tally *t,
		uint16_t n)
{
	unsigned int b;

	s->packets += n;
	s->bytes += t->bytes;
	s->multicast += t->mcast - t->bcast;
	s->broadcast += t->bcast;
	for (b = 0; b < VIRTNET_SIZE_BINS; b++)
		s->size_bins[b] += t->bins[b];
}

/*
 * Post fresh mbufs; the net header lands in the headroom. Taken raw from
 * the pool (no rte_pktmbuf_reset, which writes the mbuf's second cache
 * line): virtnet_rx_init_mbuf() sets what a received mbuf needs.
 */
static __rte_always_inline int
virtnet_rx_post(struct virtnet_rxq *rxq, uint16_t n, const uint32_t mode)
{
	struct rte_mbuf *mbufs[VIRTNET_RX_REFILL_MIN * 2];
	struct virtnet_buf b[VIRTNET_RX_REFILL_MIN * 2];
	uint16_t i;

	if (rte_mempool_get_bulk(rxq->mp, (void **)mbufs, n) != 0) {
		*rxq->nombuf += n;
		rxq->stats.nombuf += n;
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		b[i].addr = virtnet_mbuf_room_addr(mbufs[i], rxq->use_va,
			-(int16_t)rxq->hdr_size);
		b[i].len = mbufs[i]->buf_len - RTE_PKTMBUF_HEADROOM +
			rxq->hdr_size;
		/* Split adds as it goes (measured faster than after). */
		if (!(mode & VIRTNET_VQ_PACKED))
			virtnet_vq_add(rxq->vq, &b[i], 0, 1, mbufs[i], mode);
	}
	/* Packed: in one go, the ring state in registers meanwhile. */
	if (mode & VIRTNET_VQ_PACKED)
		virtnet_vq_packed_add_in(rxq->vq, b, (void *const *)mbufs, n,
			!!(mode & VIRTNET_VQ_IN_ORDER));
	return 0;
}

/*
 * Without mergeable buffers a frame must fit one buffer: when one mbuf is
 * too small, each buffer is a chain of big_bufs mbufs ("big packets").
 */
static __rte_always_inline int
virtnet_rx_post_big(struct virtnet_rxq *rxq, const uint32_t mode)
{
	struct rte_mbuf *mbufs[VIRTNET_RX_MAX_BIG];
	struct virtnet_buf b[VIRTNET_RX_MAX_BIG];
	uint16_t k = rxq->big_bufs, i;
	int16_t hdr;

	if (rte_pktmbuf_alloc_bulk(rxq->mp, mbufs, k) != 0) {
		*rxq->nombuf += k;
		rxq->stats.nombuf += k;
		return -ENOMEM;
	}
	for (i = 0; i < k; i++) {
		hdr = i == 0 ? (int16_t)rxq->hdr_size : 0;
		b[i].addr = virtnet_mbuf_addr(mbufs[i], rxq->use_va, -hdr);
		b[i].len = mbufs[i]->buf_len - RTE_PKTMBUF_HEADROOM + hdr;
		if (i > 0)
			mbufs[i - 1]->next = mbufs[i];
	}
	if (virtnet_vq_add(rxq->vq, b, 0, k, mbufs[0], mode) < 0) {
		rte_pktmbuf_free(mbufs[0]);
		return -ENOSPC;
	}
	return 0;
}

static __rte_always_inline int
virtnet_rx_fill(struct virtnet_rxq *rxq, const uint32_t mode)
{
	struct virtnet_vq *vq = rxq->vq;
	int ret = 0;

	if (unlikely(rxq->big_bufs > 1)) {
		while (vq->num_free >= rxq->big_bufs && ret == 0)
			ret = virtnet_rx_post_big(rxq, mode);
		return ret;
	}
	while (vq->num_free > 0 && ret == 0)
		ret = virtnet_rx_post(rxq,
			RTE_MIN(vq->num_free, VIRTNET_RX_REFILL_MIN * 2), mode);
	return ret;
}

/*
 * Only the mbuf's first cache line: m->next (in the second) is NULL in
 * an mbuf from a mempool, as DPDK keeps it; big-packet chains, the one
 * exception, are unlinked by the caller.
 */
static __rte_always_inline void
virtnet_rx_init_mbuf(struct rte_mbuf *m, uint16_t port, uint16_t off,
		uint32_t len)
{
	m->data_off = off;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	m->nb_segs = 1;
	m->port = port;
	m->ol_flags &= RTE_MBUF_F_EXTERNAL;	/* a pinned external buffer's */
	m->packet_type = 0;
	m->vlan_tci = 0;
}

/* Cut a big-packet chain to the @p len bytes the device wrote. */
static __rte_always_inline void
virtnet_rx_big_trim(struct rte_mbuf *head, struct rte_mbuf *rest,
		uint32_t len)
{
	struct rte_mbuf *prev = head, *m;
	uint32_t left = len - head->data_len;

	while (left > 0 && rest != NULL) {
		m = rest;
		rest = m->next;
		m->next = NULL;
		m->data_off = RTE_PKTMBUF_HEADROOM;
		m->data_len = (uint16_t)RTE_MIN(left,
			(uint32_t)(m->buf_len - RTE_PKTMBUF_HEADROOM));
		m->nb_segs = 1;
		left -= m->data_len;
		prev->next = m;
		prev = m;
		head->nb_segs++;
	}
	if (rest != NULL)
		rte_pktmbuf_free(rest);
}

/*
 * Chain the other @p nbuf - 1 buffers of a packet, known to be ready.
 * One of length 0 breaks the packet, but its buffers after it are taken
 * all the same, to go with it: left in the ring, they would be parsed as
 * packets of their own.
 */
static __rte_always_inline int
virtnet_rx_merge(struct virtnet_rxq *rxq, struct rte_mbuf *head,
		uint16_t nbuf, const uint32_t mode)
{
	struct rte_mbuf *prev = head, *m;
	uint32_t len;
	uint16_t i;
	int ret = 0;

	for (i = 1; i < nbuf; i++) {
		m = virtnet_vq_get_used(rxq->vq, &len, mode);
		if (unlikely(m == NULL))
			return -EIO;
		virtnet_rx_init_mbuf(m, rxq->port_id,
			RTE_PKTMBUF_HEADROOM - rxq->hdr_size, len);
		prev->next = m;
		prev = m;
		head->nb_segs++;
		head->pkt_len += len;
		if (unlikely(len == 0))
			ret = -EINVAL;
	}
	return ret;
}

/*
 * A hash report of a type the port configured (HASH_REPORT): another type
 * is the device's error, and no hash is better than a wrong one.
 */
static __rte_always_inline void
virtnet_rx_hash(const struct virtnet_rxq *rxq, struct rte_mbuf *m,
		const struct virtio_net_hdr_v1_hash *h)
{
	uint16_t type = __atomic_load_n(&h->hash_report, __ATOMIC_RELAXED);
	uint32_t types = __atomic_load_n(&rxq->hash_types, __ATOMIC_RELAXED);

	if (type == VIRTIO_NET_HASH_REPORT_NONE ||
	    type > VIRTIO_NET_HASH_REPORT_MAX || !((types >> (type - 1)) & 1))
		return;
	m->hash.rss = __atomic_load_n(&h->hash_value, __ATOMIC_RELAXED);
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
}

/* Offload state from the header, then VLAN strip, as the app asked. */
static __rte_always_inline int
virtnet_rx_offloads(const struct virtnet_rxq *rxq, struct rte_mbuf *m)
{
	const struct virtio_net_hdr *h = (const void *)((const char *)
		m->buf_addr + RTE_PKTMBUF_HEADROOM - rxq->hdr_size);

	if (rxq->ol_hdr && virtnet_rx_offload_hdr(m, h) < 0)
		return -EINVAL;
	if (rxq->rss_hash)
		virtnet_rx_hash(rxq, m, (const void *)h);
	/*
	 * The tag must lie in the first segment: a device may end that
	 * buffer inside it, and stripping would read past the segment and
	 * leave a head shorter than an Ethernet header (the frame stays
	 * tagged, and whole).
	 */
	if (rxq->vlan_strip &&
	    m->data_len >= RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
		rte_vlan_strip(m);
	return 0;
}

/*
 * The header says how many buffers the packet spans; a count beyond what
 * is in flight can never be met, one not yet met waits for the next burst.
 */
static __rte_always_inline int
virtnet_rx_check_head(struct virtnet_rxq *rxq, const struct rte_mbuf *m,
		uint32_t len, uint16_t *nbuf, const uint32_t mode, const bool mrg)
{
	const struct virtio_net_hdr_mrg_rxbuf *h;
	struct virtnet_vq *vq = rxq->vq;
	uint16_t n = 1;

	if (unlikely(len < (uint32_t)rxq->hdr_size + RTE_ETHER_HDR_LEN))
		return -EINVAL;
	if (mrg) {
		h = (const void *)((const char *)m->buf_addr +
			RTE_PKTMBUF_HEADROOM - rxq->hdr_size);
		n = __atomic_load_n(&h->num_buffers, __ATOMIC_RELAXED);
		if (unlikely(n == 0 || n > vq->size - vq->num_free))
			return -EINVAL;
		if (n > 1 && !virtnet_vq_used_ready(vq, n, mode))
			return -EAGAIN;
	}
	*nbuf = n;
	return 0;
}

/*
 * Free sent mbufs. A one-segment direct mbuf nobody else holds goes
 * straight back to its pool: rte_pktmbuf_free_bulk() would also read
 * m->next, in the mbuf's second cache line, which is NULL in such an
 * mbuf (DPDK's invariant); the rest takes the general way.
 */
static __rte_always_inline void
virtnet_tx_free(struct rte_mbuf **done, unsigned int n)
{
	void *put[VIRTNET_TX_FREE_BULK];
	struct rte_mempool *mp = NULL;
	struct rte_mbuf *m;
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		m = done[i];
		if (unlikely(!virtnet_mbuf_sole(m) || !RTE_MBUF_DIRECT(m))) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (m->pool != mp) {
			if (k > 0)
				rte_mempool_put_bulk(mp, put, k);
			mp = m->pool;
			k = 0;
		}
		put[k++] = m;
	}
	if (k > 0)
		rte_mempool_put_bulk(mp, put, k);
}

/*
 * Take back up to @p want sent packets, oldest first. Each burst takes
 * what the device finished (up to VIRTNET_TX_RECLAIM_MIN or the burst's
 * size), not only what it needs room for: with few mbufs in flight, the
 * ones the app allocates next are still in the cache, for it, for the
 * header written here and for the device that reads them. Taking only
 * what was needed kept the whole ring in flight and cost 10-15% more
 * cycles a packet on every Tx path (virtnet-perf, 64 B). In order, the
 * rest of a batch (one used entry for several chains, as DPDK's vhost
 * writes) goes at once.
 */
static __rte_always_inline unsigned int
virtnet_tx_reclaim_body(struct virtnet_txq *txq, unsigned int want,
		const uint32_t mode)
{
	struct rte_mbuf *done[VIRTNET_TX_FREE_BULK];
	struct virtnet_vq *vq = txq->vq;
	unsigned int n = 0, total = 0, k, max;
	uint32_t len;

	while (total < want) {
		max = RTE_MIN(want - total, RTE_DIM(done) - n);
		if ((mode & VIRTNET_VQ_IN_ORDER) && vq->in_batch) {
			k = virtnet_vq_take_batch(vq, (void **)&done[n], max,
				mode);
		} else if ((mode & VIRTNET_VQ_PACKED) &&
			   !(mode & VIRTNET_VQ_IN_ORDER)) {
			/* Fewer than asked: none left, or a fault. */
			k = virtnet_vq_take_used_packed(vq, (void **)&done[n],
				max);
			if (k < max) {
				total += k;
				n += k;
				break;
			}
		} else {
			done[n] = virtnet_vq_get_used(vq, &len, mode);
			k = done[n] != NULL;
			if (k == 0)
				break;
		}
		total += k;
		n += k;
		if (n == RTE_DIM(done)) {
			virtnet_tx_free(done, n);
			n = 0;
		}
	}
	if (n > 0)
		virtnet_tx_free(done, n);
	return total;
}

/* Whether the net header can go into the mbuf's own headroom. */
static __rte_always_inline bool
virtnet_tx_can_push(const struct rte_mbuf *m, uint16_t hdr)
{
	return rte_mbuf_refcnt_read(m) == 1 && RTE_MBUF_DIRECT(m) &&
		rte_pktmbuf_headroom(m) >= hdr &&
		rte_is_aligned(rte_pktmbuf_mtod_offset(m, char *, -(int)hdr),
			__alignof__(struct virtio_net_hdr_mrg_rxbuf));
}

/* The net header of @p m at @p h: zero, or its offload requests. */
static __rte_always_inline void
virtnet_tx_hdr(const struct virtnet_txq *txq, void *h, const struct rte_mbuf *m)
{
	uint16_t hdr = txq->hdr_size;

	/* A constant size lets the compiler store instead of call memset. */
	if (likely(hdr == sizeof(struct virtio_net_hdr_mrg_rxbuf)))
		memset(h, 0, sizeof(struct virtio_net_hdr_mrg_rxbuf));
	else
		memset(h, 0, hdr);
	if (txq->ol_hdr)
		virtnet_tx_offload_hdr(h, m);
}

/* Ring descriptors a packet takes, at most: indirect chains take one. */
static __rte_always_inline uint16_t
virtnet_tx_descs(const struct virtnet_txq *txq, const struct rte_mbuf *m)
{
	if (txq->indirect && m->nb_segs < VIRTNET_TX_INDIRECT_MAX)
		return 1;
	return m->nb_segs + 1;
}

/*
 * A packet that needs more than one descriptor, or whose header cannot
 * go into its headroom. Out of line: inlined, it made the send loop need
 * more registers than there are, and the loop kept more of its state on
 * the stack (a 64 B packed Tx burst cost 5-7% more). Indirect and chained
 * packets are counted here.
 */
static __rte_noinline int
virtnet_tx_one_slow(struct virtnet_txq *txq, struct rte_mbuf *m,
		const uint32_t mode)
{
	struct virtnet_buf b[VIRTNET_TX_MAX_SEGS + 1];
	struct virtnet_vq *vq = txq->vq;
	uint16_t hdr = txq->hdr_size, n = 1;
	uint16_t id = virtnet_vq_next_id(vq, mode);
	struct virtnet_tx_slot *slot = &txq->slots[id];
	uint64_t slot_addr = txq->slots_addr + (uint64_t)id * sizeof(*slot);
	struct rte_mbuf *s = m;
	void *h;

	if (virtnet_tx_can_push(m, hdr)) {
		h = rte_pktmbuf_mtod_offset(m, char *, -(int)hdr);
		b[0].addr = virtnet_mbuf_addr(m, txq->use_va, -(int16_t)hdr);
		b[0].len = m->data_len + hdr;
		/* nb_segs first: next is in the mbuf's second cache line. */
		s = m->nb_segs > 1 ? m->next : NULL;
	} else {
		h = &slot->hdr;
		b[0].addr = slot_addr;
		b[0].len = hdr;
	}
	virtnet_tx_hdr(txq, h, m);
	for (; s != NULL; s = s->next, n++) {
		b[n].addr = virtnet_mbuf_addr(s, txq->use_va, 0);
		b[n].len = s->data_len;
	}
	if (n > 1 && txq->indirect && n <= VIRTNET_TX_INDIRECT_MAX) {
		if (virtnet_vq_add_indirect(vq, b, n, 0, slot->indir,
				slot_addr + offsetof(struct virtnet_tx_slot, indir),
				m, mode) < 0)
			return -ENOSPC;
		txq->stats.indirect++;
		return 0;
	}
	/* A constant count lets the compiler drop the chain loop. */
	if (likely(n == 1))
		return virtnet_vq_add(vq, b, 1, 0, m, mode) < 0 ? -ENOSPC : 0;
	if (virtnet_vq_add(vq, b, n, 0, m, mode) < 0)
		return -ENOSPC;
	txq->stats.chained++;
	return 0;
}

/*
 * Take up to @p nb packets, counted into @p t: the scalar body without
 * its refill, which vector paths call for what they do not take four at
 * a time, so faults, drops and counters are the same on every path.
 */
static __rte_always_inline uint16_t
virtnet_rx_take(struct virtnet_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb,
		struct virtnet_tally *t, const uint32_t mode, const bool mrg)
{
	struct virtnet_vq *vq = rxq->vq;
	uint16_t nrx = 0, nbuf = 1;
	struct rte_mbuf *m, *rest;
	uint32_t len;
	int ret;

	while (nrx < nb) {
		m = virtnet_vq_peek_used(vq, &len, mode);
		if (m == NULL)
			break;
		ret = virtnet_rx_check_head(rxq, m, len, &nbuf, mode, mrg);
		if (ret == -EAGAIN || virtnet_vq_broken(vq))
			break;
		virtnet_vq_pop_used(vq, mode);
		if (unlikely(ret < 0)) {
			rxq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		virtnet_rx_init_mbuf(m, rxq->port_id, RTE_PKTMBUF_HEADROOM,
			len - rxq->hdr_size);
		if (!mrg && unlikely(rxq->big_bufs > 1)) {
			rest = m->next;
			m->next = NULL;
			m->data_len = (uint16_t)RTE_MIN(m->pkt_len,
				(uint32_t)(m->buf_len - RTE_PKTMBUF_HEADROOM));
			virtnet_rx_big_trim(m, rest, m->pkt_len);
		}
		if (mrg && nbuf > 1 &&
		    unlikely(virtnet_rx_merge(rxq, m, nbuf, mode) < 0)) {
			rxq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(rxq->ol_hdr || rxq->vlan_strip ||
			     rxq->rss_hash) &&
		    unlikely(virtnet_rx_offloads(rxq, m) < 0)) {
			rxq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		virtnet_tally_pkt(t, m, false);
		pkts[nrx++] = m;
	}
	return nrx;
}

/* Refill once a burst's worth is free, and kick; not on a broken queue. */
static __rte_always_inline void
virtnet_rx_replenish(struct virtnet_rxq *rxq, const uint32_t mode)
{
	struct virtnet_vq *vq = rxq->vq;

	if (vq->num_free >= VIRTNET_RX_REFILL_MIN && !virtnet_vq_broken(vq)) {
		virtnet_rx_fill(rxq, mode);
		virtnet_kick(vq, rxq->tp, &rxq->stats.notifications, mode);
	}
}

static __rte_always_inline uint16_t
virtnet_rx_body(struct virtnet_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb,
		const uint32_t mode, const bool mrg)
{
	struct virtnet_tally t = { 0 };
	uint16_t nrx;

	if (unlikely(virtnet_vq_broken(rxq->vq)))
		return 0;
	nrx = virtnet_rx_take(rxq, pkts, nb, &t, mode, mrg);
	/* An empty poll stores nothing: a reset from another thread sticks. */
	if (nrx > 0)
		virtnet_tally_add(&rxq->stats, &t, nrx);
	virtnet_rx_replenish(rxq, mode);
	return nrx;
}

/* Mbuf flags that keep a packet off the inline path. */
#define VIRTNET_TX_NOT_SIMPLE	(RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL | \
	RTE_MBUF_F_TX_VLAN)

/*
 * Whether @p m goes the inline way (virtnet_tx_push()): one direct
 * segment nobody else holds, no VLAN tag to insert, an aligned header in
 * its headroom. virtnet_tx_pkt() checks the same, in more words.
 */
static __rte_always_inline bool
virtnet_tx_simple(const struct rte_mbuf *m, uint16_t hdr)
{
	return virtnet_mbuf_sole(m) &&
		!(m->ol_flags & VIRTNET_TX_NOT_SIMPLE) &&
		m->data_off >= hdr &&
		rte_is_aligned(rte_pktmbuf_mtod_offset(m, char *, -(int)hdr),
			__alignof__(struct virtio_net_hdr_mrg_rxbuf));
}

/* The net header into the headroom, one descriptor; the room checked. */
static __rte_always_inline void
virtnet_tx_push(struct virtnet_txq *txq, struct rte_mbuf *m,
		const uint32_t mode)
{
	uint16_t hdr = txq->hdr_size;
	struct virtnet_buf b;

	virtnet_tx_hdr(txq, rte_pktmbuf_mtod_offset(m, char *, -(int)hdr), m);
	b.addr = virtnet_mbuf_addr(m, txq->use_va, -(int16_t)hdr);
	b.len = m->data_len + hdr;
	virtnet_vq_add(txq->vq, &b, 1, 0, m, mode);
}

/* The one-descriptor path inline, the rest out of line. */
static __rte_always_inline int
virtnet_tx_one(struct virtnet_txq *txq, struct rte_mbuf *m, const uint32_t mode)
{
	if (unlikely(m->nb_segs != 1 || !virtnet_tx_can_push(m, txq->hdr_size)))
		return virtnet_tx_one_slow(txq, m, mode);
	virtnet_tx_push(txq, m, mode);
	return 0;
}

/*
 * One packet the scalar way; vector paths send what they cannot take four
 * at a time through it too.
 * @return 1 sent, 0 dropped (freed and counted), -1 no room: the burst ends.
 */
static __rte_always_inline int
virtnet_tx_pkt(struct virtnet_txq *txq, struct rte_mbuf **pp,
		struct virtnet_tally *t, const uint32_t mode)
{
	struct virtnet_vq *vq = txq->vq;
	struct rte_mbuf *m = *pp;

	if (likely(vq->num_free > 0 && virtnet_tx_simple(m, txq->hdr_size))) {
		virtnet_tx_push(txq, m, mode);
		virtnet_tally_pkt(t, m, true);
		return 1;
	}
	/* Never sendable: dropped rather than stall the queue. */
	if (unlikely(m->nb_segs > VIRTNET_TX_MAX_SEGS))
		goto drop;
	/* Inserted here too: apps need not call tx_prepare. */
	if (unlikely(m->ol_flags & RTE_MBUF_F_TX_VLAN)) {
		if (rte_vlan_insert(pp) < 0)
			goto drop;
		m = *pp;
	}
	if (vq->num_free < virtnet_tx_descs(txq, m)) {
		virtnet_tx_reclaim_body(txq, UINT_MAX, mode);
		/* More descriptors than the ring has: never fits. */
		if (unlikely(virtnet_tx_descs(txq, m) > vq->size))
			goto drop;
		if (vq->num_free < virtnet_tx_descs(txq, m))
			return -1;
	}
	if (virtnet_tx_one(txq, m, mode) < 0)
		return -1;
	virtnet_tally_pkt(t, m, true);
	return 1;
drop:
	txq->stats.errors++;
	rte_pktmbuf_free(*pp);
	return 0;
}

static __rte_always_inline uint16_t
virtnet_tx_body(struct virtnet_txq *txq, struct rte_mbuf **pkts, uint16_t nb,
		const uint32_t mode)
{
	struct virtnet_tally t = { 0 };
	struct virtnet_vq *vq = txq->vq;
	uint16_t i, sent = 0;
	int ret;

	if (unlikely(virtnet_vq_broken(vq)))
		return 0;
	virtnet_tx_reclaim_body(txq, RTE_MAX(nb, VIRTNET_TX_RECLAIM_MIN), mode);
	for (i = 0; i < nb; i++) {
		ret = virtnet_tx_pkt(txq, &pkts[i], &t, mode);
		if (ret < 0)
			break;
		sent += ret;
	}
	if (likely(sent > 0)) {
		virtnet_kick(vq, txq->tp, &txq->stats.notifications, mode);
		virtnet_tally_add(&txq->stats, &t, sent);
	}
	return i;
}

/*
 * Enter a Tx burst. False: return 0, the port is halted or the control
 * path holds the queue (it sends its own packets, txq->inject, meanwhile).
 */
static __rte_always_inline bool
virtnet_tx_enter(struct virtnet_txq *txq, struct rte_mbuf **pkts)
{
	struct rte_mbuf **inject;

	if (unlikely(!virtnet_burst_enter(&txq->guard)))
		return false;
	inject = __atomic_load_n(&txq->inject, __ATOMIC_ACQUIRE);
	if (unlikely(inject != NULL && inject != pkts)) {
		virtnet_burst_leave(&txq->guard);
		return false;
	}
	return true;
}

#endif /* VIRTNET_BURST_H */
