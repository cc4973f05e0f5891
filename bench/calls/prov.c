/* The provider. By default prov_add is the smallest function a call cannot skip, so that
 * the call itself dominates; with -DCOUNTER it updates a global counter, as
 * exampleprov_add does. */
#include "prov.h"

#ifdef COUNTER
static long counter;

long prov_add(long n) {
    counter += n;
    return counter;
}
#else
long prov_add(long n) {
    return n + 1;
}
#endif

const prov_api_t prov_api = {prov_add};
void *prov_numpy_api[] = {(void *)prov_add};
