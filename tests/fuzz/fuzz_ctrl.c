/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * libFuzzer target: the control queue (virtnet_ctrl.c) and its typed
 * commands on both layouts, against a device (tests/devmodel.c) that the
 * transport's notify runs: it takes the command or not, writes any ack,
 * and returns used entries (the right one, any id and length, twice or
 * none), a used index or raw ring bytes as the input says. The driver
 * file is included, not linked, so the harness can see the queue's state:
 * a device that left nothing new to read would make the driver wait its
 * whole timeout (1 s) for each command, so after the input's actions the
 * harness writes one used entry itself in that case. A command that
 * still takes half a second is then the driver's fault and aborts (a
 * fault found while waiting also returns -ETIMEDOUT, at once).
 */

#include <stdlib.h>
#include <string.h>

#include <rte_memzone.h>

#include "../../drivers/net/virtnet/virtnet_ctrl.c"
#include "devmodel.h"
#include "fuzz_common.h"

#define MAX_OPS		256

/* First byte of the input. */
#define C_PACKED	0x01
#define C_IN_ORDER	0x02
#define C_EVENT_IDX	0x04

/* Per notify: what the device does. */
#define D_POP		0x01
#define D_ACK		0x02
#define D_PUSH_MASK	0x0c	/* right entry, raw, twice, none */
#define D_USED_IDX	0x10
#define D_RAW		0x20

static struct {
	struct fz *f;
	struct devmodel dm;
	struct virtnet_ctrl *c;
	uint16_t size;
} s;

static const uint16_t sizes[8] = { 64, 8, 4, 2, 1, 16, 128, 256 };
static const uint16_t packed_sizes[8] = { 64, 8, 3, 2, 1, 5, 100, 256 };

static bool
f_uses_va(void *t)
{
	RTE_SET_USED(t);
	return true;
}

static uint16_t
f_queue_max_size(void *t, uint16_t qid)
{
	RTE_SET_USED(t);
	RTE_SET_USED(qid);
	return s.size;
}

static int
f_setup_queue(void *t, const struct virtnet_queue_desc *d)
{
	RTE_SET_USED(t);
	dm_init(&s.dm, d->size, d->packed, d->desc, d->avail, d->used);
	return 0;
}

static int
f_enable_queue(void *t, uint16_t qid, bool on)
{
	RTE_SET_USED(t);
	RTE_SET_USED(qid);
	RTE_SET_USED(on);
	return 0;
}

/* The ack byte, written only inside the command's own memory. */
static void
dev_ack(const struct dm_chain *ch, uint8_t ack)
{
	const uint8_t *lo = s.c->mem.va;
	const uint8_t *hi = lo + sizeof(struct virtnet_ctrl_cmd);
	uint8_t *p;
	int i;

	for (i = ch->n - 1; i >= 0; i--) {
		if (!(ch->d[i].flags & VRING_DESC_F_WRITE))
			continue;
		p = (uint8_t *)(uintptr_t)ch->d[i].addr;
		if (p >= lo && p < hi && ch->d[i].len >= 1)
			*p = ack;
		return;
	}
}

static void
dev_raw(struct fz *f, struct virtnet_vq *vq)
{
	uint16_t pos = fz_u16(f) % vq->size;

	if (vq->packed) {
		vq->pdesc[pos].id = fz_u16(f);
		vq->pdesc[pos].len = fz_u32(f);
		vq->pdesc[pos].flags = fz_u16(f) &
			~VRING_DESC_F_INDIRECT;	/* the model would follow it */
	} else {
		vq->used->ring[pos].id = fz_u32(f);
		vq->used->ring[pos].len = fz_u32(f);
	}
}

/* Whether the driver will find something to read (or to fault on). */
static bool
drv_has_news(const struct virtnet_vq *vq)
{
	const uint16_t both = VRING_PACKED_DESC_F_AVAIL |
		VRING_PACKED_DESC_F_USED;
	uint16_t fl;

	if (vq->in_batch)
		return true;
	if (!vq->packed)
		return vq->used_cached > 0 || vq->used->idx != vq->last_used;
	fl = vq->pdesc[vq->last_used].flags & both;
	return fl == (vq->used_wrap ? both : 0);
}

/* One used entry where the driver looks next, so it never waits 1 s. */
static void
dev_answer_anyway(struct virtnet_vq *vq, uint16_t head)
{
	struct vring_packed_desc *d;

	if (!vq->packed) {
		vq->used->ring[vq->last_used & vq->mask].id = head;
		vq->used->ring[vq->last_used & vq->mask].len = 1;
		__atomic_store_n(&vq->used->idx, (uint16_t)(vq->last_used + 1),
			__ATOMIC_RELEASE);
		return;
	}
	d = &vq->pdesc[vq->last_used];
	d->id = head;
	d->len = 1;
	__atomic_store_n(&d->flags, vq->used_wrap ? VRING_PACKED_DESC_F_AVAIL |
		VRING_PACKED_DESC_F_USED : 0, __ATOMIC_RELEASE);
}

/* A used entry of any id, length and descriptor count. */
static void
dev_raw_push(struct fz *f)
{
	uint16_t id = fz_u16(f);
	uint32_t len = fz_u32(f);

	dm_push(&s.dm, id, len, RTE_MIN(fz_u8(f) % 4, s.dm.size));
}

static void
dev_push(struct fz *f, uint8_t how, const struct dm_chain *ch, bool popped)
{
	uint16_t head = popped ? ch->head : 0;

	switch ((how & D_PUSH_MASK) >> 2) {
	case 0:
		dm_push(&s.dm, head, 1, popped ? ch->ring_descs : 1);
		break;
	case 1:
		dev_raw_push(f);
		break;
	case 2:
		dm_push(&s.dm, head, 1, popped ? ch->ring_descs : 1);
		dm_push(&s.dm, head, 1, popped ? ch->ring_descs : 1);
		break;
	default:
		break;
	}
}

/* The device's turn, in the driver's send: the input decides. */
static void
f_notify(void *t, uint16_t qid, uint16_t next)
{
	struct virtnet_vq *vq = s.c->vq;
	struct fz *f = s.f;
	uint8_t how = fz_u8(f);
	struct dm_chain ch;
	bool popped = false;

	RTE_SET_USED(t);
	RTE_SET_USED(qid);
	RTE_SET_USED(next);
	if (how & D_POP)
		popped = dm_pop(&s.dm, &ch) == 0;
	if (popped && (how & D_ACK))
		dev_ack(&ch, fz_u8(f));
	else if (popped)
		dev_ack(&ch, VIRTIO_NET_OK);
	dev_push(f, how, &ch, popped);
	if ((how & D_USED_IDX) && s.dm.packed)
		s.dm.next_used = fz_u16(f) % s.dm.size;
	else if (how & D_USED_IDX)
		dm_set_used_idx(&s.dm, fz_u16(f));
	else
		dm_publish(&s.dm);
	if (how & D_RAW)
		dev_raw(f, vq);
	if (!drv_has_news(vq)) {
		if (!popped)
			popped = dm_pop(&s.dm, &ch) == 0;
		dev_answer_anyway(vq, popped ? ch.head : 0);
	}
}

static const struct virtnet_transport_ops f_ops = {
	.name = "fuzz",
	.queue_max_size = f_queue_max_size,
	.setup_queue = f_setup_queue,
	.enable_queue = f_enable_queue,
	.notify = f_notify,
	.uses_va = f_uses_va,
};

static const struct virtnet_transport f_tp = { &f_ops, NULL };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	fz_eal_init((*argv)[0]);
	return 0;
}

/* Payload parts of any size, a raw command. */
static int
cmd_raw(struct fz *f)
{
	uint8_t buf[VIRTNET_CTRL_MAX_DATA + 64];
	struct virtnet_ctrl_seg seg[VIRTNET_CTRL_MAX_SEGS + 1];
	uint8_t cls = fz_u8(f), cmd = fz_u8(f);
	unsigned int n = fz_u8(f) % RTE_DIM(seg), i;

	memset(buf, 0xa5, sizeof(buf));
	for (i = 0; i < n; i++) {
		seg[i].data = buf;
		seg[i].len = fz_u16(f) % sizeof(buf);
	}
	return virtnet_ctrl_sendv(s.c, cls, cmd, seg, n);
}

static int
cmd_mac_table(struct fz *f)
{
	struct rte_ether_addr a[8];
	uint8_t k = fz_u8(f);

	memset(a, 0x02, sizeof(a));
	return virtnet_ctrl_mac_table_set(s.c, a, k & 7, a, (k >> 3) & 7);
}

static int
run_cmd(struct fz *f, uint8_t op)
{
	struct rte_ether_addr mac = { { 0x02, 0, 0, 0, 0, 1 } };
	uint16_t usecs;

	switch (op % 8) {
	case 0:
		return virtnet_ctrl_announce_ack(s.c);
	case 1:
		return virtnet_ctrl_guest_offloads_set(s.c, fz_u32(f));
	case 2:
		return virtnet_ctrl_rx_mode(s.c, fz_u8(f) % 8, op & 0x80);
	case 3:
		return virtnet_ctrl_mac_addr_set(s.c, &mac);
	case 4:
		return cmd_mac_table(f);
	case 5:
		return virtnet_ctrl_vlan(s.c, fz_u16(f) % 4200, op & 0x80);
	case 6:
		usecs = fz_u16(f);
		return virtnet_ctrl_notf_coal(s.c, op & 0x80, usecs, fz_u16(f));
	default:
		return cmd_raw(f);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t cfg = fz_u8(&f), cfg2 = fz_u8(&f);
	struct virtnet_ring_conf conf = { .port_id = 0, .qid = 2, .socket = 0 };
	struct virtnet_ctrl_stats stats = { 0 };
	unsigned int ops = 0;
	uint64_t t0;
	int ret;

	conf.mode = (cfg & C_PACKED ? VIRTNET_VQ_PACKED : 0) |
		(cfg & C_IN_ORDER ? VIRTNET_VQ_IN_ORDER : 0) |
		(cfg & C_EVENT_IDX ? VIRTNET_VQ_EVENT_IDX : 0);
	s.size = cfg & C_PACKED ? packed_sizes[cfg2 & 7] : sizes[cfg2 & 7];
	s.f = &f;
	s.c = virtnet_ctrl_create(&f_tp, &conf);
	FZ_ASSERT(s.c != NULL, "no control queue");
	virtnet_ctrl_count_into(s.c, &stats);
	while (!fz_end(&f) && ops++ < MAX_OPS) {
		t0 = rte_get_timer_cycles();
		ret = run_cmd(&f, fz_u8(&f));
		FZ_ASSERT(rte_get_timer_cycles() - t0 < rte_get_timer_hz() / 2,
			"the driver waited out a device that answered");
		FZ_ASSERT(ret == 0 || ret == -EIO || ret == -EINVAL ||
			ret == -ENOSPC || ret == -ETIMEDOUT,
			"command returned %d", ret);
	}
	virtnet_ctrl_destroy(s.c);
	s.c = NULL;
	FZ_ASSERT(rte_memzone_lookup("virtnet0_ctrl0") == NULL &&
		rte_memzone_lookup("virtnet0_ring2") == NULL,
		"control queue memory left after destroy");
	return 0;
}
