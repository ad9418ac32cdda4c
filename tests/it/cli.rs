//! Integration tests: the real `detente` binary on small committed fixtures, plus the
//! encoder checked against the reference implementation. They need the models that
//! `scripts/bootstrap` installs.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{models, ok, read_csv, root, show, Workdir, BIN};

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

/// How far an fp32 score printed with 6 decimals may differ between two CPUs: their
/// matrix kernels (AVX-512, AMX, AVX2) sum in different orders, which moves a score by
/// about 1e-6 (seen: `tension_max` 0.241137 against 0.241136 on an AMX machine). Golden
/// files are compared with it; on one machine the output is identical however the run is
/// cut (tests/invariance.rs), and bf16 scores are compared with fp32 ones elsewhere.
const ACROSS_CPUS: f64 = 1e-5;

/// Whether two `KEY:number;KEY:number` cells (`actor_sentiment`) name the same keys in the
/// same order with numbers within `tol` plus one unit of their last printed decimal (each
/// side is rounded on its own, so values `tol` apart may print one unit further apart).
/// `None` when the cells are not such lists.
fn keyed_numbers_close(a: &str, b: &str, tol: f64) -> Option<bool> {
    let parse = |c: &str| -> Option<Vec<(String, f64, usize)>> {
        c.split(';')
            .map(|kv| {
                let (k, v) = kv.split_once(':')?;
                let decimals = v.split_once('.')?.1.len();
                Some((k.to_string(), v.parse().ok()?, decimals))
            })
            .collect()
    };
    let (x, y) = (parse(a)?, parse(b)?);
    Some(
        x.len() == y.len()
            && x.iter().zip(&y).all(|((ka, va, d), (kb, vb, _))| {
                ka == kb && (va - vb).abs() <= tol + 10f64.powi(-(*d as i32)) + 1e-12
            }),
    )
}

/// Compares two CSVs field by field: numbers within `tol` (also inside `actor_sentiment`'s
/// `KEY:number` lists, see [`keyed_numbers_close`]), everything else exactly.
fn assert_csv_close(expected: &Path, actual: &Path, tol: f64) {
    let (eh, erows) = read_csv(expected);
    let (ah, arows) = read_csv(actual);
    assert_eq!(eh, ah, "headers differ");
    assert_eq!(
        erows.len(),
        arows.len(),
        "row counts differ: {} vs {}",
        expected.display(),
        actual.display()
    );
    for (i, (e, a)) in erows.iter().zip(&arows).enumerate() {
        for (j, (ev, av)) in e.iter().zip(a).enumerate() {
            let close = match (ev.parse::<f64>(), av.parse::<f64>()) {
                (Ok(x), Ok(y)) if ev.contains('.') => (x - y).abs() <= tol,
                _ if tol > 0.0 && ev != av => keyed_numbers_close(ev, av, tol).unwrap_or(false),
                _ => ev == av,
            };
            assert!(close, "row {i}, column {}: expected\n  {ev}\ngot\n  {av}\nexpected row: {e:?}\nactual row:   {a:?}", eh[j]);
        }
    }
}

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

struct Reference {
    text: String,
    input_ids: Vec<u32>,
    embedding: Vec<f32>,
}

fn reference() -> Vec<Reference> {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/parity_reference.jsonl")).unwrap();
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
    use detente::model::device::Precision;
    use detente::model::encoder::{Encoder, EncoderSpec};
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
    let model = Bert::new(&vars.variables(), &config, tch::Kind::Float).unwrap();
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
    let out = w.run(&[
        "score",
        "a.txt",
        "-o",
        "out.csv",
        "--models",
        "empty-models",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        // The default scorers need the encoder, whose tokenizer is checked first.
        err.contains("scripts/bootstrap") && err.contains("tokenizer.json"),
        "{}",
        show(&out)
    );
    assert!(
        !w.path("out.csv").exists(),
        "output was created before the model check"
    );
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
    let w = Workdir::new();
    let (reference, runs) = score_reference_fixture(
        &w,
        "heads_reference.jsonl",
        &["--scorers", "sentiment,tension", "--class-probs"],
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

/// Micro precision and recall of predicted actor sets against gold ones.
fn actor_precision_recall<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> (f64, f64) {
    let set = |s: &'a str| {
        s.split(';')
            .filter(|c| !c.is_empty())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (mut hit, mut predicted, mut gold) = (0usize, 0usize, 0usize);
    for (p, g) in pairs {
        let (p, g) = (set(p), set(g));
        hit += p.intersection(&g).count();
        predicted += p.len();
        gold += g.len();
    }
    (
        hit as f64 / predicted.max(1) as f64,
        hit as f64 / gold.max(1) as f64,
    )
}

#[test]
fn actors_gold_precision_recall() {
    // The hand-labelled sentences of the sample corpus (datasets/actors_gold.tsv): every
    // sentence `detente score` writes has a gold row, in the same order.
    let w = Workdir::new();
    ok(w.run(&[
        "score",
        root().join("datasets/sample").to_str().unwrap(),
        "-o",
        "out.csv",
        "--scorers",
        "actors",
        "--quiet",
    ]));
    let (header, rows) = read_csv(&w.path("out.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (actors, dyad) = (col("actors"), col("dyad"));
    let gold_text = std::fs::read_to_string(root().join("datasets/actors_gold.tsv")).unwrap();
    let gold: Vec<Vec<&str>> = gold_text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(gold.len(), rows.len(), "gold rows vs CSV rows");
    assert!(gold.len() >= 100);
    for (g, r) in gold.iter().zip(&rows) {
        assert_eq!(
            (g[0], g[2]),
            (r[0].as_str(), r[5].as_str()),
            "gold out of step"
        );
        let mut codes: Vec<&str> = r[actors].split(';').filter(|c| !c.is_empty()).collect();
        codes.truncate(2);
        codes.sort();
        assert_eq!(
            r[dyad],
            if codes.len() == 2 {
                codes.join("-")
            } else {
                String::new()
            }
        );
    }
    let report = |which: &str| {
        let (p, r) = actor_precision_recall(
            gold.iter()
                .zip(&rows)
                .filter(|(g, _)| which == "all" || g[1] == which)
                .map(|(g, r)| (r[actors].as_str(), g[3])),
        );
        println!("actors on {which} gold sentences: precision {p:.3}, recall {r:.3}");
        (p, r)
    };
    report("new");
    report("prior");
    let (p, r) = report("all");
    assert!(r >= 0.85, "recall {r:.3} < 0.85");
    assert!(p >= 0.70, "precision {p:.3} < 0.70");
}

#[test]
fn actors_carry_over_is_optional_and_independent_of_threads_and_chunks() {
    let w = Workdir::new();
    let input = root().join("datasets/sample");
    ok(w.run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        "plain.csv",
        "--scorers",
        "actors",
        "--quiet",
    ]));
    let (header, _) = read_csv(&w.path("plain.csv"));
    // `date` is the last base column; the JSONL file of the sample adds `title` after the
    // score columns.
    let actor_columns = [
        "actors",
        "dyad",
        "source",
        "target",
        "source_text",
        "target_text",
    ];
    assert_eq!(header[9..10], ["date"]);
    assert_eq!(header[10..16], actor_columns);
    assert_eq!(header[16..], ["title"]);
    let mut outs = Vec::new();
    for (t, chunk) in [("1", "1"), ("2", "100")] {
        let out = format!("carry-{t}.csv");
        ok(w.run(&[
            "score",
            input.to_str().unwrap(),
            "-o",
            &out,
            "--scorers",
            "actors",
            "--actors-carry",
            "--threads",
            t,
            "--chunk-size",
            chunk,
            "--quiet",
        ]));
        outs.push(std::fs::read(w.path(&out)).unwrap());
    }
    assert!(
        outs[0] == outs[1],
        "carry-over output depends on --threads/--chunk-size"
    );
    let (header, rows) = read_csv(&w.path("carry-1.csv"));
    assert_eq!(header[10..16], actor_columns);
    assert_eq!(header[16..], ["actors_inherited", "title"]);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (actors, dyad, inherited) = (col("actors"), col("dyad"), col("actors_inherited"));
    // A sentence naming no state takes its paragraph's first two ("South Sudan offered to
    // host the next round in Juba." names one); a paragraph naming none passes nothing on.
    let find = |start: &str| rows.iter().find(|r| r[5].starts_with(start)).unwrap();
    let row = find("Its foreign minister said his country");
    assert_eq!(
        (&row[actors][..], &row[dyad][..], &row[inherited][..]),
        ("SSD", "", "true")
    );
    let row = find("Relations remain tense, however.");
    assert_eq!((&row[actors][..], &row[inherited][..]), ("", "false"));
    let row = find("South Korea summoned");
    assert_eq!(
        (&row[actors][..], &row[dyad][..], &row[inherited][..]),
        ("KOR;JPN", "JPN-KOR", "false")
    );
}

#[test]
fn actors_held_out_precision_recall() {
    // Real news sentences that the project does not ship, labelled in
    // datasets/actors_gold_cameo.tsv by line number.
    let Some(path) = crate::common::dataset(
        "cameo_quad_train.tsv",
        "cli::actors_held_out_precision_recall",
    ) else {
        return;
    };
    let source = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = source.lines().collect();
    let labels = std::fs::read_to_string(root().join("datasets/actors_gold_cameo.tsv")).unwrap();
    let gold: Vec<(usize, &str)> = labels
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| {
            let (n, codes) = l.split_once('\t').unwrap();
            (n.parse().unwrap(), codes)
        })
        .collect();
    let text: String = gold
        .iter()
        .map(|(n, _)| format!("{}\n", lines[n - 1].split('\t').next().unwrap()))
        .collect();
    let w = Workdir::new();
    w.write("held-out.txt", text.as_bytes());
    ok(w.run(&[
        "score",
        "held-out.txt",
        "--format",
        "lines",
        "--no-split",
        "-o",
        "out.csv",
        "--scorers",
        "actors",
        "--quiet",
    ]));
    let (header, rows) = read_csv(&w.path("out.csv"));
    let actors = header.iter().position(|h| h == "actors").unwrap();
    assert_eq!(rows.len(), gold.len());
    let (p, r) = actor_precision_recall(
        rows.iter()
            .zip(&gold)
            .map(|(row, (_, g))| (row[actors].as_str(), *g)),
    );
    println!(
        "actors on {} held-out sentences: precision {p:.3}, recall {r:.3}",
        gold.len()
    );
    assert!(r >= 0.85, "recall {r:.3} < 0.85");
    assert!(p >= 0.70, "precision {p:.3} < 0.70");
}

#[test]
fn a_malformed_alias_table_stops_the_run_naming_file_and_line() {
    let m = models().join("actors");
    let w = Workdir::new();
    // Every table of the scorer, then a malformed alias table.
    for entry in std::fs::read_dir(&m).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        w.write(&format!("m/actors/{name}"), &std::fs::read(&path).unwrap());
    }
    w.write(
        "m/actors/aliases.tsv",
        b"# comment\ntext\tcodes\tkind\tguard\nKorea\tKOR\tshort\t-\nJapan\tJP\tshort\t-\n",
    );
    w.write("a.txt", b"Japan and Korea met.");
    let out = w.run(&[
        "score",
        "a.txt",
        "-o",
        "out.csv",
        "--models",
        "m",
        "--scorers",
        "actors",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("aliases.tsv") && err.contains("line 4") && err.contains("\"JP\""),
        "{}",
        show(&out)
    );
    assert!(!w.path("out.csv").exists());
}

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

/// `actor_sentiment` against its reference (`tests/fixtures/actor_reference.jsonl`, written
/// by `scripts/build/actor_sentiment_fit.py --write`: the Python encoder, the mentions'
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
