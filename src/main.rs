//! The `detente` command: parses arguments and dispatches to one file per subcommand.
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

#[derive(Parser)]
#[command(
    name = "detente",
    version,
    about = "Per-sentence sentiment and diplomatic-tension scores for news and diplomatic text, written to CSV."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Split documents into sentences and score every sentence; writes one CSV row per sentence.
    Score(cmd::score::Args),
    /// Split documents into sentences without scoring: doc_id, paragraph, sentence, start, end, text.
    Segment(cmd::segment::Args),
    /// List the built-in scorers, their columns and model files.
    Scorers(cmd::scorers::Args),
    /// Group sentence rows by document, actor, dyad, source, target, directed pair, week, month or year: counts, means, p90.
    Aggregate(cmd::aggregate::Args),
    /// Join the parts of a sharded run (--shard K/N) into one table (CSV or Parquet) with one header.
    Merge(cmd::merge::Args),
    /// Write one self-contained HTML report of sentence tables: overview, charts, one view per document, filters.
    Report(cmd::report::Args),
    /// Train, measure and export the trained scorers' weights (models/heads/), with a fixed seed.
    Train(cmd::train::Args),
    /// Measure a scored table against gold labels joined by id: Pearson/Spearman, accuracy and macro-F1, AUC, reliability.
    Evaluate(cmd::evaluate::Args),
}

fn main() -> ExitCode {
    // SAFETY: first thing in main, before any other thread exists.
    unsafe { detente::model::tune_allocator() };
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Score(args) => cmd::score::run(args),
        Command::Segment(args) => cmd::segment::run(args),
        Command::Scorers(args) => cmd::scorers::run(args),
        Command::Aggregate(args) => cmd::aggregate::run(args),
        Command::Merge(args) => cmd::merge::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Train(args) => cmd::train::run(args),
        Command::Evaluate(args) => cmd::evaluate::run(args),
    };
    match result {
        Ok(code) if code == ExitCode::SUCCESS => {
            detente::model::exit_success_now();
            code
        }
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("detente: error: {err:#}");
            ExitCode::from(cmd::exit_code(&err))
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<csv::Error>().is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
    })
}
