//! `detente train --head actor-sentiment`: fits the actor sentiment head of
//! `models/actor_sentiment/` on NewsMTSC's targets (each target's mentions pooled through
//! the tuned encoder, beside the sentence embedding), measures it as
//! `models/actor_sentiment.md` does (the mixed-polarity sentences, which the encoder never
//! saw labels of, are the honest test), and writes the shipped head.
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{json, Value};

use super::metrics;
use super::spans::{self, FitSettings, Logistic};
use crate::error::Error;

/// The classes, in the order of the head's outputs (NewsMTSC polarity 2, 4, 6).
pub const LABELS: [&str; 3] = ["negative", "neutral", "positive"];
/// The weights of the mixed-polarity sentences' targets that the CV measures.
pub const MIXED_WEIGHTS: [f32; 4] = [1.0, 3.0, 5.0, 10.0];
/// The weight of the mixed-polarity sentences' targets in the shipped head.
pub const SHIP_WEIGHT: f32 = 5.0;

/// What to fit and where to write it.
#[derive(Debug, Clone)]
pub struct ActorJob {
    /// `newsmtsc_train.jsonl`.
    pub news: PathBuf,
    pub models: PathBuf,
    /// The encoder whose tuned token states the head reads (`--model`).
    pub model: crate::model::Model,
    /// Where `head.safetensors` and `config.json` go (`None`: measure only).
    pub out: Option<PathBuf>,
    /// CV folds by sentence (0: no CV).
    pub folds: usize,
    pub fit: FitSettings,
    pub workers: usize,
}

/// The labelled targets of the data set and their sentences.
struct Targets {
    texts: Vec<String>,
    /// Per sentence, one group of byte ranges per target (its mention and further mentions).
    groups: Vec<Vec<Vec<Range<usize>>>>,
    /// Per target: its sentence, class, and whether its sentence's targets disagree.
    sentence: Vec<usize>,
    label: Vec<usize>,
    mixed: Vec<bool>,
}

/// The byte range of the characters `from..to` of `text` (NewsMTSC counts characters).
fn char_range(text: &str, from: usize, to: usize) -> Range<usize> {
    let byte = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(b, _)| b);
    byte(from)..byte(to)
}

/// Reads NewsMTSC's JSON lines: a sentence and its targets, each with `from`/`to`
/// (characters of `sentence_normalized`), optional `further_mentions`, and a `polarity`.
fn load(path: &Path) -> Result<Targets, Error> {
    #[derive(Deserialize)]
    struct Mention {
        from: usize,
        to: usize,
    }
    #[derive(Deserialize)]
    struct Target {
        from: usize,
        to: usize,
        polarity: f64,
        #[serde(default)]
        further_mentions: Vec<Mention>,
    }
    #[derive(Deserialize)]
    struct Item {
        sentence_normalized: String,
        targets: Vec<Target>,
    }
    let bad = |line: usize, m: String| Error::Usage(format!("{}:{line}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    let mut t = Targets {
        texts: Vec::new(),
        groups: Vec::new(),
        sentence: Vec::new(),
        label: Vec::new(),
        mixed: Vec::new(),
    };
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let item: Item = serde_json::from_str(line).map_err(|e| bad(i + 1, e.to_string()))?;
        let s = &item.sentence_normalized;
        let mut labels = Vec::new();
        let mut groups = Vec::new();
        for target in &item.targets {
            labels.push(match target.polarity {
                2.0 => 0,
                4.0 => 1,
                6.0 => 2,
                p => return Err(bad(i + 1, format!("polarity {p} is not 2, 4 or 6"))),
            });
            let further = target.further_mentions.iter().map(|m| (m.from, m.to));
            let group = std::iter::once((target.from, target.to))
                .chain(further)
                .map(|(a, b)| char_range(s, a, b))
                .collect();
            groups.push(group);
        }
        let mixed = labels.iter().any(|&l| l != labels[0]);
        for l in labels {
            t.sentence.push(t.texts.len());
            t.label.push(l);
            t.mixed.push(mixed);
        }
        t.texts.push(item.sentence_normalized);
        t.groups.push(groups);
    }
    if t.label.is_empty() {
        return Err(bad(0, "no targets".into()));
    }
    Ok(t)
}

/// The inputs of every target, `[mention; sentence]` (`2 × dim` a row, `dim` the
/// encoder's width), the news head's label of each target's sentence (a baseline), and
/// `dim`.
fn features(
    job: &ActorJob,
    t: &Targets,
    log: &mut dyn FnMut(&str),
) -> Result<(Vec<f32>, Vec<usize>, usize), Error> {
    let items: Vec<(&str, Vec<Vec<Range<usize>>>)> = t
        .texts
        .iter()
        .zip(&t.groups)
        .map(|(s, g)| (s.as_str(), g.clone()))
        .collect();
    log(&format!("encoding {} sentences", items.len()));
    let encoded = spans::encode(&job.models, job.model, &items, job.workers, log)?;
    let dim = crate::model::encoder::width(&job.models, job.model)?;
    let heads = crate::model::heads::Heads::load_for(&job.models, job.model, dim)?;
    let mut x = Vec::with_capacity(t.label.len() * 2 * dim);
    let mut news = Vec::with_capacity(t.label.len());
    for (e, groups) in encoded.iter().zip(&t.groups) {
        let logits = heads.news.apply(ndarray::ArrayView1::from(&e.sentence[..]));
        let label = metrics::argmax(&logits.iter().map(|&v| v as f64).collect::<Vec<_>>());
        for g in 0..groups.len() {
            x.extend_from_slice(&e.groups[g * dim..(g + 1) * dim]);
            x.extend_from_slice(&e.sentence);
            news.push(label);
        }
    }
    Ok((x, news, dim))
}

/// The figures of predictions against gold, as the card prints them.
fn report(gold: &[usize], pred: &[usize]) -> Value {
    let r = |v: f64| (v * 10_000.0).round() / 10_000.0;
    let f = metrics::per_class_f1(gold, pred, LABELS.len());
    let mut out = json!({
        "n": gold.len(),
        "macro_f1": r(metrics::macro_f1(gold, pred, LABELS.len())),
        "accuracy": r(metrics::accuracy(gold, pred)),
    });
    for (name, v) in LABELS.iter().zip(f) {
        out[format!("f1_{name}")] = json!(r(v.unwrap_or(0.0)));
    }
    out
}

/// The rows `rows` of `x` (rows of `w` values), keeping only the columns `cols` of each.
fn select((x, w): (&[f32], usize), rows: &[usize], cols: Range<usize>) -> Vec<f32> {
    rows.iter()
        .flat_map(|&r| x[r * w + cols.start..r * w + cols.end].iter().copied())
        .collect()
}

/// Fits on `train` (with per-row weights) and predicts the class of each row of `test`.
fn fit_predict(
    x: (&[f32], usize),
    y: &[usize],
    (train, weights): (&[usize], &[f32]),
    test: &[usize],
    cols: Range<usize>,
    s: FitSettings,
) -> Vec<usize> {
    let d = cols.len();
    let ys: Vec<usize> = train.iter().map(|&i| y[i]).collect();
    let head = spans::fit_logistic(
        &select(x, train, cols.clone()),
        d,
        &ys,
        weights,
        LABELS.len(),
        s,
    );
    let xt = select(x, test, cols);
    xt.chunks(d)
        .map(|row| metrics::argmax(&head.probs(row)))
        .collect()
}

/// The fold of a sentence: from the hash of its text, so that it depends on nothing else.
fn fold_of(text: &str, k: usize) -> usize {
    let h = super::role_data::short_sha(text);
    (u64::from_str_radix(&h, 16).expect("hex") % k as u64) as usize
}

/// The fit of the shipped recipe, with the L2 penalty and the seed of the command line:
/// more and smaller Adam steps than the role head's, because with 768 inputs and a weak
/// penalty 400 steps of 0.05 leave the solution (and the figures, by up to 0.03 macro-F1)
/// depending on the order of floating-point sums (`models/actor_sentiment.md`).
pub fn fit_settings(l2: f64, seed: i64) -> FitSettings {
    FitSettings {
        l2,
        seed,
        steps: 1000,
        rate: 0.02,
    }
}

/// Every figure of the card's table: baselines and heads fit on the single-polarity
/// targets, measured on the mixed ones; with `folds > 1` the CV by sentence over the
/// mixed sentences at each of [`MIXED_WEIGHTS`], and the CV on the single-polarity ones.
fn measure(
    job: &ActorJob,
    t: &Targets,
    (x, dim): (&[f32], usize),
    news: &[usize],
    log: &mut dyn FnMut(&str),
) -> Value {
    let x = (x, 2 * dim);
    let y = &t.label;
    let single: Vec<usize> = (0..y.len()).filter(|&i| !t.mixed[i]).collect();
    let mixed: Vec<usize> = (0..y.len()).filter(|&i| t.mixed[i]).collect();
    let gold: Vec<usize> = mixed.iter().map(|&i| y[i]).collect();
    let mut sentences: Vec<usize> = mixed.iter().map(|&i| t.sentence[i]).collect();
    sentences.dedup();
    let mut m = json!({
        "targets": y.len(), "single_polarity_targets": single.len(),
        "mixed_targets": mixed.len(), "mixed_sentences": sentences.len(),
    });
    let count = |c: usize| single.iter().filter(|&&i| y[i] == c).count();
    let major = (0..LABELS.len())
        .max_by_key(|&c| count(c))
        .expect("classes");
    m["mixed_majority"] = report(&gold, &vec![major; gold.len()]);
    let labelled: Vec<usize> = mixed.iter().map(|&i| news[i]).collect();
    m["mixed_sentence_label"] = report(&gold, &labelled);
    let ones = vec![1.0; single.len()];
    for (name, cols) in [
        ("span+sentence", 0..2 * dim),
        ("span", 0..dim),
        ("sentence", dim..2 * dim),
    ] {
        log(&format!("head on {name}, single-polarity targets"));
        let pred = fit_predict(x, y, (&single, &ones), &mixed, cols, job.fit);
        m[format!("mixed_{name}")] = report(&gold, &pred);
    }
    let k = job.folds;
    if k < 2 {
        return m;
    }
    let fold = |i: usize| fold_of(&t.texts[t.sentence[i]], k);
    for w in MIXED_WEIGHTS {
        log(&format!(
            "{k}-fold CV over the mixed sentences, their targets at weight {w}"
        ));
        let mut pred = HashMap::new();
        for f in 0..k {
            let (held, rest): (Vec<usize>, Vec<usize>) = mixed.iter().partition(|&&i| fold(i) == f);
            let train: Vec<usize> = single.iter().chain(&rest).copied().collect();
            let weights: Vec<f32> = (0..train.len())
                .map(|n| if n < single.len() { 1.0 } else { w })
                .collect();
            let p = fit_predict(x, y, (&train, &weights), &held, 0..2 * dim, job.fit);
            pred.extend(held.into_iter().zip(p));
        }
        let p: Vec<usize> = mixed.iter().map(|i| pred[i]).collect();
        m[format!("mixed_cv_with_mixed_w{w:.1}")] = report(&gold, &p);
    }
    log(&format!("{k}-fold CV over the single-polarity sentences"));
    let mut pred = HashMap::new();
    for f in 0..k {
        let (held, train): (Vec<usize>, Vec<usize>) = single.iter().partition(|&&i| fold(i) == f);
        let p = fit_predict(
            x,
            y,
            (&train, &vec![1.0; train.len()]),
            &held,
            0..2 * dim,
            job.fit,
        );
        pred.extend(held.into_iter().zip(p));
    }
    let gold_s: Vec<usize> = single.iter().map(|&i| y[i]).collect();
    let p: Vec<usize> = single.iter().map(|i| pred[i]).collect();
    m["cv_single_span+sentence"] = report(&gold_s, &p);
    let labelled: Vec<usize> = single.iter().map(|&i| news[i]).collect();
    m["cv_single_sentence_label"] = report(&gold_s, &labelled);
    m
}

/// Runs the job: the figures, then (with `out`) the head fit on every target, the mixed
/// sentences' at [`SHIP_WEIGHT`], written. Returns the figures.
pub fn run(job: &ActorJob, log: &mut dyn FnMut(&str)) -> Result<Value, Error> {
    let t0 = std::time::Instant::now();
    let t = load(&job.news)?;
    let (x, news, dim) = features(job, &t, log)?;
    let mut m = measure(job, &t, (&x, dim), &news, log);
    m["fit"] = json!(job.fit);
    m["folds"] = json!(job.folds);
    if let Some(out) = &job.out {
        let weights: Vec<f32> = t
            .mixed
            .iter()
            .map(|&b| if b { SHIP_WEIGHT } else { 1.0 })
            .collect();
        log(&format!(
            "fitting the shipped head on {} targets",
            t.label.len()
        ));
        let head = spans::fit_logistic(&x, 2 * dim, &t.label, &weights, LABELS.len(), job.fit);
        m["seconds"] = json!(t0.elapsed().as_secs_f64().round());
        write(out, job, &t, &head, &m)?;
        log(&format!(
            "actor sentiment head written to {}",
            out.display()
        ));
    }
    Ok(m)
}

/// Writes `head.safetensors` (`actor.weight`, `actor.bias`) and `config.json`.
fn write(out: &Path, job: &ActorJob, t: &Targets, head: &Logistic, m: &Value) -> Result<(), Error> {
    let sha = crate::model::files::sha256_file;
    let n_mixed = t.mixed.iter().filter(|&&b| b).count();
    let measured: serde_json::Map<String, Value> = m
        .as_object()
        .expect("an object")
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.get("macro_f1")?.clone())))
        .collect();
    let config = crate::model::span_heads::SpanHeadConfig {
        labels: LABELS.iter().map(|s| s.to_string()).collect(),
        features: vec!["mention".into(), "sentence".into()],
        rule_features: Vec::new(),
        decoding: Value::Null,
        heads_sha256: sha(&job.model.trained(&job.models).join(crate::model::heads::WEIGHTS))?,
        training: json!({
            "data": "newsmtsc_train.jsonl", "data_sha256": sha(&job.news)?,
            "targets": format!("every target: single-polarity sentences (weight 1) and \
                                mixed-polarity sentences (weight {SHIP_WEIGHT})"),
            "n_single": t.label.len() - n_mixed, "n_mixed": n_mixed,
            "fit": job.fit, "folds": job.folds,
            "optimizer": "full-batch Adam on standardised features (detente train --head actor-sentiment)",
            "measured": measured, "figures": m,
        }),
    };
    super::spans::write_head(out, "actor", head, &config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_offsets_become_byte_ranges() {
        let s = "Le président Macron a dit";
        let r = char_range(s, 13, 19);
        assert_eq!(&s[r], "Macron");
        assert_eq!(char_range(s, 0, 25), 0..s.len());
    }

    #[test]
    fn targets_get_their_groups_and_mixed_sentences_are_marked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("news.jsonl");
        std::fs::write(
            &p,
            concat!(
                r#"{"sentence_normalized": "Öl: Bob met Ann, and Bob left.", "targets": ["#,
                r#"{"from": 4, "to": 7, "polarity": 2.0, "further_mentions": [{"from": 21, "to": 24}]},"#,
                r#"{"from": 12, "to": 15, "polarity": 6.0}]}"#,
                "\n",
                r#"{"sentence_normalized": "Ann won.", "targets": [{"from": 0, "to": 3, "polarity": 4.0}]}"#,
                "\n"
            ),
        )
        .unwrap();
        let t = load(&p).unwrap();
        let s = &t.texts[0];
        let bob: Vec<&str> = t.groups[0][0].iter().map(|r| &s[r.clone()]).collect();
        assert_eq!(bob, ["Bob", "Bob"]);
        assert_eq!(&s[t.groups[0][1][0].clone()], "Ann");
        assert_eq!(t.label, [0, 2, 1]);
        assert_eq!(t.mixed, [true, true, false]);
        assert_eq!(t.sentence, [0, 0, 1]);
    }
}
