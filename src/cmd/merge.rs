//! `detente merge`: the parts of a sharded run → one CSV (see [`detente::merge`]). The
//! inputs and input options to walk again come from the first part's manifest, whose
//! command line is parsed exactly as the shard's own run parsed it.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use detente::write::Output;

use super::InputArgs;

#[derive(clap::Args)]
pub struct Args {
    /// The parts, e.g. out/part-*.csv: outputs of one command run with --shard 0/N … N-1/N,
    /// each with its manifest beside it.
    #[arg(required = true, value_name = "PART.csv")]
    parts: Vec<PathBuf>,
    /// Output CSV (`-` for stdout).
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
    let summary = if args.part_order {
        detente::merge::concat(&args.parts, &output)?
    } else {
        let input = shard_inputs(&args.parts)?;
        if input.inputs.iter().any(|p| p.as_os_str() == "-") {
            return Err(detente::Error::Usage(
                "merge: the parts were read from stdin, which cannot be read again to restore input order; use --part-order".into(),
            )
            .into());
        }
        detente::merge::in_input_order(&args.parts, &output, &input.inputs, &input.ingest())?
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

/// The input options of the run that wrote the parts, from the first part's manifest;
/// every part's manifest must name the same inputs.
fn shard_inputs(parts: &[PathBuf]) -> anyhow::Result<InputArgs> {
    let read = |part: &Path| -> anyhow::Result<serde_json::Value> {
        let path = detente::pipeline::manifest_path(part);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{}: no manifest, so input order cannot be restored (use --part-order)",
                path.display()
            )
        })?;
        serde_json::from_str(&text)
            .with_context(|| format!("{}: unreadable manifest", path.display()))
    };
    let first = read(&parts[0])?;
    for part in &parts[1..] {
        if read(part)?["inputs"] != first["inputs"] {
            anyhow::bail!(
                "{} was written from other inputs than {}: merge only parts of the same command",
                part.display(),
                parts[0].display()
            );
        }
    }
    let argv: Vec<String> = serde_json::from_value(first["command_line"].clone())
        .with_context(|| format!("{}: the manifest has no command line", parts[0].display()))?;
    let cli = crate::Cli::try_parse_from(&argv).with_context(|| {
        format!(
            "{}: cannot parse the manifest's command line",
            parts[0].display()
        )
    })?;
    match cli.command {
        crate::Command::Score(a) => Ok(a.input),
        crate::Command::Segment(a) => Ok(a.input),
        _ => anyhow::bail!("{}: not written by score or segment", parts[0].display()),
    }
}
