//! Sentence segmentation throughput over the UN General Debate 2023 speeches (one
//! paragraph per line), in bytes per second. Run: `cargo bench --bench segment`.
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente::input::ParagraphRule;
use detente::text::segment::segment;

/// The corpus folder: `ungdc_2023` of the data sets (`DETENTE_DATASETS`, else
/// `../shared/datasets` beside the repository).
fn corpus_dir() -> PathBuf {
    let datasets = detente::train::data::datasets_dir()
        .map(|(dir, _)| dir)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets"));
    datasets.join("ungdc_2023")
}

/// The texts of every `*.txt` file in the corpus, in name order; `None` when absent.
fn corpus() -> Option<Vec<String>> {
    let dir = corpus_dir();
    eprintln!("segment bench: corpus from {}", dir.display());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    (!texts.is_empty()).then_some(texts)
}

fn bench(c: &mut Criterion) {
    let Some(texts) = corpus() else {
        println!(
            "skipping: {}/*.txt not found (set DETENTE_DATASETS)",
            corpus_dir().display()
        );
        return;
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    let sentences: usize = texts
        .iter()
        .map(|t| segment(t, ParagraphRule::Lines, true).len())
        .sum();
    println!(
        "segment: {} files, {bytes} bytes, {sentences} sentences",
        texts.len()
    );
    let mut group = c.benchmark_group("segment");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("ungdc_2023", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                n += segment(black_box(t), ParagraphRule::Lines, true).len();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
