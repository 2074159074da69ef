/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include "virtnet_device.h"
#include "virtnet_log.h"
#include "virtnet_qctl.h"
#include "virtnet_queue.h"
#include "virtnet_rxtx.h"

static bool *
virtnet_qctl_flag(const struct rte_eth_dev *dev, bool rx, uint16_t qid)
{
	if (rx)
		return &((struct virtnet_rxq *)dev->data->rx_queues[qid])->app_stopped;
	return &((struct virtnet_txq *)dev->data->tx_queues[qid])->app_stopped;
}

bool
virtnet_qctl_stopped(const struct rte_eth_dev *dev, bool rx, uint16_t qid)
{
	void *q = rx ? dev->data->rx_queues[qid] : dev->data->tx_queues[qid];

	return q != NULL && *virtnet_qctl_flag(dev, rx, qid);
}

/* Whether the device can stop one queue: reset it, or pause its ring. */
static bool
virtnet_qctl_can(const struct virtnet_dev *hw, bool usable)
{
	return (usable ? virtnet_usable(hw, VIRTIO_F_RING_RESET) :
		virtnet_has(hw, VIRTIO_F_RING_RESET)) || hw->tp.ops->queue_pause;
}

int
virtnet_qctl_port_start(struct rte_eth_dev *dev)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_rxq *rxq;
	struct virtnet_txq *txq;
	bool deferred = false;
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		rxq = dev->data->rx_queues[i];
		if (rxq != NULL)
			deferred |= rxq->app_stopped = rxq->deferred;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		txq = dev->data->tx_queues[i];
		if (txq != NULL)
			deferred |= txq->app_stopped = txq->deferred;
	}
	if (!deferred || virtnet_qctl_can(hw, true))
		return 0;
	VIRTNET_LOG(ERR, "port %u: deferred queue start needs a device that resets queues alone (VIRTIO_F_RING_RESET) or a transport that pauses rings (virtio-user)",
		dev->data->port_id);
	return -ENOTSUP;
}

/*
 * Ring and queue state follow the app's wish; the state is ethdev's.
 * Without RING_RESET a paused ring keeps its buffers (virtio-user).
 */
static int
virtnet_qctl_set(struct rte_eth_dev *dev, bool rx, uint16_t qid, bool stop)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	int ret;

	if (!virtnet_has(hw, VIRTIO_F_RING_RESET) && !hw->tp.ops->queue_pause)
		ret = -ENOTSUP;
	else if (!virtnet_has(hw, VIRTIO_F_RING_RESET))
		ret = virtnet_queue_ring_pause(dev, rx, qid, stop);
	else if (stop)
		ret = virtnet_queue_ring_stop(dev, rx, qid);
	else
		ret = virtnet_queue_ring_start(dev, rx, qid);
	uint8_t state = stop ? RTE_ETH_QUEUE_STATE_STOPPED :
		RTE_ETH_QUEUE_STATE_STARTED;

	if (ret < 0)
		return ret;
	if (rx)
		dev->data->rx_queue_state[qid] = state;
	else
		dev->data->tx_queue_state[qid] = state;
	return 0;
}

/* A queue the device would not stop runs, and says so. */
static void
virtnet_qctl_apply_one(struct rte_eth_dev *dev, bool rx, uint16_t qid)
{
	if (!virtnet_qctl_stopped(dev, rx, qid) ||
	    virtnet_qctl_set(dev, rx, qid, true) == 0)
		return;
	VIRTNET_LOG(ERR, "port %u: %s queue %u could not be kept stopped; it runs",
		dev->data->port_id, rx ? "Rx" : "Tx", qid);
	*virtnet_qctl_flag(dev, rx, qid) = false;
	virtnet_queue_unhold(dev, rx, qid);
	if (rx)
		dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	else
		dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
}

void
virtnet_qctl_apply(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		virtnet_qctl_apply_one(dev, true, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		virtnet_qctl_apply_one(dev, false, i);
}

/*
 * A port without a running device (recovering) records the wish, which
 * its next bring-up applies (virtnet_qctl_apply()).
 */
static int
virtnet_qctl_op(struct rte_eth_dev *dev, bool rx, uint16_t qid, bool stop)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret = 0;

	pthread_mutex_lock(&hw->lock);
	if (!virtnet_qctl_can(hw, false)) {
		VIRTNET_LOG(ERR, "port %u: %s queue %u %s: the device cannot reset a queue alone (no VIRTIO_F_RING_RESET%s); stop the port instead",
			dev->data->port_id, rx ? "Rx" : "Tx", qid,
			stop ? "stop" : "start",
			hw->tp.ops->legacy ? ", legacy interface" : "");
		ret = -ENOTSUP;
	} else if (hw->started) {
		ret = virtnet_qctl_set(dev, rx, qid, stop);
	} else if (rx) {
		dev->data->rx_queue_state[qid] = stop ?
			RTE_ETH_QUEUE_STATE_STOPPED : RTE_ETH_QUEUE_STATE_STARTED;
	} else {
		dev->data->tx_queue_state[qid] = stop ?
			RTE_ETH_QUEUE_STATE_STOPPED : RTE_ETH_QUEUE_STATE_STARTED;
	}
	if (ret == 0)
		*virtnet_qctl_flag(dev, rx, qid) = stop;
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

int
virtnet_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return virtnet_qctl_op(dev, true, qid, false);
}

int
virtnet_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return virtnet_qctl_op(dev, true, qid, true);
}

int
virtnet_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return virtnet_qctl_op(dev, false, qid, false);
}

int
virtnet_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return virtnet_qctl_op(dev, false, qid, true);
}
