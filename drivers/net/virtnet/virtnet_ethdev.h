/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_ETHDEV_H
#define VIRTNET_ETHDEV_H

/**
 * @file
 * The ethdev layer: the port as DPDK sees it (dev_ops), and the one probe
 * and remove sequence both bus drivers (vdev and PCI) share. A bus driver
 * parses its devargs, allocates the ethdev and says how to take its
 * transport; everything after that is common.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>

#include "virtnet_device.h"
#include "virtnet_transport.h"

/** What a bus driver hands the common probe. */
struct virtnet_probe_params {
	const char *name;	/**< device name, for the log */
	uint32_t speed;		/**< Mbps; 0: what the device says */
	bool vectorized;	/**< vectorized=1 was asked */
	uint64_t features_off;	/**< features the devargs rule out */
	struct virtnet_coal coal;	/**< notification coalescing asked */
	/**
	 * Take the transport: fill @p t; events go to @p cb with @p arg.
	 * @return 0, or a negative errno (logged).
	 */
	int (*transport)(const void *bus_arg, virtnet_event_cb cb, void *arg,
			struct virtnet_transport *t);
	const void *bus_arg;	/**< for transport() */
};

/**
 * Probe a port the bus driver allocated (with no dev_private): take the
 * transport, learn the device, set the ops, finish probing. On failure the
 * port is released and everything taken is given back.
 * @return 0, or a negative errno (logged).
 */
int virtnet_ethdev_probe(struct rte_eth_dev *dev,
		const struct virtnet_probe_params *p);

/** Bus remove(): stop and close the port named @p name, if any. */
int virtnet_ethdev_remove(const char *name);

#endif /* VIRTNET_ETHDEV_H */
