/* One consumer loop, compiled once per call route (-DROUTE_...). consumer_init() stands
 * for what a consumer does at import (PyCapsule_Import for the table routes). */
#include "prov.h"

#if defined(ROUTE_CAPSULE)
static const prov_api_t *api;
#define CALL(n) api->add(n)
#elif defined(ROUTE_NUMPY_TABLE)
static void **PROV_API;  /* as NumPy's static void **PyArray_API */
#define prov_add_via_table (*(long (*)(long))PROV_API[0])
#define CALL(n) prov_add_via_table(n)
#elif defined(ROUTE_SAME_LIBRARY) /* the same function as prov.c's, in this library */
#ifdef COUNTER
static long counter;
__attribute__((noipa)) static long local_add(long n) {
    counter += n;
    return counter;
}
#else
__attribute__((noipa)) static long local_add(long n) {
    return n + 1;
}
#endif
#define CALL(n) local_add(n)
#else /* the exported symbol: through the PLT, or the GOT with -fno-plt or the export macro */
#define CALL(n) prov_add(n)
#endif

void consumer_init(void) {
#if defined(ROUTE_CAPSULE)
    api = &prov_api;
#elif defined(ROUTE_NUMPY_TABLE)
    PROV_API = prov_numpy_api;
#endif
}

long consumer_run(long iterations) {
    long acc = 0;
    for (long i = 0; i < iterations; i++) {
        acc = CALL(acc);
    }
    return acc;
}
