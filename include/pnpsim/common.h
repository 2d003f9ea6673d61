/* SPDX-License-Identifier: MIT */
/*
 * This file holds the few decisions every pnpsim header shares and that depend on the
 * compiler or platform: the export macro (one, decided here, as libuv's UV_EXTERN) and the
 * calling convention of WDK entry points. It is the only public header allowed to test the
 * platform; everything else includes it.
 */
#ifndef PNPSIM_COMMON_H
#define PNPSIM_COMMON_H

#if defined(_WIN32) && defined(PNPSIM_SHARED)
#  if defined(PNPSIM_BUILDING)
#    define PNPSIM_API __declspec(dllexport)
#  else
#    define PNPSIM_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && defined(PNPSIM_BUILDING)
#  define PNPSIM_API __attribute__((visibility("default")))
#else
#  define PNPSIM_API
#endif

/* NTAPI is __stdcall only on 32-bit x86 Windows, exactly as in the WDK. */
#if defined(_WIN32) && (defined(_M_IX86) || defined(__i386__))
#  define PNPSIM_STDCALL __stdcall
#else
#  define PNPSIM_STDCALL
#endif

#if defined(_MSC_VER)
#  define PNPSIM_NORETURN __declspec(noreturn)
#  define PNPSIM_PRINTF(f, a)
#elif defined(__MINGW32__)
#  define PNPSIM_NORETURN __attribute__((noreturn))
#  define PNPSIM_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#elif defined(__GNUC__)
#  define PNPSIM_NORETURN __attribute__((noreturn))
#  define PNPSIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define PNPSIM_NORETURN
#  define PNPSIM_PRINTF(f, a)
#endif

#endif /* PNPSIM_COMMON_H */
