/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * What a virtio driver costs, in one thread: a virtio-user port and an
 * in-process vhost port (net_vhost) in lock step, each burst timed with
 * the TSC on its own. Tx: the driver's tx_burst, then the device's
 * dequeue (vhost rx_burst); Rx: the device's enqueue (vhost tx_burst),
 * then the driver's rx_burst. Prints cycles per packet of each side, so
 * a driver is judged by what it costs the device too. Cross-core noise
 * does not enter: nothing runs concurrently.
 *
 * Usage: virtnet_cost <EAL args> -- DRIVER DEVARGS [ITERATIONS]
 *   DRIVER: net_virtnet_user or net_virtio_user (load virtnet with -d)
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define BURST		32
#define NB_MBUF		8192
#define PKT_LEN		64

struct side {
	uint64_t cycles;
	uint64_t pkts;
};

static struct rte_mempool *mp;

static int
port_up(uint16_t port)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 256, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 256, 0, NULL) != 0 ||
	    rte_eth_dev_start(port) != 0)
		return -1;
	return 0;
}

static unsigned int
alloc_pkts(struct rte_mbuf **m)
{
	unsigned int i;

	if (rte_pktmbuf_alloc_bulk(mp, m, BURST) != 0)
		return 0;
	for (i = 0; i < BURST; i++) {
		memset(rte_pktmbuf_append(m[i], PKT_LEN), 0x5a, PKT_LEN);
		memset(rte_pktmbuf_mtod(m[i], char *), 0xff, 6);
	}
	return BURST;
}

/* One timed burst; unsent mbufs are freed. */
static void
timed_tx(uint16_t port, struct rte_mbuf **m, unsigned int n, struct side *s)
{
	uint64_t t0 = rte_rdtsc_precise();
	uint16_t sent = rte_eth_tx_burst(port, 0, m, n);

	s->cycles += rte_rdtsc_precise() - t0;
	s->pkts += sent;
	if (sent < n)
		rte_pktmbuf_free_bulk(m + sent, n - sent);
}

static void
timed_rx(uint16_t port, struct side *s)
{
	struct rte_mbuf *m[BURST];
	uint64_t t0 = rte_rdtsc_precise();
	uint16_t n = rte_eth_rx_burst(port, 0, m, BURST);

	s->cycles += rte_rdtsc_precise() - t0;
	s->pkts += n;
	rte_pktmbuf_free_bulk(m, n);
}

static void
run(uint16_t drv, uint16_t dev, unsigned long iters, struct side s[4])
{
	struct rte_mbuf *m[BURST];
	unsigned long i;

	for (i = 0; i < iters; i++) {
		timed_tx(drv, m, alloc_pkts(m), &s[0]);	/* driver Tx */
		timed_rx(dev, &s[1]);			/* device dequeue */
		timed_tx(dev, m, alloc_pkts(m), &s[2]);	/* device enqueue */
		timed_rx(drv, &s[3]);			/* driver Rx */
	}
}

static double
cpp(const struct side *s)
{
	return s->pkts ? (double)s->cycles / s->pkts : 0;
}

int
main(int argc, char **argv)
{
	struct side warm[4], s[4];
	char sock[64], args[512], name[32];
	unsigned long iters;
	uint16_t drv, dev;
	int n;

	n = rte_eal_init(argc, argv);
	if (n < 0 || argc - n < 3) {
		fprintf(stderr, "usage: %s <EAL> -- DRIVER DEVARGS [ITERATIONS]\n",
			argv[0]);
		return 1;
	}
	argv += n;
	iters = argc - n > 3 ? strtoul(argv[3], NULL, 0) : 200000;
	snprintf(sock, sizeof(sock), "/tmp/virtnet-cost-%d.sock", (int)getpid());
	mp = rte_pktmbuf_pool_create("cost", NB_MBUF, 256, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	snprintf(args, sizeof(args), "iface=%s,queues=1", sock);
	if (mp == NULL || rte_vdev_init("net_vhost0", args) != 0 ||
	    rte_eth_dev_get_port_by_name("net_vhost0", &dev) != 0 ||
	    port_up(dev) != 0)
		return 1;
	snprintf(args, sizeof(args), "path=%s,%s", sock, argv[2]);
	snprintf(name, sizeof(name), "%s0", argv[1]);
	if (rte_vdev_init(name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(name, &drv) != 0 ||
	    port_up(drv) != 0)
		return 1;
	rte_delay_ms(500);
	memset(warm, 0, sizeof(warm));
	run(drv, dev, iters / 10, warm);
	memset(s, 0, sizeof(s));
	run(drv, dev, iters, s);
	printf("COST %s %s: driver tx %.1f device deq %.1f | device enq %.1f driver rx %.1f cycles/pkt (%" PRIu64 " tx, %" PRIu64 " rx pkts)\n",
		argv[1], argv[2], cpp(&s[0]), cpp(&s[1]), cpp(&s[2]), cpp(&s[3]),
		s[0].pkts, s[3].pkts);
	rte_eth_dev_stop(drv);
	rte_eth_dev_close(drv);
	rte_eth_dev_stop(dev);
	rte_eth_dev_close(dev);
	unlink(sock);
	rte_eal_cleanup();
	return 0;
}
