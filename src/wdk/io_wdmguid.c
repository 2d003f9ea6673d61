/* SPDX-License-Identifier: MIT */
/*
 * This file implements the definitions of the PnP event and standard interface GUIDs that
 * <pnpsim/wdk/wdmguid.h> declares (GUID_DEVICE_INTERFACE_ARRIVAL, ...), exported from the
 * library so that driver and test code that includes wdmguid.h without <initguid.h> links
 * to them.
 *
 * It holds nothing else on purpose (as io_devpkey.c): a driver source that, as WDK drivers
 * do, includes <initguid.h> and <wdmguid.h> defines the same objects itself. With a static
 * pnpsim the linker then never pulls this object file in, so the definitions do not
 * collide; the library itself uses private copies of the values it needs.
 */
#include "pnpsim/wdk/wdm.h"
#include "pnpsim/wdk/initguid.h"
#undef DEFINE_GUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    PNPSIM_API const GUID name = {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#include "pnpsim/wdk/wdmguid.h"
