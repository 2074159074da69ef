/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_spinlock.h>

#include "virtnet_ctrl.h"
#include "virtnet_device.h"
#include "virtnet_log.h"
#include "virtnet_queue.h"
#include "virtnet_ring.h"
#include "virtnet_burst.h"
#include "virtnet_rxtx.h"

#define VIRTNET_RXQ_IDX(q)	((uint16_t)((q) * 2))
#define VIRTNET_TXQ_IDX(q)	((uint16_t)((q) * 2 + 1))

/* Queue structs and rings are unlinked under it (virtnet_queue.h). */
static rte_spinlock_t virtnet_queues_sl = RTE_SPINLOCK_INITIALIZER;

void
virtnet_queues_lock(void)
{
	rte_spinlock_lock(&virtnet_queues_sl);
}

void
virtnet_queues_unlock(void)
{
	rte_spinlock_unlock(&virtnet_queues_sl);
}

int
virtnet_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_rxconf *conf,
		struct rte_mempool *mp)
{
	uint16_t room = rte_pktmbuf_data_room_size(mp);
	struct virtnet_rxq *rxq;

	if (room < RTE_PKTMBUF_HEADROOM + VIRTNET_MIN_RX_BUFSIZE) {
		VIRTNET_LOG(ERR, "port %u rxq %u: mbuf data room %u is below %u",
			dev->data->port_id, qid, room,
			RTE_PKTMBUF_HEADROOM + VIRTNET_MIN_RX_BUFSIZE);
		return -EINVAL;
	}
	virtnet_rx_queue_release(dev, qid);
	rxq = virtnet_private_zalloc(sizeof(*rxq));
	if (rxq == NULL)
		return -ENOMEM;
	rxq->tp = &virtnet_dev(dev)->tp;
	rxq->mp = mp;
	rxq->nombuf = &dev->data->rx_mbuf_alloc_failed;
	rxq->port_id = dev->data->port_id;
	rxq->queue_id = qid;
	rxq->nb_desc = nb_desc;
	rxq->socket = (int)socket;
	rxq->guard.halted = &virtnet_dev(dev)->halted;
	rxq->deferred = conf->rx_deferred_start;
	rxq->burst = rte_eth_pkt_burst_dummy;
	dev->data->rx_queues[qid] = rxq;
	return 0;
}

int
virtnet_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct virtnet_txq *txq;

	virtnet_tx_queue_release(dev, qid);
	txq = virtnet_private_zalloc(sizeof(*txq));
	if (txq == NULL)
		return -ENOMEM;
	txq->tp = &virtnet_dev(dev)->tp;
	txq->port_id = dev->data->port_id;
	txq->queue_id = qid;
	txq->nb_desc = nb_desc;
	txq->socket = (int)socket;
	txq->guard.halted = &virtnet_dev(dev)->halted;
	txq->deferred = conf->tx_deferred_start;
	txq->burst = rte_eth_pkt_burst_dummy;
	dev->data->tx_queues[qid] = txq;
	return 0;
}

/* What a stopped queue's guard points at: its bursts return 0. */
static const bool virtnet_queue_held = true;

/* The halted flag is up: wait for a burst still in the queue to leave. */
static void
virtnet_guard_wait(struct virtnet_burst_guard *g, uint16_t port_id,
		const char *dir, uint16_t qid)
{
	uint64_t warn = rte_get_timer_cycles() + rte_get_timer_hz();

	while (__atomic_load_n(&g->busy, __ATOMIC_ACQUIRE)) {
		/* A burst takes microseconds; a second means a stalled lcore. */
		if (warn != 0 && rte_get_timer_cycles() > warn) {
			VIRTNET_LOG(WARNING, "port %u %s %u: waiting for a burst to return",
				port_id, dir, qid);
			warn = 0;
		}
		rte_pause();
	}
}

void
virtnet_queues_quiesce(struct rte_eth_dev *dev)
{
	struct virtnet_rxq *rxq;
	struct virtnet_txq *txq;
	uint16_t i;

	/* The flag's store before the reads of busy (virtnet_burst_enter). */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		rxq = dev->data->rx_queues[i];
		if (rxq != NULL)
			virtnet_guard_wait(&rxq->guard, dev->data->port_id,
				"rxq", i);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		txq = dev->data->tx_queues[i];
		if (txq != NULL)
			virtnet_guard_wait(&txq->guard, dev->data->port_id,
				"txq", i);
	}
}

/*
 * Hold the queue as the guard holds it for a stop, but for this queue
 * only: the app's bursts on it return 0 until the packets are sent (its
 * lcore sees a full ring for microseconds). The port lock keeps stop and
 * recovery out; a rejected burst may clear busy while ours runs, which
 * only they read.
 */
uint16_t
virtnet_txq_inject(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct virtnet_txq *txq = dev->data->tx_queues[qid];
	uint16_t sent;

	if (txq == NULL || txq->vq == NULL)
		return 0;
	__atomic_store_n(&txq->inject, pkts, __ATOMIC_RELAXED);
	/* The store before the read of busy (virtnet_burst_enter). */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	virtnet_guard_wait(&txq->guard, dev->data->port_id, "txq", qid);
	sent = txq->burst(txq, pkts, n);
	__atomic_store_n(&txq->inject, NULL, __ATOMIC_RELEASE);
	return sent;
}

/* Faults of a queue: of the rings it had, and of the one it has. */
static uint64_t
virtnet_vq_errors(const struct virtnet_vq_errors *freed,
		const struct virtnet_vq *vq)
{
	return virtnet_vq_errors_sum(freed) +
		(vq == NULL ? 0 : virtnet_vq_errors_sum(&vq->err));
}

/* Every mbuf the ring still holds goes back; then the ring goes. */
static void
virtnet_vq_drop(struct virtnet_vq **vqp, struct virtnet_dma *ring,
		struct virtnet_vq_errors *errors)
{
	struct virtnet_vq *vq = *vqp;
	void *m;

	if (vq == NULL)
		return;
	while ((m = virtnet_vq_detach_unused(vq)) != NULL)
		rte_pktmbuf_free(m);
	virtnet_queues_lock();
	errors->bad_used_idx += vq->err.bad_used_idx;
	errors->bad_id += vq->err.bad_id;
	errors->bad_len += vq->err.bad_len;
	*vqp = NULL;
	virtnet_queues_unlock();
	virtnet_ring_destroy(vq, ring);
}

static void
virtnet_rxq_stop(struct virtnet_rxq *rxq)
{
	virtnet_vq_drop(&rxq->vq, &rxq->ring, &rxq->ring_errors);
}

static void
virtnet_txq_stop(struct virtnet_txq *txq)
{
	virtnet_vq_drop(&txq->vq, &txq->ring, &txq->ring_errors);
	virtnet_dma_free(&txq->slots_mem);
	txq->slots = NULL;
}

void
virtnet_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct virtnet_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL)
		return;
	virtnet_queues_strand_release(dev, true, qid);
	virtnet_rxq_stop(rxq);
	virtnet_queues_lock();
	dev->data->rx_queues[qid] = NULL;
	virtnet_queues_unlock();
	virtnet_private_free(rxq);
}

void
virtnet_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct virtnet_txq *txq = dev->data->tx_queues[qid];

	if (txq == NULL)
		return;
	virtnet_queues_strand_release(dev, false, qid);
	virtnet_txq_stop(txq);
	virtnet_queues_lock();
	dev->data->tx_queues[qid] = NULL;
	virtnet_queues_unlock();
	virtnet_private_free(txq);
}

/* What a ring of queue @p vqid is made for, at the negotiated mode. */
static struct virtnet_ring_conf
virtnet_queue_ring_conf(const struct rte_eth_dev *dev, uint16_t vqid,
		uint16_t nb_desc, int socket)
{
	return (struct virtnet_ring_conf){
		.port_id = dev->data->port_id,
		.qid = vqid,
		.nb_desc = nb_desc,
		.mode = virtnet_vq_mode(virtnet_dev(dev)),
		.socket = socket,
	};
}

/* Data bytes of one Rx mbuf. */
static uint32_t
virtnet_rx_room(const struct virtnet_rxq *rxq)
{
	return rte_pktmbuf_data_room_size(rxq->mp) - RTE_PKTMBUF_HEADROOM;
}

/*
 * Mbufs per Rx buffer. Mergeable buffers spread a frame over as many as
 * it needs; without them one buffer must hold the largest frame: the
 * MTU's, and the device's MTU when VIRTIO_NET_F_MTU is negotiated (5.1.4.2:
 * the driver must take a frame of that size).
 */
static int
virtnet_rx_big_bufs(struct rte_eth_dev *dev, struct virtnet_rxq *rxq)
{
	const struct rte_eth_rxmode *rxmode = &dev->data->dev_conf.rxmode;
	const struct virtnet_dev *hw = virtnet_dev(dev);
	uint32_t room = virtnet_rx_room(rxq);
	uint32_t need = dev->data->mtu + VIRTNET_ETH_OVERHEAD;
	uint32_t k;

	if (virtnet_has(hw, VIRTIO_NET_F_MTU))
		need = RTE_MAX(need, (uint32_t)hw->max_mtu + VIRTNET_ETH_OVERHEAD);
	if (rxmode->offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		need = RTE_MAX(need, rxmode->max_lro_pkt_size);
	rxq->big_bufs = 1;
	if (virtnet_has(virtnet_dev(dev), VIRTIO_NET_F_MRG_RXBUF) ||
	    need <= room)
		return 0;
	k = (need + room - 1) / room;
	if (k > VIRTNET_RX_MAX_BIG || k > rxq->vq->size) {
		VIRTNET_LOG(ERR, "port %u rxq %u: a %u B frame needs %u mbufs of %u B without mergeable buffers; at most %u fit",
			rxq->port_id, rxq->queue_id, need, k, room,
			RTE_MIN(VIRTNET_RX_MAX_BIG, rxq->vq->size));
		return -EINVAL;
	}
	rxq->big_bufs = (uint16_t)k;
	VIRTNET_LOG(INFO, "port %u rxq %u: no mergeable buffers: %u mbufs per Rx buffer for %u B frames",
		rxq->port_id, rxq->queue_id, k, need);
	return 0;
}

static int
virtnet_rxq_start(struct rte_eth_dev *dev, struct virtnet_rxq *rxq)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_ring_conf c = virtnet_queue_ring_conf(dev,
		VIRTNET_RXQ_IDX(rxq->queue_id), rxq->nb_desc, rxq->socket);
	int ret;

	rxq->hdr_size = hw->hdr_size;
	rxq->ol_hdr = virtnet_has(hw, VIRTIO_NET_F_GUEST_CSUM);
	rxq->vlan_strip = !!(dev->data->dev_conf.rxmode.offloads &
		RTE_ETH_RX_OFFLOAD_VLAN_STRIP);
	rxq->rss_hash = virtnet_has(hw, VIRTIO_NET_F_HASH_REPORT) &&
		(dev->data->dev_conf.rxmode.offloads &
		 RTE_ETH_RX_OFFLOAD_RSS_HASH);
	/* A port start sends the configuration first (virtnet_rss_apply()). */
	rxq->hash_types = hw->started ? virtnet_rss_report_types(hw) : 0;
	rxq->use_va = hw->tp.ops->uses_va(hw->tp.priv);
	rxq->burst = hw->rx_path->rx;
	rxq->fault_seen = false;
	rxq->vq = virtnet_ring_create(&hw->tp, &c, &rxq->ring);
	if (rxq->vq == NULL)
		return -ENOMEM;
	ret = virtnet_rx_big_bufs(dev, rxq);
	if (ret == 0 && virtnet_rx_refill(rxq) < 0)
		ret = -ENOMEM;
	if (ret == 0)
		ret = hw->tp.ops->enable_queue(hw->tp.priv, c.qid, true);
	return ret;
}

static int
virtnet_txq_start(struct rte_eth_dev *dev, struct virtnet_txq *txq)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_ring_conf c = virtnet_queue_ring_conf(dev,
		VIRTNET_TXQ_IDX(txq->queue_id), txq->nb_desc, txq->socket);

	txq->hdr_size = hw->hdr_size;
	txq->ol_hdr = virtnet_has(hw, VIRTIO_NET_F_CSUM);
	txq->tso = virtnet_has(hw, VIRTIO_NET_F_HOST_TSO4) ||
		virtnet_has(hw, VIRTIO_NET_F_HOST_TSO6);
	txq->uso = virtnet_has(hw, VIRTIO_NET_F_HOST_USO);
	txq->indirect = virtnet_has(hw, VIRTIO_RING_F_INDIRECT_DESC);
	txq->use_va = hw->tp.ops->uses_va(hw->tp.priv);
	txq->burst = hw->tx_path->tx;
	txq->fault_seen = false;
	txq->vq = virtnet_ring_create(&hw->tp, &c, &txq->ring);
	if (txq->vq == NULL)
		return -ENOMEM;
	if (virtnet_dma_zalloc(&hw->tp, txq->port_id, "txslot", txq->queue_id,
			sizeof(txq->slots[0]) * txq->vq->size, txq->socket,
			&txq->slots_mem) < 0)
		return -ENOMEM;
	txq->slots = txq->slots_mem.va;
	txq->slots_addr = txq->slots_mem.addr;
	return hw->tp.ops->enable_queue(hw->tp.priv, c.qid, true);
}

/* The control queue follows the data queues of every pair it can have. */
static int
virtnet_ctrl_start(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_ring_conf c = virtnet_queue_ring_conf(dev, hw->ctrl_qid,
		0, dev->device->numa_node);

	if (!virtnet_has(hw, VIRTIO_NET_F_CTRL_VQ))
		return 0;
	hw->ctrl = virtnet_ctrl_create(&hw->tp, &c);
	virtnet_ctrl_count_into(hw->ctrl, &hw->ctrl_stats);
	return hw->ctrl == NULL ? -ENOMEM : 0;
}

static int
virtnet_queues_start_data(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_rxq *rxq;
	struct virtnet_txq *txq;
	uint16_t i;
	int ret = 0;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		if (dev->data->rx_queues[i] == NULL)
			ret = -EINVAL;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		if (dev->data->tx_queues[i] == NULL)
			ret = -EINVAL;
	/*
	 * The port is halted: a queue the app stopped (or deferred) is held
	 * before its ring exists, the others follow the port's flag.
	 */
	for (i = 0; ret == 0 && i < dev->data->nb_rx_queues; i++) {
		rxq = dev->data->rx_queues[i];
		rxq->guard.halted = rxq->app_stopped ? &virtnet_queue_held :
			&hw->halted;
		ret = virtnet_rxq_start(dev, rxq);
	}
	for (i = 0; ret == 0 && i < dev->data->nb_tx_queues; i++) {
		txq = dev->data->tx_queues[i];
		txq->guard.halted = txq->app_stopped ? &virtnet_queue_held :
			&hw->halted;
		ret = virtnet_txq_start(dev, txq);
	}
	return ret;
}

int
virtnet_queues_start(struct rte_eth_dev *dev)
{
	int ret;

	ret = virtnet_queues_start_data(dev);
	if (ret == 0)
		ret = virtnet_ctrl_start(dev);
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: queue start failed: %s",
			dev->data->port_id, rte_strerror(-ret));
	return ret;
}

int
virtnet_queues_resume(struct rte_eth_dev *dev)
{
	int ret;

	ret = virtnet_queues_start_data(dev);
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: queue restart failed: %s",
			dev->data->port_id, rte_strerror(-ret));
	return ret;
}

void
virtnet_queues_kick_rx(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct virtnet_rxq *rxq = dev->data->rx_queues[i];

		virtnet_transport_notify(rxq->tp, rxq->vq->qid,
			virtnet_vq_notify_data(rxq->vq, rxq->vq->mode));
		rxq->stats.notifications++;
	}
}

static void
virtnet_queues_stop_data(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		if (dev->data->rx_queues[i] != NULL)
			virtnet_rxq_stop(dev->data->rx_queues[i]);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		if (dev->data->tx_queues[i] != NULL)
			virtnet_txq_stop(dev->data->tx_queues[i]);
}

/* A ring kept aside for a device that did not finish its reset. */
struct virtnet_strand {
	struct virtnet_strand *next;
	struct virtnet_vq *vq;
	struct virtnet_dma ring;
	struct virtnet_dma slots;	/* Tx headers; none for Rx */
	struct virtnet_ctrl *ctrl;	/* or the control queue, whole */
	bool rx;
	uint16_t qid;
	/* Its queue was released: its pool may be gone, its mbufs too. */
	bool released;
};

/*
 * Move one ring (and its Tx headers) aside. Without memory for the note
 * it is left to the device for good: lost, never freed under it.
 */
static void
virtnet_strand_ring(struct virtnet_dev *hw, bool rx, uint16_t qid,
		struct virtnet_vq **vqp, struct virtnet_dma *ring,
		struct virtnet_dma *slots, struct virtnet_vq_errors *errors)
{
	struct virtnet_strand *s = virtnet_private_zalloc(sizeof(*s));
	struct virtnet_vq *vq = *vqp;

	virtnet_queues_lock();
	errors->bad_used_idx += vq->err.bad_used_idx;
	errors->bad_id += vq->err.bad_id;
	errors->bad_len += vq->err.bad_len;
	*vqp = NULL;
	virtnet_queues_unlock();
	if (s != NULL) {
		s->vq = vq;
		s->rx = rx;
		s->qid = qid;
		s->ring = *ring;
		if (slots != NULL)
			s->slots = *slots;
		s->next = hw->stranded;
		hw->stranded = s;
	}
	memset(ring, 0, sizeof(*ring));
	if (slots != NULL)
		memset(slots, 0, sizeof(*slots));
}

void
virtnet_queues_strand(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_strand *s;
	struct virtnet_rxq *rxq;
	struct virtnet_txq *txq;
	unsigned int n = 0;
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		rxq = dev->data->rx_queues[i];
		if (rxq == NULL || rxq->vq == NULL)
			continue;
		virtnet_strand_ring(hw, true, i, &rxq->vq, &rxq->ring, NULL,
			&rxq->ring_errors);
		n++;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		txq = dev->data->tx_queues[i];
		if (txq == NULL || txq->vq == NULL)
			continue;
		virtnet_strand_ring(hw, false, i, &txq->vq, &txq->ring,
			&txq->slots_mem, &txq->ring_errors);
		txq->slots = NULL;
		n++;
	}
	if (hw->ctrl != NULL) {
		n++;
		s = virtnet_private_zalloc(sizeof(*s));
		if (s != NULL) {
			s->ctrl = hw->ctrl;
			s->next = hw->stranded;
			hw->stranded = s;
		}
		hw->ctrl = NULL;
	}
	if (n > 0)
		VIRTNET_LOG(ERR, "port %u: the device did not finish its reset: its %u rings and the buffers in them are kept until it does",
			dev->data->port_id, n);
}

bool
virtnet_queues_stranded(const struct rte_eth_dev *dev)
{
	return virtnet_dev(dev)->stranded != NULL;
}

void
virtnet_queues_strand_release(struct rte_eth_dev *dev, bool rx, uint16_t qid)
{
	struct virtnet_strand *s;

	for (s = virtnet_dev(dev)->stranded; s != NULL; s = s->next)
		if (s->ctrl == NULL && s->rx == rx && s->qid == qid)
			s->released = true;
}

/*
 * A kept ring, once the device finished its reset: its buffers back to
 * their pool, unless its queue was released since (the pool may be gone:
 * they are left). Returns how many were left.
 */
static unsigned int
virtnet_strand_free(struct virtnet_strand *s)
{
	struct virtnet_vq_errors unused = { 0 };
	unsigned int left = 0;

	if (s->ctrl != NULL) {
		virtnet_ctrl_destroy(s->ctrl);
		return 0;
	}
	while (s->released && virtnet_vq_detach_unused(s->vq) != NULL)
		left++;
	virtnet_vq_drop(&s->vq, &s->ring, &unused);
	if (s->slots.mz != NULL)
		virtnet_dma_free(&s->slots);
	return left;
}

void
virtnet_queues_unstrand(struct rte_eth_dev *dev, bool reset_done)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	unsigned int n = 0, left = 0;
	struct virtnet_strand *s;

	while ((s = hw->stranded) != NULL) {
		hw->stranded = s->next;
		n++;
		if (reset_done) {
			left += virtnet_strand_free(s);
		} else {
			/* The device may write these: never reuse them. */
			virtnet_ctrl_abandon(s->ctrl);
			virtnet_private_free(s->vq);
		}
		virtnet_private_free(s);
	}
	if (n > 0 && !reset_done)
		VIRTNET_LOG(ERR, "port %u: closed on a device that never finished its reset: %u rings and their buffers left to it",
			dev->data->port_id, n);
	else if (n > 0)
		VIRTNET_LOG(NOTICE, "port %u: the device finished its reset: %u rings kept for it freed (%u mbufs of released queues not returned)",
			dev->data->port_id, n, left);
}

void
virtnet_queues_stop(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	virtnet_queues_stop_data(dev);
	virtnet_ctrl_destroy(hw->ctrl);
	hw->ctrl = NULL;
}

static int
virtnet_queue_reset(const struct virtnet_transport *t,
		const struct virtnet_vq *vq)
{
	return vq == NULL ? 0 : t->ops->reset_queue(t->priv, vq->qid);
}

int
virtnet_queues_park(struct rte_eth_dev *dev)
{
	const struct virtnet_transport *t = &virtnet_dev(dev)->tp;
	uint16_t i;
	int ret = 0;

	for (i = 0; ret == 0 && i < dev->data->nb_rx_queues; i++)
		if (dev->data->rx_queues[i] != NULL)
			ret = virtnet_queue_reset(t,
				((struct virtnet_rxq *)dev->data->rx_queues[i])->vq);
	for (i = 0; ret == 0 && i < dev->data->nb_tx_queues; i++)
		if (dev->data->tx_queues[i] != NULL)
			ret = virtnet_queue_reset(t,
				((struct virtnet_txq *)dev->data->tx_queues[i])->vq);
	if (ret < 0)
		return ret;
	virtnet_queues_stop_data(dev);
	return 0;
}

static struct virtnet_burst_guard *
virtnet_queue_guard(struct rte_eth_dev *dev, bool rx, uint16_t qid,
		struct virtnet_vq **vq)
{
	struct virtnet_rxq *rxq;
	struct virtnet_txq *txq;

	if (rx) {
		rxq = dev->data->rx_queues[qid];
		*vq = rxq->vq;
		return &rxq->guard;
	}
	txq = dev->data->tx_queues[qid];
	*vq = txq->vq;
	return &txq->guard;
}

/* Bursts on the queue return 0 from now on; one running has left. */
static void
virtnet_queue_hold(struct rte_eth_dev *dev, struct virtnet_burst_guard *g,
		bool rx, uint16_t qid)
{
	__atomic_store_n(&g->halted, &virtnet_queue_held, __ATOMIC_RELAXED);
	/* The pointer's store before the read of busy (virtnet_burst_enter). */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	virtnet_guard_wait(g, dev->data->port_id, rx ? "rxq" : "txq", qid);
}

void
virtnet_queue_unhold(struct rte_eth_dev *dev, bool rx, uint16_t qid)
{
	struct virtnet_vq *vq;

	__atomic_store_n(&virtnet_queue_guard(dev, rx, qid, &vq)->halted,
		&virtnet_dev(dev)->halted, __ATOMIC_RELEASE);
}

/*
 * The device refused to @p what for a queue: logged; a queue held for it
 * (@p g) runs on.
 */
static int
virtnet_queue_refused(struct rte_eth_dev *dev, struct virtnet_burst_guard *g,
		bool rx, uint16_t qid, const char *what, int ret)
{
	VIRTNET_LOG(ERR, "port %u %s %u: the device did not %s: %s",
		dev->data->port_id, rx ? "rxq" : "txq", qid, what,
		rte_strerror(-ret));
	if (g != NULL)
		__atomic_store_n(&g->halted, &virtnet_dev(dev)->halted,
			__ATOMIC_RELEASE);
	return ret;
}

int
virtnet_queue_ring_stop(struct rte_eth_dev *dev, bool rx, uint16_t qid)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_burst_guard *g;
	struct virtnet_vq *vq;
	int ret;

	g = virtnet_queue_guard(dev, rx, qid, &vq);
	if (vq == NULL)
		return 0;
	virtnet_queue_hold(dev, g, rx, qid);
	ret = virtnet_queue_reset(&hw->tp, vq);
	if (ret < 0)
		return virtnet_queue_refused(dev, g, rx, qid,
			"reset the queue", ret);
	/* The device touches the ring no more: every buffer goes back. */
	if (rx)
		virtnet_rxq_stop(dev->data->rx_queues[qid]);
	else
		virtnet_txq_stop(dev->data->tx_queues[qid]);
	return 0;
}

int
virtnet_queue_ring_start(struct rte_eth_dev *dev, bool rx, uint16_t qid)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_rxq *rxq = rx ? dev->data->rx_queues[qid] : NULL;
	struct virtnet_burst_guard *g;
	struct virtnet_vq *vq;
	int ret;

	g = virtnet_queue_guard(dev, rx, qid, &vq);
	if (vq != NULL)
		return 0;
	ret = rx ? virtnet_rxq_start(dev, rxq) :
		virtnet_txq_start(dev, dev->data->tx_queues[qid]);
	if (ret < 0) {
		VIRTNET_LOG(ERR, "port %u %s %u: start failed: %s",
			dev->data->port_id, rx ? "rxq" : "txq", qid,
			rte_strerror(-ret));
		/* The device may have the ring: it lets go of it first. */
		virtnet_queue_ring_stop(dev, rx, qid);
		__atomic_store_n(&g->halted, &virtnet_queue_held,
			__ATOMIC_RELEASE);
		return ret;
	}
	if (rx) {
		virtnet_transport_notify(rxq->tp, rxq->vq->qid,
			virtnet_vq_notify_data(rxq->vq, rxq->vq->mode));
		rxq->stats.notifications++;
	}
	__atomic_store_n(&g->halted, &hw->halted, __ATOMIC_RELEASE);
	return 0;
}

/*
 * A paused Rx ring the device left: frames it finished are dropped (as a
 * queue reset drops them), the buffers still posted go back to the pool,
 * their descriptors stay posted without one.
 */
static void
virtnet_rxq_unpost(struct virtnet_rxq *rxq)
{
	struct virtnet_vq *vq = rxq->vq;
	void *m[64];
	uint32_t len;
	uint16_t n;
	void *c;

	while ((c = virtnet_vq_get_used(vq, &len, vq->mode)) != NULL)
		rte_pktmbuf_free(c);
	while ((n = virtnet_vq_unpost(vq, m, RTE_DIM(m))) > 0)
		rte_pktmbuf_free_bulk((struct rte_mbuf **)m, n);
}

/* Buffers for the descriptors virtnet_rxq_unpost() emptied. */
static int
virtnet_rxq_repost(struct virtnet_rxq *rxq)
{
	uint16_t n = virtnet_vq_unposted(rxq->vq), i;
	struct rte_mbuf **m;
	uint64_t *addr;
	int ret = -ENOMEM;

	if (n == 0)
		return 0;
	m = malloc(n * (sizeof(*m) + sizeof(*addr)));
	if (m == NULL)
		return -ENOMEM;
	addr = (uint64_t *)(m + n);
	if (rte_pktmbuf_alloc_bulk(rxq->mp, m, n) == 0) {
		for (i = 0; i < n; i++)
			addr[i] = virtnet_mbuf_room_addr(m[i], rxq->use_va,
				-(int16_t)rxq->hdr_size);
		i = virtnet_vq_repost(rxq->vq, (void *const *)m, addr, n);
		ret = i == n ? 0 : -EIO;
		if (i < n)
			rte_pktmbuf_free_bulk(m + i, n - i);
	}
	free(m);
	return ret;
}

int
virtnet_queue_ring_pause(struct rte_eth_dev *dev, bool rx, uint16_t qid,
		bool pause)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_burst_guard *g;
	struct virtnet_vq *vq;
	int ret;

	g = virtnet_queue_guard(dev, rx, qid, &vq);
	if (vq == NULL)
		return 0;
	if (pause)
		virtnet_queue_hold(dev, g, rx, qid);
	else if (rx && virtnet_rxq_repost(dev->data->rx_queues[qid]) < 0) {
		VIRTNET_LOG(ERR, "port %u rxq %u: its buffers could not be posted again; the queue stays stopped (a port restart brings it back)",
			dev->data->port_id, qid);
		return -ENOMEM;
	}
	ret = hw->tp.ops->enable_queue(hw->tp.priv, vq->qid, !pause);
	if (ret < 0)
		return virtnet_queue_refused(dev, pause ? g : NULL, rx, qid,
			pause ? "disable the ring" : "enable the ring", ret);
	/* Acknowledged: the device uses the ring no more. */
	if (pause && rx)
		virtnet_rxq_unpost(dev->data->rx_queues[qid]);
	if (pause)
		return 0;
	/* Buffers posted while paused: the device is told of them now. */
	if (rx)
		virtnet_transport_notify(&hw->tp, vq->qid,
			virtnet_vq_notify_data(vq, vq->mode));
	__atomic_store_n(&g->halted, &hw->halted, __ATOMIC_RELEASE);
	return 0;
}

/* nb_desc is what the ring holds once started, else what start will ask. */
void
virtnet_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_rxq_info *qinfo)
{
	const struct virtnet_rxq *rxq = dev->data->rx_queues[qid];

	qinfo->mp = rxq->mp;
	qinfo->nb_desc = rxq->vq != NULL ? rxq->vq->size : rxq->nb_desc;
	qinfo->scattered_rx = virtnet_has(virtnet_dev(dev),
		VIRTIO_NET_F_MRG_RXBUF) || rxq->big_bufs > 1;
	qinfo->rx_buf_size = rte_pktmbuf_data_room_size(rxq->mp) -
		RTE_PKTMBUF_HEADROOM;
}

void
virtnet_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_txq_info *qinfo)
{
	const struct virtnet_txq *txq = dev->data->tx_queues[qid];

	qinfo->nb_desc = txq->vq != NULL ? txq->vq->size : txq->nb_desc;
}

static void
virtnet_vq_log(uint16_t port, const char *dir, uint16_t q,
		const struct virtnet_vq *vq)
{
	char buf[320];

	if (vq == NULL)
		return;
	virtnet_vq_dump(vq, buf, sizeof(buf));
	VIRTNET_LOG(DEBUG, "port %u %s%u: %s", port, dir, q, buf);
}

void
virtnet_queues_log_state(struct rte_eth_dev *dev)
{
	char buf[128];
	uint16_t i;

	if (!rte_log_can_log(virtnet_logtype_driver, RTE_LOG_DEBUG))
		return;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct virtnet_rxq *rxq = dev->data->rx_queues[i];

		if (rxq == NULL || rxq->vq == NULL)
			continue;
		virtnet_vq_log(dev->data->port_id, "rxq", i, rxq->vq);
		if (virtnet_rxq_dump_next(rxq, buf, sizeof(buf)) > 0)
			VIRTNET_LOG(DEBUG, "port %u rxq%u: %s",
				dev->data->port_id, i, buf);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct virtnet_txq *txq = dev->data->tx_queues[i];

		if (txq != NULL)
			virtnet_vq_log(dev->data->port_id, "txq", i, txq->vq);
	}
}

void
virtnet_queues_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct virtnet_rxq *q = dev->data->rx_queues[i];

		if (q == NULL)
			continue;
		st->ipackets += q->stats.packets;
		st->ibytes += q->stats.bytes;
		st->ierrors += q->stats.errors +
			virtnet_vq_errors(&q->ring_errors, q->vq);
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
		st->oerrors += q->stats.errors +
			virtnet_vq_errors(&q->ring_errors, q->vq);
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[i] = q->stats.packets;
			st->q_obytes[i] = q->stats.bytes;
		}
	}
}

static void
virtnet_stats_zero(struct virtnet_queue_stats *s,
		struct virtnet_vq_errors *ring_errors, struct virtnet_vq *vq)
{
	memset(s, 0, sizeof(*s));
	memset(ring_errors, 0, sizeof(*ring_errors));
	if (vq != NULL)
		memset(&vq->err, 0, sizeof(vq->err));
}

void
virtnet_queues_stats_reset(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	uint16_t i;

	/* NULL: the mp thread asks about a port being closed. */
	if (hw != NULL)
		memset(&hw->ctrl_stats, 0, sizeof(hw->ctrl_stats));
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct virtnet_rxq *q = dev->data->rx_queues[i];

		if (q != NULL)
			virtnet_stats_zero(&q->stats, &q->ring_errors, q->vq);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct virtnet_txq *q = dev->data->tx_queues[i];

		if (q != NULL)
			virtnet_stats_zero(&q->stats, &q->ring_errors, q->vq);
	}
}

bool
virtnet_queues_rx_fit(struct rte_eth_dev *dev, uint32_t frame)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	uint16_t i;

	if (virtnet_has(hw, VIRTIO_NET_F_MRG_RXBUF))
		return true;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct virtnet_rxq *rxq = dev->data->rx_queues[i];

		if (rxq != NULL && rxq->vq != NULL &&
		    (uint64_t)rxq->big_bufs * virtnet_rx_room(rxq) < frame)
			return false;
	}
	return true;
}

void
virtnet_queues_vlan_strip(struct rte_eth_dev *dev, bool on)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct virtnet_rxq *rxq = dev->data->rx_queues[i];

		if (rxq != NULL)
			rxq->vlan_strip = on;
	}
}
