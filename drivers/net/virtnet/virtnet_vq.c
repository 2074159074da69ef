/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <stdio.h>
#include <string.h>

#include <rte_power_intrinsics.h>

#include "virtnet_vq.h"

/* Packed ring: descriptors, then the driver and device event areas, each
 * on its own cache line.
 */
#define VIRTNET_PACKED_EVENT_ALIGN	64

static size_t
virtnet_vq_packed_driver_off(uint16_t size)
{
	return RTE_ALIGN_CEIL(sizeof(struct vring_packed_desc) * size,
		VIRTNET_PACKED_EVENT_ALIGN);
}

size_t
virtnet_vq_ring_size(uint16_t size, bool packed)
{
	size_t bytes;

	if (packed)
		bytes = virtnet_vq_packed_driver_off(size) +
			2 * VIRTNET_PACKED_EVENT_ALIGN;
	else
		bytes = vring_size(size);
	return RTE_ALIGN_CEIL(bytes, VIRTIO_VRING_ALIGN);
}

size_t
virtnet_vq_struct_size(uint16_t size)
{
	return sizeof(struct virtnet_vq) +
		sizeof(struct virtnet_vq_extra) * size;
}

int
virtnet_vq_check_size(uint32_t size, bool packed)
{
	if (size == 0 || size > VIRTNET_VQ_MAX_SIZE)
		return -EINVAL;
	/* The split layout indexes its rings with a mask. */
	if (!packed && !rte_is_power_of_2(size))
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
	RTE_BUILD_BUG_ON(sizeof(struct vring_packed_desc) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct vring_packed_desc_event) != 4);
	RTE_BUILD_BUG_ON(sizeof(struct virtio_net_hdr) != 10);
	RTE_BUILD_BUG_ON(sizeof(struct virtio_net_hdr_mrg_rxbuf) != 12);
	RTE_BUILD_BUG_ON(sizeof(struct virtio_net_config) != 24);
}

void
virtnet_vq_reset(struct virtnet_vq *vq)
{
	uint16_t i;

	memset(vq->ring_va, 0, virtnet_vq_ring_size(vq->size, vq->packed));
	/* Split: a free list of descriptors; packed: of buffer ids. */
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
	vq->used_cached = 0;
	vq->kick_added = 0;
	/* Not an index the device can name: the first event is new. */
	vq->event_kicked = UINT32_MAX;
	vq->inorder_next = 0;
	vq->batch_last = 0;
	vq->in_batch = false;
	/* Both wrap counters start at 1 (2.8.1). */
	vq->avail_flags = VRING_PACKED_DESC_F_AVAIL;
	vq->used_wrap = true;
	vq->fault = VIRTNET_VQ_OK;
}

void
virtnet_vq_init(struct virtnet_vq *vq, uint16_t qid, uint16_t size,
		uint32_t mode, void *ring_va, uint64_t ring_addr)
{
	bool packed = !!(mode & VIRTNET_VQ_PACKED);
	uint8_t *base = ring_va;

	virtnet_vq_check_wire_structs();
	memset(vq, 0, sizeof(*vq));
	vq->qid = qid;
	vq->size = size;
	vq->mask = size - 1;
	vq->packed = packed;
	vq->mode = (uint8_t)mode;
	vq->ring_va = ring_va;
	vq->ring_addr = ring_addr;
	if (packed) {
		size_t off = virtnet_vq_packed_driver_off(size);

		vq->pdesc = ring_va;
		vq->driver_event = (void *)(base + off);
		vq->device_event = (void *)(base + off +
			VIRTNET_PACKED_EVENT_ALIGN);
	} else {
		vq->desc = ring_va;
		vq->avail = (void *)(base + vring_desc_size(size));
		vq->used = (void *)(base + vring_used_offset(size));
	}
	virtnet_vq_reset(vq);
}

void
virtnet_vq_addrs(const struct virtnet_vq *vq, uint64_t *desc,
		uint64_t *driver, uint64_t *device)
{
	uintptr_t base = (uintptr_t)vq->ring_va;

	*desc = vq->ring_addr;
	if (vq->packed) {
		*driver = vq->ring_addr + ((uintptr_t)vq->driver_event - base);
		*device = vq->ring_addr + ((uintptr_t)vq->device_event - base);
	} else {
		*driver = vq->ring_addr + ((uintptr_t)vq->avail - base);
		*device = vq->ring_addr + ((uintptr_t)vq->used - base);
	}
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
		if (cookie != VIRTNET_VQ_NO_BUF)
			return cookie;
	}
	return NULL;
}

uint16_t
virtnet_vq_unpost(struct virtnet_vq *vq, void **out, uint16_t max)
{
	struct virtnet_vq_extra *x;
	uint16_t i, k = 0;

	for (i = 0; i < vq->size && k < max; i++) {
		x = &vq->extra[i];
		if (x->cookie == NULL || x->cookie == VIRTNET_VQ_NO_BUF ||
		    x->ndescs != 1)
			continue;
		out[k++] = x->cookie;
		x->cookie = VIRTNET_VQ_NO_BUF;
	}
	return k;
}

uint16_t
virtnet_vq_unposted(const struct virtnet_vq *vq)
{
	uint16_t i, n = 0;

	for (i = 0; i < vq->size; i++)
		n += vq->extra[i].cookie == VIRTNET_VQ_NO_BUF;
	return n;
}

/*
 * Split: a one-descriptor chain's descriptor is its id. Packed: the
 * posted descriptors lie from the next used slot on, each naming its id.
 */
uint16_t
virtnet_vq_repost(struct virtnet_vq *vq, void *const *cookies,
		const uint64_t *addrs, uint16_t n)
{
	uint16_t i, s, id, k = 0, posted = vq->size - vq->num_free;

	for (i = 0; i < (vq->packed ? posted : vq->size) && k < n; i++) {
		s = vq->packed ? (uint16_t)((vq->last_used + i) % vq->size) : i;
		/* Read once: the checks below hold for what is used. */
		id = vq->packed ? __atomic_load_n(&vq->pdesc[s].id,
			__ATOMIC_RELAXED) : i;
		if (id >= vq->size || vq->extra[id].cookie != VIRTNET_VQ_NO_BUF)
			continue;
		if (vq->packed)
			vq->pdesc[s].addr = addrs[k];
		else
			vq->desc[id].addr = addrs[k];
		vq->extra[id].cookie = cookies[k++];
	}
	return k;
}

void
virtnet_vq_disable_intr(struct virtnet_vq *vq)
{
	if (vq->packed) {
		vq->driver_event->flags = VRING_PACKED_EVENT_FLAG_DISABLE;
		return;
	}
	vq->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	/* With event index the flag is ignored: ask a lap away. */
	if (vq->mode & VIRTNET_VQ_EVENT_IDX)
		__atomic_store_n(&vq->avail->ring[vq->size],
			(uint16_t)(vq->last_used - 1), __ATOMIC_RELAXED);
}

void
virtnet_vq_enable_intr(struct virtnet_vq *vq)
{
	if (vq->packed) {
		vq->driver_event->flags = VRING_PACKED_EVENT_FLAG_ENABLE;
		return;
	}
	vq->avail->flags = 0;
	/* With event index: at the next used entry. */
	if (vq->mode & VIRTNET_VQ_EVENT_IDX)
		__atomic_store_n(&vq->avail->ring[vq->size], vq->last_used,
			__ATOMIC_RELAXED);
}

static int
virtnet_vq_dump_packed(const struct virtnet_vq *vq, char *buf, size_t len)
{
	const struct vring_packed_desc *d = vq->pdesc;
	uint16_t prev = (uint16_t)((vq->avail_idx + vq->size - 1) % vq->size);

	return snprintf(buf, len, "next %u wrap %u used %u/%u free %u unkicked %u device event %u/0x%x fault %u; flags at used 0x%x id %u, at next 0x%x, before next 0x%x",
		vq->avail_idx, !!(vq->avail_flags & VRING_PACKED_DESC_F_AVAIL),
		vq->last_used, vq->used_wrap, vq->num_free, vq->kick_added,
		__atomic_load_n(&vq->device_event->off_wrap, __ATOMIC_RELAXED),
		__atomic_load_n(&vq->device_event->flags, __ATOMIC_RELAXED),
		vq->fault,
		__atomic_load_n(&d[vq->last_used].flags, __ATOMIC_RELAXED),
		__atomic_load_n(&d[vq->last_used].id, __ATOMIC_RELAXED),
		__atomic_load_n(&d[vq->avail_idx].flags, __ATOMIC_RELAXED),
		__atomic_load_n(&d[prev].flags, __ATOMIC_RELAXED));
}

int
virtnet_vq_dump(const struct virtnet_vq *vq, char *buf, size_t len)
{
	uint16_t avail_event;

	if (vq->packed)
		return virtnet_vq_dump_packed(vq, buf, len);
	memcpy(&avail_event, &vq->used->ring[vq->size], sizeof(avail_event));
	return snprintf(buf, len, "avail %u used %u/%u free %u used flags 0x%x avail event %u fault %u",
		vq->avail_idx, vq->last_used,
		__atomic_load_n(&vq->used->idx, __ATOMIC_RELAXED), vq->num_free,
		__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED),
		avail_event, vq->fault);
}

void *
virtnet_vq_dump_next(const struct virtnet_vq *vq, uint32_t *len)
{
	const struct vring_packed_desc *d = &vq->pdesc[vq->last_used];
	const struct vring_used_elem *e;
	uint32_t id;

	/* Each field read once, after the flags or index (acquire). */
	if (vq->packed) {
		if (!!(__atomic_load_n(&d->flags, __ATOMIC_ACQUIRE) &
		       VRING_PACKED_DESC_F_USED) != vq->used_wrap)
			return NULL;
		id = __atomic_load_n(&d->id, __ATOMIC_RELAXED);
		*len = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
	} else {
		if (vq->last_used ==
		    __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE))
			return NULL;
		e = &vq->used->ring[vq->last_used & vq->mask];
		id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
		*len = __atomic_load_n(&e->len, __ATOMIC_RELAXED);
	}
	return id < vq->size ? vq->extra[id].cookie : NULL;
}

/* A packed ring position moved on by @p n descriptors, the wrap with it. */
static void
vq_pos_advance(const struct virtnet_vq *vq, uint16_t *pos, bool *wrap,
		uint16_t n)
{
	uint32_t p = (uint32_t)*pos + n;

	if (p >= vq->size) {
		p -= vq->size;
		*wrap = !*wrap;
	}
	*pos = (uint16_t)p;
}

/*
 * In order: the chains in flight from @p *next up to and including
 * @p last, counted at most up to @p room. *next and *wrap move past them.
 * Stops (short) at a chain not in flight: the device named one that
 * never was, which the next burst faults on.
 */
static uint16_t
vq_inorder_span(const struct virtnet_vq *vq, uint16_t *next, bool *wrap,
		uint16_t last, uint16_t room)
{
	uint16_t n = 0, id = *next, cur;

	while (n < room && vq->extra[id].cookie != NULL) {
		cur = id;
		n++;
		if (vq->packed)
			vq_pos_advance(vq, &id, wrap, vq->extra[cur].ndescs);
		else
			id = (id + vq->extra[cur].ndescs) & vq->mask;
		if (cur == last)
			break;
	}
	*next = id;
	return n;
}

/* The id of a used entry, or size when it names nothing in flight. */
static uint16_t
vq_checked_id(const struct virtnet_vq *vq, uint32_t id)
{
	if (id >= vq->size || vq->extra[id].cookie == NULL)
		return vq->size;
	return (uint16_t)id;
}

uint16_t
virtnet_vq_done_count(const struct virtnet_vq *vq)
{
	const bool in_order = !!(vq->mode & VIRTNET_VQ_IN_ORDER);
	uint16_t room = vq->size - vq->num_free;	/* chains <= descriptors */
	uint16_t next, pos, n = 0, entries, i, id, span;
	bool wrap = vq->used_wrap;

	if (virtnet_vq_broken(vq))
		return 0;
	next = vq->packed ? vq->last_used : vq->inorder_next;
	if (in_order && vq->in_batch)
		n = vq_inorder_span(vq, &next, &wrap, vq->batch_last, room);
	if (!vq->packed) {
		entries = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) -
			vq->last_used;
		pos = vq->last_used + (in_order && vq->in_batch);
		if (in_order && vq->in_batch && entries > 0)
			entries--;
		for (i = 0; i < entries && n < room; i++, pos++) {
			id = vq_checked_id(vq, __atomic_load_n(
				&vq->used->ring[pos & vq->mask].id,
				__ATOMIC_RELAXED));
			if (id == vq->size)
				break;
			n += in_order ? vq_inorder_span(vq, &next, &wrap, id,
				room - n) : 1;
		}
		return n;
	}
	pos = next;
	while (n < room && virtnet_vq_packed_is_used(vq, pos, wrap)) {
		id = vq_checked_id(vq, __atomic_load_n(&vq->pdesc[pos].id,
			__ATOMIC_RELAXED));
		if (id == vq->size)
			break;
		if (in_order) {
			/*
			 * No chain in flight at pos (a used flag where none
			 * was posted): pos would not move, and the loop would
			 * spin for good.
			 */
			span = vq_inorder_span(vq, &pos, &wrap, id, room - n);
			if (span == 0)
				break;
			n += span;
		} else {
			n++;
			vq_pos_advance(vq, &pos, &wrap, vq->extra[id].ndescs);
		}
	}
	return n;
}

/* rte_power_monitor's test: -1 wakes (the entry was written), 0 sleeps. */
static int
vq_monitor_split(const uint64_t val,
		const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ])
{
	return (uint16_t)val != (uint16_t)opaque[0] ? -1 : 0;
}

static int
vq_monitor_packed(const uint64_t val,
		const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ])
{
	const uint16_t both = VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED;

	return ((uint16_t)val & both) == (uint16_t)opaque[0] ? -1 : 0;
}

void
virtnet_vq_monitor(const struct virtnet_vq *vq,
		struct rte_power_monitor_cond *pmc)
{
	const uint16_t both = VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED;

	memset(pmc, 0, sizeof(*pmc));
	pmc->size = sizeof(uint16_t);
	if (vq->packed) {
		/* The next used descriptor's flags turn to the device's wrap. */
		pmc->addr = &vq->pdesc[vq->last_used].flags;
		pmc->opaque[0] = vq->used_wrap ? both : 0;
		pmc->fn = vq_monitor_packed;
	} else {
		/* The used index moves past what the driver took. */
		pmc->addr = &vq->used->idx;
		pmc->opaque[0] = vq->last_used;
		pmc->fn = vq_monitor_split;
	}
}

/*
 * What the driver found, for the fault's log line: the used slot (or
 * index) and the value the device left there, the driver's own position
 * and what was in flight.
 */
int
virtnet_vq_fault_where(const struct virtnet_vq *vq, char *buf, size_t len)
{
	const char *what = vq->fault == VIRTNET_VQ_BAD_ID ? "id" :
		vq->fault == VIRTNET_VQ_BAD_LEN ? "length" :
		vq->packed ? "flags" : "used index";

	if (vq->packed)
		return snprintf(buf, len,
			"%s 0x%x at slot %u in lap %u; next avail slot %u in lap %u, %u of %u in flight",
			what, vq->fault_seen, vq->fault_slot, vq->used_wrap,
			vq->avail_idx,
			!!(vq->avail_flags & VRING_PACKED_DESC_F_AVAIL),
			vq->size - vq->num_free, vq->size);
	return snprintf(buf, len,
		"%s 0x%x at used entry %u; avail index %u, %u of %u in flight",
		what, vq->fault_seen, vq->fault_slot, vq->avail_idx,
		vq->size - vq->num_free, vq->size);
}

const char *
virtnet_vq_fault_str(uint8_t fault)
{
	switch (fault) {
	case VIRTNET_VQ_BAD_USED_IDX:
		return "wrote a used index past what is in flight, or packed flags no device may write";
	case VIRTNET_VQ_BAD_ID:
		return "named a buffer that is not in flight";
	case VIRTNET_VQ_BAD_LEN:
		return "wrote a length beyond the buffer";
	default:
		return "broke the ring";
	}
}
