/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_thash.h>
#include <rte_udp.h>

#include "guest_rss.h"
#include "test_pkt.h"

#define RX_PORT		1
#define NB_Q		2
#define BURST		32
#define RSS_HF		(RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_UDP)

static struct rte_mempool *pool;
static uint16_t reta_size;
static uint8_t key[40];
static uint16_t reta[RTE_ETH_RSS_RETA_SIZE_512];

/* What one step saw on port 1. */
struct rss_seen {
	uint32_t q[NB_Q];	/* frames per queue */
	uint32_t hashed;	/* with RTE_MBUF_F_RX_RSS_HASH */
	uint32_t hash_ok;	/* hash equal to the one computed here */
	uint32_t queue_ok;	/* on the queue the table names for it */
	uint32_t other;		/* frames not of this step */
};

/* Source ports of this step's flows: frames a stopped queue held back
 * in the device (or the tap) come later and are not the step's. */
static uint16_t port_base = 1000;

/* UDP/IPv4 flow @i: source port port_base + i. */
static struct rte_mbuf *
udp_frame(uint32_t i)
{
	const struct test_l4 f = { .id = i, .payload = 18 };
	uint8_t buf[128];
	struct rte_udp_hdr *u;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint32_t len = test_l4_build(buf, &f);

	if (m == NULL)
		return NULL;
	u = (struct rte_udp_hdr *)(buf + 14 + 20);
	u->src_port = rte_cpu_to_be_16((uint16_t)(port_base + i));
	u->dgram_cksum = 0;	/* none, as IPv4 allows */
	memcpy(rte_pktmbuf_append(m, len), buf, len);
	return m;
}

/* The Toeplitz hash of a UDP/IPv4 frame's 4-tuple under @k. */
static uint32_t
frame_hash(const struct rte_mbuf *m, const uint8_t *k)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
		const struct rte_ipv4_hdr *, 14);
	const struct rte_udp_hdr *u = (const void *)(ip + 1);
	struct rte_ipv4_tuple t = {
		.src_addr = rte_be_to_cpu_32(ip->src_addr),
		.dst_addr = rte_be_to_cpu_32(ip->dst_addr),
		.sport = rte_be_to_cpu_16(u->src_port),
		.dport = rte_be_to_cpu_16(u->dst_port),
	};

	return rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, k);
}

static bool
is_udp4(const struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	return m->pkt_len >= 14 + 20 + 8 && d[12] == 0x08 && d[13] == 0 &&
		d[14 + 9] == IPPROTO_UDP;
}

static bool
step_frame(const struct rte_mbuf *m)
{
	const struct rte_udp_hdr *u = rte_pktmbuf_mtod_offset(m,
		const struct rte_udp_hdr *, 14 + 20);
	uint16_t sp = rte_be_to_cpu_16(u->src_port);

	return sp >= port_base && sp < port_base + 1000;
}

static void
rss_take(uint16_t q, struct rte_mbuf *m, struct rss_seen *s, bool udp)
{
	uint32_t h;

	if (udp != is_udp4(m) || (udp && !step_frame(m))) {
		s->other++;
		return;
	}
	s->q[q]++;
	if (!(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH))
		return;
	s->hashed++;
	if (!udp)
		return;
	h = frame_hash(m, key);
	s->hash_ok += m->hash.rss == h;
	s->queue_ok += reta[h % reta_size] == q;
}

/* Send @n frames from port 0 and take what port 1 gets within 5 s. */
static void
rss_step(const char *name, uint32_t n, bool udp, struct rss_seen *s)
{
	uint64_t end = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	struct rte_mbuf *pkts[BURST];
	uint32_t sent = 0, i, k;
	uint16_t q, nb;

	memset(s, 0, sizeof(*s));
	port_base += 1000;
	/* Until every frame of this step is in (the others do not count). */
	while ((sent < n || s->q[0] + s->q[1] < n) &&
	       rte_get_timer_cycles() < end) {
		for (k = 0; k < BURST && sent + k < n; k++) {
			pkts[k] = udp ? udp_frame(sent + k) :
				test_frame(pool, 64, sent + k, 1);
			if (pkts[k] == NULL)
				break;
		}
		nb = rte_eth_tx_burst(0, 0, pkts, (uint16_t)k);
		for (i = nb; i < k; i++)
			rte_pktmbuf_free(pkts[i]);
		sent += nb;
		for (q = 0; q < NB_Q; q++) {
			nb = rte_eth_rx_burst(RX_PORT, q, pkts, BURST);
			for (i = 0; i < nb; i++) {
				rss_take(q, pkts[i], s, udp);
				rte_pktmbuf_free(pkts[i]);
			}
		}
	}
	printf("VNT rss %s: sent %u, queue 0 %u, queue 1 %u, hash %u (right %u), on the table's queue %u, other %u\n",
		name, sent, s->q[0], s->q[1], s->hashed, s->hash_ok,
		s->queue_ok, s->other);
}

static int
reta_set(uint16_t all)
{
	struct rte_eth_rss_reta_entry64 r[RTE_ETH_RSS_RETA_SIZE_512 /
		RTE_ETH_RETA_GROUP_SIZE];
	uint16_t i;
	int ret;

	memset(r, 0, sizeof(r));
	for (i = 0; i < reta_size; i++) {
		r[i / RTE_ETH_RETA_GROUP_SIZE].mask |= 1ULL <<
			(i % RTE_ETH_RETA_GROUP_SIZE);
		r[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
			all < NB_Q ? all : i % NB_Q;
	}
	ret = rte_eth_dev_rss_reta_update(RX_PORT, r, reta_size);
	if (ret != 0)
		return ret;
	/* What the port reports is what the checks use. */
	memset(r, 0, sizeof(r));
	for (i = 0; i < reta_size; i++)
		r[i / RTE_ETH_RETA_GROUP_SIZE].mask |= 1ULL <<
			(i % RTE_ETH_RETA_GROUP_SIZE);
	ret = rte_eth_dev_rss_reta_query(RX_PORT, r, reta_size);
	for (i = 0; ret == 0 && i < reta_size; i++)
		reta[i] = r[i / RTE_ETH_RETA_GROUP_SIZE].reta[i %
			RTE_ETH_RETA_GROUP_SIZE];
	return ret;
}

static int
key_get(void)
{
	struct rte_eth_rss_conf c = { .rss_key = key, .rss_key_len = 40 };
	int ret = rte_eth_dev_rss_hash_conf_get(RX_PORT, &c);

	printf("VNT rss conf: ret %d hf 0x%" PRIx64 " key %02x%02x%02x%02x... (%u bytes)\n",
		ret, c.rss_hf, key[0], key[1], key[2], key[3], c.rss_key_len);
	return ret == 0 && (c.rss_hf & RSS_HF) == RSS_HF ? 0 : -1;
}

static int
rx_port_up(void)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t q;
	int ret;

	ret = rte_eth_dev_info_get(RX_PORT, &info);
	if (ret != 0)
		return ret;
	printf("VNT rss info: reta %u key %u hf 0x%" PRIx64 " hash offload %d\n",
		info.reta_size, info.hash_key_size, info.flow_type_rss_offloads,
		!!(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH));
	reta_size = info.reta_size;
	if (reta_size == 0 || reta_size > RTE_DIM(reta) ||
	    info.hash_key_size != sizeof(key) ||
	    !(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH))
		return -ENOTSUP;
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_RSS_HASH;
	conf.rx_adv_conf.rss_conf.rss_hf = RSS_HF;
	rte_eth_dev_stop(RX_PORT);
	ret = rte_eth_dev_configure(RX_PORT, NB_Q, NB_Q, &conf);
	for (q = 0; ret == 0 && q < NB_Q; q++) {
		ret = rte_eth_rx_queue_setup(RX_PORT, q, 256, 0, NULL, pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(RX_PORT, q, 256, 0, NULL);
	}
	if (ret == 0)
		ret = rte_eth_dev_start(RX_PORT);
	return ret;
}

/* Every frame arrived, hashed right, on the queue its hash names. */
static bool
all_right(const struct rss_seen *s, uint32_t n)
{
	return s->q[0] + s->q[1] == n && s->hashed == n && s->hash_ok == n &&
		s->queue_ok == n && s->other == 0;
}

/* Mbufs the pool has free once the ports settle. */
static unsigned int
pool_free(void)
{
	rte_delay_ms(200);
	return rte_mempool_avail_count(pool);
}

static uint8_t
rxq_state(uint16_t q)
{
	struct rte_eth_rxq_info qi;

	if (rte_eth_rx_queue_info_get(RX_PORT, q, &qi) != 0)
		return UINT8_MAX;
	return qi.queue_state;
}

/*
 * Queue 1 stopped: nothing on it, queue 0 still gets the flows the table
 * gives it, and the stopped ring's buffers are back in the pool.
 */
static bool
q1_stopped_ok(const char *name, uint32_t count, int before)
{
	int back = (int)pool_free() - before;
	struct rss_seen s;
	bool ok;

	rss_step(name, count, true, &s);
	ok = s.q[1] == 0 && s.q[0] > 0 && s.queue_ok == s.q[0] &&
		s.hash_ok == s.q[0] && back >= 256 - BURST && back <= 256 &&
		rxq_state(1) == RTE_ETH_QUEUE_STATE_STOPPED;
	printf("VNT qctl %s: %d mbufs back to the pool, queue state %u: %s\n",
		name, back, rxq_state(1), ok ? "ok" : "BAD");
	return ok;
}

static bool
both_ok(const char *name, uint32_t count)
{
	struct rss_seen s;
	bool ok;

	/* Frames the tap held while the queue was stopped come too: other. */
	rss_step(name, count, true, &s);
	ok = s.q[0] + s.q[1] == count && s.hashed == count &&
		s.hash_ok == count && s.queue_ok == count && s.q[0] > 0 &&
		s.q[1] > 0 && rxq_state(1) == RTE_ETH_QUEUE_STATE_STARTED;
	printf("VNT qctl %s: %s\n", name, ok ? "ok" : "BAD");
	return ok;
}

/*
 * Per-queue start and stop (VIRTIO_F_RING_RESET) with the table spread:
 * Rx queue 1 stopped and started while queue 0 runs, Tx queue 1 of port
 * 0 stopped (its bursts send nothing) and started, then Rx queue 1 set
 * up deferred: stopped after the port's start until started.
 */
static bool
qctl_steps(uint32_t count)
{
	struct rte_eth_rxconf rxc = { .rx_deferred_start = 1 };
	struct rte_mbuf *m;
	bool ok = true;
	uint16_t sent;
	int before;

	ok &= reta_set(NB_Q) == 0;
	before = (int)pool_free();
	ok &= rte_eth_dev_rx_queue_stop(RX_PORT, 1) == 0;
	ok &= q1_stopped_ok("rxq 1 stopped", count, before);
	ok &= rte_eth_dev_rx_queue_start(RX_PORT, 1) == 0;
	ok &= both_ok("rxq 1 started", count);

	ok &= rte_eth_dev_tx_queue_stop(0, 1) == 0;
	m = udp_frame(0);
	sent = m != NULL ? rte_eth_tx_burst(0, 1, &m, 1) : 0;
	rte_pktmbuf_free(sent == 0 ? m : NULL);
	ok &= sent == 0 && rte_eth_dev_tx_queue_start(0, 1) == 0;
	m = udp_frame(0);
	sent = m != NULL ? rte_eth_tx_burst(0, 1, &m, 1) : 0;
	if (sent == 0)
		rte_pktmbuf_free(m);
	printf("VNT qctl txq 1 of port 0: stopped sends 0, started sends %u\n",
		sent);
	ok &= sent == 1;

	ok &= rte_eth_dev_stop(RX_PORT) == 0;
	ok &= rte_eth_rx_queue_setup(RX_PORT, 1, 256, 0, &rxc, pool) == 0;
	before = (int)pool_free();
	ok &= rte_eth_dev_start(RX_PORT) == 0;
	/* As if both rings had been filled: queue 1's buffers stay free. */
	before -= 2 * 256;
	ok &= q1_stopped_ok("rxq 1 deferred", count, before);
	ok &= rte_eth_dev_rx_queue_start(RX_PORT, 1) == 0;
	ok &= both_ok("rxq 1 deferred, started", count);
	return ok;
}

int
guest_rss_run(struct rte_mempool *mp, uint32_t count)
{
	struct rte_eth_rss_conf c = { .rss_hf = RSS_HF, .rss_key_len = 40 };
	uint8_t new_key[40];
	struct rss_seen s;
	bool ok = true;
	unsigned int i;
	int ret;

	pool = mp;
	ret = rx_port_up();
	if (ret == 0)
		ret = key_get();
	if (ret == 0)
		ret = reta_set(NB_Q);
	if (ret != 0) {
		printf("VNT rss setup failed: %d\n", ret);
		return -1;
	}
	rss_step("spread", count, true, &s);
	ok &= all_right(&s, count) && s.q[0] >= count / 5 && s.q[1] >= count / 5;

	ret = reta_set(1);
	rss_step("table to queue 1", count, true, &s);
	ok &= ret == 0 && all_right(&s, count) && s.q[0] == 0;

	for (i = 0; i < sizeof(new_key); i++)
		new_key[i] = (uint8_t)(i * 37 + 11);
	c.rss_key = new_key;
	ret = rte_eth_dev_rss_hash_update(RX_PORT, &c);
	if (ret == 0)
		ret = key_get();
	if (ret == 0)
		ret = memcmp(key, new_key, sizeof(key)) == 0 ? 0 : -1;
	if (ret == 0)
		ret = reta_set(NB_Q);
	rss_step("new key, spread", count, true, &s);
	ok &= ret == 0 && all_right(&s, count) && s.q[0] >= count / 5 &&
		s.q[1] >= count / 5;

	/* No IP: no hash; the device's unclassified queue is 0. */
	rss_step("no IP", count / 4, false, &s);
	ok &= s.q[0] == count / 4 && s.q[1] == 0 && s.hashed == 0 &&
		s.other == 0;

	ret = reta_set(1);
	if (ret == 0)
		ret = rte_eth_dev_stop(RX_PORT);
	if (ret == 0)
		ret = rte_eth_dev_start(RX_PORT);
	rss_step("restart, table to queue 1", count, true, &s);
	ok &= ret == 0 && all_right(&s, count) && s.q[0] == 0;
	ok &= qctl_steps(count);
	printf("VNT rss: %s\n", ok ? "every step as expected" : "FAILED");
	return ok ? 0 : -1;
}
