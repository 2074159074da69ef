/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_ETHDEV_H
#define VIRTNET_ETHDEV_H

/**
 * @file
 * ethdev layer: the device as DPDK sees it. Reaches the device only
 * through the transport ops found in process_private.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ether.h>

#include <rte_memzone.h>

#include "virtnet_transport.h"
#include "virtnet_vq.h"

#define VIRTNET_MAX_QUEUE_PAIRS		128
#define VIRTNET_MIN_RX_BUFSIZE		64
#define VIRTNET_MAX_RX_PKTLEN		9728
#define VIRTNET_MAX_LRO_PKTLEN		65535
#define VIRTNET_TX_MAX_SEGS		64
#define VIRTNET_RX_REFILL_MIN		32
#define VIRTNET_TX_FREE_BULK		64
/** Descriptors (header included) a chain may have to go indirect. */
#define VIRTNET_TX_INDIRECT_MAX		16
/** Frame bytes beyond the MTU. */
#define VIRTNET_ETH_OVERHEAD \
	(RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + RTE_VLAN_HLEN)
/** Most mbufs in one non-mergeable ("big packet") Rx buffer. */
#define VIRTNET_RX_MAX_BIG		64

/** Features the driver knows how to use. */
#define VIRTNET_DRIVER_FEATURES \
	((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | \
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF) | (1ULL << VIRTIO_F_VERSION_1) | \
	 (1ULL << VIRTIO_F_ANY_LAYOUT) | (1ULL << VIRTIO_NET_F_MTU) | \
	 (1ULL << VIRTIO_NET_F_SPEED_DUPLEX) | (1ULL << VIRTIO_F_RING_PACKED) | \
	 (1ULL << VIRTIO_F_IN_ORDER) | (1ULL << VIRTIO_RING_F_EVENT_IDX) | \
	 (1ULL << VIRTIO_NET_F_MQ) | (1ULL << VIRTIO_NET_F_CTRL_VQ) | \
	 (1ULL << VIRTIO_NET_F_CTRL_RX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 VIRTNET_RX_OFFLOAD_FEATURES | VIRTNET_TX_OFFLOAD_FEATURES)

/** Device features that carry Rx offloads, negotiated only when asked. */
#define VIRTNET_RX_OFFLOAD_FEATURES \
	((1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_TSO4) | \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO6) | (1ULL << VIRTIO_NET_F_GUEST_ECN) | \
	 (1ULL << VIRTIO_NET_F_GUEST_USO4) | (1ULL << VIRTIO_NET_F_GUEST_USO6))
/** Device features that carry Tx offloads, negotiated only when asked. */
#define VIRTNET_TX_OFFLOAD_FEATURES \
	((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_TSO4) | \
	 (1ULL << VIRTIO_NET_F_HOST_TSO6) | (1ULL << VIRTIO_NET_F_HOST_ECN) | \
	 (1ULL << VIRTIO_NET_F_HOST_USO))

/** Per-process state: how this process reaches the device. */
struct virtnet_proc {
	const struct virtnet_transport_ops *ops;
	void *tp;		/**< the transport's own state */
};

/** Notify the device of @p vq, saying where its next buffer goes. */
static __rte_always_inline void
virtnet_notify(const struct virtnet_proc *p, const struct virtnet_vq *vq,
		const uint32_t mode)
{
	p->ops->notify(p->tp, vq->qid, virtnet_vq_notify_data(vq, mode));
}

/** Per-queue counters. */
struct virtnet_queue_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
};

struct virtnet_dev;
struct virtnet_ctrl;

/** Receive queue. */
struct virtnet_rxq {
	struct virtnet_vq *vq;
	const struct virtnet_dev *hw;
	struct rte_mempool *mp;
	uint64_t *nombuf;	/**< the port's rx_mbuf_alloc_failed */
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t hdr_size;
	uint16_t nb_desc;	/**< what the application asked for */
	uint16_t big_bufs;	/**< mbufs per Rx buffer: > 1 for big packets */
	bool use_va;
	bool ol_hdr;		/**< take checksum/LRO state from the header */
	bool vlan_strip;
	struct virtnet_queue_stats stats;
};

/**
 * Device-visible memory of one Tx buffer id: the net header when it cannot
 * go into the mbuf, and the indirect table of the chain.
 */
struct virtnet_tx_slot {
	struct virtio_net_hdr_mrg_rxbuf hdr;
	union virtnet_vq_indir indir[VIRTNET_TX_INDIRECT_MAX] __rte_aligned(16);
};

/** Transmit queue. */
struct virtnet_txq {
	struct virtnet_vq *vq;
	const struct virtnet_dev *hw;
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t hdr_size;
	uint16_t nb_desc;	/**< what the application asked for */
	bool use_va;
	bool ol_hdr;		/**< checksum/TSO requests go into the header */
	bool tso;		/**< the device segments TCP */
	bool uso;		/**< the device segments UDP */
	bool indirect;		/**< multi-descriptor chains go indirect */
	struct virtnet_tx_slot *slots;	/**< one per buffer id */
	const struct rte_memzone *slots_mem;
	uint64_t slots_addr;	/**< their device address */
	struct virtnet_queue_stats stats;
};

/** Shared private data of a virtnet port. */
struct virtnet_dev {
	uint64_t dev_features;	/**< offered by the device */
	uint64_t features;	/**< negotiated */
	uint64_t features_off;	/**< features the port's devargs rule out */
	uint16_t hdr_size;
	uint16_t max_queue_pairs;
	uint16_t max_mtu;
	uint32_t speed;
	volatile uint8_t dp_off;	/**< datapath stopped: bursts return 0 */
	const struct virtnet_path *rx_path;
	const struct virtnet_path *tx_path;
	bool started;
	bool vector_asked;	/**< vectorized=1: no vector path exists yet */
	struct virtnet_ctrl *ctrl;	/**< control queue, if the device has one */
	uint16_t port_id;
};

static inline struct virtnet_proc *
virtnet_proc(const struct rte_eth_dev *dev)
{
	return dev->process_private;
}

static inline bool
virtnet_has(const struct virtnet_dev *hw, unsigned int bit)
{
	return (hw->features >> bit) & 1;
}

/** The virtqueue mode the negotiated features call for. */
static inline uint32_t
virtnet_vq_mode(const struct virtnet_dev *hw)
{
	uint32_t mode = 0;

	if (virtnet_has(hw, VIRTIO_F_RING_PACKED))
		mode |= VIRTNET_VQ_PACKED;
	if (virtnet_has(hw, VIRTIO_F_IN_ORDER))
		mode |= VIRTNET_VQ_IN_ORDER;
	if (virtnet_has(hw, VIRTIO_RING_F_EVENT_IDX))
		mode |= VIRTNET_VQ_EVENT_IDX;
	return mode;
}

/* virtnet_ethdev.c */
int virtnet_dev_init(struct rte_eth_dev *dev);
/** Reset the device and agree features, up to FEATURES_OK. */
int virtnet_negotiate(struct rte_eth_dev *dev);
void virtnet_dev_event(void *arg, enum virtnet_event ev);
/** Undo a probe that took its transport but failed later. */
void virtnet_dev_abandon(struct rte_eth_dev *dev);
/** Bus remove(): stop and close the port named @p name, if any. */
int virtnet_dev_remove(const char *name);

/* virtnet_queue.c */
int virtnet_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		uint16_t nb_desc, unsigned int socket,
		const struct rte_eth_rxconf *conf, struct rte_mempool *mp);
int virtnet_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		uint16_t nb_desc, unsigned int socket,
		const struct rte_eth_txconf *conf);
void virtnet_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void virtnet_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
int virtnet_queues_start(struct rte_eth_dev *dev);
/** Zeroed IOVA-contiguous memory for the device; rte_memzone_free() it. */
const struct rte_memzone *virtnet_dma_zalloc(const struct rte_eth_dev *dev,
		const char *what, uint16_t id, size_t size, unsigned int socket,
		uint64_t *addr);
/** A virtqueue and its ring for queue @p vqid, sized by the device. */
struct virtnet_vq *virtnet_vq_create(struct rte_eth_dev *dev, uint16_t vqid,
		unsigned int socket);
void virtnet_vq_destroy(struct virtnet_vq *vq);
/** Lay a ring out as negotiated and hand it to the device. */
int virtnet_queue_attach(struct rte_eth_dev *dev, struct virtnet_vq *vq);

/* virtnet_ctrl.c */
int virtnet_ctrl_create(struct rte_eth_dev *dev);
void virtnet_ctrl_destroy(struct rte_eth_dev *dev);
int virtnet_ctrl_attach(struct rte_eth_dev *dev);
int virtnet_ctrl_send(struct rte_eth_dev *dev, uint8_t cls, uint8_t cmd,
		const void *data, uint16_t len);
void virtnet_queues_stop(struct rte_eth_dev *dev);
/** At debug level, log where each ring stands (before a stop). */
void virtnet_queues_log_state(struct rte_eth_dev *dev);

/** One Rx or Tx burst function and the features it serves. */
struct virtnet_path {
	const char *name;
	union {
		eth_rx_burst_t rx;
		eth_tx_burst_t tx;
	};
	uint64_t required;	/**< negotiated features it needs */
	uint64_t forbidden;	/**< negotiated features it cannot handle */
};

/* virtnet_rxtx.c */
extern const struct virtnet_path virtnet_rx_paths[];
extern const struct virtnet_path virtnet_tx_paths[];
const struct virtnet_path *virtnet_path_select(const struct virtnet_path *t,
		uint64_t features);
int virtnet_rx_refill(struct virtnet_rxq *rxq);
uint16_t virtnet_tx_prepare(void *txq, struct rte_mbuf **pkts, uint16_t n);

#endif /* VIRTNET_ETHDEV_H */
