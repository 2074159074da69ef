/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Test packets shared by test_vhost and the guest test app (see
 * test_pkt.h). Single-threaded callers: the builders keep one static
 * buffer each.
 */

#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "test_pkt.h"

/* Locally administered; the same in every frame the tests build. */
static const uint8_t test_src_mac[RTE_ETHER_ADDR_LEN] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
};

uint8_t
test_pattern(uint32_t seq, uint32_t off)
{
	return (uint8_t)(seq * 7 + off * 13 + (off >> 8));
}

void
test_pattern_fill(uint8_t *d, uint32_t seq, uint32_t off, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		d[i] = test_pattern(seq, off + i);
}

bool
test_pattern_ok(const uint8_t *d, uint32_t seq, uint32_t off, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (d[i] != test_pattern(seq, off + i))
			return false;
	return true;
}

int
test_mbuf_append(struct rte_mempool *mp, struct rte_mbuf **head,
		const uint8_t *src, uint32_t len, uint32_t per)
{
	struct rte_mbuf *last = *head ? rte_pktmbuf_lastseg(*head) : NULL;
	struct rte_mbuf *m;
	uint32_t off = 0, n;

	while (off < len) {
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL) {
			rte_pktmbuf_free(*head);
			*head = NULL;
			return -1;
		}
		n = RTE_MIN(per, len - off);
		n = RTE_MIN(n, (uint32_t)rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_append(m, n), src + off, n);
		if (*head == NULL) {
			*head = m;
		} else {
			last->next = m;
			(*head)->nb_segs++;
			(*head)->pkt_len += n;
		}
		last = m;
		off += n;
	}
	return 0;
}

/* The TEST_FRAME_HDR bytes that open test frame @seq of @len bytes. */
static void
frame_header(uint8_t *d, uint32_t len, uint32_t seq)
{
	memset(d, 0xff, RTE_ETHER_ADDR_LEN);
	memcpy(d + RTE_ETHER_ADDR_LEN, test_src_mac, RTE_ETHER_ADDR_LEN);
	d[12] = TEST_ETHER_TYPE >> 8;
	d[13] = TEST_ETHER_TYPE & 0xff;
	memcpy(d + 14, &seq, sizeof(seq));
	memcpy(d + 18, &len, sizeof(len));
}

struct rte_mbuf *
test_frame(struct rte_mempool *mp, uint32_t len, uint32_t seq,
		uint16_t nsegs)
{
	static uint8_t d[TEST_PKT_MAX];
	struct rte_mbuf *m = NULL;

	if (len < TEST_FRAME_HDR || len > sizeof(d) || nsegs == 0)
		return NULL;
	frame_header(d, len, seq);
	test_pattern_fill(d + TEST_FRAME_HDR, seq, TEST_FRAME_HDR,
		len - TEST_FRAME_HDR);
	if (test_mbuf_append(mp, &m, d, len, (len + nsegs - 1) / nsegs) < 0)
		return NULL;
	return m;
}

bool
test_frame_ok(const struct rte_mbuf *m, uint32_t *seq)
{
	static uint8_t buf[TEST_PKT_MAX];
	uint8_t hdr[TEST_FRAME_HDR];
	uint32_t len = m->pkt_len;
	const uint8_t *d;

	if (len < TEST_FRAME_HDR || len > sizeof(buf))
		return false;
	d = rte_pktmbuf_read(m, 0, len, buf);
	if (d == NULL)
		return false;
	memcpy(seq, d + 14, sizeof(*seq));
	/* The length field must match what arrived, so a cut is caught. */
	frame_header(hdr, len, *seq);
	return memcmp(d, hdr, sizeof(hdr)) == 0 &&
		test_pattern_ok(d + TEST_FRAME_HDR, *seq, TEST_FRAME_HDR,
			len - TEST_FRAME_HDR);
}

static uint32_t
l3_len(const struct test_l4 *f)
{
	return f->ipv6 ? sizeof(struct rte_ipv6_hdr) :
		sizeof(struct rte_ipv4_hdr);
}

static uint32_t
l4_len(const struct test_l4 *f)
{
	return f->tcp ? sizeof(struct rte_tcp_hdr) : sizeof(struct rte_udp_hdr);
}

uint32_t
test_l4_hdr_len(const struct test_l4 *f)
{
	return sizeof(struct rte_ether_hdr) + l3_len(f) + l4_len(f);
}

/* IPv4 or IPv6 header of @f at @ip, its sum set. */
static void
l4_build_ip(uint8_t *ip, const struct test_l4 *f)
{
	uint8_t proto = f->tcp ? IPPROTO_TCP : IPPROTO_UDP;

	if (f->ipv6) {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)ip;

		h->vtc_flow = rte_cpu_to_be_32(6u << 28);
		h->payload_len = rte_cpu_to_be_16(l4_len(f) + f->payload);
		h->proto = proto;
		h->hop_limits = 64;
		h->src_addr[15] = 1;
		h->dst_addr[15] = 2;
	} else {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;

		h->version_ihl = 0x45;
		h->total_length = rte_cpu_to_be_16(l3_len(f) + l4_len(f) +
			f->payload);
		h->packet_id = rte_cpu_to_be_16((uint16_t)f->id);
		h->time_to_live = 64;
		h->next_proto_id = proto;
		h->src_addr = rte_cpu_to_be_32(0x0a000001);
		h->dst_addr = rte_cpu_to_be_32(0x0a000002);
		h->hdr_checksum = rte_ipv4_cksum(h);
	}
}

/* TCP or UDP header of @f at @l4h, sum 0. */
static void
l4_build_l4(uint8_t *l4h, const struct test_l4 *f)
{
	if (f->tcp) {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)l4h;

		t->src_port = rte_cpu_to_be_16(4000);
		t->dst_port = rte_cpu_to_be_16(5000);
		t->sent_seq = rte_cpu_to_be_32(f->id << 16);
		t->data_off = 5 << 4;
		t->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
		t->rx_win = rte_cpu_to_be_16(65535);
	} else {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)l4h;

		u->src_port = rte_cpu_to_be_16(4000);
		u->dst_port = rte_cpu_to_be_16(5000);
		u->dgram_len = rte_cpu_to_be_16(l4_len(f) + f->payload);
	}
}

uint32_t
test_l4_build(uint8_t *buf, const struct test_l4 *f)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	uint8_t *ip = buf + sizeof(*eth), *l4h = ip + l3_len(f);
	uint32_t hl = test_l4_hdr_len(f);

	memset(buf, 0, hl);
	memset(eth->dst_addr.addr_bytes, 0xff, RTE_ETHER_ADDR_LEN);
	memcpy(eth->src_addr.addr_bytes, test_src_mac, RTE_ETHER_ADDR_LEN);
	eth->ether_type = rte_cpu_to_be_16(f->ipv6 ? RTE_ETHER_TYPE_IPV6 :
		RTE_ETHER_TYPE_IPV4);
	l4_build_ip(ip, f);
	l4_build_l4(l4h, f);
	test_pattern_fill(buf + hl, f->id, 0, f->payload);
	return hl + f->payload;
}

struct rte_mbuf *
test_l4_mbuf(struct rte_mempool *mp, const struct test_l4 *f,
		bool hdr_apart, uint32_t per)
{
	static uint8_t buf[TEST_PKT_MAX];
	uint32_t hl = test_l4_hdr_len(f), first = hdr_apart ? hl : 0, len;
	struct rte_mbuf *m = NULL;

	if (hl + f->payload > sizeof(buf))
		return NULL;
	len = test_l4_build(buf, f);
	if (test_mbuf_append(mp, &m, buf, first, first) < 0 ||
	    test_mbuf_append(mp, &m, buf + first, len - first, per) < 0)
		return NULL;
	m->l2_len = sizeof(struct rte_ether_hdr);
	m->l3_len = l3_len(f);
	m->l4_len = l4_len(f);
	m->ol_flags = f->ipv6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4;
	return m;
}
