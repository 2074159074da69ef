/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_memzone.h>

#include "virtnet_log.h"
#include "virtnet_ring.h"

#define VIRTNET_RING_MIN	64

void *
virtnet_private_zalloc(size_t size)
{
	size_t bytes = RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE);
	void *p = aligned_alloc(RTE_CACHE_LINE_SIZE, bytes);

	if (p != NULL)
		memset(p, 0, bytes);
	return p;
}

void
virtnet_private_free(void *p)
{
	free(p);
}

int
virtnet_dma_zalloc(const struct virtnet_transport *t, uint16_t port,
		const char *what, uint16_t id, size_t size, int socket,
		struct virtnet_dma *dma)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	unsigned int k;

	snprintf(name, sizeof(name), "virtnet%u_%s%u", port, what, id);
	mz = rte_memzone_reserve_aligned(name, size, socket,
		RTE_MEMZONE_IOVA_CONTIG, VIRTIO_VRING_ALIGN);
	/* Memory left to a device that never finished its reset keeps a name. */
	for (k = 1; mz == NULL && rte_errno == EEXIST && k < 16; k++) {
		snprintf(name, sizeof(name), "virtnet%u_%s%u~%u", port, what,
			id, k);
		mz = rte_memzone_reserve_aligned(name, size, socket,
			RTE_MEMZONE_IOVA_CONTIG, VIRTIO_VRING_ALIGN);
	}
	if (mz == NULL) {
		VIRTNET_LOG(ERR, "port %u: no IOVA-contiguous memory for %s: %s",
			port, name, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	memset(mz->addr, 0, size);
	dma->mz = mz;
	dma->va = mz->addr;
	dma->addr = t->ops->uses_va(t->priv) ? (uint64_t)(uintptr_t)mz->addr :
		mz->iova;
	return 0;
}

void
virtnet_dma_free(struct virtnet_dma *dma)
{
	rte_memzone_free(dma->mz);
	memset(dma, 0, sizeof(*dma));
}

int
virtnet_ring_size(const struct virtnet_transport *t,
		const struct virtnet_ring_conf *c)
{
	bool packed = !!(c->mode & VIRTNET_VQ_PACKED);
	uint16_t max = t->ops->queue_max_size(t->priv, c->qid);
	uint32_t size = c->nb_desc != 0 ? RTE_MIN(c->nb_desc, max) : max;

	/* Rx refills and Tx chains want room: no fewer than 64 if possible. */
	size = RTE_MAX(size, RTE_MIN((uint32_t)VIRTNET_RING_MIN, max));

	/* A device that offers a size its layout cannot have is broken. */
	if (virtnet_vq_check_size(max, packed) != 0) {
		VIRTNET_LOG(ERR, "port %u: device offers ring size %u for queue %u, which the %s layout cannot use",
			c->port_id, max, c->qid, packed ? "packed" : "split");
		return -EINVAL;
	}
	if (!packed)
		size = rte_align32prevpow2(size);
	if (t->ops->legacy && size != max) {
		VIRTNET_LOG(NOTICE, "port %u queue %u: a legacy device has rings of %u descriptors only; %u asked",
			c->port_id, c->qid, max, c->nb_desc);
		size = max;
	} else if (c->nb_desc != 0 && size != c->nb_desc) {
		VIRTNET_LOG(INFO, "port %u queue %u: ring of %u descriptors (%u asked, device takes %u%s)",
			c->port_id, c->qid, size, c->nb_desc, max,
			packed ? "" : ", split rings a power of 2");
	}
	return (int)size;
}

struct virtnet_vq *
virtnet_ring_create(const struct virtnet_transport *t,
		const struct virtnet_ring_conf *c, struct virtnet_dma *mem)
{
	bool packed = !!(c->mode & VIRTNET_VQ_PACKED);
	struct virtnet_queue_desc d;
	struct virtnet_vq *vq;
	int size;

	size = virtnet_ring_size(t, c);
	if (size < 0)
		return NULL;
	vq = virtnet_private_zalloc(virtnet_vq_struct_size((uint16_t)size));
	if (vq == NULL)
		return NULL;
	if (virtnet_dma_zalloc(t, c->port_id, "ring", c->qid,
			virtnet_vq_ring_size((uint16_t)size, packed), c->socket,
			mem) < 0) {
		virtnet_private_free(vq);
		return NULL;
	}
	virtnet_vq_init(vq, c->qid, (uint16_t)size, c->mode, mem->va,
		mem->addr);
	/* Polling driver: the device need not interrupt us. */
	virtnet_vq_disable_intr(vq);
	d = (struct virtnet_queue_desc){
		.qid = c->qid, .size = vq->size, .packed = packed,
	};
	virtnet_vq_addrs(vq, &d.desc, &d.avail, &d.used);
	if (t->ops->setup_queue(t->priv, &d) < 0) {
		VIRTNET_LOG(ERR, "port %u: device refused queue %u (%u descriptors)",
			c->port_id, c->qid, vq->size);
		virtnet_ring_destroy(vq, mem);
		return NULL;
	}
	return vq;
}

void
virtnet_ring_destroy(struct virtnet_vq *vq, struct virtnet_dma *mem)
{
	virtnet_dma_free(mem);
	virtnet_private_free(vq);
}
