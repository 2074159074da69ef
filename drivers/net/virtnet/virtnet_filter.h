/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_FILTER_H
#define VIRTNET_FILTER_H

/**
 * @file
 * The port's receive filters: its MAC addresses (the primary and up to 63
 * more, at ethdev's indexes), its multicast list, its VLAN filter, and
 * promiscuous and all-multicast modes, kept in process memory and told to
 * the device through the control queue:
 *
 * - the primary with VIRTIO_NET_CTRL_MAC_ADDR_SET (CTRL_MAC_ADDR), or by
 *   a config write on a legacy device without it; a modern device
 *   without CTRL_MAC_ADDR takes it in its MAC table;
 * - the other addresses and the multicast list with
 *   VIRTIO_NET_CTRL_MAC_TABLE_SET (CTRL_RX), the whole table at each
 *   change, none when it did not change;
 * - VLAN ids with VIRTIO_NET_CTRL_VLAN_ADD/DEL (CTRL_VLAN), which is
 *   negotiated only while the application asks for
 *   RTE_ETH_RX_OFFLOAD_VLAN_FILTER: a device with CTRL_VLAN drops tagged
 *   frames of VLANs not added, and without the filter every VLAN must
 *   pass. The ids are ethdev's (dev->data->vlan_filter_conf);
 * - Rx modes with VIRTIO_NET_CTRL_RX_PROMISC/ALLMULTI (CTRL_RX).
 *
 * A stopped port records; a running or parked one (virtnet_restart.h)
 * tells the device at once. A device reset forgets everything: each
 * start on a reset device replays it (virtnet_filter_restore()).
 *
 * A device without CTRL_RX has no receive filter the driver can set (a
 * vhost-user back-end delivers every frame; QEMU stays promiscuous): the
 * port is, and reports itself, promiscuous and all-multicast; turning
 * either off fails with -ENOTSUP; addresses added are taken, since frames
 * to them arrive.
 *
 * The ops take the port lock; virtnet_filter_restore() runs under it.
 */

#include <stdint.h>

#include <ethdev_driver.h>

#include "virtnet_device.h"

/** Addresses of the port (dev_info max_mac_addrs), the primary included. */
#define VIRTNET_MAC_ADDRS	64
/** Multicast addresses set_mc_addr_list takes. */
#define VIRTNET_MC_ADDRS	64

/** Features negotiated only when the application asks for a filter. */
#define VIRTNET_FILTER_FEATURES	(1ULL << VIRTIO_NET_F_CTRL_VLAN)

/**
 * At probe, once dev->data->mac_addrs (VIRTNET_MAC_ADDRS entries) holds
 * the primary: the filter state; a device without CTRL_RX makes the port
 * promiscuous and all-multicast.
 * @return 0, or -ENOMEM.
 */
int virtnet_filter_create(struct rte_eth_dev *dev);

/** Free the state (none: nothing). */
void virtnet_filter_destroy(struct virtnet_dev *hw);

/** Of VIRTNET_FILTER_FEATURES, those the configuration @p conf asks for. */
uint64_t virtnet_filter_features(const struct rte_eth_conf *conf);

/**
 * After DRIVER_OK on a reset device: tell it the primary address, the
 * MAC table, the VLAN ids and the Rx modes. A refusal is logged (the
 * device then receives more or less than asked) and does not fail the
 * start.
 */
void virtnet_filter_restore(struct rte_eth_dev *dev);

/* eth_dev_ops. */
int virtnet_filter_mac_addr_set(struct rte_eth_dev *dev,
		struct rte_ether_addr *mac);
int virtnet_filter_mac_addr_add(struct rte_eth_dev *dev,
		struct rte_ether_addr *mac, uint32_t index, uint32_t vmdq);
void virtnet_filter_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index);
int virtnet_filter_mc_addr_list(struct rte_eth_dev *dev,
		struct rte_ether_addr *mc, uint32_t nb);
int virtnet_filter_vlan_set(struct rte_eth_dev *dev, uint16_t vid, int on);
int virtnet_filter_promiscuous_enable(struct rte_eth_dev *dev);
int virtnet_filter_promiscuous_disable(struct rte_eth_dev *dev);
int virtnet_filter_allmulticast_enable(struct rte_eth_dev *dev);
int virtnet_filter_allmulticast_disable(struct rte_eth_dev *dev);

#endif /* VIRTNET_FILTER_H */
