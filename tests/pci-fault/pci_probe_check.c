/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Probe one PCI function (a file-backed one from mkdev.py) and report:
 *   VNT ports N
 * With no port: probe it again 10 times and report the DPDK heap in use
 * before and after (every failed probe must give back what it took):
 *   VNT reprobe fails 10 heap-delta B allocs-delta N
 * With a port: configure, start, send a burst, stop, close; a step the
 * device refuses is reported, and the port is closed all the same:
 *   VNT max-queues N [VNT refused setup|start]
 *   VNT control ok | VNT control FAIL <what>
 * With "stuck" after the BDF, the device's reset never completes while
 * the port stops (audit F4; virtnet's test hook VIRTNET_TEST_PCI_RESET),
 * and the mbufs it may still write must stay out of the pool:
 *   VNT stuck held H stop-kept K start-stuck R start-after S held-end E
 * and with "stuck-close" the port is closed on the stuck device too, and
 * the device probed again once it is not:
 *   VNT stuck-close held H after-close K ports P
 *   VNT reprobed start R held-end E
 *
 * Usage: pci_probe_check <EAL args> -- BDF [stuck|stuck-close]
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#define NB_MBUF	1023

static void
heap_used(size_t *bytes, unsigned int *allocs)
{
	struct rte_malloc_socket_stats s;
	unsigned int i;

	*bytes = 0;
	*allocs = 0;
	for (i = 0; i < RTE_MAX_NUMA_NODES; i++) {
		if (rte_malloc_get_socket_stats(i, &s) != 0)
			continue;
		*bytes += s.heap_allocsz_bytes;
		*allocs += s.alloc_count;
	}
}

static void
reprobe(const char *bdf)
{
	size_t b0, b1;
	unsigned int a0, a1, fails = 0;
	int i;

	heap_used(&b0, &a0);
	for (i = 0; i < 10; i++)
		if (rte_dev_probe(bdf) < 0)
			fails++;
	heap_used(&b1, &a1);
	printf("VNT reprobe fails %u heap-delta %zd allocs-delta %d\n", fails,
		(ssize_t)(b1 - b0), (int)(a1 - a0));
}

/* Eight 64 B frames to the device, which never takes them. */
static int
send8(uint16_t port, struct rte_mempool *mp)
{
	struct rte_mbuf *m[8];
	uint16_t i, n;

	if (rte_pktmbuf_alloc_bulk(mp, m, 8) != 0)
		return -1;
	for (i = 0; i < 8; i++)
		rte_pktmbuf_append(m[i], 64);
	n = rte_eth_tx_burst(port, 0, m, 8);
	for (i = n; i < 8; i++)
		rte_pktmbuf_free(m[i]);
	return 0;
}

/*
 * Configure, start, send a burst, stop, close. A step the device makes
 * fail is reported ("VNT refused <step>") and the port is still closed;
 * every mbuf must be back in the pool at the end.
 */
static const char *
control(uint16_t port)
{
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	struct rte_eth_conf conf;
	struct rte_mempool *mp;
	struct rte_mbuf *m[8];
	const char *err = NULL;

	/* Whatever the device's config says, the port's MAC is usable. */
	if (rte_eth_macaddr_get(port, &mac) != 0 ||
	    !rte_is_valid_assigned_ether_addr(&mac))
		return "MAC zero or multicast";
	if (rte_eth_dev_info_get(port, &info) != 0)
		return "dev_info";
	printf("VNT max-queues %u\n", info.max_rx_queues);
	memset(&conf, 0, sizeof(conf));
	mp = rte_pktmbuf_pool_create("ctl", NB_MBUF, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL)
		return "mempool";
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 256, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 256, 0, NULL) != 0) {
		printf("VNT refused setup\n");
		goto close;
	}
	if (rte_eth_dev_start(port) != 0) {
		printf("VNT refused start\n");
		goto close;
	}
	if (send8(port, mp) != 0) {
		err = "alloc";
		goto close;
	}
	/* Nobody consumes: nothing may come back. */
	if (rte_eth_rx_burst(port, 0, m, 8) != 0)
		err = "rx from an idle device";
	if (rte_eth_dev_stop(port) != 0)
		err = "stop";
close:
	if (rte_eth_dev_close(port) != 0)
		err = "close";
	if (err == NULL && rte_mempool_avail_count(mp) != NB_MBUF)
		err = "mbufs held after close";
	rte_mempool_free(mp);
	return err;
}

/* Started port @p port, with 8 frames the device never takes. */
static struct rte_mempool *
stuck_setup(uint16_t port, const char *pool)
{
	struct rte_eth_conf conf;
	struct rte_mempool *mp;

	memset(&conf, 0, sizeof(conf));
	mp = rte_pktmbuf_pool_create(pool, NB_MBUF, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL || rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 256, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 256, 0, NULL) != 0 ||
	    rte_eth_dev_start(port) != 0 || send8(port, mp) != 0)
		return NULL;
	return mp;
}

static unsigned int
held(struct rte_mempool *mp)
{
	return NB_MBUF - rte_mempool_avail_count(mp);
}

/*
 * virtnet's test hook: while the file VIRTNET_TEST_PCI_RESET names
 * exists, the device's reset does not complete.
 */
static void
reset_stuck(bool on)
{
	const char *f = getenv("VIRTNET_TEST_PCI_RESET");
	FILE *fp;

	if (f == NULL)
		return;
	if (!on) {
		unlink(f);
		return;
	}
	fp = fopen(f, "w");
	if (fp != NULL)
		fclose(fp);
}

/*
 * After a close on a stuck device: the same function probed again gets
 * the same port id, and must start although the memory left to the old
 * port keeps its names. Returns the start's result; *@p end the mbufs
 * of the new pool held after its stop and close.
 */
static int
stuck_reprobe(const char *bdf, struct rte_device *dev, unsigned int *end)
{
	struct rte_mempool *mp;
	uint16_t port;
	int r = -1;

	if (rte_dev_remove(dev) != 0 || rte_dev_probe(bdf) != 0 ||
	    rte_eth_dev_count_avail() != 1)
		return -2;
	port = rte_eth_find_next(0);
	mp = stuck_setup(port, "again");
	if (mp != NULL)
		r = 0;
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	*end = mp != NULL ? held(mp) : NB_MBUF;
	rte_mempool_free(mp);
	return r;
}

/*
 * Stop on a device whose reset does not complete: the buffers stay out;
 * a start fails while it is stuck, works once it is not, and at the end
 * every buffer is back. With @p close_stuck, close while still stuck,
 * then probe the device again.
 */
static void
stuck(const char *bdf, uint16_t port, bool close_stuck)
{
	struct rte_mempool *mp = stuck_setup(port, "stuck");
	struct rte_eth_dev_info info;
	unsigned int h, kept, end = 0;
	int r, s = 1;

	if (mp == NULL || rte_eth_dev_info_get(port, &info) != 0) {
		printf("VNT stuck setup failed\n");
		return;
	}
	h = held(mp);
	reset_stuck(true);
	rte_eth_dev_stop(port);
	kept = held(mp);
	if (close_stuck) {
		rte_eth_dev_close(port);
		printf("VNT stuck-close held %u after-close %u ports %u\n", h,
			held(mp), rte_eth_dev_count_avail());
		reset_stuck(false);
		r = stuck_reprobe(bdf, info.device, &end);
		printf("VNT reprobed start %d held-end %u\n", r, end);
		return;
	}
	r = rte_eth_dev_start(port);
	reset_stuck(false);
	if (r != 0)
		s = rte_eth_dev_start(port);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	printf("VNT stuck held %u stop-kept %u start-stuck %d start-after %d held-end %u\n",
		h, kept, r, s, held(mp));
	rte_mempool_free(mp);
}

int
main(int argc, char **argv)
{
	const char *err;
	uint16_t port;
	int n;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		printf("VNT eal init failed\n");
		return 1;
	}
	if (argc - n < 2) {
		printf("usage: %s <EAL args> -- BDF\n", argv[0]);
		rte_eal_cleanup();
		return 1;
	}
	printf("VNT ports %u\n", rte_eth_dev_count_avail());
	if (rte_eth_dev_count_avail() == 0) {
		reprobe(argv[n + 1]);
	} else if (argc - n > 2) {
		stuck(argv[n + 1], rte_eth_find_next(0),
			strcmp(argv[n + 2], "stuck") != 0);
	} else {
		RTE_ETH_FOREACH_DEV(port) {
			err = control(port);
			printf("VNT control %s%s\n", err ? "FAIL " : "ok",
				err ? err : "");
		}
	}
	fflush(stdout);
	rte_eal_cleanup();
	return 0;
}
