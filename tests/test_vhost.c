/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * virtnet against a real vhost-user device: DPDK's vhost library (the
 * net_vhost PMD) in this process, virtnet loaded as a plugin with -d.
 * Every packet is compared byte for byte on the other side; counters,
 * stats and mempool levels are checked after stop and close.
 *
 * Usage: test_vhost <EAL args> -- [--huge]
 */

#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_bus_vdev.h>
#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_vhost.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_net.h>
#include <rte_power_intrinsics.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <rte_vect.h>
#include <rte_vhost.h>

#include "test_common.h"
#include "test_pkt.h"

TEST_GLOBALS;

#define NB_MBUF		8191
#define MBUF_SIZE	RTE_MBUF_DEFAULT_BUF_SIZE
#define MBUF_ROOM	(MBUF_SIZE - RTE_PKTMBUF_HEADROOM)
#define VN_NAME		"net_virtnet_user0"
#define VH_NAME		"net_vhost0"
#define BURST		32
/* Multicast addresses virtnet's set_mc_addr_list takes. */
#define VIRTNET_TEST_MC	64
/* More segments than an indirect table of the driver holds. */
#define VIRTNET_TEST_DIRECT_SEGS	20

static char sock_path[108];
static bool huge_mode;
static struct rte_mempool *vh_mp, *vn_mp, *tx_mp;
static uint16_t vh_port = UINT16_MAX, vn_port = UINT16_MAX;
/* net_vhost runs as a client (of virtnet in server mode). */
static bool vh_client;
static unsigned int lsc_events;
/* Devargs choosing the ring layout under test ("" or "packed_vq=1"). */
static const char *layout_args = "";
/* The Rx path that layout must select, without " mergeable". */
static const char *layout_path = "split";
/* The Tx path it must select. */
static const char *layout_tx = "split";
/* Devargs every virtnet probe adds (the vector pass). */
static const char *vn_extra = "";

static uint64_t
ms_to_cycles(unsigned int ms)
{
	return rte_get_timer_hz() * ms / 1000;
}

static bool
wait_link(uint16_t port, bool up, unsigned int ms)
{
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(ms);
	struct rte_eth_link l;

	do {
		if (rte_eth_link_get_nowait(port, &l) == 0 &&
		    (l.link_status == RTE_ETH_LINK_UP) == up)
			return true;
		rte_delay_ms(1);
	} while (rte_get_timer_cycles() < end);
	return false;
}

/* One queue pair of @nb_desc descriptors (0: the PMD's default), started. */
static int
port_setup_ring(uint16_t port, struct rte_mempool *mp, bool lsc,
		uint16_t nb_desc)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.lsc = lsc;
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, nb_desc, 0, NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, nb_desc, 0, NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	return ret;
}

static int
port_setup(uint16_t port, struct rte_mempool *mp, bool lsc)
{
	return port_setup_ring(port, mp, lsc, 256);
}

/* Counts the events it is registered for into *arg. */
static int
count_cb(uint16_t port __rte_unused, enum rte_eth_event_type ev __rte_unused,
		void *arg, void *ret __rte_unused)
{
	__atomic_fetch_add((unsigned int *)arg, 1, __ATOMIC_RELEASE);
	return 0;
}

static int
vh_up(void)
{
	char args[160];

	snprintf(args, sizeof(args), "iface=%s,queues=1", sock_path);
	if (rte_vdev_init(VH_NAME, args) != 0 ||
	    rte_eth_dev_get_port_by_name(VH_NAME, &vh_port) != 0)
		return -1;
	return port_setup(vh_port, vh_mp, false);
}

static void
vh_down(void)
{
	if (vh_port == UINT16_MAX)
		return;
	rte_eth_dev_stop(vh_port);
	rte_eth_dev_close(vh_port);
	rte_vdev_uninit(VH_NAME);
	vh_port = UINT16_MAX;
	vh_client = false;
}

/* Probe virtnet with @extra devargs; returns rte_vdev_init's result. */
static int
vn_probe(const char *extra)
{
	char args[512];
	int ret;

	snprintf(args, sizeof(args), "path=%s%s%s%s%s%s%s", sock_path,
		layout_args[0] ? "," : "", layout_args,
		extra[0] ? "," : "", extra, vn_extra[0] ? "," : "", vn_extra);
	ret = rte_vdev_init(VN_NAME, args);
	if (ret == 0 && rte_eth_dev_get_port_by_name(VN_NAME, &vn_port) != 0)
		ret = -1;
	return ret;
}

static void
vn_down(void)
{
	if (vn_port == UINT16_MAX)
		return;
	rte_eth_dev_stop(vn_port);
	rte_vdev_uninit(VN_NAME);
	vn_port = UINT16_MAX;
}

static bool
pools_full(void)
{
	bool ok = true;

	if (rte_mempool_avail_count(vn_mp) != NB_MBUF) {
		printf("    virtnet rx pool: %u of %u\n",
			rte_mempool_avail_count(vn_mp), NB_MBUF);
		ok = false;
	}
	if (rte_mempool_avail_count(tx_mp) != NB_MBUF) {
		printf("    tx pool: %u of %u\n", rte_mempool_avail_count(tx_mp),
			NB_MBUF);
		ok = false;
	}
	return ok;
}

/* vhost and virtnet ports up, links up. */
static int
fx_up(const char *extra)
{
	lsc_events = 0;
	if (vh_up() != 0) {
		printf("    vhost port failed\n");
		return -1;
	}
	if (vn_probe(extra) != 0) {
		printf("    virtnet probe failed\n");
		return -1;
	}
	rte_eth_dev_callback_register(vn_port, RTE_ETH_EVENT_INTR_LSC, count_cb,
		&lsc_events);
	if (port_setup(vn_port, vn_mp, true) != 0) {
		printf("    virtnet port setup failed\n");
		return -1;
	}
	if (!wait_link(vn_port, true, 2000) || !wait_link(vh_port, true, 3000)) {
		printf("    links not up\n");
		return -1;
	}
	return 0;
}

static void
fx_down(void)
{
	if (vn_port != UINT16_MAX)
		rte_eth_dev_callback_unregister(vn_port, RTE_ETH_EVENT_INTR_LSC,
			count_cb, &lsc_events);
	/*
	 * A client-mode vhost port goes first: closing virtnet's socket
	 * under it makes DPDK 22.11's vhost redial from its event thread,
	 * racing the port's removal (a socket left open, or a crash in its
	 * reconnect list). virtnet copes with the back-end leaving.
	 */
	if (vh_client)
		vh_down();
	vn_down();
	vh_down();
	CHECK(pools_full(), "mbufs leaked");
}

struct flow_result {
	uint32_t sent;
	uint32_t received;
	uint32_t bad;
	uint64_t bytes;
	uint16_t max_segs;
};

/*
 * Send @n frames of @len (in @nsegs) from queue @q of @tx to queue @q of
 * @rx; check each.
 */
static struct flow_result
flow_q(uint16_t tx, uint16_t rx, uint16_t q, uint32_t n, uint32_t len,
		uint16_t nsegs, uint32_t seq0)
{
	struct flow_result r = { 0 };
	struct rte_mbuf *pkts[BURST], *in[BURST];
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(3000);
	uint32_t expect = seq0, seq;
	uint16_t i, k, got;

	while (r.received < n && rte_get_timer_cycles() < end) {
		k = RTE_MIN((uint32_t)BURST, n - r.sent);
		for (i = 0; i < k; i++) {
			pkts[i] = test_frame(tx_mp, len, seq0 + r.sent + i, nsegs);
			if (pkts[i] == NULL)
				break;	/* pool dry: send what there is */
		}
		k = i;
		if (k > 0) {
			uint16_t s = rte_eth_tx_burst(tx, q, pkts, k);

			for (i = s; i < k; i++)
				rte_pktmbuf_free(pkts[i]);
			r.sent += s;
		}
		got = rte_eth_rx_burst(rx, q, in, BURST);
		for (i = 0; i < got; i++) {
			if (!test_frame_ok(in[i], &seq) || seq != expect ||
			    in[i]->pkt_len != len)
				r.bad++;
			expect++;
			r.bytes += in[i]->pkt_len;
			r.max_segs = RTE_MAX(r.max_segs, in[i]->nb_segs);
			rte_pktmbuf_free(in[i]);
		}
		r.received += got;
	}
	return r;
}

static struct flow_result
flow(uint16_t tx, uint16_t rx, uint32_t n, uint32_t len, uint16_t nsegs,
		uint32_t seq0)
{
	return flow_q(tx, rx, 0, n, len, nsegs, seq0);
}

static void
check_flow(uint16_t tx, uint16_t rx, uint32_t n, uint32_t len, uint16_t nsegs)
{
	struct flow_result r = flow(tx, rx, n, len, nsegs, len * 1000);

	CHECK(r.sent == n && r.received == n && r.bad == 0 &&
		r.bytes == (uint64_t)n * len,
		"len %u segs %u: sent %u received %u bad %u bytes %" PRIu64,
		len, nsegs, r.sent, r.received, r.bad, r.bytes);
}

/* xstat @name of virtnet's port, by id (UINT64_MAX: none). */
static uint64_t
xs_get(const char *name)
{
	uint64_t id, v = UINT64_MAX;

	if (rte_eth_xstats_get_id_by_name(vn_port, name, &id) == 0)
		rte_eth_xstats_get_by_id(vn_port, &id, &v, 1);
	return v;
}

static const uint32_t sizes[] = {
	60, 64, 65, 127, 128, 255, 256, 511, 512, 1023, 1024, 1280, 1500, 1518,
};

static void
test_probe_and_link(void)
{
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;

	CHECK_GOTO(fx_up("mac=02:11:22:33:44:55") == 0, out, "setup");
	CHECK(rte_eth_dev_info_get(vn_port, &info) == 0, "dev_info");
	CHECK(strcmp(info.driver_name, VN_NAME) == 0 ||
		strcmp(info.driver_name, "net_virtnet_user") == 0,
		"driver %s", info.driver_name);
	CHECK(info.max_rx_queues >= 1 && info.max_mtu >= 1500, "limits");
	rte_eth_macaddr_get(vn_port, &mac);
	CHECK(memcmp(mac.addr_bytes, "\x02\x11\x22\x33\x44\x55", 6) == 0,
		"mac devarg not used");
	/* No receive filter without a control queue (nor with one). */
	CHECK(rte_eth_promiscuous_get(vn_port) == 1 &&
		rte_eth_promiscuous_enable(vn_port) == 0 &&
		rte_eth_promiscuous_disable(vn_port) == -ENOTSUP &&
		rte_eth_promiscuous_get(vn_port) == 1,
		"promiscuous: on, and cannot be turned off");
	CHECK(rte_eth_dev_set_mtu(vn_port, 9000) == 0, "mtu 9000");
	CHECK(rte_eth_dev_set_mtu(vn_port, 20000) != 0, "mtu 20000 accepted");
out:
	fx_down();
}

/* Frames of every size one way; virtnet's counters must match exactly. */
static void
sizes_one_way(bool virtnet_sends)
{
	uint64_t bytes = 0, pkts = 0, got_pkts, got_bytes, errs;
	struct rte_eth_stats st;
	uint16_t tx, rx;
	unsigned int i;

	CHECK_GOTO(fx_up("") == 0, out, "setup");
	tx = virtnet_sends ? vn_port : vh_port;
	rx = virtnet_sends ? vh_port : vn_port;
	rte_eth_stats_reset(vn_port);
	for (i = 0; i < RTE_DIM(sizes); i++) {
		check_flow(tx, rx, 300, sizes[i], 1);
		pkts += 300;
		bytes += 300ull * sizes[i];
	}
	rte_eth_stats_get(vn_port, &st);
	got_pkts = virtnet_sends ? st.opackets : st.ipackets;
	got_bytes = virtnet_sends ? st.obytes : st.ibytes;
	errs = st.oerrors + st.ierrors + st.rx_nombuf;
	CHECK(got_pkts == pkts && got_bytes == bytes && errs == 0,
		"stats packets %" PRIu64 "/%" PRIu64 " bytes %" PRIu64 "/%"
		PRIu64 " errors %" PRIu64, got_pkts, pkts, got_bytes, bytes, errs);
	CHECK((virtnet_sends ? st.q_opackets[0] : st.q_ipackets[0]) == pkts,
		"queue stats");
out:
	fx_down();
}

static void
test_tx_sizes(void)
{
	sizes_one_way(true);
}

static void
test_rx_sizes(void)
{
	sizes_one_way(false);
}

/* @p n 64 B frames (n <= BURST) out of @p port's queue 0; how many went. */
static uint16_t
send_n(uint16_t port, uint16_t n, uint32_t seq0)
{
	struct rte_mbuf *m[BURST];
	uint16_t i, s;

	for (i = 0; i < n; i++)
		m[i] = test_frame(tx_mp, 64, seq0 + i, 1);
	s = rte_eth_tx_burst(port, 0, m, n);
	if (s < n)
		rte_pktmbuf_free_bulk(m + s, n - s);
	return s;
}

/* Whether the monitor condition of Rx queue 0 says "wake". */
static bool
monitor_wakes(const struct rte_power_monitor_cond *pmc)
{
	uint64_t v = *(const volatile uint16_t *)pmc->addr;

	return pmc->fn(v, pmc->opaque) != 0;
}

/*
 * rx_queue_count, descriptor status and the power-monitor condition
 * against vhost: what the device wrote is counted and DONE, the rest of
 * what was posted AVAIL; the monitor wakes once a frame is in; Tx
 * buffers are FULL until vhost takes them.
 */
static void
test_queue_status(void)
{
	struct rte_mbuf *in[BURST];
	struct rte_power_monitor_cond pmc;
	struct rte_eth_rxq_info rqi;
	struct rte_eth_txq_info tqi;
	uint16_t i, n, got = 0, rs, ts;
	uint64_t end;

	CHECK_GOTO(fx_up("") == 0, out, "setup");
	CHECK_GOTO(rte_eth_rx_queue_info_get(vn_port, 0, &rqi) == 0 &&
		rte_eth_tx_queue_info_get(vn_port, 0, &tqi) == 0, out, "info");
	rs = rqi.nb_desc;
	ts = tqi.nb_desc;
	CHECK(rte_eth_rx_queue_count(vn_port, 0) == 0, "idle count %d",
		rte_eth_rx_queue_count(vn_port, 0));
	CHECK(rte_eth_rx_descriptor_status(vn_port, 0, 0) ==
		RTE_ETH_RX_DESC_AVAIL, "posted buffer not AVAIL");
	CHECK(rte_eth_rx_descriptor_status(vn_port, 0, rs) == -EINVAL,
		"offset past the ring");
	CHECK_GOTO(rte_eth_get_monitor_addr(vn_port, 0, &pmc) == 0, out,
		"no monitor address");
	CHECK(!monitor_wakes(&pmc), "monitor wakes on an idle ring");
	n = send_n(vh_port, 5, 0);
	CHECK(n == 5, "vhost sent %u of 5", n);
	CHECK(monitor_wakes(&pmc), "monitor sleeps through a frame");
	CHECK(rte_eth_rx_queue_count(vn_port, 0) == 5, "count %d, not 5",
		rte_eth_rx_queue_count(vn_port, 0));
	CHECK(rte_eth_rx_descriptor_status(vn_port, 0, 4) ==
		RTE_ETH_RX_DESC_DONE && rte_eth_rx_descriptor_status(vn_port,
		0, 5) == RTE_ETH_RX_DESC_AVAIL, "status around the 5th");
	got = rte_eth_rx_burst(vn_port, 0, in, 2);
	CHECK(got == 2 && rte_eth_rx_queue_count(vn_port, 0) == 3,
		"after taking %u: count %d", got,
		rte_eth_rx_queue_count(vn_port, 0));
	got += rte_eth_rx_burst(vn_port, 0, in + got, BURST - got);
	CHECK(got == 5 && rte_eth_rx_queue_count(vn_port, 0) == 0,
		"took %u, count %d", got, rte_eth_rx_queue_count(vn_port, 0));
	rte_pktmbuf_free_bulk(in, got);

	/* Tx: after the free ones, the oldest in flight come last. */
	n = send_n(vn_port, 8, 0);
	CHECK(n == 8, "sent %u of 8", n);
	CHECK(rte_eth_tx_descriptor_status(vn_port, 0, 0) ==
		RTE_ETH_TX_DESC_DONE, "a free slot is not DONE");
	CHECK(rte_eth_tx_descriptor_status(vn_port, 0, ts - 1) ==
		RTE_ETH_TX_DESC_FULL, "a frame vhost has not taken is not FULL");
	CHECK(rte_eth_tx_descriptor_status(vn_port, 0, ts) == -EINVAL,
		"offset past the ring");
	end = rte_get_timer_cycles() + ms_to_cycles(2000);
	for (got = 0; got < n && rte_get_timer_cycles() < end;) {
		i = rte_eth_rx_burst(vh_port, 0, in, BURST);
		rte_pktmbuf_free_bulk(in, i);
		got += i;
	}
	CHECK(got == n, "vhost took %u of %u", got, n);
	/* vhost marks packed buffers used only in large batches. */
	if (strstr(layout_args, "packed_vq=1") == NULL)
		CHECK(rte_eth_tx_descriptor_status(vn_port, 0, ts - 1) ==
			RTE_ETH_TX_DESC_DONE, "a frame vhost took is not DONE");
out:
	fx_down();
}

static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Events on this thread's epoll within @p ms. */
static int
rx_intr_wait(int ms)
{
	struct rte_epoll_event ev[4];

	return rte_epoll_wait(RTE_EPOLL_PER_THREAD, ev, RTE_DIM(ev), ms);
}

/*
 * Rx interrupts on virtio-user: the call eventfd of each Rx ring. Asleep
 * while idle, awake for a frame; a frame that came while interrupts were
 * off wakes the thread as soon as they are enabled (the race closed);
 * off again, frames raise nothing. Again after a restart (new eventfds).
 */
static void
test_rx_interrupts(void)
{
	struct rte_mbuf *in[BURST];
	struct rte_eth_conf conf;
	unsigned int round;
	uint64_t t0, cpu0, cpu1;
	uint16_t got;

	CHECK_GOTO(vh_up() == 0 && vn_probe("") == 0, out, "setup");
	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.rxq = 1;
	CHECK_GOTO(rte_eth_dev_configure(vn_port, 1, 1, &conf) == 0 &&
		rte_eth_rx_queue_setup(vn_port, 0, 256, 0, NULL, vn_mp) == 0 &&
		rte_eth_tx_queue_setup(vn_port, 0, 256, 0, NULL) == 0, out,
		"configure with intr_conf.rxq");
	for (round = 0; round < 2; round++) {
		CHECK_GOTO(rte_eth_dev_start(vn_port) == 0 &&
			wait_link(vh_port, true, 3000), out, "start %u", round);
		CHECK_GOTO(rte_eth_dev_rx_intr_ctl_q(vn_port, 0,
			RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, NULL) == 0,
			out, "rx_intr_ctl_q add");
		CHECK(rte_eth_dev_rx_intr_enable(vn_port, 0) == 0, "enable");
		t0 = rte_get_timer_cycles();
		cpu0 = thread_cpu_ns();
		CHECK(rx_intr_wait(200) == 0, "woken on an idle ring");
		cpu1 = thread_cpu_ns();
		CHECK(rte_get_timer_cycles() - t0 >= ms_to_cycles(150),
			"idle wait returned early");
		/* Asleep: next to no CPU for the 200 ms. */
		CHECK(cpu1 - cpu0 < 10 * 1000 * 1000,
			"idle wait used %" PRIu64 " us of CPU", (cpu1 - cpu0) / 1000);
		CHECK(send_n(vh_port, 3, 0) == 3, "vhost send");
		t0 = rte_get_timer_cycles();
		CHECK(rx_intr_wait(1000) == 1, "asleep through 3 frames");
		printf("    round %u: idle 200 ms took %" PRIu64 " us of CPU; epoll returned %" PRIu64 " us after the send (same thread)\n",
			round, (cpu1 - cpu0) / 1000,
			(rte_get_timer_cycles() - t0) * 1000000 / rte_get_timer_hz());
		CHECK(rte_eth_dev_rx_intr_disable(vn_port, 0) == 0, "disable");
		got = rte_eth_rx_burst(vn_port, 0, in, BURST);
		rte_pktmbuf_free_bulk(in, got);
		CHECK(got == 3, "took %u of 3", got);
		/* Interrupts off: a frame raises nothing... */
		CHECK(send_n(vh_port, 1, 3) == 1, "vhost send");
		CHECK(rx_intr_wait(100) == 0, "woken while disabled");
		/* ...and is not slept on once they are enabled. */
		CHECK(rte_eth_dev_rx_intr_enable(vn_port, 0) == 0, "enable");
		CHECK(rx_intr_wait(1000) == 1, "frame before enable slept on");
		CHECK(rte_eth_dev_rx_intr_disable(vn_port, 0) == 0, "disable");
		got = rte_eth_rx_burst(vn_port, 0, in, BURST);
		rte_pktmbuf_free_bulk(in, got);
		CHECK(got == 1, "took %u of 1", got);
		/* Not the ring's first signal: the device must be asked. */
		CHECK(rte_eth_dev_rx_intr_enable(vn_port, 0) == 0, "enable");
		CHECK(rx_intr_wait(100) == 0, "woken on an empty ring");
		CHECK(send_n(vh_port, 2, 4) == 2, "vhost send");
		CHECK(rx_intr_wait(1000) == 1, "asleep through 2 more frames");
		CHECK(rte_eth_dev_rx_intr_disable(vn_port, 0) == 0, "disable");
		got = rte_eth_rx_burst(vn_port, 0, in, BURST);
		rte_pktmbuf_free_bulk(in, got);
		CHECK(got == 2, "took %u of 2", got);
		rte_eth_dev_rx_intr_ctl_q(vn_port, 0, RTE_EPOLL_PER_THREAD,
			RTE_INTR_EVENT_DEL, NULL);
		CHECK(rte_eth_dev_stop(vn_port) == 0 && pools_full(), "stop");
		/* Stopped, the handle stays but names no eventfd. */
		CHECK(rte_eth_dev_rx_intr_ctl_q(vn_port, 0,
			RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, NULL) != 0,
			"a stopped port's queue added to epoll");
	}
out:
	fx_down();
}

static void
test_multiseg_tx(void)
{
	static const uint32_t lens[] = { 200, 1518, 2000, 4000, 8000, 9000 };
	unsigned int i;
	uint16_t segs;

	CHECK_GOTO(fx_up("") == 0, out, "setup");
	for (i = 0; i < RTE_DIM(lens); i++)
		for (segs = 2; segs <= 5; segs++)
			check_flow(vn_port, vh_port, 100, lens[i], segs);
out:
	fx_down();
}

/*
 * Indirect descriptors: 128 five-segment frames fit a ring of 255 or 256
 * slots in one burst only if each takes one slot. Frames of more
 * segments than a table holds go as direct chains.
 */
static void
test_indirect_tx(void)
{
	struct rte_mbuf *pkts[128], *in[BURST];
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(3000);
	uint32_t received = 0, bad = 0, seq;
	uint16_t i, sent, got;

	CHECK_GOTO(fx_up("") == 0, out, "setup");
	rte_eth_xstats_reset(vn_port);
	for (i = 0; i < RTE_DIM(pkts); i++)
		pkts[i] = test_frame(tx_mp, 1000, i, 5);
	sent = rte_eth_tx_burst(vn_port, 0, pkts, RTE_DIM(pkts));
	for (i = sent; i < RTE_DIM(pkts); i++)
		rte_pktmbuf_free(pkts[i]);
	CHECK(sent == RTE_DIM(pkts), "one burst took %u of %u 5-segment frames",
		sent, (unsigned int)RTE_DIM(pkts));
	while (received < sent && rte_get_timer_cycles() < end) {
		got = rte_eth_rx_burst(vh_port, 0, in, BURST);
		for (i = 0; i < got; i++) {
			if (!test_frame_ok(in[i], &seq) || seq != received + i ||
			    in[i]->pkt_len != 1000)
				bad++;
			rte_pktmbuf_free(in[i]);
		}
		received += got;
	}
	CHECK(received == sent && bad == 0, "received %u of %u, %u bad",
		received, sent, bad);
	check_flow(vn_port, vh_port, 100, 4000, VIRTNET_TEST_DIRECT_SEGS);
	CHECK(xs_get("tx_q0_indirect_packets") == RTE_DIM(pkts) &&
		xs_get("tx_q0_chained_packets") == 100,
		"xstats: %" PRIu64 " indirect, %" PRIu64 " chained",
		xs_get("tx_q0_indirect_packets"),
		xs_get("tx_q0_chained_packets"));
out:
	fx_down();
}

static void
test_jumbo_rx_mergeable(void)
{
	static const uint32_t lens[] = { 2000, 4000, 8000, 9000 };
	struct flow_result r;
	unsigned int i;

	CHECK_GOTO(fx_up("mrg_rxbuf=1") == 0, out, "setup");
	for (i = 0; i < RTE_DIM(lens); i++) {
		r = flow(vh_port, vn_port, 100, lens[i], 5, i);
		CHECK(r.received == 100 && r.bad == 0, "len %u: %u received, %u bad",
			lens[i], r.received, r.bad);
		CHECK(r.max_segs >= (lens[i] + 2047) / 2048,
			"len %u arrived in %u segments", lens[i], r.max_segs);
	}
out:
	fx_down();
}

static const uint32_t big_sizes[] = { 1518, 2048, 4000, 8000, 9014 };

static void
test_non_mergeable(void)
{
	struct flow_result r;
	unsigned int i;

	CHECK_GOTO(fx_up("mrg_rxbuf=0") == 0, out, "setup");
	for (i = 0; i < RTE_DIM(sizes); i++) {
		check_flow(vh_port, vn_port, 100, sizes[i], 1);
		check_flow(vn_port, vh_port, 100, sizes[i], 1);
	}
	/* Too big for one buffer: the device drops it, nothing breaks. */
	r = flow(vh_port, vn_port, 10, 4000, 2, 0);
	CHECK(r.received == 0, "a 4000 B frame arrived without mergeable buffers");
	check_flow(vh_port, vn_port, 100, 1000, 1);
	/* A larger MTU: each buffer becomes a chain of mbufs. */
	CHECK_GOTO(rte_eth_dev_stop(vn_port) == 0 &&
		rte_eth_dev_set_mtu(vn_port, 9000) == 0 &&
		rte_eth_dev_start(vn_port) == 0 &&
		wait_link(vh_port, true, 3000), out, "restart with MTU 9000");
	for (i = 0; i < RTE_DIM(big_sizes); i++) {
		r = flow(vh_port, vn_port, 100, big_sizes[i], 3, i);
		CHECK(r.received == 100 && r.bad == 0 &&
			r.max_segs == (big_sizes[i] + MBUF_ROOM - 1) / MBUF_ROOM,
			"%u B: received %u bad %u segs %u", big_sizes[i],
			r.received, r.bad, r.max_segs);
	}
	check_flow(vn_port, vh_port, 100, 9000, 4);
	CHECK(rte_eth_dev_stop(vn_port) == 0 && pools_full(),
		"mbufs back after stop");
out:
	fx_down();
}

/* ---- offloads: each one checked on the other side ---- */

#define OL_RX	(RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM | \
		 RTE_ETH_RX_OFFLOAD_TCP_LRO | RTE_ETH_RX_OFFLOAD_VLAN_STRIP)
#define OL_TX	(RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM | \
		 RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_VLAN_INSERT | \
		 RTE_ETH_TX_OFFLOAD_MULTI_SEGS)

/*
 * An L4 frame (payload of pattern 7) in as few mbufs as hold it, with
 * offload requests @flags; l2/l3/l4 lengths filled in.
 */
static struct rte_mbuf *
ol_pkt(struct rte_mempool *mp, bool ipv6, bool tcp, uint32_t payload,
		uint64_t flags)
{
	const struct test_l4 f = {
		.ipv6 = ipv6, .tcp = tcp, .id = 7, .payload = payload,
	};
	struct rte_mbuf *m = test_l4_mbuf(mp, &f, false, TEST_PKT_MAX);

	if (m != NULL)
		m->ol_flags |= flags;
	return m;
}

/* Send one frame (through tx_prepare when asked); the one that arrives. */
static struct rte_mbuf *
ol_roundtrip(uint16_t tx, uint16_t rx, struct rte_mbuf *m, bool prepare)
{
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(2000);
	struct rte_mbuf *in = NULL;

	if (m == NULL)
		return NULL;
	if ((prepare && rte_eth_tx_prepare(tx, 0, &m, 1) != 1) ||
	    rte_eth_tx_burst(tx, 0, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	while (rte_get_timer_cycles() < end)
		if (rte_eth_rx_burst(rx, 0, &in, 1) == 1)
			return in;
	return NULL;
}

/*
 * vhost (legacy-ol-flags=1) turns a header it understands into Tx flags:
 * TCP/UDP_CKSUM only when csum_start and csum_offset name the L4 sum.
 * Then finish the sum from csum_start as a device would: right only if
 * the driver seeded it with the pseudo-header.
 */
static bool
l4_sum_ok(struct rte_mbuf *m, bool ipv6, bool tcp)
{
	static uint8_t buf[16384];
	uint64_t want = tcp ? RTE_MBUF_F_TX_TCP_CKSUM : RTE_MBUF_F_TX_UDP_CKSUM;
	uint32_t start = sizeof(struct rte_ether_hdr) + (ipv6 ?
		sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr));
	uint32_t off = start + (tcp ? offsetof(struct rte_tcp_hdr, cksum) :
		offsetof(struct rte_udp_hdr, dgram_cksum));
	const uint8_t *d = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	uint16_t sum;

	if (d == NULL || (m->ol_flags & RTE_MBUF_F_TX_L4_MASK) != want ||
	    (uint32_t)(m->l2_len + m->l3_len) != start)
		return false;
	if (d != buf)
		memcpy(buf, d, m->pkt_len);
	sum = ~rte_raw_cksum(buf + start, m->pkt_len - start);
	if (sum == 0 && !tcp)
		sum = 0xffff;
	memcpy(buf + off, &sum, sizeof(sum));
	if (ipv6)
		return rte_ipv6_udptcp_cksum_verify((void *)(buf + 14),
			buf + start) == 0;
	return rte_ipv4_udptcp_cksum_verify((void *)(buf + 14),
		buf + start) == 0;
}

static int
ol_setup(void)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	char args[200];

	snprintf(args, sizeof(args), "iface=%s,queues=1,tso=1,legacy-ol-flags=1",
		sock_path);
	if (rte_vdev_init(VH_NAME, args) != 0 ||
	    rte_eth_dev_get_port_by_name(VH_NAME, &vh_port) != 0 ||
	    port_setup(vh_port, vh_mp, false) != 0 || vn_probe("") != 0)
		return -1;
	if (rte_eth_dev_info_get(vn_port, &info) != 0 ||
	    (info.rx_offload_capa & OL_RX) != OL_RX ||
	    (info.tx_offload_capa & OL_TX) != OL_TX) {
		printf("    capa rx 0x%" PRIx64 " tx 0x%" PRIx64 "\n",
			info.rx_offload_capa, info.tx_offload_capa);
		return -1;
	}
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.offloads = OL_RX;
	conf.txmode.offloads = OL_TX;
	if (rte_eth_dev_configure(vn_port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(vn_port, 0, 256, 0, NULL, vn_mp) != 0 ||
	    rte_eth_tx_queue_setup(vn_port, 0, 256, 0, NULL) != 0 ||
	    rte_eth_dev_start(vn_port) != 0 || !wait_link(vh_port, true, 3000))
		return -1;
	return 0;
}

/* virtnet -> vhost: checksums, TSO and VLAN insert seen by vhost. */
static void
ol_check_tx(void)
{
	struct rte_mbuf *in;
	uint8_t *d;

	in = ol_roundtrip(vn_port, vh_port, ol_pkt(tx_mp, false, true, 300,
		RTE_MBUF_F_TX_TCP_CKSUM), true);
	CHECK(in != NULL && l4_sum_ok(in, false, true), "TCP/IPv4 checksum");
	rte_pktmbuf_free(in);
	in = ol_roundtrip(vn_port, vh_port, ol_pkt(tx_mp, true, false, 999,
		RTE_MBUF_F_TX_UDP_CKSUM), true);
	CHECK(in != NULL && l4_sum_ok(in, true, false), "UDP/IPv6 checksum");
	rte_pktmbuf_free(in);
	{
		struct rte_mbuf *m = ol_pkt(tx_mp, false, true, 5000,
			RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM);

		if (m != NULL)
			m->tso_segsz = 1000;
		in = ol_roundtrip(vn_port, vh_port, m, true);
	}
	CHECK(in != NULL && in->pkt_len == 5054 &&
		(in->ol_flags & RTE_MBUF_F_TX_TCP_SEG) && in->tso_segsz == 1000,
		"TSO seen as one %u B GSO frame, segsz %u",
		in ? in->pkt_len : 0, in ? in->tso_segsz : 0);
	/* Seeded over the whole L4 length, as Linux's GSO wants. */
	CHECK(in != NULL && l4_sum_ok(in, false, true),
		"TSO frame: the sum is not seeded with the full pseudo-header");
	rte_pktmbuf_free(in);
	{
		struct rte_mbuf *m = ol_pkt(tx_mp, false, false, 100, 0);

		if (m != NULL) {
			m->ol_flags |= RTE_MBUF_F_TX_VLAN;
			m->vlan_tci = 0x123;
		}
		in = ol_roundtrip(vn_port, vh_port, m, false);
	}
	d = in ? rte_pktmbuf_mtod(in, uint8_t *) : NULL;
	CHECK(d != NULL && in->pkt_len == 146 && d[12] == 0x81 && d[13] == 0 &&
		d[14] == 0x01 && d[15] == 0x23 && d[16] == 0x08,
		"VLAN 0x123 inserted by the Tx burst");
	rte_pktmbuf_free(in);
}

/*
 * vhost -> virtnet: partial checksum, LRO (@p lro: a 3054 B frame fits
 * the buffers) and VLAN strip reported.
 */
static void
ol_check_rx(bool lro)
{
	struct rte_mbuf *m, *in;

	m = ol_pkt(vh_mp, false, true, 400, RTE_MBUF_F_TX_TCP_CKSUM);
	if (m != NULL)
		rte_net_intel_cksum_prepare(m);
	in = ol_roundtrip(vh_port, vn_port, m, false);
	CHECK(in != NULL && (in->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
		RTE_MBUF_F_RX_L4_CKSUM_NONE, "partial sum reported as NONE: 0x%" PRIx64,
		in ? in->ol_flags : 0);
	rte_pktmbuf_free(in);
	if (!lro)
		goto vlan;
	m = ol_pkt(vh_mp, false, true, 3000,
		RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM);
	if (m != NULL) {
		m->tso_segsz = 1000;
		rte_net_intel_cksum_prepare(m);
	}
	in = ol_roundtrip(vh_port, vn_port, m, false);
	CHECK(in != NULL && in->pkt_len == 3054 &&
		(in->ol_flags & RTE_MBUF_F_RX_LRO) && in->tso_segsz == 1000,
		"LRO frame %u B segsz %u", in ? in->pkt_len : 0,
		in ? in->tso_segsz : 0);
	rte_pktmbuf_free(in);
vlan:
	m = ol_pkt(vh_mp, false, false, 100, 0);
	if (m != NULL) {
		m->ol_flags = RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = 0x456;
	}
	in = ol_roundtrip(vh_port, vn_port, m, false);
	CHECK(in != NULL && (in->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) &&
		in->vlan_tci == 0x456 && in->pkt_len == 142,
		"VLAN strip: flags 0x%" PRIx64 " tci 0x%x len %u",
		in ? in->ol_flags : 0, in ? in->vlan_tci : 0, in ? in->pkt_len : 0);
	rte_pktmbuf_free(in);
}

static void
test_offloads(void)
{
	CHECK_GOTO(ol_setup() == 0, out, "setup with offloads");
	ol_check_tx();
	ol_check_rx(true);
out:
	fx_down();
}

/* ---- vector Rx paths (vectorized=1, no mergeable buffers) ---- */

/* The Rx path vectorized=1 must choose on this CPU for the layout. */
static void
vec_rx_name(char *buf, size_t len)
{
	bool packed = strncmp(layout_path, "packed", 6) == 0;
	uint16_t simd = rte_vect_get_max_simd_bitwidth();

	if (packed && simd >= RTE_VECT_SIMD_512 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512BW) &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL))
		snprintf(buf, len, "%s vector avx512", layout_path);
	else if (!packed && simd >= RTE_VECT_SIMD_256 &&
		 rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2))
		snprintf(buf, len, "%s vector avx2", layout_path);
	else
		snprintf(buf, len, "%s", layout_path);
}

static void
check_vec_rx_path(void)
{
	struct rte_eth_burst_mode bm;
	char want[64];

	vec_rx_name(want, sizeof(want));
	CHECK(rte_eth_rx_burst_mode_get(vn_port, 0, &bm) == 0 &&
		strcmp(bm.info, want) == 0, "Rx path \"%s\", \"%s\" expected",
		bm.info, want);
}

/* @n VLAN-tagged frames from vhost: stripped or left as they came. */
static void
vec_vlan_flow(bool strip, unsigned int n)
{
	struct rte_mbuf *m, *in[BURST];
	unsigned int i, got = 0, ok = 0, tries;
	uint16_t k, j;

	for (i = 0; i < n; i++) {
		m = ol_pkt(vh_mp, false, false, 100 + i, 0);
		if (m == NULL)
			break;
		m->ol_flags = RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = 0x100 + i;
		if (rte_vlan_insert(&m) != 0 || rte_eth_tx_burst(vh_port, 0, &m, 1) != 1)
			rte_pktmbuf_free(m);
	}
	for (tries = 0; tries < 1000 && got < n; tries++) {
		k = rte_eth_rx_burst(vn_port, 0, in, BURST);
		for (j = 0; j < k; j++, got++) {
			const uint8_t *d = rte_pktmbuf_mtod(in[j], const uint8_t *);
			uint32_t len = 142 + got + (strip ? 0 : 4);

			if (strip)
				ok += (in[j]->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) &&
					in[j]->vlan_tci == 0x100 + got &&
					in[j]->pkt_len == len;
			else
				ok += !(in[j]->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) &&
					d[12] == 0x81 && in[j]->pkt_len == len;
			rte_pktmbuf_free(in[j]);
		}
		if (k == 0)
			rte_delay_us(100);
	}
	CHECK(got == n && ok == n, "VLAN strip %s: %u of %u received, %u right",
		strip ? "on" : "off", got, n, ok);
}

/*
 * vectorized=1 without mergeable buffers: the vector Rx path is chosen
 * where the CPU has it, carries frames of every size with their bytes,
 * and strips VLAN tags as switched at run time; offloads and big packets
 * as on the scalar path.
 */
static void
test_vector_rx(void)
{
	uint16_t simd = rte_vect_get_max_simd_bitwidth();
	unsigned int i;

	/* As --force-max-simd-bitwidth=512 would (refused if that was given). */
	rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_512);
	vn_extra = "mrg_rxbuf=0,vectorized=1";
	CHECK_GOTO(fx_up("") == 0, out, "setup");
	check_vec_rx_path();
	for (i = 0; i < RTE_DIM(sizes); i++) {
		check_flow(vh_port, vn_port, 1000, sizes[i], 1);
		check_flow(vn_port, vh_port, 100, sizes[i], 1);
	}
	vec_vlan_flow(false, 50);
	CHECK(rte_eth_dev_set_vlan_offload(vn_port,
		RTE_ETH_VLAN_STRIP_OFFLOAD) == 0, "VLAN strip on");
	vec_vlan_flow(true, 50);
	CHECK(rte_eth_dev_set_vlan_offload(vn_port, 0) == 0, "VLAN strip off");
	vec_vlan_flow(false, 50);
	check_flow(vh_port, vn_port, 1000, 64, 1);
	fx_down();
	CHECK_GOTO(ol_setup() == 0, out, "setup with offloads");
	check_vec_rx_path();
	/* No LRO frame: 3054 B do not fit a buffer without mergeable ones. */
	ol_check_rx(false);
	fx_down();
	vn_extra = "vectorized=1";
	test_non_mergeable();
out:
	vn_extra = "";
	fx_down();
	rte_vect_set_max_simd_bitwidth(simd);
}

/* ---- multi-queue ---- */

static int
mq_port_setup(uint16_t port, struct rte_mempool *mp, uint16_t nq)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, nq, nq, &conf);
	for (q = 0; ret == 0 && q < nq; q++) {
		ret = rte_eth_rx_queue_setup(port, q, 256, 0, NULL, mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, 256, 0, NULL);
	}
	return ret == 0 ? rte_eth_dev_start(port) : ret;
}

/* vhost with @vhq queue pairs, all set up; virtnet probed with as many. */
static int
mq_fx_up(uint16_t vhq)
{
	char args[160];
	int ret;

	snprintf(args, sizeof(args), "iface=%s,queues=%u", sock_path, vhq);
	ret = rte_vdev_init(VH_NAME, args);
	if (ret == 0)
		ret = rte_eth_dev_get_port_by_name(VH_NAME, &vh_port);
	if (ret == 0)
		ret = mq_port_setup(vh_port, vh_mp, vhq);
	if (ret == 0) {
		snprintf(args, sizeof(args), "queues=%u", vhq);
		ret = vn_probe(args);
	}
	return ret;
}

/*
 * queues=8 on both sides, @nq of them configured: every queue carries its
 * own traffic both ways, byte-exact, and counts it in its own stats.
 */
static void
mq_case(uint16_t nq)
{
	struct rte_eth_stats st;
	struct flow_result r;
	uint16_t q;
	int ret;

	ret = mq_fx_up(8);
	if (ret == 0)
		ret = mq_port_setup(vn_port, vn_mp, nq);
	CHECK_GOTO(ret == 0 && wait_link(vh_port, true, 3000), out,
		"%u queues up", nq);
	for (q = 0; q < nq; q++) {
		r = flow_q(vn_port, vh_port, q, 64, 300 + q, 1, q * 100);
		CHECK(r.received == 64 && r.bad == 0, "queue %u out: %u bad %u",
			q, r.received, r.bad);
		r = flow_q(vh_port, vn_port, q, 64, 700 + q, 1, q * 100);
		CHECK(r.received == 64 && r.bad == 0, "queue %u in: %u bad %u",
			q, r.received, r.bad);
	}
	CHECK(rte_eth_stats_get(vn_port, &st) == 0, "stats");
	for (q = 0; q < nq; q++)
		CHECK(st.q_ipackets[q] == 64 && st.q_opackets[q] == 64 &&
			st.q_ibytes[q] == 64ull * (700 + q) &&
			st.q_obytes[q] == 64ull * (300 + q),
			"queue %u stats: in %" PRIu64 " out %" PRIu64, q,
			st.q_ipackets[q], st.q_opackets[q]);
	CHECK(rte_eth_dev_default_mac_addr_set(vn_port,
			&(struct rte_ether_addr){ { 2, 0, 0, 0, 0xfa, 1 } }) == 0,
		"MAC_ADDR_SET through the control queue");
	CHECK(rte_eth_dev_stop(vn_port) == 0 && pools_full(), "stop");
out:
	fx_down();
}

static void
test_multiqueue(void)
{
	mq_case(1);
	mq_case(2);
	mq_case(8);
}

/* The state all queues of a port report, or UINT8_MAX if they differ. */
static uint8_t
queue_states(uint16_t port)
{
	struct rte_eth_rxq_info rq;
	struct rte_eth_txq_info tq;

	if (rte_eth_rx_queue_info_get(port, 0, &rq) != 0 ||
	    rte_eth_tx_queue_info_get(port, 0, &tq) != 0 ||
	    rq.queue_state != tq.queue_state)
		return UINT8_MAX;
	return rq.queue_state;
}

static void
test_mempool_after_stop_and_close(void)
{
	struct rte_eth_rxq_info qi;
	struct rte_eth_burst_mode bm;
	unsigned int ring_held;

	CHECK_GOTO(fx_up("") == 0, out, "setup");
	CHECK(rte_eth_rx_queue_info_get(vn_port, 0, &qi) == 0, "rxq info");
	CHECK(qi.queue_state == RTE_ETH_QUEUE_STATE_STARTED &&
		queue_states(vn_port) == RTE_ETH_QUEUE_STATE_STARTED,
		"queues not reported started");
	ring_held = NB_MBUF - rte_mempool_avail_count(vn_mp);
	CHECK(ring_held == qi.nb_desc, "Rx ring holds %u mbufs, ring size %u",
		ring_held, qi.nb_desc);
	CHECK(rte_eth_rx_burst_mode_get(vn_port, 0, &bm) == 0 &&
		strncmp(bm.info, layout_path, strlen(layout_path)) == 0 &&
		strcmp(bm.info + strlen(layout_path), " mergeable") == 0,
		"Rx path \"%s\", %s mergeable expected", bm.info, layout_path);
	CHECK(rte_eth_tx_burst_mode_get(vn_port, 0, &bm) == 0 &&
		strcmp(bm.info, layout_tx) == 0,
		"Tx path \"%s\", %s expected", bm.info, layout_tx);
	/* Leave frames in flight both ways, then stop. */
	flow(vn_port, vh_port, 64, 1000, 2, 0);
	flow(vh_port, vn_port, 64, 1000, 1, 0);
	CHECK(rte_eth_dev_stop(vn_port) == 0, "stop");
	CHECK(pools_full(), "after stop");
	CHECK(queue_states(vn_port) == RTE_ETH_QUEUE_STATE_STOPPED,
		"queues not reported stopped");
	CHECK(rte_eth_dev_start(vn_port) == 0, "start again");
	CHECK(queue_states(vn_port) == RTE_ETH_QUEUE_STATE_STARTED,
		"queues not reported started after restart");
	CHECK(wait_link(vh_port, true, 3000), "vhost link after restart");
	check_flow(vn_port, vh_port, 100, 777, 1);
	check_flow(vh_port, vn_port, 100, 777, 1);
	CHECK(rte_eth_dev_stop(vn_port) == 0, "stop before close");
	CHECK(rte_eth_dev_close(vn_port) == 0, "close");
	CHECK(pools_full(), "after close");
	rte_vdev_uninit(VN_NAME);
	vn_port = UINT16_MAX;
out:
	fx_down();
}

/*
 * Mbufs the app still holds (a second reference, a clone) are sent and
 * given back to the app, not to the pool: Tx frees through the general
 * way whatever is not a plain one-segment mbuf of its own.
 */
static void
tx_shared_mbufs(void)
{
	struct rte_mbuf *keep[32], *send[32], *in[BURST];
	unsigned int i, got = 0, base;
	uint32_t seq;
	int tries;

	rte_eth_tx_done_cleanup(vn_port, 0, 0);
	base = rte_mempool_avail_count(tx_mp);
	for (i = 0; i < 32; i++) {
		keep[i] = test_frame(tx_mp, 300, 7000 + i, 1);
		if (keep[i] == NULL)
			break;
		if (i % 2 == 0) {		/* a second reference */
			rte_mbuf_refcnt_update(keep[i], 1);
			send[i] = keep[i];
		} else {			/* an indirect clone */
			send[i] = rte_pktmbuf_clone(keep[i], tx_mp);
		}
		if (send[i] == NULL)
			break;
	}
	CHECK_GOTO(i == 32, out, "frames");
	CHECK(rte_eth_tx_burst(vn_port, 0, send, 32) == 32, "sent");
	for (tries = 0; tries < 1000 && got < 32; tries++) {
		uint16_t k = rte_eth_rx_burst(vh_port, 0, in, BURST);

		for (i = 0; i < k; i++) {
			CHECK(test_frame_ok(in[i], &seq) && seq == 7000 + got,
				"frame %u", got);
			rte_pktmbuf_free(in[i]);
			got++;
		}
		rte_delay_us(100);
	}
	CHECK(got == 32, "device got %u of 32", got);
	CHECK(rte_eth_tx_done_cleanup(vn_port, 0, 0) == 32, "cleanup");
	/* The app's 32 are still out; the 16 clones went back. */
	CHECK(rte_mempool_avail_count(tx_mp) == base - 32,
		"pool %u, %u expected", rte_mempool_avail_count(tx_mp),
		base - 32);
	for (i = 0; i < 32; i++) {
		CHECK(rte_mbuf_refcnt_read(keep[i]) == 1 &&
			test_frame_ok(keep[i], &seq) && seq == 7000 + i,
			"kept frame %u damaged", i);
		rte_pktmbuf_free(keep[i]);
	}
	CHECK(rte_mempool_avail_count(tx_mp) == base, "pool after free");
out:
	return;
}

/*
 * A burst takes back what the device finished before it; the mbufs of
 * the last burst stay until tx_done_cleanup frees them on demand, all of
 * them or as many as asked.
 */
static void
test_tx_done_cleanup(void)
{
	unsigned int held;
	int n;

	CHECK_GOTO(fx_up("") == 0, out, "setup");
	/* Whole bursts: the last one, 32 frames, stays held. */
	check_flow(vn_port, vh_port, 4 * BURST, 200, 1);
	held = NB_MBUF - rte_mempool_avail_count(tx_mp);
	CHECK(held > 5, "only %u sent mbufs held by the queue", held);
	n = rte_eth_tx_done_cleanup(vn_port, 0, 5);
	CHECK(n == 5 && NB_MBUF - rte_mempool_avail_count(tx_mp) == held - 5,
		"cleanup of 5 freed %d (%u held before, %u after)", n, held,
		NB_MBUF - rte_mempool_avail_count(tx_mp));
	n = rte_eth_tx_done_cleanup(vn_port, 0, 0);
	CHECK(n == (int)held - 5 && rte_mempool_avail_count(tx_mp) == NB_MBUF,
		"cleanup of all freed %d of %u", n, held - 5);
	CHECK(rte_eth_tx_done_cleanup(vn_port, 0, 0) == 0, "nothing left");
	CHECK(rte_eth_tx_done_cleanup(vn_port, 1, 0) < 0, "queue 1 accepted");
	check_flow(vn_port, vh_port, 100, 200, 1);
	tx_shared_mbufs();
out:
	fx_down();
}

/* 100 stop/start cycles under traffic on one path: no frame lost, no leak. */
static void
restart_100(const char *extra)
{
	unsigned int i, bad = 0;
	struct flow_result r;

	CHECK_GOTO(fx_up(extra) == 0, out, "setup %s", extra);
	for (i = 0; i < 100; i++) {
		r = flow(vn_port, vh_port, 40, 64 + i * 13, 1 + i % 3, i);
		if (r.received != 40 || r.bad)
			bad++;
		r = flow(vh_port, vn_port, 40, 1518 - i, 1, i);
		if (r.received != 40 || r.bad)
			bad++;
		/* Frames left in both rings when the port stops. */
		flow(vn_port, vh_port, 20, 300, 2, 0);
		if (rte_eth_dev_stop(vn_port) != 0 || !pools_full())
			bad++;
		if (rte_eth_dev_start(vn_port) != 0 ||
		    !wait_link(vh_port, true, 3000))
			bad++;
		/* Drain what vhost still holds from the last cycle. */
		flow(vn_port, vh_port, 0, 64, 1, 0);
	}
	CHECK(bad == 0, "%s: %u bad cycles of 100", extra, bad);
out:
	fx_down();
}

/* Both Rx paths of the ring mode under test. */
static void
test_restart_100(void)
{
	restart_100("mrg_rxbuf=1");
	restart_100("mrg_rxbuf=0");
}

static bool fds_back_to(unsigned int n);
static unsigned int count_fds(void);

/* Every mbuf back in its pool within @ms (the port reclaims on its own). */
static bool
wait_pools_full(unsigned int ms)
{
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(ms);

	while (rte_get_timer_cycles() < end) {
		if (rte_mempool_avail_count(vn_mp) == NB_MBUF &&
		    rte_mempool_avail_count(tx_mp) == NB_MBUF)
			return true;
		rte_delay_ms(1);
	}
	return pools_full();
}

static bool
wait_lsc(unsigned int n, unsigned int ms)
{
	unsigned int i;

	for (i = 0; i < ms; i++) {
		if (__atomic_load_n(&lsc_events, __ATOMIC_ACQUIRE) >= n)
			return true;
		rte_delay_ms(1);
	}
	return false;
}

/* Bursts of a port whose device is gone return 0 and take nothing. */
static void
check_bursts_halted(void)
{
	struct rte_mbuf *m[BURST];
	uint16_t i, n;

	for (i = 0; i < BURST; i++)
		m[i] = test_frame(tx_mp, 100, i, 1);
	n = rte_eth_tx_burst(vn_port, 0, m, BURST);
	CHECK(n == 0, "tx burst sent %u to a dead device", n);
	for (i = n; i < BURST; i++)
		rte_pktmbuf_free(m[i]);
	CHECK(rte_eth_rx_burst(vn_port, 0, m, BURST) == 0, "rx from a dead device");
}

/* Link up within @ms of now; prints how long it took. */
static bool
wait_back(const char *what, unsigned int ms)
{
	uint64_t t0 = rte_get_timer_cycles();
	bool up = wait_link(vn_port, true, ms);

	printf("    %s: link up %s after %" PRIu64 " ms\n", what,
		up ? "" : "NOT", (rte_get_timer_cycles() - t0) * 1000 /
		rte_get_timer_hz());
	return up;
}

/*
 * Client mode: the back-end goes away mid-traffic and comes back; the
 * port follows by itself (link down, buffers back, link up, traffic),
 * with an LSC event each way. A start while it is away succeeds and the
 * port comes up when it returns.
 */
static void
test_backend_gone(void)
{
	unsigned int fds = count_fds();
	struct rte_eth_link l;

	CHECK_GOTO(fx_up("") == 0, out, "setup");
	check_flow(vn_port, vh_port, 100, 500, 1);
	flow(vh_port, vn_port, 50, 500, 1, 0);	/* some left unreceived */
	lsc_events = 0;
	vh_down();				/* the back-end goes away */
	CHECK(wait_link(vn_port, false, 3000), "link still up");
	CHECK(wait_lsc(1, 1000), "no LSC event for link down");
	check_bursts_halted();
	CHECK(wait_pools_full(1000), "buffers not reclaimed after the loss");
	/* The back-end returns: the port redials and comes up by itself. */
	lsc_events = 0;
	CHECK_GOTO(vh_up() == 0, out, "vhost back");
	CHECK(wait_back("client reconnect", 3000), "no reconnect");
	CHECK(wait_lsc(1, 1000), "no LSC event for link up");
	CHECK(wait_link(vh_port, true, 3000), "vhost link");
	check_flow(vn_port, vh_port, 100, 600, 1);
	check_flow(vh_port, vn_port, 100, 600, 1);
	/* Stopped and started while the back-end is away. */
	vh_down();
	CHECK(wait_link(vn_port, false, 3000), "link still up (2)");
	CHECK(rte_eth_dev_stop(vn_port) == 0, "stop after loss");
	CHECK(pools_full(), "after stop");
	CHECK(rte_eth_dev_start(vn_port) == 0, "start while the back-end is away");
	rte_eth_link_get_nowait(vn_port, &l);
	CHECK(l.link_status == RTE_ETH_LINK_DOWN, "link up without a back-end");
	check_bursts_halted();
	CHECK_GOTO(vh_up() == 0, out, "vhost back (2)");
	CHECK(wait_back("start while away", 3000), "port did not come up");
	CHECK(wait_link(vh_port, true, 3000), "vhost link (2)");
	check_flow(vn_port, vh_port, 100, 700, 1);
	check_flow(vh_port, vn_port, 100, 700, 1);
out:
	fx_down();
	CHECK(fds_back_to(fds), "fds: %u before, %u after", fds, count_fds());
}

static volatile int closed_in_cb;

/* An app that closes the port from its LSC callback when the link drops. */
static int
close_on_down_cb(uint16_t port, enum rte_eth_event_type ev __rte_unused,
		void *arg __rte_unused, void *ret __rte_unused)
{
	struct rte_eth_link l;

	if (rte_eth_link_get_nowait(port, &l) == 0 &&
	    l.link_status == RTE_ETH_LINK_DOWN) {
		rte_eth_dev_close(port);
		__atomic_store_n(&closed_in_cb, 1, __ATOMIC_RELEASE);
	}
	return 0;
}

static unsigned int
count_fds(void)
{
	glob_t g;
	unsigned int n;

	if (glob("/proc/self/fd/*", 0, NULL, &g) != 0)
		return 0;
	n = g.gl_pathc;
	globfree(&g);
	return n;
}

/*
 * Whether this process is back to at most @p n fds within 2 s: the
 * in-process vhost library closes its side of a connection from its own
 * thread, a little after the port is gone (also the previous test's).
 */
static bool
fds_back_to(unsigned int n)
{
	char link[128], target[128];
	unsigned int i;
	glob_t g;
	ssize_t l;

	for (i = 0; i < 2000; i++) {
		if (count_fds() <= n)
			return true;
		rte_delay_ms(1);
	}
	/* Say what is open, to tell a leak from a library's lazy fd. */
	if (glob("/proc/self/fd/*", 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			snprintf(link, sizeof(link), "%s", g.gl_pathv[i]);
			l = readlink(link, target, sizeof(target) - 1);
			target[l > 0 ? l : 0] = '\0';
			printf("    fd %s -> %s\n", strrchr(link, '/') + 1, target);
		}
		globfree(&g);
	}
	return false;
}

/*
 * The port is closed from inside the LSC callback that reports the loss
 * (in the interrupt thread): no hang, no leak, and no fd left over.
 */
static void
test_close_in_lsc_callback(void)
{
	unsigned int fds = count_fds(), i;

	closed_in_cb = 0;
	CHECK_GOTO(fx_up("") == 0, out, "setup");
	check_flow(vn_port, vh_port, 100, 500, 1);
	CHECK_GOTO(rte_eth_dev_callback_register(vn_port, RTE_ETH_EVENT_INTR_LSC,
		close_on_down_cb, NULL) == 0, out, "callback");
	vh_down();
	for (i = 0; i < 3000 && !__atomic_load_n(&closed_in_cb, __ATOMIC_ACQUIRE); i++)
		rte_delay_ms(1);
	CHECK(closed_in_cb, "port not closed from the callback");
	rte_eth_dev_callback_unregister(vn_port, RTE_ETH_EVENT_INTR_LSC,
		close_on_down_cb, NULL);
out:
	fx_down();
	CHECK(fds_back_to(fds), "fds: %u before, %u after", fds, count_fds());
}

/* net_vhost as a vhost-user client of virtnet's socket. */
static int
vh_up_client(void)
{
	char args[160];

	snprintf(args, sizeof(args), "iface=%s,queues=1,client=1", sock_path);
	if (rte_vdev_init(VH_NAME, args) != 0 ||
	    rte_eth_dev_get_port_by_name(VH_NAME, &vh_port) != 0)
		return -1;
	vh_client = true;
	return port_setup(vh_port, vh_mp, false);
}

/*
 * Server mode: probe and start do not wait for a back-end; the port comes
 * up when one connects, goes down when it leaves, and comes up again when
 * it reconnects to the socket.
 */
static void
test_server_mode(void)
{
	uint64_t t0 = rte_get_timer_cycles();
	unsigned int fds = count_fds();
	struct rte_eth_link l;

	lsc_events = 0;
	CHECK_GOTO(vn_probe("server=1") == 0, out, "probe in server mode");
	CHECK(rte_get_timer_cycles() - t0 < ms_to_cycles(1000),
		"probe waited for a back-end");
	rte_eth_dev_callback_register(vn_port, RTE_ETH_EVENT_INTR_LSC, count_cb,
		&lsc_events);
	CHECK_GOTO(port_setup(vn_port, vn_mp, true) == 0, out,
		"start without a back-end");
	rte_eth_link_get_nowait(vn_port, &l);
	CHECK(l.link_status == RTE_ETH_LINK_DOWN, "link up without a back-end");
	check_bursts_halted();
	CHECK_GOTO(vh_up_client() == 0, out, "vhost client");
	CHECK(wait_back("server mode, first back-end", 5000), "no link up");
	CHECK(wait_lsc(1, 1000), "no LSC event for link up");
	CHECK(wait_link(vh_port, true, 3000), "vhost link");
	check_flow(vn_port, vh_port, 100, 500, 1);
	check_flow(vh_port, vn_port, 100, 500, 1);
	lsc_events = 0;
	vh_down();
	CHECK(wait_link(vn_port, false, 3000), "link still up");
	CHECK(wait_lsc(1, 1000), "no LSC event for link down");
	CHECK(wait_pools_full(1000), "buffers not reclaimed after the loss");
	CHECK_GOTO(vh_up_client() == 0, out, "vhost client again");
	CHECK(wait_back("server mode reconnect", 5000), "no reconnect");
	CHECK(wait_link(vh_port, true, 3000), "vhost link (2)");
	check_flow(vn_port, vh_port, 100, 800, 1);
	check_flow(vh_port, vn_port, 100, 800, 1);
out:
	fx_down();
	CHECK(access(sock_path, F_OK) != 0, "socket file left after close");
	CHECK(fds_back_to(fds), "fds: %u before, %u after", fds, count_fds());
}

/* virtio-user's test hook: its emulated control queue misbehaves. */
#define CQ_FAULT	"VIRTNET_TEST_CQ_FAULT"

static uint64_t
ms_since(uint64_t t0)
{
	return (rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz();
}

/*
 * The control queue's xstats after one NACK, one timeout and one
 * refusal: @commands given to the device (0: more than 4, at a restart).
 */
static void
ctrl_xstats_check(uint64_t commands)
{
	uint64_t c = xs_get("ctrl_commands");

	CHECK((commands ? c == commands : c > 4 && c != UINT64_MAX) &&
		xs_get("ctrl_nack_errors") == 1 &&
		xs_get("ctrl_timeout_errors") == 1 &&
		xs_get("ctrl_refused_errors") == 1,
		"ctrl xstats: %" PRIu64 " commands, %" PRIu64 " NACKs, %" PRIu64
		" timeouts, %" PRIu64 " refused", c, xs_get("ctrl_nack_errors"),
		xs_get("ctrl_timeout_errors"), xs_get("ctrl_refused_errors"));
}

/*
 * A control queue that answers VIRTIO_NET_ERR, then one that never
 * answers: the op fails (-EIO; -ETIMEDOUT, and then -EIO: the queue is
 * given up), traffic, link, stats and MTU
 * go on, and a restart makes the control queue again.
 */
static void
test_ctrl_faults(void)
{
	struct rte_ether_addr mac_a = { { 2, 0, 0, 0, 0xfa, 1 } };
	struct rte_ether_addr mac_b = { { 2, 0, 0, 0, 0xfa, 2 } }, mac;
	struct rte_eth_stats st;
	uint64_t t0, ms;
	int ret;

	CHECK_GOTO(fx_up("cq=1") == 0, out, "setup");
	rte_eth_xstats_reset(vn_port);
	CHECK(rte_eth_dev_default_mac_addr_set(vn_port, &mac_a) == 0,
		"MAC set (MAC_ADDR_SET)");
	setenv(CQ_FAULT, "nack", 1);
	ret = rte_eth_dev_default_mac_addr_set(vn_port, &mac_b);
	unsetenv(CQ_FAULT);
	CHECK(ret == -EIO && rte_eth_macaddr_get(vn_port, &mac) == 0 &&
		rte_is_same_ether_addr(&mac, &mac_a),
		"MAC_ADDR_SET NACKed: %d, the MAC kept", ret);
	CHECK(rte_eth_dev_default_mac_addr_set(vn_port, &mac_b) == 0,
		"MAC set after a NACK");
	setenv(CQ_FAULT, "silent", 1);
	t0 = rte_get_timer_cycles();
	ret = rte_eth_dev_default_mac_addr_set(vn_port, &mac_a);
	ms = ms_since(t0);
	unsetenv(CQ_FAULT);
	/* The emulated device knows at once that it did not answer. */
	CHECK(ret == -ETIMEDOUT && ms < 100,
		"unanswered: %d after %" PRIu64 " ms", ret, ms);
	t0 = rte_get_timer_cycles();
	ret = rte_eth_dev_default_mac_addr_set(vn_port, &mac_a);
	ms = ms_since(t0);
	CHECK(ret == -EIO && ms < 100, "given-up queue: %d after %" PRIu64 " ms",
		ret, ms);
	CHECK(rte_eth_macaddr_get(vn_port, &mac) == 0 &&
		rte_is_same_ether_addr(&mac, &mac_b), "MAC kept");
	ctrl_xstats_check(4);
	/* What needs no control queue works. */
	CHECK(wait_link(vn_port, true, 100), "link");
	check_flow(vn_port, vh_port, 100, 500, 1);
	check_flow(vh_port, vn_port, 100, 500, 1);
	CHECK(rte_eth_dev_set_mtu(vn_port, 1400) == 0, "MTU");
	CHECK(rte_eth_stats_get(vn_port, &st) == 0 && st.opackets == 100 &&
		st.ipackets == 100, "stats: %" PRIu64 " out, %" PRIu64 " in",
		st.opackets, st.ipackets);
	/* The start tells the new queue the port's MAC (mac_b). */
	CHECK(rte_eth_dev_stop(vn_port) == 0 && pools_full(), "stop");
	CHECK(rte_eth_dev_start(vn_port) == 0, "start");
	CHECK(rte_eth_dev_default_mac_addr_set(vn_port, &mac_a) == 0,
		"control queue back after a restart");
	/* Counted across the restart: the port keeps them. */
	ctrl_xstats_check(0);
	CHECK(rte_eth_xstats_reset(vn_port) == 0 &&
		xs_get("ctrl_commands") == 0 && xs_get("ctrl_nack_errors") == 0 &&
		xs_get("ctrl_timeout_errors") == 0 &&
		xs_get("ctrl_refused_errors") == 0, "ctrl xstats reset");
	CHECK(wait_link(vh_port, true, 3000), "vhost link");
	check_flow(vn_port, vh_port, 100, 600, 1);
out:
	fx_down();
}

/*
 * Audit F1: the back-end shares all of this process's DPDK memory, rings
 * included. On a packed ring it marks every slot the driver has not used
 * yet as an available device-writable buffer pointing at a byte of ours;
 * an emulated control queue that walked the shared ring would then write
 * its status there. The command must work and the byte stay as it was.
 */
struct forged_desc {	/* a packed ring descriptor (virtio 1.1, 2.8.13) */
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;	/* AVAIL 1 << 7, WRITE 2 */
};

static void
test_cq_forged(void)
{
	static volatile uint8_t canary = 0xa5;
	struct rte_ether_addr mac_a = { { 2, 0, 0, 0, 0xf1, 1 } }, mac;
	const struct rte_memzone *mz;
	struct forged_desc *d;
	char name[RTE_MEMZONE_NAMESIZE];
	unsigned int i, forged = 0;

	CHECK_GOTO(fx_up("cq=1,packed_vq=1") == 0, out, "setup");
	/* One queue pair: the control queue is virtio queue 2. */
	snprintf(name, sizeof(name), "virtnet%u_ring%u", vn_port, 2);
	mz = rte_memzone_lookup(name);
	for (i = 0; mz != NULL && i < 256; i++) {
		d = (struct forged_desc *)mz->addr + i;
		if (d->flags != 0)
			continue;
		d->addr = (uint64_t)(uintptr_t)&canary;
		d->len = 1;
		d->id = (uint16_t)i;
		d->flags = 1 << 7 | 2;
		forged++;
	}
	printf("    %u descriptors forged in the shared memory (%s)\n", forged,
		mz != NULL ? "control ring found" : "no control ring in it");
	CHECK(rte_eth_dev_default_mac_addr_set(vn_port, &mac_a) == 0 &&
		rte_eth_macaddr_get(vn_port, &mac) == 0 &&
		rte_is_same_ether_addr(&mac, &mac_a), "MAC_ADDR_SET");
	CHECK(canary == 0xa5, "byte outside any buffer: 0x%02x", canary);
	CHECK(rte_eth_dev_default_mac_addr_set(vn_port, &mac_a) == 0,
		"a second command");
	check_flow(vn_port, vh_port, 100, 500, 1);
out:
	fx_down();
}

/*
 * Audit F11: what the driver keeps for itself lies outside DPDK's memory,
 * which the back-end maps whole (and VFIO maps for DMA). Seen from here:
 * the queue structs the bursts get, for every queue of a multi-queue port.
 */
static void
test_private_memory(void)
{
	const struct rte_eth_fp_ops *fp;
	unsigned int q, shared = 0;
	void *rxq, *txq;

	CHECK_GOTO(mq_fx_up(2) == 0 && mq_port_setup(vn_port, vn_mp, 2) == 0,
		out, "setup");
	fp = &rte_eth_fp_ops[vn_port];
	for (q = 0; q < 2; q++) {
		rxq = fp->rxq.data[q];
		txq = fp->txq.data[q];
		CHECK(rxq != NULL && txq != NULL, "queue %u structs", q);
		shared += rte_mem_virt2memseg_list(rxq) != NULL;
		shared += rte_mem_virt2memseg_list(txq) != NULL;
	}
	CHECK(shared == 0, "%u of 4 queue structs in memory the back-end maps",
		shared);
out:
	fx_down();
}

/*
 * @n (at most BURST) frames from the back-end to @dst: how many the port
 * receives, with that address, within 300 ms.
 */
static uint32_t
frames_to(const struct rte_ether_addr *dst, uint16_t n)
{
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(300);
	struct rte_mbuf *pkts[BURST];
	uint16_t i, k, sent;
	uint32_t got = 0;

	for (k = 0; k < n && k < BURST; k++) {
		pkts[k] = test_frame(tx_mp, 128, k, 1);
		if (pkts[k] == NULL)
			break;
		rte_pktmbuf_mtod(pkts[k], struct rte_ether_hdr *)->dst_addr = *dst;
	}
	sent = rte_eth_tx_burst(vh_port, 0, pkts, k);
	for (i = sent; i < k; i++)
		rte_pktmbuf_free(pkts[i]);
	while (rte_get_timer_cycles() < end) {
		k = rte_eth_rx_burst(vn_port, 0, pkts, BURST);
		for (i = 0; i < k; i++)
			got += rte_is_same_ether_addr(dst, &rte_pktmbuf_mtod(
				pkts[i], struct rte_ether_hdr *)->dst_addr);
		rte_pktmbuf_free_bulk(pkts, k);
	}
	return sent == n ? got : 0;
}

/*
 * virtio-user has no receive filter (a vhost-user back-end delivers
 * every frame): the port is promiscuous and all-multicast and says so,
 * turning either off fails with -ENOTSUP, addresses are taken (frames to
 * them arrive), VLAN_FILTER is not offered.
 */
static void
test_filters_user(void)
{
	const struct rte_ether_addr other = { { 2, 0, 0, 0, 0xee, 1 } };
	struct rte_ether_addr added = { { 2, 0, 0, 0, 0xee, 2 } };
	struct rte_ether_addr mc[VIRTNET_TEST_MC + 1];
	struct rte_eth_dev_info info;
	unsigned int i;

	CHECK_GOTO(fx_up("cq=1") == 0, out, "setup");
	CHECK(rte_eth_dev_info_get(vn_port, &info) == 0 &&
		info.max_mac_addrs == 64 &&
		!(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_FILTER),
		"64 addresses, no VLAN filter: %u, capa 0x%" PRIx64,
		info.max_mac_addrs, info.rx_offload_capa);
	CHECK(rte_eth_promiscuous_get(vn_port) == 1 &&
		rte_eth_allmulticast_get(vn_port) == 1,
		"promiscuous and all-multicast");
	CHECK(rte_eth_promiscuous_disable(vn_port) == -ENOTSUP &&
		rte_eth_allmulticast_disable(vn_port) == -ENOTSUP &&
		rte_eth_promiscuous_get(vn_port) == 1 &&
		rte_eth_allmulticast_get(vn_port) == 1,
		"turning them off: -ENOTSUP, still on");
	CHECK(rte_eth_promiscuous_enable(vn_port) == 0 &&
		rte_eth_allmulticast_enable(vn_port) == 0, "turning them on");
	CHECK(frames_to(&other, 16) == 16, "an unknown address receives");
	CHECK(rte_eth_dev_mac_addr_add(vn_port, &added, 0) == 0 &&
		frames_to(&added, 16) == 16, "an added address receives");
	CHECK(rte_eth_dev_mac_addr_remove(vn_port, &added) == 0 &&
		frames_to(&added, 16) == 16, "and still does once removed");
	for (i = 0; i < RTE_DIM(mc); i++)
		mc[i] = (struct rte_ether_addr){ { 1, 0, 0x5e, 0, 1, i } };
	CHECK(rte_eth_dev_set_mc_addr_list(vn_port, mc, 1) == 0 &&
		frames_to(&mc[0], 16) == 16 && frames_to(&mc[1], 16) == 16,
		"multicast list taken; every group arrives");
	CHECK(rte_eth_dev_set_mc_addr_list(vn_port, mc, RTE_DIM(mc)) == -ENOSPC &&
		rte_eth_dev_set_mc_addr_list(vn_port, &added, 1) == -EINVAL,
		"%u multicast addresses, a unicast one: refused", VIRTNET_TEST_MC + 1);
	CHECK(rte_eth_dev_vlan_filter(vn_port, 10, 1) < 0, "no VLAN filter");
	CHECK(rte_eth_dev_default_mac_addr_set(vn_port, &added) == 0 &&
		frames_to(&added, 16) == 16, "new primary");
	CHECK(rte_eth_dev_stop(vn_port) == 0 && rte_eth_dev_start(vn_port) == 0 &&
		rte_eth_promiscuous_get(vn_port) == 1 && wait_link(vh_port, true, 3000) &&
		frames_to(&other, 16) == 16, "the same after a restart");
out:
	fx_down();
}

/* RARPs from @mac that arrive on @port within @ms; other frames: *other. */
static unsigned int
count_rarps(uint16_t port, const struct rte_ether_addr *mac, unsigned int ms,
		unsigned int *other)
{
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(ms);
	const struct rte_ether_hdr *eh;
	const struct rte_arp_hdr *ah;
	struct rte_mbuf *in[BURST];
	unsigned int n = 0;
	uint16_t i, got;

	while (rte_get_timer_cycles() < end) {
		got = rte_eth_rx_burst(port, 0, in, BURST);
		for (i = 0; i < got; i++) {
			eh = rte_pktmbuf_mtod(in[i], const struct rte_ether_hdr *);
			ah = (const struct rte_arp_hdr *)(eh + 1);
			if (in[i]->pkt_len == 64 &&
			    eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_RARP) &&
			    rte_is_broadcast_ether_addr(&eh->dst_addr) &&
			    rte_is_same_ether_addr(&eh->src_addr, mac) &&
			    ah->arp_opcode == RTE_BE16(RTE_ARP_OP_REVREQUEST) &&
			    rte_is_same_ether_addr(&ah->arp_data.arp_sha, mac))
				n++;
			else
				(*other)++;
			rte_pktmbuf_free(in[i]);
		}
		rte_delay_ms(1);
	}
	return n;
}

/*
 * GUEST_ANNOUNCE on virtio-user (cq=1): a back-end that connects anew is
 * a new switch port; once the port runs on it, one RARP from the port's
 * MAC goes out (Tx queue 0), and nothing else. None on the first
 * back-end, none on a restart with the same back-end.
 */
static void
test_announce_on_reconnect(void)
{
	struct rte_ether_addr mac;
	struct rte_eth_stats st;
	unsigned int other = 0, n;

	CHECK_GOTO(fx_up("cq=1,mac=02:11:22:33:44:66") == 0, out, "setup");
	CHECK(rte_eth_macaddr_get(vn_port, &mac) == 0, "MAC");
	n = count_rarps(vh_port, &mac, 300, &other);
	CHECK(n == 0 && other == 0, "first back-end: %u RARPs, %u others",
		n, other);
	vh_down();
	CHECK(wait_link(vn_port, false, 3000), "link still up");
	CHECK_GOTO(vh_up() == 0, out, "vhost back");
	CHECK(wait_back("reconnect", 3000), "no reconnect");
	CHECK(wait_link(vh_port, true, 3000), "vhost link");
	n = count_rarps(vh_port, &mac, 500, &other);
	CHECK(n == 1 && other == 0, "after a reconnect: %u RARPs, %u others",
		n, other);
	CHECK(rte_eth_stats_get(vn_port, &st) == 0 && st.opackets == 1,
		"the RARP in the port's Tx stats: %" PRIu64, st.opackets);
	check_flow(vn_port, vh_port, 100, 500, 1);
	check_flow(vh_port, vn_port, 100, 500, 1);
	CHECK(rte_eth_dev_stop(vn_port) == 0 && rte_eth_dev_start(vn_port) == 0,
		"restart");
	CHECK(wait_link(vh_port, true, 3000), "vhost link after restart");
	n = count_rarps(vh_port, &mac, 300, &other);
	CHECK(n == 0 && other == 0, "restart: %u RARPs, %u others", n, other);
out:
	fx_down();
}

static char *log_buf;
static size_t log_len;

/* Start capturing the log into log_buf, until log_capture_end(). */
static FILE *
log_capture(FILE **old)
{
	FILE *f = open_memstream(&log_buf, &log_len);

	*old = rte_log_get_stream();
	rte_openlog_stream(f);
	return f;
}

static void
log_capture_end(FILE *f, FILE *old)
{
	rte_openlog_stream(old);
	fclose(f);
}

/* rte_eth_dev_start with the log captured into log_buf. */
static int
start_logged(uint16_t port)
{
	FILE *old, *f = log_capture(&old);
	int ret = rte_eth_dev_start(port);

	log_capture_end(f, old);
	return ret;
}

/*
 * DPDK's vhost has MQ but neither RSS nor hash reports: dev_info offers no
 * hash function, key or table; ethdev refuses an rss_hf, virtnet any
 * mq_mode but none and RSS; mq_mode RSS with rss_hf 0 is taken with a
 * log line and the queues still carry traffic; the RSS ops say -ENOTSUP.
 */
static void
test_rss_absent(void)
{
	struct rte_eth_rss_reta_entry64 reta[2];
	struct rte_eth_rss_conf rc = { .rss_hf = RTE_ETH_RSS_IP };
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	struct flow_result r;
	FILE *old, *f;
	uint16_t q;
	int ret;

	ret = mq_fx_up(2);
	CHECK_GOTO(ret == 0, out, "ports");
	CHECK(rte_eth_dev_info_get(vn_port, &info) == 0 &&
		info.flow_type_rss_offloads == 0 && info.reta_size == 0 &&
		info.hash_key_size == 0 &&
		!(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH),
		"dev_info: rss offloads 0x%" PRIx64 " reta %u key %u",
		info.flow_type_rss_offloads, info.reta_size, info.hash_key_size);
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP;
	ret = rte_eth_dev_configure(vn_port, 2, 2, &conf);
	CHECK(ret == -EINVAL, "rss_hf IP refused: %d", ret);
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_VMDQ_ONLY;
	conf.rx_adv_conf.rss_conf.rss_hf = 0;
	ret = rte_eth_dev_configure(vn_port, 2, 2, &conf);
	CHECK(ret == -EINVAL, "mq_mode VMDQ refused: %d", ret);
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	f = log_capture(&old);
	ret = rte_eth_dev_configure(vn_port, 2, 2, &conf);
	log_capture_end(f, old);
	CHECK(ret == 0 && strstr(log_buf, "the device has no RSS") != NULL,
		"mq_mode RSS, rss_hf 0: taken (%d), logged: %s", ret, log_buf);
	free(log_buf);
	for (q = 0; ret == 0 && q < 2; q++) {
		ret = rte_eth_rx_queue_setup(vn_port, q, 256, 0, NULL, vn_mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(vn_port, q, 256, 0, NULL);
	}
	CHECK_GOTO(ret == 0 && rte_eth_dev_start(vn_port) == 0 &&
		wait_link(vh_port, true, 3000), out, "start");
	for (q = 0; q < 2; q++) {
		r = flow_q(vh_port, vn_port, q, 64, 200 + q, 1, q * 100);
		CHECK(r.received == 64 && r.bad == 0, "queue %u in: %u bad %u",
			q, r.received, r.bad);
	}
	ret = rte_eth_dev_rss_hash_update(vn_port, &rc);
	CHECK(ret == -ENOTSUP || ret == -EINVAL, "rss_hash_update: %d", ret);
	ret = rte_eth_dev_rss_hash_conf_get(vn_port, &rc);
	CHECK(ret == -ENOTSUP, "rss_hash_conf_get: %d", ret);
	memset(reta, 0, sizeof(reta));
	reta[0].mask = 1;
	ret = rte_eth_dev_rss_reta_query(vn_port, reta, 64);
	CHECK(ret == -ENOTSUP, "reta_query: %d", ret);
	ret = rte_eth_dev_rss_reta_update(vn_port, reta, 64);
	CHECK(ret == -ENOTSUP || ret == -EINVAL, "reta_update: %d", ret);
	CHECK(rte_eth_dev_stop(vn_port) == 0 && pools_full(), "stop");
out:
	fx_down();
}

/*
 * Frames vhost can put on virtnet's Rx queue @q within 200 ms, taken.
 * What vhost does not take at once is offered again: a queue just
 * started is enabled when vhost's message thread gets to it.
 */
static uint32_t
into_queue(uint16_t q, uint32_t n)
{
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(200);
	struct rte_mbuf *m[BURST], *rx[BURST];
	uint32_t got = 0, sent = 0, k;
	uint16_t i;

	for (k = 0; k < n && k < BURST; k++)
		m[k] = test_frame(tx_mp, 64, k, 1);
	while (rte_get_timer_cycles() < end) {
		if (sent < k)
			sent += rte_eth_tx_burst(vh_port, q, &m[sent],
				(uint16_t)(k - sent));
		i = rte_eth_rx_burst(vn_port, q, rx, BURST);
		rte_pktmbuf_free_bulk(rx, i);
		got += i;
	}
	if (sent < k)
		rte_pktmbuf_free_bulk(&m[sent], k - sent);
	return got;
}

static uint8_t
rxq_state(uint16_t q)
{
	struct rte_eth_rxq_info qi;

	return rte_eth_rx_queue_info_get(vn_port, q, &qi) == 0 ?
		qi.queue_state : UINT8_MAX;
}

/*
 * vhost-user cannot reset one ring (no VIRTIO_F_RING_RESET): a queue stop
 * pauses the ring (SET_VRING_ENABLE 0): its bursts return 0, vhost puts
 * nothing on it while queue 0 runs on, and its Rx buffers go back to the
 * pool; a start posts buffers again in the same descriptors and enables
 * the ring, whose frames are then byte-exact, more than a ring of them;
 * Tx alike; a deferred queue is paused after the port's start until
 * started. Every mbuf is back once the port stops.
 */
static void
test_queue_pause(void)
{
	struct rte_eth_rxconf rxc = { .rx_deferred_start = 1 };
	struct rte_mbuf *m;
	struct flow_result r;
	unsigned int before;
	int ret, back;

	ret = mq_fx_up(2);
	if (ret == 0)
		ret = mq_port_setup(vn_port, vn_mp, 2);
	CHECK_GOTO(ret == 0 && wait_link(vh_port, true, 3000), out, "ports");
	CHECK(into_queue(1, 16) == 16, "queue 1 receives before the stop");
	before = rte_mempool_avail_count(vn_mp);
	CHECK(rte_eth_dev_rx_queue_stop(vn_port, 1) == 0 &&
		rxq_state(1) == RTE_ETH_QUEUE_STATE_STOPPED, "rxq 1 stop");
	back = rte_mempool_avail_count(vn_mp) - before;
	/* All the ring held: a burst's worth may wait for its refill. */
	CHECK(back > 256 - 2 * BURST && back <= 256,
		"the stopped ring's buffers back in the pool: %d", back);
	CHECK(into_queue(1, 16) == 0, "a stopped Rx queue receives nothing");
	r = flow_q(vh_port, vn_port, 0, 64, 100, 1, 0);
	CHECK(r.received == 64 && r.bad == 0, "queue 0 runs on: %u bad %u",
		r.received, r.bad);
	CHECK(rte_eth_dev_rx_queue_start(vn_port, 1) == 0 &&
		rxq_state(1) == RTE_ETH_QUEUE_STATE_STARTED, "rxq 1 start");
	CHECK(rte_mempool_avail_count(vn_mp) == before,
		"a ring's worth posted again: %u of %u free",
		rte_mempool_avail_count(vn_mp), before);
	/* Byte-exact, and no frame of the stopped time: they were never put. */
	r = flow_q(vh_port, vn_port, 1, 300, 200, 1, 0);
	CHECK(r.received == 300 && r.bad == 0,
		"queue 1 after the start (more than a ring): %u bad %u",
		r.received, r.bad);

	CHECK(rte_eth_dev_tx_queue_stop(vn_port, 1) == 0, "txq 1 stop");
	m = test_frame(tx_mp, 64, 0, 1);
	ret = rte_eth_tx_burst(vn_port, 1, &m, 1);
	if (ret == 0)
		rte_pktmbuf_free(m);
	CHECK(ret == 0, "a stopped Tx queue sends nothing");
	CHECK(rte_eth_dev_tx_queue_start(vn_port, 1) == 0, "txq 1 start");
	r = flow_q(vn_port, vh_port, 1, 32, 100, 1, 0);
	CHECK(r.received == 32 && r.bad == 0, "Tx queue 1 after the start: %u",
		r.received);

	CHECK(rte_eth_dev_stop(vn_port) == 0 && pools_full(), "port stop");
	CHECK(rte_eth_rx_queue_setup(vn_port, 1, 256, 0, &rxc, vn_mp) == 0,
		"deferred setup");
	CHECK_GOTO(rte_eth_dev_start(vn_port) == 0, out, "start");
	CHECK(rxq_state(1) == RTE_ETH_QUEUE_STATE_STOPPED &&
		rxq_state(0) == RTE_ETH_QUEUE_STATE_STARTED &&
		into_queue(1, 16) == 0, "deferred queue 1 stopped after start");
	CHECK(rte_eth_dev_rx_queue_start(vn_port, 1) == 0 &&
		into_queue(1, 16) == 16, "deferred queue 1 started");
	CHECK(rte_eth_dev_stop(vn_port) == 0 && pools_full(), "port stop");
out:
	fx_down();
}

/*
 * A multicast (or zero) MAC in the device config: the port takes a random
 * locally administered unicast one (logged) and tells the device at each
 * start (MAC_ADDR_SET; a NACK there is logged and the port still starts).
 */
static void
test_random_mac(void)
{
	static const char *const bad[] = { "01:00:5e:00:00:01", "00:00:00:00:00:00" };
	char args[64], want[64];
	struct rte_ether_addr mac;
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(bad); i++) {
		snprintf(args, sizeof(args), "cq=1,mac=%s", bad[i]);
		CHECK_GOTO(fx_up(args) == 0, out, "setup %s", bad[i]);
		CHECK(rte_eth_macaddr_get(vn_port, &mac) == 0 &&
			rte_is_valid_assigned_ether_addr(&mac) &&
			(mac.addr_bytes[0] & RTE_ETHER_LOCAL_ADMIN_ADDR),
			"device MAC %s: port MAC " RTE_ETHER_ADDR_PRT_FMT, bad[i],
			RTE_ETHER_ADDR_BYTES(&mac));
		snprintf(want, sizeof(want), "device does not take MAC "
			RTE_ETHER_ADDR_PRT_FMT " (MAC_ADDR_SET)",
			RTE_ETHER_ADDR_BYTES(&mac));
		CHECK(rte_eth_dev_stop(vn_port) == 0, "stop");
		setenv(CQ_FAULT, "nack", 1);
		ret = start_logged(vn_port);
		unsetenv(CQ_FAULT);
		CHECK(ret == 0 && log_buf != NULL && strstr(log_buf, want) != NULL &&
			strstr(log_buf, "receive filters not restored") != NULL,
			"start did not tell the device %s: %d, %s", want, ret,
			log_buf ? log_buf : "(none)");
		free(log_buf);
		log_buf = NULL;
		CHECK(wait_link(vh_port, true, 3000), "vhost link");
		check_flow(vn_port, vh_port, 50, 200, 1);
		fx_down();
	}
	return;
out:
	fx_down();
}

/*
 * The device refuses the features at FEATURES_OK: vhost stops offering
 * one virtnet agreed to at probe, so the next start's SET_FEATURES is
 * refused. The start must fail with the reason logged, nothing held, and
 * work again once the device offers it again.
 */
static void
test_features_refused(void)
{
	const uint64_t mrg = 1ULL << 15;	/* VIRTIO_NET_F_MRG_RXBUF */
	int ret;

	CHECK_GOTO(fx_up("mrg_rxbuf=1") == 0, out, "setup");
	check_flow(vn_port, vh_port, 50, 300, 1);
	CHECK(rte_eth_dev_stop(vn_port) == 0, "stop");
	CHECK_GOTO(rte_vhost_driver_disable_features(sock_path, mrg) == 0, out,
		"vhost disable_features");
	ret = start_logged(vn_port);
	CHECK(ret != 0, "start succeeded with features the device refused");
	CHECK(log_buf != NULL && strstr(log_buf, "device refused features") != NULL,
		"no reason logged: %s", log_buf ? log_buf : "(none)");
	free(log_buf);
	log_buf = NULL;
	CHECK(pools_full(), "after refused start");
	CHECK(rte_vhost_driver_enable_features(sock_path, mrg) == 0,
		"vhost enable_features");
	CHECK_GOTO(rte_eth_dev_start(vn_port) == 0, out, "start after the device offers it again");
	CHECK(wait_link(vh_port, true, 3000) && wait_link(vn_port, true, 1000),
		"links after the second start");
	check_flow(vn_port, vh_port, 100, 1000, 1);
	check_flow(vh_port, vn_port, 100, 1000, 1);
out:
	rte_vhost_driver_enable_features(sock_path, mrg);
	fx_down();
}

static int
dummy_new_device(int vid __rte_unused)
{
	return 0;
}

static void
dummy_destroy_device(int vid __rte_unused)
{
}

static const struct rte_vhost_device_ops dummy_vhost_ops = {
	.new_device = dummy_new_device,
	.destroy_device = dummy_destroy_device,
};

/*
 * A back-end that returns offering less than was negotiated (here without
 * MRG_RXBUF) is refused with a log line and the port stays down; the
 * full back-end's return brings it up with the same features.
 */
static void
test_fewer_features_on_return(void)
{
	const uint64_t mrg = 1ULL << 15;	/* VIRTIO_NET_F_MRG_RXBUF */
	FILE *f, *old = rte_log_get_stream();
	struct rte_eth_burst_mode before, after;
	bool vhost_raw = false;

	CHECK_GOTO(fx_up("mrg_rxbuf=1") == 0, out, "setup");
	rte_eth_rx_burst_mode_get(vn_port, 0, &before);
	check_flow(vh_port, vn_port, 50, 300, 1);
	vh_down();
	CHECK(wait_link(vn_port, false, 3000), "link still up");
	f = open_memstream(&log_buf, &log_len);
	rte_openlog_stream(f);
	vhost_raw = rte_vhost_driver_register(sock_path, 0) == 0 &&
		rte_vhost_driver_disable_features(sock_path, mrg) == 0 &&
		rte_vhost_driver_callback_register(sock_path,
			&dummy_vhost_ops) == 0 &&
		rte_vhost_driver_start(sock_path) == 0;
	CHECK(vhost_raw, "vhost back-end without MRG_RXBUF");
	CHECK(!wait_link(vn_port, true, 2000), "port up on a back-end offering less");
	rte_openlog_stream(old);
	fclose(f);
	CHECK(log_buf != NULL && strstr(log_buf, "came back without features") != NULL,
		"no reason logged: %s", log_buf ? log_buf : "(none)");
	free(log_buf);
	log_buf = NULL;
	CHECK(pools_full(), "buffers held while refused");
	rte_vhost_driver_unregister(sock_path);
	vhost_raw = false;
	CHECK_GOTO(vh_up() == 0, out, "vhost back");
	CHECK(wait_back("full back-end after a refused one", 4000), "no link up");
	rte_eth_rx_burst_mode_get(vn_port, 0, &after);
	CHECK(strcmp(before.info, after.info) == 0, "Rx path changed: %s -> %s",
		before.info, after.info);
	CHECK(wait_link(vh_port, true, 3000), "vhost link");
	check_flow(vh_port, vn_port, 100, 3000, 1);
	check_flow(vn_port, vh_port, 100, 1000, 1);
out:
	if (vhost_raw)
		rte_vhost_driver_unregister(sock_path);
	fx_down();
}

/* The memory chunks of a pool (one per page where pages are apart). */
struct pool_chunks {
	unsigned int n;
	uintptr_t lo[512], hi[512];
};

static void
pool_chunk(struct rte_mempool *mp __rte_unused, void *arg,
		struct rte_mempool_memhdr *h, unsigned int idx __rte_unused)
{
	struct pool_chunks *c = arg;

	if (c->n < RTE_DIM(c->lo)) {
		c->lo[c->n] = (uintptr_t)h->addr;
		c->hi[c->n++] = (uintptr_t)h->addr + h->len;
	}
}

/* Whether every chunk in @p c lies in a region of vhost's memory table. */
static bool
vhost_maps_chunks(int vid, const struct pool_chunks *c)
{
	struct rte_vhost_memory *mem;
	unsigned int k, covered = 0;
	uint32_t i;

	if (rte_vhost_get_mem_table(vid, &mem) != 0)
		return false;
	for (k = 0; k < c->n; k++)
		for (i = 0; i < mem->nregions; i++)
			if (mem->regions[i].guest_user_addr <= c->lo[k] &&
			    c->hi[k] <= mem->regions[i].guest_user_addr +
					mem->regions[i].size) {
				covered++;
				break;
			}
	free(mem);
	return c->n > 0 && covered == c->n;
}

/* Whether vhost's memory table takes in all of @p mp within @p ms. */
static bool
vhost_maps_pool(struct rte_mempool *mp, unsigned int ms)
{
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(ms);
	int vid = rte_eth_vhost_get_vid_from_port_id(vh_port);
	static struct pool_chunks c;

	c.n = 0;
	if (rte_mempool_mem_iter(mp, pool_chunk, &c) > RTE_DIM(c.lo) || vid < 0)
		return false;
	while (!vhost_maps_chunks(vid, &c))
		if (rte_get_timer_cycles() >= end)
			return false;
		else
			rte_delay_ms(10);
	return true;
}

static void
test_memory_growth(void)
{
	struct rte_mempool *mp2;
	struct rte_mempool *saved = tx_mp;

	CHECK_GOTO(fx_up("") == 0, out, "setup");
	/* New memory after start must reach the back-end's table. */
	mp2 = rte_pktmbuf_pool_create("late_pool", 16383, 0, 0, 9216, 0);
	CHECK_GOTO(mp2 != NULL, out, "late pool");
	/*
	 * A back-end in this process is sent the table without a wait for
	 * its answer (it would need the heap lock the allocation holds):
	 * frames go once vhost maps it.
	 */
	CHECK(vhost_maps_pool(mp2, 2000), "the late pool is not in vhost's memory table");
	tx_mp = mp2;
	check_flow(vn_port, vh_port, 500, 9000, 1);
	tx_mp = saved;
	vn_down();
	CHECK(rte_mempool_avail_count(mp2) == 16383, "late pool leaked");
	rte_mempool_free(mp2);
out:
	tx_mp = saved;
	fx_down();
}


/* Probe with @args, expect failure and a log line containing @needle. */
static void
expect_rejected(const char *args, const char *needle)
{
	FILE *f = open_memstream(&log_buf, &log_len);
	FILE *old = rte_log_get_stream();
	int ret;

	rte_openlog_stream(f);
	ret = rte_vdev_init(VN_NAME, args);
	rte_openlog_stream(old);
	fclose(f);
	CHECK(ret != 0, "\"%s\" accepted", args);
	CHECK(log_buf != NULL && strstr(log_buf, needle) != NULL,
		"\"%s\": log lacks \"%s\": %s", args, needle,
		log_buf ? log_buf : "(none)");
	if (ret == 0)
		rte_vdev_uninit(VN_NAME);
	free(log_buf);
	log_buf = NULL;
}

static void
test_bad_devargs(void)
{
	char a[256];

	CHECK_GOTO(vh_up() == 0, out, "vhost");
#define P(x) (snprintf(a, sizeof(a), "path=%s,%s", sock_path, x), a)
	expect_rejected(P("bogus=1"), "unknown devarg \"bogus\"");
	expect_rejected(P("queue_sz=256"), "unknown devarg \"queue_sz\"");
	expect_rejected(P("queues=abc"), "invalid queues=abc: expected an integer in 1..128");
	expect_rejected(P("queue_size=256x"), "invalid queue_size=256x");
	expect_rejected(P("queue_size=100000"), "queue_size=100000: expected an integer in 32..32768");
	expect_rejected(P("queue_size=-1"), "invalid queue_size=-1");
	expect_rejected(P("mrg_rxbuf=2"), "invalid mrg_rxbuf=2: expected an integer in 0..1");
	expect_rejected(P("in_order=yes"), "invalid in_order=yes");
	expect_rejected(P("packed_vq=99999999999999999999"), "invalid packed_vq");
	expect_rejected(P("server="), "devarg server needs a value");
	expect_rejected(P("mac=01:02:03"), "invalid mac=01:02:03");
	expect_rejected(P("queues=2,cq=0"), "queues=2 needs cq=1");
	expect_rejected(P("queue_size=300"), "queue_size=300 must be a power of 2");
	expect_rejected(P("speed=500000"), "invalid speed=500000");
	expect_rejected("mac=02:00:00:00:00:01", "devarg path is mandatory");
	expect_rejected("path=/nonexistent/virtnet.sock", "cannot connect to vhost-user socket /nonexistent/virtnet.sock");
#undef P
	CHECK(rte_eth_dev_get_port_by_name(VN_NAME, &vn_port) != 0,
		"a rejected port was left behind");
	vn_port = UINT16_MAX;
	CHECK(pools_full(), "pools");
out:
	vh_down();
}

static void
test_accepted_devargs_logged(void)
{
	FILE *f = open_memstream(&log_buf, &log_len);
	FILE *old = rte_log_get_stream();
	int ret;

	CHECK_GOTO(vh_up() == 0, out, "vhost");
	rte_openlog_stream(f);
	ret = vn_probe("iface=tap9,vectorized=1,queue_size=1024");
	/* nb_desc 0: the PMD's default, the device's ring size. */
	if (ret == 0)
		ret = port_setup_ring(vn_port, vn_mp, false, 0);
	rte_openlog_stream(old);
	fclose(f);
	CHECK(ret == 0, "probe and start");
	CHECK(log_buf && strstr(log_buf, "devarg iface accepted but not implemented"),
		"iface not logged: %s", log_buf ? log_buf : "");
	/* Split Tx has no vector path: the choice is logged. */
	CHECK(log_buf && strstr(log_buf, ", Tx scalar (usable SIMD width"),
		"vectorized=1 choice not logged");
	free(log_buf);
	log_buf = NULL;
	if (ret == 0) {
		CHECK(wait_link(vh_port, true, 3000), "vhost link");
		CHECK(NB_MBUF - rte_mempool_avail_count(vn_mp) == 1024,
			"queue_size=1024 not used for the ring");
		check_flow(vn_port, vh_port, 200, 100, 1);
		check_flow(vh_port, vn_port, 200, 100, 1);
	}
out:
	fx_down();
}

/*
 * The ring is the application's nb_desc within what the device takes
 * (queue_size) and the layout allows; queue info and the mbufs the Rx
 * ring holds say so, and traffic flows at that size.
 */
static const struct {
	const char *args;
	uint16_t nb_desc;
	uint16_t ring;
} ring_cases[] = {
	{ "queue_size=1024", 512, 512 },
	{ "queue_size=1024", 300, 256 },	/* split: a power of 2 */
	{ "queue_size=256", 1024, 256 },	/* at most the device's */
	{ "queue_size=1024,packed_vq=1", 300, 300 },	/* packed: any */
	{ "queue_size=512,packed_vq=1", 0, 512 },	/* default */
	{ "queue_size=1024", 16, 64 },	/* room for refills and chains */
};

static void
ring_size_case(unsigned int i)
{
	struct rte_eth_rxq_info ri;
	struct rte_eth_txq_info ti;

	CHECK_GOTO(vh_up() == 0 && vn_probe(ring_cases[i].args) == 0 &&
		port_setup_ring(vn_port, vn_mp, false, ring_cases[i].nb_desc) == 0,
		out, "%s nb_desc %u: port up", ring_cases[i].args,
		ring_cases[i].nb_desc);
	CHECK(rte_eth_rx_queue_info_get(vn_port, 0, &ri) == 0 &&
		ri.nb_desc == ring_cases[i].ring, "%s nb_desc %u: Rx ring %u, want %u",
		ring_cases[i].args, ring_cases[i].nb_desc, ri.nb_desc,
		ring_cases[i].ring);
	CHECK(rte_eth_tx_queue_info_get(vn_port, 0, &ti) == 0 &&
		ti.nb_desc == ring_cases[i].ring, "Tx ring %u", ti.nb_desc);
	CHECK(NB_MBUF - rte_mempool_avail_count(vn_mp) == ring_cases[i].ring,
		"Rx ring holds %u mbufs", NB_MBUF - rte_mempool_avail_count(vn_mp));
	CHECK_GOTO(wait_link(vh_port, true, 3000), out, "vhost link");
	check_flow(vn_port, vh_port, 600, 100, 1);
	check_flow(vh_port, vn_port, 600, 100, 1);
out:
	fx_down();
}

static void
test_ring_size(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ring_cases); i++)
		ring_size_case(i);
}

/* The speed devarg is what the link reports; without it, unknown. */
static void
link_speed_case(const char *args, uint32_t want)
{
	struct rte_eth_link link;

	CHECK_GOTO(fx_up(args) == 0, out, "%s: port up", args);
	CHECK(rte_eth_link_get_nowait(vn_port, &link) == 0 &&
		link.link_status == RTE_ETH_LINK_UP &&
		link.link_speed == want &&
		link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX,
		"%s: link %u speed %u duplex %u, want speed %u", args,
		link.link_status, link.link_speed, link.link_duplex, want);
out:
	fx_down();
}

static void
test_link_speed(void)
{
	link_speed_case("speed=25000", RTE_ETH_SPEED_NUM_25G);
	link_speed_case("", RTE_ETH_SPEED_NUM_UNKNOWN);
}

/* ---- xstats: names and meaning of net_virtio's, virtnet's own ---- */

#define VIO_NAME	"net_virtio_user0"
#define XS_QUEUES	2

/* Sizes at every edge of net_virtio's size bins, as the driver sees them. */
static const uint32_t xs_sizes[] = {
	60, 63, 64, 65, 127, 128, 255, 256, 511, 512, 1023, 1024, 1518, 1519,
	2000,
};

/* Destinations of each size: unicast, multicast, broadcast. */
static const struct rte_ether_addr xs_dst[] = {
	{{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }},
	{{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }},
	{{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }},
};

static const char * const xs_bin_names[] = {
	"undersize_packets", "size_64_packets", "size_65_127_packets",
	"size_128_255_packets", "size_256_511_packets",
	"size_512_1023_packets", "size_1024_1518_packets",
	"size_1519_max_packets",
};

/* What one queue must count. */
struct xs_expect {
	uint64_t packets, bytes, multicast, broadcast, bins[8];
};

/* net_virtio's bins (virtio_update_packet_stats), written out. */
static unsigned int
xs_bin(uint32_t len)
{
	if (len < 64)
		return 0;
	if (len == 64)
		return 1;
	if (len <= 127)
		return 2;
	if (len <= 255)
		return 3;
	if (len <= 511)
		return 4;
	if (len <= 1023)
		return 5;
	if (len <= 1518)
		return 6;
	return 7;
}

/* Multicast counts no broadcast: net_virtio's meaning. */
static void
xs_expect_add(struct xs_expect *e, uint32_t len, unsigned int kind)
{
	e->packets++;
	e->bytes += len;
	e->bins[xs_bin(len)]++;
	e->multicast += kind == 1;
	e->broadcast += kind == 2;
}

/*
 * Frames of every size and kind, 1 to 3 of each as @salt says, from
 * queue @q of @tx to @rx: all must arrive; what they are goes into @e.
 */
static bool
xs_traffic(uint16_t tx, uint16_t rx, uint16_t q, unsigned int salt,
		struct xs_expect *e)
{
	struct rte_mbuf *all[RTE_DIM(xs_sizes) * RTE_DIM(xs_dst) * 3];
	struct rte_mbuf *in[BURST];
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(3000);
	uint32_t n = 0, sent = 0, received = 0;
	unsigned int i, k, c;
	uint16_t got;

	for (i = 0; i < RTE_DIM(xs_sizes); i++)
		for (k = 0; k < RTE_DIM(xs_dst); k++)
			for (c = 0; c <= (i + k + salt) % 3; c++) {
				all[n] = test_frame(tx_mp, xs_sizes[i], n, 1);
				if (all[n] == NULL)
					goto out;
				rte_ether_addr_copy(&xs_dst[k], rte_pktmbuf_mtod(
					all[n], struct rte_ether_addr *));
				xs_expect_add(e, xs_sizes[i], k);
				n++;
			}
	while (received < n && rte_get_timer_cycles() < end) {
		if (sent < n)
			sent += rte_eth_tx_burst(tx, q, all + sent,
				RTE_MIN(n - sent, (uint32_t)BURST));
		got = rte_eth_rx_burst(rx, q, in, BURST);
		rte_pktmbuf_free_bulk(in, got);
		received += got;
	}
out:
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(all[i]);
	if (received != n)
		printf("    queue %u: %u of %u frames arrived\n", q, received, n);
	return received == n && n > 0;
}

/* Every xstat of a port, names and values as rte_eth_xstats_get gives. */
struct xs_all {
	int n;
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *vals;
};

static void
xs_free(struct xs_all *a)
{
	free(a->names);
	free(a->vals);
	memset(a, 0, sizeof(*a));
}

static bool
xs_take(uint16_t port, struct xs_all *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->n = rte_eth_xstats_get_names(port, NULL, 0);
	if (a->n <= 0)
		return false;
	a->names = calloc(a->n, sizeof(*a->names));
	a->vals = calloc(a->n, sizeof(*a->vals));
	if (a->names == NULL || a->vals == NULL ||
	    rte_eth_xstats_get_names(port, a->names, a->n) != a->n ||
	    rte_eth_xstats_get(port, a->vals, a->n) != a->n) {
		xs_free(a);
		return false;
	}
	for (i = 0; i < a->n; i++)
		if (a->vals[i].id != (uint64_t)i) {
			xs_free(a);
			return false;
		}
	return true;
}

static bool
xs_find(const struct xs_all *a, const char *name, uint64_t *v)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->names[i].name, name) == 0) {
			*v = a->vals[i].value;
			return true;
		}
	return false;
}

/* Counter @name of @port: by name in @a, and alone by its id. */
static void
xs_check(uint16_t port, const struct xs_all *a, const char *name,
		uint64_t want)
{
	uint64_t v = UINT64_MAX, byid = UINT64_MAX, id = UINT64_MAX;

	CHECK(xs_find(a, name, &v) && v == want,
		"%s: %" PRIu64 ", want %" PRIu64, name, v, want);
	CHECK(rte_eth_xstats_get_id_by_name(port, name, &id) == 0 &&
		rte_eth_xstats_get_by_id(port, &id, &byid, 1) == 1 &&
		byid == want, "%s by id %" PRIu64 ": %" PRIu64, name, id, byid);
}

/* One queue's net_virtio counters, and virtnet's that are 0 here. */
static void
xs_check_queue(uint16_t port, const struct xs_all *a, bool rx, uint16_t q,
		const struct xs_expect *e)
{
	static const char * const zero_rx[] = { "errors",
		"mbuf_allocation_errors", "bad_used_idx_errors",
		"bad_used_id_errors", "bad_used_len_errors" };
	static const char * const zero_tx[] = { "errors", "indirect_packets",
		"chained_packets", "bad_used_idx_errors", "bad_used_id_errors",
		"bad_used_len_errors" };
	const char *d = rx ? "rx" : "tx";
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	unsigned int b;

#define XS(s, want) do { \
	snprintf(name, sizeof(name), "%s_q%u_%s", d, q, s); \
	xs_check(port, a, name, want); \
} while (0)
	XS("good_packets", e->packets);
	XS("good_bytes", e->bytes);
	XS("multicast_packets", e->multicast);
	XS("broadcast_packets", e->broadcast);
	for (b = 0; b < RTE_DIM(xs_bin_names); b++)
		XS(xs_bin_names[b], e->bins[b]);
	for (b = 0; b < (rx ? RTE_DIM(zero_rx) : RTE_DIM(zero_tx)); b++)
		XS(rx ? zero_rx[b] : zero_tx[b], 0);
#undef XS
}

/*
 * All of the driver's ids at once, values and names, against the full
 * list; an id past the end fails.
 */
static void
xs_check_ids(uint16_t port, const struct xs_all *a)
{
	int basic = rte_eth_xstats_get_names_by_id(port, NULL, 0, NULL), i;
	int nd = a->n - 8;	/* ethdev's 8 basic ones first */
	struct rte_eth_xstat_name *names = calloc(a->n, sizeof(*names));
	uint64_t *ids = calloc(a->n + 1, sizeof(*ids));
	uint64_t *v = calloc(a->n, sizeof(*v));

	CHECK_GOTO(names != NULL && ids != NULL && v != NULL && basic == a->n,
		out, "memory, count %d of %d", basic, a->n);
	for (i = 0; i < nd; i++)
		ids[i] = a->n - 1 - i;	/* backwards: order is the caller's */
	CHECK(rte_eth_xstats_get_by_id(port, ids, v, nd) == nd,
		"get_by_id of %d", nd);
	CHECK(rte_eth_xstats_get_names_by_id(port, names, nd, ids) == nd,
		"names_by_id of %d", nd);
	for (i = 0; i < nd; i++) {
		CHECK(v[i] == a->vals[ids[i]].value &&
			strcmp(names[i].name, a->names[ids[i]].name) == 0,
			"id %" PRIu64 ": %s %" PRIu64 ", list says %s %" PRIu64,
			ids[i], names[i].name, v[i], a->names[ids[i]].name,
			a->vals[ids[i]].value);
	}
	ids[0] = a->n;
	CHECK(rte_eth_xstats_get_by_id(port, ids, v, 1) < 0,
		"id %d past the end accepted", a->n);
out:
	free(names);
	free(ids);
	free(v);
}

/* After a reset every counter, ethdev's and the driver's, is 0. */
static void
xs_check_zero(uint16_t port, const char *what)
{
	struct xs_all a;
	int i, nz = 0;

	CHECK_GOTO(xs_take(port, &a), out, "%s: xstats", what);
	for (i = 0; i < a.n; i++)
		if (a.vals[i].value != 0 && nz++ < 5)
			printf("    %s: %s = %" PRIu64 "\n", what,
				a.names[i].name, a.vals[i].value);
	CHECK(nz == 0, "%s: %d counters not 0", what, nz);
out:
	xs_free(&a);
}

/* The vhost library's id of the device on our socket. */
static int
vh_vid(void)
{
	char name[sizeof(sock_path)];
	int vid;

	for (vid = 0; vid < RTE_MAX_VHOST_DEVICE; vid++)
		if (rte_vhost_get_ifname(vid, name, sizeof(name)) == 0 &&
		    strcmp(name, sock_path) == 0)
			return vid;
	return -1;
}

/*
 * Notifications the driver sent on virtqueue @vq since the last call:
 * virtio-user writes 1 to the queue's kick eventfd per notification, and
 * nothing in this process reads it (net_vhost polls).
 */
static uint64_t
vh_kicks(uint16_t vq)
{
	struct rte_vhost_vring vr;
	uint64_t n = 0;

	if (rte_vhost_get_vhost_vring(vh_vid(), vq, &vr) != 0 || vr.kickfd < 0)
		return UINT64_MAX;
	if (read(vr.kickfd, &n, sizeof(n)) != sizeof(n))
		return 0;	/* EAGAIN: none */
	return n;
}

/* vhost (net_vhost) with @nq queue pairs. */
static int
vh_up_q(uint16_t nq)
{
	char args[160];

	snprintf(args, sizeof(args), "iface=%s,queues=%u", sock_path, nq);
	if (rte_vdev_init(VH_NAME, args) != 0 ||
	    rte_eth_dev_get_port_by_name(VH_NAME, &vh_port) != 0)
		return -1;
	return mq_port_setup(vh_port, vh_mp, nq);
}

/*
 * What the vhost side receives until 300 ms pass without a frame (the
 * announce virtnet sends after a reconnect): what virtnet's Tx queues
 * must have counted too.
 */
static void
xs_drain(struct xs_expect tx[XS_QUEUES])
{
	uint64_t idle = rte_get_timer_cycles() + ms_to_cycles(300);
	struct rte_mbuf *in[BURST];
	unsigned int k;
	uint16_t q, n, i;

	while (rte_get_timer_cycles() < idle) {
		for (q = 0; q < XS_QUEUES; q++) {
			n = rte_eth_rx_burst(vh_port, q, in, BURST);
			for (i = 0; i < n; i++) {
				const struct rte_ether_addr *d = rte_pktmbuf_mtod(
					in[i], const struct rte_ether_addr *);

				k = rte_is_broadcast_ether_addr(d) ? 2 :
					rte_is_multicast_ether_addr(d) ? 1 : 0;
				xs_expect_add(&tx[q], in[i]->pkt_len, k);
				idle = rte_get_timer_cycles() + ms_to_cycles(300);
			}
			rte_pktmbuf_free_bulk(in, n);
		}
	}
}

/* The same frames both ways on every queue; what each must count. */
static bool
xs_run(uint16_t port, struct xs_expect rx[XS_QUEUES],
		struct xs_expect tx[XS_QUEUES])
{
	bool ok = true;
	uint16_t q;

	memset(rx, 0, sizeof(*rx) * XS_QUEUES);
	memset(tx, 0, sizeof(*tx) * XS_QUEUES);
	for (q = 0; q < XS_QUEUES; q++) {
		ok &= xs_traffic(port, vh_port, q, 2 * q, &tx[q]);
		ok &= xs_traffic(vh_port, port, q, 2 * q + 1, &rx[q]);
	}
	return ok;
}

/*
 * net_virtio_user on the same vhost set-up, same queues and layout, the
 * same frames: its xstats must be the first of ours, name by name in its
 * order, each with our value.
 */
static void
xs_compare_virtio(const struct xs_all *ours)
{
	struct xs_expect rx[XS_QUEUES], tx[XS_QUEUES];
	uint16_t port = UINT16_MAX;
	struct xs_all vio = { 0 };
	char args[512];
	int i;

	snprintf(args, sizeof(args), "path=%s,queues=%u,cq=1%s%s", sock_path,
		XS_QUEUES, layout_args[0] ? "," : "", layout_args);
	CHECK_GOTO(vh_up_q(XS_QUEUES) == 0 && rte_vdev_init(VIO_NAME, args) == 0 &&
		rte_eth_dev_get_port_by_name(VIO_NAME, &port) == 0 &&
		mq_port_setup(port, vn_mp, XS_QUEUES) == 0 &&
		wait_link(vh_port, true, 3000), out, "net_virtio_user %s", args);
	CHECK(rte_eth_xstats_reset(port) == 0, "net_virtio reset");
	CHECK_GOTO(xs_run(port, rx, tx), out, "net_virtio traffic");
	CHECK_GOTO(xs_take(port, &vio), out, "net_virtio xstats");
	printf("    net_virtio: %d xstats, virtnet: %d\n", vio.n, ours->n);
	CHECK(vio.n > 8 && vio.n < ours->n, "counts");
	for (i = 0; i < vio.n && i < ours->n; i++)
		CHECK(strcmp(vio.names[i].name, ours->names[i].name) == 0 &&
			vio.vals[i].value == ours->vals[i].value,
			"id %d: net_virtio %s %" PRIu64 ", virtnet %s %" PRIu64,
			i, vio.names[i].name, vio.vals[i].value,
			ours->names[i].name, ours->vals[i].value);
out:
	xs_free(&vio);
	if (port != UINT16_MAX) {
		rte_eth_dev_stop(port);
		rte_vdev_uninit(VIO_NAME);
	}
	vh_down();
}

/* Every name once. */
static void
xs_check_unique(const struct xs_all *a)
{
	int i, j;

	for (i = 0; i < a->n; i++)
		for (j = i + 1; j < a->n; j++)
			CHECK(strcmp(a->names[i].name, a->names[j].name) != 0,
				"%s twice", a->names[i].name);
}

static void
xs_check_port(const struct xs_all *a)
{
	static const char * const ctrl[] = { "ctrl_commands",
		"ctrl_nack_errors", "ctrl_timeout_errors",
		"ctrl_refused_errors" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(ctrl); i++)
		xs_check(vn_port, a, ctrl[i], 0);
}

/* Notifications counted = those the device got, per virtqueue. */
static void
xs_check_kicks(const struct xs_all *a, const uint64_t before[2 * XS_QUEUES])
{
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	uint64_t v = 0, k;
	uint16_t vq;

	for (vq = 0; vq < 2 * XS_QUEUES; vq++) {
		snprintf(name, sizeof(name), "%s_q%u_notifications",
			vq & 1 ? "tx" : "rx", vq / 2);
		k = vh_kicks(vq);
		CHECK(xs_find(a, name, &v) && v - before[vq] == k,
			"%s: %" PRIu64 " - %" PRIu64 ", the device got %" PRIu64,
			name, v, before[vq], k);
	}
}

static void
xs_kick_marks(uint64_t before[2 * XS_QUEUES])
{
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	uint64_t id;
	uint16_t vq;

	for (vq = 0; vq < 2 * XS_QUEUES; vq++) {
		snprintf(name, sizeof(name), "%s_q%u_notifications",
			vq & 1 ? "tx" : "rx", vq / 2);
		vh_kicks(vq);
		before[vq] = UINT64_MAX;
		if (rte_eth_xstats_get_id_by_name(vn_port, name, &id) == 0)
			rte_eth_xstats_get_by_id(vn_port, &id, &before[vq], 1);
	}
}

/*
 * Frames of every size edge and kind, both ways on two queues: each
 * net_virtio counter exact, by name and by id; virtnet's notifications
 * equal to what the device received; names and values equal to
 * net_virtio's with the same frames; counters kept across a back-end
 * reconnect; a Tx VLAN insertion counted at the length sent;
 * xstats_reset and stats_reset zero everything.
 */
static void
test_xstats(void)
{
	struct xs_expect rx[XS_QUEUES], tx[XS_QUEUES];
	uint64_t kicks[2 * XS_QUEUES], b64;
	struct xs_all a = { 0 }, b = { 0 };
	struct rte_mbuf *m;
	uint16_t q;

	CHECK_GOTO(vh_up_q(XS_QUEUES) == 0 && vn_probe("queues=2,cq=1") == 0 &&
		mq_port_setup(vn_port, vn_mp, XS_QUEUES) == 0 &&
		wait_link(vh_port, true, 3000), out, "setup");
	CHECK(rte_eth_xstats_reset(vn_port) == 0, "xstats_reset");
	xs_check_zero(vn_port, "after xstats_reset");
	xs_kick_marks(kicks);
	CHECK_GOTO(xs_run(vn_port, rx, tx), out, "traffic");
	CHECK_GOTO(xs_take(vn_port, &a), out, "xstats");
	for (q = 0; q < XS_QUEUES; q++) {
		xs_check_queue(vn_port, &a, true, q, &rx[q]);
		xs_check_queue(vn_port, &a, false, q, &tx[q]);
	}
	xs_check_port(&a);
	xs_check_kicks(&a, kicks);
	xs_check_ids(vn_port, &a);
	xs_check_unique(&a);
	/* The back-end goes and comes back: the counters stay. */
	vh_down();
	CHECK(wait_link(vn_port, false, 3000), "link down");
	CHECK_GOTO(vh_up_q(XS_QUEUES) == 0 && wait_back("xstats reconnect", 3000) &&
		wait_link(vh_port, true, 3000), out, "back-end back");
	xs_drain(tx);	/* the announce the port sends on its return */
	CHECK_GOTO(xs_take(vn_port, &b), out, "xstats after the reconnect");
	for (q = 0; q < XS_QUEUES; q++) {
		xs_check_queue(vn_port, &b, true, q, &rx[q]);
		xs_check_queue(vn_port, &b, false, q, &tx[q]);
	}
	xs_free(&b);
	CHECK(xs_traffic(vn_port, vh_port, 0, 1, &tx[0]), "traffic after");
	/* A 60 B frame with a VLAN to insert counts as the 64 B one sent. */
	m = test_frame(tx_mp, 60, 0, 1);
	CHECK_GOTO(m != NULL, out, "frame");
	m->ol_flags |= RTE_MBUF_F_TX_VLAN;
	m->vlan_tci = 5;
	b64 = tx[0].bins[1];
	if (rte_eth_tx_burst(vn_port, 0, &m, 1) != 1)
		rte_pktmbuf_free(m);
	xs_drain(tx);
	CHECK(tx[0].bins[1] == b64 + 1, "the VLAN frame did not arrive at 64 B");
	CHECK_GOTO(xs_take(vn_port, &b), out, "xstats after");
	xs_check_queue(vn_port, &b, false, 0, &tx[0]);
	CHECK(rte_eth_stats_reset(vn_port) == 0, "stats_reset");
	xs_check_zero(vn_port, "after stats_reset");
	vn_down();
	vh_down();
	xs_compare_virtio(&a);
out:
	xs_free(&a);
	xs_free(&b);
	fx_down();
}

enum xs_fault { XS_BAD_ID, XS_BAD_LEN, XS_BAD_USED_IDX };

static const char * const xs_fault_names[] = {
	"rx_q0_bad_used_id_errors", "rx_q0_bad_used_len_errors",
	"rx_q0_bad_used_idx_errors",
};

static unsigned int reset_events;

/* Whether *@p v reaches @p want within @p ms. */
static bool
wait_count(unsigned int *v, unsigned int want, unsigned int ms)
{
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(ms);

	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) < want &&
	       rte_get_timer_cycles() < end)
		rte_delay_ms(1);
	return __atomic_load_n(v, __ATOMIC_ACQUIRE) >= want;
}

/* One Rx burst on virtnet's queue 0 with the log captured into log_buf. */
static uint16_t
rx_logged(struct rte_mbuf **m)
{
	FILE *old, *f = log_capture(&old);
	uint16_t n = rte_eth_rx_burst(vn_port, 0, m, BURST);

	log_capture_end(f, old);
	return n;
}

/*
 * As the device, write one bad used entry into Rx queue 0's split ring
 * (full of buffers, none used yet): an id out of range, the first
 * buffer's id with a length beyond it, or a used index past the ring.
 */
static bool
xs_inject(enum xs_fault f)
{
	struct rte_vhost_vring vr;
	uint16_t idx, slot;

	if (rte_vhost_get_vhost_vring(vh_vid(), 0, &vr) != 0 || vr.used == NULL)
		return false;
	idx = __atomic_load_n(&vr.used->idx, __ATOMIC_RELAXED);
	slot = idx & (vr.size - 1);
	if (f == XS_BAD_USED_IDX) {
		__atomic_store_n(&vr.used->idx, (uint16_t)(idx + vr.size + 1),
			__ATOMIC_RELEASE);
		return true;
	}
	vr.used->ring[slot].id = f == XS_BAD_ID ? vr.size + 7u :
		vr.avail->ring[slot];
	vr.used->ring[slot].len = f == XS_BAD_ID ? 100 : 1u << 20;
	__atomic_store_n(&vr.used->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE);
	return true;
}

/*
 * Device faults by kind: each kind injected once into a fresh ring, the
 * queue stops, its counter says 1 (the others what they said), and keeps
 * saying it once the ring is freed and made again at the next start; the
 * basic ierrors count them too; a reset zeroes them; traffic flows after.
 */
static void
test_xstats_faults(void)
{
	struct rte_mbuf *m[BURST];
	struct rte_eth_stats st;
	unsigned int f, k;

	if (strstr(layout_args, "packed_vq=1") != NULL) {
		printf("    split rings only (the test writes a used ring)\n");
		return;
	}
	CHECK_GOTO(fx_up("") == 0, out, "setup");
	reset_events = 0;
	CHECK_GOTO(rte_eth_dev_callback_register(vn_port,
		RTE_ETH_EVENT_INTR_RESET, count_cb, &reset_events) == 0, out,
		"callback");
	rte_eth_xstats_reset(vn_port);
	for (f = 0; f < RTE_DIM(xs_fault_names); f++) {
		CHECK_GOTO(xs_inject(f), out, "inject %s", xs_fault_names[f]);
		CHECK(rx_logged(m) == 0, "%s: frames from a bad ring",
			xs_fault_names[f]);
		CHECK(log_buf != NULL && strstr(log_buf,
			"Rx queue 0 stopped: the device") != NULL,
			"%s: no log line", xs_fault_names[f]);
		free(log_buf);
		log_buf = NULL;
		/* Once per broken ring: more bursts neither log nor signal. */
		CHECK(rx_logged(m) == 0 && log_buf != NULL && log_buf[0] == 0,
			"%s: logged again", xs_fault_names[f]);
		free(log_buf);
		log_buf = NULL;
		CHECK(wait_count(&reset_events, f + 1, 2000) &&
			!wait_count(&reset_events, f + 2, 100),
			"%s: %u reset events, want %u", xs_fault_names[f],
			reset_events, f + 1);
		for (k = 0; k < RTE_DIM(xs_fault_names); k++)
			CHECK(xs_get(xs_fault_names[k]) == (k <= f),
				"after %s: %s = %" PRIu64, xs_fault_names[f],
				xs_fault_names[k], xs_get(xs_fault_names[k]));
		CHECK(rte_eth_stats_get(vn_port, &st) == 0 &&
			st.ierrors == f + 1, "ierrors %" PRIu64, st.ierrors);
		CHECK(rte_eth_dev_stop(vn_port) == 0 && pools_full(), "stop");
		CHECK(rte_eth_dev_start(vn_port) == 0 &&
			wait_link(vh_port, true, 3000), "start");
	}
	for (k = 0; k < RTE_DIM(xs_fault_names); k++)
		CHECK(xs_get(xs_fault_names[k]) == 1, "%s after restarts",
			xs_fault_names[k]);
	CHECK(xs_get("tx_q0_bad_used_id_errors") == 0, "Tx counted Rx faults");
	CHECK(rte_eth_xstats_reset(vn_port) == 0, "reset");
	xs_check_zero(vn_port, "faults after xstats_reset");
	check_flow(vn_port, vh_port, 100, 500, 1);
	check_flow(vh_port, vn_port, 100, 500, 1);
	/* What the event asks for: reset, configure and start again. */
	CHECK_GOTO(xs_inject(XS_BAD_ID), out, "inject again");
	CHECK(rte_eth_rx_burst(vn_port, 0, m, BURST) == 0, "bad ring again");
	CHECK(wait_count(&reset_events, f + 1, 2000), "no event for it");
	CHECK(rte_eth_dev_reset(vn_port) == 0 && pools_full(),
		"rte_eth_dev_reset");
	CHECK(port_setup(vn_port, vn_mp, false) == 0 &&
		wait_link(vh_port, true, 3000), "set up again after the reset");
	check_flow(vn_port, vh_port, 100, 500, 1);
	check_flow(vh_port, vn_port, 100, 500, 1);
out:
	rte_eth_dev_callback_unregister(vn_port, RTE_ETH_EVENT_INTR_RESET,
		count_cb, &reset_events);
	fx_down();
}

/*
 * An Rx pool a refill cannot fill: the queue's mbuf_allocation_errors
 * counts what the port's rx_nombuf counts; buffers back, traffic flows.
 */
static void
test_xstats_nombuf(void)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create("xs_small",
		256 + 16, 0, 0, MBUF_SIZE, 0);
	struct rte_mbuf *held[64], *m[BURST];
	struct rte_eth_stats st;
	uint16_t n = 0, i, k, s;
	uint64_t v;

	CHECK_GOTO(mp != NULL && vh_up() == 0 && vn_probe("") == 0 &&
		port_setup(vn_port, mp, false) == 0 &&
		wait_link(vh_port, true, 3000), out, "setup");
	/* 64 frames into a ring of 256 buffers, 16 mbufs left in the pool. */
	for (i = 0; i < 64; i += BURST) {
		for (k = 0; k < BURST; k++)
			m[k] = test_frame(tx_mp, 100, i + k, 1);
		s = rte_eth_tx_burst(vh_port, 0, m, BURST);
		rte_pktmbuf_free_bulk(m + s, BURST - s);
	}
	for (i = 0; i < 100 && n < 64; i++)
		n += rte_eth_rx_burst(vn_port, 0, held + n,
			RTE_MIN(64 - n, BURST));
	CHECK(n == 64, "received %u of 64", n);
	v = xs_get("rx_q0_mbuf_allocation_errors");
	CHECK(rte_eth_stats_get(vn_port, &st) == 0 && v == st.rx_nombuf &&
		v > 0, "rx_q0_mbuf_allocation_errors %" PRIu64 ", rx_nombuf %"
		PRIu64, v, st.rx_nombuf);
	rte_pktmbuf_free_bulk(held, n);
	check_flow(vh_port, vn_port, 300, 200, 1);
	v = xs_get("rx_q0_mbuf_allocation_errors");
	CHECK(rte_eth_stats_get(vn_port, &st) == 0 && v == st.rx_nombuf,
		"after traffic: %" PRIu64 ", rx_nombuf %" PRIu64, v,
		st.rx_nombuf);
out:
	fx_down();
	CHECK(mp == NULL || rte_mempool_avail_count(mp) == 256 + 16,
		"small pool: %u of %u", mp ? rte_mempool_avail_count(mp) : 0,
		256 + 16);
	rte_mempool_free(mp);
}

/* Test frame @seq of @len whose first segment holds 1 byte. */
static struct rte_mbuf *
frame_1byte_head(uint32_t len, uint32_t seq)
{
	struct rte_mbuf *m = test_frame(tx_mp, len, seq, 1);
	struct rte_mbuf *h = rte_pktmbuf_alloc(tx_mp);
	char *d;

	if (m == NULL || h == NULL || (d = rte_pktmbuf_append(h, 1)) == NULL) {
		rte_pktmbuf_free(m);
		rte_pktmbuf_free(h);
		return NULL;
	}
	*d = *rte_pktmbuf_mtod(m, char *);
	rte_pktmbuf_adj(m, 1);
	if (rte_pktmbuf_chain(h, m) != 0) {
		rte_pktmbuf_free(h);
		rte_pktmbuf_free(m);
		return NULL;
	}
	return h;
}

/*
 * Frame @seq of a mixed burst: mostly plain one-segment frames (the
 * vector path's four at a time), now and then one it leaves to the scalar
 * code: a chain, a 1-byte first segment, a frame the test holds a second
 * reference to (in @held), or one without room for the header.
 */
static struct rte_mbuf *
mixed_frame(uint32_t seq, uint32_t len, struct rte_mbuf **held)
{
	struct rte_mbuf *m;

	*held = NULL;
	switch (seq % 23) {
	case 5:
		return test_frame(tx_mp, len, seq, 3);
	case 11:
		return frame_1byte_head(len, seq);
	case 17:
		m = test_frame(tx_mp, len, seq, 1);
		if (m != NULL) {
			rte_mbuf_refcnt_update(m, 1);
			*held = m;
		}
		return m;
	case 19:
		m = test_frame(tx_mp, len, seq, 1);
		/* Data moved to the buffer's start: no headroom left. */
		if (m != NULL) {
			memmove(m->buf_addr, rte_pktmbuf_mtod(m, void *), len);
			m->data_off = 0;
		}
		return m;
	default:
		return test_frame(tx_mp, len, seq, 1);
	}
}

/*
 * Mixed bursts from virtnet to vhost: every frame arrives in order, byte
 * for byte; the counters say what was sent; no mbuf stays behind.
 */
static void
test_tx_mixed(void)
{
	struct rte_mbuf *pkts[BURST], *in[BURST], *held[BURST];
	uint64_t end = rte_get_timer_cycles() + ms_to_cycles(5000);
	uint32_t lens[4000], sent = 0, received = 0, bad = 0, seq, i;
	uint64_t bytes = 0, got_bytes = 0;
	struct rte_eth_burst_mode bm;
	struct rte_eth_stats st;
	uint16_t k, s, got;

	CHECK_GOTO(fx_up("") == 0, out, "setup");
	CHECK(rte_eth_tx_burst_mode_get(vn_port, 0, &bm) == 0 &&
		strcmp(bm.info, layout_tx) == 0,
		"Tx path \"%s\", %s expected", bm.info, layout_tx);
	rte_eth_stats_reset(vn_port);
	srand(12);
	for (i = 0; i < RTE_DIM(lens); i++)
		lens[i] = 60 + rand() % (1518 - 60 + 1);
	while (received < RTE_DIM(lens) && rte_get_timer_cycles() < end) {
		/* Odd burst sizes too: the last few of a burst go one by one. */
		k = RTE_MIN(1 + (uint32_t)rand() % BURST, RTE_DIM(lens) - sent);
		for (i = 0; i < k; i++) {
			pkts[i] = mixed_frame(sent + i, lens[sent + i], &held[i]);
			if (pkts[i] == NULL)
				break;
		}
		k = i;
		s = rte_eth_tx_burst(vn_port, 0, pkts, k);
		for (i = 0; i < k; i++) {
			if (held[i] != NULL)
				rte_pktmbuf_free(held[i]);	/* the test's own */
			if (i >= s)
				rte_pktmbuf_free(pkts[i]);
			else
				bytes += lens[sent + i];
		}
		sent += s;	/* what was not sent goes again, same seq */
		got = rte_eth_rx_burst(vh_port, 0, in, BURST);
		for (i = 0; i < got; i++) {
			if (!test_frame_ok(in[i], &seq) || seq != received + i ||
			    in[i]->pkt_len != lens[seq % RTE_DIM(lens)])
				bad++;
			got_bytes += in[i]->pkt_len;
			rte_pktmbuf_free(in[i]);
		}
		received += got;
	}
	CHECK(sent == RTE_DIM(lens) && received == sent && bad == 0 &&
		got_bytes == bytes, "sent %u received %u bad %u bytes %" PRIu64
		" of %" PRIu64, sent, received, bad, got_bytes, bytes);
	CHECK(rte_eth_stats_get(vn_port, &st) == 0 && st.opackets == sent &&
		st.obytes == bytes && st.oerrors == 0,
		"stats: %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64 " errors",
		st.opackets, st.obytes, st.oerrors);
	/* A first segment under 8 bytes counts as unicast (virtnet_tally_pkt). */
	CHECK(xs_get("tx_q0_broadcast_packets") == sent - (sent + 11) / 23,
		"broadcast %" PRIu64 " of %u", xs_get("tx_q0_broadcast_packets"),
		sent);
out:
	fx_down();
}

/* Hugepage files of this run stay behind after exit: remove them. */
static void
remove_hugepage_files(int argc, char **argv)
{
	char pat[256];
	glob_t g;
	size_t i;
	int k;

	for (k = 1; k + 1 < argc; k++) {
		if (strcmp(argv[k], "--file-prefix") != 0)
			continue;
		snprintf(pat, sizeof(pat), "/dev/hugepages/%smap_*", argv[k + 1]);
		if (glob(pat, 0, NULL, &g) == 0) {
			for (i = 0; i < g.gl_pathc; i++)
				unlink(g.gl_pathv[i]);
			globfree(&g);
		}
	}
}

static int
parse_test_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--huge") == 0)
			huge_mode = true;
		else
			return -1;
	}
	return 0;
}

static const struct {
	const char *name;	/* also the Tx path burst_mode_get must report */
	const char *args;
	const char *vec_tx;	/* vectorized=1: the Tx path on an AVX512 CPU */
} layouts[] = {
	{ "split", "in_order=0", NULL },
	{ "split in-order", "in_order=1", NULL },
	{ "packed", "packed_vq=1,in_order=0", NULL },
	{ "packed in-order", "packed_vq=1,in_order=1,queue_size=255", NULL },
	{ "packed", "packed_vq=1,in_order=0,vectorized=1",
		"packed vector avx512" },
	{ "packed in-order", "packed_vq=1,in_order=1,vectorized=1",
		"packed in-order vector avx512" },
};

/* Whether virtnet may choose its AVX512 paths here (cf. virtnet_simd_width). */
static bool
avx512_usable(void)
{
#if defined(VIRTNET_AVX512)
	/* The EAL's default is 256 bits unless --force-max-simd-bitwidth. */
	rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_512);
	return rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512BW) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL) > 0 &&
		rte_vect_get_max_simd_bitwidth() >= RTE_VECT_SIMD_512;
#else
	return false;
#endif
}

/*
 * What the vector Tx path is given: the tests that send. Not test_xstats:
 * it compares with net_virtio's xstats, and net_virtio's vector Tx counts
 * no size bins nor multicast (test_tx_mixed checks virtnet's).
 */
static void
run_vector_layout(void)
{
	RUN(test_tx_sizes);
	RUN(test_multiseg_tx);
	RUN(test_indirect_tx);
	RUN(test_tx_mixed);
	RUN(test_mempool_after_stop_and_close);
	RUN(test_tx_done_cleanup);
	RUN(test_queue_status);
	RUN(test_offloads);
}

int
main(int argc, char **argv)
{
	unsigned int layout;
	int n;

	remove_hugepage_files(argc, argv);
	n = rte_eal_init(argc, argv);

	if (n < 0) {
		printf("EAL init failed\n0 passed, 1 failed\n");
		return 1;
	}
	if (parse_test_args(argc - n, argv + n) < 0) {
		printf("usage: test_vhost <EAL args> -- [--huge]\n");
		return 1;
	}
	snprintf(sock_path, sizeof(sock_path), "/tmp/virtnet-test-%d.sock",
		(int)getpid());
	vh_mp = rte_pktmbuf_pool_create("vh_mp", NB_MBUF, 0, 0, MBUF_SIZE, 0);
	vn_mp = rte_pktmbuf_pool_create("vn_mp", NB_MBUF, 0, 0, MBUF_SIZE, 0);
	tx_mp = rte_pktmbuf_pool_create("tx_mp", NB_MBUF, 0, 0, MBUF_SIZE, 0);
	if (vh_mp == NULL || vn_mp == NULL || tx_mp == NULL) {
		printf("mempools: %s\n0 passed, 1 failed\n", rte_strerror(rte_errno));
		return 1;
	}
	/*
	 * The vhost library opens its event thread's pipe at its first start
	 * and keeps it: one port up and down first, so that the fd counts of
	 * the tests start after it, also when one runs alone.
	 */
	fx_up("");
	fx_down();
	RUN(test_probe_and_link);
	RUN(test_bad_devargs);
	RUN(test_accepted_devargs_logged);
	RUN(test_ring_size);
	RUN(test_link_speed);
	RUN(test_features_refused);
	RUN(test_fewer_features_on_return);
	RUN(test_server_mode);
	RUN(test_close_in_lsc_callback);
	RUN(test_ctrl_faults);
	RUN(test_cq_forged);
	RUN(test_private_memory);
	RUN(test_filters_user);
	RUN(test_random_mac);
	RUN(test_rss_absent);
	RUN(test_announce_on_reconnect);
	RUN(test_xstats_nombuf);
	for (layout = 0; layout < RTE_DIM(layouts); layout++) {
		layout_args = layouts[layout].args;
		layout_path = layouts[layout].name;
		layout_tx = layout_path;
		if (layouts[layout].vec_tx != NULL) {
			if (avx512_usable())
				layout_tx = layouts[layout].vec_tx;
			printf("=== %s ring, vectorized=1, Tx %s\n", layout_path,
				layout_tx);
			run_vector_layout();
			continue;
		}
		printf("=== %s ring\n", layouts[layout].name);
		RUN(test_tx_sizes);
		RUN(test_rx_sizes);
		RUN(test_multiseg_tx);
		RUN(test_indirect_tx);
		RUN(test_jumbo_rx_mergeable);
		RUN(test_non_mergeable);
		RUN(test_mempool_after_stop_and_close);
		RUN(test_tx_done_cleanup);
		RUN(test_queue_status);
		RUN(test_rx_interrupts);
		RUN(test_queue_pause);
		RUN(test_restart_100);
		RUN(test_backend_gone);
		RUN(test_offloads);
		RUN(test_vector_rx);
		RUN(test_multiqueue);
		RUN(test_xstats);
		RUN(test_xstats_faults);
		if (huge_mode)
			RUN(test_memory_growth);
	}
	TEST_SUMMARY();
	unlink(sock_path);
	rte_eal_cleanup();
	remove_hugepage_files(argc, argv);
	return t_failed ? 1 : 0;
}
