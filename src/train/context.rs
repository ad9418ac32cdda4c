//! What training loads once: the base encoder, the data sets, VADER, and the frozen
//! layers' cached states of every sentence set; the dev split and the root configuration
//! read from them.
use std::time::Instant;

use tch::Kind;

use super::cache::{self, Cache};
use super::recipe::Recipe;
use super::{data, export, Job};
use crate::error::Error;
use crate::model::bert::{self, Bert};
use crate::model::tokenize::SentenceTokenizer;
use crate::score::Vader;

/// Everything training needs, loaded once.
pub struct Context {
    pub recipe: Recipe,
    pub base: Bert,
    pub sentiment: data::Sentiment,
    /// The labelled tension sentences, then the `--extra-tension` ones (from index
    /// `n_measured` on), which train in every fold and are never measured.
    pub tension: data::Labelled,
    pub n_measured: usize,
    /// Each `--extra-tension` table: its path as given, sha256 and sentence count.
    pub extra_tension: Vec<serde_json::Value>,
    /// Teacher-labelled sentences (`--soft-tension`; empty without), their table's path,
    /// sha256 and count, and their cached frozen states.
    pub soft: data::Soft,
    pub soft_table: Option<serde_json::Value>,
    pub soft_cache: Cache,
    /// The silver root of each tension sentence, if any.
    pub roots: Vec<Option<usize>>,
    /// Political-news sentences with one sentiment (0 negative, 1 neutral, 2 positive).
    pub news: data::Labelled,
    pub cameo: data::Cameo,
    pub vader: Vader,
    pub sent_cache: Cache,
    pub nyt_cache: Cache,
    pub ten_cache: Cache,
    pub news_cache: Cache,
    /// The codebook's example sentences.
    pub cameo_cache: Cache,
}

/// The tokenizer of `model`'s encoder folder in `models`.
pub fn tokenizer(
    models: &std::path::Path,
    model: crate::model::Model,
    max_tokens: usize,
) -> Result<SentenceTokenizer, Error> {
    SentenceTokenizer::from_file(
        &model.encoder_dir(models).join(crate::model::encoder::TOKENIZER),
        max_tokens,
    )
}

impl Context {
    pub fn load(job: &Job, log: &mut dyn FnMut(&str)) -> Result<Context, Error> {
        let r = job.recipe.clone();
        let dir = job.model.encoder_dir(&job.models);
        let (config, vars) = bert::load_vars(
            &dir.join(crate::model::encoder::CONFIG),
            &dir.join(crate::model::encoder::WEIGHTS),
            tch::Device::Cpu,
        )?;
        let base = Bert::new(&vars, &config, Kind::Float)?;
        if r.start >= base.layers() {
            return Err(Error::Usage(format!(
                "--start {} leaves no layer to tune (the encoder has {})",
                r.start,
                base.layers()
            )));
        }
        let sentiment = data::load_sentiment(&job.data.hutto, r.seed)?;
        let mut tension = data::load_tension(&job.data.tension)?;
        let mut roots = data::load_roots(&job.data.roots, &tension)?;
        let n_measured = tension.texts.len();
        let mut extra_tension = Vec::new();
        for path in &job.data.extra_tension {
            let own = data::load_own_tension(path)?;
            extra_tension.push(serde_json::json!({
                "file": path.display().to_string(),
                "sha256": crate::model::files::sha256_file(path)?,
                "sentences": own.roots.len(),
            }));
            log(&format!(
                "{}: {} own training sentences ({} with a root)",
                path.display(),
                own.roots.len(),
                own.roots.iter().flatten().count()
            ));
            roots.extend(own.roots);
            tension.texts.extend(own.labelled.texts);
            tension.labels.extend(own.labelled.labels);
        }
        let (news, mixed) = data::load_news(&job.data.news)?;
        let (soft, soft_table) = match &job.data.soft_tension {
            Some(path) => {
                let soft = data::load_soft(path, &job.data.news, &job.data.ungdc)?;
                log(&format!(
                    "{}: {} teacher-labelled sentences",
                    path.display(),
                    soft.texts.len()
                ));
                let table = serde_json::json!({
                    "file": path.display().to_string(),
                    "sha256": crate::model::files::sha256_file(path)?,
                    "sentences": soft.texts.len(),
                });
                (soft, Some(table))
            }
            None => (data::Soft::default(), None),
        };
        let cameo = data::load_cameo(&job.data.cameo_codes(), &job.data.cameo_goldstein())?;
        let vader = crate::score::lexicon::load_vader(&job.models)?;
        log(&format!(
            "data: {} sentiment training sentences ({} in the dev split), {} NYT test sentences, {} tension sentences ({} with a silver root), {} news sentences ({mixed} with mixed targets left out), {} codebook examples",
            sentiment.train.texts.len(),
            sentiment.dev.iter().filter(|&&d| d).count(),
            sentiment.nyt.texts.len(),
            tension.texts.len(),
            roots.iter().flatten().count(),
            news.texts.len(),
            cameo.examples.len()
        ));
        let tok = tokenizer(&job.models, job.model, cache::CACHE_TOKENS)?;
        let t0 = Instant::now();
        let started = std::time::SystemTime::now();
        let weights = job.model.encoder_dir(&job.models).join(crate::model::encoder::WEIGHTS);
        let weights_sha = crate::model::files::sha256_file(&weights)?;
        let build = |texts: &[String]| -> Result<Cache, Error> {
            let ids = cache::tokenize(&tok, texts)?;
            match &job.cache {
                Some(dir) => Cache::load_or_build(&base, &ids, r.start, dir, &weights_sha),
                None => Ok(Cache::build(&base, &ids, r.start)),
            }
        };
        let sent_cache = build(&sentiment.train.texts)?;
        let nyt_cache = build(&sentiment.nyt.texts)?;
        let ten_cache = build(&tension.texts)?;
        let news_cache = build(&news.texts)?;
        let examples: Vec<String> = cameo.examples.iter().map(|x| x.text.clone()).collect();
        let cameo_cache = build(&examples)?;
        let soft_cache = if soft.texts.is_empty() {
            Cache::build(&base, &[], r.start)
        } else {
            build(&soft.texts)?
        };
        log(&format!(
            "frozen layers 0-{} cached in {:.0} s",
            r.start as i64 - 1,
            t0.elapsed().as_secs_f64()
        ));
        if let Some(dir) = &job.cache {
            // Pruning is housekeeping: a failure is reported, never fatal to training.
            match Cache::prune(dir, job.cache_keep, started) {
                Ok(removed) => {
                    for (path, len) in removed {
                        log(&format!(
                            "removed the unused cache {} ({:.1} GB; --cache-keep)",
                            path.display(),
                            len as f64 / 1e9
                        ));
                    }
                }
                Err(e) => log(&format!("could not prune the cache folder: {e}")),
            }
        }
        Ok(Context {
            recipe: r,
            base,
            sentiment,
            tension,
            n_measured,
            extra_tension,
            soft,
            soft_table,
            soft_cache,
            roots,
            news,
            cameo,
            vader,
            sent_cache,
            nyt_cache,
            ten_cache,
            news_cache,
            cameo_cache,
        })
    }

    /// The root configuration the export writes (names, classes, Goldstein values,
    /// conflict weights), which scoring reads back.
    pub fn roots(&self) -> Vec<crate::model::heads::RootConfig> {
        export::roots(&self.cameo)
    }

    pub fn dev_split(&self) -> (Vec<usize>, Vec<usize>) {
        let dev = &self.sentiment.dev;
        let held: Vec<usize> = (0..dev.len()).filter(|&i| dev[i]).collect();
        let train: Vec<usize> = if self.recipe.hold_out_dev {
            (0..dev.len()).filter(|&i| !dev[i]).collect()
        } else {
            (0..dev.len()).collect()
        };
        (train, held)
    }
}
