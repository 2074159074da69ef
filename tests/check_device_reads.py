#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every read of a field the device writes in a ring goes through one
__atomic_load_n (design.md section 4, audit F9): a plain load lets the
compiler fetch the field again after its range check, and the device may
have changed it in between.

The fields: a packed descriptor's id, len and flags, a used element's id
and len, the used ring's idx and flags, the packed device event's
off_wrap and flags; reached as vq->pdesc[..]., vq->used->..., or
through a local pointer declared as struct vring_packed_desc,
vring_used_elem or vring_used (p->field, p[i].field); a whole descriptor
or used element copied out of the ring (x = vq->pdesc[i];) counts too. Writes (the driver's own descriptors) are
fine; so is taking an address (&...), which is how the atomics are called.
Vector loads of whole descriptors are single loads and not looked at.

  check_device_reads.py FILE|DIR...  prints each plain read; exit 1 if any
"""
import glob
import os
import re
import sys

FIELDS = r"(id|len|flags|idx)"
DEV_TYPES = r"struct\s+(vring_packed_desc|vring_used_elem|vring_used)\s*\*\s*(\w+)"
# A whole descriptor or used element copied out: several plain loads.
COPY = re.compile(r"=\s*(vq->(pdesc|used->ring)\[[^\]]*\])\s*;")
DIRECT = re.compile(r"vq->((pdesc\[[^\]]*\]\.|used->ring\[[^\]]*\]\.|used->)" +
                    FIELDS + r"|device_event->(off_wrap|flags))\b")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"),
                  text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def plain_reads(line, pattern):
    """Reads of @pattern in @line: not after '&', not assigned to."""
    for m in pattern.finditer(line):
        before = line[:m.start()].rstrip()
        after = line[m.end():].lstrip()
        if before.endswith("&"):
            continue
        if re.match(r"(=[^=]|\+=|-=|\|=|&=|\^=|\+\+|--)", after):
            continue
        yield m.group(0)


def check(path):
    found = []
    text = strip_comments(open(path).read())
    names = set(m.group(2) for m in re.finditer(DEV_TYPES, text))
    via = re.compile(r"(?<![\w>.])(" + "|".join(sorted(names)) +
                     r")(->|\[[^\]]*\]\.)" + FIELDS + r"\b") \
        if names else None
    for n, line in enumerate(text.split("\n"), 1):
        if "_mm512" in line or "_mm256" in line:
            continue
        for c in COPY.finditer(line):
            found.append("%s:%d: plain copy of %s" % (path, n, c.group(1)))
        for pat in (DIRECT, via):
            if pat is None:
                continue
            for r in plain_reads(line, pat):
                found.append("%s:%d: plain read of %s" % (path, n, r))
    return found


def main():
    found = []
    paths = []
    for a in sys.argv[1:]:
        paths += sorted(glob.glob(os.path.join(a, "*.[ch]"))) \
            if os.path.isdir(a) else [a]
    for p in paths:
        found += check(p)
    for f in found:
        print(f)
    print("%d plain reads of device-written ring fields in %d files" %
          (len(found), len(paths)))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
