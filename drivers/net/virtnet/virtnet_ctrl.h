/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_CTRL_H
#define VIRTNET_CTRL_H

/**
 * @file
 * The control queue: one generic send, one command in flight at a time
 * under a lock, a bounded wait for the device's ack. Typed commands are
 * thin wrappers above. The queue's state is process memory; only the
 * command and its ack are DMA memory.
 */

#include <stdint.h>

#include "virtnet_ring.h"
#include "virtnet_transport.h"

/** Largest command payload (class and command excluded). */
#define VIRTNET_CTRL_MAX_DATA	1024

struct virtnet_ctrl;

/**
 * What the control queue's sends came to (xstats). The port keeps it, so
 * that it outlives the queue, which each start makes again.
 */
struct virtnet_ctrl_stats {
	uint64_t commands;	/**< given to the device */
	uint64_t nacks;		/**< answered VIRTIO_NET_ERR */
	uint64_t timeouts;	/**< no answer in time: the queue was given up */
	uint64_t refused;	/**< not sent: the queue had been given up */
};

/**
 * Make the control queue at the negotiated layout, before DRIVER_OK, and
 * enable it.
 * @return the queue, or NULL (logged).
 */
struct virtnet_ctrl *virtnet_ctrl_create(const struct virtnet_transport *t,
		const struct virtnet_ring_conf *c);

/** Free the queue (NULL: nothing), once the device was reset. */
void virtnet_ctrl_destroy(struct virtnet_ctrl *c);

/** Count every send into @p stats from now on (NULL: count nothing). */
void virtnet_ctrl_count_into(struct virtnet_ctrl *c,
		struct virtnet_ctrl_stats *stats);

/**
 * Send one command and wait for the device's answer.
 * @return 0 on VIRTIO_NET_OK; -ENOTSUP when @p c is NULL (no queue);
 *   -EIO on a NACK or a broken queue;
 *   -ETIMEDOUT when no answer came (the queue is then given up);
 *   -EINVAL for a payload over VIRTNET_CTRL_MAX_DATA.
 */
int virtnet_ctrl_send(struct virtnet_ctrl *c, uint8_t cls, uint8_t cmd,
		const void *data, uint16_t len);

/*
 * Typed commands: each one wire format over virtnet_ctrl_send(), with
 * its return values.
 */

/** VIRTIO_NET_CTRL_ANNOUNCE_ACK: the announce status was served. */
int virtnet_ctrl_announce_ack(struct virtnet_ctrl *c);

/**
 * VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET: the Rx offloads the device may use
 * from now on, a mask of VIRTIO_NET_F_GUEST_* bit numbers, all of them
 * negotiated.
 */
int virtnet_ctrl_guest_offloads_set(struct virtnet_ctrl *c,
		uint64_t offloads);

#endif /* VIRTNET_CTRL_H */
