/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * The control queue: one generic send, one command in flight at a time
 * under a lock, a bounded wait for the device's ack. Typed commands (Rx
 * modes, queue pairs) are thin wrappers in the ethdev layer.
 */

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_spinlock.h>

#include "virtnet_ethdev.h"
#include "virtnet_log.h"

#define VIRTNET_CTRL_MAX_DATA	1024
#define VIRTNET_CTRL_TIMEOUT_MS	1000

struct virtnet_ctrl {
	struct virtnet_vq *vq;
	const struct rte_memzone *mem;	/* this struct: the device reads cmd */
	rte_spinlock_t lock;
	uint64_t addr;		/* device address of cmd */
	struct {
		struct virtio_net_ctrl_hdr hdr;
		uint8_t data[VIRTNET_CTRL_MAX_DATA];
		uint8_t ack;
	} cmd;
};

int
virtnet_ctrl_create(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = dev->data->dev_private;
	unsigned int socket = (unsigned int)dev->device->numa_node;
	const struct rte_memzone *mz;
	struct virtnet_ctrl *c;
	uint64_t addr;

	if (!((hw->dev_features >> VIRTIO_NET_F_CTRL_VQ) & 1) || hw->ctrl != NULL)
		return 0;
	mz = virtnet_dma_zalloc(dev, "ctrl", 0, sizeof(*c), socket, &addr);
	if (mz == NULL)
		return -ENOMEM;
	c = mz->addr;
	c->mem = mz;
	c->vq = virtnet_vq_create(dev, (uint16_t)(hw->max_queue_pairs * 2),
		socket);
	if (c->vq == NULL) {
		rte_memzone_free(mz);
		return -ENOMEM;
	}
	rte_spinlock_init(&c->lock);
	c->addr = addr + offsetof(struct virtnet_ctrl, cmd);
	hw->ctrl = c;
	return 0;
}

void
virtnet_ctrl_destroy(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = dev->data->dev_private;

	if (hw->ctrl == NULL)
		return;
	virtnet_vq_destroy(hw->ctrl->vq);
	rte_memzone_free(hw->ctrl->mem);
	hw->ctrl = NULL;
}

/* Before DRIVER_OK: the queue takes the negotiated layout. */
int
virtnet_ctrl_attach(struct rte_eth_dev *dev)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	struct virtnet_dev *hw = dev->data->dev_private;
	int ret;

	if (hw->ctrl == NULL || !virtnet_has(hw, VIRTIO_NET_F_CTRL_VQ))
		return 0;
	ret = virtnet_queue_attach(dev, hw->ctrl->vq);
	if (ret == 0)
		ret = p->ops->enable_queue(p->tp, hw->ctrl->vq->qid, true);
	return ret;
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

int
virtnet_ctrl_send(struct rte_eth_dev *dev, uint8_t cls, uint8_t cmd,
		const void *data, uint16_t len)
{
	const struct virtnet_proc *p = virtnet_proc(dev);
	struct virtnet_dev *hw = dev->data->dev_private;
	struct virtnet_ctrl *c = hw->ctrl;
	struct virtnet_buf b[2];
	int ret = 0;

	if (c == NULL || !virtnet_has(hw, VIRTIO_NET_F_CTRL_VQ) || !hw->started)
		return -ENOTSUP;
	if (len > VIRTNET_CTRL_MAX_DATA)
		return -EINVAL;
	rte_spinlock_lock(&c->lock);
	if (virtnet_vq_broken(c->vq)) {
		ret = -EIO;
		goto out;
	}
	c->cmd.hdr.class = cls;
	c->cmd.hdr.cmd = cmd;
	memcpy(c->cmd.data, data, len);
	c->cmd.ack = VIRTIO_NET_ERR;
	b[0].addr = c->addr;
	b[0].len = sizeof(c->cmd.hdr) + len;
	b[1].addr = c->addr + offsetof(typeof(c->cmd), ack);
	b[1].len = sizeof(c->cmd.ack);
	if (virtnet_vq_add(c->vq, b, 1, 1, c, c->vq->mode) < 0) {
		ret = -ENOSPC;
		goto out;
	}
	virtnet_vq_publish(c->vq, c->vq->mode);
	/* Notify whatever the device asked: the caller waits for this one. */
	virtnet_vq_kick_prepare(c->vq, c->vq->mode);
	virtnet_notify(p, c->vq, c->vq->mode);
	if (!virtnet_ctrl_wait(c)) {
		/* The command may still be in the device's hands: never reuse. */
		virtnet_vq_fail(c->vq, VIRTNET_VQ_BAD_USED_IDX);
		VIRTNET_LOG(ERR, "port %u: control command %u/%u got no answer in %d ms; control queue stopped",
			dev->data->port_id, cls, cmd, VIRTNET_CTRL_TIMEOUT_MS);
		ret = -ETIMEDOUT;
		goto out;
	}
	if (__atomic_load_n(&c->cmd.ack, __ATOMIC_ACQUIRE) != VIRTIO_NET_OK)
		ret = -EIO;
out:
	rte_spinlock_unlock(&c->lock);
	return ret;
}
