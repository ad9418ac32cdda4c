//! The `tension` scorer: how much conflict versus cooperation between states a sentence
//! reports. A linear head on the (tuned) sentence embedding gives a distribution over
//! five event classes (CAMEO's make-statement root and GDELT's four quad classes); the
//! Goldstein value and the tension follow from it as expectations, and the most similar
//! CAMEO root event type is given as an explanation. See `models/heads.md`.
use std::path::Path;

use ndarray::ArrayView1;

use super::{Cell, Scorer, ScorerOptions, Sentence};
use crate::error::Error;
use crate::model::heads::{self, Heads};

/// A sentence is tense when its `tension` is at least this: the threshold of the
/// `--docs` table's `share_tense` and of `aggregate`'s.
pub const TENSE: f64 = 0.5;

/// The columns the tension scorer adds to the `--docs` table.
pub const DOCUMENT_COLUMNS: [&str; 3] = ["tension_mean", "tension_max", "share_tense"];

pub fn columns(opts: &ScorerOptions) -> Vec<String> {
    let mut c: Vec<String> = [
        "event_class",
        "event_confidence",
        "goldstein",
        "tension",
        "cameo_root",
        "cameo_name",
    ]
    .map(String::from)
    .into();
    if opts.class_probs {
        c.extend(CLASSES.iter().map(|l| format!("p_{l}")));
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

pub fn build(models: &Path, opts: &ScorerOptions) -> Result<Box<dyn Scorer>, Error> {
    let heads = Heads::load(models, crate::model::encoder::DIM)?;
    if heads.config.tension.labels != CLASSES {
        return Err(Error::Model {
            path: models.join(heads::CONFIG),
            message: format!(
                "tension labels {:?}, expected {CLASSES:?}",
                heads.config.tension.labels
            ),
        });
    }
    Ok(Box::new(TensionScorer {
        heads,
        columns: columns(opts),
        class_probs: opts.class_probs,
    }))
}

struct TensionScorer {
    heads: Heads,
    columns: Vec<String>,
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
    fn name(&self) -> &str {
        "tension"
    }
    fn columns(&self) -> &[String] {
        &self.columns
    }
    fn needs_embedding(&self) -> bool {
        true
    }
    fn score(&self, sentence: &Sentence<'_>, out: &mut Vec<Cell>) {
        let e = ArrayView1::from(sentence.embedding.expect("the run embeds for this scorer"));
        let logits = self.heads.tension.apply(e);
        let p = softmax(logits.as_slice().expect("contiguous"));
        let t = &self.heads.config.tension;
        let (best, conf) =
            p.iter()
                .enumerate()
                .fold((0, f64::MIN), |a, (i, &q)| if q > a.1 { (i, q) } else { a });
        let goldstein: f64 = p.iter().zip(&t.goldstein).map(|(q, g)| q * g).sum();
        let tension: f64 = p.iter().zip(&t.conflict_weight).map(|(q, w)| q * w).sum();
        let sims = self.heads.prototypes.dot(&e);
        let root = sims
            .iter()
            .enumerate()
            .fold((0, f32::MIN), |a, (i, &s)| if s > a.1 { (i, s) } else { a })
            .0;
        let r = &self.heads.config.cameo_roots[root];
        out.push(Cell::Text(t.labels[best].clone()));
        out.push(Cell::Num(conf));
        out.push(Cell::Num(goldstein.clamp(-10.0, 10.0)));
        out.push(Cell::Num(tension.clamp(0.0, 1.0)));
        out.push(Cell::Text(r.code.clone()));
        out.push(Cell::Text(r.name.clone()));
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
