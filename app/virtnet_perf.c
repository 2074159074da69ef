/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * virtnet-perf: what virtnet and DPDK's net_virtio cost per packet, side
 * by side, in one thread. Each driver has a virtio-user port against its
 * own in-process net_vhost port (DPDK's vhost library as the device), and
 * the two run in lock step: driver burst, device burst, driver burst.
 * Only the driver's calls are timed (TSC, the timer's own cost taken
 * off), so nothing concurrent enters the figures; the device's cost per
 * packet is kept too, since a driver is judged by what it makes the
 * device do. Rounds alternate the drivers; the table has medians and the
 * spread (max - min over the median) of the rounds.
 *
 * Directions: tx (driver tx_burst, device dequeues), rx (device
 * enqueues, driver rx_burst), fwd (device enqueues, driver rx_burst then
 * tx_burst of what it got, device dequeues: what testpmd's io forwarding
 * costs). Sizes: 64 and 1518 byte frames in one mbuf, and "chain": 1518
 * bytes in three mbufs on Tx, and Rx buffers of 512 bytes (mergeable
 * paths chain them; non-mergeable ones take big-packet buffers or drop).
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_vect.h>
#include <rte_version.h>

#include "perf_version.h"

#define BURST		32
#define MAX_ROUNDS	64
#define MAX_PATHS	32
#define CHAIN_SEGS	3
#define CHAIN_ROOM	(512 + RTE_PKTMBUF_HEADROOM)

enum dir { DIR_TX, DIR_RX, DIR_FWD, DIR_MAX };
enum drv { DRV_VIRTNET, DRV_VIRTIO, DRV_MAX };

static const char *const dir_name[DIR_MAX] = { "tx", "rx", "fwd" };
static const char *const drv_vdev[DRV_MAX] = {
	"net_virtnet_user", "net_virtio_user"
};
static const char *const drv_short[DRV_MAX] = { "virtnet", "virtio" };

struct size_case {
	const char *name;
	uint16_t len;
	uint16_t segs;		/* Tx mbufs per frame */
	uint16_t room;		/* Rx mbuf data room */
};

static const struct size_case sizes[] = {
	{ "64", 64, 1, RTE_MBUF_DEFAULT_BUF_SIZE },
	{ "1518", 1518, 1, RTE_MBUF_DEFAULT_BUF_SIZE },
	{ "chain", 1518, CHAIN_SEGS, CHAIN_ROOM },
};
#define NB_SIZES RTE_DIM(sizes)

/* The DTS virtio paths: eight scalar, then the vectorized ones. */
static const char *const dts_paths[] = {
	"packed_vq=0,in_order=0,mrg_rxbuf=0",
	"packed_vq=0,in_order=0,mrg_rxbuf=1",
	"packed_vq=0,in_order=1,mrg_rxbuf=0",
	"packed_vq=0,in_order=1,mrg_rxbuf=1",
	"packed_vq=1,in_order=0,mrg_rxbuf=0",
	"packed_vq=1,in_order=0,mrg_rxbuf=1",
	"packed_vq=1,in_order=1,mrg_rxbuf=0",
	"packed_vq=1,in_order=1,mrg_rxbuf=1",
	"packed_vq=0,in_order=0,mrg_rxbuf=0,vectorized=1",
	"packed_vq=1,in_order=1,mrg_rxbuf=0,vectorized=1",
};

/* One driver's port against its device port. */
struct pair {
	uint16_t drv;
	uint16_t dev;
	struct rte_mempool *mp;
	char sock[96];
	bool up;
};

/* Cycles and packets of one side in one measurement. */
struct side {
	uint64_t cycles;
	uint64_t pkts;
};

/* One round's figures of one driver in one direction. */
struct sample {
	double drv_cpp;
	double dev_cpp;
	bool valid;		/* nothing lost or damaged */
	bool full;		/* and nearly every burst was full */
};

struct opts {
	unsigned int rounds;
	unsigned int bursts;
	uint16_t ring;
	const char *paths[MAX_PATHS];
	unsigned int nb_paths;
	bool size_on[NB_SIZES];
	const char *csv;
	const char *png;
	const char *run_dir;
	int only;		/* -1, or the one driver to run */
};

static struct opts opt = {
	.rounds = 7,
	.bursts = 20000,
	.ring = 1024,
	.run_dir = "/var/run/virtnet",
	.only = -1,
};

/* Packets through the driver's calls per direction, warm-up included. */
static uint64_t drv_pkts[DIR_MAX];

/* Cost of one rte_rdtsc_precise() pair, taken off every timed call. */
static uint64_t tsc_overhead;
static unsigned int vdev_seq;

static int
calibrate_tsc(void)
{
	uint64_t best = UINT64_MAX, t0, t1;
	int i;

	for (i = 0; i < 100000; i++) {
		t0 = rte_rdtsc_precise();
		t1 = rte_rdtsc_precise();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	tsc_overhead = best;
	return 0;
}

/* Scatter Rx and multi-segment Tx where offered (the chain case). */
static int
port_up(uint16_t port, struct rte_mempool *mp, uint16_t ring)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_info_get(port, &info) != 0)
		return -1;
	conf.rxmode.offloads = info.rx_offload_capa &
		RTE_ETH_RX_OFFLOAD_SCATTER;
	conf.txmode.offloads = info.tx_offload_capa &
		RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, ring, 0, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, ring, 0, NULL) != 0 ||
	    rte_eth_dev_start(port) != 0)
		return -1;
	return 0;
}

static void
pair_down(struct pair *p)
{
	char name[RTE_ETH_NAME_MAX_LEN];

	if (p->up) {
		rte_eth_dev_get_name_by_port(p->drv, name);
		rte_eth_dev_stop(p->drv);
		rte_eth_dev_close(p->drv);
		rte_vdev_uninit(name);
		rte_eth_dev_get_name_by_port(p->dev, name);
		rte_eth_dev_stop(p->dev);
		rte_eth_dev_close(p->dev);
		rte_vdev_uninit(name);
	}
	p->up = false;
	unlink(p->sock);
	rte_mempool_free(p->mp);
	p->mp = NULL;
}

/* Make the vhost port, then the driver's port on its socket. */
static int
pair_up(struct pair *p, enum drv d, const char *devargs,
		const struct size_case *sz)
{
	char name[64], args[512];
	unsigned int seq = vdev_seq++;

	memset(p, 0, sizeof(*p));
	snprintf(p->sock, sizeof(p->sock), "%s/perf-%d-%u.sock", opt.run_dir,
		(int)getpid(), seq);
	snprintf(name, sizeof(name), "perf_pool%u", seq);
	p->mp = rte_pktmbuf_pool_create(name, 4 * opt.ring * CHAIN_SEGS +
		4 * BURST * CHAIN_SEGS, 256, 0, sz->room, rte_socket_id());
	if (p->mp == NULL)
		return -ENOMEM;
	snprintf(name, sizeof(name), "net_vhost_perf%u", seq);
	snprintf(args, sizeof(args), "iface=%s,queues=1", p->sock);
	if (rte_vdev_init(name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(name, &p->dev) != 0 ||
	    port_up(p->dev, p->mp, opt.ring) != 0)
		goto fail;
	snprintf(name, sizeof(name), "%s%u", drv_vdev[d], seq);
	snprintf(args, sizeof(args), "path=%s,queue_size=%u,%s", p->sock,
		opt.ring, devargs);
	if (rte_vdev_init(name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(name, &p->drv) != 0 ||
	    port_up(p->drv, p->mp, opt.ring) != 0)
		goto fail;
	p->up = true;
	return 0;
fail:
	fprintf(stderr, "virtnet-perf: %s with %s cannot be set up\n",
		drv_vdev[d], devargs);
	p->up = true;
	pair_down(p);
	p->up = false;
	return -EIO;
}

/* A burst of frames of @p sz, each in sz->segs mbufs. */
static unsigned int
make_burst(struct rte_mempool *mp, const struct size_case *sz,
		struct rte_mbuf **m)
{
	uint16_t seg_len = sz->len / sz->segs;
	struct rte_mbuf *s;
	unsigned int i, k;
	uint16_t len;
	char *d;

	if (rte_pktmbuf_alloc_bulk(mp, m, BURST) != 0)
		return 0;
	for (i = 0; i < BURST; i++) {
		d = rte_pktmbuf_append(m[i], sz->len - seg_len * (sz->segs - 1));
		if (d == NULL) {
			rte_pktmbuf_free_bulk(m, BURST);
			return 0;
		}
		memset(d, 0xff, 6);		/* broadcast: every filter passes */
		memset(d + 6, 0x02, 6);
		d[12] = 0x08;
		d[13] = 0x00;
		for (k = 1; k < sz->segs; k++) {
			s = rte_pktmbuf_alloc(mp);
			len = seg_len;
			if (s == NULL || rte_pktmbuf_append(s, len) == NULL ||
			    rte_pktmbuf_chain(m[i], s) != 0) {
				rte_pktmbuf_free(s);
				rte_pktmbuf_free_bulk(m, BURST);
				return 0;
			}
		}
	}
	return BURST;
}

/* Both sides of one measurement: timed cycles and what went through. */
struct meas {
	struct side drv;
	struct side dev;
	uint64_t in;		/* packets handed to the receiving side */
	uint64_t out;		/* packets it delivered */
	uint64_t bad;		/* delivered with the wrong length */
};

/*
 * The driver's calls, out of line so that callgrind can count their
 * instructions alone (devtools/perf-icount.sh); the device's are inline.
 */
static __rte_noinline uint16_t
drv_tx(uint16_t port, struct rte_mbuf **m, uint16_t n)
{
	return rte_eth_tx_burst(port, 0, m, n);
}

static __rte_noinline uint16_t
drv_rx(uint16_t port, struct rte_mbuf **m)
{
	return rte_eth_rx_burst(port, 0, m, BURST);
}

static __rte_noinline uint16_t
drv_fwd(uint16_t port, struct rte_mbuf **m, uint16_t *sent)
{
	uint16_t n = rte_eth_rx_burst(port, 0, m, BURST);

	*sent = rte_eth_tx_burst(port, 0, m, n);
	return n;
}

static inline uint16_t
timed_tx(uint16_t port, struct rte_mbuf **m, uint16_t n, struct side *s,
		bool drv)
{
	uint64_t t0 = rte_rdtsc_precise();
	uint16_t k = drv ? drv_tx(port, m, n) : rte_eth_tx_burst(port, 0, m, n);

	s->cycles += rte_rdtsc_precise() - t0 - tsc_overhead;
	s->pkts += k;
	if (k < n)
		rte_pktmbuf_free_bulk(m + k, n - k);
	return k;
}

static inline uint16_t
timed_rx(uint16_t port, struct rte_mbuf **m, struct side *s, bool drv)
{
	uint64_t t0 = rte_rdtsc_precise();
	uint16_t k = drv ? drv_rx(port, m) : rte_eth_rx_burst(port, 0, m, BURST);

	s->cycles += rte_rdtsc_precise() - t0 - tsc_overhead;
	s->pkts += k;
	return k;
}

/* Count what arrived, check its length (untimed), free it. */
static void
take(struct meas *x, const struct size_case *sz, struct rte_mbuf **m,
		uint16_t n)
{
	uint16_t i;

	x->out += n;
	for (i = 0; i < n; i++)
		x->bad += m[i]->pkt_len != sz->len;
	rte_pktmbuf_free_bulk(m, n);
}

/* Driver sends, device takes. */
static void
step_tx(struct pair *p, const struct size_case *sz, struct meas *x)
{
	struct rte_mbuf *m[BURST];
	uint16_t n;

	n = timed_tx(p->drv, m, make_burst(p->mp, sz, m), &x->drv, true);
	x->in += n;
	take(x, sz, m, timed_rx(p->dev, m, &x->dev, false));
}

/* Device sends, driver takes. */
static void
step_rx(struct pair *p, const struct size_case *sz, struct meas *x)
{
	struct rte_mbuf *m[BURST];

	x->in += timed_tx(p->dev, m, make_burst(p->mp, sz, m), &x->dev, false);
	take(x, sz, m, timed_rx(p->drv, m, &x->drv, true));
}

/* Device sends, driver receives and sends back, device takes. */
static void
step_fwd(struct pair *p, const struct size_case *sz, struct meas *x)
{
	struct rte_mbuf *m[BURST];
	uint64_t t0;
	uint16_t n, k;

	x->in += timed_tx(p->dev, m, make_burst(p->mp, sz, m), &x->dev, false);
	t0 = rte_rdtsc_precise();
	n = drv_fwd(p->drv, m, &k);
	x->drv.cycles += rte_rdtsc_precise() - t0 - tsc_overhead;
	x->drv.pkts += n;
	if (k < n)
		rte_pktmbuf_free_bulk(m + k, n - k);
	take(x, sz, m, rte_eth_rx_burst(p->dev, 0, m, BURST));
}

/* Whatever is still in flight, taken out of both ends. */
static void
drain(struct pair *p, const struct size_case *sz, struct meas *x)
{
	struct rte_mbuf *m[BURST];
	uint16_t n, idle = 0;

	while (idle < 8) {
		n = rte_eth_rx_burst(p->dev, 0, m, BURST);
		n += rte_eth_rx_burst(p->drv, 0, m + n, BURST - n);
		if (n == 0)
			idle++;
		take(x, sz, m, n);
	}
}

/*
 * Cycles per packet of a side over a measurement: the median of its
 * chunks. A chunk is short (well under a millisecond), so the few that
 * another process's time slice or an interrupt lands in are outliers the
 * median drops; a mean over the whole would carry them.
 */
#define CHUNKS		25

struct chunks {
	double drv[CHUNKS];
	double dev[CHUNKS];
	unsigned int n;
	struct meas last;	/* the totals at the end of the last chunk */
};

static void
chunk_end(struct chunks *c, const struct meas *x)
{
	uint64_t dp = x->drv.pkts - c->last.drv.pkts;
	uint64_t vp = x->dev.pkts - c->last.dev.pkts;

	if (c->n < CHUNKS && dp > 0 && vp > 0) {
		c->drv[c->n] = (double)(x->drv.cycles - c->last.drv.cycles) / dp;
		c->dev[c->n] = (double)(x->dev.cycles - c->last.dev.cycles) / vp;
		c->n++;
	}
	c->last = *x;
}

static double median(double *v, unsigned int n);

static struct sample
measure(struct pair *p, const struct size_case *sz, enum dir d,
		unsigned int bursts)
{
	unsigned int per = RTE_MAX(bursts / CHUNKS, 1u);
	struct sample s = { 0 };
	struct chunks c;
	struct meas x;
	unsigned int i;

	memset(&x, 0, sizeof(x));
	memset(&c, 0, sizeof(c));
	for (i = 0; i < bursts; i++) {
		if (d == DIR_TX)
			step_tx(p, sz, &x);
		else if (d == DIR_RX)
			step_rx(p, sz, &x);
		else
			step_fwd(p, sz, &x);
		if ((i + 1) % per == 0)
			chunk_end(&c, &x);
	}
	drain(p, sz, &x);
	drv_pkts[d] += x.drv.pkts;
	/* A loss or a wrong length: the figure says nothing. */
	s.valid = x.drv.pkts > 0 && x.out == x.in && x.bad == 0 && c.n > 0;
	/* Fewer per burst (a ring the driver refills too little): marked. */
	s.full = x.in >= (uint64_t)bursts * BURST * 9 / 10;
	if (c.n > 0) {
		s.drv_cpp = median(c.drv, c.n);
		s.dev_cpp = median(c.dev, c.n);
	}
	return s;
}

/* ---- rounds and figures ---- */

struct cell {
	double med;
	double lo;
	double hi;
	double dev;		/* the device's median cycles/packet */
	bool valid;
	bool full;
};

struct result {
	const char *path;
	const struct size_case *sz;
	struct cell c[DIR_MAX][DRV_MAX];
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
summarize(const struct sample *s, unsigned int n, struct cell *c)
{
	double v[MAX_ROUNDS], w[MAX_ROUNDS];
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->valid = true;
	c->full = true;
	for (i = 0; i < n; i++) {
		c->valid &= s[i].valid;
		c->full &= s[i].full;
		v[i] = s[i].drv_cpp;
		w[i] = s[i].dev_cpp;
	}
	c->med = median(v, n);	/* sorts v */
	c->lo = v[0];
	c->hi = v[n - 1];
	c->dev = median(w, n);
}

/* Both drivers on one path and size, rounds alternating who goes first. */
static void
run_case(const char *path, const struct size_case *sz, struct result *res)
{
	static struct sample s[DIR_MAX][DRV_MAX][MAX_ROUNDS];
	struct pair p[DRV_MAX];
	unsigned int r, j, d, k;

	memset(s, 0, sizeof(s));
	memset(p, 0, sizeof(p));
	for (k = 0; k < DRV_MAX; k++)	/* a refusal shows as '-' */
		if (opt.only < 0 || opt.only == (int)k)
			pair_up(&p[k], k, path, sz);
	rte_delay_ms(100);
	for (k = 0; k < DRV_MAX; k++)		/* warm-up, not counted */
		for (d = 0; d < DIR_MAX && p[k].up; d++)
			measure(&p[k], sz, d, opt.bursts / 4);
	for (r = 0; r < opt.rounds; r++)
		for (j = 0; j < DRV_MAX; j++) {
			k = (r + j) % DRV_MAX;
			for (d = 0; d < DIR_MAX && p[k].up; d++)
				s[d][k][r] = measure(&p[k], sz, d,
					opt.bursts);
		}
	res->path = path;
	res->sz = sz;
	for (d = 0; d < DIR_MAX; d++)
		for (k = 0; k < DRV_MAX; k++)
			summarize(s[d][k], opt.rounds, &res->c[d][k]);
	for (k = 0; k < DRV_MAX; k++)
		pair_down(&p[k]);
}

/* ---- output ---- */

static void
cpu_model(char *buf, size_t len)
{
	char line[256], *v;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown CPU");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		v = strchr(line, ':');
		if (v != NULL) {
			snprintf(buf, len, "%s", v + 2);
			buf[strcspn(buf, "\n")] = '\0';
		}
		break;
	}
	fclose(f);
}

/* The run's identity: commit, DPDK, CPU, date, then the settings. */
static void
header_lines(char *l1, char *l2, size_t len)
{
	char cpu[128], date[32];
	time_t now = time(NULL);

	cpu_model(cpu, sizeof(cpu));
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	snprintf(l1, len, "virtnet-perf %s | %s | %s | %s",
		VIRTNET_PERF_COMMIT, rte_version(), cpu, date);
	snprintf(l2, len, "%u rounds x %u bursts of %u, ring %u, max SIMD %u bits, TSC %.2f GHz, timer cost %" PRIu64 " cycles taken off",
		opt.rounds, opt.bursts, BURST, opt.ring,
		rte_vect_get_max_simd_bitwidth(), rte_get_tsc_hz() / 1e9,
		tsc_overhead);
}

static void
header(FILE *f, const char *lead)
{
	char l1[256], l2[256];

	header_lines(l1, l2, sizeof(l1));
	fprintf(f, "%s%s\n%s%s\n", lead, l1, lead, l2);
}

static double
ratio(const struct cell *c)
{
	if (!c[DRV_VIRTNET].valid || !c[DRV_VIRTIO].valid ||
	    c[DRV_VIRTIO].med <= 0)
		return 0;
	return c[DRV_VIRTNET].med / c[DRV_VIRTIO].med;
}

static void
print_cell(const struct cell *c)
{
	double spread = c->med > 0 ? 100 * (c->hi - c->lo) / c->med : 0;

	if (!c->valid)
		printf(" %6s %4s", "-", "");
	else
		printf(" %6.1f%c%3.0f%%", c->med, c->full ? ' ' : '*',
			spread);
}

static void
print_table(const struct result *res, unsigned int n)
{
	const struct result *x;
	unsigned int i, d;

	header(stdout, "");
	printf("driver cycles/packet, median of the rounds and spread (max-min)/median; ratio = virtnet/virtio;\n'-' = packets lost or the port refused the setting; '*' = under 90%% of the offered frames per burst went through\n");
	printf("%-48s %-5s", "path", "size");
	for (d = 0; d < DIR_MAX; d++)
		printf(" | %-3s %-11s %-11s %5s", dir_name[d], "virtnet",
			"virtio", "ratio");
	printf("\n");
	for (i = 0; i < n; i++) {
		x = &res[i];
		printf("%-48s %-5s", x->path, x->sz->name);
		for (d = 0; d < DIR_MAX; d++) {
			printf(" |    ");
			print_cell(&x->c[d][DRV_VIRTNET]);
			print_cell(&x->c[d][DRV_VIRTIO]);
			printf(" %5.2f", ratio(x->c[d]));
		}
		printf("\n");
	}
}

static int
write_csv(const struct result *res, unsigned int n)
{
	const struct cell *c;
	unsigned int i, d, k;
	FILE *f = fopen(opt.csv, "w");

	if (f == NULL) {
		fprintf(stderr, "virtnet-perf: %s: %s\n", opt.csv,
			strerror(errno));
		return -1;
	}
	header(f, "# ");
	fprintf(f, "path,size,dir,driver,median_cpp,min_cpp,max_cpp,device_cpp,valid,full\n");
	for (i = 0; i < n; i++)
		for (d = 0; d < DIR_MAX; d++)
			for (k = 0; k < DRV_MAX; k++) {
				c = &res[i].c[d][k];
				fprintf(f, "\"%s\",%s,%s,%s,%.2f,%.2f,%.2f,%.2f,%d,%d\n",
					res[i].path, res[i].sz->name,
					dir_name[d], drv_short[k], c->med,
					c->lo, c->hi, c->dev, c->valid,
					c->full);
			}
	fclose(f);
	return 0;
}

/* "packed_vq=1,in_order=0,mrg_rxbuf=1" as "p1i0m1", for the plot's axis. */
static void
short_path(const char *path, char *buf, size_t len)
{
	size_t n = 0;
	const char *c;

	for (c = path; *c != '\0' && n + 2 < len; c++) {
		if (c == path || c[-1] == ',')
			buf[n++] = *c;
		else if (*c != ',' && (c[-1] == '=' || isdigit((unsigned char)*c)))
			buf[n++] = *c;
	}
	buf[n] = '\0';
}

/* A bar per path, size and direction: virtnet's cycles over net_virtio's. */
static int
write_png(const struct result *res, unsigned int n)
{
	char l1[256], l2[256], sp[64];
	unsigned int i, d;
	FILE *g;

	header_lines(l1, l2, sizeof(l1));
	g = popen("gnuplot", "w");
	if (g == NULL)
		return -1;
	fprintf(g, "set terminal pngcairo size 1600,700 noenhanced font ',9'\n");
	fprintf(g, "set output '%s'\n", opt.png);
	fprintf(g, "set title \"%s\\n%s\"\n", l1, l2);
	fprintf(g, "set ylabel 'virtnet / net_virtio cycles per packet (lower is better)'\n");
	fprintf(g, "set style data histograms\nset style histogram clustered gap 1\n");
	fprintf(g, "set style fill solid 0.8 border -1\nset boxwidth 0.9\n");
	fprintf(g, "set xtics rotate by -60 scale 0\nset grid ytics\nset yrange [0:*]\n");
	fprintf(g, "set bmargin 7\nset xlabel 'p: packed_vq, i: in_order, m: mrg_rxbuf, v: vectorized; frame size'\n");
	fprintf(g, "$d << EOD\n");
	for (i = 0; i < n; i++) {
		short_path(res[i].path, sp, sizeof(sp));
		fprintf(g, "\"%s %s\"", sp, res[i].sz->name);
		for (d = 0; d < DIR_MAX; d++)
			fprintf(g, " %.3f", ratio(res[i].c[d]));
		fprintf(g, "\n");
	}
	fprintf(g, "EOD\n");
	fprintf(g, "plot $d using 2:xtic(1) title 'tx', '' using 3 title 'rx', '' using 4 title 'fwd', 1 with lines lc 'black' title 'net_virtio', 0.75 with lines dt 2 lc 'red' title '0.75'\n");
	return pclose(g) == 0 ? 0 : -1;
}

/* ---- options ---- */

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s <EAL args> -- [options]\n"
		"  -r N      rounds (default %u, at most %u)\n"
		"  -b N      bursts of %u per measurement (default %u)\n"
		"  -n N      ring size (default %u)\n"
		"  -p SET    devargs of a path, or all|scalar|vector (repeatable; default all)\n"
		"  -s LIST   sizes, of 64,1518,chain (default all)\n"
		"  -c FILE   write a CSV\n"
		"  -g FILE   write a PNG plot (gnuplot)\n"
		"  -R DIR    where the vhost sockets go (default %s)\n"
		"  -D DRV    run one driver only: virtnet or virtio (for callgrind)\n",
		prog, opt.rounds, MAX_ROUNDS, BURST, opt.bursts, opt.ring,
		opt.run_dir);
}

static int
add_paths(const char *set)
{
	unsigned int i, from = 0, to = RTE_DIM(dts_paths);

	if (strcmp(set, "scalar") == 0)
		to = 8;
	else if (strcmp(set, "vector") == 0)
		from = 8;
	else if (strcmp(set, "all") != 0)
		from = to = 0;
	if (from == to) {
		if (opt.nb_paths == MAX_PATHS)
			return -1;
		opt.paths[opt.nb_paths++] = set;
		return 0;
	}
	for (i = from; i < to && opt.nb_paths < MAX_PATHS; i++)
		opt.paths[opt.nb_paths++] = dts_paths[i];
	return 0;
}

static int
parse_sizes(char *list)
{
	char *tok, *save = NULL;
	unsigned int i;

	memset(opt.size_on, 0, sizeof(opt.size_on));
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NB_SIZES; i++)
			if (strcmp(tok, sizes[i].name) == 0)
				break;
		if (i == NB_SIZES)
			return -1;
		opt.size_on[i] = true;
	}
	return 0;
}

static int
parse_num(const char *s, unsigned long min, unsigned long max,
		unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno != 0 || *end != '\0' || *v < min || *v > max ? -1 : 0;
}

static int
parse_args(int argc, char **argv)
{
	unsigned long v;
	unsigned int i;
	int c;

	for (i = 0; i < NB_SIZES; i++)
		opt.size_on[i] = true;
	while ((c = getopt(argc, argv, "r:b:n:p:s:c:g:R:D:h")) != -1) {
		switch (c) {
		case 'r':
			if (parse_num(optarg, 1, MAX_ROUNDS, &v) < 0)
				return -1;
			opt.rounds = v;
			break;
		case 'b':
			if (parse_num(optarg, 100, 100000000, &v) < 0)
				return -1;
			opt.bursts = v;
			break;
		case 'n':
			if (parse_num(optarg, 64, 32768, &v) < 0)
				return -1;
			opt.ring = v;
			break;
		case 'p':
			if (add_paths(optarg) < 0)
				return -1;
			break;
		case 's':
			if (parse_sizes(optarg) < 0)
				return -1;
			break;
		case 'c':
			opt.csv = optarg;
			break;
		case 'g':
			opt.png = optarg;
			break;
		case 'R':
			opt.run_dir = optarg;
			break;
		case 'D':
			opt.only = strcmp(optarg, "virtnet") == 0 ? DRV_VIRTNET :
				strcmp(optarg, "virtio") == 0 ? DRV_VIRTIO : -2;
			if (opt.only < 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (opt.nb_paths == 0)
		add_paths("all");
	return optind == argc ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static struct result res[MAX_PATHS * NB_SIZES];
	unsigned int i, s, n = 0;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 1;
	argv[ret] = argv[0];
	if (parse_args(argc - ret, argv + ret) < 0) {
		usage(argv[0]);
		return 2;
	}
	/* The vhost sockets go there: say so rather than fail each setup. */
	if (access(opt.run_dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "virtnet-perf: run directory %s: %s\n",
			opt.run_dir, strerror(errno));
		rte_eal_cleanup();
		return 2;
	}
	calibrate_tsc();
	for (i = 0; i < opt.nb_paths; i++)
		for (s = 0; s < NB_SIZES; s++) {
			if (!opt.size_on[s])
				continue;
			run_case(opt.paths[i], &sizes[s], &res[n++]);
			fprintf(stderr, "virtnet-perf: %s %s done\n",
				opt.paths[i], sizes[s].name);
		}
	print_table(res, n);
	printf("driver packets (warm-up included): tx %" PRIu64 " rx %" PRIu64 " fwd %" PRIu64 "\n",
		drv_pkts[DIR_TX], drv_pkts[DIR_RX], drv_pkts[DIR_FWD]);
	ret = 0;
	if (opt.csv != NULL && write_csv(res, n) < 0)
		ret = 1;
	if (opt.png != NULL && write_png(res, n) < 0) {
		fprintf(stderr, "virtnet-perf: no plot (is gnuplot installed?)\n");
		ret = 1;
	}
	rte_eal_cleanup();
	return ret;
}
