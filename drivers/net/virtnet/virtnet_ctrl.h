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
 * command and its ack are DMA memory, and none at all where the
 * transport answers commands itself (virtio-user).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "virtnet_ring.h"
#include "virtnet_transport.h"

/** Largest command payload (class and command excluded). */
#define VIRTNET_CTRL_MAX_DATA	1024
/** Most parts a payload may come in (virtnet_ctrl_sendv()). */
#define VIRTNET_CTRL_MAX_SEGS	4

/** One part of a command's payload. */
struct virtnet_ctrl_seg {
	const void *data;
	uint16_t len;
};

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

/**
 * Free the queue's process memory only: its ring and command stay with a
 * device that never finished its reset (they are never reused).
 */
void virtnet_ctrl_abandon(struct virtnet_ctrl *c);

/** Count every send into @p stats from now on (NULL: count nothing). */
void virtnet_ctrl_count_into(struct virtnet_ctrl *c,
		struct virtnet_ctrl_stats *stats);

/**
 * Send one command whose payload comes in @p n parts and wait for the
 * device's answer. The device reads the class and command in a
 * descriptor of their own, then each non-empty part in its own, then
 * writes the ack in the last: the layout legacy devices without
 * VIRTIO_F_ANY_LAYOUT expect (MAC_TABLE_SET: one part per table).
 * @return 0 on VIRTIO_NET_OK; -ENOTSUP when @p c is NULL (no queue);
 *   -EIO on a NACK or a broken queue;
 *   -ETIMEDOUT when no answer came (the queue is then given up);
 *   -EINVAL for more than VIRTNET_CTRL_MAX_SEGS parts or more than
 *   VIRTNET_CTRL_MAX_DATA bytes in all.
 */
int virtnet_ctrl_sendv(struct virtnet_ctrl *c, uint8_t cls, uint8_t cmd,
		const struct virtnet_ctrl_seg *segs, unsigned int n);

/** virtnet_ctrl_sendv() with a payload in one part (none if @p len 0). */
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

/**
 * VIRTIO_NET_CTRL_RX: Rx mode @p cmd (VIRTIO_NET_CTRL_RX_PROMISC,
 * _ALLMULTI; _ALLUNI, _NOMULTI, _NOUNI, _NOBCAST with CTRL_RX_EXTRA)
 * on or off. -EINVAL for another @p cmd.
 */
int virtnet_ctrl_rx_mode(struct virtnet_ctrl *c, uint8_t cmd, bool on);

/**
 * VIRTIO_NET_CTRL_MAC_ADDR_SET (CTRL_MAC_ADDR): the device's own address
 * becomes @p mac.
 */
int virtnet_ctrl_mac_addr_set(struct virtnet_ctrl *c,
		const struct rte_ether_addr *mac);

/**
 * VIRTIO_NET_CTRL_MAC_TABLE_SET (CTRL_RX): the device receives, besides
 * its own address, the @p nb_uc unicast addresses @p uc and the @p nb_mc
 * multicast addresses @p mc (both tables replaced). -EINVAL when the two
 * tables do not fit in VIRTNET_CTRL_MAX_DATA (at most 169 addresses).
 */
int virtnet_ctrl_mac_table_set(struct virtnet_ctrl *c,
		const struct rte_ether_addr *uc, uint32_t nb_uc,
		const struct rte_ether_addr *mc, uint32_t nb_mc);

/**
 * VIRTIO_NET_CTRL_VLAN_ADD or _DEL (CTRL_VLAN): tagged frames of VLAN
 * @p vid (0..4095, else -EINVAL) are received or not.
 */
int virtnet_ctrl_vlan(struct virtnet_ctrl *c, uint16_t vid, bool add);

/**
 * VIRTIO_NET_CTRL_NOTF_COAL_RX_SET (@p rx) or _TX_SET (NOTF_COAL): the
 * device notifies used buffers of every Rx (Tx) queue once @p usecs have
 * passed or @p frames are used, whichever comes first; 0 and 0 (or 1
 * frame) notify at once.
 */
int virtnet_ctrl_notf_coal(struct virtnet_ctrl *c, bool rx, uint32_t usecs,
		uint32_t frames);

#endif /* VIRTNET_CTRL_H */
