/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Extended statistics: one const table per group of names, the groups in
 * the order ids run; an id is found by walking the groups. Nothing here
 * counts: the bursts and the control queue do (virtnet_rxtx.c,
 * virtnet_ctrl.c); this reads what they counted.
 */

#include <inttypes.h>
#include <stdlib.h>

#include "virtnet_device.h"
#include "virtnet_log.h"
#include "virtnet_rxtx.h"
#include "virtnet_xstats.h"

/* One counter: where it is in its group's struct. */
struct virtnet_xstat {
	const char *name;
	uint16_t off;
	bool fault;	/* in struct virtnet_vq_errors, not the stats */
};

#define QS(n, f)	{ n, offsetof(struct virtnet_queue_stats, f), false }
#define QB(n, b)	QS(n, size_bins[b])
#define QF(n, f)	{ n, offsetof(struct virtnet_vq_errors, f), true }
#define CS(n, f)	{ n, offsetof(struct virtnet_ctrl_stats, f), false }

/* The size bins, last in both of net_virtio's per-queue lists. */
#define XS_SIZE_BINS \
	QB("undersize_packets", 0), \
	QB("size_64_packets", 1), \
	QB("size_65_127_packets", 2), \
	QB("size_128_255_packets", 3), \
	QB("size_256_511_packets", 4), \
	QB("size_512_1023_packets", 5), \
	QB("size_1024_1518_packets", 6), \
	QB("size_1519_max_packets", 7),

/*
 * net_virtio's (DPDK 22.11 drivers/net/virtio/virtio_ethdev.c,
 * rte_virtio_rxq_stat_strings): "rx_q<n>_" is put before each.
 */
static const struct virtnet_xstat virtnet_xs_rxq_virtio[] = {
	QS("good_packets", packets),
	QS("good_bytes", bytes),
	QS("errors", errors),
	QS("multicast_packets", multicast),
	QS("broadcast_packets", broadcast),
	XS_SIZE_BINS
};

/* net_virtio's rte_virtio_txq_stat_strings: "tx_q<n>_" before each. */
static const struct virtnet_xstat virtnet_xs_txq_virtio[] = {
	QS("good_packets", packets),
	QS("good_bytes", bytes),
	QS("multicast_packets", multicast),
	QS("broadcast_packets", broadcast),
	XS_SIZE_BINS
};

/* virtnet's own, per Rx queue (doc/guides/nics/virtnet.rst). */
static const struct virtnet_xstat virtnet_xs_rxq_own[] = {
	QS("notifications", notifications),
	QS("mbuf_allocation_errors", nombuf),
	QF("bad_used_idx_errors", bad_used_idx),
	QF("bad_used_id_errors", bad_id),
	QF("bad_used_len_errors", bad_len),
};

static const struct virtnet_xstat virtnet_xs_txq_own[] = {
	QS("errors", errors),
	QS("notifications", notifications),
	QS("indirect_packets", indirect),
	QS("chained_packets", chained),
	QF("bad_used_idx_errors", bad_used_idx),
	QF("bad_used_id_errors", bad_id),
	QF("bad_used_len_errors", bad_len),
};

/* Per port: the control queue. */
static const struct virtnet_xstat virtnet_xs_port[] = {
	CS("ctrl_commands", commands),
	CS("ctrl_nack_errors", nacks),
	CS("ctrl_timeout_errors", timeouts),
	CS("ctrl_refused_errors", refused),
};

enum virtnet_xs_scope { VIRTNET_XS_RXQ, VIRTNET_XS_TXQ, VIRTNET_XS_PORT };

/* A group: its counters once per Rx queue, per Tx queue, or once. */
struct virtnet_xs_group {
	enum virtnet_xs_scope scope;
	const struct virtnet_xstat *stats;
	unsigned int n;
};

#define GROUP(s, t)	{ s, t, RTE_DIM(t) }

/* In id order: net_virtio's names first, so its ids are ours too. */
static const struct virtnet_xs_group virtnet_xs_groups[] = {
	GROUP(VIRTNET_XS_RXQ, virtnet_xs_rxq_virtio),
	GROUP(VIRTNET_XS_TXQ, virtnet_xs_txq_virtio),
	GROUP(VIRTNET_XS_RXQ, virtnet_xs_rxq_own),
	GROUP(VIRTNET_XS_TXQ, virtnet_xs_txq_own),
	GROUP(VIRTNET_XS_PORT, virtnet_xs_port),
};

/* Where an id is: its group, queue and counter. */
struct virtnet_xs_pos {
	const struct virtnet_xs_group *g;
	const struct virtnet_xstat *x;
	uint16_t q;
};

static unsigned int
virtnet_xs_units(const struct rte_eth_dev *dev, enum virtnet_xs_scope s)
{
	if (s == VIRTNET_XS_RXQ)
		return dev->data->nb_rx_queues;
	if (s == VIRTNET_XS_TXQ)
		return dev->data->nb_tx_queues;
	return 1;
}

unsigned int
virtnet_xstats_count(const struct rte_eth_dev *dev)
{
	unsigned int i, n = 0;

	for (i = 0; i < RTE_DIM(virtnet_xs_groups); i++)
		n += virtnet_xs_units(dev, virtnet_xs_groups[i].scope) *
			virtnet_xs_groups[i].n;
	return n;
}

/* @return 0, or -EINVAL when @p id is beyond the port's xstats. */
static int
virtnet_xs_find(const struct rte_eth_dev *dev, uint64_t id,
		struct virtnet_xs_pos *p)
{
	const struct virtnet_xs_group *g;
	uint64_t span;
	unsigned int i;

	for (i = 0; i < RTE_DIM(virtnet_xs_groups); i++) {
		g = &virtnet_xs_groups[i];
		span = (uint64_t)virtnet_xs_units(dev, g->scope) * g->n;
		if (id < span) {
			p->g = g;
			p->q = (uint16_t)(id / g->n);
			p->x = &g->stats[id % g->n];
			return 0;
		}
		id -= span;
	}
	return -EINVAL;
}

static uint64_t
virtnet_xs_field(const void *base, uint16_t off)
{
	return *(const uint64_t *)((const char *)base + off);
}

/* A queue's counter; a fault kind adds the rings freed and the live one. */
static uint64_t
virtnet_xs_queue_value(const struct virtnet_xstat *x,
		const struct virtnet_queue_stats *st,
		const struct virtnet_vq_errors *freed, const struct virtnet_vq *vq)
{
	if (!x->fault)
		return virtnet_xs_field(st, x->off);
	return virtnet_xs_field(freed, x->off) +
		(vq == NULL ? 0 : virtnet_xs_field(&vq->err, x->off));
}

/* A queue not set up (or a port being closed) counts 0. */
static uint64_t
virtnet_xs_value(const struct rte_eth_dev *dev, const struct virtnet_xs_pos *p)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	const struct virtnet_rxq *rxq;
	const struct virtnet_txq *txq;

	switch (p->g->scope) {
	case VIRTNET_XS_RXQ:
		rxq = dev->data->rx_queues[p->q];
		return rxq == NULL ? 0 : virtnet_xs_queue_value(p->x,
			&rxq->stats, &rxq->ring_errors, rxq->vq);
	case VIRTNET_XS_TXQ:
		txq = dev->data->tx_queues[p->q];
		return txq == NULL ? 0 : virtnet_xs_queue_value(p->x,
			&txq->stats, &txq->ring_errors, txq->vq);
	default:
		return hw == NULL ? 0 :
			virtnet_xs_field(&hw->ctrl_stats, p->x->off);
	}
}

unsigned int
virtnet_xstats_read(struct rte_eth_dev *dev, unsigned int first,
		uint64_t *values, unsigned int n)
{
	struct virtnet_xs_pos p;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (virtnet_xs_find(dev, (uint64_t)first + i, &p) < 0)
			break;
		values[i] = virtnet_xs_value(dev, &p);
	}
	return i;
}

static void
virtnet_xs_name(const struct rte_eth_dev *dev, uint64_t id,
		struct rte_eth_xstat_name *name)
{
	struct virtnet_xs_pos p;

	if (virtnet_xs_find(dev, id, &p) < 0)
		return;
	if (p.g->scope == VIRTNET_XS_PORT)
		snprintf(name->name, sizeof(name->name), "%s", p.x->name);
	else
		snprintf(name->name, sizeof(name->name), "%s_q%u_%s",
			p.g->scope == VIRTNET_XS_RXQ ? "rx" : "tx", p.q,
			p.x->name);
}

int
virtnet_xstats_names(struct rte_eth_dev *dev,
		struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int n = virtnet_xstats_count(dev), i;

	if (names == NULL || size < n)
		return n;
	for (i = 0; i < n; i++)
		virtnet_xs_name(dev, i, &names[i]);
	return n;
}

/* Ids the application gave: each must name one of the port's xstats. */
static int
virtnet_xs_check_ids(const struct rte_eth_dev *dev, const uint64_t *ids,
		unsigned int size, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		if (ids[i] >= count) {
			VIRTNET_LOG(ERR, "port %u: xstat id %" PRIu64 " asked, the port has %u (plus ethdev's basic ones)",
				dev->data->port_id, ids[i], count);
			return -EINVAL;
		}
	return 0;
}

int
virtnet_xstats_names_by_id(struct rte_eth_dev *dev, const uint64_t *ids,
		struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int i;
	int ret;

	if (ids == NULL)
		return virtnet_xstats_names(dev, names, size);
	ret = virtnet_xs_check_ids(dev, ids, size, virtnet_xstats_count(dev));
	if (ret < 0)
		return ret;
	for (i = 0; i < size; i++)
		virtnet_xs_name(dev, ids[i], &names[i]);
	return size;
}

/* Every value through @p fetch, into a buffer the caller frees. */
static int
virtnet_xs_fetch_all(struct rte_eth_dev *dev, unsigned int n,
		virtnet_xstats_fetch_t fetch, uint64_t **values)
{
	int ret;

	*values = malloc(RTE_MAX(n, 1u) * sizeof(**values));
	if (*values == NULL)
		return -ENOMEM;
	ret = fetch(dev, 0, *values, n);
	if (ret < 0)
		free(*values);
	return ret;
}

int
virtnet_xstats_get_with(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		unsigned int n, virtnet_xstats_fetch_t fetch)
{
	unsigned int count = virtnet_xstats_count(dev), i;
	uint64_t *v;
	int ret;

	if (xstats == NULL || n < count)
		return count;
	ret = virtnet_xs_fetch_all(dev, count, fetch, &v);
	if (ret < 0)
		return ret;
	for (i = 0; i < count; i++) {
		xstats[i].id = i;
		xstats[i].value = v[i];
	}
	free(v);
	return count;
}

int
virtnet_xstats_get_by_id_with(struct rte_eth_dev *dev, const uint64_t *ids,
		uint64_t *values, unsigned int size, virtnet_xstats_fetch_t fetch)
{
	unsigned int count = virtnet_xstats_count(dev), i;
	uint64_t *v;
	int ret;

	if (ids == NULL) {
		if (values == NULL || size < count)
			return count;
		ret = fetch(dev, 0, values, count);
		return ret < 0 ? ret : (int)count;
	}
	ret = virtnet_xs_check_ids(dev, ids, size, count);
	if (ret == 0)
		ret = virtnet_xs_fetch_all(dev, count, fetch, &v);
	if (ret < 0)
		return ret;
	for (i = 0; i < size; i++)
		values[i] = v[ids[i]];
	free(v);
	return size;
}

/* The primary's values: the port lock keeps recovery from freeing rings. */
static int
virtnet_xs_fetch_local(struct rte_eth_dev *dev, unsigned int first,
		uint64_t *values, unsigned int n)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	pthread_mutex_lock(&hw->lock);
	virtnet_xstats_read(dev, first, values, n);
	pthread_mutex_unlock(&hw->lock);
	return 0;
}

int
virtnet_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		unsigned int n)
{
	return virtnet_xstats_get_with(dev, xstats, n, virtnet_xs_fetch_local);
}

int
virtnet_xstats_get_by_id(struct rte_eth_dev *dev, const uint64_t *ids,
		uint64_t *values, unsigned int size)
{
	return virtnet_xstats_get_by_id_with(dev, ids, values, size,
		virtnet_xs_fetch_local);
}
