/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_TEST_PKT_H
#define VIRTNET_TEST_PKT_H

/*
 * Test packets shared by test_vhost and the guest test app: the byte
 * pattern every payload carries, mbuf chains built from bytes, the
 * numbered test frame and its byte-exact check, and the Ethernet + IP +
 * TCP/UDP frame the offload tests send.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#define TEST_ETHER_TYPE	0x88b5
/* Test frame: Ethernet header, then its seq and length (host order). */
#define TEST_FRAME_HDR	22
/* The largest frame the builders and checks take. */
#define TEST_PKT_MAX	16384

/* Byte @off of the payload numbered @seq. */
uint8_t
test_pattern(uint32_t seq, uint32_t off);

/* @n bytes of payload @seq from offset @off into @d. */
void
test_pattern_fill(uint8_t *d, uint32_t seq, uint32_t off, uint32_t n);

/* Whether @d holds bytes @off..@off+@n-1 of payload @seq. */
bool
test_pattern_ok(const uint8_t *d, uint32_t seq, uint32_t off, uint32_t n);

/*
 * Append @len bytes of @src to the chain *@head (made if NULL) in new
 * mbufs of at most @per bytes (@per > 0) each, and at most what one mbuf
 * holds. On failure the whole chain is freed and *@head is NULL.
 */
int
test_mbuf_append(struct rte_mempool *mp, struct rte_mbuf **head,
		const uint8_t *src, uint32_t len, uint32_t per);

/*
 * Test frame @seq of @len bytes (TEST_FRAME_HDR..TEST_PKT_MAX) in about
 * @nsegs equal segments: broadcast, TEST_ETHER_TYPE, seq, length, then
 * the pattern of @seq.
 */
struct rte_mbuf *
test_frame(struct rte_mempool *mp, uint32_t len, uint32_t seq,
		uint16_t nsegs);

/* Whether @m is, byte for byte, the test frame of its seq and length. */
bool
test_frame_ok(const struct rte_mbuf *m, uint32_t *seq);

/* An Ethernet + IPv4/IPv6 + TCP/UDP frame for offload tests. */
struct test_l4 {
	bool ipv6;
	bool tcp;
	/* In the IPv4 id and the TCP sequence (id << 16); payload seq. */
	uint32_t id;
	uint32_t payload;	/* bytes after the L4 header */
};

/* Bytes of Ethernet, IP and L4 headers of @f. */
uint32_t
test_l4_hdr_len(const struct test_l4 *f);

/*
 * Frame @f into @buf (test_l4_hdr_len + payload bytes); returns its
 * length. IP sum set, L4 sum left 0: the offload under test fills it.
 */
uint32_t
test_l4_build(uint8_t *buf, const struct test_l4 *f);

/*
 * Frame @f as an mbuf chain with l2/l3/l4_len and the Tx IP version
 * flag set. With @hdr_apart the headers take a segment of their own;
 * the rest goes in segments of at most @per bytes.
 */
struct rte_mbuf *
test_l4_mbuf(struct rte_mempool *mp, const struct test_l4 *f,
		bool hdr_apart, uint32_t per);

#endif
