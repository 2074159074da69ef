#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Build the PMD_INFO_STRING C file for a driver from its objects.

Reads the local symbols the DPDK registration macros leave in each object
(this_pmd_name<N>, __<name>_param_string_export, __<name>_pci_tbl_export,
__<name>_kmod_dep_export) and writes one JSON string per driver, the form
dpdk-pmdinfo.py looks for in .rodata.
"""

import io
import os
import json
import struct
import sys

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection


def ar_members(path, data):
    """Yield the object files of a static archive, thin or not."""
    thin = data.startswith(b"!<thin>\n")
    if not thin and not data.startswith(b"!<arch>\n"):
        yield data
        return
    names = b""
    pos = 8
    while pos + 60 <= len(data):
        hdr = data[pos:pos + 60]
        name = hdr[:16].decode().strip()
        size = int(hdr[48:58].decode().strip())
        stored = 0 if thin and name not in ("/", "//", "/SYM64/") else size
        body = data[pos + 60:pos + 60 + stored]
        pos += 60 + stored + (stored & 1)
        if name == "//":
            names = body
            continue
        if name in ("/", "/SYM64/"):
            continue
        # GNU ar may end a long-name reference with "/" ("/119    /").
        ref = name[1:].rstrip("/ ")
        if name.startswith("/") and ref.isdigit():
            off = int(ref)
            name = names[off:names.index(b"\n", off)].decode()
        name = name.rstrip("/")
        if thin:
            with open(os.path.join(os.path.dirname(path), name), "rb") as f:
                yield f.read()
        else:
            yield body


class ObjectSymbols:
    """Symbol values of one relocatable object."""

    def __init__(self, blob):
        self.elf = ELFFile(io.BytesIO(blob))
        self.syms = {}
        for sec in self.elf.iter_sections():
            if isinstance(sec, SymbolTableSection):
                for sym in sec.iter_symbols():
                    if sym.name and isinstance(sym["st_shndx"], int):
                        self.syms[sym.name] = sym

    def raw(self, name):
        sym = self.syms.get(name)
        if sym is None:
            return None
        sec = self.elf.get_section(sym["st_shndx"])
        if sec["sh_type"] == "SHT_NOBITS":
            return None
        data = sec.data()
        start = sym["st_value"]
        return data[start:start + sym["st_size"]]

    def string(self, name):
        raw = self.raw(name)
        return None if raw is None else raw.split(b"\0")[0].decode()

    def pci_ids(self, table):
        raw = self.raw(table) or b""
        ids = []
        # struct rte_pci_id: u32 class_id, u16 vendor, device, subvendor, subdevice
        for off in range(0, len(raw) - 11, 12):
            _, ven, dev, sven, sdev = struct.unpack_from("<IHHHH", raw, off)
            if ven == 0:
                break
            ids.append([ven, dev, sven, sdev])
        return ids

    def drivers(self):
        for name in self.syms:
            if name.startswith("this_pmd_name"):
                yield self.string(name)


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        data = f.read()
    infos = []
    for blob in ar_members(src, data):
        if not blob.startswith(b"\x7fELF"):
            continue
        obj = ObjectSymbols(blob)
        for drv in obj.drivers():
            info = {"name": drv, "pci_ids": []}
            params = obj.string("__%s_param_string_export" % drv)
            if params:
                info["params"] = params
            kmod = obj.string("__%s_kmod_dep_export" % drv)
            if kmod:
                info["kmod"] = kmod
            table = obj.string("__%s_pci_tbl_export" % drv)
            if table:
                info["pci_ids"] = obj.pci_ids(table)
            infos.append(info)
    if not infos:
        sys.exit("gen_pmdinfo: no driver registration found in " + src)
    with open(out, "w") as f:
        for i, info in enumerate(infos):
            text = json.dumps(info, separators=(",", ":"))
            text = text.replace("\\", "\\\\").replace('"', '\\"')
            f.write('__attribute__((used)) static const char '
                    'virtnet_pmd_info%d[] = "PMD_INFO_STRING= %s";\n'
                    % (i, text))


if __name__ == "__main__":
    main()
