/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_RESTART_H
#define VIRTNET_RESTART_H

/**
 * @file
 * A restart that keeps the device. Applications change a port's offloads
 * with stop, configure, start; a stop must give every buffer back, which
 * takes a device reset unless the device resets queues alone
 * (VIRTIO_F_RING_RESET), and a device reset forgets what the device was
 * told (MAC table, VLAN filter, Rx modes) and what it did (its link goes
 * through a reset). So:
 *
 * - with VIRTIO_NET_F_CTRL_GUEST_OFFLOADS every Rx offload the device
 *   has is negotiated, and the application's Rx offloads are switched on
 *   by VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET at each start: they are no
 *   longer features, and changing them needs no new negotiation;
 * - with VIRTIO_F_RING_RESET, dev_stop resets the data queues alone and
 *   takes their buffers back ("parks" the port): the device stays at
 *   DRIVER_OK with its control queue, filters and link; dev_start makes
 *   the data rings again on it when the features it would negotiate are
 *   the ones agreed and no queue is added; otherwise it resets the device
 *   and starts from scratch, as without these features.
 *
 * Callers hold the port lock.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>

/** VIRTIO_NET_F_GUEST_* features the Rx offloads @p rx_offloads need. */
uint64_t virtnet_guest_offloads_for(uint64_t rx_offloads);

/**
 * dev_stop: stop the bursts and park the port if the device resets
 * queues alone.
 * @return true when parked; false: the caller resets the device.
 */
bool virtnet_park(struct rte_eth_dev *dev);

/**
 * dev_start of a parked port: whether it can run again on the device as
 * it is, with the features @p want (as virtnet_device_negotiate() takes).
 */
bool virtnet_resumable(const struct rte_eth_dev *dev, uint64_t want);

/**
 * After DRIVER_OK, or on a resumed device: have the device apply the
 * application's Rx offloads (VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET) when they
 * differ from what it applies.
 * @return 0; -EAGAIN when the device refused (the feature is then ruled
 *   out: start again to negotiate the Rx offloads as features).
 */
int virtnet_guest_offloads_apply(struct rte_eth_dev *dev);

#endif /* VIRTNET_RESTART_H */
