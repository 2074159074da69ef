/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Unit tests of the control queue (virtnet_ctrl.c) and its typed
 * commands, on both ring layouts, against the device side virtio-user
 * uses (virtnet_user_cq.c) behind a transport of this file: each
 * command's class, command and payload as the device reads them; a NACK
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

#include "virtnet_ctrl.h"
#include "virtnet_spec.h"
#include "virtnet_user_cq.h"
#include "test_common.h"

TEST_GLOBALS;

enum fake_mode { ANSWER, NACK, SILENT };

/* The fake device: what it saw last, how it answers. */
static struct {
	struct virtnet_cq_dev cq;
	enum fake_mode mode;
	unsigned int commands;
	uint8_t cls, cmd;
	uint8_t data[VIRTNET_CQ_MAX_DATA];
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
	virtnet_cq_dev_reset(&fd.cq, d);
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
		virtnet_cq_dev_process(&fd.cq, fake_handler, NULL);
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

static const struct virtnet_transport fake_tp = { &fake_ops, NULL };
static uint32_t mode;

static struct virtnet_ctrl *
make(void)
{
	const struct virtnet_ring_conf c = {
		.port_id = 0, .qid = 2, .nb_desc = 0, .mode = mode, .socket = 0,
	};

	memset(&fd, 0, sizeof(fd));
	return virtnet_ctrl_create(&fake_tp, &c);
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
	CHECK(ret == -ETIMEDOUT && ms >= 900 && ms < 3000,
		"no answer: %d after %" PRIu64 " ms", ret, ms);
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
	static const uint32_t modes[] = { 0, VIRTNET_VQ_PACKED };
	unsigned int i;

	if (rte_eal_init(argc, argv) < 0) {
		printf("EAL init failed\n0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i < RTE_DIM(modes); i++) {
		mode = modes[i];
		printf("=== %s ring\n", mode ? "packed" : "split");
		RUN(test_encoding);
		RUN(test_nack);
		RUN(test_no_answer);
		RUN(test_bad_calls);
	}
	TEST_SUMMARY();
	rte_eal_cleanup();
	return t_failed ? 1 : 0;
}
