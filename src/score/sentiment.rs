//! The `sentiment` scorer: a linear head on the (tuned) sentence embedding, trained on
//! human ratings to estimate a sentence's mean rating on VADER's −4..+4 scale divided by
//! 4, so `sentiment` reads in [−1, 1]. See `models/heads.md`.
use std::path::Path;

use ndarray::ArrayView1;

use super::heads::Heads;
use super::{Cell, Scorer, ScorerOptions, Sentence};
use crate::error::Error;

pub fn columns(_: &ScorerOptions) -> Vec<String> {
    vec!["sentiment".into(), "sentiment_label".into()]
}

pub fn build(models: &Path, opts: &ScorerOptions) -> Result<Box<dyn Scorer>, Error> {
    let heads = Heads::load(models, crate::encoder::DIM)?;
    Ok(Box::new(SentimentScorer {
        heads,
        columns: columns(opts),
    }))
}

struct SentimentScorer {
    heads: Heads,
    columns: Vec<String>,
}

impl Scorer for SentimentScorer {
    fn name(&self) -> &str {
        "sentiment"
    }
    fn columns(&self) -> &[String] {
        &self.columns
    }
    fn needs_embedding(&self) -> bool {
        true
    }
    fn score(&self, sentence: &Sentence<'_>, out: &mut Vec<Cell>) {
        let e = ArrayView1::from(
            sentence
                .embedding
                .expect("the pipeline embeds for this scorer"),
        );
        let s = (self.heads.sentiment.apply(e)[0] as f64).clamp(-1.0, 1.0);
        let c = &self.heads.config.sentiment;
        let label = if s < c.negative_below {
            "negative"
        } else if s > c.positive_above {
            "positive"
        } else {
            "neutral"
        };
        out.push(Cell::Num(s));
        out.push(Cell::Text(label.into()));
    }
}
