# SPDX-License-Identifier: BSD-3-Clause
# The guest test cases, read by the host (QEMU devices) and the guest
# (binding and runs). One line each:
#   name  first-slot  virtio-net-pci options  kernel driver for DPDK
# A case is a pair of NICs in slots N and N+1 of pcie.0 on their own hub;
# an mq=on pair is joined by two 2-queue taps on a bridge instead.
# QEMU offers EVENT_IDX and virtnet takes it (event_idx=0 is run too).
# speed/duplex make QEMU offer SPEED_DUPLEX with them in the config.
# packed has no GUEST_ANNOUNCE: its config interrupt is for LSC alone, so
# it is taken only when the app asks for LSC (VFIO's vector counted).
# iommu_platform=on NICs DMA through the guest's vIOMMU (ACCESS_PLATFORM):
# VFIO maps DPDK's memory there, with IOVA = VA.
# ctrl: the control plane (host_mtu, announce-self, Rx offload changes
# without a device reset), on taps; its own runs (guest-run.sh ctrl_case).
# filter*: receive filters (QEMU applies them), the app and testpmd, with
# virtnet and net_virtio (guest-run.sh filter_case): modern; legacy without
# CTRL_MAC_ADDR (the primary by config write); modern without it (the
# primary in the MAC table). Slots below 0x10: 1f is q35's LPC.
# mq has RSS and hash reports (rss=on,hash=on; QEMU hashes in software):
# the app's rss mode and testpmd's RSS commands (guest-run.sh).
VNT_CASES='
split  10 disable-legacy=on,speed=10000,duplex=full uio_pci_generic
packed 12 disable-legacy=on,packed=on,guest_announce=off vfio-pci
legacy 14 disable-modern=on               uio_pci_generic
nomrg  16 disable-legacy=on,mrg_rxbuf=off vfio-pci
mq     18 disable-legacy=on,mq=on,vectors=6,rss=on,hash=on uio_pci_generic
iommu  1a disable-legacy=on,iommu_platform=on vfio-pci
ctrl   1c disable-legacy=on,mq=on,vectors=6,host_mtu=4000 vfio-pci
filter 06 disable-legacy=on               uio_pci_generic
filterleg 08 disable-modern=on,ctrl_mac_addr=off uio_pci_generic
filternomac 0a disable-legacy=on,ctrl_mac_addr=off uio_pci_generic
'
