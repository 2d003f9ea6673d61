/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdf.h>, the one header a KMDF driver includes: the WDK kernel
 * headers, then every wdf*.h of pnpsim's KMDF layer (KMDF 1.15+ names and struct layouts).
 * The framework methods are plain functions (no function table): a driver calls
 * WdfDeviceCreate and links against pnpsim. Build the driver with pnpsim_add_driver(... KMDF)
 * or link pnpsim::kmdf. README "KMDF" lists every Wdf* method and what pnpsim does with it.
 */
#ifndef PNPSIM_WDK_WDF_H
#define PNPSIM_WDK_WDF_H

#include "ntddk.h"

#include "wdftypes.h"
#include "wdfbugcodes.h"
#include "wdfobject.h"
#include "wdfmemory.h"
#include "wdfstring.h"
#include "wdfsync.h"
#include "wdfcollection.h"
#include "wdfregistry.h"
#include "wdfdriver.h"
#include "wdfresource.h"
#include "wdfchildlist.h"
#include "wdfdevice.h"
#include "wdfpdo.h"
#include "wdffdo.h"
#include "wdfqueryinterface.h"
#include "wdfio.h"
#include "wdfrequest.h"
#include "wdfiotarget.h"
#include "wdftimer.h"
#include "wdfworkitem.h"
#include "wdfdpc.h"
#include "wdfinterrupt.h"
#include "wdfcontrol.h"

#endif /* PNPSIM_WDK_WDF_H */
