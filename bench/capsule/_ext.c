/* capsule_consumer.sub._ext (bench-only): the same consumer as examples/consumer-plain,
 * reaching exampleprov through a capsule: it must import the provider's Python
 * package at init to get the function table, as NumPy's import_array() does. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    long (*add)(long);
    long (*total)(void);
    const char *(*version)(void);
} exampleprov_capi;

static exampleprov_capi *api;

static PyObject *ext_add(PyObject *Py_UNUSED(self), PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return PyLong_FromLong(api->add(n));
}

static PyObject *ext_total(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyLong_FromLong(api->total());
}

static PyObject *ext_version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
    return PyUnicode_FromString(api->version());
}

static PyMethodDef methods[] = {
    {"add", ext_add, METH_O, NULL},
    {"total", ext_total, METH_NOARGS, NULL},
    {"version", ext_version, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ext", NULL, -1, methods};

PyMODINIT_FUNC PyInit__ext(void) {
    /* As NumPy's import_array(): import the provider's module (and so its package),
     * then take the table out of its capsule. */
    PyObject *capi = PyImport_ImportModule("exampleprov._capi");
    if (capi == NULL) {
        return NULL;
    }
    PyObject *capsule = PyObject_GetAttrString(capi, "_C_API");
    Py_DECREF(capi);
    if (capsule == NULL) {
        return NULL;
    }
    api = (exampleprov_capi *)PyCapsule_GetPointer(capsule, "exampleprov._capi._C_API");
    Py_DECREF(capsule);
    if (api == NULL) {
        return NULL;
    }
    return PyModule_Create(&module);
}
