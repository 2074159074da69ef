/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_RING_H
#define VIRTNET_RING_H

/**
 * @file
 * Memory for queues, split by who may write it. Rings, Tx headers and
 * indirect tables and the control command are DMA memory (DPDK memzones;
 * packet buffers are mbufs, DPDK memory too), which a vhost-user back-end
 * maps whole and VFIO maps for the device. Everything the driver keeps for
 * itself (queue structs, ring bookkeeping, cookies, free lists) is process
 * memory, which no device can reach: a device that lies through the ring
 * is caught by the ring checks, and one that writes beside the ring finds
 * nothing of the driver's there.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtnet_transport.h"
#include "virtnet_vq.h"

struct rte_memzone;

/** DMA memory: zeroed, IOVA-contiguous, named after port and use. */
struct virtnet_dma {
	const struct rte_memzone *mz;
	void *va;		/**< the driver's address */
	uint64_t addr;		/**< the device's address (IOVA, or VA) */
};

/** What a ring is made for. */
struct virtnet_ring_conf {
	uint16_t port_id;	/**< for names and logs */
	uint16_t qid;		/**< virtio queue index */
	uint16_t nb_desc;	/**< size asked for; 0: the device's maximum */
	uint32_t mode;		/**< VIRTNET_VQ_* of the negotiated features */
	int socket;		/**< NUMA socket of the DMA memory */
};

/** Zeroed, cache-aligned process memory; virtnet_private_free() it. */
void *virtnet_private_zalloc(size_t size);

void virtnet_private_free(void *p);

/**
 * Reserve @p size bytes of DMA memory named "virtnet<port>_<what><id>".
 * @return 0, or a negative errno (logged).
 */
int virtnet_dma_zalloc(const struct virtnet_transport *t, uint16_t port,
		const char *what, uint16_t id, size_t size, int socket,
		struct virtnet_dma *dma);

/** Release DMA memory (nothing if none). */
void virtnet_dma_free(struct virtnet_dma *dma);

/**
 * The ring size for a queue: what was asked for (at least 64), within
 * what the device takes for the queue and the layout allows (split: a
 * power of 2; a legacy device: exactly its own size, which it cannot
 * change).
 * @return the size, or a negative errno (logged) when none fits.
 */
int virtnet_ring_size(const struct virtnet_transport *t,
		const struct virtnet_ring_conf *c);

/**
 * Make a queue real: bookkeeping in process memory, the ring in DMA
 * memory at the size virtnet_ring_size() gives, interrupts off (polling),
 * handed to the device (not yet enabled).
 * @return the queue, or NULL (logged).
 */
struct virtnet_vq *virtnet_ring_create(const struct virtnet_transport *t,
		const struct virtnet_ring_conf *c, struct virtnet_dma *mem);

/** Free a queue and its ring, once the device was reset. */
void virtnet_ring_destroy(struct virtnet_vq *vq, struct virtnet_dma *mem);

#endif /* VIRTNET_RING_H */
