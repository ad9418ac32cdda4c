//! The notebook example runs headless on detente's own sample output and writes its
//! figures. It builds (once) a pinned Python environment from PyPI; see
//! `scripts/notebook/run`.
use std::process::Command;

use crate::common::root;

#[test]
fn notebook_draws_its_figures_from_the_sample_output() {
    let figures = tempfile::tempdir().unwrap();
    // The golden CSV is the sample corpus scored with the default scorers (checked
    // against a fresh run by tests/it/cli.rs).
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
