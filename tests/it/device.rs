//! Device and precision: bf16 against fp32 on the CPU, and `--device cuda` / `auto` on a
//! machine without a GPU; the manifest records which ran.
use std::path::{Path, PathBuf};

use crate::common::{models, ok, read_csv, root, show, Workdir};

/// Largest |difference| of the named numeric columns between two CSVs of the same rows.
fn max_column_diff(a: &Path, b: &Path, columns: &[&str]) -> f64 {
    let (ha, ra) = read_csv(a);
    let (hb, rb) = read_csv(b);
    assert_eq!(ha, hb, "headers differ");
    assert_eq!(ra.len(), rb.len(), "row counts differ");
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| ha.iter().position(|h| h == c).expect("column"))
        .collect();
    let mut worst = 0f64;
    for (x, y) in ra.iter().zip(&rb) {
        for &j in &idx {
            let d = (x[j].parse::<f64>().unwrap() - y[j].parse::<f64>().unwrap()).abs();
            worst = worst.max(d);
        }
    }
    worst
}

#[test]
fn bf16_stays_close_to_fp32_ignores_batch_neighbours_and_is_recorded() {
    models();
    let w = Workdir::new();
    let input = root().join("datasets");
    let run = |name: &str, extra: &[&str]| -> PathBuf {
        let out = w.path(name);
        let mut args = vec![
            "score",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--class-probs",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        ok(w.run(&args));
        out
    };
    let fp32 = run("fp32.csv", &["--precision", "fp32"]);
    // bf16 is the default.
    let bf16 = run("bf16.csv", &[]);
    let bf16_b1 = run("bf16-b1.csv", &["--precision", "bf16", "--batch-size", "1"]);
    let bf16_t1 = run("bf16-t1.csv", &["--precision", "bf16", "--threads", "1"]);
    let bf16_t2 = run("bf16-t2.csv", &["--precision", "bf16", "--threads", "2"]);
    assert_eq!(
        std::fs::read(&bf16_t1).unwrap(),
        std::fs::read(&bf16_t2).unwrap(),
        "bf16 output depends on the thread count"
    );
    let cols = [
        "sentiment",
        "event_confidence",
        "tension",
        "p_statement",
        "p_verbal_cooperation",
        "p_material_cooperation",
        "p_verbal_conflict",
        "p_material_conflict",
    ];
    let reduced = max_column_diff(&fp32, &bf16, &cols);
    assert!(
        reduced > 0.0,
        "bf16 gave fp32's scores exactly: did it run?"
    );
    assert!(reduced <= 0.05, "bf16 moved a score by {reduced} from fp32");
    // Batches of equal-length sentences (no padding): a sentence's bf16 result does not
    // depend on its neighbours; 1e-6 is the CSV's last printed digit.
    let batches = max_column_diff(&bf16, &bf16_b1, &[&cols[..], &["goldstein"]].concat());
    assert!(
        batches <= 1e-6,
        "bf16 scores moved by {batches} with batch composition"
    );
    for (csv, precision) in [(&fp32, "fp32"), (&bf16, "bf16")] {
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{}.manifest.json", csv.display())).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["encoder"]["precision"], precision);
        assert_eq!(manifest["encoder"]["device"], "cpu");
    }
}

#[test]
fn device_cuda_without_a_gpu_cannot_start_and_auto_falls_back() {
    models();
    if tch::Cuda::is_available() {
        eprintln!("skipping: a CUDA GPU is visible");
        return;
    }
    let w = Workdir::new();
    let input = w.write("a.txt", b"The talks collapsed after the shelling.\n");
    let out = w.run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        "cuda.csv",
        "--device",
        "cuda",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no CUDA GPU"),
        "{}",
        show(&out)
    );
    assert!(!w.path("cuda.csv").exists());
    let out = ok(w.run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        "auto.csv",
        "--device",
        "auto",
    ]));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("using the CPU"),
        "{}",
        show(&out)
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("auto.csv.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["encoder"]["device"], "cpu");
}
