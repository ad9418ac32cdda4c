//! Errors: bad usage, missing or damaged models and bad training data stop a run with exit
//! code 2 before it writes anything, naming the culprit; bad input documents are named,
//! counted and skipped.
use std::process::Command;

use crate::common::{models, read_csv, show, Workdir, BIN};

/// Usage errors come before any model loads: with no models at all, a bad `--resume`
/// still reports itself, not a missing model file.
#[test]
fn usage_errors_come_before_any_model_loads() {
    let w = Workdir::new();
    w.write("a.txt", b"Talks resumed.");
    let empty = w.path("no-models");
    std::fs::create_dir_all(&empty).unwrap();
    let models = empty.to_str().unwrap();
    let out = w.run(&["score", "a.txt", "-o", "-", "--resume", "--models", models]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--resume needs -o FILE"), "{}", show(&out));
    w.write("out.csv.checkpoint.json", br#"{"fingerprint":"another","units":1,"csv_bytes":0,"docs_bytes":null,"errors_bytes":null,"npy_rows":null,"summary":{}}"#);
    let out = w.run(&[
        "score", "a.txt", "-o", "out.csv", "--resume", "--models", models,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("written by a run with other inputs or options")
            && !err.contains("model file"),
        "{}",
        show(&out)
    );
    let out = w.run(&[
        "score", "a.txt", "-o", "-", "--docs", "-", "--models", models,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot both write to stdout"));
    let out = w.run(&[
        "score",
        "a.txt",
        "-o",
        "out.csv",
        "--scorers",
        "nope",
        "--models",
        models,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scorer 'nope'"));
}

#[test]
fn bad_inputs_are_named_counted_and_skipped() {
    models();
    let w = Workdir::new();
    w.write(
        "in/a-good.txt",
        b"Talks resumed on Monday. Both sides welcomed them.\n",
    );
    w.write(
        "in/b-bad-utf8.txt",
        // 0x81 and 0x8d are undefined in Windows-1252: no fallback.
        b"First line is fine.\nSecond has \x81\x8d bad bytes.\n",
    );
    w.write("in/b2-latin.txt", b"The caf\xe9 talks went well.\n");
    w.write("in/c-empty.txt", b"");
    w.write("in/d-binary.txt", b"%PDF-1.4\n\x00\x01\x02");
    w.write("in/e-records.jsonl", b"{\"id\": \"r1\", \"text\": \"A good record.\"}\n{\"id\": \"r2\", \"text\": \"cut in ha\n{\"id\": \"r3\", \"text\": \"Another good one.\"}\n");
    let out = w.run(&[
        "score",
        "in",
        "-o",
        "out.csv",
        "--errors",
        "errors.csv",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "b-bad-utf8.txt:2: invalid UTF-8",
        "warning: b2-latin.txt (b2-latin.txt) is not UTF-8; read as Windows-1252",
        "c-empty.txt: the file is empty",
        "d-binary.txt:2: a NUL byte",
        "e-records.jsonl:2: malformed JSON",
    ] {
        assert!(
            err.contains(needle),
            "stderr lacks {needle:?}\n{}",
            show(&out)
        );
    }
    let (_, rows) = read_csv(&w.path("out.csv"));
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        ids,
        ["a-good.txt", "a-good.txt", "b2-latin.txt", "r1", "r3"]
    );
    assert_eq!(rows[2][5], "The café talks went well.");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("out.csv.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["counts"]["errors"], 4);
    // Every skipped item is a row of --errors: never neither rows nor an error row.
    let (h, errors) = read_csv(&w.path("errors.csv"));
    assert_eq!(h, ["source", "line", "doc_id", "kind", "message"]);
    let got: Vec<(&str, &str, &str)> = errors
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("b-bad-utf8.txt", "2", "invalid-utf8"),
            ("c-empty.txt", "", "empty"),
            ("d-binary.txt", "2", "binary"),
            ("e-records.jsonl", "2", "json"),
        ]
    );
}

#[test]
fn missing_model_stops_before_reading_input_with_exit_code_2() {
    let w = Workdir::new();
    w.write("empty-models/.keep", b"");
    w.write("a.txt", b"Hello there.");
    let base = [
        "score",
        "a.txt",
        "-o",
        "out.csv",
        "--models",
        "empty-models",
    ];
    // The default scorers need the encoder, whose tokenizer is checked first; the larger
    // encoder names its own folder and the command that installs it.
    for (extra, expected) in [
        (&[][..], &["scripts/bootstrap", "tokenizer.json"][..]),
        (
            &["--model", "mpnet"][..],
            &["all-mpnet-base-v2", "scripts/bootstrap --mpnet"][..],
        ),
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let out = w.run(&args);
        assert_eq!(out.status.code(), Some(2), "{}", show(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            expected.iter().all(|e| err.contains(e)),
            "{extra:?}: {}",
            show(&out)
        );
        assert!(
            !w.path("out.csv").exists(),
            "output was created before the model check"
        );
    }
}

#[test]
fn a_damaged_model_file_fails_at_start_up_with_its_name() {
    let m = models();
    let w = Workdir::new();
    let enc = m.join("all-MiniLM-L6-v2");
    for f in [
        "config.json",
        "tokenizer.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
    ] {
        w.write(
            &format!("m/all-MiniLM-L6-v2/{f}"),
            &std::fs::read(enc.join(f)).unwrap(),
        );
    }
    for f in ["vader_lexicon.txt", "emoji_utf8_lexicon.txt"] {
        w.write(
            &format!("m/vader/{f}"),
            &std::fs::read(m.join("vader").join(f)).unwrap(),
        );
    }
    let weights = std::fs::read(enc.join("model.safetensors")).unwrap();
    w.write(
        "m/all-MiniLM-L6-v2/model.safetensors",
        &weights[..1_000_000],
    ); // cut short
    w.write("a.txt", b"Talks resumed.");
    let out = w.run(&[
        "score",
        "a.txt",
        "-o",
        "out.csv",
        "--models",
        "m",
        "--scorers",
        "lexicon",
        "--embeddings",
        "e.npy",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("model.safetensors") && err.contains("scripts/bootstrap"),
        "{}",
        show(&out)
    );
    assert!(!err.contains("panicked"), "{}", show(&out));
}

#[test]
fn train_names_the_file_and_line_of_bad_training_data() {
    let m = models();
    let w = Workdir::new();
    let hutto = "home/data/hutto_ICWSM_2014";
    let train = |w: &Workdir| {
        Command::new(BIN)
            .env_clear()
            .env("DETENTE_HOME", w.path("home"))
            .current_dir(w.dir.path())
            .args([
                "train",
                "--models",
                m.to_str().unwrap(),
                "--tension",
                "t.tsv",
                "--roots",
                "r.tsv",
                "--news",
                "n.jsonl",
            ])
            .output()
            .expect("run detente")
    };
    w.write(
        &format!("{hutto}/tweets_GroundTruth.txt"),
        b"1\t0.5\tfine\n2\tgreat\tnot a number\n",
    );
    let out = train(&w);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("tweets_GroundTruth.txt:2"),
        "{}",
        show(&out)
    );
    for set in [
        "tweets",
        "movieReviewSnippets",
        "amazonReviewSnippets",
        "nytEditorialSnippets",
    ] {
        w.write(&format!("{hutto}/{set}_GroundTruth.txt"), b"1\t0.5\tfine\n");
    }
    w.write(
        "t.tsv",
        b"Troops crossed the border.\t4\nTalks resumed.\tseven\n",
    );
    let out = train(&w);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("t.tsv:2: class \"seven\""),
        "{}",
        show(&out)
    );
    // The silver roots must match the tension sentences, row by row.
    use sha2::{Digest, Sha256};
    let sentences = ["Troops crossed the border.", "Talks resumed."];
    w.write(
        "t.tsv",
        format!("{}\t4\n{}\t1\n", sentences[0], sentences[1]).as_bytes(),
    );
    let sha = |s: &str| format!("{:x}", Sha256::digest(s.as_bytes()))[..12].to_string();
    let roots = |first: &str| {
        format!(
            "line\tsha256\tgold\troot\n1\t{}\t4\t19\n2\t{}\t1\t\n",
            sha(first),
            sha(sentences[1])
        )
    };
    w.write("r.tsv", roots("Troops crossed the river.").as_bytes());
    let out = train(&w);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("r.tsv:2: row 1 does not match"),
        "{}",
        show(&out)
    );
    // A malformed news line.
    w.write("r.tsv", roots(sentences[0]).as_bytes());
    w.write(
        "n.jsonl",
        b"{\"sentence_normalized\": \"Fine.\", \"targets\": [{\"polarity\": 4.0}]}\n{\"sentence_normalized\": \"Broken.\"\n",
    );
    let out = train(&w);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("n.jsonl:2"),
        "{}",
        show(&out)
    );
}
