/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 virtnet authors
 */

/* The log types every layer writes to. */

#include "virtnet_log.h"

RTE_LOG_REGISTER_SUFFIX(virtnet_logtype_init, init, NOTICE);
RTE_LOG_REGISTER_SUFFIX(virtnet_logtype_driver, driver, NOTICE);
