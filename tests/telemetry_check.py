#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks the telemetry replies test_telemetry.sh collected against what
testpmd printed. Usage: telemetry_check.py DIR TESTPMD_LOG RACE_ROUNDS PACKED(0|1).
Prints one line per check: "ok<TAB>what" or "bad<TAB>what<TAB>why"."""

import json
import os
import re
import sys

RESULTS = []


def check(what, cond, why=""):
    RESULTS.append((bool(cond), what, why))
    return bool(cond)


def replies(path):
    """One (command, value) per JSON line of a dpdk-telemetry.py session."""
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            obj = json.loads(line)
            if not isinstance(obj, dict) or len(obj) != 1:
                raise ValueError("reply is not a one-key object: %r" % line[:200])
            out.append(next(iter(obj.items())))
    return out


def testpmd_queue_info(log):
    """Ring sizes and burst modes from "show rxq/txq info 0 0"."""
    # testpmd's block-buffered output is cut where its prompt echoes a
    # command (written unbuffered): take the echoes out.
    text = re.sub(r"testpmd> [^\n]*\n", "",
                  open(log, errors="replace").read())
    info = {}
    for d, key in (("RX", "RXDs"), ("TX", "TXDs")):
        m = re.search(r"Infos for port 0 *, %s queue 0 .*?Number of %s: (\d+)"
                      r".*?Burst mode: ([^\n]*)" % (d, key), text, re.S)
        if m:
            mode = m.group(2).replace(" (per queue)", "").strip()
            info[d] = (int(m.group(1)), mode)
    return info


def feature_bits(names):
    bits = {"CSUM": 0, "GUEST_CSUM": 1, "MTU": 3, "MAC": 5, "MRG_RXBUF": 15,
            "STATUS": 16, "CTRL_VQ": 17, "CTRL_RX": 18, "MQ": 22,
            "INDIRECT_DESC": 28, "EVENT_IDX": 29, "VERSION_1": 32,
            "RING_PACKED": 34, "IN_ORDER": 35}
    return sum(1 << bits[n] for n in names if n in bits)


def check_running(d, tp, packed):
    r = dict(replies(os.path.join(d, "running.json")))
    check("/ethdev/list has port 0", r.get("/ethdev/list") == [0],
          repr(r.get("/ethdev/list")))
    info = r.get("/ethdev/info") or {}
    check("/ethdev/info,0 name and MAC",
          info.get("name") == "net_virtnet_user0" and
          info.get("mac_addr") == "00:01:02:03:04:05" and
          info.get("dev_started") == 1, repr(info)[:300])
    st = r.get("/ethdev/stats") or {}
    check("/ethdev/stats,0 counts traffic both ways",
          st.get("ipackets", 0) > 1000 and st.get("opackets", 0) > 1000 and
          st.get("ibytes", 0) >= 60 * st.get("ipackets", 0) and
          st.get("ierrors") == 0, repr(st)[:300])
    xs = r.get("/ethdev/xstats") or {}
    check("/ethdev/xstats,0 good packets, net_virtio's queue 0 counters "
          "and virtnet's",
          xs.get("rx_good_packets", 0) > 1000 and
          xs.get("tx_good_packets", 0) > 1000 and
          xs.get("rx_q0_good_packets", 0) > 1000 and
          xs.get("tx_q0_good_packets", 0) > 1000 and
          "rx_q0_size_1519_max_packets" in xs and
          # DPDK 22.11's telemetry keeps 256 entries of a dict: with many
          # queues virtnet's own (after net_virtio's) are cut off there.
          (len(xs) >= 256 or
           ("tx_q0_notifications" in xs and "ctrl_timeout_errors" in xs)),
          "%d entries: %s" % (len(xs), repr(xs)[:300]))
    ls = r.get("/ethdev/link_status") or {}
    check("/ethdev/link_status,0 up", ls.get("status") == "UP", repr(ls))

    ports = r.get("/virtnet/ports") or {}
    p = ports.get("0") or {}
    check("/virtnet/ports lists port 0 only", list(ports) == ["0"],
          repr(list(ports)))
    check("/virtnet/ports port 0: name, driver, transport, started, link",
          p.get("name") == "net_virtnet_user0" and
          p.get("driver") == "net_virtnet_user" and
          p.get("transport") == "virtio-user/vhost-user" and
          p.get("started") == 1 and p.get("running") == 1 and
          p.get("link") == "up", repr(p)[:400])
    names = p.get("feature_names", [])
    check("/virtnet/ports features: VERSION_1, layout, hex matches names",
          "VERSION_1" in names and ("RING_PACKED" in names) == packed and
          int(p.get("features", "0"), 16) & feature_bits(names) ==
          feature_bits(names), repr(p.get("features")) + " " + repr(names))
    if check("testpmd showed rxq/txq info", "RX" in tp and "TX" in tp,
             repr(tp)):
        check("/virtnet/ports paths are testpmd's burst modes",
              p.get("rx_path") == tp["RX"][1] and
              p.get("tx_path") == tp["TX"][1],
              "telemetry %r/%r, testpmd %r/%r" % (
                  p.get("rx_path"), p.get("tx_path"), tp["RX"][1], tp["TX"][1]))

    port = r.get("/virtnet/port") or {}
    check("/virtnet/port,0 agrees with /virtnet/ports",
          all(port.get(k) == p.get(k) for k in
              ("name", "transport", "features", "rx_path", "tx_path")) and
          port.get("device_features", "0x0") != "0x0", repr(port)[:300])
    nq = info.get("nb_rx_queues", 0)
    listed = min(nq, 8)
    check("/virtnet/port,0 lists %d of %d queue pairs" % (listed, nq),
          nq >= 1 and port.get("nb_rxq") == nq and
          port.get("queues_listed") == listed and
          all("rxq%d" % i in port and "txq%d" % i in port
              for i in range(listed)) and "rxq%d" % listed not in port,
          repr(sorted(port))[:400])
    if nq > 1:
        check("/virtnet/port,0 multi-queue: MQ and the control queue",
              "MQ" in names and "CTRL_VQ" in names and
              port.get("ctrl_queue") == 1, repr(names))
    ok = True
    why = ""
    for i in range(listed):
        for key, dirn, vqid in (("rxq%d" % i, "RX", 2 * i),
                                ("txq%d" % i, "TX", 2 * i + 1)):
            q = port.get(key) or {}
            want_size = tp.get(dirn, (None,))[0]
            good = (q.get("live") == 1 and q.get("size") == want_size and
                    q.get("vqid") == vqid and
                    q.get("layout") == ("packed" if packed else "split") and
                    q.get("in_flight") == q.get("size", 0) - q.get("free", 0)
                    and q.get("broken") == 0 and q.get("fault") == "none" and
                    q.get("packets", 0) > 1000 and
                    q.get("bytes", 0) >= 60 * q.get("packets", 0) and
                    isinstance(q.get("vq_state"), list) and q["vq_state"])
            if not good:
                ok = False
                why += "%s %r (testpmd ring %r); " % (key, q, want_size)
    check("/virtnet/port,0 rings: size as testpmd, live, healthy, counting",
          ok, why[:600])

    dump = r.get("/ethdev/dump_priv")
    dump = dump if isinstance(dump, str) else ""
    feat = re.search(r"^negotiated features: (0x[0-9a-f]+) (.*)$", dump, re.M)
    check("/ethdev/dump_priv,0 text: features, paths, both rings",
          feat is not None and "VERSION_1" in feat.group(2).split() and
          feat.group(1) == p.get("features") and
          ("Rx path: %s\n" % p.get("rx_path")) in dump and
          ("Tx path: %s\n" % p.get("tx_path")) in dump and
          re.search(r"^rxq0: vq 0 %s, %d descriptors" % (
              "packed" if packed else "split", tp.get("RX", (0,))[0]),
              dump, re.M) and
          all(re.search(r"^%sq%d: vq %d " % (dq, i, 2 * i + (dq == "tx")),
                        dump, re.M)
              for i in range(nq) for dq in ("rx", "tx")) and
          dump.count("\n  ring: ") == 2 * nq, dump[:600])


def check_bad(d, log):
    r = replies(os.path.join(d, "bad.json"))
    nulls = [c for c, v in r[:-1] if v is None]
    check("bad parameters answered null",
          len(r) == 9 and len(nulls) == 8, repr(r)[:400])
    last = r[-1][1] if r else None
    check("telemetry still answers after bad parameters",
          isinstance(last, dict) and last.get("port_id") == 0, repr(last)[:200])
    text = open(log, errors="replace").read()
    check("bad parameters logged",
          text.count("telemetry /virtnet/port") >= 8 and
          "is not a virtnet port" in text and
          "takes no parameters" in text, "see " + log)


def check_stopped(d):
    r = dict(replies(os.path.join(d, "stopped.json")))
    port = r.get("/virtnet/port") or {}
    check("stopped port: not started, link down, no rings",
          port.get("started") == 0 and port.get("running") == 0 and
          port.get("link") == "down" and
          (port.get("rxq0") or {}).get("live") == 0 and
          (port.get("txq0") or {}).get("live") == 0, repr(port)[:400])
    dump = r.get("/ethdev/dump_priv")
    dump = dump if isinstance(dump, str) else ""
    check("stopped port: dump_priv says so",
          "state: stopped, no rings" in dump and
          "rxq0: no ring\n" in dump, dump[:400])
    ports = r.get("/virtnet/ports") or {}
    check("stopped port: /virtnet/ports says so",
          (ports.get("0") or {}).get("started") == 0, repr(ports)[:300])


def check_loop(d, prefix, what):
    """Replies of a query loop racing a change of the port: every one
    well-formed, rings seen both live and not."""
    r = replies(os.path.join(d, prefix + ".json"))
    sessions = int(open(os.path.join(d, prefix + ".sessions")).read().strip()
                   or 0)
    live = down = 0
    bad = []
    for cmd, v in r:
        if cmd == "/virtnet/port" and isinstance(v, dict):
            q = v.get("rxq0") or {}
            if v.get("running") == 1 and q.get("live") == 1 and \
                    q.get("size", 0) > 0:
                live += 1
            elif v.get("running") == 0 and q.get("live") == 0:
                down += 1
            else:
                bad.append(v)
        elif cmd == "/ethdev/dump_priv" and isinstance(v, str) and \
                v.startswith("virtnet port 0"):
            continue
        elif cmd == "/ethdev/xstats" and isinstance(v, dict) and \
                "rx_q0_good_packets" in v and "tx_q0_good_packets" in v:
            continue
        else:
            bad.append((cmd, v))
    check("queries racing %s: %d sessions, %d replies, %d with rings, "
          "%d without" % (what, sessions, len(r), live, down),
          sessions > 0 and len(r) == 120 * sessions and not bad and
          live > 0 and down > 0, repr(bad)[:400])


def check_after(d, name, what):
    port = dict(replies(os.path.join(d, name))).get("/virtnet/port") or {}
    check(what + ": started, running, link up, rings live",
          port.get("started") == 1 and port.get("running") == 1 and
          port.get("link") == "up" and
          (port.get("rxq0") or {}).get("live") == 1 and
          (port.get("txq0") or {}).get("live") == 1, repr(port)[:300])


def check_race(d):
    check_loop(d, "race", "%s port stop/start" % sys.argv[3])
    check_after(d, "after.json", "after the stop/start race")


def check_lost(d):
    r = dict(replies(os.path.join(d, "lost-down.json")))
    port = r.get("/virtnet/port") or {}
    dump = r.get("/ethdev/dump_priv")
    dump = dump if isinstance(dump, str) else ""
    check("back-end killed: started, not running, link down, no rings",
          port.get("started") == 1 and port.get("running") == 0 and
          port.get("link") == "down" and
          (port.get("rxq0") or {}).get("live") == 0 and
          "state: started, no rings" in dump and "rxq0: no ring\n" in dump,
          repr(port)[:300] + " " + dump[:200])
    check_loop(d, "lost", "the back-end killed and back")
    check_after(d, "lost-after.json", "back-end back")


def main():
    d, log = sys.argv[1], sys.argv[2]
    tp = testpmd_queue_info(log)
    packed = sys.argv[4] == "1"
    for f in (check_running, check_bad, check_stopped, check_race,
              check_lost):
        try:
            if f is check_running:
                f(d, tp, packed)
            elif f is check_bad:
                f(d, log)
            else:
                f(d)
        except (OSError, ValueError) as e:
            check(f.__name__, False, "%s: %s" % (type(e).__name__, e))
    for good, what, why in RESULTS:
        why = why.replace("\n", " | ").replace("\t", " ")
        print("ok\t%s" % what if good else "bad\t%s\t%s" % (what, why))


main()
