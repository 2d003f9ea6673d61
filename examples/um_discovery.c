/* SPDX-License-Identifier: MIT */
/*
 * This file implements the example "a user-mode discovery program with CM notifications":
 * the part of an application that finds the devices exposing an interface class, written
 * with CfgMgr32 as on Windows (register for arrivals first, then list what is already
 * there, tolerating a device seen both ways; windows-semantics.md §8.1-8.2), run against a
 * simulated machine. main() plays the machine: it loads the example driver, starts one
 * sensor before the program runs, then plugs in a second one and removes the first while
 * the program watches. The program's calls work on the thread's current pnpsim system.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pnpsim/pnpsim.h>
#include <cfgmgr32.h>

#include "example_driver/example_driver.h"

/* ======================================================================================
 * Part 1: the application code (as on Windows)
 * ==================================================================================== */

static int Present; /* how many sensors the program believes are present */

static size_t wide_length(const WCHAR *s) /* WCHAR is 16-bit: no wcslen */
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

static void print_name(const char *what, const WCHAR *name)
{
    printf("  %s ", what);
    for (; *name != 0; name++)
        putchar(*name < 0x80 ? (char)*name : '?'); /* interface names are ASCII here */
    putchar('\n');
}

static DWORD CALLBACK OnSensorEvent(HCMNOTIFICATION Notify, PVOID Context,
                                    CM_NOTIFY_ACTION Action, PCM_NOTIFY_EVENT_DATA EventData,
                                    DWORD EventDataSize)
{
    (void)Notify;
    (void)Context;
    (void)EventDataSize;
    if (Action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL) {
        print_name("arrival:", EventData->u.DeviceInterface.SymbolicLink);
        Present++;
    } else if (Action == CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL) {
        print_name("removal:", EventData->u.DeviceInterface.SymbolicLink);
        Present--;
    }
    return ERROR_SUCCESS;
}

/* Register for arrivals and removals of the class, then list the interfaces present now.
 * CM_Register_Notification does not report existing interfaces, hence the list; the list
 * can grow between the size and the list call, hence the loop on CR_BUFFER_SMALL. */
static int discover(HCMNOTIFICATION *notify)
{
    CM_NOTIFY_FILTER filter;
    WCHAR *list = NULL, *p;
    ULONG size = 0;
    CONFIGRET cr;

    memset(&filter, 0, sizeof(filter));
    filter.cbSize = sizeof(filter);
    filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    filter.u.DeviceInterface.ClassGuid = GUID_EXAMPLE_SENSOR_INTERFACE;
    if (CM_Register_Notification(&filter, NULL, OnSensorEvent, notify) != CR_SUCCESS)
        return -1;
    do {
        cr = CM_Get_Device_Interface_List_Size(&size, (LPGUID)&GUID_EXAMPLE_SENSOR_INTERFACE,
                                               NULL, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
        if (cr != CR_SUCCESS)
            break;
        free(list);
        list = (WCHAR *)malloc(size * sizeof(WCHAR));
        if (list == NULL)
            return -1;
        cr = CM_Get_Device_Interface_List((LPGUID)&GUID_EXAMPLE_SENSOR_INTERFACE, NULL, list,
                                          size, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    } while (cr == CR_BUFFER_SMALL);
    if (cr != CR_SUCCESS) {
        free(list);
        return -1;
    }
    /* A MULTI_SZ: names one after the other, an empty string at the end. (A real program
     * would also skip names an arrival already reported: the documented overlap.) */
    for (p = list; *p != 0; p += wide_length(p) + 1) {
        print_name("present:", p);
        Present++;
    }
    free(list);
    return 0;
}

/* ======================================================================================
 * Part 2: the simulated machine
 * ==================================================================================== */

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond,   \
                    pnpsim_last_error_message());                                          \
            return 1;                                                                      \
        }                                                                                  \
    } while (0)

int main(void)
{
    pnpsim_system *sys = NULL;
    PDRIVER_OBJECT sensor = NULL;
    pnpsim_device *first = NULL, *second = NULL;
    HCMNOTIFICATION notify = NULL;

    /* Default (deferred) delivery: notifications run before each pnpsim_device_* call
     * returns, on this thread. */
    CHECK(pnpsim_system_create(NULL, &sys) == STATUS_SUCCESS);
    pnpsim_system_enter(sys); /* this thread's "machine", for the CM_* calls */
    CHECK(pnpsim_driver_load(sys, "sensor", ExampleSensorDriverEntry, &sensor) ==
          STATUS_SUCCESS);
    CHECK(pnpsim_driver_bind(sys, "ROOT\\SENSOR", sensor) == STATUS_SUCCESS);
    CHECK(pnpsim_device_create(sys, NULL, "ROOT\\SENSOR", "0", &first) == STATUS_SUCCESS);
    CHECK(pnpsim_device_start(first) == STATUS_SUCCESS);

    printf("the program starts:\n");
    CHECK(discover(&notify) == 0);
    CHECK(Present == 1);

    printf("a second sensor is plugged in:\n");
    CHECK(pnpsim_device_create(sys, NULL, "ROOT\\SENSOR", "1", &second) == STATUS_SUCCESS);
    CHECK(pnpsim_device_start(second) == STATUS_SUCCESS);
    CHECK(Present == 2);

    printf("the first sensor is pulled out:\n");
    CHECK(pnpsim_device_surprise_remove(first) == STATUS_SUCCESS);
    CHECK(Present == 1);

    CHECK(CM_Unregister_Notification(notify) == CR_SUCCESS);
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    printf("um_discovery example: saw 2 arrivals and 1 removal\n");
    return 0;
}
