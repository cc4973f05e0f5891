/*
 * extmodprov: a value recorder whose C API is exported by the Python extension
 * module itself (libextmodprov.so.1, imported as extmodprov._core).
 *
 * There is no separate library: consumers link the extension module, by its
 * SONAME, and share its process-global state.  Part of the API takes and returns
 * Python objects, so it needs the GIL and a matching Python (pylink.json
 * "python_abi").
 *
 * Macros:
 *   EXTMODPROV_BUILDING  defined only while compiling the module itself.
 *   EXTMODPROV_SHARED    defined by consumers (pylink.json "defines").
 */
#ifndef EXTMODPROV_H
#define EXTMODPROV_H

#include <Python.h>

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(EXTMODPROV_BUILDING)
#    define EXTMODPROV_API __declspec(dllexport)
#  elif defined(EXTMODPROV_SHARED)
#    define EXTMODPROV_API __declspec(dllimport)
#  else
#    define EXTMODPROV_API
#  endif
#elif defined(__GNUC__) || defined(__clang__)
/* The module is built with hidden visibility; this exports the API. */
#  define EXTMODPROV_API __attribute__((visibility("default")))
#else
#  define EXTMODPROV_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    long count; /* values recorded since the last reset */
    long min;   /* smallest value recorded (0 when count is 0) */
    long max;   /* largest value recorded (0 when count is 0) */
} extmodprov_summary;

/* Record one value. */
EXTMODPROV_API void extmodprov_record(long value);

/* Copy the summary of the values recorded so far into *out. */
EXTMODPROV_API void extmodprov_summarize(extmodprov_summary *out);

/* Forget every value. */
EXTMODPROV_API void extmodprov_reset(void);

/* The summary as a new dict {'count': ..., 'min': ..., 'max': ...}; NULL with an
 * exception set on failure.  Call with the GIL held. */
EXTMODPROV_API PyObject *extmodprov_summary_dict(void);

/* Version of the module loaded at run time, e.g. "1.0.0". */
EXTMODPROV_API const char *extmodprov_version(void);

#ifdef __cplusplus
}
#endif

#endif /* EXTMODPROV_H */
