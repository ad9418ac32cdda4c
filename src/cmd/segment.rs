//! `detente segment`: the sentences and offsets that `score` would score, without loading
//! any model, for inspecting the segmentation or pre-segmenting a corpus.
use std::process::ExitCode;

use detente::run::Mode;

use super::InputArgs;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub(crate) input: InputArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let cfg = args.input.run_config(Mode::Segment)?;
    InputArgs::execute(&cfg, "segment")
}
