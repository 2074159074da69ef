/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_QCTL_H
#define VIRTNET_QCTL_H

/**
 * @file
 * Per-queue start and stop (rx/tx_queue_start/stop, rx/tx_deferred_start)
 * on a device that resets queues alone (VIRTIO_F_RING_RESET, PCI): a
 * stopped queue's bursts return 0, the device has reset it and every
 * buffer it held is back in its mempool; the other queues run on. Start
 * makes its ring again on the running device.
 *
 * A queue the app stopped, or set up deferred, stays stopped across the
 * port's recoveries (a device that came back, a restart without reset);
 * a dev_start starts every queue but the deferred ones, as ethdev says.
 *
 * virtio-user has no RING_RESET (a vhost-user back-end cannot give a
 * ring's buffers back short of stopping the whole device, and DPDK's
 * vhost destroys the device on GET_VRING_BASE): a stop pauses the ring
 * instead (SET_VRING_ENABLE 0; the back-end leaves it until enabled
 * again): bursts return 0, the device uses the ring no more, an Rx ring's
 * posted buffers go back to the pool and fresh ones are posted in the
 * same descriptors at the start (virtnet_queue_ring_pause()); Tx buffers
 * in flight stay until the device finishes them. Legacy PCI has neither: the
 * ops fail with -ENOTSUP and dev_start refuses deferred queues.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>

/**
 * dev_start, before the device is brought up: each queue starts stopped
 * if deferred. @return 0, or -ENOTSUP (logged) for a deferred queue on a
 * device that cannot reset queues.
 */
int virtnet_qctl_port_start(struct rte_eth_dev *dev);

/** Once the rings run: stop the queues the app wants stopped. */
void virtnet_qctl_apply(struct rte_eth_dev *dev);

/** Whether the app wants queue @p qid stopped. */
bool virtnet_qctl_stopped(const struct rte_eth_dev *dev, bool rx,
		uint16_t qid);

int virtnet_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int virtnet_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
int virtnet_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int virtnet_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);

#endif /* VIRTNET_QCTL_H */
