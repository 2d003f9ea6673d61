/* SPDX-License-Identifier: MIT */
/*
 * This file tests device objects and the object manager subset: IoCreateDevice (fields,
 * extension, names, collisions, generated names, bad arguments, IRQL, out of memory),
 * IoDeleteDevice and object lifetime (ObReferenceObject / ObDereferenceObject), and device
 * stacks (IoAttachDeviceToDeviceStack(Safe), IoDetachDevice, IoGetAttachedDevice(Reference),
 * IoGetLowerDeviceObject). Sources: Microsoft Learn nf-wdm-iocreatedevice,
 * nf-wdm-iodeletedevice, nf-wdm-ioattachdevicetodevicestack, nf-wdm-iodetachdevice,
 * nf-wdm-iogetattacheddevicereference, nf-ntifs-iogetlowerdeviceobject, devtest
 * wdm-irqliopassive1/3, bug checks 0x18 and 0xC9; windows-semantics.md 1.1 and 13 item 8.
 */
#include "pnpsim_test.h"

#include <stdio.h>
#include <string.h>

#define BAD_OBJECT_HEADER 0x189

static NTSTATUS NTAPI empty_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)DriverObject;
    (void)RegistryPath;
    return STATUS_SUCCESS;
}

static PDRIVER_OBJECT load(pnpsim_system *sys, const char *name)
{
    PDRIVER_OBJECT drv = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, name, empty_entry, &drv));
    assert_non_null(drv);
    return drv;
}

static PDEVICE_OBJECT create(PDRIVER_OBJECT drv, ULONG ext)
{
    PDEVICE_OBJECT dev = NULL;
    assert_nt_status(STATUS_SUCCESS,
                     IoCreateDevice(drv, ext, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    assert_non_null(dev);
    return dev;
}

static void init_name(UNICODE_STRING *s, const WCHAR *w)
{
    RtlInitUnicodeString(s, w);
}

/* ---- creation ------------------------------------------------------------------------ */

static void test_device__create_initialises_the_fields_windows_documents(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT dev = NULL;
    unsigned char *ext;
    assert_nt_status(STATUS_SUCCESS,
                     IoCreateDevice(drv, 100, NULL, FILE_DEVICE_DISK, FILE_REMOVABLE_MEDIA,
                                    FALSE, &dev));
    assert_int_equal(dev->Type, IO_TYPE_DEVICE);
    assert_int_equal(dev->Size, sizeof(DEVICE_OBJECT) + 100);
    assert_int_equal(dev->ReferenceCount, 0);
    assert_ptr_equal(dev->DriverObject, drv);
    assert_ptr_equal(drv->DeviceObject, dev);
    assert_null(dev->NextDevice);
    assert_null(dev->AttachedDevice);
    assert_int_equal(dev->Flags, DO_DEVICE_INITIALIZING);
    assert_int_equal(dev->Characteristics, FILE_REMOVABLE_MEDIA);
    assert_int_equal(dev->DeviceType, FILE_DEVICE_DISK);
    assert_int_equal(dev->StackSize, 1);
    assert_int_equal(dev->AlignmentRequirement, 0);
    assert_non_null(dev->DeviceObjectExtension);
    assert_int_equal(dev->DeviceObjectExtension->Type, IO_TYPE_DEVICE_OBJECT_EXTENSION);
    assert_ptr_equal(dev->DeviceObjectExtension->DeviceObject, dev);
    assert_null(dev->DeviceObjectExtension->AttachedTo);
    /* The extension is zeroed and 16-byte aligned. */
    ext = dev->DeviceExtension;
    assert_non_null(ext);
    assert_int_equal((uintptr_t)ext % 16, 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(ext[i], 0);
    memset(ext, 0xAB, 100); /* writable to its end */
    IoDeleteDevice(dev);
    assert_null(drv->DeviceObject);
}

static void test_device__zero_extension_gives_null_device_extension(void **state)
{
    PDRIVER_OBJECT drv = load(TSYS(state), "devtest");
    PDEVICE_OBJECT dev = create(drv, 0);
    assert_null(dev->DeviceExtension);
    IoDeleteDevice(dev);
}

/* "IoCreateDevice ... inserts the device object at the head of the driver's list". */
static void test_device__new_devices_go_to_the_head_of_the_driver_list(void **state)
{
    PDRIVER_OBJECT drv = load(TSYS(state), "devtest");
    PDEVICE_OBJECT a = create(drv, 0), b = create(drv, 0), c = create(drv, 0);
    assert_ptr_equal(drv->DeviceObject, c);
    assert_ptr_equal(c->NextDevice, b);
    assert_ptr_equal(b->NextDevice, a);
    assert_null(a->NextDevice);
    IoDeleteDevice(b); /* unlinking from the middle keeps the rest */
    assert_ptr_equal(drv->DeviceObject, c);
    assert_ptr_equal(c->NextDevice, a);
    IoDeleteDevice(c);
    IoDeleteDevice(a);
    assert_null(drv->DeviceObject);
}

static void test_device__named_and_exclusive_set_their_flags(void **state)
{
    PDRIVER_OBJECT drv = load(TSYS(state), "devtest");
    UNICODE_STRING name;
    PDEVICE_OBJECT dev = NULL;
    init_name(&name, L"\\Device\\PnpsimNamed");
    assert_nt_status(STATUS_SUCCESS,
                     IoCreateDevice(drv, 0, &name, FILE_DEVICE_UNKNOWN, 0, TRUE, &dev));
    assert_int_equal(dev->Flags, DO_DEVICE_INITIALIZING | DO_DEVICE_HAS_NAME | DO_EXCLUSIVE);
    IoDeleteDevice(dev);
}

/* nf-wdm-iocreatedevice: STATUS_OBJECT_NAME_COLLISION; object names compare without case. */
static void test_device__name_collision_returns_object_name_collision(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT d1 = load(sys, "devtest"), d2 = load(sys, "devtest2");
    UNICODE_STRING name, upper;
    PDEVICE_OBJECT a = NULL, b = (PDEVICE_OBJECT)1;
    init_name(&name, L"\\Device\\PnpsimOne");
    init_name(&upper, L"\\DEVICE\\PNPSIMONE");
    assert_nt_status(STATUS_SUCCESS, IoCreateDevice(d1, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &a));
    assert_nt_status(STATUS_OBJECT_NAME_COLLISION,
                     IoCreateDevice(d2, 0, &upper, FILE_DEVICE_UNKNOWN, 0, FALSE, &b));
    assert_null(b);
    assert_null(d2->DeviceObject);
    /* Once deleted, the name can be used again. */
    IoDeleteDevice(a);
    assert_nt_status(STATUS_SUCCESS, IoCreateDevice(d2, 0, &upper, FILE_DEVICE_UNKNOWN, 0, FALSE, &b));
    IoDeleteDevice(b);
}

/* The name a device got, from its IoCreateDevice trace record. */
static void created_name(pnpsim_system *sys, PDEVICE_OBJECT dev, char *out, size_t size)
{
    char needle[64];
    pnpsim_trace_event ev;
    size_t n = pnpsim_trace_count(sys);
    snprintf(needle, sizeof(needle), "(%p)", (void *)dev);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *p;
        assert_true(pnpsim_trace_get(sys, i, &ev));
        if (strstr(ev.text, "IoCreateDevice: ") == NULL || strstr(ev.text, needle) == NULL)
            continue;
        p = strstr(ev.text, "IoCreateDevice: ") + strlen("IoCreateDevice: ");
        snprintf(out, size, "%.*s", (int)strcspn(p, " "), p);
    }
}

/* FILE_AUTOGENERATED_DEVICE_NAME: the I/O manager names the device, \Device\%08lx. */
static void test_device__autogenerated_names_are_unique_hex_names(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT a = NULL, b = NULL, c = NULL;
    char na[64], nb[64];
    WCHAR w[64];
    UNICODE_STRING us;
    assert_nt_status(STATUS_SUCCESS, IoCreateDevice(drv, 0, NULL, FILE_DEVICE_UNKNOWN,
                                                    FILE_AUTOGENERATED_DEVICE_NAME, FALSE, &a));
    assert_nt_status(STATUS_SUCCESS, IoCreateDevice(drv, 0, NULL, FILE_DEVICE_UNKNOWN,
                                                    FILE_AUTOGENERATED_DEVICE_NAME, FALSE, &b));
    assert_true((a->Flags & DO_DEVICE_HAS_NAME) != 0);
    assert_int_equal(a->Characteristics & FILE_AUTOGENERATED_DEVICE_NAME, 0);
    created_name(sys, a, na, sizeof(na));
    created_name(sys, b, nb, sizeof(nb));
    assert_int_equal(strlen(na), strlen("\\Device\\") + 8);
    assert_memory_equal(na, "\\Device\\", 8);
    for (size_t i = 8; i < 16; i++)
        assert_non_null(strchr("0123456789abcdef", na[i]));
    assert_string_not_equal(na, nb);
    /* The generated name is a real name: using it explicitly collides. */
    for (size_t i = 0; i <= strlen(na); i++)
        w[i] = (WCHAR)na[i];
    init_name(&us, w);
    assert_nt_status(STATUS_OBJECT_NAME_COLLISION,
                     IoCreateDevice(drv, 0, &us, FILE_DEVICE_UNKNOWN, 0, FALSE, &c));
    IoDeleteDevice(a);
    IoDeleteDevice(b);
}

static void test_device__malformed_names_are_rejected(void **state)
{
    PDRIVER_OBJECT drv = load(TSYS(state), "devtest");
    WCHAR buf[] = L"\\Device\\X";
    UNICODE_STRING s;
    PDEVICE_OBJECT dev = (PDEVICE_OBJECT)1;

    s.Buffer = buf;
    s.Length = 3; /* odd */
    s.MaximumLength = sizeof(buf);
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoCreateDevice(drv, 0, &s, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    assert_null(dev);
    s.Length = 8;
    s.MaximumLength = 4; /* Length > MaximumLength */
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoCreateDevice(drv, 0, &s, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    s.Buffer = NULL; /* NULL buffer with a length */
    s.MaximumLength = 8;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoCreateDevice(drv, 0, &s, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    init_name(&s, L"Device\\Relative");
    assert_nt_status(STATUS_OBJECT_PATH_SYNTAX_BAD,
                     IoCreateDevice(drv, 0, &s, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    init_name(&s, L"\\Device\\");
    assert_nt_status(STATUS_OBJECT_NAME_INVALID,
                     IoCreateDevice(drv, 0, &s, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    init_name(&s, L"\\Device\\\\Twice");
    assert_nt_status(STATUS_OBJECT_NAME_INVALID,
                     IoCreateDevice(drv, 0, &s, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    assert_null(drv->DeviceObject);
}

static void test_device__create_out_of_memory_returns_insufficient_resources(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    UNICODE_STRING name;
    PDEVICE_OBJECT dev = (PDEVICE_OBJECT)1;
    init_name(&name, L"\\Device\\PnpsimOom");
    /* Fail each of the allocations in turn: every failure is clean. */
    for (unsigned long n = 1; n <= 3; n++) {
        pnpsim_fault_alloc(sys, n, 1);
        assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                         IoCreateDevice(drv, 16, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
        assert_null(dev);
        assert_null(drv->DeviceObject);
    }
    pnpsim_fault_clear(sys);
    assert_nt_status(STATUS_SUCCESS,
                     IoCreateDevice(drv, 16, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    IoDeleteDevice(dev);
}

/* IrqlIoPassive1: IoCreateDevice only at PASSIVE_LEVEL, 0xC4 / 0x2000A. */
static void test_device__create_above_passive_bugchecks_irqliopassive1(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT dev = NULL;
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           IoCreateDevice(drv, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2000A);
    KeLowerIrql(old);
}

/* Choice (README): a pointer that is not a DRIVER_OBJECT bug checks BAD_OBJECT_HEADER. */
static void test_device__create_with_a_non_driver_object_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    struct {
        void *before[8];
        DRIVER_OBJECT fake;
    } junk;
    PDEVICE_OBJECT dev = NULL;
    memset(&junk, 0, sizeof(junk));
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_OBJECT_HEADER,
                           IoCreateDevice(&junk.fake, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE,
                                          &dev));
}

/* ---- lifetime -------------------------------------------------------------------------- */

/* ObReferenceObject returns the new count; IoDeleteDevice frees at the last reference. */
static void test_device__delete_with_outstanding_reference_keeps_memory_until_last_deref(void **state)
{
    PDRIVER_OBJECT drv = load(TSYS(state), "devtest");
    PDEVICE_OBJECT dev = create(drv, 32);
    unsigned char *ext = dev->DeviceExtension;
    assert_int_equal(ObReferenceObject(dev), 2);
    IoDeleteDevice(dev);
    assert_null(drv->DeviceObject);
    /* Still a device object, extension still usable. */
    assert_int_equal(dev->Type, IO_TYPE_DEVICE);
    ext[31] = 7;
    assert_int_equal(ext[31], 7);
    assert_int_equal(ObDereferenceObject(dev), 0);
}

/* Bug check 0x18: a count dropped below what the object's state allows. */
static void test_device__dereference_before_delete_bugchecks_reference_by_pointer(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT dev = create(drv, 0);
    PNPSIM_EXPECT_BUGCHECK(sys, REFERENCE_BY_POINTER, ObDereferenceObject(dev));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], IO_TYPE_DEVICE);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)dev);
}

static void test_device__delete_twice_bugchecks_reference_by_pointer(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT kept = create(drv, 0), gone = create(drv, 0);
    /* Kept alive by a reference ... */
    ObReferenceObject(kept);
    IoDeleteDevice(kept);
    PNPSIM_EXPECT_BUGCHECK(sys, REFERENCE_BY_POINTER, IoDeleteDevice(kept));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)kept);
    ObDereferenceObject(kept);
    /* ... or already freed. */
    IoDeleteDevice(gone);
    PNPSIM_EXPECT_BUGCHECK(sys, REFERENCE_BY_POINTER, IoDeleteDevice(gone));
    PNPSIM_EXPECT_BUGCHECK(sys, REFERENCE_BY_POINTER, ObDereferenceObject(gone));
}

static void test_device__non_objects_bugcheck_bad_object_header(void **state)
{
    pnpsim_system *sys = TSYS(state);
    struct {
        void *before[8];
        DEVICE_OBJECT fake;
    } junk;
    PIRP irp = IoAllocateIrp(1, FALSE);
    memset(&junk, 0, sizeof(junk));
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_OBJECT_HEADER, ObReferenceObject(&junk.fake));
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_OBJECT_HEADER, ObDereferenceObject(&junk.fake));
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_OBJECT_HEADER, IoDeleteDevice(&junk.fake));
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_OBJECT_HEADER, IoDeleteDevice((PDEVICE_OBJECT)irp));
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_OBJECT_HEADER, IoGetAttachedDevice(NULL));
    IoFreeIrp(irp);
}

/* ---- stacks ------------------------------------------------------------------------------ */

/* windows-semantics.md 1.1 and 13 item 8: attach above the current top, StackSize + 1,
 * IoGetAttachedDeviceReference(pdo) == the FDO. */
static void test_device__attach_builds_a_stack_of_three(void **state)
{
    PDRIVER_OBJECT drv = load(TSYS(state), "devtest");
    PDEVICE_OBJECT pdo = create(drv, 0), fdo = create(drv, 0), filter = create(drv, 0);
    PDEVICE_OBJECT top;
    pdo->AlignmentRequirement = 3; /* FILE_LONG_ALIGNMENT */
    assert_ptr_equal(IoAttachDeviceToDeviceStack(fdo, pdo), pdo);
    assert_int_equal(fdo->StackSize, 2);
    assert_int_equal(fdo->AlignmentRequirement, 3);
    assert_ptr_equal(pdo->AttachedDevice, fdo);
    assert_ptr_equal(fdo->DeviceObjectExtension->AttachedTo, pdo);
    top = IoGetAttachedDeviceReference(pdo);
    assert_ptr_equal(top, fdo);
    ObDereferenceObject(top);
    /* Attaching to the PDO again lands above the current top, the FDO. */
    assert_ptr_equal(IoAttachDeviceToDeviceStack(filter, pdo), fdo);
    assert_int_equal(filter->StackSize, 3);
    assert_int_equal(filter->AlignmentRequirement, 3);
    assert_ptr_equal(IoGetAttachedDevice(pdo), filter);
    assert_ptr_equal(IoGetAttachedDevice(fdo), filter);
    top = IoGetAttachedDeviceReference(fdo);
    assert_ptr_equal(top, filter);
    ObDereferenceObject(top);

    top = IoGetLowerDeviceObject(filter);
    assert_ptr_equal(top, fdo);
    ObDereferenceObject(top);
    top = IoGetLowerDeviceObject(fdo);
    assert_ptr_equal(top, pdo);
    ObDereferenceObject(top);
    assert_null(IoGetLowerDeviceObject(pdo));

    /* Take it apart top down, as REMOVE handlers do. */
    IoDetachDevice(fdo);
    assert_null(fdo->AttachedDevice);
    assert_null(filter->DeviceObjectExtension->AttachedTo);
    IoDeleteDevice(filter);
    IoDetachDevice(pdo);
    assert_null(pdo->AttachedDevice);
    IoDeleteDevice(fdo);
    IoDeleteDevice(pdo);
}

static void test_device__attach_safe_reports_the_lower_device(void **state)
{
    PDRIVER_OBJECT drv = load(TSYS(state), "devtest");
    PDEVICE_OBJECT pdo = create(drv, 0), fdo = create(drv, 0), lower = NULL;
    assert_nt_status(STATUS_SUCCESS, IoAttachDeviceToDeviceStackSafe(fdo, pdo, &lower));
    assert_ptr_equal(lower, pdo);
    assert_int_equal(fdo->StackSize, 2);
    IoDetachDevice(pdo);
    IoDeleteDevice(fdo);
    IoDeleteDevice(pdo);
}

/* nf-wdm-ioattachdevicetodevicestack: NULL when the target is being deleted. */
static void test_device__attach_to_a_deleted_device_fails(void **state)
{
    PDRIVER_OBJECT drv = load(TSYS(state), "devtest");
    PDEVICE_OBJECT pdo = create(drv, 0), fdo = create(drv, 0), lower = (PDEVICE_OBJECT)1;
    ObReferenceObject(pdo);
    IoDeleteDevice(pdo);
    assert_null(IoAttachDeviceToDeviceStack(fdo, pdo));
    assert_nt_status(STATUS_NO_SUCH_DEVICE, IoAttachDeviceToDeviceStackSafe(fdo, pdo, &lower));
    assert_null(lower);
    assert_int_equal(fdo->StackSize, 1);
    ObDereferenceObject(pdo);
    IoDeleteDevice(fdo);
}

/* Windows defers deleting a device another device is still attached to until it detaches. */
static void test_device__deleting_a_lower_device_waits_for_detach(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT pdo = create(drv, 0), fdo = create(drv, 0), lower;
    IoAttachDeviceToDeviceStack(fdo, pdo);
    IoDeleteDevice(pdo); /* the bus deletes its PDO while the FDO handles REMOVE */
    assert_int_equal(pdo->Type, IO_TYPE_DEVICE);
    lower = IoGetLowerDeviceObject(fdo);
    assert_ptr_equal(lower, pdo);
    ObDereferenceObject(lower);
    IoDetachDevice(pdo); /* now it goes */
    PNPSIM_EXPECT_BUGCHECK(sys, REFERENCE_BY_POINTER, ObReferenceObject(pdo));
    IoDeleteDevice(fdo);
}

/* 0xC9 / 0x202: detach from a device nothing is attached to (detached twice). */
static void test_device__detach_twice_bugchecks_0xc9_0x202(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT pdo = create(drv, 0), fdo = create(drv, 0);
    IoAttachDeviceToDeviceStack(fdo, pdo);
    IoDetachDevice(pdo);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IoDetachDevice(pdo));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x202);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], (ULONG_PTR)pdo);
}

/* 0xC9 / 0x201: a device deletes itself while still attached to a lower device. */
static void test_device__delete_while_attached_bugchecks_0xc9_0x201(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT pdo = create(drv, 0), fdo = create(drv, 0);
    IoAttachDeviceToDeviceStack(fdo, pdo);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IoDeleteDevice(fdo));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x201);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], (ULONG_PTR)fdo);
}

/* IrqlIoPassive3: IoDetachDevice only at PASSIVE_LEVEL, 0xC4 / 0x2000C. */
static void test_device__detach_above_passive_bugchecks_irqliopassive3(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT pdo = create(drv, 0), fdo = create(drv, 0);
    KIRQL old;
    IoAttachDeviceToDeviceStack(fdo, pdo);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, IoDetachDevice(pdo));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2000C);
    KeLowerIrql(old);
}

static void test_device__attach_rejects_non_device_objects(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = load(sys, "devtest");
    PDEVICE_OBJECT dev = create(drv, 0);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_OBJECT_HEADER,
                           IoAttachDeviceToDeviceStack(dev, (PDEVICE_OBJECT)drv));
}

static void test_device__a_device_cannot_attach_twice(void **state)
{
    PDRIVER_OBJECT drv = load(TSYS(state), "devtest");
    PDEVICE_OBJECT a = create(drv, 0), b = create(drv, 0), c = create(drv, 0);
    assert_ptr_equal(IoAttachDeviceToDeviceStack(b, a), a);
    assert_null(IoAttachDeviceToDeviceStack(b, c)); /* already in a stack */
    assert_null(IoAttachDeviceToDeviceStack(a, b)); /* its own stack */
    IoDetachDevice(a);
    IoDeleteDevice(a);
    IoDeleteDevice(b);
    IoDeleteDevice(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_device__create_initialises_the_fields_windows_documents),
        PNPSIM_TEST(test_device__zero_extension_gives_null_device_extension),
        PNPSIM_TEST(test_device__new_devices_go_to_the_head_of_the_driver_list),
        PNPSIM_TEST(test_device__named_and_exclusive_set_their_flags),
        PNPSIM_TEST(test_device__name_collision_returns_object_name_collision),
        PNPSIM_TEST(test_device__autogenerated_names_are_unique_hex_names),
        PNPSIM_TEST(test_device__malformed_names_are_rejected),
        PNPSIM_TEST(test_device__create_out_of_memory_returns_insufficient_resources),
        PNPSIM_TEST(test_device__create_above_passive_bugchecks_irqliopassive1),
        PNPSIM_TEST(test_device__create_with_a_non_driver_object_bugchecks),
        PNPSIM_TEST(test_device__delete_with_outstanding_reference_keeps_memory_until_last_deref),
        PNPSIM_TEST(test_device__dereference_before_delete_bugchecks_reference_by_pointer),
        PNPSIM_TEST(test_device__delete_twice_bugchecks_reference_by_pointer),
        PNPSIM_TEST(test_device__non_objects_bugcheck_bad_object_header),
        PNPSIM_TEST(test_device__attach_builds_a_stack_of_three),
        PNPSIM_TEST(test_device__attach_safe_reports_the_lower_device),
        PNPSIM_TEST(test_device__attach_to_a_deleted_device_fails),
        PNPSIM_TEST(test_device__deleting_a_lower_device_waits_for_detach),
        PNPSIM_TEST(test_device__detach_twice_bugchecks_0xc9_0x202),
        PNPSIM_TEST(test_device__delete_while_attached_bugchecks_0xc9_0x201),
        PNPSIM_TEST(test_device__detach_above_passive_bugchecks_irqliopassive3),
        PNPSIM_TEST(test_device__attach_rejects_non_device_objects),
        PNPSIM_TEST(test_device__a_device_cannot_attach_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
