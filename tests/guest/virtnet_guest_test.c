/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Runs inside the QEMU guest on two virtio-net-pci ports joined by a hub:
 * byte-exact frames both ways (check), or a one-way rate (rate). Works
 * with any driver bound to the ports, so virtnet and net_virtio are
 * compared on the same guest. Prints one "VNT ..." line per result.
 *
 *   virtnet_guest_test <EAL args> -- check LEN SEGS COUNT [QUEUES]
 *   virtnet_guest_test <EAL args> -- rate LEN SECONDS
 *   virtnet_guest_test <EAL args> -- lsc 64 SECONDS
 *   virtnet_guest_test <EAL args> -- tso PAYLOAD MSS COUNT
 *   virtnet_guest_test <EAL args> -- lro PAYLOAD MSS COUNT
 *   virtnet_guest_test <EAL args> -- mtu MAXMTU COUNT
 *   virtnet_guest_test <EAL args> -- announce 64 SECONDS [LSC]
 *   virtnet_guest_test <EAL args> -- goff PAYLOAD MSS COUNT
 *   virtnet_guest_test <EAL args> -- filter 64 COUNT [KEEPS]
 *   virtnet_guest_test <EAL args> -- rss 64 COUNT
 *   virtnet_guest_test <EAL args> -- rxintr 64 BURSTS
 *
 * rss: RSS and hash reports on port 1, two queue pairs (guest_rss.h).
 * rxintr: Rx interrupts on port 1, asleep in rte_epoll_wait (guest_rxintr.h).
 *
 * filter: receive filters on port 1, frames from port 0 (guest_filter.h);
 * KEEPS 1: the device keeps its own address when the primary changes.
 *
 * lsc: with LSC interrupts on, print VNT-LSC-READY and count the link
 * changes the host makes (QMP set_link) on port 0 within SECONDS.
 *
 * tso (ports on taps, whose kernel segments): port 0 sends COUNT TCP/IPv4
 * frames of PAYLOAD bytes with TSO (MSS) through tx_prepare, then COUNT
 * UDP frames with checksum offload; port 1 takes no offloads, so every
 * frame arrives segmented and summed by Linux. Each segment must carry
 * valid IP and L4 sums, at most MSS bytes, the right bytes at its
 * sequence number, and every frame must arrive whole.
 *
 * lro: the same TCP frames, but port 1 asks for LRO and Rx checksum: each
 * must arrive whole (GSO through the taps), flagged LRO with the MSS, its
 * partial sum reported, its bytes right.
 *
 * mtu (a device with host_mtu=MAXMTU): both ports report MAXMTU as their
 * maximum; MTU MAXMTU+1 is refused by set_mtu and by configure; at
 * MAXMTU, COUNT frames of MAXMTU+14 bytes pass both ways.
 *
 * announce: print VNT-ANNOUNCE-READY (the host then sends QMP announce-self
 * for port 0's NIC) and count, on port 1 for SECONDS, the RARPs from port
 * 0's MAC: the driver's (64 B, rte_net_make_rarp_packet) and QEMU's own
 * (60 B); port 0's Tx counter must show the driver's. LSC 1: ask for LSC
 * interrupts (net_virtio serves the announce only with them).
 *
 * goff (ports on taps): the tso test into port 1 without Rx offloads
 * (frames arrive segmented), then port 1 restarted with LRO and Rx
 * checksum (stop, configure, start: frames arrive whole), then restarted
 * without them (segmented again). Between VNT-GOFF-TRACE-ON and -OFF the
 * host counts the device status writes QEMU sees (a device reset writes
 * 0); port 1's link is read after each step of each restart and its LSC
 * events counted.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "guest_filter.h"
#include "guest_rss.h"
#include "guest_rxintr.h"
#include "test_pkt.h"

#define NB_MBUF		8191
#define NB_DESC		256
#define BURST		32
#define JUMBO_MTU	9000

static struct rte_mempool *mp;
static uint16_t nb_queues = 1;
static bool want_lsc;
static uint64_t tx_offloads;	/* asked on port 0 */
static uint64_t rx_offloads;	/* asked on port 1 */
static volatile unsigned int lsc_down, lsc_up;
static uint16_t mtu_max;	/* mtu: the MTU to set on both ports */

static bool
offers(uint16_t port, const char *dir, uint64_t capa, uint64_t want)
{
	if ((capa & want) == want)
		return true;
	printf("VNT port %u offers %s offloads 0x%" PRIx64 ", 0x%" PRIx64 " wanted\n",
		port, dir, capa, want);
	return false;
}

/*
 * Lines of /proc/interrupts naming the port's PCI device: with VFIO, the
 * MSI-X vectors DPDK set up for it ("vfio-msix[0](<bdf>)"): the config
 * interrupt, taken only for LSC or announce.
 */
static int
irq_lines(uint16_t port)
{
	char name[RTE_ETH_NAME_MAX_LEN], line[512];
	FILE *f;
	int n = 0;

	if (rte_eth_dev_get_name_by_port(port, name) != 0)
		return -1;
	f = fopen("/proc/interrupts", "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, name) != NULL)
			n++;
	fclose(f);
	return n;
}

static int
port_up(uint16_t port, uint32_t len)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t q;
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret < 0)
		return ret;
	if (len > RTE_ETHER_MAX_LEN)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS &
		info.tx_offload_capa;
	if (port == 0 && tx_offloads) {
		if (!offers(port, "Tx", info.tx_offload_capa, tx_offloads))
			return -ENOTSUP;
		conf.txmode.offloads |= tx_offloads;
	}
	if (port == 1 && rx_offloads) {
		if (!offers(port, "Rx", info.rx_offload_capa, rx_offloads))
			return -ENOTSUP;
		conf.rxmode.offloads |= rx_offloads;
		conf.rxmode.max_lro_pkt_size = info.max_lro_pkt_size;
	}
	conf.intr_conf.lsc = want_lsc;
	ret = rte_eth_dev_configure(port, nb_queues, nb_queues, &conf);
	/* Jumbo frames: the MTU asked, else the largest up to 9000. */
	if (ret == 0 && len > RTE_ETHER_MAX_LEN)
		ret = rte_eth_dev_set_mtu(port, mtu_max ? mtu_max :
			RTE_MIN(JUMBO_MTU, info.max_mtu));
	for (q = 0; ret == 0 && q < nb_queues; q++) {
		ret = rte_eth_rx_queue_setup(port, q, NB_DESC, 0, NULL, mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, NB_DESC, 0, NULL);
	}
	if (ret == 0)
		ret = rte_eth_promiscuous_enable(port);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	printf("VNT port %u driver %s queues %u: %s\n", port, info.driver_name,
		nb_queues, ret == 0 ? "up" : rte_strerror(-ret));
	printf("VNT port %u lsc %d irq %d\n", port, want_lsc, irq_lines(port));
	return ret;
}

static void
drain(uint16_t rx, uint32_t len, uint32_t n, uint32_t *got_n, uint32_t *bad,
		uint32_t *qseen)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t i, q, got;
	uint32_t seq;

	for (q = 0; q < nb_queues; q++) {
		got = rte_eth_rx_burst(rx, q, pkts, BURST);
		if (got)
			*qseen |= 1u << q;
		for (i = 0; i < got; i++) {
			if (pkts[i]->pkt_len != len ||
			    !test_frame_ok(pkts[i], &seq) || seq >= n)
				(*bad)++;
			rte_pktmbuf_free(pkts[i]);
		}
		*got_n += got;
	}
}

/* Frames from @tx arrive on @rx; other traffic (none expected) is bad. */
static int
check_dir(uint16_t tx, uint16_t rx, uint32_t len, uint16_t segs, uint32_t n)
{
	uint64_t end = rte_get_timer_cycles() + 20 * rte_get_timer_hz();
	uint32_t sent = 0, got_n = 0, bad = 0, qseen = 0;
	struct rte_mbuf *pkts[BURST];
	uint16_t i, k, q, done;

	while (got_n < n && rte_get_timer_cycles() < end) {
		q = (uint16_t)(sent / BURST % nb_queues);
		for (k = 0; k < BURST && sent + k < n; k++) {
			pkts[k] = test_frame(mp, len, sent + k, segs);
			if (pkts[k] == NULL)
				break;
		}
		/* A full ring is emptied by the device: retry, keep receiving. */
		for (done = 0; done < k && rte_get_timer_cycles() < end;) {
			done += rte_eth_tx_burst(tx, q, pkts + done, k - done);
			drain(rx, len, n, &got_n, &bad, &qseen);
		}
		for (i = done; i < k; i++)
			rte_pktmbuf_free(pkts[i]);
		sent += done;
		drain(rx, len, n, &got_n, &bad, &qseen);
	}
	printf("VNT check %u->%u len %u segs %u: sent %u received %u bad %u rxq-mask 0x%x\n",
		tx, rx, len, segs, sent, got_n, bad, qseen);
	return sent == n && got_n == n && bad == 0 ? 0 : -1;
}

static int
run_check(uint32_t len, uint16_t segs, uint32_t n)
{
	int ret;

	ret = check_dir(0, 1, len, segs, n);
	ret |= check_dir(1, 0, len, segs, n);
	return ret;
}

/* One lcore: Tx on port 0, Rx on port 1, for @secs seconds. */
static int
run_rate(uint32_t len, uint32_t secs)
{
	uint64_t hz = rte_get_timer_hz(), t0 = rte_get_timer_cycles();
	uint64_t end = t0 + secs * hz, txn = 0, rxn = 0;
	struct rte_mbuf *pkts[BURST];
	uint16_t i, k;

	uint64_t last_rx = t0;
	bool stalled = false;

	while (rte_get_timer_cycles() < end) {
		/* Hold a stall still for a while so the host can look at it. */
		if (!stalled && rte_get_timer_cycles() - last_rx > hz / 2) {
			stalled = true;
			printf("VNT-STALL tx %" PRIu64 " rx %" PRIu64 "\n", txn, rxn);
			fflush(stdout);
			rte_delay_ms(4000);
			end += 4 * hz;
		}
		for (k = 0; k < BURST; k++) {
			pkts[k] = test_frame(mp, len, (uint32_t)txn + k, 1);
			if (pkts[k] == NULL)
				break;
		}
		i = rte_eth_tx_burst(0, 0, pkts, k);
		txn += i;
		for (; i < k; i++)
			rte_pktmbuf_free(pkts[i]);
		k = rte_eth_rx_burst(1, 0, pkts, BURST);
		rxn += k;
		if (k > 0)
			last_rx = rte_get_timer_cycles();
		rte_pktmbuf_free_bulk(pkts, k);
	}
	printf("VNT rate len %u: tx %.3f rx %.3f Mpps\n", len,
		(double)txn / secs / 1e6, (double)rxn / secs / 1e6);
	return rxn > 0 ? 0 : -1;
}

#define TSO_SEG		2000	/* payload bytes per mbuf of a frame */

/*
 * Frame @id for TSO or checksum offload: headers in a segment of their
 * own, then @payload bytes of its pattern, TSO_SEG bytes a segment.
 */
static struct rte_mbuf *
l4_frame(uint32_t id, uint32_t payload, bool tcp, uint16_t mss)
{
	const struct test_l4 f = {
		.ipv6 = false, .tcp = tcp, .id = id, .payload = payload,
	};
	struct rte_mbuf *head = test_l4_mbuf(mp, &f, true, TSO_SEG);

	if (head == NULL)
		return NULL;
	head->ol_flags |= tcp ?
		RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM :
		RTE_MBUF_F_TX_UDP_CKSUM;
	head->tso_segsz = mss;
	return head;
}

/*
 * A segment as Linux makes it: sums valid, at most @mss bytes, the bytes
 * of frame (seq >> 16) from offset (seq & 0xffff). Adds to @bytes[id].
 */
static bool
l4_segment_ok(const struct rte_mbuf *m, bool tcp, uint16_t mss,
		uint32_t count, uint32_t *bytes)
{
	uint8_t buf[16384];
	const struct rte_ipv4_hdr *ip;
	const uint8_t *d, *pl;
	uint32_t hl = 14 + 20 + (tcp ? 20 : 8), n, id, off;

	if (m->pkt_len <= hl || m->pkt_len > sizeof(buf))
		return false;
	d = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	ip = (const struct rte_ipv4_hdr *)(d + 14);
	if (d[12] != 0x08 || d[13] != 0 || rte_ipv4_cksum(ip) != 0 ||
	    ip->next_proto_id != (tcp ? IPPROTO_TCP : IPPROTO_UDP) ||
	    rte_ipv4_udptcp_cksum_verify(ip, ip + 1) != 0)
		return false;
	n = m->pkt_len - hl;
	pl = d + hl;
	if (tcp) {
		uint32_t seq = rte_be_to_cpu_32(
			((const struct rte_tcp_hdr *)(ip + 1))->sent_seq);

		id = seq >> 16;
		off = seq & 0xffff;
		if (n > mss)
			return false;
	} else {
		id = rte_be_to_cpu_16(ip->packet_id);
		off = 0;
	}
	if (id >= count)
		return false;
	if (!test_pattern_ok(pl, id, off, n))
		return false;
	bytes[id] += n;
	return true;
}

/* The first bytes of a frame that did not pass, for the log. */
static void
show_bad(const struct rte_mbuf *m)
{
	uint8_t buf[64];
	const uint8_t *d = rte_pktmbuf_read(m, 0, RTE_MIN(m->pkt_len, 64u), buf);
	uint32_t i;

	printf("VNT bad frame of %u B:", m->pkt_len);
	for (i = 0; d != NULL && i < RTE_MIN(m->pkt_len, 64u); i++)
		printf(" %02x", d[i]);
	printf("\n");
}

/* A whole GSO frame as LRO delivers it: flags, MSS, headers, bytes. */
static bool
lro_frame_ok(const struct rte_mbuf *m, uint32_t payload, uint16_t mss,
		uint32_t count, uint32_t *bytes)
{
	static uint8_t buf[16384];
	const struct rte_ipv4_hdr *ip;
	const uint8_t *d;
	uint64_t l4 = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t id;

	if (!(m->ol_flags & RTE_MBUF_F_RX_LRO) || m->tso_segsz != mss ||
	    m->pkt_len != 54 + payload || m->pkt_len > sizeof(buf) ||
	    (l4 != RTE_MBUF_F_RX_L4_CKSUM_NONE && l4 != RTE_MBUF_F_RX_L4_CKSUM_GOOD))
		return false;
	d = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	ip = (const struct rte_ipv4_hdr *)(d + 14);
	if (rte_ipv4_cksum(ip) != 0 || ip->next_proto_id != IPPROTO_TCP)
		return false;
	id = rte_be_to_cpu_32(((const struct rte_tcp_hdr *)(ip + 1))->sent_seq);
	if ((id & 0xffff) != 0 || (id >> 16) >= count)
		return false;
	id >>= 16;
	if (!test_pattern_ok(d + 54, id, 0, payload))
		return false;
	bytes[id] += payload;
	return true;
}

static int
tso_dir(bool tcp, uint32_t payload, uint16_t mss, uint32_t count)
{
	uint64_t end = rte_get_timer_cycles() + 20 * rte_get_timer_hz();
	uint32_t *bytes = calloc(count, sizeof(*bytes));
	uint32_t sent = 0, segs = 0, bad = 0, whole = 0, i;
	struct rte_mbuf *m, *pkts[BURST];
	uint16_t k, got;

	if (bytes == NULL)
		return -1;
	/* Frames of earlier runs may still wait in the taps' queues. */
	while (rte_get_timer_cycles() < end - 19 * rte_get_timer_hz()) {
		got = rte_eth_rx_burst(1, 0, pkts, BURST);
		rte_pktmbuf_free_bulk(pkts, got);
	}
	while (rte_get_timer_cycles() < end) {
		if (sent < count) {
			m = l4_frame(sent, payload, tcp, mss);
			if (m == NULL || rte_eth_tx_prepare(0, 0, &m, 1) != 1) {
				printf("VNT tso: frame %u not prepared\n", sent);
				rte_pktmbuf_free(m);
				break;
			}
			if (rte_eth_tx_burst(0, 0, &m, 1) == 1)
				sent++;
			else
				rte_pktmbuf_free(m);
		}
		got = rte_eth_rx_burst(1, 0, pkts, BURST);
		for (k = 0; k < got; k++) {
			if (!(rx_offloads ?
			      lro_frame_ok(pkts[k], payload, mss, count, bytes) :
			      l4_segment_ok(pkts[k], tcp, mss, count, bytes)) &&
			    bad++ < 3)
				show_bad(pkts[k]);
			rte_pktmbuf_free(pkts[k]);
		}
		segs += got;
		for (whole = 0, i = 0; i < count; i++)
			whole += bytes[i] == payload;
		if (whole == count)
			break;
	}
	printf("VNT %s %u B x %u%s: sent %u, %u segments, %u bad, %u frames whole\n",
		rx_offloads ? "lro" : tcp ? "tso" : "udp-csum", payload, count,
		tcp ? " (mss)" : "", sent, segs, bad, whole);
	free(bytes);
	return sent == count && bad == 0 && whole == count ? 0 : -1;
}

static int
run_tso(uint32_t payload, uint16_t mss, uint32_t count)
{
	int ret;

	ret = tso_dir(true, payload, mss, count);
	if (!rx_offloads)
		ret |= tso_dir(false, RTE_MIN(payload, 1400u), mss, count);
	return ret;
}

/*
 * Frames other cases flooded through the taps' bridge wait in the taps'
 * queues until a port takes them: a second of them goes.
 */
static void
drain_stale(void)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz();
	struct rte_mbuf *pkts[BURST];
	uint16_t p, got;

	while (rte_get_timer_cycles() < end)
		for (p = 0; p < 2; p++) {
			got = rte_eth_rx_burst(p, 0, pkts, BURST);
			rte_pktmbuf_free_bulk(pkts, got);
		}
}

/* mtu: the device's MTU is the maximum, and enforced. */
static int
run_mtu(uint32_t count)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf = { 0 };
	uint16_t p, mtu, max[2] = { 0, 0 };
	int set_over = 0, conf_over = 0, ret;

	for (p = 0; p < 2; p++) {
		if (rte_eth_dev_info_get(p, &info) == 0)
			max[p] = info.max_mtu;
		set_over |= rte_eth_dev_set_mtu(p, mtu_max + 1) == 0;
		if (rte_eth_dev_get_mtu(p, &mtu) != 0 || mtu != mtu_max)
			set_over |= 2;
	}
	/* configure on a stopped port asks the same through rxmode.mtu */
	rte_eth_dev_stop(1);
	conf.rxmode.mtu = mtu_max + 1;
	conf_over = rte_eth_dev_configure(1, nb_queues, nb_queues, &conf) == 0;
	conf.rxmode.mtu = mtu_max;
	ret = rte_eth_dev_configure(1, nb_queues, nb_queues, &conf);
	if (ret == 0)
		ret = rte_eth_dev_start(1);
	printf("VNT mtu: max %u/%u, %u refused by set_mtu %s, by configure %s, restart %s\n",
		max[0], max[1], mtu_max + 1, set_over ? "NO" : "yes",
		conf_over ? "NO" : "yes", ret == 0 ? "ok" : rte_strerror(-ret));
	if (max[0] != mtu_max || max[1] != mtu_max || set_over || conf_over ||
	    ret != 0)
		return -1;
	drain_stale();
	return run_check(mtu_max + RTE_ETHER_HDR_LEN, 1, count);
}

static bool
is_rarp_from(const struct rte_mbuf *m, const struct rte_ether_addr *mac)
{
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	return m->data_len >= 42 &&
		eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_RARP) &&
		rte_is_same_ether_addr(&eh->src_addr, mac);
}

/* announce: RARPs from port 0's MAC on port 1, the driver's and QEMU's. */
static int
run_announce(uint32_t secs)
{
	uint64_t end = rte_get_timer_cycles() + secs * rte_get_timer_hz();
	struct rte_mbuf *pkts[BURST];
	struct rte_ether_addr mac;
	struct rte_eth_stats st;
	unsigned int drv = 0, qemu = 0, odd = 0;
	uint16_t i, got;

	rte_eth_macaddr_get(0, &mac);
	rte_eth_stats_reset(0);
	printf("VNT-ANNOUNCE-READY\n");
	fflush(stdout);
	while (rte_get_timer_cycles() < end) {
		got = rte_eth_rx_burst(1, 0, pkts, BURST);
		for (i = 0; i < got; i++) {
			if (is_rarp_from(pkts[i], &mac)) {
				if (pkts[i]->pkt_len == 64)
					drv++;
				else if (pkts[i]->pkt_len == 60)
					qemu++;
				else
					odd++;
			}
			rte_pktmbuf_free(pkts[i]);
		}
		rte_delay_us_sleep(1000);
	}
	rte_eth_stats_get(0, &st);
	printf("VNT announce: %u RARPs of the driver (64 B), %u of QEMU (60 B), %u other, port 0 Tx %" PRIu64 "\n",
		drv, qemu, odd, st.opackets);
	return drv >= 1 && st.opackets == drv ? 0 : -1;
}

static unsigned int goff_down;	/* port 1 link read down in a restart */

static void
goff_link(void)
{
	struct rte_eth_link l;

	if (rte_eth_link_get_nowait(1, &l) != 0 || !l.link_status)
		goff_down++;
}

/* Port 1 again with Rx offloads @rx: stop, configure, queues, start. */
static int
goff_restart(uint64_t rx)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	int ret;

	rte_eth_dev_info_get(1, &info);
	conf.rxmode.offloads = rx;
	conf.rxmode.max_lro_pkt_size = info.max_lro_pkt_size;
	conf.intr_conf.lsc = 1;
	ret = rte_eth_dev_stop(1);
	goff_link();
	if (ret == 0)
		ret = rte_eth_dev_configure(1, nb_queues, nb_queues, &conf);
	goff_link();
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(1, 0, NB_DESC, 0, NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(1, 0, NB_DESC, 0, NULL);
	if (ret == 0)
		ret = rte_eth_promiscuous_enable(1);
	if (ret == 0)
		ret = rte_eth_dev_start(1);
	goff_link();
	rx_offloads = rx;
	printf("VNT goff: port 1 restarted with Rx offloads 0x%" PRIx64 ": %s\n",
		rx, ret == 0 ? "ok" : rte_strerror(-ret));
	return ret;
}

/*
 * goff: segmented, then (restart) whole, then (restart) segmented again;
 * the restarts between the trace markers.
 */
static int
run_goff(uint32_t payload, uint16_t mss, uint32_t count)
{
	const uint64_t lro = RTE_ETH_RX_OFFLOAD_TCP_LRO |
		RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	int ret;

	ret = tso_dir(true, payload, mss, count);
	printf("VNT-GOFF-TRACE-ON\n");
	fflush(stdout);
	rte_delay_ms(3000);
	lsc_down = lsc_up = 0;
	ret |= goff_restart(lro);
	ret |= tso_dir(true, payload, mss, count);
	ret |= goff_restart(0);
	rte_delay_ms(500);
	printf("VNT-GOFF-TRACE-OFF\n");
	fflush(stdout);
	ret |= tso_dir(true, payload, mss, count);
	printf("VNT goff: port 1 link read down %u times in the restarts; LSC events %u down, %u up\n",
		goff_down, lsc_down, lsc_up);
	rte_delay_ms(2000);
	return ret;
}

static int
lsc_event(uint16_t port, enum rte_eth_event_type type __rte_unused,
		void *arg __rte_unused, void *ret __rte_unused)
{
	struct rte_eth_link link;

	if (port == (tx_offloads && want_lsc ? 1 : 0) &&
	    rte_eth_link_get_nowait(port, &link) == 0) {
		if (link.link_status)
			lsc_up++;
		else
			lsc_down++;
	}
	return 0;
}

/* Link changes arrive as LSC events, down then up again. */
static int
run_lsc(uint32_t secs)
{
	uint64_t end = rte_get_timer_cycles() + secs * rte_get_timer_hz();

	printf("VNT-LSC-READY\n");
	fflush(stdout);
	while (rte_get_timer_cycles() < end && lsc_up == 0)
		rte_delay_ms(10);
	printf("VNT lsc: %u down, %u up events on port 0\n", lsc_down, lsc_up);
	return lsc_down > 0 && lsc_up > 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	uint32_t len;
	uint16_t p;
	int n, ret;

	n = rte_eal_init(argc, argv);
	if (n < 0)
		return 2;
	argc -= n;
	argv += n;
	if (argc < 4 || rte_eth_dev_count_avail() != 2) {
		printf("VNT usage: check LEN SEGS COUNT [QUEUES] | rate LEN SECONDS | lsc 64 SECONDS | tso|lro|goff PAYLOAD MSS COUNT | mtu MAXMTU COUNT | announce 64 SECONDS | filter 64 COUNT | rss 64 COUNT | rxintr 64 BURSTS (2 ports, %u found)\n",
			rte_eth_dev_count_avail());
		return 2;
	}
	len = (uint32_t)atoi(argv[2]);
	if (strcmp(argv[1], "check") == 0 && argc > 5)
		nb_queues = (uint16_t)atoi(argv[5]);
	if (strcmp(argv[1], "rss") == 0)
		nb_queues = 2;
	if (strcmp(argv[1], "mtu") == 0) {
		mtu_max = (uint16_t)len;
		len = mtu_max + RTE_ETHER_HDR_LEN;
	}
	if (strcmp(argv[1], "tso") == 0 || strcmp(argv[1], "lro") == 0 ||
	    strcmp(argv[1], "goff") == 0)
		tx_offloads = RTE_ETH_TX_OFFLOAD_TCP_TSO |
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (strcmp(argv[1], "lro") == 0)
		rx_offloads = RTE_ETH_RX_OFFLOAD_TCP_LRO |
			RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	if (strcmp(argv[1], "announce") == 0 && argc > 4)
		want_lsc = atoi(argv[4]) != 0;
	if (strcmp(argv[1], "lsc") == 0 || strcmp(argv[1], "goff") == 0) {
		want_lsc = true;
		rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_INTR_LSC,
			lsc_event, NULL);
	}
	mp = rte_pktmbuf_pool_create("vnt", NB_MBUF, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (mp == NULL || port_up(0, len) != 0 || port_up(1, len) != 0)
		return 2;
	if (strcmp(argv[1], "check") == 0)
		ret = run_check(len, (uint16_t)atoi(argv[3]),
			(uint32_t)atoi(argv[4]));
	else if (strcmp(argv[1], "lsc") == 0)
		ret = run_lsc((uint32_t)atoi(argv[3]));
	else if (strcmp(argv[1], "tso") == 0 || strcmp(argv[1], "lro") == 0)
		ret = run_tso(len, (uint16_t)atoi(argv[3]),
			(uint32_t)atoi(argv[4]));
	else if (strcmp(argv[1], "mtu") == 0)
		ret = run_mtu((uint32_t)atoi(argv[3]));
	else if (strcmp(argv[1], "announce") == 0)
		ret = run_announce((uint32_t)atoi(argv[3]));
	else if (strcmp(argv[1], "goff") == 0)
		ret = run_goff(len, (uint16_t)atoi(argv[3]),
			(uint32_t)atoi(argv[4]));
	else if (strcmp(argv[1], "rxintr") == 0)
		ret = guest_rxintr_run(mp, (uint32_t)atoi(argv[3]));
	else if (strcmp(argv[1], "rss") == 0)
		ret = guest_rss_run(mp, (uint32_t)atoi(argv[3]));
	else if (strcmp(argv[1], "filter") == 0)
		ret = guest_filter_run(mp, (uint16_t)atoi(argv[3]),
			argc > 4 && atoi(argv[4]) != 0);
	else
		ret = run_rate(len, (uint32_t)atoi(argv[3]));
	RTE_ETH_FOREACH_DEV(p) {
		rte_eth_dev_stop(p);
		rte_eth_dev_close(p);
	}
	printf("VNT mempool %u of %u free after close\n",
		rte_mempool_avail_count(mp), NB_MBUF);
	if (rte_mempool_avail_count(mp) != NB_MBUF)
		ret = -1;
	printf("VNT result %s\n", ret == 0 ? "PASS" : "FAIL");
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
