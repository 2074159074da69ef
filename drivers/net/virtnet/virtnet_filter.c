/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/* The port's receive filters: see virtnet_filter.h. */

#include <stdlib.h>
#include <string.h>

#include "virtnet_ctrl.h"
#include "virtnet_filter.h"
#include "virtnet_log.h"

/* Addresses the port adds to the primary may be multicast (ethdev takes them). */
#define VIRTNET_TABLE_MC	(VIRTNET_MAC_ADDRS - 1 + VIRTNET_MC_ADDRS)

/* The two tables of one VIRTIO_NET_CTRL_MAC_TABLE_SET. */
struct virtnet_mac_tables {
	uint32_t nb_uc;
	uint32_t nb_mc;
	struct rte_ether_addr uc[VIRTNET_MAC_ADDRS];
	struct rte_ether_addr mc[VIRTNET_TABLE_MC];
};

struct virtnet_filter {
	/** The port's addresses at ethdev's indexes; [0] is the primary. */
	struct rte_ether_addr uc[VIRTNET_MAC_ADDRS];
	struct rte_ether_addr mc[VIRTNET_MC_ADDRS];	/**< set_mc_addr_list */
	uint32_t nb_mc;
	/* What the device holds, since its last reset. */
	struct rte_ether_addr dev_mac;	/**< its own address */
	struct virtnet_mac_tables sent;	/**< its MAC table, if sent_valid */
	bool sent_valid;
};

/* The device runs and keeps what it is told (a parked one too). */
static bool
virtnet_filter_live(const struct virtnet_dev *hw)
{
	return hw->started || hw->parked;
}

/*
 * The MAC table the device should hold: the addresses besides its own
 * (the primary too while the device does not take it as its own), each in
 * the table of its kind, then the multicast list.
 */
static void
virtnet_filter_tables(const struct virtnet_filter *f,
		struct virtnet_mac_tables *t)
{
	uint32_t i;

	t->nb_uc = 0;
	t->nb_mc = 0;
	i = rte_is_same_ether_addr(&f->uc[0], &f->dev_mac) ? 1 : 0;
	for (; i < VIRTNET_MAC_ADDRS; i++) {
		if (rte_is_zero_ether_addr(&f->uc[i]))
			continue;
		if (rte_is_multicast_ether_addr(&f->uc[i]))
			t->mc[t->nb_mc++] = f->uc[i];
		else
			t->uc[t->nb_uc++] = f->uc[i];
	}
	for (i = 0; i < f->nb_mc; i++)
		t->mc[t->nb_mc++] = f->mc[i];
}

static bool
virtnet_tables_equal(const struct virtnet_mac_tables *a,
		const struct virtnet_mac_tables *b)
{
	return a->nb_uc == b->nb_uc && a->nb_mc == b->nb_mc &&
		memcmp(a->uc, b->uc, a->nb_uc * sizeof(a->uc[0])) == 0 &&
		memcmp(a->mc, b->mc, a->nb_mc * sizeof(a->mc[0])) == 0;
}

/* Give a running device the MAC table when it differs from what it has. */
static int
virtnet_filter_table_sync(struct virtnet_dev *hw)
{
	struct virtnet_filter *f = hw->filter;
	struct virtnet_mac_tables t;
	int ret;

	if (!virtnet_filter_live(hw) || !virtnet_has(hw, VIRTIO_NET_F_CTRL_RX))
		return 0;
	virtnet_filter_tables(f, &t);
	if (f->sent_valid && virtnet_tables_equal(&t, &f->sent))
		return 0;
	ret = virtnet_ctrl_mac_table_set(hw->ctrl, t.uc, t.nb_uc, t.mc,
		t.nb_mc);
	f->sent_valid = ret == 0;
	if (ret == 0)
		f->sent = t;
	else
		VIRTNET_LOG(ERR, "port %u: MAC table of %u unicast and %u multicast addresses not set (MAC_TABLE_SET: %s)",
			hw->port_id, t.nb_uc, t.nb_mc, rte_strerror(-ret));
	return ret;
}

/*
 * The primary address to a running device as its own: by command
 * (CTRL_MAC_ADDR), or in the config of a legacy device. Otherwise it
 * goes into the MAC table (virtnet_filter_tables()).
 */
static int
virtnet_filter_primary_tell(struct virtnet_dev *hw)
{
	struct virtnet_filter *f = hw->filter;
	const struct virtnet_transport *t = &hw->tp;
	int ret;

	if (!virtnet_filter_live(hw) ||
	    rte_is_same_ether_addr(&f->uc[0], &f->dev_mac))
		return 0;
	if (virtnet_has(hw, VIRTIO_NET_F_CTRL_MAC_ADDR))
		ret = virtnet_ctrl_mac_addr_set(hw->ctrl, &f->uc[0]);
	else if (!virtnet_has(hw, VIRTIO_F_VERSION_1) &&
		 virtnet_has(hw, VIRTIO_NET_F_MAC))
		ret = t->ops->write_config(t->priv,
			offsetof(struct virtio_net_config, mac),
			f->uc[0].addr_bytes, RTE_ETHER_ADDR_LEN);
	else {
		if (virtnet_has(hw, VIRTIO_NET_F_CTRL_RX))
			VIRTNET_LOG(INFO, "port %u: device cannot be told its address (no CTRL_MAC_ADDR): " RTE_ETHER_ADDR_PRT_FMT " goes into its MAC table; it keeps receiving for " RTE_ETHER_ADDR_PRT_FMT,
				hw->port_id, RTE_ETHER_ADDR_BYTES(&f->uc[0]),
				RTE_ETHER_ADDR_BYTES(&f->dev_mac));
		return 0;
	}
	if (ret == 0)
		f->dev_mac = f->uc[0];
	else
		VIRTNET_LOG(ERR, "port %u: device does not take MAC " RTE_ETHER_ADDR_PRT_FMT " (%s): %s",
			hw->port_id, RTE_ETHER_ADDR_BYTES(&f->uc[0]),
			virtnet_has(hw, VIRTIO_NET_F_CTRL_MAC_ADDR) ?
				"MAC_ADDR_SET" : "config write",
			rte_strerror(-ret));
	return ret;
}

int
virtnet_filter_create(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	hw->filter = calloc(1, sizeof(*hw->filter));
	if (hw->filter == NULL)
		return -ENOMEM;
	hw->filter->uc[0] = dev->data->mac_addrs[0];
	hw->filter->dev_mac = hw->mac;
	if (virtnet_usable(hw, VIRTIO_NET_F_CTRL_RX))
		return 0;
	dev->data->promiscuous = 1;
	dev->data->all_multicast = 1;
	VIRTNET_INIT_LOG(INFO, "port %u: device without receive filter (no VIRTIO_NET_F_CTRL_RX): promiscuous and all-multicast",
		dev->data->port_id);
	return 0;
}

void
virtnet_filter_destroy(struct virtnet_dev *hw)
{
	free(hw->filter);
	hw->filter = NULL;
}

uint64_t
virtnet_filter_features(const struct rte_eth_conf *conf)
{
	return conf->rxmode.offloads & RTE_ETH_RX_OFFLOAD_VLAN_FILTER ?
		1ULL << VIRTIO_NET_F_CTRL_VLAN : 0;
}

/* The VLAN ids ethdev recorded, to a device with CTRL_VLAN. */
static int
virtnet_filter_vlans_restore(struct rte_eth_dev *dev)
{
	const struct rte_vlan_filter_conf *vf = &dev->data->vlan_filter_conf;
	struct virtnet_dev *hw = virtnet_dev(dev);
	uint64_t bits;
	unsigned int i;
	int ret;

	if (!virtnet_has(hw, VIRTIO_NET_F_CTRL_VLAN))
		return 0;
	for (i = 0; i < RTE_DIM(vf->ids); i++)
		for (bits = vf->ids[i]; bits != 0; bits &= bits - 1) {
			ret = virtnet_ctrl_vlan(hw->ctrl,
				(uint16_t)(i * 64 + rte_bsf64(bits)), true);
			if (ret < 0)
				return ret;
		}
	return 0;
}

void
virtnet_filter_restore(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_filter *f = hw->filter;
	int ret;

	/* A reset device has its config address and empty tables. */
	f->dev_mac = hw->mac;
	memset(&f->sent, 0, sizeof(f->sent));
	f->sent_valid = true;
	ret = virtnet_filter_primary_tell(hw);
	if (ret == 0)
		ret = virtnet_filter_table_sync(hw);
	if (ret == 0)
		ret = virtnet_filter_vlans_restore(dev);
	if (ret == 0 && virtnet_has(hw, VIRTIO_NET_F_CTRL_RX))
		ret = virtnet_ctrl_rx_mode(hw->ctrl, VIRTIO_NET_CTRL_RX_PROMISC,
			dev->data->promiscuous);
	if (ret == 0 && virtnet_has(hw, VIRTIO_NET_F_CTRL_RX))
		ret = virtnet_ctrl_rx_mode(hw->ctrl,
			VIRTIO_NET_CTRL_RX_ALLMULTI, dev->data->all_multicast);
	if (ret < 0)
		VIRTNET_LOG(WARNING, "port %u: receive filters not restored on the device (%s): it may receive other frames than the port asks for",
			dev->data->port_id, rte_strerror(-ret));
}

int
virtnet_filter_mac_addr_set(struct rte_eth_dev *dev,
		struct rte_ether_addr *mac)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_filter *f = hw->filter;
	struct rte_ether_addr old;
	int ret;

	pthread_mutex_lock(&hw->lock);
	old = f->uc[0];
	f->uc[0] = *mac;
	ret = virtnet_filter_primary_tell(hw);
	if (ret == 0)
		ret = virtnet_filter_table_sync(hw);
	if (ret < 0)
		f->uc[0] = old;
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

int
virtnet_filter_mac_addr_add(struct rte_eth_dev *dev,
		struct rte_ether_addr *mac, uint32_t index,
		uint32_t vmdq __rte_unused)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_filter *f = hw->filter;
	struct rte_ether_addr old;
	int ret;

	if (index >= VIRTNET_MAC_ADDRS)
		return -EINVAL;
	pthread_mutex_lock(&hw->lock);
	old = f->uc[index];
	f->uc[index] = *mac;
	ret = virtnet_filter_table_sync(hw);
	if (ret < 0)
		f->uc[index] = old;
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

/* ethdev forgets the address whatever happens: so does the port. */
void
virtnet_filter_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	if (index == 0 || index >= VIRTNET_MAC_ADDRS)
		return;
	pthread_mutex_lock(&hw->lock);
	memset(&hw->filter->uc[index], 0, sizeof(hw->filter->uc[index]));
	virtnet_filter_table_sync(hw);
	pthread_mutex_unlock(&hw->lock);
}

static int
virtnet_filter_mc_check(uint16_t port_id, const struct rte_ether_addr *mc,
		uint32_t nb)
{
	uint32_t i;

	if (nb > VIRTNET_MC_ADDRS) {
		VIRTNET_LOG(ERR, "port %u: %u multicast addresses; at most %u",
			port_id, nb, VIRTNET_MC_ADDRS);
		return -ENOSPC;
	}
	for (i = 0; i < nb; i++)
		if (!rte_is_multicast_ether_addr(&mc[i])) {
			VIRTNET_LOG(ERR, "port %u: multicast list entry %u (" RTE_ETHER_ADDR_PRT_FMT ") is not a multicast address",
				port_id, i, RTE_ETHER_ADDR_BYTES(&mc[i]));
			return -EINVAL;
		}
	return 0;
}

int
virtnet_filter_mc_addr_list(struct rte_eth_dev *dev,
		struct rte_ether_addr *mc, uint32_t nb)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	struct virtnet_filter *f = hw->filter;
	struct rte_ether_addr old[VIRTNET_MC_ADDRS];
	uint32_t nb_old;
	int ret;

	ret = virtnet_filter_mc_check(dev->data->port_id, mc, nb);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&hw->lock);
	nb_old = f->nb_mc;
	memcpy(old, f->mc, sizeof(old));
	if (nb > 0)
		memcpy(f->mc, mc, nb * sizeof(*mc));
	f->nb_mc = nb;
	ret = virtnet_filter_table_sync(hw);
	if (ret < 0) {
		memcpy(f->mc, old, sizeof(old));
		f->nb_mc = nb_old;
	}
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

/*
 * ethdev calls it only with VLAN_FILTER on, and records the id after. A
 * parked port without CTRL_VLAN got VLAN_FILTER while stopped: its start
 * negotiates CTRL_VLAN and gives the device ethdev's ids.
 */
int
virtnet_filter_vlan_set(struct rte_eth_dev *dev, uint16_t vid, int on)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret = 0;

	pthread_mutex_lock(&hw->lock);
	if (hw->started && !virtnet_has(hw, VIRTIO_NET_F_CTRL_VLAN))
		ret = -ENOTSUP;
	else if (virtnet_filter_live(hw) &&
		 virtnet_has(hw, VIRTIO_NET_F_CTRL_VLAN))
		ret = virtnet_ctrl_vlan(hw->ctrl, vid, on != 0);
	pthread_mutex_unlock(&hw->lock);
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: VLAN %u not %s: %s", dev->data->port_id,
			vid, on ? "added" : "removed", rte_strerror(-ret));
	return ret;
}

/*
 * Without CTRL_RX the device filters nothing the driver can ask for: the
 * port stays promiscuous and all-multicast (virtnet_filter_create()).
 */
static int
virtnet_filter_rx_mode(struct rte_eth_dev *dev, uint8_t cmd, bool on)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret = 0;

	if (!virtnet_usable(hw, VIRTIO_NET_F_CTRL_RX)) {
		if (on)
			return 0;
		VIRTNET_LOG(NOTICE, "port %u: the device has no receive filter (no VIRTIO_NET_F_CTRL_RX; virtio-user: the vhost-user back-end delivers every frame): %s stays on",
			dev->data->port_id, cmd == VIRTIO_NET_CTRL_RX_PROMISC ?
				"promiscuous mode" : "all-multicast mode");
		return -ENOTSUP;
	}
	pthread_mutex_lock(&hw->lock);
	if (virtnet_filter_live(hw))
		ret = virtnet_ctrl_rx_mode(hw->ctrl, cmd, on);
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

int
virtnet_filter_promiscuous_enable(struct rte_eth_dev *dev)
{
	return virtnet_filter_rx_mode(dev, VIRTIO_NET_CTRL_RX_PROMISC, true);
}

int
virtnet_filter_promiscuous_disable(struct rte_eth_dev *dev)
{
	return virtnet_filter_rx_mode(dev, VIRTIO_NET_CTRL_RX_PROMISC, false);
}

int
virtnet_filter_allmulticast_enable(struct rte_eth_dev *dev)
{
	return virtnet_filter_rx_mode(dev, VIRTIO_NET_CTRL_RX_ALLMULTI, true);
}

int
virtnet_filter_allmulticast_disable(struct rte_eth_dev *dev)
{
	return virtnet_filter_rx_mode(dev, VIRTIO_NET_CTRL_RX_ALLMULTI, false);
}
