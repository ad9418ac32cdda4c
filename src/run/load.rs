//! Phase two of a run: loads what the plan found, the tokenizer, the encoder workers
//! and the scorers, and fingerprints the model files while the encoders load.
use std::path::PathBuf;
use std::sync::Arc;

use super::plan::Plan;
use super::{parallel, RunConfig};
use crate::error::Error;
use crate::model::encoder;
use crate::model::files;
use crate::model::heads::Delta;
use crate::model::pool::EncoderPool;
use crate::model::tokenize::SentenceTokenizer;
use crate::score::Scorer;

/// The stages' shared, loaded state.
pub(super) struct Loaded {
    /// `None` when no encoder runs (segment mode, lexicon scorers only).
    pub tokenizer: Option<SentenceTokenizer>,
    pub encoders: Option<EncoderPool>,
    pub scorers: Vec<Box<dyn Scorer>>,
    /// Every model file read, with its sha256.
    pub files: Vec<(PathBuf, String)>,
}

pub(super) fn load(cfg: &RunConfig, plan: &Plan) -> Result<Loaded, Error> {
    let models = &plan.models_dir;
    let spec = match &plan.spec {
        Some(spec) => {
            let mut spec = spec.clone();
            if plan
                .selected
                .iter()
                .any(|s| (s.needs_embedding)(&cfg.scorer_options))
            {
                spec.delta = Some(Arc::new(Delta::load(
                    &cfg.scorer_options.model.trained(models),
                )?));
            }
            Some(spec)
        }
        None => None,
    };
    let tokenizer = match &spec {
        Some(spec) => Some(SentenceTokenizer::from_file(
            &spec.dir.join(encoder::TOKENIZER),
            spec.max_seq_length,
        )?),
        None => None,
    };
    // Fingerprint the files while the encoders load.
    let (hashes, encoders) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| {
            plan.used
                .iter()
                .map(|p| files::sha256_file(p).map(|h| (p.clone(), h)))
                .collect()
        });
        let workers = parallel::encoder_workers(plan.threads, cfg.device);
        let encoders = spec.as_ref().map(|spec| EncoderPool::start(spec, workers));
        let hashes: Result<Vec<(PathBuf, String)>, Error> = hashing.join().expect("hashing thread");
        (hashes, encoders)
    });
    let files = hashes?;
    let encoders = encoders.transpose()?;
    let scorers = plan
        .selected
        .iter()
        .map(|s| (s.build)(models, &cfg.scorer_options))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Loaded {
        tokenizer,
        encoders,
        scorers,
        files,
    })
}
