# cython: language_level=3
"""consumer_cython._ext: exampleprov's C API through ``cimport`` (exampleprov.pxd, found
through pylink.json "cython_include_dirs"); the generated C calls the real exported
symbols of libexampleprov.so.1, no capsule."""

from exampleprov cimport (
    exampleprov_add,
    exampleprov_get_stats,
    exampleprov_stats,
    exampleprov_total,
    exampleprov_version,
)


def add(long n):
    """Add to exampleprov's shared counter; returns the new total."""
    return exampleprov_add(n)


def total():
    """exampleprov's shared total."""
    return exampleprov_total()


def stats():
    """exampleprov's shared statistics as a dict."""
    cdef exampleprov_stats s
    exampleprov_get_stats(&s)
    return {"count": s.count, "total": s.total}


def version():
    """Version of the loaded libexampleprov."""
    return exampleprov_version().decode()
