//! `detente score`: the main job. Resolves every argument before anything loads, runs the
//! pipeline, reports bad inputs as they come and prints one summary line.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use detente::batch::BatchLimits;
use detente::ingest::{Format, IngestOptions};
use detente::pipeline::{self, Notice, RunConfig};
use detente::score::ScorerOptions;
use detente::write::Output;

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories (read recursively, in sorted order), or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output CSV (`-` for stdout). A manifest is written beside it as OUT.manifest.json.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Input format; default: from each file's extension (.txt, .jsonl/.ndjson, .csv, with
    /// optional .gz/.zst). `lines` (one paragraph per line) is never guessed.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// CSV input: the column holding the document id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    id_column: String,
    /// CSV input: the column holding the text (also the JSONL field).
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_column: String,
    /// JSONL fields or CSV columns to carry into extra columns at the end of each row.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    keep_fields: Vec<String>,
    /// Score each paragraph as one sentence (for already-segmented data).
    #[arg(long)]
    no_split: bool,
    /// Scorers to run, comma-separated (default: every built-in one; see `detente scorers`).
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    scorers: Option<Vec<String>>,
    /// Add the lexicon scorer's pos/neu/neg columns.
    #[arg(long)]
    lexicon_detail: bool,
    /// Models folder (default: DETENTE_MODELS, the repository's models/, ~/.cache/detente/models).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Also write the sentence embeddings as an N×384 float32 .npy aligned with the CSV rows
    /// (memory: one chunk at a time; disk: 1.5 KB per sentence).
    #[arg(long, value_name = "FILE.npy")]
    embeddings: Option<PathBuf>,
    /// Threads for everything, rayon and libtorch together (default: all cores). Output is
    /// identical for any value.
    #[arg(long, default_value_t = 0, value_name = "N")]
    threads: usize,
    /// Most sentences per encoder batch.
    #[arg(long, default_value_t = BatchLimits::default().max_sentences, value_name = "N")]
    batch_size: usize,
    /// Most padded tokens per encoder batch (sentences × longest sentence).
    #[arg(long, default_value_t = BatchLimits::default().token_budget, value_name = "N")]
    token_budget: usize,
    /// Stop after N documents (a dry run).
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.batch_size == 0 || args.token_budget == 0 {
        return Err(detente::Error::Usage("--batch-size and --token-budget must be at least 1".into()).into());
    }
    if let Some(e) = &args.embeddings {
        if e.as_os_str() == "-" {
            return Err(detente::Error::Usage("--embeddings needs a file, not stdout".into()).into());
        }
    }
    let output = if args.output.as_os_str() == "-" { Output::Stdout } else { Output::File(args.output.clone()) };
    let cfg = RunConfig {
        inputs: args.inputs,
        ingest: IngestOptions {
            format: args.format,
            id_column: args.id_column,
            text_column: args.text_column,
            keep_fields: args.keep_fields,
        },
        split: !args.no_split,
        scorers: args.scorers,
        scorer_options: ScorerOptions { lexicon_detail: args.lexicon_detail },
        models: args.models,
        output,
        embeddings: args.embeddings,
        threads: args.threads,
        batch: BatchLimits { max_sentences: args.batch_size, token_budget: args.token_budget },
        limit: args.limit,
        quiet: args.quiet,
        command_line: std::env::args().collect(),
    };
    let mut notify = |n: Notice<'_>| match n {
        Notice::InputError(e) => eprintln!("detente: error: {e} (skipped)"),
        Notice::DuplicateId { doc_id, source, line } => eprintln!(
            "detente: warning: duplicate doc_id {doc_id:?} at {source}{}; rows kept, not merged",
            line.map(|l| format!(":{l}")).unwrap_or_default()
        ),
    };
    let summary = pipeline::run(&cfg, &mut notify).context("score")?;
    if !cfg.quiet {
        eprintln!(
            "detente: {} documents, {} sentences, {} errors, {:.1} s ({:.0} sentences/s) -> {}{}",
            summary.documents,
            summary.sentences,
            summary.errors,
            summary.seconds,
            summary.sentences as f64 / summary.seconds.max(1e-9),
            cfg.output.describe(),
            summary.manifest.as_ref().map(|m| format!(" (manifest {})", m.display())).unwrap_or_default(),
        );
    }
    Ok(if summary.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
