/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * The net_virtnet PCI driver: probe and remove for virtio-net PCI
 * functions. Debian's net_virtio claims the same ids; a plugin loaded with
 * -d registers first and wins, and "virtnet=0" in a device's devargs
 * hands that device back (net_virtio ignores keys it does not know).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <ethdev_pci.h>
#include <bus_pci_driver.h>

#include "virtnet_ethdev.h"
#include "virtnet_log.h"
#include "virtnet_pci.h"

/* Devargs: net_virtio's PCI keys, and virtnet's own. */
#define VIRTNET_PCI_ARG_SPEED		"speed"
#define VIRTNET_PCI_ARG_VECTORIZED	"vectorized"
#define VIRTNET_PCI_ARG_VIRTNET		"virtnet"
#define VIRTNET_PCI_ARG_LEGACY		"force_legacy"
#define VIRTNET_PCI_ARG_EVENT_IDX	"event_idx"

struct virtnet_pci_args {
	uint32_t speed;
	uint32_t vectorized;
	uint32_t virtnet;
	uint32_t force_legacy;
	uint32_t event_idx;
};

static const struct {
	const char *key;
	size_t off;
	uint32_t max;
} virtnet_pci_keys[] = {
	{ VIRTNET_PCI_ARG_SPEED, offsetof(struct virtnet_pci_args, speed), 400000 },
	{ VIRTNET_PCI_ARG_VECTORIZED,
		offsetof(struct virtnet_pci_args, vectorized), 1 },
	{ VIRTNET_PCI_ARG_VIRTNET, offsetof(struct virtnet_pci_args, virtnet), 1 },
	{ VIRTNET_PCI_ARG_LEGACY,
		offsetof(struct virtnet_pci_args, force_legacy), 1 },
	{ VIRTNET_PCI_ARG_EVENT_IDX,
		offsetof(struct virtnet_pci_args, event_idx), 1 },
};

static int
virtnet_pci_arg(const char *key, const char *val, void *opaque)
{
	struct virtnet_pci_args *a = opaque;
	unsigned long v = 0;
	char *end = NULL;
	unsigned int i;

	for (i = 0; i < RTE_DIM(virtnet_pci_keys); i++)
		if (strcmp(key, virtnet_pci_keys[i].key) == 0)
			break;
	if (i == RTE_DIM(virtnet_pci_keys))
		return -EINVAL;
	errno = 0;
	if (val != NULL && val[0] >= '0' && val[0] <= '9')
		v = strtoul(val, &end, 0);
	if (end == NULL || *end != '\0' || errno != 0 ||
	    v > virtnet_pci_keys[i].max) {
		VIRTNET_INIT_LOG(ERR, "invalid %s=%s: expected an integer in 0..%u",
			key, val ? val : "", virtnet_pci_keys[i].max);
		return -EINVAL;
	}
	*(uint32_t *)((char *)a + virtnet_pci_keys[i].off) = (uint32_t)v;
	return 0;
}

static int
virtnet_pci_args_parse(const struct rte_pci_device *pci,
		struct virtnet_pci_args *a)
{
	const struct rte_devargs *da = pci->device.devargs;
	struct rte_kvargs *kv;
	int ret;

	memset(a, 0, sizeof(*a));
	a->virtnet = 1;
	a->event_idx = 1;
	if (da == NULL || da->args == NULL || da->args[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(da->args, NULL);
	if (kv == NULL) {
		VIRTNET_INIT_LOG(ERR, "%s: cannot parse devargs \"%s\"",
			pci->device.name, da->args);
		return -EINVAL;
	}
	ret = rte_kvargs_process(kv, NULL, virtnet_pci_arg, a);
	rte_kvargs_free(kv);
	if (ret < 0)
		VIRTNET_INIT_LOG(ERR, "%s: devargs \"%s\" rejected; keys: speed, vectorized, virtnet, force_legacy, event_idx",
			pci->device.name, da->args);
	return ret < 0 ? -EINVAL : 0;
}

static int
virtnet_pci_transport(struct rte_eth_dev *dev, struct rte_pci_device *pci,
		const struct virtnet_pci_args *a)
{
	struct virtnet_pci_params prm = {
		.force_legacy = a->force_legacy != 0,
		.cb = virtnet_dev_event,
		.arg = dev,
	};
	struct virtnet_pci_info info;
	struct virtnet_proc *p;
	int ret;

	p = rte_zmalloc("virtnet_proc", sizeof(*p), 0);
	if (p == NULL)
		return -ENOMEM;
	ret = virtnet_pci_create(pci, &prm, &p->tp, &p->ops, &info);
	if (ret < 0) {
		rte_free(p);
		return ret;
	}
	dev->process_private = p;
	VIRTNET_INIT_LOG(INFO, "%s: %s interface%s", pci->device.name,
		info.legacy ? "legacy" : "modern",
		a->force_legacy ? " (force_legacy=1)" : "");
	return 0;
}

/* LSC comes from the config interrupt when the device reports status. */
static void
virtnet_pci_lsc(struct rte_eth_dev *dev)
{
	const struct virtnet_dev *hw = dev->data->dev_private;
	struct virtnet_proc *p = dev->process_private;

	if (!((hw->dev_features >> VIRTIO_NET_F_STATUS) & 1) ||
	    virtnet_pci_intr_enable(p->tp) < 0) {
		dev->data->dev_flags &= ~RTE_ETH_DEV_INTR_LSC;
		VIRTNET_INIT_LOG(INFO, "port %u: no config interrupt; link state is polled",
			dev->data->port_id);
	}
}

static int
virtnet_pci_probe(struct rte_pci_driver *drv __rte_unused,
		struct rte_pci_device *pci)
{
	struct virtnet_pci_args a;
	struct virtnet_dev *hw;
	struct rte_eth_dev *dev;
	int ret;

	ret = virtnet_pci_args_parse(pci, &a);
	if (ret < 0)
		return ret;
	if (!a.virtnet) {
		VIRTNET_INIT_LOG(INFO, "%s: virtnet=0: left to another driver",
			pci->device.name);
		return 1;
	}
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		VIRTNET_INIT_LOG(ERR, "%s: secondary processes are not supported yet",
			pci->device.name);
		return -ENOTSUP;
	}
	dev = rte_eth_dev_pci_allocate(pci, sizeof(struct virtnet_dev));
	if (dev == NULL)
		return -ENOMEM;
	hw = dev->data->dev_private;
	hw->speed = a.speed;
	hw->vector_asked = a.vectorized != 0;
	/* event_idx=0: the plain flags protocol, as net_virtio uses. */
	if (!a.event_idx)
		hw->features_off |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	ret = virtnet_pci_transport(dev, pci, &a);
	if (ret < 0) {
		rte_eth_dev_release_port(dev);
		return ret;
	}
	ret = virtnet_dev_init(dev);
	if (ret < 0) {
		VIRTNET_INIT_LOG(ERR, "%s: device init failed: %s",
			pci->device.name, rte_strerror(-ret));
		virtnet_dev_abandon(dev);
		return ret;
	}
	virtnet_pci_lsc(dev);
	rte_eth_dev_probing_finish(dev);
	VIRTNET_INIT_LOG(INFO, "%s: port %u, features 0x%" PRIx64,
		pci->device.name, dev->data->port_id, hw->dev_features);
	return 0;
}

static int
virtnet_pci_remove(struct rte_pci_device *pci)
{
	return virtnet_dev_remove(pci->device.name);
}

static const struct rte_pci_id virtnet_pci_id_map[] = {
	{ RTE_PCI_DEVICE(VIRTIO_PCI_VENDOR_ID, VIRTIO_PCI_NET_LEGACY_ID) },
	{ RTE_PCI_DEVICE(VIRTIO_PCI_VENDOR_ID, VIRTIO_PCI_NET_MODERN_ID) },
	{ .vendor_id = 0 },
};

static struct rte_pci_driver virtnet_pci_driver = {
	.id_table = virtnet_pci_id_map,
	.drv_flags = RTE_PCI_DRV_NEED_MAPPING | RTE_PCI_DRV_INTR_LSC,
	.probe = virtnet_pci_probe,
	.remove = virtnet_pci_remove,
};

RTE_PMD_REGISTER_PCI(net_virtnet, virtnet_pci_driver);
RTE_PMD_REGISTER_PCI_TABLE(net_virtnet, virtnet_pci_id_map);
RTE_PMD_REGISTER_KMOD_DEP(net_virtnet, "* igb_uio | uio_pci_generic | vfio-pci");
RTE_PMD_REGISTER_PARAM_STRING(net_virtnet,
	VIRTNET_PCI_ARG_SPEED "=<int> "
	VIRTNET_PCI_ARG_VECTORIZED "=<0|1> "
	VIRTNET_PCI_ARG_VIRTNET "=<0|1> "
	VIRTNET_PCI_ARG_LEGACY "=<0|1> "
	VIRTNET_PCI_ARG_EVENT_IDX "=<0|1>");
