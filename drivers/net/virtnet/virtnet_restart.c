/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/* A restart that keeps the device: see virtnet_restart.h. */

#include "virtnet_ctrl.h"
#include "virtnet_device.h"
#include "virtnet_log.h"
#include "virtnet_queue.h"
#include "virtnet_restart.h"

uint64_t
virtnet_guest_offloads_for(uint64_t rx)
{
	uint64_t f = 0;

	if (rx & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
			RTE_ETH_RX_OFFLOAD_TCP_LRO))
		f |= 1ULL << VIRTIO_NET_F_GUEST_CSUM;
	if (rx & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		f |= (1ULL << VIRTIO_NET_F_GUEST_TSO4) |
			(1ULL << VIRTIO_NET_F_GUEST_TSO6) |
			(1ULL << VIRTIO_NET_F_GUEST_ECN) |
			(1ULL << VIRTIO_NET_F_GUEST_USO4) |
			(1ULL << VIRTIO_NET_F_GUEST_USO6);
	return f;
}

bool
virtnet_park(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret;

	if (!hw->started || hw->lost ||
	    !virtnet_has(hw, VIRTIO_F_RING_RESET) ||
	    !hw->tp.ops->alive(hw->tp.priv))
		return false;
	hw->halted = true;
	virtnet_queues_quiesce(dev);
	virtnet_queues_log_state(dev);
	ret = virtnet_queues_park(dev);
	if (ret < 0) {
		VIRTNET_LOG(WARNING, "port %u: a queue did not reset alone (%s); resetting the device",
			dev->data->port_id, rte_strerror(-ret));
		return false;
	}
	hw->started = false;
	hw->parked = true;
	hw->parked_rxqs = dev->data->nb_rx_queues;
	hw->parked_txqs = dev->data->nb_tx_queues;
	VIRTNET_LOG(INFO, "port %u: stopped; queues reset, the device keeps running",
		dev->data->port_id);
	return true;
}

bool
virtnet_resumable(const struct rte_eth_dev *dev, uint64_t want)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	uint64_t f;

	if (!hw->parked || !hw->tp.ops->alive(hw->tp.priv))
		return false;
	f = virtnet_device_features_for(hw, want);
	if (f == hw->features &&
	    dev->data->nb_rx_queues <= hw->parked_rxqs &&
	    dev->data->nb_tx_queues <= hw->parked_txqs)
		return true;
	VIRTNET_LOG(INFO, "port %u: %s changed: the device is reset",
		dev->data->port_id, f != hw->features ?
			"features (Tx offloads or ring layout)" : "queue count");
	return false;
}

int
virtnet_guest_offloads_apply(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	uint64_t want = virtnet_guest_offloads_for(
		dev->data->dev_conf.rxmode.offloads) & hw->features;
	int ret;

	if (!virtnet_has(hw, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) ||
	    want == hw->guest_offloads)
		return 0;
	ret = virtnet_ctrl_guest_offloads_set(hw->ctrl, want);
	if (ret < 0) {
		VIRTNET_LOG(WARNING, "port %u: device refused Rx offloads 0x%" PRIx64 " (GUEST_OFFLOADS_SET: %s); negotiating them as features instead",
			dev->data->port_id, want, rte_strerror(-ret));
		hw->features_off |= 1ULL << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS;
		hw->usable &= ~(1ULL << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS);
		return -EAGAIN;
	}
	VIRTNET_LOG(INFO, "port %u: device Rx offloads 0x%" PRIx64 " -> 0x%" PRIx64 " (GUEST_OFFLOADS_SET)",
		dev->data->port_id, hw->guest_offloads, want);
	hw->guest_offloads = want;
	return 0;
}
