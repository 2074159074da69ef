/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_DEVARGS_H
#define VIRTNET_DEVARGS_H

/**
 * @file
 * Devargs of both buses, parsed by one engine from one table each. A
 * table row gives the key, type, range, default and help text; the same
 * rows generate the RTE_PMD_REGISTER_PARAM_STRING text. Keys, meanings
 * and defaults are net_virtio's (22.11), plus virtnet's own.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

/** Parsed devargs of a virtio-user port (net_virtnet_user). */
struct virtnet_user_args {
	char path[PATH_MAX];
	char iface[64];
	struct rte_ether_addr mac;
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

/** Parsed devargs of a PCI port (net_virtnet). */
struct virtnet_pci_args {
	uint32_t speed;
	uint32_t vectorized;
	uint32_t virtnet;	/**< 0: leave the device to another driver */
	uint32_t force_legacy;
	uint32_t event_idx;
	uint32_t rx_coal_usecs;
	uint32_t rx_coal_frames;
	uint32_t tx_coal_usecs;
	uint32_t tx_coal_frames;
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
	X(server, U32, server, 0, 1, 0, true, "<0|1>") \
	X(mrg_rxbuf, U32, mrg_rxbuf, 0, 1, 1, true, "<0|1>") \
	X(in_order, U32, in_order, 0, 1, 1, true, "<0|1>") \
	X(packed_vq, U32, packed_vq, 0, 1, 0, true, "<0|1>") \
	X(speed, U32, speed, 0, 400000, 0, true, "<int>") \
	X(vectorized, U32, vectorized, 0, 1, 0, true, "<0|1>")

/*
 * net_virtio's PCI keys (speed, vectorized), and virtnet's own: virtnet=0
 * hands the device to another driver, force_legacy takes the legacy
 * interface of a transitional device, event_idx=0 keeps EVENT_IDX off.
 */
#define VIRTNET_PCI_DEVARGS(X) \
	X(speed, U32, speed, 0, 400000, 0, true, "<int>") \
	X(vectorized, U32, vectorized, 0, 1, 0, true, "<0|1>") \
	X(virtnet, U32, virtnet, 0, 1, 1, true, "<0|1>") \
	X(force_legacy, U32, force_legacy, 0, 1, 0, true, "<0|1>") \
	X(event_idx, U32, event_idx, 0, 1, 1, true, "<0|1>") \
	X(rx_coal_usecs, U32, rx_coal_usecs, 0, 1000000, 0, true, "<usecs>") \
	X(rx_coal_frames, U32, rx_coal_frames, 0, 65535, 0, true, "<int>") \
	X(tx_coal_usecs, U32, tx_coal_usecs, 0, 1000000, 0, true, "<usecs>") \
	X(tx_coal_frames, U32, tx_coal_frames, 0, 65535, 0, true, "<int>")

#define VIRTNET_DEVARG_PARAM(key, type, field, min, max, def, impl, help) \
	#key "=" help " "

/** The RTE_PMD_REGISTER_PARAM_STRING texts. */
#define VIRTNET_USER_PARAM_STRING VIRTNET_USER_DEVARGS(VIRTNET_DEVARG_PARAM)
#define VIRTNET_PCI_PARAM_STRING VIRTNET_PCI_DEVARGS(VIRTNET_DEVARG_PARAM)

struct virtnet_devargs_table;

/** The keys of net_virtnet_user, into struct virtnet_user_args. */
extern const struct virtnet_devargs_table virtnet_user_devargs;
/** The keys of net_virtnet, into struct virtnet_pci_args. */
extern const struct virtnet_devargs_table virtnet_pci_devargs;

/**
 * Parse @p args (may be NULL or empty) into @p out, the struct @p t is
 * for: defaults first, then every key given, then the rules that tie
 * keys together.
 * @param name device name, for the log
 * @return 0, or -EINVAL after logging the one key that is wrong.
 */
int virtnet_devargs_parse(const struct virtnet_devargs_table *t,
		const char *name, const char *args, void *out);

/** Whether @p key was given on the command line. */
bool virtnet_devargs_given(const struct virtnet_devargs_table *t,
		const void *out, const char *key);

/** Log the keys given that are accepted but not acted on yet. */
void virtnet_devargs_log_pending(const struct virtnet_devargs_table *t,
		const char *name, const void *out);

#endif /* VIRTNET_DEVARGS_H */
