#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A virtio-net PCI function in a directory: a sysfs tree DPDK's PCI bus
reads (SYSFS_PCI_DEVICES), a config space and a memory BAR backed by
files. Faults that QEMU's device never shows are put in on purpose, one
per variant; "good" is the control, which virtnet must probe;
"notify-data" offers VIRTIO_F_NOTIFICATION_DATA, which QEMU 7.2 does not;
"cq-silent" a control queue that never answers.

  mkdev.py VARIANT SYSFS_DIR CONFIG_FILE UIO_NUM
"""
import os
import struct
import sys

BDF = "0000:00:04.0"
BAR = 4
BAR_LEN = 0x4000
BAR_PHYS = 0xfe000000
IORESOURCE_IO, IORESOURCE_MEM = 0x100, 0x200
VNDR, MSIX = 0x09, 0x11
COMMON, NOTIFY, ISR, DEVICE = 1, 2, 3, 4


def vcap(nxt, cfg_type, bar, off, length, cap_len=16, mult=None):
    c = struct.pack("<BBBBBB2xII", VNDR, nxt, cap_len, cfg_type, bar, 0,
                    off, length)
    if mult is not None:
        c += struct.pack("<I", mult)
    return c


def build(v):
    dev_id = 0x1000 if v == "legacy-no-iobar" else 0x1041
    caps = {  # position: (type, bar, offset, length)
        0x40: (COMMON, BAR, 0x0000, 0x1000),
        0x50: (ISR, BAR, 0x1000, 0x1000),
        0x60: (DEVICE, BAR, 0x2000, 0x1000),
        0x70: (NOTIFY, BAR, 0x3000, 0x1000),
    }
    if v == "cap-outside-bar":
        caps[0x40] = (COMMON, BAR, 0x3800, 0x1000)
    if v == "cap-bar-absent":
        caps[0x50] = (ISR, 2, 0x0, 0x1000)
    if v == "cap-bar-invalid":
        caps[0x60] = (DEVICE, 7, 0x0, 0x1000)
    if v == "common-too-short":
        caps[0x40] = (COMMON, BAR, 0x0000, 0x10)
    if v == "isr-len0":          # audit F5: its one byte past the BAR
        caps[0x50] = (ISR, BAR, BAR_LEN, 0)
    if v == "devcfg-len0":
        caps[0x60] = (DEVICE, BAR, 0x2000, 0)
    cfg = bytearray(256)
    struct.pack_into("<HH", cfg, 0, 0x1af4, dev_id)
    struct.pack_into("<H", cfg, 6, 0x10)          # status: capability list
    struct.pack_into("<I", cfg, 8, 0x02000000)    # class: ethernet
    struct.pack_into("<HH", cfg, 0x2c, 0x1af4, 1)
    cfg[0x34] = 0x40
    order = sorted(caps)
    for i, pos in enumerate(order):
        nxt = order[i + 1] if i + 1 < len(order) else 0
        t, bar, off, length = caps[pos]
        if t == NOTIFY:
            clen = 16 if v == "notify-no-mult" else 20
            c = vcap(nxt, t, bar, off, length, clen,
                     3 if v == "notify-mult-odd" else 4)
        else:
            c = vcap(nxt, t, bar, off, length, 8 if (v == "cap-truncated" and
                                                      pos == 0x40) else 16)
        cfg[pos:pos + len(c)] = c
    if v == "cap-ptr-range":
        cfg[0x34] = 0x20
    if v == "cap-loop":
        cfg[0x71] = 0x40                           # notify -> common again
    if v in ("no-caps", "legacy-no-iobar"):
        struct.pack_into("<H", cfg, 6, 0)
        cfg[0x34] = 0
    bar = bytearray(BAR_LEN)
    # common config: device_feature reads the same word for both halves
    # (a file has no select register): bit 0 (CSUM) and bit 32 (VERSION_1)
    # notify-data: bit 6 as well, i.e. bit 38 (NOTIFICATION_DATA); bit 6
    # itself is no feature of virtio-net.
    # cq-silent: bits 17 and 18 (CTRL_VQ, CTRL_RX) too; nobody ever serves
    # the control queue of a file (bits 49 and 50 mean nothing).
    # Device config variants: MAC (bit 5), MTU (3), MQ (22) with or
    # without CTRL_VQ (17), and the config (at 0x2000) they read.
    struct.pack_into("<I", bar, 4, {"no-version-1": 0,
                                    "notify-data": 1 | 1 << 6,
                                    "cq-silent": 1 | 1 << 17 | 1 << 18,
                                    "mq-no-ctrl": 1 | 1 << 22,
                                    "mq-pairs-0": 1 | 1 << 17 | 1 << 22,
                                    "mq-pairs-huge": 1 | 1 << 17 | 1 << 22,
                                    "mq-pairs-max": 1 | 1 << 17 | 1 << 22,
                                    "mtu-0": 1 | 1 << 3,
                                    "mtu-huge": 1 | 1 << 3,
                                    "mac-zero": 1 | 1 << 5,
                                    "mac-multicast": 1 | 1 << 5,
                                    }.get(v, 1))
    devcfg = 0x2000
    if v == "mac-multicast":
        bar[devcfg:devcfg + 6] = bytes([1, 0, 0x5e, 0, 0, 1])
    struct.pack_into("<H", bar, devcfg + 8, {"mq-no-ctrl": 2,
                                             "mq-pairs-0": 0,
                                             "mq-pairs-huge": 0xffff,
                                             "mq-pairs-max": 0x8000,
                                             }.get(v, 0))
    struct.pack_into("<H", bar, devcfg + 10, {"mtu-huge": 0xffff}.get(v, 0))
    struct.pack_into("<H", bar, 0x12, 0 if v == "no-queues" else 3)
    struct.pack_into("<H", bar, 0x18, {"ring-size-zero": 0,
                                        "ring-size-odd": 300}.get(v, 256))
    if v == "notify-off-range":                    # queue_notify_off
        struct.pack_into("<H", bar, 0x1e, 0x1000)
    if v == "notify-mult-odd":                     # 1 x 3: byte 3
        struct.pack_into("<H", bar, 0x1e, 1)
    return dev_id, cfg, bar


def main():
    v, sysfs, cfgfile, uio = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    dev_id, cfg, bar = build(v)
    d = os.path.join(sysfs, BDF)
    os.makedirs(os.path.join(d, "uio", "uio" + uio), exist_ok=True)
    os.makedirs(os.path.join(sysfs, "..", "drivers", "uio_pci_generic"),
                exist_ok=True)
    files = {"vendor": "0x1af4", "device": "0x%04x" % dev_id,
             "subsystem_vendor": "0x1af4", "subsystem_device": "0x0001",
             "class": "0x020000", "numa_node": "-1"}
    for k, val in files.items():
        with open(os.path.join(d, k), "w") as f:
            f.write(val + "\n")
    lines = ["0x0000000000000000 0x0000000000000000 0x0000000000000000"] * 13
    if v != "legacy-no-iobar":
        lines[BAR] = "0x%016x 0x%016x 0x%016x" % (
            BAR_PHYS, BAR_PHYS + BAR_LEN - 1, IORESOURCE_MEM | 0x140000)
    with open(os.path.join(d, "resource"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(d, "resource%d" % BAR), "wb") as f:
        f.write(bar)
    with open(os.path.join(d, "config"), "wb") as f:
        f.write(cfg)
    with open(cfgfile, "wb") as f:
        f.write(cfg)
    link = os.path.join(d, "driver")
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(os.path.join("..", "..", "drivers", "uio_pci_generic"), link)


if __name__ == "__main__":
    main()
