/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_PCI_H
#define VIRTNET_PCI_H

/**
 * @file
 * The PCI transports: virtio 1.x "modern" devices found through their
 * vendor capabilities, and legacy (0.9.5) devices driven through I/O BAR 0.
 * Both implement struct virtnet_transport_ops and know nothing of ethdev.
 * Their state is process memory, out of the device's DMA reach.
 */

#include <stdbool.h>

#include "virtnet_transport.h"

struct rte_pci_device;

/** What the layers above ask of the PCI transport. */
struct virtnet_pci_params {
	bool force_legacy;	/**< use the legacy interface of a
				 * transitional device even if modern is there
				 */
	virtnet_event_cb cb;	/**< config change / device loss */
	void *arg;		/**< its argument */
};

/**
 * Find the device's virtio interface and take it: modern when its
 * capabilities are present and sane, else legacy when the device is a
 * transitional one with an I/O BAR.
 *
 * @param pci      the device, mapped by the bus (RTE_PCI_DRV_NEED_MAPPING)
 * @param prm      see struct virtnet_pci_params
 * @param[out] t   the transport's state
 * @param[out] ops the ops for it (their legacy flag says which interface)
 * @return 0, or a negative errno with the reason logged.
 */
int virtnet_pci_create(struct rte_pci_device *pci,
		const struct virtnet_pci_params *prm, void **t,
		const struct virtnet_transport_ops **ops);

extern const struct virtnet_transport_ops virtnet_pci_modern_ops;
extern const struct virtnet_transport_ops virtnet_pci_legacy_ops;

#endif /* VIRTNET_PCI_H */
