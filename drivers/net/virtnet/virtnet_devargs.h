/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_DEVARGS_H
#define VIRTNET_DEVARGS_H

/**
 * @file
 * Devargs of net_virtnet_user: one table gives the keys, types, ranges,
 * defaults and the param string, with net_virtio_user's names, meanings
 * and defaults.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

/** Parsed devargs of a virtio-user port. */
struct virtnet_user_args {
	char path[PATH_MAX];
	char iface[64];
	struct rte_ether_addr mac;
	uint32_t mac_set;
	uint32_t queues;
	uint32_t queue_size;
	uint32_t cq;
	uint32_t server;
	uint32_t mrg_rxbuf;
	uint32_t in_order;
	uint32_t packed_vq;
	uint32_t vectorized;
	uint32_t speed;
	uint64_t given;		/**< bit per table row: set on the command line */
};

/*
 * X(key, type, field, min, max, default, implemented, help)
 * Defaults are net_virtio_user's (22.11).
 */
#define VIRTNET_USER_DEVARGS(X) \
	X(path, STR, path, 0, 0, 0, true, "<path>") \
	X(mac, MAC, mac, 0, 0, 0, true, "<mac addr>") \
	X(cq, U32, cq, 0, 1, 0, true, "<int>") \
	X(queue_size, U32, queue_size, 32, 32768, 256, true, "<int>") \
	X(queues, U32, queues, 1, 128, 1, true, "<int>") \
	X(iface, STR, iface, 0, 0, 0, false, "<string>") \
	X(server, U32, server, 0, 1, 0, false, "<0|1>") \
	X(mrg_rxbuf, U32, mrg_rxbuf, 0, 1, 1, true, "<0|1>") \
	X(in_order, U32, in_order, 0, 1, 1, true, "<0|1>") \
	X(packed_vq, U32, packed_vq, 0, 1, 0, true, "<0|1>") \
	X(speed, U32, speed, 0, 400000, 0, true, "<int>") \
	X(vectorized, U32, vectorized, 0, 1, 0, true, "<0|1>")

#define VIRTNET_DEVARG_PARAM(key, type, field, min, max, def, impl, help) \
	#key "=" help " "

/** The RTE_PMD_REGISTER_PARAM_STRING text. */
#define VIRTNET_USER_PARAM_STRING \
	VIRTNET_USER_DEVARGS(VIRTNET_DEVARG_PARAM)

/**
 * Parse @p args (may be NULL or empty) into @p out.
 * @return 0, or -EINVAL after logging the one key that is wrong.
 */
int virtnet_user_args_parse(const char *name, const char *args,
		struct virtnet_user_args *out);

/** Log the keys given that are accepted but not acted on yet. */
void virtnet_user_args_log_pending(const char *name,
		const struct virtnet_user_args *a);

#endif /* VIRTNET_DEVARGS_H */
