/* A consumer of tallyprov's C API, compiled by the tests with plain gcc and the
 * flags `pylinkdep --cflags --libs tallyprov` prints. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <tallyprov.h>

static PyObject *ext_bump(PyObject *Py_UNUSED(self), PyObject *args) {
    const char *name;
    long n;
    if (!PyArg_ParseTuple(args, "sl", &name, &n) || tallyprov_bump(name, n) != 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "tallyprov_bump failed");
        return NULL;
    }
    return PyLong_FromLong(tallyprov_get(name));
}

static PyObject *ext_size(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyLong_FromSize_t(tallyprov_size());
}

static PyObject *ext_version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyUnicode_FromString(tallyprov_version());
}

static PyMethodDef methods[] = {
    {"bump", ext_bump, METH_VARARGS, NULL},
    {"size", ext_size, METH_NOARGS, NULL},
    {"version", ext_version, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ext", NULL, -1, methods};

PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&module); }
