#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A vhost-user back-end that works, then lies on cue, for tests.

It listens on PATH and serves the front-end (virtio-user, a client) as a
virtio-net device would: it negotiates, maps the driver's memory (the
SET_MEM_TABLE fds), runs the rings (split or packed, as negotiated) and
loops every frame sent on a Tx ring back on the Rx ring of the same pair.
Then it lies once, on the cue its arguments give, and is honest again
afterwards, so that the front-end can recover (restart, reconnect).

Ring lies, on the packet after --after good ones (Rx: the used entry
that returns it; Tx: the completion of the frame sent):
  rx-id-range     used id >= ring size
  tx-id-range     Tx completion with an id >= ring size
  tx-id-stale     Tx completion naming a buffer that is not in flight
  tx-id-twice     a Tx completion written twice
  rx-len-0        used len 0
  rx-len-short    used len below net header + Ethernet header
  rx-len-over     used len one byte above the buffer posted
  rx-len-max      used len 0xffffffff
  tx-len-max      Tx completion with len 0xffffffff (ignored by design)
  rx-nbuf-0       num_buffers 0 (mergeable)
  rx-nbuf-big     num_buffers 0xffff, above what is in flight (mergeable)
  rx-idx-jump     split: used index moved 1000 past the entry written
  rx-torn         packed: used descriptor with AVAIL and USED differing
  rx-wrap         packed: used descriptor flags of the wrong wrap
  rx-csum         NEEDS_CSUM with csum_start + csum_offset past the frame
  rx-gso-type     gso_type 7
  rx-gso-size     gso_type TCPV4 with gso_size 0
  rx-merge-break  mergeable: a frame over 3 buffers (num_buffers 3), the
                  second with len 0, the third holding what looks like a
                  whole frame of its own (this one, numbered 1000 later)
Protocol lies, on the reply to the --nth occurrence of request --req on
the first connection (the later connections are honest):
  wrong-req, no-reply-flag, bad-version, size-big (header says 4096),
  size-over (header says 8 bytes more than follow), nack (an ack of 1),
  trickle (a byte every 0.7 s), late (6 s), fds (2 eventfds attached),
  stop-reading (no reply; never reads that connection again),
  vanish (closes the connection and stops listening for 2 s),
  scribble (on GET_VRING_BASE: no reply; for 6 s keeps writing 0xee into
  the Rx buffers it still holds, as a device the driver did not stop),
  wrong-index (GET_VRING_BASE answered for another ring; this one runs
  on: 0xee written into its Rx buffers for 3 s)
and on the packet cue: unsolicited (8 bytes nobody asked for),
vanish-traffic (as vanish, mid-traffic).

With --pairs N it offers N queue pairs (MQ), frames loop back on the
pair they came on, and ring and cue lies are on pair --lie-pair.
With --drop-later, the back-end that comes back (connections after the
first) offers fewer features than the one that went.

It runs until killed or --lifetime seconds; it logs on stdout.
"""

import argparse
import ctypes
import mmap
import os
import select
import socket
import struct
import sys
import threading
import time

HDR = struct.Struct("<III")
VERSION = 0x1
REPLY = 0x4
NEED_REPLY = 0x8

GET_FEATURES = 1
SET_FEATURES = 2
SET_OWNER = 3
RESET_OWNER = 4
SET_MEM_TABLE = 5
SET_VRING_NUM = 8
SET_VRING_ADDR = 9
SET_VRING_BASE = 10
GET_VRING_BASE = 11
SET_VRING_KICK = 12
SET_VRING_CALL = 13
SET_VRING_ERR = 14
GET_PROTOCOL_FEATURES = 15
SET_PROTOCOL_FEATURES = 16
GET_QUEUE_NUM = 17
SET_VRING_ENABLE = 18
# Requests answered with their own reply rather than an ack.
WITH_REPLY = (GET_FEATURES, GET_PROTOCOL_FEATURES, GET_VRING_BASE,
              GET_QUEUE_NUM)

F_CSUM = 0
F_GUEST_CSUM = 1
F_GUEST_TSO4 = 7
F_MRG_RXBUF = 15
F_PROTOCOL_FEATURES = 30
F_VERSION_1 = 32
F_RING_PACKED = 34
F_IN_ORDER = 35
PROTO_MQ = 0
PROTO_REPLY_ACK = 3

DESC_F_NEXT = 1
DESC_F_WRITE = 2
PDESC_F_AVAIL = 1 << 7
PDESC_F_USED = 1 << 15
NET_HDR = 12
HDR_F_NEEDS_CSUM = 1
GSO_TCPV4 = 1

RING_LIES = ("rx-id-range", "tx-id-range", "tx-id-stale", "tx-id-twice",
             "rx-len-0", "rx-len-short", "rx-len-over", "rx-len-max",
             "tx-len-max", "rx-nbuf-0", "rx-nbuf-big", "rx-idx-jump",
             "rx-torn", "rx-wrap", "rx-csum", "rx-gso-type", "rx-gso-size",
             "rx-merge-break")
CUE_LIES = ("unsolicited", "vanish-traffic")
PROTO_LIES = ("wrong-req", "no-reply-flag", "bad-version", "size-big",
              "size-over", "nack",
              "trickle", "late", "fds", "stop-reading", "vanish", "scribble",
              "wrong-index")


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


class Memory:
    """The driver's memory regions, mapped from the SET_MEM_TABLE fds."""

    def __init__(self, regions):
        self.regions = regions      # [(uaddr, size, mmap, offset)]

    @classmethod
    def from_msg(cls, payload, fds):
        nregions = struct.unpack_from("<I", payload, 0)[0]
        regions = []
        for i in range(nregions):
            gpa, size, ua, off = struct.unpack_from("<QQQQ", payload,
                                                    8 + 32 * i)
            mm = mmap.mmap(fds[i], size + off, mmap.MAP_SHARED,
                           mmap.PROT_READ | mmap.PROT_WRITE)
            os.close(fds[i])
            regions.append((ua, size, mm, off))
        return cls(regions)

    def close(self):
        for r in self.regions:
            r[2].close()
        self.regions = []

    def at(self, addr, length):
        """(mmap, offset) of [addr, addr + length) in one region."""
        for ua, size, mm, off in self.regions:
            if ua <= addr and addr + length <= ua + size:
                return mm, addr - ua + off
        raise ValueError("address 0x%x+%d not in the memory table" %
                         (addr, length))

    def read(self, addr, length):
        mm, o = self.at(addr, length)
        return mm[o:o + length]

    def write(self, addr, data):
        mm, o = self.at(addr, len(data))
        mm[o:o + len(data)] = data

    def u16(self, addr):
        mm, o = self.at(addr, 2)
        return struct.unpack_from("<H", mm, o)[0]

    def put16(self, addr, v):
        """A ring index or flags word, in one store as a device makes it.

        struct.pack_into() zero-fills its destination before it packs:
        the driver could see 0 in between, a torn used index or packed
        flags, and stop the ring (a fault now and then, under load)."""
        mm, o = self.at(addr, 2)
        ctypes.c_uint16.from_buffer(mm, o).value = v


class Ring:
    """One virtqueue seen from the device side."""

    def __init__(self, index):
        self.index = index
        self.size = 0
        self.desc = self.avail = self.used = 0
        self.base = 0
        self.kick = None
        self.call = None
        self.enabled = False
        self.ready = False
        self.reset_state(0)

    def reset_state(self, base):
        self.last_avail = base & 0x7fff
        self.avail_wrap = (base >> 15) & 1 if self.packed_base else 0
        self.used_idx = self.last_avail
        self.used_wrap = self.avail_wrap

    packed_base = False


class Backend:
    def __init__(self, args):
        self.a = args
        self.features = ((1 << F_VERSION_1) | (1 << F_PROTOCOL_FEATURES) |
                         (1 << F_GUEST_CSUM) | (1 << F_GUEST_TSO4) |
                         (1 << F_CSUM))
        if args.mrg:
            self.features |= 1 << F_MRG_RXBUF
        if args.packed:
            self.features |= 1 << F_RING_PACKED
        if args.in_order:
            self.features |= 1 << F_IN_ORDER
        self.acked = 0
        self.proto = 0
        self.mem = None
        self.rings = {}
        self.conn = None
        self.conn_no = 0
        self.req_seen = {}
        self.lied = False
        self.good = {"rx": 0, "tx": 0}
        self.pending = {}            # frames to loop back, per pair
        self.stale = []              # connections we no longer read
        self.quiet_until = 0.0

    # ---- the socket ----

    def listen(self):
        if os.path.exists(self.a.path):
            os.unlink(self.a.path)
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(self.a.path)
        self.srv.listen(4)
        log("listening on", self.a.path)

    def vanish(self, why):
        log("LIE vanish:", why)
        self.drop_conn()
        self.srv.close()
        self.srv = None
        os.unlink(self.a.path)
        self.quiet_until = time.monotonic() + 2.0

    def drop_conn(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None
        self.stop_rings()
        if self.mem is not None:
            self.mem.close()
            self.mem = None

    def stop_rings(self):
        for r in self.rings.values():
            for fd in (r.kick, r.call):
                if fd is not None:
                    os.close(fd)
        self.rings = {}
        self.pending = {}

    def recv_exact(self, n, fds):
        buf = b""
        while len(buf) < n:
            try:
                data, anc, _, _ = self.conn.recvmsg(
                    n - len(buf), socket.CMSG_SPACE(8 * 4))
            except OSError:
                return None
            if not data:
                return None
            for level, typ, cdata in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                    cnt = len(cdata) // 4
                    fds.extend(struct.unpack("<%di" % cnt, cdata[:cnt * 4]))
            buf += data
        return buf

    def recv_msg(self):
        fds = []
        hdr = self.recv_exact(HDR.size, fds)
        if hdr is None:
            return None
        req, flags, size = HDR.unpack(hdr)
        payload = self.recv_exact(size, fds) if size else b""
        if payload is None:
            return None
        return req, flags, payload, fds

    def first_conn_lie(self, req):
        """The protocol lie for this reply, or None."""
        if self.lied or self.a.lie not in PROTO_LIES or self.conn_no != 1:
            return None
        if req != self.a.req:
            return None
        if self.req_seen.get(req, 0) != self.a.nth:
            return None
        self.lied = True
        return self.a.lie

    def send_reply(self, req, payload, lie=None):
        flags = VERSION | REPLY
        size = len(payload)
        rreq = req
        if lie == "wrong-req":
            rreq = req + 1
        elif lie == "no-reply-flag":
            flags = VERSION
        elif lie == "bad-version":
            flags = 0x2 | REPLY
        elif lie == "size-big":
            size = 4096
        elif lie == "size-over":
            size += 8
        elif lie == "nack":
            payload = struct.pack("<Q", 1)
        msg = HDR.pack(rreq, flags, size) + payload
        if lie:
            log("LIE %s on the reply to request %d" % (lie, req))
        if lie == "stop-reading":
            self.stale.append(self.conn)
            self.conn = None
            self.stop_rings()
            return
        if lie == "vanish":
            self.vanish("mid-handshake, at request %d" % req)
            return
        if lie == "scribble":
            self.scribble(6.0, "scribble, no reply")
            self.stale.append(self.conn)
            self.conn = None
            self.stop_rings()
            return
        try:
            if lie == "trickle":
                for b in msg:
                    self.conn.send(bytes([b]))
                    time.sleep(0.7)
                return
            if lie == "late":
                time.sleep(6)
            if lie == "fds":
                efds = [os.eventfd(0), os.eventfd(0)]
                self.conn.sendmsg([msg], [(socket.SOL_SOCKET,
                                           socket.SCM_RIGHTS,
                                           struct.pack("<2i", *efds))])
                for fd in efds:
                    os.close(fd)
                return
            self.conn.sendall(msg)
        except OSError as e:
            log("reply to %d not sent: %s" % (req, e))

    def held_rx_buffers(self):
        """(addr, len) of the Rx buffers posted and not yet used."""
        r = self.rings.get(0)
        if r is None or not r.size or self.mem is None:
            return []
        saved = (r.last_avail, r.avail_wrap)
        out = []
        for _ in range(r.size):
            c = self.pop_avail(r)
            if c is None:
                break
            out.extend((a, ln) for a, ln, w in c[2] if w)
        r.last_avail, r.avail_wrap = saved
        return out

    def scribble(self, seconds, why):
        """Write into the Rx buffers held, from a thread, for a while."""
        bufs = self.held_rx_buffers()
        mem = self.mem
        log("LIE %s: writing into %d Rx buffers for %.0f s"
            % (why, len(bufs), seconds))

        def run():
            end = time.monotonic() + seconds
            try:
                while time.monotonic() < end:
                    for a, ln in bufs:
                        mem.write(a, b"\xee" * min(ln, 2048))
                    time.sleep(0.02)
            except ValueError:      # the memory unmapped meanwhile
                pass
        threading.Thread(target=run, daemon=True).start()

    def handle(self, req, flags, payload, fds):
        self.req_seen[req] = self.req_seen.get(req, 0) + 1
        # The ring requests, for a failed scenario's log.
        if req in (SET_VRING_BASE, GET_VRING_BASE, SET_VRING_KICK,
                   SET_VRING_ADDR):
            log("request %d: %s" % (req, payload[:24].hex()))
        lie = self.first_conn_lie(req)
        reply = None
        if req == GET_FEATURES:
            f = self.features
            if self.conn_no > 1:
                f &= ~self.a.drop_later
            reply = struct.pack("<Q", f)
        elif req == SET_FEATURES:
            self.acked = struct.unpack_from("<Q", payload)[0]
            log("features 0x%x" % self.acked)
        elif req == GET_PROTOCOL_FEATURES:
            reply = struct.pack("<Q", 1 << PROTO_REPLY_ACK |
                                (1 << PROTO_MQ if self.a.pairs > 1 else 0))
        elif req == SET_PROTOCOL_FEATURES:
            self.proto = struct.unpack_from("<Q", payload)[0]
        elif req == GET_QUEUE_NUM:
            reply = struct.pack("<Q", self.a.pairs)
        elif req == SET_MEM_TABLE:
            if self.mem is not None:
                self.mem.close()
            self.mem = Memory.from_msg(payload, fds)
            fds = []
        elif req in (SET_VRING_NUM, SET_VRING_BASE, SET_VRING_ENABLE):
            idx, num = struct.unpack_from("<II", payload)
            r = self.ring(idx)
            if req == SET_VRING_NUM:
                r.size = num
            elif req == SET_VRING_BASE:
                r.packed_base = self.packed()
                r.reset_state(num)
            else:
                r.enabled = bool(num)
        elif req == SET_VRING_ADDR:
            idx, _, desc, used, avail, _ = struct.unpack_from("<IIQQQQ",
                                                              payload)
            r = self.ring(idx)
            r.desc, r.used, r.avail = desc, used, avail
        elif req in (SET_VRING_KICK, SET_VRING_CALL, SET_VRING_ERR):
            v = struct.unpack_from("<Q", payload)[0]
            r = self.ring(v & 0xff)
            fd = fds.pop(0) if fds and not v & 0x100 else None
            if req == SET_VRING_KICK:
                if r.kick is not None:
                    os.close(r.kick)
                r.kick = fd
                r.ready = True
            elif req == SET_VRING_CALL:
                if r.call is not None:
                    os.close(r.call)
                r.call = fd
            elif fd is not None:
                os.close(fd)
        elif req == GET_VRING_BASE:
            idx = struct.unpack_from("<I", payload)[0]
            r = self.ring(idx)
            num = r.last_avail | (r.avail_wrap << 15 if self.packed() else 0)
            if lie == "scribble":
                self.send_reply(req, b"", lie)
                return
            if lie == "wrong-index":
                self.scribble(3.0, "wrong-index, the ring left running")
                self.send_reply(req, struct.pack("<II", idx + 1, num), lie)
                return
            r.ready = False
            if idx % 2 == 0:
                self.pending.pop(idx // 2, None)
            reply = struct.pack("<II", idx, num)
        for fd in fds:
            os.close(fd)
        if reply is None and flags & NEED_REPLY:
            reply = struct.pack("<Q", 0)
        if reply is not None:
            self.send_reply(req, reply, lie)
        elif lie:
            log("request %d has no reply to lie on" % req)

    def ring(self, idx):
        if idx not in self.rings:
            self.rings[idx] = Ring(idx)
        return self.rings[idx]

    def packed(self):
        return bool(self.acked >> F_RING_PACKED & 1)

    def running(self, r):
        return (r.ready and r.size and r.desc and self.mem is not None and
                (r.enabled or not self.acked >> F_PROTOCOL_FEATURES & 1))

    # ---- the rings ----

    def pop_avail(self, r):
        """The next available chain: (id, ndesc, [(addr, len, write)])."""
        m = self.mem
        if self.packed():
            d = r.desc + 16 * r.last_avail
            flags = m.u16(d + 14)
            avail = bool(flags & PDESC_F_AVAIL)
            used = bool(flags & PDESC_F_USED)
            if avail != bool(r.avail_wrap) or used == bool(r.avail_wrap):
                return None
            bufs = []
            while True:
                addr, ln, bid, flags = struct.unpack(
                    "<QIHH", m.read(r.desc + 16 * r.last_avail, 16))
                bufs.append((addr, ln, bool(flags & DESC_F_WRITE)))
                r.last_avail += 1
                if r.last_avail >= r.size:
                    r.last_avail = 0
                    r.avail_wrap ^= 1
                if not flags & DESC_F_NEXT or len(bufs) > r.size:
                    break
            return bid, len(bufs), bufs
        aidx = m.u16(r.avail + 2)
        if aidx == r.last_avail:
            return None
        head = m.u16(r.avail + 4 + 2 * (r.last_avail % r.size))
        r.last_avail = (r.last_avail + 1) & 0xffff
        bufs, i = [], head
        while len(bufs) <= r.size:
            addr, ln, flags, nxt = struct.unpack(
                "<QIHH", m.read(r.desc + 16 * i, 16))
            bufs.append((addr, ln, bool(flags & DESC_F_WRITE)))
            if not flags & DESC_F_NEXT:
                break
            i = nxt
        return head, len(bufs), bufs

    def push_used(self, r, bid, ndesc, length, lie=None):
        m = self.mem
        if self.packed():
            pos = r.used_idx
            w = r.used_wrap
            flags = (PDESC_F_AVAIL | PDESC_F_USED) if w else 0
            if lie == "rx-torn":
                flags = PDESC_F_USED if w else PDESC_F_AVAIL
            elif lie == "rx-wrap":
                flags = 0 if w else PDESC_F_AVAIL | PDESC_F_USED
            d = r.desc + 16 * pos
            m.write(d + 8, struct.pack("<IH", length & 0xffffffff,
                                       bid & 0xffff))
            m.put16(d + 14, flags | DESC_F_WRITE)
            r.used_idx += ndesc
            if r.used_idx >= r.size:
                r.used_idx -= r.size
                r.used_wrap ^= 1
        else:
            e = r.used + 4 + 8 * (r.used_idx % r.size)
            m.write(e, struct.pack("<II", bid & 0xffffffff,
                                   length & 0xffffffff))
            r.used_idx = (r.used_idx + 1) & 0xffff
            idx = r.used_idx
            if lie == "rx-idx-jump":
                idx = (idx + 1000) & 0xffff
            m.put16(r.used + 2, idx)
        if r.call is not None:
            os.write(r.call, struct.pack("<Q", 1))

    def cue(self, direction, ring):
        """The lie due on this packet, if the cue is now."""
        if ring.index // 2 != self.a.lie_pair:
            return None
        if self.lied or self.good[direction] < self.a.after:
            return None
        lie = self.a.lie
        if lie in CUE_LIES and direction == "tx":
            self.lied = True
            return lie
        if lie in RING_LIES and lie.startswith(direction):
            self.lied = True
            log("LIE %s on %s packet %d" % (lie, direction,
                                             self.good[direction] + 1))
            return lie
        return None

    def serve_tx(self, r):
        while True:
            chain = self.pop_avail(r)
            if chain is None:
                return
            bid, ndesc, bufs = chain
            data = b"".join(self.mem.read(a, ln) for a, ln, w in bufs
                            if not w)
            self.pending.setdefault(r.index // 2, []).append(data[NET_HDR:])
            lie = self.cue("tx", r)
            self.good["tx"] += 1
            if lie == "tx-id-range":
                bid = r.size + 3
            elif lie == "tx-id-stale":
                bid = (bid + r.size // 2) % r.size
            self.push_used(r, bid, ndesc,
                           0xffffffff if lie == "tx-len-max" else 0)
            if lie == "tx-id-twice":
                self.push_used(r, bid, ndesc, 0)
            elif lie == "unsolicited":
                log("LIE unsolicited: 8 bytes nobody asked for")
                self.conn.send(b"\x55" * 8)
            elif lie == "vanish-traffic":
                self.vanish("mid-traffic")
                return

    def write_chain(self, bufs, data):
        """Bytes written into the writable buffers of a chain."""
        off = 0
        for a, ln, w in bufs:
            if w and off < len(data):
                n = min(ln, len(data) - off)
                self.mem.write(a, data[off:off + n])
                off += n
        return off

    def merge_break(self, r, first, frame):
        """The rx-merge-break lie, on three chains."""
        chains = [first]
        while len(chains) < 3:
            c = self.pop_avail(r)
            if c is None:
                log("rx-merge-break: no 3 buffers; lie not told")
                break
            chains.append(c)
        if len(chains) < 3:
            for c in chains:
                self.push_used(r, c[0], c[1], 0)
            return
        part = struct.pack("<BBHHHHH", 0, 0, 0, 0, 0, 0, 3) + frame[:20]
        # A frame numbered as none was: seen, it cannot pass for the lost one.
        seq = struct.unpack_from("<I", frame, 18)[0]
        smuggled = (struct.pack("<BBHHHHH", 0, 0, 0, 0, 0, 0, 1) +
                    frame[:18] + struct.pack("<I", seq + 1000) + frame[22:])
        lens = (self.write_chain(chains[0][2], part), 0,
                self.write_chain(chains[2][2], smuggled))
        for c, ln in zip(chains, lens):
            self.push_used(r, c[0], c[1], ln)

    def serve_rx(self, r):
        pending = self.pending.get(r.index // 2, [])
        while pending:
            chain = self.pop_avail(r)
            if chain is None:
                return
            bid, ndesc, bufs = chain
            frame = pending.pop(0)
            lie = self.cue("rx", r)
            if lie == "rx-merge-break":
                self.merge_break(r, chain, frame)
                continue
            self.good["rx"] += 1
            flags = gso = gso_size = csum_start = csum_off = 0
            nbuf = 1
            if lie == "rx-csum":
                flags, csum_start, csum_off = HDR_F_NEEDS_CSUM, 14, 2000
            elif lie == "rx-gso-type":
                gso, gso_size = 7, 1400
            elif lie == "rx-gso-size":
                flags, gso, csum_start, csum_off = HDR_F_NEEDS_CSUM, \
                    GSO_TCPV4, 34, 16
            elif lie == "rx-nbuf-0":
                nbuf = 0
            elif lie == "rx-nbuf-big":
                nbuf = 0xffff
            data = struct.pack("<BBHHHHH", flags, gso, 0, gso_size,
                               csum_start, csum_off, nbuf) + frame
            room = sum(ln for a, ln, w in bufs if w)
            length = self.write_chain(bufs, data)
            if lie == "rx-len-0":
                length = 0
            elif lie == "rx-len-short":
                length = NET_HDR + 5
            elif lie == "rx-len-over":
                length = room + 1
            elif lie == "rx-len-max":
                length = 0xffffffff
            elif lie == "rx-id-range":
                bid = r.size + 7
            self.push_used(r, bid, ndesc, length, lie)

    def serve_rings(self):
        for idx in sorted(self.rings):
            r = self.rings[idx]
            if r.kick is not None:
                try:
                    os.read(r.kick, 8)
                except BlockingIOError:
                    pass
            if not self.running(r):
                continue
            try:
                if idx % 2:
                    self.serve_tx(r)
                else:
                    self.serve_rx(r)
            except ValueError as e:
                log("ring %d: %s" % (idx, e))
            if self.conn is None:
                return

    # ---- main loop ----

    def run(self):
        self.listen()
        end = time.monotonic() + self.a.lifetime
        while time.monotonic() < end:
            if self.srv is None and time.monotonic() >= self.quiet_until:
                self.listen()
            rd = [s for s in (self.srv, self.conn) if s is not None]
            kicks = [r.kick for r in self.rings.values() if r.kick is not None]
            ready, _, _ = select.select(rd + kicks, [], [], 0.002)
            if self.srv is not None and self.srv in ready:
                c, _ = self.srv.accept()
                c.setblocking(True)
                if self.conn is not None:
                    log("new connection; dropping the old one")
                    self.drop_conn()
                for s in self.stale:
                    s.close()
                self.stale = []
                self.conn = c
                self.conn_no += 1
                self.req_seen = {}
                log("connection %d" % self.conn_no)
            if self.conn is not None and self.conn in ready:
                msg = self.recv_msg()
                if msg is None:
                    log("front-end closed connection %d" % self.conn_no)
                    self.drop_conn()
                    continue
                self.handle(*msg)
            if self.conn is not None:
                self.serve_rings()
        log("lifetime over")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("path")
    p.add_argument("--lie", default="none",
                   choices=("none",) + RING_LIES + CUE_LIES + PROTO_LIES)
    p.add_argument("--after", type=int, default=8,
                   help="good packets before a ring or cue lie")
    p.add_argument("--req", type=int, default=GET_FEATURES,
                   help="request whose reply a protocol lie is on")
    p.add_argument("--nth", type=int, default=1,
                   help="its occurrence on the first connection")
    p.add_argument("--pairs", type=int, default=1,
                   help="queue pairs offered (MQ above 1)")
    p.add_argument("--lie-pair", type=int, default=0,
                   help="the queue pair a ring or cue lie is on")
    p.add_argument("--packed", type=int, default=0)
    p.add_argument("--mrg", type=int, default=1)
    p.add_argument("--in-order", type=int, default=1)
    p.add_argument("--drop-later", type=lambda v: int(v, 0), default=0,
                   help="feature bits not offered after the first connection")
    p.add_argument("--lifetime", type=float, default=120)
    Backend(p.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
