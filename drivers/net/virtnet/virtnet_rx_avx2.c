/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Split ring Rx, four used entries (32 bytes, one AVX2 register) at a
 * time, without mergeable buffers. Compiled with -mavx2 only; chosen at
 * run time when the CPU has AVX2 (virtnet_simd_width()).
 *
 * A batch is taken when four used entries are known to be ready (the
 * used index is read and checked as the scalar body reads it), lie in
 * one stretch of the ring, and name four single-descriptor chains in
 * flight (in order: the four expected ids; otherwise below the ring size
 * and distinct), each length between the net header plus an Ethernet
 * header and what was posted. Whatever fails goes to the scalar body
 * (virtnet_rx_vec.h).
 */

#include "virtnet_rx_vec.h"

/* All ones in each lane where @p a <= @p b, unsigned. */
static __rte_always_inline __m128i
virtnet_rx_avx2_le(__m128i a, __m128i b)
{
	return _mm_cmpeq_epi32(_mm_max_epu32(a, b), b);
}

/* Whether any two of the four ids are the same. */
static __rte_always_inline bool
virtnet_rx_avx2_dup(__m128i ids)
{
	__m128i r1 = _mm_shuffle_epi32(ids, _MM_SHUFFLE(0, 3, 2, 1));
	__m128i r2 = _mm_shuffle_epi32(ids, _MM_SHUFFLE(1, 0, 3, 2));

	return !_mm_testz_si128(_mm_or_si128(_mm_cmpeq_epi32(ids, r1),
		_mm_cmpeq_epi32(ids, r2)), _mm_set1_epi32(-1));
}

/*
 * Whether the four chains of @p id are in flight, one descriptor each,
 * and took the lengths @p lens: hdr + 14 <= len <= posted. Their
 * cookies go to @p m.
 */
static __rte_always_inline bool
virtnet_rx_avx2_extra(const struct virtnet_rxq *rxq, const uint32_t *id,
		__m128i lens, struct rte_mbuf **m)
{
	const struct virtnet_vq_extra *x = rxq->vq->extra;
	__m128i e0 = _mm_loadu_si128((const void *)&x[id[0]]);
	__m128i e1 = _mm_loadu_si128((const void *)&x[id[1]]);
	__m128i e2 = _mm_loadu_si128((const void *)&x[id[2]]);
	__m128i e3 = _mm_loadu_si128((const void *)&x[id[3]]);
	__m128i c01 = _mm_unpacklo_epi64(e0, e1), c23 = _mm_unpacklo_epi64(e2, e3);
	__m128i i01 = _mm_unpackhi_epi64(e0, e1), i23 = _mm_unpackhi_epi64(e2, e3);
	__m128i inl = _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(i01),
		_mm_castsi128_ps(i23), _MM_SHUFFLE(2, 0, 2, 0)));
	__m128i nd = _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(i01),
		_mm_castsi128_ps(i23), _MM_SHUFFLE(3, 1, 3, 1)));
	__m128i zero = _mm_setzero_si128(), ok;

	RTE_BUILD_BUG_ON(sizeof(*x) != 16);
	ok = _mm_and_si128(virtnet_rx_avx2_le(lens, inl), virtnet_rx_avx2_le(
		_mm_set1_epi32(rxq->hdr_size + RTE_ETHER_HDR_LEN), lens));
	ok = _mm_and_si128(ok, _mm_cmpeq_epi32(_mm_and_si128(nd,
		_mm_set1_epi32(0xffff)), _mm_set1_epi32(1)));
	if (_mm_movemask_epi8(ok) != 0xffff ||
	    !_mm_testz_si128(_mm_or_si128(_mm_cmpeq_epi64(c01, zero),
		    _mm_cmpeq_epi64(c23, zero)), _mm_set1_epi32(-1)))
		return false;
	_mm_storeu_si128((__m128i *)(void *)&m[0], c01);
	_mm_storeu_si128((__m128i *)(void *)&m[2], c23);
	return true;
}

/* Take four checked chains out of the queue's bookkeeping. */
static __rte_always_inline void
virtnet_rx_avx2_pop(struct virtnet_vq *vq, const uint32_t *id,
		const bool in_order)
{
	unsigned int i;

	for (i = 0; i < VIRTNET_RX_VEC_BATCH; i++) {
		vq->extra[id[i]].cookie = NULL;
		if (!in_order) {
			vq->extra[id[i]].next = vq->free_head;
			vq->free_head = (uint16_t)id[i];
		}
	}
	if (in_order)
		vq->inorder_next = (uint16_t)((id[3] + 1) & vq->mask);
	vq->num_free += VIRTNET_RX_VEC_BATCH;
	vq->last_used += VIRTNET_RX_VEC_BATCH;
	vq->used_cached -= VIRTNET_RX_VEC_BATCH;
}

/*
 * The ids of the four used entries at @p slot if they pass (below the
 * ring size; in order the expected ones, otherwise distinct), and their
 * lengths.
 */
static __rte_always_inline bool
virtnet_rx_avx2_ids(const struct virtnet_vq *vq, uint16_t slot, uint32_t *id,
		__m128i *lens, const bool in_order)
{
	const __m256i sel = _mm256_set_epi32(7, 5, 3, 1, 6, 4, 2, 0);
	__m256i u = _mm256_permutevar8x32_epi32(
		_mm256_loadu_si256((const void *)&vq->used->ring[slot]), sel);
	__m128i ids = _mm256_castsi256_si128(u), exp;

	*lens = _mm256_extracti128_si256(u, 1);
	if (in_order) {
		exp = _mm_and_si128(_mm_add_epi32(_mm_set1_epi32(vq->inorder_next),
			_mm_set_epi32(3, 2, 1, 0)), _mm_set1_epi32(vq->mask));
		if (_mm_movemask_epi8(_mm_cmpeq_epi32(ids, exp)) != 0xffff)
			return false;
	} else if (_mm_movemask_epi8(virtnet_rx_avx2_le(ids,
			_mm_set1_epi32(vq->size - 1))) != 0xffff ||
		   virtnet_rx_avx2_dup(ids)) {
		return false;
	}
	_mm_storeu_si128((__m128i *)(void *)id, ids);
	return true;
}

static __rte_always_inline int
virtnet_rx_avx2_batch(struct virtnet_rxq *rxq, struct rte_mbuf **pkts,
		struct virtnet_tally_vec *v, const bool in_order)
{
	struct virtnet_vq *vq = rxq->vq;
	uint32_t id[VIRTNET_RX_VEC_BATCH];
	struct rte_mbuf *m[VIRTNET_RX_VEC_BATCH];
	uint16_t slot = vq->last_used & vq->mask;
	__m128i lens;

	if (in_order && vq->in_batch)
		return VIRTNET_RX_VEC_SLOW;
	/* The used index is read when the scalar body would read it. */
	if (vq->used_cached == 0 && virtnet_vq_split_ready(vq) == 0)
		return VIRTNET_RX_VEC_NONE;
	if (vq->used_cached < VIRTNET_RX_VEC_BATCH ||
	    slot + VIRTNET_RX_VEC_BATCH > vq->size ||
	    !virtnet_rx_avx2_ids(vq, slot, id, &lens, in_order) ||
	    !virtnet_rx_avx2_extra(rxq, id, lens, m))
		return VIRTNET_RX_VEC_SLOW;
	virtnet_rx_avx2_pop(vq, id, in_order);
	return virtnet_rx_vec_deliver(rxq, m, lens, pkts, v);
}

static int
virtnet_rx_avx2_batch_io(struct virtnet_rxq *rxq, struct rte_mbuf **pkts,
		struct virtnet_tally_vec *v)
{
	return virtnet_rx_avx2_batch(rxq, pkts, v, true);
}

static int
virtnet_rx_avx2_batch_any(struct virtnet_rxq *rxq, struct rte_mbuf **pkts,
		struct virtnet_tally_vec *v)
{
	return virtnet_rx_avx2_batch(rxq, pkts, v, false);
}

static void
virtnet_rx_avx2_fill_io(struct virtnet_rxq *rxq)
{
	virtnet_rx_fill(rxq, VIRTNET_VQ_IN_ORDER);
}

static void
virtnet_rx_avx2_fill(struct virtnet_rxq *rxq)
{
	virtnet_rx_fill(rxq, 0);
}

uint16_t
virtnet_rx_split_io_avx2(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtnet_rxq *rxq = q;
	uint16_t nrx;

	if (unlikely(!virtnet_burst_enter(&rxq->guard)))
		return 0;
	nrx = virtnet_rx_vec_body(rxq, pkts, n, VIRTNET_VQ_IN_ORDER,
		virtnet_rx_avx2_batch_io, virtnet_rx_avx2_fill_io);
	virtnet_rx_leave(rxq);
	return nrx;
}

uint16_t
virtnet_rx_split_avx2(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtnet_rxq *rxq = q;
	uint16_t nrx;

	if (unlikely(!virtnet_burst_enter(&rxq->guard)))
		return 0;
	nrx = virtnet_rx_vec_body(rxq, pkts, n, 0, virtnet_rx_avx2_batch_any,
		virtnet_rx_avx2_fill);
	virtnet_rx_leave(rxq);
	return nrx;
}
