/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/* Queue objects: setup, release, and their part in device start/stop. */

#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>

#include "virtnet_ethdev.h"
#include "virtnet_log.h"

#define VIRTNET_RXQ_IDX(q)	((uint16_t)((q) * 2))
#define VIRTNET_TXQ_IDX(q)	((uint16_t)((q) * 2 + 1))

/*
 * Memory the device reads or writes: zeroed, IOVA-contiguous (a PCI
 * device sees physical or IOMMU addresses), named after port and use.
 */
const struct rte_memzone *
virtnet_dma_zalloc(const struct rte_eth_dev *dev, const char *what,
		uint16_t id, size_t size, unsigned int socket, uint64_t *addr)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;

	snprintf(name, sizeof(name), "virtnet%u_%s%u", dev->data->port_id,
		what, id);
	mz = rte_memzone_reserve_aligned(name, size, (int)socket,
		RTE_MEMZONE_IOVA_CONTIG, VIRTIO_VRING_ALIGN);
	if (mz == NULL) {
		VIRTNET_LOG(ERR, "port %u: no IOVA-contiguous memory for %s: %s",
			dev->data->port_id, name, rte_strerror(rte_errno));
		return NULL;
	}
	memset(mz->addr, 0, size);
	*addr = p->ops->uses_va(p->tp) ? (uint64_t)(uintptr_t)mz->addr :
		mz->iova;
	return mz;
}

/*
 * A virtqueue with its ring, sized by the device, not by nb_desc. The
 * ring has room for either layout: which one is known only once features
 * are negotiated at start.
 */
struct virtnet_vq *
virtnet_vq_create(struct rte_eth_dev *dev, uint16_t vqid, unsigned int socket)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	const struct virtnet_dev *hw = dev->data->dev_private;
	bool packed = virtnet_has(hw, VIRTIO_F_RING_PACKED);
	const struct rte_memzone *mz;
	struct virtnet_vq *vq;
	uint64_t addr;
	uint16_t size;
	size_t bytes;

	/* QEMU's virtio-net adds its queue pairs only once MQ is agreed. */
	if (!(p->ops->get_status(p->tp) & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    virtnet_negotiate(dev) < 0)
		return NULL;
	size = p->ops->queue_max_size(p->tp, vqid);

	if (virtnet_vq_check_size(size, packed) != 0) {
		VIRTNET_LOG(ERR, "port %u: device offers ring size %u for queue %u, which the %s layout cannot use",
			dev->data->port_id, size, vqid, packed ? "packed" : "split");
		return NULL;
	}
	bytes = RTE_MAX(virtnet_vq_ring_size(size, true),
		virtnet_vq_ring_size(size, false));
	vq = rte_zmalloc_socket("virtnet_vq", virtnet_vq_struct_size(size),
		RTE_CACHE_LINE_SIZE, socket);
	if (vq == NULL)
		return NULL;
	mz = virtnet_dma_zalloc(dev, "ring", vqid, bytes, socket, &addr);
	if (mz == NULL) {
		rte_free(vq);
		return NULL;
	}
	virtnet_vq_init(vq, vqid, size, virtnet_vq_mode(hw), mz->addr, addr);
	vq->ring_mem = mz;
	vq->capacity = size;
	return vq;
}

void
virtnet_vq_destroy(struct virtnet_vq *vq)
{
	if (vq == NULL)
		return;
	rte_memzone_free(vq->ring_mem);
	rte_free(vq);
}

static void
virtnet_vq_free_mbufs(struct virtnet_vq *vq)
{
	void *m;

	while ((m = virtnet_vq_detach_unused(vq)) != NULL)
		rte_pktmbuf_free(m);
	virtnet_vq_reset(vq);
}

int
virtnet_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_rxconf *conf __rte_unused,
		struct rte_mempool *mp)
{
	struct virtnet_dev *hw = dev->data->dev_private;
	struct virtnet_rxq *rxq;
	uint16_t room = rte_pktmbuf_data_room_size(mp);

	if (room < RTE_PKTMBUF_HEADROOM + VIRTNET_MIN_RX_BUFSIZE) {
		VIRTNET_LOG(ERR, "port %u rxq %u: mbuf data room %u is below %u",
			dev->data->port_id, qid, room,
			RTE_PKTMBUF_HEADROOM + VIRTNET_MIN_RX_BUFSIZE);
		return -EINVAL;
	}
	virtnet_rx_queue_release(dev, qid);
	rxq = rte_zmalloc_socket("virtnet_rxq", sizeof(*rxq),
		RTE_CACHE_LINE_SIZE, socket);
	if (rxq == NULL)
		return -ENOMEM;
	rxq->vq = virtnet_vq_create(dev, VIRTNET_RXQ_IDX(qid), socket);
	if (rxq->vq == NULL) {
		rte_free(rxq);
		return -ENOMEM;
	}
	rxq->hw = hw;
	rxq->mp = mp;
	rxq->nombuf = &dev->data->rx_mbuf_alloc_failed;
	rxq->port_id = dev->data->port_id;
	rxq->queue_id = qid;
	rxq->nb_desc = nb_desc;
	dev->data->rx_queues[qid] = rxq;
	if (nb_desc != rxq->vq->size)
		VIRTNET_LOG(INFO, "port %u rxq %u: ring size %u (device), %u asked",
			rxq->port_id, qid, rxq->vq->size, nb_desc);
	return 0;
}

int
virtnet_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_txconf *conf __rte_unused)
{
	struct virtnet_dev *hw = dev->data->dev_private;
	struct virtnet_txq *txq;

	virtnet_tx_queue_release(dev, qid);
	txq = rte_zmalloc_socket("virtnet_txq", sizeof(*txq),
		RTE_CACHE_LINE_SIZE, socket);
	if (txq == NULL)
		return -ENOMEM;
	txq->vq = virtnet_vq_create(dev, VIRTNET_TXQ_IDX(qid), socket);
	if (txq->vq != NULL)
		txq->slots_mem = virtnet_dma_zalloc(dev, "txslot", qid,
			sizeof(txq->slots[0]) * txq->vq->size, socket,
			&txq->slots_addr);
	if (txq->vq == NULL || txq->slots_mem == NULL) {
		virtnet_vq_destroy(txq->vq);
		rte_free(txq);
		return -ENOMEM;
	}
	txq->slots = txq->slots_mem->addr;
	txq->hw = hw;
	txq->port_id = dev->data->port_id;
	txq->queue_id = qid;
	txq->nb_desc = nb_desc;
	dev->data->tx_queues[qid] = txq;
	return 0;
}

void
virtnet_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct virtnet_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL)
		return;
	virtnet_vq_free_mbufs(rxq->vq);
	virtnet_vq_destroy(rxq->vq);
	rte_free(rxq);
	dev->data->rx_queues[qid] = NULL;
}

void
virtnet_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct virtnet_txq *txq = dev->data->tx_queues[qid];

	if (txq == NULL)
		return;
	virtnet_vq_free_mbufs(txq->vq);
	virtnet_vq_destroy(txq->vq);
	rte_memzone_free(txq->slots_mem);
	rte_free(txq);
	dev->data->tx_queues[qid] = NULL;
}

/*
 * The ring size once features are negotiated: a device may change its
 * queues then (QEMU adds its queue pairs with MQ). The ring takes what
 * the device offers up to what its memory was made for.
 */
static int
virtnet_queue_size(struct rte_eth_dev *dev, const struct virtnet_vq *vq,
		bool packed)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	uint16_t dev_size = p->ops->queue_max_size(p->tp, vq->qid);
	uint16_t size = RTE_MIN(dev_size, vq->capacity);

	if (dev_size == 0 || virtnet_vq_check_size(size, packed) != 0) {
		VIRTNET_LOG(ERR, "port %u: queue %u: device offers %u descriptors, the %s ring has room for %u",
			dev->data->port_id, vq->qid, dev_size,
			packed ? "packed" : "split", vq->capacity);
		return -EINVAL;
	}
	return size;
}

/* Lay the ring out as negotiated and tell the device where it is. */
int
virtnet_queue_attach(struct rte_eth_dev *dev, struct virtnet_vq *vq)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	const struct virtnet_dev *hw = dev->data->dev_private;
	bool packed = virtnet_has(hw, VIRTIO_F_RING_PACKED);
	const void *mem = vq->ring_mem;
	uint16_t capacity = vq->capacity;
	struct virtnet_queue_desc d;
	int size;

	size = virtnet_queue_size(dev, vq, packed);
	if (size < 0)
		return size;
	virtnet_vq_init(vq, vq->qid, (uint16_t)size, virtnet_vq_mode(hw),
		vq->ring_va, vq->ring_addr);
	vq->ring_mem = mem;
	vq->capacity = capacity;
	d = (struct virtnet_queue_desc){
		.qid = vq->qid, .size = vq->size, .packed = packed,
	};
	virtnet_vq_addrs(vq, &d.desc, &d.avail, &d.used);
	/* Polling driver: the device need not interrupt us. */
	virtnet_vq_disable_intr(vq);
	return p->ops->setup_queue(p->tp, &d);
}

/* Before DRIVER_OK: hand every ring to the device, Rx rings full. */
/*
 * Mbufs per Rx buffer. Mergeable buffers spread a frame over as many as
 * it needs; without them one buffer must hold the largest frame.
 */
static int
virtnet_rx_big_bufs(struct rte_eth_dev *dev, struct virtnet_rxq *rxq)
{
	const struct virtnet_dev *hw = dev->data->dev_private;
	uint32_t room = rte_pktmbuf_data_room_size(rxq->mp) -
		RTE_PKTMBUF_HEADROOM;
	const struct rte_eth_rxmode *rxmode = &dev->data->dev_conf.rxmode;
	uint32_t need = dev->data->mtu + VIRTNET_ETH_OVERHEAD;
	uint32_t k;

	if (rxmode->offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		need = RTE_MAX(need, rxmode->max_lro_pkt_size);

	rxq->big_bufs = 1;
	if (virtnet_has(hw, VIRTIO_NET_F_MRG_RXBUF) || need <= room)
		return 0;
	k = (need + room - 1) / room;
	if (k > VIRTNET_RX_MAX_BIG || k > rxq->vq->size) {
		VIRTNET_LOG(ERR, "port %u rxq %u: a %u B frame needs %u mbufs of %u B without mergeable buffers; at most %u fit",
			rxq->port_id, rxq->queue_id, need, k, room,
			RTE_MIN(VIRTNET_RX_MAX_BIG, rxq->vq->size));
		return -EINVAL;
	}
	rxq->big_bufs = (uint16_t)k;
	VIRTNET_LOG(INFO, "port %u rxq %u: no mergeable buffers: %u mbufs per Rx buffer for %u B frames",
		rxq->port_id, rxq->queue_id, k, need);
	return 0;
}

int
virtnet_queues_start(struct rte_eth_dev *dev)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	struct virtnet_dev *hw = dev->data->dev_private;
	uint16_t i;
	int ret = 0;

	for (i = 0; ret == 0 && i < dev->data->nb_rx_queues; i++) {
		struct virtnet_rxq *rxq = dev->data->rx_queues[i];

		rxq->hdr_size = hw->hdr_size;
		rxq->ol_hdr = virtnet_has(hw, VIRTIO_NET_F_GUEST_CSUM);
		rxq->vlan_strip = !!(dev->data->dev_conf.rxmode.offloads &
			RTE_ETH_RX_OFFLOAD_VLAN_STRIP);
		ret = virtnet_rx_big_bufs(dev, rxq);
		if (ret < 0)
			break;
		rxq->use_va = p->ops->uses_va(p->tp);
		ret = virtnet_queue_attach(dev, rxq->vq);
		if (ret == 0 && virtnet_rx_refill(rxq) < 0)
			ret = -ENOMEM;
		if (ret == 0)
			ret = p->ops->enable_queue(p->tp, rxq->vq->qid, true);
	}
	for (i = 0; ret == 0 && i < dev->data->nb_tx_queues; i++) {
		struct virtnet_txq *txq = dev->data->tx_queues[i];

		txq->hdr_size = hw->hdr_size;
		txq->ol_hdr = virtnet_has(hw, VIRTIO_NET_F_CSUM);
		txq->tso = virtnet_has(hw, VIRTIO_NET_F_HOST_TSO4) ||
			virtnet_has(hw, VIRTIO_NET_F_HOST_TSO6);
		txq->uso = virtnet_has(hw, VIRTIO_NET_F_HOST_USO);
		txq->indirect = virtnet_has(hw, VIRTIO_RING_F_INDIRECT_DESC);
		txq->use_va = p->ops->uses_va(p->tp);
		ret = virtnet_queue_attach(dev, txq->vq);
		if (ret == 0)
			ret = p->ops->enable_queue(p->tp, txq->vq->qid, true);
	}
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: queue start failed: %s",
			dev->data->port_id, rte_strerror(-ret));
	return ret;
}

/* After the device was reset: nothing is in flight any more. */
void
virtnet_queues_stop(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct virtnet_rxq *rxq = dev->data->rx_queues[i];

		if (rxq != NULL)
			virtnet_vq_free_mbufs(rxq->vq);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct virtnet_txq *txq = dev->data->tx_queues[i];

		if (txq != NULL)
			virtnet_vq_free_mbufs(txq->vq);
	}
}

/* Ring state of one queue at debug level: what a stall looks like. */
static void
virtnet_vq_log_state(uint16_t port, const char *dir, uint16_t q,
		const struct virtnet_vq *vq)
{
	uint16_t avail_event = 0;

	if (!vq->packed)
		memcpy(&avail_event, &vq->used->ring[vq->size],
			sizeof(avail_event));
	if (vq->packed)
		VIRTNET_LOG(DEBUG, "port %u %s%u: next %u wrap %u used %u/%u free %u unkicked %u device event %u/0x%x fault %u; flags at used 0x%x id %u, at next 0x%x, before next 0x%x",
			port, dir, q, vq->avail_idx,
			!!(vq->avail_flags & VRING_PACKED_DESC_F_AVAIL),
			vq->last_used, vq->used_wrap, vq->num_free,
			vq->kick_added, vq->device_event->off_wrap,
			vq->device_event->flags, vq->fault,
			vq->pdesc[vq->last_used].flags,
			vq->pdesc[vq->last_used].id,
			vq->pdesc[vq->avail_idx].flags,
			vq->pdesc[(vq->avail_idx + vq->size - 1) % vq->size].flags);
	else
		VIRTNET_LOG(DEBUG, "port %u %s%u: avail %u used %u/%u free %u used flags 0x%x avail event %u fault %u",
			port, dir, q, vq->avail_idx, vq->last_used,
			vq->used->idx, vq->num_free, vq->used->flags,
			avail_event, vq->fault);
}

/* The next used Rx buffer as the device left it, if there is one. */
static void
virtnet_rxq_log_next(struct virtnet_rxq *rxq)
{
	const struct virtio_net_hdr_mrg_rxbuf *h;
	struct virtnet_vq *vq = rxq->vq;
	struct vring_used_elem e;
	const struct rte_mbuf *m;

	if (vq->packed || vq->last_used == vq->used->idx)
		return;
	e = vq->used->ring[vq->last_used & vq->mask];	/* read once */
	m = vq->extra[e.id & vq->mask].cookie;
	if (m == NULL)
		return;
	h = (const void *)((const char *)m->buf_addr + RTE_PKTMBUF_HEADROOM -
		rxq->hdr_size);
	VIRTNET_LOG(DEBUG, "port %u rxq%u: next used len %u num_buffers %u in_len %u",
		rxq->port_id, rxq->queue_id, e.len, h->num_buffers,
		vq->extra[e.id & vq->mask].in_len);
}

void
virtnet_queues_log_state(struct rte_eth_dev *dev)
{
	uint16_t i;

	if (!rte_log_can_log(virtnet_logtype_driver, RTE_LOG_DEBUG))
		return;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		if (dev->data->rx_queues[i] != NULL) {
			struct virtnet_rxq *rxq = dev->data->rx_queues[i];

			virtnet_vq_log_state(dev->data->port_id, "rxq", i,
				rxq->vq);
			virtnet_rxq_log_next(rxq);
		}
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		if (dev->data->tx_queues[i] != NULL)
			virtnet_vq_log_state(dev->data->port_id, "txq", i,
				((struct virtnet_txq *)dev->data->tx_queues[i])->vq);
}
