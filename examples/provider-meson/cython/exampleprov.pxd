# Cython declarations of exampleprov's C API (include/exampleprov.h), shipped in the
# wheel and named by pylink.json "cython_include_dirs": a consumer writes
# `from exampleprov cimport exampleprov_add` (or `cimport exampleprov`).
cdef extern from "exampleprov.h" nogil:
    ctypedef struct exampleprov_stats:
        long count
        long total

    long exampleprov_add(long n)
    long exampleprov_total()
    void exampleprov_reset()
    void exampleprov_get_stats(exampleprov_stats *out)
    const char *exampleprov_version()
