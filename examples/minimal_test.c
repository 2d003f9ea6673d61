/* SPDX-License-Identifier: MIT */
/*
 * This file implements the five-minute "test your driver" walk-through: a tiny WDM driver
 * (the part you already have) and a plain main() (the part you write) that creates a
 * simulated system, loads the driver, binds it to a hardware ID, starts a device, checks
 * what the driver did, removes the device and destroys the system. In your project the
 * driver lives in its own .c files, compiled unchanged, and main() is a unit test
 * (cmocka, Unity, ...). Link with pnpsim::wdk; that target brings <wdm.h> and the
 * -fshort-wchar WDK strings need.
 */
#include <stdio.h>

#include <pnpsim/pnpsim.h>

/* ======================================================================================
 * Part 1: the driver under test (normally its own file, including <wdm.h> or <ntddk.h>)
 * ==================================================================================== */
#include <wdm.h>

typedef struct _TINY_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    BOOLEAN Started;
} TINY_EXTENSION, *PTINY_EXTENSION;

static LONG TinyStarts; /* something for the test to look at */

static NTSTATUS TinyAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo;
    PTINY_EXTENSION ext;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(TINY_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PTINY_EXTENSION)fdo->DeviceExtension;
    ext->Started = FALSE;
    ext->LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS TinyPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PTINY_EXTENSION ext = (PTINY_EXTENSION)DeviceObject->DeviceExtension;
    PDEVICE_OBJECT lower = ext->LowerDevice;
    NTSTATUS status;

    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        /* (A real driver would forward START first and finish after the bus.) */
        ext->Started = TRUE;
        InterlockedIncrement(&TinyStarts);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return status;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
}

static VOID TinyUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

static NTSTATUS TinyDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = TinyAddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = TinyPnp;
    DriverObject->DriverUnload = TinyUnload;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Part 2: the test
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
    PDRIVER_OBJECT driver = NULL;
    pnpsim_device *dev = NULL;

    /* 1. A fresh simulated system (defaults: PnP work runs before each call returns). */
    CHECK(pnpsim_system_create(NULL, &sys) == STATUS_SUCCESS);

    /* 2. Load the driver (DriverEntry runs) and bind it to a hardware ID, as an INF does. */
    CHECK(pnpsim_driver_load(sys, "tiny", TinyDriverEntry, &driver) == STATUS_SUCCESS);
    CHECK(pnpsim_driver_bind(sys, "ROOT\\TINY", driver) == STATUS_SUCCESS);

    /* 3. Create a device with that hardware ID and start it: AddDevice, then START. */
    CHECK(pnpsim_device_create(sys, NULL, "ROOT\\TINY", "0", &dev) == STATUS_SUCCESS);
    CHECK(pnpsim_device_start(dev) == STATUS_SUCCESS);

    /* 4. Check what the driver did. */
    CHECK(pnpsim_device_get_state(dev) == PNPSIM_DEVICE_STARTED);
    CHECK(TinyStarts == 1);
    CHECK(pnpsim_device_top(dev)->DriverObject == driver); /* its FDO tops the stack */

    /* 5. Remove it: QUERY_REMOVE, then REMOVE; the driver deletes its FDO and, its last
     *    device gone, is unloaded. */
    CHECK(pnpsim_device_remove(dev) == STATUS_SUCCESS);
    CHECK(pnpsim_device_get_state(dev) == PNPSIM_DEVICE_REMOVED);
    CHECK(pnpsim_driver_is_unloaded(driver));

    /* 6. Done: destroy reports any pool the driver leaked. */
    CHECK(pnpsim_system_pool_outstanding(sys, NULL) == 0);
    pnpsim_system_destroy(sys);
    printf("minimal example: driver started and removed as expected\n");
    return 0;
}
