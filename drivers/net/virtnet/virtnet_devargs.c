/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_kvargs.h>

#include "virtnet_devargs.h"
#include "virtnet_log.h"

enum virtnet_arg_type { VIRTNET_ARG_STR, VIRTNET_ARG_U32, VIRTNET_ARG_MAC };

struct virtnet_devarg {
	const char *key;
	enum virtnet_arg_type type;
	size_t offset;
	size_t size;
	uint32_t min;
	uint32_t max;
	uint32_t def;
	bool implemented;
};

struct virtnet_devargs_table {
	const struct virtnet_devarg *rows;
	unsigned int n;
	size_t size;		/* of the struct the rows fill */
	size_t given_off;	/* of the uint64_t bitmap of keys given */
	const char *param_string;
	/* Rules that tie keys together; may change what was parsed. */
	int (*check)(const struct virtnet_devargs_table *t, const char *name,
			void *out);
};

#define VIRTNET_DEVARG_ROW(st, k, t, f, mn, mx, d, impl) { \
	.key = #k, .type = VIRTNET_ARG_ ## t, \
	.offset = offsetof(st, f), .size = sizeof(((st *)0)->f), \
	.min = mn, .max = mx, .def = d, .implemented = impl },
#define VIRTNET_USER_ROW(k, t, f, mn, mx, d, impl, help) \
	VIRTNET_DEVARG_ROW(struct virtnet_user_args, k, t, f, mn, mx, d, impl)
#define VIRTNET_PCI_ROW(k, t, f, mn, mx, d, impl, help) \
	VIRTNET_DEVARG_ROW(struct virtnet_pci_args, k, t, f, mn, mx, d, impl)

static const struct virtnet_devarg virtnet_user_rows[] = {
	VIRTNET_USER_DEVARGS(VIRTNET_USER_ROW)
};

static const struct virtnet_devarg virtnet_pci_rows[] = {
	VIRTNET_PCI_DEVARGS(VIRTNET_PCI_ROW)
};

static int
virtnet_devarg_find(const struct virtnet_devargs_table *t, const char *key)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].key, key) == 0)
			return (int)i;
	return -1;
}

static uint64_t *
virtnet_devargs_bits(const struct virtnet_devargs_table *t, void *out)
{
	return (uint64_t *)((char *)out + t->given_off);
}

bool
virtnet_devargs_given(const struct virtnet_devargs_table *t, const void *out,
		const char *key)
{
	int i = virtnet_devarg_find(t, key);

	return i >= 0 && ((*virtnet_devargs_bits(t, (void *)(uintptr_t)out) >>
		i) & 1);
}

static int
virtnet_devarg_u32(const char *name, const struct virtnet_devarg *d,
		const char *val, uint32_t *out)
{
	unsigned long long v = 0;
	char *end = NULL;

	errno = 0;
	if (val[0] >= '0' && val[0] <= '9')
		v = strtoull(val, &end, 0);
	if (end == NULL || *end != '\0' || errno != 0 || v < d->min ||
	    v > d->max) {
		VIRTNET_INIT_LOG(ERR, "%s: invalid %s=%s: expected an integer in %u..%u",
			name, d->key, val, d->min, d->max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
virtnet_devarg_set(const char *name, const struct virtnet_devarg *d,
		const char *val, void *out)
{
	char *field = (char *)out + d->offset;

	if (val == NULL || val[0] == '\0') {
		VIRTNET_INIT_LOG(ERR, "%s: devarg %s needs a value", name, d->key);
		return -EINVAL;
	}
	switch (d->type) {
	case VIRTNET_ARG_STR:
		if (strlen(val) >= d->size) {
			VIRTNET_INIT_LOG(ERR, "%s: %s is longer than %zu characters",
				name, d->key, d->size - 1);
			return -EINVAL;
		}
		strcpy(field, val);
		return 0;
	case VIRTNET_ARG_MAC:
		if (rte_ether_unformat_addr(val, (struct rte_ether_addr *)field) < 0) {
			VIRTNET_INIT_LOG(ERR, "%s: invalid %s=%s: expected xx:xx:xx:xx:xx:xx",
				name, d->key, val);
			return -EINVAL;
		}
		return 0;
	case VIRTNET_ARG_U32:
		return virtnet_devarg_u32(name, d, val, (uint32_t *)field);
	}
	return -EINVAL;
}

static void
virtnet_devargs_defaults(const struct virtnet_devargs_table *t, void *out)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].type == VIRTNET_ARG_U32)
			*(uint32_t *)((char *)out + t->rows[i].offset) =
				t->rows[i].def;
}

static int
virtnet_devargs_apply(const struct virtnet_devargs_table *t, const char *name,
		const struct rte_kvargs *kv, void *out)
{
	unsigned int i;
	int row, ret;

	for (i = 0; i < kv->count; i++) {
		row = virtnet_devarg_find(t, kv->pairs[i].key);
		if (row < 0) {
			VIRTNET_INIT_LOG(ERR, "%s: unknown devarg \"%s\"; valid: %s",
				name, kv->pairs[i].key, t->param_string);
			return -EINVAL;
		}
		ret = virtnet_devarg_set(name, &t->rows[row],
			kv->pairs[i].value, out);
		if (ret < 0)
			return ret;
		*virtnet_devargs_bits(t, out) |= 1ULL << row;
	}
	return 0;
}

int
virtnet_devargs_parse(const struct virtnet_devargs_table *t, const char *name,
		const char *args, void *out)
{
	struct rte_kvargs *kv;
	int ret = 0;

	memset(out, 0, t->size);
	virtnet_devargs_defaults(t, out);
	if (args != NULL && args[0] != '\0') {
		kv = rte_kvargs_parse(args, NULL);
		if (kv == NULL) {
			VIRTNET_INIT_LOG(ERR, "%s: cannot parse devargs \"%s\"",
				name, args);
			return -EINVAL;
		}
		ret = virtnet_devargs_apply(t, name, kv, out);
		rte_kvargs_free(kv);
	}
	if (ret == 0 && t->check != NULL)
		ret = t->check(t, name, out);
	return ret;
}

void
virtnet_devargs_log_pending(const struct virtnet_devargs_table *t,
		const char *name, const void *out)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		if (t->rows[i].implemented ||
		    !virtnet_devargs_given(t, out, t->rows[i].key))
			continue;
		VIRTNET_INIT_LOG(WARNING, "%s: devarg %s accepted but not implemented yet; it has no effect",
			name, t->rows[i].key);
	}
}

/* Rules that tie keys together, as net_virtio_user has them. */
static int
virtnet_user_args_check(const struct virtnet_devargs_table *t,
		const char *name, void *out)
{
	struct virtnet_user_args *a = out;

	/* queues > 1 brings the control queue unless cq=0 was said. */
	if (a->queues > 1 && !virtnet_devargs_given(t, a, "cq"))
		a->cq = 1;
	if (a->path[0] == '\0') {
		VIRTNET_INIT_LOG(ERR, "%s: devarg path is mandatory", name);
		return -EINVAL;
	}
	if (a->queues > 1 && a->cq == 0) {
		VIRTNET_INIT_LOG(ERR, "%s: queues=%u needs cq=1 (multi-queue requires the control queue)",
			name, a->queues);
		return -EINVAL;
	}
	if (!a->packed_vq && !rte_is_power_of_2(a->queue_size)) {
		VIRTNET_INIT_LOG(ERR, "%s: queue_size=%u must be a power of 2 for a split ring",
			name, a->queue_size);
		return -EINVAL;
	}
	return 0;
}

const struct virtnet_devargs_table virtnet_user_devargs = {
	.rows = virtnet_user_rows,
	.n = RTE_DIM(virtnet_user_rows),
	.size = sizeof(struct virtnet_user_args),
	.given_off = offsetof(struct virtnet_user_args, given),
	.param_string = VIRTNET_USER_PARAM_STRING,
	.check = virtnet_user_args_check,
};

const struct virtnet_devargs_table virtnet_pci_devargs = {
	.rows = virtnet_pci_rows,
	.n = RTE_DIM(virtnet_pci_rows),
	.size = sizeof(struct virtnet_pci_args),
	.given_off = offsetof(struct virtnet_pci_args, given),
	.param_string = VIRTNET_PCI_PARAM_STRING,
};
