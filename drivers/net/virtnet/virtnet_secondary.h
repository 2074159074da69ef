/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_SECONDARY_H
#define VIRTNET_SECONDARY_H

/**
 * @file
 * A virtnet port seen from a secondary process. Its queues and state are
 * in the primary's process memory: the secondary reports what the primary
 * answers over rte_mp (dev_info, stats and queue stats, burst modes, queue
 * info), the link from the shared port data, and refuses everything else
 * (ethdev returns -ENOTSUP). Its bursts return 0 and say once per port and
 * direction that the datapath runs in the primary. pdump and dumpcap need
 * no burst here: the primary's Rx/Tx callbacks copy the packets.
 */

#include <ethdev_driver.h>

/**
 * Attach the primary's port named @p name to @p device in this process.
 * @return 0; 1 when the primary has no virtnet port of that name (another
 *   driver's: a PCI bus may offer it to the next driver); a negative errno
 *   (logged) otherwise.
 */
int virtnet_secondary_probe(const char *name, struct rte_device *device);

/** Detach port @p name from this process (the primary's port stays). */
int virtnet_secondary_remove(const char *name);

#endif /* VIRTNET_SECONDARY_H */
