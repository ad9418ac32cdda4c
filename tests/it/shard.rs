//! `--shard K/N`, `detente merge` and the `date` column: N shard outputs together equal
//! the single run's output, and dates come from every format.
use std::path::Path;

use crate::common::{ok, read_csv, root, run, show};

/// Rows sorted by document and sentence (columns 0 and 2), then the whole row.
fn sorted(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows.sort_by(|a, b| {
        (&a[0], a[2].parse::<u64>().unwrap(), a).cmp(&(&b[0], b[2].parse::<u64>().unwrap(), b))
    });
    rows
}

/// A corpus with many documents in three formats, and two bad items.
fn corpus(dir: &Path) {
    let inp = dir.join("in");
    std::fs::create_dir_all(&inp).unwrap();
    let mut jsonl = String::new();
    for i in 0..40 {
        jsonl.push_str(&format!(
            "{{\"id\": \"j{i}\", \"date\": \"2015-10-{:02}\", \"text\": \"Statement {i} was read. Both sides met on day {i}.\"}}\n",
            1 + i % 28
        ));
        if i == 17 {
            jsonl.push_str("{\"id\": broken\n");
        }
    }
    // A duplicate id, far from the first: kept as a second document, never merged.
    jsonl.push_str("{\"id\": \"j5\", \"text\": \"A second j5. It has two sentences.\"}\n");
    std::fs::write(inp.join("records.jsonl"), jsonl).unwrap();
    for i in 0..12 {
        std::fs::write(
            inp.join(format!("art-{i:02}.txt")),
            format!(
                "Tuesday, March {} 2026\n\nOfficials met again. Talks number {i} went on.\n",
                1 + i
            ),
        )
        .unwrap();
    }
    std::fs::write(inp.join("zz-empty.txt"), "").unwrap();
}

fn argv(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Runs `args` once whole and once per shard of 3; checks that the shards' rows and
/// error rows together are the single run's, and that `merge` joins them.
fn shards_cover_the_single_run(args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    corpus(d);
    let with = |extra: &[&str]| -> Vec<String> {
        args.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let single = run(
        d,
        &argv(&with(&["-o", "all.csv", "--errors", "all-err.csv"])),
    );
    assert_eq!(single.status.code(), Some(1), "{}", show(&single));
    let (header, all) = read_csv(&d.join("all.csv"));
    let (_, all_err) = read_csv(&d.join("all-err.csv"));
    assert_eq!(all_err.len(), 2, "{all_err:?}");
    let mut union = Vec::new();
    let mut union_err = Vec::new();
    let mut parts = Vec::new();
    for k in 0..3 {
        let part = format!("part-{k}.csv");
        let shard = format!("{k}/3");
        let err = format!("err-{k}.csv");
        let out = run(
            d,
            &argv(&with(&["--shard", &shard, "-o", &part, "--errors", &err])),
        );
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", show(&out));
        let (h, rows) = read_csv(&d.join(&part));
        assert_eq!(h, header);
        assert!(
            !rows.is_empty(),
            "shard {k} is empty: the test corpus is too small"
        );
        union.extend(rows);
        union_err.extend(read_csv(&d.join(&err)).1);
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(d.join(format!("{part}.manifest.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["shard"]["index"], k);
        assert_eq!(manifest["shard"]["count"], 3);
        assert_eq!(manifest["shard"]["hash"], "fnv1a-64");
        parts.push(part);
    }
    assert_eq!(union.len(), all.len());
    assert_eq!(sorted(union), sorted(all.clone()));
    union_err.sort();
    let mut all_err = all_err;
    all_err.sort();
    assert_eq!(union_err, all_err);

    // merge: one header, every row once, in the single run's order (parts in any order).
    let mut merge_args = vec!["merge"];
    merge_args.extend(parts.iter().rev().map(String::as_str));
    merge_args.extend(["-o", "merged.csv"]);
    ok(run(d, &merge_args));
    let (h, merged) = read_csv(&d.join("merged.csv"));
    assert_eq!(h, header);
    assert_eq!(merged, all);
    assert_eq!(
        std::fs::read(d.join("merged.csv")).unwrap(),
        std::fs::read(d.join("all.csv")).unwrap()
    );
    // The manifests record the inputs as absolute paths: merge runs from any directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let abs_parts: Vec<String> = parts
        .iter()
        .map(|p| d.join(p).to_str().unwrap().to_string())
        .collect();
    let merged_elsewhere = elsewhere.path().join("m.csv");
    let mut args = vec!["merge"];
    args.extend(abs_parts.iter().map(String::as_str));
    args.extend(["-o", merged_elsewhere.to_str().unwrap()]);
    ok(run(elsewhere.path(), &args));
    assert_eq!(
        std::fs::read(&merged_elsewhere).unwrap(),
        std::fs::read(d.join("all.csv")).unwrap()
    );
    // --part-order: the same rows, part after part.
    merge_args.push("--part-order");
    *merge_args.iter_mut().find(|a| **a == "merged.csv").unwrap() = "concat.csv";
    ok(run(d, &merge_args));
    let (_, concat) = read_csv(&d.join("concat.csv"));
    assert_eq!(sorted(concat), sorted(all));

    // Input order needs the inputs: moved away, the merge stops and says why.
    std::fs::rename(d.join("in"), d.join("moved")).unwrap();
    let out = run(d, &merge_args[..merge_args.len() - 1]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("rows remain that belong to no document of the inputs"),
        "{}",
        show(&out)
    );
    std::fs::rename(d.join("moved"), d.join("in")).unwrap();

    // Missing shards: input order is refused, part order warns; the same shard twice is
    // refused.
    let out = run(d, &["merge", "part-0.csv", "part-2.csv", "-o", "some.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no part holds shard 1"));
    let out = run(
        d,
        &[
            "merge",
            "part-0.csv",
            "part-2.csv",
            "-o",
            "some.csv",
            "--part-order",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no part holds shard 1/3"));
    let out = run(d, &["merge", "part-0.csv", "part-0.csv", "-o", "twice.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("are both shard 0/3"));
}

#[test]
fn segment_shards_together_equal_the_single_run() {
    shards_cover_the_single_run(&["segment", "in", "--quiet"]);
}

#[test]
fn lexicon_score_shards_together_equal_the_single_run() {
    let models = root().join("models");
    if !models.join("vader/vader_lexicon.txt").is_file() {
        println!("skipping: models/vader not found (run scripts/bootstrap)");
        return;
    }
    let m = models.to_str().unwrap().to_string();
    shards_cover_the_single_run(&[
        "score",
        "in",
        "--scorers",
        "lexicon",
        "--models",
        &m,
        "--quiet",
    ]);
}

#[test]
fn merge_refuses_parts_with_different_headers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.csv"), "doc_id,text\r\nx,Hi.\r\n").unwrap();
    std::fs::write(d.join("b.csv"), "doc_id,text,date\r\ny,Ho.,\r\n").unwrap();
    let out = run(
        d,
        &["merge", "a.csv", "b.csv", "-o", "m.csv", "--part-order"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("b.csv:1: its header differs from that of a.csv"),
        "{err}"
    );
    assert!(!d.join("m.csv").exists());
}

#[test]
fn bad_shard_values_fail_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["3/3", "0/0", "1", "x/2"] {
        let out = run(dir.path(), &["segment", "-", "--shard", bad, "-o", "s.csv"]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", show(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--shard"),
            "{}",
            show(&out)
        );
    }
}

#[test]
fn every_format_fills_the_date_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("r.jsonl"),
        "{\"id\": \"j1\", \"date\": \"2015-10-04T09:30:00Z\", \"title\": \"T\", \"text\": \"One.\"}\n\
         {\"id\": \"j2\", \"date\": \"someday\", \"text\": \"Two.\"}\n\
         {\"id\": \"j3\", \"text\": \"Three.\"}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("c.csv"),
        "id,published,text\nc1,4 December 2020,Four.\nc2,,Five.\nc3,2021-02-30,Six.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("a.txt"),
        "Friday, December 4 2020\n\nTalks went on.\n",
    )
    .unwrap();
    std::fs::write(d.join("l.lines"), "A line.\n").unwrap();
    let out = ok(run(
        d,
        &[
            "segment",
            "r.jsonl",
            "c.csv",
            "a.txt",
            "-o",
            "s.csv",
            "--date-column",
            "published",
        ],
    ));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("j2: date \"someday\" is not a date"), "{err}");
    assert!(
        err.contains("c3: date \"2021-02-30\" is not a date"),
        "{err}"
    );
    let (h, rows) = read_csv(&d.join("s.csv"));
    assert_eq!(
        h,
        [
            "doc_id",
            "paragraph",
            "sentence",
            "start",
            "end",
            "text",
            "date",
            "title"
        ]
    );
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("j1", "2015-10-04"),
            ("j2", ""),
            ("j3", ""),
            ("c1", "2020-12-04"),
            ("c2", ""),
            ("c3", ""),
            ("a.txt", "2020-12-04"),
        ]
    );
    assert_eq!(rows[0][7], "T");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("s.csv.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["counts"]["bad_dates"], 2);
    assert_eq!(manifest["date_column"], "published");

    // lines: no date; a --date-column the CSV lacks is an error naming the file.
    ok(run(
        d,
        &["segment", "--format", "lines", "l.lines", "-o", "l.csv"],
    ));
    let (h, rows) = read_csv(&d.join("l.csv"));
    assert_eq!(h.last().unwrap(), "date");
    assert_eq!(rows[0][6], "");
    let out = run(
        d,
        &["segment", "c.csv", "-o", "x.csv", "--date-column", "when"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("c.csv:1: no column 'when' in the header (named by --date-column)"));
}
