/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * The driver side of the lying back-end test (tests/test_lying.sh,
 * tests/lying_vhost.py): one virtio-user port of the plugin in this
 * process, against a back-end in another that loops every frame back and
 * lies once on cue. This program probes the port (again, if the lie made
 * the probe fail), starts it, sends numbered frames and checks every byte
 * of what comes back while the back-end lies, then stops it (the mempool
 * must be whole again), starts it, checks that traffic flows whole, and
 * closes it (mempool and fds back to where they were).
 *
 * It prints what it saw on one line, "RESULT key=value ...", for the
 * script to hold against what the scenario expects; it fails (exit 1)
 * only when it cannot run at all.
 *
 * Arguments after EAL's: --dev NAME,DEVARGS [--lie-pkts N] [--good-pkts N]
 * [--reset] (recover by rte_eth_dev_reset() rather than stop and start)
 * [--queues N] (queue pairs; devargs queues=N too)
 */

#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define LY_POOL_SIZE	2047
#define LY_RING_SIZE	256
#define LY_MAGIC	0x474e594cu	/* "LYNG" */
#define LY_HDR_LEN	(RTE_ETHER_HDR_LEN + 8)
#define LY_BURST	8

/* What the port did, for the RESULT line. */
struct ly_result {
	unsigned int probe_fail;
	unsigned int start_fail;
	unsigned int lie_sent;
	unsigned int lie_ok;
	unsigned int bad;	/* frames delivered with wrong bytes */
	uint64_t ierrors;
	uint64_t oerrors;
	uint64_t ring_faults;	/* the bad_used_* xstats */
	unsigned int inuse_stop;
	unsigned int inuse_restop;
	unsigned int inuse_close;
	unsigned int good_sent;
	unsigned int good_ok;
	unsigned int scribbled;	/* mbufs written by the device after stop */
	int fd_delta;
	bool link_back;
	bool reset_done;	/* recovered by rte_eth_dev_reset() */
};

static uint16_t ly_queues = 1;	/* queue pairs; frames go round them */
static unsigned int ly_resets;
static unsigned int ly_lsc_down;
static unsigned int ly_lsc_up;

static int
ly_event(uint16_t port, enum rte_eth_event_type type, void *arg __rte_unused,
		void *ret __rte_unused)
{
	struct rte_eth_link link;

	if (type == RTE_ETH_EVENT_INTR_RESET) {
		__atomic_fetch_add(&ly_resets, 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (rte_eth_link_get_nowait(port, &link) == 0 && link.link_status)
		__atomic_fetch_add(&ly_lsc_up, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&ly_lsc_down, 1, __ATOMIC_RELAXED);
	return 0;
}

#define LY_MAX_FDS	256

/*
 * The process's open fds and what they are, to name the ones that
 * differ; epoll fds left out.
 */
struct ly_fds {
	int n;
	int fd[LY_MAX_FDS];
	char what[LY_MAX_FDS][64];
};

static void
ly_fds_take(struct ly_fds *f)
{
	DIR *d = opendir("/proc/self/fd");
	char path[PATH_MAX];
	struct dirent *e;
	ssize_t len;

	f->n = 0;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && f->n < LY_MAX_FDS) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		f->fd[f->n] = atoi(e->d_name);
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, f->what[f->n], sizeof(f->what[0]) - 1);
		/*
		 * EAL's interrupt thread closes its epoll fd and makes a new
		 * one whenever its sources change: a look in between misses
		 * it, or finds it gone by the readlink().
		 */
		if (len < 0)
			continue;
		f->what[f->n][len] = '\0';
		if (strcmp(f->what[f->n], "anon_inode:[eventpoll]") == 0)
			continue;
		f->n++;
	}
	closedir(d);
}

static bool
ly_fds_has(const struct ly_fds *f, int fd, const char *what)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->fd[i] == fd && strcmp(f->what[i], what) == 0)
			return true;
	return false;
}

/* Print the fds only one of @p a and @p b has; @return b's count - a's. */
static int
ly_fds_diff(const struct ly_fds *a, const struct ly_fds *b)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (!ly_fds_has(b, a->fd[i], a->what[i]))
			printf("fd %d (%s) gone\n", a->fd[i], a->what[i]);
	for (i = 0; i < b->n; i++)
		if (!ly_fds_has(a, b->fd[i], b->what[i]))
			printf("fd %d (%s) new\n", b->fd[i], b->what[i]);
	return b->n - a->n;
}

static void
ly_sleep_ms(unsigned int ms)
{
	rte_delay_us_sleep(ms * 1000);
}

/* Frame @p seq: its length and every byte follow from the number. */
static uint16_t
ly_frame_len(uint32_t seq)
{
	return (uint16_t)(60 + (seq % 7) * 211);
}

static uint8_t
ly_frame_byte(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 7 + i);
}

static struct rte_mbuf *
ly_frame(struct rte_mempool *mp, uint32_t seq)
{
	uint16_t len = ly_frame_len(seq), i;
	struct rte_ether_hdr *eh;
	struct rte_mbuf *m;
	uint8_t *p;

	m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	eh = (struct rte_ether_hdr *)p;
	memset(&eh->dst_addr, 0x02, sizeof(eh->dst_addr));
	memset(&eh->src_addr, 0x04, sizeof(eh->src_addr));
	eh->ether_type = rte_cpu_to_be_16(0x88b5);
	memcpy(p + RTE_ETHER_HDR_LEN, &(uint32_t){ LY_MAGIC }, 4);
	memcpy(p + RTE_ETHER_HDR_LEN + 4, &seq, 4);
	for (i = LY_HDR_LEN; i < len; i++)
		p[i] = ly_frame_byte(seq, i);
	return m;
}

/* Whether @p m is a frame of ours, whole; its number in @p seq. */
static bool
ly_frame_ok(const struct rte_mbuf *m, uint32_t *seq)
{
	uint8_t buf[RTE_ETHER_MAX_LEN];
	const uint8_t *p;
	uint32_t magic, i;

	if (m->pkt_len < LY_HDR_LEN || m->pkt_len > sizeof(buf))
		return false;
	p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	if (p == NULL)
		return false;
	memcpy(&magic, p + RTE_ETHER_HDR_LEN, 4);
	memcpy(seq, p + RTE_ETHER_HDR_LEN + 4, 4);
	if (magic != LY_MAGIC || m->pkt_len != ly_frame_len(*seq))
		return false;
	for (i = LY_HDR_LEN; i < m->pkt_len; i++)
		if (p[i] != ly_frame_byte(*seq, i))
			return false;
	return true;
}

/* Receive for up to @p ms; frames whole and new go to @p seen. */
static unsigned int
ly_receive(uint16_t port, unsigned int ms, unsigned int want, uint8_t *seen,
		unsigned int nseen, struct ly_result *r)
{
	uint64_t end = rte_get_timer_cycles() + ms * rte_get_timer_hz() / 1000;
	struct rte_mbuf *pkts[LY_BURST];
	unsigned int got = 0, polls = 0;
	uint16_t n, i;
	uint32_t seq;

	while (got < want && rte_get_timer_cycles() < end) {
		n = rte_eth_rx_burst(port, polls++ % ly_queues, pkts, LY_BURST);
		for (i = 0; i < n; i++) {
			if (!ly_frame_ok(pkts[i], &seq) || seq >= nseen ||
			    seen[seq]) {
				r->bad++;
				printf("bad frame: %u bytes\n", pkts[i]->pkt_len);
			} else {
				seen[seq] = 1;
				got++;
			}
			rte_pktmbuf_free(pkts[i]);
		}
		if (n == 0)
			rte_delay_us_block(100);
	}
	return got;
}

static bool
ly_wait_link(uint16_t port, unsigned int ms)
{
	struct rte_eth_link link;
	unsigned int t;

	for (t = 0; t < ms; t += 10) {
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return true;
		ly_sleep_ms(10);
	}
	return false;
}

/*
 * After a stop: every mbuf the pool has, filled with a pattern, looked at
 * again a moment later. A device not stopped may still write into
 * buffers the driver gave back (audit F4).
 * @return mbufs whose bytes changed.
 */
static unsigned int
ly_pool_probe(struct rte_mempool *mp)
{
	static struct rte_mbuf *m[LY_POOL_SIZE];
	unsigned int n = 0, i, bad = 0;
	const uint8_t *p;
	uint16_t k;

	while (n < LY_POOL_SIZE && (m[n] = rte_pktmbuf_alloc(mp)) != NULL)
		n++;
	for (i = 0; i < n; i++)
		memset(m[i]->buf_addr, 0xa5, m[i]->buf_len);
	ly_sleep_ms(300);
	for (i = 0; i < n; i++) {
		p = m[i]->buf_addr;
		for (k = 0; k < m[i]->buf_len && p[k] == 0xa5; k++)
			;
		bad += k < m[i]->buf_len;
	}
	rte_pktmbuf_free_bulk(m, n);
	return bad;
}

/* Start, again while the back-end that lied is on its way back. */
static int
ly_start(uint16_t port, struct ly_result *r)
{
	int tries, ret = -1;

	for (tries = 0; tries < 15; tries++) {
		ret = rte_eth_dev_start(port);
		if (ret == 0)
			break;
		r->start_fail++;
		printf("dev_start failed: %s\n", rte_strerror(-ret));
		ly_sleep_ms(1000);
	}
	return ret;
}

static int
ly_probe(const char *name, const char *args, struct ly_result *r,
		uint16_t *port)
{
	int tries;

	for (tries = 0; tries < 6; tries++) {
		if (rte_vdev_init(name, args) == 0)
			return rte_eth_dev_get_port_by_name(name, port);
		r->probe_fail++;
		printf("probe failed; again in 1 s\n");
		ly_sleep_ms(1000);
	}
	return -1;
}

static int
ly_configure(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf = { .intr_conf = { .lsc = 1 } };
	struct rte_eth_dev_info info;
	uint16_t q;
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret < 0)
		return ret;
	/* Offloads that make the driver read the Rx header's fields. */
	conf.rxmode.offloads = info.rx_offload_capa &
		(RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_LRO);
	ret = rte_eth_dev_configure(port, ly_queues, ly_queues, &conf);
	for (q = 0; ret == 0 && q < ly_queues; q++) {
		ret = rte_eth_rx_queue_setup(port, q, LY_RING_SIZE, 0, NULL,
			mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, LY_RING_SIZE, 0,
				NULL);
	}
	return ret;
}

static int
ly_watch(uint16_t port)
{
	int ret;

	ret = rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_RESET,
		ly_event, NULL);
	if (ret == 0)
		ret = rte_eth_dev_callback_register(port,
			RTE_ETH_EVENT_INTR_LSC, ly_event, NULL);
	return ret;
}

/*
 * Send frames 0..n-1 in bursts of @p burst, the bursts round the queues,
 * each burst's echo awaited up to @p wait_ms.
 * @return frames that came back whole.
 */
static unsigned int
ly_traffic(uint16_t port, struct rte_mempool *mp, unsigned int n,
		unsigned int burst, unsigned int wait_ms, struct ly_result *r,
		unsigned int *sent)
{
	uint8_t *seen = calloc(n, 1);
	struct rte_mbuf *pkts[LY_BURST];
	unsigned int i, k, ok = 0;
	uint16_t tx;

	if (seen == NULL)
		return 0;
	for (i = 0; i < n; i += k) {
		for (k = 0; k < burst && i + k < n; k++) {
			pkts[k] = ly_frame(mp, i + k);
			if (pkts[k] == NULL)
				break;
		}
		if (k == 0)
			break;
		tx = rte_eth_tx_burst(port, (i / burst) % ly_queues, pkts,
			(uint16_t)k);
		rte_pktmbuf_free_bulk(&pkts[tx], k - tx);
		*sent += tx;
		ok += ly_receive(port, wait_ms, tx, seen, n, r);
	}
	/* Late echoes. */
	ok += ly_receive(port, 100, n - ok, seen, n, r);
	free(seen);
	return ok;
}

static void
ly_counters(uint16_t port, struct ly_result *r)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *xs = NULL;
	struct rte_eth_stats st;
	int n, i;

	if (rte_eth_stats_get(port, &st) == 0) {
		r->ierrors = st.ierrors;
		r->oerrors = st.oerrors;
	}
	n = rte_eth_xstats_get_names(port, NULL, 0);
	if (n <= 0)
		return;
	names = calloc(n, sizeof(*names));
	xs = calloc(n, sizeof(*xs));
	if (names != NULL && xs != NULL &&
	    rte_eth_xstats_get_names(port, names, n) == n &&
	    rte_eth_xstats_get(port, xs, n) == n)
		for (i = 0; i < n; i++)
			if (strstr(names[i].name, "bad_used_") != NULL)
				r->ring_faults += xs[i].value;
	free(names);
	free(xs);
}

static void
ly_print(const struct ly_result *r)
{
	printf("RESULT probe_fail=%u start_fail=%u lie_sent=%u lie_ok=%u bad=%u ierrors=%" PRIu64
		" oerrors=%" PRIu64 " ring_faults=%" PRIu64 " resets=%u lsc_down=%u lsc_up=%u"
		" link_back=%d reset_done=%d inuse_stop=%u inuse_restop=%u inuse_close=%u good_sent=%u good_ok=%u scribbled=%u fd_delta=%d\n",
		r->probe_fail, r->start_fail, r->lie_sent, r->lie_ok, r->bad,
		r->ierrors, r->oerrors, r->ring_faults,
		__atomic_load_n(&ly_resets, __ATOMIC_RELAXED),
		__atomic_load_n(&ly_lsc_down, __ATOMIC_RELAXED),
		__atomic_load_n(&ly_lsc_up, __ATOMIC_RELAXED), r->link_back,
		r->reset_done,
		r->inuse_stop, r->inuse_restop, r->inuse_close, r->good_sent,
		r->good_ok, r->scribbled, r->fd_delta);
	fflush(stdout);
}

/*
 * Lie phase, counters, stop (the pool whole), start, honest traffic.
 * With @p use_reset, a port that raised INTR_RESET is brought back as an
 * application would: rte_eth_dev_reset(), configure, start.
 */
static int
ly_run(uint16_t port, struct rte_mempool *mp, unsigned int lie_pkts,
		unsigned int good_pkts, bool use_reset, struct ly_result *r)
{
	if (ly_configure(port, mp) < 0 || ly_watch(port) < 0 ||
	    ly_start(port, r) < 0)
		return -1;
	ly_wait_link(port, 10000);
	/* One frame at a time: the lie hits one known frame. */
	r->lie_ok = ly_traffic(port, mp, lie_pkts, 1, 50, r,
		&r->lie_sent);
	/* The event comes from the interrupt thread; a lost link, back. */
	ly_sleep_ms(500);
	r->link_back = ly_wait_link(port, 5000);
	ly_counters(port, r);
	if (use_reset && __atomic_load_n(&ly_resets, __ATOMIC_RELAXED) > 0) {
		if (rte_eth_dev_reset(port) < 0 || ly_configure(port, mp) < 0)
			return -1;
		r->reset_done = true;
	} else {
		rte_eth_dev_stop(port);
	}
	r->inuse_stop = rte_mempool_in_use_count(mp);
	r->scribbled = ly_pool_probe(mp);
	if (ly_start(port, r) < 0)
		return -1;
	ly_wait_link(port, 10000);
	r->good_ok = ly_traffic(port, mp, good_pkts, LY_BURST, 500, r,
		&r->good_sent);
	rte_eth_dev_stop(port);
	r->inuse_restop = rte_mempool_in_use_count(mp);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "lie-pkts", required_argument, NULL, 'l' },
		{ "good-pkts", required_argument, NULL, 'g' },
		{ "reset", no_argument, NULL, 'r' },
		{ "queues", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int lie_pkts = 24, good_pkts = 64;
	struct ly_result r = { 0 };
	bool use_reset = false;
	char *dev = NULL, *args;
	struct rte_mempool *mp;
	static struct ly_fds fds_before, fds_after;
	int ret, opt;
	uint16_t port;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 1;
	argc -= ret;
	argv += ret;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'd')
			dev = strdup(optarg);
		else if (opt == 'l')
			lie_pkts = (unsigned int)atoi(optarg);
		else if (opt == 'g')
			good_pkts = (unsigned int)atoi(optarg);
		else if (opt == 'r')
			use_reset = true;
		else if (opt == 'q')
			ly_queues = (uint16_t)RTE_MAX(atoi(optarg), 1);
		else
			return 1;
	}
	if (dev == NULL || (args = strchr(dev, ',')) == NULL) {
		fprintf(stderr, "usage: %s EAL... -- --dev NAME,DEVARGS\n",
			argv[0]);
		return 1;
	}
	*args++ = '\0';
	/* No cache: the in-use count is exact at any time. */
	mp = rte_pktmbuf_pool_create("lying", LY_POOL_SIZE, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (mp == NULL)
		return 1;
	ly_fds_take(&fds_before);
	if (ly_probe(dev, args, &r, &port) < 0) {
		ly_print(&r);
		return 1;
	}
	ret = ly_run(port, mp, lie_pkts, good_pkts, use_reset, &r);
	rte_eth_dev_close(port);
	r.inuse_close = rte_mempool_in_use_count(mp);
	ly_fds_take(&fds_after);
	r.fd_delta = ly_fds_diff(&fds_before, &fds_after);
	ly_print(&r);
	rte_mempool_free(mp);
	free(dev);
	ret = ret < 0 ? 1 : 0;
	/* Whatever ends the process after this line is not this program. */
	printf("END exit %d\n", ret);
	fflush(stdout);
	rte_eal_cleanup();
	return ret;
}
