/*
 * tallyprov: a registry of named tallies with process-global state.
 *
 * Every extension module that links libtallyprov.so.2 sees the same registry.
 *
 * TALLYPROV_API marks the exported functions. It comes from tallyprov_export.h, which
 * pylink_add_provider(EXPORT_HEADER) generates and installs beside this header: it
 * exports the functions while the library is built (TALLYPROV_BUILDING, set only
 * there) and gives consumers the cheapest call the platform has. Consumers are also
 * compiled with TALLYPROV_SHARED (pylink.json "defines"), which they may test.
 */
#ifndef TALLYPROV_H
#define TALLYPROV_H

#include <stddef.h>

#include "tallyprov_export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TALLYPROV_MAX_NAME 31    /* longest tally name, in bytes */
#define TALLYPROV_CAPACITY 64    /* most tallies the registry holds */

typedef struct {
    char name[TALLYPROV_MAX_NAME + 1];
    long value;
} tallyprov_entry;

/* Add n to the tally called name, creating it at 0 first.  Returns 0, or -1 when
 * name is empty or longer than TALLYPROV_MAX_NAME, or the registry is full. */
TALLYPROV_API int tallyprov_bump(const char *name, long n);

/* Value of the tally called name; 0 when there is none. */
TALLYPROV_API long tallyprov_get(const char *name);

/* Number of tallies in the registry. */
TALLYPROV_API size_t tallyprov_size(void);

/* Copy the i-th tally (creation order) into *out.  Returns 0, or -1 when i >= size. */
TALLYPROV_API int tallyprov_entry_at(size_t i, tallyprov_entry *out);

/* Remove every tally. */
TALLYPROV_API void tallyprov_clear(void);

/* Version of the library loaded at run time, e.g. "2.1.0". */
TALLYPROV_API const char *tallyprov_version(void);

#ifdef __cplusplus
}
#endif

#endif /* TALLYPROV_H */
