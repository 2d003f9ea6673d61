/* SPDX-License-Identifier: MIT */
/*
 * This file declares the operating-system layer pnpsim runs on: mutexes, condition
 * variables, threads, thread-local storage, atomics and clocks. posix.c implements it with
 * pthreads, win32.c with Win32 threads. Every #ifdef _WIN32 of the library lives under
 * src/platform/; nothing above this layer knows which one it runs on.
 */
#ifndef PNPSIM_PLATFORM_H
#define PNPSIM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  define PNPSIM_PLATFORM_WIN32 1
#else
#  define PNPSIM_PLATFORM_POSIX 1
#  include <pthread.h>
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#  define PNPSIM_THREAD_LOCAL __declspec(thread)
#else
#  define PNPSIM_THREAD_LOCAL _Thread_local
#endif

/* Opaque storage big enough for the native objects; the back end casts. */
typedef struct pnpsim__mutex {
#if defined(_WIN32)
    void *opaque[6]; /* CRITICAL_SECTION is 40 bytes on x64 */
#else
    pthread_mutex_t m;
#endif
} pnpsim__mutex;

typedef struct pnpsim__cond {
#if defined(_WIN32)
    void *opaque[1]; /* CONDITION_VARIABLE */
#else
    pthread_cond_t c;
#endif
} pnpsim__cond;

typedef struct pnpsim__thread {
#if defined(_WIN32)
    void *handle;
#else
    pthread_t t;
#endif
} pnpsim__thread;

void pnpsim__mutex_init(pnpsim__mutex *m);
void pnpsim__mutex_destroy(pnpsim__mutex *m);
void pnpsim__mutex_lock(pnpsim__mutex *m);
void pnpsim__mutex_unlock(pnpsim__mutex *m);

void pnpsim__cond_init(pnpsim__cond *c);
void pnpsim__cond_destroy(pnpsim__cond *c);
void pnpsim__cond_wait(pnpsim__cond *c, pnpsim__mutex *m);
/* Returns false on timeout. */
bool pnpsim__cond_timedwait_ms(pnpsim__cond *c, pnpsim__mutex *m, uint32_t ms);
void pnpsim__cond_broadcast(pnpsim__cond *c);

typedef void (*pnpsim__thread_fn)(void *arg);
bool pnpsim__thread_create(pnpsim__thread *t, pnpsim__thread_fn fn, void *arg);
void pnpsim__thread_join(pnpsim__thread *t);
uint64_t pnpsim__thread_id(void);
void pnpsim__thread_yield(void);
void pnpsim__sleep_ms(uint32_t ms);

/* Monotonic nanoseconds, for durations. */
uint64_t pnpsim__clock_ns(void);
/* Wall-clock time as Windows counts it: 100 ns units since 1601-01-01 UTC. */
int64_t pnpsim__system_time_100ns(void);

/* Rename `from` over `to`, replacing an existing file (atomic where the OS allows). */
bool pnpsim__file_replace(const char *from, const char *to);

/* Atomics on long-sized counters. */
long pnpsim__atomic_inc(volatile long *p);  /* returns the new value */
long pnpsim__atomic_dec(volatile long *p);  /* returns the new value */
long pnpsim__atomic_load(const volatile long *p);
void pnpsim__atomic_store(volatile long *p, long v);
bool pnpsim__atomic_cas_ptr(void *volatile *p, void *expected, void *desired);
void pnpsim__cpu_relax(void);

#endif /* PNPSIM_PLATFORM_H */
