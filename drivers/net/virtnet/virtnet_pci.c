/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/*
 * PCI transports. Modern (virtio 1.x, 4.1.4): the capability list is
 * walked here (DPDK 22.11 has no helper for standard capabilities) and
 * each region is checked to lie inside a mapped BAR before use. Legacy
 * (4.1.4.8): registers in I/O BAR 0 through DPDK's ioport API.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_pci.h>
#include <bus_pci_driver.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_io.h>

#include "virtnet_log.h"
#include "virtnet_pci.h"
#include "virtnet_spec.h"

#define PCI_CAPABILITY_LIST	0x34
#define PCI_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_MSIX		0x11
#define PCI_MSIX_FLAGS		2
#define PCI_MSIX_FLAGS_ENABLE	0x8000
#define PCI_MSIX_FLAGS_QSIZE	0x07ff
/* A config space has room for at most this many capabilities. */
#define VIRTNET_PCI_MAX_CAPS	48
/* How long a reset may take to read back as 0. */
#define VIRTNET_PCI_RESET_MS	1000
/* Queues the transport can address: 128 pairs and a control queue. */
#define VIRTNET_PCI_MAX_QUEUES	257
/* Common config bytes up to and with queue_reset (VIRTIO_F_RING_RESET). */
#define VP_COMMON_RESET_END \
	(offsetof(struct virtio_pci_common_cfg, queue_reset) + sizeof(uint16_t))
/* Retries of a device config read whose generation kept changing. */
#define VIRTNET_PCI_GEN_TRIES	16

struct virtnet_pci {
	struct rte_pci_device *pci;
	virtnet_event_cb cb;
	void *cb_arg;
	bool intr_on;
	/* Rx queues 0..rx_vecs-1 have MSI-X vectors 1.. (Rx interrupts). */
	uint16_t rx_vecs;
	bool msix;			/* MSI-X capability present */
	uint8_t msix_pos;		/* its place in config space */
	/* modern */
	struct virtio_pci_common_cfg *common;
	uint32_t common_len;
	uint8_t *isr;
	uint8_t *dev_cfg;
	uint32_t dev_cfg_len;
	uint8_t *notify_base;
	uint32_t notify_len;
	uint32_t notify_mult;
	uint16_t max_queues;		/* room in notify_addr */
	uint16_t **notify_addr;		/* per queue, set at setup */
	bool notify_data;		/* VIRTIO_F_NOTIFICATION_DATA agreed */
	/* legacy */
	struct rte_pci_ioport io;
	bool io_mapped;
};

static const char *
vp_name(const struct virtnet_pci *vp)
{
	return vp->pci->device.name;
}

/* ---- capability walk ---- */

/* A region of a memory BAR, or NULL if it does not fit in one. */
static void *
vp_region(struct virtnet_pci *vp, const struct virtio_pci_cap *cap)
{
	const struct rte_mem_resource *r;

	if (cap->bar >= PCI_MAX_RESOURCE) {
		VIRTNET_INIT_LOG(ERR, "%s: capability type %u names BAR %u",
			vp_name(vp), cap->cfg_type, cap->bar);
		return NULL;
	}
	r = &vp->pci->mem_resource[cap->bar];
	if (r->addr == NULL || r->len == 0) {
		VIRTNET_INIT_LOG(ERR, "%s: capability type %u: BAR %u is not mapped",
			vp_name(vp), cap->cfg_type, cap->bar);
		return NULL;
	}
	if ((uint64_t)cap->offset + cap->length > r->len ||
	    cap->offset + cap->length < cap->offset) {
		VIRTNET_INIT_LOG(ERR, "%s: capability type %u: %u+%u lies outside BAR %u (%" PRIu64 " B)",
			vp_name(vp), cap->cfg_type, cap->offset, cap->length,
			cap->bar, r->len);
		return NULL;
	}
	return (uint8_t *)r->addr + cap->offset;
}

/* Take one vendor capability; the first of each type wins (4.1.4.1). */
static int
vp_take_cap(struct virtnet_pci *vp, uint8_t pos, const struct virtio_pci_cap *cap)
{
	uint32_t mult;
	void *va;

	if ((cap->cfg_type == VIRTIO_PCI_CAP_COMMON_CFG && vp->common) ||
	    (cap->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG && vp->notify_base) ||
	    (cap->cfg_type == VIRTIO_PCI_CAP_ISR_CFG && vp->isr) ||
	    (cap->cfg_type == VIRTIO_PCI_CAP_DEVICE_CFG && vp->dev_cfg) ||
	    cap->cfg_type < VIRTIO_PCI_CAP_COMMON_CFG ||
	    cap->cfg_type > VIRTIO_PCI_CAP_DEVICE_CFG)
		return 0;
	va = vp_region(vp, cap);
	if (va == NULL)
		return -EINVAL;
	switch (cap->cfg_type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		if (cap->length < offsetof(struct virtio_pci_common_cfg,
				queue_notify_data)) {
			VIRTNET_INIT_LOG(ERR, "%s: common config of %u B is too short",
				vp_name(vp), cap->length);
			return -EINVAL;
		}
		/* Its 32-bit registers are read whole: never across a word. */
		if (cap->offset % sizeof(uint32_t) != 0) {
			VIRTNET_INIT_LOG(ERR, "%s: common config at unaligned offset %u",
				vp_name(vp), cap->offset);
			return -EINVAL;
		}
		vp->common = va;
		vp->common_len = cap->length;
		break;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		if (cap->cap_len < sizeof(struct virtio_pci_notify_cap) ||
		    rte_pci_read_config(vp->pci, &mult, sizeof(mult),
			pos + offsetof(struct virtio_pci_notify_cap,
				notify_off_multiplier)) != sizeof(mult)) {
			VIRTNET_INIT_LOG(ERR, "%s: notify capability without a multiplier",
				vp_name(vp));
			return -EINVAL;
		}
		vp->notify_base = va;
		vp->notify_len = cap->length;
		vp->notify_mult = mult;
		break;
	case VIRTIO_PCI_CAP_ISR_CFG:
		/* INTx reads its one byte: it must lie inside the BAR. */
		if (cap->length < 1) {
			VIRTNET_INIT_LOG(ERR, "%s: ISR status capability of %u B",
				vp_name(vp), cap->length);
			return -EINVAL;
		}
		vp->isr = va;
		break;
	default:
		/* virtio-net has a device config (4.1.4.6): 0 B is broken. */
		if (cap->length == 0) {
			VIRTNET_INIT_LOG(ERR, "%s: device config capability of 0 B",
				vp_name(vp));
			return -EINVAL;
		}
		vp->dev_cfg = va;
		vp->dev_cfg_len = cap->length;
	}
	return 0;
}

/*
 * Walk the standard capability list: bounded, each entry read whole and
 * checked. Returns 1 when the four modern regions were found, 0 when the
 * device has no (complete) modern interface, or a negative errno when a
 * capability is malformed.
 */
static int
vp_read_caps(struct virtnet_pci *vp)
{
	struct virtio_pci_cap cap;
	uint16_t status;
	uint8_t pos, hdr[2];
	int i, ret;

	if (rte_pci_read_config(vp->pci, &status, sizeof(status),
			PCI_STATUS) != sizeof(status) ||
	    !(status & PCI_STATUS_CAP_LIST) ||
	    rte_pci_read_config(vp->pci, &pos, 1, PCI_CAPABILITY_LIST) != 1)
		return 0;
	for (i = 0; pos != 0 && i < VIRTNET_PCI_MAX_CAPS; i++) {
		if (pos < 0x40 || pos > 0xfc ||
		    rte_pci_read_config(vp->pci, hdr, 2, pos) != 2) {
			VIRTNET_INIT_LOG(ERR, "%s: capability pointer 0x%x is out of range",
				vp_name(vp), pos);
			return -EINVAL;
		}
		if (hdr[0] == PCI_CAP_ID_MSIX) {
			vp->msix = true;
			vp->msix_pos = pos;
		}
		if (hdr[0] == PCI_CAP_ID_VNDR) {
			if (pos + sizeof(cap) > 0x100 ||
			    rte_pci_read_config(vp->pci, &cap, sizeof(cap), pos) !=
					sizeof(cap) || cap.cap_len < sizeof(cap)) {
				VIRTNET_INIT_LOG(ERR, "%s: virtio capability at 0x%x is truncated",
					vp_name(vp), pos);
				return -EINVAL;
			}
			ret = vp_take_cap(vp, pos, &cap);
			if (ret < 0)
				return ret;
		}
		pos = hdr[1];
	}
	if (i == VIRTNET_PCI_MAX_CAPS) {
		VIRTNET_INIT_LOG(ERR, "%s: capability list does not end", vp_name(vp));
		return -EINVAL;
	}
	return vp->common && vp->notify_base && vp->isr && vp->dev_cfg;
}

/* Whether MSI-X is on in the function (VFIO turns it on with interrupts). */
static bool
vp_msix_enabled(const struct virtnet_pci *vp)
{
	uint16_t flags;

	if (!vp->msix || rte_pci_read_config(vp->pci, &flags, sizeof(flags),
			vp->msix_pos + PCI_MSIX_FLAGS) != sizeof(flags))
		return false;
	return !!(flags & PCI_MSIX_FLAGS_ENABLE);
}

/* Rx queue n's virtqueue (2n) raises vector n + 1; the rest none. */
static uint16_t
vp_queue_vector(const struct virtnet_pci *vp, uint16_t qid)
{
	if (qid % 2 == 0 && qid / 2 < vp->rx_vecs)
		return (uint16_t)(qid / 2 + RTE_INTR_VEC_RXTX_OFFSET);
	return VIRTIO_MSI_NO_VECTOR;
}

/*
 * With MSI-X, config changes go to vector 0; a reset forgets it, so it is
 * set again after every reset. The device answers NO_VECTOR when it could
 * not take the vector.
 */
static int
vp_config_vector(struct virtnet_pci *vp)
{
	uint16_t vec;

	if (!vp->intr_on || !vp_msix_enabled(vp))
		return 0;
	if (vp->io_mapped) {
		rte_pci_ioport_write(&vp->io, &(uint16_t){ 0 }, 2,
			VIRTIO_PCI_LEGACY_MSIX_CONFIG);
		rte_pci_ioport_read(&vp->io, &vec, 2,
			VIRTIO_PCI_LEGACY_MSIX_CONFIG);
	} else {
		rte_write16(0, &vp->common->config_msix_vector);
		vec = rte_read16(&vp->common->config_msix_vector);
	}
	if (vec == VIRTIO_MSI_NO_VECTOR) {
		VIRTNET_LOG(WARNING, "%s: device refused MSI-X vector 0 for config changes",
			vp_name(vp));
		return -ENOTSUP;
	}
	return 0;
}

/* ---- modern ops ---- */

static uint8_t
vpm_get_status(void *t)
{
	struct virtnet_pci *vp = t;

	return rte_read8(&vp->common->device_status);
}

#ifdef VIRTNET_TEST_HOOKS
/*
 * Test hooks of tests/test_pci_faults.sh, in builds with tests only: a
 * file-backed function cannot change by itself. While the file named by
 * VIRTNET_TEST_PCI_RESET exists, a reset is not asked, so the device
 * keeps its status (a reset that never completes); with
 * VIRTNET_TEST_PCI_GEN "unstable" the config generation moves during
 * every config read (a config that keeps changing).
 */
static bool
vp_reset_stuck(void)
{
	const char *f = getenv("VIRTNET_TEST_PCI_RESET");

	return f != NULL && access(f, F_OK) == 0;
}

static void
vp_test_gen_move(struct virtnet_pci *vp)
{
	const char *v = getenv("VIRTNET_TEST_PCI_GEN");

	if (v != NULL && strcmp(v, "unstable") == 0)
		rte_write8(rte_read8(&vp->common->config_generation) + 1,
			&vp->common->config_generation);
}
#else
static bool
vp_reset_stuck(void)
{
	return false;
}

static void
vp_test_gen_move(struct virtnet_pci *vp __rte_unused)
{
}
#endif

static int
vpm_reset(void *t)
{
	struct virtnet_pci *vp = t;
	uint64_t end = rte_get_timer_cycles() +
		rte_get_timer_hz() * VIRTNET_PCI_RESET_MS / 1000;

	if (!vp_reset_stuck())
		rte_write8(0, &vp->common->device_status);
	/* The reset is done when the status reads back 0 (4.1.4.3.2). */
	while (rte_read8(&vp->common->device_status) != 0) {
		if (rte_get_timer_cycles() > end) {
			VIRTNET_LOG(ERR, "%s: device did not finish reset",
				vp_name(vp));
			return -ETIMEDOUT;
		}
		rte_delay_us_sleep(1000);
	}
	vp_config_vector(vp);
	return 0;
}

static int
vpm_set_status(void *t, uint8_t status)
{
	struct virtnet_pci *vp = t;

	rte_write8(status, &vp->common->device_status);
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(rte_read8(&vp->common->device_status) &
			VIRTIO_CONFIG_S_FEATURES_OK))
		return -EIO;
	return 0;
}

static uint64_t
vpm_get_features(void *t)
{
	struct virtnet_pci *vp = t;
	uint64_t lo, hi;

	rte_write32(0, &vp->common->device_feature_select);
	lo = rte_read32(&vp->common->device_feature);
	rte_write32(1, &vp->common->device_feature_select);
	hi = rte_read32(&vp->common->device_feature);
	/* A common config without queue_reset cannot reset a queue. */
	if (vp->common_len < VP_COMMON_RESET_END)
		hi &= ~(1ULL << (VIRTIO_F_RING_RESET - 32));
	return lo | hi << 32;
}

static int
vpm_set_features(void *t, uint64_t features)
{
	struct virtnet_pci *vp = t;

	rte_write32(0, &vp->common->driver_feature_select);
	rte_write32((uint32_t)features, &vp->common->driver_feature);
	rte_write32(1, &vp->common->driver_feature_select);
	rte_write32((uint32_t)(features >> 32), &vp->common->driver_feature);
	vp->notify_data = (features >> VIRTIO_F_NOTIFICATION_DATA) & 1;
	return 0;
}

/*
 * Queues the device has now: QEMU's virtio-net adds its queue pairs when
 * MQ is negotiated, so the count is read each time, never cached.
 */
static uint16_t
vpm_num_queues(struct virtnet_pci *vp)
{
	return RTE_MIN(rte_read16(&vp->common->num_queues), vp->max_queues);
}

/* Byte-wise copy: the device region may not take wider unaligned reads. */
static void
vp_copy_from(void *dst, const volatile uint8_t *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		((uint8_t *)dst)[i] = rte_read8(src + i);
}

static int
vpm_read_config(void *t, size_t off, void *dst, size_t len)
{
	struct virtnet_pci *vp = t;
	size_t n;
	uint8_t gen;
	int i;

	if (off >= vp->dev_cfg_len || off + len < off)
		return -EINVAL;
	/* Fields past a short config read as 0, as for an absent feature. */
	n = RTE_MIN(len, vp->dev_cfg_len - off);
	memset((uint8_t *)dst + n, 0, len - n);
	/* Fields wider than 32 bits may tear: repeat until stable (4.1.4.3). */
	for (i = 0; i < VIRTNET_PCI_GEN_TRIES; i++) {
		gen = rte_read8(&vp->common->config_generation);
		vp_copy_from(dst, vp->dev_cfg + off, n);
		vp_test_gen_move(vp);
		if (rte_read8(&vp->common->config_generation) == gen)
			return 0;
	}
	VIRTNET_LOG(ERR, "%s: device config kept changing", vp_name(vp));
	return -EIO;
}

static int
vpm_write_config(void *t, size_t off, const void *src, size_t len)
{
	struct virtnet_pci *vp = t;
	size_t i;

	if (off + len > vp->dev_cfg_len || off + len < off)
		return -EINVAL;
	for (i = 0; i < len; i++)
		rte_write8(((const uint8_t *)src)[i], vp->dev_cfg + off + i);
	return 0;
}

static uint16_t
vpm_queue_max_size(void *t, uint16_t qid)
{
	struct virtnet_pci *vp = t;

	if (qid >= vpm_num_queues(vp))
		return 0;
	rte_write16(qid, &vp->common->queue_select);
	return rte_read16(&vp->common->queue_size);
}

static void
vp_write64(uint64_t v, uint32_t *lo, uint32_t *hi)
{
	rte_write32((uint32_t)v, lo);
	rte_write32((uint32_t)(v >> 32), hi);
}

static int
vpm_setup_queue(void *t, const struct virtnet_queue_desc *q)
{
	struct virtnet_pci *vp = t;
	struct virtio_pci_common_cfg *c = vp->common;
	size_t width = vp->notify_data ? sizeof(uint32_t) : sizeof(uint16_t);
	uint64_t off;
	uint16_t vec;

	if (q->qid >= vpm_num_queues(vp))
		return -EINVAL;
	rte_write16(q->qid, &c->queue_select);
	rte_write16(q->size, &c->queue_size);
	vp_write64(q->desc, &c->queue_desc_lo, &c->queue_desc_hi);
	vp_write64(q->avail, &c->queue_driver_lo, &c->queue_driver_hi);
	vp_write64(q->used, &c->queue_device_lo, &c->queue_device_hi);
	/* Polled queues: no vector, so no interrupt is ever raised. */
	if (vp_msix_enabled(vp)) {
		vec = vp_queue_vector(vp, q->qid);
		rte_write16(vec, &c->queue_msix_vector);
		if (rte_read16(&c->queue_msix_vector) != vec)
			VIRTNET_LOG(WARNING, "%s: queue %u: device refused MSI-X vector %u; no interrupts from it",
				vp_name(vp), q->qid, vec);
	}
	off = (uint64_t)rte_read16(&c->queue_notify_off) * vp->notify_mult;
	if (off + width > vp->notify_len) {
		VIRTNET_LOG(ERR, "%s: queue %u notify offset %" PRIu64 " is beyond the %u B notify region",
			vp_name(vp), q->qid, off, vp->notify_len);
		return -EINVAL;
	}
	/*
	 * A multiplier that is not an even power of 2 (4.1.4.4), or an odd
	 * region start, would split the notify write: torn on a real BAR.
	 */
	if (((uintptr_t)vp->notify_base + off) % width != 0) {
		VIRTNET_LOG(ERR, "%s: queue %u notify offset %" PRIu64 " (multiplier %u) is not %zu-byte aligned",
			vp_name(vp), q->qid, off, vp->notify_mult, width);
		return -EINVAL;
	}
	vp->notify_addr[q->qid] = (uint16_t *)(vp->notify_base + off);
	return 0;
}

/*
 * Queues are enabled before DRIVER_OK; a reset disables them, and with
 * RING_RESET a queue reset (then they are enabled again).
 */
static int
vpm_enable_queue(void *t, uint16_t qid, bool on)
{
	struct virtnet_pci *vp = t;

	if (qid >= vpm_num_queues(vp))
		return -EINVAL;
	/* Only a queue reset takes a running queue away (reset_queue). */
	if (!on)
		return -ENOTSUP;
	rte_write16(qid, &vp->common->queue_select);
	rte_write16(1, &vp->common->queue_enable);
	return 0;
}

/*
 * 4.1.4.3.2: write 1 to queue_reset; the reset is complete when it reads
 * back 0, and queue_enable reads 0 too.
 */
static int
vpm_reset_queue(void *t, uint16_t qid)
{
	struct virtnet_pci *vp = t;
	struct virtio_pci_common_cfg *c = vp->common;
	uint64_t end = rte_get_timer_cycles() +
		rte_get_timer_hz() * VIRTNET_PCI_RESET_MS / 1000;

	if (vp->common_len < VP_COMMON_RESET_END)
		return -ENOTSUP;
	if (qid >= vpm_num_queues(vp))
		return -EINVAL;
	rte_write16(qid, &c->queue_select);
	rte_write16(1, &c->queue_reset);
	while (rte_read16(&c->queue_reset) != 0 ||
	       rte_read16(&c->queue_enable) != 0) {
		if (rte_get_timer_cycles() > end) {
			VIRTNET_LOG(ERR, "%s: queue %u did not finish its reset",
				vp_name(vp), qid);
			return -ETIMEDOUT;
		}
		rte_delay_us_sleep(100);
	}
	return 0;
}

/* The legacy interface has no queue reset (nor RING_RESET). */
static int
vpl_reset_queue(void *t __rte_unused, uint16_t qid __rte_unused)
{
	return -ENOTSUP;
}

static void
vpm_notify(void *t, uint16_t qid, uint16_t next)
{
	struct virtnet_pci *vp = t;

	if (vp->notify_data)
		rte_write32((uint32_t)next << 16 | qid, vp->notify_addr[qid]);
	else
		rte_write16(qid, vp->notify_addr[qid]);
}

/* All ones: the device went away (surprise removal reads as 0xff). */
static bool
vp_status_alive(uint8_t st)
{
	return st != 0xff && !(st & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static bool
vpm_alive(void *t)
{
	return vp_status_alive(vpm_get_status(t));
}

static bool
vp_uses_va(void *t __rte_unused)
{
	return false;
}

static uint16_t
vp_msix_table_size(const struct virtnet_pci *vp)
{
	uint16_t flags;

	if (!vp->msix || rte_pci_read_config(vp->pci, &flags, sizeof(flags),
			vp->msix_pos + PCI_MSIX_FLAGS) != sizeof(flags))
		return 0;
	return (uint16_t)((flags & PCI_MSIX_FLAGS_QSIZE) + 1);
}

/*
 * One MSI-X vector per Rx queue after the config one: VFIO's MSI-X
 * handle takes an eventfd per vector; UIO's INTx is one line for all.
 */
static int
vp_rx_intr_check(void *t, uint16_t n)
{
	struct virtnet_pci *vp = t;
	struct rte_intr_handle *h = vp->pci->intr_handle;
	uint16_t size = vp_msix_table_size(vp);

	if (h == NULL || !rte_intr_cap_multiple(h)) {
		VIRTNET_LOG(ERR, "%s: Rx interrupts need a vector per queue: bind the device to vfio-pci (MSI-X); %s has one interrupt for all",
			vp_name(vp), h != NULL &&
			(rte_intr_type_get(h) == RTE_INTR_HANDLE_UIO ||
			 rte_intr_type_get(h) == RTE_INTR_HANDLE_UIO_INTX) ?
			"UIO" : "this kernel driver");
		return -ENOTSUP;
	}
	if (n + 1u > size || n > RTE_MAX_RXTX_INTR_VEC_ID) {
		VIRTNET_LOG(ERR, "%s: Rx interrupts for %u queues need %u MSI-X vectors; the device has %u",
			vp_name(vp), n, n + 1, size);
		return -ENOTSUP;
	}
	return 0;
}

static int
vp_rx_intr_setup(void *t, uint16_t n)
{
	struct virtnet_pci *vp = t;
	struct rte_intr_handle *h = vp->pci->intr_handle;
	uint16_t i;
	int ret = 0;

	/* A stop that took the config interrupt away took MSI-X with it. */
	if (n == vp->rx_vecs && (n == 0 || vp_msix_enabled(vp)))
		return 0;
	if (n == vp->rx_vecs)
		return rte_intr_enable(h) == 0 ? 0 : -EIO;
	if (n > 0 && vp_rx_intr_check(vp, n) < 0)
		return -ENOTSUP;
	rte_intr_disable(h);
	rte_intr_efd_disable(h);
	rte_intr_vec_list_free(h);
	vp->rx_vecs = 0;
	if (n > 0 && (rte_intr_efd_enable(h, n) != 0 ||
	    rte_intr_vec_list_alloc(h, "virtnet_rxintr", n) != 0))
		ret = -ENOMEM;
	for (i = 0; ret == 0 && i < n; i++)
		if (rte_intr_vec_list_index_set(h, i,
				RTE_INTR_VEC_RXTX_OFFSET + i) != 0)
			ret = -EINVAL;
	if (ret < 0) {
		rte_intr_efd_disable(h);
		rte_intr_vec_list_free(h);
		n = 0;
	}
	/* The config vector goes with the same enable (VFIO: all at once). */
	if (ret == 0 && (n > 0 || vp->intr_on) && rte_intr_enable(h) != 0) {
		rte_intr_efd_disable(h);
		rte_intr_vec_list_free(h);
		ret = -EIO;
	}
	vp->rx_vecs = ret == 0 ? n : 0;
	if (ret < 0)
		VIRTNET_LOG(ERR, "%s: Rx interrupt vectors: %s", vp_name(vp),
			rte_strerror(-ret));
	return ret;
}

static int
vp_queue_intr_fd(void *t, uint16_t qid)
{
	struct virtnet_pci *vp = t;

	if (vp_queue_vector(vp, qid) == VIRTIO_MSI_NO_VECTOR)
		return -ENOTSUP;
	return rte_intr_efds_index_get(vp->pci->intr_handle, qid / 2);
}

static void
vp_intr_handler(void *arg)
{
	struct virtnet_pci *vp = arg;
	uint8_t isr;

	/* The only vector in use is the config one; INTx needs the ISR. */
	if (vp_msix_enabled(vp))
		isr = VIRTIO_PCI_ISR_CONFIG;
	else if (vp->io_mapped)
		rte_pci_ioport_read(&vp->io, &isr, 1, VIRTIO_PCI_LEGACY_ISR);
	else
		isr = rte_read8(vp->isr);	/* reading clears it */
	rte_intr_ack(vp->pci->intr_handle);
	if (isr & VIRTIO_PCI_ISR_CONFIG)
		vp->cb(vp->cb_arg, VIRTNET_EVENT_CONFIG);
}

static bool
vp_has_config_intr(void *t)
{
	const struct virtnet_pci *vp = t;
	const struct rte_intr_handle *h = vp->pci->intr_handle;

	return h != NULL && rte_intr_type_get(h) != RTE_INTR_HANDLE_UNKNOWN;
}

/*
 * Config changes raise the config vector (MSI-X vector 0 with VFIO) or
 * INTx with the ISR config bit (UIO).
 */
static int
vp_config_intr_enable(void *t)
{
	struct virtnet_pci *vp = t;
	struct rte_intr_handle *h = vp->pci->intr_handle;

	if (vp->intr_on)
		return 0;
	if (!vp_has_config_intr(vp) ||
	    rte_intr_callback_register(h, vp_intr_handler, vp) != 0)
		return -ENOTSUP;
	if (rte_intr_enable(h) != 0) {
		rte_intr_callback_unregister(h, vp_intr_handler, vp);
		return -ENOTSUP;
	}
	vp->intr_on = true;
	return vp_config_vector(vp);
}

static void
vp_config_intr_disable(void *t)
{
	struct virtnet_pci *vp = t;

	if (!vp->intr_on)
		return;
	rte_intr_disable(vp->pci->intr_handle);
	rte_intr_callback_unregister_sync(vp->pci->intr_handle,
		vp_intr_handler, vp);
	vp->intr_on = false;
}

static void
vp_close(void *t)
{
	struct virtnet_pci *vp = t;

	vp_config_intr_disable(vp);
	vp_rx_intr_setup(vp, 0);
	if (vp->io_mapped)
		rte_pci_ioport_unmap(&vp->io);
	free(vp->notify_addr);
	free(vp);
}

const struct virtnet_transport_ops virtnet_pci_modern_ops = {
	.name = "pci-modern",
	.legacy = false,
	/*
	 * Descriptors carry IOVAs, which is what the IOMMU translates;
	 * notifications can say where the next buffer goes.
	 */
	.features = (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
		(1ULL << VIRTIO_F_NOTIFICATION_DATA) |
		(1ULL << VIRTIO_F_RING_RESET),
	.reset = vpm_reset,
	.get_status = vpm_get_status,
	.set_status = vpm_set_status,
	.get_features = vpm_get_features,
	.set_features = vpm_set_features,
	.read_config = vpm_read_config,
	.write_config = vpm_write_config,
	.queue_max_size = vpm_queue_max_size,
	.setup_queue = vpm_setup_queue,
	.enable_queue = vpm_enable_queue,
	.notify = vpm_notify,
	.alive = vpm_alive,
	.uses_va = vp_uses_va,
	.has_config_intr = vp_has_config_intr,
	.config_intr_enable = vp_config_intr_enable,
	.config_intr_disable = vp_config_intr_disable,
	.reset_queue = vpm_reset_queue,
	.queue_intr_fd = vp_queue_intr_fd,
	.rx_intr_check = vp_rx_intr_check,
	.rx_intr_setup = vp_rx_intr_setup,
	.close = vp_close,
};

/* ---- legacy ops ---- */

static uint8_t
vpl_read8(struct virtnet_pci *vp, off_t off)
{
	uint8_t v;

	rte_pci_ioport_read(&vp->io, &v, 1, off);
	return v;
}

static uint16_t
vpl_read16(struct virtnet_pci *vp, off_t off)
{
	uint16_t v;

	rte_pci_ioport_read(&vp->io, &v, 2, off);
	return v;
}

static void
vpl_write(struct virtnet_pci *vp, off_t off, uint32_t v, size_t len)
{
	rte_pci_ioport_write(&vp->io, &v, len, off);
}

/* Device config moves by 4 bytes while MSI-X is enabled. */
static off_t
vpl_config_off(const struct virtnet_pci *vp)
{
	return VIRTIO_PCI_LEGACY_CONFIG(vp_msix_enabled(vp));
}

static uint8_t
vpl_get_status(void *t)
{
	return vpl_read8(t, VIRTIO_PCI_LEGACY_STATUS);
}

static int
vpl_reset(void *t)
{
	struct virtnet_pci *vp = t;

	vpl_write(vp, VIRTIO_PCI_LEGACY_STATUS, 0, 1);
	/* Legacy devices reset synchronously; the read flushes the write. */
	vpl_get_status(t);
	vp_config_vector(vp);
	return 0;
}

static int
vpl_set_status(void *t, uint8_t status)
{
	struct virtnet_pci *vp = t;

	vpl_write(vp, VIRTIO_PCI_LEGACY_STATUS, status, 1);
	return 0;
}

static uint64_t
vpl_get_features(void *t)
{
	struct virtnet_pci *vp = t;
	uint32_t f;

	rte_pci_ioport_read(&vp->io, &f, 4, VIRTIO_PCI_LEGACY_HOST_FEATURES);
	return f;
}

static int
vpl_set_features(void *t, uint64_t features)
{
	struct virtnet_pci *vp = t;

	if (features >> 32) {
		VIRTNET_LOG(ERR, "%s: legacy devices take 32 feature bits, not 0x%" PRIx64,
			vp_name(vp), features);
		return -EINVAL;
	}
	vpl_write(vp, VIRTIO_PCI_LEGACY_GUEST_FEATURES, (uint32_t)features, 4);
	return 0;
}

static int
vpl_read_config(void *t, size_t off, void *dst, size_t len)
{
	struct virtnet_pci *vp = t;

	if (off + len > sizeof(struct virtio_net_config))
		return -EINVAL;
	rte_pci_ioport_read(&vp->io, dst, len, vpl_config_off(vp) + off);
	return 0;
}

static int
vpl_write_config(void *t, size_t off, const void *src, size_t len)
{
	struct virtnet_pci *vp = t;

	if (off + len > sizeof(struct virtio_net_config))
		return -EINVAL;
	rte_pci_ioport_write(&vp->io, src, len, vpl_config_off(vp) + off);
	return 0;
}

static uint16_t
vpl_queue_max_size(void *t, uint16_t qid)
{
	struct virtnet_pci *vp = t;

	vpl_write(vp, VIRTIO_PCI_LEGACY_QUEUE_SEL, qid, 2);
	return vpl_read16(vp, VIRTIO_PCI_LEGACY_QUEUE_NUM);
}

/* One page-aligned ring in the legacy layout, at the size the device has. */
static int
vpl_setup_queue(void *t, const struct virtnet_queue_desc *q)
{
	struct virtnet_pci *vp = t;
	uint64_t pfn = q->desc >> VIRTIO_PCI_LEGACY_PFN_SHIFT;

	if (q->packed || q->desc & (VIRTIO_VRING_ALIGN - 1) ||
	    q->avail != q->desc + vring_desc_size(q->size) ||
	    q->used != q->desc + vring_used_offset(q->size) || pfn >> 32 ||
	    q->size != vpl_queue_max_size(t, q->qid)) {
		VIRTNET_LOG(ERR, "%s: queue %u cannot be given to a legacy device (size %u, at 0x%" PRIx64 ")",
			vp_name(vp), q->qid, q->size, q->desc);
		return -EINVAL;
	}
	if (vp_msix_enabled(vp))
		vpl_write(vp, VIRTIO_PCI_LEGACY_MSIX_QUEUE,
			vp_queue_vector(vp, q->qid), 2);
	vpl_write(vp, VIRTIO_PCI_LEGACY_QUEUE_PFN, (uint32_t)pfn, 4);
	return 0;
}

/* A legacy queue runs once its PFN is set. */
static int
vpl_enable_queue(void *t __rte_unused, uint16_t qid __rte_unused,
		bool on __rte_unused)
{
	return 0;
}

static void
vpl_notify(void *t, uint16_t qid, uint16_t next __rte_unused)
{
	vpl_write(t, VIRTIO_PCI_LEGACY_QUEUE_NOTIFY, qid, 2);
}

static bool
vpl_alive(void *t)
{
	return vp_status_alive(vpl_get_status(t));
}

const struct virtnet_transport_ops virtnet_pci_legacy_ops = {
	.name = "pci-legacy",
	.legacy = true,
	.reset = vpl_reset,
	.get_status = vpl_get_status,
	.set_status = vpl_set_status,
	.get_features = vpl_get_features,
	.set_features = vpl_set_features,
	.read_config = vpl_read_config,
	.write_config = vpl_write_config,
	.queue_max_size = vpl_queue_max_size,
	.setup_queue = vpl_setup_queue,
	.enable_queue = vpl_enable_queue,
	.notify = vpl_notify,
	.alive = vpl_alive,
	.uses_va = vp_uses_va,
	.has_config_intr = vp_has_config_intr,
	.config_intr_enable = vp_config_intr_enable,
	.config_intr_disable = vp_config_intr_disable,
	.reset_queue = vpl_reset_queue,
	.queue_intr_fd = vp_queue_intr_fd,
	.rx_intr_check = vp_rx_intr_check,
	.rx_intr_setup = vp_rx_intr_setup,
	.close = vp_close,
};

/* ---- probe ---- */

static int
vp_modern_init(struct virtnet_pci *vp)
{
	uint16_t n = rte_read16(&vp->common->num_queues);

	if (n == 0) {
		VIRTNET_INIT_LOG(ERR, "%s: device offers no virtqueues",
			vp_name(vp));
		return -ENODEV;
	}
	/* Room for every pair the driver can use and the control queue. */
	vp->max_queues = RTE_MAX(n, VIRTNET_PCI_MAX_QUEUES);
	vp->notify_addr = calloc(vp->max_queues, sizeof(*vp->notify_addr));
	return vp->notify_addr == NULL ? -ENOMEM : 0;
}

static int
vp_legacy_init(struct virtnet_pci *vp)
{
	if (rte_pci_ioport_map(vp->pci, 0, &vp->io) != 0) {
		VIRTNET_INIT_LOG(ERR, "%s: legacy device: I/O BAR 0 cannot be mapped (bound to a UIO/VFIO driver?)",
			vp_name(vp));
		return -EIO;
	}
	vp->io_mapped = true;
	if (vpl_queue_max_size(vp, 0) == 0) {
		VIRTNET_INIT_LOG(ERR, "%s: device offers no virtqueues",
			vp_name(vp));
		return -ENODEV;
	}
	return 0;
}

int
virtnet_pci_create(struct rte_pci_device *pci,
		const struct virtnet_pci_params *prm, void **t,
		const struct virtnet_transport_ops **ops)
{
	struct virtnet_pci *vp;
	int modern, ret;

	/* Process memory: out of reach of the device's DMA. */
	vp = calloc(1, sizeof(*vp));
	if (vp == NULL)
		return -ENOMEM;
	vp->pci = pci;
	vp->cb = prm->cb;
	vp->cb_arg = prm->arg;
	modern = vp_read_caps(vp);
	if (modern < 0) {
		ret = modern;
	} else if (modern && !prm->force_legacy) {
		*ops = &virtnet_pci_modern_ops;
		ret = vp_modern_init(vp);
	} else if (pci->id.device_id == VIRTIO_PCI_NET_LEGACY_ID) {
		*ops = &virtnet_pci_legacy_ops;
		ret = vp_legacy_init(vp);
	} else if (modern) {
		VIRTNET_INIT_LOG(ERR, "%s: force_legacy=1, but a %04x:%04x device has no legacy interface",
			vp_name(vp), pci->id.vendor_id, pci->id.device_id);
		ret = -ENOTSUP;
	} else {
		VIRTNET_INIT_LOG(ERR, "%s: modern device without a usable virtio capability set",
			vp_name(vp));
		ret = -ENODEV;
	}
	if (ret < 0) {
		vp_close(vp);
		return ret;
	}
	*t = vp;
	return 0;
}
