/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_SPEC_H
#define VIRTNET_SPEC_H

/**
 * @file
 * Wire formats from the virtio 1.x specification (feature bits, device
 * status, split ring layout, net header). Nothing here knows DPDK objects;
 * this is the only header that uses the spec's own names.
 */

#include <stdint.h>
#include <rte_common.h>

/* Device status bits (virtio 1.2, 2.1). */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE	1
#define VIRTIO_CONFIG_S_DRIVER		2
#define VIRTIO_CONFIG_S_DRIVER_OK	4
#define VIRTIO_CONFIG_S_FEATURES_OK	8
#define VIRTIO_CONFIG_S_NEEDS_RESET	0x40
#define VIRTIO_CONFIG_S_FAILED		0x80

/* Device-independent feature bits. */
#define VIRTIO_F_NOTIFY_ON_EMPTY	24
#define VIRTIO_F_ANY_LAYOUT		27
#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_RING_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTIO_F_RING_PACKED		34
#define VIRTIO_F_IN_ORDER		35
#define VIRTIO_F_ORDER_PLATFORM		36
#define VIRTIO_F_SR_IOV			37
#define VIRTIO_F_NOTIFICATION_DATA	38
#define VIRTIO_F_RING_RESET		40

/* virtio-net feature bits (virtio 1.2, 5.1.3). */
#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2
#define VIRTIO_NET_F_MTU		3
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_GUEST_TSO4		7
#define VIRTIO_NET_F_GUEST_TSO6		8
#define VIRTIO_NET_F_GUEST_ECN		9
#define VIRTIO_NET_F_GUEST_UFO		10
#define VIRTIO_NET_F_HOST_TSO4		11
#define VIRTIO_NET_F_HOST_TSO6		12
#define VIRTIO_NET_F_HOST_ECN		13
#define VIRTIO_NET_F_HOST_UFO		14
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16
#define VIRTIO_NET_F_CTRL_VQ		17
#define VIRTIO_NET_F_CTRL_RX		18
#define VIRTIO_NET_F_CTRL_VLAN		19
#define VIRTIO_NET_F_CTRL_RX_EXTRA	20
#define VIRTIO_NET_F_GUEST_ANNOUNCE	21
#define VIRTIO_NET_F_MQ			22
#define VIRTIO_NET_F_CTRL_MAC_ADDR	23
#define VIRTIO_NET_F_NOTF_COAL		53
#define VIRTIO_NET_F_HASH_REPORT	57
#define VIRTIO_NET_F_RSS		60
#define VIRTIO_NET_F_SPEED_DUPLEX	63
#define VIRTIO_NET_F_GUEST_USO4		54
#define VIRTIO_NET_F_GUEST_USO6		55
#define VIRTIO_NET_F_HOST_USO		56

/* virtio-net config space status field. */
#define VIRTIO_NET_S_LINK_UP		1
#define VIRTIO_NET_S_ANNOUNCE		2

/* Control queue (5.1.6.5): class, command, data; the device writes a
 * one-byte ack.
 */
struct virtio_net_ctrl_hdr {
	uint8_t class;
	uint8_t cmd;
};
#define VIRTIO_NET_OK			0
#define VIRTIO_NET_ERR			1
/* Data: one byte, 0 off, 1 on. ALLUNI and the NO* ones: CTRL_RX_EXTRA. */
#define VIRTIO_NET_CTRL_RX		0
#define VIRTIO_NET_CTRL_RX_PROMISC	0
#define VIRTIO_NET_CTRL_RX_ALLMULTI	1
#define VIRTIO_NET_CTRL_RX_ALLUNI	2
#define VIRTIO_NET_CTRL_RX_NOMULTI	3
#define VIRTIO_NET_CTRL_RX_NOUNI	4
#define VIRTIO_NET_CTRL_RX_NOBCAST	5
/*
 * TABLE_SET (CTRL_RX): two struct virtio_net_ctrl_mac, unicast then
 * multicast, the addresses received besides the device's own.
 * ADDR_SET (CTRL_MAC_ADDR): the device's own address, 6 bytes.
 */
#define VIRTIO_NET_CTRL_MAC		1
#define VIRTIO_NET_CTRL_MAC_TABLE_SET	0
#define VIRTIO_NET_CTRL_MAC_ADDR_SET	1
/* Data: a 16-bit little-endian VLAN id (CTRL_VLAN). */
#define VIRTIO_NET_CTRL_VLAN		2
#define VIRTIO_NET_CTRL_VLAN_ADD	0
#define VIRTIO_NET_CTRL_VLAN_DEL	1
#define VIRTIO_NET_CTRL_ANNOUNCE	3
#define VIRTIO_NET_CTRL_ANNOUNCE_ACK	0
#define VIRTIO_NET_CTRL_MQ		4
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET	0
/* Data: struct virtio_net_rss_config (RSS; HASH_CONFIG: HASH_REPORT). */
#define VIRTIO_NET_CTRL_MQ_RSS_CONFIG	1
#define VIRTIO_NET_CTRL_MQ_HASH_CONFIG	2
/* Data: a 64-bit little-endian mask of VIRTIO_NET_F_GUEST_* bit numbers. */
#define VIRTIO_NET_CTRL_GUEST_OFFLOADS	5
#define VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET 0

/*
 * Notification coalescing (NOTF_COAL, virtio 1.3 5.1.6.5.9): the device
 * notifies used buffers after max_usecs or max_packets, whichever first.
 */
#define VIRTIO_NET_CTRL_NOTF_COAL	6
#define VIRTIO_NET_CTRL_NOTF_COAL_TX_SET 0
#define VIRTIO_NET_CTRL_NOTF_COAL_RX_SET 1

/** Data of VIRTIO_NET_CTRL_NOTF_COAL_TX_SET / _RX_SET. */
struct virtio_net_ctrl_coal {
	uint32_t max_packets;	/**< little-endian */
	uint32_t max_usecs;	/**< little-endian */
};

/** One MAC table of VIRTIO_NET_CTRL_MAC_TABLE_SET (5.1.6.5.2). */
struct virtio_net_ctrl_mac {
	uint32_t entries;	/**< little-endian */
	uint8_t macs[][6];
} __rte_packed;

/*
 * Hash types (5.1.6.5.7.4): supported_hash_types in the config, hash_types
 * in the RSS/hash configuration. A report of type r (5.1.6.4.3.4) is for
 * hash type bit r - 1.
 */
#define VIRTIO_NET_RSS_HASH_TYPE_IPv4	(1u << 0)
#define VIRTIO_NET_RSS_HASH_TYPE_TCPv4	(1u << 1)
#define VIRTIO_NET_RSS_HASH_TYPE_UDPv4	(1u << 2)
#define VIRTIO_NET_RSS_HASH_TYPE_IPv6	(1u << 3)
#define VIRTIO_NET_RSS_HASH_TYPE_TCPv6	(1u << 4)
#define VIRTIO_NET_RSS_HASH_TYPE_UDPv6	(1u << 5)
#define VIRTIO_NET_RSS_HASH_TYPE_IP_EX	(1u << 6)
#define VIRTIO_NET_RSS_HASH_TYPE_TCP_EX	(1u << 7)
#define VIRTIO_NET_RSS_HASH_TYPE_UDP_EX	(1u << 8)
#define VIRTIO_NET_RSS_HASH_TYPES_ALL	0x1ffu
#define VIRTIO_NET_HASH_REPORT_NONE	0
#define VIRTIO_NET_HASH_REPORT_MAX	9

/*
 * The fixed head of VIRTIO_NET_CTRL_MQ_RSS_CONFIG / HASH_CONFIG; then
 * le16 indirection_table[mask + 1], le16 max_tx_vq, u8 hash_key_length,
 * u8 hash_key_data[hash_key_length] (5.1.6.5.7.1).
 */
struct virtio_net_rss_config_head {
	uint32_t hash_types;
	uint16_t indirection_table_mask;
	uint16_t unclassified_queue;
} __rte_packed;

/* Limits from the spec. */
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN	1
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX	0x8000
#define VIRTIO_SPLIT_RING_MAX		32768

/** Device configuration layout of a virtio-net device (5.1.4). */
struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
	uint16_t mtu;
	uint32_t speed;
	uint8_t duplex;
	uint8_t rss_max_key_size;
	uint16_t rss_max_indirection_table_length;
	uint32_t supported_hash_types;
} __rte_packed;

/* Split virtqueue descriptor flags (2.7.5). */
#define VRING_DESC_F_NEXT		1
#define VRING_DESC_F_WRITE		2
#define VRING_DESC_F_INDIRECT		4

/* Event suppression flags of the split ring. */
#define VRING_AVAIL_F_NO_INTERRUPT	1
#define VRING_USED_F_NO_NOTIFY		1

/** Split ring descriptor. */
struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/** Split ring driver area; ring[] is followed by used_event. */
struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

/** Split ring used element. */
struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

/** Split ring device area; ring[] is followed by avail_event. */
struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
};

/* Packed ring descriptor flags (2.8). */
#define VRING_PACKED_DESC_F_AVAIL	(1 << 7)
#define VRING_PACKED_DESC_F_USED	(1 << 15)

/* Packed ring event suppression flags (2.8.10). */
#define VRING_PACKED_EVENT_FLAG_ENABLE	0
#define VRING_PACKED_EVENT_FLAG_DISABLE	1
#define VRING_PACKED_EVENT_FLAG_DESC	2
/* off_wrap: bit 15 is the wrap counter the offset belongs to. */
#define VRING_PACKED_EVENT_F_WRAP_CTR	15

/** Packed ring descriptor. */
struct vring_packed_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;
};

/** Packed ring event suppression structure (driver and device areas). */
struct vring_packed_desc_event {
	uint16_t off_wrap;
	uint16_t flags;
};

/** Largest packed ring (2.8: queue size up to 2^15). */
#define VIRTIO_PACKED_RING_MAX		32768

/** Alignment of the used ring in the legacy layout (2.7.2). */
#define VIRTIO_VRING_ALIGN		4096

/* virtio_net_hdr flags and gso types (5.1.6). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_F_DATA_VALID	2
#define VIRTIO_NET_HDR_F_RSC_INFO	4
#define VIRTIO_NET_HDR_GSO_NONE		0
#define VIRTIO_NET_HDR_GSO_TCPV4	1
#define VIRTIO_NET_HDR_GSO_UDP		3
#define VIRTIO_NET_HDR_GSO_TCPV6	4
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#define VIRTIO_NET_HDR_GSO_ECN		0x80

/** Packet header without mergeable buffers, legacy devices. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

/** Packet header with num_buffers (VERSION_1 or MRG_RXBUF). */
struct virtio_net_hdr_mrg_rxbuf {
	struct virtio_net_hdr hdr;
	uint16_t num_buffers;
};

/** Packet header with the hash report (VIRTIO_NET_F_HASH_REPORT). */
struct virtio_net_hdr_v1_hash {
	struct virtio_net_hdr_mrg_rxbuf hdr;
	uint32_t hash_value;
	uint16_t hash_report;
	uint16_t padding;
};

/** Bytes of the split ring's descriptor table. */
static inline size_t
vring_desc_size(uint16_t num)
{
	return sizeof(struct vring_desc) * num;
}

/** Offset of the used ring from the start of a split ring. */
static inline size_t
vring_used_offset(uint16_t num)
{
	size_t avail_end = vring_desc_size(num) + sizeof(struct vring_avail) +
		sizeof(uint16_t) * ((size_t)num + 1);

	return RTE_ALIGN_CEIL(avail_end, VIRTIO_VRING_ALIGN);
}

/** Bytes of a whole split ring in the legacy contiguous layout. */
static inline size_t
vring_size(uint16_t num)
{
	return vring_used_offset(num) + sizeof(struct vring_used) +
		sizeof(struct vring_used_elem) * num + sizeof(uint16_t);
}

/* ---- PCI transport (4.1) ---- */

#define VIRTIO_PCI_VENDOR_ID		0x1af4
#define VIRTIO_PCI_NET_LEGACY_ID	0x1000	/**< transitional/legacy net */
#define VIRTIO_PCI_NET_MODERN_ID	0x1041	/**< 0x1040 + device type 1 */

/* Vendor-specific capability types (4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_PCI_CFG		5

/** struct virtio_pci_cap: a vendor capability naming a BAR region. */
struct virtio_pci_cap {
	uint8_t cap_vndr;	/**< PCI_CAP_ID_VNDR (0x09) */
	uint8_t cap_next;
	uint8_t cap_len;
	uint8_t cfg_type;	/**< VIRTIO_PCI_CAP_* */
	uint8_t bar;
	uint8_t id;
	uint8_t padding[2];
	uint32_t offset;	/**< in the BAR */
	uint32_t length;
};

/** The notify capability carries the queue notify offset multiplier. */
struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;
	uint32_t notify_off_multiplier;
};

/** struct virtio_pci_common_cfg (4.1.4.3), through queue_reset. */
struct virtio_pci_common_cfg {
	uint32_t device_feature_select;
	uint32_t device_feature;
	uint32_t driver_feature_select;
	uint32_t driver_feature;
	uint16_t config_msix_vector;
	uint16_t num_queues;
	uint8_t device_status;
	uint8_t config_generation;
	uint16_t queue_select;
	uint16_t queue_size;
	uint16_t queue_msix_vector;
	uint16_t queue_enable;
	uint16_t queue_notify_off;
	uint32_t queue_desc_lo;
	uint32_t queue_desc_hi;
	uint32_t queue_driver_lo;
	uint32_t queue_driver_hi;
	uint32_t queue_device_lo;
	uint32_t queue_device_hi;
	uint16_t queue_notify_data;
	uint16_t queue_reset;
};

#define VIRTIO_MSI_NO_VECTOR		0xffff
#define VIRTIO_PCI_ISR_QUEUE		1
#define VIRTIO_PCI_ISR_CONFIG		2

/* Legacy interface: registers at the start of I/O BAR 0 (4.1.4.8). */
#define VIRTIO_PCI_LEGACY_HOST_FEATURES	0	/* 32 bits, read */
#define VIRTIO_PCI_LEGACY_GUEST_FEATURES 4	/* 32 bits, write */
#define VIRTIO_PCI_LEGACY_QUEUE_PFN	8	/* 32 bits */
#define VIRTIO_PCI_LEGACY_QUEUE_NUM	12	/* 16 bits, read */
#define VIRTIO_PCI_LEGACY_QUEUE_SEL	14	/* 16 bits */
#define VIRTIO_PCI_LEGACY_QUEUE_NOTIFY	16	/* 16 bits */
#define VIRTIO_PCI_LEGACY_STATUS	18	/* 8 bits */
#define VIRTIO_PCI_LEGACY_ISR		19	/* 8 bits, read clears */
#define VIRTIO_PCI_LEGACY_MSIX_CONFIG	20	/* 16 bits, MSI-X on only */
#define VIRTIO_PCI_LEGACY_MSIX_QUEUE	22	/* 16 bits, MSI-X on only */
/* Device config follows at 20, or at 24 while MSI-X is enabled. */
#define VIRTIO_PCI_LEGACY_CONFIG(msix)	((msix) ? 24 : 20)
/* Legacy rings are given by page frame number of 4096-byte pages. */
#define VIRTIO_PCI_LEGACY_PFN_SHIFT	12
/** Legacy net header: without MRG_RXBUF it has no num_buffers. */
#define VIRTIO_NET_HDR_LEGACY_LEN	10

#endif /* VIRTNET_SPEC_H */
