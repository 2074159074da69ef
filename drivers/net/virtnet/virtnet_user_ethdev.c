/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/* The net_virtnet_user vdev: virtio-user ports over vhost-user. */

#include <ethdev_vdev.h>
#include <bus_vdev_driver.h>

#include "virtnet_devargs.h"
#include "virtnet_ethdev.h"
#include "virtnet_log.h"
#include "virtnet_mp.h"
#include "virtnet_secondary.h"
#include "virtnet_spec.h"
#include "virtnet_user.h"

static uint64_t
virtnet_user_feature_mask(const struct virtnet_user_args *a)
{
	uint64_t mask = UINT64_MAX;

	if (!a->mrg_rxbuf)
		mask &= ~(1ULL << VIRTIO_NET_F_MRG_RXBUF);
	if (!a->in_order)
		mask &= ~(1ULL << VIRTIO_F_IN_ORDER);
	if (!a->packed_vq)
		mask &= ~(1ULL << VIRTIO_F_RING_PACKED);
	return mask;
}

static int
virtnet_user_transport(const void *bus_arg, virtnet_event_cb cb, void *arg,
		struct virtnet_transport *t)
{
	const struct virtnet_user_args *a = bus_arg;
	struct virtnet_user_params up = {
		.path = a->path,
		.queue_pairs = (uint16_t)a->queues,
		.queue_size = (uint16_t)a->queue_size,
		.cq = a->cq != 0,
		.feature_mask = virtnet_user_feature_mask(a),
		.speed = a->speed,
		.server = a->server != 0,
	};
	struct rte_ether_addr mac = a->mac;

	if (!virtnet_devargs_given(&virtnet_user_devargs, a, "mac"))
		rte_eth_random_addr(mac.addr_bytes);
	memcpy(up.mac, mac.addr_bytes, sizeof(up.mac));
	t->ops = &virtnet_user_ops;
	return virtnet_user_create(&up, cb, arg, &t->priv);
}

static int
virtnet_user_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct virtnet_probe_params p = {
		.name = name,
		.transport = virtnet_user_transport,
	};
	struct virtnet_user_args a;
	struct rte_eth_dev *dev;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		ret = virtnet_secondary_probe(name, &vdev->device);
		if (ret > 0)
			VIRTNET_INIT_LOG(ERR, "%s: the primary process has no virtnet port of that name",
				name);
		return ret > 0 ? -ENODEV : ret;
	}
	virtnet_mp_primary_init();
	ret = virtnet_devargs_parse(&virtnet_user_devargs, name,
		rte_vdev_device_args(vdev), &a);
	if (ret < 0)
		return ret;
	virtnet_devargs_log_pending(&virtnet_user_devargs, name, &a);
	p.speed = a.speed;
	p.vectorized = a.vectorized != 0;
	p.bus_arg = &a;
	dev = rte_eth_vdev_allocate(vdev, 0);
	if (dev == NULL)
		return -ENOMEM;
	ret = virtnet_ethdev_probe(dev, &p);
	if (ret == 0)
		virtnet_mp_port_add(dev);
	return ret;
}

static int
virtnet_user_remove(struct rte_vdev_device *vdev)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return virtnet_secondary_remove(rte_vdev_device_name(vdev));
	return virtnet_ethdev_remove(rte_vdev_device_name(vdev));
}

static struct rte_vdev_driver virtnet_user_driver = {
	.probe = virtnet_user_probe,
	.remove = virtnet_user_remove,
};

RTE_PMD_REGISTER_VDEV(net_virtnet_user, virtnet_user_driver);
RTE_PMD_REGISTER_ALIAS(net_virtnet_user, virtnet_user);
RTE_PMD_REGISTER_PARAM_STRING(net_virtnet_user, VIRTNET_USER_PARAM_STRING);
