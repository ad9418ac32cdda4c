//! The `actor_sentiment` scorer: the sentence's sentiment toward each state in `actors`
//! (`KOR:-0.420;JPN:0.100`), from one encoder pass. The actors are coded before encoding
//! (as the `actors` scorer codes them, with the document's earlier sentences binding
//! short mentions); the encoder pools the token states of each state's mentions; a
//! linear head on [mention; sentence embedding], fit on political-news sentences labelled
//! per target, gives p(negative), p(neutral), p(positive), and the cell is p(positive) −
//! p(negative) in [-1, 1]. See `models/actor_sentiment.md`.
use std::path::Path;

use super::{Bindings, Gazetteer, Names};
use crate::error::Error;
use crate::model::heads::ActorHead;
use crate::score::{Cell, Scorer, ScorerOptions, Sentence, SpanGroups};

pub const COLUMN: &str = "actor_sentiment";

pub fn columns(_opts: &ScorerOptions) -> Vec<String> {
    vec![COLUMN.to_string()]
}

pub fn build(models: &Path, opts: &ScorerOptions) -> Result<Box<dyn Scorer>, Error> {
    let gazetteer = Gazetteer::load(models)?;
    let names = Names::load(models, gazetteer.codes())?;
    let head = ActorHead::load(models, crate::model::encoder::DIM)?;
    let labels = &head.config.labels;
    if labels != &["negative", "neutral", "positive"] {
        return Err(Error::Model {
            path: models.join(crate::model::heads::ACTOR_CONFIG),
            message: format!("labels {labels:?}, expected [negative, neutral, positive]"),
        });
    }
    Ok(Box::new(ActorSentimentScorer {
        gazetteer,
        names,
        head,
        columns: columns(opts),
    }))
}

pub struct ActorSentimentScorer {
    gazetteer: Gazetteer,
    names: Names,
    head: ActorHead,
    columns: Vec<String>,
}

impl ActorSentimentScorer {
    /// The states of each sentence of a document and their mentions, in order.
    fn code(&self, sentences: &[Sentence<'_>]) -> Vec<(Vec<String>, SpanGroups)> {
        let mut bindings = Bindings::default();
        sentences
            .iter()
            .map(|s| {
                let c = self
                    .names
                    .code(&self.gazetteer, s.text, s.date, Some(&mut bindings));
                (c.states, c.mentions)
            })
            .collect()
    }

    /// p(positive) − p(negative) toward each of `states`, from the sentence's pooled
    /// mention vectors (one per state, in order) and its embedding.
    pub fn values(&self, sentence: &Sentence<'_>, states: usize) -> Vec<f64> {
        let Some(e) = sentence.embedding else {
            return Vec::new();
        };
        let dim = e.len();
        (0..states)
            .map(|k| {
                let p = self
                    .head
                    .probabilities(&sentence.spans[k * dim..(k + 1) * dim], e);
                p[2] - p[0]
            })
            .collect()
    }
}

impl Scorer for ActorSentimentScorer {
    fn name(&self) -> &str {
        "actor_sentiment"
    }
    fn columns(&self) -> &[String] {
        &self.columns
    }
    fn needs_embedding(&self) -> bool {
        true
    }
    fn uses_spans(&self) -> bool {
        true
    }
    fn spans(&self, sentences: &[Sentence<'_>]) -> Vec<SpanGroups> {
        self.code(sentences).into_iter().map(|(_, m)| m).collect()
    }
    /// A placeholder: the states of a sentence depend on the sentences before it, so the
    /// work is done by [`Scorer::document`].
    fn score(&self, _sentence: &Sentence<'_>, out: &mut Vec<Cell>) {
        out.push(Cell::Text(String::new()));
    }
    fn uses_document(&self) -> bool {
        true
    }
    fn document(&self, sentences: &[Sentence<'_>], cells: &mut [&mut [Cell]]) {
        for ((s, (states, _)), c) in sentences.iter().zip(self.code(sentences)).zip(cells) {
            let values = self.values(s, states.len());
            let cell = states
                .iter()
                .zip(values)
                .map(|(code, v)| format!("{code}:{v:.3}"))
                .collect::<Vec<_>>()
                .join(";");
            c[0] = Cell::Text(cell);
        }
    }
}
