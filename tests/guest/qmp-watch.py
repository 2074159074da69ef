#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""QEMU's side of test_guest.sh, driven by the guest console:
- VNT-LSC-NIC <id> then VNT-LSC-READY: take that NIC's link down and up
  again (QMP set_link), for the guest's LSC test;
- VNT-STALL (with --debug): print QEMU's state of queues 0 and 1 of
  every NIC (x-query-virtio-queue-status);
- VNT-ANNOUNCE-NIC <id> then VNT-ANNOUNCE-READY: QMP announce-self for that
  NIC (one round), then how many ANNOUNCE_ACKs QEMU handled since
  (trace virtio_net_handle_announce, in TRACE);
- VNT-GOFF-TRACE-ON / -OFF: trace the device status writes of every NIC
  in between (virtio_set_status: a device reset writes 0), and print
  them."""
import json
import re
import socket
import sys
import time

args = sys.argv[1:]
debug = args[0] == "--debug"
if debug:
    args = args[1:]
sock_path, log, trace, nics = args[0], args[1], args[2], args[3:]


def trace_lines(event):
    try:
        with open(trace, errors="replace") as t:
            return [x.strip() for x in t if x.startswith(event + " ")]
    except OSError:
        return []


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
stalls = ready = announced = tron = troff = 0
status_mark = 0
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
    n = text.count("VNT-ANNOUNCE-READY")
    if n > announced:
        announced = n
        nic = re.findall(r"VNT-ANNOUNCE-NIC (\S+)", text)[-1]
        acks = len(trace_lines("virtio_net_handle_announce"))
        time.sleep(1)
        r = ask(f, "announce-self", {"initial": 50, "max": 550, "rounds": 1,
                                     "step": 50, "interfaces": [nic]})
        print("QEMU announce-self %s: %s" % (nic, r), flush=True)
        time.sleep(4)
        print("QEMU announce %d: %s: %d ANNOUNCE_ACK handled" %
              (n, nic, len(trace_lines("virtio_net_handle_announce")) - acks),
              flush=True)
    n = text.count("VNT-GOFF-TRACE-ON")
    if n > tron:
        tron = n
        status_mark = len(trace_lines("virtio_set_status"))
        r = ask(f, "trace-event-set-state",
                {"name": "virtio_set_status", "enable": True})
        print("QEMU goff %d: tracing virtio_set_status: %s" % (n, r),
              flush=True)
    n = text.count("VNT-GOFF-TRACE-OFF")
    if n > troff:
        troff = n
        ask(f, "trace-event-set-state",
            {"name": "virtio_set_status", "enable": False})
        w = trace_lines("virtio_set_status")[status_mark:]
        print("QEMU goff %d: %d device status writes (%d resets) in the window" %
              (n, len(w), sum(x.endswith(" val 0") for x in w)), flush=True)
    if "VNT-DONE" in text:
        break
    time.sleep(0.2)
