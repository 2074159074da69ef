/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Rx and Tx bursts. Each burst is written once as an always-inline body
 * with constant parameters (ring layout, mergeable buffers) and
 * instantiated per combination; the virtqueue API hides the layout. The
 * path tables at the end say which instance serves which features.
 */

#include <rte_mbuf.h>

#include "virtnet_ethdev.h"
#include "virtnet_log.h"

#define F(bit)	(1ULL << (bit))

static __rte_always_inline uint64_t
virtnet_mbuf_addr(const struct rte_mbuf *m, bool use_va, int16_t off)
{
	if (use_va)
		return (uint64_t)(uintptr_t)rte_pktmbuf_mtod_offset(m, char *, off);
	return rte_pktmbuf_iova_offset(m, off);
}

static __rte_always_inline void
virtnet_kick(struct virtnet_vq *vq, uint16_t port_id, const bool packed)
{
	struct virtnet_proc *p;

	virtnet_vq_publish(vq, packed);
	if (virtnet_vq_kick_prepare(vq, packed)) {
		p = rte_eth_devices[port_id].process_private;
		p->ops->notify(p->tp, vq->qid);
	}
}

/* Post fresh mbufs; the net header lands in the headroom. */
static __rte_always_inline int
virtnet_rx_post(struct virtnet_rxq *rxq, uint16_t n, const bool packed)
{
	struct rte_mbuf *mbufs[VIRTNET_RX_REFILL_MIN * 2];
	struct virtnet_buf b;
	uint16_t i;

	if (rte_pktmbuf_alloc_bulk(rxq->mp, mbufs, n) != 0) {
		*rxq->nombuf += n;
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = mbufs[i];

		b.addr = virtnet_mbuf_addr(m, rxq->use_va, -(int16_t)rxq->hdr_size);
		b.len = m->buf_len - RTE_PKTMBUF_HEADROOM + rxq->hdr_size;
		virtnet_vq_add(rxq->vq, &b, 0, 1, m, packed);
	}
	return 0;
}

static __rte_always_inline int
virtnet_rx_fill(struct virtnet_rxq *rxq, const bool packed)
{
	struct virtnet_vq *vq = rxq->vq;
	int ret = 0;

	while (vq->num_free > 0 && ret == 0)
		ret = virtnet_rx_post(rxq,
			RTE_MIN(vq->num_free, VIRTNET_RX_REFILL_MIN * 2), packed);
	return ret;
}

int
virtnet_rx_refill(struct virtnet_rxq *rxq)
{
	int ret;

	if (rxq->vq->packed)
		ret = virtnet_rx_fill(rxq, true);
	else
		ret = virtnet_rx_fill(rxq, false);
	virtnet_vq_publish(rxq->vq, rxq->vq->packed);
	return ret;
}

static __rte_always_inline void
virtnet_rx_init_mbuf(struct rte_mbuf *m, uint16_t port, uint16_t off,
		uint32_t len)
{
	m->data_off = off;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	m->nb_segs = 1;
	m->next = NULL;
	m->port = port;
	m->ol_flags = 0;
	m->packet_type = 0;
	m->vlan_tci = 0;
}

/* Chain the other @p nbuf - 1 buffers of a packet, known to be ready. */
static __rte_always_inline int
virtnet_rx_merge(struct virtnet_rxq *rxq, struct rte_mbuf *head,
		uint16_t nbuf, const bool packed)
{
	struct rte_mbuf *prev = head, *m;
	uint32_t len;
	uint16_t i;

	for (i = 1; i < nbuf; i++) {
		m = virtnet_vq_get_used(rxq->vq, &len, packed);
		if (unlikely(m == NULL))
			return -EIO;
		virtnet_rx_init_mbuf(m, rxq->port_id,
			RTE_PKTMBUF_HEADROOM - rxq->hdr_size, len);
		prev->next = m;
		prev = m;
		head->nb_segs++;
		head->pkt_len += len;
		if (unlikely(len == 0))
			return -EINVAL;
	}
	return 0;
}

/*
 * The header says how many buffers the packet spans; a count beyond what
 * is in flight can never be met, one not yet met waits for the next burst.
 */
static __rte_always_inline int
virtnet_rx_check_head(struct virtnet_rxq *rxq, const struct rte_mbuf *m,
		uint32_t len, uint16_t *nbuf, const bool packed, const bool mrg)
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
		if (n > 1 && !virtnet_vq_used_ready(vq, n, packed))
			return -EAGAIN;
	}
	*nbuf = n;
	return 0;
}

static __rte_always_inline uint16_t
virtnet_rx_body(struct virtnet_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb,
		const bool packed, const bool mrg)
{
	struct virtnet_vq *vq = rxq->vq;
	uint16_t nrx = 0, nbuf = 1;
	uint64_t bytes = 0;
	struct rte_mbuf *m;
	uint32_t len;
	int ret;

	if (unlikely(rxq->hw->dp_off || virtnet_vq_broken(vq)))
		return 0;
	while (nrx < nb) {
		m = virtnet_vq_peek_used(vq, &len, packed);
		if (m == NULL)
			break;
		ret = virtnet_rx_check_head(rxq, m, len, &nbuf, packed, mrg);
		if (ret == -EAGAIN || virtnet_vq_broken(vq))
			break;
		virtnet_vq_pop_used(vq, packed);
		if (unlikely(ret < 0)) {
			rxq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		virtnet_rx_init_mbuf(m, rxq->port_id, RTE_PKTMBUF_HEADROOM,
			len - rxq->hdr_size);
		if (mrg && nbuf > 1 &&
		    unlikely(virtnet_rx_merge(rxq, m, nbuf, packed) < 0)) {
			rxq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		bytes += m->pkt_len;
		pkts[nrx++] = m;
	}
	rxq->stats.packets += nrx;
	rxq->stats.bytes += bytes;
	if (vq->num_free >= VIRTNET_RX_REFILL_MIN && !virtnet_vq_broken(vq)) {
		virtnet_rx_fill(rxq, packed);
		virtnet_kick(vq, rxq->port_id, packed);
	}
	return nrx;
}

static uint16_t
virtnet_rx_split(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_rx_body(q, pkts, n, false, false);
}

static uint16_t
virtnet_rx_split_mrg(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_rx_body(q, pkts, n, false, true);
}

static uint16_t
virtnet_rx_packed(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_rx_body(q, pkts, n, true, false);
}

static uint16_t
virtnet_rx_packed_mrg(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_rx_body(q, pkts, n, true, true);
}

static __rte_always_inline void
virtnet_tx_reclaim_body(struct virtnet_txq *txq, const bool packed)
{
	struct rte_mbuf *m;
	uint32_t len;

	while ((m = virtnet_vq_get_used(txq->vq, &len, packed)) != NULL)
		rte_pktmbuf_free(m);
}

void
virtnet_tx_reclaim(struct virtnet_txq *txq)
{
	if (txq->vq->packed)
		virtnet_tx_reclaim_body(txq, true);
	else
		virtnet_tx_reclaim_body(txq, false);
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

static __rte_always_inline int
virtnet_tx_one(struct virtnet_txq *txq, struct rte_mbuf *m, const bool packed)
{
	struct virtnet_buf b[VIRTNET_TX_MAX_SEGS + 1];
	struct virtnet_vq *vq = txq->vq;
	uint16_t hdr = txq->hdr_size, n = 1, slot;
	struct rte_mbuf *s = m;
	void *h;

	if (virtnet_tx_can_push(m, hdr)) {
		h = rte_pktmbuf_mtod_offset(m, char *, -(int)hdr);
		b[0].addr = virtnet_mbuf_addr(m, txq->use_va, -(int16_t)hdr);
		b[0].len = m->data_len + hdr;
		s = m->next;
	} else {
		slot = virtnet_vq_next_head(vq);
		h = &txq->hdrs[slot];
		b[0].addr = txq->hdrs_addr + slot * sizeof(txq->hdrs[0]);
		b[0].len = hdr;
	}
	memset(h, 0, hdr);
	for (; s != NULL; s = s->next, n++) {
		b[n].addr = virtnet_mbuf_addr(s, txq->use_va, 0);
		b[n].len = s->data_len;
	}
	return virtnet_vq_add(vq, b, n, 0, m, packed) < 0 ? -ENOSPC : 0;
}

static __rte_always_inline uint16_t
virtnet_tx_body(struct virtnet_txq *txq, struct rte_mbuf **pkts, uint16_t nb,
		const bool packed)
{
	struct virtnet_vq *vq = txq->vq;
	uint64_t bytes = 0;
	uint16_t i, sent = 0;

	if (unlikely(txq->hw->dp_off || virtnet_vq_broken(vq)))
		return 0;
	if (vq->num_free < nb + VIRTNET_RX_REFILL_MIN)
		virtnet_tx_reclaim_body(txq, packed);
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(m->nb_segs > VIRTNET_TX_MAX_SEGS)) {
			/* Never sendable: drop it rather than stall the queue. */
			txq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (vq->num_free < m->nb_segs + 1) {
			virtnet_tx_reclaim_body(txq, packed);
			if (vq->num_free < m->nb_segs + 1)
				break;
		}
		if (virtnet_tx_one(txq, m, packed) < 0)
			break;
		bytes += m->pkt_len;
		sent++;
	}
	if (likely(sent > 0)) {
		virtnet_kick(vq, txq->port_id, packed);
		txq->stats.packets += sent;
		txq->stats.bytes += bytes;
	}
	return i;
}

static uint16_t
virtnet_tx_split(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_tx_body(q, pkts, n, false);
}

static uint16_t
virtnet_tx_packed(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_tx_body(q, pkts, n, true);
}

/* Paths, most specific first; the first whose features fit is taken. */
const struct virtnet_path virtnet_rx_paths[] = {
	{ "packed mergeable", { .rx = virtnet_rx_packed_mrg },
		F(VIRTIO_F_RING_PACKED) | F(VIRTIO_NET_F_MRG_RXBUF), 0 },
	{ "packed", { .rx = virtnet_rx_packed },
		F(VIRTIO_F_RING_PACKED), F(VIRTIO_NET_F_MRG_RXBUF) },
	{ "split mergeable", { .rx = virtnet_rx_split_mrg },
		F(VIRTIO_NET_F_MRG_RXBUF), F(VIRTIO_F_RING_PACKED) },
	{ "split", { .rx = virtnet_rx_split },
		0, F(VIRTIO_F_RING_PACKED) | F(VIRTIO_NET_F_MRG_RXBUF) },
	{ NULL, { NULL }, 0, 0 },
};

const struct virtnet_path virtnet_tx_paths[] = {
	{ "packed", { .tx = virtnet_tx_packed }, F(VIRTIO_F_RING_PACKED), 0 },
	{ "split", { .tx = virtnet_tx_split }, 0, F(VIRTIO_F_RING_PACKED) },
	{ NULL, { NULL }, 0, 0 },
};

const struct virtnet_path *
virtnet_path_select(const struct virtnet_path *table, uint64_t features)
{
	const struct virtnet_path *p;

	for (p = table; p->name != NULL; p++)
		if ((features & p->required) == p->required &&
		    (features & p->forbidden) == 0)
			return p;
	return NULL;
}
