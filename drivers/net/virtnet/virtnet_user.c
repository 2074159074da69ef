/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_memory.h>

#include "virtnet_log.h"
#include "virtnet_spec.h"
#include "virtnet_user.h"
#include "virtnet_vhost_user.h"

/* Device features virtio-user can hand through from a back-end. */
#define VU_PASSTHROUGH_FEATURES \
	((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) | \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) | \
	 (1ULL << VIRTIO_NET_F_GUEST_ECN) | (1ULL << VIRTIO_NET_F_GUEST_UFO) | \
	 (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) | \
	 (1ULL << VIRTIO_NET_F_HOST_ECN) | (1ULL << VIRTIO_NET_F_HOST_UFO) | \
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF) | (1ULL << VIRTIO_F_ANY_LAYOUT) | \
	 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_F_VERSION_1) | \
	 (1ULL << VIRTIO_F_RING_PACKED) | (1ULL << VIRTIO_F_IN_ORDER) | \
	 (1ULL << VIRTIO_NET_F_HOST_USO) | (1ULL << VIRTIO_NET_F_GUEST_USO4) | \
	 (1ULL << VIRTIO_NET_F_GUEST_USO6))
/*
 * Features the emulated device provides itself. No CTRL_RX nor CTRL_VLAN:
 * a vhost-user back-end delivers every frame and has no filter to set.
 */
#define VU_EMULATED_FEATURES \
	((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | \
	 (1ULL << VIRTIO_NET_F_CTRL_VQ) | (1ULL << VIRTIO_NET_F_CTRL_MAC_ADDR) | \
	 (1ULL << VIRTIO_NET_F_GUEST_ANNOUNCE))
/* Test hook: the emulated control queue misbehaves while it is set. */
#define VU_CQ_FAULT_ENV		"VIRTNET_TEST_CQ_FAULT"

struct vu_queue {
	struct virtnet_queue_desc d;
	bool configured;
	bool enabled;
	int kickfd;
	int callfd;
};

struct virtnet_user {
	struct virtnet_vhu conn;
	char path[PATH_MAX];
	/* The connection and the device state; one request at a time. */
	pthread_mutex_t lock;
	bool server;			/* we listen, the back-end connects */
	int listen_fd;			/* server mode; -1 otherwise */
	uint32_t retry_ms;		/* client mode: next reconnect delay */
	volatile bool connected;	/* a back-end took the handshake */
	volatile bool closing;
	uint64_t backend_features;
	uint64_t protocol_features;
	uint64_t device_features;
	uint64_t feature_mask;
	uint64_t features;
	uint8_t status;
	bool started;
	/*
	 * A GET_VRING_BASE went unanswered: the back-end of that connection
	 * may still use the rings, so every reset fails until a new
	 * connection takes the handshake (audit F4).
	 */
	bool rings_unsettled;
	bool announce_due;	/* a new back-end: announce at the next start */
	bool announce;		/* VIRTIO_NET_S_ANNOUNCE, until acknowledged */
	struct virtio_net_config cfg;
	uint8_t mac[6];			/* the config's MAC after a reset */
	uint16_t queue_size;
	uint16_t nr_queues;
	uint16_t queue_pairs;
	uint16_t cq_qid;		/* UINT16_MAX without a control queue */
	struct rte_intr_handle *intr;		/* the connection */
	struct rte_intr_handle *listen_intr;	/* server mode */
	virtnet_event_cb cb;
	void *cb_arg;
	bool mem_cb;
	char mem_cb_name[64];
	struct vu_queue q[];
};

static bool
vu_has_proto(const struct virtnet_user *u, unsigned int bit)
{
	return (u->protocol_features >> bit) & 1;
}

/* Merge memory segments by backing fd, one region per file. */
static int
vu_mem_add_seg(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct virtnet_vhu_mem *t = arg;
	struct virtnet_vhu_region *r;
	uint64_t start = (uintptr_t)ms->addr, end = start + ms->len;
	size_t off;
	uint32_t i;
	int fd;

	if (msl->external)
		return 0;
	fd = rte_memseg_get_fd_thread_unsafe(ms);
	if (fd < 0 || rte_memseg_get_fd_offset_thread_unsafe(ms, &off) < 0) {
		VIRTNET_LOG(ERR, "memory segment %p has no fd to share (rte_errno %d)",
			ms->addr, rte_errno);
		return -1;
	}
	for (i = 0; i < t->nregions; i++) {
		r = &t->region[i];
		if (t->fd[i] != fd)
			continue;
		if (start < r->userspace_addr) {
			r->memory_size += r->userspace_addr - start;
			r->userspace_addr = start;
			r->guest_phys_addr = start;
			r->mmap_offset = off;
		}
		if (end > r->userspace_addr + r->memory_size)
			r->memory_size = end - r->userspace_addr;
		return 0;
	}
	if (t->nregions == VIRTNET_VHU_MAX_REGIONS) {
		VIRTNET_LOG(ERR, "more than %d memory files to share; run EAL with --single-file-segments",
			VIRTNET_VHU_MAX_REGIONS);
		return -1;
	}
	r = &t->region[t->nregions];
	t->fd[t->nregions++] = fd;
	r->guest_phys_addr = start;
	r->userspace_addr = start;
	r->memory_size = ms->len;
	r->mmap_offset = off;
	return 0;
}

/* Caller holds the memory hotplug lock, then u->lock. */
static int
vu_send_mem_table(struct virtnet_user *u, bool wait)
{
	struct virtnet_vhu_mem t;
	int ret;

	memset(&t, 0, sizeof(t));
	if (rte_memseg_walk_thread_unsafe(vu_mem_add_seg, &t) != 0)
		return -ENOMEM;
	ret = virtnet_vhu_set_mem_table(&u->conn, &t, wait);
	if (ret < 0)
		VIRTNET_LOG(ERR, "%s: SET_MEM_TABLE failed: %s", u->path,
			strerror(-ret));
	return ret;
}

/* DPDK memory grew or shrank: the back-end needs the new table. */
static void
vu_mem_event(enum rte_mem_event type __rte_unused, const void *addr __rte_unused,
		size_t len __rte_unused, void *arg)
{
	struct virtnet_user *u = arg;

	/*
	 * This runs inside an allocation, with the heap locked. A back-end in
	 * this process would need that lock to take the table, so it is sent
	 * without waiting for its answer; one in another process is waited for.
	 */
	pthread_mutex_lock(&u->lock);
	if (u->started && u->connected &&
	    vu_send_mem_table(u, !virtnet_vhu_peer_is_self(&u->conn)) < 0)
		VIRTNET_LOG(ERR, "%s: back-end did not take the new memory table",
			u->path);
	pthread_mutex_unlock(&u->lock);
}

/*
 * Handlers and alarms of the transport run in EAL's interrupt thread and
 * take u->lock; nothing holds u->lock while it waits for them (unwatch,
 * alarm cancel), so they cannot deadlock with the control path.
 */
static void
vu_unwatch(struct rte_intr_handle *h, rte_intr_callback_fn fn, void *arg)
{
	int ret;

	if (h == NULL || rte_intr_fd_get(h) < 0)
		return;
	/* A running handler finishes soon; in its own thread it cannot run. */
	do {
		ret = rte_intr_callback_unregister(h, fn, arg);
	} while (ret == -EAGAIN && !rte_thread_is_intr());
	rte_intr_fd_set(h, -1);
}

static int
vu_watch(struct rte_intr_handle *h, int fd, rte_intr_callback_fn fn,
		void *arg)
{
	if (rte_intr_fd_set(h, fd) != 0 ||
	    rte_intr_type_set(h, RTE_INTR_HANDLE_EXT) != 0)
		return -EINVAL;
	return rte_intr_callback_register(h, fn, arg);
}

static void vu_retry(void *arg);

/*
 * Caller holds u->lock. The socket only: the queues' eventfds stay until
 * the reset that follows, as a burst may still be kicking them.
 */
static void
vu_drop_connection(struct virtnet_user *u)
{
	u->connected = false;
	u->started = false;
	virtnet_vhu_close(&u->conn);
}

/* Outside u->lock: tell the port, and in client mode start redialling. */
static void
vu_report_lost(struct virtnet_user *u)
{
	if (u->cb != NULL)
		u->cb(u->cb_arg, VIRTNET_EVENT_LOST);
	if (u->server || u->closing)
		return;
	u->retry_ms = VIRTNET_USER_RETRY_MIN_MS;
	VIRTNET_LOG(NOTICE, "%s: reconnecting (every %u ms at first, backing off to %u ms)",
		u->path, VIRTNET_USER_RETRY_MIN_MS, VIRTNET_USER_RETRY_MAX_MS);
	rte_eal_alarm_set(u->retry_ms * 1000ULL, vu_retry, u);
}

/*
 * The connection is readable with no request outstanding (requests hold
 * u->lock): the back-end closed it, or broke the protocol by talking
 * unasked. Either way the connection is over; reading the bytes also
 * keeps this level-triggered handler from spinning on them.
 */
static void
vu_conn_handler(void *arg)
{
	struct virtnet_user *u = arg;
	int ret;

	pthread_mutex_lock(&u->lock);
	ret = u->connected ? virtnet_vhu_drain(&u->conn) : -ENOTCONN;
	if (ret == 0) {
		pthread_mutex_unlock(&u->lock);
		return;
	}
	VIRTNET_LOG(ERR, "%s: %s; link down", u->path,
		ret == -ECONNRESET ? "vhost-user back-end closed the connection" :
		"closing the vhost-user connection");
	rte_intr_callback_unregister_pending(u->intr, vu_conn_handler, u,
		NULL);
	vu_drop_connection(u);
	pthread_mutex_unlock(&u->lock);
	vu_report_lost(u);
}

/* More than one pair needs a back-end that says it has the queues. */
static int
vu_check_queue_num(struct virtnet_user *u)
{
	uint64_t n = 0;
	int ret;

	if (u->queue_pairs <= 1)
		return 0;
	if (!vu_has_proto(u, VHOST_USER_PROTOCOL_F_MQ)) {
		VIRTNET_INIT_LOG(ERR, "%s: %u queue pairs asked, but the back-end has no multi-queue support",
			u->path, u->queue_pairs);
		return -ENOTSUP;
	}
	ret = virtnet_vhu_get_u64(&u->conn, VHOST_USER_GET_QUEUE_NUM, &n);
	if (ret == 0 && n < u->queue_pairs) {
		VIRTNET_INIT_LOG(ERR, "%s: %u queue pairs asked, the back-end has %" PRIu64,
			u->path, u->queue_pairs, n);
		ret = -ENOTSUP;
	}
	return ret;
}

/* What the emulated device offers over a back-end offering @p backend. */
static uint64_t
vu_device_features(const struct virtnet_user *u, uint64_t backend)
{
	uint64_t f = backend & VU_PASSTHROUGH_FEATURES & u->feature_mask;

	f |= (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS);
	if (u->cq_qid != UINT16_MAX)
		f |= (1ULL << VIRTIO_NET_F_CTRL_VQ) |
			(1ULL << VIRTIO_NET_F_CTRL_MAC_ADDR) |
			(1ULL << VIRTIO_NET_F_GUEST_ANNOUNCE);
	if (u->queue_pairs > 1)
		f |= 1ULL << VIRTIO_NET_F_MQ;
	return f;
}

/*
 * Learn what the back-end on u->conn offers, and watch the connection.
 * Caller holds u->lock; on failure the connection is closed.
 */
static int
vu_handshake(struct virtnet_user *u)
{
	uint64_t proto = 0;
	int ret;

	ret = virtnet_vhu_simple(&u->conn, VHOST_USER_SET_OWNER);
	if (ret == 0)
		ret = virtnet_vhu_get_u64(&u->conn, VHOST_USER_GET_FEATURES,
			&u->backend_features);
	if (ret == 0 && (u->backend_features >> VHOST_USER_F_PROTOCOL_FEATURES) & 1) {
		ret = virtnet_vhu_get_u64(&u->conn,
			VHOST_USER_GET_PROTOCOL_FEATURES, &proto);
		proto &= VIRTNET_VHU_PROTOCOL_FEATURES;
		if (ret == 0)
			ret = virtnet_vhu_set_u64(&u->conn,
				VHOST_USER_SET_PROTOCOL_FEATURES, proto);
	}
	if (ret < 0)
		VIRTNET_INIT_LOG(ERR, "vhost-user handshake on %s failed: %s",
			u->path, strerror(-ret));
	if (ret == 0) {
		u->protocol_features = proto;
		u->conn.reply_ack = vu_has_proto(u,
			VHOST_USER_PROTOCOL_F_REPLY_ACK);
		ret = vu_check_queue_num(u);
	}
	if (ret == 0)
		ret = vu_watch(u->intr, u->conn.fd, vu_conn_handler, u);
	if (ret < 0) {
		virtnet_vhu_close(&u->conn);
		return ret;
	}
	u->device_features = vu_device_features(u, u->backend_features);
	u->connected = true;
	/* A new connection: the old one's rings are its back-end's no more. */
	u->rings_unsettled = false;
	return 0;
}

/*
 * A back-end that connects after probe (server mode, or a reconnect) is a
 * new switch port: once the driver runs on it, the device asks for an
 * announce, as QEMU does after a migration, so that the switch learns
 * where the port's addresses are.
 */
static void
vu_report_ready(struct virtnet_user *u)
{
	pthread_mutex_lock(&u->lock);
	u->announce_due = true;
	pthread_mutex_unlock(&u->lock);
	VIRTNET_LOG(NOTICE, "%s: vhost-user back-end connected (features 0x%" PRIx64 ")",
		u->path, u->backend_features);
	if (u->cb != NULL)
		u->cb(u->cb_arg, VIRTNET_EVENT_READY);
}

/* Client mode: redial, backing off, until a back-end answers or close. */
static void
vu_retry(void *arg)
{
	struct virtnet_user *u = arg;
	int ret = -ENOTCONN;

	if (u->closing)
		return;
	pthread_mutex_lock(&u->lock);
	if (!u->connected) {
		ret = virtnet_vhu_connect(&u->conn, u->path);
		if (ret == 0)
			ret = vu_handshake(u);
	}
	pthread_mutex_unlock(&u->lock);
	if (ret == 0) {
		vu_report_ready(u);
		return;
	}
	VIRTNET_LOG(DEBUG, "%s: reconnect failed (%s); next try in %u ms",
		u->path, strerror(-ret), u->retry_ms);
	rte_eal_alarm_set(u->retry_ms * 1000ULL, vu_retry, u);
	u->retry_ms = RTE_MIN(u->retry_ms * 2, VIRTNET_USER_RETRY_MAX_MS);
}

/* Server mode: a back-end connects; one at a time. */
static void
vu_listen_handler(void *arg)
{
	struct virtnet_user *u = arg;
	struct virtnet_vhu c;
	int ret;

	pthread_mutex_lock(&u->lock);
	ret = virtnet_vhu_accept(&c, u->listen_fd);
	if (ret == 0 && u->connected) {
		VIRTNET_LOG(WARNING, "%s: a second back-end connected while one is served; refused",
			u->path);
		virtnet_vhu_close(&c);
		ret = -EBUSY;
	} else if (ret == 0) {
		u->conn = c;
		ret = vu_handshake(u);
	} else if (ret != -EAGAIN) {
		VIRTNET_LOG(ERR, "%s: accept failed: %s", u->path,
			strerror(-ret));
	}
	pthread_mutex_unlock(&u->lock);
	if (ret == 0)
		vu_report_ready(u);
}

static int
vu_listen(struct virtnet_user *u)
{
	int ret;

	u->listen_fd = virtnet_vhu_listen(u->path);
	if (u->listen_fd < 0) {
		ret = u->listen_fd;
		VIRTNET_INIT_LOG(ERR, "%s: cannot listen for a vhost-user back-end: %s",
			u->path, strerror(-ret));
		return ret;
	}
	u->listen_intr = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (u->listen_intr == NULL)
		return -ENOMEM;
	ret = vu_watch(u->listen_intr, u->listen_fd, vu_listen_handler, u);
	if (ret < 0)
		VIRTNET_INIT_LOG(ERR, "%s: cannot watch the listening socket: %d",
			u->path, ret);
	else
		VIRTNET_INIT_LOG(NOTICE, "%s: server mode, waiting for a vhost-user back-end; the link comes up when one connects",
			u->path);
	return ret;
}

/* Stop listening (server) or redialling (client); close the connection. */
static void
vu_disconnect(struct virtnet_user *u)
{
	u->closing = true;
	vu_unwatch(u->listen_intr, vu_listen_handler, u);
	rte_eal_alarm_cancel(vu_retry, u);
	vu_unwatch(u->intr, vu_conn_handler, u);
	pthread_mutex_lock(&u->lock);
	vu_drop_connection(u);
	pthread_mutex_unlock(&u->lock);
	if (u->listen_fd >= 0) {
		close(u->listen_fd);
		unlink(u->path);
	}
	u->listen_fd = -1;
}

static void
vu_close_queue_fds(struct vu_queue *q)
{
	if (q->kickfd >= 0)
		close(q->kickfd);
	if (q->callfd >= 0)
		close(q->callfd);
	q->kickfd = -1;
	q->callfd = -1;
}

static int
vu_start_queue(struct virtnet_user *u, struct vu_queue *q)
{
	struct virtnet_vhu_vring_addr a = {
		.desc = q->d.desc, .avail = q->d.avail, .used = q->d.used,
	};
	uint16_t i = q->d.qid;
	int ret;

	q->kickfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	q->callfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->kickfd < 0 || q->callfd < 0)
		return -errno;
	ret = virtnet_vhu_set_vring_fd(&u->conn, VHOST_USER_SET_VRING_CALL,
		i, q->callfd);
	if (ret == 0)
		ret = virtnet_vhu_set_state(&u->conn, VHOST_USER_SET_VRING_NUM,
			i, q->d.size);
	/* Packed rings carry the avail wrap counter (1 at start) in bit 15. */
	if (ret == 0)
		ret = virtnet_vhu_set_state(&u->conn, VHOST_USER_SET_VRING_BASE,
			i, q->d.packed ? 1u << 15 : 0);
	if (ret == 0)
		ret = virtnet_vhu_set_vring_addr(&u->conn, i, &a);
	if (ret == 0)
		ret = virtnet_vhu_set_vring_fd(&u->conn,
			VHOST_USER_SET_VRING_KICK, i, q->kickfd);
	return ret;
}

/* The call eventfd the back-end signals, once the queue is started. */
static int
vu_queue_intr_fd(void *t, uint16_t qid)
{
	struct virtnet_user *u = t;

	if (qid >= u->nr_queues || u->q[qid].callfd < 0)
		return -ENODEV;
	return u->q[qid].callfd;
}

/* A data queue the driver set up: the back-end's business. */
static bool
vu_backend_queue(const struct virtnet_user *u, uint16_t qid)
{
	return u->q[qid].configured && qid != u->cq_qid;
}

static int
vu_start_device(struct virtnet_user *u)
{
	uint16_t i;
	int ret;

	ret = vu_send_mem_table(u, true);
	for (i = 0; ret == 0 && i < u->nr_queues; i++)
		if (vu_backend_queue(u, i))
			ret = vu_start_queue(u, &u->q[i]);
	if (ret == 0 && (u->backend_features >> VHOST_USER_F_PROTOCOL_FEATURES) & 1)
		for (i = 0; ret == 0 && i < u->nr_queues; i++)
			if (vu_backend_queue(u, i) && u->q[i].enabled)
				ret = virtnet_vhu_set_state(&u->conn,
					VHOST_USER_SET_VRING_ENABLE, i, 1);
	if (ret < 0) {
		VIRTNET_LOG(ERR, "%s: starting the device failed: %s",
			u->path, strerror(-ret));
		return ret;
	}
	u->started = true;
	if (u->announce_due &&
	    (u->features >> VIRTIO_NET_F_GUEST_ANNOUNCE) & 1)
		u->announce = true;
	u->announce_due = false;
	return 0;
}

/*
 * Stop the back-end's rings. GET_VRING_BASE answered means the back-end
 * stopped that ring; one it did not answer (the connection is then shut
 * down: out of step) may still be in use: -EIO, so that its buffers are
 * kept (audit F4), until a new connection. A back-end whose connection
 * closed is taken to have stopped, as the protocol has it; one that
 * breaks that rule can write all of this process's memory anyway.
 */
static int
vu_stop_device(struct virtnet_user *u)
{
	uint32_t base;
	uint16_t i;
	int ret;

	for (i = 0; i < u->nr_queues; i++) {
		if (!vu_backend_queue(u, i))
			continue;
		ret = u->started && u->connected ?
			virtnet_vhu_get_vring_base(&u->conn, i, &base) : 0;
		/* A back-end that closed the connection has stopped. */
		if (ret < 0 && ret != -ECONNRESET && ret != -EPIPE &&
		    ret != -ENOTCONN) {
			VIRTNET_LOG(ERR, "%s: GET_VRING_BASE %u failed: the back-end may still use the ring",
				u->path, i);
			u->rings_unsettled = true;
		}
		vu_close_queue_fds(&u->q[i]);
	}
	u->started = false;
	return u->rings_unsettled ? -EIO : 0;
}

static int
vu_reset(void *t)
{
	struct virtnet_user *u = t;
	uint16_t i;
	int ret;

	pthread_mutex_lock(&u->lock);
	ret = vu_stop_device(u);
	if (u->connected && vu_has_proto(u, VHOST_USER_PROTOCOL_F_STATUS))
		virtnet_vhu_set_u64(&u->conn, VHOST_USER_SET_STATUS, 0);
	for (i = 0; i < u->nr_queues; i++) {
		u->q[i].configured = false;
		u->q[i].enabled = false;
	}
	u->status = 0;
	u->features = 0;
	u->announce = false;
	memcpy(u->cfg.mac, u->mac, sizeof(u->cfg.mac));
	pthread_mutex_unlock(&u->lock);
	return ret;
}

static uint8_t
vu_get_status(void *t)
{
	struct virtnet_user *u = t;

	return u->status;
}

static int
vu_status_change(struct virtnet_user *u, uint8_t old, uint8_t status)
{
	uint64_t f;
	int ret = 0;

	/* Without a back-end the device can be learnt, not started. */
	if (!u->connected)
		return status & (VIRTIO_CONFIG_S_FEATURES_OK |
			VIRTIO_CONFIG_S_DRIVER_OK) ? -ENOTCONN : 0;
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(old & VIRTIO_CONFIG_S_FEATURES_OK)) {
		/* The control queue is ours; MQ stays, the back-end has the rings. */
		f = u->features & ~VU_EMULATED_FEATURES;
		f |= u->backend_features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES);
		ret = virtnet_vhu_set_u64(&u->conn, VHOST_USER_SET_FEATURES, f);
	}
	if (ret == 0 && (status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(old & VIRTIO_CONFIG_S_DRIVER_OK))
		ret = vu_start_device(u);
	if (ret == 0 && vu_has_proto(u, VHOST_USER_PROTOCOL_F_STATUS))
		ret = virtnet_vhu_set_u64(&u->conn, VHOST_USER_SET_STATUS,
			status);
	return ret;
}

static int
vu_set_status(void *t, uint8_t status)
{
	struct virtnet_user *u = t;
	bool announced, announce;
	int ret;

	if (status == 0)
		return vu_reset(t);
	/* Lock order: memory hotplug lock, then ours (see vu_mem_event). */
	rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&u->lock);
	announced = u->announce;
	ret = vu_status_change(u, u->status, status);
	if (ret < 0) {
		vu_stop_device(u);
		status = (uint8_t)(u->status | VIRTIO_CONFIG_S_FAILED);
		status &= ~(VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	}
	u->status = status;
	announce = !announced && u->announce;
	pthread_mutex_unlock(&u->lock);
	rte_mcfg_mem_read_unlock();
	/* The config changed: as a config interrupt would say. */
	if (announce && u->cb != NULL)
		u->cb(u->cb_arg, VIRTNET_EVENT_CONFIG);
	return ret;
}

static uint64_t
vu_get_features(void *t)
{
	struct virtnet_user *u = t;

	return u->device_features;
}

static int
vu_set_features(void *t, uint64_t features)
{
	struct virtnet_user *u = t;

	if (features & ~u->device_features)
		return -EINVAL;
	u->features = features;
	return 0;
}

static int
vu_read_config(void *t, size_t off, void *dst, size_t len)
{
	struct virtnet_user *u = t;

	if (off > sizeof(u->cfg) || len > sizeof(u->cfg) - off)
		return -EINVAL;
	u->cfg.status = (u->connected ? VIRTIO_NET_S_LINK_UP : 0) |
		(u->announce ? VIRTIO_NET_S_ANNOUNCE : 0);
	memcpy(dst, (const uint8_t *)&u->cfg + off, len);
	return 0;
}

static int
vu_write_config(void *t, size_t off, const void *src, size_t len)
{
	struct virtnet_user *u = t;

	/* Only the MAC is writable, as on a legacy device. */
	if (off + len > sizeof(u->cfg.mac))
		return -EINVAL;
	memcpy((uint8_t *)&u->cfg + off, src, len);
	return 0;
}

static uint16_t
vu_queue_max_size(void *t, uint16_t qid)
{
	struct virtnet_user *u = t;

	return qid < u->nr_queues ? u->queue_size : 0;
}

static int
vu_setup_queue(void *t, const struct virtnet_queue_desc *d)
{
	struct virtnet_user *u = t;

	if (d->qid >= u->nr_queues || d->size > u->queue_size)
		return -EINVAL;
	u->q[d->qid].d = *d;
	u->q[d->qid].configured = true;
	return 0;
}

/* Caller holds u->lock. */
static int
vu_enable_locked(struct virtnet_user *u, uint16_t qid, bool on)
{
	u->q[qid].enabled = on;
	if (qid == u->cq_qid || !u->started || !u->connected ||
	    !u->q[qid].configured)
		return 0;
	return virtnet_vhu_set_state(&u->conn, VHOST_USER_SET_VRING_ENABLE,
		qid, on);
}

static int
vu_enable_queue(void *t, uint16_t qid, bool on)
{
	struct virtnet_user *u = t;
	int ret;

	/* The control queue is emulated here: nothing to tell the back-end. */
	if (qid == u->cq_qid)
		return 0;
	if (qid >= u->nr_queues)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	ret = vu_enable_locked(u, qid, on);
	pthread_mutex_unlock(&u->lock);
	return ret;
}

/* ANNOUNCE_ACK clears the announce status; unasked, it is an error. */
static uint8_t
vu_ctrl_announce(struct virtnet_user *u, uint8_t cmd)
{
	if (cmd != VIRTIO_NET_CTRL_ANNOUNCE_ACK || !u->announce)
		return VIRTIO_NET_ERR;
	u->announce = false;
	return VIRTIO_NET_OK;
}

/*
 * The emulated device's answer to a control command. Queue pairs are
 * switched on and off in the back-end with SET_VRING_ENABLE, as the
 * vhost-user protocol has it. MAC_ADDR_SET changes the config's MAC (the
 * back-end has no address). Rx modes, MAC tables and VLANs are refused:
 * they are not offered (no filter in a back-end). Caller holds u->lock.
 */
static uint8_t
vu_ctrl(struct virtnet_user *u, uint8_t cls, uint8_t cmd, const uint8_t *data,
		uint32_t len)
{
	uint16_t pairs, i;

	if (cls == VIRTIO_NET_CTRL_ANNOUNCE)
		return vu_ctrl_announce(u, cmd);
	if (cls == VIRTIO_NET_CTRL_MAC && cmd == VIRTIO_NET_CTRL_MAC_ADDR_SET &&
	    len == sizeof(u->cfg.mac)) {
		memcpy(u->cfg.mac, data, len);
		return VIRTIO_NET_OK;
	}
	if (cls != VIRTIO_NET_CTRL_MQ || cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET ||
	    len != sizeof(pairs))
		return VIRTIO_NET_ERR;
	memcpy(&pairs, data, sizeof(pairs));
	if (pairs < 1 || pairs > u->queue_pairs)
		return VIRTIO_NET_ERR;
	for (i = 0; i < 2 * u->queue_pairs; i++)
		if (vu_enable_locked(u, i, i / 2 < pairs) < 0)
			return VIRTIO_NET_ERR;
	return VIRTIO_NET_OK;
}

/*
 * Test hook (tests/test_vhost.c), in builds with tests only: while
 * VIRTNET_TEST_CQ_FAULT is "silent" commands go unanswered (-ETIMEDOUT),
 * while it is "nack" each is answered VIRTIO_NET_ERR. Read at each
 * command; 0 without a fault.
 */
static int
vu_ctrl_fault(const struct virtnet_user *u)
{
#ifdef VIRTNET_TEST_HOOKS
	const char *fault = getenv(VU_CQ_FAULT_ENV);

	if (fault != NULL && strcmp(fault, "silent") == 0) {
		VIRTNET_LOG(WARNING, "%s: %s=silent: control queue not served",
			u->path, VU_CQ_FAULT_ENV);
		return -ETIMEDOUT;
	}
	if (fault != NULL && strcmp(fault, "nack") == 0)
		return VIRTIO_NET_ERR;
#else
	RTE_SET_USED(u);
#endif
	return 0;
}

/*
 * The control queue is emulated here, and the command comes from the
 * driver's own memory, not from a ring the back-end can write (audit F1).
 */
static int
vu_ctrl_cmd(void *t, uint8_t cls, uint8_t cmd, const uint8_t *data,
		uint32_t len)
{
	struct virtnet_user *u = t;
	int ack = vu_ctrl_fault(u);

	if (ack != 0)
		return ack;
	pthread_mutex_lock(&u->lock);
	ack = vu_ctrl(u, cls, cmd, data, len);
	pthread_mutex_unlock(&u->lock);
	return ack;
}

static void
vu_notify(void *t, uint16_t qid, uint16_t next __rte_unused)
{
	struct virtnet_user *u = t;
	uint64_t one = 1;

	/* A full eventfd counter already wakes the back-end. */
	if (write(u->q[qid].kickfd, &one, sizeof(one)) < 0)
		return;
}

static bool
vu_alive(void *t)
{
	struct virtnet_user *u = t;

	return u->connected;
}

static bool
vu_uses_va(void *t __rte_unused)
{
	return true;
}

/*
 * Loss and return of the back-end are seen by the socket watch set up at
 * connect, whatever the config interrupt; nothing else changes the config.
 */
static bool
vu_has_config_intr(void *t __rte_unused)
{
	return true;
}

static int
vu_config_intr_enable(void *t __rte_unused)
{
	return 0;
}

static void
vu_config_intr_disable(void *t __rte_unused)
{
}

/* vhost-user has no queue reset (the driver never negotiates RING_RESET). */
static int
vu_reset_queue(void *t __rte_unused, uint16_t qid __rte_unused)
{
	return -ENOTSUP;
}

static void
vu_free(struct virtnet_user *u)
{
	vu_disconnect(u);
	rte_intr_instance_free(u->intr);
	rte_intr_instance_free(u->listen_intr);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

static void
vu_close(void *t)
{
	struct virtnet_user *u = t;

	if (u == NULL)
		return;
	vu_reset(u);
	if (u->mem_cb)
		rte_mem_event_callback_unregister(u->mem_cb_name, u);
	vu_free(u);
}

const struct virtnet_transport_ops virtnet_user_ops = {
	.name = "virtio-user/vhost-user",
	.reset = vu_reset,
	.get_status = vu_get_status,
	.set_status = vu_set_status,
	.get_features = vu_get_features,
	.set_features = vu_set_features,
	.read_config = vu_read_config,
	.write_config = vu_write_config,
	.queue_max_size = vu_queue_max_size,
	.setup_queue = vu_setup_queue,
	.queue_pause = true,
	.enable_queue = vu_enable_queue,
	.notify = vu_notify,
	.ctrl_cmd = vu_ctrl_cmd,
	.alive = vu_alive,
	.uses_va = vu_uses_va,
	.has_config_intr = vu_has_config_intr,
	.config_intr_enable = vu_config_intr_enable,
	.config_intr_disable = vu_config_intr_disable,
	.reset_queue = vu_reset_queue,
	.queue_intr_fd = vu_queue_intr_fd,
	.close = vu_close,
};

static void
vu_init_config(struct virtnet_user *u, const struct virtnet_user_params *p)
{
	memcpy(u->cfg.mac, p->mac, sizeof(u->cfg.mac));
	memcpy(u->mac, p->mac, sizeof(u->mac));
	u->cfg.status = VIRTIO_NET_S_LINK_UP;
	u->cfg.max_virtqueue_pairs = p->queue_pairs;
	u->cfg.speed = p->speed;
	u->cfg.duplex = 1;
}

/* Client mode: the back-end must be there at probe, as with net_virtio. */
static int
vu_connect_first(struct virtnet_user *u)
{
	int ret;

	ret = virtnet_vhu_connect(&u->conn, u->path);
	if (ret < 0) {
		VIRTNET_INIT_LOG(ERR, "cannot connect to vhost-user socket %s: %s",
			u->path, strerror(-ret));
		return ret;
	}
	pthread_mutex_lock(&u->lock);
	ret = vu_handshake(u);
	pthread_mutex_unlock(&u->lock);
	return ret;
}

static void
vu_watch_memory(struct virtnet_user *u)
{
	snprintf(u->mem_cb_name, sizeof(u->mem_cb_name), "virtnet_user_%p",
		(void *)u);
	if (rte_mem_event_callback_register(u->mem_cb_name, vu_mem_event, u) == 0)
		u->mem_cb = true;
	else if (rte_errno == ENOTSUP)	/* --no-huge, legacy memory: fixed */
		VIRTNET_INIT_LOG(DEBUG, "%s: DPDK memory is fixed in size",
			u->path);
	else
		VIRTNET_INIT_LOG(WARNING, "%s: memory growth after start will not reach the back-end (rte_errno %d)",
			u->path, rte_errno);
}

int
virtnet_user_create(const struct virtnet_user_params *p, virtnet_event_cb cb,
		void *arg, void **t)
{
	uint16_t nq = p->queue_pairs * 2 + (p->cq ? 1 : 0), i;
	struct virtnet_user *u;
	int ret;

	/* Process memory: the back-end maps every DPDK memseg, not this. */
	u = calloc(1, sizeof(*u) + nq * sizeof(u->q[0]));
	if (u == NULL)
		return -ENOMEM;
	if (strlen(p->path) >= sizeof(u->path)) {
		free(u);
		return -ENAMETOOLONG;
	}
	strcpy(u->path, p->path);
	pthread_mutex_init(&u->lock, NULL);
	u->conn.fd = -1;
	u->listen_fd = -1;
	u->server = p->server;
	u->nr_queues = nq;
	u->queue_pairs = p->queue_pairs;
	u->cq_qid = p->cq ? (uint16_t)(p->queue_pairs * 2) : UINT16_MAX;
	u->queue_size = p->queue_size;
	u->feature_mask = p->feature_mask;
	u->cb = cb;
	u->cb_arg = arg;
	for (i = 0; i < nq; i++) {
		u->q[i].kickfd = -1;
		u->q[i].callfd = -1;
	}
	vu_init_config(u, p);
	/* Until a back-end says otherwise: everything virtio-user can pass. */
	u->device_features = vu_device_features(u, VU_PASSTHROUGH_FEATURES);
	u->intr = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	ret = u->intr == NULL ? -ENOMEM :
		u->server ? vu_listen(u) : vu_connect_first(u);
	if (ret < 0) {
		vu_free(u);
		return ret;
	}
	vu_watch_memory(u);
	*t = u;
	return 0;
}
