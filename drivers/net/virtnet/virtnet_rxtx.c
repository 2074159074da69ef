/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Rx and Tx bursts. Each burst is written once as an always-inline body
 * with constant parameters and instantiated per combination; the virtqueue
 * API hides the ring layout.
 */

#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "virtnet_ethdev.h"

static __rte_always_inline uint64_t
virtnet_mbuf_addr(const struct rte_mbuf *m, bool use_va, int16_t off)
{
	if (use_va)
		return (uint64_t)(uintptr_t)rte_pktmbuf_mtod_offset(m, char *, off);
	return rte_pktmbuf_iova_offset(m, off);
}

static __rte_always_inline struct virtnet_proc *
virtnet_port_proc(uint16_t port_id)
{
	return rte_eth_devices[port_id].process_private;
}

static __rte_always_inline void
virtnet_kick(struct virtnet_vq *vq, uint16_t port_id)
{
	struct virtnet_proc *p;

	virtnet_vq_publish(vq);
	if (virtnet_vq_kick_prepare(vq)) {
		p = virtnet_port_proc(port_id);
		p->ops->notify(p->tp, vq->qid);
	}
}

/* Post fresh mbufs; the net header lands in the headroom. */
static __rte_always_inline int
virtnet_rx_post(struct virtnet_rxq *rxq, uint16_t n)
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
		virtnet_vq_add(rxq->vq, &b, 0, 1, m);
	}
	return 0;
}

int
virtnet_rx_refill(struct virtnet_rxq *rxq)
{
	struct virtnet_vq *vq = rxq->vq;
	uint16_t n;
	int ret = 0;

	while (vq->num_free > 0) {
		n = RTE_MIN(vq->num_free, VIRTNET_RX_REFILL_MIN * 2);
		ret = virtnet_rx_post(rxq, n);
		if (ret < 0)
			break;
	}
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

/* Take the rest of a mergeable packet: @p nbuf - 1 more buffers. */
static __rte_always_inline int
virtnet_rx_merge(struct virtnet_rxq *rxq, struct rte_mbuf *head,
		uint16_t nbuf, uint16_t *avail)
{
	struct virtnet_vq *vq = rxq->vq;
	struct rte_mbuf *prev = head, *m;
	uint32_t len;
	uint16_t i;
	int ret = 0;

	if (unlikely(nbuf - 1 > *avail)) {
		rxq->stats.errors++;
		return -EINVAL;
	}
	for (i = 1; i < nbuf; i++) {
		m = virtnet_vq_get_used(vq, &len);
		(*avail)--;
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
	if (ret < 0)
		rxq->stats.errors++;
	return ret;
}

static __rte_always_inline uint16_t
virtnet_rx_burst_body(struct virtnet_rxq *rxq, struct rte_mbuf **pkts,
		uint16_t nb, const bool mrg)
{
	struct virtnet_vq *vq = rxq->vq;
	uint16_t hdr = rxq->hdr_size, avail, nrx = 0;
	uint64_t bytes = 0;
	struct rte_mbuf *m;
	uint32_t len;

	if (unlikely(rxq->hw->dp_off || virtnet_vq_broken(vq)))
		return 0;
	avail = virtnet_vq_used_count(vq);
	while (nrx < nb && avail > 0) {
		const struct virtio_net_hdr_mrg_rxbuf *h;
		uint16_t nbuf = 1;

		m = virtnet_vq_get_used(vq, &len);
		avail--;
		if (unlikely(m == NULL))
			break;
		h = (const void *)((char *)m->buf_addr + RTE_PKTMBUF_HEADROOM -
			hdr);
		if (mrg)
			nbuf = __atomic_load_n(&h->num_buffers, __ATOMIC_RELAXED);
		if (unlikely(len < (uint32_t)hdr + RTE_ETHER_HDR_LEN ||
				nbuf == 0 || nbuf > vq->size)) {
			rxq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		virtnet_rx_init_mbuf(m, rxq->port_id, RTE_PKTMBUF_HEADROOM,
			len - hdr);
		if (mrg && nbuf > 1 &&
		    unlikely(virtnet_rx_merge(rxq, m, nbuf, &avail) < 0)) {
			rte_pktmbuf_free(m);
			continue;
		}
		bytes += m->pkt_len;
		pkts[nrx++] = m;
	}
	rxq->stats.packets += nrx;
	rxq->stats.bytes += bytes;
	if (vq->num_free >= VIRTNET_RX_REFILL_MIN && !virtnet_vq_broken(vq)) {
		virtnet_rx_refill(rxq);
		virtnet_kick(vq, rxq->port_id);
	}
	return nrx;
}

uint16_t
virtnet_rx_burst(void *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_rx_burst_body(rxq, pkts, n, false);
}

uint16_t
virtnet_rx_burst_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_rx_burst_body(rxq, pkts, n, true);
}

void
virtnet_tx_reclaim(struct virtnet_txq *txq)
{
	struct virtnet_vq *vq = txq->vq;
	uint16_t n = virtnet_vq_used_count(vq);
	struct rte_mbuf *m;
	uint32_t len;

	while (n-- > 0) {
		m = virtnet_vq_get_used(vq, &len);
		if (unlikely(m == NULL))
			break;
		rte_pktmbuf_free(m);
	}
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
virtnet_tx_one(struct virtnet_txq *txq, struct rte_mbuf *m)
{
	struct virtnet_buf b[VIRTNET_TX_MAX_SEGS + 1];
	struct virtnet_vq *vq = txq->vq;
	uint16_t hdr = txq->hdr_size, n = 0, head;
	struct rte_mbuf *s = m;
	void *h;

	if (virtnet_tx_can_push(m, hdr)) {
		h = rte_pktmbuf_mtod_offset(m, char *, -(int)hdr);
		b[0].addr = virtnet_mbuf_addr(m, txq->use_va, -(int16_t)hdr);
		b[0].len = m->data_len + hdr;
		s = m->next;
		n = 1;
	} else {
		if (unlikely(vq->num_free < m->nb_segs + 1))
			return -ENOSPC;
		head = virtnet_vq_next_head(vq);
		h = &txq->hdrs[head];
		b[0].addr = txq->hdrs_addr + head * sizeof(txq->hdrs[0]);
		b[0].len = hdr;
		n = 1;
	}
	memset(h, 0, hdr);
	for (; s != NULL; s = s->next, n++) {
		b[n].addr = virtnet_mbuf_addr(s, txq->use_va, 0);
		b[n].len = s->data_len;
	}
	return virtnet_vq_add(vq, b, n, 0, m) < 0 ? -ENOSPC : 0;
}

uint16_t
virtnet_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t nb)
{
	struct virtnet_txq *txq = q;
	struct virtnet_vq *vq = txq->vq;
	uint64_t bytes = 0;
	uint16_t i, sent = 0;

	if (unlikely(txq->hw->dp_off || virtnet_vq_broken(vq)))
		return 0;
	if (vq->num_free < nb + VIRTNET_RX_REFILL_MIN)
		virtnet_tx_reclaim(txq);
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(m->nb_segs > VIRTNET_TX_MAX_SEGS)) {
			/* Never sendable: drop it rather than stall the queue. */
			txq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (vq->num_free < m->nb_segs + 1) {
			virtnet_tx_reclaim(txq);
			if (vq->num_free < m->nb_segs + 1)
				break;
		}
		if (virtnet_tx_one(txq, m) < 0)
			break;
		bytes += m->pkt_len;
		sent++;
	}
	if (likely(sent > 0)) {
		virtnet_kick(vq, txq->port_id);
		txq->stats.packets += sent;
		txq->stats.bytes += bytes;
	}
	return i;
}
