//! Bakes an rpath to the real libtorch into every binary and test binary, so that
//! `target/release/detente` runs without `LD_LIBRARY_PATH`. `LIBTORCH` comes from
//! `.cargo/config.toml` and points at the "CPU view" that `scripts/bootstrap` made; the
//! rpath points at the unpacked wheel's `torch/lib` beside it, where libtorch's own
//! `$ORIGIN/../../nvidia/...` rpath finds libcudart and libcupti.
use std::path::PathBuf;

fn main() {
    commit();
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    println!("cargo:rerun-if-changed=build.rs");
    let Some(libtorch) = std::env::var_os("LIBTORCH").map(PathBuf::from) else {
        println!("cargo:warning=LIBTORCH is not set: run scripts/bootstrap first");
        println!("cargo:rustc-env=DETENTE_LIBTORCH_VERSION=unknown");
        return;
    };
    let view = match libtorch.canonicalize() {
        Ok(p) => p,
        Err(_) => panic!(
            "LIBTORCH={} does not exist: run scripts/bootstrap to install libtorch",
            libtorch.display()
        ),
    };
    println!(
        "cargo:rustc-env=DETENTE_LIBTORCH_VERSION={}",
        libtorch_version(&view)
    );
    let real = view.join("../site/torch/lib");
    let lib = real.canonicalize().unwrap_or_else(|_| view.join("lib"));
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
}

/// libtorch's version from its headers (`2.4.0`), for the key of `--precision auto`'s
/// cached timings: a new libtorch may run other kernels.
fn libtorch_version(view: &std::path::Path) -> String {
    let header = view.join("include/torch/csrc/api/include/torch/version.h");
    let text = std::fs::read_to_string(header).unwrap_or_default();
    let part = |name: &str| {
        text.lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix(&format!("#define TORCH_VERSION_{name} "))
            })
            .map(|v| v.trim().to_string())
    };
    match (part("MAJOR"), part("MINOR"), part("PATCH")) {
        (Some(a), Some(b), Some(c)) => format!("{a}.{b}.{c}"),
        _ => "unknown".into(),
    }
}

/// Records the commit for run manifests, so a figure can be traced to its code.
fn commit() {
    for f in [".git/HEAD", ".git/index"] {
        if std::path::Path::new(f).exists() {
            println!("cargo:rerun-if-changed={f}");
        }
    }
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let mut commit = git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into());
    // --no-optional-locks: status must not refresh (write) .git/index, which this script
    // watches: that made every build rerun it and recompile the crate.
    if git(&[
        "--no-optional-locks",
        "status",
        "--porcelain",
        "--untracked-files=no",
    ])
    .is_some_and(|s| !s.is_empty())
    {
        commit.push_str("-dirty");
    }
    println!("cargo:rustc-env=DETENTE_COMMIT={commit}");
}
