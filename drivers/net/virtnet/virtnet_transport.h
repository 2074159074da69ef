/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_TRANSPORT_H
#define VIRTNET_TRANSPORT_H

/**
 * @file
 * The one interface between the layers above and a virtio transport
 * (vhost-user, PCI modern and legacy). The device layer drives
 * the standard virtio initialisation through these ops; a transport
 * never includes ethdev headers. Events go up through a callback.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What a transport reports upwards. */
enum virtnet_event {
	VIRTNET_EVENT_CONFIG,	/**< config (link status) may have changed */
	VIRTNET_EVENT_LOST,	/**< the device went away */
	VIRTNET_EVENT_READY,	/**< a device is (back) there, reset */
};

/**
 * Called from the transport, possibly in the interrupt thread with the
 * transport's lock free; it must not call back into the transport.
 */
typedef void (*virtnet_event_cb)(void *arg, enum virtnet_event ev);

/** A queue as a transport needs to see it. */
struct virtnet_queue_desc {
	uint16_t qid;		/**< virtio queue index */
	uint16_t size;		/**< ring size */
	bool packed;		/**< packed layout (else split) */
	uint64_t desc;		/**< device address of the descriptor area */
	uint64_t avail;		/**< device address of the driver area */
	uint64_t used;		/**< device address of the device area */
};

/**
 * Transport operations; @p t is the transport's own per-process state.
 * Return values: 0 or a negative errno.
 */
struct virtnet_transport_ops {
	const char *name;
	/**
	 * Legacy (0.9.5) interface: 32 feature bits, no VERSION_1, the
	 * short net header without MRG_RXBUF, split rings only.
	 */
	bool legacy;
	/**
	 * enable_queue(false) on a running device stops the device using
	 * that ring until it is enabled again, the ring and its buffers kept
	 * (vhost-user SET_VRING_ENABLE): a queue can pause without
	 * VIRTIO_F_RING_RESET, though not give its buffers back.
	 */
	bool queue_pause;
	/**
	 * Transport feature bits the transport honours on top of the
	 * driver's own (ACCESS_PLATFORM where DMA goes through the IOMMU).
	 */
	uint64_t features;
	/** Reset the device; every queue stops. */
	int (*reset)(void *t);
	uint8_t (*get_status)(void *t);
	/**
	 * Write the device status. Setting FEATURES_OK commits the driver
	 * features, DRIVER_OK starts the queues set up so far; either fails
	 * with an error when the device refuses.
	 */
	int (*set_status)(void *t, uint8_t status);
	uint64_t (*get_features)(void *t);
	int (*set_features)(void *t, uint64_t features);
	/** Read device config, consistent across multi-field reads. */
	int (*read_config)(void *t, size_t off, void *dst, size_t len);
	int (*write_config)(void *t, size_t off, const void *src, size_t len);
	/** Largest ring the device takes for @p qid; 0 if the queue is absent. */
	uint16_t (*queue_max_size)(void *t, uint16_t qid);
	/**
	 * Tell the device where a queue lives and how large it is (before
	 * DRIVER_OK). A reset forgets every queue.
	 */
	int (*setup_queue)(void *t, const struct virtnet_queue_desc *q);
	/** Let the device process a queue (vhost-user SET_VRING_ENABLE). */
	int (*enable_queue)(void *t, uint16_t qid, bool on);
	/**
	 * Notify the device of new buffers; called from the datapath.
	 * @p next is virtnet_vq_notify_data(), for transports that
	 * negotiated VIRTIO_F_NOTIFICATION_DATA.
	 */
	void (*notify)(void *t, uint16_t qid, uint16_t next);
	/**
	 * Control commands answered in this process (virtio-user: a
	 * vhost-user back-end has no control queue): @p data is the command
	 * as the driver built it in its own memory, and no ring is set up
	 * for the control queue, so nothing the back-end can write steers
	 * the answer. Returns VIRTIO_NET_OK or VIRTIO_NET_ERR, or
	 * -ETIMEDOUT for no answer. NULL: commands go through the ring.
	 */
	int (*ctrl_cmd)(void *t, uint8_t cls, uint8_t cmd, const uint8_t *data,
			uint32_t len);
	/** Whether the device is still there. */
	bool (*alive)(void *t);
	/** Whether descriptors carry virtual addresses rather than IOVAs. */
	bool (*uses_va)(void *t);
	/** Whether config changes can be reported (config_intr_enable). */
	bool (*has_config_intr)(void *t);
	/**
	 * Start reporting config changes (link status, announce) through the
	 * event callback; -ENOTSUP when the transport cannot, and link is
	 * polled. Enabling twice is enabling once.
	 */
	int (*config_intr_enable)(void *t);
	/** Stop reporting config changes; the config is polled. */
	void (*config_intr_disable)(void *t);
	/**
	 * Reset queue @p qid alone (VIRTIO_F_RING_RESET negotiated): when it
	 * returns 0 the device touches the queue no more, and it may be set
	 * up and enabled again. -ENOTSUP without the feature.
	 */
	int (*reset_queue)(void *t, uint16_t qid);
	/**
	 * The eventfd the device signals for queue @p qid's used buffers
	 * while its interrupts are enabled (Rx interrupts), or -ENOTSUP.
	 * NULL: the transport has none.
	 */
	int (*queue_intr_fd)(void *t, uint16_t qid);
	/**
	 * Whether @p n Rx queues can each have an interrupt of their own
	 * (0, or -ENOTSUP with the reason logged). NULL: as many as there
	 * are queues (queue_intr_fd alone serves).
	 */
	int (*rx_intr_check)(void *t, uint16_t n);
	/**
	 * Before the queues are set up: give Rx queues 0..n-1 an interrupt
	 * each (queue_intr_fd), none with @p n 0. NULL: nothing to set up.
	 */
	int (*rx_intr_setup)(void *t, uint16_t n);
	/** Release the transport's state. */
	void (*close)(void *t);
};

/**
 * How one process reaches one device: the ops and the transport's state.
 * Lives in process-private memory, as does the state it points to.
 */
struct virtnet_transport {
	const struct virtnet_transport_ops *ops;
	void *priv;
};

/** Notify queue @p qid; @p next as for the notify op. */
static inline void
virtnet_transport_notify(const struct virtnet_transport *t, uint16_t qid,
		uint16_t next)
{
	t->ops->notify(t->priv, qid, next);
}

#endif /* VIRTNET_TRANSPORT_H */
