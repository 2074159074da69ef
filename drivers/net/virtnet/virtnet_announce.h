/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_ANNOUNCE_H
#define VIRTNET_ANNOUNCE_H

/**
 * @file
 * VIRTIO_NET_F_GUEST_ANNOUNCE (virtio 1.2, 5.1.6.5.4): when the device
 * sets VIRTIO_NET_S_ANNOUNCE in its config status (after a live
 * migration, or QEMU's announce-self), the driver tells the network where
 * the port now is, a gratuitous RARP per MAC address and VLAN of the
 * port, and acknowledges with VIRTIO_NET_CTRL_ANNOUNCE_ACK.
 */

#include <ethdev_driver.h>

/**
 * After a config change, from virtnet_dev_service() with the port lock
 * held: if the device asks for an announce and the port runs, send the
 * RARPs on Tx queue 0 (virtnet_txq_inject()) and acknowledge.
 */
void virtnet_announce_serve(struct rte_eth_dev *dev);

#endif /* VIRTNET_ANNOUNCE_H */
