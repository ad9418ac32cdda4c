//! `detente aggregate`: sentence CSVs → one row per document, actor, dyad, directed pair or period
//! (see [`detente::output::aggregate`]).
use std::path::PathBuf;
use std::process::ExitCode;

use detente::output::aggregate::{self, Key};
use detente::output::Output;

#[derive(clap::Args)]
pub struct Args {
    /// Sentence tables (CSV or Parquet) written by `detente score` (or the parts of a sharded run). Each
    /// document's rows must be contiguous, as detente writes them.
    #[arg(required = true, value_name = "SENTENCES.csv")]
    inputs: Vec<PathBuf>,
    /// What to group by, comma-separated: doc, actor, dyad, source, target, pair (directed,
    /// `KOR>JPN`), and one of week, month, year.
    /// Memory is proportional to the number of groups, not of rows.
    #[arg(long, required = true, value_delimiter = ',', value_name = "KEYS")]
    by: Vec<Key>,
    /// Output table: CSV, or Parquet when the name ends in `.parquet` or `.pq` (`-`: CSV on
    /// stdout).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// No summary line.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let output = Output::from_arg(&args.output);
    let started = std::time::Instant::now();
    let agg = aggregate::run(&args.inputs, args.by, &output)?;
    if !args.quiet {
        eprintln!(
            "detente: {} rows from {} files, {} groups, {:.1} s -> {}",
            agg.rows(),
            args.inputs.len(),
            agg.groups(),
            started.elapsed().as_secs_f64(),
            output.describe()
        );
    }
    Ok(ExitCode::SUCCESS)
}
