#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/): valid
inputs, in each target's byte layout (see the op enums and readers of
tests/fuzz/fuzz_*.c), that reach deep: full Rx/Tx round trips on every
ring mode, answered control commands, well-formed vhost-user replies and
a modern virtio PCI device with its four capabilities.

Usage: gen_corpus.py [outdir]   (default: tests/fuzz/corpus next to it)
"""

import os
import struct
import sys


def u8(v):
    return struct.pack('<B', v & 0xff)


def u16(v):
    return struct.pack('<H', v & 0xffff)


def u32(v):
    return struct.pack('<I', v & 0xffffffff)


# ---- fuzz_rx ----
RX_POP, RX_RET, RX_RAW, RX_PUB, RX_IDX, RX_RING, RX_BURST, RX_REL, \
    RX_EVENT, RX_DUMP = range(10)
PACKED, IN_ORDER, EVENT_IDX, MRG, OL_HDR, VLAN, RSS = \
    1, 2, 4, 8, 16, 32, 64


def rx_ret(flen, nbuf=None, hdr=None, frame=None, hashv=None):
    """Return the oldest popped chain with a frame of flen bytes."""
    how = 0
    b = b''
    if hdr is not None:
        how |= 1
        b += hdr
    if nbuf is not None:
        how |= 2
        b += u8(nbuf)
    if hashv is not None:
        how |= 4
        b += u32(hashv[0]) + u16(hashv[1])
    if frame is not None:
        how |= 8
        b += frame
    return u8(RX_RET) + u8(0) + u16(flen) + u8(how) + b + u8(0)


def csum_hdr(flags, gso, gso_size, start, off):
    return u8(flags) + u8(gso) + u16(54) + u16(gso_size) + u16(start) + \
        u16(off)


ETH = bytes([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00,
             0x45, 0, 0, 20])
VLAN_FRAME = bytes([0xff] * 6 + [0x02, 0, 0, 0, 0, 2, 0x81, 0x00,
                    0x00, 0x05, 0x08, 0x00])


def rx_seeds():
    seeds = {}
    for packed in (0, PACKED):
        for io in (0, IN_ORDER):
            for mrg in (0, MRG):
                cfg = packed | io | mrg
                s = u8(cfg) + u8(0) + u8(RX_POP) + u8(15)
                for k in range(6):
                    s += rx_ret(60 + 100 * k)
                s += u8(RX_BURST) + u8(31)
                if mrg:
                    s += rx_ret(1000, nbuf=2) + rx_ret(500)
                    s += rx_ret(100, nbuf=3)     # one short: waits
                    s += u8(RX_BURST) + u8(31)
                s += u8(RX_DUMP) + u8(RX_BURST) + u8(31)
                seeds['mode%02x' % cfg] = s
                # Offloads: checksum and GSO header, VLAN strip.
                cfg2 = cfg | OL_HDR | VLAN
                s = u8(cfg2) + u8(1) + u8(RX_POP) + u8(7)
                s += rx_ret(200, hdr=csum_hdr(1, 1, 1400, 34, 16),
                            frame=ETH)
                s += rx_ret(64, frame=VLAN_FRAME)
                s += rx_ret(80, hdr=csum_hdr(2, 0, 0, 0, 0), frame=ETH)
                s += rx_ret(90, hdr=csum_hdr(1, 5, 100, 60, 6), frame=ETH)
                s += u8(RX_BURST) + u8(63)
                seeds['ol%02x' % cfg] = s
    # Hash reports (20-byte header).
    s = u8(RSS) + u8(0) + u16(0x1ff) + u8(RX_POP) + u8(3)
    for k in range(3):
        s += rx_ret(100, hashv=(0x12345678, 1 + k), frame=ETH)
    seeds['hash'] = s + u8(RX_BURST) + u8(15)
    # Big packets without mergeable buffers (3 mbufs a buffer).
    s = u8(0) + u8(0x40) + u8(RX_POP) + u8(3) + rx_ret(5000) + \
        u8(RX_BURST) + u8(3)
    seeds['big'] = s
    # Vector paths (AVX2 split, AVX512 packed), in order or not.
    for cfg, v in ((0, 0), (IN_ORDER, 0), (PACKED, 1), (PACKED | IN_ORDER, 1)):
        s = u8(cfg) + u8(0x80) + u8(v) + u8(RX_POP) + u8(15)
        for k in range(12):
            s += rx_ret(64 + k * 7)
        seeds['vec%02x' % cfg] = s + u8(RX_BURST) + u8(31) + \
            u8(RX_BURST) + u8(31)
    # A device that lies: id out of range, then a used index jump.
    s = u8(0) + u8(0) + u8(RX_POP) + u8(2) + u8(RX_RAW) + u16(999) + \
        u32(100) + u8(1) + u8(RX_PUB) + u8(RX_BURST) + u8(3)
    seeds['lie-id'] = s
    s = u8(0) + u8(0) + u8(RX_IDX) + u16(40) + u8(RX_BURST) + u8(3)
    seeds['lie-idx'] = s
    return seeds


# ---- fuzz_tx ----
TX_POP, TX_RET, TX_RAW, TX_PUB, TX_IDX, TX_RING, TX_BURST, TX_CLEAN, \
    TX_EVENT, TX_COUNT = range(10)
INDIRECT, TOL, TSO = 8, 16, 32
P_NO_ROOM, P_REF, P_VLAN, P_CSUM, P_TSO = 4, 8, 16, 32, 64


def tx_pkt(segs=1, how=0, hlen=50):
    b = u8((segs - 1) | how) + u8(hlen)
    if how & P_NO_ROOM:
        b += u8(1)
    b += u8(0x02)
    for _ in range(segs - 1):
        b += u8(60) + u8(0)
    if how & P_CSUM:
        b += u8(0)
    if how & P_TSO:
        b += u8(0) + u16(1400)
    if how & P_VLAN:
        b += u16(5)
    return b


def tx_seeds():
    seeds = {}
    pkts = [tx_pkt(), tx_pkt(2), tx_pkt(1, P_NO_ROOM), tx_pkt(1, P_REF),
            tx_pkt(4), tx_pkt(1, P_VLAN), tx_pkt(1, P_CSUM),
            tx_pkt(3, P_TSO | P_CSUM)]
    for cfg in range(0, 0x10):
        if cfg & EVENT_IDX:
            continue
        c = cfg | TOL | TSO
        s = u8(c) + u8(0) + u8(TX_BURST) + u8(len(pkts) - 1) + b''.join(pkts)
        s += u8(TX_POP) + u8(15)
        for _ in range(len(pkts)):
            s += u8(TX_RET) + u8(0) + u8(0)
        s += u8(TX_BURST) + u8(3) + b''.join(pkts[:4])
        s += u8(TX_POP) + u8(7) + u8(TX_RET) + u8(1) + u8(1) + u32(5)
        s += u8(TX_CLEAN) + u8(0) + u8(TX_COUNT)
        seeds['mode%02x' % c] = s
        # Vector path: many simple packets.
        s = u8(cfg | 0x80) + u8(0) + u8(TX_BURST) + u8(15) + tx_pkt() * 16
        s += u8(TX_POP) + u8(31)
        for _ in range(16):
            s += u8(TX_RET) + u8(0) + u8(0)
        seeds['vec%02x' % cfg] = s + u8(TX_BURST) + u8(7) + tx_pkt() * 8
    # A small ring that fills, and a chain longer than it.
    s = u8(0) + u8(6) + u8(TX_BURST) + u8(7) + tx_pkt(4) * 8
    seeds['full'] = s
    return seeds


# ---- fuzz_ctrl ----
D_POP, D_ACK, D_IDX, D_RAW = 1, 2, 16, 32


def notify(ack=0, push=0):
    return u8(D_POP | D_ACK | push << 2) + u8(ack)


def ctrl_seeds():
    seeds = {}
    for cfg in (0, PACKED, IN_ORDER, PACKED | IN_ORDER, EVENT_IDX):
        s = u8(cfg) + u8(0)
        s += u8(0) + notify()                            # announce
        s += u8(1) + u32(0x5) + notify()                  # offloads
        s += u8(2) + u8(1) + notify(ack=1)                # rx mode: NACK
        s += u8(3) + notify()                             # mac
        s += u8(4) + u8(0x1a) + notify()                  # mac table
        s += u8(5) + u16(100) + notify()                  # vlan
        s += u8(6) + u16(10) + u16(20) + notify(push=2)   # twice
        s += u8(7) + u8(9) + u8(1) + u8(2) + u16(8) + u16(4) + notify()
        s += u8(0) + u8(0)                                # no answer
        s += u8(0) + notify()
        seeds['cmds%02x' % cfg] = s
    return seeds


# ---- fuzz_vhost_user ----
def vhu_reply(req, payload, flags=0x5):
    return u32(req) + u32(flags) + u32(len(payload)) + payload


def vhu_seeds():
    seeds = {}
    # op 0 get_u64 (GET_FEATURES = 1), op 1 set_u64 with REPLY_ACK,
    # op 4 GET_VRING_BASE (11), op 7 SET_MEM_TABLE, op 3 set_state.
    calls = [
        (0, vhu_reply(1, struct.pack('<Q', 1 << 32)), u8(0) + u8(1)),
        (1, vhu_reply(2, struct.pack('<Q', 0)), u8(0) + u8(2) + u32(7)),
        (4, vhu_reply(11, u32(0) + u32(5)), u8(0) + u8(0) + u8(0)),
        (0x87, vhu_reply(5, struct.pack('<Q', 0)), u8(2) + u8(0)),
        (3, vhu_reply(18, struct.pack('<Q', 0)), u8(0) + u8(18) + u8(0) +
         u16(0)),
        (0x46, vhu_reply(13, struct.pack('<Q', 0)), u8(0) + u8(13) + u8(0)),
        (8, b'', u8(0) + u8(0)),
    ]
    s = u8(1) + u8(len(calls))
    for op, reply, _ in calls:
        s += u8(op) + u16(len(reply)) + reply
    for _, _, args in calls:
        s += args
    seeds['session'] = s
    s = u8(0) + u8(2) + u8(0) + u16(12) + vhu_reply(1, b'')[:12] + \
        u8(4) + u16(20) + vhu_reply(11, u32(3) + u32(1)) + \
        u8(0) + u8(1) + u8(0) + u8(0) + u8(3)
    seeds['short'] = s
    return seeds


# ---- fuzz_pci ----
def vcap(nxt, typ, bar, off, length, cap_len=16, extra=b''):
    return bytes([0x09, nxt, cap_len, typ, bar, 0, 0, 0]) + u32(off) + \
        u32(length) + extra


def pci_seed(notify_mult=4, ops=b'', bar=4):
    cfg = bytearray(256)
    cfg[0:4] = u16(0x1af4) + u16(0x1041)
    cfg[6] = 0x10
    cfg[0x34] = 0x40
    caps = [(0x40, vcap(0x50, 1, bar, 0, 64)),
            (0x50, vcap(0x60, 3, bar, 0x1000, 4)),
            (0x60, vcap(0x70, 4, bar, 0x2000, 0x100)),
            (0x70, vcap(0x88, 2, bar, 0x3000, 0x1000, 20,
                        u32(notify_mult))),
            (0x88, bytes([0x11, 0, 0x03, 0x80]))]
    for pos, c in caps:
        cfg[pos:pos + len(c)] = c
    common = bytearray(128)
    common[4:8] = u32(0xffffffff)
    common[18:20] = u16(3)
    common[24:26] = u16(256)
    common[30:32] = u16(1)
    s = u8(0) + bytes(cfg)
    for i in range(6):
        if i == bar:
            s += u16(0x4000) + bytes(common)
        else:
            s += u16(0)
    return s + ops


def pci_seeds():
    ops = (u8(0) + u16(0) + u16(6) + u8(0) + u16(250) + u16(20) +
           u8(1) + u16(4) + u16(8) + u8(2) + u32(0xffffffff) + u32(0xffffffff) +
           u8(3) + u16(1) + u8(4) + u16(0) + u16(256) + u8(0) + u16(0) +
           u8(4) + u16(2) + u16(64) + u8(1) + u16(3) +
           u8(5) + u8(0x0b) + u8(6) + u8(2) + u8(7) +
           u8(8) + u8(4) + u16(30) + u8(0xff) + u8(4) + u16(1) + u16(8) +
           u8(0) + u16(0))
    return {
        'modern': pci_seed(ops=ops),
        'mult0': pci_seed(notify_mult=0, ops=ops),
        'bar0': pci_seed(bar=0, ops=ops),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus')
    gens = {'fuzz_rx': rx_seeds, 'fuzz_tx': tx_seeds, 'fuzz_ctrl': ctrl_seeds,
            'fuzz_vhost_user': vhu_seeds, 'fuzz_pci': pci_seeds}
    for target, gen in gens.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in sorted(gen().items()):
            with open(os.path.join(d, 'seed-' + name), 'wb') as f:
                f.write(data)


if __name__ == '__main__':
    main()
