/* extmodprov._core: a Python extension module that is also a linkable library.
 *
 * Built as libextmodprov.so.1 (SONAME libextmodprov.so.1) and imported by
 * extmodprov/__init__.py from that file, so the module Python imports and the
 * library consumers link are one object with one state. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "extmodprov.h"

#ifndef EXTMODPROV_VERSION_STRING
#  define EXTMODPROV_VERSION_STRING "unknown"
#endif

/* Process-global state shared by Python and every consumer. */
static extmodprov_summary g_summary = {0, 0, 0};

void extmodprov_record(long value)
{
    if (g_summary.count == 0 || value < g_summary.min)
        g_summary.min = value;
    if (g_summary.count == 0 || value > g_summary.max)
        g_summary.max = value;
    g_summary.count += 1;
}

void extmodprov_summarize(extmodprov_summary *out)
{
    *out = g_summary;
}

void extmodprov_reset(void)
{
    g_summary.count = g_summary.min = g_summary.max = 0;
}

PyObject *extmodprov_summary_dict(void)
{
    return Py_BuildValue("{s:l,s:l,s:l}", "count", g_summary.count, "min", g_summary.min,
                         "max", g_summary.max);
}

const char *extmodprov_version(void)
{
    return EXTMODPROV_VERSION_STRING;
}

/* The Python face of the same functions. */

static PyObject *core_record(PyObject *Py_UNUSED(self), PyObject *arg)
{
    long value = PyLong_AsLong(arg);
    if (value == -1 && PyErr_Occurred())
        return NULL;
    extmodprov_record(value);
    Py_RETURN_NONE;
}

static PyObject *core_summary(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    return extmodprov_summary_dict();
}

static PyObject *core_reset(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    extmodprov_reset();
    Py_RETURN_NONE;
}

static PyObject *core_version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    return PyUnicode_FromString(extmodprov_version());
}

static PyMethodDef core_methods[] = {
    {"record", core_record, METH_O, "record(value) -> None: record one value."},
    {"summary", core_summary, METH_NOARGS, "summary() -> dict: count, min and max."},
    {"reset", core_reset, METH_NOARGS, "reset() -> None: forget every value."},
    {"version", core_version, METH_NOARGS, "version() -> str: the loaded module's version."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "extmodprov._core",
    .m_doc = "A value recorder whose C API other extensions link directly.",
    .m_size = 0,
    .m_methods = core_methods,
};

PyMODINIT_FUNC PyInit__core(void)
{
    return PyModuleDef_Init(&core_module);
}
