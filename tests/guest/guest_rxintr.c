/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_epoll.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "guest_rxintr.h"
#include "test_pkt.h"

#define RX_PORT		1
#define PER_BURST	8
#define GAP_MS		200
#define AFTER_RESTART	3	/* bursts after a port stop and start */

static struct rte_mempool *pool;
static uint32_t nb_bursts;
static volatile uint64_t sent_tsc;	/* when the last burst went */
static volatile uint32_t go;		/* bursts lcore 1 may send */

static double
thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
send_burst(uint32_t seq)
{
	struct rte_mbuf *m[PER_BURST];
	uint16_t k, sent = 0;

	for (k = 0; k < PER_BURST; k++)
		m[k] = test_frame(pool, 64, seq * PER_BURST + k, 1);
	sent_tsc = rte_rdtsc();
	while (sent < PER_BURST)
		sent += rte_eth_tx_burst(0, 0, m + sent, PER_BURST - sent);
}

/* Lcore 1: a burst each time the main thread raises go, GAP_MS apart. */
static int
sender(void *arg __rte_unused)
{
	uint32_t i;

	for (i = 0; i < nb_bursts + 1 + AFTER_RESTART; i++) {
		while (__atomic_load_n(&go, __ATOMIC_ACQUIRE) <= i)
			rte_pause();
		rte_delay_ms(GAP_MS);
		send_burst(i);
	}
	return 0;
}

/* Bursts @first.. wake the thread, one wake each; adds to the counts. */
static void
wake_bursts(uint32_t first, uint32_t n, uint64_t *lat, uint32_t *wakes,
		uint32_t *frames);

/* Frames on port 1 within @ms, up to @want. */
static uint32_t
take(uint32_t want, unsigned int ms)
{
	uint64_t end = rte_get_timer_cycles() + ms * rte_get_timer_hz() / 1000;
	struct rte_mbuf *m[32];
	uint32_t got = 0;
	uint16_t n;

	do {
		n = rte_eth_rx_burst(RX_PORT, 0, m, RTE_DIM(m));
		rte_pktmbuf_free_bulk(m, n);
		got += n;
	} while (got < want && rte_get_timer_cycles() < end);
	return got;
}

static int
rx_port_up(void)
{
	struct rte_eth_conf conf = { 0 };
	int ret;

	/* LSC too: its config interrupt shares VFIO's MSI-X enable. */
	conf.intr_conf.rxq = 1;
	conf.intr_conf.lsc = 1;
	rte_eth_dev_stop(RX_PORT);
	ret = rte_eth_dev_configure(RX_PORT, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(RX_PORT, 0, 256, 0, NULL, pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(RX_PORT, 0, 256, 0, NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(RX_PORT);
	if (ret == 0)
		ret = rte_eth_dev_rx_intr_ctl_q(RX_PORT, 0, RTE_EPOLL_PER_THREAD,
			RTE_INTR_EVENT_ADD, NULL);
	printf("VNT rxintr port 1 with intr_conf.rxq: %s\n",
		ret == 0 ? "up, queue 0 in the epoll set" : rte_strerror(-ret));
	return ret;
}

static void
wake_bursts(uint32_t first, uint32_t n, uint64_t *lat, uint32_t *wakes,
		uint32_t *frames)
{
	struct rte_epoll_event ev[1];
	uint32_t i;
	int r;

	for (i = 0; i < n; i++) {
		rte_eth_dev_rx_intr_enable(RX_PORT, 0);
		__atomic_store_n(&go, first + i + 1, __ATOMIC_RELEASE);
		r = rte_epoll_wait(RTE_EPOLL_PER_THREAD, ev, 1, 5000);
		lat[i] = rte_rdtsc() - sent_tsc;
		rte_eth_dev_rx_intr_disable(RX_PORT, 0);
		if (r <= 0) {
			printf("VNT rxintr burst %u: no wake (%d)\n", first + i, r);
			lat[i] = UINT64_MAX / 2;
			continue;
		}
		(*wakes)++;
		*frames += take(PER_BURST, 1000);
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
guest_rxintr_run(struct rte_mempool *mp, uint32_t bursts)
{
	struct rte_epoll_event ev[1];
	uint64_t lat[64], lat2[AFTER_RESTART], hz = rte_get_timer_hz();
	uint32_t wakes = 0, frames = 0, wakes2 = 0, frames2 = 0, race;
	double cpu;
	bool ok = true;
	int n;

	pool = mp;
	nb_bursts = RTE_MIN(bursts, RTE_DIM(lat));
	if (rx_port_up() != 0)
		return -1;
	take(UINT32_MAX, 100);

	/* Idle: asleep for a second, no frame, (almost) no CPU. */
	cpu = thread_cpu_ms();
	rte_eth_dev_rx_intr_enable(RX_PORT, 0);
	n = rte_epoll_wait(RTE_EPOLL_PER_THREAD, ev, 1, 1000);
	cpu = thread_cpu_ms() - cpu;
	printf("VNT rxintr idle: epoll_wait %d after 1000 ms, CPU %.2f ms\n",
		n, cpu);
	ok &= n == 0 && cpu < 50;

	rte_eal_remote_launch(sender, NULL, 1);
	wake_bursts(0, nb_bursts, lat, &wakes, &frames);
	/* The race: a burst while interrupts are off wakes at enable. */
	__atomic_store_n(&go, nb_bursts + 1, __ATOMIC_RELEASE);
	rte_delay_ms(GAP_MS + 300);
	rte_eth_dev_rx_intr_enable(RX_PORT, 0);
	n = rte_epoll_wait(RTE_EPOLL_PER_THREAD, ev, 1, 100);
	rte_eth_dev_rx_intr_disable(RX_PORT, 0);
	race = take(PER_BURST, 1000);
	/* A stop and start keep the vectors and the epoll set working. */
	ok &= rte_eth_dev_stop(RX_PORT) == 0 && rte_eth_dev_start(RX_PORT) == 0;
	take(UINT32_MAX, 100);
	wake_bursts(nb_bursts + 1, AFTER_RESTART, lat2, &wakes2, &frames2);
	printf("VNT rxintr after a port stop and start: wakes %u for %u bursts, %u of %u frames\n",
		wakes2, AFTER_RESTART, frames2, AFTER_RESTART * PER_BURST);
	ok &= wakes2 == AFTER_RESTART && frames2 == AFTER_RESTART * PER_BURST;
	rte_eal_wait_lcore(1);
	qsort(lat, nb_bursts, sizeof(lat[0]), cmp_u64);
	printf("VNT rxintr wakes %u for %u bursts, %u of %u frames; wake after send: median %.0f us, max %.0f us\n",
		wakes, nb_bursts, frames, nb_bursts * PER_BURST,
		lat[nb_bursts / 2] * 1e6 / hz, lat[nb_bursts - 1] * 1e6 / hz);
	printf("VNT rxintr race: a burst that came while off: epoll_wait %d at enable, %u frames\n",
		n, race);
	ok &= wakes == nb_bursts && frames == nb_bursts * PER_BURST &&
		n == 1 && race == PER_BURST;
	rte_eth_dev_rx_intr_ctl_q(RX_PORT, 0, RTE_EPOLL_PER_THREAD,
		RTE_INTR_EVENT_DEL, NULL);
	return ok ? 0 : -1;
}
