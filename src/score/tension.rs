//! The `tension` scorer: how much conflict versus cooperation between states a sentence
//! reports, and what kind of event it is. Two linear heads on the (tuned) sentence
//! embedding give a distribution over the 20 CAMEO root event types, factored as
//! p(root) = p(class) · p(root | class): one head over five event classes (statements and
//! appeals, and four quad classes), one over the roots within each class ([`ROOT_CLASS`]).
//! `event_class` and `cameo_root` therefore cannot disagree, and the Goldstein value and
//! the tension are expectations over the roots. See `models/heads.md`.
use std::path::Path;

use ndarray::ArrayView1;

use super::{Cell, Column, Identity, Scorer, ScorerOptions, Sentence};
use crate::error::Error;
use crate::model::heads::{self, Heads};

/// A sentence is tense when its `tension` is at least this: the threshold of the
/// `--docs` table's `share_tense` and of `aggregate`'s.
pub const TENSE: f64 = 0.5;

/// The columns the tension scorer adds to the `--docs` table.
pub const DOCUMENT_COLUMNS: [Column; 3] = [
    Column::float("tension_mean"),
    Column::float("tension_max"),
    Column::float("share_tense"),
];

/// The sentence columns, in order; the class probabilities ([`PROB_COLUMNS`]) follow with
/// `--class-probs`.
pub const COLUMNS: [Column; 7] = [
    Column::label("event_class"),
    Column::float("event_confidence"),
    Column::float("goldstein"),
    Column::float("tension"),
    Column::label("cameo_root"),
    Column::label("cameo_name"),
    Column::float("cameo_confidence"),
];

/// `p_` and each of [`CLASSES`], in order.
pub const PROB_COLUMNS: [Column; 5] = [
    Column::float("p_statement"),
    Column::float("p_verbal_cooperation"),
    Column::float("p_material_cooperation"),
    Column::float("p_verbal_conflict"),
    Column::float("p_material_conflict"),
];

pub fn columns(opts: &ScorerOptions) -> Vec<Column> {
    let mut c = COLUMNS.to_vec();
    if opts.class_probs {
        c.extend(PROB_COLUMNS);
    }
    c
}

/// The class names, as `config.json` must list them.
pub const CLASSES: [&str; 5] = [
    "statement",
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
];

/// The class of each CAMEO root `01` … `20`, in order: the grouping that the labelled
/// training sentences follow (`docs/cameo-grouping.md`). It is CAMEO's own quad-class
/// table except that appeals (02) go with statements and reducing relations (16, which
/// includes sanctions) is verbal conflict.
pub const ROOT_CLASS: [usize; 20] = [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 3, 4, 4, 4, 4];

/// p(root) from the class probabilities and the root head's logits: within each class a
/// softmax over its roots' logits, times the class's probability. Sums to 1.
pub fn root_probs(class_p: &[f64], root_logits: &[f64], root_class: &[usize]) -> Vec<f64> {
    let mut p = vec![0.0; root_logits.len()];
    for (c, &pc) in class_p.iter().enumerate() {
        let members: Vec<usize> = (0..root_logits.len())
            .filter(|&r| root_class[r] == c)
            .collect();
        let max = members
            .iter()
            .map(|&r| root_logits[r])
            .fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = members.iter().map(|&r| (root_logits[r] - max).exp()).sum();
        for &r in &members {
            p[r] = pc * (root_logits[r] - max).exp() / sum;
        }
    }
    p
}

/// What the scorer reports for one sentence, from its class probabilities and root
/// logits: computed once here for inference and for the training code's reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub class: usize,
    pub class_confidence: f64,
    /// The most probable root of `class` (never a root of another class).
    pub root: usize,
    /// p(root) = p(class) · p(root | class).
    pub root_confidence: f64,
    pub goldstein: f64,
    pub tension: f64,
}

pub fn event(class_p: &[f64], root_logits: &[f64], roots: &[heads::RootConfig]) -> Event {
    let root_class: Vec<usize> = roots.iter().map(|r| r.class).collect();
    let p = root_probs(class_p, root_logits, &root_class);
    let class = argmax(class_p);
    let root = (0..p.len())
        .filter(|&r| root_class[r] == class)
        .fold(None, |b: Option<usize>, r| match b {
            Some(b) if p[b] >= p[r] => Some(b),
            _ => Some(r),
        })
        .expect("every class has a root");
    let goldstein: f64 = p.iter().zip(roots).map(|(q, r)| q * r.goldstein).sum();
    let tension: f64 = p
        .iter()
        .zip(roots)
        .map(|(q, r)| q * r.conflict_weight)
        .sum();
    Event {
        class,
        class_confidence: class_p[class],
        root,
        root_confidence: p[root],
        goldstein: goldstein.clamp(-10.0, 10.0),
        tension: tension.clamp(0.0, 1.0),
    }
}

/// The index of the largest value (the first on a tie).
pub fn argmax(p: &[f64]) -> usize {
    p.iter()
        .enumerate()
        .fold((0, f64::MIN), |a, (i, &q)| if q > a.1 { (i, q) } else { a })
        .0
}

pub fn build(models: &Path, opts: &ScorerOptions) -> Result<Box<dyn Scorer>, Error> {
    let trained = opts.model.trained(models);
    let dim = crate::model::encoder::width(models, opts.model)?;
    let heads = Heads::load_for(models, opts.model, dim)?;
    if heads.config.tension.labels != CLASSES {
        return Err(Error::Model {
            path: trained.join(heads::CONFIG),
            message: format!(
                "tension labels {:?}, expected {CLASSES:?}",
                heads.config.tension.labels
            ),
        });
    }
    let roots = &heads.config.tension.roots;
    let expected: Vec<String> = (1..=ROOT_CLASS.len()).map(|r| format!("{r:02}")).collect();
    let codes: Vec<&String> = roots.iter().map(|r| &r.code).collect();
    let classes: Vec<usize> = roots.iter().map(|r| r.class).collect();
    if codes != expected.iter().collect::<Vec<_>>() || classes != ROOT_CLASS {
        return Err(Error::Model {
            path: trained.join(heads::CONFIG),
            message: format!(
                "tension roots {codes:?} in classes {classes:?}, expected 01-20 in {ROOT_CLASS:?}"
            ),
        });
    }
    Ok(Box::new(TensionScorer {
        heads,
        id: Identity::of("tension", opts),
        class_probs: opts.class_probs,
    }))
}

struct TensionScorer {
    heads: Heads,
    id: Identity,
    class_probs: bool,
}

/// Softmax in f64.
pub fn softmax(logits: &[f32]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let exp: Vec<f64> = logits.iter().map(|&l| (l as f64 - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

impl Scorer for TensionScorer {
    fn identity(&self) -> &Identity {
        &self.id
    }
    fn score(&self, sentence: &Sentence<'_>, out: &mut Vec<Cell>) {
        let e = ArrayView1::from(sentence.embedding.expect("the run embeds for this scorer"));
        let logits = self.heads.tension.apply(e);
        let p = softmax(logits.as_slice().expect("contiguous"));
        let root_logits: Vec<f64> = self.heads.root.apply(e).iter().map(|&x| x as f64).collect();
        let t = &self.heads.config.tension;
        let ev = event(&p, &root_logits, &t.roots);
        let r = &t.roots[ev.root];
        out.push(Cell::Text(t.labels[ev.class].clone()));
        out.push(Cell::Num(ev.class_confidence));
        out.push(Cell::Num(ev.goldstein));
        out.push(Cell::Num(ev.tension));
        out.push(Cell::Text(r.code.clone()));
        out.push(Cell::Text(r.name.clone()));
        out.push(Cell::Num(ev.root_confidence));
        if self.class_probs {
            out.extend(p.into_iter().map(Cell::Num));
        }
    }
    /// A document's mean and largest tension and its share of tense sentences.
    fn summarize(&self, sentences: &[&[Cell]], out: &mut Vec<Cell>) {
        let col = TENSION_COLUMN;
        let tension: Vec<f64> = sentences
            .iter()
            .filter_map(|cells| match cells.get(col) {
                Some(Cell::Num(t)) => Some(*t),
                _ => None,
            })
            .collect();
        if tension.is_empty() {
            out.extend(DOCUMENT_COLUMNS.map(|_| Cell::Text(String::new())));
            return;
        }
        let n = tension.len() as f64;
        out.push(Cell::Num(tension.iter().sum::<f64>() / n));
        out.push(Cell::Num(tension.iter().copied().fold(f64::MIN, f64::max)));
        out.push(Cell::Num(
            tension.iter().filter(|&&t| t >= TENSE).count() as f64 / n,
        ));
    }
}

/// Where `score` pushes the `tension` cell among this scorer's cells.
const TENSION_COLUMN: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_columns_name_the_classes_in_order() {
        let names: Vec<String> = CLASSES.iter().map(|c| format!("p_{c}")).collect();
        assert_eq!(PROB_COLUMNS.map(|c| c.name.to_string()).to_vec(), names);
    }

    fn roots() -> Vec<heads::RootConfig> {
        ROOT_CLASS
            .iter()
            .enumerate()
            .map(|(r, &class)| heads::RootConfig {
                code: format!("{:02}", r + 1),
                name: String::new(),
                class,
                goldstein: 5.0 - r as f64 / 2.0,
                conflict_weight: r as f64 / 19.0,
            })
            .collect()
    }

    #[test]
    fn root_probabilities_factor_through_the_classes() {
        let class_p = [0.1, 0.2, 0.05, 0.6, 0.05];
        let logits: Vec<f64> = (0..20).map(|r| ((r * 7) % 5) as f64 - 2.0).collect();
        let p = root_probs(&class_p, &logits, &ROOT_CLASS);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for (c, &pc) in class_p.iter().enumerate() {
            let sum: f64 = (0..20).filter(|&r| ROOT_CLASS[r] == c).map(|r| p[r]).sum();
            assert!((sum - pc).abs() < 1e-12, "class {c}: {sum} vs {pc}");
        }
        // Within a class, the order of the logits.
        assert!(p[9] > p[11] && p[11] > p[8], "{p:?}");
    }

    #[test]
    fn the_root_lies_in_the_most_probable_class_even_when_another_root_is_likelier() {
        // Class 3 wins with 0.4 spread over six roots; class 4's 0.35 sits on one root.
        let class_p = [0.1, 0.1, 0.05, 0.4, 0.35];
        let mut logits = vec![0.0; 20];
        logits[18] = 20.0; // 19 Fight, class 4
        let ev = event(&class_p, &logits, &roots());
        assert_eq!(ev.class, 3);
        assert_eq!(ROOT_CLASS[ev.root], 3);
        assert!((ev.root_confidence - 0.4 / 6.0).abs() < 1e-12);
        assert!((ev.class_confidence - 0.4).abs() < 1e-12);
        let p = root_probs(&class_p, &logits, &ROOT_CLASS);
        let g: f64 = p.iter().zip(roots()).map(|(q, r)| q * r.goldstein).sum();
        assert!((ev.goldstein - g).abs() < 1e-12);
        assert!((p[18] - 0.35).abs() < 1e-6);
    }
}
