/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_VQ_H
#define VIRTNET_VQ_H

/**
 * @file
 * Layout-neutral virtqueue API. This is the only code that knows the
 * descriptor format: the datapath adds buffer chains with opaque cookies,
 * publishes them, asks whether to kick, and takes used cookies back. It
 * knows nothing of mbufs and needs no EAL, so unit tests drive it against
 * a device model written from the spec.
 *
 * The device is untrusted. Everything it writes (used index, id, length)
 * is read once into a local and checked; a violation marks the queue
 * broken and counts it, and the queue then returns nothing until reset.
 * Chain bookkeeping (next, length, cookie) lives in driver-private memory
 * and is never read back from the ring.
 */

#include <stdbool.h>
#include <stdint.h>
#include <errno.h>

#include <rte_common.h>
#include <rte_atomic.h>
#include <rte_branch_prediction.h>

#include "virtnet_spec.h"

/** Largest ring the driver accepts. */
#define VIRTNET_VQ_MAX_SIZE	VIRTIO_SPLIT_RING_MAX
/** End of the private free list. */
#define VIRTNET_VQ_END		UINT16_MAX

/** One buffer of a chain as the device addresses it. */
struct virtnet_buf {
	uint64_t addr;	/**< device address (IOVA, or VA for vhost-user) */
	uint32_t len;	/**< bytes */
};

/** Why a queue was marked broken. */
enum virtnet_vq_fault {
	VIRTNET_VQ_OK = 0,
	VIRTNET_VQ_BAD_USED_IDX,	/**< used index ran past what is in flight */
	VIRTNET_VQ_BAD_ID,		/**< used id out of range or not in flight */
	VIRTNET_VQ_BAD_LEN,		/**< used length beyond what was posted */
};

/** Driver-private state of one descriptor. */
struct virtnet_vq_extra {
	void *cookie;		/**< set on a chain head while in flight */
	uint32_t in_len;	/**< device-writable bytes of the chain */
	uint16_t ndescs;	/**< descriptors in the chain (on the head) */
	uint16_t next;		/**< next in chain or in the free list */
};

/** Errors a queue has seen from its device. */
struct virtnet_vq_errors {
	uint64_t bad_used_idx;
	uint64_t bad_id;
	uint64_t bad_len;
};

/** A virtqueue (split layout today; packed plugs in behind this API). */
struct virtnet_vq {
	uint16_t size;		/**< ring size as negotiated with the device */
	uint16_t mask;
	uint16_t num_free;
	uint16_t free_head;
	uint16_t avail_idx;	/**< next avail slot, not yet published */
	uint16_t avail_pub;	/**< avail index the device last saw */
	uint16_t last_used;	/**< next used slot to read */
	uint16_t qid;		/**< virtio queue index */
	uint8_t fault;		/**< enum virtnet_vq_fault; 0 while healthy */
	struct virtnet_vq_errors err;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	void *ring_va;		/**< start of the ring memory */
	uint64_t ring_addr;	/**< the same as the device addresses it */
	struct virtnet_vq_extra extra[];
};

/** Bytes of ring memory a queue of @p size needs (4096-aligned). */
size_t virtnet_vq_ring_size(uint16_t size);

/** Bytes of the struct virtnet_vq for @p size descriptors. */
size_t virtnet_vq_struct_size(uint16_t size);

/**
 * Check a ring size for this layout.
 * @return 0, or -EINVAL when the layout cannot use it.
 */
int virtnet_vq_check_size(uint32_t size);

/**
 * Lay a queue over zeroed ring memory and reset its bookkeeping.
 *
 * @param vq        queue struct of virtnet_vq_struct_size(size) bytes
 * @param qid       virtio queue index
 * @param size      ring size (checked by virtnet_vq_check_size())
 * @param ring_va   ring memory, virtnet_vq_ring_size(size) bytes, 4 KiB aligned
 * @param ring_addr the ring's address as the device sees it
 */
void virtnet_vq_init(struct virtnet_vq *vq, uint16_t qid, uint16_t size,
		void *ring_va, uint64_t ring_addr);

/** Forget everything in flight and start the ring from index 0. */
void virtnet_vq_reset(struct virtnet_vq *vq);

/** Device addresses of the ring parts, for the transport. */
void virtnet_vq_addrs(const struct virtnet_vq *vq, uint64_t *desc,
		uint64_t *avail, uint64_t *used);

/**
 * Take back one cookie still in flight (after the device stopped).
 * @return a cookie, or NULL when none is left.
 */
void *virtnet_vq_detach_unused(struct virtnet_vq *vq);

/** Record a fault from the device; the queue stays broken until reset. */
static inline void
virtnet_vq_fail(struct virtnet_vq *vq, enum virtnet_vq_fault why)
{
	if (why == VIRTNET_VQ_BAD_USED_IDX)
		vq->err.bad_used_idx++;
	else if (why == VIRTNET_VQ_BAD_ID)
		vq->err.bad_id++;
	else
		vq->err.bad_len++;
	if (vq->fault == VIRTNET_VQ_OK)
		vq->fault = why;
}

/** Whether the queue was stopped by a device fault. */
static inline bool
virtnet_vq_broken(const struct virtnet_vq *vq)
{
	return vq->fault != VIRTNET_VQ_OK;
}

/** Index the next added chain will have as its head. */
static inline uint16_t
virtnet_vq_next_head(const struct virtnet_vq *vq)
{
	return vq->free_head;
}

/**
 * Add one chain: @p n_out device-readable buffers then @p n_in
 * device-writable ones. Not visible to the device before
 * virtnet_vq_publish().
 *
 * @return the head id, or -ENOSPC.
 */
static __rte_always_inline int
virtnet_vq_add(struct virtnet_vq *vq, const struct virtnet_buf *bufs,
		uint16_t n_out, uint16_t n_in, void *cookie)
{
	uint16_t n = n_out + n_in;
	uint16_t head = vq->free_head;
	uint16_t id = head, last = head;
	uint32_t in_len = 0;
	uint16_t i;

	if (unlikely(n == 0 || n > vq->num_free))
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		struct vring_desc *d = &vq->desc[id];
		uint16_t flags = i < n_out ? 0 : VRING_DESC_F_WRITE;

		if (i >= n_out)
			in_len += bufs[i].len;
		last = id;
		id = vq->extra[id].next;
		if (i + 1 < n)
			flags |= VRING_DESC_F_NEXT;
		d->addr = bufs[i].addr;
		d->len = bufs[i].len;
		d->flags = flags;
		d->next = id;
	}
	vq->free_head = id;
	vq->extra[last].next = VIRTNET_VQ_END;
	vq->num_free -= n;
	vq->extra[head].cookie = cookie;
	vq->extra[head].ndescs = n;
	vq->extra[head].in_len = in_len;
	vq->avail->ring[vq->avail_idx & vq->mask] = head;
	vq->avail_idx++;
	return head;
}

/** Make every chain added so far visible to the device. */
static __rte_always_inline void
virtnet_vq_publish(struct virtnet_vq *vq)
{
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
}

/** Whether the device asked to be notified of what was published. */
static __rte_always_inline bool
virtnet_vq_kick_prepare(struct virtnet_vq *vq)
{
	bool kick;

	if (vq->avail_pub == vq->avail_idx)
		return false;
	/* Order the index store before reading the device's flags. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	kick = !(__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED) &
		VRING_USED_F_NO_NOTIFY);
	vq->avail_pub = vq->avail_idx;
	return kick;
}

/**
 * Number of used chains waiting, checked against what is in flight.
 * Acquire ordering: entries below the returned count may be read.
 */
static __rte_always_inline uint16_t
virtnet_vq_used_count(struct virtnet_vq *vq)
{
	uint16_t used_idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
	uint16_t n = used_idx - vq->last_used;

	if (unlikely(n > (uint16_t)(vq->size - vq->num_free))) {
		virtnet_vq_fail(vq, VIRTNET_VQ_BAD_USED_IDX);
		return 0;
	}
	return n;
}

/**
 * Take the next used chain; call only below virtnet_vq_used_count().
 *
 * @param len  bytes the device wrote, checked against the chain's
 *             writable length
 * @return the chain's cookie, or NULL on a device fault.
 */
static __rte_always_inline void *
virtnet_vq_get_used(struct virtnet_vq *vq, uint32_t *len)
{
	const struct vring_used_elem *e =
		&vq->used->ring[vq->last_used & vq->mask];
	uint32_t id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
	uint32_t l = __atomic_load_n(&e->len, __ATOMIC_RELAXED);
	struct virtnet_vq_extra *x;
	uint16_t tail, n, i;
	void *cookie;

	if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL)) {
		virtnet_vq_fail(vq, VIRTNET_VQ_BAD_ID);
		return NULL;
	}
	x = &vq->extra[id];
	if (unlikely(l > x->in_len)) {
		virtnet_vq_fail(vq, VIRTNET_VQ_BAD_LEN);
		return NULL;
	}
	cookie = x->cookie;
	x->cookie = NULL;
	n = x->ndescs;
	tail = (uint16_t)id;
	for (i = 1; i < n; i++)
		tail = vq->extra[tail].next;
	vq->extra[tail].next = vq->free_head;
	vq->free_head = (uint16_t)id;
	vq->num_free += n;
	vq->last_used++;
	*len = l;
	return cookie;
}

/** Ask the device not to interrupt on used buffers (polling). */
static inline void
virtnet_vq_disable_intr(struct virtnet_vq *vq)
{
	vq->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
}

/** Ask the device to interrupt on used buffers. */
static inline void
virtnet_vq_enable_intr(struct virtnet_vq *vq)
{
	vq->avail->flags = 0;
}

#endif /* VIRTNET_VQ_H */
