/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <string.h>

#include "devmodel.h"

/* Spec layouts, restated so the model shares no code with the driver. */
struct dm_vdesc { uint64_t addr; uint32_t len; uint16_t flags; uint16_t next; };
struct dm_vavail { uint16_t flags; uint16_t idx; uint16_t ring[]; };
struct dm_velem { uint32_t id; uint32_t len; };
struct dm_vused { uint16_t flags; uint16_t idx; struct dm_velem ring[]; };
struct dm_pdesc { uint64_t addr; uint32_t len; uint16_t id; uint16_t flags; };
struct dm_pevent { uint16_t off_wrap; uint16_t flags; };

#define DM_F_NEXT	1
#define DM_F_WRITE	2
#define DM_F_INDIRECT	4
#define DM_F_AVAIL	(1 << 7)
#define DM_F_USED	(1 << 15)

void
dm_init(struct devmodel *dm, uint16_t size, bool packed, uint64_t desc,
		uint64_t driver, uint64_t device)
{
	memset(dm, 0, sizeof(*dm));
	dm->packed = packed;
	dm->size = size;
	dm->desc = (void *)(uintptr_t)desc;
	dm->driver = (void *)(uintptr_t)driver;
	dm->device = (void *)(uintptr_t)device;
	dm->avail_wrap = true;
	dm->used_wrap = true;
}

static void
dm_add_desc(struct dm_chain *c, uint64_t addr, uint32_t len, uint16_t flags)
{
	c->d[c->n].addr = addr;
	c->d[c->n].len = len;
	c->d[c->n].flags = flags;
	c->n++;
}

static int
dm_pop_split(struct devmodel *dm, struct dm_chain *c)
{
	struct dm_vavail *av = dm->driver;
	struct dm_vdesc *dt = dm->desc;
	uint16_t idx = __atomic_load_n(&av->idx, __ATOMIC_ACQUIRE);
	uint16_t id;

	if (idx == dm->next_avail)
		return -1;
	id = av->ring[dm->next_avail % dm->size];
	dm->next_avail++;
	if (id >= dm->size)
		return -2;
	c->head = id;
	for (;;) {
		if (c->n == DM_MAX_CHAIN || c->n == dm->size)
			return -2;
		dm_add_desc(c, dt[id].addr, dt[id].len, dt[id].flags);
		if (!(dt[id].flags & DM_F_NEXT))
			return 0;
		id = dt[id].next;
		if (id >= dm->size)
			return -2;
	}
}

static bool
dm_packed_avail(const struct devmodel *dm, uint16_t flags)
{
	return !!(flags & DM_F_AVAIL) == dm->avail_wrap &&
		!!(flags & DM_F_USED) != dm->avail_wrap;
}

static int
dm_pop_packed(struct devmodel *dm, struct dm_chain *c)
{
	struct dm_pdesc *dt = dm->desc;
	uint16_t flags;

	flags = __atomic_load_n(&dt[dm->next_avail].flags, __ATOMIC_ACQUIRE);
	if (!dm_packed_avail(dm, flags))
		return -1;
	for (;;) {
		struct dm_pdesc *d = &dt[dm->next_avail];

		if (c->n == DM_MAX_CHAIN || c->n == dm->size)
			return -2;
		flags = d->flags;
		dm_add_desc(c, d->addr, d->len, flags);
		c->head = d->id;	/* the id of the chain's last descriptor */
		if (++dm->next_avail == dm->size) {
			dm->next_avail = 0;
			dm->avail_wrap = !dm->avail_wrap;
		}
		if (!(flags & DM_F_NEXT))
			return 0;
	}
}

/*
 * Replace a lone indirect descriptor by the table it points to (2.7.5.3,
 * 2.8.19): split tables are linked by next from entry 0, packed ones are
 * sequential.
 */
static int
dm_expand_indirect(struct devmodel *dm, struct dm_chain *c)
{
	uint32_t n = c->d[0].len / 16, i = 0, k;

	if (c->ring_descs != 1 || c->d[0].len % 16 != 0 || n == 0 ||
	    n > DM_MAX_CHAIN)
		return -2;
	c->indirect = true;
	c->n = 0;
	if (dm->packed) {
		const struct dm_pdesc *t = (void *)(uintptr_t)c->d[0].addr;

		for (k = 0; k < n; k++)
			dm_add_desc(c, t[k].addr, t[k].len, t[k].flags);
		return 0;
	}
	const struct dm_vdesc *t = (void *)(uintptr_t)c->d[0].addr;

	for (k = 0; k < n; k++) {
		if (t[i].flags & DM_F_INDIRECT)
			return -2;
		dm_add_desc(c, t[i].addr, t[i].len, t[i].flags);
		if (!(t[i].flags & DM_F_NEXT))
			return 0;
		i = t[i].next;
		if (i >= n)
			return -2;
	}
	return -2;
}

int
dm_pop(struct devmodel *dm, struct dm_chain *c)
{
	int ret;

	c->n = 0;
	c->indirect = false;
	ret = dm->packed ? dm_pop_packed(dm, c) : dm_pop_split(dm, c);
	c->ring_descs = c->n;
	if (ret == 0 && (c->d[0].flags & DM_F_INDIRECT))
		ret = dm_expand_indirect(dm, c);
	return ret;
}

void
dm_push(struct devmodel *dm, uint32_t id, uint32_t len, uint16_t ndescs)
{
	if (dm->packed) {
		struct dm_pdesc *d = &((struct dm_pdesc *)dm->desc)[dm->next_used];
		uint16_t flags = dm->used_wrap ? DM_F_AVAIL | DM_F_USED : 0;

		d->id = (uint16_t)id;
		d->len = len;
		__atomic_store_n(&d->flags, flags, __ATOMIC_RELEASE);
		dm->next_used += ndescs;
		if (dm->next_used >= dm->size) {
			dm->next_used -= dm->size;
			dm->used_wrap = !dm->used_wrap;
		}
		return;
	}
	struct dm_vused *u = dm->device;

	u->ring[dm->next_used % dm->size].id = id;
	u->ring[dm->next_used % dm->size].len = len;
	dm->next_used++;
}

void
dm_publish(struct devmodel *dm)
{
	struct dm_vused *u = dm->device;

	if (!dm->packed)
		__atomic_store_n(&u->idx, dm->next_used, __ATOMIC_RELEASE);
}

void
dm_set_used_idx(struct devmodel *dm, uint16_t idx)
{
	dm->next_used = idx;
	dm_publish(dm);
}

void
dm_no_notify(struct devmodel *dm, bool on)
{
	if (dm->packed)
		((struct dm_pevent *)dm->device)->flags = on ? 1 : 0;
	else
		((struct dm_vused *)dm->device)->flags = on ? 1 : 0;
}

bool
dm_intr_disabled(const struct devmodel *dm)
{
	if (dm->packed)
		return ((const struct dm_pevent *)dm->driver)->flags == 1;
	return ((const struct dm_vavail *)dm->driver)->flags & 1;
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

void
dm_avail_event(struct devmodel *dm, uint16_t idx, bool wrap)
{
	if (dm->packed) {
		struct dm_pevent *ev = dm->device;

		ev->off_wrap = (uint16_t)(idx | (wrap ? 0x8000 : 0));
		ev->flags = 2;	/* notify at the descriptor named */
	} else {
		struct dm_vused *u = dm->device;

		/* avail_event: the 16 bits after the used ring */
		memcpy(&u->ring[dm->size], &idx, sizeof(idx));
	}
}
