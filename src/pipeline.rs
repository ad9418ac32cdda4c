//! Strings the stages together: ingest → segment → tokenize → batch → encode → score →
//! write, one chunk of input at a time so memory stays bounded on any corpus size.
//!
//! Everything that can fail for lack of a model file is checked before the first byte
//! of input is read. Within a chunk each stage runs in parallel (see [`crate::parallel`])
//! and rows are written in input order, so the CSV is identical for any thread count.
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::batch::{self, BatchLimits};
use crate::encoder::{self, EncoderSpec};
use crate::error::{Error, InputError};
use crate::ingest::{self, Document, Format, IngestOptions, Reader};
use crate::models;
use crate::parallel::{self, EncoderPool};
use crate::progress::Progress;
use crate::score::{self, Cell, Scorer, ScorerOptions, Sentence};
use crate::segment::{self, SentenceSpan};
use crate::tokenize::{SentenceTokenizer, Tokens};
use crate::write::{self, CsvOut, NpyOut, Output, Row};

/// Documents and bytes per chunk: big enough to keep every core busy and batches full,
/// small enough that memory does not grow with the corpus.
const CHUNK_UNITS: usize = 512;
const CHUNK_BYTES: u64 = 4 << 20;

/// Everything a `score` run needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub inputs: Vec<PathBuf>,
    pub ingest: IngestOptions,
    /// Split paragraphs into sentences (`false`: `--no-split`).
    pub split: bool,
    /// Scorers by name; `None` runs every built-in one.
    pub scorers: Option<Vec<String>>,
    pub scorer_options: ScorerOptions,
    pub models: Option<PathBuf>,
    pub output: Output,
    pub embeddings: Option<PathBuf>,
    /// 0: every core.
    pub threads: usize,
    pub batch: BatchLimits,
    pub limit: Option<u64>,
    pub quiet: bool,
    /// The command line, for the manifest.
    pub command_line: Vec<String>,
}

/// Something the user should hear about; the run goes on.
#[derive(Debug)]
pub enum Notice<'a> {
    /// A bad input item, skipped and counted.
    InputError(&'a InputError),
    /// A doc_id seen before; both documents' rows are written.
    DuplicateId { doc_id: &'a str, source: &'a str, line: Option<u64> },
}

/// Counts and timings of a finished run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub documents: u64,
    pub sentences: u64,
    pub errors: u64,
    pub duplicate_ids: u64,
    pub truncated: u64,
    pub load_seconds: f64,
    pub seconds: f64,
    pub manifest: Option<PathBuf>,
}

/// The stages' shared, loaded state.
struct Loaded {
    tokenizer: SentenceTokenizer,
    encoders: Option<EncoderPool>,
    scorers: Vec<Box<dyn Scorer>>,
    files: Vec<(PathBuf, String)>,
    models_dir: PathBuf,
}

/// Runs `score`. Input problems go to `notify` and are counted; only problems that make
/// the whole run impossible (a missing model, an unwritable output) return `Err`.
pub fn run(cfg: &RunConfig, notify: &mut dyn FnMut(Notice<'_>)) -> Result<Summary, Error> {
    let started = Instant::now();
    let threads = parallel::resolve_threads(cfg.threads);
    let pool = parallel::rayon_pool(threads)?;
    let selected = score::select(cfg.scorers.as_deref())?;
    let need_encoder = selected.iter().any(|s| s.needs_embedding) || cfg.embeddings.is_some();
    let loaded = load(cfg, &selected, need_encoder, threads)?;
    let load_seconds = started.elapsed().as_secs_f64();

    let files = ingest::expand_inputs(&cfg.inputs, &cfg.ingest);
    let has_jsonl = files.iter().any(|f| matches!(f, Ok(f) if f.format == Some(Format::Jsonl)));
    let total_bytes = files
        .iter()
        .map(|f| f.as_ref().ok().filter(|f| f.path.is_some()).map(|f| f.size))
        .sum::<Option<u64>>();
    let input_names: Vec<String> = cfg.inputs.iter().map(|p| p.display().to_string()).collect();

    let mut header: Vec<String> = write::BASE_COLUMNS.iter().map(|s| s.to_string()).collect();
    for s in &loaded.scorers {
        header.extend(s.columns().iter().cloned());
    }
    if has_jsonl {
        header.extend(["title".to_string(), "date".to_string()]);
    }
    header.extend(cfg.ingest.keep_fields.iter().cloned());
    let mut csv = CsvOut::create(&cfg.output, &header)?;
    let mut npy = match (&cfg.embeddings, &loaded.encoders) {
        (Some(path), Some(enc)) => Some(NpyOut::create(path, enc.dim())?),
        _ => None,
    };

    let mut summary = Summary { load_seconds, ..Summary::default() };
    let mut progress = Progress::new(cfg.quiet, total_bytes);
    let mut reader = Reader::new(files, cfg.ingest.clone());
    let mut seen_ids: HashSet<String> = HashSet::new();
    let mut cells: Vec<Cell> = Vec::new();
    loop {
        if cfg.limit.is_some_and(|l| summary.documents >= l) {
            break;
        }
        let units = reader.next_chunk(CHUNK_UNITS, CHUNK_BYTES);
        if units.is_empty() {
            break;
        }
        let weight: u64 = units.iter().map(|u| u.weight()).sum();
        let decoded: Vec<Result<Document, InputError>> =
            pool.install(|| units.into_par_iter().map(|u| ingest::decode(u, &cfg.ingest)).collect());
        let mut docs = Vec::with_capacity(decoded.len());
        for d in decoded {
            match d {
                Err(e) => {
                    summary.errors += 1;
                    notify(Notice::InputError(&e));
                }
                Ok(doc) => {
                    if cfg.limit.is_some_and(|l| summary.documents >= l) {
                        break;
                    }
                    if !seen_ids.insert(doc.doc_id.clone()) {
                        summary.duplicate_ids += 1;
                        notify(Notice::DuplicateId { doc_id: &doc.doc_id, source: &doc.source, line: doc.line });
                    }
                    summary.documents += 1;
                    docs.push(doc);
                }
            }
        }

        let chunk = process_chunk(&pool, &loaded, cfg, &docs)?;
        for (k, s) in chunk.sentences.iter().enumerate() {
            let doc = &docs[s.doc];
            let tokens = &chunk.tokens[k];
            cells.clear();
            cells.extend_from_slice(&chunk.scores[k]);
            let mut meta: Vec<&str> = Vec::new();
            if has_jsonl {
                meta.push(&doc.title);
                meta.push(&doc.date);
            }
            meta.extend(doc.kept.iter().map(|s| s.as_str()));
            csv.write(&Row {
                doc_id: &doc.doc_id,
                paragraph: s.span.paragraph,
                sentence: s.index,
                start: s.span.span.start,
                end: s.span.span.end,
                text: &doc.text[s.span.span.start..s.span.span.end],
                n_tokens: tokens.n_tokens,
                truncated: tokens.truncated,
                scores: &cells,
                meta: &meta,
            })?;
            summary.truncated += tokens.truncated as u64;
        }
        if let (Some(npy), Some(emb)) = (npy.as_mut(), chunk.embeddings.as_ref()) {
            npy.write(emb)?;
        }
        summary.sentences += chunk.sentences.len() as u64;
        progress.advance(weight, docs.len() as u64, chunk.sentences.len() as u64);
    }
    progress.finish();
    csv.finish()?;
    if let Some(npy) = npy {
        npy.finish()?;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    if let Output::File(out) = &cfg.output {
        let path = manifest_path(out);
        let manifest = manifest(cfg, &loaded, threads, &selected, &input_names, &summary, need_encoder);
        write::write_json(&path, &manifest)?;
        summary.manifest = Some(path);
    }
    Ok(summary)
}

/// `OUT.manifest.json` beside the CSV.
pub fn manifest_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".manifest.json");
    PathBuf::from(s)
}

/// Checks every needed file, then loads the tokenizer, the encoders and the scorers.
fn load(cfg: &RunConfig, selected: &[score::ScorerInfo], need_encoder: bool, threads: usize) -> Result<Loaded, Error> {
    let models = models::resolve(cfg.models.as_deref());
    let enc_dir = models.path.join(encoder::MODEL_NAME);
    let tokenizer_files: Vec<PathBuf> =
        [encoder::TOKENIZER, encoder::SBERT_CONFIG, encoder::POOLING_CONFIG].iter().map(|f| enc_dir.join(f)).collect();
    models::require(&tokenizer_files, "the tokenizer (n_tokens, truncated)")?;
    let mut used = tokenizer_files.clone();
    if need_encoder {
        let files: Vec<PathBuf> = [encoder::CONFIG, encoder::WEIGHTS].iter().map(|f| enc_dir.join(f)).collect();
        models::require(&files, "the sentence encoder")?;
        used.extend(files);
    }
    for s in selected {
        let files = s.file_paths(&models.path);
        models::require(&files, &format!("scorer '{}'", s.name))?;
        used.extend(files);
    }
    used.sort();
    used.dedup();

    let spec = EncoderSpec::read(&enc_dir)?;
    let tokenizer = SentenceTokenizer::from_file(&enc_dir.join(encoder::TOKENIZER), spec.max_seq_length)?;
    // Fingerprint the files while the encoders load.
    let (hashes, encoders) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| used.iter().map(|p| models::sha256_file(p).map(|h| (p.clone(), h))).collect());
        let encoders = if need_encoder { Some(EncoderPool::start(&spec, threads)) } else { None };
        let hashes: Result<Vec<(PathBuf, String)>, Error> = hashing.join().expect("hashing thread");
        (hashes, encoders)
    });
    let files = hashes?;
    let encoders = encoders.transpose()?;
    let scorers = selected
        .iter()
        .map(|s| (s.build)(&models.path, &cfg.scorer_options))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Loaded { tokenizer, encoders, scorers, files, models_dir: models.path })
}

/// A sentence of the chunk: its document, index within the document, and span.
struct ChunkSentence {
    doc: usize,
    index: usize,
    span: SentenceSpan,
}

struct Chunk {
    sentences: Vec<ChunkSentence>,
    tokens: Vec<Tokens>,
    embeddings: Option<Vec<f32>>,
    scores: Vec<Vec<Cell>>,
}

fn process_chunk(pool: &rayon::ThreadPool, loaded: &Loaded, cfg: &RunConfig, docs: &[Document]) -> Result<Chunk, Error> {
    let spans: Vec<Vec<SentenceSpan>> =
        pool.install(|| docs.par_iter().map(|d| segment::segment(&d.text, d.paragraphs, cfg.split)).collect());
    let sentences: Vec<ChunkSentence> = spans
        .into_iter()
        .enumerate()
        .flat_map(|(doc, v)| v.into_iter().enumerate().map(move |(index, span)| ChunkSentence { doc, index, span }))
        .collect();
    let text = |s: &ChunkSentence| &docs[s.doc].text[s.span.span.start..s.span.span.end];
    let tokens: Vec<Tokens> = pool.install(|| {
        sentences.par_iter().map(|s| loaded.tokenizer.encode(text(s))).collect::<Result<Vec<_>, Error>>()
    })?;

    let embeddings = match &loaded.encoders {
        None => None,
        Some(enc) => Some(embed(enc, &tokens, cfg.batch)?),
    };
    let dim = loaded.encoders.as_ref().map_or(0, |e| e.dim());
    let scores: Vec<Vec<Cell>> = pool.install(|| {
        sentences
            .par_iter()
            .enumerate()
            .map(|(k, s)| {
                let sentence = Sentence {
                    text: text(s),
                    embedding: embeddings.as_ref().map(|e| &e[k * dim..(k + 1) * dim]),
                };
                let mut cells = Vec::new();
                for scorer in &loaded.scorers {
                    scorer.score(&sentence, &mut cells);
                }
                cells
            })
            .collect()
    });
    Ok(Chunk { sentences, tokens, embeddings, scores })
}

/// Embeds every sentence of a chunk in length-sorted batches; rows come back in the
/// chunk's order.
fn embed(enc: &EncoderPool, tokens: &[Tokens], limits: BatchLimits) -> Result<Vec<f32>, Error> {
    let dim = enc.dim();
    let lengths: Vec<usize> = tokens.iter().map(|t| t.ids.len()).collect();
    let plan = batch::plan(&lengths, limits);
    let batches = plan.iter().map(|b| b.iter().map(|&i| tokens[i].ids.clone()).collect()).collect();
    let results = enc.embed(batches)?;
    let mut out = vec![0f32; tokens.len() * dim];
    for (b, rows) in plan.iter().zip(results) {
        for (k, &i) in b.iter().enumerate() {
            out[i * dim..(i + 1) * dim].copy_from_slice(&rows[k * dim..(k + 1) * dim]);
        }
    }
    Ok(out)
}

fn manifest(
    cfg: &RunConfig,
    loaded: &Loaded,
    threads: usize,
    selected: &[score::ScorerInfo],
    inputs: &[String],
    summary: &Summary,
    need_encoder: bool,
) -> serde_json::Value {
    use serde_json::json;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    json!({
        "detente_version": crate::VERSION,
        "commit": crate::COMMIT,
        "command_line": cfg.command_line,
        "finished_unix_seconds": now,
        "inputs": inputs,
        "output": cfg.output.describe(),
        "embeddings": cfg.embeddings.as_ref().map(|p| p.display().to_string()),
        "scorers": selected.iter().map(|s| json!({
            "name": s.name,
            "columns": (s.columns)(&cfg.scorer_options),
            "needs_embedding": s.needs_embedding,
        })).collect::<Vec<_>>(),
        "encoder": {
            "name": encoder::MODEL_NAME,
            "loaded": need_encoder,
            "precision": "fp32",
            "device": "cpu",
            "max_tokens": loaded.tokenizer.max_tokens(),
        },
        "split_sentences": cfg.split,
        "threads": threads,
        "batch": { "max_sentences": cfg.batch.max_sentences, "token_budget": cfg.batch.token_budget },
        "models_dir": loaded.models_dir.display().to_string(),
        "files": loaded.files.iter().map(|(p, h)| json!({ "path": p.display().to_string(), "sha256": h })).collect::<Vec<_>>(),
        "counts": {
            "documents": summary.documents,
            "sentences": summary.sentences,
            "errors": summary.errors,
            "duplicate_ids": summary.duplicate_ids,
            "truncated": summary.truncated,
        },
        "timings": { "load_seconds": summary.load_seconds, "total_seconds": summary.seconds },
    })
}
