/*
 * exampleprov: a tiny counter library with process-global state.
 *
 * Every extension module that links against libexampleprov.so.1 shares the
 * same counter, which is the whole point of shipping it as a real shared
 * library instead of compiling a private copy into each consumer.
 *
 * EXAMPLEPROV_API marks the exported functions. It comes from exampleprov_export.h,
 * which the build generates (`pylinkdep export-header`, the meson snippet) and installs
 * beside this header: it exports the functions while the library is built
 * (EXAMPLEPROV_BUILDING, set only there), and gives consumers the cheapest call the
 * platform has (a GOT call without PLT stub on x86-64 ELF with GCC, dllimport on
 * Windows). Consumers are also compiled with EXAMPLEPROV_SHARED (pylink.json
 * "defines"), which they may test to know they link the shared library.
 */
#ifndef EXAMPLEPROV_H
#define EXAMPLEPROV_H

#include "exampleprov_export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    long count; /* number of exampleprov_add() calls since the last reset */
    long total; /* running sum of all values added since the last reset */
} exampleprov_stats;

/* Add n to the shared total; returns the new total. */
EXAMPLEPROV_API long exampleprov_add(long n);

/* Current shared total. */
EXAMPLEPROV_API long exampleprov_total(void);

/* Reset total and call count to zero. */
EXAMPLEPROV_API void exampleprov_reset(void);

/* Copy the current statistics into *out (out must not be NULL). */
EXAMPLEPROV_API void exampleprov_get_stats(exampleprov_stats *out);

/* Version of the library actually loaded at run time, e.g. "1.2.0". */
EXAMPLEPROV_API const char *exampleprov_version(void);

#ifdef __cplusplus
}
#endif

#endif /* EXAMPLEPROV_H */
