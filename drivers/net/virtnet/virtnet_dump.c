/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Port snapshots and their text (eth_dev_priv_dump).
 *
 * Telemetry asks from its own thread, while the application may start or
 * stop the port and recovery may free the rings from the interrupt
 * thread. All of them hold the port lock (hw->lock) while they make or
 * free rings, so the snapshot is taken under it too. Queue structs are
 * read only while the port runs its rings: then the application cannot
 * release them either (ethdev refuses queue setup and close on a started
 * port, and stopping needs the lock). The datapath keeps running and
 * takes no lock: its counters and indices are copied as they stand.
 */

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "virtnet_device.h"
#include "virtnet_dump.h"
#include "virtnet_rxtx.h"

#define VIRTNET_DUMP_DRV_PCI	"net_virtnet"
#define VIRTNET_DUMP_DRV_USER	"net_virtnet_user"

static const char *const virtnet_feature_names[64] = {
	[VIRTIO_NET_F_CSUM] = "CSUM",
	[VIRTIO_NET_F_GUEST_CSUM] = "GUEST_CSUM",
	[VIRTIO_NET_F_CTRL_GUEST_OFFLOADS] = "CTRL_GUEST_OFFLOADS",
	[VIRTIO_NET_F_MTU] = "MTU",
	[VIRTIO_NET_F_MAC] = "MAC",
	[VIRTIO_NET_F_GUEST_TSO4] = "GUEST_TSO4",
	[VIRTIO_NET_F_GUEST_TSO6] = "GUEST_TSO6",
	[VIRTIO_NET_F_GUEST_ECN] = "GUEST_ECN",
	[VIRTIO_NET_F_GUEST_UFO] = "GUEST_UFO",
	[VIRTIO_NET_F_HOST_TSO4] = "HOST_TSO4",
	[VIRTIO_NET_F_HOST_TSO6] = "HOST_TSO6",
	[VIRTIO_NET_F_HOST_ECN] = "HOST_ECN",
	[VIRTIO_NET_F_HOST_UFO] = "HOST_UFO",
	[VIRTIO_NET_F_MRG_RXBUF] = "MRG_RXBUF",
	[VIRTIO_NET_F_STATUS] = "STATUS",
	[VIRTIO_NET_F_CTRL_VQ] = "CTRL_VQ",
	[VIRTIO_NET_F_CTRL_RX] = "CTRL_RX",
	[VIRTIO_NET_F_CTRL_VLAN] = "CTRL_VLAN",
	[VIRTIO_NET_F_CTRL_RX_EXTRA] = "CTRL_RX_EXTRA",
	[VIRTIO_NET_F_GUEST_ANNOUNCE] = "GUEST_ANNOUNCE",
	[VIRTIO_NET_F_MQ] = "MQ",
	[VIRTIO_NET_F_CTRL_MAC_ADDR] = "CTRL_MAC_ADDR",
	[VIRTIO_F_NOTIFY_ON_EMPTY] = "NOTIFY_ON_EMPTY",
	[VIRTIO_F_ANY_LAYOUT] = "ANY_LAYOUT",
	[VIRTIO_RING_F_INDIRECT_DESC] = "INDIRECT_DESC",
	[VIRTIO_RING_F_EVENT_IDX] = "EVENT_IDX",
	[VIRTIO_F_VERSION_1] = "VERSION_1",
	[VIRTIO_F_ACCESS_PLATFORM] = "ACCESS_PLATFORM",
	[VIRTIO_F_RING_PACKED] = "RING_PACKED",
	[VIRTIO_F_IN_ORDER] = "IN_ORDER",
	[VIRTIO_F_ORDER_PLATFORM] = "ORDER_PLATFORM",
	[VIRTIO_F_SR_IOV] = "SR_IOV",
	[VIRTIO_F_NOTIFICATION_DATA] = "NOTIFICATION_DATA",
	[VIRTIO_F_RING_RESET] = "RING_RESET",
	[VIRTIO_NET_F_NOTF_COAL] = "NOTF_COAL",
	[VIRTIO_NET_F_GUEST_USO4] = "GUEST_USO4",
	[VIRTIO_NET_F_GUEST_USO6] = "GUEST_USO6",
	[VIRTIO_NET_F_HOST_USO] = "HOST_USO",
	[VIRTIO_NET_F_HASH_REPORT] = "HASH_REPORT",
	[VIRTIO_NET_F_RSS] = "RSS",
	[VIRTIO_NET_F_SPEED_DUPLEX] = "SPEED_DUPLEX",
};

static const char *const virtnet_fault_names[] = {
	[VIRTNET_VQ_OK] = "none",
	[VIRTNET_VQ_BAD_USED_IDX] = "bad used index",
	[VIRTNET_VQ_BAD_ID] = "bad id",
	[VIRTNET_VQ_BAD_LEN] = "bad length",
};

const char *
virtnet_feature_name(unsigned int bit)
{
	return bit < RTE_DIM(virtnet_feature_names) ?
		virtnet_feature_names[bit] : NULL;
}

const char *
virtnet_dump_fault_name(uint8_t fault)
{
	return fault < RTE_DIM(virtnet_fault_names) ?
		virtnet_fault_names[fault] : "unknown";
}

bool
virtnet_dump_is_port(uint16_t port_id)
{
	const struct rte_eth_dev *dev;
	const char *drv;

	if (!rte_eth_dev_is_valid_port(port_id))
		return false;
	dev = &rte_eth_devices[port_id];
	if (dev->state != RTE_ETH_DEV_ATTACHED || dev->device == NULL ||
	    dev->device->driver == NULL || dev->process_private == NULL)
		return false;
	drv = dev->device->driver->name;
	return strcmp(drv, VIRTNET_DUMP_DRV_PCI) == 0 ||
		strcmp(drv, VIRTNET_DUMP_DRV_USER) == 0;
}

/* Under the port lock, the port started: @p vq and its ring stay. */
static void
virtnet_ring_snap_take(struct virtnet_ring_snap *r, const struct virtnet_vq *vq)
{
	r->live = true;
	r->packed = vq->packed;
	r->avail_wrap = vq->packed &&
		!!(vq->avail_flags & VRING_PACKED_DESC_F_AVAIL);
	r->used_wrap = vq->packed && vq->used_wrap;
	r->fault = vq->fault;
	r->vqid = vq->qid;
	r->size = vq->size;
	r->nb_free = RTE_MIN(vq->num_free, vq->size);
	r->avail_idx = vq->avail_idx;
	r->last_used = vq->last_used;
	r->err = vq->err;
	virtnet_vq_dump(vq, r->text, sizeof(r->text));
}

static void
virtnet_dump_rxq(struct virtnet_queue_snap *q, const struct virtnet_rxq *rxq)
{
	if (rxq == NULL || rxq->vq == NULL)
		return;
	q->nb_desc = rxq->nb_desc;
	q->stats = rxq->stats;
	q->ring_errors = virtnet_vq_errors_sum(&rxq->ring_errors);
	virtnet_ring_snap_take(&q->ring, rxq->vq);
}

static void
virtnet_dump_txq(struct virtnet_queue_snap *q, const struct virtnet_txq *txq)
{
	if (txq == NULL || txq->vq == NULL)
		return;
	q->nb_desc = txq->nb_desc;
	q->stats = txq->stats;
	q->ring_errors = virtnet_vq_errors_sum(&txq->ring_errors);
	virtnet_ring_snap_take(&q->ring, txq->vq);
}

/* Under the port lock. */
static void
virtnet_dump_queues(const struct rte_eth_dev *dev, struct virtnet_port_snap *s)
{
	const struct rte_eth_dev_data *data = dev->data;
	uint16_t i;

	/* Stopped (or its device lost): no ring, and queues may go. */
	if (!virtnet_dev(dev)->started)
		return;
	for (i = 0; i < RTE_MIN(s->nb_rxq, data->nb_rx_queues); i++)
		virtnet_dump_rxq(&s->rxq[i], data->rx_queues[i]);
	for (i = 0; i < RTE_MIN(s->nb_txq, data->nb_tx_queues); i++)
		virtnet_dump_txq(&s->txq[i], data->tx_queues[i]);
}

static void
virtnet_dump_port_fields(const struct rte_eth_dev *dev,
		struct virtnet_port_snap *s)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	const struct virtnet_path *rx = hw->rx_path, *tx = hw->tx_path;

	s->port_id = dev->data->port_id;
	snprintf(s->name, sizeof(s->name), "%s", dev->data->name);
	s->driver = dev->device->driver->name;
	s->transport = hw->tp.ops->name;
	s->legacy = hw->tp.ops->legacy;
	s->dev_features = hw->dev_features;
	s->usable = hw->usable;
	s->features = hw->features;
	s->rx_path = rx != NULL ? rx->name : NULL;
	s->tx_path = tx != NULL ? tx->name : NULL;
	s->started = dev->data->dev_started != 0;
	s->running = hw->started;
	s->halted = hw->halted;
	s->ctrl = hw->ctrl != NULL;
	s->hdr_size = hw->hdr_size;
	s->max_queue_pairs = hw->max_queue_pairs;
	s->mtu = dev->data->mtu;
	rte_eth_linkstatus_get(dev, &s->link);
}

int
virtnet_dump_snapshot(uint16_t port_id, struct virtnet_port_snap *s)
{
	const struct rte_eth_dev *dev;
	struct virtnet_dev *hw;

	memset(s, 0, sizeof(*s));
	/* Queue state is process memory of the primary (no secondaries). */
	if (!virtnet_dump_is_port(port_id) ||
	    rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -ENODEV;
	dev = &rte_eth_devices[port_id];
	hw = virtnet_dev(dev);
	/* Allocated before the lock: queue counts change only when stopped. */
	s->nb_rxq = RTE_MIN(dev->data->nb_rx_queues, RTE_MAX_QUEUES_PER_PORT);
	s->nb_txq = RTE_MIN(dev->data->nb_tx_queues, RTE_MAX_QUEUES_PER_PORT);
	s->rxq = calloc(RTE_MAX(s->nb_rxq, 1), sizeof(*s->rxq));
	s->txq = calloc(RTE_MAX(s->nb_txq, 1), sizeof(*s->txq));
	if (s->rxq == NULL || s->txq == NULL) {
		virtnet_dump_snapshot_free(s);
		return -ENOMEM;
	}
	pthread_mutex_lock(&hw->lock);
	virtnet_dump_port_fields(dev, s);
	virtnet_dump_queues(dev, s);
	pthread_mutex_unlock(&hw->lock);
	return 0;
}

void
virtnet_dump_snapshot_free(struct virtnet_port_snap *s)
{
	free(s->rxq);
	free(s->txq);
	s->rxq = NULL;
	s->txq = NULL;
	s->nb_rxq = 0;
	s->nb_txq = 0;
}

static void
virtnet_dump_features(FILE *f, const char *what, uint64_t features)
{
	unsigned int bit;
	const char *name;

	fprintf(f, "%s: 0x%" PRIx64, what, features);
	for (bit = 0; bit < 64; bit++) {
		if (!((features >> bit) & 1))
			continue;
		name = virtnet_feature_name(bit);
		if (name != NULL)
			fprintf(f, " %s", name);
		else
			fprintf(f, " bit%u", bit);
	}
	fputc('\n', f);
}

static void
virtnet_dump_queue(FILE *f, const char *dir, uint16_t i,
		const struct virtnet_queue_snap *q)
{
	const struct virtnet_ring_snap *r = &q->ring;

	if (!r->live) {
		fprintf(f, "%s%u: no ring\n", dir, i);
		return;
	}
	fprintf(f, "%s%u: vq %u %s, %u descriptors (%u asked), %u free, %u in flight, fault %s",
		dir, i, r->vqid, r->packed ? "packed" : "split", r->size,
		q->nb_desc, r->nb_free, r->size - r->nb_free,
		virtnet_dump_fault_name(r->fault));
	fprintf(f, " (%" PRIu64 " bad used index, %" PRIu64 " bad id, %" PRIu64 " bad len)",
		r->err.bad_used_idx, r->err.bad_id, r->err.bad_len);
	fprintf(f, "; %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64 " errors, %" PRIu64 " faults of freed rings\n",
		q->stats.packets, q->stats.bytes, q->stats.errors,
		q->ring_errors);
	fprintf(f, "  ring: %s\n", r->text);
}

static void
virtnet_dump_link(FILE *f, const struct rte_eth_link *l)
{
	fprintf(f, "link %s, ", l->link_status ? "up" : "down");
	if (l->link_speed == RTE_ETH_SPEED_NUM_UNKNOWN)
		fprintf(f, "speed unknown");
	else
		fprintf(f, "%u Mbps", l->link_speed);
	fprintf(f, ", %s duplex", l->link_duplex ? "full" : "half");
}

static void
virtnet_dump_text(FILE *f, const struct virtnet_port_snap *s)
{
	uint16_t i;

	fprintf(f, "virtnet port %u (%s), driver %s, transport %s%s\n",
		s->port_id, s->name, s->driver, s->transport,
		s->legacy ? " (legacy interface)" : "");
	fprintf(f, "state: %s, %s, ", s->started ? "started" : "stopped",
		s->running ? "device running the rings" : "no rings");
	virtnet_dump_link(f, &s->link);
	fprintf(f, ", MTU %u\n", s->mtu);
	virtnet_dump_features(f, "device features", s->dev_features);
	virtnet_dump_features(f, "usable features", s->usable);
	virtnet_dump_features(f, "negotiated features", s->features);
	fprintf(f, "Rx path: %s\nTx path: %s\n",
		s->rx_path != NULL ? s->rx_path : "none (never started)",
		s->tx_path != NULL ? s->tx_path : "none (never started)");
	fprintf(f, "net header %u bytes, control queue %s, queues %u Rx %u Tx of %u pairs\n",
		s->hdr_size, s->ctrl ? "yes" : "no", s->nb_rxq, s->nb_txq,
		s->max_queue_pairs);
	for (i = 0; i < s->nb_rxq; i++)
		virtnet_dump_queue(f, "rxq", i, &s->rxq[i]);
	for (i = 0; i < s->nb_txq; i++)
		virtnet_dump_queue(f, "txq", i, &s->txq[i]);
}

int
virtnet_dev_priv_dump(struct rte_eth_dev *dev, FILE *f)
{
	struct virtnet_port_snap s;
	int ret;

	ret = virtnet_dump_snapshot(dev->data->port_id, &s);
	if (ret < 0)
		return ret;
	virtnet_dump_text(f, &s);
	virtnet_dump_snapshot_free(&s);
	return 0;
}
