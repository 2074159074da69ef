#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check captures of testpmd txonly frames (stdlib only).

  pcap_check.py pcap RX.pcap TX.pcap --count N --len L --src MAC --dst MAC
  pcap_check.py pcapng FILE.pcapng --count N --len L --src MAC --dst MAC

Each direction must hold exactly N frames of L bytes, each an untagged
IPv4/UDP frame as testpmd's txonly builds it (src/dst MAC, 198.18.0.1 ->
198.18.0.2, UDP 9 -> 9, lengths and IP checksum consistent); and the
received frames must be the transmitted ones byte for byte (the peer
echoes them), compared as multisets (queues interleave differently in
each direction). pcapng: the direction comes from each Enhanced Packet
Block's epb_flags option. Prints one line per problem; exit status 1 if
any.
"""

import argparse
import struct
import sys

PCAP_MAGIC = {0xA1B2C3D4: "<", 0xD4C3B2A1: ">", 0xA1B23C4D: "<", 0x4D3CB2A1: ">"}
PCAPNG_SHB = 0x0A0D0D0A
PCAPNG_EPB = 6
EPB_FLAGS = 2
INBOUND, OUTBOUND = 1, 2


def read_pcap(path):
    """Frames of a libpcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError(f"{path}: {len(data)} bytes, no pcap header")
    (magic,) = struct.unpack_from("<I", data, 0)
    if magic not in PCAP_MAGIC:
        raise ValueError(f"{path}: bad magic 0x{magic:08x}")
    e = PCAP_MAGIC[magic]
    linktype = struct.unpack_from(e + "I", data, 20)[0]
    if linktype != 1:
        raise ValueError(f"{path}: link type {linktype}, not Ethernet")
    frames, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise ValueError(f"{path}: truncated record header at {off}")
        incl, orig = struct.unpack_from(e + "II", data, off + 8)
        if off + 16 + incl > len(data):
            raise ValueError(f"{path}: truncated record at {off}")
        if incl != orig:
            raise ValueError(f"{path}: record at {off} cut: {incl} of {orig} bytes")
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def epb_direction(opts, e):
    """Direction bits of an EPB's options (0 when absent)."""
    off = 0
    while off + 4 <= len(opts):
        code, length = struct.unpack_from(e + "HH", opts, off)
        if code == 0:
            break
        if code == EPB_FLAGS and length == 4:
            return struct.unpack_from(e + "I", opts, off + 4)[0] & 3
        off += 4 + ((length + 3) & ~3)
    return 0


def read_pcapng(path):
    """(inbound frames, outbound frames) of a pcapng file."""
    with open(path, "rb") as f:
        data = f.read()
    rx, tx, off, e = [], [], 0, "<"
    while off < len(data):
        if off + 12 > len(data):
            raise ValueError(f"{path}: truncated block at {off}")
        (btype,) = struct.unpack_from("<I", data, off)
        if btype == PCAPNG_SHB:
            bom = struct.unpack_from("<I", data, off + 8)[0]
            e = "<" if bom == 0x1A2B3C4D else ">"
        blen = struct.unpack_from(e + "I", data, off + 4)[0]
        if blen < 12 or blen % 4 or off + blen > len(data):
            raise ValueError(f"{path}: bad block length {blen} at {off}")
        if btype == PCAPNG_EPB:
            caplen, origlen = struct.unpack_from(e + "II", data, off + 20)
            if caplen != origlen:
                raise ValueError(f"{path}: packet at {off} cut: {caplen} of {origlen} bytes")
            pkt = data[off + 28:off + 28 + caplen]
            opts = data[off + 28 + ((caplen + 3) & ~3):off + blen - 4]
            d = epb_direction(opts, e)
            if d == INBOUND:
                rx.append(pkt)
            elif d == OUTBOUND:
                tx.append(pkt)
            else:
                raise ValueError(f"{path}: packet at {off} without a direction")
        off += blen
    return rx, tx


def ip_csum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def frame_problem(f, length, src, dst):
    """Why frame f is not a txonly frame of the given shape, or None."""
    if len(f) != length:
        return f"{len(f)} bytes, want {length}"
    if f[0:6] != dst or f[6:12] != src:
        return f"MACs {f[6:12].hex(':')} -> {f[0:6].hex(':')}"
    if f[12:14] != b"\x08\x00":
        return f"ethertype {f[12:14].hex()}"
    ip = f[14:34]
    if ip[0] != 0x45 or ip[9] != 17:
        return f"IP version/ihl 0x{ip[0]:02x} proto {ip[9]}"
    if struct.unpack("!H", ip[2:4])[0] != length - 14:
        return f"IP total length {struct.unpack('!H', ip[2:4])[0]}"
    if ip[12:16] != bytes([198, 18, 0, 1]) or ip[16:20] != bytes([198, 18, 0, 2]):
        return f"IP {ip[12:16].hex()} -> {ip[16:20].hex()}"
    if ip_csum(ip) != 0xFFFF:
        return "bad IP header checksum"
    sport, dport, ulen = struct.unpack("!HHH", f[34:40])
    if (sport, dport, ulen) != (9, 9, length - 34):
        return f"UDP {sport} -> {dport} length {ulen}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fmt", choices=["pcap", "pcapng"])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--len", type=int, required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    a = ap.parse_args()
    src = bytes.fromhex(a.src.replace(":", ""))
    dst = bytes.fromhex(a.dst.replace(":", ""))
    try:
        if a.fmt == "pcap":
            if len(a.files) != 2:
                ap.error("pcap takes RX and TX files")
            rx, tx = read_pcap(a.files[0]), read_pcap(a.files[1])
        else:
            rx, tx = read_pcapng(a.files[0])
    except (OSError, ValueError, struct.error) as err:
        print(f"unreadable capture: {err}")
        return 1
    bad = 0
    for name, frames in (("rx", rx), ("tx", tx)):
        if len(frames) != a.count:
            print(f"{name}: {len(frames)} frames, want {a.count}")
            bad += 1
        for i, f in enumerate(frames):
            why = frame_problem(f, a.len, src, dst)
            if why is not None:
                print(f"{name} frame {i}: {why}")
                bad += 1
                break
    if sorted(rx) != sorted(tx):
        same = len(set(rx) & set(tx))
        print(f"rx and tx frames differ ({same} distinct frames in common)")
        bad += 1
    if bad == 0:
        print(f"{len(rx)} rx and {len(tx)} tx frames of {a.len} B, identical")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
