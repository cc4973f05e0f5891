/* Implementation of the tallyprov registry (see tallyprov.h). */
#include "tallyprov.h"

#include <string.h>

#ifndef TALLYPROV_VERSION_STRING
#  define TALLYPROV_VERSION_STRING "unknown"
#endif

/* Process-global state shared by every module that links this library.
 * Not thread-safe by design: the example is about sharing, not locking. */
static tallyprov_entry g_entries[TALLYPROV_CAPACITY];
static size_t g_size = 0;

static tallyprov_entry *lookup(const char *name)
{
    for (size_t i = 0; i < g_size; i++) {
        if (strcmp(g_entries[i].name, name) == 0)
            return &g_entries[i];
    }
    return NULL;
}

int tallyprov_bump(const char *name, long n)
{
    size_t len = strlen(name);
    if (len == 0 || len > TALLYPROV_MAX_NAME)
        return -1;
    tallyprov_entry *entry = lookup(name);
    if (entry == NULL) {
        if (g_size == TALLYPROV_CAPACITY)
            return -1;
        entry = &g_entries[g_size++];
        memcpy(entry->name, name, len + 1);
        entry->value = 0;
    }
    entry->value += n;
    return 0;
}

long tallyprov_get(const char *name)
{
    const tallyprov_entry *entry = lookup(name);
    return entry ? entry->value : 0;
}

size_t tallyprov_size(void)
{
    return g_size;
}

int tallyprov_entry_at(size_t i, tallyprov_entry *out)
{
    if (i >= g_size)
        return -1;
    *out = g_entries[i];
    return 0;
}

void tallyprov_clear(void)
{
    g_size = 0;
}

const char *tallyprov_version(void)
{
    return TALLYPROV_VERSION_STRING;
}
