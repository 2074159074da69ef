/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * The announce a device asks for, served from the interrupt thread. The
 * frames go out on Tx queue 0 while the app's bursts on that queue are
 * held off for the few microseconds it takes (virtnet_txq_inject()), so
 * the app's lcore and this thread never share the ring; net_virtio
 * instead clears its started flag and sends on queue 0 while the app's
 * burst may still be running.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "virtnet_announce.h"
#include "virtnet_ctrl.h"
#include "virtnet_device.h"
#include "virtnet_log.h"
#include "virtnet_queue.h"
#include "virtnet_rxtx.h"

/* Frames per announce at most: MAC addresses x (untagged + VLANs). */
#define VIRTNET_ANNOUNCE_MAX	256
/* Rounds of a full Tx ring before the rest is given up. */
#define VIRTNET_ANNOUNCE_TRIES	100

struct virtnet_announce {
	struct rte_ether_addr macs[VIRTNET_ANNOUNCE_MAX];
	uint16_t vlans[VIRTNET_ANNOUNCE_MAX];
	uint32_t nb_macs;
	uint32_t nb_vlans;
	struct rte_mbuf *pkts[VIRTNET_ANNOUNCE_MAX];
	uint32_t nb_pkts;
};

static bool
virtnet_announce_pending(const struct virtnet_dev *hw)
{
	uint16_t status = 0;

	if (!virtnet_has(hw, VIRTIO_NET_F_GUEST_ANNOUNCE) ||
	    hw->tp.ops->read_config(hw->tp.priv,
			offsetof(struct virtio_net_config, status), &status,
			sizeof(status)) < 0)
		return false;
	return !!(status & VIRTIO_NET_S_ANNOUNCE);
}

/*
 * Hook of the MAC table: every address ethdev keeps for the port (the
 * primary one first), as many as dev_info's max_mac_addrs; a multicast
 * one (mac_addr_add takes them) is nobody's source address.
 */
static void
virtnet_announce_macs(struct rte_eth_dev *dev, struct virtnet_announce *a)
{
	struct rte_eth_dev_info info;
	uint32_t i;

	memset(&info, 0, sizeof(info));
	if (dev->dev_ops->dev_infos_get(dev, &info) != 0 ||
	    info.max_mac_addrs == 0)
		info.max_mac_addrs = 1;
	for (i = 0; i < info.max_mac_addrs && a->nb_macs < RTE_DIM(a->macs);
	     i++)
		if (rte_is_valid_assigned_ether_addr(&dev->data->mac_addrs[i]))
			a->macs[a->nb_macs++] = dev->data->mac_addrs[i];
}

/*
 * Hook of the VLAN filter: the VLAN ids ethdev recorded as added
 * (rte_eth_dev_vlan_filter() succeeded), while the filter is on.
 */
static void
virtnet_announce_vlans(const struct rte_eth_dev *dev,
		struct virtnet_announce *a)
{
	const struct rte_vlan_filter_conf *f = &dev->data->vlan_filter_conf;
	uint32_t vid;

	if (!(dev->data->dev_conf.rxmode.offloads &
			RTE_ETH_RX_OFFLOAD_VLAN_FILTER))
		return;
	for (vid = 1; vid < RTE_ETHER_MAX_VLAN_ID + 1 &&
	     a->nb_vlans < RTE_DIM(a->vlans); vid++)
		if (f->ids[vid / 64] & (UINT64_C(1) << (vid % 64)))
			a->vlans[a->nb_vlans++] = (uint16_t)vid;
}

/* One RARP per MAC untagged, and one per MAC and VLAN. */
static void
virtnet_announce_build(struct rte_mempool *mp, struct virtnet_announce *a)
{
	struct rte_mbuf *m;
	uint32_t i, v;

	for (i = 0; i < a->nb_macs; i++) {
		for (v = 0; v <= a->nb_vlans; v++) {
			if (a->nb_pkts == RTE_DIM(a->pkts))
				return;
			m = rte_net_make_rarp_packet(mp, &a->macs[i]);
			if (m == NULL)
				return;
			if (v > 0) {
				/* Tagged by the Tx burst (rte_vlan_insert). */
				m->ol_flags |= RTE_MBUF_F_TX_VLAN;
				m->vlan_tci = a->vlans[v - 1];
			}
			a->pkts[a->nb_pkts++] = m;
		}
	}
}

/* The first Tx queue the app has not stopped, or -1. */
static int
virtnet_announce_txq(const struct rte_eth_dev *dev)
{
	const struct virtnet_txq *txq;
	uint16_t i;

	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		txq = dev->data->tx_queues[i];
		if (txq != NULL && txq->vq != NULL && !txq->app_stopped)
			return i;
	}
	return -1;
}

/* Sent on the first running Tx queue; a full ring is retried a while. */
static uint32_t
virtnet_announce_send(struct rte_eth_dev *dev, struct virtnet_announce *a)
{
	uint32_t sent = 0, tries = 0, i;
	int q = virtnet_announce_txq(dev);
	uint16_t n;

	if (q < 0)
		VIRTNET_LOG(WARNING, "port %u: every Tx queue is stopped; the announce goes unsent",
			dev->data->port_id);
	while (q >= 0 && sent < a->nb_pkts &&
	       tries++ < VIRTNET_ANNOUNCE_TRIES) {
		n = (uint16_t)RTE_MIN(a->nb_pkts - sent, UINT16_MAX);
		sent += virtnet_txq_inject(dev, (uint16_t)q, a->pkts + sent, n);
		if (sent < a->nb_pkts)
			rte_delay_us_sleep(10);
	}
	for (i = sent; i < a->nb_pkts; i++)
		rte_pktmbuf_free(a->pkts[i]);
	return sent;
}

void
virtnet_announce_serve(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	const struct virtnet_rxq *rxq;
	struct virtnet_announce *a;
	uint32_t sent;
	int ret;

	if (!hw->started || !virtnet_announce_pending(hw))
		return;
	a = calloc(1, sizeof(*a));
	rxq = dev->data->nb_rx_queues > 0 ? dev->data->rx_queues[0] : NULL;
	if (a == NULL || rxq == NULL || dev->data->nb_tx_queues == 0) {
		VIRTNET_LOG(ERR, "port %u: announce asked; nothing to send it with",
			dev->data->port_id);
	} else {
		virtnet_announce_macs(dev, a);
		virtnet_announce_vlans(dev, a);
		virtnet_announce_build(rxq->mp, a);
		sent = virtnet_announce_send(dev, a);
		VIRTNET_LOG(INFO, "port %u: announce: %u of %u RARP frames sent (%u MAC addresses, %u VLANs)",
			dev->data->port_id, sent,
			a->nb_macs * (a->nb_vlans + 1), a->nb_macs,
			a->nb_vlans);
	}
	free(a);
	/* Acknowledged whatever was sent, as Linux does: the device waits. */
	ret = virtnet_ctrl_announce_ack(hw->ctrl);
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: ANNOUNCE_ACK failed: %s",
			dev->data->port_id, rte_strerror(-ret));
}
