/*
 * exampleprov: a tiny counter library with process-global state.
 *
 * Every extension module that links against libexampleprov.so.1 shares the
 * same counter, which is the whole point of shipping it as a real shared
 * library instead of compiling a private copy into each consumer.
 *
 * Macros:
 *   EXAMPLEPROV_BUILDING  defined only while compiling the library itself.
 *   EXAMPLEPROV_SHARED    defined by consumers linking the shared library
 *                         (pylink.json lists it in "defines").  On Windows it
 *                         selects __declspec(dllimport); on ELF/Mach-O it has
 *                         no effect, because the API symbols are always
 *                         declared with default visibility.
 */
#ifndef EXAMPLEPROV_H
#define EXAMPLEPROV_H

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(EXAMPLEPROV_BUILDING)
#    define EXAMPLEPROV_API __declspec(dllexport)
#  elif defined(EXAMPLEPROV_SHARED)
#    define EXAMPLEPROV_API __declspec(dllimport)
#  else
#    define EXAMPLEPROV_API
#  endif
#elif defined(__GNUC__) || defined(__clang__)
/* The library is built with -fvisibility=hidden; this re-exports the API. */
#  define EXAMPLEPROV_API __attribute__((visibility("default")))
#else
#  define EXAMPLEPROV_API
#endif

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
