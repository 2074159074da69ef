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
	bool given_up;		/* no ring: the device did not answer */
};

/* A queue given up (no answer, a ring fault) refuses every command. */
static bool
virtnet_ctrl_broken(const struct virtnet_ctrl *c)
{
	return c->vq != NULL ? virtnet_vq_broken(c->vq) : c->given_up;
}

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
	/* Answered in this process from our own copy: no ring (audit F1). */
	if (t->ops->ctrl_cmd != NULL)
		return c;
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
	if (c->mem.mz != NULL)
		virtnet_dma_free(&c->mem);
	virtnet_private_free(c);
}

void
virtnet_ctrl_abandon(struct virtnet_ctrl *c)
{
	if (c == NULL)
		return;
	virtnet_private_free(c->vq);
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

/*
 * Put the command in DMA memory and hand it over: header, each part, ack
 * in descriptors of their own. Caller holds the lock and checked sizes.
 */
static int
virtnet_ctrl_post(struct virtnet_ctrl *c, uint8_t cls, uint8_t cmd,
		const struct virtnet_ctrl_seg *segs, unsigned int n)
{
	struct virtnet_ctrl_cmd *m = c->mem.va;
	struct virtnet_buf b[VIRTNET_CTRL_MAX_SEGS + 2];
	struct virtnet_vq *vq = c->vq;
	uint16_t nb = 1, off = 0;
	unsigned int i;

	m->hdr.class = cls;
	m->hdr.cmd = cmd;
	b[0].addr = c->mem.addr;
	b[0].len = sizeof(m->hdr);
	for (i = 0; i < n; i++) {
		if (segs[i].len == 0)
			continue;
		memcpy(m->data + off, segs[i].data, segs[i].len);
		b[nb].addr = c->mem.addr +
			offsetof(struct virtnet_ctrl_cmd, data) + off;
		b[nb++].len = segs[i].len;
		off += segs[i].len;
	}
	m->ack = VIRTIO_NET_ERR;
	b[nb].addr = c->mem.addr + offsetof(struct virtnet_ctrl_cmd, ack);
	b[nb].len = sizeof(m->ack);
	if (virtnet_vq_add(vq, b, nb, 1, c, vq->mode) < 0)
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
	if (ret == -ENOSPC || (ret == -EIO && virtnet_ctrl_broken(c))) {
		s->refused++;
		return;
	}
	s->commands++;
	if (ret == -ETIMEDOUT)
		s->timeouts++;
	else if (ret == -EIO)
		s->nacks++;
}

/* The parts of a command, together, within one command's DMA memory. */
static bool
virtnet_ctrl_fits(const struct virtnet_ctrl_seg *segs, unsigned int n)
{
	uint32_t total = 0;
	unsigned int i;

	if (n > VIRTNET_CTRL_MAX_SEGS)
		return false;
	for (i = 0; i < n; i++)
		total += segs[i].len;
	return total <= VIRTNET_CTRL_MAX_DATA;
}

/* Post, wait, read the ack: the device reads the ring. Lock held. */
static int
virtnet_ctrl_ring(struct virtnet_ctrl *c, uint8_t cls, uint8_t cmd,
		const struct virtnet_ctrl_seg *segs, unsigned int n)
{
	const struct virtnet_ctrl_cmd *m = c->mem.va;
	int ret;

	ret = virtnet_ctrl_post(c, cls, cmd, segs, n);
	if (ret < 0)
		return ret;
	if (!virtnet_ctrl_wait(c)) {
		/* The command may still be in the device's hands: never reuse. */
		virtnet_vq_fail(c->vq, VIRTNET_VQ_BAD_USED_IDX);
		return -ETIMEDOUT;
	}
	return __atomic_load_n(&m->ack, __ATOMIC_ACQUIRE) == VIRTIO_NET_OK ?
		0 : -EIO;
}

/* The transport answers from a copy in this process's memory. Lock held. */
static int
virtnet_ctrl_local(struct virtnet_ctrl *c, uint8_t cls, uint8_t cmd,
		const struct virtnet_ctrl_seg *segs, unsigned int n)
{
	uint8_t data[VIRTNET_CTRL_MAX_DATA];
	uint32_t len = 0;
	unsigned int i;
	int ack;

	for (i = 0; i < n; i++) {
		if (segs[i].len == 0)
			continue;
		memcpy(data + len, segs[i].data, segs[i].len);
		len += segs[i].len;
	}
	ack = c->tp->ops->ctrl_cmd(c->tp->priv, cls, cmd, data, len);
	if (ack == -ETIMEDOUT) {
		c->given_up = true;
		return -ETIMEDOUT;
	}
	return ack == VIRTIO_NET_OK ? 0 : -EIO;
}

int
virtnet_ctrl_sendv(struct virtnet_ctrl *c, uint8_t cls, uint8_t cmd,
		const struct virtnet_ctrl_seg *segs, unsigned int n)
{
	int ret;

	if (c == NULL)
		return -ENOTSUP;
	if (!virtnet_ctrl_fits(segs, n))
		return -EINVAL;
	rte_spinlock_lock(&c->lock);
	if (virtnet_ctrl_broken(c))
		ret = -EIO;
	else if (c->vq == NULL)
		ret = virtnet_ctrl_local(c, cls, cmd, segs, n);
	else
		ret = virtnet_ctrl_ring(c, cls, cmd, segs, n);
	if (ret == -ETIMEDOUT && c->vq != NULL)
		VIRTNET_LOG(ERR, "port %u: control command %u/%u got no answer in %d ms; control queue stopped",
			c->port_id, cls, cmd, VIRTNET_CTRL_TIMEOUT_MS);
	else if (ret == -ETIMEDOUT)
		VIRTNET_LOG(ERR, "port %u: control command %u/%u not answered; control commands given up until the next start",
			c->port_id, cls, cmd);
	virtnet_ctrl_count(c, ret);
	rte_spinlock_unlock(&c->lock);
	return ret;
}

int
virtnet_ctrl_send(struct virtnet_ctrl *c, uint8_t cls, uint8_t cmd,
		const void *data, uint16_t len)
{
	const struct virtnet_ctrl_seg seg = { data, len };

	return virtnet_ctrl_sendv(c, cls, cmd, &seg, len > 0);
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

int
virtnet_ctrl_rx_mode(struct virtnet_ctrl *c, uint8_t cmd, bool on)
{
	uint8_t v = on;

	if (cmd > VIRTIO_NET_CTRL_RX_NOBCAST)
		return -EINVAL;
	return virtnet_ctrl_send(c, VIRTIO_NET_CTRL_RX, cmd, &v, sizeof(v));
}

int
virtnet_ctrl_mac_addr_set(struct virtnet_ctrl *c,
		const struct rte_ether_addr *mac)
{
	return virtnet_ctrl_send(c, VIRTIO_NET_CTRL_MAC,
		VIRTIO_NET_CTRL_MAC_ADDR_SET, mac->addr_bytes,
		RTE_ETHER_ADDR_LEN);
}

/* One table of MAC_TABLE_SET at @p t; its length. */
static uint16_t
virtnet_ctrl_mac_table(uint8_t *t, const struct rte_ether_addr *a,
		uint32_t n)
{
	uint32_t le = rte_cpu_to_le_32(n), i;

	memcpy(t, &le, sizeof(le));
	for (i = 0; i < n; i++)
		memcpy(t + sizeof(le) + i * RTE_ETHER_ADDR_LEN, a[i].addr_bytes,
			RTE_ETHER_ADDR_LEN);
	return (uint16_t)(sizeof(le) + n * RTE_ETHER_ADDR_LEN);
}

int
virtnet_ctrl_mac_table_set(struct virtnet_ctrl *c,
		const struct rte_ether_addr *uc, uint32_t nb_uc,
		const struct rte_ether_addr *mc, uint32_t nb_mc)
{
	uint8_t buf[VIRTNET_CTRL_MAX_DATA];
	struct virtnet_ctrl_seg seg[2];

	RTE_BUILD_BUG_ON(sizeof(struct virtio_net_ctrl_mac) != 4);
	if (nb_uc > VIRTNET_CTRL_MAX_DATA || nb_mc > VIRTNET_CTRL_MAX_DATA ||
	    2 * sizeof(uint32_t) + (nb_uc + nb_mc) * RTE_ETHER_ADDR_LEN >
			sizeof(buf))
		return -EINVAL;
	seg[0].data = buf;
	seg[0].len = virtnet_ctrl_mac_table(buf, uc, nb_uc);
	seg[1].data = buf + seg[0].len;
	seg[1].len = virtnet_ctrl_mac_table(buf + seg[0].len, mc, nb_mc);
	return virtnet_ctrl_sendv(c, VIRTIO_NET_CTRL_MAC,
		VIRTIO_NET_CTRL_MAC_TABLE_SET, seg, RTE_DIM(seg));
}

int
virtnet_ctrl_vlan(struct virtnet_ctrl *c, uint16_t vid, bool add)
{
	uint16_t le = rte_cpu_to_le_16(vid);

	if (vid > RTE_ETHER_MAX_VLAN_ID)
		return -EINVAL;
	return virtnet_ctrl_send(c, VIRTIO_NET_CTRL_VLAN, add ?
		VIRTIO_NET_CTRL_VLAN_ADD : VIRTIO_NET_CTRL_VLAN_DEL, &le,
		sizeof(le));
}

int
virtnet_ctrl_notf_coal(struct virtnet_ctrl *c, bool rx, uint32_t usecs,
		uint32_t frames)
{
	struct virtio_net_ctrl_coal coal = {
		.max_packets = rte_cpu_to_le_32(frames),
		.max_usecs = rte_cpu_to_le_32(usecs),
	};

	return virtnet_ctrl_send(c, VIRTIO_NET_CTRL_NOTF_COAL, rx ?
		VIRTIO_NET_CTRL_NOTF_COAL_RX_SET :
		VIRTIO_NET_CTRL_NOTF_COAL_TX_SET, &coal, sizeof(coal));
}
