/* A provider's C API, reachable three ways: exported symbol (declared plainly or with
 * the generated export macro), capsule-style struct of function pointers, NumPy-style
 * void* table. */
#ifndef CALLPROV_H
#define CALLPROV_H

/* The export header route declares it with the macro of `pylinkdep export-header`. */
#ifdef ROUTE_EXPORT_HEADER
#include "callprov_export.h"
#else
#define CALLPROV_API
#endif

CALLPROV_API long prov_add(long n);

typedef struct {
    long (*add)(long);
} prov_api_t;

extern const prov_api_t prov_api;  /* what PyCapsule_GetPointer would hand out */
extern void *prov_numpy_api[];     /* what NumPy's _ARRAY_API capsule holds */

#endif
