/* exampleprov._capi (bench-only): the capsule route that pylinkdep replaces.
 * The provider publishes its C API as a table of function pointers in a capsule,
 * as NumPy does with _ARRAY_API; consumers import this module to get the table. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <exampleprov.h>

typedef struct {
    long (*add)(long);
    long (*total)(void);
    const char *(*version)(void);
} exampleprov_capi;

static exampleprov_capi api = {exampleprov_add, exampleprov_total, exampleprov_version};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_capi", NULL, -1, NULL};

PyMODINIT_FUNC PyInit__capi(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    PyObject *capsule = PyCapsule_New(&api, "exampleprov._capi._C_API", NULL);
    int failed = PyModule_AddObjectRef(m, "_C_API", capsule) < 0;
    Py_XDECREF(capsule);
    if (failed) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
