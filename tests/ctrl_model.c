/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <string.h>

#include <rte_atomic.h>
#include <rte_common.h>

#include "virtnet_spec.h"
#include "ctrl_model.h"

/* One command as gathered from its chain. */
struct cq_cmd {
	uint8_t buf[sizeof(struct virtio_net_ctrl_hdr) + CTRL_MODEL_MAX_DATA];
	uint32_t len;		/* readable bytes gathered */
	uint8_t *ack;		/* first writable byte, NULL if none */
	uint16_t nb_out;	/* readable descriptors */
	bool overflow;
};

static void
cq_take(struct cq_cmd *c, uint64_t addr, uint32_t len, uint16_t flags)
{
	uint32_t n;

	if (flags & VRING_DESC_F_WRITE) {
		if (c->ack == NULL && len > 0)
			c->ack = (uint8_t *)(uintptr_t)addr;
		return;
	}
	c->nb_out++;
	n = RTE_MIN(len, (uint32_t)sizeof(c->buf) - c->len);
	if (n < len)
		c->overflow = true;
	memcpy(c->buf + c->len, (const void *)(uintptr_t)addr, n);
	c->len += n;
}

static void
cq_answer(struct ctrl_model *d, struct cq_cmd *c, ctrl_model_handler h,
		void *arg)
{
	const struct virtio_net_ctrl_hdr *hdr = (const void *)c->buf;
	uint8_t st = VIRTIO_NET_ERR;

	d->last_out = c->nb_out;
	if (!c->overflow && c->len >= sizeof(*hdr))
		st = h(arg, hdr->class, hdr->cmd, c->buf + sizeof(*hdr),
			c->len - sizeof(*hdr));
	if (c->ack != NULL)
		*c->ack = st;
}

void
ctrl_model_reset(struct ctrl_model *c,
		const struct virtnet_queue_desc *d)
{
	memset(c, 0, sizeof(*c));
	c->d = *d;
	c->avail_wrap = true;
	c->used_wrap = true;
}

static void
cq_process_split(struct ctrl_model *c, ctrl_model_handler h, void *arg)
{
	struct vring_desc *desc = (void *)(uintptr_t)c->d.desc;
	struct vring_avail *avail = (void *)(uintptr_t)c->d.avail;
	struct vring_used *used = (void *)(uintptr_t)c->d.used;
	uint16_t size = c->d.size, head, id, i;
	struct cq_cmd cmd;

	while (c->next_avail != __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE)) {
		head = avail->ring[c->next_avail % size];
		memset(&cmd, 0, sizeof(cmd));
		for (i = 0, id = head; i < size && id < size; i++) {
			cq_take(&cmd, desc[id].addr, desc[id].len, desc[id].flags);
			if (!(desc[id].flags & VRING_DESC_F_NEXT))
				break;
			id = desc[id].next;
		}
		cq_answer(c, &cmd, h, arg);
		used->ring[c->next_used % size].id = head;
		used->ring[c->next_used % size].len = cmd.ack != NULL;
		c->next_used++;
		c->next_avail++;
		__atomic_store_n(&used->idx, c->next_used, __ATOMIC_RELEASE);
	}
}

static bool
cq_packed_avail(const struct ctrl_model *c, uint16_t flags)
{
	return !!(flags & VRING_PACKED_DESC_F_AVAIL) == c->avail_wrap &&
		!!(flags & VRING_PACKED_DESC_F_USED) != c->avail_wrap;
}

static void
cq_process_packed(struct ctrl_model *c, ctrl_model_handler h, void *arg)
{
	struct vring_packed_desc *desc = (void *)(uintptr_t)c->d.desc;
	uint16_t size = c->d.size, flags, id = 0, n, taken;
	struct cq_cmd cmd;

	while (cq_packed_avail(c, __atomic_load_n(&desc[c->next_avail].flags,
			__ATOMIC_ACQUIRE))) {
		memset(&cmd, 0, sizeof(cmd));
		taken = 0;
		for (n = 0; n < size; n++) {
			struct vring_packed_desc *d = &desc[c->next_avail];

			taken++;
			flags = d->flags;
			id = d->id;
			cq_take(&cmd, d->addr, d->len, flags);
			if (++c->next_avail == size) {
				c->next_avail = 0;
				c->avail_wrap = !c->avail_wrap;
			}
			if (!(flags & VRING_DESC_F_NEXT))
				break;
		}
		cq_answer(c, &cmd, h, arg);
		desc[c->next_used].id = id;
		desc[c->next_used].len = cmd.ack != NULL;
		__atomic_store_n(&desc[c->next_used].flags, c->used_wrap ?
			VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED : 0,
			__ATOMIC_RELEASE);
		c->next_used += taken;
		if (c->next_used >= size) {
			c->next_used -= size;
			c->used_wrap = !c->used_wrap;
		}
	}
}

void
ctrl_model_process(struct ctrl_model *c, ctrl_model_handler h,
		void *arg)
{
	if (c->d.desc == 0)
		return;
	if (c->d.packed)
		cq_process_packed(c, h, arg);
	else
		cq_process_split(c, h, arg);
}
