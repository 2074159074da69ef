/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Receive filters in the guest (guest_filter.h): QEMU's virtio-net applies
 * them (receive_filter() in hw/net/virtio-net.c: nothing is filtered while
 * promiscuous, the VLAN table only applies with promiscuous off). Each
 * probe is @count frames from port 0 to one destination, untagged or
 * tagged; their source address names the step and the probe, so frames of
 * earlier steps are told apart. Works with any driver on the ports, so
 * net_virtio's behaviour is recorded with the same steps.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "guest_filter.h"

#define FILTER_ETHER_TYPE	0x88b5
#define MAX_PROBES		4
#define BURST			32

struct probe {
	const struct rte_ether_addr *dst;
	uint16_t vid;		/* 0: untagged */
	bool want;		/* all frames arrive, or none */
};

static struct rte_mempool *fmp;
static uint16_t fcount;
static uint8_t step_no;
static unsigned int failures;
static bool keeps_own;	/* the device keeps its own address (see .h) */

static struct rte_ether_addr p1;	/* port 1's address at start */
static const struct rte_ether_addr uc_other = { { 2, 0, 0, 0, 0xaa, 1 } };
static const struct rte_ether_addr uc_new = { { 2, 0, 0, 0, 0xbb, 1 } };
static const struct rte_ether_addr mc1 = { { 1, 0, 0x5e, 0, 0, 1 } };
static const struct rte_ether_addr mc2 = { { 1, 0, 0x5e, 0, 0, 2 } };
static const struct rte_ether_addr bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

static struct rte_mbuf *
filter_frame(const struct rte_ether_addr *dst, uint16_t vid, uint8_t probe,
		uint16_t i)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(fmp);
	struct rte_ether_hdr *eh;

	if (m == NULL)
		return NULL;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, 64);
	memset(eh, 0, 64);
	eh->dst_addr = *dst;
	eh->src_addr = (struct rte_ether_addr){
		{ 2, 0, 0xf1, step_no, probe, (uint8_t)i } };
	eh->ether_type = rte_cpu_to_be_16(FILTER_ETHER_TYPE);
	m->vlan_tci = vid;
	if (vid != 0 && rte_vlan_insert(&m) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

/* Port 1's frames of this step, by probe; others (earlier steps) dropped. */
static void
filter_collect(uint32_t *got, unsigned int n)
{
	struct rte_mbuf *pkts[BURST];
	const struct rte_ether_hdr *eh;
	uint16_t i, k;

	k = rte_eth_rx_burst(1, 0, pkts, BURST);
	for (i = 0; i < k; i++) {
		eh = rte_pktmbuf_mtod(pkts[i], const struct rte_ether_hdr *);
		if (pkts[i]->data_len >= sizeof(*eh) &&
		    eh->src_addr.addr_bytes[2] == 0xf1 &&
		    eh->src_addr.addr_bytes[3] == step_no &&
		    eh->src_addr.addr_bytes[4] < n)
			got[eh->src_addr.addr_bytes[4]]++;
	}
	rte_pktmbuf_free_bulk(pkts, k);
	/* Port 0 receives what port 1 hears of the hub too: not looked at. */
	k = rte_eth_rx_burst(0, 0, pkts, BURST);
	rte_pktmbuf_free_bulk(pkts, k);
}

static void
filter_send(const struct probe *p, unsigned int n)
{
	uint64_t end = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	struct rte_mbuf *m;
	unsigned int j;
	uint16_t i;

	for (j = 0; j < n; j++)
		for (i = 0; i < fcount; i++) {
			m = filter_frame(p[j].dst, p[j].vid, (uint8_t)j, i);
			while (m != NULL && rte_eth_tx_burst(0, 0, &m, 1) == 0 &&
			       rte_get_timer_cycles() < end)
				rte_delay_us_sleep(100);
			if (m != NULL && rte_get_timer_cycles() >= end)
				rte_pktmbuf_free(m);
		}
}

/*
 * Send every probe of step @what, then count on port 1 until each one
 * expected has all its frames and 500 ms more went by (at most 5 s).
 */
static void
filter_probe(const char *what, const struct probe *p, unsigned int n)
{
	uint64_t hz = rte_get_timer_hz(), t0 = rte_get_timer_cycles();
	uint64_t quiet = 0;
	uint32_t got[MAX_PROBES] = { 0 };
	unsigned int j, done;

	step_no++;
	filter_send(p, n);
	while (rte_get_timer_cycles() < t0 + 5 * hz) {
		filter_collect(got, n);
		for (done = 0, j = 0; j < n; j++)
			done += !p[j].want || got[j] >= fcount;
		if (done < n)
			continue;
		if (quiet == 0)
			quiet = rte_get_timer_cycles() + hz / 2;
		if (rte_get_timer_cycles() > quiet)
			break;
	}
	for (j = 0; j < n; j++) {
		bool ok = got[j] == (p[j].want ? fcount : 0);

		failures += !ok;
		printf("VNT filter %s: to " RTE_ETHER_ADDR_PRT_FMT " vlan %u: got %u want %u %s\n",
			what, RTE_ETHER_ADDR_BYTES(p[j].dst), p[j].vid, got[j],
			p[j].want ? fcount : 0, ok ? "ok" : "BAD");
	}
	fflush(stdout);
}

/* An operation on port 1: every one must succeed. */
static void
filter_op(const char *what, int rc)
{
	failures += rc != 0;
	printf("VNT filter op %s: %d (%s)%s\n", what, rc,
		rc == 0 ? "ok" : rte_strerror(-rc), rc == 0 ? "" : " BAD");
	fflush(stdout);
}

#define PROBES(what, ...) do { \
	const struct probe p__[] = { __VA_ARGS__ }; \
	RTE_BUILD_BUG_ON(RTE_DIM(p__) > MAX_PROBES); \
	filter_probe(what, p__, RTE_DIM(p__)); \
} while (0)

/* Unicast: the primary, an address added and removed, promiscuous. */
static void
filter_unicast(void)
{
	PROBES("promiscuous", { &uc_other, 0, true }, { &p1, 0, true });
	filter_op("promiscuous off", rte_eth_promiscuous_disable(1));
	filter_op("all-multicast off", rte_eth_allmulticast_disable(1));
	PROBES("filtering", { &p1, 0, true }, { &uc_other, 0, false },
		{ &bcast, 0, true }, { &mc1, 0, false });
	filter_op("mac_addr_add", rte_eth_dev_mac_addr_add(1,
		(struct rte_ether_addr *)(uintptr_t)&uc_other, 0));
	PROBES("added", { &uc_other, 0, true }, { &p1, 0, true });
	filter_op("mac_addr_remove", rte_eth_dev_mac_addr_remove(1,
		(struct rte_ether_addr *)(uintptr_t)&uc_other));
	PROBES("removed", { &uc_other, 0, false }, { &p1, 0, true });
}

/* Multicast: the list, all-multicast on and off. */
static void
filter_multicast(void)
{
	struct rte_ether_addr list[1] = { mc1 };

	filter_op("set_mc_addr_list 1", rte_eth_dev_set_mc_addr_list(1, list, 1));
	PROBES("mc listed", { &mc1, 0, true }, { &mc2, 0, false });
	filter_op("all-multicast on", rte_eth_allmulticast_enable(1));
	PROBES("all-multicast", { &mc1, 0, true }, { &mc2, 0, true });
	filter_op("all-multicast off", rte_eth_allmulticast_disable(1));
	PROBES("mc listed again", { &mc1, 0, true }, { &mc2, 0, false });
	filter_op("set_mc_addr_list 0", rte_eth_dev_set_mc_addr_list(1, NULL, 0));
	PROBES("mc unlisted", { &mc1, 0, false }, { &mc2, 0, false });
}

/* The primary address changed, and back. */
static void
filter_primary(void)
{
	struct rte_ether_addr a = uc_new;

	filter_op("mac_addr_set new", rte_eth_dev_default_mac_addr_set(1, &a));
	PROBES("new primary", { &uc_new, 0, true }, { &p1, 0, keeps_own });
	a = p1;
	filter_op("mac_addr_set back", rte_eth_dev_default_mac_addr_set(1, &a));
	PROBES("primary back", { &p1, 0, true }, { &uc_new, 0, false });
}

/* VLAN filter switched on a running port (a renegotiation with virtnet). */
static void
filter_vlan(void)
{
	filter_op("VLAN filter on", rte_eth_dev_set_vlan_offload(1,
		RTE_ETH_VLAN_FILTER_OFFLOAD));
	filter_op("vlan 10 add", rte_eth_dev_vlan_filter(1, 10, 1));
	PROBES("vlan 10 added", { &p1, 10, true }, { &p1, 20, false },
		{ &p1, 0, true });
	filter_op("vlan 10 del", rte_eth_dev_vlan_filter(1, 10, 0));
	PROBES("vlan 10 removed", { &p1, 10, false }, { &p1, 20, false });
	filter_op("VLAN filter off", rte_eth_dev_set_vlan_offload(1, 0));
	PROBES("vlan filter off", { &p1, 10, true }, { &p1, 20, true });
}

/*
 * Filters set on a stopped port: the start that negotiates CTRL_VLAN
 * resets the device, which must be given them all; then a restart that
 * changes nothing (virtnet: without a device reset where the device
 * resets queues alone) keeps them.
 */
static void
filter_restart(void)
{
	struct rte_ether_addr list[1] = { mc1 };

	filter_op("stop", rte_eth_dev_stop(1));
	filter_op("mac_addr_add stopped", rte_eth_dev_mac_addr_add(1,
		(struct rte_ether_addr *)(uintptr_t)&uc_other, 0));
	filter_op("set_mc_addr_list stopped",
		rte_eth_dev_set_mc_addr_list(1, list, 1));
	filter_op("VLAN filter on stopped", rte_eth_dev_set_vlan_offload(1,
		RTE_ETH_VLAN_FILTER_OFFLOAD));
	filter_op("vlan 30 add stopped", rte_eth_dev_vlan_filter(1, 30, 1));
	filter_op("start", rte_eth_dev_start(1));
	PROBES("after start", { &uc_other, 0, true }, { &mc1, 0, true },
		{ &p1, 30, true }, { &p1, 20, false });
	filter_op("stop again", rte_eth_dev_stop(1));
	filter_op("start again", rte_eth_dev_start(1));
	PROBES("after restart", { &uc_other, 0, true }, { &mc1, 0, true },
		{ &p1, 30, true }, { &p1, 20, false });
	filter_op("promiscuous on", rte_eth_promiscuous_enable(1));
	PROBES("promiscuous again", { &uc_new, 0, true }, { &p1, 20, true },
		{ &mc2, 0, true });
}

int
guest_filter_run(struct rte_mempool *mp, uint16_t count, bool keeps)
{
	struct rte_eth_dev_info info;

	fmp = mp;
	fcount = count;
	keeps_own = keeps;
	if (rte_eth_macaddr_get(1, &p1) != 0 ||
	    rte_eth_dev_info_get(1, &info) != 0)
		return -1;
	printf("VNT filter port 1 " RTE_ETHER_ADDR_PRT_FMT " driver %s max_mac_addrs %u VLAN_FILTER %s\n",
		RTE_ETHER_ADDR_BYTES(&p1), info.driver_name, info.max_mac_addrs,
		info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_FILTER ?
			"offered" : "not offered");
	filter_unicast();
	filter_multicast();
	filter_primary();
	filter_vlan();
	filter_restart();
	printf("VNT filter: %u failures\n", failures);
	return failures == 0 ? 0 : -1;
}
