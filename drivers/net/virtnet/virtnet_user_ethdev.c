/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/* The net_virtnet_user vdev: probe and remove for virtio-user ports. */

#include <rte_malloc.h>
#include <ethdev_vdev.h>
#include <bus_vdev_driver.h>

#include "virtnet_devargs.h"
#include "virtnet_ethdev.h"
#include "virtnet_log.h"
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
virtnet_user_transport(struct rte_eth_dev *dev, const struct virtnet_user_args *a)
{
	struct virtnet_user_params up = {
		.path = a->path,
		.queue_pairs = (uint16_t)a->queues,
		.queue_size = (uint16_t)a->queue_size,
		.cq = a->cq != 0,
		.feature_mask = virtnet_user_feature_mask(a),
		.speed = a->speed,
	};
	struct virtnet_proc *p;
	struct rte_ether_addr mac = a->mac;
	int ret;

	if (!a->mac_set)
		rte_eth_random_addr(mac.addr_bytes);
	memcpy(up.mac, mac.addr_bytes, sizeof(up.mac));
	p = rte_zmalloc("virtnet_proc", sizeof(*p), 0);
	if (p == NULL)
		return -ENOMEM;
	ret = virtnet_user_create(&up, virtnet_dev_event, dev, &p->tp);
	if (ret < 0) {
		rte_free(p);
		return ret;
	}
	p->ops = &virtnet_user_ops;
	dev->process_private = p;
	return 0;
}

static int
virtnet_user_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct virtnet_user_args a;
	struct virtnet_dev *hw;
	struct rte_eth_dev *dev;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		VIRTNET_INIT_LOG(ERR, "%s: secondary processes are not supported yet",
			name);
		return -ENOTSUP;
	}
	ret = virtnet_user_args_parse(name, rte_vdev_device_args(vdev), &a);
	if (ret < 0)
		return ret;
	virtnet_user_args_log_pending(name, &a);
	dev = rte_eth_vdev_allocate(vdev, sizeof(struct virtnet_dev));
	if (dev == NULL)
		return -ENOMEM;
	hw = dev->data->dev_private;
	hw->speed = a.speed;
	hw->vector_asked = a.vectorized != 0;
	ret = virtnet_user_transport(dev, &a);
	if (ret < 0) {
		rte_eth_dev_release_port(dev);
		return ret;
	}
	ret = virtnet_dev_init(dev);
	if (ret < 0) {
		VIRTNET_INIT_LOG(ERR, "%s: device init failed: %s", name,
			rte_strerror(-ret));
		virtnet_dev_abandon(dev);
		return ret;
	}
	rte_eth_dev_probing_finish(dev);
	VIRTNET_INIT_LOG(INFO, "%s: port %u on %s, features 0x%" PRIx64,
		name, dev->data->port_id, a.path, hw->dev_features);
	return 0;
}

static int
virtnet_user_remove(struct rte_vdev_device *vdev)
{
	return virtnet_dev_remove(rte_vdev_device_name(vdev));
}

static struct rte_vdev_driver virtnet_user_driver = {
	.probe = virtnet_user_probe,
	.remove = virtnet_user_remove,
};

RTE_PMD_REGISTER_VDEV(net_virtnet_user, virtnet_user_driver);
RTE_PMD_REGISTER_ALIAS(net_virtnet_user, virtnet_user);
RTE_PMD_REGISTER_PARAM_STRING(net_virtnet_user, VIRTNET_USER_PARAM_STRING);
