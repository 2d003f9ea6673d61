/* SPDX-License-Identifier: MIT */
/*
 * This file implements the platform layer (platform.h) with Win32 critical sections,
 * condition variables and threads. It is compiled only on Windows (MSVC and MinGW-w64).
 * <windows.h> is included only here, so its WCHAR/GUID never meet pnpsim's WDK types.
 */
#include "platform.h"

#if defined(PNPSIM_PLATFORM_WIN32)

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <process.h>
#include <stdlib.h>

_Static_assert(sizeof(CRITICAL_SECTION) <= sizeof(((pnpsim__mutex *)0)->opaque),
               "pnpsim__mutex too small for CRITICAL_SECTION");
_Static_assert(sizeof(CONDITION_VARIABLE) <= sizeof(((pnpsim__cond *)0)->opaque),
               "pnpsim__cond too small for CONDITION_VARIABLE");

void pnpsim__mutex_init(pnpsim__mutex *m)
{
    InitializeCriticalSection((CRITICAL_SECTION *)m->opaque);
}

void pnpsim__mutex_destroy(pnpsim__mutex *m)
{
    DeleteCriticalSection((CRITICAL_SECTION *)m->opaque);
}

void pnpsim__mutex_lock(pnpsim__mutex *m)
{
    EnterCriticalSection((CRITICAL_SECTION *)m->opaque);
}

void pnpsim__mutex_unlock(pnpsim__mutex *m)
{
    LeaveCriticalSection((CRITICAL_SECTION *)m->opaque);
}

void pnpsim__cond_init(pnpsim__cond *c)
{
    InitializeConditionVariable((CONDITION_VARIABLE *)c->opaque);
}

void pnpsim__cond_destroy(pnpsim__cond *c)
{
    (void)c; /* Win32 condition variables need no destruction. */
}

void pnpsim__cond_wait(pnpsim__cond *c, pnpsim__mutex *m)
{
    SleepConditionVariableCS((CONDITION_VARIABLE *)c->opaque, (CRITICAL_SECTION *)m->opaque,
                             INFINITE);
}

bool pnpsim__cond_timedwait_ms(pnpsim__cond *c, pnpsim__mutex *m, uint32_t ms)
{
    return SleepConditionVariableCS((CONDITION_VARIABLE *)c->opaque,
                                    (CRITICAL_SECTION *)m->opaque, ms) != 0;
}

void pnpsim__cond_broadcast(pnpsim__cond *c)
{
    WakeAllConditionVariable((CONDITION_VARIABLE *)c->opaque);
}

struct thread_start {
    pnpsim__thread_fn fn;
    void *arg;
};

static unsigned __stdcall thread_trampoline(void *p)
{
    struct thread_start s = *(struct thread_start *)p;
    free(p);
    s.fn(s.arg);
    return 0;
}

bool pnpsim__thread_create(pnpsim__thread *t, pnpsim__thread_fn fn, void *arg)
{
    struct thread_start *s = malloc(sizeof(*s));
    if (s == NULL)
        return false;
    s->fn = fn;
    s->arg = arg;
    t->handle = (void *)_beginthreadex(NULL, 0, thread_trampoline, s, 0, NULL);
    if (t->handle == NULL) {
        free(s);
        return false;
    }
    return true;
}

void pnpsim__thread_join(pnpsim__thread *t)
{
    WaitForSingleObject((HANDLE)t->handle, INFINITE);
    CloseHandle((HANDLE)t->handle);
}

uint64_t pnpsim__thread_id(void)
{
    return (uint64_t)GetCurrentThreadId();
}

void pnpsim__thread_yield(void)
{
    SwitchToThread();
}

void pnpsim__sleep_ms(uint32_t ms)
{
    Sleep(ms);
}

uint64_t pnpsim__clock_ns(void)
{
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (uint64_t)((double)c.QuadPart * 1e9 / (double)f.QuadPart);
}

int64_t pnpsim__system_time_100ns(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return (int64_t)(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime);
}

long pnpsim__atomic_inc(volatile long *p)
{
    return InterlockedIncrement(p);
}

long pnpsim__atomic_dec(volatile long *p)
{
    return InterlockedDecrement(p);
}

long pnpsim__atomic_load(const volatile long *p)
{
    return InterlockedCompareExchange((volatile long *)p, 0, 0);
}

void pnpsim__atomic_store(volatile long *p, long v)
{
    InterlockedExchange(p, v);
}

bool pnpsim__atomic_cas_ptr(void *volatile *p, void *expected, void *desired)
{
    return InterlockedCompareExchangePointer(p, desired, expected) == expected;
}

void pnpsim__cpu_relax(void)
{
    SwitchToThread();
}

bool pnpsim__file_replace(const char *from, const char *to)
{
    /* rename() fails on Windows when `to` exists; MoveFileEx replaces it. */
    return MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) != 0;
}

#endif /* PNPSIM_PLATFORM_WIN32 */
