/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_GUEST_RXINTR_H
#define VIRTNET_GUEST_RXINTR_H

#include <stdint.h>

#include <rte_mempool.h>

/*
 * The Rx interrupt test of the guest app (mode "rxintr"): port 1 with
 * intr_conf.rxq (vfio-pci: an MSI-X vector per Rx queue), its queue 0's
 * eventfd added to this thread's epoll set. Idle, the thread sleeps in
 * rte_epoll_wait() for a second using (almost) no CPU; then lcore 1 sends
 * @bursts bursts of 8 frames from port 0, 200 ms apart, and each must wake
 * the thread, which takes the frames and sleeps again; a burst that came
 * while interrupts were off wakes the thread at enable (the race); after a
 * port stop and start (LSC on: the config interrupt shares VFIO's MSI-X
 * enable) three more bursts wake it the same way. Prints
 * "VNT rxintr" lines with the CPU used and the wake latency.
 * @return 0 when all went as described.
 */
int guest_rxintr_run(struct rte_mempool *mp, uint32_t bursts);

#endif /* VIRTNET_GUEST_RXINTR_H */
