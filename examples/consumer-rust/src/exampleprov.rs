//! exampleprov's C API (`exampleprov/include/exampleprov.h`), declared by hand.
//!
//! build.rs links `libexampleprov.so.1`; these symbols resolve to it at load time.

use std::os::raw::{c_char, c_long};

/// `exampleprov_stats`.
#[repr(C)]
#[derive(Debug, Default)]
pub struct Stats {
    /// Number of `exampleprov_add()` calls since the last reset.
    pub count: c_long,
    /// Running sum of all values added since the last reset.
    pub total: c_long,
}

extern "C" {
    pub fn exampleprov_add(n: c_long) -> c_long;
    pub fn exampleprov_total() -> c_long;
    pub fn exampleprov_get_stats(out: *mut Stats);
    pub fn exampleprov_version() -> *const c_char;
}
