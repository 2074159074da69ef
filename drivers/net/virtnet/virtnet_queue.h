/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_QUEUE_H
#define VIRTNET_QUEUE_H

/**
 * @file
 * The queues' lifecycle. Setup only records what the application asked
 * (mempool, nb_desc, socket); start makes every ring at the negotiated
 * layout and size, fills the Rx rings and makes the control queue; stop,
 * after the device was reset, takes every buffer back and frees the rings.
 */

#include <stdint.h>

#include <ethdev_driver.h>

/* ethdev queue ops. */
int virtnet_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		uint16_t nb_desc, unsigned int socket,
		const struct rte_eth_rxconf *conf, struct rte_mempool *mp);
int virtnet_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		uint16_t nb_desc, unsigned int socket,
		const struct rte_eth_txconf *conf);
void virtnet_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void virtnet_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void virtnet_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_rxq_info *qinfo);
void virtnet_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_txq_info *qinfo);

/**
 * After a reset the device did not complete (audit F4): it may still
 * write the rings and the buffers in them, so every ring (the control
 * queue's too) leaves its queue with its buffers and is kept aside; the
 * queues have none, as after a stop.
 */
void virtnet_queues_strand(struct rte_eth_dev *dev);

/**
 * Let the rings kept aside go. With @p reset_done, freed and their
 * buffers back to their pools; without (closing on a device still not
 * reset), ring memory and buffers are left to the device (logged), and
 * only the driver's own memory is freed.
 */
void virtnet_queues_unstrand(struct rte_eth_dev *dev, bool reset_done);

/** Whether rings are kept aside for a device still not reset. */
bool virtnet_queues_stranded(const struct rte_eth_dev *dev);

/**
 * Queue @p qid is released: a ring of it kept aside gives its buffers to
 * nobody when it goes (the queue's pool may be freed after this).
 */
void virtnet_queues_strand_release(struct rte_eth_dev *dev, bool rx,
		uint16_t qid);

/**
 * After negotiation, before DRIVER_OK: make every ring and hand it to the
 * device, Rx rings full, and the control queue if negotiated.
 * @return 0, or a negative errno (logged); virtnet_queues_stop() undoes
 *   a partial start.
 */
int virtnet_queues_start(struct rte_eth_dev *dev);

/**
 * On a device that kept running (virtnet_queues_park()): make the data
 * rings again and enable them; the control queue stayed.
 * @return 0, or a negative errno (logged).
 */
int virtnet_queues_resume(struct rte_eth_dev *dev);

/**
 * With bursts quiesced: reset each data queue alone (VIRTIO_F_RING_RESET)
 * and, once every one is, take every buffer back and free their rings.
 * The device and its control queue keep running.
 * @return 0, or a negative errno: then only a device reset stops it all.
 */
int virtnet_queues_park(struct rte_eth_dev *dev);

/** After DRIVER_OK: tell the device of the Rx buffers. */
void virtnet_queues_kick_rx(struct rte_eth_dev *dev);

/**
 * With the port's halted flag raised: return once no burst runs on any
 * queue; until the flag drops, none will start.
 */
void virtnet_queues_quiesce(struct rte_eth_dev *dev);

/**
 * From the control path, port lock held, port running: send @p pkts on
 * Tx queue @p qid while the app's bursts on it are held off (they return
 * 0 meanwhile). The unsent ones stay the caller's.
 * @return the packets sent.
 */
uint16_t virtnet_txq_inject(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_mbuf **pkts, uint16_t n);

/** After the device was reset: take every buffer back, free the rings. */
void virtnet_queues_stop(struct rte_eth_dev *dev);

/** At debug level, log where each ring stands (before a stop). */
void virtnet_queues_log_state(struct rte_eth_dev *dev);

/** Sum of the queue counters, ring faults among the errors. */
void virtnet_queues_stats_get(struct rte_eth_dev *dev,
		struct rte_eth_stats *st);

/** Zero every counter of the port: queues' and the control queue's. */
void virtnet_queues_stats_reset(struct rte_eth_dev *dev);

/**
 * Another thread may read queues while holding this lock (the
 * multi-process handler, in EAL's mp thread): a queue struct is unlinked
 * from dev->data, and a ring from its queue, under it before being freed.
 * The port struct outlives its queues (close releases them first).
 */
void virtnet_queues_lock(void);

/** Release virtnet_queues_lock(). */
void virtnet_queues_unlock(void);

/**
 * Whether the running Rx rings take a frame of @p frame bytes: always with
 * mergeable buffers; without, each buffer must be that large.
 */
bool virtnet_queues_rx_fit(struct rte_eth_dev *dev, uint32_t frame);

/** VLAN strip is done in software: it can change while running. */
void virtnet_queues_vlan_strip(struct rte_eth_dev *dev, bool on);

/**
 * One queue on a running device that resets queues alone
 * (VIRTIO_F_RING_RESET): stop holds its bursts (they return 0), resets
 * the queue and gives every buffer back; start makes its ring again and
 * lets bursts in. Either is a no-op on a queue already so. Caller holds
 * the port lock.
 * @return 0, or a negative errno (logged); a failed start leaves the
 *   queue stopped.
 */
int virtnet_queue_ring_stop(struct rte_eth_dev *dev, bool rx, uint16_t qid);
/** Let bursts into a queue held since the port's start (its ring runs). */
void virtnet_queue_unhold(struct rte_eth_dev *dev, bool rx, uint16_t qid);
int virtnet_queue_ring_start(struct rte_eth_dev *dev, bool rx, uint16_t qid);

/**
 * One queue on a running device whose transport can pause a ring
 * (queue_pause): hold its bursts and have the device leave the ring,
 * which keeps its buffers; or give it back to the device and the bursts.
 * Caller holds the port lock. @return 0, or a negative errno (logged).
 */
int virtnet_queue_ring_pause(struct rte_eth_dev *dev, bool rx, uint16_t qid,
		bool pause);

#endif /* VIRTNET_QUEUE_H */
