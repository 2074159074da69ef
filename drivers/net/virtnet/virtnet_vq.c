/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <string.h>

#include "virtnet_vq.h"

size_t
virtnet_vq_ring_size(uint16_t size)
{
	return RTE_ALIGN_CEIL(vring_size(size), VIRTIO_VRING_ALIGN);
}

size_t
virtnet_vq_struct_size(uint16_t size)
{
	return sizeof(struct virtnet_vq) +
		sizeof(struct virtnet_vq_extra) * size;
}

int
virtnet_vq_check_size(uint32_t size)
{
	/* The split layout indexes its rings with a mask. */
	if (size == 0 || size > VIRTNET_VQ_MAX_SIZE || !rte_is_power_of_2(size))
		return -EINVAL;
	return 0;
}

static void
virtnet_vq_check_wire_structs(void)
{
	RTE_BUILD_BUG_ON(sizeof(struct vring_desc) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct vring_avail) != 4);
	RTE_BUILD_BUG_ON(sizeof(struct vring_used_elem) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct vring_used) != 4);
	RTE_BUILD_BUG_ON(sizeof(struct virtio_net_hdr) != 10);
	RTE_BUILD_BUG_ON(sizeof(struct virtio_net_hdr_mrg_rxbuf) != 12);
	RTE_BUILD_BUG_ON(sizeof(struct virtio_net_config) != 24);
}

void
virtnet_vq_reset(struct virtnet_vq *vq)
{
	uint16_t i;

	memset(vq->ring_va, 0, virtnet_vq_ring_size(vq->size));
	for (i = 0; i < vq->size; i++) {
		vq->extra[i].cookie = NULL;
		vq->extra[i].ndescs = 0;
		vq->extra[i].in_len = 0;
		vq->extra[i].next = i + 1 < vq->size ? i + 1 : VIRTNET_VQ_END;
	}
	vq->free_head = 0;
	vq->num_free = vq->size;
	vq->avail_idx = 0;
	vq->avail_pub = 0;
	vq->last_used = 0;
	vq->fault = VIRTNET_VQ_OK;
}

void
virtnet_vq_init(struct virtnet_vq *vq, uint16_t qid, uint16_t size,
		void *ring_va, uint64_t ring_addr)
{
	uint8_t *base = ring_va;

	virtnet_vq_check_wire_structs();
	memset(vq, 0, sizeof(*vq));
	vq->qid = qid;
	vq->size = size;
	vq->mask = size - 1;
	vq->ring_va = ring_va;
	vq->ring_addr = ring_addr;
	vq->desc = ring_va;
	vq->avail = (struct vring_avail *)(base + vring_desc_size(size));
	vq->used = (struct vring_used *)(base + vring_used_offset(size));
	virtnet_vq_reset(vq);
}

void
virtnet_vq_addrs(const struct virtnet_vq *vq, uint64_t *desc,
		uint64_t *avail, uint64_t *used)
{
	*desc = vq->ring_addr;
	*avail = vq->ring_addr + vring_desc_size(vq->size);
	*used = vq->ring_addr + vring_used_offset(vq->size);
}

void *
virtnet_vq_detach_unused(struct virtnet_vq *vq)
{
	uint16_t i;
	void *cookie;

	for (i = 0; i < vq->size; i++) {
		cookie = vq->extra[i].cookie;
		if (cookie == NULL)
			continue;
		vq->extra[i].cookie = NULL;
		return cookie;
	}
	return NULL;
}
