//! Resume: a run killed part-way and resumed from its checkpoint writes what an
//! uninterrupted run writes, and a run that could not resume or write refuses to start.
use std::process::Command;

use crate::common::{models, root, show, Workdir, BIN};

/// Kills a run with SIGKILL part-way, resumes it, and compares every output with an
/// uninterrupted run, byte for byte.
#[test]
fn resume_after_sigkill_gives_identical_output() {
    models();
    let w = Workdir::new();
    for rep in 0..4 {
        for f in std::fs::read_dir(root().join("datasets/sample")).unwrap() {
            let f = f.unwrap().path();
            w.write(
                &format!("corpus/r{rep}/{}", f.file_name().unwrap().to_string_lossy()),
                &std::fs::read(&f).unwrap(),
            );
        }
    }
    w.write("corpus/r0/bad.txt", b"\x00binary");
    let args = |out: &str| -> Vec<String> {
        [
            "score",
            "corpus",
            "-o",
            &format!("{out}.csv"),
            "--embeddings",
            &format!("{out}.npy"),
            "--docs",
            &format!("{out}-docs.csv"),
            "--errors",
            &format!("{out}-errors.csv"),
            "--chunk-size",
            "1",
            "--quiet",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let full = w.run(&args("full").iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert_eq!(full.status.code(), Some(1), "{}", show(&full)); // bad.txt is skipped

    let mut cmd = Command::new(BIN);
    cmd.current_dir(w.dir.path()).args(args("part"));
    let mut child = cmd.spawn().unwrap();
    let checkpoint = w.path("part.csv.checkpoint.json");
    let started = std::time::Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&checkpoint) {
            let units = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["units"].as_u64());
            if units.is_some_and(|u| u >= 3) {
                break;
            }
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run finished before it could be killed"
        );
        assert!(started.elapsed().as_secs() < 120, "no checkpoint appeared");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(w.path("part.csv.partial").exists() && !w.path("part.csv").exists());

    let mut resumed = args("part");
    resumed.push("--resume".into());
    let out = w.run(&resumed.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    for (a, b) in [
        ("full.csv", "part.csv"),
        ("full.npy", "part.npy"),
        ("full-docs.csv", "part-docs.csv"),
        ("full-errors.csv", "part-errors.csv"),
    ] {
        assert!(
            std::fs::read(w.path(a)).unwrap() == std::fs::read(w.path(b)).unwrap(),
            "{a} and {b} differ"
        );
    }
    assert!(!checkpoint.exists() && !w.path("part.csv.partial").exists());
    let manifest = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(w.path(name)).unwrap()).unwrap()
    };
    assert_eq!(
        manifest("full.csv.manifest.json")["counts"],
        manifest("part.csv.manifest.json")["counts"]
    );
}

#[test]
fn unwritable_output_or_stdout_resume_cannot_start() {
    let w = Workdir::new();
    w.write("a.txt", b"Hello there.");
    w.write("blocker", b"a file where a directory should be");
    let out = w.run(&["score", "a.txt", "-o", "blocker/out.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot write"),
        "{}",
        show(&out)
    );
    let out = w.run(&["score", "a.txt", "-o", "-", "--resume"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}
