/* SPDX-License-Identifier: MIT */
/*
 * This file tests file objects: pnpsim_device_open sends IRP_MJ_CREATE with a new
 * FILE_OBJECT to the top of a started device's stack, and the last ObDereferenceObject
 * sends IRP_MJ_CLEANUP then IRP_MJ_CLOSE; an open handle holds back IRP_MN_REMOVE_DEVICE
 * after surprise removal. The device's function driver is a small WDM driver written here.
 * Sources: Microsoft Learn irp-mj-create, irp-mj-cleanup, irp-mj-close,
 * nf-wdm-iogetrelateddeviceobject, handling-an-irp-mn-surprise-removal-request;
 * windows-semantics.md 1.3, 2.4 and 13 item 25.
 */
#include "pnpsim_test.h"

#include <string.h>

/* ---- a minimal WDM function driver ----------------------------------------------------- */

typedef struct fdo_ext {
    PDEVICE_OBJECT lower;
} fdo_ext;

static PDEVICE_OBJECT g_fdo;
static char g_log[512];
static PFILE_OBJECT g_create_file;
static WCHAR g_create_name[32];
static NTSTATUS g_create_status;

static void log_event(const char *what)
{
    if (strlen(g_log) + strlen(what) + 2 < sizeof(g_log)) {
        strcat(g_log, what);
        strcat(g_log, " ");
    }
}

static NTSTATUS NTAPI fn_add_device(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(fdo_ext), NULL, FILE_DEVICE_UNKNOWN,
                                     0, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ((fdo_ext *)fdo->DeviceExtension)->lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    fdo->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    g_fdo = fdo;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI fn_pnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    fdo_ext *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT lower = ext->lower;
    NTSTATUS status;
    switch (sp->MinorFunction) {
    case IRP_MN_START_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_SURPRISE_REMOVAL:
        log_event("SURPRISE");
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        log_event("REMOVE");
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        if (g_fdo == DeviceObject)
            g_fdo = NULL;
        return status;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
}

static NTSTATUS NTAPI fn_create(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = g_create_status;
    assert_ptr_equal(DeviceObject, g_fdo);
    log_event("CREATE");
    g_create_file = sp->FileObject;
    memset(g_create_name, 0, sizeof(g_create_name));
    if (sp->FileObject != NULL && sp->FileObject->FileName.Length != 0 &&
        sp->FileObject->FileName.Length < sizeof(g_create_name))
        memcpy(g_create_name, sp->FileObject->FileName.Buffer, sp->FileObject->FileName.Length);
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS NTAPI fn_cleanup_close(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    (void)DeviceObject;
    assert_ptr_equal(sp->FileObject, g_create_file);
    log_event(sp->MajorFunction == IRP_MJ_CLEANUP ? "CLEANUP" : "CLOSE");
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI fn_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->DriverExtension->AddDevice = fn_add_device;
    DriverObject->MajorFunction[IRP_MJ_PNP] = fn_pnp;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = fn_create;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = fn_cleanup_close;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = fn_cleanup_close;
    return STATUS_SUCCESS;
}

static pnpsim_device *started_device(pnpsim_system *sys, int start)
{
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    g_fdo = NULL;
    g_log[0] = '\0';
    g_create_file = NULL;
    g_create_status = STATUS_SUCCESS;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "filetest", fn_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\TEST", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\TEST", drv));
    if (start) {
        assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
        assert_non_null(g_fdo);
    }
    return dev;
}

/* ---- tests ------------------------------------------------------------------------------ */

/* IRP_MJ_CREATE reaches the top of the stack with the new file object; the last
 * dereference sends IRP_MJ_CLEANUP, then IRP_MJ_CLOSE. */
static void test_file__open_sends_create_and_last_dereference_cleanup_then_close(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    PFILE_OBJECT file = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(dev, NULL, &file));
    assert_non_null(file);
    assert_ptr_equal(file, g_create_file);
    assert_int_equal(file->Type, IO_TYPE_FILE);
    assert_int_equal(file->Size, sizeof(FILE_OBJECT));
    assert_ptr_equal(file->DeviceObject, pnpsim_device_pdo(dev));
    assert_int_equal(file->FileName.Length, 0);
    assert_ptr_equal(IoGetRelatedDeviceObject(file), g_fdo);
    assert_int_equal(pnpsim_device_open_count(dev), 1);
    assert_string_equal(g_log, "CREATE ");
    assert_int_equal(ObDereferenceObject(file), 0);
    assert_string_equal(g_log, "CREATE CLEANUP CLOSE ");
    assert_int_equal(pnpsim_device_open_count(dev), 0);
}

/* The I/O manager passes the remainder of the path (an interface's reference string). */
static void test_file__file_name_is_backslash_and_the_rest_of_the_path(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    PFILE_OBJECT file = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(dev, "ref1", &file));
    assert_int_equal(file->FileName.Length, 5 * sizeof(WCHAR));
    assert_memory_equal(g_create_name, L"\\ref1", 5 * sizeof(WCHAR));
    ObDereferenceObject(file);
}

static void test_file__extra_reference_keeps_the_file_open(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    PFILE_OBJECT file = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(dev, NULL, &file));
    assert_int_equal(ObReferenceObject(file), 2);
    assert_int_equal(ObDereferenceObject(file), 1);
    assert_string_equal(g_log, "CREATE ");
    assert_int_equal(ObDereferenceObject(file), 0);
    assert_string_equal(g_log, "CREATE CLEANUP CLOSE ");
    /* The file object is gone: another dereference is an over-dereference. */
    PNPSIM_EXPECT_BUGCHECK(sys, REFERENCE_BY_POINTER, ObDereferenceObject(file));
}

/* A failed create returns its status; nothing is open, so no CLEANUP or CLOSE follows. */
static void test_file__failed_create_returns_the_driver_status(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    PFILE_OBJECT file = (PFILE_OBJECT)1;
    g_create_status = STATUS_ACCESS_DENIED;
    assert_nt_status(STATUS_ACCESS_DENIED, pnpsim_device_open(dev, NULL, &file));
    assert_null(file);
    assert_string_equal(g_log, "CREATE ");
    assert_int_equal(pnpsim_device_open_count(dev), 0);
}

/* Choice (README): a device that is not started cannot be opened. */
static void test_file__open_of_a_device_not_started_returns_no_such_device(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 0);
    PFILE_OBJECT file = (PFILE_OBJECT)1;
    assert_nt_status(STATUS_NO_SUCH_DEVICE, pnpsim_device_open(dev, NULL, &file));
    assert_null(file);
    assert_string_equal(g_log, "");
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_open(NULL, NULL, &file));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_open(dev, NULL, NULL));
}

static void test_file__open_out_of_memory_fails_cleanly(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    PFILE_OBJECT file = (PFILE_OBJECT)1;
    for (unsigned long n = 1; n <= 4; n++) { /* file object, names, the IRP */
        pnpsim_fault_alloc(sys, n, 1);
        assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, pnpsim_device_open(dev, "x", &file));
        assert_null(file);
        assert_int_equal(pnpsim_device_open_count(dev), 0);
    }
    pnpsim_fault_clear(sys);
    assert_string_equal(g_log, "");
}

/* handling-an-irp-mn-surprise-removal-request: IRP_MN_REMOVE_DEVICE only after the last
 * handle is closed; a surprise-removed device cannot be opened (13 item 25). */
static void test_file__surprise_removal_holds_remove_until_the_last_close(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    PFILE_OBJECT file = NULL, second = (PFILE_OBJECT)1;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(dev, NULL, &file));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(dev));
    assert_string_equal(g_log, "CREATE SURPRISE ");
    assert_nt_status(STATUS_NO_SUCH_DEVICE, pnpsim_device_open(dev, NULL, &second));
    assert_null(second);
    /* Cleanup and close still reach the driver, then the held-back REMOVE. */
    ObDereferenceObject(file);
    assert_string_equal(g_log, "CREATE SURPRISE CLEANUP CLOSE REMOVE ");
    assert_null(g_fdo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_file__open_sends_create_and_last_dereference_cleanup_then_close),
        PNPSIM_TEST(test_file__file_name_is_backslash_and_the_rest_of_the_path),
        PNPSIM_TEST(test_file__extra_reference_keeps_the_file_open),
        PNPSIM_TEST(test_file__failed_create_returns_the_driver_status),
        PNPSIM_TEST(test_file__open_of_a_device_not_started_returns_no_such_device),
        PNPSIM_TEST(test_file__open_out_of_memory_fails_cleanly),
        PNPSIM_TEST(test_file__surprise_removal_holds_remove_until_the_last_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
