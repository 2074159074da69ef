#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 virtnet authors
"""Check doc/guides/nics/features/virtnet.ini against the driver source.

DPDK's features .ini claims what a driver implements, one line per
feature of DPDK's doc/guides/nics/features/default.ini, value Y (yes) or
P (partial). This script knows, for each feature of DPDK 22.11, what the
driver must set for it (doc/guides/nics/features.rst): eth_dev_ops
members, RTE_ETH_RX/TX_OFFLOAD_* capabilities, dev_flags, dev_capa,
rte_eth_dev fields (bursts, descriptor status), dev_info fields. It reads
drivers/net/virtnet/*.[ch] (comments and strings removed) for what the
driver sets, and fails, one line per mismatch, naming the exact .ini line
to add, remove, change or move, when:

- the .ini claims a feature whose evidence is absent, or claims Y where
  only part of it is there;
- the driver sets something whose feature the .ini does not claim;
- the driver sets something this script does not know (classify it in
  FEATURES or NO_FEATURE below);
- a key is not a DPDK 22.11 feature name, is repeated, has a value other
  than Y or P, or is out of default.ini's order;
- a P the evidence would call Y has no ';' comment right above it saying
  what is partial.

Features in MANUAL cannot be seen in the code (platforms, documents,
multi-process behaviour); the script accepts what the .ini says of them.

How the code is read (heuristics, by design small):
- ops: every `struct eth_dev_ops NAME = { .member = value, ... }`
  initializer; members set to NULL or 0 do not count. Ops assigned at
  run time (ops->x = f) are not seen.
- capabilities and flags: every `FIELD = expr` or `FIELD |= expr`
  (`&=` clears, so it is skipped) of rx/tx_(queue_)offload_capa,
  dev_capa, dev_flags and a PCI driver's drv_flags; identifiers in expr
  that are macros or functions defined in the driver are expanded, three
  levels deep, and every matching RTE_ETH_*/RTE_PCI_DRV_* token not
  preceded by '~' counts.
- rte_eth_dev fields: `->field = value` / `.field = value`, not NULL.

Usage: check-features.py [--root DIR] [--ini FILE] [--dpdk-default FILE]
       check-features.py --self-test
--dpdk-default compares the embedded key list with a DPDK default.ini.
"""

import argparse
import difflib
import os
import re
import sys

DRIVER_DIR = 'drivers/net/virtnet'
INI = 'doc/guides/nics/features/virtnet.ini'

# Evidence items, 'kind:name':
#   op:x     eth_dev_ops member x set in an ops table
#   dev:x    rte_eth_dev field x assigned (bursts, descriptor status)
#   rx:X     RTE_ETH_RX_OFFLOAD_X in rx_offload_capa or rx_queue_offload_capa
#   tx:X     RTE_ETH_TX_OFFLOAD_X in tx_offload_capa or tx_queue_offload_capa
#   flag:X   RTE_ETH_DEV_X in dev_flags
#   capa:X   RTE_ETH_DEV_CAPA_X in dev_info's dev_capa
#   pci:X    RTE_PCI_DRV_X in a struct rte_pci_driver's drv_flags
#   info:x   rte_eth_dev_info field x assigned a value other than 0
#   src:x    SRC_PATTERNS[x] matches the code
#   file:p   file p exists (relative to the repository root)
#
# A feature is ('key', need, also): Y needs every item of need; any item
# of need or also present means the driver implements the feature at
# least in part, so the .ini must claim it (Y when need is complete, else
# P). Manual features are ('key', None, reason). Order: DPDK 22.11's
# default.ini [Features].


def ops(*names):
    return ['op:' + n for n in names]


FEATURES = [
    ('Speed capabilities', ['info:speed_capa'], []),
    ('Link speed configuration', ['src:link_speeds'], []),
    ('Link status', ops('link_update'), []),
    ('Link status event', ['flag:INTR_LSC'], ['pci:INTR_LSC']),
    ('Removal event', ['flag:INTR_RMV'], ['pci:INTR_RMV'] + ops('is_removed')),
    ('Queue status event', ['src:queue_state_event'], []),
    ('Rx interrupt', ops('rx_queue_intr_enable', 'rx_queue_intr_disable'), []),
    ('Lock-free Tx queue', ['tx:MT_LOCKFREE'], []),
    ('Fast mbuf free', ['tx:MBUF_FAST_FREE'], []),
    ('Free Tx mbuf on demand', ops('tx_done_cleanup'), []),
    ('Queue start/stop', ops('rx_queue_start', 'rx_queue_stop',
                             'tx_queue_start', 'tx_queue_stop'), []),
    ('Runtime Rx queue setup', ['capa:RUNTIME_RX_QUEUE_SETUP'], []),
    ('Runtime Tx queue setup', ['capa:RUNTIME_TX_QUEUE_SETUP'], []),
    ('Shared Rx queue', ['capa:RXQ_SHARE'], []),
    ('Burst mode info', ops('rx_burst_mode_get', 'tx_burst_mode_get'), []),
    ('Power mgmt address monitor', ops('get_monitor_addr'), []),
    ('MTU update', ops('mtu_set'), []),
    ('Buffer split on Rx', ['rx:BUFFER_SPLIT'],
     ops('buffer_split_supported_hdr_ptypes_get')),
    ('Scattered Rx', ['rx:SCATTER'], []),
    ('LRO', ['rx:TCP_LRO'], []),
    ('TSO', ['tx:TCP_TSO'],
     ['tx:' + t for t in ('UDP_TSO', 'VXLAN_TNL_TSO', 'GRE_TNL_TSO',
                          'IPIP_TNL_TSO', 'GENEVE_TNL_TSO', 'IP_TNL_TSO',
                          'UDP_TNL_TSO')]),
    ('Promiscuous mode', ops('promiscuous_enable', 'promiscuous_disable'), []),
    ('Allmulticast mode', ops('allmulticast_enable', 'allmulticast_disable'),
     []),
    ('Unicast MAC filter', ops('mac_addr_set', 'mac_addr_add',
                               'mac_addr_remove'), []),
    ('Multicast MAC filter', ops('set_mc_addr_list'), []),
    ('RSS hash', ['rx:RSS_HASH', 'info:flow_type_rss_offloads'], []),
    ('RSS key update', ops('rss_hash_update', 'rss_hash_conf_get'),
     ['info:hash_key_size']),
    ('RSS reta update', ops('reta_update', 'reta_query'), ['info:reta_size']),
    ('Inner RSS', None, 'an rte_flow RSS action with level > 1: a property '
     'of flow rules, not of an op or a capability'),
    ('VMDq', ['info:max_vmdq_pools'], []),
    ('SR-IOV', ['info:max_vfs'], []),
    ('DCB', ops('get_dcb_info'), []),
    ('VLAN filter', ops('vlan_filter_set') + ['rx:VLAN_FILTER'], []),
    ('Flow control', ops('flow_ctrl_get', 'flow_ctrl_set'),
     ops('priority_flow_ctrl_set', 'priority_flow_ctrl_queue_info_get',
         'priority_flow_ctrl_queue_config')),
    ('Rate limitation', ops('set_queue_rate_limit'), []),
    ('Congestion management', ops('cman_info_get', 'cman_config_set',
                                  'cman_config_get'),
     ops('cman_config_init')),
    ('Traffic manager', ops('tm_ops_get'), []),
    ('Inline crypto', None, 'RTE_ETH_RX/TX_OFFLOAD_SECURITY serve both '
     'inline crypto and inline protocol; which one is the rte_security '
     'capabilities\' action type (checked: one of the two is claimed '
     'exactly when SECURITY is reported)'),
    ('Inline protocol', None, 'see Inline crypto'),
    ('CRC offload', ['rx:KEEP_CRC'], []),
    ('VLAN offload', ops('vlan_offload_set') +
     ['rx:VLAN_STRIP', 'tx:VLAN_INSERT'], ['rx:VLAN_EXTEND']),
    ('QinQ offload', ['rx:QINQ_STRIP', 'tx:QINQ_INSERT'], []),
    ('FEC', ops('fec_get_capability', 'fec_get', 'fec_set'), []),
    ('IP reassembly', ops('ip_reassembly_capability_get',
                          'ip_reassembly_conf_get',
                          'ip_reassembly_conf_set'), []),
    ('L3 checksum offload', ['rx:IPV4_CKSUM', 'tx:IPV4_CKSUM'], []),
    ('L4 checksum offload', ['rx:TCP_CKSUM', 'rx:UDP_CKSUM',
                             'tx:TCP_CKSUM', 'tx:UDP_CKSUM'],
     ['rx:SCTP_CKSUM', 'tx:SCTP_CKSUM']),
    ('Timestamp offload', ['rx:TIMESTAMP'], ops('read_clock')),
    ('MACsec offload', ['rx:MACSEC_STRIP', 'tx:MACSEC_INSERT'], []),
    ('Inner L3 checksum', ['rx:OUTER_IPV4_CKSUM', 'tx:OUTER_IPV4_CKSUM'], []),
    ('Inner L4 checksum', ['rx:OUTER_UDP_CKSUM', 'tx:OUTER_UDP_CKSUM'], []),
    ('Packet type parsing', ops('dev_supported_ptypes_get'),
     ops('dev_ptypes_set')),
    ('Timesync', ops('timesync_enable', 'timesync_disable',
                     'timesync_read_rx_timestamp',
                     'timesync_read_tx_timestamp', 'timesync_adjust_time',
                     'timesync_read_time', 'timesync_write_time'), []),
    ('Rx descriptor status', ['dev:rx_descriptor_status'], []),
    ('Tx descriptor status', ['dev:tx_descriptor_status'], []),
    ('Basic stats', ops('stats_get', 'stats_reset'), []),
    ('Extended stats', ops('xstats_get', 'xstats_get_names', 'xstats_reset'),
     ops('xstats_get_by_id', 'xstats_get_names_by_id')),
    ('Stats per queue', ['src:queue_stats'], ops('queue_stats_mapping_set')),
    ('FW version', ops('fw_version_get'), []),
    ('EEPROM dump', ops('get_eeprom_length', 'get_eeprom'),
     ops('set_eeprom')),
    ('Module EEPROM dump', ops('get_module_info', 'get_module_eeprom'), []),
    ('Registers dump', ops('get_reg'), []),
    ('LED', ops('dev_led_on', 'dev_led_off'), []),
    ('Multiprocess aware', None, 'whether a secondary process can attach '
     'and run the bursts is behaviour, not an op'),
    ('FreeBSD', None, 'a platform the driver is built and tested on'),
    ('Linux', None, 'a platform the driver is built and tested on'),
    ('Windows', None, 'a platform the driver is built and tested on'),
    ('ARMv7', None, 'an architecture the driver is built and tested on'),
    ('ARMv8', None, 'an architecture the driver is built and tested on'),
    ('LoongArch64', None, 'an architecture the driver is built and tested '
     'on'),
    ('Power8', None, 'an architecture the driver is built and tested on'),
    ('rv64', None, 'an architecture the driver is built and tested on'),
    ('x86-32', None, 'an architecture the driver is built and tested on'),
    ('x86-64', None, 'an architecture the driver is built and tested on'),
    ('Usage doc', ['file:doc/guides/nics/virtnet.rst'], []),
    ('Design doc', None, 'whether the guide describes the design is for a '
     'reader to judge'),
    ('Perf doc', None, 'performance reports live at dpdk.org/doc/perf, '
     'outside the tree'),
]

# Code patterns for src: items, with what they stand for.
SRC_PATTERNS = {
    'link_speeds': (r'\blink_speeds\b', 'code reading dev_conf.link_speeds'),
    'queue_state_event': (r'\bRTE_ETH_EVENT_QUEUE_STATE\b',
                          'code raising RTE_ETH_EVENT_QUEUE_STATE'),
    'queue_stats': (r'\bq_(?:ipackets|opackets|ibytes|obytes|errors)\s*\[',
                    'code filling rte_eth_stats q_ipackets/q_opackets/...'),
}

# Set by drivers, but no feature of default.ini (features.rst "Other dev
# ops not represented by a Feature", the lifecycle, and the like).
NO_FEATURE = set(
    ops('dev_configure', 'dev_start', 'dev_stop', 'dev_close', 'dev_reset',
        'dev_set_link_up', 'dev_set_link_down', 'dev_infos_get',
        'rx_queue_setup', 'rx_queue_release', 'tx_queue_setup',
        'tx_queue_release', 'rxq_info_get', 'txq_info_get',
        'vlan_tpid_set', 'vlan_strip_queue_set', 'vlan_pvid_set',
        'uc_hash_table_set', 'uc_all_hash_table_set',
        'udp_tunnel_port_add', 'udp_tunnel_port_del', 'mtr_ops_get',
        'pool_ops_supported', 'hairpin_cap_get', 'rx_hairpin_queue_setup',
        'tx_hairpin_queue_setup', 'hairpin_get_peer_ports', 'hairpin_bind',
        'hairpin_unbind', 'hairpin_queue_peer_update',
        'hairpin_queue_peer_bind', 'hairpin_queue_peer_unbind',
        'representor_info_get', 'rx_metadata_negotiate',
        'eth_dev_priv_dump', 'rx_queue_avail_thresh_set',
        'rx_queue_avail_thresh_query', 'eth_rx_descriptor_dump',
        'eth_tx_descriptor_dump') +
    ['dev:rx_pkt_burst', 'dev:tx_pkt_burst', 'dev:tx_pkt_prepare',
     'dev:rx_queue_count',
     'tx:MULTI_SEGS', 'tx:SEND_ON_TIMESTAMP',
     'flag:AUTOFILL_QUEUE_XSTATS', 'flag:BONDED_SLAVE', 'flag:REPRESENTOR',
     'flag:NOLIVE_MAC_ADDR', 'flag:FLOW_OPS_THREAD_SAFE',
     'capa:FLOW_RULE_KEEP', 'capa:FLOW_SHARED_OBJECT_KEEP',
     'pci:NEED_MAPPING', 'pci:WC_ACTIVATE', 'pci:NEED_IOVA_AS_VA',
     'pci:KEEP_MAPPED_RES', 'pci:PROBE_AGAIN'])

# Set by drivers, but beyond what this script checks: the message says
# what to do.
UNSUPPORTED = {
    'op:flow_ops_get': 'rte_flow support needs [rte_flow items] and '
                       '[rte_flow actions] sections, which this script does '
                       'not check yet: extend it (DPDK\'s '
                       'devtools/parse-flow-support.sh reads the code)',
}

# Capabilities only a manual feature can answer for: one of the features
# must be claimed exactly when one of the items is set.
ONE_OF = [(('Inline crypto', 'Inline protocol'),
           ['rx:SECURITY', 'tx:SECURITY'])]

# DPDK 22.11's eth_dev_ops members (lib/ethdev/ethdev_driver.h).
ETH_DEV_OPS = set('''
dev_configure dev_start dev_stop dev_set_link_up dev_set_link_down
dev_close dev_reset link_update is_removed promiscuous_enable
promiscuous_disable allmulticast_enable allmulticast_disable
mac_addr_remove mac_addr_add mac_addr_set set_mc_addr_list mtu_set
stats_get stats_reset xstats_get xstats_reset xstats_get_names
queue_stats_mapping_set dev_infos_get rxq_info_get txq_info_get
rx_burst_mode_get tx_burst_mode_get fw_version_get dev_supported_ptypes_get
dev_ptypes_set vlan_filter_set vlan_tpid_set vlan_strip_queue_set
vlan_offload_set vlan_pvid_set rx_queue_start rx_queue_stop tx_queue_start
tx_queue_stop rx_queue_setup rx_queue_release rx_queue_intr_enable
rx_queue_intr_disable tx_queue_setup tx_queue_release tx_done_cleanup
dev_led_on dev_led_off flow_ctrl_get flow_ctrl_set priority_flow_ctrl_set
priority_flow_ctrl_queue_info_get priority_flow_ctrl_queue_config
uc_hash_table_set uc_all_hash_table_set udp_tunnel_port_add
udp_tunnel_port_del set_queue_rate_limit rss_hash_update rss_hash_conf_get
reta_update reta_query get_reg get_eeprom_length get_eeprom set_eeprom
get_module_info get_module_eeprom flow_ops_get get_dcb_info timesync_enable
timesync_disable timesync_read_rx_timestamp timesync_read_tx_timestamp
timesync_adjust_time timesync_read_time timesync_write_time read_clock
xstats_get_by_id xstats_get_names_by_id tm_ops_get mtr_ops_get
pool_ops_supported hairpin_cap_get rx_hairpin_queue_setup
tx_hairpin_queue_setup fec_get_capability fec_get fec_set
hairpin_get_peer_ports hairpin_bind hairpin_unbind hairpin_queue_peer_update
hairpin_queue_peer_bind hairpin_queue_peer_unbind get_monitor_addr
representor_info_get rx_metadata_negotiate ip_reassembly_capability_get
ip_reassembly_conf_get ip_reassembly_conf_set
buffer_split_supported_hdr_ptypes_get eth_dev_priv_dump
rx_queue_avail_thresh_set rx_queue_avail_thresh_query
eth_rx_descriptor_dump eth_tx_descriptor_dump cman_info_get
cman_config_init cman_config_set cman_config_get
'''.split())

# Macros of rte_ethdev.h that stand for several capabilities.
COMPOSITE = {
    'rx:CHECKSUM': ['rx:IPV4_CKSUM', 'rx:UDP_CKSUM', 'rx:TCP_CKSUM'],
    'rx:VLAN': ['rx:VLAN_STRIP', 'rx:VLAN_FILTER', 'rx:VLAN_EXTEND',
                'rx:QINQ_STRIP'],
}

# Fields whose assigned expression names capabilities: field -> (kind,
# token prefix).
CAPA_FIELDS = {
    'rx_offload_capa': ('rx', 'RTE_ETH_RX_OFFLOAD_'),
    'rx_queue_offload_capa': ('rx', 'RTE_ETH_RX_OFFLOAD_'),
    'tx_offload_capa': ('tx', 'RTE_ETH_TX_OFFLOAD_'),
    'tx_queue_offload_capa': ('tx', 'RTE_ETH_TX_OFFLOAD_'),
    'dev_capa': ('capa', 'RTE_ETH_DEV_CAPA_'),
    'dev_flags': ('flag', 'RTE_ETH_DEV_'),
    'drv_flags': ('pci', 'RTE_PCI_DRV_'),
}
DEV_FIELDS = ('rx_pkt_burst', 'tx_pkt_burst', 'tx_pkt_prepare',
              'rx_queue_count', 'rx_descriptor_status',
              'tx_descriptor_status')
INFO_FIELDS = ('speed_capa', 'flow_type_rss_offloads', 'hash_key_size',
               'reta_size', 'max_vmdq_pools', 'max_vfs')

KEYS = [f[0] for f in FEATURES]
SPEC = {f[0]: f for f in FEATURES}


def describe(item):
    """What an evidence item means, for messages."""
    kind, name = item.split(':', 1)
    return {
        'op': lambda: 'eth_dev_ops.' + name,
        'dev': lambda: 'rte_eth_dev.' + name,
        'rx': lambda: 'RTE_ETH_RX_OFFLOAD_%s in rx_offload_capa' % name,
        'tx': lambda: 'RTE_ETH_TX_OFFLOAD_%s in tx_offload_capa' % name,
        'flag': lambda: 'RTE_ETH_DEV_%s in dev_flags' % name,
        'capa': lambda: 'RTE_ETH_DEV_CAPA_%s in dev_capa' % name,
        'pci': lambda: 'RTE_PCI_DRV_%s in drv_flags' % name,
        'info': lambda: 'dev_info.%s' % name,
        'src': lambda: SRC_PATTERNS[name][1],
        'file': lambda: 'file ' + name,
    }[kind]()


def ini_line(key, value):
    """A line as DPDK's .ini files align them."""
    return '%-20s = %s' % (key, value)


# ---------------------------------------------------------------- code


def strip_code(text):
    """Comments and string/char literal contents become spaces; newlines
    and offsets stay, so positions still give line numbers."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            for k in range(i + 1, min(j, n)):
                out[k] = ' '
            i = j + 1
            continue
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != '\n':
                out[k] = ' '
        i = j
    return ''.join(out)


def match_close(text, pos, open_c, close_c):
    """Index just past the bracket matching text[pos] (an open_c)."""
    depth = 0
    for i in range(pos, len(text)):
        if text[i] == open_c:
            depth += 1
        elif text[i] == close_c:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def expr_end(text, pos, designated):
    """End of the expression starting at pos: ';', or for a designated
    initializer ',' or '}' at depth 0."""
    depth = 0
    for i in range(pos, len(text)):
        c = text[i]
        if c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                return i
            depth -= 1
        elif c == ';' or (designated and c == ',' and depth == 0):
            return i
    return len(text)


def is_null(value):
    return value.strip() in ('NULL', '0', '(void *)0', '')


class Code:
    """The driver's sources, stripped, and what they set."""

    def __init__(self, sources, root):
        # sources: {relative path: text}
        self.root = root
        self.files = {p: strip_code(t) for p, t in sorted(sources.items())}
        self.found = {}         # item -> ['file:line', ...]
        self.macros = {}        # name -> (file, offset of body, body)
        self.ops_tables = 0
        self._index_macros()
        for path, text in self.files.items():
            self._ops(path, text)
            self._dev_fields(path, text)
            self._capas(path, text)
            self._info(path, text)
            for name, (rx, _) in SRC_PATTERNS.items():
                for m in re.finditer(rx, text):
                    self._add('src:' + name, path, text, m.start())

    def _add(self, item, path, text, pos):
        where = '%s:%d' % (os.path.basename(path),
                           text.count('\n', 0, pos) + 1)
        self.found.setdefault(item, [])
        if where not in self.found[item]:
            self.found[item].append(where)

    def _index_macros(self):
        rx = re.compile(r'^[ \t]*#[ \t]*define[ \t]+(\w+)(\([^)]*\))?'
                        r'((?:[^\n]*\\\n)*[^\n]*)', re.M)
        for path, text in self.files.items():
            for m in rx.finditer(text):
                self.macros.setdefault(m.group(1),
                                       (path, m.start(3), m.group(3)))

    def _function(self, name):
        """(path, offset, body) of a function defined in the driver."""
        rx = re.compile(r'^(?:[A-Za-z_][\w \t*]*[\s*])?%s\s*\(' %
                        re.escape(name), re.M)
        for path, text in self.files.items():
            for m in rx.finditer(text):
                close = match_close(text, m.end() - 1, '(', ')')
                rest = text[close:].lstrip()
                if rest.startswith('{'):
                    start = text.index('{', close)
                    end = match_close(text, start, '{', '}')
                    return path, start, text[start:end]
        return None

    def _tokens(self, path, base, expr, prefix, kind, depth, seen):
        """Capability tokens in expr, expanding the driver's own macros
        and functions."""
        text = self.files[path]
        for m in re.finditer(r'(~\s*)?\b([A-Za-z_]\w*)', expr):
            ident = m.group(2)
            if ident.startswith(prefix):
                name = ident[len(prefix):]
                if (kind == 'flag' and name.startswith('CAPA_')) or \
                        m.group(1):
                    continue
                item = kind + ':' + name
                for it in COMPOSITE.get(item, [item]):
                    self._add(it, path, text, base + m.start(2))
                continue
            if depth >= 3 or ident in seen:
                continue
            seen.add(ident)
            if ident in self.macros:
                p, off, body = self.macros[ident]
                self._tokens(p, off, body, prefix, kind, depth + 1, seen)
                continue
            fn = self._function(ident)
            if fn is not None:
                self._tokens(fn[0], fn[1], fn[2], prefix, kind, depth + 1,
                             seen)

    def _ops(self, path, text):
        for m in re.finditer(r'\bstruct\s+eth_dev_ops\s+\w+\s*=\s*\{', text):
            self.ops_tables += 1
            start = m.end() - 1
            end = match_close(text, start, '{', '}')
            body = text[start + 1:end - 1]
            for mm in re.finditer(r'\.\s*(\w+)\s*=', body):
                vstart = mm.end()
                vend = expr_end(body, vstart, True)
                if is_null(body[vstart:vend]):
                    continue
                self._add('op:' + mm.group(1), path, text,
                          start + 1 + mm.start())

    def _dev_fields(self, path, text):
        rx = r'(?:->|\.)\s*(%s)\s*=(?!=)' % '|'.join(DEV_FIELDS)
        for m in re.finditer(rx, text):
            designated = text[m.start()] == '.'
            vend = expr_end(text, m.end(), designated)
            if not is_null(text[m.end():vend]):
                self._add('dev:' + m.group(1), path, text, m.start(1))

    def _capas(self, path, text):
        rx = r'(\.)?\b(%s)\s*(\|?=)(?!=)' % '|'.join(CAPA_FIELDS)
        for m in re.finditer(rx, text):
            kind, prefix = CAPA_FIELDS[m.group(2)]
            vend = expr_end(text, m.end(), m.group(1) is not None)
            self._tokens(path, m.end(), text[m.end():vend], prefix, kind,
                         0, set())

    def _info(self, path, text):
        rx = r'\b(%s)\s*\|?=(?!=)' % '|'.join(INFO_FIELDS)
        for m in re.finditer(rx, text):
            vend = expr_end(text, m.end(), False)
            if not is_null(text[m.end():vend]):
                self._add('info:' + m.group(1), path, text, m.start(1))

    def has(self, item):
        if item.startswith('file:'):
            return os.path.isfile(os.path.join(self.root, item[5:]))
        return item in self.found

    def where(self, item):
        if item.startswith('file:'):
            return item[5:]
        return ', '.join(self.found.get(item, [])[:3])


# Files that only relay the primary's dev_info and ops to secondary
# processes: what they copy is evidence of nothing (the primary's code is).
RELAY_FILES = ('virtnet_mp.c', 'virtnet_secondary.c')


def read_sources(root):
    d = os.path.join(root, DRIVER_DIR)
    out = {}
    for f in sorted(os.listdir(d)):
        if f.endswith(('.c', '.h')) and f not in RELAY_FILES:
            with open(os.path.join(d, f), encoding='utf-8') as fh:
                out[os.path.join(DRIVER_DIR, f)] = fh.read()
    return out


# ----------------------------------------------------------------- ini


def parse_ini(text, name, errors):
    """[(lineno, key, value, commented)] of [Features]; other sections
    are reported as (lineno, '[section]', None, False)."""
    entries = []
    section = None
    prev_comment = False
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            prev_comment = False
            continue
        if line[0] in ';#':
            prev_comment = True
            continue
        if line.startswith('['):
            section = line
            if section != '[Features]':
                entries.append((no, section, None, False))
            prev_comment = False
            continue
        if section != '[Features]':
            continue
        if '=' not in line:
            errors.append('%s:%d: "%s" is not "key = value": remove it' %
                          (name, no, raw))
            continue
        key, value = (s.strip() for s in line.split('=', 1))
        entries.append((no, key, value, prev_comment))
        prev_comment = False
    if section is None:
        errors.append('%s:1: no [Features] section: start the file with '
                      '"[Features]"' % name)
    return entries


def check(ini_text, code, name=INI):
    """Mismatch messages, one per line to print."""
    errors = []
    entries = parse_ini(ini_text, name, errors)
    claimed = {}        # key -> (lineno, value, commented)

    if code.ops_tables == 0:
        errors.append('%s: no "struct eth_dev_ops NAME = {...}" found: '
                      'the script cannot read the ops' % DRIVER_DIR)
    flows = code.has('op:flow_ops_get')
    for no, key, value, commented in entries:
        if value is None:
            if not flows:
                errors.append('%s:%d: remove section %s: the driver sets no '
                              'eth_dev_ops.flow_ops_get' % (name, no, key))
            continue
        if key not in SPEC:
            near = difflib.get_close_matches(key, KEYS, 1)
            hint = (': did you mean "%s"?' % near[0]) if near else ''
            errors.append('%s:%d: "%s" is not a feature of DPDK 22.11\'s '
                          'default.ini: remove line "%s"%s' %
                          (name, no, key, ini_line(key, value), hint))
            continue
        if key in claimed:
            errors.append('%s:%d: "%s" repeats line %d: remove line %d' %
                          (name, no, key, claimed[key][0], no))
            continue
        if value not in ('Y', 'P'):
            errors.append('%s:%d: value "%s" of "%s" is not Y or P: write '
                          '"%s" (or "%s")' %
                          (name, no, value, key, ini_line(key, 'Y'),
                           ini_line(key, 'P')))
            value = 'Y'
        claimed[key] = (no, value, commented)

    # default.ini order
    last = -1
    for no, key, value, _ in entries:
        if key not in claimed or claimed[key][0] != no:
            continue
        idx = KEYS.index(key)
        if idx < last:
            errors.append('%s:%d: "%s" is out of default.ini\'s order: '
                          'move it %s' % (name, no, key,
                                          position(key, claimed)))
        last = max(last, idx)

    for key, need, also in FEATURES:
        if need is None:
            continue
        have = [i for i in need if code.has(i)]
        extra = [i for i in also if code.has(i)]
        missing = [i for i in need if i not in have]
        full = not missing
        if key not in claimed:
            if have or extra:
                value = 'Y' if full else 'P'
                why = '; '.join('%s (%s)' % (describe(i), code.where(i))
                                for i in have + extra)
                note = '' if full else ' (no %s)' % ', '.join(
                    describe(i) for i in missing)
                errors.append('%s: add line "%s" %s: the driver sets %s%s' %
                              (name, ini_line(key, value),
                               position(key, claimed), why, note))
            continue
        no, value, commented = claimed[key]
        if not have and not extra:
            errors.append('%s:%d: remove line "%s": the driver sets none of '
                          '%s' % (name, no, ini_line(key, value),
                                  ', '.join(describe(i) for i in need)))
        elif value == 'Y' and not full:
            errors.append('%s:%d: change "%s" to "%s": the driver lacks %s' %
                          (name, no, ini_line(key, 'Y'), ini_line(key, 'P'),
                           ', '.join(describe(i) for i in missing)))
        elif value == 'P' and full and not commented:
            errors.append('%s:%d: "%s": the driver sets all of %s; say in a '
                          '";" comment line right above it what is partial, '
                          'or change it to "%s"' %
                          (name, no, ini_line(key, 'P'),
                           ', '.join(describe(i) for i in need),
                           ini_line(key, 'Y')))

    for keys, items in ONE_OF:
        have = [i for i in items if code.has(i)]
        some = [k for k in keys if k in claimed]
        if have and not some:
            errors.append('%s: add line "%s" or "%s" (rte_security action '
                          'type): the driver sets %s' %
                          (name, ini_line(keys[0], 'Y'),
                           ini_line(keys[1], 'Y'),
                           ', '.join(describe(i) for i in have)))
        for k in [] if have else some:
            errors.append('%s:%d: remove line "%s": the driver sets none of '
                          '%s' % (name, claimed[k][0],
                                  ini_line(k, claimed[k][1]),
                                  ', '.join(describe(i) for i in items)))

    known = set(NO_FEATURE) | set(UNSUPPORTED)
    for _, need, also in FEATURES:
        if need is not None:
            known.update(need + also)
    for items in ONE_OF:
        known.update(items[1])
    for item in sorted(code.found):
        if item.startswith('src:'):
            continue
        if item in UNSUPPORTED:
            errors.append('%s: %s is set: %s' %
                          (code.where(item), describe(item),
                           UNSUPPORTED[item]))
        elif item not in known:
            what = ('not a DPDK 22.11 eth_dev_ops member; '
                    if item.startswith('op:') and
                    item[3:] not in ETH_DEV_OPS else '')
            errors.append('%s: %s is set, but %sdevtools/check-features.py '
                          'does not know it: add it to a feature in FEATURES '
                          '(then the .ini line it asks for) or to NO_FEATURE' %
                          (code.where(item), describe(item), what))
    return errors


def position(key, claimed):
    """Where key goes among the claimed keys, as an instruction."""
    idx = KEYS.index(key)
    before = [k for k in claimed if k != key and KEYS.index(k) < idx]
    if before:
        prev = max(before, key=KEYS.index)
        return 'after line %d "%s"' % (claimed[prev][0], prev)
    after = [k for k in claimed if k != key and KEYS.index(k) > idx]
    if after:
        nxt = min(after, key=KEYS.index)
        return 'before line %d "%s"' % (claimed[nxt][0], nxt)
    return 'under [Features]'


def compare_default(path):
    """Errors, one a line, where the embedded key list differs from a
    DPDK default.ini's [Features]."""
    keys, section = [], None
    with open(path, encoding='utf-8') as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line[0] in ';#':
                continue
            if line.startswith('['):
                section = line
            elif section == '[Features]':
                keys.append(line.split('=', 1)[0].strip())
    errors = ['%s: "%s" is missing from FEATURES in check-features.py' %
              (path, k) for k in keys if k not in SPEC]
    errors += ['%s: FEATURES in check-features.py has "%s", this file has '
               'not' % (path, k) for k in KEYS if k not in keys]
    common = [k for k in keys if k in SPEC]
    mine = [k for k in KEYS if k in keys]
    for a, b in zip(common, mine):
        if a != b:
            errors.append('%s: "%s" comes where FEATURES in '
                          'check-features.py has "%s"' % (path, a, b))
            break
    return errors


# ----------------------------------------------------------- self-test


def self_test(root):
    """Mutations of the real .ini and code that must be caught."""
    with open(os.path.join(root, INI), encoding='utf-8') as fh:
        ini = fh.read()
    sources = read_sources(root)
    code = Code(sources, root)
    failures = []

    def expect(what, errors, needle):
        hits = [e for e in errors if needle in e]
        if not hits:
            failures.append('%s: no message with "%s" in %r' %
                            (what, needle, errors))

    if check(ini, code):
        failures.append('the real .ini does not pass: %r' % check(ini, code))

    # Table sanity: each op known to 22.11, each item in one place.
    seen = {}
    for key, need, also in FEATURES:
        for i in (need or []) + (also if need else []):
            if i in seen:
                failures.append('%s in "%s" and "%s"' % (i, seen[i], key))
            seen[i] = key
            if i.startswith('op:') and i[3:] not in ETH_DEV_OPS:
                failures.append('%s: not a 22.11 eth_dev_ops member' % i)
    for i in NO_FEATURE | set(UNSUPPORTED):
        if i in seen:
            failures.append('%s both in NO_FEATURE and "%s"' % (i, seen[i]))
        if i.startswith('op:') and i[3:] not in ETH_DEV_OPS:
            failures.append('%s: not a 22.11 eth_dev_ops member' % i)
    covered = {i[3:] for i in list(seen) + list(NO_FEATURE) +
               list(UNSUPPORTED) if i.startswith('op:')}
    for op in sorted(ETH_DEV_OPS - covered):
        failures.append('eth_dev_ops.%s is classified nowhere' % op)

    lines = ini.splitlines()
    feature_lines = [(n, l) for n, l in enumerate(lines)
                     if '=' in l and not l.lstrip().startswith((';', '#'))]
    # Every claimed, checkable line dropped must be asked back.
    for n, l in feature_lines:
        key = l.split('=', 1)[0].strip()
        if SPEC[key][1] is None:
            continue
        mutated = '\n'.join(lines[:n] + lines[n + 1:])
        expect('drop "%s"' % key, check(mutated, code),
               'add line "%s' % ini_line(key, ''))
    # Every unclaimed, checkable feature claimed must be refused.
    text_keys = {l.split('=', 1)[0].strip() for _, l in feature_lines}
    for key, need, _ in FEATURES:
        if need is None or key in text_keys:
            continue
        expect('claim "%s"' % key, check(ini + ini_line(key, 'Y') + '\n',
                                         code), ini_line(key, 'Y'))
    # Names, values, order, repeats.
    first = feature_lines[0]
    second = feature_lines[1]
    expect('unknown key', check(ini + 'Link state           = Y\n', code),
           'is not a feature')
    expect('bad value', check(ini.replace(first[1], first[1][:-1] + 'N'),
                              code), 'is not Y or P')
    expect('repeat', check(ini + second[1] + '\n', code), 'repeats line')
    swapped = list(lines)
    swapped[first[0]], swapped[second[0]] = second[1], first[1]
    expect('order', check('\n'.join(swapped), code), 'out of default.ini')
    # Ops of a feature in part (FEC), a priv dump, an unknown op, a flag.
    extra = ('static const struct eth_dev_ops t = {\n'
             '\t.fec_get_capability = a,\n\t.fec_get = b,\n'
             '\t.eth_dev_priv_dump = c,\n\t.dev_frobnicate = d,\n};\n'
             'static void f(struct rte_eth_dev_data *d)\n{\n'
             '\td->dev_flags |= RTE_ETH_DEV_INTR_RMV;\n}\n'
             '#define T_CAPA (RTE_ETH_RX_OFFLOAD_CHECKSUM | \\\n'
             '\tRTE_ETH_RX_OFFLOAD_TIMESTAMP)\n'
             'static uint64_t\ng(void)\n{\n\treturn T_CAPA;\n}\n'
             'static void h(struct rte_eth_dev_info *i)\n{\n'
             '\ti->rx_queue_offload_capa = g();\n'
             '\ti->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_SECURITY;\n'
             '\ti->rx_offload_capa &= ~RTE_ETH_RX_OFFLOAD_KEEP_CRC;\n}\n')
    more = dict(sources)
    more['drivers/net/virtnet/t.c'] = extra
    errs = check(ini, Code(more, root))
    expect('fec', errs, 'add line "%s" after' % ini_line('FEC', 'P'))
    expect('fec', errs, 'no eth_dev_ops.fec_set')
    expect('unknown op', errs, 'eth_dev_ops.dev_frobnicate is set')
    expect('rmv', errs, 'add line "%s"' % ini_line('Removal event', 'Y'))
    expect('macro in function', errs, 'add line "%s"' %
           ini_line('L3 checksum offload', 'P'))
    expect('macro in function', errs, 'add line "%s"' %
           ini_line('Timestamp offload', 'Y'))
    expect('security', errs, 'add line "%s" or' %
           ini_line('Inline crypto', 'Y'))
    if any('KEEP_CRC' in e or 'CRC offload' in e for e in errs):
        failures.append('a cleared capability counted: %r' % errs)
    expect('security', check(ini + ini_line('Inline protocol', 'Y') + '\n',
                             code), 'remove line "%s"' %
           ini_line('Inline protocol', 'Y'))
    if any('eth_dev_priv_dump' in e for e in errs):
        failures.append('eth_dev_priv_dump asked for a line: %r' % errs)
    for f in failures:
        print('self-test: ' + f)
    print('self-test: %s (%d claimed lines dropped, %d features claimed '
          'falsely, and the other cases)' %
          ('FAILED' if failures else 'ok', len(feature_lines),
           len([k for k, n, _ in FEATURES if n and k not in text_keys])))
    return 1 if failures else 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(
        description='Check the features .ini against the driver source.')
    ap.add_argument('--root', default=os.path.dirname(here),
                    help='repository root (default: this script\'s parent)')
    ap.add_argument('--ini', help='the .ini to check (default: %s)' % INI)
    ap.add_argument('--dpdk-default', metavar='FILE',
                    help='also compare the embedded key list with this '
                    'DPDK default.ini')
    ap.add_argument('--self-test', action='store_true',
                    help='check that mutations of the .ini and the code '
                    'are caught')
    args = ap.parse_args()
    if args.self_test:
        return self_test(args.root)
    ini_path = args.ini or os.path.join(args.root, INI)
    with open(ini_path, encoding='utf-8') as fh:
        ini = fh.read()
    code = Code(read_sources(args.root), args.root)
    name = os.path.relpath(ini_path, args.root) if args.ini is None \
        else args.ini
    errors = check(ini, code, name)
    if args.dpdk_default:
        errors += compare_default(args.dpdk_default)
    for e in errors:
        print(e)
    if errors:
        return 1
    claimed = len(parse_ini(ini, name, []))
    manual = [k for k, n, _ in FEATURES if n is None]
    print('%s: %d lines match the driver (%d features checked from the '
          'code; %d taken as written: %s)' %
          (name, claimed, len(FEATURES) - len(manual), len(manual),
           ', '.join(manual)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
