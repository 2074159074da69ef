/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Packed ring Rx, four descriptors (one 64-byte line) at a time with
 * AVX512F/BW/VL, without mergeable buffers. Compiled with those flags
 * only; chosen at run time when the CPU has them (virtnet_simd_width()).
 *
 * A batch is taken when the four descriptors are used in this lap, their
 * ids name four single-descriptor chains in flight (in order: the four
 * expected ones; otherwise below the ring size and distinct), and each
 * length lies between the net header plus an Ethernet header and what
 * was posted. Whatever fails goes to the scalar body (virtnet_rx_vec.h).
 */

#include "virtnet_rx_vec.h"

#define VIRTNET_PF_BOTH	(VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED)

/*
 * Dword 2 (len, in_len) and dword 3 (id and flags, ndescs and next) of
 * each 16-byte entry of a line: lanes 0-3 and 4-7 of the result.
 */
static __rte_always_inline __m512i
virtnet_rx_avx512_cols(__m512i v)
{
	const __m512i sel = _mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0,
		15, 11, 7, 3, 14, 10, 6, 2);

	return _mm512_permutexvar_epi32(sel, v);
}

/*
 * Which of the four descriptors of @p line the device used in the lap
 * of @p wrap: bits 1, 3, 5, 7 (the upper half of each).
 */
static __rte_always_inline __mmask8
virtnet_rx_avx512_used(const void *line, bool wrap)
{
	const __m512i fmask = _mm512_maskz_set1_epi64(0xaa,
		(uint64_t)VIRTNET_PF_BOTH << 48);
	__m512i f = _mm512_and_si512(_mm512_load_si512(line), fmask);

	return _mm512_mask_cmpeq_epu64_mask(0xaa, f,
		wrap ? fmask : _mm512_setzero_si512());
}

/*
 * The driver-private entries of four ids outside in order: ids below
 * the ring size and distinct, or false.
 */
static __rte_always_inline bool
virtnet_rx_avx512_extra(const struct virtnet_vq *vq, __m128i ids,
		uint32_t *id, __m512i *ext)
{
	__m128i r1 = _mm_shuffle_epi32(ids, _MM_SHUFFLE(0, 3, 2, 1));
	__m128i r2 = _mm_shuffle_epi32(ids, _MM_SHUFFLE(1, 0, 3, 2));
	__m512i e;

	if (_mm_cmpge_epu32_mask(ids, _mm_set1_epi32(vq->size)) |
	    _mm_cmpeq_epi32_mask(ids, r1) | _mm_cmpeq_epi32_mask(ids, r2))
		return false;
	_mm_storeu_si128((__m128i *)(void *)id, ids);
	RTE_BUILD_BUG_ON(sizeof(vq->extra[0]) != 16);
	e = _mm512_castsi128_si512(_mm_loadu_si128((const void *)&vq->extra[id[0]]));
	e = _mm512_inserti32x4(e, _mm_loadu_si128((const void *)&vq->extra[id[1]]), 1);
	e = _mm512_inserti32x4(e, _mm_loadu_si128((const void *)&vq->extra[id[2]]), 2);
	*ext = _mm512_inserti32x4(e, _mm_loadu_si128((const void *)&vq->extra[id[3]]), 3);
	return true;
}

/* Take four checked chains out of the queue's bookkeeping. */
static __rte_always_inline void
virtnet_rx_avx512_pop(struct virtnet_vq *vq, uint16_t pos, const uint32_t *id,
		const bool in_order)
{
	unsigned int i;

	if (in_order) {
		_mm512_mask_storeu_epi64(&vq->extra[pos], 0x55,
			_mm512_setzero_si512());
	} else {
		for (i = 0; i < VIRTNET_RX_VEC_BATCH; i++) {
			vq->extra[id[i]].cookie = NULL;
			vq->extra[id[i]].next = vq->free_head;
			vq->free_head = (uint16_t)id[i];
		}
	}
	vq->num_free += VIRTNET_RX_VEC_BATCH;
	pos += VIRTNET_RX_VEC_BATCH;
	if (pos == vq->size) {
		pos = 0;
		vq->used_wrap = !vq->used_wrap;
	}
	vq->last_used = pos;
}

static __rte_always_inline int
virtnet_rx_avx512_batch(struct virtnet_rxq *rxq, struct rte_mbuf **pkts,
		struct virtnet_tally_vec *v, const bool in_order)
{
	struct virtnet_vq *vq = rxq->vq;
	uint16_t pos = vq->last_used;
	const void *line = &vq->pdesc[pos];
	uint32_t id[VIRTNET_RX_VEC_BATCH];
	struct rte_mbuf *m[VIRTNET_RX_VEC_BATCH];
	__m512i cols, ext;
	__m128i lens, ids, inl, nd;
	__mmask8 used, bad;

	if ((pos & 3) != 0 || pos + VIRTNET_RX_VEC_BATCH > vq->size ||
	    (in_order && vq->in_batch))
		return VIRTNET_RX_VEC_SLOW;
	used = virtnet_rx_avx512_used(line, vq->used_wrap);
	/* Flags no device may write: the scalar way reports them. */
	if (used != 0xaa)
		return (used & 0x02) || virtnet_vq_packed_next_torn(vq) ?
			VIRTNET_RX_VEC_SLOW : VIRTNET_RX_VEC_NONE;
	/*
	 * Read id and len again after the flags said used: one 64-byte load
	 * is not one atomic read, the first may have met older ids.
	 */
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	cols = virtnet_rx_avx512_cols(_mm512_load_si512(line));
	lens = _mm512_castsi512_si128(cols);
	ids = _mm_and_si128(_mm512_extracti32x4_epi32(cols, 1),
		_mm_set1_epi32(0xffff));
	if (in_order) {
		if (_mm_cmpneq_epu32_mask(ids, _mm_add_epi32(_mm_set1_epi32(pos),
				_mm_set_epi32(3, 2, 1, 0))))
			return VIRTNET_RX_VEC_SLOW;
		ext = _mm512_loadu_si512(&vq->extra[pos]);
	} else if (!virtnet_rx_avx512_extra(vq, ids, id, &ext)) {
		return VIRTNET_RX_VEC_SLOW;
	}
	cols = virtnet_rx_avx512_cols(ext);
	inl = _mm512_castsi512_si128(cols);
	nd = _mm_and_si128(_mm512_extracti32x4_epi32(cols, 1),
		_mm_set1_epi32(0xffff));
	/* In flight (cookie set), one descriptor, hdr + 14 <= len <= posted. */
	bad = _mm512_mask_cmpeq_epu64_mask(0x55, ext, _mm512_setzero_si512()) |
		_mm_cmpneq_epu32_mask(nd, _mm_set1_epi32(1)) |
		_mm_cmplt_epu32_mask(lens,
			_mm_set1_epi32(rxq->hdr_size + RTE_ETHER_HDR_LEN)) |
		_mm_cmpgt_epu32_mask(lens, inl);
	if (bad)
		return VIRTNET_RX_VEC_SLOW;
	_mm256_storeu_si256((__m256i *)(void *)m,
		_mm512_castsi512_si256(_mm512_maskz_compress_epi64(0x55, ext)));
	virtnet_rx_avx512_pop(vq, pos, id, in_order);
	return virtnet_rx_vec_deliver(rxq, m, lens, pkts, v);
}

static int
virtnet_rx_avx512_batch_io(struct virtnet_rxq *rxq, struct rte_mbuf **pkts,
		struct virtnet_tally_vec *v)
{
	return virtnet_rx_avx512_batch(rxq, pkts, v, true);
}

static int
virtnet_rx_avx512_batch_any(struct virtnet_rxq *rxq, struct rte_mbuf **pkts,
		struct virtnet_tally_vec *v)
{
	return virtnet_rx_avx512_batch(rxq, pkts, v, false);
}

/* Ring address and length of a fresh mbuf, as virtnet_rx_post() posts it. */
static __rte_always_inline void
virtnet_rx_avx512_buf(const struct virtnet_rxq *rxq, const struct rte_mbuf *m,
		uint64_t *addr, uint32_t *len)
{
	*addr = virtnet_mbuf_room_addr(m, rxq->use_va, -(int16_t)rxq->hdr_size);
	*len = m->buf_len - RTE_PKTMBUF_HEADROOM + rxq->hdr_size;
}

/*
 * Four fresh mbufs in slots @p pos to @p pos + 3 of one line, in order
 * (id = slot): descriptors and bookkeeping as virtnet_vq_packed_add()
 * leaves them, @p f0 on the first descriptor.
 */
static __rte_always_inline void
virtnet_rx_avx512_post4(struct virtnet_rxq *rxq, struct rte_mbuf **mb,
		uint16_t pos, uint16_t flags, uint16_t f0)
{
	const __m512i inter = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0);
	struct virtnet_vq *vq = rxq->vq;
	uint64_t a[VIRTNET_RX_VEC_BATCH];
	uint32_t l[VIRTNET_RX_VEC_BATCH];
	__m128i lens, idf;
	__m256i hi;
	unsigned int i;

	for (i = 0; i < VIRTNET_RX_VEC_BATCH; i++)
		virtnet_rx_avx512_buf(rxq, mb[i], &a[i], &l[i]);
	lens = _mm_loadu_si128((const __m128i *)(const void *)l);
	idf = _mm_add_epi32(_mm_set1_epi32(pos | (uint32_t)flags << 16),
		_mm_set_epi32(3, 2, 1, 0));
	idf = _mm_mask_set1_epi16(idf, 0x02, f0);
	hi = _mm256_inserti128_si256(_mm256_castsi128_si256(
		_mm_unpacklo_epi32(lens, idf)), _mm_unpackhi_epi32(lens, idf), 1);
	_mm512_store_si512(&vq->pdesc[pos], _mm512_permutex2var_epi64(
		_mm512_castsi256_si512(_mm256_loadu_si256((const void *)a)),
		inter, _mm512_castsi256_si512(hi)));
	/* cookie, in_len and ndescs 1; next is not the in-order add's. */
	hi = _mm256_or_si256(_mm256_cvtepu32_epi64(lens),
		_mm256_set1_epi64x(1LL << 32));
	_mm512_mask_storeu_epi16(&vq->extra[pos], 0x7f7f7f7f,
		_mm512_permutex2var_epi64(_mm512_castsi256_si512(
			_mm256_loadu_si256((const void *)mb)), inter,
			_mm512_castsi256_si512(hi)));
}

/* One fresh mbuf in slot @p pos, in order, @p f as its flags. */
static __rte_always_inline void
virtnet_rx_avx512_post1(struct virtnet_rxq *rxq, struct rte_mbuf *m,
		uint16_t pos, uint16_t f)
{
	struct virtnet_vq *vq = rxq->vq;
	struct vring_packed_desc *d = &vq->pdesc[pos];
	uint64_t addr;
	uint32_t len;

	virtnet_rx_avx512_buf(rxq, m, &addr, &len);
	d->addr = addr;
	d->len = len;
	d->id = pos;
	d->flags = f;
	vq->extra[pos].cookie = m;
	vq->extra[pos].in_len = len;
	vq->extra[pos].ndescs = 1;
}

/*
 * Post @p n mbufs from the next slot on, four to a line where the line
 * is whole. The first slot of the refill, @p head, gets flags that do not
 * make it available; virtnet_rx_avx512_fill_io() sets them last.
 */
static __rte_always_inline void
virtnet_rx_avx512_post_io(struct virtnet_rxq *rxq, struct rte_mbuf **mb,
		uint16_t n, uint16_t head)
{
	struct virtnet_vq *vq = rxq->vq;
	uint16_t i = 0, pos, flags, f0;

	while (i < n) {
		pos = vq->avail_idx;
		flags = vq->avail_flags | VRING_DESC_F_WRITE;
		f0 = pos == head ? flags ^ VIRTNET_PF_BOTH : flags;
		if ((pos & 3) == 0 && n - i >= VIRTNET_RX_VEC_BATCH &&
		    pos + VIRTNET_RX_VEC_BATCH <= vq->size) {
			virtnet_rx_avx512_post4(rxq, &mb[i], pos, flags, f0);
			i += VIRTNET_RX_VEC_BATCH;
			pos += VIRTNET_RX_VEC_BATCH;
		} else {
			virtnet_rx_avx512_post1(rxq, mb[i], pos, f0);
			i++;
			pos++;
		}
		if (pos == vq->size) {
			pos = 0;
			vq->avail_flags ^= VIRTNET_PF_BOTH;
		}
		vq->avail_idx = pos;
	}
	vq->num_free -= n;
	vq->kick_added += n;
}

/*
 * virtnet_rx_fill() for a packed in-order ring, with the same mempool
 * requests and the same ring and bookkeeping at the end. The device reads
 * a packed ring in order, so every descriptor but the first may become
 * available in any order: the first one's flags are stored last.
 */
static void
virtnet_rx_avx512_fill_io(struct virtnet_rxq *rxq)
{
	struct rte_mbuf *mb[VIRTNET_RX_REFILL_MIN * 2];
	struct virtnet_vq *vq = rxq->vq;
	uint16_t head = vq->avail_idx, n;
	uint16_t head_flags = vq->avail_flags | VRING_DESC_F_WRITE;
	bool posted = false;

	while (vq->num_free > 0) {
		n = RTE_MIN(vq->num_free, RTE_DIM(mb));
		if (rte_mempool_get_bulk(rxq->mp, (void **)mb, n) != 0) {
			*rxq->nombuf += n;
			rxq->stats.nombuf += n;
			break;
		}
		virtnet_rx_avx512_post_io(rxq, mb, n, head);
		posted = true;
	}
	if (posted)
		__atomic_store_n(&vq->pdesc[head].flags, head_flags,
			__ATOMIC_RELEASE);
}

static void
virtnet_rx_avx512_fill(struct virtnet_rxq *rxq)
{
	virtnet_rx_fill(rxq, VIRTNET_VQ_PACKED);
}

#define VQ_P	VIRTNET_VQ_PACKED
#define VQ_O	VIRTNET_VQ_IN_ORDER

uint16_t
virtnet_rx_packed_io_avx512(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtnet_rxq *rxq = q;
	uint16_t nrx;

	if (unlikely(!virtnet_burst_enter(&rxq->guard)))
		return 0;
	nrx = virtnet_rx_vec_body(rxq, pkts, n, VQ_P | VQ_O,
		virtnet_rx_avx512_batch_io, virtnet_rx_avx512_fill_io);
	virtnet_rx_leave(rxq);
	return nrx;
}

uint16_t
virtnet_rx_packed_avx512(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtnet_rxq *rxq = q;
	uint16_t nrx;

	if (unlikely(!virtnet_burst_enter(&rxq->guard)))
		return 0;
	nrx = virtnet_rx_vec_body(rxq, pkts, n, VQ_P,
		virtnet_rx_avx512_batch_any, virtnet_rx_avx512_fill);
	virtnet_rx_leave(rxq);
	return nrx;
}
