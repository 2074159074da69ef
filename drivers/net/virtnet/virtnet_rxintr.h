/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_RXINTR_H
#define VIRTNET_RXINTR_H

/**
 * @file
 * Rx interrupts (intr_conf.rxq): the port's interrupt handle lists one
 * eventfd per Rx queue, the one the device signals for used buffers
 * (virtio-user: the vring's call eventfd; PCI with vfio-pci: the eventfd
 * of the queue's MSI-X vector, Rx queue n on vector n + 1, in the PCI
 * device's own handle), for rte_eth_dev_rx_intr_ctl_q() and
 * rte_epoll_wait(). Enabling checks the ring once more after telling the
 * device, so a frame that came in between is not left waiting.
 */

#include <ethdev_driver.h>

/** Whether the port can have Rx interrupts; -ENOTSUP (logged) if not. */
int virtnet_rxintr_check(struct rte_eth_dev *dev);

/**
 * Before the queues are set up: a transport whose queues need vectors
 * (PCI) gets one per Rx queue when the app asked, none otherwise.
 */
int virtnet_rxintr_prepare(struct rte_eth_dev *dev);

/** Point the port's handle at the started queues' eventfds. */
int virtnet_rxintr_start(struct rte_eth_dev *dev);

/** The queues' eventfds went with their rings: the handle names none. */
void virtnet_rxintr_stop(struct rte_eth_dev *dev);

/** Free the handle, when the port closes. */
void virtnet_rxintr_free(struct rte_eth_dev *dev);

int virtnet_rx_queue_intr_enable(struct rte_eth_dev *dev, uint16_t qid);
int virtnet_rx_queue_intr_disable(struct rte_eth_dev *dev, uint16_t qid);

#endif /* VIRTNET_RXINTR_H */
