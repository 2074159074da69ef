/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_TALLY_VEC_H
#define VIRTNET_TALLY_VEC_H

/*
 * The xstats tally of the vector paths, four packets at a time, included
 * only by files compiled for AVX2 or wider. It counts what four
 * virtnet_tally_pkt() calls count, without the table look-up and the
 * read-modify-write of a bin in memory per packet: the lengths go through
 * seven compares at once into lane counters kept across the burst, turned
 * into bins once per burst (virtnet_tally_vec_add()); group addresses
 * are counted in lanes too. Packets the vector steps do not take are
 * counted the scalar way, and added in the same place.
 */

#include <immintrin.h>

#include "virtnet_burst.h"

#define VIRTNET_TALLY_VEC	4

/*
 * A burst's tally: registers for the vector steps, and the scalar tally
 * for the packets they do not take. The scalar one is apart: its bins
 * are indexed, so it lives in memory, and the registers would with it.
 */
struct virtnet_tally_vec {
	struct virtnet_tally *t;
	/*
	 * 16-bit lanes: lane k of each half counts frames at least as long
	 * as edge k of virtnet_tally_vec_edges() (lane 0: all); the low half
	 * takes packets 0 and 2 of each four, the high half 1 and 3. A half
	 * counts up to half a burst: 16 bits hold it.
	 */
	__m256i ge;
	__m256i bytes;	/* 64-bit lanes, packet k of each four in lane k */
	__m256i grp;	/* 32-bit lanes: multicast 0-3, broadcast 4-7 */
};

static __rte_always_inline void
virtnet_tally_vec_init(struct virtnet_tally_vec *v, struct virtnet_tally *t)
{
	memset(t, 0, sizeof(*t));
	v->t = t;
	v->ge = _mm256_setzero_si256();
	v->bytes = _mm256_setzero_si256();
	v->grp = _mm256_setzero_si256();
}

/*
 * The bin edges less one, for a signed "greater than": frames longer
 * than -1, 63, 64, 127, ... are those of bins 0-7 and up, as
 * virtnet_size_bin() puts them (its table ends at VIRTNET_SIZE_BIN_MAX).
 */
static __rte_always_inline __m256i
virtnet_tally_vec_edges(void)
{
	RTE_BUILD_BUG_ON(VIRTNET_SIZE_BINS != 8);
	RTE_BUILD_BUG_ON(VIRTNET_SIZE_BIN_MAX != 1519);
	return _mm256_setr_epi16(-1, 63, 64, 127, 255, 511, 1023, 1518,
		-1, 63, 64, 127, 255, 511, 1023, 1518);
}

/* Bytes and size bins of four frames of @p len bytes (32-bit lanes). */
static __rte_always_inline void
virtnet_tally4_len(struct virtnet_tally_vec *v, __m128i len)
{
	/* pshufb: 16-bit lane 0 of the source in the low half, 1 in the high. */
	const __m256i sel01 = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1,
		0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3,
		2, 3, 2, 3, 2, 3, 2, 3);
	const __m256i sel23 = _mm256_add_epi8(sel01, _mm256_set1_epi8(4));
	const __m256i edges = virtnet_tally_vec_edges();
	__m128i l16;
	__m256i w;

	/* Past the last edge all lengths count alike: 16 signed bits do. */
	l16 = _mm_min_epu32(len, _mm_set1_epi32(INT16_MAX));
	l16 = _mm_packus_epi32(l16, l16);
	w = _mm256_broadcastsi128_si256(l16);
	/* A compare gives -1 where a frame passes an edge: subtract it. */
	v->ge = _mm256_sub_epi16(v->ge, _mm256_cmpgt_epi16(
		_mm256_shuffle_epi8(w, sel01), edges));
	v->ge = _mm256_sub_epi16(v->ge, _mm256_cmpgt_epi16(
		_mm256_shuffle_epi8(w, sel23), edges));
	v->bytes = _mm256_add_epi64(v->bytes, _mm256_cvtepu32_epi64(len));
}

static __rte_always_inline uint32_t
virtnet_load32(const uint8_t *p)
{
	uint32_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static __rte_always_inline uint32_t
virtnet_load16(const uint8_t *p)
{
	uint16_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * Multicast and broadcast of four frames whose destination is at @p d,
 * each long enough to be read as virtnet_tally_mac() reads it. Only the
 * first byte is read unless one has the group bit; then the addresses
 * are read as 4 and 2 bytes, loads that each lie within a store of the
 * address as apps write it (4 + 2 bytes, or single bytes), so they are
 * forwarded from stores still in flight, where an 8-byte load over the
 * source MAC too (virtnet_is_bcast8()) waits for two stores to reach the
 * cache. The four are counted in lanes, without a branch.
 */
static __rte_always_inline void
virtnet_tally4_dst(struct virtnet_tally_vec *v, const uint8_t *const *d)
{
	const __m128i ones = _mm_set1_epi32(-1);
	__m128i w4, w2, mc, bc;

	if (likely(((d[0][0] | d[1][0] | d[2][0] | d[3][0]) & 1) == 0))
		return;
	w4 = _mm_setr_epi32(virtnet_load32(d[0]), virtnet_load32(d[1]),
		virtnet_load32(d[2]), virtnet_load32(d[3]));
	w2 = _mm_setr_epi32(virtnet_load16(d[0] + 4), virtnet_load16(d[1] + 4),
		virtnet_load16(d[2] + 4), virtnet_load16(d[3] + 4));
	mc = _mm_cmpeq_epi32(_mm_and_si128(w4, _mm_set1_epi32(1)),
		_mm_set1_epi32(1));
	bc = _mm_and_si128(_mm_cmpeq_epi32(w4, ones),
		_mm_cmpeq_epi32(w2, _mm_set1_epi32(UINT16_MAX)));
	v->grp = _mm256_sub_epi32(v->grp, _mm256_set_m128i(bc, mc));
}

/*
 * Four packets as four virtnet_tally_pkt() count them: @p len their
 * pkt_len, @p m the mbufs, @p d their destination MACs. @p tx_short:
 * Tx, and a first segment may hold under 8 bytes (then counted one by
 * one, as the scalar way does).
 */
static __rte_always_inline void
virtnet_tally4(struct virtnet_tally_vec *v, __m128i len,
		struct rte_mbuf *const *m, const uint8_t *const *d,
		bool tx_short)
{
	unsigned int k;

	virtnet_tally4_len(v, len);
	if (likely(!tx_short)) {
		virtnet_tally4_dst(v, d);
		return;
	}
	for (k = 0; k < VIRTNET_TALLY_VEC; k++)
		virtnet_tally_mac(v->t, m[k], true);
}

/*
 * virtnet_tally_add() of a burst's @p n packets, the lane counters
 * turned into bins: bin k is the frames past edge k less those past
 * edge k + 1.
 */
static __rte_always_inline void
virtnet_tally_vec_add(struct virtnet_queue_stats *s,
		const struct virtnet_tally_vec *v, uint16_t n)
{
	__m256i *sb = (__m256i *)(void *)s->size_bins;
	__m128i ge, bins, b;
	uint32_t mc, bc;
	__m256i g;

	RTE_BUILD_BUG_ON(sizeof(v->t->bins) != sizeof(__m128i));
	ge = _mm_add_epi16(_mm256_castsi256_si128(v->ge),
		_mm256_extracti128_si256(v->ge, 1));
	bins = _mm_sub_epi16(ge, _mm_srli_si128(ge, 2));
	bins = _mm_add_epi16(bins, _mm_loadu_si128((const void *)v->t->bins));
	b = _mm_add_epi64(_mm256_castsi256_si128(v->bytes),
		_mm256_extracti128_si256(v->bytes, 1));
	/* Lanes 0 and 4: multicast and broadcast of the vector steps. */
	g = _mm256_hadd_epi32(v->grp, v->grp);
	g = _mm256_hadd_epi32(g, g);
	mc = (uint32_t)_mm256_extract_epi32(g, 0) + v->t->mcast;
	bc = (uint32_t)_mm256_extract_epi32(g, 4) + v->t->bcast;
	s->packets += n;
	s->bytes += v->t->bytes + (uint64_t)_mm_cvtsi128_si64(b) +
		(uint64_t)_mm_extract_epi64(b, 1);
	s->multicast += mc - bc;
	s->broadcast += bc;
	_mm256_storeu_si256(&sb[0], _mm256_add_epi64(_mm256_loadu_si256(&sb[0]),
		_mm256_cvtepu16_epi64(bins)));
	_mm256_storeu_si256(&sb[1], _mm256_add_epi64(_mm256_loadu_si256(&sb[1]),
		_mm256_cvtepu16_epi64(_mm_srli_si128(bins, 8))));
}

#endif /* VIRTNET_TALLY_VEC_H */
