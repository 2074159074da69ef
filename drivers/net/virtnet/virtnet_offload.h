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
 * The offload flags to seed L4 sums with (rte_net_intel_cksum_flags_prepare).
 * A segmentation request is seeded as a plain checksum request, over the
 * whole L4 length: Linux's GSO behind vhost-net and tap (5.1.6.2 leaves it
 * to the device) takes that length out and puts each segment's in. With
 * the request's own flags the length would be left out, as Intel NICs
 * want, and UDP segmentation would not be seeded at all.
 */
static inline uint64_t
virtnet_seed_flags(uint64_t ol)
{
	const uint64_t keep = ~(RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG |
		RTE_MBUF_F_TX_L4_MASK);

	if (ol & RTE_MBUF_F_TX_TCP_SEG)
		return (ol & keep) | RTE_MBUF_F_TX_TCP_CKSUM;
	if (ol & RTE_MBUF_F_TX_UDP_SEG)
		return (ol & keep) | RTE_MBUF_F_TX_UDP_CKSUM;
	return ol;
}

#endif /* VIRTNET_OFFLOAD_H */
