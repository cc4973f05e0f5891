/* A loadable module linking exampleprov, given a relative run path. */
#include <exampleprov.h>

long plugin_add(long n) { return exampleprov_add(n); }
