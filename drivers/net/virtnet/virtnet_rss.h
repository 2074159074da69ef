/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_RSS_H
#define VIRTNET_RSS_H

/**
 * @file
 * Receive-side scaling and hash reports, kept in process memory and told
 * to the device through the control queue:
 *
 * - VIRTIO_NET_F_RSS (with MQ): the device hashes each frame with the
 *   port's key over the hash types the application chose, and its
 *   indirection table picks the Rx queue. The key, table length and hash
 *   types the device supports come from its config, checked and clamped
 *   at probe; the application's are sent with VIRTIO_NET_CTRL_MQ_RSS_CONFIG
 *   at each start (it also sets the queue pairs) and at each change.
 * - VIRTIO_NET_F_HASH_REPORT: the device writes the hash and its type into
 *   a larger net header; negotiated only while the application asks for
 *   RTE_ETH_RX_OFFLOAD_RSS_HASH, the hash then goes into mbuf hash.rss
 *   when its type is one the port configured. Without RSS, the hash
 *   types and key go with VIRTIO_NET_CTRL_MQ_HASH_CONFIG.
 *
 * A device without either (DPDK's vhost, QEMU without rss=on): dev_info
 * reports no hash function, no key and no table, so ethdev refuses an
 * rss_hf; mq_mode RSS with rss_hf 0 is taken with a log line (the device
 * then spreads frames its own way); the RSS ops return -ENOTSUP.
 *
 * The ops take the port lock; virtnet_rss_apply() runs under it.
 */

#include <stdbool.h>
#include <stdint.h>

struct rte_eth_dev;
struct rte_eth_dev_info;
struct rte_eth_rss_conf;
struct rte_eth_rss_reta_entry64;
struct virtio_net_config;
struct virtnet_dev;

/** Key bytes: the Toeplitz key of a 5-tuple over IPv6 needs 40. */
#define VIRTNET_RSS_KEY_SIZE	40
/**
 * Most indirection table entries the driver uses (a power of two): the
 * command then fits the control queue's buffer (VIRTNET_CTRL_MAX_DATA).
 */
#define VIRTNET_RSS_RETA_MAX	256

/** The port's RSS state (struct virtnet_dev). */
struct virtnet_rss {
	/* Learnt at probe. */
	uint32_t dev_types;	/**< VIRTIO_NET_RSS_HASH_TYPE_* the device has */
	uint16_t reta_size;	/**< table entries; 0 without RSS */
	bool hash_report;	/**< HASH_REPORT usable */
	/* The application's (configure, then the RSS ops). */
	bool on;		/**< mq_mode RSS with a device that hashes */
	uint32_t types;		/**< VIRTIO_NET_RSS_HASH_TYPE_* chosen */
	uint8_t key[VIRTNET_RSS_KEY_SIZE];
	uint16_t reta[VIRTNET_RSS_RETA_MAX];
};

/**
 * At probe: what the device's config says about RSS and hash reports;
 * a feature whose config is out of the spec's bounds is not used.
 */
void virtnet_rss_learn(struct virtnet_dev *hw,
		const struct virtio_net_config *cfg);

/** dev_info: hash functions, key size and table size. */
void virtnet_rss_info(const struct rte_eth_dev *dev,
		struct rte_eth_dev_info *info);

/**
 * dev_configure: check the Rx mq_mode and take the RSS configuration: the
 * application's key or the default one, a table spread over the Rx queues.
 * @return 0, or -EINVAL (logged).
 */
int virtnet_rss_configure(struct rte_eth_dev *dev);

/**
 * Start (or a change while started): send the queue pairs and the RSS or
 * hash configuration the negotiated features call for.
 * @return 0, or a negative errno (logged).
 */
int virtnet_rss_apply(struct rte_eth_dev *dev);

/**
 * The hash types a report must be of to reach an mbuf (0: no reports),
 * for an Rx queue started on its own once the configuration was sent.
 */
uint32_t virtnet_rss_report_types(const struct virtnet_dev *hw);

int virtnet_rss_hash_update(struct rte_eth_dev *dev,
		struct rte_eth_rss_conf *conf);
int virtnet_rss_hash_conf_get(struct rte_eth_dev *dev,
		struct rte_eth_rss_conf *conf);
int virtnet_rss_reta_update(struct rte_eth_dev *dev,
		struct rte_eth_rss_reta_entry64 *reta, uint16_t size);
int virtnet_rss_reta_query(struct rte_eth_dev *dev,
		struct rte_eth_rss_reta_entry64 *reta, uint16_t size);

#endif /* VIRTNET_RSS_H */
