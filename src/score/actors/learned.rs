//! The learned roles: for each actor phrase of a sentence, p(neither), p(source) and
//! p(target) from a linear head (`models/roles/`) on the phrase's pooled token states, the
//! sentence embedding and what the rules say about the phrase; and how those probabilities
//! become the sentence's source and target. The rules stay as the head's inputs and as the
//! fallback when a phrase has no pooled vector. Training (`detente train --roles`) and
//! scoring compute the inputs here, so the two cannot drift. See `models/roles.md`.
use std::path::Path;

use super::phrase::Phrase;
use super::roles::{after_passive_by, compound, leading_clause_end, reports};
use super::words::word_before;
use crate::error::Error;
use crate::model::span_heads::SpanHead;
use crate::score::Sentence;

/// The head's classes, in the order of its outputs.
pub const LABELS: [&str; 3] = ["neither", "source", "target"];

/// The rule inputs of a phrase, in order (each 0 or 1 unless said).
pub const RULE_FEATURES: [&str; 16] = [
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
    "same_state_as_rule_source",
    "before_rule_source",
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
    let organisation = ["IGO", "NGO", "IMG"].iter().any(|o| p.code.starts_with(o));
    let before = word_before(text, p.start).to_lowercase();
    let state_of = |q: &Phrase| q.state.clone().or_else(|| q.states.first().cloned());
    let same_state = source.iter().any(|&s| {
        s != i && state_of(&phrases[s]).is_some() && state_of(&phrases[s]) == state_of(p)
    });
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
        if n > 1 {
            i as f32 / (n - 1) as f32
        } else {
            0.0
        },
        flag(n == 1),
        flag(same_state),
        flag(source.first().is_some_and(|&s| i < s)),
    ]
}

/// Source and target from each phrase's class probabilities ([neither, source, target]):
/// the source is the phrase likeliest to be it, when that probability is over
/// `thresholds[0]`; the target is the likeliest target among the other phrases, when its
/// probability is over `thresholds[1]`. One phrase each: a sentence codes one event. The
/// thresholds are chosen by cross-validation and shipped in the head's config.
///
/// With `rules_source` (the rules' source phrases, [`Decoding::source_from_rules`]), the
/// source is the rules' when they found one, and the target is picked among the others.
/// `codes[i]` is phrase i's code: a phrase with the source's very code (the same actor
/// named again, "the Kremlin said Moscow …") is never the target.
pub fn decode(
    probs: &[[f32; 3]],
    codes: &[&str],
    thresholds: [f32; 2],
    rules_source: Option<&[usize]>,
) -> (Vec<usize>, Vec<usize>) {
    let best = |role: usize, skip: &[usize]| {
        (0..probs.len())
            .filter(|i| {
                !skip.contains(i)
                    && !skip
                        .iter()
                        .any(|&s| !codes[s].is_empty() && codes[s] == codes[*i])
            })
            .max_by(|&a, &b| probs[a][role].total_cmp(&probs[b][role]).then(b.cmp(&a)))
    };
    let source: Vec<usize> = match rules_source {
        Some(r) if !r.is_empty() => r.to_vec(),
        _ => best(1, &[])
            .filter(|&i| probs[i][1] > thresholds[0])
            .into_iter()
            .collect(),
    };
    let target = best(2, &source).filter(|&i| probs[i][2] > thresholds[1]);
    (source, target.into_iter().collect())
}

/// How the head's probabilities become roles (shipped in its config).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decoding {
    /// What a source or a target must pass ([`decode`]).
    pub thresholds: [f32; 2],
    /// The rules' source when they find one; the head then picks the target.
    pub source_from_rules: bool,
    /// The rules' target when the head names none above its threshold (and the source is
    /// the rules' own).
    #[serde(default)]
    pub target_from_rules: bool,
}

/// The sentence's source and target from its phrases' probabilities: [`decode`], the
/// target widened to its compound ([`with_compounds`]), then [`keep_codable`]. What the
/// scorer does and what training measures.
pub fn pick(
    text: &str,
    phrases: &[Phrase],
    probs: &[[f32; 3]],
    d: Decoding,
    rules: &(Vec<usize>, Vec<usize>),
) -> (Vec<usize>, Vec<usize>) {
    let codes: Vec<&str> = phrases.iter().map(|p| p.code.as_str()).collect();
    let (source, target) = decode(
        probs,
        &codes,
        d.thresholds,
        d.source_from_rules.then_some(&rules.0),
    );
    // Who reports the event is not its target ("…, a spokeswoman for the U.S. embassy
    // said"), whatever the head's probability.
    let target: Vec<usize> = target
        .into_iter()
        .filter(|&t| !reports(text, &phrases[t]))
        .collect();
    let target: Vec<usize> = with_compounds(text, phrases, target)
        .into_iter()
        .filter(|t| !source.contains(t))
        .collect();
    let (source, target) = keep_codable(phrases, source, target);
    // The rules' target when the head's is none, also when it was dropped as uncodable.
    if target.is_empty() && d.target_from_rules && source == rules.0 {
        return keep_codable(phrases, source, rules.1.clone());
    }
    (source, target)
}

/// The phrases of a compound role: `chosen` and the phrases joined to them by "and" or
/// commas, on either side ("envoys from China, Russia and the United States"), in order.
pub fn with_compounds(text: &str, phrases: &[Phrase], chosen: Vec<usize>) -> Vec<usize> {
    let mut out = chosen.clone();
    for &c in &chosen {
        let mut j = c;
        while j > 0 && compound(text, &phrases[j - 1], &phrases[j]) {
            j -= 1;
            out.push(j);
        }
        let mut j = c;
        while j + 1 < phrases.len() && compound(text, &phrases[j], &phrases[j + 1]) {
            j += 1;
            out.push(j);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Drops what cannot be written as a code: a source phrase with no code (an agent with
/// no state), and a target with no code unless it is the first target and the source has
/// a state, which it then takes (as with the rules).
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
        .filter(|&(k, i)| {
            !phrases[i].code.is_empty()
                || (k == 0 && source.first().is_some_and(|&s| phrases[s].state.is_some()))
        })
        .map(|(_, i)| i)
        .collect();
    (source, target)
}

/// The role head, loaded.
pub struct LearnedRoles {
    head: SpanHead,
    decoding: Decoding,
}

impl LearnedRoles {
    /// The role head trained on `model`'s encoder.
    pub fn load(models: &Path, model: crate::model::Model) -> Result<LearnedRoles, Error> {
        let trained = model.trained(models);
        let head =
            SpanHead::load_roles(models, model, crate::model::encoder::width(models, model)?)?;
        let config = &head.config;
        let decoding: Option<Decoding> = serde_json::from_value(config.decoding.clone()).ok();
        if config.labels != LABELS || config.rule_features != RULE_FEATURES || decoding.is_none() {
            return Err(Error::Model {
                path: trained.join(crate::model::span_heads::ROLE_CONFIG),
                message: format!(
                    "labels {:?}, rule features {:?}, decoding {}: this build reads labels \
                     {LABELS:?}, rule features {RULE_FEATURES:?} and a decoding with \
                     thresholds and source_from_rules; refit it (scripts/build/roles)",
                    config.labels, config.rule_features, config.decoding
                ),
            });
        }
        Ok(LearnedRoles {
            head,
            decoding: decoding.expect("checked"),
        })
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
        pick(sentence.text, phrases, &probs, self.decoding, &rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_likeliest_phrase_over_its_threshold_takes_each_role() {
        let probs = [
            [0.1, 0.7, 0.2],
            [0.6, 0.1, 0.3],
            [0.2, 0.3, 0.5],
            [0.1, 0.45, 0.45],
        ];
        let none4 = ["", "", "", ""];
        assert_eq!(decode(&probs, &none4, [0.5, 0.4], None), (vec![0], vec![2]));
        assert_eq!(decode(&probs, &none4, [0.5, 0.5], None), (vec![0], vec![]));
        assert_eq!(decode(&probs, &none4, [0.8, 0.4], None), (vec![], vec![2]));
        // The likeliest target may be a phrase whose likeliest role is the source.
        assert_eq!(
            decode(
                &[[0.1, 0.8, 0.1], [0.1, 0.5, 0.4]],
                &["", ""],
                [0.5, 0.3],
                None
            ),
            (vec![0], vec![1])
        );
        assert_eq!(decode(&[], &[], [0.5, 0.5], None), (vec![], vec![]));
        // The rules' source, when they have one; the target among the other phrases.
        assert_eq!(
            decode(&probs, &none4, [0.5, 0.25], Some(&[2])),
            (vec![2], vec![3])
        );
        assert_eq!(
            decode(&probs, &none4, [0.5, 0.5], Some(&[2])),
            (vec![2], vec![])
        );
        assert_eq!(
            decode(&probs, &none4, [0.5, 0.4], Some(&[])),
            (vec![0], vec![2])
        );
        // Never the source's own code again.
        let codes = ["RUS", "PRK", "RUS", "RUS"];
        assert_eq!(
            decode(&probs, &codes, [0.5, 0.25], Some(&[2])),
            (vec![2], vec![1])
        );
    }
}
