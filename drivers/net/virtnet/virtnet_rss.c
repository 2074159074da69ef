/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <string.h>

#include <ethdev_driver.h>

#include "virtnet_device.h"
#include "virtnet_log.h"
#include "virtnet_rss.h"
#include "virtnet_rxtx.h"

/* The key of Microsoft's RSS verification suite, most NICs' default. */
static const uint8_t virtnet_rss_default_key[VIRTNET_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* Each virtio hash type and the ethdev hash functions it serves. */
static const struct {
	uint32_t type;
	uint64_t hf;
} virtnet_rss_types[] = {
	{ VIRTIO_NET_RSS_HASH_TYPE_IPv4, RTE_ETH_RSS_IPV4 |
		RTE_ETH_RSS_FRAG_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_OTHER },
	{ VIRTIO_NET_RSS_HASH_TYPE_TCPv4, RTE_ETH_RSS_NONFRAG_IPV4_TCP },
	{ VIRTIO_NET_RSS_HASH_TYPE_UDPv4, RTE_ETH_RSS_NONFRAG_IPV4_UDP },
	{ VIRTIO_NET_RSS_HASH_TYPE_IPv6, RTE_ETH_RSS_IPV6 |
		RTE_ETH_RSS_FRAG_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_OTHER },
	{ VIRTIO_NET_RSS_HASH_TYPE_TCPv6, RTE_ETH_RSS_NONFRAG_IPV6_TCP },
	{ VIRTIO_NET_RSS_HASH_TYPE_UDPv6, RTE_ETH_RSS_NONFRAG_IPV6_UDP },
	{ VIRTIO_NET_RSS_HASH_TYPE_IP_EX, RTE_ETH_RSS_IPV6_EX },
	{ VIRTIO_NET_RSS_HASH_TYPE_TCP_EX, RTE_ETH_RSS_IPV6_TCP_EX },
	{ VIRTIO_NET_RSS_HASH_TYPE_UDP_EX, RTE_ETH_RSS_IPV6_UDP_EX },
};

static uint64_t
virtnet_rss_hf(uint32_t types)
{
	uint64_t hf = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(virtnet_rss_types); i++)
		if (types & virtnet_rss_types[i].type)
			hf |= virtnet_rss_types[i].hf;
	return hf;
}

static uint32_t
virtnet_rss_types_of(uint64_t hf)
{
	uint32_t types = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(virtnet_rss_types); i++)
		if (hf & virtnet_rss_types[i].hf)
			types |= virtnet_rss_types[i].type;
	return types;
}

static void
virtnet_rss_drop(struct virtnet_dev *hw, const char *why)
{
	if (virtnet_usable(hw, VIRTIO_NET_F_RSS) ||
	    virtnet_usable(hw, VIRTIO_NET_F_HASH_REPORT))
		VIRTNET_LOG(WARNING, "port %u: device offers RSS/hash report with %s; not negotiated",
			hw->port_id, why);
	hw->features_off |= (1ULL << VIRTIO_NET_F_RSS) |
		(1ULL << VIRTIO_NET_F_HASH_REPORT);
	hw->usable &= ~hw->features_off;
	hw->rss.reta_size = 0;
	hw->rss.dev_types = 0;
	hw->rss.hash_report = false;
}

/* The spec asks for at least a 40-byte key and 128 entries (5.1.4.1). */
void
virtnet_rss_learn(struct virtnet_dev *hw, const struct virtio_net_config *cfg)
{
	uint16_t len = cfg->rss_max_indirection_table_length;
	char why[64];

	memset(&hw->rss, 0, sizeof(hw->rss));
	if (!virtnet_usable(hw, VIRTIO_NET_F_RSS) &&
	    !virtnet_usable(hw, VIRTIO_NET_F_HASH_REPORT))
		return;
	hw->rss.dev_types = cfg->supported_hash_types &
		VIRTIO_NET_RSS_HASH_TYPES_ALL;
	if (cfg->rss_max_key_size < VIRTNET_RSS_KEY_SIZE) {
		snprintf(why, sizeof(why), "a %u-byte key", cfg->rss_max_key_size);
		virtnet_rss_drop(hw, why);
		return;
	}
	if (hw->rss.dev_types == 0) {
		snprintf(why, sizeof(why), "hash types 0x%x",
			cfg->supported_hash_types);
		virtnet_rss_drop(hw, why);
		return;
	}
	hw->rss.hash_report = virtnet_usable(hw, VIRTIO_NET_F_HASH_REPORT);
	if (!virtnet_usable(hw, VIRTIO_NET_F_RSS))
		return;
	if (len == 0 || len > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX) {
		VIRTNET_LOG(WARNING, "port %u: device offers RSS with %u table entries; RSS not negotiated",
			hw->port_id, len);
		hw->features_off |= 1ULL << VIRTIO_NET_F_RSS;
		hw->usable &= ~hw->features_off;
		return;
	}
	/* The table's length is a power of two: the mask is length - 1. */
	hw->rss.reta_size = (uint16_t)rte_align32prevpow2(RTE_MIN(len,
		VIRTNET_RSS_RETA_MAX));
}

void
virtnet_rss_info(const struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);

	if (hw->rss.dev_types == 0)
		return;
	info->flow_type_rss_offloads = virtnet_rss_hf(hw->rss.dev_types);
	info->hash_key_size = VIRTNET_RSS_KEY_SIZE;
	info->reta_size = hw->rss.reta_size;
	if (hw->rss.hash_report)
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
}

static void
virtnet_rss_reta_spread(struct virtnet_dev *hw, uint16_t nb_rxq)
{
	uint16_t i;

	for (i = 0; i < RTE_DIM(hw->rss.reta); i++)
		hw->rss.reta[i] = i % RTE_MAX(nb_rxq, 1);
}

static int
virtnet_rss_key_check(const struct virtnet_dev *hw,
		const struct rte_eth_rss_conf *conf)
{
	if (conf->rss_key == NULL || conf->rss_key_len == VIRTNET_RSS_KEY_SIZE)
		return 0;
	VIRTNET_LOG(ERR, "port %u: RSS key of %u bytes; the device takes %u",
		hw->port_id, conf->rss_key_len, VIRTNET_RSS_KEY_SIZE);
	return -EINVAL;
}

int
virtnet_rss_configure(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	const struct rte_eth_conf *conf = &dev->data->dev_conf;
	const struct rte_eth_rss_conf *rc = &conf->rx_adv_conf.rss_conf;
	enum rte_eth_rx_mq_mode mode = conf->rxmode.mq_mode;

	hw->rss.on = false;
	if (mode != RTE_ETH_MQ_RX_NONE && mode != RTE_ETH_MQ_RX_RSS) {
		VIRTNET_LOG(ERR, "port %u: Rx mq_mode %d not supported (none or RSS)",
			dev->data->port_id, mode);
		return -EINVAL;
	}
	if (mode == RTE_ETH_MQ_RX_NONE)
		return 0;
	if (hw->rss.dev_types == 0) {
		/* ethdev refused any rss_hf: dev_info offers none. */
		VIRTNET_LOG(NOTICE, "port %u: mq_mode RSS, but the device has no RSS: it spreads frames over the queues its own way",
			dev->data->port_id);
		return 0;
	}
	if (virtnet_rss_key_check(hw, rc) < 0)
		return -EINVAL;
	memcpy(hw->rss.key, rc->rss_key != NULL ? rc->rss_key :
		virtnet_rss_default_key, VIRTNET_RSS_KEY_SIZE);
	hw->rss.types = virtnet_rss_types_of(rc->rss_hf) & hw->rss.dev_types;
	virtnet_rss_reta_spread(hw, dev->data->nb_rx_queues);
	hw->rss.on = true;
	return 0;
}

/*
 * RSS_CONFIG (table, queue pairs) or HASH_CONFIG (types and key only):
 * the head, the table, then max_tx_vq, the key length and the key.
 */
static int
virtnet_rss_send(struct rte_eth_dev *dev, uint8_t cmd, uint16_t pairs)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	bool rss = cmd == VIRTIO_NET_CTRL_MQ_RSS_CONFIG;
	uint16_t entries = rss ? hw->rss.reta_size : 1, i;
	uint16_t table[VIRTNET_RSS_RETA_MAX];
	struct virtio_net_rss_config_head head = {
		.hash_types = rte_cpu_to_le_32(hw->rss.types),
		.indirection_table_mask = rte_cpu_to_le_16(entries - 1),
	};
	struct {
		uint16_t max_tx_vq;
		uint8_t key_len;
		uint8_t key[VIRTNET_RSS_KEY_SIZE];
	} __rte_packed tail = {
		.max_tx_vq = rte_cpu_to_le_16(rss ? pairs : 0),
		.key_len = VIRTNET_RSS_KEY_SIZE,
	};
	const struct virtnet_ctrl_seg segs[] = {
		{ &head, sizeof(head) },
		{ table, (uint16_t)(entries * sizeof(uint16_t)) },
		{ &tail, sizeof(tail) },
	};
	int ret;

	/* HASH_CONFIG: its one entry (and the rest of the head) reserved, 0. */
	for (i = 0; i < entries; i++)
		table[i] = rss ? rte_cpu_to_le_16(hw->rss.reta[i]) : 0;

	memcpy(tail.key, hw->rss.key, sizeof(tail.key));
	ret = virtnet_ctrl_sendv(hw->ctrl, VIRTIO_NET_CTRL_MQ, cmd, segs,
		RTE_DIM(segs));
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: device refused the %s configuration (hash types 0x%x): %s",
			dev->data->port_id, rss ? "RSS" : "hash report",
			hw->rss.types, rte_strerror(-ret));
	return ret;
}

/* With MQ the device serves as many pairs as the app configured. */
static int
virtnet_rss_pairs_set(struct rte_eth_dev *dev, uint16_t pairs)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret;

	if (!virtnet_has(hw, VIRTIO_NET_F_MQ))
		return 0;
	ret = virtnet_ctrl_send(hw->ctrl, VIRTIO_NET_CTRL_MQ,
		VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, sizeof(pairs));
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: device refused %u queue pairs: %s",
			dev->data->port_id, pairs, rte_strerror(-ret));
	return ret;
}

/* The hash types a report must be of to reach the mbuf; 0: none. */
static void
virtnet_rss_rxq_types(struct rte_eth_dev *dev, uint32_t types)
{
	struct virtnet_rxq *rxq;
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		rxq = dev->data->rx_queues[i];
		if (rxq != NULL)
			__atomic_store_n(&rxq->hash_types, types,
				__ATOMIC_RELAXED);
	}
}

uint32_t
virtnet_rss_report_types(const struct virtnet_dev *hw)
{
	return hw->rss.on && virtnet_has(hw, VIRTIO_NET_F_HASH_REPORT) ?
		hw->rss.types : 0;
}

/* VQ_PAIRS_SET turns the device's RSS off: RSS_CONFIG sets pairs itself. */
int
virtnet_rss_apply(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	uint16_t pairs = RTE_MAX(dev->data->nb_rx_queues,
		dev->data->nb_tx_queues);
	bool hash = hw->rss.on && virtnet_has(hw, VIRTIO_NET_F_HASH_REPORT);
	int ret;

	virtnet_rss_rxq_types(dev, 0);
	if (hw->rss.on && virtnet_has(hw, VIRTIO_NET_F_RSS))
		ret = virtnet_rss_send(dev, VIRTIO_NET_CTRL_MQ_RSS_CONFIG, pairs);
	else
		ret = virtnet_rss_pairs_set(dev, pairs);
	if (ret == 0 && hash && !virtnet_has(hw, VIRTIO_NET_F_RSS))
		ret = virtnet_rss_send(dev, VIRTIO_NET_CTRL_MQ_HASH_CONFIG, 0);
	if (ret == 0 && hash)
		virtnet_rss_rxq_types(dev, virtnet_rss_report_types(hw));
	return ret;
}

/*
 * A change: taken now by a running port, at its start by a stopped one.
 * One the device refused is undone: it keeps what it had, and so do the
 * port's copy and the queues' report types.
 */
static int
virtnet_rss_changed(struct rte_eth_dev *dev, const struct virtnet_rss *old)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret;

	if (!hw->started)
		return 0;
	ret = virtnet_rss_apply(dev);
	if (ret < 0) {
		hw->rss = *old;
		virtnet_rss_rxq_types(dev, virtnet_rss_report_types(hw));
	}
	return ret;
}

static int
virtnet_rss_usable(const struct rte_eth_dev *dev, bool table)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);

	if (table ? hw->rss.reta_size == 0 : hw->rss.dev_types == 0) {
		VIRTNET_LOG(ERR, "port %u: the device has no %s",
			dev->data->port_id, table ? "RSS indirection table" :
			"RSS or hash report");
		return -ENOTSUP;
	}
	if (!hw->rss.on) {
		VIRTNET_LOG(ERR, "port %u: RSS not configured (Rx mq_mode RSS)",
			dev->data->port_id);
		return -EINVAL;
	}
	return 0;
}

int
virtnet_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	uint32_t types = virtnet_rss_types_of(conf->rss_hf) & hw->rss.dev_types;
	struct virtnet_rss old;
	int ret;

	ret = virtnet_rss_usable(dev, false);
	if (ret == 0)
		ret = virtnet_rss_key_check(hw, conf);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&hw->lock);
	old = hw->rss;
	hw->rss.types = types;
	if (conf->rss_key != NULL)
		memcpy(hw->rss.key, conf->rss_key, VIRTNET_RSS_KEY_SIZE);
	ret = virtnet_rss_changed(dev, &old);
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

int
virtnet_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret = virtnet_rss_usable(dev, false);

	if (ret < 0)
		return ret;
	pthread_mutex_lock(&hw->lock);
	conf->rss_hf = virtnet_rss_hf(hw->rss.types);
	if (conf->rss_key != NULL) {
		if (conf->rss_key_len < VIRTNET_RSS_KEY_SIZE)
			ret = -EINVAL;
		else
			memcpy(conf->rss_key, hw->rss.key, VIRTNET_RSS_KEY_SIZE);
	}
	conf->rss_key_len = VIRTNET_RSS_KEY_SIZE;
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

static int
virtnet_rss_reta_check(const struct rte_eth_dev *dev, uint16_t size)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	int ret = virtnet_rss_usable(dev, true);

	if (ret == 0 && size != hw->rss.reta_size) {
		VIRTNET_LOG(ERR, "port %u: RSS table of %u entries given; the port's has %u",
			dev->data->port_id, size, hw->rss.reta_size);
		ret = -EINVAL;
	}
	return ret;
}

int
virtnet_rss_reta_update(struct rte_eth_dev *dev,
		struct rte_eth_rss_reta_entry64 *reta, uint16_t size)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_rss old;
	uint16_t i, idx, pos;
	int ret = virtnet_rss_reta_check(dev, size);

	if (ret < 0)
		return ret;
	for (i = 0; i < size; i++) {
		idx = i / RTE_ETH_RETA_GROUP_SIZE;
		pos = i % RTE_ETH_RETA_GROUP_SIZE;
		if (((reta[idx].mask >> pos) & 1) &&
		    reta[idx].reta[pos] >= dev->data->nb_rx_queues) {
			VIRTNET_LOG(ERR, "port %u: RSS table entry %u names Rx queue %u of %u",
				dev->data->port_id, i, reta[idx].reta[pos],
				dev->data->nb_rx_queues);
			return -EINVAL;
		}
	}
	pthread_mutex_lock(&hw->lock);
	old = hw->rss;
	for (i = 0; i < size; i++) {
		idx = i / RTE_ETH_RETA_GROUP_SIZE;
		pos = i % RTE_ETH_RETA_GROUP_SIZE;
		if ((reta[idx].mask >> pos) & 1)
			hw->rss.reta[i] = reta[idx].reta[pos];
	}
	ret = virtnet_rss_changed(dev, &old);
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

int
virtnet_rss_reta_query(struct rte_eth_dev *dev,
		struct rte_eth_rss_reta_entry64 *reta, uint16_t size)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	uint16_t i, idx, pos;
	int ret = virtnet_rss_reta_check(dev, size);

	if (ret < 0)
		return ret;
	pthread_mutex_lock(&hw->lock);
	for (i = 0; i < size; i++) {
		idx = i / RTE_ETH_RETA_GROUP_SIZE;
		pos = i % RTE_ETH_RETA_GROUP_SIZE;
		if ((reta[idx].mask >> pos) & 1)
			reta[idx].reta[pos] = hw->rss.reta[i];
	}
	pthread_mutex_unlock(&hw->lock);
	return 0;
}
