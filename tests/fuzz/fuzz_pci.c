/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * libFuzzer target: the PCI transport's capability walk and the modern
 * device's registers (virtnet_pci.c), unchanged: the config space is a
 * memfd that rte_pci_read_config() reads as it reads a UIO device's
 * config file, and each memory BAR is a heap buffer of its exact length
 * (ASan sees a read or write past it). The input gives the device id,
 * the 256 bytes of config space, the BAR lengths and their first bytes,
 * then transport calls (device config reads and writes, features,
 * queue sizes and setup with notify, status) between which the device
 * may change any BAR byte.
 */

#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bus_pci_driver.h>
#include <rte_interrupts.h>
#include <rte_log.h>

#include "virtnet_pci.h"
#include "virtnet_spec.h"
#include "fuzz_common.h"

#define CFG_SIZE	256
#define BAR_HEAD	128	/* BAR bytes the input gives; the rest 0 */
#define MAX_OPS		64

static struct rte_pci_device dev;
static int cfg_fd;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	if (getenv("VIRTNET_FUZZ_LOG") == NULL)
		rte_log_set_global_level(RTE_LOG_EMERG);
	cfg_fd = memfd_create("fuzz_pci_cfg", MFD_CLOEXEC);
	FZ_ASSERT(cfg_fd >= 0, "no memfd");
	dev.intr_handle = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	FZ_ASSERT(dev.intr_handle != NULL &&
		rte_intr_dev_fd_set(dev.intr_handle, cfg_fd) == 0,
		"no interrupt handle");
	dev.kdrv = RTE_PCI_KDRV_UIO_GENERIC;
	dev.device.name = "fuzz:00.0";
	dev.id.vendor_id = 0x1af4;
	return 0;
}

/* Config space and BARs as the input has them. */
static void
device_load(struct fz *f)
{
	uint8_t cfg[CFG_SIZE];
	unsigned int i, k;
	uint16_t len;

	dev.id.device_id = fz_u8(f) & 1 ? VIRTIO_PCI_NET_LEGACY_ID : 0x1041;
	for (i = 0; i < CFG_SIZE; i++)
		cfg[i] = fz_u8(f);
	FZ_ASSERT(pwrite(cfg_fd, cfg, sizeof(cfg), 0) == sizeof(cfg),
		"config space not written");
	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		len = fz_u16(f);
		dev.mem_resource[i].len = len;
		dev.mem_resource[i].addr = len == 0 ? NULL : calloc(1, len);
		for (k = 0; k < RTE_MIN(len, (unsigned int)BAR_HEAD); k++)
			((uint8_t *)dev.mem_resource[i].addr)[k] = fz_u8(f);
	}
}

static void
device_unload(void)
{
	unsigned int i;

	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		free(dev.mem_resource[i].addr);
		dev.mem_resource[i].addr = NULL;
		dev.mem_resource[i].len = 0;
	}
}

/* The device changes a byte of a BAR. */
static void
device_poke(struct fz *f)
{
	struct rte_mem_resource *r = &dev.mem_resource[fz_u8(f) %
		PCI_MAX_RESOURCE];
	uint16_t off = fz_u16(f);
	uint8_t v = fz_u8(f);

	if (r->len > 0)
		((uint8_t *)r->addr)[off % r->len] = v;
}

static void
queue_call(const struct virtnet_transport_ops *ops, void *t, struct fz *f)
{
	struct virtnet_queue_desc q = {
		.desc = 0x1000, .avail = 0x2000, .used = 0x3000,
	};

	q.qid = fz_u16(f) % 300;
	q.size = fz_u16(f);
	q.packed = fz_u8(f) & 1;

	if (ops->setup_queue(t, &q) == 0) {
		ops->enable_queue(t, q.qid, true);
		ops->notify(t, q.qid, fz_u16(f));
	}
}

static void
run_op(const struct virtnet_transport_ops *ops, void *t, struct fz *f)
{
	uint8_t buf[300];
	uint64_t mask;
	uint16_t off;

	switch (fz_u8(f) % 9) {
	case 0:
		off = fz_u16(f);
		ops->read_config(t, off, buf, fz_u16(f) % sizeof(buf));
		break;
	case 1:
		memset(buf, 0x5a, sizeof(buf));
		off = fz_u16(f);
		ops->write_config(t, off, buf, fz_u16(f) % sizeof(buf));
		break;
	case 2:
		mask = fz_u32(f);
		mask = mask << 32 | fz_u32(f);
		ops->set_features(t, ops->get_features(t) & mask);
		break;
	case 3:
		ops->queue_max_size(t, fz_u16(f));
		break;
	case 4:
		queue_call(ops, t, f);
		break;
	case 5:
		ops->set_status(t, fz_u8(f));
		ops->get_status(t);
		break;
	case 6:
		ops->alive(t);
		ops->rx_intr_check(t, fz_u8(f));
		break;
	case 7:
		ops->reset(t);
		break;
	default:
		device_poke(f);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct virtnet_pci_params prm = { .force_legacy = false };
	const struct virtnet_transport_ops *ops = NULL;
	struct fz f = { data, size };
	unsigned int n = 0;
	void *t = NULL;

	device_load(&f);
	if (virtnet_pci_create(&dev, &prm, &t, &ops) == 0) {
		FZ_ASSERT(ops == &virtnet_pci_modern_ops,
			"a transport other than modern without I/O ports");
		while (!fz_end(&f) && n++ < MAX_OPS)
			run_op(ops, t, &f);
		ops->close(t);
	}
	device_unload();
	return 0;
}
