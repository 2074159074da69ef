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

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_atomic.h>
#include <rte_branch_prediction.h>

#include "virtnet_spec.h"

/**
 * Mode bits of a queue, fixed at init from the negotiated features. The
 * datapath passes them as a constant so each burst is compiled for one
 * combination; the queue keeps a copy for slow paths.
 */
#define VIRTNET_VQ_PACKED	RTE_BIT32(0)	/**< packed layout */
#define VIRTNET_VQ_IN_ORDER	RTE_BIT32(1)	/**< buffers used in order */
#define VIRTNET_VQ_EVENT_IDX	RTE_BIT32(2)	/**< event index suppression */

/** Largest ring the driver accepts, for both layouts. */
#define VIRTNET_VQ_MAX_SIZE	VIRTIO_SPLIT_RING_MAX
/** End of the private free list. */
#define VIRTNET_VQ_END		UINT16_MAX

/** One buffer of a chain as the device addresses it. */
struct virtnet_buf {
	uint64_t addr;	/**< device address (IOVA, or VA for vhost-user) */
	uint32_t len;	/**< bytes */
};

/**
 * One entry of an indirect descriptor table, in either layout's format.
 * The table belongs to the caller and must stay untouched while its
 * chain is in flight; the buffer id of the chain is a convenient key.
 */
union virtnet_vq_indir {
	struct vring_desc split;
	struct vring_packed_desc packed;
};

/** Why a queue was marked broken. */
enum virtnet_vq_fault {
	VIRTNET_VQ_OK = 0,
	VIRTNET_VQ_BAD_USED_IDX,	/**< used index ran past what is in flight */
	VIRTNET_VQ_BAD_ID,		/**< used id out of range or not in flight */
	VIRTNET_VQ_BAD_LEN,		/**< used length beyond what was posted */
};

/** Driver-private state of one buffer id. */
struct virtnet_vq_extra {
	void *cookie;		/**< set while the buffer is in flight */
	uint32_t in_len;	/**< device-writable bytes of the chain */
	uint16_t ndescs;	/**< descriptors in the chain */
	uint16_t next;		/**< split: next descriptor; both: free list */
};

/** Errors a queue has seen from its device. */
struct virtnet_vq_errors {
	uint64_t bad_used_idx;
	uint64_t bad_id;
	uint64_t bad_len;
};

/**
 * A virtqueue. Split and packed share the bookkeeping; each layout's
 * functions are selected by a constant bool so every caller is compiled
 * for exactly one layout.
 */
struct virtnet_vq {
	uint16_t size;		/**< ring size as negotiated with the device */
	uint16_t mask;		/**< split only: size - 1 */
	uint16_t num_free;	/**< free descriptor slots */
	uint16_t free_head;	/**< split: free descriptors; packed: free ids */
	uint16_t avail_idx;	/**< split: next avail slot; packed: next desc */
	uint16_t avail_pub;	/**< split: avail index the device last saw */
	uint16_t last_used;	/**< split: used index; packed: used desc slot */
	uint16_t used_cached;	/**< split: used entries known to be ready */
	uint16_t peek_id;	/**< id returned by the last peek */
	uint16_t qid;		/**< virtio queue index */
	uint16_t avail_flags;	/**< packed: AVAIL/USED bits of the wrap */
	uint16_t kick_added;	/**< packed: descriptors added since last kick */
	uint16_t inorder_next;	/**< in order, split: head expected next */
	uint16_t batch_last;	/**< in order: last id of the batch being taken */
	uint32_t event_kicked;	/**< event index last kicked for */
	bool in_batch;		/**< in order: one used entry covers several */
	bool used_wrap;		/**< packed: device's wrap counter */
	bool packed;
	uint8_t mode;		/**< VIRTNET_VQ_* */
	uint8_t fault;		/**< enum virtnet_vq_fault; 0 while healthy */
	uint16_t fault_slot;	/**< where the fault was seen, for its log */
	uint32_t fault_seen;	/**< the index, id, length or flags seen */
	struct virtnet_vq_errors err;
	union {
		struct {
			struct vring_desc *desc;
			struct vring_avail *avail;
			struct vring_used *used;
		};
		struct {
			struct vring_packed_desc *pdesc;
			struct vring_packed_desc_event *driver_event;
			struct vring_packed_desc_event *device_event;
		};
	};
	void *ring_va;		/**< start of the ring memory */
	uint64_t ring_addr;	/**< the same as the device addresses it */
	struct virtnet_vq_extra extra[];
};

/** Bytes of ring memory a queue of @p size needs (4096-aligned). */
size_t virtnet_vq_ring_size(uint16_t size, bool packed);

/** Bytes of the struct virtnet_vq for @p size descriptors. */
size_t virtnet_vq_struct_size(uint16_t size);

/**
 * Check a ring size for a layout: a power of 2 for split, any size up to
 * 32768 for packed.
 * @return 0, or -EINVAL when the layout cannot use it.
 */
int virtnet_vq_check_size(uint32_t size, bool packed);

/**
 * Lay a queue over ring memory and reset its bookkeeping.
 *
 * @param vq        queue struct of virtnet_vq_struct_size(size) bytes
 * @param qid       virtio queue index
 * @param size      ring size (checked by virtnet_vq_check_size())
 * @param mode      VIRTNET_VQ_* bits
 * @param ring_va   ring memory, virtnet_vq_ring_size() bytes, 4 KiB aligned
 * @param ring_addr the ring's address as the device sees it
 */
void virtnet_vq_init(struct virtnet_vq *vq, uint16_t qid, uint16_t size,
		uint32_t mode, void *ring_va, uint64_t ring_addr);

/** Forget everything in flight and start the ring from its beginning. */
void virtnet_vq_reset(struct virtnet_vq *vq);

/**
 * Device addresses of the ring parts, for the transport: descriptors,
 * driver area (split avail ring, packed driver event), device area.
 */
void virtnet_vq_addrs(const struct virtnet_vq *vq, uint64_t *desc,
		uint64_t *driver, uint64_t *device);

/**
 * The cookie of a posted one-descriptor chain whose buffer was taken back
 * while the device left the ring (virtnet_vq_unpost()); never a buffer.
 */
#define VIRTNET_VQ_NO_BUF	((void *)(uintptr_t)1)

/**
 * The device left the ring (paused, none of it used and not taken): take
 * back up to @p max buffers of posted one-descriptor chains into @p out,
 * their descriptors left posted with the cookie VIRTNET_VQ_NO_BUF.
 * @return the number taken; 0 when none is left.
 */
uint16_t virtnet_vq_unpost(struct virtnet_vq *vq, void **out, uint16_t max);

/** Chains virtnet_vq_unpost() left without a buffer. */
uint16_t virtnet_vq_unposted(const struct virtnet_vq *vq);

/**
 * Before the device uses the ring again: give each chain left without a
 * buffer the next of @p cookies, its descriptor the address in @p addrs
 * (lengths unchanged: buffers of the same size). @p n is
 * virtnet_vq_unposted().
 * @return the cookies placed: fewer than @p n when a chain without a
 *   buffer was not found where it was posted (the ring must not run).
 */
uint16_t virtnet_vq_repost(struct virtnet_vq *vq, void *const *cookies,
		const uint64_t *addrs, uint16_t n);

/**
 * Take back one cookie still in flight, after the device stopped. The
 * caller resets the queue once none is left.
 * @return a cookie, or NULL when none is left.
 */
void *virtnet_vq_detach_unused(struct virtnet_vq *vq);

/**
 * Describe where the ring stands, for a debug log: the driver's indices
 * and free count, the device's event area and the flags or used index
 * it left. Reads device memory but changes nothing.
 * @return what snprintf() returns.
 */
int virtnet_vq_dump(const struct virtnet_vq *vq, char *buf, size_t len);

/**
 * For a debug log: the cookie of the next used chain as the device left
 * it, and its length, without taking or checking it.
 * @return the cookie, or NULL when none is ready or the id is invalid.
 */
void *virtnet_vq_dump_next(const struct virtnet_vq *vq, uint32_t *len);

/**
 * Chains the device has finished that the driver has not taken yet
 * (rx_queue_count, descriptor status). Reads device memory and changes
 * nothing; what is not sound (an index past what is in flight, an id not
 * in flight) ends the count there, and the next burst faults on it.
 */
uint16_t virtnet_vq_done_count(const struct virtnet_vq *vq);

struct rte_power_monitor_cond;

/**
 * Where the device writes its next used entry and how to tell that it
 * did, for rte_power_monitor() (get_monitor_addr).
 */
void virtnet_vq_monitor(const struct virtnet_vq *vq,
		struct rte_power_monitor_cond *pmc);

/** Ask the device not to interrupt on used buffers (polling). */
void virtnet_vq_disable_intr(struct virtnet_vq *vq);

/** Ask the device to interrupt on used buffers (for Rx interrupts). */
void virtnet_vq_enable_intr(struct virtnet_vq *vq);

/**
 * Where the ring stands, for a fault's log line.
 * @return what snprintf() returns.
 */
int virtnet_vq_fault_where(const struct virtnet_vq *vq, char *buf, size_t len);

/** What a fault of enum virtnet_vq_fault means, for a log line. */
const char *virtnet_vq_fault_str(uint8_t fault);

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

/** A fault, with the slot and the value the driver found there. */
static inline void
virtnet_vq_fail_at(struct virtnet_vq *vq, enum virtnet_vq_fault why,
		uint16_t slot, uint32_t seen)
{
	if (vq->fault == VIRTNET_VQ_OK) {
		vq->fault_slot = slot;
		vq->fault_seen = seen;
	}
	virtnet_vq_fail(vq, why);
}

/** Faults of every kind in @p e. */
static inline uint64_t
virtnet_vq_errors_sum(const struct virtnet_vq_errors *e)
{
	return e->bad_used_idx + e->bad_id + e->bad_len;
}

/** Whether the queue was stopped by a device fault. */
static inline bool
virtnet_vq_broken(const struct virtnet_vq *vq)
{
	return vq->fault != VIRTNET_VQ_OK;
}

/**
 * Where the net header of the next chain may go when it cannot be pushed
 * into the packet: the id the next chain will get, below size and unique
 * among chains in flight.
 */
static __rte_always_inline uint16_t
virtnet_vq_next_id(const struct virtnet_vq *vq, const uint32_t mode)
{
	if ((mode & VIRTNET_VQ_PACKED) && (mode & VIRTNET_VQ_IN_ORDER))
		return vq->avail_idx;
	return vq->free_head;
}

/* (uint16_t)(new - event - 1) < (uint16_t)(new - old), as in the spec. */
static __rte_always_inline bool
virtnet_vq_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

/*
 * The spec's rule, plus one kick for an event left behind: QEMU 7.2's
 * virtio-net re-enables notifications at its current index after an
 * asynchronous Tx completes, then takes more buffers and waits for a kick
 * at an index the driver has passed already; by the rule alone both
 * sides wait forever. A notification is allowed at any time, so an event
 * behind this batch that was never kicked for gets one. @p raw tells
 * events apart (packed: off_wrap; split: the avail event).
 */
static __rte_always_inline bool
virtnet_vq_event_kick(struct virtnet_vq *vq, uint16_t event, uint16_t raw,
		uint16_t new_idx, uint16_t old)
{
	bool kick = virtnet_vq_need_event(event, new_idx, old);

	if (!kick && raw != vq->event_kicked &&
	    (uint16_t)(old - 1 - event) < vq->size)
		kick = true;
	if (kick)
		vq->event_kicked = raw;
	return kick;
}

/* ---- split layout ---- */

/*
 * In order, chains take consecutive descriptors and the head is the id;
 * otherwise they come from the free list.
 */
static __rte_always_inline int
virtnet_vq_split_add(struct virtnet_vq *vq, const struct virtnet_buf *bufs,
		uint16_t n_out, uint16_t n, uint16_t xflags, void *cookie,
		const bool in_order)
{
	uint16_t head = vq->free_head;
	uint16_t id = head, last = head;
	uint32_t in_len = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct vring_desc *d = &vq->desc[id];
		uint16_t flags = i < n_out ? 0 : VRING_DESC_F_WRITE;

		if (i >= n_out)
			in_len += bufs[i].len;
		last = id;
		id = in_order ? (id + 1) & vq->mask : vq->extra[id].next;
		if (i + 1 < n)
			flags |= VRING_DESC_F_NEXT;
		if (i == 0)
			flags |= xflags;
		d->addr = bufs[i].addr;
		d->len = bufs[i].len;
		d->flags = flags;
		d->next = id;
	}
	vq->free_head = id;
	if (!in_order)
		vq->extra[last].next = VIRTNET_VQ_END;
	vq->extra[head].cookie = cookie;
	vq->extra[head].ndescs = n;
	vq->extra[head].in_len = in_len;
	vq->avail->ring[vq->avail_idx & vq->mask] = head;
	vq->avail_idx++;
	return head;
}

static __rte_always_inline bool
virtnet_vq_split_kick_prepare(struct virtnet_vq *vq)
{
	uint16_t old = vq->avail_pub;
	bool kick;

	if (old == vq->avail_idx)
		return false;
	vq->avail_pub = vq->avail_idx;
	/* Order the index store before reading the device's wishes. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->mode & VIRTNET_VQ_EVENT_IDX) {
		/* avail_event sits just past the used ring. */
		uint16_t event = __atomic_load_n(
			(uint16_t *)&vq->used->ring[vq->size], __ATOMIC_RELAXED);

		kick = virtnet_vq_event_kick(vq, event, event, vq->avail_idx,
			old);
	} else {
		kick = !(__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED) &
			VRING_USED_F_NO_NOTIFY);
	}
	return kick;
}

/* Used entries ready, checked against what is in flight (acquire). */
static __rte_always_inline uint16_t
virtnet_vq_split_ready(struct virtnet_vq *vq)
{
	uint16_t used_idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
	uint16_t n = used_idx - vq->last_used;

	if (unlikely(n > (uint16_t)(vq->size - vq->num_free))) {
		virtnet_vq_fail_at(vq, VIRTNET_VQ_BAD_USED_IDX, vq->last_used,
			used_idx);
		return 0;
	}
	vq->used_cached = n;
	return n;
}

static __rte_always_inline bool
virtnet_vq_split_peek(struct virtnet_vq *vq, uint32_t *id, uint32_t *len)
{
	const struct vring_used_elem *e;

	if (vq->used_cached == 0 && virtnet_vq_split_ready(vq) == 0)
		return false;
	e = &vq->used->ring[vq->last_used & vq->mask];
	*id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
	*len = __atomic_load_n(&e->len, __ATOMIC_RELAXED);
	return true;
}

/* @p entry_done: the used entry naming this chain is fully taken. */
static __rte_always_inline void
virtnet_vq_split_pop(struct virtnet_vq *vq, uint16_t id, bool entry_done,
		const bool in_order)
{
	uint16_t tail = id, i;

	if (in_order) {
		vq->inorder_next = (id + vq->extra[id].ndescs) & vq->mask;
	} else {
		for (i = 1; i < vq->extra[id].ndescs; i++)
			tail = vq->extra[tail].next;
		vq->extra[tail].next = vq->free_head;
		vq->free_head = id;
	}
	if (entry_done) {
		vq->last_used++;
		vq->used_cached--;
	}
}

/* ---- packed layout ---- */

/* In order, the id is the head's position; otherwise a free id. */
static __rte_always_inline int
virtnet_vq_packed_add(struct virtnet_vq *vq, const struct virtnet_buf *bufs,
		uint16_t n_out, uint16_t n, uint16_t xflags, void *cookie,
		const bool in_order)
{
	uint16_t pos = vq->avail_idx, head = pos;
	uint16_t id = in_order ? pos : vq->free_head;
	uint16_t head_flags = 0, flags, i;
	uint32_t in_len = 0;

	for (i = 0; i < n; i++) {
		struct vring_packed_desc *d = &vq->pdesc[pos];

		flags = vq->avail_flags;
		/*
		 * Only the head makes a chain available. The rest of a
		 * writable chain must not look available on its own: DPDK
		 * 22.11's vhost takes four available descriptors in a row as
		 * four single buffers on its Rx fast path, without looking at
		 * NEXT, and would split the chain.
		 */
		if (i > 0 && n_out == 0)
			flags ^= VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED;
		if (i >= n_out) {
			flags |= VRING_DESC_F_WRITE;
			in_len += bufs[i].len;
		}
		if (i + 1 < n)
			flags |= VRING_DESC_F_NEXT;
		d->addr = bufs[i].addr;
		d->len = bufs[i].len;
		d->id = id;
		if (i == 0)
			head_flags = flags | xflags;
		else
			d->flags = flags;
		if (++pos == vq->size) {
			pos = 0;
			vq->avail_flags ^= VRING_PACKED_DESC_F_AVAIL |
				VRING_PACKED_DESC_F_USED;
		}
	}
	vq->avail_idx = pos;
	if (!in_order)
		vq->free_head = vq->extra[id].next;
	vq->extra[id].cookie = cookie;
	vq->extra[id].ndescs = n;
	vq->extra[id].in_len = in_len;
	vq->kick_added += n;
	/* The head's flags hand the whole chain over: write them last. */
	__atomic_store_n(&vq->pdesc[head].flags, head_flags, __ATOMIC_RELEASE);
	return id;
}

/*
 * Make @p n one-buffer device-writable chains available (Rx refill), as
 * n virtnet_vq_packed_add() would, with the ring position, wrap and free
 * ids in locals. The caller checked there is room.
 */
static __rte_always_inline void
virtnet_vq_packed_add_in(struct virtnet_vq *vq, const struct virtnet_buf *b,
		void *const *cookies, uint16_t n, const bool in_order)
{
	const uint16_t both = VRING_PACKED_DESC_F_AVAIL |
		VRING_PACKED_DESC_F_USED;
	struct vring_packed_desc *d = vq->pdesc;
	struct virtnet_vq_extra *x = vq->extra;
	uint16_t pos = vq->avail_idx, head = vq->free_head, size = vq->size;
	uint16_t flags = vq->avail_flags | VRING_DESC_F_WRITE, id, i;

	for (i = 0; i < n; i++) {
		id = in_order ? pos : head;
		if (!in_order)
			head = x[id].next;
		x[id].cookie = cookies[i];
		x[id].in_len = b[i].len;
		x[id].ndescs = 1;
		d[pos].addr = b[i].addr;
		d[pos].len = b[i].len;
		d[pos].id = id;
		/* Each buffer is handed over by its own flags, written last. */
		__atomic_store_n(&d[pos].flags, flags, __ATOMIC_RELEASE);
		if (++pos == size) {
			pos = 0;
			flags ^= both;
		}
	}
	vq->avail_idx = pos;
	vq->avail_flags = flags & both;
	if (!in_order)
		vq->free_head = head;
	vq->num_free -= n;
	vq->kick_added += n;
}

/* Whether the device's event offset asks for a kick for what was added. */
static __rte_always_inline bool
virtnet_vq_packed_event_due(struct virtnet_vq *vq, uint16_t off_wrap,
		uint16_t added)
{
	uint16_t new_idx = vq->avail_idx, old = new_idx - added;
	uint16_t event = off_wrap & ~(1u << VRING_PACKED_EVENT_F_WRAP_CTR);
	bool wrap = off_wrap >> VRING_PACKED_EVENT_F_WRAP_CTR;

	/* An offset of the previous lap is counted back by one ring. */
	if (wrap != !!(vq->avail_flags & VRING_PACKED_DESC_F_AVAIL))
		event -= vq->size;
	return virtnet_vq_event_kick(vq, event, off_wrap, new_idx, old);
}

static __rte_always_inline bool
virtnet_vq_packed_kick_prepare(struct virtnet_vq *vq)
{
	uint16_t added = vq->kick_added, flags, off_wrap;

	if (added == 0)
		return false;
	vq->kick_added = 0;
	/* Order the descriptor stores before reading the device's wishes. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = __atomic_load_n(&vq->device_event->flags, __ATOMIC_RELAXED);
	if (flags != VRING_PACKED_EVENT_FLAG_DESC ||
	    !(vq->mode & VIRTNET_VQ_EVENT_IDX))
		return flags != VRING_PACKED_EVENT_FLAG_DISABLE;
	off_wrap = __atomic_load_n(&vq->device_event->off_wrap,
		__ATOMIC_RELAXED);
	return virtnet_vq_packed_event_due(vq, off_wrap, added);
}

static __rte_always_inline bool
virtnet_vq_packed_is_used(const struct virtnet_vq *vq, uint16_t pos,
		bool wrap)
{
	const uint16_t both = VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED;
	uint16_t f = __atomic_load_n(&vq->pdesc[pos].flags, __ATOMIC_ACQUIRE);

	/* Used: AVAIL and USED both equal to the wrap counter. */
	return (f & both) == (wrap ? both : 0);
}

/*
 * Flags @p f of a slot in flight in the lap @p wrap that no device may
 * write: neither what the driver made available (AVAIL = wrap,
 * USED = !wrap) nor used (both = wrap). Torn, or of another lap.
 */
static __rte_always_inline bool
virtnet_vq_packed_flags_torn(uint16_t f, bool wrap)
{
	const uint16_t both = VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED;

	f &= both;
	return f != (wrap ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED) &&
		f != (wrap ? both : 0);
}

static __rte_always_inline bool
virtnet_vq_packed_torn(const struct virtnet_vq *vq, uint16_t pos, bool wrap)
{
	return virtnet_vq_packed_flags_torn(
		__atomic_load_n(&vq->pdesc[pos].flags, __ATOMIC_RELAXED), wrap);
}

/*
 * Fail the queue if slot @p pos, in flight in the lap @p wrap, is torn;
 * the flags logged are the ones tested.
 */
static __rte_always_inline void
virtnet_vq_packed_check_torn(struct virtnet_vq *vq, uint16_t pos, bool wrap)
{
	uint16_t f = __atomic_load_n(&vq->pdesc[pos].flags, __ATOMIC_RELAXED);

	if (unlikely(virtnet_vq_packed_flags_torn(f, wrap)))
		virtnet_vq_fail_at(vq, VIRTNET_VQ_BAD_USED_IDX, pos, f);
}

/* Whether any chain is in flight: the next used slot is then one of it. */
static __rte_always_inline bool
virtnet_vq_packed_busy(const struct virtnet_vq *vq)
{
	bool avail_wrap = !!(vq->avail_flags & VRING_PACKED_DESC_F_AVAIL);

	return vq->last_used != vq->avail_idx || vq->used_wrap != avail_wrap;
}

/* The next used slot holds flags no device may write (a chain in flight). */
static __rte_always_inline bool
virtnet_vq_packed_next_torn(const struct virtnet_vq *vq)
{
	return virtnet_vq_packed_busy(vq) &&
		virtnet_vq_packed_torn(vq, vq->last_used, vq->used_wrap);
}

/* Fail the queue if the next used slot is torn (a chain in flight). */
static __rte_always_inline void
virtnet_vq_packed_check_next(struct virtnet_vq *vq)
{
	if (virtnet_vq_packed_busy(vq))
		virtnet_vq_packed_check_torn(vq, vq->last_used, vq->used_wrap);
}

static __rte_always_inline bool
virtnet_vq_packed_peek(struct virtnet_vq *vq, uint32_t *id, uint32_t *len)
{
	const struct vring_packed_desc *d = &vq->pdesc[vq->last_used];

	if (!virtnet_vq_packed_is_used(vq, vq->last_used, vq->used_wrap)) {
		virtnet_vq_packed_check_next(vq);
		return false;
	}
	/* Read once: the compiler may not fetch them again after the checks. */
	*id = __atomic_load_n(&d->id, __ATOMIC_RELAXED);
	*len = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
	return true;
}

static __rte_always_inline void
virtnet_vq_packed_pop(struct virtnet_vq *vq, uint16_t id, const bool in_order)
{
	uint32_t pos = (uint32_t)vq->last_used + vq->extra[id].ndescs;

	if (pos >= vq->size) {
		pos -= vq->size;
		vq->used_wrap = !vq->used_wrap;
	}
	vq->last_used = (uint16_t)pos;
	if (!in_order) {
		vq->extra[id].next = vq->free_head;
		vq->free_head = id;
	}
}

/* ---- the layout-neutral API ---- */

/* Add a chain of @p n ring descriptors; @p xflags go on the head. */
static __rte_always_inline int
virtnet_vq_add_chain(struct virtnet_vq *vq, const struct virtnet_buf *bufs,
		uint16_t n_out, uint16_t n, uint16_t xflags, void *cookie,
		const uint32_t mode)
{
	const bool in_order = !!(mode & VIRTNET_VQ_IN_ORDER);
	int id;

	if (unlikely(n == 0 || n > vq->num_free))
		return -ENOSPC;
	if (mode & VIRTNET_VQ_PACKED)
		id = virtnet_vq_packed_add(vq, bufs, n_out, n, xflags, cookie,
			in_order);
	else
		id = virtnet_vq_split_add(vq, bufs, n_out, n, xflags, cookie,
			in_order);
	vq->num_free -= n;
	return id;
}

/**
 * Add one chain: @p n_out device-readable buffers then @p n_in
 * device-writable ones. Split chains reach the device at
 * virtnet_vq_publish(), packed ones at once.
 *
 * @return the buffer id, or -ENOSPC.
 */
static __rte_always_inline int
virtnet_vq_add(struct virtnet_vq *vq, const struct virtnet_buf *bufs,
		uint16_t n_out, uint16_t n_in, void *cookie, const uint32_t mode)
{
	return virtnet_vq_add_chain(vq, bufs, n_out, n_out + n_in, 0, cookie,
		mode);
}

/**
 * Add one chain through an indirect table (VIRTIO_RING_F_INDIRECT_DESC):
 * it takes one ring descriptor whatever its length. The caller gives the
 * table of the id virtnet_vq_next_id() returns, with room for
 * @p n_out + @p n_in entries, and its device address.
 *
 * @return the buffer id, or -ENOSPC.
 */
static __rte_always_inline int
virtnet_vq_add_indirect(struct virtnet_vq *vq, const struct virtnet_buf *bufs,
		uint16_t n_out, uint16_t n_in, union virtnet_vq_indir *table,
		uint64_t table_addr, void *cookie, const uint32_t mode)
{
	uint16_t n = n_out + n_in, i, flags;
	struct virtnet_buf ind;
	uint32_t in_len = 0;
	int id;

	for (i = 0; i < n; i++) {
		flags = i < n_out ? 0 : VRING_DESC_F_WRITE;
		if (i >= n_out)
			in_len += bufs[i].len;
		if (mode & VIRTNET_VQ_PACKED) {
			/* Packed tables are sequential: WRITE is their only flag. */
			table[i].packed.addr = bufs[i].addr;
			table[i].packed.len = bufs[i].len;
			table[i].packed.id = 0;
			table[i].packed.flags = flags;
		} else {
			if (i + 1 < n)
				flags |= VRING_DESC_F_NEXT;
			table[i].split.addr = bufs[i].addr;
			table[i].split.len = bufs[i].len;
			table[i].split.flags = flags;
			table[i].split.next = i + 1;
		}
	}
	ind.addr = table_addr;
	ind.len = n * sizeof(*table);
	id = virtnet_vq_add_chain(vq, &ind, 1, 1, VRING_DESC_F_INDIRECT, cookie,
		mode);
	if (id >= 0)
		vq->extra[id].in_len = in_len;
	return id;
}

/** Make every chain added so far visible to the device. */
static __rte_always_inline void
virtnet_vq_publish(struct virtnet_vq *vq, const uint32_t mode)
{
	if (!(mode & VIRTNET_VQ_PACKED))
		__atomic_store_n(&vq->avail->idx, vq->avail_idx,
			__ATOMIC_RELEASE);
}

/**
 * Where the next buffer goes, as VIRTIO_F_NOTIFICATION_DATA reports it
 * (the upper half of the notification, 4.1.4.5.2): the split avail
 * index, or the packed slot with the driver's wrap counter in bit 15.
 */
static __rte_always_inline uint16_t
virtnet_vq_notify_data(const struct virtnet_vq *vq, const uint32_t mode)
{
	if (mode & VIRTNET_VQ_PACKED)
		return vq->avail_idx |
			((vq->avail_flags & VRING_PACKED_DESC_F_AVAIL) ? 0x8000 : 0);
	return vq->avail_idx;
}

/** Whether the device asked to be notified of what was published. */
static __rte_always_inline bool
virtnet_vq_kick_prepare(struct virtnet_vq *vq, const uint32_t mode)
{
	if (mode & VIRTNET_VQ_PACKED)
		return virtnet_vq_packed_kick_prepare(vq);
	return virtnet_vq_split_kick_prepare(vq);
}

/* The chain the device must use next when buffers are used in order. */
static __rte_always_inline uint16_t
virtnet_vq_inorder_expected(const struct virtnet_vq *vq, const uint32_t mode)
{
	return (mode & VIRTNET_VQ_PACKED) ? vq->last_used : vq->inorder_next;
}

/*
 * In order, one used entry may complete a batch: its id names the last
 * chain and every older chain in flight is done too. Those are handed
 * out one by one with length 0; the device wrote no length for them.
 * The caller checked that @p id is the head of a chain in flight (its
 * cookie is set): in order, the chains in flight lie head to tail from
 * the expected one, so walking them from there lands on @p id.
 */
static __rte_always_inline bool
virtnet_vq_inorder_check(struct virtnet_vq *vq, uint32_t *id, uint32_t *len,
		const uint32_t mode)
{
	uint16_t expect = virtnet_vq_inorder_expected(vq, mode);

	if (likely(*id == expect))
		return true;
	vq->in_batch = true;
	vq->batch_last = (uint16_t)*id;
	*id = expect;
	*len = 0;
	return true;
}

/**
 * Look at the next used chain without taking it; its id and length are
 * checked. Acquire ordering: the buffer's contents may be read.
 *
 * @param len  bytes the device wrote
 * @return the chain's cookie, or NULL when none is ready or on a fault.
 */
static __rte_always_inline void *
virtnet_vq_peek_used(struct virtnet_vq *vq, uint32_t *len, const uint32_t mode)
{
	uint32_t id, l;
	bool ready;

	if ((mode & VIRTNET_VQ_IN_ORDER) && vq->in_batch) {
		id = virtnet_vq_inorder_expected(vq, mode);
		l = 0;
		goto found;
	}
	if (mode & VIRTNET_VQ_PACKED)
		ready = virtnet_vq_packed_peek(vq, &id, &l);
	else
		ready = virtnet_vq_split_peek(vq, &id, &l);
	if (!ready)
		return NULL;
	if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL)) {
		virtnet_vq_fail_at(vq, VIRTNET_VQ_BAD_ID, vq->last_used, id);
		return NULL;
	}
	if ((mode & VIRTNET_VQ_IN_ORDER) &&
	    !virtnet_vq_inorder_check(vq, &id, &l, mode))
		return NULL;
found:
	/*
	 * A chain the device only reads has no length to report, and DPDK's
	 * vhost leaves the driver's own value in packed descriptors it
	 * returns: take it as 0 rather than as a fault.
	 */
	if (vq->extra[id].in_len == 0) {
		l = 0;
	} else if (unlikely(l > vq->extra[id].in_len)) {
		virtnet_vq_fail_at(vq, VIRTNET_VQ_BAD_LEN, vq->last_used, l);
		return NULL;
	}
	vq->peek_id = (uint16_t)id;
	*len = l;
	return vq->extra[id].cookie;
}

/** Take the chain the last successful peek returned. */
static __rte_always_inline void
virtnet_vq_pop_used(struct virtnet_vq *vq, const uint32_t mode)
{
	const bool in_order = !!(mode & VIRTNET_VQ_IN_ORDER);
	uint16_t id = vq->peek_id;
	bool entry_done = true;

	if (in_order && vq->in_batch) {
		entry_done = id == vq->batch_last;
		vq->in_batch = !entry_done;
	}
	vq->extra[id].cookie = NULL;
	vq->num_free += vq->extra[id].ndescs;
	if (mode & VIRTNET_VQ_PACKED)
		virtnet_vq_packed_pop(vq, id, in_order);
	else
		virtnet_vq_split_pop(vq, id, entry_done, in_order);
}

/** Peek and take the next used chain. */
static __rte_always_inline void *
virtnet_vq_get_used(struct virtnet_vq *vq, uint32_t *len, const uint32_t mode)
{
	void *cookie = virtnet_vq_peek_used(vq, len, mode);

	if (cookie != NULL)
		virtnet_vq_pop_used(vq, mode);
	return cookie;
}

/**
 * In order, inside a batch (a used entry whose id named a later chain,
 * see virtnet_vq_inorder_check()): take up to @p max of the batch's
 * remaining chains at once, as virtnet_vq_get_used() would one by one.
 * Nothing of them is device-written: the chains in flight lie head to
 * tail from the expected one, and the batch's last id was checked to be
 * one of them when its entry was read. For chains the device only reads
 * (Tx), whose length is 0 anyway.
 *
 * @return the number of cookies put in @p out.
 */
static __rte_always_inline unsigned int
virtnet_vq_take_batch(struct virtnet_vq *vq, void **out, unsigned int max,
		const uint32_t mode)
{
	const bool packed = !!(mode & VIRTNET_VQ_PACKED);
	uint32_t pos = virtnet_vq_inorder_expected(vq, mode), id = pos;
	uint16_t last = vq->batch_last, freed = 0, n;
	bool wrap = vq->used_wrap, done = false;
	unsigned int k = 0;

	/* Locals, not vq fields: stores to extra[] would reload those. */
	while (k < max && !done) {
		id = pos;
		n = vq->extra[id].ndescs;
		out[k++] = vq->extra[id].cookie;
		vq->extra[id].cookie = NULL;
		freed += n;
		done = id == last;
		pos += n;
		if (packed && pos >= vq->size) {
			pos -= vq->size;
			wrap = !wrap;
		}
		if (!packed)
			pos &= vq->mask;
	}
	vq->num_free += freed;
	vq->in_batch = !done;
	vq->peek_id = (uint16_t)id;
	if (packed) {
		vq->last_used = (uint16_t)pos;
		vq->used_wrap = wrap;
	} else {
		vq->inorder_next = (uint16_t)pos;
		if (done) {
			vq->last_used++;
			vq->used_cached--;
		}
	}
	return k;
}

/**
 * Packed, out of order: take up to @p max used chains the device only
 * reads (Tx), as virtnet_vq_get_used() would one by one, with the same
 * checks (flags and wrap, id in range and in flight) and the same fault
 * on a bad id; the bookkeeping stays in locals meanwhile.
 *
 * @return the number of cookies put in @p out.
 */
static __rte_always_inline unsigned int
virtnet_vq_take_used_packed(struct virtnet_vq *vq, void **out,
		unsigned int max)
{
	const struct vring_packed_desc *d = vq->pdesc;
	struct virtnet_vq_extra *x = vq->extra;
	const uint16_t size = vq->size;
	uint32_t pos = vq->last_used;
	uint16_t head = vq->free_head, freed = 0, id = vq->peek_id, u, n;
	bool wrap = vq->used_wrap;
	unsigned int k = 0;
	void *c;

	while (k < max && virtnet_vq_packed_is_used(vq, (uint16_t)pos, wrap)) {
		u = __atomic_load_n(&d[pos].id, __ATOMIC_RELAXED);
		if (unlikely(u >= size || (c = x[u].cookie) == NULL)) {
			virtnet_vq_fail_at(vq, VIRTNET_VQ_BAD_ID, (uint16_t)pos, u);
			break;
		}
		id = u;
		out[k++] = c;
		n = x[id].ndescs;
		x[id].cookie = NULL;
		x[id].next = head;
		head = id;
		freed += n;
		pos += n;
		if (pos >= size) {
			pos -= size;
			wrap = !wrap;
		}
	}
	vq->free_head = head;
	vq->num_free += freed;
	vq->peek_id = id;
	vq->last_used = (uint16_t)pos;
	vq->used_wrap = wrap;
	if (k < max)
		virtnet_vq_packed_check_next(vq);
	return k;
}

/**
 * Whether @p n used chains are ready, counting the one a peek returned.
 * Ids on the way are checked; lengths are checked when each is taken.
 * A split used entry may stand for several chains in order, so counting
 * entries never overstates what is ready.
 */
static __rte_always_inline bool
virtnet_vq_used_ready(struct virtnet_vq *vq, uint16_t n, const uint32_t mode)
{
	uint32_t pos = vq->last_used, id;
	bool wrap = vq->used_wrap;
	uint16_t i;

	if (!(mode & VIRTNET_VQ_PACKED))
		return vq->used_cached >= n || virtnet_vq_split_ready(vq) >= n;
	if ((mode & VIRTNET_VQ_IN_ORDER) && vq->in_batch)
		return true;	/* taken with length 0: the caller drops it */
	for (i = 0; i < n; i++) {
		/* The n buffers are in flight (checked): no device wrote pos. */
		if (!virtnet_vq_packed_is_used(vq, (uint16_t)pos, wrap)) {
			virtnet_vq_packed_check_torn(vq, (uint16_t)pos, wrap);
			return false;
		}
		id = __atomic_load_n(&vq->pdesc[pos].id, __ATOMIC_RELAXED);
		if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL)) {
			virtnet_vq_fail_at(vq, VIRTNET_VQ_BAD_ID, (uint16_t)pos, id);
			return false;
		}
		/* A batch entry: its chains come out with length 0. */
		if ((mode & VIRTNET_VQ_IN_ORDER) && id != pos)
			return true;
		pos += vq->extra[id].ndescs;
		if (pos >= vq->size) {
			pos -= vq->size;
			wrap = !wrap;
		}
	}
	return true;
}

#endif /* VIRTNET_VQ_H */
