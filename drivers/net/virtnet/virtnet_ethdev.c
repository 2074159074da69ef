/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/* ethdev operations common to every transport. */

#include <rte_malloc.h>

#include "virtnet_ethdev.h"
#include "virtnet_log.h"

RTE_LOG_REGISTER_SUFFIX(virtnet_logtype_init, init, NOTICE);
RTE_LOG_REGISTER_SUFFIX(virtnet_logtype_driver, driver, NOTICE);

static const struct eth_dev_ops virtnet_eth_dev_ops;

static int
virtnet_read_config(struct rte_eth_dev *dev, size_t off, void *dst, size_t len)
{
	const struct virtnet_proc *p = virtnet_proc(dev);

	return p->ops->read_config(p->tp, off, dst, len);
}

/* Reset, then ACKNOWLEDGE, DRIVER, features, FEATURES_OK (3.1.1). */
/*
 * Offload features are negotiated only for offloads the app enabled: a
 * device told GUEST_TSO may send 64 KiB frames, one told CSUM may expect
 * partial sums.
 */
static uint64_t
virtnet_offload_features(const struct rte_eth_conf *conf)
{
	uint64_t rx = conf->rxmode.offloads, tx = conf->txmode.offloads;
	uint64_t f = ~(VIRTNET_RX_OFFLOAD_FEATURES | VIRTNET_TX_OFFLOAD_FEATURES);

	if (rx & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
			RTE_ETH_RX_OFFLOAD_TCP_LRO))
		f |= 1ULL << VIRTIO_NET_F_GUEST_CSUM;
	if (rx & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		f |= (1ULL << VIRTIO_NET_F_GUEST_TSO4) |
			(1ULL << VIRTIO_NET_F_GUEST_TSO6) |
			(1ULL << VIRTIO_NET_F_GUEST_ECN) |
			(1ULL << VIRTIO_NET_F_GUEST_USO4) |
			(1ULL << VIRTIO_NET_F_GUEST_USO6);
	if (tx & (RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
			RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_UDP_TSO))
		f |= 1ULL << VIRTIO_NET_F_CSUM;
	if (tx & RTE_ETH_TX_OFFLOAD_TCP_TSO)
		f |= (1ULL << VIRTIO_NET_F_HOST_TSO4) |
			(1ULL << VIRTIO_NET_F_HOST_TSO6) |
			(1ULL << VIRTIO_NET_F_HOST_ECN);
	if (tx & RTE_ETH_TX_OFFLOAD_UDP_TSO)
		f |= 1ULL << VIRTIO_NET_F_HOST_USO;
	return f;
}

int
virtnet_negotiate(struct rte_eth_dev *dev)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	struct virtnet_dev *hw = dev->data->dev_private;
	uint8_t st = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	int ret;

	p->ops->reset(p->tp);
	ret = p->ops->set_status(p->tp, st);
	if (ret < 0)
		return ret;
	hw->dev_features = p->ops->get_features(p->tp);
	if (!p->ops->legacy &&
	    !((hw->dev_features >> VIRTIO_F_VERSION_1) & 1)) {
		VIRTNET_LOG(ERR, "port %u: device is not virtio 1.x (features 0x%" PRIx64 ") and its transport has no legacy interface",
			dev->data->port_id, hw->dev_features);
		return -ENOTSUP;
	}
	hw->features = hw->dev_features &
		(VIRTNET_DRIVER_FEATURES | p->ops->features) &
		~hw->features_off & virtnet_offload_features(&dev->data->dev_conf);
	ret = p->ops->set_features(p->tp, hw->features);
	if (ret == 0)
		ret = p->ops->set_status(p->tp, st | VIRTIO_CONFIG_S_FEATURES_OK);
	if (ret == 0 &&
	    !(p->ops->get_status(p->tp) & VIRTIO_CONFIG_S_FEATURES_OK))
		ret = -EIO;
	if (ret < 0) {
		VIRTNET_LOG(ERR, "port %u: device refused features 0x%" PRIx64,
			dev->data->port_id, hw->features);
		return ret;
	}
	/* VERSION_1 headers always carry num_buffers; legacy ones with MRG. */
	hw->hdr_size = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	if (!virtnet_has(hw, VIRTIO_F_VERSION_1) &&
	    !virtnet_has(hw, VIRTIO_NET_F_MRG_RXBUF))
		hw->hdr_size = VIRTIO_NET_HDR_LEGACY_LEN;
	return 0;
}

/* Without MQ the device has exactly one pair, whatever config says. */
static void
virtnet_read_queue_pairs(struct rte_eth_dev *dev,
		const struct virtio_net_config *cfg)
{
	struct virtnet_dev *hw = dev->data->dev_private;
	uint16_t n = cfg->max_virtqueue_pairs;

	hw->max_queue_pairs = 1;
	if (!virtnet_has(hw, VIRTIO_NET_F_MQ) || !virtnet_has(hw, VIRTIO_NET_F_CTRL_VQ))
		return;
	if (n < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || n > VIRTNET_MAX_QUEUE_PAIRS)
		VIRTNET_LOG(WARNING, "port %u: device says %u queue pairs; using %u",
			dev->data->port_id, n,
			RTE_MAX(1, RTE_MIN(n, VIRTNET_MAX_QUEUE_PAIRS)));
	hw->max_queue_pairs = RTE_MAX(1, RTE_MIN(n, VIRTNET_MAX_QUEUE_PAIRS));
}

static void
virtnet_read_limits(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = dev->data->dev_private;
	uint16_t mtu = 0;

	hw->max_mtu = VIRTNET_MAX_RX_PKTLEN - VIRTNET_ETH_OVERHEAD;
	if (virtnet_has(hw, VIRTIO_NET_F_MTU) &&
	    virtnet_read_config(dev, offsetof(struct virtio_net_config, mtu),
			&mtu, sizeof(mtu)) == 0 && mtu >= RTE_ETHER_MIN_MTU)
		hw->max_mtu = RTE_MIN(mtu, hw->max_mtu);
}

static void
virtnet_link_set(struct rte_eth_dev *dev, bool up)
{
	struct virtnet_dev *hw = dev->data->dev_private;
	struct rte_eth_link link = {
		.link_speed = hw->speed,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	rte_eth_linkstatus_set(dev, &link);
}

static int
virtnet_link_update(struct rte_eth_dev *dev, int wait __rte_unused)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	struct virtnet_dev *hw = dev->data->dev_private;
	uint16_t status = VIRTIO_NET_S_LINK_UP;
	bool up;

	if (virtnet_has(hw, VIRTIO_NET_F_STATUS))
		virtnet_read_config(dev, offsetof(struct virtio_net_config, status),
			&status, sizeof(status));
	up = hw->started && p->ops->alive(p->tp) &&
		(status & VIRTIO_NET_S_LINK_UP);
	virtnet_link_set(dev, up);
	return 0;
}

void
virtnet_dev_event(void *arg, enum virtnet_event ev)
{
	struct rte_eth_dev *dev = arg;
	struct virtnet_dev *hw = dev->data->dev_private;

	if (ev == VIRTNET_EVENT_LOST) {
		hw->dp_off = 1;
		VIRTNET_LOG(ERR, "port %u: device lost, link down",
			dev->data->port_id);
	}
	virtnet_link_update(dev, 0);
	if (dev->data->dev_conf.intr_conf.lsc)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

static int
virtnet_dev_configure(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = dev->data->dev_private;
	const struct rte_eth_conf *conf = &dev->data->dev_conf;

	if (dev->data->nb_rx_queues > hw->max_queue_pairs ||
	    dev->data->nb_tx_queues > hw->max_queue_pairs) {
		VIRTNET_LOG(ERR, "port %u: %u rx / %u tx queues asked, device has %u pairs",
			dev->data->port_id, dev->data->nb_rx_queues,
			dev->data->nb_tx_queues, hw->max_queue_pairs);
		return -EINVAL;
	}
	if (conf->rxmode.mq_mode != RTE_ETH_MQ_RX_NONE)
		VIRTNET_LOG(NOTICE, "port %u: Rx mq_mode %d not supported yet, ignored",
			dev->data->port_id, conf->rxmode.mq_mode);
	return 0;
}

static bool
virtnet_offers(const struct virtnet_dev *hw, unsigned int bit)
{
	return (hw->dev_features >> bit) & 1;
}

/* What the device can do, whether or not negotiated yet. */
static uint64_t
virtnet_rx_offload_capa(const struct virtnet_dev *hw)
{
	uint64_t capa = RTE_ETH_RX_OFFLOAD_SCATTER |
		RTE_ETH_RX_OFFLOAD_VLAN_STRIP;

	if (virtnet_offers(hw, VIRTIO_NET_F_GUEST_CSUM))
		capa |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
			RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	if (virtnet_offers(hw, VIRTIO_NET_F_GUEST_TSO4) ||
	    virtnet_offers(hw, VIRTIO_NET_F_GUEST_TSO6))
		capa |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
	return capa;
}

static uint64_t
virtnet_tx_offload_capa(const struct virtnet_dev *hw)
{
	uint64_t capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
		RTE_ETH_TX_OFFLOAD_VLAN_INSERT;

	if (virtnet_offers(hw, VIRTIO_NET_F_CSUM)) {
		capa |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		if (virtnet_offers(hw, VIRTIO_NET_F_HOST_TSO4) ||
		    virtnet_offers(hw, VIRTIO_NET_F_HOST_TSO6))
			capa |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
		if (virtnet_offers(hw, VIRTIO_NET_F_HOST_USO))
			capa |= RTE_ETH_TX_OFFLOAD_UDP_TSO;
	}
	return capa;
}

/* VLAN strip is done in software: it can change while running. */
static int
virtnet_vlan_offload_set(struct rte_eth_dev *dev, int mask)
{
	uint64_t rx = dev->data->dev_conf.rxmode.offloads;
	uint16_t i;

	if (mask & (RTE_ETH_VLAN_FILTER_MASK | RTE_ETH_VLAN_EXTEND_MASK |
			RTE_ETH_QINQ_STRIP_MASK) &&
	    rx & (RTE_ETH_RX_OFFLOAD_VLAN_FILTER |
			RTE_ETH_RX_OFFLOAD_VLAN_EXTEND |
			RTE_ETH_RX_OFFLOAD_QINQ_STRIP))
		return -ENOTSUP;
	if (!(mask & RTE_ETH_VLAN_STRIP_MASK))
		return 0;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct virtnet_rxq *rxq = dev->data->rx_queues[i];

		if (rxq != NULL)
			rxq->vlan_strip = !!(rx & RTE_ETH_RX_OFFLOAD_VLAN_STRIP);
	}
	return 0;
}

static int
virtnet_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct virtnet_dev *hw = dev->data->dev_private;

	info->max_rx_queues = hw->max_queue_pairs;
	info->max_tx_queues = hw->max_queue_pairs;
	info->min_rx_bufsize = VIRTNET_MIN_RX_BUFSIZE;
	info->max_rx_pktlen = hw->max_mtu + VIRTNET_ETH_OVERHEAD;
	info->max_mtu = hw->max_mtu;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mac_addrs = 1;
	info->rx_offload_capa = virtnet_rx_offload_capa(hw);
	info->tx_offload_capa = virtnet_tx_offload_capa(hw);
	info->max_lro_pkt_size = VIRTNET_MAX_LRO_PKTLEN;
	info->rx_desc_lim.nb_max = VIRTNET_VQ_MAX_SIZE;
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->tx_desc_lim.nb_seg_max = VIRTNET_TX_MAX_SEGS;
	info->tx_desc_lim.nb_mtu_seg_max = VIRTNET_TX_MAX_SEGS;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	return 0;
}

static int
virtnet_select_bursts(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = dev->data->dev_private;

	hw->rx_path = virtnet_path_select(virtnet_rx_paths, hw->features);
	hw->tx_path = virtnet_path_select(virtnet_tx_paths, hw->features);
	if (hw->rx_path == NULL || hw->tx_path == NULL) {
		VIRTNET_LOG(ERR, "port %u: no Rx/Tx path serves features 0x%" PRIx64,
			dev->data->port_id, hw->features);
		return -ENOTSUP;
	}
	dev->rx_pkt_burst = hw->rx_path->rx;
	dev->tx_pkt_burst = hw->tx_path->tx;
	VIRTNET_LOG(INFO, "port %u: Rx path \"%s\", Tx path \"%s\" (features 0x%" PRIx64 ")",
		dev->data->port_id, hw->rx_path->name, hw->tx_path->name,
		hw->features);
	if (hw->vector_asked)
		VIRTNET_LOG(NOTICE, "port %u: vectorized=1 asked, but virtnet has no vector path yet: scalar paths chosen",
			dev->data->port_id);
	return 0;
}

static int
virtnet_burst_mode_get(const struct virtnet_path *path,
		struct rte_eth_burst_mode *mode)
{
	if (path == NULL)
		return -EINVAL;
	snprintf(mode->info, sizeof(mode->info), "%s", path->name);
	return 0;
}

static int
virtnet_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	const struct virtnet_dev *hw = dev->data->dev_private;

	return virtnet_burst_mode_get(hw->rx_path, mode);
}

static int
virtnet_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	const struct virtnet_dev *hw = dev->data->dev_private;

	return virtnet_burst_mode_get(hw->tx_path, mode);
}

static void
virtnet_kick_rx(struct rte_eth_dev *dev)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct virtnet_rxq *rxq = dev->data->rx_queues[i];

		virtnet_notify(p, rxq->vq, rxq->vq->mode);
	}
}

/* Apps (testpmd among them) skip queues whose state reads stopped. */
static void
virtnet_queue_states_set(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = state;
}

static void
virtnet_dev_halt(struct rte_eth_dev *dev)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	struct virtnet_dev *hw = dev->data->dev_private;

	hw->dp_off = 1;
	virtnet_queues_log_state(dev);
	/* After reset the device touches no ring: buffers can go. */
	p->ops->reset(p->tp);
	virtnet_queues_stop(dev);
	hw->started = false;
	virtnet_queue_states_set(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	virtnet_link_set(dev, false);
}

/* With MQ the device serves as many pairs as the app configured. */
static int
virtnet_set_queue_pairs(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = dev->data->dev_private;
	uint16_t pairs = RTE_MAX(dev->data->nb_rx_queues,
		dev->data->nb_tx_queues);
	int ret;

	if (!virtnet_has(hw, VIRTIO_NET_F_MQ))
		return 0;
	ret = virtnet_ctrl_send(dev, VIRTIO_NET_CTRL_MQ,
		VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, sizeof(pairs));
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: device refused %u queue pairs: %s",
			dev->data->port_id, pairs, rte_strerror(-ret));
	return ret;
}

static int
virtnet_dev_start(struct rte_eth_dev *dev)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	struct virtnet_dev *hw = dev->data->dev_private;
	uint8_t st;
	int ret;

	ret = virtnet_negotiate(dev);
	if (ret == 0)
		ret = virtnet_select_bursts(dev);
	if (ret == 0)
		ret = virtnet_queues_start(dev);
	if (ret == 0)
		ret = virtnet_ctrl_attach(dev);
	if (ret == 0) {
		st = p->ops->get_status(p->tp) | VIRTIO_CONFIG_S_DRIVER_OK;
		ret = p->ops->set_status(p->tp, st);
	}
	hw->started = ret == 0;
	if (ret == 0)
		ret = virtnet_set_queue_pairs(dev);
	if (ret < 0) {
		VIRTNET_LOG(ERR, "port %u: start failed: %s", dev->data->port_id,
			rte_strerror(-ret));
		virtnet_dev_halt(dev);
		return ret;
	}
	hw->dp_off = 0;
	virtnet_queue_states_set(dev, RTE_ETH_QUEUE_STATE_STARTED);
	virtnet_kick_rx(dev);
	virtnet_link_update(dev, 0);
	return 0;
}

static int
virtnet_dev_stop(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = dev->data->dev_private;

	if (!hw->started && !dev->data->dev_started)
		return 0;
	virtnet_dev_halt(dev);
	return 0;
}

static int
virtnet_dev_close(struct rte_eth_dev *dev)
{
	struct virtnet_proc *p = virtnet_proc(dev);
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	virtnet_dev_stop(dev);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		virtnet_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		virtnet_tx_queue_release(dev, i);
	virtnet_ctrl_destroy(dev);
	if (p != NULL) {
		p->ops->close(p->tp);
		rte_free(p);
		dev->process_private = NULL;
	}
	return 0;
}

static int
virtnet_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct virtnet_rxq *q = dev->data->rx_queues[i];

		if (q == NULL)
			continue;
		st->ipackets += q->stats.packets;
		st->ibytes += q->stats.bytes;
		st->ierrors += q->stats.errors + q->vq->err.bad_id +
			q->vq->err.bad_len + q->vq->err.bad_used_idx;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[i] = q->stats.packets;
			st->q_ibytes[i] = q->stats.bytes;
			st->q_errors[i] = q->stats.errors;
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct virtnet_txq *q = dev->data->tx_queues[i];

		if (q == NULL)
			continue;
		st->opackets += q->stats.packets;
		st->obytes += q->stats.bytes;
		st->oerrors += q->stats.errors + q->vq->err.bad_id +
			q->vq->err.bad_len + q->vq->err.bad_used_idx;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[i] = q->stats.packets;
			st->q_obytes[i] = q->stats.bytes;
		}
	}
	return 0;
}

static int
virtnet_stats_reset(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct virtnet_rxq *q = dev->data->rx_queues[i];

		if (q != NULL) {
			memset(&q->stats, 0, sizeof(q->stats));
			memset(&q->vq->err, 0, sizeof(q->vq->err));
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct virtnet_txq *q = dev->data->tx_queues[i];

		if (q != NULL) {
			memset(&q->stats, 0, sizeof(q->stats));
			memset(&q->vq->err, 0, sizeof(q->vq->err));
		}
	}
	dev->data->rx_mbuf_alloc_failed = 0;
	return 0;
}

static int
virtnet_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct virtnet_dev *hw = dev->data->dev_private;

	if (mtu < RTE_ETHER_MIN_MTU || mtu > hw->max_mtu) {
		VIRTNET_LOG(ERR, "port %u: MTU %u outside %u..%u",
			dev->data->port_id, mtu, RTE_ETHER_MIN_MTU, hw->max_mtu);
		return -EINVAL;
	}
	return 0;
}

static int
virtnet_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *mac)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	int ret;

	/* Without CTRL_MAC_ADDR the legacy way: write the config space. */
	ret = p->ops->write_config(p->tp, offsetof(struct virtio_net_config, mac),
		mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: device does not take a new MAC",
			dev->data->port_id);
	return ret;
}

/* nb_desc is what the ring really holds: the device's size. */
static void
virtnet_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_rxq_info *qinfo)
{
	const struct virtnet_rxq *rxq = dev->data->rx_queues[qid];

	qinfo->mp = rxq->mp;
	qinfo->nb_desc = rxq->vq->size;
	qinfo->scattered_rx = virtnet_has(rxq->hw, VIRTIO_NET_F_MRG_RXBUF);
	qinfo->rx_buf_size = rte_pktmbuf_data_room_size(rxq->mp) -
		RTE_PKTMBUF_HEADROOM;
}

static void
virtnet_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_txq_info *qinfo)
{
	const struct virtnet_txq *txq = dev->data->tx_queues[qid];

	qinfo->nb_desc = txq->vq->size;
}

/*
 * Rx modes go through the control queue (CTRL_RX). A stopped port takes
 * the setting: ethdev replays it after dev_start.
 */
static int
virtnet_rx_mode(struct rte_eth_dev *dev, uint8_t cmd, uint8_t on)
{
	const struct virtnet_dev *hw = dev->data->dev_private;

	if (!((hw->dev_features >> VIRTIO_NET_F_CTRL_RX) & 1))
		return -ENOTSUP;
	if (!hw->started)
		return 0;
	return virtnet_ctrl_send(dev, VIRTIO_NET_CTRL_RX, cmd, &on, sizeof(on));
}

static int
virtnet_promiscuous_enable(struct rte_eth_dev *dev)
{
	return virtnet_rx_mode(dev, VIRTIO_NET_CTRL_RX_PROMISC, 1);
}

static int
virtnet_promiscuous_disable(struct rte_eth_dev *dev)
{
	return virtnet_rx_mode(dev, VIRTIO_NET_CTRL_RX_PROMISC, 0);
}

static int
virtnet_allmulticast_enable(struct rte_eth_dev *dev)
{
	return virtnet_rx_mode(dev, VIRTIO_NET_CTRL_RX_ALLMULTI, 1);
}

static int
virtnet_allmulticast_disable(struct rte_eth_dev *dev)
{
	return virtnet_rx_mode(dev, VIRTIO_NET_CTRL_RX_ALLMULTI, 0);
}

static const struct eth_dev_ops virtnet_eth_dev_ops = {
	.dev_configure = virtnet_dev_configure,
	.dev_infos_get = virtnet_dev_infos_get,
	.dev_start = virtnet_dev_start,
	.dev_stop = virtnet_dev_stop,
	.dev_close = virtnet_dev_close,
	.rx_queue_setup = virtnet_rx_queue_setup,
	.rx_queue_release = virtnet_rx_queue_release,
	.tx_queue_setup = virtnet_tx_queue_setup,
	.tx_queue_release = virtnet_tx_queue_release,
	.link_update = virtnet_link_update,
	.stats_get = virtnet_stats_get,
	.stats_reset = virtnet_stats_reset,
	.mtu_set = virtnet_mtu_set,
	.vlan_offload_set = virtnet_vlan_offload_set,
	.rxq_info_get = virtnet_rxq_info_get,
	.txq_info_get = virtnet_txq_info_get,
	.rx_burst_mode_get = virtnet_rx_burst_mode_get,
	.tx_burst_mode_get = virtnet_tx_burst_mode_get,
	.mac_addr_set = virtnet_mac_addr_set,
	.promiscuous_enable = virtnet_promiscuous_enable,
	.promiscuous_disable = virtnet_promiscuous_disable,
	.allmulticast_enable = virtnet_allmulticast_enable,
	.allmulticast_disable = virtnet_allmulticast_disable,
};

/* Learn the device: features, MAC, queue pairs, MTU. Leaves it reset. */
int
virtnet_dev_init(struct rte_eth_dev *dev)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	struct virtnet_dev *hw = dev->data->dev_private;
	struct virtio_net_config cfg;
	int ret;

	hw->port_id = dev->data->port_id;
	hw->dp_off = 1;
	dev->dev_ops = &virtnet_eth_dev_ops;
	dev->rx_pkt_burst = rte_eth_pkt_burst_dummy;
	dev->tx_pkt_burst = rte_eth_pkt_burst_dummy;
	dev->tx_pkt_prepare = virtnet_tx_prepare;
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC |
		RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	ret = virtnet_negotiate(dev);
	if (ret < 0)
		return ret;
	memset(&cfg, 0, sizeof(cfg));
	ret = virtnet_read_config(dev, 0, &cfg, sizeof(cfg));
	if (ret < 0)
		return ret;
	dev->data->mac_addrs = rte_zmalloc("virtnet_mac", RTE_ETHER_ADDR_LEN, 0);
	if (dev->data->mac_addrs == NULL)
		return -ENOMEM;
	memcpy(dev->data->mac_addrs, cfg.mac, RTE_ETHER_ADDR_LEN);
	virtnet_read_queue_pairs(dev, &cfg);
	virtnet_read_limits(dev);
	ret = virtnet_ctrl_create(dev);
	if (ret < 0)
		return ret;
	if (hw->speed == 0)
		hw->speed = RTE_ETH_SPEED_NUM_UNKNOWN;
	p->ops->reset(p->tp);
	virtnet_link_set(dev, false);
	return 0;
}

/* Probe failed after the transport was taken: give back all of it. */
void
virtnet_dev_abandon(struct rte_eth_dev *dev)
{
	struct virtnet_proc *p = dev->process_private;

	if (p != NULL) {
		p->ops->close(p->tp);
		rte_free(p);
		dev->process_private = NULL;
	}
	rte_eth_dev_release_port(dev);
}

int
virtnet_dev_remove(const char *name)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(name);

	if (dev == NULL)
		return 0;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return rte_eth_dev_release_port(dev);
	/* ethdev refuses to close a started port; removal must not fail. */
	if (dev->data->dev_started)
		rte_eth_dev_stop(dev->data->port_id);
	return rte_eth_dev_close(dev->data->port_id);
}
