#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# PID 1 of the test guest (kernel init=): mount what DPDK needs, run the
# cases, power off. Everything goes to the serial console.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/hugepages /run /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t hugetlbfs none /dev/hugepages
echo 1 >/proc/sys/kernel/sysrq
echo 448 >/proc/sys/vm/nr_hugepages
echo "VNT-BOOT $(uname -r) hugepages $(cat /proc/sys/vm/nr_hugepages)"
sh /opt/virtnet/guest-run.sh 2>&1
echo "VNT-DONE"
sync
echo o >/proc/sysrq-trigger
sleep 10
