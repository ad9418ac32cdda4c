//! Parity: the binary's output against what it must equal, namely the golden CSV of the sample
//! corpus, the reference implementations (sentence-transformers and its tokenizer,
//! vaderSentiment, the training code's forward pass, the actor-sentiment reference), and
//! itself whatever the threads, the batch or the layout.
use std::path::Path;

use crate::common::{assert_csv_close, models, ok, read_csv, root, show, Workdir, ACROSS_CPUS};

/// Regenerate the golden files after a deliberate change of output (and review the diff):
/// `target/release/detente score datasets -o tests/fixtures/golden/sample.csv
/// --docs tests/fixtures/golden/sample-docs.csv --quiet --precision fp32`, then delete the
/// manifest beside it.
#[test]
fn sample_corpus_matches_golden_csv() {
    models();
    let w = Workdir::new();
    let out = w.path("out.csv");
    ok(w.run(&[
        "score",
        root().join("datasets").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--precision",
        "fp32",
        "--quiet",
    ]));
    assert_csv_close(
        &root().join("tests/fixtures/golden/sample.csv"),
        &out,
        ACROSS_CPUS,
    );
    // The manifest names the model files by sha256 and counts what was done.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("out.csv.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["counts"]["documents"], 17);
    assert_eq!(manifest["counts"]["errors"], 0);
    let files = manifest["files"].as_array().unwrap();
    assert!(files.iter().any(
        |f| f["path"].as_str().unwrap().ends_with("vader_lexicon.txt")
            && f["sha256"] == "1ec9c6e9ee19aade328f8beb393a6afa71a5bb3acf7d3cc22d4ef568df374bf5"
    ));
}

#[test]
fn threads_one_and_two_give_identical_output() {
    models();
    let w = Workdir::new();
    let input = root().join("datasets");
    let mut csvs = Vec::new();
    let mut npys = Vec::new();
    for t in ["1", "2"] {
        let out = w.path(&format!("t{t}.csv"));
        let npy = w.path(&format!("t{t}.npy"));
        ok(w.run(&[
            "score",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--embeddings",
            npy.to_str().unwrap(),
            "--threads",
            t,
            "--quiet",
        ]));
        csvs.push(std::fs::read(&out).unwrap());
        npys.push(std::fs::read(&npy).unwrap());
    }
    assert!(csvs[0] == csvs[1], "CSV differs between --threads 1 and 2");
    assert!(
        npys[0] == npys[1],
        "embeddings differ between --threads 1 and 2"
    );
}

/// Reads a float32 .npy file: (rows, dim, values).
fn read_npy(path: &Path) -> (usize, usize, Vec<f32>) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..6], b"\x93NUMPY");
    let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + hlen]).unwrap();
    assert!(header.contains("'descr': '<f4'"), "{header}");
    let shape = header
        .split("'shape': (")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    let dims: Vec<usize> = shape
        .split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    let values: Vec<f32> = bytes[10 + hlen..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    assert_eq!(values.len(), dims[0] * dims[1]);
    (dims[0], dims[1], values)
}

struct Reference {
    text: String,
    input_ids: Vec<u32>,
    embedding: Vec<f32>,
}

fn reference() -> Vec<Reference> {
    reference_file("parity_reference.jsonl")
}

/// A reference file of `tests/fixtures/` (scripts/fixtures/reference_embeddings.py).
fn reference_file(name: &str) -> Vec<Reference> {
    let text = std::fs::read_to_string(root().join("tests/fixtures").join(name)).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            Reference {
                text: v["text"].as_str().unwrap().to_string(),
                input_ids: v["input_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap() as u32)
                    .collect(),
                embedding: v["embedding"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap() as f32)
                    .collect(),
            }
        })
        .collect()
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// Embeddings of the binary against sentence-transformers
/// (scripts/fixtures/reference_embeddings.py).
#[test]
fn encoder_matches_sentence_transformers() {
    models();
    let reference = reference();
    let w = Workdir::new();
    let sentences: String = reference.iter().map(|r| format!("{}\n", r.text)).collect();
    let input = w.write("parity.txt", sentences.as_bytes());
    let out = w.path("parity.csv");
    let npy = w.path("parity.npy");
    ok(w.run(&[
        "score",
        "--format",
        "lines",
        "--no-split",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        // No trained scorer: the base encoder, which is what the reference computes, in
        // the reference's fp32.
        "--scorers",
        "lexicon",
        "--embeddings",
        npy.to_str().unwrap(),
        "--precision",
        "fp32",
        "--quiet",
    ]));
    let (rows, dim, values) = read_npy(&npy);
    assert_eq!((rows, dim), (reference.len(), 384));
    let (h, csv_rows) = read_csv(&out);
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let mut worst = 1.0f64;
    for (i, r) in reference.iter().enumerate() {
        assert_eq!(csv_rows[i][col("text")], r.text);
        let c = cosine(&values[i * dim..(i + 1) * dim], &r.embedding);
        worst = worst.min(c);
        assert!(c >= 0.9999, "sentence {i} cosine {c}: {:?}", r.text);
        let truncated = csv_rows[i][col("truncated")] == "true";
        assert_eq!(
            truncated,
            r.input_ids.len() == 256
                && csv_rows[i][col("n_tokens")].parse::<usize>().unwrap() > 256
        );
        if !truncated {
            assert_eq!(
                csv_rows[i][col("n_tokens")],
                r.input_ids.len().to_string(),
                "{:?}",
                r.text
            );
        }
    }
    assert!(
        csv_rows.iter().any(|r| r[col("truncated")] == "true"),
        "the fixture's long sentence was not truncated"
    );
    eprintln!("worst cosine against sentence-transformers: {worst:.8}");
}

#[test]
fn tokenizer_ids_match_hugging_face() {
    let dir = models().join("all-MiniLM-L6-v2");
    let tok =
        detente::model::tokenize::SentenceTokenizer::from_file(&dir.join("tokenizer.json"), 256)
            .unwrap();
    for r in reference() {
        assert_eq!(
            tok.encode(&r.text).unwrap().ids,
            r.input_ids,
            "{:?}",
            r.text
        );
    }
}

/// Exactly the same embedding alone, in a batch of all the reference sentences (many
/// lengths), in that batch reversed, and beside copies of itself (one attention call holds
/// several sentences of one length), in both precisions.
#[test]
fn a_sentence_embeds_the_same_alone_and_in_a_mixed_batch() {
    use detente::model::encoder::{Encoder, EncoderSpec};
    use detente::model::Precision;
    println!("cpu: {}", detente::model::device::cpu_summary());
    let dir = models().join("all-MiniLM-L6-v2");
    let tok =
        detente::model::tokenize::SentenceTokenizer::from_file(&dir.join("tokenizer.json"), 256)
            .unwrap();
    let reference = reference();
    let ids: Vec<Vec<u32>> = reference
        .iter()
        .map(|r| tok.encode(&r.text).unwrap().ids)
        .collect();
    let refs: Vec<&[u32]> = ids.iter().map(|v| v.as_slice()).collect();
    let mut reversed = refs.clone();
    reversed.reverse();
    for precision in [Precision::Fp32, Precision::Bf16] {
        let mut spec = EncoderSpec::read(&dir).unwrap();
        spec.precision = precision;
        let encoder = Encoder::load(&spec).unwrap();
        let together = encoder.embed(&refs).unwrap();
        let backwards = encoder.embed(&reversed).unwrap();
        let n = refs.len();
        for (i, one) in refs.iter().enumerate() {
            let alone = encoder.embed(&[one]).unwrap();
            let row = |v: &[f32], k: usize| v[k * 384..(k + 1) * 384].to_vec();
            assert_eq!(
                alone,
                row(&together, i),
                "{precision:?}: sentence {i} changed inside a batch"
            );
            assert_eq!(
                alone,
                row(&backwards, n - 1 - i),
                "{precision:?}: sentence {i} changed with the batch order"
            );
            if i % 7 == 0 {
                // Five copies: the fifth sits at another place in the attention call
                // and in the row tiles.
                let copies = encoder.embed(&[*one; 5]).unwrap();
                assert_eq!(
                    alone,
                    row(&copies, 4),
                    "{precision:?}: sentence {i}, copy 5"
                );
            }
        }
    }
}

/// Training and inference share one forward pass (`model::bert`): the padded layout that
/// training uses, without adapters or dropout, embeds as the packed layout of inference.
#[test]
fn the_training_layout_embeds_as_inference_does() {
    use detente::model::bert::{self, Bert};
    use detente::model::encoder::{Encoder, EncoderSpec};
    let dir = models().join("all-MiniLM-L6-v2");
    let tok =
        detente::model::tokenize::SentenceTokenizer::from_file(&dir.join("tokenizer.json"), 256)
            .unwrap();
    let sentences = [
        "Seoul and Tokyo agreed to resume security talks.",
        "Troops crossed the border overnight, officials said.",
        "The minister expressed concern.",
    ];
    let ids: Vec<Vec<u32>> = sentences
        .iter()
        .map(|s| tok.encode(s).unwrap().ids)
        .collect();
    let refs: Vec<&[u32]> = ids.iter().map(|v| v.as_slice()).collect();
    let mut spec = EncoderSpec::read(&dir).unwrap();
    spec.precision = detente::model::Precision::Fp32;
    let inference = Encoder::load(&spec).unwrap().embed(&refs).unwrap();
    let (config, vars) = bert::load_vars(
        &dir.join("config.json"),
        &dir.join("model.safetensors"),
        tch::Device::Cpu,
    )
    .unwrap();
    let model = Bert::new(&vars, &config, tch::Kind::Float).unwrap();
    let (tokens, mask) = bert::pad_ids(&refs);
    let h = bert::run_layers(
        &model,
        None,
        model.embeddings_padded(&tokens),
        &mask,
        0,
        model.layers(),
        false,
    );
    let training: Vec<f32> = Vec::try_from(bert::pool(&h, &mask).view([-1])).unwrap();
    assert_eq!(training.len(), inference.len());
    let worst = training
        .iter()
        .zip(&inference)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(
        worst < 1e-5,
        "training and inference layouts differ by {worst}"
    );
}

#[test]
fn lexicon_only_runs_load_no_encoder() {
    let w = Workdir::new();
    // A models folder with the VADER files only: no encoder, no tokenizer.
    for f in ["vader_lexicon.txt", "emoji_utf8_lexicon.txt"] {
        w.write(
            &format!("m/vader/{f}"),
            &std::fs::read(models().join("vader").join(f)).unwrap(),
        );
    }
    w.write(
        "a.txt",
        b"The talks were a great success. Both sides condemned the attack!",
    );
    ok(w.run(&[
        "score",
        "a.txt",
        "-o",
        "out.csv",
        "--models",
        "m",
        "--scorers",
        "lexicon",
        "--lexicon-detail",
        "--quiet",
    ]));
    let (h, rows) = read_csv(&w.path("out.csv"));
    assert_eq!(
        h[6..],
        [
            "n_tokens",
            "truncated",
            "forced_split",
            "date",
            "sentiment_lexicon",
            "lexicon_pos",
            "lexicon_neu",
            "lexicon_neg"
        ]
    );
    // Reference values from vaderSentiment 3.3.2.
    assert_eq!(
        rows[0][10..],
        ["0.831600", "0.661000", "0.339000", "0.000000"]
    );
    assert_eq!(
        rows[1][10..],
        ["-0.742400", "0.000000", "0.323000", "0.677000"]
    );
    assert_eq!(
        (rows[0][6].as_str(), rows[0][7].as_str()),
        ("", ""),
        "no encoder, no token counts"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("out.csv.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["encoder"]["loaded"], false);
    assert_eq!(manifest["files"].as_array().unwrap().len(), 2);

    // Asking for embeddings with that folder fails before reading, naming the file.
    let out = w.run(&[
        "score",
        "a.txt",
        "-o",
        "emb.csv",
        "--models",
        "m",
        "--embeddings",
        "e.npy",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("tokenizer.json"),
        "{}",
        show(&out)
    );
}

/// The records of a reference fixture (`tests/fixtures/NAME`, one JSON object a line with
/// its sentence in `text`), and the CSVs of `detente score --no-split --precision fp32`
/// with `args` on those sentences at batch sizes 1 and 64.
fn score_reference_fixture(
    w: &Workdir,
    name: &str,
    args: &[&str],
) -> (Vec<serde_json::Value>, Vec<std::path::PathBuf>) {
    let text = std::fs::read_to_string(root().join("tests/fixtures").join(name)).unwrap();
    let reference: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sentences: String = reference
        .iter()
        .map(|r| format!("{}\n", r["text"].as_str().unwrap()))
        .collect();
    let input = w.write("s.txt", sentences.as_bytes());
    let mut runs = Vec::new();
    for bs in ["1", "64"] {
        let out = w.path(&format!("run{bs}.csv"));
        let mut cmd = vec![
            "score",
            "--format",
            "lines",
            "--no-split",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--batch-size",
            bs,
            "--precision",
            "fp32",
            "--quiet",
        ];
        cmd.extend_from_slice(args);
        ok(w.run(&cmd));
        runs.push(out);
    }
    (reference, runs)
}

/// The trained scorers against the training code's own forward pass
/// (`detente train` writes the reference, src/train/export.rs), each sentence scored inside a
/// run of all of them: the tuned encoder, the LoRA merge and the heads together.
#[test]
fn trained_heads_match_their_reference_and_ignore_batch_neighbours() {
    models();
    check_trained_heads("heads_reference.jsonl", &[]);
}

/// The same for the larger encoder's heads (`--model mpnet`, `models/mpnet/heads/`, their
/// reference written by `detente train --model mpnet`). Skips, saying so, when
/// `scripts/bootstrap --mpnet` has not installed the encoder.
#[test]
fn mpnet_heads_match_their_reference_and_ignore_batch_neighbours() {
    if !mpnet_installed("mpnet_heads_match_their_reference_and_ignore_batch_neighbours") {
        return;
    }
    check_trained_heads("heads_reference_mpnet.jsonl", &["--model", "mpnet"]);
}

/// Whether the larger encoder is in the models folder; logs the skip of `test` if not.
fn mpnet_installed(test: &str) -> bool {
    let dir = models().join("all-mpnet-base-v2");
    let there = dir.join("model.safetensors").is_file();
    if !there {
        crate::common::log_skip(&format!(
            "{test}: {} is missing (scripts/bootstrap --mpnet installs it)",
            dir.display()
        ));
    }
    there
}

/// Scores the sentences of the heads' reference `fixture` with `model_args` at two batch
/// sizes and compares every trained column with the training code's values.
fn check_trained_heads(fixture: &str, model_args: &[&str]) {
    let w = Workdir::new();
    let mut args = vec!["--scorers", "sentiment,tension", "--class-probs"];
    args.extend_from_slice(model_args);
    let (reference, runs) = score_reference_fixture(&w, fixture, &args);
    assert!(
        reference.len() >= 30,
        "{fixture}: {} sentences",
        reference.len()
    );
    assert_csv_close(&runs[0], &runs[1], 0.0);
    let (h, rows) = read_csv(&runs[1]);
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let classes = [
        "statement",
        "verbal_cooperation",
        "material_cooperation",
        "verbal_conflict",
        "material_conflict",
    ];
    for (r, row) in reference.iter().zip(&rows) {
        let expected = r["sentiment"].as_f64().unwrap().clamp(-1.0, 1.0);
        let got: f64 = row[col("sentiment")].parse().unwrap();
        assert!(
            (expected - got).abs() < 1e-4,
            "sentiment {got} vs {expected}: {:?}",
            r["text"]
        );
        for (k, c) in classes.iter().enumerate() {
            let expected = r["probs"][k].as_f64().unwrap();
            let got: f64 = row[col(&format!("p_{c}"))].parse().unwrap();
            assert!(
                (expected - got).abs() < 1e-4,
                "p_{c} {got} vs {expected}: {:?}",
                r["text"]
            );
        }
        // What the tension scorer derives from the class and root heads, and the news
        // head's label (compared only where its top two classes are not a near tie).
        for name in ["goldstein", "tension", "cameo_confidence"] {
            let expected = r[name].as_f64().unwrap();
            let got: f64 = row[col(name)].parse().unwrap();
            assert!(
                (expected - got).abs() < 1e-4,
                "{name} {got} vs {expected}: {:?}",
                r["text"]
            );
        }
        assert_eq!(row[col("cameo_root")], r["cameo_root"].as_str().unwrap());
        if r["label_margin"].as_f64().unwrap() > 1e-3 {
            assert_eq!(
                row[col("sentiment_label")],
                r["sentiment_label"].as_str().unwrap()
            );
        }
        let tension: f64 = row[col("tension")].parse().unwrap();
        assert!((0.0..=1.0).contains(&tension));
    }
}

/// `cameo_root` always lies in `event_class` (the grouping of `models/heads/config.json`,
/// which the scorer checks against its own), and `cameo_confidence` = p(root) never
/// exceeds `event_confidence` = p(class).
#[test]
fn the_cameo_root_always_agrees_with_the_event_class() {
    models();
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("models/heads/config.json")).unwrap(),
    )
    .unwrap();
    let labels = config["tension"]["labels"].as_array().unwrap();
    let class_of = |code: &str| -> String {
        let r = config["tension"]["roots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .unwrap_or_else(|| panic!("root {code} not in config.json"));
        labels[r["class"].as_u64().unwrap() as usize]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (h, rows) = read_csv(&root().join("tests/fixtures/golden/sample.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert!(rows.len() > 50);
    let mut roots = std::collections::BTreeSet::new();
    for row in &rows {
        assert_eq!(
            class_of(&row[col("cameo_root")]),
            row[col("event_class")],
            "{row:?}"
        );
        let (pr, pc): (f64, f64) = (
            row[col("cameo_confidence")].parse().unwrap(),
            row[col("event_confidence")].parse().unwrap(),
        );
        assert!(pr > 0.0 && pr <= pc + 1e-9, "{row:?}");
        roots.insert(row[col("cameo_root")].clone());
    }
    // A classifier, not a constant: the sample corpus spans several roots.
    assert!(roots.len() >= 5, "{roots:?}");
}

/// `actor_sentiment` against its reference (`tests/fixtures/actor_reference.jsonl`, written
/// by `scripts/build/actor_sentiment_fit.py --fixture-only`: the Python encoder, the mentions'
/// token states pooled, the exported head, fp32): the same states in the same order as
/// `actors`, each cell p(positive) − p(negative) to its three printed decimals, and the same
/// cells whatever the batch size.
#[test]
fn actor_sentiment_matches_its_reference_and_ignores_batch_neighbours() {
    models();
    let w = Workdir::new();
    let (reference, runs) = score_reference_fixture(
        &w,
        "actor_reference.jsonl",
        &["--scorers", "actors,actor_sentiment"],
    );
    assert!(reference.len() >= 10);
    assert_eq!(read_csv(&runs[0]), read_csv(&runs[1]));
    let (h, rows) = read_csv(&runs[1]);
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert_eq!(rows.len(), reference.len());
    for (r, row) in reference.iter().zip(&rows) {
        let states = r["states"].as_array().unwrap();
        let codes: Vec<&str> = states
            .iter()
            .map(|s| s["state"].as_str().unwrap())
            .collect();
        assert_eq!(row[col("actors")], codes.join(";"), "{:?}", r["text"]);
        let cells: Vec<&str> = row[col("actor_sentiment")].split(';').collect();
        assert_eq!(
            cells.len(),
            states.len(),
            "{:?}",
            row[col("actor_sentiment")]
        );
        for (cell, s) in cells.iter().zip(states) {
            let (code, value) = cell.split_once(':').unwrap();
            assert_eq!(code, s["state"].as_str().unwrap());
            let p = s["p"].as_array().unwrap();
            let expected = p[2].as_f64().unwrap() - p[0].as_f64().unwrap();
            let got: f64 = value.parse().unwrap();
            assert!(
                (expected - got).abs() <= 0.0005 + 1e-4,
                "{code}: {got} vs {expected:.4}: {:?}",
                r["text"]
            );
        }
    }
}

/// The larger encoder, all-mpnet-base-v2 (`scripts/bootstrap --mpnet`, in
/// `$DETENTE_HOME/models`), through the crate's forward pass: the ids of Hugging Face's
/// tokenizer and the embeddings of sentence-transformers
/// (`scripts/fixtures/reference_embeddings.py --mpnet`), in fp32, and every sentence
/// exactly the same alone as in one batch of all of them. Skips, saying so, without the
/// folder.
#[test]
fn mpnet_encoder_matches_sentence_transformers() {
    use detente::model::encoder::{Encoder, EncoderSpec};
    use detente::model::tokenize::SentenceTokenizer;
    let test = "mpnet_encoder_matches_sentence_transformers";
    let dir = detente::model::files::cache_dir()
        .map(|c| c.join("models/all-mpnet-base-v2"))
        .filter(|d| d.join("model.safetensors").is_file());
    let Some(dir) = dir else {
        crate::common::log_skip(&format!(
            "SKIPPED {test}: no all-mpnet-base-v2 in $DETENTE_HOME/models (scripts/bootstrap --mpnet)"
        ));
        return;
    };
    let spec = EncoderSpec::read(&dir).unwrap();
    assert_eq!((spec.dim, spec.max_seq_length), (768, 384));
    let tok =
        SentenceTokenizer::from_file(&dir.join("tokenizer.json"), spec.max_seq_length).unwrap();
    let encoder = Encoder::load(&spec).unwrap();
    let reference = reference_file("parity_reference_mpnet.jsonl");
    assert_eq!(reference.len(), 36);
    let mut ids = Vec::new();
    for r in &reference {
        let got = tok.encode(&r.text).unwrap().ids;
        assert_eq!(got, r.input_ids, "{:?}", r.text);
        ids.push(got);
    }
    let refs: Vec<&[u32]> = ids.iter().map(|v| v.as_slice()).collect();
    let batch = encoder.embed(&refs).unwrap();
    let dim = 768;
    let (mut worst_cos, mut worst_abs) = (1.0f64, 0.0f64);
    for (i, r) in reference.iter().enumerate() {
        let want = &r.embedding;
        let got = &batch[i * dim..(i + 1) * dim];
        let c = cosine(got, want);
        let abs = got
            .iter()
            .zip(want)
            .map(|(a, b)| (a - b).abs() as f64)
            .fold(0.0, f64::max);
        worst_cos = worst_cos.min(c);
        worst_abs = worst_abs.max(abs);
        assert!(c >= 0.99999, "sentence {i} cosine {c}: {:?}", r.text);
        assert!(abs <= 1e-5, "sentence {i} differs by {abs}: {:?}", r.text);
        let alone = encoder.embed(&[refs[i]]).unwrap();
        assert_eq!(alone, got, "sentence {i} alone and in the batch");
    }
    eprintln!("all-mpnet-base-v2 against sentence-transformers: worst cosine {worst_cos:.8}, largest difference {worst_abs:.2e}");
}
