/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_DEVMODEL_H
#define VIRTNET_DEVMODEL_H

/*
 * A virtio device's side of a split ring, written from the spec (2.7),
 * independent of the driver's code. Addresses in descriptors are taken as
 * pointers in this process. It can also misbehave on purpose.
 */

#include <stdint.h>

#define DM_MAX_CHAIN 128

struct dm_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
};

struct dm_chain {
	uint16_t head;
	uint16_t n;
	struct dm_desc d[DM_MAX_CHAIN];
};

struct devmodel {
	uint16_t size;
	void *desc;		/* struct vring_desc[size] */
	void *avail;		/* struct vring_avail */
	void *used;		/* struct vring_used */
	uint16_t last_avail;
	uint16_t used_idx;
};

/* Map a split ring that starts at @ring with @size entries. */
void dm_init(struct devmodel *dm, void *ring, uint16_t size);

/* Take the next available chain; 0 if one was there, -1 if none, -2 bad. */
int dm_pop(struct devmodel *dm, struct dm_chain *c);

/* Write a used element (any id/len, so faults can be injected). */
void dm_push(struct devmodel *dm, uint32_t id, uint32_t len);

/* Publish the used index (release). */
void dm_publish(struct devmodel *dm);

/* Overwrite the used index with any value. */
void dm_set_used_idx(struct devmodel *dm, uint16_t idx);

/* Set or clear VRING_USED_F_NO_NOTIFY. */
void dm_no_notify(struct devmodel *dm, int on);

/* Copy @len bytes of a device-readable chain into @dst; bytes copied. */
uint32_t dm_read_chain(const struct dm_chain *c, void *dst, uint32_t len);

/* Fill the device-writable part of a chain from @src; bytes written. */
uint32_t dm_write_chain(const struct dm_chain *c, const void *src,
		uint32_t len);

#endif
