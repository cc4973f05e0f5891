//! Link exampleprov's libexampleprov.so.1, found through pylinkdep in the build's Python.
//!
//! `pylinkdep cargo` prints the `cargo:` directives: the library by full path
//! (`cargo:rustc-link-arg`), a run path relative to where the extension is installed
//! (`-Wl,-rpath,$ORIGIN/../exampleprov`), and `cargo:rerun-if-changed` lines.
//! `pylinkdep runtime-module` writes `python/consumer_rust/_pylink.py`, which maturin packs
//! with the Python sources and `__init__.py` imports first: it checks the installed
//! exampleprov against the range built against (docs/runtime.md).

use std::env;
use std::process::Command;

/// The extension's directory relative to site-packages: module-name `consumer_rust._native`.
const INSTALL_SUBDIR: &str = "consumer_rust";
/// The provider and the versions this build accepts.
const PROVIDER: &str = "exampleprov >= 1.2";

/// Run `python -m pylinkdep ARGS`; its standard output, or a panic naming the command.
fn pylinkdep(python: &str, args: &[&str]) -> String {
    let out = Command::new(python)
        .args(["-m", "pylinkdep"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    if !out.status.success() {
        panic!(
            "{python} -m pylinkdep {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).expect("pylinkdep prints UTF-8")
}

fn main() {
    for var in ["PYO3_PYTHON", "PYTHON_SYS_EXECUTABLE"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    // maturin sets PYO3_PYTHON to the interpreter it builds for; in an isolated build
    // that environment holds the build requirements (pylinkdep, exampleprov).
    let python = env::var("PYO3_PYTHON")
        .or_else(|_| env::var("PYTHON_SYS_EXECUTABLE"))
        .unwrap_or_else(|_| "python3".to_owned());
    print!(
        "{}",
        pylinkdep(
            &python,
            &["cargo", PROVIDER, "--rpath-from", INSTALL_SUBDIR]
        )
    );
    let module = format!(
        "{}/python/{INSTALL_SUBDIR}/_pylink.py",
        env!("CARGO_MANIFEST_DIR")
    );
    pylinkdep(
        &python,
        &[
            "runtime-module",
            "-o",
            &module,
            "--consumer",
            "consumer-rust",
            "--subdir",
            INSTALL_SUBDIR,
            PROVIDER,
        ],
    );
}
