/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_OFFLOAD_H
#define VIRTNET_OFFLOAD_H

/**
 * @file
 * The virtio-net header against mbuf offload flags, shared by every Rx
 * and Tx path. Header fields written by the device are checked before
 * they reach an mbuf. No EAL state: unit tests call these directly.
 */

#include <errno.h>
#include <stddef.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "virtnet_spec.h"

/**
 * Fill a zeroed Tx header from the packet's offload requests. Offloads
 * are advertised only as negotiated, and tx_pkt_prepare refuses a
 * segmentation request the device cannot serve.
 */
static __rte_always_inline void
virtnet_tx_offload_hdr(struct virtio_net_hdr *h, const struct rte_mbuf *m)
{
	uint64_t ol = m->ol_flags;
	uint16_t start;

	if (likely(!(ol & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG |
			RTE_MBUF_F_TX_UDP_SEG))))
		return;
	start = m->l2_len + m->l3_len;
	if (ol & RTE_MBUF_F_TX_TUNNEL_MASK)
		start += m->outer_l2_len + m->outer_l3_len;
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = start;
	if (ol & RTE_MBUF_F_TX_TCP_SEG) {
		h->csum_offset = offsetof(struct rte_tcp_hdr, cksum);
		h->gso_type = (ol & RTE_MBUF_F_TX_IPV6) ?
			VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
		h->gso_size = m->tso_segsz;
		h->hdr_len = start + m->l4_len;
	} else if (ol & RTE_MBUF_F_TX_UDP_SEG) {
		h->csum_offset = offsetof(struct rte_udp_hdr, dgram_cksum);
		h->gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
		h->gso_size = m->tso_segsz;
		h->hdr_len = start + sizeof(struct rte_udp_hdr);
	} else if ((ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM) {
		h->csum_offset = offsetof(struct rte_tcp_hdr, cksum);
	} else if ((ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_UDP_CKSUM) {
		h->csum_offset = offsetof(struct rte_udp_hdr, dgram_cksum);
	} else {
		/* SCTP has no partial checksum in virtio: leave it alone. */
		h->flags = 0;
		h->csum_start = 0;
	}
}

/**
 * Take the offload state of a received packet from its header.
 * csum_start and csum_offset must lie inside the packet, and a GSO
 * packet must be a known type with a segment size and a partial sum.
 *
 * @return 0, or -EINVAL for a header that must not be believed.
 */
static __rte_always_inline int
virtnet_rx_offload_hdr(struct rte_mbuf *m, const struct virtio_net_hdr *hp)
{
	struct virtio_net_hdr h = *hp;	/* read the device's memory once */
	uint8_t gso = h.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if ((uint32_t)h.csum_start + h.csum_offset + 2 > m->pkt_len)
			return -EINVAL;
		/* Data intact, the checksum field holds only a partial sum. */
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
	} else if (h.flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	}
	if (gso == VIRTIO_NET_HDR_GSO_NONE)
		return 0;
	if ((gso != VIRTIO_NET_HDR_GSO_TCPV4 &&
	     gso != VIRTIO_NET_HDR_GSO_TCPV6 &&
	     gso != VIRTIO_NET_HDR_GSO_UDP_L4) || h.gso_size == 0 ||
	    !(h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return -EINVAL;
	m->ol_flags |= RTE_MBUF_F_RX_LRO;
	m->tso_segsz = h.gso_size;
	return 0;
}

/**
 * Seed the L4 checksum of a segmentation request with the pseudo-header
 * sum over the whole L4 length. Linux's GSO code behind vhost-net and tap
 * (5.1.6.2 leaves it to the device) takes that length out and puts each
 * segment's in; rte_net_intel_cksum_prepare leaves the length out, as
 * Intel NICs want, and does not seed UDP segmentation at all.
 *
 * @return 0, or -EINVAL when the headers are not in the first segment.
 */
static inline int
virtnet_gso_seed(struct rte_mbuf *m)
{
	uint32_t l3 = m->l2_len;
	uint16_t *sum;
	void *ip;

	if (!(m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)))
		return 0;
	if (m->ol_flags & (RTE_MBUF_F_TX_OUTER_IPV4 | RTE_MBUF_F_TX_OUTER_IPV6))
		l3 += m->outer_l2_len + m->outer_l3_len;
	if (rte_pktmbuf_data_len(m) < l3 + m->l3_len +
			sizeof(struct rte_tcp_hdr))
		return -EINVAL;
	ip = rte_pktmbuf_mtod_offset(m, void *, l3);
	sum = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ?
		&((struct rte_tcp_hdr *)RTE_PTR_ADD(ip, m->l3_len))->cksum :
		&((struct rte_udp_hdr *)RTE_PTR_ADD(ip, m->l3_len))->dgram_cksum;
	*sum = (m->ol_flags & RTE_MBUF_F_TX_IPV4) ?
		rte_ipv4_phdr_cksum(ip, 0) : rte_ipv6_phdr_cksum(ip, 0);
	return 0;
}

#endif /* VIRTNET_OFFLOAD_H */
