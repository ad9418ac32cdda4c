//! The `sentiment` scorer: a linear head on the (tuned) sentence embedding, trained on
//! human ratings to estimate a sentence's mean rating on VADER's −4..+4 scale divided by
//! 4, so `sentiment` reads in [−1, 1]. When `config.json` carries a stacking stage, the
//! head's output and VADER's four outputs for the same sentence are combined by that ridge
//! (VADER is cheap and needs nothing but the sentence, so scores stay independent of batch
//! neighbours). `sentiment_label` comes from a second head, a three-way classifier trained
//! on labelled political-news sentences. See `models/heads.md`.
use std::path::Path;

use ndarray::ArrayView1;

use super::lexicon::{Polarity, Vader};
use super::{Cell, Column, Identity, Scorer, ScorerOptions, Sentence};
use crate::error::Error;
use crate::model::heads::{self, Heads};

/// The features of the stacking ridge, in order: what `config.json`'s `sentiment.stack`
/// must list.
pub const STACK_FEATURES: [&str; 5] = [
    "head",
    "vader_neg",
    "vader_neu",
    "vader_pos",
    "vader_compound",
];

/// The stacking features of one sentence: the head's output and VADER's four outputs.
pub fn stack_features(head: f64, p: &Polarity) -> [f64; 5] {
    [head, p.neg, p.neu, p.pos, p.compound]
}

pub fn columns(_: &ScorerOptions) -> Vec<Column> {
    vec![Column::float("sentiment"), Column::label("sentiment_label")]
}

/// The news head's classes, as `config.json` must list them.
pub const LABELS: [&str; 3] = ["negative", "neutral", "positive"];

pub fn build(models: &Path, opts: &ScorerOptions) -> Result<Box<dyn Scorer>, Error> {
    let trained = opts.model.trained(models);
    let dim = crate::model::encoder::width(models, opts.model)?;
    let heads = Heads::load_for(models, opts.model, dim)?;
    if heads.config.sentiment.labels != LABELS {
        return Err(Error::Model {
            path: trained.join(heads::CONFIG),
            message: format!(
                "sentiment labels {:?}, expected {LABELS:?}",
                heads.config.sentiment.labels
            ),
        });
    }
    let vader = match &heads.config.sentiment.stack {
        Some(s) => {
            if s.features != STACK_FEATURES || s.weights.len() != STACK_FEATURES.len() {
                return Err(Error::Model {
                    path: trained.join(heads::CONFIG),
                    message: format!(
                        "sentiment.stack: features {:?} with {} weights, expected {:?}",
                        s.features,
                        s.weights.len(),
                        STACK_FEATURES
                    ),
                });
            }
            Some(super::lexicon::load_vader(models)?)
        }
        None => None,
    };
    Ok(Box::new(SentimentScorer {
        heads,
        vader,
        id: Identity::of("sentiment", opts),
    }))
}

struct SentimentScorer {
    heads: Heads,
    /// Present when the configuration stacks VADER on the head.
    vader: Option<Vader>,
    id: Identity,
}

impl Scorer for SentimentScorer {
    fn identity(&self) -> &Identity {
        &self.id
    }
    fn score(&self, sentence: &Sentence<'_>, out: &mut Vec<Cell>) {
        let e = ArrayView1::from(sentence.embedding.expect("the run embeds for this scorer"));
        let c = &self.heads.config.sentiment;
        let head = self.heads.sentiment.apply(e)[0] as f64;
        let raw = match (&c.stack, &self.vader) {
            (Some(ridge), Some(vader)) => {
                ridge.predict(&stack_features(head, &vader.polarity_scores(sentence.text)))
            }
            _ => head,
        };
        let news: Vec<f64> = self.heads.news.apply(e).iter().map(|&x| x as f64).collect();
        let label = &c.labels[super::tension::argmax(&news)];
        out.push(Cell::Num(raw.clamp(-1.0, 1.0)));
        out.push(Cell::Text(label.clone()));
    }
}
