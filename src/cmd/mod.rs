//! Subcommands, one file each: its arguments and a `run`. The input and run options that
//! `score` and `segment` share live here.
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use std::process::ExitCode;

use anyhow::Context;
use detente::input::{Format, IngestOptions};
use detente::model::batch::BatchLimits;
use detente::model::{Device, PrecisionRequest};
use detente::output::Output;
use detente::run::{self, Mode, Notice, RunConfig, Summary};
use detente::score::ScorerOptions;
use detente::text::TextOptions;

pub mod aggregate;
pub mod evaluate;
pub mod merge;
pub mod report;
pub mod score;
pub mod scorers;
pub mod segment;
pub mod train;

/// Exit codes: 0 every document went in; 1 the run finished but some inputs were
/// skipped (or a failure mid-run); 2 the run could not start (bad flags, a missing or
/// damaged model file, an unwritable output path, a mismatched checkpoint); 130
/// interrupted by SIGINT/SIGTERM, with what was complete kept for `--resume`.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<detente::Error>() {
        Some(
            detente::Error::ModelFileMissing { .. }
            | detente::Error::Model { .. }
            | detente::Error::UnknownScorer { .. }
            | detente::Error::OutputPath { .. }
            | detente::Error::Resume(_)
            | detente::Error::Usage(_),
        ) => 2,
        Some(detente::Error::Interrupted { .. }) => 130,
        _ => 1,
    }
}

/// A flag that SIGINT or SIGTERM sets: the run stops after the current chunk, keeping
/// what is complete. A second signal ends the process at once.
pub fn stop_flag() -> Option<Arc<AtomicBool>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(sig, 130, Arc::clone(&flag)).ok()?;
        signal_hook::flag::register(sig, Arc::clone(&flag)).ok()?;
    }
    Some(flag)
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Paragraphs {
    /// By format: blank lines (txt, jsonl, csv) or lines (`lines`).
    Auto,
    /// Each document's whole text is one paragraph.
    Whole,
}

/// Options shared by `score` and `segment`.
#[derive(clap::Args)]
pub struct InputArgs {
    /// Files or directories (read recursively, in sorted order), or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output CSV (`-` for stdout), or Parquet when the name ends in `.parquet` or `.pq` (so
    /// do --docs and --errors). A manifest is written beside it as OUT.manifest.json.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Input format; default: from each file's extension (.txt, .jsonl/.ndjson, .csv, with
    /// optional .gz/.zst). `lines` (one paragraph per line) is never guessed.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// CSV input: the column holding the document id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_column: String,
    /// CSV input: the column holding the text (also the JSONL field).
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_column: String,
    /// CSV input: the column holding each document's date (read like a date line: ISO
    /// 8601, "4 December 2020", ...); it fills the `date` column.
    #[arg(long, value_name = "NAME")]
    pub date_column: Option<String>,
    /// Only the documents of shard K of N (0 ≤ K < N), by a fixed hash of doc_id: N
    /// processes with K = 0..N-1 cover the corpus exactly once (`detente merge` joins them).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<detente::input::shard::Shard>,
    /// JSONL fields or CSV columns to carry into extra columns at the end of each row.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub keep_fields: Vec<String>,
    /// Treat each paragraph as one sentence (for already-segmented data).
    #[arg(long)]
    pub no_split: bool,
    /// How documents fall into paragraphs.
    #[arg(long, value_enum, default_value = "auto")]
    pub paragraphs: Paragraphs,
    /// txt articles: also score trailing site boilerplate ("See also:", "Send Us Your Comments:").
    #[arg(long)]
    pub keep_boilerplate: bool,
    /// Also write one row per document: title, date, dateline, credit, language, counts.
    #[arg(long, value_name = "FILE")]
    pub docs: Option<PathBuf>,
    /// Also write one row per skipped input item: source, line, doc_id, kind, message.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Threads for everything, rayon and libtorch together (default: all cores). Output is
    /// identical for any value.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Finish an interrupted run: rerun the same command with --resume; the result is
    /// identical to an uninterrupted run.
    #[arg(long)]
    pub resume: bool,
    /// Documents (files, JSONL lines, CSV rows) per chunk: the unit of progress, memory
    /// and --resume. Output does not depend on it, except embeddings in the last bits.
    #[arg(long, default_value_t = detente::run::CHUNK_UNITS, value_name = "N")]
    pub chunk_size: usize,
    /// Stop after N documents (a dry run).
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

impl InputArgs {
    pub fn output(&self) -> Output {
        Output::from_arg(&self.output)
    }

    /// The run configuration these options describe, with no scorer options set: the
    /// caller fills in what its subcommand adds.
    pub fn run_config(&self, mode: Mode) -> Result<RunConfig, detente::Error> {
        self.check()?;
        Ok(RunConfig {
            mode,
            inputs: self.inputs.clone(),
            ingest: self.ingest(),
            text: TextOptions {
                split: !self.no_split,
                whole_paragraphs: self.paragraphs == Paragraphs::Whole,
                keep_boilerplate: self.keep_boilerplate,
            },
            docs: self.docs.clone(),
            errors: self.errors.clone(),
            resume: self.resume,
            chunk_units: self.chunk_size,
            stop: stop_flag(),
            scorers: Some(Vec::new()),
            scorer_options: ScorerOptions::default(),
            models: None,
            output: self.output(),
            embeddings: None,
            threads: self.threads,
            batch: BatchLimits::default(),
            precision: PrecisionRequest::default(),
            device: Device::Cpu,
            limit: self.limit,
            shard: self.shard,
            quiet: self.quiet,
            command_line: std::env::args().collect(),
        })
    }

    /// Runs `score` or `segment` (`detente::run`), prints the summary line and turns skipped inputs into exit code 1.
    pub fn execute(cfg: &RunConfig, what: &'static str) -> anyhow::Result<ExitCode> {
        let summary = run::run(cfg, &mut print_notice).context(what)?;
        if !cfg.quiet {
            print_summary(&summary, &cfg.output);
        }
        Ok(if summary.errors > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }

    /// Checks that only one of the outputs goes to stdout.
    pub fn check(&self) -> Result<(), detente::Error> {
        let docs_stdout = self.docs.as_ref().is_some_and(|d| d.as_os_str() == "-");
        if docs_stdout && self.output.as_os_str() == "-" {
            return Err(detente::Error::Usage(
                "-o - and --docs - cannot both write to stdout".into(),
            ));
        }
        Ok(())
    }

    pub fn ingest(&self) -> IngestOptions {
        IngestOptions {
            format: self.format,
            id_column: self.id_column.clone(),
            text_column: self.text_column.clone(),
            keep_fields: self.keep_fields.clone(),
            date_column: self.date_column.clone(),
        }
    }
}

/// Prints a notice on stderr as it happens.
pub fn print_notice(n: Notice<'_>) {
    match n {
        Notice::InputError(e) => eprintln!("detente: error: {e} (skipped)"),
        Notice::DuplicateId { doc_id, source, line } => eprintln!(
            "detente: warning: duplicate doc_id {doc_id:?} at {source}{}; rows kept, not merged",
            line.map(|l| format!(":{l}")).unwrap_or_default()
        ),
        Notice::Recoded { doc_id, source, line } => eprintln!(
            "detente: warning: {doc_id} ({source}{}) is not UTF-8; read as Windows-1252",
            line.map(|l| format!(":{l}")).unwrap_or_default()
        ),
        Notice::ForcedSplit { doc_id, pieces } => eprintln!(
            "detente: warning: {doc_id}: a sentence over {} characters was cut into {pieces} pieces (forced_split)",
            detente::run::MAX_SENTENCE_CHARS
        ),
        Notice::BadDate { doc_id, value } => eprintln!(
            "detente: warning: {doc_id}: date {value:?} is not a date; its date column is left empty"
        ),
        Notice::NotEnglish { doc_id, lang } => eprintln!(
            "detente: warning: {doc_id} looks like language '{lang}', not English; the scorers are English-only (scored anyway)"
        ),
    }
}

/// The one summary line at the end of a run.
pub fn print_summary(summary: &Summary, output: &Output) {
    eprintln!(
        "detente: {} documents, {} sentences, {} errors, {:.1} s ({:.0} sentences/s) -> {}{}",
        summary.documents,
        summary.sentences,
        summary.errors,
        summary.seconds,
        summary.sentences as f64 / summary.seconds.max(1e-9),
        output.describe(),
        summary
            .manifest
            .as_ref()
            .map(|m| format!(" (manifest {})", m.display()))
            .unwrap_or_default(),
    );
}
