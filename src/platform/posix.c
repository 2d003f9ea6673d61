/* SPDX-License-Identifier: MIT */
/*
 * This file implements the platform layer (platform.h) with POSIX threads and clocks. It is
 * compiled everywhere except Windows.
 */
#include "platform.h"

#if defined(PNPSIM_PLATFORM_POSIX)

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void pnpsim__mutex_init(pnpsim__mutex *m)
{
    pthread_mutex_init(&m->m, NULL);
}

void pnpsim__mutex_destroy(pnpsim__mutex *m)
{
    pthread_mutex_destroy(&m->m);
}

void pnpsim__mutex_lock(pnpsim__mutex *m)
{
    if (pthread_mutex_lock(&m->m) != 0)
        abort();
}

void pnpsim__mutex_unlock(pnpsim__mutex *m)
{
    if (pthread_mutex_unlock(&m->m) != 0)
        abort();
}

void pnpsim__cond_init(pnpsim__cond *c)
{
    pthread_cond_init(&c->c, NULL);
}

void pnpsim__cond_destroy(pnpsim__cond *c)
{
    pthread_cond_destroy(&c->c);
}

void pnpsim__cond_wait(pnpsim__cond *c, pnpsim__mutex *m)
{
    pthread_cond_wait(&c->c, &m->m);
}

bool pnpsim__cond_timedwait_ms(pnpsim__cond *c, pnpsim__mutex *m, uint32_t ms)
{
    /* CLOCK_REALTIME deadlines: the only clock every pthreads (winpthreads too) accepts. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return pthread_cond_timedwait(&c->c, &m->m, &ts) != ETIMEDOUT;
}

void pnpsim__cond_broadcast(pnpsim__cond *c)
{
    pthread_cond_broadcast(&c->c);
}

struct thread_start {
    pnpsim__thread_fn fn;
    void *arg;
};

static void *thread_trampoline(void *p)
{
    struct thread_start s = *(struct thread_start *)p;
    free(p);
    s.fn(s.arg);
    return NULL;
}

bool pnpsim__thread_create(pnpsim__thread *t, pnpsim__thread_fn fn, void *arg)
{
    struct thread_start *s = malloc(sizeof(*s));
    if (s == NULL)
        return false;
    s->fn = fn;
    s->arg = arg;
    if (pthread_create(&t->t, NULL, thread_trampoline, s) != 0) {
        free(s);
        return false;
    }
    return true;
}

void pnpsim__thread_join(pnpsim__thread *t)
{
    pthread_join(t->t, NULL);
}

uint64_t pnpsim__thread_id(void)
{
    static _Thread_local uint64_t id;
    static volatile long next;
    if (id == 0)
        id = (uint64_t)pnpsim__atomic_inc(&next);
    return id;
}

void pnpsim__thread_yield(void)
{
    sched_yield();
}

void pnpsim__sleep_ms(uint32_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

uint64_t pnpsim__clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int64_t pnpsim__system_time_100ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* 11644473600 seconds separate 1601-01-01 and 1970-01-01. */
    return ((int64_t)ts.tv_sec + 11644473600LL) * 10000000LL + ts.tv_nsec / 100;
}

long pnpsim__atomic_inc(volatile long *p)
{
    return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

long pnpsim__atomic_dec(volatile long *p)
{
    return __atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST);
}

long pnpsim__atomic_load(const volatile long *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

void pnpsim__atomic_store(volatile long *p, long v)
{
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

bool pnpsim__atomic_cas_ptr(void *volatile *p, void *expected, void *desired)
{
    return __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

void pnpsim__cpu_relax(void)
{
    sched_yield();
}

bool pnpsim__file_replace(const char *from, const char *to)
{
    return rename(from, to) == 0; /* atomic replace on POSIX */
}

#endif /* PNPSIM_PLATFORM_POSIX */
