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

/* ---- opening by name: ZwCreateFile / ZwOpenFile / ZwClose, IoGetDeviceObjectPointer ------
 * Sources: Microsoft Learn "ZwCreateFile function (wdm.h)", "ZwClose",
 * "ObReferenceObjectByHandle", "IoGetDeviceObjectPointer"; windows-semantics.md §2.4 (the
 * symbolic link exists only while the interface is enabled; the reference string is the
 * file name). */

static const GUID FILE_TEST_CLASS = {0x5eb1a7e2, 0x3c1d, 0x4a8e,
                                     {0x91, 0x0f, 0x2b, 0x6c, 0x77, 0x10, 0x42, 0x99}};

/* Register and enable FILE_TEST_CLASS on dev with reference string "ref1"; *link receives
 * the kernel-form name (free with RtlFreeUnicodeString). */
static void enabled_interface(pnpsim_device *dev, UNICODE_STRING *link)
{
    UNICODE_STRING ref;
    RtlInitUnicodeString(&ref, L"ref1");
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pnpsim_device_pdo(dev),
                                                               &FILE_TEST_CLASS, &ref, link));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(link, TRUE));
}

static NTSTATUS zw_open_name(PCWSTR name, HANDLE *h, IO_STATUS_BLOCK *iosb)
{
    UNICODE_STRING u;
    OBJECT_ATTRIBUTES oa;
    RtlInitUnicodeString(&u, name);
    InitializeObjectAttributes(&oa, &u, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    return ZwCreateFile(h, GENERIC_READ, &oa, iosb, NULL, FILE_ATTRIBUTE_NORMAL,
                        FILE_SHARE_READ, FILE_OPEN, FILE_NON_DIRECTORY_FILE, NULL, 0);
}

static void test_file__zwcreatefile_on_an_interface_link_opens_the_device(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    UNICODE_STRING link;
    WCHAR name[200];
    HANDLE h = NULL;
    IO_STATUS_BLOCK iosb;
    PVOID obj = NULL;
    enabled_interface(dev, &link);
    assert_true(link.Length < sizeof(name) - sizeof(WCHAR));
    memcpy(name, link.Buffer, link.Length);
    name[link.Length / sizeof(WCHAR)] = 0;
    memset(&iosb, 0xCC, sizeof(iosb));
    assert_nt_status(STATUS_SUCCESS, zw_open_name(name, &h, &iosb));
    assert_non_null(h);
    assert_nt_status(STATUS_SUCCESS, iosb.Status);
    assert_int_equal(iosb.Information, FILE_OPENED);
    /* IRP_MJ_CREATE reached the top of the stack; the reference string is the file name. */
    assert_string_equal(g_log, "CREATE ");
    assert_memory_equal(g_create_name, L"\\ref1", 5 * sizeof(WCHAR));
    assert_int_equal(pnpsim_device_open_count(dev), 1);
    /* The handle gives the FILE_OBJECT the driver saw. */
    assert_nt_status(STATUS_SUCCESS, ObReferenceObjectByHandle(h, 0, *IoFileObjectType,
                                                               KernelMode, &obj, NULL));
    assert_ptr_equal(obj, g_create_file);
    assert_ptr_equal(((PFILE_OBJECT)obj)->DeviceObject, pnpsim_device_pdo(dev));
    ObDereferenceObject(obj);
    assert_string_equal(g_log, "CREATE ");
    /* ZwClose: CLEANUP and CLOSE; the handle is gone. */
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
    assert_string_equal(g_log, "CREATE CLEANUP CLOSE ");
    assert_int_equal(pnpsim_device_open_count(dev), 0);
    assert_nt_status(STATUS_INVALID_HANDLE, ZwClose(h));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&link, FALSE));
    RtlFreeUnicodeString(&link);
}

static void test_file__zwcreatefile_accepts_the_global_form_and_zwopenfile(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    UNICODE_STRING link, u;
    OBJECT_ATTRIBUTES oa;
    WCHAR name[220];
    size_t n;
    HANDLE h = NULL;
    IO_STATUS_BLOCK iosb;
    enabled_interface(dev, &link);
    /* "\??\X" -> "\GLOBAL??\X" */
    memcpy(name, L"\\GLOBAL??", 9 * sizeof(WCHAR));
    n = link.Length / sizeof(WCHAR) - 3;
    assert_true(n + 10 < sizeof(name) / sizeof(WCHAR));
    memcpy(name + 9, link.Buffer + 3, n * sizeof(WCHAR));
    name[9 + n] = 0;
    assert_nt_status(STATUS_SUCCESS, zw_open_name(name, &h, &iosb));
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
    InitializeObjectAttributes(&oa, &link, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_nt_status(STATUS_SUCCESS, ZwOpenFile(&h, GENERIC_READ, &oa, &iosb, 0, 0));
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
    assert_string_equal(g_log, "CREATE CLEANUP CLOSE CREATE CLEANUP CLOSE ");
    /* Not a device name at all. */
    RtlInitUnicodeString(&u, L"\\??\\C:\\file.txt");
    InitializeObjectAttributes(&oa, &u, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, ZwOpenFile(&h, GENERIC_READ, &oa, &iosb, 0, 0));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, iosb.Status);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&link, FALSE));
    RtlFreeUnicodeString(&link);
}

static void test_file__zwcreatefile_on_a_disabled_interface_is_name_not_found(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    UNICODE_STRING link;
    OBJECT_ATTRIBUTES oa;
    HANDLE h = (HANDLE)1;
    IO_STATUS_BLOCK iosb;
    enabled_interface(dev, &link);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&link, FALSE));
    InitializeObjectAttributes(&oa, &link, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    assert_null(h);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, iosb.Status);
    assert_string_equal(g_log, ""); /* no IRP_MJ_CREATE */
    RtlFreeUnicodeString(&link);
}

static void test_file__zwcreatefile_returns_the_drivers_create_failure(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    UNICODE_STRING link;
    OBJECT_ATTRIBUTES oa;
    HANDLE h = NULL;
    IO_STATUS_BLOCK iosb;
    enabled_interface(dev, &link);
    g_create_status = STATUS_ACCESS_DENIED;
    InitializeObjectAttributes(&oa, &link, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_nt_status(STATUS_ACCESS_DENIED,
                     ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    assert_null(h);
    assert_string_equal(g_log, "CREATE "); /* no CLEANUP/CLOSE for a failed create */
    assert_int_equal(pnpsim_device_open_count(dev), 0);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&link, FALSE));
    RtlFreeUnicodeString(&link);
}

static void test_file__zwcreatefile_rejects_bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    UNICODE_STRING u;
    OBJECT_ATTRIBUTES oa;
    HANDLE h;
    IO_STATUS_BLOCK iosb;
    KIRQL old;
    started_device(sys, 1);
    RtlInitUnicodeString(&u, L"\\Device\\Nothing");
    InitializeObjectAttributes(&oa, &u, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_nt_status(STATUS_ACCESS_VIOLATION,
                     ZwCreateFile(NULL, 0, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    assert_nt_status(STATUS_ACCESS_VIOLATION,
                     ZwCreateFile(&h, 0, NULL, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    assert_nt_status(STATUS_ACCESS_VIOLATION,
                     ZwCreateFile(&h, 0, &oa, NULL, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     ZwCreateFile(&h, 0, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     ZwCreateFile(&h, 0, &oa, &iosb, NULL, 0, 0, 9, 0, NULL, 0));
    /* Malformed names: odd Length, Length > MaximumLength, NULL Buffer, no name. */
    u.Length = 3;
    assert_nt_status(STATUS_OBJECT_NAME_INVALID,
                     ZwCreateFile(&h, 0, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    u.Length = (USHORT)(u.MaximumLength + 2);
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     ZwCreateFile(&h, 0, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    u.Length = 4;
    u.Buffer = NULL;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     ZwCreateFile(&h, 0, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    oa.ObjectName = NULL;
    assert_nt_status(STATUS_OBJECT_NAME_INVALID,
                     ZwCreateFile(&h, 0, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    /* Above PASSIVE_LEVEL: IrqlZwPassive (0xC4/0x2001F). */
    RtlInitUnicodeString(&u, L"\\Device\\Nothing");
    InitializeObjectAttributes(&oa, &u, OBJ_KERNEL_HANDLE, NULL, NULL);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           ZwCreateFile(&h, 0, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    KeLowerIrql(old);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2001F);
}

static void test_file__zwcreatefile_out_of_memory_fails_cleanly(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    UNICODE_STRING link;
    OBJECT_ATTRIBUTES oa;
    HANDLE h = NULL;
    IO_STATUS_BLOCK iosb;
    enabled_interface(dev, &link);
    InitializeObjectAttributes(&oa, &link, OBJ_KERNEL_HANDLE, NULL, NULL);
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     ZwCreateFile(&h, 0, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    pnpsim_fault_alloc(sys, 0, 0);
    assert_null(h);
    assert_int_equal(pnpsim_device_open_count(dev), 0);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&link, FALSE));
    RtlFreeUnicodeString(&link);
}

/* IoGetDeviceObjectPointer opens "\Device\<name>": the PDO's name here (the create goes to
 * the top of its stack), and a named control device outside any device node. */
static void test_file__iogetdeviceobjectpointer_opens_device_names(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = started_device(sys, 1);
    WCHAR pdo_name[64];
    ULONG len = 0;
    UNICODE_STRING u;
    PFILE_OBJECT file = NULL;
    PDEVICE_OBJECT top = NULL, ctl = NULL, fdo = g_fdo;
    HANDLE h = NULL;
    IO_STATUS_BLOCK iosb;
    memset(pdo_name, 0, sizeof(pdo_name));
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceProperty(pnpsim_device_pdo(dev), DevicePropertyPhysicalDeviceObjectName,
                                         sizeof(pdo_name) - sizeof(WCHAR), pdo_name, &len));
    RtlInitUnicodeString(&u, pdo_name);
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceObjectPointer(&u, FILE_READ_DATA, &file, &top));
    assert_ptr_equal(top, fdo);
    assert_ptr_equal(file->DeviceObject, pnpsim_device_pdo(dev));
    assert_int_equal(file->FileName.Length, 0);
    ObDereferenceObject(file);
    assert_string_equal(g_log, "CREATE CLEANUP CLOSE ");
    /* A named control device (no device node); names compare case-insensitively and the
     * rest of the path is the file name. */
    RtlInitUnicodeString(&u, L"\\Device\\FileTestCtl");
    assert_nt_status(STATUS_SUCCESS, IoCreateDevice(fdo->DriverObject, 0, &u, FILE_DEVICE_UNKNOWN,
                                                    0, FALSE, &ctl));
    ctl->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    g_fdo = ctl;
    g_log[0] = 0;
    assert_nt_status(STATUS_SUCCESS, zw_open_name(L"\\device\\filetestctl\\abc", &h, &iosb));
    assert_memory_equal(g_create_name, L"\\abc", 4 * sizeof(WCHAR));
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
    assert_string_equal(g_log, "CREATE CLEANUP CLOSE ");
    RtlInitUnicodeString(&u, L"\\Device\\FileTestCtlX");
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceObjectPointer(&u, FILE_READ_DATA, &file, &top));
    IoDeleteDevice(ctl);
    g_fdo = fdo;
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
        PNPSIM_TEST(test_file__zwcreatefile_on_an_interface_link_opens_the_device),
        PNPSIM_TEST(test_file__zwcreatefile_accepts_the_global_form_and_zwopenfile),
        PNPSIM_TEST(test_file__zwcreatefile_on_a_disabled_interface_is_name_not_found),
        PNPSIM_TEST(test_file__zwcreatefile_returns_the_drivers_create_failure),
        PNPSIM_TEST(test_file__zwcreatefile_rejects_bad_arguments),
        PNPSIM_TEST(test_file__zwcreatefile_out_of_memory_fails_cleanly),
        PNPSIM_TEST(test_file__iogetdeviceobjectpointer_opens_device_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
