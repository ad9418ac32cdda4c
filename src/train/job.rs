//! One training job through the recipe, the data, the fit, cross-validation and the
//! export (see [`super`]).
use std::path::PathBuf;
use std::time::Instant;

use super::*;

use serde_json::{json, Value};

pub use super::context::{tokenizer, Context};
pub use super::cv::cross_validate;
pub use super::fit::{Outputs, Trained};
pub use super::validate::summary;

use super::validate::vader_baseline;
use crate::error::Error;

/// What to run and where to write.
#[derive(Debug, Clone)]
pub struct Job {
    pub recipe: Recipe,
    pub data: data::Paths,
    /// The models folder (base encoders in `all-MiniLM-L6-v2/` and `all-mpnet-base-v2/`,
    /// VADER in `vader/`).
    pub models: PathBuf,
    /// The encoder to tune (`--model`).
    pub model: crate::model::Model,
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
    /// How many bytes of cache files that folder keeps: older files this run did not use
    /// are pruned, least recently used first, down to it.
    pub cache_keep: u64,
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
        "soft_tension": ctx.soft_table,
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
