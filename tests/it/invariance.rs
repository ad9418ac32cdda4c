//! The CSV's first promise: a sentence's scores do not depend on how the run was cut. In
//! each precision the product offers, on the machine that runs the tests, the default
//! run, `--batch-size 1`, `--token-budget 300 --threads 1`, `--chunk-size 4` and four
//! shards joined by `detente merge` must give byte-identical CSVs (and embeddings and
//! `--docs` files, where one run writes them), on a
//! corpus whose sentences run from 3 to over 200 tokens. Identity, not a tolerance: a
//! kernel that rounds a row differently in a differently shaped batch fails here. int8's
//! linear layers (`_int_mm`, not a oneDNN or MKL product) are exact integer sums with
//! per-row scales: invariant by construction, checked the same way.
use std::path::Path;

use crate::common::{ok, root, run, show};

/// Words for made-up sentences of any length.
const WORDS: &[&str] = &[
    "the",
    "ministers",
    "of",
    "both",
    "countries",
    "met",
    "in",
    "the",
    "capital",
    "on",
    "monday",
    "to",
    "discuss",
    "border",
    "security",
    "trade",
    "and",
    "water",
    "rights",
    "after",
    "months",
    "of",
    "tension",
    "officials",
    "said",
    "talks",
    "would",
    "resume",
    "next",
    "week",
    "while",
    "troops",
    "remained",
    "near",
    "disputed",
    "villages",
    "envoys",
    "welcomed",
    "the",
    "agreement",
    "but",
    "warned",
    "against",
    "new",
    "sanctions",
    "aid",
    "convoys",
    "crossed",
    "river",
    "ports",
];

/// A txt corpus: the committed sample articles, plus documents whose sentences have 1 to
/// 150 words (up to about 200 tokens), in an order that mixes lengths within each chunk.
fn corpus(dir: &Path) {
    corpus_of(dir, true, 24);
}

/// `generated` made-up documents, with the sample articles when `samples`.
fn corpus_of(dir: &Path, samples: bool, generated: usize) {
    let inp = dir.join("in");
    std::fs::create_dir_all(&inp).unwrap();
    let sample_dir = root().join("datasets/sample");
    let entries = if samples {
        std::fs::read_dir(sample_dir).unwrap().collect()
    } else {
        Vec::new()
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            std::fs::copy(&path, inp.join(path.file_name().unwrap())).unwrap();
        }
    }
    let mut seed = 12345u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for d in 0..generated {
        let mut text = String::new();
        for p in 0..3 {
            for _ in 0..4 {
                let words = 1 + if next(4) == 0 { next(150) } else { next(30) };
                let sentence: Vec<&str> = (0..words)
                    .map(|_| WORDS[next(WORDS.len() as u64) as usize])
                    .collect();
                let joined = sentence.join(" ");
                text.push_str(&joined[..1].to_uppercase());
                text.push_str(&joined[1..]);
                text.push_str(". ");
            }
            if p < 2 {
                text.push_str("\n\n");
            }
        }
        std::fs::write(inp.join(format!("gen-{d:02}.txt")), text).unwrap();
    }
}

/// Runs `score in` with `extra` options; returns the bytes of the CSV, the embeddings and
/// the `--docs` file.
fn score(d: &Path, name: &str, precision: &str, extra: &[&str]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let csv = format!("{name}.csv");
    let npy = format!("{name}.npy");
    let docs = format!("{name}-docs.csv");
    let mut args = vec![
        "score",
        "in",
        "-o",
        &csv,
        "--embeddings",
        &npy,
        "--docs",
        &docs,
        "--class-probs",
        "--precision",
        precision,
        "--quiet",
    ];
    args.extend_from_slice(extra);
    ok(run(d, &args));
    (
        std::fs::read(d.join(&csv)).unwrap(),
        std::fs::read(d.join(&npy)).unwrap(),
        std::fs::read(d.join(&docs)).unwrap(),
    )
}

/// The first rows where two CSVs differ, for the failure message.
fn first_differences(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    a.lines()
        .zip(b.lines())
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .take(3)
        .map(|(i, (x, y))| format!("line {i}:\n  {x}\n  {y}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn identical_however_cut(precision: &str) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    corpus(d);
    let (base_csv, base_npy, base_docs) = score(d, "default", precision, &[]);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("default.csv.manifest.json")).unwrap(),
    )
    .unwrap();
    println!(
        "{precision}: cpu {}, {} sentences",
        manifest["encoder"]["cpu"], manifest["counts"]["sentences"]
    );
    assert!(manifest["counts"]["sentences"].as_u64().unwrap() > 300);
    for (name, extra) in [
        ("batch1", &["--batch-size", "1"][..]),
        (
            "budget300",
            &["--token-budget", "300", "--threads", "1"][..],
        ),
        ("chunk4", &["--chunk-size", "4"][..]),
    ] {
        let (csv, npy, docs) = score(d, name, precision, extra);
        assert!(
            csv == base_csv,
            "{precision}: {extra:?} changed the CSV\n{}",
            first_differences(&base_csv, &csv)
        );
        assert!(
            npy == base_npy,
            "{precision}: {extra:?} changed the embeddings"
        );
        assert!(
            docs == base_docs,
            "{precision}: {extra:?} changed the --docs file"
        );
    }
    let mut merge = vec!["merge".to_string()];
    for k in 0..4 {
        let shard = format!("{k}/4");
        let name = format!("part-{k}");
        score(d, &name, precision, &["--shard", &shard]);
        merge.push(format!("{name}.csv"));
    }
    merge.extend(["-o".into(), "merged.csv".into()]);
    let merge: Vec<&str> = merge.iter().map(String::as_str).collect();
    let out = run(d, &merge);
    assert!(out.status.success(), "{}", show(&out));
    let merged = std::fs::read(d.join("merged.csv")).unwrap();
    assert!(
        merged == base_csv,
        "{precision}: four merged shards differ from one run\n{}",
        first_differences(&base_csv, &merged)
    );
}

/// The larger encoder (`--model mpnet`, every scorer on it, its default precision): the
/// sample articles scored whole, one sentence a batch, and with a small token budget on one
/// thread, give the same bytes. Skips, saying so, without `scripts/bootstrap --mpnet`.
#[test]
fn mpnet_scores_do_not_depend_on_how_the_run_is_cut() {
    let test = "mpnet_scores_do_not_depend_on_how_the_run_is_cut";
    let enc = root().join("models/all-mpnet-base-v2/model.safetensors");
    if !enc.is_file() {
        crate::common::log_skip(&format!(
            "{test}: {} is missing (scripts/bootstrap --mpnet installs it)",
            enc.display()
        ));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    corpus_of(d, true, 0);
    let mpnet = ["--model", "mpnet"];
    let (base_csv, base_npy, base_docs) = score(d, "default", "auto", &mpnet);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("default.csv.manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["encoder"]["name"], "all-mpnet-base-v2");
    println!(
        "mpnet: {} ({}), {} sentences",
        manifest["encoder"]["precision"],
        manifest["encoder"]["cpu"],
        manifest["counts"]["sentences"]
    );
    let sentences = manifest["counts"]["sentences"].as_u64().unwrap() as usize;
    assert!(sentences > 50);
    // The embeddings are the larger encoder's: 768 float32 a row after the .npy header.
    assert!(base_npy.len() > sentences * 768 * 4 && base_npy.len() < sentences * 768 * 4 + 256);
    for (name, extra) in [
        ("batch1", &["--batch-size", "1"][..]),
        (
            "budget300",
            &["--token-budget", "300", "--threads", "1"][..],
        ),
    ] {
        let args: Vec<&str> = mpnet.iter().chain(extra).copied().collect();
        let (csv, npy, docs) = score(d, name, "auto", &args);
        assert!(
            csv == base_csv,
            "mpnet: {extra:?} changed the CSV\n{}",
            first_differences(&base_csv, &csv)
        );
        assert!(npy == base_npy, "mpnet: {extra:?} changed the embeddings");
        assert!(
            docs == base_docs,
            "mpnet: {extra:?} changed the --docs file"
        );
    }
    // Parts scored on different encoders are refused by merge, naming both.
    score(d, "part-0", "auto", &["--model", "mpnet", "--shard", "0/2"]);
    score(d, "part-1", "auto", &["--shard", "1/2"]);
    let out = run(
        d,
        &["merge", "part-0.csv", "part-1.csv", "-o", "merged.csv"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("all-mpnet-base-v2") && err.contains("all-MiniLM-L6-v2"),
        "{}",
        show(&out)
    );
}

#[test]
fn bf16_scores_do_not_depend_on_how_the_run_is_cut() {
    identical_however_cut("bf16");
}

/// int8's integer products are exact and its activation scales are per row, so this holds
/// by construction on every CPU; the test keeps it so.
#[test]
fn int8_scores_do_not_depend_on_how_the_run_is_cut() {
    identical_however_cut("int8");
}

#[test]
fn fp32_scores_do_not_depend_on_how_the_run_is_cut() {
    identical_however_cut("fp32");
}

/// Which matrix kernels this CPU runs, printed for the record (the `brg:` names of
/// oneDNN's bf16 products, say `avx512_core_amx` or `avx512_core_bf16`, and MKL's banner
/// for fp32), and the property the invariance rests on: every linear-layer product has
/// exactly `ROW_TILE` rows, whatever the number of sentences.
#[test]
fn every_linear_product_has_one_row_count_and_the_kernels_are_printed() {
    use std::collections::BTreeSet;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    corpus(d);
    let tile = detente::model::bert::ROW_TILE.to_string();
    for precision in ["bf16", "fp32"] {
        let out = std::process::Command::new(crate::common::BIN)
            .current_dir(d)
            .env("ONEDNN_VERBOSE", "1")
            .env("MKL_VERBOSE", "1")
            .args(["score", "in/gen-00.txt", "in/gen-01.txt", "-o", "v.csv"])
            .args(["--threads", "1", "--quiet", "--precision", precision])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", show(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut kernels = BTreeSet::new();
        let mut rows = BTreeSet::new();
        // A linear layer multiplies by a weight of the encoder's widths (hidden → 3·hidden
        // for the stacked query, key and value; hidden → hidden; hidden ↔ 4·hidden); the
        // fused attention kernel's own products have the head width (32) on one side.
        let hidden = detente::model::encoder::DIM;
        let linear = |inner: &str, out: &str| {
            let (inner, out) = (inner.parse().unwrap_or(0), out.parse().unwrap_or(0));
            [hidden, 4 * hidden].contains(&inner) && [hidden, 3 * hidden, 4 * hidden].contains(&out)
        };
        for line in stdout.lines() {
            let fields: Vec<&str> = line.split(',').collect();
            if line.starts_with("onednn_verbose,primitive,exec,cpu,matmul") && fields.len() > 10 {
                kernels.insert(format!("oneDNN matmul {}", fields[5]));
                // "512x384:384x1536": a 2-D product; 3-D ones are batched attention.
                let (a, b) = fields[10].split_once(':').unwrap_or((fields[10], ""));
                let dims: Vec<&str> = a.split('x').chain(b.split('x')).collect();
                if dims.len() == 4 && linear(dims[2], dims[3]) {
                    rows.insert(dims[0].to_string());
                }
            } else if let Some(args) = line.strip_prefix("MKL_VERBOSE SGEMM(") {
                // SGEMM(T,N,out,rows,in,...): libtorch passes the row-major product
                // transposed, so the sentences' rows are the fourth argument.
                let args: Vec<&str> = args.split(',').collect();
                if args.len() > 4 && linear(args[4], args[2]) {
                    rows.insert(args[3].to_string());
                }
                kernels.insert("MKL sgemm".into());
            } else if line.starts_with("MKL_VERBOSE oneMKL")
                || line.starts_with("MKL_VERBOSE Intel")
            {
                kernels.insert(line.trim().to_string());
            }
        }
        println!(
            "{precision}: cpu {}; kernels: {kernels:?}; linear-layer row counts: {rows:?}",
            detente::model::device::cpu_summary()
        );
        if rows.is_empty() {
            println!("{precision}: this libtorch printed no verbose lines; row counts not checked");
            continue;
        }
        assert_eq!(
            rows,
            BTreeSet::from([tile.clone()]),
            "{precision}: a linear layer ran with another row count"
        );
    }
}

/// The CPU kinds this machine is not: oneDNN's instruction sets capped with
/// `ONEDNN_MAX_CPU_ISA` (AVX-512 without its bf16 extension, and AVX2 only, where bf16
/// products are emulated), MKL's likewise. Each must still give identical bf16 output
/// however the run is cut (its scores differ from this CPU's own kernels, which is
/// the cross-CPU tolerance's business, not this test's).
#[test]
fn bf16_is_batch_invariant_on_the_kernels_of_cpus_without_avx512_bf16() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    corpus_of(d, false, 3);
    let capped = |isa: &str, name: &str, extra: &[&str]| -> Vec<u8> {
        let csv = format!("{isa}-{name}.csv");
        let mut cmd = std::process::Command::new(crate::common::BIN);
        cmd.env_clear().current_dir(d);
        for key in ["PATH", "HOME"] {
            if let Some(v) = std::env::var_os(key) {
                cmd.env(key, v);
            }
        }
        let out = cmd
            .env("ONEDNN_MAX_CPU_ISA", isa)
            .env("MKL_ENABLE_INSTRUCTIONS", "AVX2")
            .args(["score", "in", "-o", &csv, "--quiet", "--class-probs"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", show(&out));
        std::fs::read(d.join(&csv)).unwrap()
    };
    for isa in ["AVX512_CORE", "AVX2"] {
        let base = capped(isa, "default", &[]);
        for (name, extra) in [
            ("batch1", &["--batch-size", "1"][..]),
            (
                "chunk1",
                &["--chunk-size", "1", "--token-budget", "300"][..],
            ),
        ] {
            let csv = capped(isa, name, extra);
            assert!(
                csv == base,
                "{isa}: {extra:?} changed the CSV\n{}",
                first_differences(&base, &csv)
            );
        }
        println!("{isa}: identical");
    }
}
