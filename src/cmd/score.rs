//! `detente score`: the main job. Resolves every argument before anything loads, starts the
//! run, reports bad inputs as they come and prints one summary line.
use std::path::PathBuf;
use std::process::ExitCode;

use detente::model::batch::BatchLimits;
use detente::model::device::DeviceRequest;
use detente::model::precision::{self, PrecisionRequest};
use detente::model::Model;
use detente::run::{Mode, RunConfig};
use detente::score::{Roles, ScorerOptions};

use super::InputArgs;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Scorers to run, comma-separated (default: every built-in one; see `detente scorers`).
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    scorers: Option<Vec<String>>,
    /// Add the lexicon scorer's pos/neu/neg columns.
    #[arg(long)]
    lexicon_detail: bool,
    /// Add the tension scorer's per-class probability columns (p_statement, …).
    #[arg(long)]
    class_probs: bool,
    /// actors scorer: a sentence naming no state takes the first two states of its
    /// paragraph, flagged in an extra column `actors_inherited`.
    #[arg(long)]
    actors_carry: bool,
    /// actors scorer: how `source` and `target` are picked among a sentence's actor
    /// phrases. learned: the role head on the encoder's token states, with the rules as
    /// its inputs (models/roles.md); rules: the rules alone, without the encoder (faster
    /// with `--scorers actors`, less accurate on real wire copy).
    #[arg(long, value_enum, default_value_t = Roles::default())]
    roles: Roles,
    /// The sentence encoder the trained scorers (sentiment, tension, actor_sentiment,
    /// learned roles) run on, each with heads trained on it. minilm: all-MiniLM-L6-v2, the
    /// default (models/heads.md); mpnet: all-mpnet-base-v2, better event types, tension
    /// and intensity on others' labels, 5 to 7 times slower (models/mpnet.md; install it
    /// with scripts/bootstrap --mpnet).
    #[arg(long, value_enum, default_value_t = Model::default())]
    model: Model,
    /// Models folder (default: DETENTE_MODELS, the repository's models/, ~/.cache/detente/models).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Also write the sentence embeddings as an N×D float32 .npy aligned with the CSV rows
    /// (D: 384 for --model minilm, 768 for mpnet; memory: one chunk at a time; disk: 1.5 KB
    /// per sentence for minilm, 3 KB for mpnet).
    #[arg(long, value_name = "FILE.npy")]
    embeddings: Option<PathBuf>,
    /// Most sentences per encoder batch (memory and speed only: scores do not depend on it).
    #[arg(long, default_value_t = BatchLimits::default().max_sentences, value_name = "N")]
    batch_size: usize,
    /// Most tokens per encoder batch (the sum of its sentences' lengths; no padding).
    #[arg(long, default_value_t = BatchLimits::default().token_budget, value_name = "N")]
    token_budget: usize,
    /// The encoder's number format. auto: the fastest on this machine of those validated
    /// for the heads (measured once, cached in ~/.cache/detente/precision; the manifest
    /// says which and why). fp32 reproduces the reference scores exactly; bf16 (mixed
    /// precision) is about 3× faster than fp32 on CPUs with fast bfloat16 products and
    /// slower on others; int8 (exact int8 linear layers) about 2.5× fp32's products on
    /// CPUs with VNNI or AMX, scores further from fp32's (see docs/performance.md).
    #[arg(long, value_enum, default_value_t = PrecisionRequest::default())]
    precision: PrecisionRequest,
    /// Where the encoder runs: cpu, cuda (the first GPU; an error without one) or auto
    /// (a GPU if libtorch sees one, else the CPU).
    #[arg(long, value_enum, default_value_t = DeviceRequest::Cpu)]
    device: DeviceRequest,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.batch_size == 0 || args.token_budget == 0 {
        return Err(detente::Error::Usage(
            "--batch-size and --token-budget must be at least 1".into(),
        )
        .into());
    }
    if args
        .embeddings
        .as_ref()
        .is_some_and(|e| e.as_os_str() == "-")
    {
        return Err(detente::Error::Usage("--embeddings needs a file, not stdout".into()).into());
    }
    let (device, note) = args.device.resolve()?;
    let precision_note = precision::precision_note(args.precision, device);
    for note in note.into_iter().chain(precision_note) {
        eprintln!("detente: note: {note}");
    }
    let cfg = RunConfig {
        precision: args.precision,
        device,
        scorers: args.scorers,
        scorer_options: ScorerOptions {
            lexicon_detail: args.lexicon_detail,
            class_probs: args.class_probs,
            actors_carry: args.actors_carry,
            roles: args.roles,
            model: args.model,
        },
        models: args.models,
        embeddings: args.embeddings,
        batch: BatchLimits {
            max_sentences: args.batch_size,
            token_budget: args.token_budget,
        },
        ..args.input.run_config(Mode::Score)?
    };
    InputArgs::execute(&cfg, "score")
}
