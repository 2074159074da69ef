/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * libFuzzer target: the vhost-user client's reply parsing
 * (virtnet_vhost_user.c). The input is a list of requests, each with the
 * bytes the back-end answers (header, payload, anything), some of them
 * sent with file descriptors attached. The back-end's end of a socketpair
 * holds all the answers and is then shut for writing, so a reply that
 * ends short reads as a closed connection at once rather than after the
 * 5 s timeout. The driver must never read past a message, and no
 * descriptor may be left open after the input.
 */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_log.h>

#include "virtnet_vhost_user.h"
#include "fuzz_common.h"

#define MAX_CALLS	32
#define MAX_REPLY	512

static int null_fd;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	if (getenv("VIRTNET_FUZZ_LOG") == NULL)
		rte_log_set_global_level(RTE_LOG_EMERG);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	FZ_ASSERT(null_fd >= 0, "no /dev/null");
	return 0;
}

/*
 * Which of the 8 descriptors from the lowest free one are open: any new
 * descriptor of this input takes the lowest free numbers.
 */
static uint32_t
fds_open(int *from)
{
	uint32_t set = 0;
	int fd;

	if (*from < 0) {
		*from = dup(null_fd);
		close(*from);
	}
	for (fd = 0; fd < 8; fd++)
		if (fcntl(*from + fd, F_GETFD) >= 0)
			set |= 1u << fd;
	return set;
}

/* The back-end's bytes of one reply, with two descriptors or none. */
static void
backend_send(int fd, const uint8_t *p, size_t n, bool with_fds)
{
	char control[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { .iov_base = (void *)(uintptr_t)p, .iov_len = n };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	int fds[2] = { null_fd, null_fd };

	if (n == 0)
		return;
	if (with_fds) {
		memset(control, 0, sizeof(control));
		mh.msg_control = control;
		mh.msg_controllen = sizeof(control);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_len = CMSG_LEN(sizeof(fds));
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	}
	FZ_ASSERT(sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)n,
		"socketpair full");
}

/* One request of the client's API, chosen by @p op. */
static void
call(struct virtnet_vhu *c, struct fz *f, uint8_t op)
{
	struct virtnet_vhu_mem mt = { .nregions = fz_u8(f) % 10 };
	struct virtnet_vhu_vring_addr a = { 0 };
	uint32_t req = fz_u8(f), num;
	uint64_t v;
	unsigned int i;

	for (i = 0; i < RTE_DIM(mt.fd); i++)
		mt.fd[i] = null_fd;
	switch ((op & 0x3f) % 9) {	/* 0x40: fds sent, 0x80: a flag */
	case 0:
		virtnet_vhu_get_u64(c, req, &v);
		break;
	case 1:
		virtnet_vhu_set_u64(c, req, fz_u32(f));
		break;
	case 2:
		virtnet_vhu_simple(c, req);
		break;
	case 3:
		num = fz_u8(f);
		virtnet_vhu_set_state(c, req, num, fz_u16(f));
		break;
	case 4:
		virtnet_vhu_get_vring_base(c, fz_u8(f), &num);
		break;
	case 5:
		virtnet_vhu_set_vring_addr(c, fz_u8(f), &a);
		break;
	case 6:
		virtnet_vhu_set_vring_fd(c, req, fz_u8(f),
			op & 0x80 ? null_fd : -1);
		break;
	case 7:
		virtnet_vhu_set_mem_table(c, &mt, op & 0x80);
		break;
	default:
		virtnet_vhu_drain(c);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtnet_vhu c;
	struct fz f = { data, size };
	uint8_t ops[MAX_CALLS];
	unsigned int n, i;
	uint16_t len;
	int sv[2], from = -1;
	uint32_t open_before = fds_open(&from);

	FZ_ASSERT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
		"no socketpair");
	memset(&c, 0, sizeof(c));
	c.fd = sv[0];
	c.reply_ack = fz_u8(&f) & 1;
	c.timeout_ms = 5000;
	n = fz_u8(&f) % MAX_CALLS;
	/* The back-end's side first: every reply, then the end. */
	for (i = 0; i < n; i++) {
		ops[i] = fz_u8(&f);
		len = RTE_MIN(fz_u16(&f) % MAX_REPLY, (uint16_t)f.n);
		backend_send(sv[1], f.p, len, ops[i] & 0x40);
		f.p += len;
		f.n -= len;
	}
	shutdown(sv[1], SHUT_WR);
	for (i = 0; i < n; i++)
		call(&c, &f, ops[i]);
	virtnet_vhu_peer_is_self(&c);
	virtnet_vhu_close(&c);
	FZ_ASSERT(c.fd == -1, "fd %d after close", c.fd);
	close(sv[1]);
	/* Descriptors the back-end sent must not stay open in this process. */
	FZ_ASSERT(fds_open(&from) == open_before,
		"descriptors %d-%d open: 0x%x before, 0x%x after", from,
		from + 7, open_before, fds_open(&from));
	return 0;
}
