/*
 * tallyprov: a registry of named tallies with process-global state.
 *
 * Every extension module that links libtallyprov.so.2 sees the same registry.
 *
 * Macros:
 *   TALLYPROV_BUILDING  defined only while compiling the library itself.
 *   TALLYPROV_SHARED    defined by consumers (pylink.json "defines"); selects
 *                       __declspec(dllimport) on Windows, no effect on ELF.
 */
#ifndef TALLYPROV_H
#define TALLYPROV_H

#include <stddef.h>

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(TALLYPROV_BUILDING)
#    define TALLYPROV_API __declspec(dllexport)
#  elif defined(TALLYPROV_SHARED)
#    define TALLYPROV_API __declspec(dllimport)
#  else
#    define TALLYPROV_API
#  endif
#elif defined(__GNUC__) || defined(__clang__)
/* The library is built with hidden visibility; this exports the API. */
#  define TALLYPROV_API __attribute__((visibility("default")))
#else
#  define TALLYPROV_API
#endif

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
