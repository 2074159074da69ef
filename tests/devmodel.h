/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_DEVMODEL_H
#define VIRTNET_DEVMODEL_H

/*
 * A virtio device's side of a virtqueue, split (2.7) or packed (2.8),
 * written from the spec and independent of the driver's code: it knows
 * the rings only by the addresses the driver gives it. Addresses in
 * descriptors are pointers in this process. It can misbehave on purpose.
 */

#include <stdbool.h>
#include <stdint.h>

#define DM_MAX_CHAIN 128

struct dm_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
};

struct dm_chain {
	uint16_t head;		/* split: head index; packed: buffer id */
	uint16_t n;		/* buffers, indirect tables expanded */
	uint16_t ring_descs;	/* ring descriptors the chain took */
	bool indirect;		/* the chain came through an indirect table */
	struct dm_desc d[DM_MAX_CHAIN];
};

struct devmodel {
	bool packed;
	uint16_t size;
	void *desc;
	void *driver;		/* split avail ring; packed driver event */
	void *device;		/* split used ring; packed device event */
	uint16_t next_avail;	/* split: avail index; packed: slot */
	uint16_t next_used;	/* split: used index; packed: slot */
	bool avail_wrap;	/* packed */
	bool used_wrap;		/* packed */
};

void dm_init(struct devmodel *dm, uint16_t size, bool packed, uint64_t desc,
		uint64_t driver, uint64_t device);

/* Take the next available chain; 0 if one was there, -1 if none, -2 bad. */
int dm_pop(struct devmodel *dm, struct dm_chain *c);

/*
 * Return a buffer: any id and length, so faults can be injected. @ndescs
 * is how many descriptors the returned buffer had (packed rings skip
 * that many slots).
 */
void dm_push(struct devmodel *dm, uint32_t id, uint32_t len, uint16_t ndescs);

/* Split: publish the used index (release). Packed: nothing to do. */
void dm_publish(struct devmodel *dm);

/* Split: overwrite the used index with any value. */
void dm_set_used_idx(struct devmodel *dm, uint16_t idx);

/* Ask the driver not to notify (or to notify again). */
void dm_no_notify(struct devmodel *dm, bool on);

/*
 * Event index: ask to be notified once the driver makes available avail
 * index @idx (split) or the descriptor in slot @idx of lap @wrap (packed).
 */
void dm_avail_event(struct devmodel *dm, uint16_t idx, bool wrap);

/* Whether the driver asked not to be interrupted. */
bool dm_intr_disabled(const struct devmodel *dm);

/* Copy the device-readable bytes of a chain into @dst; bytes copied. */
uint32_t dm_read_chain(const struct dm_chain *c, void *dst, uint32_t len);

/* Fill the device-writable part of a chain from @src; bytes written. */
uint32_t dm_write_chain(const struct dm_chain *c, const void *src,
		uint32_t len);

#endif
