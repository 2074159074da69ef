/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <string.h>

#include "devmodel.h"

/* Spec layout, restated here so the model shares no code with the driver. */
struct dm_vdesc { uint64_t addr; uint32_t len; uint16_t flags; uint16_t next; };
struct dm_vavail { uint16_t flags; uint16_t idx; uint16_t ring[]; };
struct dm_velem { uint32_t id; uint32_t len; };
struct dm_vused { uint16_t flags; uint16_t idx; struct dm_velem ring[]; };

#define DM_F_NEXT 1
#define DM_F_WRITE 2

void
dm_init(struct devmodel *dm, void *ring, uint16_t size)
{
	size_t avail_end = 16u * size + 4 + 2u * (size + 1u);

	dm->size = size;
	dm->desc = ring;
	dm->avail = (char *)ring + 16u * size;
	dm->used = (char *)ring + ((avail_end + 4095) & ~(size_t)4095);
	dm->last_avail = 0;
	dm->used_idx = 0;
}

int
dm_pop(struct devmodel *dm, struct dm_chain *c)
{
	struct dm_vavail *av = dm->avail;
	struct dm_vdesc *dt = dm->desc;
	uint16_t idx = __atomic_load_n(&av->idx, __ATOMIC_ACQUIRE);
	uint16_t id;

	if (idx == dm->last_avail)
		return -1;
	id = av->ring[dm->last_avail % dm->size];
	dm->last_avail++;
	if (id >= dm->size)
		return -2;
	c->head = id;
	c->n = 0;
	for (;;) {
		if (c->n == DM_MAX_CHAIN || c->n == dm->size)
			return -2;
		c->d[c->n].addr = dt[id].addr;
		c->d[c->n].len = dt[id].len;
		c->d[c->n].flags = dt[id].flags;
		c->n++;
		if (!(dt[id].flags & DM_F_NEXT))
			return 0;
		id = dt[id].next;
		if (id >= dm->size)
			return -2;
	}
}

void
dm_push(struct devmodel *dm, uint32_t id, uint32_t len)
{
	struct dm_vused *u = dm->used;

	u->ring[dm->used_idx % dm->size].id = id;
	u->ring[dm->used_idx % dm->size].len = len;
	dm->used_idx++;
}

void
dm_publish(struct devmodel *dm)
{
	struct dm_vused *u = dm->used;

	__atomic_store_n(&u->idx, dm->used_idx, __ATOMIC_RELEASE);
}

void
dm_set_used_idx(struct devmodel *dm, uint16_t idx)
{
	dm->used_idx = idx;
	dm_publish(dm);
}

void
dm_no_notify(struct devmodel *dm, int on)
{
	struct dm_vused *u = dm->used;

	u->flags = on ? 1 : 0;
}

uint32_t
dm_read_chain(const struct dm_chain *c, void *dst, uint32_t len)
{
	uint32_t done = 0, n;
	uint16_t i;

	for (i = 0; i < c->n && done < len; i++) {
		if (c->d[i].flags & DM_F_WRITE)
			break;
		n = c->d[i].len < len - done ? c->d[i].len : len - done;
		memcpy((char *)dst + done, (void *)(uintptr_t)c->d[i].addr, n);
		done += n;
	}
	return done;
}

uint32_t
dm_write_chain(const struct dm_chain *c, const void *src, uint32_t len)
{
	uint32_t done = 0, n;
	uint16_t i;

	for (i = 0; i < c->n && done < len; i++) {
		if (!(c->d[i].flags & DM_F_WRITE))
			continue;
		n = c->d[i].len < len - done ? c->d[i].len : len - done;
		memcpy((void *)(uintptr_t)c->d[i].addr, (const char *)src + done, n);
		done += n;
	}
	return done;
}
