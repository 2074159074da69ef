/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_RX_VEC_H
#define VIRTNET_RX_VEC_H

/*
 * What the vector Rx paths share, included only by files compiled for
 * AVX2 or wider: the burst loop around a per-layout batch of four, and
 * the mbuf initialisation in one 32-byte read-modify-write. A batch is
 * taken only when every device-written field of its four entries passed
 * the vector checks; anything else (not ready, a check failed, the ring
 * wrapping, a batch entry in order) goes to the scalar body one packet
 * at a time, which does the fault handling: faults, drops and counters
 * are those of the scalar path.
 */

#include <immintrin.h>

#include "virtnet_tally_vec.h"

#define VIRTNET_RX_VEC_BATCH	4

/* What a batch function returns when it took nothing. */
#define VIRTNET_RX_VEC_NONE	(-1)	/* nothing ready: the burst ends */
#define VIRTNET_RX_VEC_SLOW	(-2)	/* the scalar body takes one */

/*
 * The bytes of the mbuf from data_off to the end of vlan_tci, as one
 * 32-byte window at rearm_data: what virtnet_rx_init_mbuf() writes.
 */
#define VIRTNET_RX_VEC_WIN	offsetof(struct rte_mbuf, rearm_data)

/*
 * Bits of the window the scalar init leaves alone: refcnt, the EXTERNAL
 * flag of a pinned external buffer, and the hash after vlan_tci.
 */
static __rte_always_inline __m256i
virtnet_rx_vec_keep(void)
{
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, data_off) != VIRTNET_RX_VEC_WIN);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, refcnt) != VIRTNET_RX_VEC_WIN + 2);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) != VIRTNET_RX_VEC_WIN + 4);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, port) != VIRTNET_RX_VEC_WIN + 6);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, ol_flags) != VIRTNET_RX_VEC_WIN + 8);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, packet_type) != VIRTNET_RX_VEC_WIN + 16);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, pkt_len) != VIRTNET_RX_VEC_WIN + 20);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, data_len) != VIRTNET_RX_VEC_WIN + 24);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, vlan_tci) != VIRTNET_RX_VEC_WIN + 26);
	return _mm256_set_epi32(-1, 0, 0, 0,
		(int)(RTE_MBUF_F_EXTERNAL >> 32), (int)RTE_MBUF_F_EXTERNAL,
		0, (int)0xffff0000);
}

/* data_off, nb_segs 1 and port, as virtnet_rx_init_mbuf() sets them. */
static __rte_always_inline __m256i
virtnet_rx_vec_init(uint16_t port)
{
	return _mm256_set_epi32(0, 0, 0, 0, 0, 0,
		(int)(1u | (uint32_t)port << 16), RTE_PKTMBUF_HEADROOM);
}

/*
 * virtnet_rx_init_mbuf() for @p len bytes: pkt_len and data_len, and
 * vlan_tci 0 (the upper half of the dword holding data_len).
 */
static __rte_always_inline void
virtnet_rx_vec_init_mbuf(struct rte_mbuf *m, __m256i keep, __m256i init,
		uint32_t len)
{
	__m256i *w = (__m256i *)(void *)((char *)m + VIRTNET_RX_VEC_WIN);
	__m256i v = _mm256_loadu_si256(w);
	__m256i l = _mm256_set_epi32(0, (int)len, (int)len, 0, 0, 0, 0, 0);

	v = _mm256_or_si256(_mm256_and_si256(v, keep), init);
	_mm256_storeu_si256(w, _mm256_or_si256(v, l));
}

/*
 * The offloads, the tally and the hand-over of a batch whose mbufs are
 * initialised for frames of @p len bytes (32-bit lanes): each packet as
 * the scalar body finishes it. Without offloads the four are counted at
 * once; with them, one by one, as they may change a frame's length. A
 * packet the offloads refuse is dropped and counted there too.
 * @return packets handed over.
 */
static __rte_always_inline int
virtnet_rx_vec_finish(struct virtnet_rxq *rxq, struct rte_mbuf **m,
		__m128i len, struct rte_mbuf **pkts, struct virtnet_tally_vec *v)
{
	const uint8_t *dst[VIRTNET_RX_VEC_BATCH];
	int i, n = 0;

	RTE_BUILD_BUG_ON(VIRTNET_RX_VEC_BATCH != VIRTNET_TALLY_VEC);
	if (likely(!(rxq->ol_hdr || rxq->vlan_strip))) {
		/* Where virtnet_rx_vec_init() put the data, not data_off again. */
		for (i = 0; i < VIRTNET_RX_VEC_BATCH; i++) {
			dst[i] = (const uint8_t *)m[i]->buf_addr +
				RTE_PKTMBUF_HEADROOM;
			pkts[i] = m[i];
		}
		virtnet_tally4(v, len, m, dst, false);
		return VIRTNET_RX_VEC_BATCH;
	}
	for (i = 0; i < VIRTNET_RX_VEC_BATCH; i++) {
		if (unlikely(rxq->ol_hdr || rxq->vlan_strip) &&
		    unlikely(virtnet_rx_offloads(rxq, m[i]) < 0)) {
			rxq->stats.errors++;
			rte_pktmbuf_free(m[i]);
			continue;
		}
		virtnet_tally_pkt(v->t, m[i], false);
		pkts[n++] = m[i];
	}
	return n;
}

/*
 * The common end of a layout's batch, once its four used entries passed
 * the checks and were taken: the mbufs initialised for the @p used_len
 * the device wrote (32-bit lanes, net header included), then finished.
 * @return packets handed over.
 */
static __rte_always_inline int
virtnet_rx_vec_deliver(struct virtnet_rxq *rxq, struct rte_mbuf **m,
		__m128i used_len, struct rte_mbuf **pkts, struct virtnet_tally_vec *v)
{
	uint32_t len[VIRTNET_RX_VEC_BATCH];
	__m128i lens = _mm_sub_epi32(used_len, _mm_set1_epi32(rxq->hdr_size));
	__m256i keep = virtnet_rx_vec_keep();
	__m256i init = virtnet_rx_vec_init(rxq->port_id);
	unsigned int i;

	_mm_storeu_si128((__m128i *)(void *)len, lens);
	for (i = 0; i < VIRTNET_RX_VEC_BATCH; i++)
		virtnet_rx_vec_init_mbuf(m[i], keep, init, len[i]);
	return virtnet_rx_vec_finish(rxq, m, lens, pkts, v);
}

/* A layout's batch of four: packets handed over, or NONE or SLOW. */
typedef int (*virtnet_rx_vec_batch_t)(struct virtnet_rxq *rxq,
		struct rte_mbuf **pkts, struct virtnet_tally_vec *v);

/* A layout's refill of every free slot, as virtnet_rx_fill() does it. */
typedef void (*virtnet_rx_vec_fill_t)(struct virtnet_rxq *rxq);

/*
 * The vector burst: batches of four while they pass, the scalar body
 * for one packet otherwise, then the refill. Big-packet buffers (chains
 * of mbufs) take the scalar body whole.
 */
static __rte_always_inline uint16_t
virtnet_rx_vec_body(struct virtnet_rxq *rxq, struct rte_mbuf **pkts,
		uint16_t nb, const uint32_t mode, virtnet_rx_vec_batch_t batch,
		virtnet_rx_vec_fill_t fill)
{
	struct virtnet_vq *vq = rxq->vq;
	struct virtnet_tally_vec v;
	struct virtnet_tally t;
	uint16_t nrx = 0, got;
	int ret;

	if (unlikely(rxq->big_bufs > 1))
		return virtnet_rx_body(rxq, pkts, nb, mode, false);
	if (unlikely(virtnet_vq_broken(vq)))
		return 0;
	virtnet_tally_vec_init(&v, &t);
	while (nrx < nb) {
		if (nb - nrx >= VIRTNET_RX_VEC_BATCH) {
			ret = batch(rxq, &pkts[nrx], &v);
			if (ret >= 0) {
				nrx += ret;
				continue;
			}
			if (ret == VIRTNET_RX_VEC_NONE)
				break;
		}
		got = virtnet_rx_take(rxq, &pkts[nrx], 1, &t, mode, false);
		if (got == 0)
			break;
		nrx += got;
	}
	/* An empty poll stores nothing: a reset from another thread sticks. */
	if (nrx > 0)
		virtnet_tally_vec_add(&rxq->stats, &v, nrx);
	if (vq->num_free >= VIRTNET_RX_REFILL_MIN && !virtnet_vq_broken(vq)) {
		fill(rxq);
		virtnet_kick(vq, rxq->tp, &rxq->stats.notifications, mode);
	}
	return nrx;
}

#endif /* VIRTNET_RX_VEC_H */
