/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_DEVICE_H
#define VIRTNET_DEVICE_H

/**
 * @file
 * The virtio-net device as the spec sees it, through a transport: what it
 * offers and says in its config (learnt once at probe), the features
 * agreed at each start, its status. Also the port's state that the queue
 * and ethdev layers share. All of it is process memory, reached through
 * dev->process_private: a device cannot write it.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ether.h>

#include "virtnet_ctrl.h"
#include "virtnet_rss.h"
#include "virtnet_spec.h"
#include "virtnet_transport.h"
#include "virtnet_vq.h"

#define VIRTNET_MAX_QUEUE_PAIRS		128
#define VIRTNET_MAX_RX_PKTLEN		9728
#define VIRTNET_MAX_LRO_PKTLEN		65535
/** Frame bytes beyond the MTU. */
#define VIRTNET_ETH_OVERHEAD \
	(RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + RTE_VLAN_HLEN)

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

/** Features the driver knows how to use. */
#define VIRTNET_DRIVER_FEATURES \
	((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | \
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF) | (1ULL << VIRTIO_F_VERSION_1) | \
	 (1ULL << VIRTIO_F_ANY_LAYOUT) | (1ULL << VIRTIO_NET_F_MTU) | \
	 (1ULL << VIRTIO_NET_F_SPEED_DUPLEX) | (1ULL << VIRTIO_F_RING_PACKED) | \
	 (1ULL << VIRTIO_F_IN_ORDER) | (1ULL << VIRTIO_RING_F_EVENT_IDX) | \
	 (1ULL << VIRTIO_NET_F_MQ) | (1ULL << VIRTIO_NET_F_CTRL_VQ) | \
	 (1ULL << VIRTIO_NET_F_CTRL_RX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_NET_F_GUEST_ANNOUNCE) | \
	 (1ULL << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) | \
	 (1ULL << VIRTIO_NET_F_CTRL_MAC_ADDR) | (1ULL << VIRTIO_NET_F_CTRL_VLAN) | \
	 (1ULL << VIRTIO_NET_F_RSS) | (1ULL << VIRTIO_NET_F_HASH_REPORT) | \
	 (1ULL << VIRTIO_NET_F_NOTF_COAL) | \
	 VIRTNET_RX_OFFLOAD_FEATURES | VIRTNET_TX_OFFLOAD_FEATURES)

/**
 * Notification coalescing the devargs ask for (VIRTIO_NET_F_NOTF_COAL):
 * a direction with both 0 is left as the device has it.
 */
struct virtnet_coal {
	uint32_t rx_usecs;
	uint32_t rx_frames;
	uint32_t tx_usecs;
	uint32_t tx_frames;
};

struct virtnet_ctrl;
struct virtnet_filter;
struct virtnet_path;
struct virtnet_strand;

/** A virtnet port, in process memory (dev->process_private). */
struct virtnet_dev {
	struct virtnet_transport tp;	/**< how this process reaches it */
	uint16_t port_id;
	uint64_t features_off;	/**< ruled out by devargs or a bad config */
	/* Learnt at probe. */
	uint64_t dev_features;	/**< offered by the device */
	uint64_t usable;	/**< offered, known, allowed, dependencies met */
	uint16_t max_queue_pairs;	/**< what the driver uses, <= 128 */
	uint16_t ctrl_qid;	/**< control queue: 2 x the device's pairs */
	uint16_t max_mtu;
	uint16_t ring_max;	/**< queue 0's largest ring: the default size */
	/** The device's own MAC after a reset (config); zero without F_MAC. */
	struct rte_ether_addr mac;
	uint32_t speed;		/**< Mbps (a devarg, or the device's) */
	bool speed_fixed;	/**< the speed devarg overrides the device */
	bool duplex_full;
	struct virtnet_coal coal;	/**< from the devargs */
	/* Agreed at start. */
	uint64_t features;	/**< negotiated */
	uint16_t hdr_size;	/**< net header bytes */
	/* The port (virtnet_ethdev.c). */
	pthread_mutex_t lock;	/**< start, stop and recovery: one at a time */
	volatile bool halted;	/**< bursts return 0 (stopped, device lost) */
	volatile bool lost;	/**< the device went away under running rings */
	volatile bool closing;	/**< no more recovery */
	/** A burst found a ring the device broke: RTE_ETH_EVENT_INTR_RESET due. */
	bool reset_due;
	/** Rx interrupts: the port's handle while started (virtnet_rxintr.h). */
	struct rte_intr_handle *rx_intr;
	bool want_up;		/**< the app started the port */
	bool started;		/**< the device runs the rings */
	/**
	 * Stopped with the device kept running (virtnet_restart.h): data
	 * queues reset alone and freed, control queue and device state kept.
	 */
	bool parked;
	uint16_t parked_rxqs;	/**< Rx queues the parked device had */
	uint16_t parked_txqs;	/**< Tx queues the parked device had */
	/** VIRTIO_NET_F_GUEST_* the device applies now (while started). */
	uint64_t guest_offloads;
	/** Features of the last start on a device; 0 before the first. */
	uint64_t agreed;
	bool vectorized;	/**< vectorized=1: vector paths where they serve */
	const struct virtnet_path *rx_path;
	const struct virtnet_path *tx_path;
	struct virtnet_ctrl *ctrl;	/**< while started, if negotiated */
	/** Rings a device that did not finish its reset may still use. */
	struct virtnet_strand *stranded;
	/** What the control queues of every start sent (xstats). */
	struct virtnet_ctrl_stats ctrl_stats;
	struct virtnet_filter *filter;	/**< receive filters (virtnet_filter.h) */
	struct virtnet_rss rss;		/**< RSS and hash reports (virtnet_rss.h) */
	bool filters_lost;	/**< reset since the filters were sent */
};

static inline struct virtnet_dev *
virtnet_dev(const struct rte_eth_dev *dev)
{
	return dev->process_private;
}

/** Whether feature @p bit was negotiated at the last start. */
static inline bool
virtnet_has(const struct virtnet_dev *hw, unsigned int bit)
{
	return (hw->features >> bit) & 1;
}

/** Whether the device offers feature @p bit and the driver may take it. */
static inline bool
virtnet_usable(const struct virtnet_dev *hw, unsigned int bit)
{
	return (hw->usable >> bit) & 1;
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

/**
 * Learn the device (3.1.1 up to reading features and config, which a
 * driver may do before FEATURES_OK): features, MAC (a random one when the
 * device has none or a bad one), queue pairs, MTU, ring size, speed.
 * Leaves the device reset.
 * @return 0, or a negative errno (logged).
 */
int virtnet_device_probe(struct virtnet_dev *hw, struct rte_ether_addr *mac);

/** The features virtnet_device_negotiate() would agree for @p want. */
uint64_t virtnet_device_features_for(const struct virtnet_dev *hw,
		uint64_t want);

/**
 * Reset, then agree the usable features within @p want, up to
 * FEATURES_OK. Sets features and hdr_size.
 * @return 0, or a negative errno (logged).
 */
int virtnet_device_negotiate(struct virtnet_dev *hw, uint64_t want);

/** Set DRIVER_OK: the device may use the queues set up so far. */
int virtnet_device_driver_ok(struct virtnet_dev *hw);

/**
 * Reset. On success the device touches no queue any more; on failure
 * (logged by the transport) it may still use them and their buffers.
 */
int virtnet_device_reset(struct virtnet_dev *hw);

/** Link as the device reports it, and its speed and duplex. */
bool virtnet_device_link(struct virtnet_dev *hw);

#endif /* VIRTNET_DEVICE_H */
