//! `detente merge`: the parts of a sharded run → one CSV (see [`detente::merge`]).
use std::path::PathBuf;
use std::process::ExitCode;

use detente::write::Output;

#[derive(clap::Args)]
pub struct Args {
    /// The parts, e.g. out/part-*.csv: CSVs with the same header.
    #[arg(required = true, value_name = "PART.csv")]
    parts: Vec<PathBuf>,
    /// Output CSV (`-` for stdout).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// No summary line.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let output = Output::from_arg(&args.output);
    let summary = detente::merge::merge(&args.parts, &output)?;
    if !summary.missing_shards.is_empty() {
        let missing: Vec<String> = summary
            .missing_shards
            .iter()
            .map(|k| format!("{k}/{}", summary.shard_count.unwrap_or(0)))
            .collect();
        eprintln!(
            "detente: warning: no part holds shard {}; the merged file does not cover the corpus",
            missing.join(", ")
        );
    }
    if !args.quiet {
        eprintln!(
            "detente: {} rows from {} parts -> {}",
            summary.rows,
            args.parts.len(),
            output.describe()
        );
    }
    Ok(if summary.missing_shards.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
