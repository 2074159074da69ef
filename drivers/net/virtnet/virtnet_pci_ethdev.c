/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * The net_virtnet PCI driver: virtio-net PCI functions. Debian's
 * net_virtio claims the same ids; a plugin loaded with -d registers first
 * and wins, and "virtnet=0" in a device's devargs hands that device back
 * (net_virtio ignores keys it does not know).
 */

#include <ethdev_pci.h>
#include <bus_pci_driver.h>

#include "virtnet_devargs.h"
#include "virtnet_ethdev.h"
#include "virtnet_log.h"
#include "virtnet_mp.h"
#include "virtnet_pci.h"
#include "virtnet_secondary.h"
#include "virtnet_spec.h"

struct virtnet_pci_bus_arg {
	struct rte_pci_device *pci;
	bool force_legacy;
};

static int
virtnet_pci_transport(const void *bus_arg, virtnet_event_cb cb, void *arg,
		struct virtnet_transport *t)
{
	const struct virtnet_pci_bus_arg *b = bus_arg;
	struct virtnet_pci_params prm = {
		.force_legacy = b->force_legacy,
		.cb = cb,
		.arg = arg,
	};
	int ret;

	ret = virtnet_pci_create(b->pci, &prm, &t->priv, &t->ops);
	if (ret == 0)
		VIRTNET_INIT_LOG(INFO, "%s: %s interface%s",
			b->pci->device.name,
			t->ops->legacy ? "legacy" : "modern",
			b->force_legacy ? " (force_legacy=1)" : "");
	return ret;
}

static int
virtnet_pci_probe(struct rte_pci_driver *drv __rte_unused,
		struct rte_pci_device *pci)
{
	const struct rte_devargs *da = pci->device.devargs;
	const char *name = pci->device.name;
	struct virtnet_pci_bus_arg b = { .pci = pci };
	struct virtnet_probe_params p = {
		.name = name,
		.transport = virtnet_pci_transport,
		.bus_arg = &b,
	};
	struct virtnet_pci_args a;
	struct rte_eth_dev *dev;
	int ret;

	/* Before virtnet=0: secondaries then learn quickly it is not ours. */
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		virtnet_mp_primary_init();
	ret = virtnet_devargs_parse(&virtnet_pci_devargs, name,
		da != NULL ? da->args : NULL, &a);
	if (ret < 0)
		return ret;
	if (!a.virtnet) {
		VIRTNET_INIT_LOG(INFO, "%s: virtnet=0: left to another driver",
			name);
		return 1;
	}
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return virtnet_secondary_probe(name, &pci->device);
	b.force_legacy = a.force_legacy != 0;
	p.speed = a.speed;
	p.vectorized = a.vectorized != 0;
	p.coal = (struct virtnet_coal){ a.rx_coal_usecs, a.rx_coal_frames,
		a.tx_coal_usecs, a.tx_coal_frames };
	/* event_idx=0: the plain flags protocol, as net_virtio uses. */
	if (!a.event_idx)
		p.features_off |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	dev = rte_eth_dev_pci_allocate(pci, 0);
	if (dev == NULL)
		return -ENOMEM;
	ret = virtnet_ethdev_probe(dev, &p);
	if (ret == 0)
		virtnet_mp_port_add(dev);
	return ret;
}

static int
virtnet_pci_remove(struct rte_pci_device *pci)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return virtnet_secondary_remove(pci->device.name);
	return virtnet_ethdev_remove(pci->device.name);
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
RTE_PMD_REGISTER_PARAM_STRING(net_virtnet, VIRTNET_PCI_PARAM_STRING);
