//! Documents: how inputs become rows, namely document ids, compressed files, stdin and
//! `--limit`, offsets back into the text, article furniture kept out of the sentences, other
//! languages flagged, a huge paragraph cut into rows, and `detente segment` without models.
use std::io::Write;
use std::process::Command;

use crate::common::{
    assert_csv_close, models, ok, read_csv, root, show, Workdir, ACROSS_CPUS, BIN,
};

#[test]
fn offsets_map_rows_back_to_the_documents() {
    models();
    let w = Workdir::new();
    let sample = root().join("datasets/sample");
    let out = w.path("out.csv");
    ok(w.run(&[
        "score",
        sample.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--quiet",
    ]));
    let (h, rows) = read_csv(&out);
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let mut checked = 0;
    for r in rows {
        let path = sample.join(&r[col("doc_id")]);
        if !path.is_file() {
            continue; // JSONL and CSV documents: offsets are into the text field
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (s, e): (usize, usize) = (
            r[col("start")].parse().unwrap(),
            r[col("end")].parse().unwrap(),
        );
        assert_eq!(&text[s..e], r[col("text")], "{}", path.display());
        checked += 1;
    }
    assert!(checked > 20, "only {checked} txt rows checked");
}

#[test]
fn doc_ids_compressed_inputs_stdin_and_limit() {
    models();
    let w = Workdir::new();
    // .gz and .zst are read transparently; CSV rows without an id get PATH#LINE.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"{\"id\": \"g1\", \"text\": \"Gzip works.\"}\n")
        .unwrap();
    w.write("c/one.jsonl.gz", &gz.finish().unwrap());
    w.write(
        "c/two.csv.zst",
        &zstd::encode_all(&b"id,text\n,Zstd works too.\nz2,And this.\n"[..], 3).unwrap(),
    );
    ok(w.run(&["score", "c", "-o", "out.csv", "--quiet"]));
    let (_, rows) = read_csv(&w.path("out.csv"));
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["g1", "two.csv.zst#2", "z2"]);

    // A single file is named by its file name; --limit stops after N documents.
    w.write("d/x/story.txt", b"One. Two.\n\nThree.");
    ok(w.run(&[
        "score",
        "d/x/story.txt",
        "d",
        "-o",
        "lim.csv",
        "--limit",
        "1",
        "--quiet",
    ]));
    let (_, rows) = read_csv(&w.path("lim.csv"));
    assert_eq!(
        rows.iter()
            .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
            .collect::<Vec<_>>(),
        [
            ("story.txt", "0", "0"),
            ("story.txt", "0", "1"),
            ("story.txt", "1", "2")
        ]
    );

    // stdin in, stdout out.
    let mut child = Command::new(BIN)
        .current_dir(w.dir.path())
        .args([
            "score",
            "-",
            "-o",
            "-",
            "--format",
            "lines",
            "--scorers",
            "lexicon",
            "--embeddings",
            "stdin.npy",
            "--quiet",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"First paragraph. Still first.\nSecond paragraph.\n")
        .unwrap();
    let out = ok(child.wait_with_output().unwrap());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "doc_id,paragraph,sentence,start,end,text,n_tokens,truncated,forced_split,date,sentiment_lexicon"
    );
    assert_eq!(
        lines[1..],
        [
            "-,0,0,0,16,First paragraph.,5,false,false,,0.000000",
            "-,0,1,17,29,Still first.,5,false,false,,0.000000",
            "-,1,2,30,47,Second paragraph.,5,false,false,,0.000000"
        ]
    );
}

#[test]
fn article_structure_goes_to_docs_not_to_sentences() {
    models();
    let w = Workdir::new();
    let docs = w.path("docs.csv");
    ok(w.run(&[
        "score",
        root().join("datasets").to_str().unwrap(),
        "-o",
        "out.csv",
        "--docs",
        docs.to_str().unwrap(),
        "--precision",
        "fp32",
        "--quiet",
    ]));
    // Scores within the cross-CPU tolerance (the golden file was written on another
    // machine); identity within one machine is tests/invariance.rs's.
    assert_csv_close(
        &root().join("tests/fixtures/golden/sample-docs.csv"),
        &docs,
        ACROSS_CPUS,
    );
    let (_, rows) = read_csv(&w.path("out.csv"));
    let texts: Vec<&str> = rows.iter().map(|r| r[5].as_str()).collect();
    for furniture in [
        "Tuesday, March 3 2026",
        "Update: March, 03/2026 - 09:12",
        "See also:",
        "Send Us Your Comments:",
        "— Wire",
    ] {
        assert!(
            !texts.iter().any(|t| t.contains(furniture)),
            "{furniture:?} was scored"
        );
    }
    assert!(texts.contains(&"Two neighbouring states that fought a brief border war in 2024 agreed on Tuesday to reopen their main road crossing, officials said, in the clearest sign yet of a thaw between the former rivals."));

    // --keep-boilerplate scores the trailing site furniture too.
    ok(w.run(&[
        "score",
        root()
            .join("datasets/sample/sanctions.txt")
            .to_str()
            .unwrap(),
        "-o",
        "kept.csv",
        "--keep-boilerplate",
        "--quiet",
    ]));
    let (_, rows) = read_csv(&w.path("kept.csv"));
    assert_eq!(rows.last().unwrap()[5], "See also:");
}

#[test]
fn segment_needs_no_model_and_has_only_span_columns() {
    let w = Workdir::new();
    w.write(
        "r.jsonl",
        b"{\"id\": \"a\", \"text\": \"Talks began. Both sides spoke.\\n\\nSecond para.\"}\n",
    );
    let mut cmd = Command::new(BIN);
    cmd.current_dir(w.dir.path())
        .env("DETENTE_MODELS", w.path("no-models"))
        .args(["segment", "r.jsonl", "-o", "seg.csv", "--quiet"]);
    ok(cmd.output().unwrap());
    let (h, rows) = read_csv(&w.path("seg.csv"));
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
    assert_eq!(
        rows.iter()
            .map(|r| (r[1].as_str(), r[5].as_str()))
            .collect::<Vec<_>>(),
        [
            ("0", "Talks began."),
            ("0", "Both sides spoke."),
            ("1", "Second para.")
        ]
    );
    // --paragraphs whole: the record's text is one paragraph.
    ok(w.run(&[
        "segment",
        "r.jsonl",
        "-o",
        "whole.csv",
        "--paragraphs",
        "whole",
        "--quiet",
    ]));
    let (_, rows) = read_csv(&w.path("whole.csv"));
    assert!(rows.iter().all(|r| r[1] == "0") && rows.len() == 3);
    ok(w.run(&[
        "segment",
        "r.jsonl",
        "-o",
        "nosplit.csv",
        "--paragraphs",
        "whole",
        "--no-split",
        "--quiet",
    ]));
    let (_, rows) = read_csv(&w.path("nosplit.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][5], "Talks began. Both sides spoke.\n\nSecond para.");
}

#[test]
fn non_english_documents_are_flagged_not_dropped() {
    let w = Workdir::new();
    w.write("de.txt", "Der Außenminister traf sich am Montag mit seinem Amtskollegen in Berlin, um über die Lage an der Grenze zu sprechen. Beide Seiten vereinbarten weitere Gespräche.\n".as_bytes());
    let out = ok(w.run(&["segment", "de.txt", "-o", "seg.csv", "--docs", "docs.csv"]));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("de.txt looks like language 'deu'"),
        "{}",
        show(&out)
    );
    let (h, rows) = read_csv(&w.path("docs.csv"));
    assert_eq!(rows[0][h.iter().position(|c| c == "lang").unwrap()], "deu");
    assert_eq!(read_csv(&w.path("seg.csv")).1.len(), 2);
}

#[test]
fn a_five_megabyte_paragraph_without_a_full_stop_comes_out_as_rows() {
    let w = Workdir::new();
    let words = [
        "talks",
        "border",
        "minister",
        "agreed",
        "the",
        "of",
        "sanctions",
        "trade",
        "and",
        "troops",
    ];
    let mut text = String::with_capacity(5_100_000);
    let mut state = 7u64;
    while text.len() < 5_000_000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text.push_str(words[(state >> 33) as usize % words.len()]);
        text.push(' ');
    }
    w.write("huge.txt", text.trim_end().as_bytes());
    let started = std::time::Instant::now();
    // The lexicon scorer only: this checks the splitting, which every scorer shares; the
    // encoder's cost per piece is bounded by its 256-token window.
    let out = ok(w.run(&[
        "score",
        "huge.txt",
        "-o",
        "huge.csv",
        "--scorers",
        "lexicon",
    ]));
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cut into"),
        "{}",
        show(&out)
    );
    let (h, rows) = read_csv(&w.path("huge.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert!(rows.len() >= 2500, "{} rows", rows.len());
    let mut covered = 0;
    for r in &rows {
        assert_eq!(r[col("forced_split")], "true");
        assert!(r[col("text")].chars().count() <= 2000);
        let (s, e): (usize, usize) = (
            r[col("start")].parse().unwrap(),
            r[col("end")].parse().unwrap(),
        );
        assert_eq!(&text[s..e], r[col("text")]);
        covered += e - s;
    }
    // Only the spaces at the cuts are left out.
    assert_eq!(covered + rows.len() - 1, text.trim_end().len());
}
