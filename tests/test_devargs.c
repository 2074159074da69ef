/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Unit tests of the devargs engine and both tables, with no EAL: the
 * defaults are net_virtio's, every key parses strictly, the rules that
 * tie keys together hold, a wrong value fails with one log line naming
 * the key, and the param strings list every key.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "virtnet_devargs.h"
#include "test_common.h"

TEST_GLOBALS;

static char log_buf[8192];
static FILE *log_f;

/* Capture what the engine logs from here on. */
static void
log_start(void)
{
	if (log_f != NULL)
		fclose(log_f);
	memset(log_buf, 0, sizeof(log_buf));
	log_f = fmemopen(log_buf, sizeof(log_buf) - 1, "w");
	rte_openlog_stream(log_f);
}

static const char *
log_text(void)
{
	fflush(log_f);
	return log_buf;
}

static int
user(const char *args, struct virtnet_user_args *a)
{
	log_start();
	return virtnet_devargs_parse(&virtnet_user_devargs, "vdev", args, a);
}

static int
pci(const char *args, struct virtnet_pci_args *a)
{
	log_start();
	return virtnet_devargs_parse(&virtnet_pci_devargs, "pci", args, a);
}

static void
test_user_defaults(void)
{
	struct virtnet_user_args a;

	CHECK_GOTO(user("path=/x", &a) == 0, out, "%s", log_text());
	CHECK(strcmp(a.path, "/x") == 0, "path %s", a.path);
	CHECK(a.queues == 1 && a.queue_size == 256 && a.cq == 0 &&
		a.server == 0 && a.mrg_rxbuf == 1 && a.in_order == 1 &&
		a.packed_vq == 0 && a.vectorized == 0 && a.speed == 0,
		"defaults %u %u %u %u %u %u %u %u %u", a.queues, a.queue_size,
		a.cq, a.server, a.mrg_rxbuf, a.in_order, a.packed_vq,
		a.vectorized, a.speed);
	CHECK(virtnet_devargs_given(&virtnet_user_devargs, &a, "path") &&
		!virtnet_devargs_given(&virtnet_user_devargs, &a, "mac"),
		"given bits 0x%" PRIx64, a.given);
	CHECK(log_text()[0] == '\0', "logged: %s", log_text());
out:
	return;
}

static void
test_user_all_keys(void)
{
	struct virtnet_user_args a;

	CHECK_GOTO(user("path=/s,mac=02:00:00:00:00:07,queues=4,queue_size=300,"
		"packed_vq=1,in_order=0,mrg_rxbuf=0,speed=0x2710,vectorized=1",
		&a) == 0, out, "%s", log_text());
	CHECK(a.mac.addr_bytes[0] == 2 && a.mac.addr_bytes[5] == 7, "mac");
	CHECK(a.queues == 4 && a.cq == 1, "queues %u cq %u (queues > 1 brings cq)",
		a.queues, a.cq);
	CHECK(a.queue_size == 300 && a.packed_vq == 1, "packed ring of 300");
	CHECK(a.in_order == 0 && a.mrg_rxbuf == 0 && a.vectorized == 1,
		"flags");
	CHECK(a.speed == 10000, "speed %u", a.speed);
	CHECK(virtnet_devargs_given(&virtnet_user_devargs, &a, "mac") &&
		!virtnet_devargs_given(&virtnet_user_devargs, &a, "cq"),
		"given bits 0x%" PRIx64, a.given);
out:
	return;
}

/* Each: arguments, then a fragment of the one error line expected. */
static const struct {
	const char *args;
	const char *log;
} user_bad[] = {
	{ "", "path is mandatory" },
	{ "mac=02:00:00:00:00:01", "path is mandatory" },
	{ "path=/s,bogus=1", "unknown devarg \"bogus\"" },
	{ "path=/s,queues=0", "invalid queues=0: expected an integer in 1..128" },
	{ "path=/s,queues=129", "invalid queues=129" },
	{ "path=/s,queues=2,cq=0", "queues=2 needs cq=1" },
	{ "path=/s,queue_size=16", "invalid queue_size=16" },
	{ "path=/s,queue_size=300", "queue_size=300 must be a power of 2" },
	{ "path=/s,mrg_rxbuf=2", "invalid mrg_rxbuf=2" },
	{ "path=/s,in_order=1x", "invalid in_order=1x" },
	{ "path=/s,speed=-1", "invalid speed=-1" },
	{ "path=/s,speed=99999999999999999999", "invalid speed=" },
	{ "path=/s,mac=02:00:00:00:00", "invalid mac=02:00:00:00:00" },
	{ "path=/s,cq=", "devarg cq needs a value" },
	{ "path=/s,cq", "devarg cq needs a value" },
};

static void
test_user_rejects(void)
{
	struct virtnet_user_args a;
	char longpath[PATH_MAX + 16];
	unsigned int i;

	for (i = 0; i < RTE_DIM(user_bad); i++) {
		CHECK(user(user_bad[i].args, &a) == -EINVAL, "\"%s\" accepted",
			user_bad[i].args);
		CHECK(strstr(log_text(), user_bad[i].log) != NULL,
			"\"%s\": log \"%s\", wanted \"%s\"", user_bad[i].args,
			log_text(), user_bad[i].log);
	}
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	memcpy(longpath, "path=", 5);
	CHECK(user(longpath, &a) == -EINVAL &&
		strstr(log_text(), "path is longer than") != NULL,
		"long path: %s", log_text());
}

static void
test_user_pending_logged(void)
{
	struct virtnet_user_args a;

	CHECK_GOTO(user("path=/s,server=1,iface=tap0", &a) == 0, out, "%s",
		log_text());
	virtnet_devargs_log_pending(&virtnet_user_devargs, "vdev", &a);
	CHECK(strstr(log_text(), "devarg iface accepted but not implemented") &&
		!strstr(log_text(), "devarg server"),
		"log: %s", log_text());
	CHECK(user("path=/s", &a) == 0, "plain");
	virtnet_devargs_log_pending(&virtnet_user_devargs, "vdev", &a);
	CHECK(log_text()[0] == '\0', "logged: %s", log_text());
out:
	return;
}

static void
test_pci_keys(void)
{
	struct virtnet_pci_args a;

	CHECK(pci(NULL, &a) == 0 && a.virtnet == 1 && a.event_idx == 1 &&
		a.force_legacy == 0 && a.speed == 0 && a.vectorized == 0,
		"defaults");
	CHECK(pci("virtnet=0", &a) == 0 && a.virtnet == 0, "virtnet=0");
	CHECK(pci("force_legacy=1,event_idx=0,speed=25000,vectorized=1",
		&a) == 0 && a.force_legacy == 1 && a.event_idx == 0 &&
		a.speed == 25000 && a.vectorized == 1, "%s", log_text());
	CHECK(pci("force_legacy=2", &a) == -EINVAL &&
		strstr(log_text(), "invalid force_legacy=2") != NULL,
		"log %s", log_text());
	CHECK(pci("path=/s", &a) == -EINVAL &&
		strstr(log_text(), "unknown devarg \"path\"") != NULL,
		"log %s", log_text());
	CHECK(pci("speed=400001", &a) == -EINVAL, "speed range");
}

/* The registered param strings come from the same rows as the parser. */
static void
test_param_strings(void)
{
	static const char *const ukeys[] = { "path=", "mac=", "cq=",
		"queue_size=", "queues=", "iface=", "server=", "mrg_rxbuf=",
		"in_order=", "packed_vq=", "speed=", "vectorized=" };
	static const char *const pkeys[] = { "speed=", "vectorized=",
		"virtnet=", "force_legacy=", "event_idx=" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(ukeys); i++)
		CHECK(strstr(VIRTNET_USER_PARAM_STRING, ukeys[i]) != NULL,
			"%s missing", ukeys[i]);
	for (i = 0; i < RTE_DIM(pkeys); i++)
		CHECK(strstr(VIRTNET_PCI_PARAM_STRING, pkeys[i]) != NULL,
			"%s missing", pkeys[i]);
}

int
main(void)
{
	RUN(test_user_defaults);
	RUN(test_user_all_keys);
	RUN(test_user_rejects);
	RUN(test_user_pending_logged);
	RUN(test_pci_keys);
	RUN(test_param_strings);
	rte_openlog_stream(NULL);
	TEST_SUMMARY();
	return t_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
