/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include <rte_interrupts.h>

#include "virtnet_device.h"
#include "virtnet_log.h"
#include "virtnet_rxintr.h"
#include "virtnet_rxtx.h"
#include "virtnet_vq.h"

/* The virtqueue index of Rx queue @p q (virtio 5.1.2). */
#define RXQ_VQ(q)	((uint16_t)((q) * 2))

int
virtnet_rxintr_check(struct rte_eth_dev *dev)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	const struct virtnet_transport_ops *ops = hw->tp.ops;

	if (!dev->data->dev_conf.intr_conf.rxq)
		return 0;
	if (ops->queue_intr_fd == NULL) {
		VIRTNET_LOG(ERR, "port %u: Rx interrupts (intr_conf.rxq) are not available on this transport",
			dev->data->port_id);
		return -ENOTSUP;
	}
	if (ops->rx_intr_check != NULL &&
	    ops->rx_intr_check(hw->tp.priv, dev->data->nb_rx_queues) < 0) {
		VIRTNET_LOG(ERR, "port %u: no Rx interrupts (intr_conf.rxq) for %u queues",
			dev->data->port_id, dev->data->nb_rx_queues);
		return -ENOTSUP;
	}
	return 0;
}

int
virtnet_rxintr_prepare(struct rte_eth_dev *dev)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	uint16_t n = dev->data->dev_conf.intr_conf.rxq ?
		dev->data->nb_rx_queues : 0;

	if (hw->tp.ops->rx_intr_setup == NULL)
		return 0;
	return hw->tp.ops->rx_intr_setup(hw->tp.priv, n);
}

void
virtnet_rxintr_free(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	if (hw->rx_intr == NULL)
		return;
	if (dev->intr_handle == hw->rx_intr)
		dev->intr_handle = NULL;
	rte_intr_vec_list_free(hw->rx_intr);
	rte_intr_instance_free(hw->rx_intr);
	hw->rx_intr = NULL;
}

/*
 * The handle stays (an app thread may be reading it); its eventfds go
 * with the rings, so it names none until the next start.
 */
void
virtnet_rxintr_stop(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int i, n;

	if (hw->rx_intr == NULL)
		return;
	n = rte_intr_nb_efd_get(hw->rx_intr);
	for (i = 0; i < n; i++)
		rte_intr_efds_index_set(hw->rx_intr, i, -1);
}

/* The handle as EAL's rx_ctl reads it for a virtual device. */
static int
virtnet_rxintr_fill(struct rte_eth_dev *dev, struct rte_intr_handle *h)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	uint16_t n = dev->data->nb_rx_queues, i;
	int fd;

	/* A restart with as many queues keeps the list an app may read. */
	if (rte_intr_nb_efd_get(h) != n)
		rte_intr_vec_list_free(h);
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) != 0 ||
	    rte_intr_nb_efd_set(h, n) != 0 ||
	    rte_intr_max_intr_set(h, n + 1) != 0 ||
	    rte_intr_efd_counter_size_set(h, sizeof(uint64_t)) != 0 ||
	    rte_intr_vec_list_alloc(h, "virtnet_rxintr", n) != 0)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		fd = hw->tp.ops->queue_intr_fd(hw->tp.priv, RXQ_VQ(i));
		if (fd < 0)
			return fd;
		if (rte_intr_efds_index_set(h, i, fd) != 0 ||
		    rte_intr_vec_list_index_set(h, i,
			RTE_INTR_VEC_RXTX_OFFSET + i) != 0)
			return -EINVAL;
	}
	return 0;
}

int
virtnet_rxintr_start(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret;

	if (!dev->data->dev_conf.intr_conf.rxq) {
		virtnet_rxintr_stop(dev);
		if (dev->intr_handle == hw->rx_intr)
			dev->intr_handle = NULL;
		return 0;
	}
	ret = virtnet_rxintr_check(dev);
	if (ret < 0)
		return ret;
	/* The bus's handle carries the vectors (virtnet_rxintr_prepare()). */
	if (hw->tp.ops->rx_intr_setup != NULL)
		return 0;
	if (hw->rx_intr == NULL)
		hw->rx_intr = rte_intr_instance_alloc(
			RTE_INTR_INSTANCE_F_PRIVATE);
	if (hw->rx_intr == NULL)
		return -ENOMEM;
	ret = virtnet_rxintr_fill(dev, hw->rx_intr);
	if (ret < 0) {
		VIRTNET_LOG(ERR, "port %u: no Rx interrupt handle: %s",
			dev->data->port_id, rte_strerror(-ret));
		virtnet_rxintr_stop(dev);
		return ret;
	}
	dev->intr_handle = hw->rx_intr;
	return 0;
}

/* The queue, its ring running; the burst guard held. NULL: stopped. */
static struct virtnet_rxq *
virtnet_rxintr_queue(struct rte_eth_dev *dev, uint16_t qid)
{
	struct virtnet_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL || !virtnet_burst_enter(&rxq->guard))
		return NULL;
	if (rxq->vq == NULL || virtnet_vq_broken(rxq->vq)) {
		virtnet_burst_leave(&rxq->guard);
		return NULL;
	}
	return rxq;
}

/*
 * The classic race: a frame used between the app's last empty burst and
 * this call raised no interrupt (they were off). The device sees the
 * enable before the ring is read again (full barrier); whatever is there
 * then is signalled here, on the same eventfd, so the app does not sleep
 * on it.
 */
int
virtnet_rx_queue_intr_enable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_rxq *rxq = virtnet_rxintr_queue(dev, qid);
	uint64_t one = 1;
	int fd;

	if (rxq == NULL)
		return -EAGAIN;
	virtnet_vq_enable_intr(rxq->vq);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (virtnet_vq_done_count(rxq->vq) > 0) {
		fd = hw->tp.ops->queue_intr_fd(hw->tp.priv, RXQ_VQ(qid));
		if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
			VIRTNET_LOG(DEBUG, "port %u: Rx queue %u: eventfd: %s",
				dev->data->port_id, qid, strerror(errno));
	}
	virtnet_burst_leave(&rxq->guard);
	return 0;
}

int
virtnet_rx_queue_intr_disable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct virtnet_rxq *rxq = virtnet_rxintr_queue(dev, qid);

	if (rxq == NULL)
		return -EAGAIN;
	virtnet_vq_disable_intr(rxq->vq);
	virtnet_burst_leave(&rxq->guard);
	return 0;
}
