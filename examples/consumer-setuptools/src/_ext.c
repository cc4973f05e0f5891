/*
 * consumer_setuptools._ext: a Python extension that calls exampleprov's C API directly
 * (real exported symbols, no capsule). Built by setuptools with
 * pylinkdep.setuptools.Extension(py_libraries=["exampleprov>=1.0"]).
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

static PyObject *ext_version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyUnicode_FromString(exampleprov_version());
}

static PyMethodDef methods[] = {
    {"add", ext_add, METH_O, "Add to exampleprov's shared counter; returns the new total."},
    {"total", ext_total, METH_NOARGS, "exampleprov's shared total."},
    {"version", ext_version, METH_NOARGS, "Version of the loaded libexampleprov."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ext", "A consumer of exampleprov's C API.", -1, methods,
};

PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&module); }
