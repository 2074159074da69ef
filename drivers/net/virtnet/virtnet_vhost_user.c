/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "virtnet_log.h"
#include "virtnet_vhost_user.h"

#define VHOST_USER_VERSION		0x1
#define VHOST_USER_REPLY_MASK		(1u << 2)
#define VHOST_USER_NEED_REPLY_MASK	(1u << 3)
#define VHOST_USER_VRING_NOFD_MASK	(1ull << 8)
#define VIRTNET_VHU_TIMEOUT_MS		5000

struct vhu_state {
	uint32_t index;
	uint32_t num;
};

struct vhu_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc_user_addr;
	uint64_t used_user_addr;
	uint64_t avail_user_addr;
	uint64_t log_guest_addr;
};

struct vhu_mem {
	uint32_t nregions;
	uint32_t padding;
	struct virtnet_vhu_region regions[VIRTNET_VHU_MAX_REGIONS];
};

struct vhu_msg {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
	union {
		uint64_t u64;
		struct vhu_state state;
		struct vhu_addr addr;
		struct vhu_mem mem;
	} payload;
} __rte_packed;

#define VHU_HDR_SIZE offsetof(struct vhu_msg, payload)

static void
vhu_check_wire_structs(void)
{
	RTE_BUILD_BUG_ON(VHU_HDR_SIZE != 12);
	RTE_BUILD_BUG_ON(sizeof(struct vhu_state) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct vhu_addr) != 40);
	RTE_BUILD_BUG_ON(sizeof(struct virtnet_vhu_region) != 32);
	RTE_BUILD_BUG_ON(sizeof(struct vhu_mem) != 8 + 32 * 8);
}

/* Every request's send and reply are bounded by the connection's timeout. */
static int
vhu_attach(struct virtnet_vhu *c, int fd)
{
	struct timeval tv = {
		.tv_sec = VIRTNET_VHU_TIMEOUT_MS / 1000,
		.tv_usec = (VIRTNET_VHU_TIMEOUT_MS % 1000) * 1000,
	};

	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	c->fd = fd;
	c->reply_ack = false;
	c->timeout_ms = VIRTNET_VHU_TIMEOUT_MS;
	return 0;
}

static int
vhu_sockaddr(struct sockaddr_un *un, const char *path)
{
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(un->sun_path))
		return -ENAMETOOLONG;
	strcpy(un->sun_path, path);
	return 0;
}

int
virtnet_vhu_connect(struct virtnet_vhu *c, const char *path)
{
	struct sockaddr_un un;
	int fd, ret;

	vhu_check_wire_structs();
	c->fd = -1;
	ret = vhu_sockaddr(&un, path);
	if (ret < 0)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return vhu_attach(c, fd);
}

/* A socket file nobody listens on is a leftover of a dead process. */
static bool
vhu_path_stale(const struct sockaddr_un *un)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool stale;

	if (fd < 0)
		return false;
	stale = connect(fd, (const struct sockaddr *)un, sizeof(*un)) < 0 &&
		errno == ECONNREFUSED;
	close(fd);
	return stale;
}

int
virtnet_vhu_listen(const char *path)
{
	struct sockaddr_un un;
	int fd, ret;

	vhu_check_wire_structs();
	ret = vhu_sockaddr(&un, path);
	if (ret < 0)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	ret = bind(fd, (struct sockaddr *)&un, sizeof(un));
	if (ret < 0 && errno == EADDRINUSE && vhu_path_stale(&un)) {
		VIRTNET_LOG(NOTICE, "vhost-user: removing stale socket %s", path);
		unlink(path);
		ret = bind(fd, (struct sockaddr *)&un, sizeof(un));
	}
	if (ret == 0)
		ret = listen(fd, 1);
	if (ret < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

int
virtnet_vhu_accept(struct virtnet_vhu *c, int listen_fd)
{
	int fd;

	c->fd = -1;
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	return vhu_attach(c, fd);
}

void
virtnet_vhu_close(struct virtnet_vhu *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int
virtnet_vhu_drain(const struct virtnet_vhu *c)
{
	char b[64];
	ssize_t r;

	if (c->fd < 0)
		return -ENOTCONN;
	r = recv(c->fd, b, sizeof(b), MSG_DONTWAIT);
	if (r == 0)
		return -ECONNRESET;
	if (r > 0) {
		VIRTNET_LOG(ERR, "vhost-user: %zd unsolicited bytes from the back-end (first 0x%02x)",
			r, (unsigned int)(uint8_t)b[0]);
		return -EPROTO;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -errno;
}

static int
vhu_send(struct virtnet_vhu *c, struct vhu_msg *m, const int *fds, int nfds)
{
	char control[CMSG_SPACE(sizeof(int) * VIRTNET_VHU_MAX_REGIONS)];
	struct iovec iov = { .iov_base = m, .iov_len = VHU_HDR_SIZE + m->size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t r;

	if (c->fd < 0)
		return -ENOTCONN;
	if (nfds > 0) {
		memset(control, 0, sizeof(control));
		mh.msg_control = control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do {
		r = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	if (r == (ssize_t)iov.iov_len)
		return 0;
	/*
	 * A back-end that stops reading fills the socket: SO_SNDTIMEO ends
	 * the wait. Part of a message sent leaves the stream out of step.
	 */
	r = r < 0 ? (errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT :
		-errno) : -EIO;
	shutdown(c->fd, SHUT_RDWR);
	return (int)r;
}

static uint64_t
vhu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read @p len bytes by @p deadline (CLOCK_MONOTONIC ms), however trickled. */
static int
vhu_read_full(struct virtnet_vhu *c, void *buf, size_t len, uint64_t deadline)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	size_t got = 0;
	uint64_t now;
	ssize_t r;

	while (got < len) {
		now = vhu_now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)(deadline - now));
		if (r == 0)
			return -ETIMEDOUT;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		iov.iov_base = (char *)buf + got;
		iov.iov_len = len - got;
		mh.msg_flags = 0;
		r = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return -errno;
		/*
		 * No reply the driver asks for carries file descriptors; the
		 * kernel closed the ones sent (no room for them here), but a
		 * back-end sending them does not speak our protocol
		 * (tests/test_lying.sh, proto-fds: unseen before).
		 */
		if (mh.msg_flags & MSG_CTRUNC) {
			VIRTNET_LOG(ERR, "vhost-user: back-end sent file descriptors with a reply");
			return -EPROTO;
		}
		got += r;
	}
	return 0;
}

/*
 * A reply that is late, short or malformed leaves the stream out of step:
 * shut the socket so every later request fails and the loss is reported.
 */
static int
vhu_broken(struct virtnet_vhu *c, uint32_t req, int err)
{
	VIRTNET_LOG(ERR, "vhost-user: no valid reply to request %u (%s); closing the connection",
		req, strerror(-err));
	shutdown(c->fd, SHUT_RDWR);
	return err;
}

/* Read the reply to @p req; a back-end reply is untrusted, so check it. */
static int
vhu_recv_reply(struct virtnet_vhu *c, uint32_t req, struct vhu_msg *m)
{
	uint64_t deadline = vhu_now_ms() + c->timeout_ms;
	int ret;

	/* One deadline for the whole reply (header and payload). */
	ret = vhu_read_full(c, m, VHU_HDR_SIZE, deadline);
	if (ret < 0)
		return vhu_broken(c, req, ret);
	if (m->request != req || !(m->flags & VHOST_USER_REPLY_MASK) ||
	    (m->flags & 0x3) != VHOST_USER_VERSION ||
	    m->size > sizeof(m->payload)) {
		VIRTNET_LOG(ERR, "vhost-user: bad reply to request %u (got %u, flags 0x%x, size %u)",
			req, m->request, m->flags, m->size);
		return vhu_broken(c, req, -EPROTO);
	}
	ret = vhu_read_full(c, &m->payload, m->size, deadline);
	return ret < 0 ? vhu_broken(c, req, ret) : 0;
}

static int
vhu_transact(struct virtnet_vhu *c, struct vhu_msg *m, const int *fds,
		int nfds, bool want_ack)
{
	uint32_t req = m->request;
	int ret;

	m->flags = VHOST_USER_VERSION;
	if (want_ack && c->reply_ack)
		m->flags |= VHOST_USER_NEED_REPLY_MASK;
	ret = vhu_send(c, m, fds, nfds);
	if (ret < 0) {
		VIRTNET_LOG(ERR, "vhost-user: sending request %u failed: %s",
			req, strerror(-ret));
		return ret;
	}
	if (!(m->flags & VHOST_USER_NEED_REPLY_MASK))
		return 0;
	ret = vhu_recv_reply(c, req, m);
	if (ret < 0)
		return ret;
	if (m->size != sizeof(uint64_t) || m->payload.u64 != 0) {
		VIRTNET_LOG(ERR, "vhost-user: back-end refused request %u", req);
		return -EIO;
	}
	return 0;
}

int
virtnet_vhu_simple(struct virtnet_vhu *c, enum virtnet_vhu_request req)
{
	struct vhu_msg m = { .request = req, .size = 0 };

	return vhu_transact(c, &m, NULL, 0, true);
}

int
virtnet_vhu_get_u64(struct virtnet_vhu *c, enum virtnet_vhu_request req,
		uint64_t *val)
{
	struct vhu_msg m = { .request = req, .flags = VHOST_USER_VERSION };
	int ret;

	ret = vhu_send(c, &m, NULL, 0);
	if (ret < 0)
		return ret;
	ret = vhu_recv_reply(c, req, &m);
	if (ret < 0)
		return ret;
	if (m.size != sizeof(uint64_t))
		return -EPROTO;
	*val = m.payload.u64;
	return 0;
}

int
virtnet_vhu_set_u64(struct virtnet_vhu *c, enum virtnet_vhu_request req,
		uint64_t val)
{
	struct vhu_msg m = { .request = req, .size = sizeof(uint64_t) };

	m.payload.u64 = val;
	return vhu_transact(c, &m, NULL, 0, true);
}

int
virtnet_vhu_set_state(struct virtnet_vhu *c, enum virtnet_vhu_request req,
		uint32_t index, uint32_t num)
{
	struct vhu_msg m = { .request = req, .size = sizeof(struct vhu_state) };
	uint64_t features;
	int ret;

	m.payload.state.index = index;
	m.payload.state.num = num;
	ret = vhu_transact(c, &m, NULL, 0, true);
	/*
	 * A ring disabled must be left before its buffers go: without
	 * REPLY_ACK, the answer to a later request says the back-end (which
	 * takes them in order) is done with this one.
	 */
	if (ret == 0 && !c->reply_ack && req == VHOST_USER_SET_VRING_ENABLE &&
	    num == 0)
		ret = virtnet_vhu_get_u64(c, VHOST_USER_GET_FEATURES, &features);
	return ret;
}

int
virtnet_vhu_get_vring_base(struct virtnet_vhu *c, uint32_t index,
		uint32_t *num)
{
	struct vhu_msg m = {
		.request = VHOST_USER_GET_VRING_BASE,
		.flags = VHOST_USER_VERSION,
		.size = sizeof(struct vhu_state),
	};
	int ret;

	m.payload.state.index = index;
	ret = vhu_send(c, &m, NULL, 0);
	if (ret < 0)
		return ret;
	ret = vhu_recv_reply(c, VHOST_USER_GET_VRING_BASE, &m);
	if (ret < 0)
		return ret;
	/* The answer for another ring leaves this one running: out of step. */
	if (m.size != sizeof(struct vhu_state) ||
	    m.payload.state.index != index)
		return vhu_broken(c, VHOST_USER_GET_VRING_BASE, -EPROTO);
	*num = m.payload.state.num;
	return 0;
}

int
virtnet_vhu_set_vring_addr(struct virtnet_vhu *c, uint32_t index,
		const struct virtnet_vhu_vring_addr *a)
{
	struct vhu_msg m = {
		.request = VHOST_USER_SET_VRING_ADDR,
		.size = sizeof(struct vhu_addr),
	};

	m.payload.addr.index = index;
	m.payload.addr.desc_user_addr = a->desc;
	m.payload.addr.used_user_addr = a->used;
	m.payload.addr.avail_user_addr = a->avail;
	return vhu_transact(c, &m, NULL, 0, true);
}

int
virtnet_vhu_set_vring_fd(struct virtnet_vhu *c, enum virtnet_vhu_request req,
		uint32_t index, int fd)
{
	struct vhu_msg m = { .request = req, .size = sizeof(uint64_t) };

	m.payload.u64 = index & 0xff;
	if (fd < 0)
		m.payload.u64 |= VHOST_USER_VRING_NOFD_MASK;
	return vhu_transact(c, &m, fd < 0 ? NULL : &fd, fd < 0 ? 0 : 1, true);
}

int
virtnet_vhu_set_mem_table(struct virtnet_vhu *c,
		const struct virtnet_vhu_mem *t, bool wait)
{
	struct vhu_msg m = { .request = VHOST_USER_SET_MEM_TABLE };
	uint32_t n = t->nregions;

	if (n == 0 || n > VIRTNET_VHU_MAX_REGIONS)
		return -EINVAL;
	m.size = offsetof(struct vhu_mem, regions) +
		n * sizeof(struct virtnet_vhu_region);
	m.payload.mem.nregions = n;
	memcpy(m.payload.mem.regions, t->region, n * sizeof(t->region[0]));
	return vhu_transact(c, &m, t->fd, (int)n, wait);
}

bool
virtnet_vhu_peer_is_self(const struct virtnet_vhu *c)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return false;
	return cr.pid == getpid();
}
