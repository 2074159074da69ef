/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_GUEST_FILTER_H
#define VIRTNET_GUEST_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

/*
 * The receive filter test of the guest app (mode "filter"): ports 0 and 1
 * up and promiscuous, on one QEMU hub that floods every frame; port 0
 * sends @count frames per probe, port 1 changes its filters step by step
 * (promiscuous, all-multicast, addresses added and removed, multicast
 * list, primary address, VLAN filter, restarts with and without a device
 * reset) and each probe's frames must arrive all, or none. Prints one
 * "VNT filter" line per operation and per probe. @keeps: the device keeps
 * receiving for its own address after the primary changed (a modern
 * device without VIRTIO_NET_F_CTRL_MAC_ADDR: it cannot be told another).
 * @return 0 when every probe and operation went as expected.
 */
int guest_filter_run(struct rte_mempool *mp, uint16_t count, bool keeps);

#endif /* VIRTNET_GUEST_FILTER_H */
