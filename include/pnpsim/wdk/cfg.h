/* SPDX-License-Identifier: MIT */
/*
 * This file implements the device-node problem codes (CM_PROB_*) with the values Windows
 * documents ("Device Manager error messages"); pnpsim_device_problem() returns them.
 */
#ifndef PNPSIM_WDK_CFG_H
#define PNPSIM_WDK_CFG_H

#define CM_PROB_NOT_CONFIGURED 0x00000001
#define CM_PROB_FAILED_START 0x0000000A
#define CM_PROB_DISABLED 0x00000016
#define CM_PROB_DEVICE_NOT_THERE 0x00000018
#define CM_PROB_FAILED_INSTALL 0x0000001C
#define CM_PROB_FAILED_ADD 0x0000001F
#define CM_PROB_FAILED_POST_START 0x0000002B
#define CM_PROB_WILL_BE_REMOVED 0x00000015

#endif /* PNPSIM_WDK_CFG_H */
