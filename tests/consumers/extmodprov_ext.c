/* A consumer of extmodprov's C API: it links the provider's extension module
 * itself (libextmodprov.so.1). Compiled by the tests with plain gcc and the
 * flags `pylinkdep --cflags --libs extmodprov` prints. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <extmodprov.h>

static PyObject *ext_record(PyObject *Py_UNUSED(self), PyObject *arg) {
    long value = PyLong_AsLong(arg);
    if (value == -1 && PyErr_Occurred())
        return NULL;
    extmodprov_record(value);
    extmodprov_summary summary;
    extmodprov_summarize(&summary);
    return PyLong_FromLong(summary.count);
}

static PyObject *ext_summary(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return extmodprov_summary_dict();
}

static PyObject *ext_version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyUnicode_FromString(extmodprov_version());
}

static PyMethodDef methods[] = {
    {"record", ext_record, METH_O, NULL},
    {"summary", ext_summary, METH_NOARGS, NULL},
    {"version", ext_version, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ext", NULL, -1, methods};

PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&module); }
