//! The `actor_sentiment` scorer: how the sentence portrays each state in `actors`
//! (`JPN:0.711;KOR:0.680`), from the same encoder pass as the other trained columns. The
//! actors are coded before encoding (as the `actors` scorer codes them, with the document's earlier sentences binding
//! short mentions); the encoder pools the token states of each state's mentions; a
//! linear head on [mention; sentence embedding], fit on political-news sentences labelled
//! per target, gives p(negative), p(neutral), p(positive), and the cell is p(positive) −
//! p(negative) in [-1, 1]. See `models/actor_sentiment.md`.
use std::path::Path;

use super::{Gazetteer, Names};
use crate::error::Error;
use crate::model::heads::ActorHead;
use crate::score::{Cell, Column, Identity, Scorer, ScorerOptions, Sentence, SpanGroups, SpanPass};

pub const COLUMN: Column = Column::text("actor_sentiment");

/// The files it reads: the tuned encoder's heads (its LoRA delta), its own head, and the
/// actors coder's tables.
pub fn files(opts: &ScorerOptions) -> Vec<std::path::PathBuf> {
    let mut f = crate::score::registry::heads_files(opts);
    f.extend(
        [
            crate::model::heads::ACTOR_CONFIG,
            crate::model::heads::ACTOR_WEIGHTS,
        ]
        .map(|p| opts.model.file(p)),
    );
    f.extend(super::FILES.iter().map(Into::into));
    f
}

pub fn columns(_opts: &ScorerOptions) -> Vec<Column> {
    vec![COLUMN]
}

pub fn build(models: &Path, opts: &ScorerOptions) -> Result<Box<dyn Scorer>, Error> {
    let gazetteer = Gazetteer::load(models)?;
    let names = Names::load(models, gazetteer.codes())?;
    let trained = opts.model.trained(models);
    let width = crate::model::encoder::width(models, opts.model)?;
    let head = ActorHead::load_actor(models, opts.model, width)?;
    let labels = &head.config.labels;
    if labels != &["negative", "neutral", "positive"] {
        return Err(Error::Model {
            path: trained.join(crate::model::heads::ACTOR_CONFIG),
            message: format!("labels {labels:?}, expected [negative, neutral, positive]"),
        });
    }
    Ok(Box::new(ActorSentimentScorer {
        gazetteer,
        names,
        head,
        id: Identity::of("actor_sentiment", opts),
    }))
}

pub struct ActorSentimentScorer {
    gazetteer: Gazetteer,
    names: Names,
    head: ActorHead,
    id: Identity,
}

impl ActorSentimentScorer {
    /// p(positive) − p(negative) toward each state of [`Sentence::span_keys`], from its
    /// pooled mention vector and the sentence embedding.
    pub fn values(&self, sentence: &Sentence<'_>) -> Vec<f64> {
        let Some(e) = sentence.embedding else {
            return Vec::new();
        };
        let dim = e.len();
        (0..sentence.span_keys.len())
            .map(|k| {
                let logits = self
                    .head
                    .logits(&sentence.spans[k * dim..(k + 1) * dim], e, &[]);
                let p = crate::score::tension::softmax(logits.as_slice().expect("contiguous"));
                p[2] - p[0]
            })
            .collect()
    }
}

impl Scorer for ActorSentimentScorer {
    fn identity(&self) -> &Identity {
        &self.id
    }
    fn span_pass(&self) -> Option<&dyn SpanPass> {
        Some(self)
    }
    fn score(&self, sentence: &Sentence<'_>, out: &mut Vec<Cell>) {
        let cell = sentence
            .span_keys
            .iter()
            .zip(self.values(sentence))
            .map(|(code, v)| format!("{code}:{v:.3}"))
            .collect::<Vec<_>>()
            .join(";");
        out.push(Cell::Text(cell));
    }
}

impl SpanPass for ActorSentimentScorer {
    /// Codes the document's sentences in order, as the `actors` scorer does (a first
    /// mention binds later short ones): each sentence's states and their mentions.
    fn spans(&self, sentences: &[Sentence<'_>]) -> Vec<SpanGroups> {
        self.names
            .code_document(&self.gazetteer, sentences)
            .into_iter()
            .map(|c| SpanGroups {
                keys: c.states,
                ranges: c.mentions,
            })
            .collect()
    }
}
