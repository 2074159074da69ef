/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

#define VIRTNET_DEVARG_ROW(k, t, f, mn, mx, d, impl, help) { \
	.key = #k, .type = VIRTNET_ARG_ ## t, \
	.offset = offsetof(struct virtnet_user_args, f), \
	.size = sizeof(((struct virtnet_user_args *)0)->f), \
	.min = mn, .max = mx, .def = d, .implemented = impl },

static const struct virtnet_devarg virtnet_user_devargs[] = {
	VIRTNET_USER_DEVARGS(VIRTNET_DEVARG_ROW)
};

#define VIRTNET_NB_DEVARGS RTE_DIM(virtnet_user_devargs)

static const struct virtnet_devarg *
virtnet_devarg_find(const char *key, unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < VIRTNET_NB_DEVARGS; i++) {
		if (strcmp(virtnet_user_devargs[i].key, key) == 0) {
			*idx = i;
			return &virtnet_user_devargs[i];
		}
	}
	return NULL;
}

static int
virtnet_devarg_u32(const char *name, const struct virtnet_devarg *d,
		const char *val, uint32_t *out)
{
	unsigned long long v;
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
		const char *val, struct virtnet_user_args *a)
{
	char *field = (char *)a + d->offset;

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
			VIRTNET_INIT_LOG(ERR, "%s: invalid mac=%s: expected xx:xx:xx:xx:xx:xx",
				name, val);
			return -EINVAL;
		}
		a->mac_set = 1;
		return 0;
	case VIRTNET_ARG_U32:
		return virtnet_devarg_u32(name, d, val, (uint32_t *)field);
	}
	return -EINVAL;
}

static void
virtnet_user_args_defaults(struct virtnet_user_args *a)
{
	unsigned int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < VIRTNET_NB_DEVARGS; i++) {
		const struct virtnet_devarg *d = &virtnet_user_devargs[i];

		if (d->type == VIRTNET_ARG_U32)
			*(uint32_t *)((char *)a + d->offset) = d->def;
	}
}

/* Rules that tie keys together, as net_virtio_user has them. */
static int
virtnet_user_args_check(const char *name, struct virtnet_user_args *a)
{
	unsigned int cq_idx = 0;

	/* As net_virtio_user: queues > 1 brings the control queue unless
	 * cq=0 was said.
	 */
	if (virtnet_devarg_find("cq", &cq_idx) != NULL && a->queues > 1 &&
	    !((a->given >> cq_idx) & 1))
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

int
virtnet_user_args_parse(const char *name, const char *args,
		struct virtnet_user_args *out)
{
	const struct virtnet_devarg *d;
	struct rte_kvargs *kv;
	unsigned int i, idx;
	int ret = 0;

	virtnet_user_args_defaults(out);
	if (args == NULL || args[0] == '\0')
		return virtnet_user_args_check(name, out);
	kv = rte_kvargs_parse(args, NULL);
	if (kv == NULL) {
		VIRTNET_INIT_LOG(ERR, "%s: cannot parse devargs \"%s\"", name, args);
		return -EINVAL;
	}
	for (i = 0; ret == 0 && i < kv->count; i++) {
		d = virtnet_devarg_find(kv->pairs[i].key, &idx);
		if (d == NULL) {
			VIRTNET_INIT_LOG(ERR, "%s: unknown devarg \"%s\"; valid: %s",
				name, kv->pairs[i].key, VIRTNET_USER_PARAM_STRING);
			ret = -EINVAL;
			break;
		}
		ret = virtnet_devarg_set(name, d, kv->pairs[i].value, out);
		out->given |= 1ULL << idx;
	}
	rte_kvargs_free(kv);
	if (ret == 0)
		ret = virtnet_user_args_check(name, out);
	return ret;
}

void
virtnet_user_args_log_pending(const char *name, const struct virtnet_user_args *a)
{
	unsigned int i;

	for (i = 0; i < VIRTNET_NB_DEVARGS; i++) {
		const struct virtnet_devarg *d = &virtnet_user_devargs[i];

		if (d->implemented || !((a->given >> i) & 1))
			continue;
		VIRTNET_INIT_LOG(WARNING, "%s: devarg %s accepted but not implemented yet; it has no effect",
			name, d->key);
	}
}
