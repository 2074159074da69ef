#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""QEMU's side of test_guest.sh, driven by the guest console:
- VNT-LSC-NIC <id> then VNT-LSC-READY: take that NIC's link down and up
  again (QMP set_link), for the guest's LSC test;
- VNT-STALL (with --debug): print QEMU's state of queues 0 and 1 of
  every NIC (x-query-virtio-queue-status)."""
import json
import re
import socket
import sys
import time

args = sys.argv[1:]
debug = args[0] == "--debug"
if debug:
    args = args[1:]
sock_path, log, nics = args[0], args[1], args[2:]


def connect():
    for _ in range(200):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock_path)
            f = s.makefile("rw")
            f.readline()
            ask(f, "qmp_capabilities", {})
            return f
        except OSError:
            time.sleep(0.2)
    sys.exit(0)


def ask(f, cmd, arguments):
    f.write(json.dumps({"execute": cmd, "arguments": arguments}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            return r


f = connect()
stalls = ready = 0
while True:
    try:
        text = open(log, errors="replace").read()
    except OSError:
        text = ""
    n = text.count("VNT-LSC-READY")
    if n > ready:
        ready = n
        nic = re.findall(r"VNT-LSC-NIC (\S+)", text)[-1]
        for up in (False, True):
            time.sleep(1)
            r = ask(f, "set_link", {"name": nic, "up": up})
            print("QEMU set_link %s %s: %s" % (nic, up, r), flush=True)
    n = text.count("VNT-STALL")
    if debug and n > stalls:
        stalls = n
        for nic in nics:
            for q in (0, 1):
                r = ask(f, "x-query-virtio-queue-status",
                        {"path": "/machine/peripheral/%s/virtio-backend" % nic,
                         "queue": q})
                print("QEMU %s q%d: %s" % (nic, q, json.dumps(r.get("return", r))),
                      flush=True)
    if "VNT-DONE" in text:
        break
    time.sleep(0.2)
