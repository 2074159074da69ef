/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * A virtnet port in a secondary process: the ethdev ops that can be
 * answered without the primary's process memory (through rte_mp, or from
 * the shared port data), and bursts that refuse.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mempool.h>
#include <rte_string_fns.h>

#include "virtnet_log.h"
#include "virtnet_mp.h"
#include "virtnet_secondary.h"
#include "virtnet_xstats.h"

#define VIRTNET_SEC_RX	1
#define VIRTNET_SEC_TX	2

/* The port in this process (dev->process_private). */
struct virtnet_sec {
	struct virtnet_mp_info info;	/**< the primary's, at attach */
	uint8_t told;		/**< VIRTNET_SEC_RX/TX: refusal logged */
};

static const struct eth_dev_ops virtnet_sec_ops;

static int
virtnet_sec_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	const struct virtnet_mp_info *s =
		&((const struct virtnet_sec *)dev->process_private)->info;

	info->rx_offload_capa = s->rx_offload_capa;
	info->tx_offload_capa = s->tx_offload_capa;
	info->rx_queue_offload_capa = s->rx_queue_offload_capa;
	info->tx_queue_offload_capa = s->tx_queue_offload_capa;
	info->flow_type_rss_offloads = s->flow_type_rss_offloads;
	info->dev_capa = s->dev_capa;
	info->min_rx_bufsize = s->min_rx_bufsize;
	info->max_rx_pktlen = s->max_rx_pktlen;
	info->max_lro_pkt_size = s->max_lro_pkt_size;
	info->max_mac_addrs = s->max_mac_addrs;
	info->speed_capa = s->speed_capa;
	info->min_mtu = s->min_mtu;
	info->max_mtu = s->max_mtu;
	info->max_rx_queues = s->max_rx_queues;
	info->max_tx_queues = s->max_tx_queues;
	info->reta_size = s->reta_size;
	info->hash_key_size = s->hash_key_size;
	info->rx_desc_lim = s->rx_desc_lim;
	info->tx_desc_lim = s->tx_desc_lim;
	info->default_rxportconf = s->default_rxportconf;
	info->default_txportconf = s->default_txportconf;
	return 0;
}

/* The primary keeps dev->data->dev_link; ethdev reads it after this. */
static int
virtnet_sec_link_update(struct rte_eth_dev *dev __rte_unused,
		int wait __rte_unused)
{
	return 0;
}

/* One reply's totals and queues into @p st; the next queue, or < 0. */
static int
virtnet_sec_stats_merge(const struct virtnet_mp_stats *s, uint16_t first,
		struct rte_eth_stats *st)
{
	uint16_t i, q;

	if (s->first != first || s->count > VIRTNET_MP_STATS_QUEUES ||
	    s->nb_queues > RTE_ETHDEV_QUEUE_STAT_CNTRS ||
	    s->first + s->count > s->nb_queues)
		return -EIO;
	if (first == 0) {
		st->ipackets = s->ipackets;
		st->opackets = s->opackets;
		st->ibytes = s->ibytes;
		st->obytes = s->obytes;
		st->ierrors = s->ierrors;
		st->oerrors = s->oerrors;
	}
	for (i = 0; i < s->count; i++) {
		q = first + i;
		st->q_ipackets[q] = s->q[i].ipackets;
		st->q_ibytes[q] = s->q[i].ibytes;
		st->q_errors[q] = s->q[i].errors;
		st->q_opackets[q] = s->q[i].opackets;
		st->q_obytes[q] = s->q[i].obytes;
	}
	return first + s->count;
}

/*
 * Totals from the first reply, queues a few per reply: with traffic
 * flowing, later queues are read a little later than the totals.
 */
static int
virtnet_sec_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	struct virtnet_mp_reply rep;
	uint16_t first = 0;
	int ret;

	do {
		ret = virtnet_mp_request(dev, VIRTNET_MP_STATS_GET, first,
			&rep);
		if (ret < 0)
			return ret;
		ret = virtnet_sec_stats_merge(&rep.stats, first, st);
		if (ret < 0) {
			VIRTNET_LOG(ERR, "port %u: malformed stats from the primary process",
				dev->data->port_id);
			return ret;
		}
		first = (uint16_t)ret;
	} while (rep.stats.count > 0 && first < rep.stats.nb_queues);
	return 0;
}

static int
virtnet_sec_stats_reset(struct rte_eth_dev *dev)
{
	struct virtnet_mp_reply rep;

	return virtnet_mp_request(dev, VIRTNET_MP_STATS_RESET, 0, &rep);
}

/*
 * xstat values from the primary, a few per request; names are this
 * process's (virtnet_xstats.h): the primary must count as many.
 */
static int
virtnet_sec_xstats_fetch(struct rte_eth_dev *dev, unsigned int first,
		uint64_t *values, unsigned int n)
{
	const struct virtnet_mp_xstats *x;
	struct virtnet_mp_reply rep;
	unsigned int done = 0;
	int ret;

	while (done < n) {
		ret = virtnet_mp_request(dev, VIRTNET_MP_XSTATS_GET,
			(uint16_t)(first + done), &rep);
		if (ret < 0)
			return ret;
		x = &rep.xstats;
		if (x->total != virtnet_xstats_count(dev) ||
		    x->first != first + done || x->count == 0 ||
		    x->count > RTE_MIN(n - done,
				(unsigned int)VIRTNET_MP_XSTATS_VALUES)) {
			VIRTNET_LOG(ERR, "port %u: xstats from the primary process do not match this one's (%u of %u, reconfigured?)",
				dev->data->port_id, x->count, x->total);
			return -EIO;
		}
		memcpy(values + done, x->values, x->count * sizeof(*values));
		done += x->count;
	}
	return 0;
}

static int
virtnet_sec_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		unsigned int n)
{
	return virtnet_xstats_get_with(dev, xstats, n,
		virtnet_sec_xstats_fetch);
}

static int
virtnet_sec_xstats_get_by_id(struct rte_eth_dev *dev, const uint64_t *ids,
		uint64_t *values, unsigned int size)
{
	return virtnet_xstats_get_by_id_with(dev, ids, values, size,
		virtnet_sec_xstats_fetch);
}

static int
virtnet_sec_burst_mode(struct rte_eth_dev *dev, enum virtnet_mp_op op,
		struct rte_eth_burst_mode *mode)
{
	struct virtnet_mp_reply rep;
	int ret;

	ret = virtnet_mp_request(dev, op, 0, &rep);
	if (ret < 0)
		return ret;
	rep.mode[sizeof(rep.mode) - 1] = '\0';
	mode->flags = 0;
	strlcpy(mode->info, rep.mode, sizeof(mode->info));
	return 0;
}

static int
virtnet_sec_rx_burst_mode_get(struct rte_eth_dev *dev,
		uint16_t qid __rte_unused, struct rte_eth_burst_mode *mode)
{
	return virtnet_sec_burst_mode(dev, VIRTNET_MP_RX_BURST_MODE, mode);
}

static int
virtnet_sec_tx_burst_mode_get(struct rte_eth_dev *dev,
		uint16_t qid __rte_unused, struct rte_eth_burst_mode *mode)
{
	return virtnet_sec_burst_mode(dev, VIRTNET_MP_TX_BURST_MODE, mode);
}

/* ethdev's queue info ops return nothing: a failure leaves zeros. */
static void
virtnet_sec_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_rxq_info *qinfo)
{
	struct virtnet_mp_reply rep;

	if (virtnet_mp_request(dev, VIRTNET_MP_RXQ_INFO, qid, &rep) < 0)
		return;
	rep.qinfo.pool[sizeof(rep.qinfo.pool) - 1] = '\0';
	qinfo->mp = rte_mempool_lookup(rep.qinfo.pool);
	qinfo->nb_desc = rep.qinfo.nb_desc;
	qinfo->rx_buf_size = rep.qinfo.rx_buf_size;
	qinfo->scattered_rx = rep.qinfo.scattered_rx;
}

static void
virtnet_sec_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_txq_info *qinfo)
{
	struct virtnet_mp_reply rep;

	if (virtnet_mp_request(dev, VIRTNET_MP_TXQ_INFO, qid, &rep) < 0)
		return;
	qinfo->nb_desc = rep.qinfo.nb_desc;
}

/* This process's part only; ethdev then releases the port here. */
static int
virtnet_sec_close(struct rte_eth_dev *dev)
{
	free(dev->process_private);
	dev->process_private = NULL;
	return 0;
}

/*
 * No start, stop, configure, queue setup, Rx mode or MTU: those change
 * the primary's port (ethdev answers -ENOTSUP).
 */
static const struct eth_dev_ops virtnet_sec_ops = {
	.dev_infos_get = virtnet_sec_infos_get,
	.dev_close = virtnet_sec_close,
	.link_update = virtnet_sec_link_update,
	.stats_get = virtnet_sec_stats_get,
	.stats_reset = virtnet_sec_stats_reset,
	.xstats_get = virtnet_sec_xstats_get,
	.xstats_get_names = virtnet_xstats_names,
	.xstats_get_by_id = virtnet_sec_xstats_get_by_id,
	.xstats_get_names_by_id = virtnet_xstats_names_by_id,
	.xstats_reset = virtnet_sec_stats_reset,
	.rx_burst_mode_get = virtnet_sec_rx_burst_mode_get,
	.tx_burst_mode_get = virtnet_sec_tx_burst_mode_get,
	.rxq_info_get = virtnet_sec_rxq_info_get,
	.txq_info_get = virtnet_sec_txq_info_get,
};

static bool
virtnet_sec_has_queue(const struct rte_eth_dev *dev, const void *queue,
		unsigned int dir)
{
	void * const *qs = dir == VIRTNET_SEC_RX ? dev->data->rx_queues :
		dev->data->tx_queues;
	uint16_t n = dir == VIRTNET_SEC_RX ? dev->data->nb_rx_queues :
		dev->data->nb_tx_queues;
	uint16_t i;

	for (i = 0; qs != NULL && i < n; i++)
		if (qs[i] == queue)
			return true;
	return false;
}

/*
 * Say once per port and direction why the burst returns nothing. The
 * queue pointer is the primary's (not to be read here): the port is the
 * one whose shared queue array holds it. At most one search a second.
 */
static void
virtnet_sec_refused(const void *queue, unsigned int dir)
{
	static uint64_t next_search;
	static uint8_t told_unknown;
	uint64_t now = rte_get_timer_cycles();
	const char *what = dir == VIRTNET_SEC_RX ? "Rx" : "Tx";
	struct virtnet_sec *sec;
	uint16_t port;

	if (now < __atomic_load_n(&next_search, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&next_search, now + rte_get_timer_hz(),
		__ATOMIC_RELAXED);
	for (port = 0; port < RTE_MAX_ETHPORTS; port++) {
		const struct rte_eth_dev *dev = &rte_eth_devices[port];

		sec = dev->process_private;
		if (dev->dev_ops != &virtnet_sec_ops || sec == NULL ||
		    !virtnet_sec_has_queue(dev, queue, dir))
			continue;
		if (!(__atomic_fetch_or(&sec->told, dir, __ATOMIC_RELAXED) &
				dir))
			VIRTNET_LOG(ERR, "port %u: %s burst refused in a secondary process: virtnet queues live in the primary process's memory; run the datapath in the primary (stats, pdump and dumpcap work from secondaries)",
				port, what);
		return;
	}
	if (!(__atomic_fetch_or(&told_unknown, dir, __ATOMIC_RELAXED) & dir))
		VIRTNET_LOG(ERR, "%s burst refused in a secondary process on a queue no port has: run the datapath in the primary",
			what);
}

static uint16_t
virtnet_sec_rx_burst(void *rxq, struct rte_mbuf **pkts __rte_unused,
		uint16_t n __rte_unused)
{
	virtnet_sec_refused(rxq, VIRTNET_SEC_RX);
	return 0;
}

static uint16_t
virtnet_sec_tx_burst(void *txq, struct rte_mbuf **pkts __rte_unused,
		uint16_t n __rte_unused)
{
	virtnet_sec_refused(txq, VIRTNET_SEC_TX);
	return 0;
}

int
virtnet_secondary_probe(const char *name, struct rte_device *device)
{
	struct virtnet_mp_reply rep;
	struct virtnet_sec *sec;
	struct rte_eth_dev *dev;
	int ret;

	dev = rte_eth_dev_attach_secondary(name);
	if (dev == NULL)
		return 1;
	ret = virtnet_mp_request(dev, VIRTNET_MP_INFO, 0, &rep);
	if (ret == -ENODEV) {
		VIRTNET_INIT_LOG(INFO, "%s: not a virtnet port of the primary process",
			name);
		return 1;
	}
	if (ret < 0)
		return ret;
	sec = calloc(1, sizeof(*sec));
	if (sec == NULL)
		return -ENOMEM;
	sec->info = rep.info;
	dev->process_private = sec;
	dev->device = device;
	dev->dev_ops = &virtnet_sec_ops;
	dev->rx_pkt_burst = virtnet_sec_rx_burst;
	dev->tx_pkt_burst = virtnet_sec_tx_burst;
	dev->tx_pkt_prepare = NULL;
	rte_eth_dev_probing_finish(dev);
	VIRTNET_INIT_LOG(INFO, "%s: port %u attached in a secondary process: stats and capture through the primary, no datapath here",
		name, dev->data->port_id);
	return 0;
}

int
virtnet_secondary_remove(const char *name)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(name);

	if (dev == NULL)
		return 0;
	if (dev->dev_ops == &virtnet_sec_ops)
		virtnet_sec_close(dev);
	return rte_eth_dev_release_port(dev);
}
