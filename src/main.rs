//! The `detente` command: parses arguments and dispatches to one file per subcommand.
//! Built twice (Cargo.toml): as `detente-torch`, with libtorch, and as `detente`, without
//! it (`front.rs`), which hands what needs the encoder to `detente-torch`.
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

pub fn main() -> ExitCode {
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
        #[cfg(feature = "torch")]
        Command::Train(args) => cmd::train::run(args),
        #[cfg(not(feature = "torch"))]
        Command::Train(_) => Err(detente::Error::NeedsTorch.into()),
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
            #[cfg(not(feature = "torch"))]
            if matches!(err.downcast_ref(), Some(detente::Error::NeedsTorch)) {
                return hand_off();
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

/// `detente-torch` in this binary's folder.
#[cfg(not(feature = "torch"))]
pub fn torch_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join("detente-torch"))
}

/// Runs `detente-torch` from this binary's folder in this process's place, with the same
/// arguments (see `front.rs`). Returns only when that fails.
#[cfg(not(feature = "torch"))]
pub fn hand_off() -> ExitCode {
    use std::os::unix::process::CommandExt;
    let Some(torch) = torch_binary() else {
        eprintln!("detente: error: cannot locate this binary's folder to find detente-torch");
        return ExitCode::from(2);
    };
    let mut args = std::env::args_os();
    let arg0 = args.next().unwrap_or_else(|| "detente".into());
    let err = std::process::Command::new(&torch)
        .arg0(arg0)
        .args(args)
        .exec();
    eprintln!(
        "detente: error: this command needs the encoder, which is in {} ({err}); build it with \
         scripts/build/bin (or cargo build --release)",
        torch.display()
    );
    ExitCode::from(2)
}
