/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Rx and Tx bursts: the scalar bodies (virtnet_burst.h) instantiated per
 * constant ring mode and mergeable buffers, the queue operations that
 * are not bursts, and the path tables that say which instance (scalar or
 * vector) serves which features.
 */

#include <rte_cpuflags.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_vect.h>

#include "virtnet_burst.h"
#include "virtnet_log.h"

#define F(bit)	(1ULL << (bit))

/* 1.5 KiB, of which a burst touches the lines of the lengths it sees. */
const uint8_t virtnet_size_bin_of[VIRTNET_SIZE_BIN_MAX + 1] = {
	[0 ... 63] = 0,
	[64] = 1,
	[65 ... 127] = 2,
	[128 ... 255] = 3,
	[256 ... 511] = 4,
	[512 ... 1023] = 5,
	[1024 ... 1518] = 6,
	[VIRTNET_SIZE_BIN_MAX] = 7,
};

#define VQ_P	VIRTNET_VQ_PACKED
#define VQ_O	VIRTNET_VQ_IN_ORDER

/* At queue start, not in a burst: the mode need not be a constant. */
int
virtnet_rx_refill(struct virtnet_rxq *rxq)
{
	int ret = virtnet_rx_fill(rxq, rxq->vq->mode & (VQ_P | VQ_O));

	virtnet_vq_publish(rxq->vq, rxq->vq->mode);
	return ret;
}

static void (*virtnet_fault_hook)(uint16_t port_id);

void
virtnet_queue_fault_hook(void (*fn)(uint16_t port_id))
{
	virtnet_fault_hook = fn;
}

/*
 * The queue already returns 0 and keeps its buffers until its ring is
 * made again (stop and start, or rte_eth_dev_reset()).
 */
void
virtnet_queue_fault(uint16_t port_id, bool rx, uint16_t queue_id,
		const struct virtnet_vq *vq)
{
	char where[128];

	virtnet_vq_fault_where(vq, where, sizeof(where));
	VIRTNET_LOG(ERR, "port %u: %s queue %u stopped: the device %s (%s); rte_eth_dev_reset() (or a stop and start) brings it back",
		port_id, rx ? "Rx" : "Tx", queue_id,
		virtnet_vq_fault_str(vq->fault), where);
	if (virtnet_fault_hook != NULL)
		virtnet_fault_hook(port_id);
}

int
virtnet_tx_done_cleanup(void *q, uint32_t free_cnt)
{
	struct virtnet_txq *txq = q;
	unsigned int want = free_cnt == 0 ? UINT_MAX : free_cnt;
	int done = 0;

	/* ethdev passes whatever the app names: not checked there. */
	if (txq == NULL)
		return -EINVAL;
	if (!virtnet_burst_enter(&txq->guard))
		return 0;
	if (txq->vq != NULL && !virtnet_vq_broken(txq->vq))
		done = virtnet_tx_reclaim_body(txq, want,
			txq->vq->mode & (VQ_P | VQ_O));
	virtnet_burst_leave(&txq->guard);
	return done;
}

uint16_t
virtnet_rx_deferred(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	const struct virtnet_rxq *rxq = q;

	return __atomic_load_n(&rxq->burst, __ATOMIC_ACQUIRE)(q, pkts, n);
}

uint16_t
virtnet_tx_deferred(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	const struct virtnet_txq *txq = q;

	return __atomic_load_n(&txq->burst, __ATOMIC_ACQUIRE)(q, pkts, n);
}

uint16_t
virtnet_tx_prepare(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	const struct virtnet_txq *txq = q;
	uint16_t i;
	int ret;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (m->nb_segs > VIRTNET_TX_MAX_SEGS) {
			rte_errno = EINVAL;
			return i;
		}
		if (((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) && !txq->tso) ||
		    ((m->ol_flags & RTE_MBUF_F_TX_UDP_SEG) && !txq->uso)) {
			rte_errno = ENOTSUP;
			return i;
		}
		if (m->ol_flags & RTE_MBUF_F_TX_VLAN) {
			ret = rte_vlan_insert(&pkts[i]);
			if (ret < 0) {
				rte_errno = -ret;
				return i;
			}
			m = pkts[i];
		}
		/* The device completes a sum seeded with the pseudo-header. */
		ret = rte_net_intel_cksum_flags_prepare(m,
			virtnet_seed_flags(m->ol_flags));
		if (ret < 0) {
			rte_errno = -ret;
			return i;
		}
	}
	return n;
}

/* One thin function per combination; the constants fold in the bodies. */
#define VIRTNET_RX_FN(fn, mode, mrg) \
static uint16_t \
fn(void *q, struct rte_mbuf **pkts, uint16_t n) \
{ \
	struct virtnet_rxq *rxq = q; \
	uint16_t nrx; \
	\
	if (unlikely(!virtnet_burst_enter(&rxq->guard))) \
		return 0; \
	nrx = virtnet_rx_body(rxq, pkts, n, mode, mrg); \
	virtnet_rx_leave(rxq); \
	return nrx; \
}
#define VIRTNET_TX_FN(fn, mode) \
static uint16_t \
fn(void *q, struct rte_mbuf **pkts, uint16_t n) \
{ \
	struct virtnet_txq *txq = q; \
	uint16_t ntx; \
	\
	if (unlikely(!virtnet_tx_enter(txq, pkts))) \
		return 0; \
	ntx = virtnet_tx_body(txq, pkts, n, mode); \
	virtnet_tx_leave(txq); \
	return ntx; \
}

VIRTNET_RX_FN(virtnet_rx_split, 0, false)
VIRTNET_RX_FN(virtnet_rx_split_mrg, 0, true)
VIRTNET_RX_FN(virtnet_rx_split_io, VQ_O, false)
VIRTNET_RX_FN(virtnet_rx_split_io_mrg, VQ_O, true)
VIRTNET_RX_FN(virtnet_rx_packed, VQ_P, false)
VIRTNET_RX_FN(virtnet_rx_packed_mrg, VQ_P, true)
VIRTNET_RX_FN(virtnet_rx_packed_io, VQ_P | VQ_O, false)
VIRTNET_RX_FN(virtnet_rx_packed_io_mrg, VQ_P | VQ_O, true)
VIRTNET_TX_FN(virtnet_tx_split, 0)
VIRTNET_TX_FN(virtnet_tx_split_io, VQ_O)
VIRTNET_TX_FN(virtnet_tx_packed, VQ_P)
VIRTNET_TX_FN(virtnet_tx_packed_io, VQ_P | VQ_O)

#define PACKED		F(VIRTIO_F_RING_PACKED)
#define IN_ORDER	F(VIRTIO_F_IN_ORDER)
#define MRG		F(VIRTIO_NET_F_MRG_RXBUF)
/* The vector paths know the 12-byte header only. */
#define HASH		F(VIRTIO_NET_F_HASH_REPORT)

/*
 * Paths and the negotiated features each needs and cannot handle; every
 * combination has exactly one. Names are what burst_mode_get reports.
 */
const struct virtnet_path virtnet_rx_paths[] = {
#ifdef VIRTNET_AVX512
	{ "packed in-order vector avx512", { .rx = virtnet_rx_packed_io_avx512 },
		PACKED | IN_ORDER, MRG | HASH, 0, RTE_VECT_SIMD_512 },
	{ "packed vector avx512", { .rx = virtnet_rx_packed_avx512 },
		PACKED, IN_ORDER | MRG | HASH, 0, RTE_VECT_SIMD_512 },
#endif
#ifdef VIRTNET_AVX2
	{ "split in-order vector avx2", { .rx = virtnet_rx_split_io_avx2 },
		IN_ORDER, PACKED | MRG | HASH, 0, RTE_VECT_SIMD_256 },
	{ "split vector avx2", { .rx = virtnet_rx_split_avx2 },
		0, PACKED | IN_ORDER | MRG | HASH, 0, RTE_VECT_SIMD_256 },
#endif
	{ "packed in-order mergeable", { .rx = virtnet_rx_packed_io_mrg },
		PACKED | IN_ORDER | MRG, 0 },
	{ "packed in-order", { .rx = virtnet_rx_packed_io },
		PACKED | IN_ORDER, MRG },
	{ "packed mergeable", { .rx = virtnet_rx_packed_mrg },
		PACKED | MRG, IN_ORDER },
	{ "packed", { .rx = virtnet_rx_packed }, PACKED, IN_ORDER | MRG },
	{ "split in-order mergeable", { .rx = virtnet_rx_split_io_mrg },
		IN_ORDER | MRG, PACKED },
	{ "split in-order", { .rx = virtnet_rx_split_io },
		IN_ORDER, PACKED | MRG },
	{ "split mergeable", { .rx = virtnet_rx_split_mrg },
		MRG, PACKED | IN_ORDER },
	{ "split", { .rx = virtnet_rx_split }, 0, PACKED | IN_ORDER | MRG },
	{ NULL, { NULL }, 0, 0 },
};

const struct virtnet_path virtnet_tx_paths[] = {
#ifdef VIRTNET_AVX512
	/* Any offload: packets that need one take the scalar way inside. */
	{ "packed in-order vector avx512",
		{ .tx = virtnet_tx_packed_io_avx512 }, PACKED | IN_ORDER, HASH, 0,
		RTE_VECT_SIMD_512 },
	{ "packed vector avx512", { .tx = virtnet_tx_packed_avx512 },
		PACKED, IN_ORDER | HASH, 0, RTE_VECT_SIMD_512 },
#endif
	{ "packed in-order", { .tx = virtnet_tx_packed_io },
		PACKED | IN_ORDER, 0 },
	{ "packed", { .tx = virtnet_tx_packed }, PACKED, IN_ORDER },
	{ "split in-order", { .tx = virtnet_tx_split_io }, IN_ORDER, PACKED },
	{ "split", { .tx = virtnet_tx_split }, 0, PACKED | IN_ORDER },
	{ NULL, { NULL }, 0, 0 },
};

const struct virtnet_path *
virtnet_path_select(const struct virtnet_path *table, uint64_t features,
		uint64_t offloads, uint16_t simd)
{
	const struct virtnet_path *p;

	for (p = table; p->name != NULL; p++)
		if ((features & p->required) == p->required &&
		    (features & p->forbidden) == 0 &&
		    (offloads & p->offloads) == 0 && p->simd <= simd)
			return p;
	return NULL;
}

uint16_t
virtnet_simd_width(void)
{
	uint16_t cpu = 0;

#ifdef RTE_ARCH_X86
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512BW) &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL))
		cpu = RTE_VECT_SIMD_512;
	else if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2))
		cpu = RTE_VECT_SIMD_256;
	else if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_SSE4_2))
		cpu = RTE_VECT_SIMD_128;
#endif
	return RTE_MIN(cpu, rte_vect_get_max_simd_bitwidth());
}

int
virtnet_rxq_dump_next(const struct virtnet_rxq *rxq, char *buf, size_t len)
{
	const struct virtio_net_hdr_mrg_rxbuf *h;
	const struct rte_mbuf *m;
	uint32_t used_len = 0;

	m = virtnet_vq_dump_next(rxq->vq, &used_len);
	if (m == NULL)
		return 0;
	h = (const void *)((const char *)m->buf_addr + RTE_PKTMBUF_HEADROOM -
		rxq->hdr_size);
	return snprintf(buf, len, "next used len %u num_buffers %u", used_len,
		rxq->hdr_size >= sizeof(*h) ? h->num_buffers : 1);
}
