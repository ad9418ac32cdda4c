//! The run: strings the layers together, ingest → text → tokenize → batch → encode →
//! score → write, one chunk of input at a time so memory stays bounded on any corpus size.
//!
//! A run has three phases, in this order:
//!
//! 1. `plan`: everything that can be decided without loading a model: the flags that
//!    do not go together, the checkpoint of `--resume`, the scorers, every model file
//!    they need (present?), the header. Every usage error is reported here.
//! 2. `outputs` are opened (or reopened for `--resume`), then `load` loads the
//!    tokenizer, the encoder workers and the scorers.
//! 3. The chunk loop: a reader thread reads one chunk ahead; each chunk is decoded and
//!    filtered (`admit`), analysed and scored (`chunk`), written, and checkpointed.
//!
//! Within a chunk each stage runs in parallel (see [`parallel`]) and rows are written in
//! input order, so the output is identical for any thread count, batch size or chunk size.
use std::path::PathBuf;
use std::time::Instant;

use crate::error::Error;
use crate::input::shard::Shard;
use crate::input::{IngestOptions, InputError, Reader};
use crate::model::batch::BatchLimits;
use crate::model::{Device, PrecisionRequest};
use crate::output::Output;
use crate::score::ScorerOptions;
use crate::text::TextOptions;

mod admit;
mod chunk;
mod load;
mod outputs;
pub mod parallel;
mod plan;
pub mod progress;
mod record;
pub mod resume;

pub use crate::input::CHUNK_UNITS;
pub use crate::text::MAX_SENTENCE_CHARS;

use progress::Progress;

/// What a run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `detente score`: tokens, embeddings and scores.
    Score,
    /// `detente segment`: sentences and offsets only; no model is loaded.
    Segment,
}

/// Everything a run needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub mode: Mode,
    pub inputs: Vec<PathBuf>,
    pub ingest: IngestOptions,
    /// How documents become sentences.
    pub text: TextOptions,
    /// One row per document (`--docs FILE`).
    pub docs: Option<PathBuf>,
    /// One row per skipped input item (`--errors FILE`).
    pub errors: Option<PathBuf>,
    /// Finish an interrupted run from its checkpoint (`--resume`).
    pub resume: bool,
    /// Most documents (input units) per chunk: the unit of progress, memory and resume.
    pub chunk_units: usize,
    /// Set (by a signal handler) to stop after the current chunk, keeping what is done.
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Scorers by name; `None` runs every built-in one.
    pub scorers: Option<Vec<String>>,
    pub scorer_options: ScorerOptions,
    pub models: Option<PathBuf>,
    pub output: Output,
    pub embeddings: Option<PathBuf>,
    /// 0: every core.
    pub threads: usize,
    pub batch: BatchLimits,
    /// The encoder's number format as asked for (`--precision`; `auto` is resolved by the
    /// plan, [`crate::model::precision::resolve`]).
    pub precision: PrecisionRequest,
    /// Where the encoder runs (`--device`, resolved).
    pub device: Device,
    pub limit: Option<u64>,
    /// Only the documents of this shard (`--shard K/N`).
    pub shard: Option<Shard>,
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
    DuplicateId {
        doc_id: &'a str,
        source: &'a str,
        line: Option<u64>,
    },
    /// A document that does not look like English; it is still scored.
    NotEnglish { doc_id: &'a str, lang: &'a str },
    /// A document that was not UTF-8 and was read as Windows-1252.
    Recoded {
        doc_id: &'a str,
        source: &'a str,
        line: Option<u64>,
    },
    /// A sentence longer than [`MAX_SENTENCE_CHARS`] was cut into pieces.
    ForcedSplit { doc_id: &'a str, pieces: usize },
    /// A JSONL `date` or `--date-column` value that is not a date: the `date` column is
    /// left empty.
    BadDate { doc_id: &'a str, value: &'a str },
}

/// Counts and timings of a finished run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Summary {
    pub documents: u64,
    pub sentences: u64,
    pub errors: u64,
    pub duplicate_ids: u64,
    pub truncated: u64,
    /// Rows that are pieces of a sentence over [`MAX_SENTENCE_CHARS`].
    pub forced_split: u64,
    /// Documents read as Windows-1252.
    pub recoded: u64,
    /// Paragraphs of txt articles set aside as date line, headline, stamps or boilerplate.
    pub set_aside: u64,
    pub not_english: u64,
    /// Documents whose JSONL `date` or `--date-column` value could not be read as a date.
    pub bad_dates: u64,
    pub load_seconds: f64,
    pub seconds: f64,
    pub manifest: Option<PathBuf>,
}

/// Runs `score` or `segment`. Input problems go to `notify` and are counted; only
/// problems that make the whole run impossible (a bad flag, a missing model, an
/// unwritable output) return `Err`, and those are found before any model loads.
pub fn run(cfg: &RunConfig, notify: &mut dyn FnMut(Notice<'_>)) -> Result<Summary, Error> {
    let started = Instant::now();
    let plan = plan::Plan::new(cfg)?;
    let pool = parallel::rayon_pool(plan.threads)?;
    let mut outputs = outputs::Outputs::open(cfg, &plan)?;
    let loaded = load::load(cfg, &plan)?;
    let cp = plan.checkpoint.as_ref();
    let mut summary = Summary {
        load_seconds: started.elapsed().as_secs_f64(),
        ..cp.map(|c| c.summary.clone()).unwrap_or_default()
    };
    let mut units_done = cp.map_or(0, |c| c.units);
    let mut progress = Progress::new(cfg.quiet, plan.total_bytes);
    let mut reader = Reader::new(plan.files.clone(), cfg.ingest.clone());
    let mut seen_ids = admit::IdSet::default();
    admit::skip_done(
        &pool,
        cfg,
        &mut reader,
        units_done,
        &mut seen_ids,
        &mut progress,
    );
    let chunk_units = cfg.chunk_units.max(1);
    // A reader thread walks the inputs one chunk ahead, so reading overlaps scoring.
    std::thread::scope(|scope| -> Result<(), Error> {
        let (chunk_tx, chunk_rx) = crossbeam_channel::bounded(2);
        scope.spawn(move || loop {
            let units = reader.next_chunk(chunk_units, crate::input::CHUNK_BYTES);
            if units.is_empty() || chunk_tx.send(units).is_err() {
                break;
            }
        });
        for units in chunk_rx.iter() {
            if cfg.limit.is_some_and(|l| summary.documents >= l) {
                break;
            }
            let weight: u64 = units.iter().map(|u| u.weight()).sum();
            let n_units = units.len() as u64;
            let docs = admit::admit(
                &pool,
                cfg,
                units,
                &mut seen_ids,
                &mut summary,
                &mut outputs,
                notify,
            )?;
            let chunk = chunk::process(&pool, &loaded, cfg, &docs)?;
            chunk::report(&docs, &chunk, &mut summary, notify);
            outputs.write_chunk(cfg, &plan, &loaded, &docs, &chunk, &mut summary)?;
            progress.advance(weight, docs.len() as u64, chunk.sentences.len() as u64);
            units_done += n_units;
            outputs.checkpoint(&plan, units_done, &summary)?;
            if cfg
                .stop
                .as_ref()
                .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
            {
                return Err(outputs.interrupted());
            }
        }
        Ok(())
    })?;
    progress.finish();
    outputs.finish()?;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.manifest = record::write_manifest(cfg, &plan, &loaded, &summary)?;
    Ok(summary)
}
