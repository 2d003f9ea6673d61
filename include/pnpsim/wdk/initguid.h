/* SPDX-License-Identifier: MIT */
/*
 * This file implements <initguid.h>: after it, DEFINE_GUID and DEFINE_DEVPROPKEY define the
 * objects instead of declaring them, exactly as the WDK's does.
 */
#ifndef INITGUID
#define INITGUID
#endif
#include "ntdef.h"
#undef DEFINE_GUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    const GUID name = {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#ifndef PNPSIM_DEVPKEY_DEFINITION
#ifdef PNPSIM_BUILDING
#define PNPSIM_DEVPKEY_DEFINITION PNPSIM_API
#else
#define PNPSIM_DEVPKEY_DEFINITION
#endif
#endif
#undef DEFINE_DEVPROPKEY
#define DEFINE_DEVPROPKEY(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8, pid) \
    PNPSIM_DEVPKEY_DEFINITION const DEVPROPKEY name =                              \
        {{l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}, pid}
