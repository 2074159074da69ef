/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_MP_H
#define VIRTNET_MP_H

/**
 * @file
 * Multi-process: what a secondary process may ask the primary about a
 * virtnet port, over EAL's rte_mp channel. A port's queues and state live
 * in the primary's process memory (vhost-user back-ends and devices map
 * all DPDK memory, so nothing of the driver's is there): a secondary
 * cannot read them, it asks. The primary answers from EAL's mp thread,
 * reading queue counters under virtnet_queues_lock(); a port is served
 * from the end of its probe until ethdev destroys it.
 *
 * Each request names the port (id and ethdev name); each reply fits one
 * message (RTE_MP_MAX_PARAM_LEN): the queue counters come a few queues per
 * request.
 */

#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_mempool.h>

/** The action name both sides use. */
#define VIRTNET_MP_ACTION	"net_virtnet_mp"

/** What a request asks. */
enum virtnet_mp_op {
	VIRTNET_MP_INFO = 1,	/**< the port's dev_info, as at probe */
	VIRTNET_MP_STATS_GET,	/**< totals and queues arg.. of the counters */
	VIRTNET_MP_STATS_RESET,
	VIRTNET_MP_RX_BURST_MODE,	/**< the Rx path's name */
	VIRTNET_MP_TX_BURST_MODE,
	VIRTNET_MP_RXQ_INFO,	/**< Rx queue arg */
	VIRTNET_MP_TXQ_INFO,	/**< Tx queue arg */
	VIRTNET_MP_XSTATS_GET,	/**< xstat values from id arg (virtnet_xstats.h) */
};

/** A request. */
struct virtnet_mp_req {
	char name[RTE_ETH_NAME_MAX_LEN];	/**< the port's ethdev name */
	uint16_t port_id;
	uint16_t op;		/**< enum virtnet_mp_op */
	uint16_t arg;		/**< first queue, queue, or first xstat */
};

/** What the secondary's dev_infos_get reports: the primary's, at probe. */
struct virtnet_mp_info {
	uint64_t rx_offload_capa;
	uint64_t tx_offload_capa;
	uint64_t rx_queue_offload_capa;
	uint64_t tx_queue_offload_capa;
	uint64_t flow_type_rss_offloads;
	uint64_t dev_capa;
	uint32_t min_rx_bufsize;
	uint32_t max_rx_pktlen;
	uint32_t max_lro_pkt_size;
	uint32_t max_mac_addrs;
	uint32_t speed_capa;
	uint16_t min_mtu;
	uint16_t max_mtu;
	uint16_t max_rx_queues;
	uint16_t max_tx_queues;
	uint16_t reta_size;
	uint8_t hash_key_size;
	struct rte_eth_desc_lim rx_desc_lim;
	struct rte_eth_desc_lim tx_desc_lim;
	struct rte_eth_dev_portconf default_rxportconf;
	struct rte_eth_dev_portconf default_txportconf;
};

/** Counters of one queue pair (per-queue fields of struct rte_eth_stats). */
struct virtnet_mp_qstats {
	uint64_t ipackets;
	uint64_t ibytes;
	uint64_t errors;
	uint64_t opackets;
	uint64_t obytes;
};

/** Queues per STATS_GET reply. */
#define VIRTNET_MP_STATS_QUEUES	4

/** A STATS_GET reply: the totals, and queues first..first + count - 1. */
struct virtnet_mp_stats {
	uint64_t ipackets;
	uint64_t opackets;
	uint64_t ibytes;
	uint64_t obytes;
	uint64_t ierrors;
	uint64_t oerrors;
	uint16_t nb_queues;	/**< queues with counters, <= 16 */
	uint16_t first;
	uint16_t count;
	struct virtnet_mp_qstats q[VIRTNET_MP_STATS_QUEUES];
};

/** An RXQ_INFO / TXQ_INFO reply. */
struct virtnet_mp_qinfo {
	char pool[RTE_MEMPOOL_NAMESIZE];	/**< Rx: mempool name */
	uint16_t nb_desc;
	uint16_t rx_buf_size;
	uint8_t scattered_rx;
};

/** xstat values per XSTATS_GET reply. */
#define VIRTNET_MP_XSTATS_VALUES	28

/** An XSTATS_GET reply: values of xstats first..first + count - 1. */
struct virtnet_mp_xstats {
	uint32_t total;		/**< the port's xstats, as the primary counts */
	uint16_t first;
	uint16_t count;
	uint64_t values[VIRTNET_MP_XSTATS_VALUES];
};

/** Longest burst mode name carried. */
#define VIRTNET_MP_MODE_LEN	64

/** A reply. */
struct virtnet_mp_reply {
	int32_t status;		/**< 0, or a negative errno */
	union {
		struct virtnet_mp_info info;
		struct virtnet_mp_stats stats;
		struct virtnet_mp_qinfo qinfo;
		struct virtnet_mp_xstats xstats;
		char mode[VIRTNET_MP_MODE_LEN];
	};
};

/**
 * Primary: answer secondaries (registered once; later calls do nothing).
 * Without a multi-process channel (--in-memory, --no-shconf) there is no
 * secondary to answer: a log line says so.
 */
void virtnet_mp_primary_init(void);

/**
 * Primary: serve port @p dev, which just finished probing, until ethdev
 * destroys it. On failure (logged) the port works, secondaries get
 * -ENODEV.
 */
void virtnet_mp_port_add(struct rte_eth_dev *dev);

/**
 * Secondary: ask the primary about port @p dev (attached, or being).
 * @return the reply's status (0 or a negative errno, the reply filled);
 *   -EIO when the primary did not answer (logged).
 */
int virtnet_mp_request(const struct rte_eth_dev *dev, enum virtnet_mp_op op,
		uint16_t arg, struct virtnet_mp_reply *reply);

#endif /* VIRTNET_MP_H */
