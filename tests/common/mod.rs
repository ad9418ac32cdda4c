//! Helpers shared by the test crates that run the binary on small hand-made inputs.
#![allow(dead_code)]
use std::path::Path;
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_detente");

/// Runs the binary in `dir` with a clean environment (only PATH and HOME).
pub fn run(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear().current_dir(dir).args(args);
    for key in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    cmd.output().expect("run detente")
}

pub fn show(out: &Output) -> String {
    format!(
        "status: {:?}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn ok(out: Output) -> Output {
    assert!(out.status.success(), "detente failed\n{}", show(&out));
    out
}

pub type Table = (Vec<String>, Vec<Vec<String>>);

pub fn read_csv(path: &Path) -> Table {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
