/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_RXTX_H
#define VIRTNET_RXTX_H

/**
 * @file
 * The datapath: Rx and Tx queues as the bursts see them, the bursts
 * (one body per direction, instantiated per constant ring mode) and the
 * path table that says which instance serves which features. Queues live
 * in process memory (virtnet_ring.h); they reach the device only through
 * their virtqueue and the transport's notify.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>

#include "virtnet_ring.h"
#include "virtnet_spec.h"
#include "virtnet_transport.h"
#include "virtnet_vq.h"

#define VIRTNET_MIN_RX_BUFSIZE		64
#define VIRTNET_TX_MAX_SEGS		64
#define VIRTNET_RX_REFILL_MIN		32
#define VIRTNET_TX_FREE_BULK		64
/*
 * Sent packets a Tx burst takes back, at least (or the burst's size):
 * all the device finished, so few mbufs stay in flight (see
 * virtnet_tx_reclaim_body()).
 */
#define VIRTNET_TX_RECLAIM_MIN		32
/** Descriptors (header included) a chain may have to go indirect. */
#define VIRTNET_TX_INDIRECT_MAX		16
/** Most mbufs in one non-mergeable ("big packet") Rx buffer. */
#define VIRTNET_RX_MAX_BIG		64

/** Frame size bins of the xstats (virtnet_size_bin()). */
#define VIRTNET_SIZE_BINS		8

/**
 * Per-queue counters: the basic stats, the per-queue xstats net_virtio
 * has (same meaning) and virtnet's own (virtnet_xstats.h). The bursts
 * add to them once per burst, from locals; stats_reset zeroes them all.
 * Those every burst writes come first: with the bursts' fields in the
 * queue's first cache line, they take the next two.
 */
struct virtnet_queue_stats {
	uint64_t packets;
	uint64_t bytes;		/**< frames as the app sees them, no net header */
	uint64_t multicast;	/**< multicast destination, broadcast excluded */
	uint64_t broadcast;
	uint64_t size_bins[VIRTNET_SIZE_BINS];	/**< by virtnet_size_bin() */
	uint64_t notifications;	/**< notifications (kicks) sent to the device */
	uint64_t indirect;	/**< Tx: packets sent as an indirect table */
	uint64_t chained;	/**< Tx: packets sent as a descriptor chain */
	uint64_t errors;	/**< Rx: bad from the device; Tx: unsendable */
	uint64_t nombuf;	/**< Rx: mbufs a refill could not get */
};

/** Frames this long and longer are in the last size bin. */
#define VIRTNET_SIZE_BIN_MAX		1519

/** Size bin of each frame length up to VIRTNET_SIZE_BIN_MAX. */
extern const uint8_t virtnet_size_bin_of[VIRTNET_SIZE_BIN_MAX + 1];

/**
 * The size bin of a frame of @p len bytes, as net_virtio counts them:
 * 0: < 64, 1: 64, 2: 65-127, 3: 128-255, 4: 256-511, 5: 512-1023,
 * 6: 1024-1518, 7: >= 1519. A table and no branch: the edges at 64 and
 * 1519 are not powers of 2, and a bin computed from the highest bit set
 * takes more instructions with its fix-ups.
 */
static __rte_always_inline unsigned int
virtnet_size_bin(uint32_t len)
{
	/* Not RTE_MIN: gcc -O3 makes that a vector min through the stack. */
	uint64_t i = len;

	if (i > VIRTNET_SIZE_BIN_MAX)
		i = VIRTNET_SIZE_BIN_MAX;
	return virtnet_size_bin_of[i];
}

/**
 * Where a burst and the control path meet. A burst marks its queue busy,
 * then reads the port's halted flag; the control path raises the flag,
 * then waits until the queue is not busy (virtnet_queues_quiesce()).
 * Either the burst sees the flag, or the control path sees the burst:
 * after the wait no burst touches the queue until the flag drops.
 */
struct virtnet_burst_guard {
	/** The port's flag (a stopped queue: a constant true): bursts return 0. */
	const volatile bool *halted;
	uint32_t busy;			/**< a burst is running */
};

/** Enter a burst; false: the port is halted, return 0. */
static __rte_always_inline bool
virtnet_burst_enter(struct virtnet_burst_guard *g)
{
	/* Store, full barrier, load: the other side does the mirror image. */
	__atomic_exchange_n(&g->busy, 1, __ATOMIC_SEQ_CST);
	if (likely(!*g->halted))
		return true;
	__atomic_store_n(&g->busy, 0, __ATOMIC_RELEASE);
	return false;
}

static __rte_always_inline void
virtnet_burst_leave(struct virtnet_burst_guard *g)
{
	__atomic_store_n(&g->busy, 0, __ATOMIC_RELEASE);
}

/**
 * A ring the device broke, reported once from the burst that found it:
 * a log line, then the hook (the port: RTE_ETH_EVENT_INTR_RESET).
 */
void virtnet_queue_fault(uint16_t port_id, bool rx, uint16_t queue_id,
		const struct virtnet_vq *vq);

/** What virtnet_queue_fault() calls after its log line. */
void virtnet_queue_fault_hook(void (*fn)(uint16_t port_id));

/** Receive queue. */
struct virtnet_rxq {
	struct virtnet_vq *vq;		/**< NULL while the port is stopped */
	const struct virtnet_transport *tp;
	struct rte_mempool *mp;
	uint64_t *nombuf;	/**< the port's rx_mbuf_alloc_failed */
	struct virtnet_burst_guard guard;
	bool use_va;
	bool ol_hdr;		/**< take checksum/LRO state from the header */
	bool vlan_strip;
	bool rss_hash;		/**< hash reports go into the mbuf */
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t hdr_size;
	uint16_t big_bufs;	/**< mbufs per Rx buffer: > 1 for big packets */
	/** VIRTIO_NET_RSS_HASH_TYPE_* a report must be of (virtnet_rss.c). */
	uint32_t hash_types;
	/* The bursts' fields above fit the first cache line; counters next. */
	struct virtnet_queue_stats stats;
	eth_rx_burst_t burst;	/**< the path, for virtnet_rx_deferred() */
	/* Lifecycle (virtnet_queue.c): what setup asked, what start made. */
	uint16_t nb_desc;
	int socket;
	bool fault_seen;	/**< the ring's fault was reported */
	bool deferred;		/**< rx_deferred_start: a port start leaves it */
	bool app_stopped;	/**< stopped by the app (or deferred) */
	/** Faults of rings freed since a reset, by kind. */
	struct virtnet_vq_errors ring_errors;
	struct virtnet_dma ring;
};

/**
 * Device-visible memory of one Tx buffer id: the net header when it cannot
 * go into the mbuf, and the indirect table of the chain.
 */
struct virtnet_tx_slot {
	struct virtio_net_hdr_v1_hash hdr;	/**< the largest header */
	union virtnet_vq_indir indir[VIRTNET_TX_INDIRECT_MAX] __rte_aligned(16);
};

/** Transmit queue. */
struct virtnet_txq {
	struct virtnet_vq *vq;		/**< NULL while the port is stopped */
	const struct virtnet_transport *tp;
	struct virtnet_burst_guard guard;
	/**
	 * Non-NULL while the control path sends on this queue
	 * (virtnet_txq_inject()): only a burst of exactly these packets runs.
	 */
	struct rte_mbuf **inject;
	bool use_va;
	bool ol_hdr;		/**< checksum/TSO requests go into the header */
	bool tso;		/**< the device segments TCP */
	bool uso;		/**< the device segments UDP */
	bool indirect;		/**< multi-descriptor chains go indirect */
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t hdr_size;
	struct virtnet_tx_slot *slots;	/**< one per buffer id, in DMA memory */
	/* The bursts' fields above fit the first cache line; counters next. */
	uint64_t slots_addr;	/**< their device address (header not pushed) */
	struct virtnet_queue_stats stats;
	eth_tx_burst_t burst;	/**< the path, for virtnet_tx_deferred() */
	/* Lifecycle (virtnet_queue.c): what setup asked, what start made. */
	uint16_t nb_desc;
	int socket;
	bool fault_seen;	/**< the ring's fault was reported */
	bool deferred;		/**< tx_deferred_start: a port start leaves it */
	bool app_stopped;	/**< stopped by the app (or deferred) */
	/** Faults of rings freed since a reset, by kind. */
	struct virtnet_vq_errors ring_errors;
	struct virtnet_dma ring;
	struct virtnet_dma slots_mem;
};

/** One Rx or Tx burst function and the features it serves. */
struct virtnet_path {
	const char *name;	/**< what burst_mode_get reports */
	union {
		eth_rx_burst_t rx;
		eth_tx_burst_t tx;
	};
	uint64_t required;	/**< negotiated features it needs */
	uint64_t forbidden;	/**< negotiated features it cannot handle */
	/** Rx or Tx offloads (RTE_ETH_*_OFFLOAD_*) it cannot honour. */
	uint64_t offloads;
	/** 0 for a scalar path; else the SIMD width it needs (RTE_VECT_SIMD_*). */
	uint16_t simd;
};

/**
 * Rx paths, ended by a NULL name: vector paths first, then one scalar
 * path (simd 0, no offload forbidden) for each feature combination.
 */
extern const struct virtnet_path virtnet_rx_paths[];
/** Tx paths, ended by a NULL name. */
extern const struct virtnet_path virtnet_tx_paths[];

#ifdef VIRTNET_AVX512
/**
 * The AVX512 Tx bursts of packed rings (virtnet_tx_avx512.c), out of order
 * and in order: four simple packets per line of descriptors.
 */
uint16_t virtnet_tx_packed_avx512(void *txq, struct rte_mbuf **pkts,
		uint16_t n);
uint16_t virtnet_tx_packed_io_avx512(void *txq, struct rte_mbuf **pkts,
		uint16_t n);
#endif

/**
 * The first path of @p table that serves @p features and the app's
 * @p offloads with at most @p simd bits of SIMD (0: scalar only), or NULL.
 */
const struct virtnet_path *virtnet_path_select(const struct virtnet_path *table,
		uint64_t features, uint64_t offloads, uint16_t simd);

/**
 * The widest SIMD a vector path may use on this CPU under the EAL's
 * --force-max-simd-bitwidth (RTE_VECT_SIMD_*), or 0 on a CPU or build
 * without vector paths.
 */
uint16_t virtnet_simd_width(void);

#ifdef VIRTNET_AVX512
/** Packed Rx without mergeable buffers, AVX512 (virtnet_rx_avx512.c). */
uint16_t virtnet_rx_packed_io_avx512(void *rxq, struct rte_mbuf **pkts,
		uint16_t n);
uint16_t virtnet_rx_packed_avx512(void *rxq, struct rte_mbuf **pkts,
		uint16_t n);
#endif
#ifdef VIRTNET_AVX2
/** Split Rx without mergeable buffers, AVX2 (virtnet_rx_avx2.c). */
uint16_t virtnet_rx_split_io_avx2(void *rxq, struct rte_mbuf **pkts,
		uint16_t n);
uint16_t virtnet_rx_split_avx2(void *rxq, struct rte_mbuf **pkts, uint16_t n);
#endif

/**
 * Fill an Rx ring with fresh mbufs and publish them (at queue start).
 * @return 0, or -ENOMEM when the mempool ran dry (counted in nombuf).
 */
int virtnet_rx_refill(struct virtnet_rxq *rxq);

/**
 * The bursts of a port started before its device was there: ethdev takes
 * the burst functions at start, the path is known only once the device
 * is; these call the queue's path (burst 0 until then).
 */
uint16_t virtnet_rx_deferred(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t virtnet_tx_deferred(void *txq, struct rte_mbuf **pkts, uint16_t n);

/** tx_pkt_prepare: checks, VLAN insertion, checksum seeds. */
/**
 * The tx_done_cleanup op: free up to @p free_cnt (0: all) packets the
 * device has sent. Bursts free only what they need, oldest first, so sent
 * mbufs otherwise stay with the queue until the ring wraps.
 * @return packets freed.
 */
int virtnet_tx_done_cleanup(void *txq, uint32_t free_cnt);

uint16_t virtnet_tx_prepare(void *txq, struct rte_mbuf **pkts, uint16_t n);

/**
 * For a debug log: the next used Rx buffer as the device left it (length
 * and num_buffers of its header).
 * @return what snprintf() returns; 0 when none is ready.
 */
int virtnet_rxq_dump_next(const struct virtnet_rxq *rxq, char *buf,
		size_t len);

/* Leave a burst, reporting once a ring it found broken. */
static __rte_always_inline void
virtnet_burst_leave_checked(struct virtnet_burst_guard *g,
		const struct virtnet_vq *vq, bool *fault_seen, uint16_t port_id,
		bool rx, uint16_t queue_id)
{
	if (unlikely(virtnet_vq_broken(vq)) && !*fault_seen) {
		*fault_seen = true;
		virtnet_queue_fault(port_id, rx, queue_id, vq);
	}
	virtnet_burst_leave(g);
}

#define virtnet_rx_leave(q) virtnet_burst_leave_checked(&(q)->guard, \
	(q)->vq, &(q)->fault_seen, (q)->port_id, true, (q)->queue_id)
#define virtnet_tx_leave(q) virtnet_burst_leave_checked(&(q)->guard, \
	(q)->vq, &(q)->fault_seen, (q)->port_id, false, (q)->queue_id)

#endif /* VIRTNET_RXTX_H */
