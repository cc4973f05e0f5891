/* tallyprov._tally: Python bindings for libtallyprov.so.2.
 *
 * The registry is not in this module: it links the shared library installed
 * next to it (RUNPATH $ORIGIN), like any other consumer. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "tallyprov.h"

static PyObject *tally_bump(PyObject *Py_UNUSED(self), PyObject *args)
{
    const char *name;
    long n = 1;
    if (!PyArg_ParseTuple(args, "s|l:bump", &name, &n))
        return NULL;
    if (tallyprov_bump(name, n) != 0) {
        PyErr_Format(PyExc_ValueError,
                     "cannot bump %R: empty, longer than %d bytes, or registry full",
                     PyTuple_GET_ITEM(args, 0), TALLYPROV_MAX_NAME);
        return NULL;
    }
    return PyLong_FromLong(tallyprov_get(name));
}

static PyObject *tally_get(PyObject *Py_UNUSED(self), PyObject *arg)
{
    const char *name = PyUnicode_AsUTF8(arg);
    if (name == NULL)
        return NULL;
    return PyLong_FromLong(tallyprov_get(name));
}

static PyObject *tally_items(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    size_t size = tallyprov_size();
    PyObject *items = PyList_New((Py_ssize_t)size);
    if (items == NULL)
        return NULL;
    for (size_t i = 0; i < size; i++) {
        tallyprov_entry entry;
        tallyprov_entry_at(i, &entry);
        PyObject *item = Py_BuildValue("(sl)", entry.name, entry.value);
        if (item == NULL) {
            Py_DECREF(items);
            return NULL;
        }
        PyList_SET_ITEM(items, (Py_ssize_t)i, item);
    }
    return items;
}

static PyObject *tally_clear(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    tallyprov_clear();
    Py_RETURN_NONE;
}

static PyObject *tally_version(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    return PyUnicode_FromString(tallyprov_version());
}

static PyMethodDef tally_methods[] = {
    {"bump", tally_bump, METH_VARARGS, "bump(name, n=1) -> int: add n to a tally, return it."},
    {"get", tally_get, METH_O, "get(name) -> int: a tally's value, 0 if there is none."},
    {"items", tally_items, METH_NOARGS, "items() -> list of (name, value), creation order."},
    {"clear", tally_clear, METH_NOARGS, "clear() -> None: remove every tally."},
    {"version", tally_version, METH_NOARGS, "version() -> str: the loaded library's version."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef tally_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "tallyprov._tally",
    .m_doc = "Bindings for the shared tallyprov registry.",
    .m_size = 0,
    .m_methods = tally_methods,
};

PyMODINIT_FUNC PyInit__tally(void)
{
    return PyModuleDef_Init(&tally_module);
}
