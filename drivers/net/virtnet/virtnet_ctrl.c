/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_spinlock.h>

#include "virtnet_ctrl.h"
#include "virtnet_log.h"

#define VIRTNET_CTRL_TIMEOUT_MS	1000

/* What the device reads (the command) and writes (the ack). */
struct virtnet_ctrl_cmd {
	struct virtio_net_ctrl_hdr hdr;
	uint8_t data[VIRTNET_CTRL_MAX_DATA];
	uint8_t ack;
};

struct virtnet_ctrl {
	struct virtnet_vq *vq;
	const struct virtnet_transport *tp;
	rte_spinlock_t lock;
	uint16_t port_id;
	struct virtnet_ctrl_stats *stats;	/* NULL: not counted */
	struct virtnet_dma ring;
	struct virtnet_dma mem;		/* struct virtnet_ctrl_cmd */
};

struct virtnet_ctrl *
virtnet_ctrl_create(const struct virtnet_transport *t,
		const struct virtnet_ring_conf *conf)
{
	struct virtnet_ctrl *c;

	c = virtnet_private_zalloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	c->tp = t;
	c->port_id = conf->port_id;
	rte_spinlock_init(&c->lock);
	if (virtnet_dma_zalloc(t, conf->port_id, "ctrl", 0,
			sizeof(struct virtnet_ctrl_cmd), conf->socket,
			&c->mem) < 0)
		goto fail;
	c->vq = virtnet_ring_create(t, conf, &c->ring);
	if (c->vq == NULL ||
	    t->ops->enable_queue(t->priv, conf->qid, true) < 0)
		goto fail;
	return c;
fail:
	VIRTNET_LOG(ERR, "port %u: control queue %u cannot be set up",
		conf->port_id, conf->qid);
	virtnet_ctrl_destroy(c);
	return NULL;
}

void
virtnet_ctrl_destroy(struct virtnet_ctrl *c)
{
	if (c == NULL)
		return;
	if (c->vq != NULL)
		virtnet_ring_destroy(c->vq, &c->ring);
	virtnet_dma_free(&c->mem);
	virtnet_private_free(c);
}

/* Wait for the one command in flight; false on timeout or a fault. */
static bool
virtnet_ctrl_wait(struct virtnet_ctrl *c)
{
	uint64_t end = rte_get_timer_cycles() +
		rte_get_timer_hz() * VIRTNET_CTRL_TIMEOUT_MS / 1000;
	uint32_t len;

	do {
		if (virtnet_vq_get_used(c->vq, &len, c->vq->mode) == c)
			return true;
		if (virtnet_vq_broken(c->vq))
			return false;
		rte_delay_us_sleep(10);
	} while (rte_get_timer_cycles() < end);
	return false;
}

/* Put the command in DMA memory and hand it over; caller holds the lock. */
static int
virtnet_ctrl_post(struct virtnet_ctrl *c, uint8_t cls, uint8_t cmd,
		const void *data, uint16_t len)
{
	struct virtnet_ctrl_cmd *m = c->mem.va;
	struct virtnet_vq *vq = c->vq;
	struct virtnet_buf b[2];

	m->hdr.class = cls;
	m->hdr.cmd = cmd;
	if (len > 0)
		memcpy(m->data, data, len);
	m->ack = VIRTIO_NET_ERR;
	b[0].addr = c->mem.addr;
	b[0].len = sizeof(m->hdr) + len;
	b[1].addr = c->mem.addr + offsetof(struct virtnet_ctrl_cmd, ack);
	b[1].len = sizeof(m->ack);
	if (virtnet_vq_add(vq, b, 1, 1, c, vq->mode) < 0)
		return -ENOSPC;
	virtnet_vq_publish(vq, vq->mode);
	/* Notify whatever the device asked: the caller waits for this one. */
	virtnet_vq_kick_prepare(vq, vq->mode);
	virtnet_transport_notify(c->tp, vq->qid,
		virtnet_vq_notify_data(vq, vq->mode));
	return 0;
}

/* ---- counters (xstats) ---- */

void
virtnet_ctrl_count_into(struct virtnet_ctrl *c,
		struct virtnet_ctrl_stats *stats)
{
	if (c != NULL)
		c->stats = stats;
}

/*
 * A send's outcome, lock held. -EIO is a NACK on a working queue, and a
 * refusal on a given-up one: a fault while waiting reads as a timeout.
 */
static void
virtnet_ctrl_count(struct virtnet_ctrl *c, int ret)
{
	struct virtnet_ctrl_stats *s = c->stats;

	if (s == NULL)
		return;
	if (ret == -ENOSPC || (ret == -EIO && virtnet_vq_broken(c->vq))) {
		s->refused++;
		return;
	}
	s->commands++;
	if (ret == -ETIMEDOUT)
		s->timeouts++;
	else if (ret == -EIO)
		s->nacks++;
}

int
virtnet_ctrl_send(struct virtnet_ctrl *c, uint8_t cls, uint8_t cmd,
		const void *data, uint16_t len)
{
	const struct virtnet_ctrl_cmd *m;
	int ret;

	if (c == NULL)
		return -ENOTSUP;
	m = c->mem.va;
	if (len > VIRTNET_CTRL_MAX_DATA)
		return -EINVAL;
	rte_spinlock_lock(&c->lock);
	ret = virtnet_vq_broken(c->vq) ? -EIO :
		virtnet_ctrl_post(c, cls, cmd, data, len);
	if (ret == 0 && !virtnet_ctrl_wait(c)) {
		/* The command may still be in the device's hands: never reuse. */
		virtnet_vq_fail(c->vq, VIRTNET_VQ_BAD_USED_IDX);
		VIRTNET_LOG(ERR, "port %u: control command %u/%u got no answer in %d ms; control queue stopped",
			c->port_id, cls, cmd, VIRTNET_CTRL_TIMEOUT_MS);
		ret = -ETIMEDOUT;
	}
	if (ret == 0 &&
	    __atomic_load_n(&m->ack, __ATOMIC_ACQUIRE) != VIRTIO_NET_OK)
		ret = -EIO;
	virtnet_ctrl_count(c, ret);
	rte_spinlock_unlock(&c->lock);
	return ret;
}

/* ---- typed commands ---- */

int
virtnet_ctrl_announce_ack(struct virtnet_ctrl *c)
{
	return virtnet_ctrl_send(c, VIRTIO_NET_CTRL_ANNOUNCE,
		VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0);
}

int
virtnet_ctrl_guest_offloads_set(struct virtnet_ctrl *c, uint64_t offloads)
{
	uint64_t le = rte_cpu_to_le_64(offloads);

	return virtnet_ctrl_send(c, VIRTIO_NET_CTRL_GUEST_OFFLOADS,
		VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, &le, sizeof(le));
}
