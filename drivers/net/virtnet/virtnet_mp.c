/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Multi-process: the primary's answers (from EAL's mp thread) and the
 * secondary's requests. The primary keeps, in process memory, the ports it
 * serves; it reads their queues under virtnet_queues_lock(), which also
 * guards that list.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_string_fns.h>

#include "virtnet_log.h"
#include "virtnet_mp.h"
#include "virtnet_queue.h"
#include "virtnet_rxtx.h"
#include "virtnet_xstats.h"

/* The primary answers from its mp thread within milliseconds. */
#define VIRTNET_MP_TIMEOUT_S	5

/* A port the primary serves, and what its dev_info said at probe. */
struct virtnet_mp_port {
	TAILQ_ENTRY(virtnet_mp_port) next;
	uint16_t port_id;
	char name[RTE_ETH_NAME_MAX_LEN];
	struct virtnet_mp_info info;
};

static TAILQ_HEAD(, virtnet_mp_port) virtnet_mp_ports =
	TAILQ_HEAD_INITIALIZER(virtnet_mp_ports);

/* Under virtnet_queues_lock(). */
static struct virtnet_mp_port *
virtnet_mp_port_find(uint16_t port_id)
{
	struct virtnet_mp_port *p;

	TAILQ_FOREACH(p, &virtnet_mp_ports, next)
		if (p->port_id == port_id)
			return p;
	return NULL;
}

/* Under virtnet_queues_lock(); the caller frees what it returns. */
static struct virtnet_mp_port *
virtnet_mp_port_unlink(uint16_t port_id)
{
	struct virtnet_mp_port *p = virtnet_mp_port_find(port_id);

	if (p != NULL)
		TAILQ_REMOVE(&virtnet_mp_ports, p, next);
	return p;
}

/* Counters as the primary's stats_get sums them, a few queues per reply. */
static int
virtnet_mp_stats(struct rte_eth_dev *dev, uint16_t first,
		struct virtnet_mp_stats *s)
{
	struct rte_eth_stats st;
	uint16_t n, i, q;

	n = RTE_MIN(RTE_MAX(dev->data->nb_rx_queues, dev->data->nb_tx_queues),
		RTE_ETHDEV_QUEUE_STAT_CNTRS);
	if (first > n)
		return -EINVAL;
	memset(&st, 0, sizeof(st));
	virtnet_queues_stats_get(dev, &st);
	s->ipackets = st.ipackets;
	s->opackets = st.opackets;
	s->ibytes = st.ibytes;
	s->obytes = st.obytes;
	s->ierrors = st.ierrors;
	s->oerrors = st.oerrors;
	s->nb_queues = n;
	s->first = first;
	s->count = RTE_MIN(n - first, VIRTNET_MP_STATS_QUEUES);
	for (i = 0; i < s->count; i++) {
		q = first + i;
		s->q[i].ipackets = st.q_ipackets[q];
		s->q[i].ibytes = st.q_ibytes[q];
		s->q[i].errors = st.q_errors[q];
		s->q[i].opackets = st.q_opackets[q];
		s->q[i].obytes = st.q_obytes[q];
	}
	return 0;
}

/* A few xstat values from @p first (within 16 bits: 128 queue pairs fit). */
static int
virtnet_mp_xstats(struct rte_eth_dev *dev, uint16_t first,
		struct virtnet_mp_xstats *x)
{
	unsigned int n = virtnet_xstats_count(dev);

	if (first > n)
		return -EINVAL;
	x->total = n;
	x->first = first;
	x->count = (uint16_t)virtnet_xstats_read(dev, first, x->values,
		RTE_MIN(n - first, (unsigned int)VIRTNET_MP_XSTATS_VALUES));
	return 0;
}

/*
 * The path serving the port, found from its burst function: the port
 * struct that names it may be going away (close), the burst pointer is
 * the ethdev's own.
 */
static int
virtnet_mp_burst_mode(const struct rte_eth_dev *dev, bool rx, char *mode)
{
	const struct virtnet_path *p;

	for (p = rx ? virtnet_rx_paths : virtnet_tx_paths; p->name != NULL; p++)
		if (rx ? p->rx == dev->rx_pkt_burst :
				p->tx == dev->tx_pkt_burst) {
			strlcpy(mode, p->name, VIRTNET_MP_MODE_LEN);
			return 0;
		}
	return -EINVAL;
}

/* A queue that exists: its port struct exists too (virtnet_queue.h). */
static int
virtnet_mp_qinfo(struct rte_eth_dev *dev, bool rx, uint16_t qid,
		struct virtnet_mp_qinfo *qi)
{
	struct rte_eth_rxq_info rinfo;
	struct rte_eth_txq_info tinfo;

	memset(&rinfo, 0, sizeof(rinfo));
	memset(&tinfo, 0, sizeof(tinfo));
	if (rx) {
		if (qid >= dev->data->nb_rx_queues ||
		    dev->data->rx_queues[qid] == NULL)
			return -EINVAL;
		virtnet_rxq_info_get(dev, qid, &rinfo);
		strlcpy(qi->pool, rinfo.mp->name, sizeof(qi->pool));
		qi->nb_desc = rinfo.nb_desc;
		qi->rx_buf_size = rinfo.rx_buf_size;
		qi->scattered_rx = rinfo.scattered_rx;
	} else {
		if (qid >= dev->data->nb_tx_queues ||
		    dev->data->tx_queues[qid] == NULL)
			return -EINVAL;
		virtnet_txq_info_get(dev, qid, &tinfo);
		qi->nb_desc = tinfo.nb_desc;
	}
	return 0;
}

/* Under virtnet_queues_lock(). */
static int
virtnet_mp_serve(const struct virtnet_mp_req *req,
		struct virtnet_mp_reply *rep)
{
	const struct virtnet_mp_port *p = virtnet_mp_port_find(req->port_id);
	struct rte_eth_dev *dev;

	/* Closed, or the id now names another port. */
	if (p == NULL || strcmp(p->name, req->name) != 0)
		return -ENODEV;
	dev = &rte_eth_devices[p->port_id];
	switch (req->op) {
	case VIRTNET_MP_INFO:
		rep->info = p->info;
		return 0;
	case VIRTNET_MP_STATS_GET:
		return virtnet_mp_stats(dev, req->arg, &rep->stats);
	case VIRTNET_MP_STATS_RESET:
		virtnet_queues_stats_reset(dev);
		dev->data->rx_mbuf_alloc_failed = 0;
		return 0;
	case VIRTNET_MP_RX_BURST_MODE:
	case VIRTNET_MP_TX_BURST_MODE:
		return virtnet_mp_burst_mode(dev,
			req->op == VIRTNET_MP_RX_BURST_MODE, rep->mode);
	case VIRTNET_MP_RXQ_INFO:
	case VIRTNET_MP_TXQ_INFO:
		return virtnet_mp_qinfo(dev, req->op == VIRTNET_MP_RXQ_INFO,
			req->arg, &rep->qinfo);
	case VIRTNET_MP_XSTATS_GET:
		return virtnet_mp_xstats(dev, req->arg, &rep->xstats);
	default:
		return -ENOTSUP;
	}
}

/* EAL's mp thread: one reply per request, whatever happens. */
static int
virtnet_mp_handle(const struct rte_mp_msg *msg, const void *peer)
{
	struct virtnet_mp_reply rep;
	struct virtnet_mp_req req;
	struct rte_mp_msg out;

	memset(&rep, 0, sizeof(rep));
	if (msg->len_param != sizeof(req) || msg->num_fds != 0) {
		rep.status = -EINVAL;
	} else {
		memcpy(&req, msg->param, sizeof(req));
		req.name[sizeof(req.name) - 1] = '\0';
		virtnet_queues_lock();
		rep.status = virtnet_mp_serve(&req, &rep);
		virtnet_queues_unlock();
	}
	memset(&out, 0, sizeof(out));
	strlcpy(out.name, msg->name, sizeof(out.name));
	out.len_param = sizeof(rep);
	memcpy(out.param, &rep, sizeof(rep));
	if (rte_mp_reply(&out, peer) < 0)
		VIRTNET_LOG(ERR, "cannot answer a secondary process: %s",
			rte_strerror(rte_errno));
	return 0;
}

void
virtnet_mp_primary_init(void)
{
	static bool done;

	RTE_BUILD_BUG_ON(sizeof(struct virtnet_mp_req) > RTE_MP_MAX_PARAM_LEN);
	RTE_BUILD_BUG_ON(sizeof(struct virtnet_mp_reply) >
		RTE_MP_MAX_PARAM_LEN);
	if (__atomic_exchange_n(&done, true, __ATOMIC_RELAXED))
		return;
	if (rte_mp_action_register(VIRTNET_MP_ACTION, virtnet_mp_handle) < 0 &&
	    rte_errno != EEXIST)
		VIRTNET_INIT_LOG(INFO, "no multi-process channel (%s): secondary processes cannot reach virtnet ports",
			rte_strerror(rte_errno));
}

/* ethdev destroys the port (close, remove): secondaries get -ENODEV. */
static int
virtnet_mp_port_gone(uint16_t port_id, enum rte_eth_event_type ev __rte_unused,
		void *arg __rte_unused, void *ret __rte_unused)
{
	struct virtnet_mp_port *p;

	virtnet_queues_lock();
	p = virtnet_mp_port_unlink(port_id);
	virtnet_queues_unlock();
	free(p);
	return 0;
}

/*
 * What rte_eth_dev_info_get() would give, from the driver's op: the bus
 * has not set the port's driver yet, which that function reads.
 */
static int
virtnet_mp_info_snapshot(struct rte_eth_dev *dev, struct virtnet_mp_info *s)
{
	struct rte_eth_dev_info info;
	int ret;

	memset(&info, 0, sizeof(info));
	ret = dev->dev_ops->dev_infos_get(dev, &info);
	if (ret < 0)
		return ret;
	s->rx_offload_capa = info.rx_offload_capa;
	s->tx_offload_capa = info.tx_offload_capa;
	s->rx_queue_offload_capa = info.rx_queue_offload_capa;
	s->tx_queue_offload_capa = info.tx_queue_offload_capa;
	s->flow_type_rss_offloads = info.flow_type_rss_offloads;
	s->dev_capa = info.dev_capa;
	s->min_rx_bufsize = info.min_rx_bufsize;
	s->max_rx_pktlen = info.max_rx_pktlen;
	s->max_lro_pkt_size = info.max_lro_pkt_size;
	s->max_mac_addrs = info.max_mac_addrs;
	s->speed_capa = info.speed_capa;
	s->min_mtu = info.min_mtu;
	s->max_mtu = info.max_mtu;
	s->max_rx_queues = info.max_rx_queues;
	s->max_tx_queues = info.max_tx_queues;
	s->reta_size = info.reta_size;
	s->hash_key_size = info.hash_key_size;
	s->rx_desc_lim = info.rx_desc_lim;
	s->tx_desc_lim = info.tx_desc_lim;
	s->default_rxportconf = info.default_rxportconf;
	s->default_txportconf = info.default_txportconf;
	return 0;
}

void
virtnet_mp_port_add(struct rte_eth_dev *dev)
{
	uint16_t port_id = dev->data->port_id;
	struct virtnet_mp_port *p = calloc(1, sizeof(*p)), *old;
	int ret = -ENOMEM;

	if (p != NULL)
		ret = virtnet_mp_info_snapshot(dev, &p->info);
	/* Registered once per port id: ethdev keeps it for the next port. */
	if (ret == 0)
		ret = rte_eth_dev_callback_register(port_id,
			RTE_ETH_EVENT_DESTROY, virtnet_mp_port_gone, NULL);
	if (ret < 0) {
		VIRTNET_INIT_LOG(WARNING, "port %u: secondary processes will not reach it: %s",
			port_id, rte_strerror(-ret));
		free(p);
		return;
	}
	p->port_id = port_id;
	strlcpy(p->name, dev->data->name, sizeof(p->name));
	virtnet_queues_lock();
	old = virtnet_mp_port_unlink(port_id);
	TAILQ_INSERT_TAIL(&virtnet_mp_ports, p, next);
	virtnet_queues_unlock();
	free(old);
}

int
virtnet_mp_request(const struct rte_eth_dev *dev, enum virtnet_mp_op op,
		uint16_t arg, struct virtnet_mp_reply *reply)
{
	struct timespec ts = { .tv_sec = VIRTNET_MP_TIMEOUT_S };
	struct virtnet_mp_req req;
	struct rte_mp_reply r;
	struct rte_mp_msg msg;
	int ret;

	memset(&req, 0, sizeof(req));
	strlcpy(req.name, dev->data->name, sizeof(req.name));
	req.port_id = dev->data->port_id;
	req.op = op;
	req.arg = arg;
	memset(&msg, 0, sizeof(msg));
	strlcpy(msg.name, VIRTNET_MP_ACTION, sizeof(msg.name));
	msg.len_param = sizeof(req);
	memcpy(msg.param, &req, sizeof(req));
	ret = rte_mp_request_sync(&msg, &r, &ts);
	if (ret < 0 || r.nb_received != 1 ||
	    r.msgs[0].len_param != sizeof(*reply)) {
		VIRTNET_LOG(ERR, "port %u (%s): no answer from the primary process (%s)",
			req.port_id, req.name, ret < 0 ?
			rte_strerror(rte_errno) : "no virtnet there?");
		free(r.msgs);
		return -EIO;
	}
	memcpy(reply, r.msgs[0].param, sizeof(*reply));
	free(r.msgs);
	return reply->status;
}
