/* SPDX-License-Identifier: MIT */
/*
 * This file implements the example "build a system by hand and dump it as a picture": a
 * hub on the root bus with two sensors under it, each stack's function driver registering
 * and enabling an interface, one sensor surprise-removed so its interface shows disabled,
 * then the whole state written as Graphviz DOT (include/pnpsim/dump.h) and, when Graphviz's
 * `dot` is on PATH, rendered to PNG. Without Graphviz it only writes the .dot file.
 * Usage: pnpsim_example_picture [OUTPUT_BASENAME]   (default "pnpsim-picture");
 * PNPSIM_NO_RENDER set in the environment skips the rendering.
 */
#include <stdio.h>
#include <stdlib.h>

#include <pnpsim/pnpsim.h>

#include "example_driver/example_driver.h"

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond,   \
                    pnpsim_last_error_message());                                          \
            return 1;                                                                      \
        }                                                                                  \
    } while (0)

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : "pnpsim-picture";
    char dot_file[512], png_file[512], command[1200];
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_system *sys = NULL;
    PDRIVER_OBJECT hub_drv = NULL, sensor_drv = NULL;
    pnpsim_device *hub = NULL, *s1 = NULL, *s2 = NULL;
    FILE *f;

    snprintf(dot_file, sizeof(dot_file), "%s.dot", base);
    snprintf(png_file, sizeof(png_file), "%s.png", base);

    /* 1. A system, named for the picture's title. */
    cfg.name = "picture";
    CHECK(pnpsim_system_create(&cfg, &sys) == STATUS_SUCCESS);
    pnpsim_system_enter(sys);

    /* 2. Two drivers (one source, see example_driver/), bound as an INF would. */
    CHECK(pnpsim_driver_load(sys, "hub", ExampleHubDriverEntry, &hub_drv) == STATUS_SUCCESS);
    CHECK(pnpsim_driver_load(sys, "sensor", ExampleSensorDriverEntry, &sensor_drv) ==
          STATUS_SUCCESS);
    CHECK(pnpsim_driver_bind(sys, "ROOT\\HUB", hub_drv) == STATUS_SUCCESS);
    CHECK(pnpsim_driver_bind(sys, "HUB\\SENSOR", sensor_drv) == STATUS_SUCCESS);

    /* 3. The tree: ROOT\HUB\0, and under it HUB\SENSOR\1 and HUB\SENSOR\2. Each start runs
     *    AddDevice (the interface is registered) and START (it is enabled). */
    CHECK(pnpsim_device_create(sys, NULL, "ROOT\\HUB", "0", &hub) == STATUS_SUCCESS);
    CHECK(pnpsim_device_start(hub) == STATUS_SUCCESS);
    CHECK(pnpsim_device_create(sys, hub, "HUB\\SENSOR", "1", &s1) == STATUS_SUCCESS);
    CHECK(pnpsim_device_start(s1) == STATUS_SUCCESS);
    CHECK(pnpsim_device_create(sys, hub, "HUB\\SENSOR", "2", &s2) == STATUS_SUCCESS);
    CHECK(pnpsim_device_start(s2) == STATUS_SUCCESS);

    /* 4. Sensor 2 is pulled out but a handle keeps it: surprise-removed, interface
     *    disabled (dashed grey in the picture) while sensor 1's stays enabled (green). */
    {
        PFILE_OBJECT handle = NULL;
        CHECK(pnpsim_device_open(s2, NULL, &handle) == STATUS_SUCCESS);
        CHECK(pnpsim_device_surprise_remove(s2) == STATUS_SUCCESS);

        /* 5. The picture, and the same state as text on stdout. */
        f = fopen(dot_file, "w");
        CHECK(f != NULL);
        CHECK(pnpsim_dump(sys, PNPSIM_DUMP_DOT, f) == STATUS_SUCCESS);
        CHECK(fclose(f) == 0);
        CHECK(pnpsim_dump(sys, PNPSIM_DUMP_TEXT, stdout) == STATUS_SUCCESS);
        ObDereferenceObject(handle); /* the handle closes: now REMOVE follows */
    }

    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    printf("picture example: wrote %s\n", dot_file);

    /* 6. Render it when Graphviz is installed (the shell may say "dot: not found");
     *    never fail for its absence. */
    if (getenv("PNPSIM_NO_RENDER") != NULL) { /* set by CTest where spawning is unwise */
        printf("picture example: rendering skipped (PNPSIM_NO_RENDER)\n");
        return 0;
    }
    snprintf(command, sizeof(command), "dot -Tpng -o \"%s\" \"%s\"", png_file, dot_file);
    if (system(command) == 0)
        printf("picture example: rendered %s\n", png_file);
    else
        printf("picture example: Graphviz `dot` not available; %s is written, render it "
               "with `dot -Tpng -o %s %s`\n", dot_file, png_file, dot_file);
    return 0;
}
