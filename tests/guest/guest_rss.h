/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_GUEST_RSS_H
#define VIRTNET_GUEST_RSS_H

#include <stdint.h>

#include <rte_mempool.h>

/*
 * The RSS test of the guest app (mode "rss"), on two ports with two
 * queue pairs on multi-queue taps, the device with rss=on,hash=on: port 1
 * is configured for RSS over UDP/IPv4 with hash reports, port 0 sends
 * @count UDP flows (one source port each) per step, and port 1 must get
 * every frame on the queue its table names for the frame's hash, that
 * hash in the mbuf and equal to the Toeplitz hash of the frame computed
 * here from the port's key. Steps: the default key and table (both
 * queues used); a table naming queue 1 only; a new key and the table
 * spread again; frames without IP (no hash, the unclassified queue 0);
 * a restart that keeps the table. Then per-queue control: Rx queue 1
 * stopped (nothing on it, its buffers back in the pool, queue 0 runs on)
 * and started, Tx queue 1 of port 0 stopped and started, Rx queue 1 set
 * up deferred. Prints "VNT rss" and "VNT qctl" lines.
 * @return 0 when every step went as expected.
 */
int guest_rss_run(struct rte_mempool *mp, uint32_t count);

#endif /* VIRTNET_GUEST_RSS_H */
