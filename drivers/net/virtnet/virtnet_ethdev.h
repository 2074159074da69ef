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

#include "virtnet_transport.h"
#include "virtnet_vq.h"

#define VIRTNET_MAX_QUEUE_PAIRS		128
#define VIRTNET_MIN_RX_BUFSIZE		64
#define VIRTNET_MAX_RX_PKTLEN		9728
#define VIRTNET_TX_MAX_SEGS		64
#define VIRTNET_RX_REFILL_MIN		32

/** Features the driver knows how to use. */
#define VIRTNET_DRIVER_FEATURES \
	((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | \
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF) | (1ULL << VIRTIO_F_VERSION_1) | \
	 (1ULL << VIRTIO_F_ANY_LAYOUT) | (1ULL << VIRTIO_NET_F_MTU) | \
	 (1ULL << VIRTIO_NET_F_SPEED_DUPLEX) | (1ULL << VIRTIO_F_RING_PACKED))

/** Per-process state: how this process reaches the device. */
struct virtnet_proc {
	const struct virtnet_transport_ops *ops;
	void *tp;		/**< the transport's own state */
};

/** Per-queue counters. */
struct virtnet_queue_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
};

struct virtnet_dev;

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
	bool use_va;
	struct virtnet_queue_stats stats;
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
	struct virtio_net_hdr_mrg_rxbuf *hdrs; /**< one per descriptor */
	uint64_t hdrs_addr;	/**< their device address */
	struct virtnet_queue_stats stats;
};

/** Shared private data of a virtnet port. */
struct virtnet_dev {
	uint64_t dev_features;	/**< offered by the device */
	uint64_t features;	/**< negotiated */
	uint16_t hdr_size;
	uint16_t max_queue_pairs;
	uint16_t max_mtu;
	uint32_t speed;
	volatile uint8_t dp_off;	/**< datapath stopped: bursts return 0 */
	const struct virtnet_path *rx_path;
	const struct virtnet_path *tx_path;
	bool started;
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

/* virtnet_ethdev.c */
int virtnet_dev_init(struct rte_eth_dev *dev);
void virtnet_dev_event(void *arg, enum virtnet_event ev);

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
void virtnet_queues_stop(struct rte_eth_dev *dev);

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
void virtnet_tx_reclaim(struct virtnet_txq *txq);

#endif /* VIRTNET_ETHDEV_H */
