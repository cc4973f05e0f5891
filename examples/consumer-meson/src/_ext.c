/*
 * consumer_meson._ext: calls exampleprov's C API (real exported symbols of
 * libexampleprov.so.1, no capsule). meson.build gets the include dir, the
 * define and the library from dependency('exampleprov', method: 'pylink').
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <exampleprov.h>

static PyObject *ext_add(PyObject *Py_UNUSED(self), PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return PyLong_FromLong(exampleprov_add(n));
}

static PyObject *ext_total(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyLong_FromLong(exampleprov_total());
}

static PyObject *ext_stats(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    exampleprov_stats s;
    exampleprov_get_stats(&s);
    return Py_BuildValue("{s:l,s:l}", "count", s.count, "total", s.total);
}

static PyObject *ext_version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyUnicode_FromString(exampleprov_version());
}

static PyMethodDef methods[] = {
    {"add", ext_add, METH_O, "Add to exampleprov's shared counter; returns the new total."},
    {"total", ext_total, METH_NOARGS, "exampleprov's shared total."},
    {"stats", ext_stats, METH_NOARGS, "exampleprov's shared statistics as a dict."},
    {"version", ext_version, METH_NOARGS, "Version of the loaded libexampleprov."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_ext",
    .m_doc = "A meson-built consumer of exampleprov's C API.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&module); }
