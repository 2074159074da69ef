/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/* ethdev operations common to every transport, and the common probe. */

#include <stdlib.h>

#include <rte_alarm.h>
#include <rte_malloc.h>

#include "virtnet_announce.h"
#include "virtnet_ctrl.h"
#include "virtnet_device.h"
#include "virtnet_dump.h"
#include "virtnet_ethdev.h"
#include "virtnet_filter.h"
#include "virtnet_log.h"
#include "virtnet_queue.h"
#include "virtnet_qctl.h"
#include "virtnet_qstatus.h"
#include "virtnet_restart.h"
#include "virtnet_rxintr.h"
#include "virtnet_rxtx.h"
#include "virtnet_xstats.h"

/*
 * Offload features are negotiated only for offloads the app enabled: a
 * device told GUEST_TSO may send 64 KiB frames, one told CSUM may expect
 * partial sums. With CTRL_GUEST_OFFLOADS every Rx one is, and the device
 * is told the app's by command (virtnet_restart.h).
 */
static uint64_t
virtnet_offload_features(const struct virtnet_dev *hw,
		const struct rte_eth_conf *conf)
{
	uint64_t tx = conf->txmode.offloads;
	uint64_t f = ~(VIRTNET_RX_OFFLOAD_FEATURES |
		VIRTNET_TX_OFFLOAD_FEATURES | VIRTNET_FILTER_FEATURES |
		(1ULL << VIRTIO_NET_F_HASH_REPORT));

	if (virtnet_usable(hw, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS))
		f |= VIRTNET_RX_OFFLOAD_FEATURES;
	else
		f |= virtnet_guest_offloads_for(conf->rxmode.offloads);
	f |= virtnet_filter_features(conf);
	/* The hash report's larger header takes the vector paths away. */
	if (conf->rxmode.offloads & RTE_ETH_RX_OFFLOAD_RSS_HASH)
		f |= 1ULL << VIRTIO_NET_F_HASH_REPORT;
	if (tx & (RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
			RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_UDP_TSO))
		f |= 1ULL << VIRTIO_NET_F_CSUM;
	if (tx & RTE_ETH_TX_OFFLOAD_TCP_TSO)
		f |= (1ULL << VIRTIO_NET_F_HOST_TSO4) |
			(1ULL << VIRTIO_NET_F_HOST_TSO6) |
			(1ULL << VIRTIO_NET_F_HOST_ECN);
	if (tx & RTE_ETH_TX_OFFLOAD_UDP_TSO)
		f |= 1ULL << VIRTIO_NET_F_HOST_USO;
	return f;
}

static void
virtnet_link_set(struct rte_eth_dev *dev, bool up)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	struct rte_eth_link link = {
		.link_speed = hw->speed,
		.link_duplex = hw->duplex_full ? RTE_ETH_LINK_FULL_DUPLEX :
			RTE_ETH_LINK_HALF_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	rte_eth_linkstatus_set(dev, &link);
}

static int
virtnet_link_update(struct rte_eth_dev *dev, int wait __rte_unused)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	/* A parked port's device keeps its link (virtnet_restart.h). */
	virtnet_link_set(dev, (hw->started || hw->parked) &&
		virtnet_device_link(hw));
	return 0;
}

static void virtnet_dev_service(void *arg);

/*
 * From the transport, possibly in the interrupt thread: stop the bursts
 * at once on a loss, and leave the rest to virtnet_dev_service(), outside
 * the transport's handler.
 */
static void
virtnet_dev_event(void *arg, enum virtnet_event ev)
{
	struct rte_eth_dev *dev = arg;
	struct virtnet_dev *hw = virtnet_dev(dev);

	if (ev == VIRTNET_EVENT_LOST) {
		hw->halted = true;
		hw->lost = true;
	}
	if (!hw->closing)
		rte_eal_alarm_set(1, virtnet_dev_service, dev);
}

/* The device's MTU (VIRTIO_NET_F_MTU), or virtnet's, bounds the port's. */
static int
virtnet_mtu_check(const struct rte_eth_dev *dev, uint16_t mtu)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);

	if (mtu >= RTE_ETHER_MIN_MTU && mtu <= hw->max_mtu)
		return 0;
	VIRTNET_LOG(ERR, "port %u: MTU %u outside %u..%u%s",
		dev->data->port_id, mtu, RTE_ETHER_MIN_MTU, hw->max_mtu,
		virtnet_usable(hw, VIRTIO_NET_F_MTU) ?
			" (the device's MTU, VIRTIO_NET_F_MTU)" : "");
	return -EINVAL;
}

static int
virtnet_dev_configure(struct rte_eth_dev *dev)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	const struct rte_eth_conf *conf = &dev->data->dev_conf;

	if (dev->data->nb_rx_queues > hw->max_queue_pairs ||
	    dev->data->nb_tx_queues > hw->max_queue_pairs) {
		VIRTNET_LOG(ERR, "port %u: %u rx / %u tx queues asked, device has %u pairs",
			dev->data->port_id, dev->data->nb_rx_queues,
			dev->data->nb_tx_queues, hw->max_queue_pairs);
		return -EINVAL;
	}
	if (virtnet_mtu_check(dev, conf->rxmode.mtu) < 0)
		return -EINVAL;
	if (virtnet_rxintr_check(dev) < 0)
		return -ENOTSUP;
	return virtnet_rss_configure(dev);
}

/* What the device can do, whether or not negotiated yet. */
static uint64_t
virtnet_rx_offload_capa(const struct virtnet_dev *hw)
{
	uint64_t capa = RTE_ETH_RX_OFFLOAD_SCATTER |
		RTE_ETH_RX_OFFLOAD_VLAN_STRIP;

	if (virtnet_usable(hw, VIRTIO_NET_F_GUEST_CSUM))
		capa |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
			RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	if (virtnet_usable(hw, VIRTIO_NET_F_GUEST_TSO4) ||
	    virtnet_usable(hw, VIRTIO_NET_F_GUEST_TSO6))
		capa |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
	if (virtnet_usable(hw, VIRTIO_NET_F_CTRL_VLAN))
		capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	return capa;
}

static uint64_t
virtnet_tx_offload_capa(const struct virtnet_dev *hw)
{
	uint64_t capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
		RTE_ETH_TX_OFFLOAD_VLAN_INSERT;

	if (virtnet_usable(hw, VIRTIO_NET_F_CSUM)) {
		capa |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		if (virtnet_usable(hw, VIRTIO_NET_F_HOST_TSO4) ||
		    virtnet_usable(hw, VIRTIO_NET_F_HOST_TSO6))
			capa |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
		if (virtnet_usable(hw, VIRTIO_NET_F_HOST_USO))
			capa |= RTE_ETH_TX_OFFLOAD_UDP_TSO;
	}
	return capa;
}

static int
virtnet_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);

	info->max_rx_queues = hw->max_queue_pairs;
	info->max_tx_queues = hw->max_queue_pairs;
	info->min_rx_bufsize = VIRTNET_MIN_RX_BUFSIZE;
	info->max_rx_pktlen = hw->max_mtu + VIRTNET_ETH_OVERHEAD;
	info->max_mtu = hw->max_mtu;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mac_addrs = VIRTNET_MAC_ADDRS;
	info->rx_offload_capa = virtnet_rx_offload_capa(hw);
	info->tx_offload_capa = virtnet_tx_offload_capa(hw);
	info->max_lro_pkt_size = VIRTNET_MAX_LRO_PKTLEN;
	info->rx_desc_lim.nb_max = VIRTNET_VQ_MAX_SIZE;
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->tx_desc_lim.nb_seg_max = VIRTNET_TX_MAX_SEGS;
	info->tx_desc_lim.nb_mtu_seg_max = VIRTNET_TX_MAX_SEGS;
	/* nb_desc 0 asks for these: the device's own ring size. */
	info->default_rxportconf.ring_size = hw->ring_max;
	info->default_txportconf.ring_size = hw->ring_max;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	virtnet_rss_info(dev, info);
	return 0;
}

/* vectorized=1 opts in, as with net_virtio: the scalar paths are the default. */
static int
virtnet_select_bursts(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	const struct rte_eth_conf *conf = &dev->data->dev_conf;
	uint16_t simd = hw->vectorized ? virtnet_simd_width() : 0;

	hw->rx_path = virtnet_path_select(virtnet_rx_paths, hw->features,
		conf->rxmode.offloads, simd);
	hw->tx_path = virtnet_path_select(virtnet_tx_paths, hw->features,
		conf->txmode.offloads, simd);
	if (hw->rx_path == NULL || hw->tx_path == NULL) {
		VIRTNET_LOG(ERR, "port %u: no Rx/Tx path serves features 0x%" PRIx64,
			dev->data->port_id, hw->features);
		return -ENOTSUP;
	}
	dev->rx_pkt_burst = hw->rx_path->rx;
	dev->tx_pkt_burst = hw->tx_path->tx;
	VIRTNET_LOG(INFO, "port %u: Rx path \"%s\", Tx path \"%s\" (features 0x%" PRIx64 ")",
		dev->data->port_id, hw->rx_path->name, hw->tx_path->name,
		hw->features);
	if (hw->vectorized && (hw->rx_path->simd == 0 || hw->tx_path->simd == 0))
		VIRTNET_LOG(NOTICE, "port %u: vectorized=1: Rx %s, Tx %s (usable SIMD width %u; vector paths need the features, offloads and CPU the guide lists)",
			dev->data->port_id,
			hw->rx_path->simd ? "vector" : "scalar",
			hw->tx_path->simd ? "vector" : "scalar", simd);
	return 0;
}

static int
virtnet_burst_mode_get(const struct virtnet_path *path,
		struct rte_eth_burst_mode *mode)
{
	if (path == NULL)
		return -EINVAL;
	snprintf(mode->info, sizeof(mode->info), "%s", path->name);
	return 0;
}

static int
virtnet_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	return virtnet_burst_mode_get(virtnet_dev(dev)->rx_path, mode);
}

static int
virtnet_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	return virtnet_burst_mode_get(virtnet_dev(dev)->tx_path, mode);
}

/* Apps (testpmd among them) skip queues whose state reads stopped. */
static void
virtnet_queue_states_set(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t i;

	/* A queue the app stopped (or deferred) stays stopped. */
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] =
			virtnet_qctl_stopped(dev, true, i) ?
			RTE_ETH_QUEUE_STATE_STOPPED : state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] =
			virtnet_qctl_stopped(dev, false, i) ?
			RTE_ETH_QUEUE_STATE_STOPPED : state;
}

/*
 * Bursts out, device reset, every buffer back and rings freed; after a
 * reset the device did not finish, rings and buffers kept aside instead.
 */
static void
virtnet_dev_halt(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	hw->halted = true;
	virtnet_queues_quiesce(dev);
	virtnet_queues_log_state(dev);
	/*
	 * After a reset the device touches no ring: buffers can go. After
	 * one it did not finish, they are kept from it (audit F4).
	 */
	if (virtnet_device_reset(hw) < 0)
		virtnet_queues_strand(dev);
	virtnet_rxintr_stop(dev);
	virtnet_queues_stop(dev);
	hw->started = false;
	hw->parked = false;
	virtnet_link_set(dev, false);
}

/*
 * Coalescing is tuning: a device without NOTF_COAL, or one refusing the
 * values, runs without it (logged) rather than fail the start.
 */
static void
virtnet_coal_apply(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	const struct virtnet_coal *k = &hw->coal;
	bool rx = k->rx_usecs != 0 || k->rx_frames != 0;
	bool tx = k->tx_usecs != 0 || k->tx_frames != 0;
	int ret = 0;

	if (!rx && !tx)
		return;
	if (!virtnet_has(hw, VIRTIO_NET_F_NOTF_COAL)) {
		VIRTNET_LOG(NOTICE, "port %u: the device has no notification coalescing (VIRTIO_NET_F_NOTF_COAL): rx/tx_coal_* not applied",
			dev->data->port_id);
		return;
	}
	if (rx)
		ret = virtnet_ctrl_notf_coal(hw->ctrl, true, k->rx_usecs,
			k->rx_frames);
	if (ret == 0 && tx)
		ret = virtnet_ctrl_notf_coal(hw->ctrl, false, k->tx_usecs,
			k->tx_frames);
	if (ret < 0)
		VIRTNET_LOG(ERR, "port %u: notification coalescing (Rx %u us/%u frames, Tx %u us/%u frames) refused: %s",
			dev->data->port_id, k->rx_usecs, k->rx_frames,
			k->tx_usecs, k->tx_frames, rte_strerror(-ret));
}

/*
 * A device that returns must take back what the port had: a back-end
 * offering less would change the Rx/Tx paths and offloads under the app.
 */
static int
virtnet_check_agreed(struct virtnet_dev *hw)
{
	if (hw->agreed == 0 || hw->features == hw->agreed)
		return 0;
	VIRTNET_LOG(ERR, "port %u: the device came back without features 0x%" PRIx64 " negotiated before (now 0x%" PRIx64 "); the port stays down",
		hw->port_id, hw->agreed & ~hw->features, hw->features);
	return -ENOTSUP;
}

/* The device runs the rings: bursts in, Rx buffers announced. */
static void
virtnet_dev_running(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	hw->agreed = hw->features;
	/* The queues' eventfds are new with their rings. */
	if (virtnet_rxintr_start(dev) < 0)
		VIRTNET_LOG(ERR, "port %u: running without Rx interrupts",
			dev->data->port_id);
	hw->halted = false;
	virtnet_queues_kick_rx(dev);
	virtnet_qctl_apply(dev);
}

static int virtnet_dev_bring_up(struct rte_eth_dev *dev);

/*
 * Rings kept for a device that did not finish a reset: another reset,
 * and they go if it finishes; if not, the port cannot start (-EIO).
 */
static int
virtnet_dev_settle(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	if (!virtnet_queues_stranded(dev))
		return 0;
	if (virtnet_device_reset(hw) < 0) {
		VIRTNET_LOG(ERR, "port %u: the device still has not finished its reset",
			dev->data->port_id);
		return -EIO;
	}
	virtnet_queues_unstrand(dev, true);
	return 0;
}

/*
 * A parked port on its device as it is (virtnet_restart.h): data rings,
 * pairs and Rx offloads; on failure, the device is reset and the port
 * started from scratch.
 */
static int
virtnet_dev_resume(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret;

	hw->parked = false;
	ret = virtnet_select_bursts(dev);
	if (ret == 0)
		ret = virtnet_rxintr_prepare(dev);
	if (ret == 0)
		ret = virtnet_queues_resume(dev);
	hw->started = ret == 0;
	if (ret == 0)
		ret = virtnet_rss_apply(dev);
	if (ret == 0)
		ret = virtnet_guest_offloads_apply(dev);
	if (ret < 0) {
		virtnet_dev_halt(dev);
		return virtnet_dev_bring_up(dev);
	}
	virtnet_coal_apply(dev);
	virtnet_dev_running(dev);
	VIRTNET_LOG(INFO, "port %u: started again without a device reset",
		dev->data->port_id);
	return 0;
}

/*
 * One negotiation, then rings at the negotiated layout, then DRIVER_OK:
 * the start of the app, and again after a device came back (with the
 * features agreed then). Caller holds hw->lock.
 */
static int
virtnet_dev_bring_up(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	uint64_t want = virtnet_offload_features(hw, &dev->data->dev_conf);
	bool again = hw->agreed != 0;
	int ret;

	if (virtnet_resumable(dev, want))
		return virtnet_dev_resume(dev);
	if (hw->parked)
		virtnet_dev_halt(dev);
	ret = virtnet_dev_settle(dev);
	if (ret < 0)
		return ret;
	ret = virtnet_device_negotiate(hw, again ? want & hw->agreed : want);
	if (ret == 0)
		ret = virtnet_check_agreed(hw);
	if (ret == 0)
		ret = virtnet_select_bursts(dev);
	if (ret == 0)
		ret = virtnet_rxintr_prepare(dev);
	if (ret == 0)
		ret = virtnet_queues_start(dev);
	if (ret == 0)
		ret = virtnet_device_driver_ok(hw);
	hw->started = ret == 0;
	/* Negotiation switched every Rx offload on (5.1.6.5.6.1). */
	hw->guest_offloads = hw->features & VIRTNET_RX_OFFLOAD_FEATURES;
	if (ret == 0)
		ret = virtnet_rss_apply(dev);
	if (ret == 0)
		ret = virtnet_guest_offloads_apply(dev);
	if (ret == -EAGAIN) {
		virtnet_dev_halt(dev);
		return virtnet_dev_bring_up(dev);
	}
	if (ret < 0) {
		VIRTNET_LOG(ERR, "port %u: start failed: %s", dev->data->port_id,
			rte_strerror(-ret));
		virtnet_dev_halt(dev);
		return ret;
	}
	/*
	 * The reset device forgot the filters (ethdev replays only some):
	 * sent by the caller, once the config interrupt is set up.
	 */
	hw->filters_lost = true;
	virtnet_coal_apply(dev);
	virtnet_dev_running(dev);
	return 0;
}

/*
 * Send the filters to a device that was reset. After the config
 * interrupt is set up: with UIO's INTx, control-queue completions before
 * it left the link interrupt unseen (guest test, uio_pci_generic).
 */
static void
virtnet_filters_resend(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	if (hw->started && hw->filters_lost) {
		hw->filters_lost = false;
		virtnet_filter_restore(dev);
	}
}

/*
 * Runs in the interrupt thread after a transport event (and never inside
 * the transport's handler): rings of a lost device are reclaimed, a port
 * the app started is brought up on a device that is (back) there, the
 * link follows, an announce the device asks for is served, and the app
 * hears of each change.
 */
static void
virtnet_dev_service(void *arg)
{
	struct rte_eth_dev *dev = arg;
	struct virtnet_dev *hw = virtnet_dev(dev);
	bool was_up, went_down = false, up;

	if (hw == NULL || hw->closing)
		return;
	pthread_mutex_lock(&hw->lock);
	was_up = dev->data->dev_link.link_status == RTE_ETH_LINK_UP;
	if (hw->lost) {
		hw->lost = false;
		if (hw->started || hw->parked)
			virtnet_dev_halt(dev);
		went_down = was_up;
	}
	if (hw->want_up && !hw->started &&
	    hw->tp.ops->alive(hw->tp.priv) && virtnet_dev_bring_up(dev) == 0)
		VIRTNET_LOG(NOTICE, "port %u: device back, port running again",
			dev->data->port_id);
	virtnet_filters_resend(dev);
	virtnet_link_update(dev, 0);
	up = dev->data->dev_link.link_status == RTE_ETH_LINK_UP;
	virtnet_announce_serve(dev);
	pthread_mutex_unlock(&hw->lock);
	if (__atomic_exchange_n(&hw->reset_due, false, __ATOMIC_ACQ_REL) &&
	    dev->state == RTE_ETH_DEV_ATTACHED) {
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_RESET, NULL);
		/* The app may have closed the port from its callback. */
		if (dev->process_private != hw)
			return;
	}
	if (!dev->data->dev_conf.intr_conf.lsc ||
	    dev->state != RTE_ETH_DEV_ATTACHED)
		return;
	/* A loss and a return seen at once are two changes. */
	if (went_down)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
	/* The app may have closed the port from its callback. */
	if (dev->process_private == hw && up != (was_up && !went_down))
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

/*
 * A burst found a ring the device broke (virtnet_queue_fault()): the
 * event goes out from the interrupt thread.
 */
static void
virtnet_dev_fault(uint16_t port_id)
{
	struct rte_eth_dev *dev = &rte_eth_devices[port_id];
	struct virtnet_dev *hw = virtnet_dev(dev);

	if (hw == NULL || hw->closing)
		return;
	__atomic_store_n(&hw->reset_due, true, __ATOMIC_RELEASE);
	rte_eal_alarm_set(1, virtnet_dev_service, dev);
}

/*
 * The config interrupt while the app runs the port: for LSC events if it
 * asked for them (intr_conf.lsc), and for the announce status; without
 * it, link_update reads the link from the config each time.
 */
static void
virtnet_config_intr(struct rte_eth_dev *dev, bool on)
{
	const struct virtnet_dev *hw = virtnet_dev(dev);
	const struct virtnet_transport *t = &hw->tp;
	bool lsc = dev->data->dev_conf.intr_conf.lsc &&
		(dev->data->dev_flags & RTE_ETH_DEV_INTR_LSC);

	if (!on || (!lsc && !virtnet_usable(hw, VIRTIO_NET_F_GUEST_ANNOUNCE))) {
		t->ops->config_intr_disable(t->priv);
		return;
	}
	if (t->ops->config_intr_enable(t->priv) < 0)
		VIRTNET_LOG(WARNING, "port %u: no config interrupt: link polled%s",
			dev->data->port_id, lsc ? ", no LSC events" : "");
}

/*
 * Without a device yet (virtio-user server mode, or a client redialling
 * a lost back-end) the start succeeds: the port comes up when the device
 * does, in virtnet_dev_service().
 */
static int
virtnet_dev_start(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret;

	ret = virtnet_qctl_port_start(dev);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&hw->lock);
	hw->want_up = true;
	hw->agreed = 0;
	hw->lost = false;
	if (hw->tp.ops->alive(hw->tp.priv)) {
		ret = virtnet_dev_bring_up(dev);
	} else {
		VIRTNET_LOG(NOTICE, "port %u: no device yet; the link comes up when it is there",
			dev->data->port_id);
		dev->rx_pkt_burst = virtnet_rx_deferred;
		dev->tx_pkt_burst = virtnet_tx_deferred;
	}
	hw->want_up = ret == 0;
	virtnet_config_intr(dev, ret == 0);
	virtnet_filters_resend(dev);
	virtnet_queue_states_set(dev, ret == 0 ? RTE_ETH_QUEUE_STATE_STARTED :
		RTE_ETH_QUEUE_STATE_STOPPED);
	virtnet_link_update(dev, 0);
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

static int
virtnet_dev_stop(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	pthread_mutex_lock(&hw->lock);
	hw->want_up = false;
	virtnet_config_intr(dev, false);
	/* A parked port stopped again (by dev_close) is reset. */
	if (!virtnet_park(dev) &&
	    (hw->started || hw->parked || dev->data->dev_started))
		virtnet_dev_halt(dev);
	virtnet_queue_states_set(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	virtnet_rxintr_stop(dev);
	pthread_mutex_unlock(&hw->lock);
	return 0;
}

/* The port's process memory and transport; the ethdev stays to the bus. */
static void
virtnet_dev_free(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	if (hw == NULL)
		return;
	hw->closing = true;
	/* The transport's handlers arm the service: close them first. */
	hw->tp.ops->close(hw->tp.priv);
	rte_eal_alarm_cancel(virtnet_dev_service, dev);
	/* The mp thread reads the port's counters under this lock. */
	virtnet_queues_lock();
	dev->process_private = NULL;
	virtnet_queues_unlock();
	virtnet_filter_destroy(hw);
	pthread_mutex_destroy(&hw->lock);
	free(hw);
}

static int
virtnet_dev_close(struct rte_eth_dev *dev)
{
	uint16_t i;
	int ret;

	/* Primary only: secondaries have their own ops (virtnet_secondary.c). */
	virtnet_dev(dev)->closing = true;
	rte_eal_alarm_cancel(virtnet_dev_service, dev);
	virtnet_dev_stop(dev);
	/* Rings kept from a stuck reset go while their pools are there. */
	ret = virtnet_dev_settle(dev);
	virtnet_queues_unstrand(dev, ret == 0);
	virtnet_rxintr_free(dev);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		virtnet_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		virtnet_tx_queue_release(dev, i);
	virtnet_dev_free(dev);
	return 0;
}

/*
 * After ethdev stopped the port: the device is reset (a parked one too)
 * and the port may be configured anew, with any features the device
 * offers; the queues' rings are made at the next start.
 */
static int
virtnet_dev_reset(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	pthread_mutex_lock(&hw->lock);
	if (hw->started || hw->parked)
		virtnet_dev_halt(dev);
	hw->agreed = 0;
	__atomic_store_n(&hw->reset_due, false, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&hw->lock);
	VIRTNET_LOG(NOTICE, "port %u: reset; configure and start it again",
		dev->data->port_id);
	return 0;
}

/*
 * Ops that read or use the rings take the port lock: recovery may free
 * them at any time from the interrupt thread.
 */
static int
virtnet_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	pthread_mutex_lock(&hw->lock);
	virtnet_queues_stats_get(dev, st);
	pthread_mutex_unlock(&hw->lock);
	return 0;
}

static int
virtnet_stats_reset(struct rte_eth_dev *dev)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	pthread_mutex_lock(&hw->lock);
	virtnet_queues_stats_reset(dev);
	dev->data->rx_mbuf_alloc_failed = 0;
	pthread_mutex_unlock(&hw->lock);
	return 0;
}

static void
virtnet_rxq_info(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_rxq_info *qinfo)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	pthread_mutex_lock(&hw->lock);
	virtnet_rxq_info_get(dev, qid, qinfo);
	pthread_mutex_unlock(&hw->lock);
}

static void
virtnet_txq_info(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_txq_info *qinfo)
{
	struct virtnet_dev *hw = virtnet_dev(dev);

	pthread_mutex_lock(&hw->lock);
	virtnet_txq_info_get(dev, qid, qinfo);
	pthread_mutex_unlock(&hw->lock);
}

/*
 * A running port without mergeable buffers takes frames up to its Rx
 * buffers' size: a larger MTU needs a restart.
 */
static int
virtnet_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	int ret;

	ret = virtnet_mtu_check(dev, mtu);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&hw->lock);
	if (hw->started &&
	    !virtnet_queues_rx_fit(dev, mtu + VIRTNET_ETH_OVERHEAD)) {
		VIRTNET_LOG(ERR, "port %u: MTU %u does not fit the Rx buffers of the running port (no mergeable buffers); stop the port first",
			dev->data->port_id, mtu);
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

/*
 * VLAN_FILTER switches CTRL_VLAN, a feature (virtnet_filter.h): a running
 * port is reset and started again on the features its configuration now
 * asks for, its filters replayed. A stopped one negotiates at its start.
 */
static int
virtnet_vlan_offload_set(struct rte_eth_dev *dev, int mask)
{
	struct virtnet_dev *hw = virtnet_dev(dev);
	uint64_t rx = dev->data->dev_conf.rxmode.offloads;
	uint64_t want;
	int ret = 0;

	if (mask & RTE_ETH_VLAN_STRIP_MASK)
		virtnet_queues_vlan_strip(dev,
			!!(rx & RTE_ETH_RX_OFFLOAD_VLAN_STRIP));
	if (!(mask & RTE_ETH_VLAN_FILTER_MASK))
		return 0;
	pthread_mutex_lock(&hw->lock);
	want = virtnet_offload_features(hw, &dev->data->dev_conf);
	if (hw->started &&
	    virtnet_device_features_for(hw, want) != hw->features) {
		VIRTNET_LOG(NOTICE, "port %u: VLAN filter %s: the device is reset and negotiates %s VIRTIO_NET_F_CTRL_VLAN",
			dev->data->port_id,
			rx & RTE_ETH_RX_OFFLOAD_VLAN_FILTER ? "on" : "off",
			rx & RTE_ETH_RX_OFFLOAD_VLAN_FILTER ? "with" : "without");
		virtnet_dev_halt(dev);
		hw->agreed = 0;
		ret = virtnet_dev_bring_up(dev);
		virtnet_filters_resend(dev);
		virtnet_link_update(dev, 0);
	}
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

static const struct eth_dev_ops virtnet_eth_dev_ops = {
	.dev_configure = virtnet_dev_configure,
	.dev_infos_get = virtnet_dev_infos_get,
	.dev_start = virtnet_dev_start,
	.dev_stop = virtnet_dev_stop,
	.dev_close = virtnet_dev_close,
	.dev_reset = virtnet_dev_reset,
	.rx_queue_setup = virtnet_rx_queue_setup,
	.rx_queue_release = virtnet_rx_queue_release,
	.rx_queue_start = virtnet_rx_queue_start,
	.rx_queue_stop = virtnet_rx_queue_stop,
	.tx_queue_start = virtnet_tx_queue_start,
	.tx_queue_stop = virtnet_tx_queue_stop,
	.tx_queue_setup = virtnet_tx_queue_setup,
	.tx_queue_release = virtnet_tx_queue_release,
	.link_update = virtnet_link_update,
	.stats_get = virtnet_stats_get,
	.stats_reset = virtnet_stats_reset,
	/* xstats: virtnet_xstats.c; one reset zeroes both kinds. */
	.xstats_get = virtnet_xstats_get,
	.xstats_get_names = virtnet_xstats_names,
	.xstats_get_by_id = virtnet_xstats_get_by_id,
	.xstats_get_names_by_id = virtnet_xstats_names_by_id,
	.xstats_reset = virtnet_stats_reset,
	.mtu_set = virtnet_mtu_set,
	.vlan_offload_set = virtnet_vlan_offload_set,
	.rxq_info_get = virtnet_rxq_info,
	.txq_info_get = virtnet_txq_info,
	.rx_burst_mode_get = virtnet_rx_burst_mode_get,
	.tx_burst_mode_get = virtnet_tx_burst_mode_get,
	.tx_done_cleanup = virtnet_tx_done_cleanup,
	.get_monitor_addr = virtnet_get_monitor_addr,
	.rx_queue_intr_enable = virtnet_rx_queue_intr_enable,
	.rx_queue_intr_disable = virtnet_rx_queue_intr_disable,
	/* RSS and hash reports (virtnet_rss.c). */
	.rss_hash_update = virtnet_rss_hash_update,
	.rss_hash_conf_get = virtnet_rss_hash_conf_get,
	.reta_update = virtnet_rss_reta_update,
	.reta_query = virtnet_rss_reta_query,
	/* Receive filters (virtnet_filter.c). */
	.mac_addr_set = virtnet_filter_mac_addr_set,
	.mac_addr_add = virtnet_filter_mac_addr_add,
	.mac_addr_remove = virtnet_filter_mac_addr_remove,
	.set_mc_addr_list = virtnet_filter_mc_addr_list,
	.vlan_filter_set = virtnet_filter_vlan_set,
	.promiscuous_enable = virtnet_filter_promiscuous_enable,
	.promiscuous_disable = virtnet_filter_promiscuous_disable,
	.allmulticast_enable = virtnet_filter_allmulticast_enable,
	.allmulticast_disable = virtnet_filter_allmulticast_disable,
	.eth_dev_priv_dump = virtnet_dev_priv_dump,
};

/*
 * LSC needs the device's link status and a transport that can report its
 * changes; the interrupt itself is taken at start (virtnet_config_intr).
 */
static void
virtnet_lsc_setup(struct rte_eth_dev *dev)
{
	const struct virtnet_transport *t = &virtnet_dev(dev)->tp;

	if (virtnet_usable(virtnet_dev(dev), VIRTIO_NET_F_STATUS) &&
	    t->ops->has_config_intr(t->priv))
		return;
	dev->data->dev_flags &= ~RTE_ETH_DEV_INTR_LSC;
	VIRTNET_INIT_LOG(INFO, "port %u: no config interrupt; link state is polled",
		dev->data->port_id);
}

/* Learn the device and make the port look like one to ethdev. */
static int
virtnet_dev_init(struct rte_eth_dev *dev)
{
	struct rte_ether_addr mac;
	int ret;

	dev->dev_ops = &virtnet_eth_dev_ops;
	dev->rx_pkt_burst = rte_eth_pkt_burst_dummy;
	dev->tx_pkt_burst = rte_eth_pkt_burst_dummy;
	dev->tx_pkt_prepare = virtnet_tx_prepare;
	virtnet_qstatus_set(dev);
	virtnet_queue_fault_hook(virtnet_dev_fault);
	/* No AUTOFILL_QUEUE_XSTATS: net_virtio's per-queue xstats say it. */
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC;
	ret = virtnet_device_probe(virtnet_dev(dev), &mac);
	if (ret < 0)
		return ret;
	dev->data->mac_addrs = rte_zmalloc("virtnet_mac",
		VIRTNET_MAC_ADDRS * RTE_ETHER_ADDR_LEN, 0);
	if (dev->data->mac_addrs == NULL)
		return -ENOMEM;
	rte_ether_addr_copy(&mac, dev->data->mac_addrs);
	ret = virtnet_filter_create(dev);
	if (ret < 0)
		return ret;
	virtnet_lsc_setup(dev);
	virtnet_link_set(dev, false);
	return 0;
}

int
virtnet_ethdev_probe(struct rte_eth_dev *dev,
		const struct virtnet_probe_params *p)
{
	struct virtnet_dev *hw = calloc(1, sizeof(*hw));
	int ret;

	if (hw == NULL) {
		rte_eth_dev_release_port(dev);
		return -ENOMEM;
	}
	hw->port_id = dev->data->port_id;
	hw->halted = true;
	pthread_mutex_init(&hw->lock, NULL);
	hw->speed = p->speed;
	hw->speed_fixed = p->speed != 0;
	hw->vectorized = p->vectorized;
	hw->coal = p->coal;
	hw->features_off = p->features_off;
	/* Set first: the transport may report an event before it returns. */
	dev->process_private = hw;
	ret = p->transport(p->bus_arg, virtnet_dev_event, dev, &hw->tp);
	if (ret < 0) {
		dev->process_private = NULL;
		pthread_mutex_destroy(&hw->lock);
		free(hw);
		rte_eth_dev_release_port(dev);
		return ret;
	}
	ret = virtnet_dev_init(dev);
	if (ret < 0) {
		VIRTNET_INIT_LOG(ERR, "%s: device init failed: %s", p->name,
			rte_strerror(-ret));
		virtnet_dev_free(dev);
		rte_eth_dev_release_port(dev);
		return ret;
	}
	rte_eth_dev_probing_finish(dev);
	VIRTNET_INIT_LOG(INFO, "%s: port %u on %s, features 0x%" PRIx64,
		p->name, dev->data->port_id, hw->tp.ops->name,
		hw->dev_features);
	return 0;
}

int
virtnet_ethdev_remove(const char *name)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(name);

	if (dev == NULL)
		return 0;
	/* ethdev refuses to close a started port; removal must not fail. */
	if (dev->data->dev_started)
		rte_eth_dev_stop(dev->data->port_id);
	return rte_eth_dev_close(dev->data->port_id);
}
