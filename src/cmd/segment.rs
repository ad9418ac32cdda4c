//! `detente segment`: the sentences and offsets that `score` would score, without loading
//! any model, for inspecting the segmentation or pre-segmenting a corpus.
use std::process::ExitCode;

use anyhow::Context;
use detente::batch::BatchLimits;
use detente::pipeline::{self, Mode, RunConfig};
use detente::score::ScorerOptions;

use super::{InputArgs, Paragraphs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let input = &args.input;
    input.check()?;
    let cfg = RunConfig {
        mode: Mode::Segment,
        inputs: input.inputs.clone(),
        ingest: input.ingest(),
        split: !input.no_split,
        whole_paragraphs: input.paragraphs == Paragraphs::Whole,
        keep_boilerplate: input.keep_boilerplate,
        docs: input.docs.clone(),
        errors: input.errors.clone(),
        resume: input.resume,
        chunk_units: input.chunk_size,
        stop: super::stop_flag(),
        scorers: Some(Vec::new()),
        scorer_options: ScorerOptions::default(),
        models: None,
        output: input.output(),
        embeddings: None,
        threads: input.threads,
        batch: BatchLimits::default(),
        limit: input.limit,
        quiet: input.quiet,
        command_line: std::env::args().collect(),
    };
    let summary = pipeline::run(&cfg, &mut super::print_notice).context("segment")?;
    if !cfg.quiet {
        super::print_summary(&summary, &cfg.output);
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
