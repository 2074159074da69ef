/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <string.h>

#include "virtnet_device.h"
#include "virtnet_log.h"

#define VIRTNET_STATUS_START \
	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER)

/* Features that mean nothing without another (5.1.3.1). */
static const struct {
	unsigned int bit;
	unsigned int needs;
} virtnet_feature_deps[] = {
	{ VIRTIO_NET_F_MQ, VIRTIO_NET_F_CTRL_VQ },
	/* virtnet asks for RSS only with several queue pairs. */
	{ VIRTIO_NET_F_RSS, VIRTIO_NET_F_MQ },
	{ VIRTIO_NET_F_HASH_REPORT, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_NOTF_COAL, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_CTRL_RX, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_GUEST_ANNOUNCE, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_GUEST_ANNOUNCE, VIRTIO_NET_F_STATUS },
	{ VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_CTRL_VLAN, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_CTRL_MAC_ADDR, VIRTIO_NET_F_CTRL_VQ },
	{ VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_CSUM },
	{ VIRTIO_NET_F_GUEST_TSO6, VIRTIO_NET_F_GUEST_CSUM },
	{ VIRTIO_NET_F_GUEST_ECN, VIRTIO_NET_F_GUEST_CSUM },
	{ VIRTIO_NET_F_GUEST_USO4, VIRTIO_NET_F_GUEST_CSUM },
	{ VIRTIO_NET_F_GUEST_USO6, VIRTIO_NET_F_GUEST_CSUM },
	{ VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_CSUM },
	{ VIRTIO_NET_F_HOST_TSO6, VIRTIO_NET_F_CSUM },
	{ VIRTIO_NET_F_HOST_ECN, VIRTIO_NET_F_CSUM },
	{ VIRTIO_NET_F_HOST_USO, VIRTIO_NET_F_CSUM },
};

static uint64_t
virtnet_drop_orphans(uint64_t f)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(virtnet_feature_deps); i++)
		if (!((f >> virtnet_feature_deps[i].needs) & 1))
			f &= ~(1ULL << virtnet_feature_deps[i].bit);
	return f;
}

/*
 * At probe: say which offered features go for want of another, directly
 * or through one that went (RSS needs MQ, which needs CTRL_VQ).
 */
static void
virtnet_log_orphans(const struct virtnet_dev *hw, uint64_t offered)
{
	uint64_t kept = virtnet_drop_orphans(offered);
	unsigned int i, bit, needs;

	for (i = 0; i < RTE_DIM(virtnet_feature_deps); i++) {
		bit = virtnet_feature_deps[i].bit;
		needs = virtnet_feature_deps[i].needs;
		if (((offered >> bit) & 1) && !((kept >> needs) & 1))
			VIRTNET_LOG(NOTICE, "port %u: device offers feature %u without feature %u, which it needs: not used",
				hw->port_id, bit, needs);
	}
}

static int
virtnet_read_config(struct virtnet_dev *hw, size_t off, void *dst, size_t len)
{
	return hw->tp.ops->read_config(hw->tp.priv, off, dst, len);
}

/* Reset, ACKNOWLEDGE, DRIVER; the device features (3.1.1 steps 1-4). */
static int
virtnet_device_start_init(struct virtnet_dev *hw)
{
	const struct virtnet_transport_ops *ops = hw->tp.ops;
	int ret;

	ret = virtnet_device_reset(hw);
	if (ret == 0)
		ret = ops->set_status(hw->tp.priv, VIRTNET_STATUS_START);
	if (ret < 0)
		return ret;
	hw->dev_features = ops->get_features(hw->tp.priv);
	if (!ops->legacy && !((hw->dev_features >> VIRTIO_F_VERSION_1) & 1)) {
		VIRTNET_LOG(ERR, "port %u: device is not virtio 1.x (features 0x%" PRIx64 ") and its transport has no legacy interface",
			hw->port_id, hw->dev_features);
		return -ENOTSUP;
	}
	hw->usable = virtnet_drop_orphans(hw->dev_features &
		(VIRTNET_DRIVER_FEATURES | ops->features) & ~hw->features_off);
	return 0;
}

/*
 * Without MQ the device has exactly one pair, whatever config says, and
 * its control queue is queue 2. With MQ the control queue follows all
 * the device's pairs, however many of them the driver uses; a pair count
 * the spec does not allow makes MQ unusable.
 */
static void
virtnet_learn_queue_pairs(struct virtnet_dev *hw,
		const struct virtio_net_config *cfg)
{
	uint16_t n = cfg->max_virtqueue_pairs;

	hw->max_queue_pairs = 1;
	hw->ctrl_qid = 2;
	if (!virtnet_usable(hw, VIRTIO_NET_F_MQ))
		return;
	/*
	 * 0x8000 pairs is the spec's limit, but their control queue would be
	 * queue 0x10000, which no 16-bit queue index reaches.
	 */
	if (n < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN ||
	    n > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX || 2u * n > UINT16_MAX) {
		VIRTNET_LOG(WARNING, "port %u: device offers MQ with %u queue pairs; using one pair without MQ",
			hw->port_id, n);
		hw->features_off |= 1ULL << VIRTIO_NET_F_MQ;
		/* RSS goes with it (virtnet_feature_deps). */
		hw->usable = virtnet_drop_orphans(hw->usable &
			~(1ULL << VIRTIO_NET_F_MQ));
		return;
	}
	if (n > VIRTNET_MAX_QUEUE_PAIRS)
		VIRTNET_LOG(NOTICE, "port %u: device has %u queue pairs; using %u",
			hw->port_id, n, VIRTNET_MAX_QUEUE_PAIRS);
	hw->max_queue_pairs = RTE_MIN(n, VIRTNET_MAX_QUEUE_PAIRS);
	hw->ctrl_qid = (uint16_t)(n * 2);
}

static void
virtnet_learn_mac(struct virtnet_dev *hw, const struct virtio_net_config *cfg,
		struct rte_ether_addr *mac)
{
	memset(&hw->mac, 0, sizeof(hw->mac));
	if (virtnet_usable(hw, VIRTIO_NET_F_MAC))
		memcpy(hw->mac.addr_bytes, cfg->mac, RTE_ETHER_ADDR_LEN);
	*mac = hw->mac;
	if (rte_is_valid_assigned_ether_addr(mac))
		return;
	/* As Linux: the device is told at start (virtnet_filter_restore). */
	rte_eth_random_addr(mac->addr_bytes);
	if (virtnet_usable(hw, VIRTIO_NET_F_MAC))
		VIRTNET_LOG(WARNING, "port %u: device MAC " RTE_ETHER_ADDR_PRT_FMT " is zero or multicast; using random " RTE_ETHER_ADDR_PRT_FMT,
			hw->port_id, RTE_ETHER_ADDR_BYTES(&hw->mac),
			RTE_ETHER_ADDR_BYTES(mac));
	else
		VIRTNET_LOG(INFO, "port %u: device has no MAC (no VIRTIO_NET_F_MAC); using random " RTE_ETHER_ADDR_PRT_FMT,
			hw->port_id, RTE_ETHER_ADDR_BYTES(mac));
}

/* The config's speed (-1 unknown) and duplex (1 full, 0 half). */
static void
virtnet_learn_speed(struct virtnet_dev *hw, const struct virtio_net_config *cfg)
{
	if (!virtnet_usable(hw, VIRTIO_NET_F_SPEED_DUPLEX))
		return;
	hw->duplex_full = cfg->duplex != 0;
	if (!hw->speed_fixed)
		hw->speed = cfg->speed <= INT32_MAX ? cfg->speed :
			RTE_ETH_SPEED_NUM_UNKNOWN;
}

/*
 * With VIRTIO_NET_F_MTU the device's mtu is the port's maximum (5.1.4.1);
 * one below 68 is not taken, nor is the feature negotiated (5.1.4.2).
 */
static void
virtnet_learn_limits(struct virtnet_dev *hw, const struct virtio_net_config *cfg)
{
	hw->max_mtu = VIRTNET_MAX_RX_PKTLEN - VIRTNET_ETH_OVERHEAD;
	if (virtnet_usable(hw, VIRTIO_NET_F_MTU) && cfg->mtu < RTE_ETHER_MIN_MTU) {
		VIRTNET_LOG(WARNING, "port %u: device offers MTU with %u, below %u; not negotiated",
			hw->port_id, cfg->mtu, RTE_ETHER_MIN_MTU);
		hw->features_off |= 1ULL << VIRTIO_NET_F_MTU;
		hw->usable &= ~(1ULL << VIRTIO_NET_F_MTU);
	}
	if (virtnet_usable(hw, VIRTIO_NET_F_MTU)) {
		if (cfg->mtu > hw->max_mtu)
			VIRTNET_LOG(NOTICE, "port %u: device MTU %u; virtnet receives at most %u",
				hw->port_id, cfg->mtu, hw->max_mtu);
		hw->max_mtu = RTE_MIN(cfg->mtu, hw->max_mtu);
	}
	/* Only a default for nb_desc 0: start checks every queue's size. */
	hw->ring_max = hw->tp.ops->queue_max_size(hw->tp.priv, 0);
	if (virtnet_vq_check_size(hw->ring_max, true) != 0)
		hw->ring_max = 0;
}

int
virtnet_device_probe(struct virtnet_dev *hw, struct rte_ether_addr *mac)
{
	struct virtio_net_config cfg;
	int ret;

	hw->duplex_full = true;
	if (!hw->speed_fixed)
		hw->speed = RTE_ETH_SPEED_NUM_UNKNOWN;
	ret = virtnet_device_start_init(hw);
	if (ret == 0)
		virtnet_log_orphans(hw, hw->dev_features &
			(VIRTNET_DRIVER_FEATURES | hw->tp.ops->features) &
			~hw->features_off);
	memset(&cfg, 0, sizeof(cfg));
	if (ret == 0)
		ret = virtnet_read_config(hw, 0, &cfg, sizeof(cfg));
	if (ret == 0) {
		virtnet_learn_mac(hw, &cfg, mac);
		virtnet_learn_queue_pairs(hw, &cfg);
		virtnet_learn_speed(hw, &cfg);
		virtnet_learn_limits(hw, &cfg);
		virtnet_rss_learn(hw, &cfg);
	}
	/* A device that cannot be reset cannot be used. */
	if (virtnet_device_reset(hw) < 0 && ret == 0)
		ret = -EIO;
	return ret;
}

uint64_t
virtnet_device_features_for(const struct virtnet_dev *hw, uint64_t want)
{
	return virtnet_drop_orphans(hw->usable & want);
}

int
virtnet_device_negotiate(struct virtnet_dev *hw, uint64_t want)
{
	const struct virtnet_transport_ops *ops = hw->tp.ops;
	uint8_t st = VIRTNET_STATUS_START | VIRTIO_CONFIG_S_FEATURES_OK;
	int ret;

	ret = virtnet_device_start_init(hw);
	if (ret < 0)
		return ret;
	hw->features = virtnet_device_features_for(hw, want);
	ret = ops->set_features(hw->tp.priv, hw->features);
	if (ret == 0)
		ret = ops->set_status(hw->tp.priv, st);
	if (ret == 0 && !(ops->get_status(hw->tp.priv) &
			VIRTIO_CONFIG_S_FEATURES_OK))
		ret = -EIO;
	if (ret < 0) {
		VIRTNET_LOG(ERR, "port %u: device refused features 0x%" PRIx64,
			hw->port_id, hw->features);
		return ret;
	}
	/* VERSION_1 headers always carry num_buffers; legacy ones with MRG. */
	hw->hdr_size = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	if (!virtnet_has(hw, VIRTIO_F_VERSION_1) &&
	    !virtnet_has(hw, VIRTIO_NET_F_MRG_RXBUF))
		hw->hdr_size = VIRTIO_NET_HDR_LEGACY_LEN;
	if (virtnet_has(hw, VIRTIO_NET_F_HASH_REPORT))
		hw->hdr_size = sizeof(struct virtio_net_hdr_v1_hash);
	return 0;
}

int
virtnet_device_driver_ok(struct virtnet_dev *hw)
{
	void *t = hw->tp.priv;

	return hw->tp.ops->set_status(t, hw->tp.ops->get_status(t) |
		VIRTIO_CONFIG_S_DRIVER_OK);
}

int
virtnet_device_reset(struct virtnet_dev *hw)
{
	return hw->tp.ops->reset(hw->tp.priv);
}

bool
virtnet_device_link(struct virtnet_dev *hw)
{
	struct virtio_net_config cfg;
	uint16_t status = VIRTIO_NET_S_LINK_UP;

	if (!hw->tp.ops->alive(hw->tp.priv))
		return false;
	if (virtnet_has(hw, VIRTIO_NET_F_SPEED_DUPLEX) && !hw->speed_fixed &&
	    virtnet_read_config(hw, 0, &cfg, sizeof(cfg)) == 0)
		virtnet_learn_speed(hw, &cfg);
	if (virtnet_has(hw, VIRTIO_NET_F_STATUS))
		virtnet_read_config(hw, offsetof(struct virtio_net_config,
			status), &status, sizeof(status));
	return !!(status & VIRTIO_NET_S_LINK_UP);
}
