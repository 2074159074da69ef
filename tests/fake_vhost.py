#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A vhost-user back-end that misbehaves on its socket, for tests.

It listens on PATH, answers the front-end's handshake (SET_OWNER,
GET_FEATURES) as a minimal virtio-net back-end would, then breaks the
protocol the way MODE says:

  unsolicited  once the handshake is done, send bytes nobody asked for and
               keep the connection open (audit F2)
  trickle      answer GET_FEATURES one byte per second (audit F3)
  silent       never answer GET_FEATURES and never read again (F3, F10)

It serves one connection, for at most LIFETIME seconds, and prints what it
did on stdout.
"""

import socket
import struct
import sys
import time

HDR = struct.Struct("<III")
VERSION = 0x1
REPLY = 0x4
GET_FEATURES = 1
SET_OWNER = 3
# VERSION_1 | MRG_RXBUF; no PROTOCOL_FEATURES: the shortest handshake.
FEATURES = (1 << 32) | (1 << 15)


def recv_msg(conn):
    hdr = b""
    while len(hdr) < HDR.size:
        chunk = conn.recv(HDR.size - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    req, flags, size = HDR.unpack(hdr)
    payload = b""
    while len(payload) < size:
        chunk = conn.recv(size - len(payload))
        if not chunk:
            return None
        payload += chunk
    return req, flags, payload


def features_reply():
    return HDR.pack(GET_FEATURES, VERSION | REPLY, 8) + struct.pack("<Q", FEATURES)


def main():
    path, mode, lifetime = sys.argv[1], sys.argv[2], float(sys.argv[3])
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(lifetime)
    print("listening", flush=True)
    conn, _ = srv.accept()
    end = time.monotonic() + lifetime
    conn.settimeout(lifetime)
    while time.monotonic() < end:
        msg = recv_msg(conn)
        if msg is None:
            print("front-end closed the connection", flush=True)
            return
        req = msg[0]
        print("request %d" % req, flush=True)
        if req != GET_FEATURES:
            continue
        reply = features_reply()
        if mode == "silent":
            print("not answering, not reading", flush=True)
            time.sleep(max(0.0, end - time.monotonic()))
            return
        if mode == "trickle":
            for b in reply:
                try:
                    conn.send(bytes([b]))
                except OSError:
                    print("front-end gave up", flush=True)
                    return
                time.sleep(1)
            continue
        conn.send(reply)
        if mode == "unsolicited":
            time.sleep(1)
            conn.send(b"\x01\x02\x03\x04\x05")
            print("sent 5 unsolicited bytes", flush=True)
    conn.close()


if __name__ == "__main__":
    main()
