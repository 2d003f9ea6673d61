/* SPDX-License-Identifier: MIT */
/*
 * This file implements the consumer check's harness: with an installed pnpsim it creates a
 * simulated system, loads the driver of driver.c, checks what ran and destroys the system.
 * It exits non-zero on any failure.
 */
#include <stdio.h>

#include <pnpsim/pnpsim.h>

#include "driver.h"

static int failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                              \
        }                                                                            \
    } while (0)

int main(void)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_system *sys = NULL;
    PDRIVER_OBJECT driver = NULL;
    NTSTATUS status;

    cfg.name = "consumer";
    status = pnpsim_system_create(&cfg, &sys);
    if (!NT_SUCCESS(status) || sys == NULL) {
        fprintf(stderr, "pnpsim_system_create: %s (%s)\n", pnpsim_status_name(status),
                pnpsim_last_error_message());
        return 1;
    }

    status = pnpsim_driver_load(sys, "consumer_drv", DriverEntry, &driver);
    if (!NT_SUCCESS(status))
        fprintf(stderr, "pnpsim_driver_load: %s (%s)\n", pnpsim_status_name(status),
                pnpsim_last_error_message());
    CHECK(status == STATUS_SUCCESS);
    CHECK(driver != NULL);
    CHECK(consumer_driver_entry_calls() == 1);
    CHECK(consumer_driver_registry_path_matched());
    CHECK(driver != NULL && driver->DriverUnload != NULL);
    CHECK(driver == NULL || pnpsim_driver_find(sys, "consumer_drv") == driver);

    pnpsim_system_destroy(sys);
    CHECK(consumer_driver_unload_calls() == 1);

    printf("pnpsim %s consumer check: %s\n", PNPSIM_VERSION_STRING, failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
