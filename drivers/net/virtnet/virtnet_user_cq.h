/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_USER_CQ_H
#define VIRTNET_USER_CQ_H

/**
 * @file
 * The device side of the control queue of virtio-user. A vhost-user
 * back-end has no control queue (the protocol leaves it to the front-end),
 * so the emulated device answers it itself: it takes each command chain,
 * hands class, command and data to a handler and writes back the ack.
 * Rings are addressed by virtual address, as virtio-user does.
 */

#include <stdbool.h>
#include <stdint.h>

#include "virtnet_transport.h"

/** Largest command the device takes (class and command excluded). */
#define VIRTNET_CQ_MAX_DATA	1024

/** Answers one command: VIRTIO_NET_OK or VIRTIO_NET_ERR. */
typedef uint8_t (*virtnet_cq_handler)(void *arg, uint8_t cls, uint8_t cmd,
		const uint8_t *data, uint32_t len);

/** Device-side state of a control queue. */
struct virtnet_cq_dev {
	struct virtnet_queue_desc d;
	uint16_t next_avail;	/**< split: avail index; packed: slot */
	uint16_t next_used;	/**< split: used index; packed: slot */
	bool avail_wrap;	/**< packed */
	bool used_wrap;		/**< packed */
	uint16_t last_out;	/**< readable descriptors of the last command */
};

/** Start over on the ring @p d (as the driver set it up). */
void virtnet_cq_dev_reset(struct virtnet_cq_dev *c,
		const struct virtnet_queue_desc *d);

/** Answer every command chain the driver made available. */
void virtnet_cq_dev_process(struct virtnet_cq_dev *c, virtnet_cq_handler h,
		void *arg);

#endif /* VIRTNET_USER_CQ_H */
