/* Implementation of the exampleprov counter library (see exampleprov.h). */
#include "exampleprov.h"

/* meson passes the project version; the fallback only helps ad-hoc builds. */
#ifndef EXAMPLEPROV_VERSION_STRING
#  define EXAMPLEPROV_VERSION_STRING "unknown"
#endif

/* Process-global state shared by every module that links this library.
 * Not thread-safe by design: the example is about sharing, not locking. */
static long g_count = 0;
static long g_total = 0;

long exampleprov_add(long n)
{
    g_count += 1;
    g_total += n;
    return g_total;
}

long exampleprov_total(void)
{
    return g_total;
}

void exampleprov_reset(void)
{
    g_count = 0;
    g_total = 0;
}

void exampleprov_get_stats(exampleprov_stats *out)
{
    out->count = g_count;
    out->total = g_total;
}

const char *exampleprov_version(void)
{
    return EXAMPLEPROV_VERSION_STRING;
}
