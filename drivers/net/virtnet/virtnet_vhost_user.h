/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_VHOST_USER_H
#define VIRTNET_VHOST_USER_H

/**
 * @file
 * vhost-user protocol, front-end side (QEMU docs/interop/vhost-user.rst):
 * message formats, the socket, and one call per request. No knowledge of
 * virtio devices beyond the message payloads.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

/* Front-end requests. */
enum virtnet_vhu_request {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_SET_STATUS = 39,
	VHOST_USER_GET_STATUS = 40,
};

/* Feature bit telling that protocol features may be negotiated. */
#define VHOST_USER_F_PROTOCOL_FEATURES	30

/* Protocol feature bits. */
#define VHOST_USER_PROTOCOL_F_MQ		0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK		3
#define VHOST_USER_PROTOCOL_F_STATUS		16

/** Protocol features this front-end speaks. */
#define VIRTNET_VHU_PROTOCOL_FEATURES \
	((1ULL << VHOST_USER_PROTOCOL_F_MQ) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_STATUS))

/** Regions in one SET_MEM_TABLE without CONFIGURE_MEM_SLOTS. */
#define VIRTNET_VHU_MAX_REGIONS	8

/** One memory region of SET_MEM_TABLE. */
struct virtnet_vhu_region {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t mmap_offset;
};

/** A memory table with the fd backing each region. */
struct virtnet_vhu_mem {
	uint32_t nregions;
	struct virtnet_vhu_region region[VIRTNET_VHU_MAX_REGIONS];
	int fd[VIRTNET_VHU_MAX_REGIONS];
};

/** Ring addresses for SET_VRING_ADDR (front-end virtual addresses). */
struct virtnet_vhu_vring_addr {
	uint64_t desc;
	uint64_t used;
	uint64_t avail;
};

/** A connection to a vhost-user back-end. */
struct virtnet_vhu {
	int fd;			/**< connected socket, -1 when closed */
	bool reply_ack;		/**< REPLY_ACK negotiated */
	unsigned int timeout_ms; /**< whole-reply deadline; send timeout */
};

/**
 * Connect to a back-end listening on @p path (client mode).
 * @return 0, or a negative errno.
 */
int virtnet_vhu_connect(struct virtnet_vhu *c, const char *path);

/**
 * Listen on @p path for a back-end (server mode); a stale socket file left
 * by a dead process is replaced, a live one is not.
 * @return the non-blocking listening fd, or a negative errno.
 */
int virtnet_vhu_listen(const char *path);

/**
 * Take a back-end's connection from @p listen_fd.
 * @return 0, -EAGAIN when none is pending, or a negative errno.
 */
int virtnet_vhu_accept(struct virtnet_vhu *c, int listen_fd);

/** Close the connection. */
void virtnet_vhu_close(struct virtnet_vhu *c);

/**
 * The socket became readable with no request outstanding: see why,
 * without blocking. A back-end sends nothing unasked on this channel.
 * @return 0 (nothing to read), -ECONNRESET (closed), -EPROTO (unsolicited
 *   bytes, consumed and logged) or another negative errno.
 */
int virtnet_vhu_drain(const struct virtnet_vhu *c);

/** A request without payload (SET_OWNER, RESET_OWNER). */
int virtnet_vhu_simple(struct virtnet_vhu *c, enum virtnet_vhu_request req);

/** A request answered with one u64 (GET_FEATURES, ...). */
int virtnet_vhu_get_u64(struct virtnet_vhu *c, enum virtnet_vhu_request req,
		uint64_t *val);

/** A request carrying one u64 (SET_FEATURES, SET_STATUS, ...). */
int virtnet_vhu_set_u64(struct virtnet_vhu *c, enum virtnet_vhu_request req,
		uint64_t val);

/** A request carrying a vring state (NUM, BASE, ENABLE). */
int virtnet_vhu_set_state(struct virtnet_vhu *c, enum virtnet_vhu_request req,
		uint32_t index, uint32_t num);

/** GET_VRING_BASE: stops the ring, returns where the back-end was. */
int virtnet_vhu_get_vring_base(struct virtnet_vhu *c, uint32_t index,
		uint32_t *num);

/** SET_VRING_ADDR. */
int virtnet_vhu_set_vring_addr(struct virtnet_vhu *c, uint32_t index,
		const struct virtnet_vhu_vring_addr *a);

/** SET_VRING_KICK / SET_VRING_CALL / SET_VRING_ERR; fd < 0: polling. */
int virtnet_vhu_set_vring_fd(struct virtnet_vhu *c,
		enum virtnet_vhu_request req, uint32_t index, int fd);

/**
 * SET_MEM_TABLE; with @p wait false the back-end's answer is not awaited
 * (no REPLY_ACK asked), for callers that must not block.
 */
int virtnet_vhu_set_mem_table(struct virtnet_vhu *c,
		const struct virtnet_vhu_mem *m, bool wait);

/** Whether the back-end runs in this very process. */
bool virtnet_vhu_peer_is_self(const struct virtnet_vhu *c);

#endif /* VIRTNET_VHOST_USER_H */
