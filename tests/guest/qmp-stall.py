#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Debug aid of test_guest.sh (VNT_DEBUG=1): each time the guest console
shows VNT-STALL, print QEMU's state of queues 0 and 1 of every NIC."""
import json
import os
import socket
import sys
import time

sock_path, log, nics = sys.argv[1], sys.argv[2], sys.argv[3:]


def qmp():
    for _ in range(100):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock_path)
            f = s.makefile("rw")
            f.readline()
            f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
            f.flush()
            f.readline()
            return f
        except OSError:
            time.sleep(0.5)
    sys.exit(0)


def ask(f, cmd, args):
    f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            return r


f = qmp()
seen = 0
while True:
    try:
        text = open(log, errors="replace").read()
    except OSError:
        text = ""
    n = text.count("VNT-STALL")
    if n > seen:
        seen = n
        for nic in nics:
            for q in (0, 1):
                r = ask(f, "x-query-virtio-queue-status",
                        {"path": "/machine/peripheral/%s/virtio-backend" % nic,
                         "queue": q})
                v = r.get("return", r)
                print("QEMU %s q%d: %s" % (nic, q, json.dumps(v)), flush=True)
    if "VNT-DONE" in text:
        break
    time.sleep(0.2)
