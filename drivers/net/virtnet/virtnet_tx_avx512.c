/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * The AVX512 Tx path of packed rings (vectorized=1): four one-segment
 * packets whose net header goes into their headroom take one 64-byte line
 * of descriptors, checked and written with vector instructions; used
 * descriptors are taken back four at a time the same way. Whatever is not
 * that simple (a chain, an offload request, VLAN insertion, a shared or
 * indirect mbuf, a line that wraps or is not whole, a used entry that is
 * not four plain completions) goes through the scalar building blocks of
 * virtnet_burst.h with the same constant mode, so what a burst counts,
 * frees and does on a device fault is the scalar path's.
 *
 * Like virtnet_vq.h, this file knows the packed descriptor format: the
 * ring section below is the vq layer's vector half, the rest is the burst.
 * Built with -mavx512f -mavx512bw -mavx512vl and chosen only on a CPU
 * that has them (virtnet_simd_width()).
 */

#include <immintrin.h>

#include "virtnet_tally_vec.h"

#define VEC	4	/* descriptors per 64-byte line */

/* 16-bit lanes of a line of four packed descriptors: id 6, flags 7. */
#define DESC_LANES	(sizeof(struct vring_packed_desc) / sizeof(uint16_t))
#define ID_LANE		(offsetof(struct vring_packed_desc, id) / sizeof(uint16_t))
#define FLAGS_LANES	(0x80808080u)
/* The bits that say available or used, as a 16-bit lane. */
#define AVAIL_USED	((int16_t)(VRING_PACKED_DESC_F_AVAIL | \
	VRING_PACKED_DESC_F_USED))

/* Driver-private entries, four to a line: cookie, in_len, ndescs, next. */
#define EXTRA_COOKIES	0x55	/* 64-bit lanes */
#define EXTRA_LEN_DESCS	0x70707070u	/* 16-bit lanes: in_len, ndescs */
#define EXTRA_NO_NEXT	0x7f7f7f7fu	/* 16-bit lanes but next */

/* Mbuf flags a four-packet step cannot honour: the scalar way does. */
#define VEC_TX_NOT	(RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL | \
	RTE_MBUF_F_TX_VLAN | RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG | \
	RTE_MBUF_F_TX_UDP_SEG)

/* 16-bit lanes of the rearm word: data_off 0, refcnt 1, nb_segs 2. */
#define REARM_OFF	0x1111
#define REARM_REF_SEGS	0x6666
#define REARM_ONE	(1ULL << 16 | 1ULL << 32)

static __rte_always_inline void
virtnet_vec_layout_check(void)
{
	RTE_BUILD_BUG_ON(sizeof(struct vring_packed_desc) * VEC != 64);
	RTE_BUILD_BUG_ON(offsetof(struct vring_packed_desc, id) != 12 ||
		offsetof(struct vring_packed_desc, flags) != 14);
	RTE_BUILD_BUG_ON(sizeof(struct virtnet_vq_extra) * VEC != 64);
	RTE_BUILD_BUG_ON(offsetof(struct virtnet_vq_extra, in_len) != 8 ||
		offsetof(struct virtnet_vq_extra, ndescs) != 12 ||
		offsetof(struct virtnet_vq_extra, next) != 14);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, data_off) !=
		offsetof(struct rte_mbuf, rearm_data) ||
		offsetof(struct rte_mbuf, refcnt) !=
		offsetof(struct rte_mbuf, rearm_data) + 2 ||
		offsetof(struct rte_mbuf, nb_segs) !=
		offsetof(struct rte_mbuf, rearm_data) + 4);
}

/* ---- ring: four one-descriptor chains at a time, packed layout ---- */

/*
 * Make four one-descriptor chains available at avail_idx, which the
 * caller checked is a whole line with four free slots: @p addr and
 * @p len (64-bit lanes) describe the buffers, @p cookies are theirs.
 */
static __rte_always_inline void
virtnet_vq_packed_add4(struct virtnet_vq *vq, __m256i addr, __m256i len,
		struct rte_mbuf **cookies, const bool in_order)
{
	const __m512i pair = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0);
	uint16_t pos = vq->avail_idx, id[VEC], k;
	struct vring_packed_desc *d = &vq->pdesc[pos];
	__m256i ids, hi;
	__m512i v;

	if (in_order) {
		ids = _mm256_add_epi64(_mm256_set1_epi64x(pos),
			_mm256_set_epi64x(3, 2, 1, 0));
		/* extra[pos..pos+3]: cookie, in_len 0, ndescs 1; next kept. */
		v = _mm512_permutex2var_epi64(
			_mm512_castsi256_si512(_mm256_loadu_si256((void *)cookies)),
			pair, _mm512_set1_epi64(1ULL << 32));
		_mm512_mask_storeu_epi16(&vq->extra[pos], EXTRA_NO_NEXT, v);
	} else {
		for (k = 0; k < VEC; k++) {
			id[k] = vq->free_head;
			vq->free_head = vq->extra[id[k]].next;
			vq->extra[id[k]].cookie = cookies[k];
			vq->extra[id[k]].in_len = 0;
			vq->extra[id[k]].ndescs = 1;
		}
		ids = _mm256_set_epi64x(id[3], id[2], id[1], id[0]);
	}
	hi = _mm256_or_si256(len, _mm256_slli_epi64(ids, 32));
	hi = _mm256_or_si256(hi,
		_mm256_set1_epi64x((uint64_t)vq->avail_flags << 48));
	v = _mm512_permutex2var_epi64(_mm512_castsi256_si512(addr), pair,
		_mm512_castsi256_si512(hi));
	/*
	 * A 64-byte store is not one atomic write: addr, len and id first,
	 * then the flags that hand the buffers over (x86 keeps store order).
	 */
	_mm512_mask_storeu_epi16(d, ~FLAGS_LANES, v);
	rte_atomic_thread_fence(__ATOMIC_RELEASE);
	_mm512_mask_storeu_epi16(d, FLAGS_LANES, v);
	vq->num_free -= VEC;
	vq->kick_added += VEC;
	pos += VEC;
	if (pos == vq->size) {
		pos = 0;
		vq->avail_flags ^= VRING_PACKED_DESC_F_AVAIL |
			VRING_PACKED_DESC_F_USED;
	}
	vq->avail_idx = pos;
}

/*
 * The four driver entries of @p ids (low 16-bit lanes) as one line, or
 * NULL-free and one descriptor each: false if any is not a device-read
 * one-descriptor chain in flight (the scalar way then faults or copes).
 */
static __rte_always_inline bool
virtnet_vq_extra4(const struct virtnet_vq *vq, __m128i ids, uint16_t pos,
		__m512i *e, const bool in_order)
{
	const __m512i one = _mm512_set_epi64(1ULL << 32, 0, 1ULL << 32, 0,
		1ULL << 32, 0, 1ULL << 32, 0);
	uint64_t w = _mm_cvtsi128_si64(ids);

	if (in_order) {
		*e = _mm512_loadu_si512(&vq->extra[pos]);
	} else {
		*e = _mm512_castsi128_si512(
			_mm_loadu_si128((const void *)&vq->extra[w & 0xffff]));
		*e = _mm512_inserti32x4(*e, _mm_loadu_si128((const void *)
			&vq->extra[(w >> 16) & 0xffff]), 1);
		*e = _mm512_inserti32x4(*e, _mm_loadu_si128((const void *)
			&vq->extra[(w >> 32) & 0xffff]), 2);
		*e = _mm512_inserti32x4(*e, _mm_loadu_si128((const void *)
			&vq->extra[w >> 48]), 3);
	}
	return _mm512_mask_test_epi64_mask(EXTRA_COOKIES, *e, *e) ==
			EXTRA_COOKIES &&
		_mm512_mask_cmpneq_epu16_mask(EXTRA_LEN_DESCS, *e, one) == 0;
}

/*
 * Ids of four used descriptors at @p pos (low 16-bit lanes), when the
 * device marked all four used: each names a chain id in range and, in
 * order, the chain at its own slot; out of order, no id twice.
 */
static __rte_always_inline bool
virtnet_vq_used4(const struct virtnet_vq *vq, uint16_t pos, __m128i *ids,
		const bool in_order)
{
	const __m512i id_lanes = _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0,
		(30ULL << 48) | (22ULL << 32) | (14ULL << 16) | ID_LANE);
	const void *d = &vq->pdesc[pos];
	int16_t want = vq->used_wrap ? AVAIL_USED : 0;
	__m512i v;

	RTE_BUILD_BUG_ON(ID_LANE + 3 * DESC_LANES != 30);
	v = _mm512_and_si512(_mm512_loadu_si512(d),
		_mm512_set1_epi16(AVAIL_USED));
	if (_mm512_mask_cmpneq_epu16_mask(FLAGS_LANES, v,
			_mm512_set1_epi16(want)) != 0)
		return false;
	/*
	 * Read again for the ids: this load comes after the one that saw the
	 * flags (x86 keeps load order; the fence keeps the compiler's), so it
	 * sees the ids the device wrote before them, however the 64 bytes of
	 * one load are split.
	 */
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	*ids = _mm512_castsi512_si128(_mm512_permutexvar_epi16(id_lanes,
		_mm512_loadu_si512(d)));
	if (in_order)
		return _mm_mask_cmpneq_epu16_mask(0xf, *ids, _mm_add_epi16(
			_mm_set1_epi16(pos), _mm_setr_epi16(0, 1, 2, 3, 0, 0, 0, 0))) == 0;
	return (_mm_mask_cmpge_epu16_mask(0xf, *ids,
			_mm_set1_epi16(vq->size)) |
		_mm_mask_cmpeq_epu16_mask(0xf, *ids,
			_mm_shufflelo_epi16(*ids, _MM_SHUFFLE(0, 3, 2, 1))) |
		_mm_mask_cmpeq_epu16_mask(0x3, *ids,
			_mm_shufflelo_epi16(*ids, _MM_SHUFFLE(1, 0, 3, 2)))) == 0;
}

/*
 * In order, a used entry of a batch (its id past its slot) covers every
 * chain up to that id: the next four of them when they are whole.
 */
static __rte_always_inline bool
virtnet_vq_batch4(const struct virtnet_vq *vq, uint16_t pos, __m128i *ids)
{
	uint16_t left = vq->batch_last >= pos ? vq->batch_last - pos :
		vq->batch_last + vq->size - pos;

	*ids = _mm_add_epi16(_mm_set1_epi16(pos),
		_mm_setr_epi16(0, 1, 2, 3, 0, 0, 0, 0));
	return left >= VEC - 1;
}

/*
 * Take four one-descriptor chains used in a row, as four scalar
 * virtnet_vq_get_used() would; their cookies go to @p done.
 * @return false, having changed nothing, when anything is unusual.
 */
static __rte_always_inline bool
virtnet_vq_take4(struct virtnet_vq *vq, struct rte_mbuf **done,
		const bool in_order)
{
	uint16_t pos = vq->last_used, k, id;
	__m128i ids;
	__m512i e;
	uint64_t w;

	if (pos + VEC > vq->size)
		return false;
	if (in_order && vq->in_batch) {
		if (!virtnet_vq_batch4(vq, pos, &ids))
			return false;
	} else if (!virtnet_vq_used4(vq, pos, &ids, in_order)) {
		return false;
	}
	if (!virtnet_vq_extra4(vq, ids, pos, &e, in_order))
		return false;
	_mm256_storeu_si256((void *)done,
		_mm512_castsi512_si256(_mm512_maskz_compress_epi64(
			EXTRA_COOKIES, e)));
	w = _mm_cvtsi128_si64(ids);
	if (in_order) {
		_mm512_mask_storeu_epi64(&vq->extra[pos], EXTRA_COOKIES,
			_mm512_setzero_si512());
		if (vq->in_batch && vq->batch_last == pos + VEC - 1)
			vq->in_batch = false;
	} else {
		for (k = 0; k < VEC; k++) {
			id = (uint16_t)(w >> (16 * k));
			vq->extra[id].cookie = NULL;
			vq->extra[id].next = vq->free_head;
			vq->free_head = id;
		}
	}
	vq->peek_id = (uint16_t)(w >> 48);
	vq->num_free += VEC;
	pos += VEC;
	if (pos == vq->size) {
		pos = 0;
		vq->used_wrap = !vq->used_wrap;
	}
	vq->last_used = pos;
	return true;
}

/* ---- the burst ---- */

/*
 * Take back up to @p want sent packets, oldest first, as the scalar
 * virtnet_tx_reclaim_body() does: four at a time where the ring allows,
 * else one by one through the checks (and fault handling) of virtnet_vq.h.
 * In order, a device (DPDK's vhost) writes one used entry per batch: the
 * peek that finds it starts the batch, and the batch goes four at a time.
 */
static __rte_always_inline unsigned int
virtnet_tx_reclaim_vec(struct virtnet_txq *txq, unsigned int want,
		const uint32_t mode)
{
	const bool in_order = !!(mode & VIRTNET_VQ_IN_ORDER);
	struct rte_mbuf *done[VIRTNET_TX_FREE_BULK];
	struct virtnet_vq *vq = txq->vq;
	unsigned int n = 0, total = 0;
	uint32_t len;

	while (total < want) {
		if (want - total >= VEC &&
		    virtnet_vq_take4(vq, &done[n], in_order)) {
			n += VEC;
			total += VEC;
		} else if ((done[n] = virtnet_vq_peek_used(vq, &len, mode)) ==
				NULL) {
			break;
		} else if (in_order && vq->in_batch && want - total >= VEC &&
			   virtnet_vq_take4(vq, &done[n], in_order)) {
			n += VEC;
			total += VEC;
		} else {
			virtnet_vq_pop_used(vq, mode);
			n++;
			total++;
		}
		if (n > RTE_DIM(done) - VEC) {
			virtnet_tx_free(done, n);
			n = 0;
		}
	}
	if (n > 0)
		virtnet_tx_free(done, n);
	return total;
}

static __rte_always_inline uint64_t
virtnet_mbuf_rearm(const struct rte_mbuf *m)
{
	uint64_t w;

	memcpy(&w, (const char *)m + offsetof(struct rte_mbuf, rearm_data),
		sizeof(w));
	return w;
}

/*
 * Whether four packets are simple: one segment, refcnt 1, direct, room
 * for the header in the headroom at its alignment, no offload request
 * and no VLAN to insert. Then @p va and @p addr are where each header
 * goes, in the process and for the device.
 */
static __rte_always_inline bool
virtnet_tx_simple4(const struct virtnet_txq *txq, struct rte_mbuf **p,
		__m256i *va, __m256i *addr)
{
	__m256i rearm, ol, off;

	rearm = _mm256_set_epi64x(virtnet_mbuf_rearm(p[3]),
		virtnet_mbuf_rearm(p[2]), virtnet_mbuf_rearm(p[1]),
		virtnet_mbuf_rearm(p[0]));
	ol = _mm256_set_epi64x(p[3]->ol_flags, p[2]->ol_flags, p[1]->ol_flags,
		p[0]->ol_flags);
	if ((_mm256_mask_cmpneq_epu16_mask(REARM_REF_SEGS, rearm,
			_mm256_set1_epi64x(REARM_ONE)) |
	     _mm256_mask_cmplt_epu16_mask(REARM_OFF, rearm,
			_mm256_set1_epi16(txq->hdr_size)) |
	     _mm256_test_epi64_mask(ol, _mm256_set1_epi64x(VEC_TX_NOT))) != 0)
		return false;
	off = _mm256_sub_epi64(_mm256_and_si256(rearm,
		_mm256_set1_epi64x(UINT16_MAX)),
		_mm256_set1_epi64x(txq->hdr_size));
	*va = _mm256_add_epi64(off, _mm256_set_epi64x(
		(uintptr_t)p[3]->buf_addr, (uintptr_t)p[2]->buf_addr,
		(uintptr_t)p[1]->buf_addr, (uintptr_t)p[0]->buf_addr));
	if (_mm256_test_epi64_mask(*va, _mm256_set1_epi64x(
			__alignof__(struct virtio_net_hdr_mrg_rxbuf) - 1)) != 0)
		return false;
	if (txq->use_va)
		*addr = *va;
	else
		*addr = _mm256_add_epi64(off, _mm256_set_epi64x(
			p[3]->buf_iova, p[2]->buf_iova, p[1]->buf_iova,
			p[0]->buf_iova));
	return true;
}

/*
 * Four simple packets as one line of descriptors, their headers zeroed
 * in their headroom (as virtnet_tx_one() does for each).
 * @return false, having changed nothing, when they are not all simple or
 * the line is not whole and free.
 */
static __rte_always_inline bool
virtnet_tx_add4(struct virtnet_txq *txq, struct rte_mbuf **p,
		struct virtnet_tally_vec *v, const uint32_t mode)
{
	const __mmask8 hdr_lanes = (1u << (txq->hdr_size / 2)) - 1;
	struct virtnet_vq *vq = txq->vq;
	const uint8_t *dst[VEC];
	__m256i va, addr, len;
	uint64_t h[VEC];
	unsigned int k;

	/*
	 * The scalar code wants room for a separate header descriptor before
	 * it knows the header can be pushed (virtnet_tx_descs()), and takes
	 * sent packets back when there is none: so does this, to reclaim at
	 * the same packets.
	 */
	if ((vq->avail_idx & (VEC - 1)) != 0 ||
	    vq->avail_idx + VEC > vq->size ||
	    vq->num_free < VEC + !txq->indirect ||
	    !virtnet_tx_simple4(txq, p, &va, &addr))
		return false;
	_mm256_storeu_si256((void *)h, va);
	for (k = 0; k < VEC; k++) {
		_mm_mask_storeu_epi16((void *)(uintptr_t)h[k], hdr_lanes,
			_mm_setzero_si128());
		dst[k] = (const uint8_t *)(uintptr_t)h[k] + txq->hdr_size;
	}
	len = _mm256_add_epi64(_mm256_set_epi64x(p[3]->data_len,
		p[2]->data_len, p[1]->data_len, p[0]->data_len),
		_mm256_set1_epi64x(txq->hdr_size));
	virtnet_vq_packed_add4(vq, addr, len, p,
		!!(mode & VIRTNET_VQ_IN_ORDER));
	/* The first segment is the frame: under 8 bytes, not a group. */
	virtnet_tally4(v, _mm_setr_epi32(p[0]->pkt_len, p[1]->pkt_len,
		p[2]->pkt_len, p[3]->pkt_len), p, dst,
		_mm256_cmplt_epu64_mask(len, _mm256_set1_epi64x(txq->hdr_size +
			sizeof(uint64_t))) != 0);
	return true;
}

/* Runs of four simple packets, up to @p nb packets: how many were sent. */
static __rte_always_inline uint16_t
virtnet_tx_add_run(struct virtnet_txq *txq, struct rte_mbuf **p, uint16_t nb,
		struct virtnet_tally_vec *v, const uint32_t mode)
{
	struct virtnet_tally_vec r = *v;
	uint16_t i = 0;

	while (nb - i >= VEC && virtnet_tx_add4(txq, &p[i], &r, mode))
		i += VEC;
	*v = r;
	return i;
}

/*
 * Out of line, so that the tally is in registers for the run: inlined
 * in the burst, with the calls of the scalar way in the same loop, gcc
 * kept it on the stack and loaded and stored it for every four packets.
 */
static __rte_noinline uint16_t
virtnet_tx_add_run_packed(struct virtnet_txq *txq, struct rte_mbuf **p,
		uint16_t nb, struct virtnet_tally_vec *v)
{
	return virtnet_tx_add_run(txq, p, nb, v, VIRTNET_VQ_PACKED);
}

static __rte_noinline uint16_t
virtnet_tx_add_run_packed_io(struct virtnet_txq *txq, struct rte_mbuf **p,
		uint16_t nb, struct virtnet_tally_vec *v)
{
	return virtnet_tx_add_run(txq, p, nb, v,
		VIRTNET_VQ_PACKED | VIRTNET_VQ_IN_ORDER);
}

static __rte_always_inline uint16_t
virtnet_tx_vec_body(struct virtnet_txq *txq, struct rte_mbuf **pkts,
		uint16_t nb, const uint32_t mode)
{
	struct virtnet_vq *vq = txq->vq;
	struct virtnet_tally_vec v;
	struct virtnet_tally t;
	uint16_t i = 0, sent = 0, n;
	int ret;

	virtnet_vec_layout_check();
	virtnet_tally_vec_init(&v, &t);
	if (unlikely(virtnet_vq_broken(vq)))
		return 0;
	virtnet_tx_reclaim_vec(txq, RTE_MAX(nb, VIRTNET_TX_RECLAIM_MIN), mode);
	while (i < nb) {
		n = (mode & VIRTNET_VQ_IN_ORDER) ?
			virtnet_tx_add_run_packed_io(txq, &pkts[i], nb - i, &v) :
			virtnet_tx_add_run_packed(txq, &pkts[i], nb - i, &v);
		i += n;
		sent += n;
		if (i == nb)
			break;
		ret = virtnet_tx_pkt(txq, &pkts[i], &t, mode);
		if (ret < 0)
			break;
		sent += ret;
		i++;
	}
	if (likely(sent > 0)) {
		virtnet_kick(vq, txq->tp, &txq->stats.notifications, mode);
		virtnet_tally_vec_add(&txq->stats, &v, sent);
	}
	return i;
}

static __rte_always_inline uint16_t
virtnet_tx_vec_burst(void *q, struct rte_mbuf **pkts, uint16_t n,
		const uint32_t mode)
{
	struct virtnet_txq *txq = q;
	uint16_t ntx;

	if (unlikely(!virtnet_tx_enter(txq, pkts)))
		return 0;
	ntx = virtnet_tx_vec_body(txq, pkts, n, mode);
	virtnet_tx_leave(txq);
	return ntx;
}

uint16_t
virtnet_tx_packed_avx512(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_tx_vec_burst(q, pkts, n, VIRTNET_VQ_PACKED);
}

uint16_t
virtnet_tx_packed_io_avx512(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return virtnet_tx_vec_burst(q, pkts, n,
		VIRTNET_VQ_PACKED | VIRTNET_VQ_IN_ORDER);
}
