/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_USER_H
#define VIRTNET_USER_H

/**
 * @file
 * virtio-user transport: a virtio-net device emulated in the process, its
 * rings and memory handed to a vhost-user back-end.
 */

#include <stdbool.h>
#include <stdint.h>

#include "virtnet_transport.h"

/** What the emulated device is made from. */
struct virtnet_user_params {
	const char *path;	/**< vhost-user socket */
	uint8_t mac[6];		/**< MAC the device reports */
	uint16_t queue_pairs;	/**< data queue pairs */
	uint16_t queue_size;	/**< largest ring the device takes */
	bool cq;		/**< give the device a control queue */
	uint64_t feature_mask;	/**< device features the devargs allow */
	uint32_t speed;		/**< reported speed (Mbps) */
	bool server;		/**< listen on path; the back-end connects */
};

/**
 * Client mode redials a lost back-end after this many ms, doubling the
 * wait after each failure up to VIRTNET_USER_RETRY_MAX_MS, until it
 * answers or the port is closed. Server mode waits for the back-end.
 */
#define VIRTNET_USER_RETRY_MIN_MS	50
#define VIRTNET_USER_RETRY_MAX_MS	500

extern const struct virtnet_transport_ops virtnet_user_ops;

/**
 * Create the emulated device: connect to the back-end (client mode), or
 * listen for one without waiting (server mode). The back-end's loss and
 * (re)connection are reported through @p cb.
 *
 * @param p     parameters, copied
 * @param cb    event callback (backend lost, config change)
 * @param arg   its argument
 * @param[out] t transport state for virtnet_user_ops
 * @return 0, or a negative errno (logged).
 */
int virtnet_user_create(const struct virtnet_user_params *p,
		virtnet_event_cb cb, void *arg, void **t);

#endif /* VIRTNET_USER_H */
