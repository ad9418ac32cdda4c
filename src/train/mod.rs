//! `detente train`: trains the trained scorers' weights (`models/heads/`) from the data,
//! with a fixed seed, and measures them. A rank-8 LoRA delta on the top encoder layers and
//! two linear heads (sentiment: rating / 4, MSE; tension: five classes, cross-entropy) are
//! trained together, multi-task, one epoch over the human-rated sentences with a small
//! tension batch each step. The frozen bottom layers are computed once ([`cache`]).
//! Optional: stratified (by default grouped) k-fold cross-validation of the tension head, and a ridge stacking
//! stage that adds VADER's outputs to the sentiment head ([`stack`]). The NYT editorial
//! sentences are the test set: only scored, never trained or tuned on. See
//! `models/heads.md` for the recipe and the figures.
//!
//! The recipe is in `recipe.rs`, the loaded data and caches in `context.rs`, the fit loop
//! in `fit.rs`, the evaluation of a fitted model in `validate.rs`, cross-validation in
//! `cv.rs` (its folds in `folds.rs`, the sentence groups in `groups.rs`); this file runs a
//! job through them.
pub mod actor_sentiment;
pub mod cache;
mod context;
mod cv;
pub mod data;
pub mod evaluate;
pub mod export;
mod fit;
pub mod folds;
pub mod groups;
pub mod metrics;
pub mod pool;
mod recipe;
pub mod rng;
pub mod role_data;
pub mod roles;
pub mod spans;
pub mod stack;
pub mod table;
mod validate;

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{json, Value};

pub use context::{tokenizer, Context};
pub use cv::cross_validate;
pub use fit::{Outputs, Trained};
pub use folds::FoldsBy;
pub use recipe::Recipe;
pub use validate::summary;

use crate::error::Error;
use validate::vader_baseline;

/// What to run and where to write.
#[derive(Debug, Clone)]
pub struct Job {
    pub recipe: Recipe,
    pub data: data::Paths,
    /// The models folder (base encoder in `all-MiniLM-L6-v2/`, VADER in `vader/`).
    pub models: PathBuf,
    /// Cross-validate the tension head with this many folds first (0: no CV).
    pub folds: usize,
    /// How the tension sentences are cut into folds (by default, groups of near-duplicate
    /// and same-story sentences stay in one fold).
    pub folds_by: FoldsBy,
    /// Run only these folds of the CV (`None`: all); pooled figures then cover them only.
    pub only_folds: Option<Vec<usize>>,
    /// Where each CV fold's out-of-fold predictions go (`fold-K.csv`; `None`: not written).
    pub cv_out: Option<PathBuf>,
    /// Train, measure and export the model (false: CV only).
    pub ship: bool,
    /// Where to export `heads.safetensors` and `config.json`.
    pub out: PathBuf,
    /// The parity sentences and the reference outputs written for the test suite.
    pub parity: PathBuf,
    pub reference: PathBuf,
    /// Where the frozen layers' states are kept between runs (`None`: memory only).
    pub cache: Option<PathBuf>,
}

/// Everything measured, as written to the metrics file.
pub struct Outcome {
    pub metrics: Value,
}

/// Runs the job: optional CV, then the shipped model (trained, measured, exported).
pub fn run(job: &Job, log: &mut dyn FnMut(&str)) -> Result<Outcome, Error> {
    let t0 = Instant::now();
    if job.recipe.stack && !job.recipe.hold_out_dev {
        return Err(Error::Usage(
            "--stack needs the dev split held out (--hold-out-dev)".into(),
        ));
    }
    let ctx = Context::load(job, log)?;
    let mut m = json!({
        "recipe": job.recipe,
        "tension_file": job.data.tension.display().to_string(),
        "extra_tension": ctx.extra_tension,
        "vader": vader_baseline(&ctx),
    });
    if job.folds > 1 {
        m["cv"] = cross_validate(
            &ctx,
            job.folds,
            job.folds_by,
            job.only_folds.as_deref(),
            job.cv_out.as_deref(),
            log,
        )?;
    }
    if job.ship {
        let (s_train, _) = ctx.dev_split();
        let all_t: Vec<usize> = (0..ctx.tension.labels.len()).collect();
        let all_n: Vec<usize> = (0..ctx.news.labels.len()).collect();
        log("shipped model: all tension and news sentences");
        let t = ctx.fit(&s_train, &all_t, &all_n, log);
        let (sent, dev_head, nyt_head) = ctx.score_sentiment(&t);
        m["ship"] = json!({ "sentiment_head": sent, "train_s": t.seconds.round(),
                            "n_delta": t.lora.numel(), "codebook": ctx.score_codebook(&t) });
        let final_sentiment =
            export::finish_sentiment(&ctx, &dev_head, &nyt_head, &mut m["ship"], log);
        m["ship"]["nyt_sentiment_label"] = export::nyt_labels(&ctx, &t);
        export::export(&ctx, &t, &final_sentiment, job, log)?;
    }
    m["total_s"] = json!(t0.elapsed().as_secs_f64().round());
    Ok(Outcome { metrics: m })
}
