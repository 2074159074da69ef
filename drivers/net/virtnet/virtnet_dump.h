/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_DUMP_H
#define VIRTNET_DUMP_H

/**
 * @file
 * A port as people look at it: features by name, the transport, the Rx/Tx
 * paths, link, and where each ring stands. Everything is copied into a
 * snapshot first, under the port lock, so that another thread (telemetry)
 * may ask while the port starts, stops or recovers (see virtnet_dump.c).
 * The snapshot is then printed
 * (eth_dev_priv_dump, which /ethdev/dump_priv calls) or turned into
 * telemetry dicts (virtnet_telemetry.c).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <ethdev_driver.h>

#include "virtnet_rxtx.h"
#include "virtnet_vq.h"

/** Room for virtnet_vq_dump()'s text of one ring. */
#define VIRTNET_DUMP_VQ_TEXT	320

/** Where one ring stood; all zero when it did not run (port stopped). */
struct virtnet_ring_snap {
	bool live;		/**< the ring existed: the rest is valid */
	bool packed;
	bool avail_wrap;	/**< packed: driver's wrap counter */
	bool used_wrap;		/**< packed: wrap counter of the used side */
	uint8_t fault;		/**< enum virtnet_vq_fault; 0: healthy */
	uint16_t vqid;		/**< virtio queue index */
	uint16_t size;		/**< descriptors */
	uint16_t nb_free;	/**< free descriptor slots */
	uint16_t avail_idx;	/**< driver's next avail slot or index */
	uint16_t last_used;	/**< driver's next used slot or index */
	struct virtnet_vq_errors err;
	char text[VIRTNET_DUMP_VQ_TEXT];	/**< virtnet_vq_dump() */
};

/** One Rx or Tx queue. */
struct virtnet_queue_snap {
	uint16_t nb_desc;	/**< what the application asked */
	struct virtnet_queue_stats stats;
	uint64_t ring_errors;	/**< faults of rings freed since a reset */
	struct virtnet_ring_snap ring;
};

/** A port; virtnet_dump_snapshot() fills it, _free() releases the queues. */
struct virtnet_port_snap {
	uint16_t port_id;
	char name[RTE_ETH_NAME_MAX_LEN];
	const char *driver;	/**< net_virtnet or net_virtnet_user */
	const char *transport;	/**< the transport ops' name */
	bool legacy;		/**< legacy (0.9.5) interface */
	uint64_t dev_features;	/**< offered by the device */
	uint64_t usable;	/**< offered and usable by the driver */
	uint64_t features;	/**< negotiated at the last start */
	const char *rx_path;	/**< NULL before the first start */
	const char *tx_path;
	bool started;		/**< the application started the port */
	bool running;		/**< the device runs the rings */
	bool halted;		/**< bursts return 0 (stopped or device lost) */
	bool ctrl;		/**< the control queue exists */
	uint16_t hdr_size;
	uint16_t max_queue_pairs;
	uint16_t mtu;
	struct rte_eth_link link;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	struct virtnet_queue_snap *rxq;	/**< nb_rxq entries */
	struct virtnet_queue_snap *txq;	/**< nb_txq entries */
};

/** Spec name of feature bit @p bit ("VERSION_1"), or NULL if unknown. */
const char *virtnet_feature_name(unsigned int bit);

/** What a queue fault (enum virtnet_vq_fault) means ("bad id"). */
const char *virtnet_dump_fault_name(uint8_t fault);

/**
 * Whether @p port_id is a port of this driver (net_virtnet or
 * net_virtnet_user) that is attached and has its process state.
 */
bool virtnet_dump_is_port(uint16_t port_id);

/**
 * Copy what can be known of a virtnet port, safely from any thread of the
 * primary process.
 * @return 0; -ENODEV when @p port_id is no virtnet port; -ENOMEM.
 */
int virtnet_dump_snapshot(uint16_t port_id, struct virtnet_port_snap *s);

/** Release what virtnet_dump_snapshot() allocated. */
void virtnet_dump_snapshot_free(struct virtnet_port_snap *s);

/**
 * eth_dev_priv_dump op: the snapshot as text (rte_eth_dev_priv_dump(),
 * telemetry's /ethdev/dump_priv).
 * @return 0, or a negative errno.
 */
int virtnet_dev_priv_dump(struct rte_eth_dev *dev, FILE *f);

#endif /* VIRTNET_DUMP_H */
