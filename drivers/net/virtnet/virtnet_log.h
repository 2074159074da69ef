/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

#ifndef VIRTNET_LOG_H
#define VIRTNET_LOG_H

#include <rte_log.h>

/* pmd.net.virtnet.init: probe, devargs, negotiation, transports. */
extern int virtnet_logtype_init;
/* pmd.net.virtnet.driver: everything at run time outside the datapath. */
extern int virtnet_logtype_driver;

#define VIRTNET_INIT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, virtnet_logtype_init, \
		"virtnet: " fmt "\n", ##__VA_ARGS__)

#define VIRTNET_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, virtnet_logtype_driver, \
		"virtnet: " fmt "\n", ##__VA_ARGS__)

#endif /* VIRTNET_LOG_H */
