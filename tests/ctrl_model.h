/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef CTRL_MODEL_H
#define CTRL_MODEL_H

/**
 * @file
 * A control-queue device for tests/test_ctrl.c: it takes each command
 * chain from the ring as a device does (split and packed), hands class,
 * command and data to a handler and writes back the ack. Rings are
 * addressed by virtual address. (virtio-user's emulated control queue
 * used to be this code walking the shared ring; it now takes commands
 * from the driver's memory, audit F1.)
 */

#include <stdbool.h>
#include <stdint.h>

#include "virtnet_transport.h"

/** Largest command the device takes (class and command excluded). */
#define CTRL_MODEL_MAX_DATA	1024

/** Answers one command: VIRTIO_NET_OK or VIRTIO_NET_ERR. */
typedef uint8_t (*ctrl_model_handler)(void *arg, uint8_t cls, uint8_t cmd,
		const uint8_t *data, uint32_t len);

/** Device-side state of a control queue. */
struct ctrl_model {
	struct virtnet_queue_desc d;
	uint16_t next_avail;	/**< split: avail index; packed: slot */
	uint16_t next_used;	/**< split: used index; packed: slot */
	bool avail_wrap;	/**< packed */
	bool used_wrap;		/**< packed */
	uint16_t last_out;	/**< readable descriptors of the last command */
};

/** Start over on the ring @p d (as the driver set it up). */
void ctrl_model_reset(struct ctrl_model *c,
		const struct virtnet_queue_desc *d);

/** Answer every command chain the driver made available. */
void ctrl_model_process(struct ctrl_model *c, ctrl_model_handler h,
		void *arg);

#endif /* CTRL_MODEL_H */
