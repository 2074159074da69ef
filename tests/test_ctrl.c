/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Unit tests of the control queue (virtnet_ctrl.c) and its typed
 * commands, on both ring layouts, against a control-queue device
 * (ctrl_model.c) behind a transport of this file: each
 * command's class, command and payload as the device reads them, and in
 * how many readable descriptors (header, then one per payload part:
 * MAC_TABLE_SET's two tables in two); a NACK
 * (-EIO, the next command goes through); a device that never answers
 * (-ETIMEDOUT after the wait, then -EIO at once); bad calls.
 *
 * Usage: test_ctrl <EAL args>   (memzones: --no-huge --no-shconf will do)
 */

#include <inttypes.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_memzone.h>

#include "virtnet_ctrl.h"
#include "virtnet_spec.h"
#include "ctrl_model.h"
#include "test_common.h"

TEST_GLOBALS;

enum fake_mode { ANSWER, NACK, SILENT };

/* The fake device: what it saw last, how it answers. */
static struct {
	struct ctrl_model cq;
	enum fake_mode mode;
	unsigned int commands;
	uint8_t cls, cmd;
	uint8_t data[CTRL_MODEL_MAX_DATA];
	uint32_t len;
} fd;

static uint8_t
fake_handler(void *arg __rte_unused, uint8_t cls, uint8_t cmd,
		const uint8_t *data, uint32_t len)
{
	fd.commands++;
	fd.cls = cls;
	fd.cmd = cmd;
	fd.len = len;
	memcpy(fd.data, data, RTE_MIN(len, (uint32_t)sizeof(fd.data)));
	return fd.mode == NACK ? VIRTIO_NET_ERR : VIRTIO_NET_OK;
}

static bool
fake_uses_va(void *t __rte_unused)
{
	return true;
}

static uint16_t
fake_queue_max_size(void *t __rte_unused, uint16_t qid __rte_unused)
{
	return 64;
}

static int
fake_setup_queue(void *t __rte_unused, const struct virtnet_queue_desc *d)
{
	ctrl_model_reset(&fd.cq, d);
	return 0;
}

static int
fake_enable_queue(void *t __rte_unused, uint16_t qid __rte_unused,
		bool on __rte_unused)
{
	return 0;
}

static void
fake_notify(void *t __rte_unused, uint16_t qid __rte_unused,
		uint16_t next __rte_unused)
{
	if (fd.mode != SILENT)
		ctrl_model_process(&fd.cq, fake_handler, NULL);
}

/* Only what the control queue uses. */
static const struct virtnet_transport_ops fake_ops = {
	.name = "fake",
	.queue_max_size = fake_queue_max_size,
	.setup_queue = fake_setup_queue,
	.enable_queue = fake_enable_queue,
	.notify = fake_notify,
	.uses_va = fake_uses_va,
};

/* A device answering in this process, as virtio-user's does: no ring. */
static int
fake_ctrl_cmd(void *t __rte_unused, uint8_t cls, uint8_t cmd,
		const uint8_t *data, uint32_t len)
{
	if (fd.mode == SILENT)
		return -ETIMEDOUT;
	return fake_handler(NULL, cls, cmd, data, len);
}

static const struct virtnet_transport_ops local_ops = {
	.name = "local",
	.ctrl_cmd = fake_ctrl_cmd,
	.uses_va = fake_uses_va,
};

static const struct virtnet_transport fake_tp = { &fake_ops, NULL };
static const struct virtnet_transport local_tp = { &local_ops, NULL };
#define MODE_LOCAL	UINT32_MAX	/* not a ring layout: answered locally */
static uint32_t mode;

static struct virtnet_ctrl *
make(void)
{
	const struct virtnet_ring_conf c = {
		.port_id = 0, .qid = 2, .nb_desc = 0,
		.mode = mode == MODE_LOCAL ? 0 : mode, .socket = 0,
	};

	memset(&fd, 0, sizeof(fd));
	return virtnet_ctrl_create(mode == MODE_LOCAL ? &local_tp : &fake_tp,
		&c);
}

static void
test_encoding(void)
{
	struct virtnet_ctrl *c = make();
	uint64_t le;
	int i;

	CHECK_GOTO(c != NULL, out, "control queue");
	CHECK(virtnet_ctrl_announce_ack(c) == 0 && fd.commands == 1 &&
		fd.cls == VIRTIO_NET_CTRL_ANNOUNCE &&
		fd.cmd == VIRTIO_NET_CTRL_ANNOUNCE_ACK && fd.len == 0,
		"ANNOUNCE_ACK: class %u cmd %u len %u", fd.cls, fd.cmd, fd.len);
	CHECK(virtnet_ctrl_guest_offloads_set(c, 0x382) == 0 &&
		fd.cls == VIRTIO_NET_CTRL_GUEST_OFFLOADS &&
		fd.cmd == VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET && fd.len == 8,
		"GUEST_OFFLOADS_SET: class %u cmd %u len %u", fd.cls, fd.cmd,
		fd.len);
	memcpy(&le, fd.data, sizeof(le));
	CHECK(rte_le_to_cpu_64(le) == 0x382, "offloads 0x%" PRIx64 " on the wire",
		rte_le_to_cpu_64(le));
	/* More commands than the ring has descriptors: each one reclaimed. */
	for (i = 0; i < 200; i++)
		if (virtnet_ctrl_guest_offloads_set(c, (uint64_t)i << 1) != 0)
			break;
	CHECK(i == 200 && fd.commands == 202, "%d commands in a row, %u seen",
		i, fd.commands);
out:
	virtnet_ctrl_destroy(c);
}

/*
 * The last command the device saw: class, command, length, readable
 * descriptors (on a ring).
 */
static bool
seen(uint8_t cls, uint8_t cmd, uint32_t len, uint16_t descs)
{
	return fd.cls == cls && fd.cmd == cmd && fd.len == len &&
		(mode == MODE_LOCAL || fd.cq.last_out == descs);
}

static void
test_rx_mode_vlan(void)
{
	struct virtnet_ctrl *c = make();
	uint16_t le;
	uint8_t cmd;

	CHECK_GOTO(c != NULL, out, "control queue");
	CHECK(virtnet_ctrl_announce_ack(c) == 0 &&
		seen(VIRTIO_NET_CTRL_ANNOUNCE, VIRTIO_NET_CTRL_ANNOUNCE_ACK, 0, 1),
		"a command without payload: the header alone (%u descriptors)",
		fd.cq.last_out);
	for (cmd = VIRTIO_NET_CTRL_RX_PROMISC; cmd <= VIRTIO_NET_CTRL_RX_NOBCAST;
	     cmd++) {
		CHECK(virtnet_ctrl_rx_mode(c, cmd, true) == 0 &&
			seen(VIRTIO_NET_CTRL_RX, cmd, 1, 2) && fd.data[0] == 1,
			"RX %u on: class %u cmd %u len %u data %u descs %u", cmd,
			fd.cls, fd.cmd, fd.len, fd.data[0], fd.cq.last_out);
		CHECK(virtnet_ctrl_rx_mode(c, cmd, false) == 0 &&
			seen(VIRTIO_NET_CTRL_RX, cmd, 1, 2) && fd.data[0] == 0,
			"RX %u off: data %u", cmd, fd.data[0]);
	}
	fd.commands = 0;
	CHECK(virtnet_ctrl_rx_mode(c, VIRTIO_NET_CTRL_RX_NOBCAST + 1, true) ==
		-EINVAL && fd.commands == 0, "unknown Rx mode refused");
	CHECK(virtnet_ctrl_vlan(c, 4095, true) == 0 &&
		seen(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, 2, 2),
		"VLAN_ADD: class %u cmd %u len %u", fd.cls, fd.cmd, fd.len);
	memcpy(&le, fd.data, sizeof(le));
	CHECK(rte_le_to_cpu_16(le) == 4095, "VLAN id %u on the wire",
		rte_le_to_cpu_16(le));
	CHECK(virtnet_ctrl_vlan(c, 1, false) == 0 &&
		seen(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_DEL, 2, 2) &&
		fd.data[0] == 1 && fd.data[1] == 0, "VLAN_DEL 1");
	fd.commands = 0;
	CHECK(virtnet_ctrl_vlan(c, 4096, true) == -EINVAL && fd.commands == 0,
		"VLAN 4096 refused");
out:
	virtnet_ctrl_destroy(c);
}

/*
 * Notification coalescing (NOTF_COAL): RX_SET and TX_SET with the two
 * little-endian 32-bit limits, frames first; a NACK is -EIO.
 */
static void
test_notf_coal(void)
{
	struct virtnet_ctrl *c = make();
	struct virtio_net_ctrl_coal coal;

	CHECK_GOTO(c != NULL, out, "control queue");
	CHECK(virtnet_ctrl_notf_coal(c, true, 50, 64) == 0 &&
		seen(VIRTIO_NET_CTRL_NOTF_COAL, VIRTIO_NET_CTRL_NOTF_COAL_RX_SET,
			sizeof(coal), 2),
		"RX_SET: class %u cmd %u len %u descs %u", fd.cls, fd.cmd,
		fd.len, fd.cq.last_out);
	memcpy(&coal, fd.data, sizeof(coal));
	CHECK(rte_le_to_cpu_32(coal.max_packets) == 64 &&
		rte_le_to_cpu_32(coal.max_usecs) == 50,
		"RX_SET data: %u packets %u usecs",
		rte_le_to_cpu_32(coal.max_packets),
		rte_le_to_cpu_32(coal.max_usecs));
	CHECK(virtnet_ctrl_notf_coal(c, false, 0x01020304, 1) == 0 &&
		seen(VIRTIO_NET_CTRL_NOTF_COAL, VIRTIO_NET_CTRL_NOTF_COAL_TX_SET,
			sizeof(coal), 2) && fd.data[0] == 1 && fd.data[4] == 4 &&
		fd.data[7] == 1, "TX_SET: cmd %u bytes %02x %02x %02x", fd.cmd,
		fd.data[0], fd.data[4], fd.data[7]);
	fd.mode = NACK;
	CHECK(virtnet_ctrl_notf_coal(c, true, 10, 10) == -EIO,
		"a device that refuses: -EIO");
	fd.mode = ANSWER;
out:
	virtnet_ctrl_destroy(c);
}

/* @n addresses 02:00:00:00:<tag>:<i> (multicast: 03:...). */
static void
macs(struct rte_ether_addr *a, uint32_t n, uint8_t tag, bool mc)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].addr_bytes[0] = mc ? 3 : 2;
		a[i].addr_bytes[4] = tag;
		a[i].addr_bytes[5] = (uint8_t)i;
	}
}

/* One table at @p at of the payload: entries (le32), then the addresses. */
static bool
table_ok(uint32_t at, const struct rte_ether_addr *a, uint32_t n)
{
	uint32_t le;

	memcpy(&le, fd.data + at, sizeof(le));
	/* No memcmp with a NULL @a even for 0 bytes (UBSan: nonnull). */
	return rte_le_to_cpu_32(le) == n && (n == 0 ||
		memcmp(fd.data + at + 4, a, n * RTE_ETHER_ADDR_LEN) == 0);
}

static void
test_mac(void)
{
	static struct rte_ether_addr uc[170], mc[170];
	struct virtnet_ctrl *c = make();
	uint32_t len;

	CHECK_GOTO(c != NULL, out, "control queue");
	macs(uc, RTE_DIM(uc), 0xaa, false);
	macs(mc, RTE_DIM(mc), 0xbb, true);
	CHECK(virtnet_ctrl_mac_addr_set(c, &uc[7]) == 0 &&
		seen(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, 6, 2) &&
		memcmp(fd.data, &uc[7], 6) == 0,
		"MAC_ADDR_SET: class %u cmd %u len %u descs %u", fd.cls, fd.cmd,
		fd.len, fd.cq.last_out);
	CHECK(virtnet_ctrl_mac_table_set(c, uc, 2, mc, 3) == 0 &&
		seen(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET,
			8 + 5 * 6, 3) && table_ok(0, uc, 2) && table_ok(16, mc, 3),
		"MAC_TABLE_SET 2 + 3: class %u cmd %u len %u descs %u", fd.cls,
		fd.cmd, fd.len, fd.cq.last_out);
	CHECK(virtnet_ctrl_mac_table_set(c, NULL, 0, NULL, 0) == 0 &&
		seen(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, 8, 3) &&
		table_ok(0, NULL, 0) && table_ok(4, NULL, 0),
		"MAC_TABLE_SET empty: len %u descs %u", fd.len, fd.cq.last_out);
	/* 169 addresses fill the payload; 170 do not fit. */
	len = 8 + 169 * 6;
	CHECK(virtnet_ctrl_mac_table_set(c, uc, 64, mc, 105) == 0 &&
		seen(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, len, 3) &&
		table_ok(0, uc, 64) && table_ok(4 + 64 * 6, mc, 105),
		"MAC_TABLE_SET 64 + 105: len %u", fd.len);
	fd.commands = 0;
	CHECK(virtnet_ctrl_mac_table_set(c, uc, 64, mc, 106) == -EINVAL &&
		virtnet_ctrl_mac_table_set(c, uc, UINT32_MAX, mc, 1) == -EINVAL &&
		fd.commands == 0, "tables over the payload refused");
out:
	virtnet_ctrl_destroy(c);
}

static void
test_sendv(void)
{
	static const uint8_t a[3] = { 1, 2, 3 }, b[2] = { 4, 5 };
	static uint8_t big[VIRTNET_CTRL_MAX_DATA];
	const struct virtnet_ctrl_seg parts[] = {
		{ a, sizeof(a) }, { NULL, 0 }, { b, sizeof(b) },
	};
	const struct virtnet_ctrl_seg five[5] = {
		{ a, 1 }, { a, 1 }, { a, 1 }, { a, 1 }, { a, 1 },
	};
	const struct virtnet_ctrl_seg over[2] = {
		{ big, sizeof(big) }, { a, 1 },
	};
	struct virtnet_ctrl *c = make();

	CHECK_GOTO(c != NULL, out, "control queue");
	CHECK(virtnet_ctrl_sendv(c, 9, 8, parts, RTE_DIM(parts)) == 0 &&
		seen(9, 8, 5, 3) && memcmp(fd.data, "\1\2\3\4\5", 5) == 0,
		"parts in order, the empty one left out: len %u descs %u",
		fd.len, fd.cq.last_out);
	fd.commands = 0;
	CHECK(virtnet_ctrl_sendv(c, 9, 8, five, RTE_DIM(five)) == -EINVAL &&
		virtnet_ctrl_sendv(c, 9, 8, over, RTE_DIM(over)) == -EINVAL &&
		fd.commands == 0, "too many parts, too many bytes");
	CHECK(virtnet_ctrl_sendv(c, 9, 8, over, 1) == 0 &&
		seen(9, 8, VIRTNET_CTRL_MAX_DATA, 2), "the maximum in one part");
out:
	virtnet_ctrl_destroy(c);
}

static void
test_nack(void)
{
	struct virtnet_ctrl *c = make();

	CHECK_GOTO(c != NULL, out, "control queue");
	fd.mode = NACK;
	CHECK(virtnet_ctrl_announce_ack(c) == -EIO, "NACK is -EIO");
	fd.mode = ANSWER;
	CHECK(virtnet_ctrl_announce_ack(c) == 0, "the next command works");
out:
	virtnet_ctrl_destroy(c);
}

static void
test_no_answer(void)
{
	struct virtnet_ctrl *c = make();
	uint64_t t0, ms;
	int ret;

	CHECK_GOTO(c != NULL, out, "control queue");
	fd.mode = SILENT;
	t0 = rte_get_timer_cycles();
	ret = virtnet_ctrl_guest_offloads_set(c, 2);
	ms = (rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz();
	/* A ring is waited on for a second; a local device says at once. */
	CHECK(ret == -ETIMEDOUT && (mode == MODE_LOCAL || ms >= 900) &&
		ms < 3000, "no answer: %d after %" PRIu64 " ms", ret, ms);
	fd.mode = ANSWER;
	t0 = rte_get_timer_cycles();
	ret = virtnet_ctrl_announce_ack(c);
	ms = (rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz();
	CHECK(ret == -EIO && ms < 100 && fd.commands == 0,
		"given-up queue: %d after %" PRIu64 " ms, %u commands seen",
		ret, ms, fd.commands);
out:
	virtnet_ctrl_destroy(c);
	/* A new queue (what a restart makes) works again. */
	c = make();
	CHECK(c != NULL && virtnet_ctrl_announce_ack(c) == 0,
		"a new control queue answers");
	virtnet_ctrl_destroy(c);
}

static void
count_mz(const struct rte_memzone *mz __rte_unused, void *arg)
{
	(*(unsigned int *)arg)++;
}

/*
 * DMA memory (which a vhost-user back-end maps whole) only for a ring:
 * a locally answered queue has nothing there to forge (audit F1).
 */
static void
test_dma_memory(void)
{
	unsigned int before = 0, after = 0;
	struct virtnet_ctrl *c;

	rte_memzone_walk(count_mz, &before);
	c = make();
	rte_memzone_walk(count_mz, &after);
	CHECK_GOTO(c != NULL, out, "control queue");
	CHECK(mode == MODE_LOCAL ? after == before : after == before + 2,
		"memzones: %u before, %u with the queue", before, after);
out:
	virtnet_ctrl_destroy(c);
}

static void
test_bad_calls(void)
{
	static uint8_t big[VIRTNET_CTRL_MAX_DATA + 1];
	struct virtnet_ctrl *c = make();

	CHECK(virtnet_ctrl_announce_ack(NULL) == -ENOTSUP, "no queue");
	CHECK_GOTO(c != NULL, out, "control queue");
	CHECK(virtnet_ctrl_send(c, 0, 0, big, sizeof(big)) == -EINVAL &&
		fd.commands == 0, "payload over the maximum");
out:
	virtnet_ctrl_destroy(c);
}

int
main(int argc, char **argv)
{
	static const uint32_t modes[] = { 0, VIRTNET_VQ_PACKED, MODE_LOCAL };
	static const char *const names[] = { "split ring", "packed ring",
		"answered in this process (no ring)" };
	unsigned int i;

	if (rte_eal_init(argc, argv) < 0) {
		printf("EAL init failed\n0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i < RTE_DIM(modes); i++) {
		mode = modes[i];
		printf("=== %s\n", names[i]);
		RUN(test_encoding);
		RUN(test_rx_mode_vlan);
		RUN(test_notf_coal);
		RUN(test_mac);
		RUN(test_sendv);
		RUN(test_nack);
		RUN(test_no_answer);
		RUN(test_bad_calls);
		RUN(test_dma_memory);
	}
	TEST_SUMMARY();
	rte_eal_cleanup();
	return t_failed ? 1 : 0;
}
