//! `consumer_rust._native`: a Python module calling exampleprov's C functions.
//!
//! The functions are exampleprov's own exported symbols, resolved by the dynamic
//! loader in `libexampleprov.so.1` (found through the `$ORIGIN`-relative run path
//! that build.rs sets), so this module shares one counter with `exampleprov` and
//! with every other consumer in the process: no capsule, no Python-level lookup.
//! The module itself is written against the Python C API with `pyo3-ffi`.

mod exampleprov;

use pyo3_ffi::*;
use std::os::raw::c_char;
use std::ptr::{addr_of_mut, null_mut};

/// A C string literal for the tables below.
macro_rules! cstr {
    ($s:literal) => {
        concat!($s, "\0").as_ptr() as *const c_char
    };
}

unsafe extern "C" fn add(_module: *mut PyObject, arg: *mut PyObject) -> *mut PyObject {
    let n = PyLong_AsLong(arg);
    if n == -1 && !PyErr_Occurred().is_null() {
        return null_mut();
    }
    PyLong_FromLong(exampleprov::exampleprov_add(n))
}

unsafe extern "C" fn total(_module: *mut PyObject, _: *mut PyObject) -> *mut PyObject {
    PyLong_FromLong(exampleprov::exampleprov_total())
}

unsafe extern "C" fn stats(_module: *mut PyObject, _: *mut PyObject) -> *mut PyObject {
    let mut out = exampleprov::Stats::default();
    exampleprov::exampleprov_get_stats(&mut out);
    Py_BuildValue(cstr!("(ll)"), out.count, out.total)
}

unsafe extern "C" fn version(_module: *mut PyObject, _: *mut PyObject) -> *mut PyObject {
    PyUnicode_FromString(exampleprov::exampleprov_version())
}

const fn method(
    name: *const c_char,
    f: PyCFunction,
    flags: i32,
    doc: *const c_char,
) -> PyMethodDef {
    PyMethodDef {
        ml_name: name,
        ml_meth: PyMethodDefPointer { PyCFunction: f },
        ml_flags: flags,
        ml_doc: doc,
    }
}

static mut METHODS: [PyMethodDef; 5] = [
    method(
        cstr!("add"),
        add,
        METH_O,
        cstr!("Add to exampleprov's shared counter; returns the new total."),
    ),
    method(
        cstr!("total"),
        total,
        METH_NOARGS,
        cstr!("exampleprov's shared total."),
    ),
    method(
        cstr!("stats"),
        stats,
        METH_NOARGS,
        cstr!("(count, total) from exampleprov_get_stats()."),
    ),
    method(
        cstr!("version"),
        version,
        METH_NOARGS,
        cstr!("Version of the libexampleprov loaded."),
    ),
    PyMethodDef::zeroed(),
];

static mut MODULE: PyModuleDef = PyModuleDef {
    m_base: PyModuleDef_HEAD_INIT,
    m_name: cstr!("consumer_rust._native"),
    m_doc: cstr!("A Rust consumer of exampleprov's C API."),
    m_size: 0,
    m_methods: null_mut(), // set in PyInit__native
    m_slots: null_mut(),
    m_traverse: None,
    m_clear: None,
    m_free: None,
};

/// Module init (multi-phase): Python creates the module from `MODULE`.
///
/// # Safety
///
/// Called by the interpreter when it imports the module, with the GIL held.
#[no_mangle]
pub unsafe extern "C" fn PyInit__native() -> *mut PyObject {
    let module = addr_of_mut!(MODULE);
    (*module).m_methods = addr_of_mut!(METHODS) as *mut PyMethodDef;
    PyModuleDef_Init(module)
}
