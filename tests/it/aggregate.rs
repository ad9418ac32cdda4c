//! `detente aggregate` on small hand-made sentence CSVs, checked against values worked out
//! by hand, and on a real `segment` run split into shards.
use std::path::Path;

use crate::common::{read_csv, root, run, show};

/// Aggregates `inputs` by `by` in `dir` and returns the output's header and rows.
fn aggregate(dir: &Path, inputs: &[&str], by: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let out = format!("agg-{}.csv", by.replace(',', "-"));
    let mut args = vec!["aggregate"];
    args.extend(inputs);
    args.extend(["--by", by, "-o", &out, "--quiet"]);
    let o = run(dir, &args);
    assert!(o.status.success(), "{}", show(&o));
    read_csv(&dir.join(out))
}

const HEADER: &str =
    "doc_id,paragraph,sentence,date,tension,goldstein,sentiment,sentiment_lexicon,actors,dyad\r\n";
/// Two documents in October 2015 and one undated; tension, sentiment and actors are
/// missing in places.
const PART_A: &str = "d1,0,0,2015-10-04,0.200000,-1.000000,0.100000,0.500000,KOR;JPN,JPN-KOR\r\n\
d1,0,1,2015-10-04,0.800000,-5.000000,-0.300000,-0.500000,KOR,\r\n";
const PART_B: &str = "d2,0,0,2015-10-20,0.600000,-3.000000,,0.000000,JPN;USA;KOR,\r\n\
d3,0,0,,0.100000,2.000000,0.400000,0.200000,,\r\n\
d3,1,1,,,,,,USA;CHN,CHN-USA\r\n";

fn hand_made() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("all.csv"), format!("{HEADER}{PART_A}{PART_B}")).unwrap();
    std::fs::write(d.join("a.csv"), format!("{HEADER}{PART_A}")).unwrap();
    std::fs::write(d.join("b.csv"), format!("{HEADER}{PART_B}")).unwrap();
    dir
}

/// Checks one output row: the key columns exactly, p90 (column `p90`) within the
/// sketch's 1% bound, everything else exactly as written.
fn assert_row(row: &[String], keys: &[&str], stats: [&str; 8]) {
    let n = keys.len();
    assert_eq!(&row[..n], keys, "{row:?}");
    for (j, want) in stats.iter().enumerate() {
        let got = &row[n + j];
        if j == 3 && !want.is_empty() {
            let (g, w): (f64, f64) = (got.parse().unwrap(), want.parse().unwrap());
            assert!((g - w).abs() <= 0.01 * w, "p90 {g} vs {w} in {row:?}");
        } else {
            assert_eq!(got, want, "column {j} of {row:?}");
        }
    }
}

#[test]
fn by_month_matches_hand_computed_values() {
    let dir = hand_made();
    let (h, rows) = aggregate(dir.path(), &["all.csv"], "month");
    assert_eq!(
        h,
        [
            "month",
            "n_docs",
            "n_sentences",
            "tension_mean",
            "tension_p90",
            "goldstein_mean",
            "sentiment_mean",
            "sentiment_lexicon_mean",
            "share_tense"
        ]
    );
    assert_eq!(rows.len(), 2);
    // Undated rows form the empty period, sorted first. d3's second row has no scores.
    assert_row(
        &rows[0],
        &[""],
        [
            "1", "2", "0.100000", "0.1", "2.000000", "0.400000", "0.200000", "0.000000",
        ],
    );
    // Tensions 0.2, 0.8, 0.6: mean 0.533333, p90 the value at rank ⌊0.9·2⌋ = 1 of the
    // sorted values (0.6), two of three ≥ 0.5. Sentiment is missing on d2: (0.1 − 0.3)/2.
    assert_row(
        &rows[1],
        &["2015-10"],
        [
            "2",
            "3",
            "0.533333",
            "0.6",
            "-3.000000",
            "-0.100000",
            "0.000000",
            "0.666667",
        ],
    );
}

#[test]
fn by_actor_explodes_actors_and_by_dyad_skips_empty_dyads() {
    let dir = hand_made();
    let (h, rows) = aggregate(dir.path(), &["all.csv"], "actor");
    assert_eq!(h[0], "actor");
    let actors: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(actors, ["CHN", "JPN", "KOR", "USA"]);
    assert_row(&rows[0], &["CHN"], ["1", "1", "", "", "", "", "", ""]);
    assert_row(
        &rows[1],
        &["JPN"],
        [
            "2",
            "2",
            "0.400000",
            "0.2",
            "-2.000000",
            "0.100000",
            "0.250000",
            "0.500000",
        ],
    );
    assert_row(
        &rows[2],
        &["KOR"],
        [
            "2",
            "3",
            "0.533333",
            "0.6",
            "-3.000000",
            "-0.100000",
            "0.000000",
            "0.666667",
        ],
    );
    assert_row(
        &rows[3],
        &["USA"],
        [
            "2",
            "2",
            "0.600000",
            "0.6",
            "-3.000000",
            "",
            "0.000000",
            "1.000000",
        ],
    );

    let (h, rows) = aggregate(dir.path(), &["all.csv"], "dyad,year");
    assert_eq!(h[..2], ["dyad", "year"]);
    assert_eq!(rows.len(), 2);
    assert_row(
        &rows[0],
        &["CHN-USA", ""],
        ["1", "1", "", "", "", "", "", ""],
    );
    assert_row(
        &rows[1],
        &["JPN-KOR", "2015"],
        [
            "1",
            "1",
            "0.200000",
            "0.2",
            "-1.000000",
            "0.100000",
            "0.500000",
            "0.000000",
        ],
    );

    let (_, rows) = aggregate(dir.path(), &["all.csv"], "doc,week");
    let keys: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("d1", "2015-W40", "1"),
            ("d2", "2015-W43", "1"),
            ("d3", "", "1")
        ]
    );
}

#[test]
fn parts_in_any_order_give_the_single_file_result() {
    let dir = hand_made();
    for by in ["month", "actor,month", "doc", "dyad"] {
        let whole = aggregate(dir.path(), &["all.csv"], by);
        assert_eq!(
            aggregate(dir.path(), &["a.csv", "b.csv"], by),
            whole,
            "{by}"
        );
        assert_eq!(
            aggregate(dir.path(), &["b.csv", "a.csv"], by),
            whole,
            "{by}"
        );
    }
}

#[test]
fn a_repeated_document_id_counts_as_a_new_document_when_sentence_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Two documents that share an id (duplicates are kept, never merged), one after the other.
    std::fs::write(
        d.join("dup.csv"),
        "doc_id,sentence,date,tension\r\nx,0,2020-01-01,0.1\r\nx,1,2020-01-01,0.2\r\nx,0,2020-01-02,0.3\r\n",
    )
    .unwrap();
    let (_, rows) = aggregate(d, &["dup.csv"], "year");
    assert_eq!(rows[0][..3], ["2020", "2", "3"]);
}

#[test]
fn missing_columns_and_bad_values_are_named() {
    let dir = hand_made();
    let d = dir.path();
    std::fs::write(
        d.join("nodyad.csv"),
        "doc_id,date,tension\r\nd1,2015-10-04,0.5\r\n",
    )
    .unwrap();
    let o = run(
        d,
        &["aggregate", "nodyad.csv", "--by", "dyad", "-o", "x.csv"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("nodyad.csv:1: no column 'dyad' (needed by --by dyad)"),
        "{}",
        show(&o)
    );
    // Score columns are optional: without them the means are empty.
    let (_, rows) = aggregate(d, &["nodyad.csv"], "month");
    assert_row(
        &rows[0],
        &["2015-10"],
        ["1", "1", "0.500000", "0.5", "", "", "", "1.000000"],
    );

    std::fs::write(
        d.join("baddate.csv"),
        "doc_id,date\r\nd1,2015-10-04\r\nd2,2015-13-01\r\n",
    )
    .unwrap();
    let o = run(
        d,
        &["aggregate", "baddate.csv", "--by", "month", "-o", "x.csv"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("baddate.csv:3: column 'date'"),
        "{}",
        show(&o)
    );

    std::fs::write(d.join("badnum.csv"), "doc_id,tension\r\nd1,high\r\n").unwrap();
    let o = run(
        d,
        &["aggregate", "badnum.csv", "--by", "doc", "-o", "x.csv"],
    );
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("badnum.csv:2: column 'tension': \"high\" is not a number"),
        "{}",
        show(&o)
    );

    let o = run(
        d,
        &["aggregate", "all.csv", "--by", "week,month", "-o", "x.csv"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
}

#[test]
fn aggregating_shards_of_a_real_run_equals_aggregating_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let datasets = root().join("datasets");
    let input = datasets.to_str().unwrap();
    let seg = |extra: &[&str], out: &str| {
        let mut args = vec!["segment", input, "-o", out, "--quiet"];
        args.extend(extra);
        let o = run(d, &args);
        assert!(o.status.success(), "{}", show(&o));
    };
    seg(&[], "all.csv");
    for k in 0..3 {
        seg(&["--shard", &format!("{k}/3")], &format!("part-{k}.csv"));
    }
    let whole = aggregate(d, &["all.csv"], "month");
    assert_eq!(
        aggregate(d, &["part-2.csv", "part-0.csv", "part-1.csv"], "month"),
        whole
    );
    // The sample corpus: 17 documents; ten txt articles dated 2026 (two in October) and
    // three JSONL records dated 2026-02; the CSV rows and the record without a date are
    // undated.
    let months: Vec<(&str, &str)> = whole
        .1
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        months,
        [
            ("", "4"),
            ("2026-02", "3"),
            ("2026-03", "1"),
            ("2026-04", "1"),
            ("2026-05", "1"),
            ("2026-06", "1"),
            ("2026-07", "1"),
            ("2026-09", "1"),
            ("2026-10", "2"),
            ("2026-11", "1"),
            ("2026-12", "1")
        ]
    );
    let n: u64 = whole.1.iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    assert_eq!(n as usize, read_csv(&d.join("all.csv")).1.len());
}

/// `--by pair` groups by the directed pairs of `source` and `target` (first three
/// letters), `--by source` by each source; rows without them are left out.
#[test]
fn directed_pairs_are_grouped_by_direction() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let csv = "doc_id,paragraph,sentence,date,tension,source,target\r\n\
d1,0,0,2015-10-04,0.800000,KORGOV,JPN\r\n\
d1,0,1,2015-10-04,0.400000,KOR,JPNGOV;CHN\r\n\
d2,0,0,2015-10-05,0.200000,JPN,KORGOV\r\n\
d2,0,1,2015-10-05,0.600000,IGOUNO,\r\n\
d3,0,0,2015-10-06,0.100000,,\r\n";
    std::fs::write(d.join("s.csv"), csv).unwrap();
    let (h, rows) = aggregate(d, &["s.csv"], "pair");
    assert_eq!(h[0], "pair");
    let pairs: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str()))
        .collect();
    // (pair, n_sentences, tension_mean)
    assert_eq!(
        pairs,
        [
            ("JPN>KOR", "1", "0.200000"),
            ("KOR>CHN", "1", "0.400000"),
            ("KOR>JPN", "2", "0.600000"),
        ]
    );
    let (_, rows) = aggregate(d, &["s.csv"], "source");
    let sources: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(sources, ["IGO", "JPN", "KOR"]);
}
