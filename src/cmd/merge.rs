//! `detente merge`: the parts of a sharded run → one CSV (see [`detente::output::merge`]).
//! The inputs to walk again, and how to read them, come from the parts' manifests.
use std::path::PathBuf;
use std::process::ExitCode;

use detente::output::Output;

#[derive(clap::Args)]
pub struct Args {
    /// The parts, e.g. out/part-*.csv: outputs of one command run with --shard 0/N … N-1/N,
    /// each with its manifest beside it.
    #[arg(required = true, value_name = "PART.csv")]
    parts: Vec<PathBuf>,
    /// Output table: CSV, or Parquet when the name ends in `.parquet` or `.pq` (`-`: CSV on
    /// stdout). The parts may be CSV or Parquet.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Copy the parts one after the other instead of restoring input order (needs neither
    /// the manifests nor the inputs; the rows are the same, in another order).
    #[arg(long)]
    part_order: bool,
    /// No summary line.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let output = Output::from_arg(&args.output);
    if let Some(mixed) = detente::output::merge::mixed_precisions(&args.parts)? {
        eprintln!(
            "detente: warning: the parts were scored in different precisions ({mixed}); \
             the same sentence can score slightly differently in each. To pin one, score \
             every part with the same --precision (fp32 or bf16)"
        );
    }
    let summary = if args.part_order {
        detente::output::merge::concat(&args.parts, &output)?
    } else {
        detente::output::merge::in_input_order(&args.parts, &output)?
    };
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
