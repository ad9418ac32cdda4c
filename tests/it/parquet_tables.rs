//! Parquet outputs (`-o FILE.parquet`): the same rows and values as the CSV, with the
//! documented types; `--resume`, `--shard` with `merge`, and `aggregate` work on Parquet
//! exactly as on CSV. A Parquet table converted back by `merge --part-order x.parquet -o
//! x.csv` is byte-identical to the CSV of the same run, which checks every cell.
use std::path::Path;
use std::process::Command;

use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::common::{models, ok, root, show, Workdir, BIN};

fn same_file(a: &Path, b: &Path) {
    let (x, y) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(x == y, "{} and {} differ", a.display(), b.display());
}

/// The Arrow schema and row-group count of a Parquet file (whose every column chunk must
/// be zstd-compressed).
fn schema_of(path: &Path) -> (Vec<(String, DataType)>, usize) {
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for g in b.metadata().row_groups() {
        for c in g.columns() {
            assert!(
                matches!(c.compression(), parquet::basic::Compression::ZSTD(_)),
                "{}: {} is {:?}",
                path.display(),
                c.column_path(),
                c.compression()
            );
        }
    }
    let fields = b
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    (fields, b.metadata().num_row_groups())
}

fn argv(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `merge --part-order` with one part: converts a table between formats.
fn convert(w: &Workdir, from: &str, to: &str) {
    ok(w.run(&["merge", "--part-order", from, "-o", to, "--quiet"]));
}

#[test]
fn parquet_holds_the_csv_rows_with_real_types() {
    models();
    let w = Workdir::new();
    let corpus = root().join("datasets/sample");
    let corpus = corpus.to_str().unwrap();
    w.write("bad/bad.txt", b"\x00binary");
    let run = |ext: &str| {
        let o = w.run(&[
            "score",
            corpus,
            "bad",
            "-o",
            &format!("s.{ext}"),
            "--docs",
            &format!("d.{ext}"),
            "--errors",
            &format!("e.{ext}"),
            "--chunk-size",
            "5",
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", show(&o)); // bad.txt is skipped
    };
    run("csv");
    run("parquet");
    for t in ["s", "d", "e"] {
        let pq = w.path(&format!("{t}.parquet"));
        assert!(std::fs::read(&pq).unwrap().starts_with(b"PAR1"));
        convert(&w, &format!("{t}.parquet"), &format!("{t}-back.csv"));
        same_file(
            &w.path(&format!("{t}.csv")),
            &w.path(&format!("{t}-back.csv")),
        );
    }
    let (fields, groups) = schema_of(&w.path("s.parquet"));
    // 17 documents in chunks of 5.
    assert_eq!(groups, 4);
    let ty = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no column {name}"))
            .1
            .clone()
    };
    let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    for c in ["paragraph", "sentence", "start", "end", "n_tokens"] {
        assert_eq!(ty(c), DataType::Int64, "{c}");
    }
    for c in [
        "sentiment_lexicon",
        "sentiment",
        "goldstein",
        "tension",
        "event_confidence",
    ] {
        assert_eq!(ty(c), DataType::Float64, "{c}");
    }
    for c in ["truncated", "forced_split"] {
        assert_eq!(ty(c), DataType::Boolean, "{c}");
    }
    for c in [
        "doc_id",
        "date",
        "event_class",
        "cameo_root",
        "actors",
        "dyad",
        "source",
        "target",
    ] {
        assert_eq!(ty(c), dict, "{c}");
    }
    assert_eq!(ty("text"), DataType::Utf8);
    let (docs, _) = schema_of(&w.path("d.parquet"));
    assert!(docs.contains(&("n_sentences".into(), DataType::Int64)));
    assert!(docs.contains(&("tension_max".into(), DataType::Float64)));
    // The manifest records the schema of each Parquet table.
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("s.parquet.manifest.json")).unwrap())
            .unwrap();
    let tables = m["parquet"].as_array().unwrap();
    assert_eq!(tables.len(), 3, "{m}");
    let cols = tables[0]["columns"].as_array().unwrap();
    assert_eq!(cols.len(), fields.len());
    assert!(cols.contains(&serde_json::json!({"name": "tension", "type": "double"})));
    assert_eq!(tables[0]["compression"], "zstd");
}

/// Kills a Parquet run with SIGKILL part-way, resumes it, and compares with an
/// uninterrupted run: the files are byte-identical.
#[test]
fn parquet_resume_after_sigkill_gives_identical_output() {
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
        let s = format!(
            "score corpus -o {out}.parquet --docs {out}-docs.parquet --errors {out}-errors.parquet --chunk-size 1 --quiet"
        );
        s.split(' ').map(String::from).collect()
    };
    let full = w.run(&argv(&args("full")));
    assert_eq!(full.status.code(), Some(1), "{}", show(&full));

    let mut child = Command::new(BIN)
        .current_dir(w.dir.path())
        .args(args("part"))
        .spawn()
        .unwrap();
    let checkpoint = w.path("part.parquet.checkpoint.json");
    let started = std::time::Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&checkpoint) {
            let units = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["units"].as_u64());
            if units.is_some_and(|u| u >= 5) {
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
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(w.path("part.parquet.partial").exists() && !w.path("part.parquet").exists());

    let mut resumed = args("part");
    resumed.push("--resume".into());
    let out = w.run(&argv(&resumed));
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    for (a, b) in [
        ("full.parquet", "part.parquet"),
        ("full-docs.parquet", "part-docs.parquet"),
        ("full-errors.parquet", "part-errors.parquet"),
    ] {
        same_file(&w.path(a), &w.path(b));
    }
    assert!(!checkpoint.exists() && !w.path("part.parquet.partial").exists());
    assert!(!w.path("part.parquet.partial.resume").exists());
}

/// Parquet parts of a `--shard` run merge into the single run's rows (as Parquet or CSV),
/// and aggregate to the same groups as the CSV.
#[test]
fn parquet_shards_merge_and_aggregate_like_csv() {
    let w = Workdir::new();
    let corpus = root().join("datasets/sample");
    let corpus = corpus.to_str().unwrap();
    let score = |extra: &[&str], out: &str| {
        let mut a = vec![
            "score",
            corpus,
            "--scorers",
            "lexicon,actors",
            "-o",
            out,
            "--quiet",
        ];
        a.extend(extra);
        ok(w.run(&a));
    };
    score(&[], "all.csv");
    for k in 0..3 {
        score(
            &["--shard", &format!("{k}/3")],
            &format!("part-{k}.parquet"),
        );
    }
    let parts = ["part-2.parquet", "part-0.parquet", "part-1.parquet"];
    let merge = |out: &str| {
        let mut a = vec!["merge"];
        a.extend(parts);
        a.extend(["-o", out, "--quiet"]);
        ok(w.run(&a));
    };
    merge("merged.csv");
    same_file(&w.path("all.csv"), &w.path("merged.csv"));
    merge("merged.parquet");
    convert(&w, "merged.parquet", "merged-back.csv");
    same_file(&w.path("all.csv"), &w.path("merged-back.csv"));
    let agg = |inputs: &[&str], out: &str| {
        let mut a = vec!["aggregate"];
        a.extend(inputs);
        a.extend(["--by", "dyad,month", "-o", out, "--quiet"]);
        ok(w.run(&a));
    };
    agg(&["all.csv"], "agg.csv");
    agg(&parts, "agg-parts.csv");
    same_file(&w.path("agg.csv"), &w.path("agg-parts.csv"));
    agg(&parts, "agg.parquet");
    convert(&w, "agg.parquet", "agg-back.csv");
    same_file(&w.path("agg.csv"), &w.path("agg-back.csv"));
    let (fields, _) = schema_of(&w.path("agg.parquet"));
    assert!(fields.contains(&("n_docs".into(), DataType::Int64)));
    assert!(fields.contains(&("sentiment_lexicon_mean".into(), DataType::Float64)));
}
