/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <errno.h>

#include <rte_power_intrinsics.h>

#include "virtnet_qstatus.h"
#include "virtnet_rxtx.h"
#include "virtnet_vq.h"

/*
 * The queries take the burst guard as a burst does: a port the control
 * path halts (stop, reconnect) frees its rings, and a query must not read
 * them meanwhile. A halted or stopped queue has nothing in flight.
 */

/* Buffers posted to an Rx ring: big-packet buffers are chains. */
static uint16_t
virtnet_rx_posted(const struct virtnet_rxq *rxq)
{
	const struct virtnet_vq *vq = rxq->vq;

	return (vq->size - vq->num_free) / RTE_MAX(rxq->big_bufs, 1);
}

uint32_t
virtnet_rx_queue_count(void *q)
{
	struct virtnet_rxq *rxq = q;
	uint32_t n = 0;

	if (!virtnet_burst_enter(&rxq->guard))
		return 0;
	if (rxq->vq != NULL)
		n = virtnet_vq_done_count(rxq->vq);
	virtnet_burst_leave(&rxq->guard);
	return n;
}

int
virtnet_rx_descriptor_status(void *q, uint16_t offset)
{
	struct virtnet_rxq *rxq = q;
	int ret = RTE_ETH_RX_DESC_UNAVAIL;
	uint16_t size;

	if (!virtnet_burst_enter(&rxq->guard))
		return offset < rxq->nb_desc ? ret : -EINVAL;
	size = rxq->vq != NULL ? rxq->vq->size : rxq->nb_desc;
	if (offset >= size)
		ret = -EINVAL;
	else if (rxq->vq == NULL)
		ret = RTE_ETH_RX_DESC_UNAVAIL;
	else if (offset < virtnet_vq_done_count(rxq->vq))
		ret = RTE_ETH_RX_DESC_DONE;
	else if (offset < virtnet_rx_posted(rxq))
		ret = RTE_ETH_RX_DESC_AVAIL;
	virtnet_burst_leave(&rxq->guard);
	return ret;
}

/*
 * From the next buffer the driver fills: first the free ones, then the
 * oldest in flight. Free, or finished by the device and not yet taken
 * back: DONE; still the device's: FULL.
 */
int
virtnet_tx_descriptor_status(void *q, uint16_t offset)
{
	struct virtnet_txq *txq = q;
	const struct virtnet_vq *vq;
	int ret = RTE_ETH_TX_DESC_DONE;

	if (!virtnet_burst_enter(&txq->guard))
		return offset < txq->nb_desc ? RTE_ETH_TX_DESC_UNAVAIL : -EINVAL;
	vq = txq->vq;
	if (vq == NULL)
		ret = offset < txq->nb_desc ? RTE_ETH_TX_DESC_UNAVAIL : -EINVAL;
	else if (offset >= vq->size)
		ret = -EINVAL;
	else if (__atomic_load_n(&txq->inject, __ATOMIC_ACQUIRE) != NULL)
		ret = -EBUSY;	/* the control path is sending on it */
	else if (offset >= vq->num_free + virtnet_vq_done_count(vq))
		ret = RTE_ETH_TX_DESC_FULL;
	virtnet_burst_leave(&txq->guard);
	return ret;
}

int
virtnet_get_monitor_addr(void *q, struct rte_power_monitor_cond *pmc)
{
	struct virtnet_rxq *rxq = q;
	int ret = 0;

	if (!virtnet_burst_enter(&rxq->guard))
		return -EAGAIN;
	if (rxq->vq == NULL || virtnet_vq_broken(rxq->vq))
		ret = -EAGAIN;
	else
		virtnet_vq_monitor(rxq->vq, pmc);
	virtnet_burst_leave(&rxq->guard);
	return ret;
}

void
virtnet_qstatus_set(struct rte_eth_dev *dev)
{
	dev->rx_queue_count = virtnet_rx_queue_count;
	dev->rx_descriptor_status = virtnet_rx_descriptor_status;
	dev->tx_descriptor_status = virtnet_tx_descriptor_status;
}
