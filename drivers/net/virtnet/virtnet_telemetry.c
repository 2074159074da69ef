/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * Telemetry: /virtnet/ports lists the virtnet ports (transport, features,
 * paths, link); /virtnet/port,<id> details one, queues and rings included.
 * The handlers run in the telemetry thread and read only snapshots
 * (virtnet_dump.h), which are safe to take while the port starts or
 * stops. The generic /ethdev/ endpoints, /ethdev/dump_priv among them,
 * come from ethdev and the port's ops.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "virtnet_dump.h"
#include "virtnet_log.h"

/*
 * Queues of each direction /virtnet/port details: a reply holds 16 KiB,
 * and one queue takes about 500 bytes. The text of /ethdev/dump_priv has
 * every queue (up to its own 8 KiB).
 */
#define VIRTNET_TEL_MAX_QUEUES	8

/* Add container @p c to dict @p d, or free it when it does not fit. */
static void
virtnet_tel_add(struct rte_tel_data *d, const char *name,
		struct rte_tel_data *c)
{
	if (c != NULL && rte_tel_data_add_dict_container(d, name, c, 0) < 0)
		rte_tel_data_free(c);
}

static void
virtnet_tel_hex(struct rte_tel_data *d, const char *name, uint64_t v)
{
	char hex[24];

	snprintf(hex, sizeof(hex), "0x%" PRIx64, v);
	rte_tel_data_add_dict_string(d, name, hex);
}

/* The names of the bits set in @p features, as an array of strings. */
static struct rte_tel_data *
virtnet_tel_feature_names(uint64_t features)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	const char *name;
	char unknown[16];
	unsigned int bit;

	if (a == NULL)
		return NULL;
	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	for (bit = 0; bit < 64; bit++) {
		if (!((features >> bit) & 1))
			continue;
		name = virtnet_feature_name(bit);
		if (name == NULL) {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			name = unknown;
		}
		rte_tel_data_add_array_string(a, name);
	}
	return a;
}

static void
virtnet_tel_features(struct rte_tel_data *d, const char *name,
		const char *names_key, uint64_t features)
{
	virtnet_tel_hex(d, name, features);
	virtnet_tel_add(d, names_key, virtnet_tel_feature_names(features));
}

/* What /virtnet/ports says of each port. */
static void
virtnet_tel_port_summary(struct rte_tel_data *d,
		const struct virtnet_port_snap *s)
{
	rte_tel_data_add_dict_int(d, "port_id", s->port_id);
	rte_tel_data_add_dict_string(d, "name", s->name);
	rte_tel_data_add_dict_string(d, "driver", s->driver);
	rte_tel_data_add_dict_string(d, "transport", s->transport);
	virtnet_tel_features(d, "features", "feature_names", s->features);
	rte_tel_data_add_dict_string(d, "rx_path",
		s->rx_path != NULL ? s->rx_path : "none");
	rte_tel_data_add_dict_string(d, "tx_path",
		s->tx_path != NULL ? s->tx_path : "none");
	rte_tel_data_add_dict_int(d, "started", s->started);
	rte_tel_data_add_dict_int(d, "running", s->running);
	rte_tel_data_add_dict_string(d, "link",
		s->link.link_status ? "up" : "down");
	rte_tel_data_add_dict_u64(d, "link_speed", s->link.link_speed);
}

/* virtnet_vq_dump()'s text, cut at "; " into strings telemetry can hold. */
static struct rte_tel_data *
virtnet_tel_vq_text(const char *text)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	char part[RTE_TEL_MAX_STRING_LEN];
	const char *end;
	size_t n;

	if (a == NULL)
		return NULL;
	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	while (*text != '\0') {
		end = strstr(text, "; ");
		n = end != NULL ? (size_t)(end - text) : strlen(text);
		snprintf(part, sizeof(part), "%.*s", (int)n, text);
		rte_tel_data_add_array_string(a, part);
		text += n + (end != NULL ? 2 : 0);
	}
	return a;
}

static void
virtnet_tel_ring(struct rte_tel_data *d, const struct virtnet_ring_snap *r)
{
	rte_tel_data_add_dict_int(d, "vqid", r->vqid);
	rte_tel_data_add_dict_string(d, "layout", r->packed ? "packed" : "split");
	rte_tel_data_add_dict_int(d, "size", r->size);
	rte_tel_data_add_dict_int(d, "free", r->nb_free);
	rte_tel_data_add_dict_int(d, "in_flight", r->size - r->nb_free);
	rte_tel_data_add_dict_int(d, "avail_idx", r->avail_idx);
	rte_tel_data_add_dict_int(d, "last_used", r->last_used);
	if (r->packed) {
		rte_tel_data_add_dict_int(d, "avail_wrap", r->avail_wrap);
		rte_tel_data_add_dict_int(d, "used_wrap", r->used_wrap);
	}
	rte_tel_data_add_dict_int(d, "broken", r->fault != 0);
	rte_tel_data_add_dict_string(d, "fault",
		virtnet_dump_fault_name(r->fault));
	rte_tel_data_add_dict_u64(d, "bad_used_idx", r->err.bad_used_idx);
	rte_tel_data_add_dict_u64(d, "bad_id", r->err.bad_id);
	rte_tel_data_add_dict_u64(d, "bad_len", r->err.bad_len);
	virtnet_tel_add(d, "vq_state", virtnet_tel_vq_text(r->text));
}

static struct rte_tel_data *
virtnet_tel_queue(const struct virtnet_queue_snap *q)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "live", q->ring.live);
	if (!q->ring.live)
		return d;
	rte_tel_data_add_dict_int(d, "nb_desc", q->nb_desc);
	rte_tel_data_add_dict_u64(d, "packets", q->stats.packets);
	rte_tel_data_add_dict_u64(d, "bytes", q->stats.bytes);
	rte_tel_data_add_dict_u64(d, "errors", q->stats.errors);
	rte_tel_data_add_dict_u64(d, "ring_errors", q->ring_errors);
	virtnet_tel_ring(d, &q->ring);
	return d;
}

static void
virtnet_tel_queues(struct rte_tel_data *d, const char *dir,
		const struct virtnet_queue_snap *q, uint16_t n)
{
	char name[16];
	uint16_t i;

	for (i = 0; i < RTE_MIN(n, VIRTNET_TEL_MAX_QUEUES); i++) {
		snprintf(name, sizeof(name), "%s%u", dir, i);
		virtnet_tel_add(d, name, virtnet_tel_queue(&q[i]));
	}
}

/* What /virtnet/port,<id> says. */
static void
virtnet_tel_port_detail(struct rte_tel_data *d,
		const struct virtnet_port_snap *s)
{
	virtnet_tel_port_summary(d, s);
	rte_tel_data_add_dict_int(d, "legacy", s->legacy);
	virtnet_tel_features(d, "device_features", "device_feature_names",
		s->dev_features);
	virtnet_tel_hex(d, "usable_features", s->usable);
	rte_tel_data_add_dict_int(d, "halted", s->halted);
	rte_tel_data_add_dict_string(d, "link_duplex",
		s->link.link_duplex ? "full" : "half");
	rte_tel_data_add_dict_int(d, "mtu", s->mtu);
	rte_tel_data_add_dict_int(d, "hdr_size", s->hdr_size);
	rte_tel_data_add_dict_int(d, "ctrl_queue", s->ctrl);
	rte_tel_data_add_dict_int(d, "max_queue_pairs", s->max_queue_pairs);
	rte_tel_data_add_dict_int(d, "nb_rxq", s->nb_rxq);
	rte_tel_data_add_dict_int(d, "nb_txq", s->nb_txq);
	rte_tel_data_add_dict_int(d, "queues_listed",
		RTE_MIN(RTE_MAX(s->nb_rxq, s->nb_txq), VIRTNET_TEL_MAX_QUEUES));
	virtnet_tel_queues(d, "rxq", s->rxq, s->nb_rxq);
	virtnet_tel_queues(d, "txq", s->txq, s->nb_txq);
}

static int
virtnet_tel_ports(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct virtnet_port_snap s;
	struct rte_tel_data *p;
	char key[8];
	uint16_t pid;

	if (params != NULL && *params != '\0') {
		VIRTNET_LOG(ERR, "telemetry /virtnet/ports takes no parameters, got \"%.32s\"",
			params);
		return -EINVAL;
	}
	rte_tel_data_start_dict(d);
	RTE_ETH_FOREACH_DEV(pid) {
		if (virtnet_dump_snapshot(pid, &s) < 0)
			continue;
		p = rte_tel_data_alloc();
		if (p != NULL) {
			rte_tel_data_start_dict(p);
			virtnet_tel_port_summary(p, &s);
			snprintf(key, sizeof(key), "%u", pid);
			virtnet_tel_add(d, key, p);
		}
		virtnet_dump_snapshot_free(&s);
	}
	return 0;
}

/* "<port id>" of a virtnet port, digits only. */
static int
virtnet_tel_port_param(const char *params, uint16_t *port_id)
{
	unsigned long v;
	char *end;

	if (params == NULL || *params < '0' || *params > '9') {
		VIRTNET_LOG(ERR, "telemetry /virtnet/port: want a port id, got \"%.32s\"",
			params != NULL ? params : "");
		return -EINVAL;
	}
	v = strtoul(params, &end, 10);
	if (*end != '\0' || v >= RTE_MAX_ETHPORTS) {
		VIRTNET_LOG(ERR, "telemetry /virtnet/port: \"%.32s\" is not a port id (0..%u)",
			params, RTE_MAX_ETHPORTS - 1);
		return -EINVAL;
	}
	if (!virtnet_dump_is_port((uint16_t)v)) {
		VIRTNET_LOG(ERR, "telemetry /virtnet/port: port %lu is not a virtnet port",
			v);
		return -ENODEV;
	}
	*port_id = (uint16_t)v;
	return 0;
}

static int
virtnet_tel_port(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct virtnet_port_snap s;
	uint16_t pid;
	int ret;

	ret = virtnet_tel_port_param(params, &pid);
	if (ret == 0)
		ret = virtnet_dump_snapshot(pid, &s);
	if (ret < 0)
		return ret;
	rte_tel_data_start_dict(d);
	virtnet_tel_port_detail(d, &s);
	virtnet_dump_snapshot_free(&s);
	return 0;
}

RTE_INIT(virtnet_telemetry_init)
{
	if (rte_telemetry_register_cmd("/virtnet/ports", virtnet_tel_ports,
			"Returns the virtnet ports: transport, features, Rx/Tx paths, link. Takes no parameters") < 0 ||
	    rte_telemetry_register_cmd("/virtnet/port", virtnet_tel_port,
			"Returns one virtnet port: features, paths, queues and ring states. Parameters: int port_id") < 0)
		VIRTNET_LOG(NOTICE, "telemetry commands /virtnet/* not registered");
}
