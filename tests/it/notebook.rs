//! The notebook example runs headless on detente's own sample output and writes its
//! figures. It builds (once) a pinned Python environment from PyPI; see
//! `scripts/notebook/run`.
use std::process::Command;

use crate::common::root;

#[test]
fn notebook_draws_its_figures_from_the_sample_output() {
    let figures = tempfile::tempdir().unwrap();
    // The golden CSV is the sample corpus scored with the default scorers (checked
    // against a fresh run by tests/it/parity.rs).
    let csv = root().join("tests/fixtures/golden/sample.csv");
    let out = Command::new(root().join("scripts/notebook/run"))
        .arg(&csv)
        .arg(figures.path())
        .current_dir(root())
        .output()
        .expect("scripts/notebook/run could not start");
    assert!(
        out.status.success(),
        "scripts/notebook/run failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in [
        "strip.png",
        "dyads.png",
        "event_classes.png",
        "directed.png",
    ] {
        let bytes = std::fs::read(figures.path().join(name))
            .unwrap_or_else(|e| panic!("{name} was not written: {e}"));
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{name} is not a PNG file"
        );
        assert!(bytes.len() > 5_000, "{name} is only {} bytes", bytes.len());
    }
    let executed = std::fs::read_to_string(figures.path().join("tension.ipynb")).unwrap();
    assert!(
        executed.contains("wrote ") && !executed.contains("\"output_type\": \"error\""),
        "the executed notebook has no output or an error"
    );
}

/// The CSV and the Parquet of one run (the sample corpus plus a hostile article), read
/// with pandas and with polars: the same columns in the same order, the same rows and
/// values, the types the README's Parquet table documents (`check_tables.py`); and the
/// notebook draws its figures from the Parquet file.
#[test]
fn pandas_and_polars_read_the_parquet_as_the_csv() {
    crate::common::models();
    let w = crate::common::Workdir::new();
    let corpus = crate::common::hostile_corpus(&w);
    let corpus = corpus.to_str().unwrap();
    for ext in ["csv", "parquet"] {
        let (s, d) = (format!("s.{ext}"), format!("d.{ext}"));
        crate::common::ok(w.run(&["score", corpus, "-o", &s, "--docs", &d, "--quiet"]));
        crate::common::ok(w.run(&[
            "aggregate",
            &s,
            "--by",
            "dyad,month",
            "-o",
            &format!("a.{ext}"),
            "--quiet",
        ]));
    }
    let env = Command::new(root().join("scripts/notebook/env"))
        .output()
        .expect("scripts/notebook/env could not start");
    assert!(
        env.status.success(),
        "scripts/notebook/env failed:\n{}",
        String::from_utf8_lossy(&env.stderr)
    );
    let venv = String::from_utf8(env.stdout).unwrap();
    let out = Command::new(format!("{}/bin/python", venv.trim()))
        .arg(root().join("scripts/notebook/check_tables.py"))
        .arg(root().join("README.md"))
        .args([
            "s.csv",
            "s.parquet",
            "d.csv",
            "d.parquet",
            "a.csv",
            "a.parquet",
        ])
        .current_dir(w.dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    println!("{said}");
    assert!(
        out.status.success(),
        "check_tables.py failed:\n{said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(said.matches("types as documented").count(), 3, "{said}");

    let figures = w.path("figures");
    let out = Command::new(root().join("scripts/notebook/run"))
        .arg(w.path("s.parquet"))
        .arg(&figures)
        .current_dir(root())
        .output()
        .expect("scripts/notebook/run could not start");
    assert!(
        out.status.success(),
        "scripts/notebook/run on Parquet failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in [
        "strip.png",
        "dyads.png",
        "event_classes.png",
        "directed.png",
    ] {
        let bytes = std::fs::read(figures.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 5_000,
            "{name}"
        );
    }
    let executed = std::fs::read_to_string(figures.join("tension.ipynb")).unwrap();
    assert!(executed.contains("s.parquet: ") && !executed.contains("\"output_type\": \"error\""));
}
