//! Link exampleprov's libexampleprov.so.1, found through pylinkdep in the build's Python.
//!
//! `pylinkdep cargo` prints the `cargo:` directives: the library by full path
//! (`cargo:rustc-link-arg`), a run path relative to where the extension is installed
//! (`-Wl,-rpath,$ORIGIN/../exampleprov`), and `cargo:rerun-if-changed` lines.

use std::env;
use std::process::Command;

/// The extension's directory relative to site-packages: module-name `consumer_rust._native`.
const INSTALL_SUBDIR: &str = "consumer_rust";

fn main() {
    for var in ["PYO3_PYTHON", "PYTHON_SYS_EXECUTABLE"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    // maturin sets PYO3_PYTHON to the interpreter it builds for; in an isolated build
    // that environment holds the build requirements (pylinkdep, exampleprov).
    let python = env::var("PYO3_PYTHON")
        .or_else(|_| env::var("PYTHON_SYS_EXECUTABLE"))
        .unwrap_or_else(|_| "python3".to_owned());
    let args = [
        "-m",
        "pylinkdep",
        "cargo",
        "exampleprov >= 1.2",
        "--rpath-from",
        INSTALL_SUBDIR,
    ];
    let out = Command::new(&python)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    if !out.status.success() {
        panic!(
            "{python} {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    print!(
        "{}",
        String::from_utf8(out.stdout).expect("pylinkdep prints UTF-8")
    );
}
