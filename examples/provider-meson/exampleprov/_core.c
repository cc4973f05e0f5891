/* exampleprov._core: Python bindings for libexampleprov.so.1.
 *
 * This module does not contain the counter; it links against the shared
 * library installed next to it (found through RUNPATH $ORIGIN), so it sees
 * the same state as any other extension linked against the library. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "exampleprov.h"

static PyObject *core_add(PyObject *Py_UNUSED(self), PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(exampleprov_add(n));
}

static PyObject *core_total(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    return PyLong_FromLong(exampleprov_total());
}

static PyObject *core_reset(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    exampleprov_reset();
    Py_RETURN_NONE;
}

static PyObject *core_stats(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    exampleprov_stats st;
    exampleprov_get_stats(&st);
    return Py_BuildValue("{s:l,s:l}", "count", st.count, "total", st.total);
}

static PyObject *core_version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    return PyUnicode_FromString(exampleprov_version());
}

static PyMethodDef core_methods[] = {
    {"add", core_add, METH_O, "add(n) -> int: add n to the shared total, return the new total."},
    {"total", core_total, METH_NOARGS, "total() -> int: the shared total."},
    {"reset", core_reset, METH_NOARGS, "reset() -> None: zero the total and the call count."},
    {"stats", core_stats, METH_NOARGS, "stats() -> dict: {'count': ..., 'total': ...}."},
    {"version", core_version, METH_NOARGS, "version() -> str: version of the loaded library."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "exampleprov._core",
    .m_doc = "Bindings for the shared exampleprov counter library.",
    .m_size = 0,
    .m_methods = core_methods,
};

PyMODINIT_FUNC PyInit__core(void)
{
    return PyModuleDef_Init(&core_module);
}
