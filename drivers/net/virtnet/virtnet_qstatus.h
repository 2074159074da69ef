/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_QSTATUS_H
#define VIRTNET_QSTATUS_H

/**
 * @file
 * What an application may ask of a queue between bursts: how many
 * received frames wait (rx_queue_count), the state of a descriptor by its
 * offset (Rx and Tx descriptor status), and where to wait for the next
 * one (get_monitor_addr, for rte_power_monitor()). Offsets count buffers
 * (a chain is one), from the next buffer the driver takes on Rx and from
 * the next one it fills on Tx. Same thread rules as the bursts.
 */

#include <ethdev_driver.h>

uint32_t virtnet_rx_queue_count(void *rxq);
int virtnet_rx_descriptor_status(void *rxq, uint16_t offset);
int virtnet_tx_descriptor_status(void *txq, uint16_t offset);
int virtnet_get_monitor_addr(void *rxq, struct rte_power_monitor_cond *pmc);

/** Set the fast-path queries on a port (primary process). */
void virtnet_qstatus_set(struct rte_eth_dev *dev);

#endif /* VIRTNET_QSTATUS_H */
