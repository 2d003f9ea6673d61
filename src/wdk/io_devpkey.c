/* SPDX-License-Identifier: MIT */
/*
 * This file implements the definitions of the standard device property keys (DEVPKEY_*)
 * that <pnpsim/wdk/devpkey.h> declares, exported from the library so that driver and test
 * code that includes devpkey.h without <initguid.h> links to them.
 *
 * It holds nothing else on purpose: a driver source that, as WDK drivers do, includes
 * <initguid.h> and <devpkey.h> defines the same objects itself. With a static pnpsim the
 * linker then never pulls this object file in (every symbol it offers is already defined),
 * so the two definitions do not collide; io_devprop.c only refers to the keys.
 */
#include "pnpsim/wdk/wdm.h"
#include "pnpsim/wdk/initguid.h"
#include "pnpsim/wdk/devpkey.h"
