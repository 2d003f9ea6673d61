/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of the verifier: per-rule modes (bug check, record and
 * continue, off) and the record of violations; the IRQL rules routed through them; the
 * PowerIrpDDis rule; and the PnP IRP rules of Driver Verifier's I/O verification (bug check
 * 0xC9, "Bug Check 0xC9: DRIVER_VERIFIER_IOMANAGER_VIOLATION", windows-semantics.md §9.2 and
 * §11), each broken on purpose by a small configurable driver written in this file, and
 * kept by the same driver behaving.
 */
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/verifier.h>

/* ======================================================================================
 * rulefdo: a function driver (and upper filter) that breaks one rule when asked
 * ==================================================================================== */

typedef enum {
    R_NONE,
    R_COMPLETE_SUCCESS,    /* complete rule_minor with STATUS_SUCCESS, not passed down */
    R_COMPLETE_UNTOUCHED,  /* complete rule_minor with the status it came with */
    R_PASS_FAILURE,        /* set STATUS_UNSUCCESSFUL and pass rule_minor down */
    R_UPPER_SUCCESS_LOWER_NS, /* filter sets success, function sets NOT_SUPPORTED, passes */
    R_CHANGE_UNKNOWN,      /* unknown minor: change the status, pass it down */
    R_COMPLETE_UNKNOWN,    /* unknown minor: complete it with success */
    R_FAIL_REMOVE,         /* complete IRP_MN_REMOVE_DEVICE with a failure */
    R_NO_DETACH,           /* REMOVE: pass down, neither detach nor delete */
    R_DETACH_NO_DELETE,    /* REMOVE: pass down, detach, do not delete */
    R_HOLD,                /* rule_minor: mark pending, keep it */
    R_POWER_BUILD          /* IRP_MN_SET_POWER: call IoBuildSynchronousFsdRequest */
} rule_behaviour;

static rule_behaviour rule_mode;
static UCHAR rule_minor;
static PDEVICE_OBJECT rule_fdo, rule_lower;
static PIRP rule_held;
static PIRP rule_power_built;
static int rule_power_called;

typedef struct rule_ext {
    PDEVICE_OBJECT lower;
    BOOLEAN upper;
} rule_ext;

static NTSTATUS NTAPI rule_pnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    rule_ext *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT lower = ext->lower;
    UCHAR minor = sp->MinorFunction;
    NTSTATUS status;

    if (minor == IRP_MN_REMOVE_DEVICE) {
        Irp->IoStatus.Status = STATUS_SUCCESS;
        if (rule_mode == R_FAIL_REMOVE && !ext->upper) {
            Irp->IoStatus.Status = STATUS_UNSUCCESSFUL;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            IoDetachDevice(lower);
            IoDeleteDevice(DeviceObject);
            return STATUS_UNSUCCESSFUL;
        }
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        if (ext->upper || (rule_mode != R_NO_DETACH && rule_mode != R_DETACH_NO_DELETE)) {
            IoDetachDevice(lower);
            IoDeleteDevice(DeviceObject);
        } else if (rule_mode == R_DETACH_NO_DELETE) {
            IoDetachDevice(lower);
        }
        return status;
    }
    if (minor == rule_minor && !ext->upper) {
        switch (rule_mode) {
        case R_COMPLETE_SUCCESS:
        case R_COMPLETE_UNKNOWN:
            Irp->IoStatus.Status = STATUS_SUCCESS;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return STATUS_SUCCESS;
        case R_COMPLETE_UNTOUCHED:
            status = Irp->IoStatus.Status;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return status;
        case R_PASS_FAILURE:
            Irp->IoStatus.Status = STATUS_UNSUCCESSFUL;
            break;
        case R_UPPER_SUCCESS_LOWER_NS:
            Irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
            break;
        case R_CHANGE_UNKNOWN:
            Irp->IoStatus.Status = STATUS_SUCCESS;
            break;
        case R_HOLD:
            IoMarkIrpPending(Irp);
            rule_held = Irp;
            return STATUS_PENDING;
        default:
            break;
        }
    } else if (minor == rule_minor && ext->upper && rule_mode == R_UPPER_SUCCESS_LOWER_NS) {
        Irp->IoStatus.Status = STATUS_SUCCESS;
    } else if (minor == IRP_MN_START_DEVICE || minor == IRP_MN_QUERY_REMOVE_DEVICE) {
        Irp->IoStatus.Status = STATUS_SUCCESS;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
}

static NTSTATUS NTAPI rule_power(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    rule_ext *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    if (sp->MinorFunction == IRP_MN_SET_POWER && rule_mode == R_POWER_BUILD && !ext->upper) {
        IO_STATUS_BLOCK iosb;
        rule_power_called++;
        rule_power_built = IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS, ext->lower, NULL,
                                                        0, NULL, NULL, &iosb);
        if (rule_power_built != NULL) {
            IoFreeIrp(rule_power_built);
            rule_power_built = (PIRP)(ULONG_PTR)1;
        }
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->lower, Irp);
}

static NTSTATUS add_common(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo, BOOLEAN upper)
{
    PDEVICE_OBJECT fdo;
    rule_ext *ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(rule_ext), NULL, FILE_DEVICE_UNKNOWN, 0,
                                     FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = fdo->DeviceExtension;
    ext->upper = upper;
    ext->lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    if (!upper) {
        rule_fdo = fdo;
        rule_lower = ext->lower;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI rule_add(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    return add_common(DriverObject, Pdo, FALSE);
}

static NTSTATUS NTAPI rule_add_upper(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    return add_common(DriverObject, Pdo, TRUE);
}

static NTSTATUS NTAPI rule_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->MajorFunction[IRP_MJ_PNP] = rule_pnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = rule_power;
    DriverObject->DriverExtension->AddDevice = rule_add;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI rule_upper_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->MajorFunction[IRP_MJ_PNP] = rule_pnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = rule_power;
    DriverObject->DriverExtension->AddDevice = rule_add_upper;
    return STATUS_SUCCESS;
}

/* A started ROOT\RULE\0 with rulefdo (and its upper filter when upper is set). */
static pnpsim_device *rule_device(pnpsim_system *sys, rule_behaviour mode, UCHAR minor, int upper)
{
    PDRIVER_OBJECT drv, up;
    pnpsim_device *dev;
    rule_mode = mode;
    rule_minor = minor;
    rule_fdo = rule_lower = NULL;
    rule_held = NULL;
    rule_power_built = NULL;
    rule_power_called = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "rulefdo", rule_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\RULE", drv));
    if (upper) {
        assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "ruleup", rule_upper_entry, &up));
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_driver_bind_filter(sys, "ROOT\\RULE", up, PNPSIM_FILTER_UPPER));
    }
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\RULE", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    return dev;
}

/* Send a PnP (or power) IRP from test code to the top of dev's stack, the WDM way. */
static NTSTATUS send_irp(pnpsim_device *dev, UCHAR major, UCHAR minor, NTSTATUS preset,
                         PIRP *out)
{
    PDEVICE_OBJECT top = IoGetAttachedDeviceReference(pnpsim_device_pdo(dev));
    /* An IRP the caller keeps (out != NULL) may complete after this returns: its status
     * block and event must outlive this frame. */
    static IO_STATUS_BLOCK held_iosb;
    static KEVENT held_event;
    IO_STATUS_BLOCK local_iosb, *iosb = out != NULL ? &held_iosb : &local_iosb;
    KEVENT local_event, *event = out != NULL ? &held_event : &local_event;
    NTSTATUS status;
    PIRP irp;
    KeInitializeEvent(event, NotificationEvent, FALSE);
    irp = IoBuildSynchronousFsdRequest(major, top, NULL, 0, NULL, event, iosb);
    assert_non_null(irp);
    irp->IoStatus.Status = preset;
    IoGetNextIrpStackLocation(irp)->MinorFunction = minor;
    if (out != NULL)
        *out = irp;
    status = IoCallDriver(top, irp);
    if (status == STATUS_PENDING && out == NULL) {
        KeWaitForSingleObject(event, Executive, KernelMode, FALSE, NULL);
        status = iosb->Status;
    }
    ObDereferenceObject(top);
    return status;
}

static const pnpsim_verifier_violation *only_violation(pnpsim_system *sys, const char *rule)
{
    size_t n;
    const pnpsim_verifier_violation *v = pnpsim_verifier_violations(sys, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].rule, rule) == 0)
            return &v[i];
    }
    return NULL;
}

/* ======================================================================================
 * Modes and the record
 * ==================================================================================== */

static void test_verifier__rules_bugcheck_by_default_and_modes_can_be_set(void **state)
{
    pnpsim_system *sys = TSYS(state);
    assert_int_equal(PNPSIM_VERIFIER_BUGCHECK, pnpsim_verifier_get_mode(sys, PNPSIM_RULE_QI_LEAK));
    assert_int_equal(PNPSIM_VERIFIER_BUGCHECK, pnpsim_verifier_get_mode(sys, "IrqlIoPassive1"));
    /* §14 choice: completing a successful QI is a warning, recorded. */
    assert_int_equal(PNPSIM_VERIFIER_RECORD,
                     pnpsim_verifier_get_mode(sys, PNPSIM_RULE_QI_COMPLETED_NOT_PASSED));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_LEAK, PNPSIM_VERIFIER_OFF));
    assert_int_equal(PNPSIM_VERIFIER_OFF, pnpsim_verifier_get_mode(sys, PNPSIM_RULE_QI_LEAK));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_LEAK, PNPSIM_VERIFIER_RECORD));
    assert_int_equal(PNPSIM_VERIFIER_RECORD, pnpsim_verifier_get_mode(sys, PNPSIM_RULE_QI_LEAK));
    assert_nt_status(STATUS_SUCCESS, pnpsim_verifier_set_mode(sys, NULL, PNPSIM_VERIFIER_OFF));
    assert_int_equal(PNPSIM_VERIFIER_OFF, pnpsim_verifier_get_mode(sys, PNPSIM_RULE_QI_LEAK));
    assert_int_equal(PNPSIM_VERIFIER_OFF, pnpsim_verifier_get_mode(sys, "AnyRule"));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_verifier_set_mode(sys, "X", (pnpsim_verifier_mode)7));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_verifier_set_mode(NULL, "X", PNPSIM_VERIFIER_OFF));
    assert_null(pnpsim_verifier_violations(sys, NULL));
    assert_int_equal(0, pnpsim_verifier_violation_count(NULL, NULL));
}

/* IoBuildSynchronousFsdRequest: PASSIVE_LEVEL (nf-wdm-iobuildsynchronousfsdrequest). */
static void test_verifier__irql_rule_bugchecks_records_or_is_off(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    const pnpsim_verifier_violation *v;
    IO_STATUS_BLOCK iosb;
    KIRQL old;
    PIRP irp;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\PLAIN", "0", &dev));

    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_IRQL_DDI, PNPSIM_VERIFIER_RECORD);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    irp = IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS, pnpsim_device_pdo(dev), NULL, 0,
                                       NULL, NULL, &iosb);
    KeLowerIrql(old);
    assert_null(irp);
    v = only_violation(sys, PNPSIM_RULE_IRQL_DDI);
    assert_non_null(v);
    assert_int_equal(IRQL_NOT_LESS_OR_EQUAL, v->code);
    assert_int_equal(DISPATCH_LEVEL, v->parameters[1]);
    assert_string_equal("IoBuildSynchronousFsdRequest", v->ddi);
    assert_int_equal(0, pnpsim_bugcheck_count(sys));

    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_IRQL_DDI, PNPSIM_VERIFIER_OFF);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    irp = IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS, pnpsim_device_pdo(dev), NULL, 0,
                                       NULL, NULL, &iosb);
    KeLowerIrql(old);
    assert_non_null(irp);
    IoFreeIrp(irp);
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, NULL));

    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_IRQL_DDI, PNPSIM_VERIFIER_BUGCHECK);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, IRQL_NOT_LESS_OR_EQUAL,
                           IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS,
                                                        pnpsim_device_pdo(dev), NULL, 0, NULL,
                                                        NULL, &iosb));
    KeLowerIrql(old);
    pnpsim_verifier_clear(sys);
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, NULL));
}

/* IrqlIoPassive1: IoBuildDeviceIoControlRequest at <= APC_LEVEL, 0xC4/0x2000A
 * (wdm-irqliopassive1). */
static void test_verifier__ddi_compliance_rule_has_its_own_mode(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    const pnpsim_verifier_violation *v;
    IO_STATUS_BLOCK iosb;
    KIRQL old;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\PLAIN", "0", &dev));
    pnpsim_verifier_set_mode(sys, "IrqlIoPassive1", PNPSIM_VERIFIER_RECORD);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_null(IoBuildDeviceIoControlRequest(0x222000, pnpsim_device_pdo(dev), NULL, 0, NULL, 0,
                                              FALSE, NULL, &iosb));
    KeLowerIrql(old);
    v = only_violation(sys, "IrqlIoPassive1");
    assert_non_null(v);
    assert_int_equal(DRIVER_VERIFIER_DETECTED_VIOLATION, v->code);
    assert_int_equal(0x0002000A, v->parameters[0]);
    assert_non_null(strstr(v->message, "IrqlIoPassive1"));
}

/* PowerIrpDDis (wdm-powerirpddis): no PASSIVE-only DDI while handling IRP_MN_SET_POWER. */
static void test_verifier__passive_ddi_in_set_power_breaks_power_irp_ddis(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_POWER_BUILD, 0xFF, 0);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_POWER_IRP_DDIS, PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_SUCCESS,
                     send_irp(dev, IRP_MJ_POWER, IRP_MN_SET_POWER, STATUS_NOT_SUPPORTED, NULL));
    assert_int_equal(1, rule_power_called);
    assert_null(rule_power_built);
    v = only_violation(sys, PNPSIM_RULE_POWER_IRP_DDIS);
    assert_non_null(v);
    assert_int_equal(PNPSIM_C4_POWER_IRP_DDIS, v->parameters[0]);
    assert_string_equal("rulefdo", v->driver);
    assert_string_equal("IoBuildSynchronousFsdRequest", v->ddi);
    /* Outside the set-power dispatch the same call is fine. */
    {
        IO_STATUS_BLOCK iosb;
        PIRP irp = IoBuildSynchronousFsdRequest(IRP_MJ_FLUSH_BUFFERS, pnpsim_device_pdo(dev),
                                                NULL, 0, NULL, NULL, &iosb);
        assert_non_null(irp);
        IoFreeIrp(irp);
    }
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, NULL));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
}

/* ======================================================================================
 * PnP IRP rules (bug-check-0xc9)
 * ==================================================================================== */

static void test_verifier__well_behaved_stack_breaks_no_pnp_rule(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_NONE, IRP_MN_QUERY_BUS_INFORMATION, 1);
    assert_nt_status(STATUS_NOT_SUPPORTED,
                     send_irp(dev, IRP_MJ_PNP, IRP_MN_QUERY_BUS_INFORMATION, STATUS_NOT_SUPPORTED,
                              NULL));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, NULL));
}

static void test_verifier__pnp_irp_without_preset_status_is_0x20e(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_NONE, 0xFF, 0);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_STATUS_NOT_PRESET, PNPSIM_VERIFIER_RECORD);
    send_irp(dev, IRP_MJ_PNP, IRP_MN_QUERY_BUS_INFORMATION, STATUS_SUCCESS, NULL);
    v = only_violation(sys, PNPSIM_RULE_PNP_STATUS_NOT_PRESET);
    assert_non_null(v);
    assert_int_equal(DRIVER_VERIFIER_IOMANAGER_VIOLATION, v->code);
    assert_int_equal(0x20E, v->parameters[0]);
    assert_non_null(strstr(v->message, "the test sent IRP_MN_QUERY_BUS_INFORMATION"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
}

static void test_verifier__fdo_completing_successful_pnp_irp_bugchecks_0x22e(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_COMPLETE_SUCCESS, IRP_MN_QUERY_BUS_INFORMATION, 0);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                           send_irp(dev, IRP_MJ_PNP, IRP_MN_QUERY_BUS_INFORMATION,
                                    STATUS_NOT_SUPPORTED, NULL));
    assert_int_equal(0x22E, pnpsim_bugcheck_last_caught()->parameters[0]);
    assert_ptr_equal(rule_fdo, (PDEVICE_OBJECT)pnpsim_bugcheck_last_caught()->parameters[3]);
    ((pnpsim_test_fixture *)*state)->allow_pool_leaks = 1;
}

static void test_verifier__fdo_completing_untouched_pnp_irp_is_0x22f(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_COMPLETE_UNTOUCHED, IRP_MN_QUERY_BUS_INFORMATION, 0);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_COMPLETED_NOT_PASSED, PNPSIM_VERIFIER_RECORD);
    send_irp(dev, IRP_MJ_PNP, IRP_MN_QUERY_BUS_INFORMATION, STATUS_NOT_SUPPORTED, NULL);
    v = only_violation(sys, PNPSIM_RULE_PNP_COMPLETED_NOT_PASSED);
    assert_non_null(v);
    assert_int_equal(0x22F, v->parameters[0]);
    assert_string_equal("rulefdo", v->driver);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
}

static void test_verifier__completing_unknown_minor_is_0x22d(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_COMPLETE_UNKNOWN, 0x20, 0);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_COMPLETED_NOT_PASSED, PNPSIM_VERIFIER_RECORD);
    send_irp(dev, IRP_MJ_PNP, 0x20, STATUS_NOT_SUPPORTED, NULL);
    v = only_violation(sys, PNPSIM_RULE_PNP_COMPLETED_NOT_PASSED);
    assert_non_null(v);
    assert_int_equal(0x22D, v->parameters[0]);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
}

static void test_verifier__failure_passed_down_is_0x215(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_PASS_FAILURE, IRP_MN_QUERY_BUS_INFORMATION, 0);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_FAILURE_PASSED_DOWN, PNPSIM_VERIFIER_RECORD);
    send_irp(dev, IRP_MJ_PNP, IRP_MN_QUERY_BUS_INFORMATION, STATUS_NOT_SUPPORTED, NULL);
    v = only_violation(sys, PNPSIM_RULE_PNP_FAILURE_PASSED_DOWN);
    assert_non_null(v);
    assert_int_equal(0x215, v->parameters[0]);
    assert_non_null(strstr(v->message, "STATUS_UNSUCCESSFUL"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
}

static void test_verifier__status_turned_into_not_supported_is_0x216(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_UPPER_SUCCESS_LOWER_NS, IRP_MN_QUERY_BUS_INFORMATION, 1);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_NOT_SUPPORTED_SET, PNPSIM_VERIFIER_RECORD);
    send_irp(dev, IRP_MJ_PNP, IRP_MN_QUERY_BUS_INFORMATION, STATUS_NOT_SUPPORTED, NULL);
    v = only_violation(sys, PNPSIM_RULE_PNP_NOT_SUPPORTED_SET);
    assert_non_null(v);
    assert_int_equal(0x216, v->parameters[0]);
    assert_string_equal("rulefdo", v->driver);
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, NULL));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
}

static void test_verifier__status_of_unknown_minor_changed_is_0x213(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_CHANGE_UNKNOWN, 0x20, 0);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_STATUS_CHANGED, PNPSIM_VERIFIER_RECORD);
    send_irp(dev, IRP_MJ_PNP, 0x20, STATUS_NOT_SUPPORTED, NULL);
    v = only_violation(sys, PNPSIM_RULE_PNP_STATUS_CHANGED);
    assert_non_null(v);
    assert_int_equal(0x213, v->parameters[0]);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
}

static void test_verifier__failed_remove_is_0x306(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_FAIL_REMOVE, 0xFF, 0);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_REMOVE_FAILED, PNPSIM_VERIFIER_RECORD);
    pnpsim_device_remove(dev);
    v = only_violation(sys, PNPSIM_RULE_PNP_REMOVE_FAILED);
    assert_non_null(v);
    assert_int_equal(DRIVER_VERIFIER_IOMANAGER_VIOLATION, v->code);
    assert_int_equal(0x306, v->parameters[0]);
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, NULL));
}

static void test_verifier__device_left_attached_after_remove_is_0x21d(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_NO_DETACH, 0xFF, 0);
    const pnpsim_verifier_violation *v;
    PDEVICE_OBJECT fdo = rule_fdo;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_REMOVE_NOT_DETACHED, PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    v = only_violation(sys, PNPSIM_RULE_PNP_REMOVE_NOT_DETACHED);
    assert_non_null(v);
    assert_int_equal(0x21D, v->parameters[0]);
    assert_ptr_equal(fdo, (PDEVICE_OBJECT)v->parameters[3]);
    assert_non_null(strstr(v->message, "neither detached nor deleted"));
    /* Clean up what the driver forgot. */
    IoDetachDevice(rule_lower);
    IoDeleteDevice(fdo);
}

static void test_verifier__device_detached_but_not_deleted_is_0x21e(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_DETACH_NO_DELETE, 0xFF, 0);
    const pnpsim_verifier_violation *v;
    PDEVICE_OBJECT fdo = rule_fdo;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_REMOVE_NOT_DELETED, PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    v = only_violation(sys, PNPSIM_RULE_PNP_REMOVE_NOT_DELETED);
    assert_non_null(v);
    assert_int_equal(0x21E, v->parameters[0]);
    assert_ptr_equal(fdo, (PDEVICE_OBJECT)v->parameters[3]);
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, NULL));
    IoDeleteDevice(fdo);
}

static void test_verifier__device_left_attached_bugchecks_by_default(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_NO_DETACH, 0xFF, 0);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, pnpsim_device_remove(dev));
    assert_int_equal(0x21D, pnpsim_bugcheck_last_caught()->parameters[0]);
    ((pnpsim_test_fixture *)*state)->allow_pool_leaks = 1;
}

static void test_verifier__pnp_irp_pending_at_removal_is_reported(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = rule_device(sys, R_HOLD, IRP_MN_QUERY_BUS_INFORMATION, 0);
    const pnpsim_verifier_violation *v;
    PIRP irp;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_PNP_PENDING_AT_REMOVE, PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_PENDING, send_irp(dev, IRP_MJ_PNP, IRP_MN_QUERY_BUS_INFORMATION,
                                              STATUS_NOT_SUPPORTED, &irp));
    assert_ptr_equal(irp, rule_held);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    v = only_violation(sys, PNPSIM_RULE_PNP_PENDING_AT_REMOVE);
    assert_non_null(v);
    assert_int_equal(DRIVER_VERIFIER_DETECTED_VIOLATION, v->code);
    assert_int_equal(PNPSIM_C4_PNP_PENDING_AT_REMOVE, v->parameters[0]);
    assert_ptr_equal(irp, (PIRP)v->parameters[1]);
    assert_int_equal(IRP_MN_QUERY_BUS_INFORMATION, v->parameters[2]);
    /* Complete it now (the I/O manager frees the threaded IRP). */
    IoCompleteRequest(rule_held, IO_NO_INCREMENT);
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_verifier__rules_bugcheck_by_default_and_modes_can_be_set),
        PNPSIM_TEST(test_verifier__irql_rule_bugchecks_records_or_is_off),
        PNPSIM_TEST(test_verifier__ddi_compliance_rule_has_its_own_mode),
        PNPSIM_TEST(test_verifier__passive_ddi_in_set_power_breaks_power_irp_ddis),
        PNPSIM_TEST(test_verifier__well_behaved_stack_breaks_no_pnp_rule),
        PNPSIM_TEST(test_verifier__pnp_irp_without_preset_status_is_0x20e),
        PNPSIM_TEST(test_verifier__fdo_completing_successful_pnp_irp_bugchecks_0x22e),
        PNPSIM_TEST(test_verifier__fdo_completing_untouched_pnp_irp_is_0x22f),
        PNPSIM_TEST(test_verifier__completing_unknown_minor_is_0x22d),
        PNPSIM_TEST(test_verifier__failure_passed_down_is_0x215),
        PNPSIM_TEST(test_verifier__status_turned_into_not_supported_is_0x216),
        PNPSIM_TEST(test_verifier__status_of_unknown_minor_changed_is_0x213),
        PNPSIM_TEST(test_verifier__failed_remove_is_0x306),
        PNPSIM_TEST(test_verifier__device_left_attached_after_remove_is_0x21d),
        PNPSIM_TEST(test_verifier__device_detached_but_not_deleted_is_0x21e),
        PNPSIM_TEST(test_verifier__device_left_attached_bugchecks_by_default),
        PNPSIM_TEST(test_verifier__pnp_irp_pending_at_removal_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
