/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Unit tests of the virtio-net header against mbuf offload flags
 * (virtnet_offload.h), with no EAL: Rx headers a device writes, Tx
 * headers from mbuf requests, and the L4 sum seed of segmentation.
 */

#include <inttypes.h>
#include <string.h>

#include <rte_net.h>

#include "virtnet_offload.h"
#include "test_common.h"

TEST_GLOBALS;

/* Rx headers from the device: believed only when they make sense. */
static void
test_rx_offload_hdr(void)
{
	static const struct {
		struct virtio_net_hdr h;
		int ret;
		uint64_t flags;
	} cases[] = {
		{ { 0, 0, 0, 0, 0, 0 }, 0, 0 },
		{ { VIRTIO_NET_HDR_F_DATA_VALID, 0, 0, 0, 0, 0 }, 0,
			RTE_MBUF_F_RX_L4_CKSUM_GOOD },
		{ { VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0, 34, 16 }, 0,
			RTE_MBUF_F_RX_L4_CKSUM_NONE },
		/* the sum field must lie inside the 100 B packet */
		{ { VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0, 82, 16 }, 0,
			RTE_MBUF_F_RX_L4_CKSUM_NONE },
		{ { VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0, 83, 16 }, -EINVAL, 0 },
		{ { VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0, 0xffff, 0xffff },
			-EINVAL, 0 },
		{ { VIRTIO_NET_HDR_F_NEEDS_CSUM,
			VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN, 74, 1400,
			54, 16 }, 0,
			RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO },
		/* GSO needs a partial sum, a size and a known type */
		{ { 0, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1400, 0, 0 }, -EINVAL, 0 },
		{ { VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 54, 0,
			34, 16 }, -EINVAL, 0 },
		{ { VIRTIO_NET_HDR_F_NEEDS_CSUM, 2, 54, 1400, 34, 16 }, -EINVAL, 0 },
		{ { VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP, 42, 1400,
			34, 6 }, -EINVAL, 0 },
	};
	struct rte_mbuf m;
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(cases); i++) {
		memset(&m, 0, sizeof(m));
		m.pkt_len = 100;
		ret = virtnet_rx_offload_hdr(&m, &cases[i].h);
		CHECK(ret == cases[i].ret, "case %u: ret %d", i, ret);
		if (ret == 0)
			CHECK(m.ol_flags == cases[i].flags, "case %u: flags 0x%"
				PRIx64, i, m.ol_flags);
		if (ret == 0 && (m.ol_flags & RTE_MBUF_F_RX_LRO))
			CHECK(m.tso_segsz == cases[i].h.gso_size, "case %u: segsz", i);
	}
}

/* Tx headers from mbuf requests. */
static void
test_tx_offload_hdr(void)
{
	struct virtio_net_hdr h;
	struct rte_mbuf m;

	memset(&m, 0, sizeof(m));
	m.l2_len = 14;
	m.l3_len = 40;
	m.l4_len = 20;
	m.tso_segsz = 1200;
	m.ol_flags = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_SEG |
		RTE_MBUF_F_TX_TCP_CKSUM;
	memset(&h, 0, sizeof(h));
	virtnet_tx_offload_hdr(&h, &m);
	CHECK(h.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
		h.gso_type == VIRTIO_NET_HDR_GSO_TCPV6 && h.gso_size == 1200 &&
		h.csum_start == 54 && h.csum_offset == 16 && h.hdr_len == 74,
		"TSO6 header");
	m.l3_len = 20;
	m.ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
	memset(&h, 0, sizeof(h));
	virtnet_tx_offload_hdr(&h, &m);
	CHECK(h.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM && h.gso_type == 0 &&
		h.csum_start == 34 && h.csum_offset == 6, "UDP csum header");
	m.ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_SCTP_CKSUM;
	memset(&h, 0, sizeof(h));
	virtnet_tx_offload_hdr(&h, &m);
	CHECK(h.flags == 0 && h.csum_start == 0, "SCTP left alone");
	m.ol_flags = 0;
	virtnet_tx_offload_hdr(&h, &m);
	CHECK(h.flags == 0 && h.gso_type == 0, "no request, no header");
	m.ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_SEG;
	m.tso_segsz = 1400;
	memset(&h, 0, sizeof(h));
	virtnet_tx_offload_hdr(&h, &m);
	CHECK(h.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
		h.gso_type == VIRTIO_NET_HDR_GSO_UDP_L4 && h.gso_size == 1400 &&
		h.csum_start == 34 && h.csum_offset == 6 && h.hdr_len == 42,
		"USO header");
}

/* Ones' complement sum of @len bytes, folded, not inverted. */
static uint16_t
sum16(const void *p, size_t len, uint32_t acc)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		acc += (uint32_t)b[len - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/*
 * A segmentation request of 1500 L4 bytes over IPv4 or IPv6 in @buf,
 * described by @m. Returns the seed the L4 sum must get: the
 * pseudo-header over the whole L4 length, computed here from the
 * RFC 793/768 layout rather than by DPDK.
 */
static uint16_t
gso_frame(uint8_t *buf, size_t size, struct rte_mbuf *m, bool v6, bool udp)
{
	unsigned int l3 = v6 ? 40 : 20, l4len = 1500, off;
	uint8_t *ip = buf + 14;

	memset(buf, 0, size);
	memset(m, 0, sizeof(*m));
	m->buf_addr = buf;
	m->data_len = (uint16_t)(14 + l3 + l4len);
	m->pkt_len = m->data_len;
	m->l2_len = 14;
	m->l3_len = l3;
	m->l4_len = udp ? 8 : 20;
	m->tso_segsz = 500;
	m->ol_flags = (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4) |
		(udp ? RTE_MBUF_F_TX_UDP_SEG :
			RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM);
	if (v6) {
		ip[0] = 0x60;
		ip[4] = (uint8_t)(l4len >> 8);
		ip[5] = (uint8_t)l4len;
		ip[6] = udp ? 17 : 6;
		for (off = 8; off < 40; off++)
			ip[off] = (uint8_t)(off * 7);
		return sum16(ip + 8, 32, l4len + ip[6]);
	}
	ip[0] = 0x45;
	ip[2] = (uint8_t)((l3 + l4len) >> 8);
	ip[3] = (uint8_t)(l3 + l4len);
	ip[9] = udp ? 17 : 6;
	for (off = 12; off < 20; off++)
		ip[off] = (uint8_t)(off * 13);
	return sum16(ip + 12, 8, l4len + ip[9]);
}

/*
 * Segmentation requests: the L4 sum is seeded over the whole L4 length,
 * as Linux's GSO expects.
 */
static void
test_gso_seed(void)
{
	static const struct { bool v6, udp; } cases[] = {
		{ false, false }, { true, false }, { false, true }, { true, true },
	};
	uint8_t buf[2048], *l4;
	struct rte_mbuf m;
	unsigned int i, off;
	uint16_t want, got;

	for (i = 0; i < RTE_DIM(cases); i++) {
		want = gso_frame(buf, sizeof(buf), &m, cases[i].v6,
			cases[i].udp);
		CHECK(rte_net_intel_cksum_flags_prepare(&m,
			virtnet_seed_flags(m.ol_flags)) == 0, "case %u: refused", i);
		l4 = buf + m.l2_len + m.l3_len;
		off = cases[i].udp ? 6 : 16;
		/* the field is in network order */
		got = (uint16_t)(l4[off] << 8 | l4[off + 1]);
		CHECK(got == want, "case %u: seed 0x%04x, want 0x%04x", i, got, want);
	}
	m.data_len = 14 + 20 + 10;	/* L4 header not in the first segment */
	m.ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_SEG;
	m.l3_len = 20;
	m.l4_len = 20;
	CHECK(rte_net_intel_cksum_flags_prepare(&m,
		virtnet_seed_flags(m.ol_flags)) < 0, "split header accepted");
}

int
main(void)
{
	RUN(test_rx_offload_hdr);
	RUN(test_tx_offload_hdr);
	RUN(test_gso_seed);
	TEST_SUMMARY();
	return t_failed ? 1 : 0;
}
