/* SPDX-License-Identifier: MIT */
/*
 * This file declares the native API of the simulated registry: filling keys and values
 * before a driver runs (its service key, device parameters), reading what a driver wrote,
 * and saving/loading the persistent (non-volatile) part to a file. Paths are absolute
 * registry paths in UTF-8 ("\\Registry\\Machine\\System\\CurrentControlSet\\Services\\x"),
 * case-insensitive; names are case-preserving. Drivers use the Zw* routines of <wdm.h> on
 * the same store.
 */
#ifndef PNPSIM_REGISTRY_H
#define PNPSIM_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Set a REG_SZ value (stored as UTF-16 with its terminating NUL), creating the key and any
 * missing parent keys (non-volatile). value_name NULL or "" is the key's default value.
 * Ownership: strings are copied. Thread safety: any thread.
 * Errors: STATUS_INVALID_PARAMETER (NULL sys/key_path/value), STATUS_OBJECT_PATH_SYNTAX_BAD /
 * STATUS_OBJECT_NAME_INVALID / STATUS_OBJECT_PATH_NOT_FOUND (bad path: not under \Registry),
 * STATUS_CHILD_MUST_BE_VOLATILE (a missing key would go under a volatile key),
 * STATUS_INSUFFICIENT_RESOURCES (nothing changed).
 */
PNPSIM_API NTSTATUS pnpsim_registry_set_string(pnpsim_system *sys, const char *key_path,
                                               const char *value_name, const char *value);

/**
 * Set a REG_DWORD value, creating the key as pnpsim_registry_set_string() does.
 * Ownership: none. Thread safety: any thread. Errors: as pnpsim_registry_set_string().
 */
PNPSIM_API NTSTATUS pnpsim_registry_set_dword(pnpsim_system *sys, const char *key_path,
                                              const char *value_name, uint32_t value);

/**
 * Set a value of any type (REG_BINARY, REG_MULTI_SZ, ...) from raw bytes, creating the key as
 * pnpsim_registry_set_string() does.
 * Ownership: data is copied. Thread safety: any thread.
 * Errors: as pnpsim_registry_set_string(); STATUS_ACCESS_VIOLATION for NULL data with size > 0.
 */
PNPSIM_API NTSTATUS pnpsim_registry_set_value(pnpsim_system *sys, const char *key_path,
                                              const char *value_name, ULONG type,
                                              const void *data, size_t size);

/**
 * Read a REG_SZ or REG_EXPAND_SZ value as UTF-8 into buf (NUL-terminated). *needed
 * (optional) receives the size buf needs, terminator included.
 * Ownership: buf is the caller's. Thread safety: any thread.
 * Errors: STATUS_OBJECT_NAME_NOT_FOUND (no value), STATUS_OBJECT_NAME_NOT_FOUND /
 * STATUS_OBJECT_PATH_NOT_FOUND (no key), STATUS_OBJECT_TYPE_MISMATCH (not a string),
 * STATUS_BUFFER_TOO_SMALL (buf untouched, *needed set), STATUS_INVALID_PARAMETER.
 */
PNPSIM_API NTSTATUS pnpsim_registry_get_string(pnpsim_system *sys, const char *key_path,
                                               const char *value_name, char *buf,
                                               size_t buf_size, size_t *needed);

/**
 * Read a REG_DWORD value.
 * Ownership: none. Thread safety: any thread.
 * Errors: as pnpsim_registry_get_string(); STATUS_OBJECT_TYPE_MISMATCH when the value is not
 * a 4-byte REG_DWORD.
 */
PNPSIM_API NTSTATUS pnpsim_registry_get_dword(pnpsim_system *sys, const char *key_path,
                                              const char *value_name, uint32_t *value);

/**
 * Whether a key exists.
 * Ownership: none. Thread safety: any thread. Errors: none (false for bad paths).
 */
PNPSIM_API bool pnpsim_registry_key_exists(pnpsim_system *sys, const char *key_path);

/**
 * Create a key (and missing parents), volatile or not; an existing key is left as it is.
 * Ownership: none. Thread safety: any thread.
 * Errors: as pnpsim_registry_set_string().
 */
PNPSIM_API NTSTATUS pnpsim_registry_create_key(pnpsim_system *sys, const char *key_path,
                                               bool is_volatile);

/**
 * Delete a key with all its subkeys. Handles drivers hold on deleted keys then fail with
 * STATUS_KEY_DELETED.
 * Ownership: none. Thread safety: any thread.
 * Errors: STATUS_OBJECT_NAME_NOT_FOUND / STATUS_OBJECT_PATH_NOT_FOUND (no such key),
 * STATUS_ACCESS_DENIED (\Registry, \Registry\Machine, \Registry\User or a key above them).
 */
PNPSIM_API NTSTATUS pnpsim_registry_delete_key(pnpsim_system *sys, const char *key_path);

/**
 * Save the persistent (non-volatile) keys to path: written to "<path>.tmp", then renamed
 * over path, so a crash leaves the old or the new file whole. Format: see src/core/registry.c.
 * Ownership: none. Thread safety: any thread (the store is read under the system lock).
 * Errors: STATUS_INVALID_PARAMETER, STATUS_OBJECT_PATH_NOT_FOUND (cannot create the file),
 * STATUS_DISK_FULL (write failed), STATUS_ACCESS_DENIED (rename failed),
 * STATUS_INSUFFICIENT_RESOURCES. pnpsim_last_error_message() says why.
 */
PNPSIM_API NTSTATUS pnpsim_registry_save(pnpsim_system *sys, const char *path);

/**
 * Replace the whole store (volatile keys included) with the keys saved in path. The file is
 * checked completely first: on any failure nothing changes. Handles open on the old keys fail
 * with STATUS_KEY_DELETED afterwards.
 * Ownership: none. Thread safety: any thread.
 * Errors: STATUS_OBJECT_NAME_NOT_FOUND (cannot open), STATUS_FILE_CORRUPT_ERROR (damaged,
 * truncated, checksum mismatch; pnpsim_last_error_message() names the line),
 * STATUS_REVISION_MISMATCH (another format version), STATUS_INSUFFICIENT_RESOURCES.
 */
PNPSIM_API NTSTATUS pnpsim_registry_load(pnpsim_system *sys, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_REGISTRY_H */
