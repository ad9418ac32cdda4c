//! Device and precision: bf16 against fp32 on the CPU, `--precision auto` (measured once,
//! cached, recorded), `merge` of parts scored in different precisions, and `--device
//! cuda` / `auto` on a machine without a GPU; the manifest records which ran.
use std::path::{Path, PathBuf};

use std::process::Command;

use crate::common::{models, ok, read_csv, root, show, Workdir, BIN};

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
    let bf16 = run("bf16.csv", &["--precision", "bf16"]);
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

/// Runs the binary in `w` with `DETENTE_HOME` (the cache of `--precision auto`) at `home`.
fn run_with_home(w: &Workdir, home: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear().current_dir(w.path("")).args(args);
    for key in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    cmd.env("DETENTE_HOME", home);
    ok(cmd.output().expect("run detente"))
}

fn encoder_record(csv: &Path) -> serde_json::Value {
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.manifest.json", csv.display())).unwrap(),
    )
    .unwrap();
    m["encoder"].clone()
}

/// The default, `--precision auto`: the first run on a machine (an empty cache) measures
/// and caches, the second reads the cache, both choose the same validated precision and
/// write the same bytes, and the manifest says which precision and why.
#[test]
fn precision_auto_is_measured_once_recorded_and_reused() {
    models();
    let w = Workdir::new();
    let home = w.path("home");
    let input = root().join("datasets");
    let score = |name: &str| -> PathBuf {
        let out = w.path(name);
        let args = [
            "score",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--quiet",
        ];
        run_with_home(&w, &home, &args);
        out
    };
    let first = score("first.csv");
    let cached: Vec<_> = std::fs::read_dir(home.join("precision"))
        .expect("the probe's cache folder")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(cached.len(), 1, "one cached probe: {cached:?}");
    let second = score("second.csv");
    let (a, b) = (encoder_record(&first), encoder_record(&second));
    let chosen = a["precision"].as_str().unwrap().to_string();
    assert!(["fp32", "bf16", "int8"].contains(&chosen.as_str()), "{a}");
    assert_eq!(
        b["precision"], a["precision"],
        "the second run chose otherwise"
    );
    let (ra, rb) = (
        a["precision_reason"].as_str().unwrap(),
        b["precision_reason"].as_str().unwrap(),
    );
    assert!(
        ra.starts_with("auto: ") && ra.contains("measured now"),
        "{ra}"
    );
    assert!(rb.contains("cached in"), "{rb}");
    assert!(ra.contains("GFLOP/s"), "{ra}");
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap(),
        "two auto runs on one machine wrote different CSVs"
    );
    // The choice is the one an explicit flag gives: same bytes.
    let pinned = w.path("pinned.csv");
    let args = [
        "score",
        input.to_str().unwrap(),
        "-o",
        pinned.to_str().unwrap(),
        "--quiet",
        "--precision",
        &chosen,
    ];
    run_with_home(&w, &home, &args);
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&pinned).unwrap()
    );
    assert_eq!(
        encoder_record(&pinned)["precision_reason"],
        format!("--precision {chosen}")
    );
    eprintln!("precision auto on {}: {ra}", a["cpu"]);
}

/// A run whose scorers need no encoder records no precision; parts scored in different
/// precisions merge, with a warning naming the parts of each.
#[test]
fn merge_warns_when_parts_were_scored_in_different_precisions() {
    models();
    let w = Workdir::new();
    let input = root().join("datasets");
    let part = |k: usize, precision: &str| -> String {
        let out = w.path(&format!("part-{k}.csv"));
        let shard = format!("{k}/2");
        let args = [
            "score",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--quiet",
            "--scorers",
            "sentiment",
            "--shard",
            &shard,
            "--precision",
            precision,
        ];
        ok(w.run(&args));
        out.to_str().unwrap().to_string()
    };
    let (p0, p1) = (part(0, "fp32"), part(1, "bf16"));
    let merged = w.path("merged.csv");
    let out = ok(w.run(&["merge", &p0, &p1, "-o", merged.to_str().unwrap()]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("different precisions")
            && err.contains(&format!("bf16: {p1}"))
            && err.contains(&format!("fp32: {p0}")),
        "{}",
        show(&out)
    );
    // Shard 1 again in fp32: one precision, no warning.
    let p1 = part(1, "fp32");
    let same = ok(w.run(&["merge", &p0, &p1, "-o", w.path("m2.csv").to_str().unwrap()]));
    assert!(
        !String::from_utf8_lossy(&same.stderr).contains("different precisions"),
        "{}",
        show(&same)
    );
    let lex = w.path("lexicon.csv");
    ok(w.run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        lex.to_str().unwrap(),
        "--quiet",
        "--scorers",
        "lexicon",
    ]));
    let e = encoder_record(&lex);
    assert_eq!(e["precision"], "none");
    assert_eq!(e["loaded"], false);
}
