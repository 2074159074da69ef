/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Unit tests of the Rx/Tx path tables, with no EAL: every combination of
 * the features that pick a path has exactly one, the one whose name says
 * so, whatever other features are negotiated; and the NIC guide's path
 * table names every path (argv[1]: doc/guides/nics/virtnet.rst).
 */

#include <stdlib.h>
#include <string.h>

#include <rte_vect.h>

#include "virtnet_rxtx.h"
#include "test_common.h"

TEST_GLOBALS;

#define F(bit)	(1ULL << (bit))

static const char *doc_path;

/* Features that must never change the path chosen. */
static const uint64_t noise[] = {
	0, F(VIRTIO_RING_F_EVENT_IDX), F(VIRTIO_NET_F_CSUM) |
		F(VIRTIO_NET_F_GUEST_CSUM), F(VIRTIO_RING_F_INDIRECT_DESC) |
		F(VIRTIO_F_VERSION_1) | F(VIRTIO_NET_F_MQ),
};

static unsigned int
matches(const struct virtnet_path *t, uint64_t f)
{
	unsigned int n = 0;

	for (; t->name != NULL; t++)
		n += (f & t->required) == t->required &&
			(f & t->forbidden) == 0 && t->simd == 0;
	return n;
}

/* The name a path must have for layout, order and mergeable buffers. */
static void
expected_name(char *buf, size_t len, bool packed, bool io, bool mrg)
{
	snprintf(buf, len, "%s%s%s", packed ? "packed" : "split",
		io ? " in-order" : "", mrg ? " mergeable" : "");
}

static void
check_combination(bool packed, bool io, bool mrg)
{
	uint64_t f = (packed ? F(VIRTIO_F_RING_PACKED) : 0) |
		(io ? F(VIRTIO_F_IN_ORDER) : 0) |
		(mrg ? F(VIRTIO_NET_F_MRG_RXBUF) : 0);
	const struct virtnet_path *rx, *tx;
	char want_rx[64], want_tx[64];
	unsigned int i;

	expected_name(want_rx, sizeof(want_rx), packed, io, mrg);
	expected_name(want_tx, sizeof(want_tx), packed, io, false);
	for (i = 0; i < RTE_DIM(noise); i++) {
		CHECK(matches(virtnet_rx_paths, f | noise[i]) == 1,
			"features 0x%" PRIx64 ": %u Rx paths", f | noise[i],
			matches(virtnet_rx_paths, f | noise[i]));
		CHECK(matches(virtnet_tx_paths, f | noise[i]) == 1,
			"features 0x%" PRIx64 ": %u Tx paths", f | noise[i],
			matches(virtnet_tx_paths, f | noise[i]));
		rx = virtnet_path_select(virtnet_rx_paths, f | noise[i], 0, 0);
		tx = virtnet_path_select(virtnet_tx_paths, f | noise[i], 0, 0);
		CHECK_GOTO(rx != NULL && tx != NULL, out, "no path");
		CHECK(strcmp(rx->name, want_rx) == 0 && rx->rx != NULL,
			"Rx \"%s\" for \"%s\"", rx->name, want_rx);
		CHECK(strcmp(tx->name, want_tx) == 0 && tx->tx != NULL,
			"Tx \"%s\" for \"%s\"", tx->name, want_tx);
	}
out:
	return;
}

static void
test_one_path_per_combination(void)
{
	unsigned int c;

	for (c = 0; c < 8; c++)
		check_combination(c & 1, c & 2, c & 4);
}

/* Each burst function serves one path only; one scalar path each. */
static void
test_paths_distinct(void)
{
	const struct virtnet_path *a, *b;
	unsigned int n = 0;

	for (a = virtnet_rx_paths; a->name != NULL; a++) {
		n += a->simd == 0;
		for (b = a + 1; b->name != NULL; b++)
			CHECK(a->rx != b->rx && strcmp(a->name, b->name) != 0,
				"%s and %s", a->name, b->name);
	}
	CHECK(n == 8, "%u scalar Rx paths", n);
	n = 0;
	for (a = virtnet_tx_paths; a->name != NULL; a++) {
		n += a->simd == 0;
		for (b = a + 1; b->name != NULL; b++)
			CHECK(a->tx != b->tx && strcmp(a->name, b->name) != 0,
				"%s and %s", a->name, b->name);
	}
	CHECK(n == 4, "%u scalar Tx paths", n);
}

/*
 * The Rx path for @p packed and @p io without mergeable buffers when
 * @p simd bits may be used: the vector one where it is built and wide
 * enough, the scalar one otherwise.
 */
static void
check_vector(bool packed, bool io, uint16_t simd)
{
	uint64_t f = (packed ? F(VIRTIO_F_RING_PACKED) : 0) |
		(io ? F(VIRTIO_F_IN_ORDER) : 0);
	const struct virtnet_path *p;
	const char *isa = "";
	char want[64];

#ifdef VIRTNET_AVX512
	if (packed && simd >= RTE_VECT_SIMD_512)
		isa = " vector avx512";
#endif
#ifdef VIRTNET_AVX2
	if (!packed && simd >= RTE_VECT_SIMD_256)
		isa = " vector avx2";
#endif
	expected_name(want, sizeof(want), packed, io, false);
	strcat(want, isa);
	p = virtnet_path_select(virtnet_rx_paths, f, 0, simd);
	CHECK(p != NULL && strcmp(p->name, want) == 0 &&
		(p->simd != 0) == (isa[0] != '\0') && p->simd <= simd,
		"simd %u: \"%s\" for \"%s\"", simd, p ? p->name : "none", want);
	/* Mergeable buffers never take a vector path. */
	p = virtnet_path_select(virtnet_rx_paths, f | F(VIRTIO_NET_F_MRG_RXBUF),
		0, simd);
	CHECK(p != NULL && p->simd == 0, "simd %u: \"%s\" with mergeable",
		simd, p ? p->name : "none");
}

/* vectorized=1: the vector Rx paths by SIMD width, scalar below it. */
static void
test_vector_paths(void)
{
	static const uint16_t widths[] = { 0, RTE_VECT_SIMD_128,
		RTE_VECT_SIMD_256, RTE_VECT_SIMD_512 };
	unsigned int c, w;

	for (w = 0; w < RTE_DIM(widths); w++)
		for (c = 0; c < 4; c++)
			check_vector(c & 1, c & 2, widths[w]);
}

/* The guide's table has a row for each Rx path. */
static void
test_doc_in_sync(void)
{
	const struct virtnet_path *p;
	static char doc[65536];
	char needle[80];
	size_t n;
	FILE *f;

	f = fopen(doc_path, "r");
	CHECK_GOTO(f != NULL, out, "cannot open %s", doc_path);
	n = fread(doc, 1, sizeof(doc) - 1, f);
	doc[n] = '\0';
	fclose(f);
	for (p = virtnet_rx_paths; p->name != NULL; p++) {
		/* Two spaces: the name column ends there, not at a longer name. */
		snprintf(needle, sizeof(needle), "\n%s  ", p->name);
		CHECK(strstr(doc, needle) != NULL, "path \"%s\" not in %s",
			p->name, doc_path);
	}
out:
	return;
}

int
main(int argc, char **argv)
{
	doc_path = argc > 1 ? argv[1] : "doc/guides/nics/virtnet.rst";
	RUN(test_one_path_per_combination);
	RUN(test_paths_distinct);
	RUN(test_vector_paths);
	RUN(test_doc_in_sync);
	TEST_SUMMARY();
	return t_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
