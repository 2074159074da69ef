/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_XSTATS_H
#define VIRTNET_XSTATS_H

/**
 * @file
 * Extended statistics. First every name DPDK 22.11's net_virtio reports,
 * in its order and with its meaning (per Rx queue, then per Tx queue),
 * so that tools built on net_virtio read virtnet alike by name and by id;
 * then virtnet's own: per Rx queue, per Tx queue, per port. The list
 * depends only on the port's queue counts, so any process can name it;
 * values come from the primary's queues (a secondary asks for them over
 * rte_mp: virtnet_xstats_fetch_t). The counters are the queues' (struct
 * virtnet_queue_stats, faults by kind) and the control queue's; stats
 * reset zeroes them, and like the basic stats they outlive rings freed
 * at stop or on a lost back-end.
 */

#include <stdint.h>

#include <ethdev_driver.h>

/** Number of the port's xstats (ethdev's basic ones not included). */
unsigned int virtnet_xstats_count(const struct rte_eth_dev *dev);

/**
 * Primary: values of xstats @p first .. @p first + @p n - 1 into
 * @p values (none beyond virtnet_xstats_count()). The caller holds the
 * port lock or virtnet_queues_lock(), so that no ring is freed meanwhile.
 * @return the values written.
 */
unsigned int virtnet_xstats_read(struct rte_eth_dev *dev, unsigned int first,
		uint64_t *values, unsigned int n);

/**
 * How a process gets the values of xstats @p first .. @p first + @p n - 1
 * of port @p dev, all of them within virtnet_xstats_count().
 * @return 0, or a negative errno.
 */
typedef int (*virtnet_xstats_fetch_t)(struct rte_eth_dev *dev,
		unsigned int first, uint64_t *values, unsigned int n);

/*
 * ethdev ops, for any process: names from the queue counts, values
 * through @p fetch.
 */
int virtnet_xstats_names(struct rte_eth_dev *dev,
		struct rte_eth_xstat_name *names, unsigned int size);
int virtnet_xstats_names_by_id(struct rte_eth_dev *dev, const uint64_t *ids,
		struct rte_eth_xstat_name *names, unsigned int size);
int virtnet_xstats_get_with(struct rte_eth_dev *dev,
		struct rte_eth_xstat *xstats, unsigned int n,
		virtnet_xstats_fetch_t fetch);
int virtnet_xstats_get_by_id_with(struct rte_eth_dev *dev,
		const uint64_t *ids, uint64_t *values, unsigned int size,
		virtnet_xstats_fetch_t fetch);

/* ethdev ops of the primary: values read under the port lock. */
int virtnet_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		unsigned int n);
int virtnet_xstats_get_by_id(struct rte_eth_dev *dev, const uint64_t *ids,
		uint64_t *values, unsigned int size);

#endif /* VIRTNET_XSTATS_H */
