//! `detente report`: sentence tables → one self-contained HTML file (see
//! [`detente::output::report`]).
use std::path::PathBuf;
use std::process::ExitCode;

use detente::output::report::{self, ReportOptions};

#[derive(clap::Args)]
pub struct Args {
    /// Sentence tables written by `detente score` (CSV or Parquet; one run's, or the parts
    /// of a sharded run in order).
    #[arg(required = true, value_name = "SENTENCES")]
    inputs: Vec<PathBuf>,
    /// The `--docs` table(s) of the same run, for titles, dates and datelines (default: the
    /// one the manifest beside the first input names, if it is still there).
    #[arg(long, value_name = "DOCS")]
    docs: Vec<PathBuf>,
    /// Most documents with a view of their own, the most tense (mean tension) first; the
    /// overview always covers every document.
    #[arg(long, default_value_t = 200, value_name = "N")]
    max_docs: usize,
    /// The HTML file to write.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// No summary line.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.output.as_os_str() == "-" {
        return Err(detente::Error::Usage(
            "report: name the HTML file to write (-o report.html); stdout is not supported".into(),
        )
        .into());
    }
    let started = std::time::Instant::now();
    let opts = ReportOptions {
        max_docs: args.max_docs,
        docs: args.docs,
        ..ReportOptions::default()
    };
    let s = report::run(&args.inputs, &opts, &args.output)?;
    if !args.quiet {
        eprintln!(
            "detente: report of {} documents ({} with a view), {} sentences, {:.1} s -> {}",
            s.documents,
            s.shown,
            s.sentences,
            started.elapsed().as_secs_f64(),
            args.output.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
