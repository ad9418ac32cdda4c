//! The learned roles: for each actor phrase of a sentence, p(neither), p(source) and
//! p(target) from a linear head (`models/roles/`) on the phrase's pooled token states, the
//! sentence embedding and what the rules say about the phrase; and how those probabilities
//! become the sentence's source and target. The rules stay as the head's inputs and as the
//! fallback when a phrase has no pooled vector. Training (`detente train --roles`) and
//! scoring compute the inputs here, so the two cannot drift. See `models/roles.md`.
use std::path::Path;

use super::phrase::Phrase;
use super::roles::{after_passive_by, compound, leading_clause_end};
use super::words::word_before;
use crate::error::Error;
use crate::model::span_heads::SpanHead;
use crate::score::Sentence;

/// The head's classes, in the order of its outputs.
pub const LABELS: [&str; 3] = ["neither", "source", "target"];

/// The rule inputs of a phrase, in order (each 0 or 1 unless said).
pub const RULE_FEATURES: [&str; 14] = [
    "rule_source",
    "rule_target",
    "place",
    "has_state",
    "organisation",
    "stateless_agent",
    "passive_agent",
    "in_leading_clause",
    "joined_to_previous",
    "after_recipient_preposition",
    "first",
    "last",
    "position",
    "single",
];

/// Words before a phrase that make it a likely recipient ("talks with Japan", "a protest to
/// Tokyo", "sanctions against Iran").
const RECIPIENT_PREPOSITIONS: &[&str] = &[
    "to", "with", "against", "on", "toward", "towards", "for", "into", "over", "from", "at",
];

/// The key of a phrase's pooled vector: its byte range ("12-17").
pub fn key(p: &Phrase) -> String {
    range_key(&(p.start..p.end))
}

/// [`key`] of a byte range.
pub fn range_key(r: &std::ops::Range<usize>) -> String {
    format!("{}-{}", r.start, r.end)
}

/// The rule inputs of phrase `i` of a sentence, given the rules' source and target.
pub fn rule_features(
    text: &str,
    phrases: &[Phrase],
    (source, target): (&[usize], &[usize]),
    i: usize,
) -> Vec<f32> {
    let p = &phrases[i];
    let n = phrases.len();
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let organisation = ["IGO", "NGO", "IMG"]
        .iter()
        .any(|o| p.code.starts_with(o));
    let before = word_before(text, p.start).to_lowercase();
    vec![
        flag(source.contains(&i)),
        flag(target.contains(&i)),
        flag(p.place),
        flag(p.state.is_some() || !p.states.is_empty()),
        flag(organisation),
        flag(p.code.is_empty()),
        flag(after_passive_by(text, p).is_some()),
        flag(leading_clause_end(text).is_some_and(|end| p.start < end)),
        flag(i > 0 && compound(text, &phrases[i - 1], p)),
        flag(RECIPIENT_PREPOSITIONS.contains(&before.as_str())),
        flag(i == 0),
        flag(i + 1 == n),
        if n > 1 { i as f32 / (n - 1) as f32 } else { 0.0 },
        flag(n == 1),
    ]
}

/// Source and target from each phrase's class probabilities ([neither, source, target]):
/// a phrase takes the role it is most likely to have, and a phrase's role is `neither` when
/// that is likelier than both. Several phrases may share a role (a compound subject).
pub fn decode(probs: &[[f32; 3]]) -> (Vec<usize>, Vec<usize>) {
    let mut source = Vec::new();
    let mut target = Vec::new();
    for (i, p) in probs.iter().enumerate() {
        if p[1] > p[0] && p[1] >= p[2] {
            source.push(i);
        } else if p[2] > p[0] && p[2] > p[1] {
            target.push(i);
        }
    }
    (source, target)
}

/// Drops what cannot be written as a code: a source phrase with no code (an agent with
/// no state), and a target with no code unless it is the first target and there is a
/// source, whose state it then takes (as with the rules).
pub fn keep_codable(
    phrases: &[Phrase],
    source: Vec<usize>,
    target: Vec<usize>,
) -> (Vec<usize>, Vec<usize>) {
    let source: Vec<usize> = source
        .into_iter()
        .filter(|&i| !phrases[i].code.is_empty())
        .collect();
    let target = target
        .into_iter()
        .enumerate()
        .filter(|&(k, i)| !phrases[i].code.is_empty() || (k == 0 && !source.is_empty()))
        .map(|(_, i)| i)
        .collect();
    (source, target)
}

/// The role head, loaded.
pub struct LearnedRoles {
    head: SpanHead,
}

impl LearnedRoles {
    pub fn load(models: &Path) -> Result<LearnedRoles, Error> {
        let head = SpanHead::load_roles(models, crate::model::encoder::DIM)?;
        let config = &head.config;
        if config.labels != LABELS || config.rule_features != RULE_FEATURES {
            return Err(Error::Model {
                path: models.join(crate::model::span_heads::ROLE_CONFIG),
                message: format!(
                    "labels {:?} and rule features {:?}: this build reads labels {LABELS:?} \
                     and rule features {RULE_FEATURES:?}; refit it (scripts/build/roles)",
                    config.labels, config.rule_features
                ),
            });
        }
        Ok(LearnedRoles { head })
    }

    /// p(neither), p(source), p(target) of one phrase.
    pub fn probs(&self, phrase: &[f32], sentence: &[f32], rules: &[f32]) -> [f32; 3] {
        let logits = self.head.logits(phrase, sentence, rules);
        let p = crate::score::tension::softmax(logits.as_slice().expect("contiguous"));
        [p[0] as f32, p[1] as f32, p[2] as f32]
    }

    /// The sentence's source and target: the head's choice when the sentence has its
    /// embedding and every phrase its pooled vector (keyed by [`key`]), else the rules'.
    pub fn choose(
        &self,
        sentence: &Sentence<'_>,
        phrases: &[Phrase],
        rules: (Vec<usize>, Vec<usize>),
    ) -> (Vec<usize>, Vec<usize>) {
        let Some(e) = sentence.embedding else {
            return rules;
        };
        let dim = e.len();
        let mut probs = Vec::with_capacity(phrases.len());
        for (i, p) in phrases.iter().enumerate() {
            let k = key(p);
            let Some(g) = sentence.span_keys.iter().position(|s| *s == k) else {
                return rules;
            };
            let feats = rule_features(sentence.text, phrases, (&rules.0, &rules.1), i);
            probs.push(self.probs(&sentence.spans[g * dim..(g + 1) * dim], e, &feats));
        }
        let (source, target) = decode(&probs);
        keep_codable(phrases, source, target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_phrase_takes_its_likeliest_role() {
        let probs = [
            [0.1, 0.7, 0.2],
            [0.6, 0.1, 0.3],
            [0.2, 0.3, 0.5],
            [0.1, 0.45, 0.45],
        ];
        assert_eq!(decode(&probs), (vec![0, 3], vec![2]));
        assert_eq!(decode(&[]), (vec![], vec![]));
    }
}
