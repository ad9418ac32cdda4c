//! `detente train --head roles`: fits the role head of `models/roles/` (per actor phrase:
//! neither, source or target) on silver roles of real news and the dev rows of the team's
//! gold set, cross-validates it with whole paragraphs and gold rows kept in one fold, and
//! measures the shipped head against the rules alone on the gold test rows and on the
//! external yardstick (never trained on). See `models/roles.md`.
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::role_data::{self, Item, Labels, RolePaths, Use};
use super::spans::{self, FitSettings, Logistic};
use crate::error::Error;
use crate::score::actors::learned::{self, Decoding, LABELS, RULE_FEATURES};
use crate::score::actors::{Gazetteer, Names, Phrase};

/// What to fit and where to write it.
#[derive(Debug, Clone)]
pub struct RoleJob {
    pub paths: RolePaths,
    pub models: PathBuf,
    /// The encoder whose tuned token states the head reads (`--model`).
    pub model: crate::model::Model,
    /// Where `head.safetensors` and `config.json` go (`None`: measure only).
    pub out: Option<PathBuf>,
    pub folds: usize,
    /// The weight of a gold dev phrase against a silver one.
    pub gold_weight: f32,
    /// The weight of a silver phrase labelled neither (the parse left it in no role).
    pub silver_neither_weight: f32,
    pub fit: FitSettings,
    pub workers: usize,
    /// Where to write each measured sentence's gold, rules' and learned roles (TSV).
    pub dump: Option<PathBuf>,
}

/// A sentence, coded and encoded: its phrases, the rules' roles, and its rows of inputs.
struct Prepared {
    item: Item,
    phrases: Vec<Phrase>,
    rows: Range<usize>,
}

/// Whether predicted codes name the gold ones: the sets of their first three letters
/// (state or organisation) are equal, as the yardstick is scored (`detente evaluate
/// --codes 3`).
pub fn codes_match(pred: &[String], gold: &[String]) -> bool {
    let set = |v: &[String]| super::metrics::code_set(&v.join(";"), 3);
    set(pred) == set(gold)
}

/// The label (index into [`LABELS`]) of each phrase of a training sentence.
fn phrase_labels(item: &Item, phrases: &[Phrase]) -> Vec<usize> {
    phrases
        .iter()
        .map(|p| match &item.labels {
            Labels::Spans { source, target } => {
                let within =
                    |rs: &[Range<usize>]| rs.iter().any(|r| r.start <= p.start && p.end <= r.end);
                if within(source) {
                    1
                } else if within(target) {
                    2
                } else {
                    0
                }
            }
            Labels::Codes { source, target } => {
                let exact = |g: &[String]| !p.code.is_empty() && g.contains(&p.code);
                let prefix = |g: &[String]| {
                    !p.code.is_empty() && g.iter().any(|c| c.get(..3) == p.code.get(..3))
                };
                let sector = |g: &[String]| {
                    p.code.is_empty()
                        && !p.sector.is_empty()
                        && g.iter().any(|c| c.get(3..) == Some(p.sector.as_str()))
                };
                if exact(source) {
                    1
                } else if exact(target) {
                    2
                } else if prefix(source) {
                    1
                } else if prefix(target) || sector(target) {
                    2
                } else if sector(source) {
                    1
                } else {
                    0
                }
            }
        })
        .collect()
}

/// A sentence with its phrases and the rules' source and target among them.
type Candidates = (Item, Vec<Phrase>, (Vec<usize>, Vec<usize>));

/// Codes, encodes and builds the inputs of every sentence: `x` holds one row of
/// `w` ([`input_width`]) values per phrase; returns `(sentences, x, w)`.
fn prepare(
    job: &RoleJob,
    items: Vec<Item>,
    coder: &(Gazetteer, Names),
    log: &mut dyn FnMut(&str),
) -> Result<(Vec<Prepared>, Vec<f32>, usize), Error> {
    let (g, names) = coder;
    let coded: Vec<Candidates> = items
        .into_iter()
        .map(|item| {
            let (phrases, rules) = names.candidates(g, &item.text, &item.date);
            (item, phrases, rules)
        })
        .collect();
    let inputs: Vec<(&str, Vec<Vec<Range<usize>>>)> = coded
        .iter()
        .map(|(item, phrases, _)| {
            let groups = phrases
                .iter()
                .map(|p| std::iter::once(p.start..p.end).collect())
                .collect();
            (item.text.as_str(), groups)
        })
        .collect();
    log(&format!("encoding {} sentences", inputs.len()));
    let encoded = spans::encode(&job.models, job.model, &inputs, job.workers, log)?;
    let dim = crate::model::encoder::width(&job.models, job.model)?;
    let w = input_width(dim);
    let mut x = Vec::new();
    let mut out = Vec::with_capacity(coded.len());
    for ((item, phrases, rules), e) in coded.into_iter().zip(encoded) {
        let from = x.len() / w;
        for i in 0..phrases.len() {
            x.extend_from_slice(&e.groups[i * dim..(i + 1) * dim]);
            x.extend_from_slice(&e.sentence);
            x.extend(learned::rule_features(
                &item.text,
                &phrases,
                (&rules.0, &rules.1),
                i,
            ));
        }
        out.push(Prepared {
            rows: from..from + phrases.len(),
            item,
            phrases,
        });
    }
    Ok((out, x, w))
}

/// Inputs per phrase: mention, sentence (each of the encoder's width `dim`), rules.
fn input_width(dim: usize) -> usize {
    2 * dim + RULE_FEATURES.len()
}

/// A head and how it decodes.
type Decoder<'a> = (&'a Logistic, Decoding);

/// The sentence's source and target codes with the head `head` (`None`: the rules).
fn sentence_roles(
    coder: &(Gazetteer, Names),
    p: &Prepared,
    x: &[f32],
    head: Option<Decoder<'_>>,
) -> (Vec<String>, Vec<String>) {
    let choose = |phrases: &[Phrase], rules: (Vec<usize>, Vec<usize>)| match head {
        Some((h, d)) if phrases.len() == p.rows.len() => {
            let probs: Vec<[f32; 3]> = p
                .rows
                .clone()
                .map(|r| {
                    let v = h.probs(&x[r * h.d..(r + 1) * h.d]);
                    [v[0] as f32, v[1] as f32, v[2] as f32]
                })
                .collect();
            learned::pick(&p.item.text, phrases, &probs, d, &rules)
        }
        _ => rules,
    };
    let c = coder
        .1
        .code_with(&coder.0, &p.item.text, &p.item.date, None, Some(&choose));
    (c.source, c.target)
}

/// Source, target and both right, as fractions of the sentences, each with its own
/// decoder (`None`: the rules).
fn score_sentences(
    coder: &(Gazetteer, Names),
    items: &[(&Prepared, Option<Decoder<'_>>)],
    x: &[f32],
) -> [f64; 3] {
    let mut right = [0usize; 3];
    for (p, head) in items {
        let Labels::Codes { source, target } = &p.item.labels else {
            continue;
        };
        let (ps, pt) = sentence_roles(coder, p, x, *head);
        let (a, b) = (codes_match(&ps, source), codes_match(&pt, target));
        right[0] += a as usize;
        right[1] += b as usize;
        right[2] += (a && b) as usize;
    }
    let n = items.len().max(1) as f64;
    right.map(|v| (v as f64 / n * 1000.0).round() / 1000.0)
}

fn figures(n: usize, f: [f64; 3]) -> Value {
    json!({ "n": n, "source": f[0], "target": f[1], "both": f[2] })
}

/// The decoding thresholds tried in CV (source, target).
const SOURCE_THRESHOLDS: [f32; 4] = [0.2, 0.3, 0.4, 0.5];
const TARGET_THRESHOLDS: [f32; 8] = [0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];

/// The training rows of the given sentences: inputs, labels, weights.
fn training_rows(
    prepared: &[&Prepared],
    (x, w): (&[f32], usize),
    job: &RoleJob,
) -> (Vec<f32>, Vec<usize>, Vec<f32>) {
    let (mut xs, mut ys, mut ws) = (Vec::new(), Vec::new(), Vec::new());
    for p in prepared {
        let weight = if p.item.used == Use::GoldDev {
            job.gold_weight
        } else {
            1.0
        };
        for (r, y) in p.rows.clone().zip(phrase_labels(&p.item, &p.phrases)) {
            xs.extend_from_slice(&x[r * w..(r + 1) * w]);
            ys.push(y);
            let silver_neither = p.item.used == Use::Silver && y == 0;
            ws.push(if silver_neither {
                weight * job.silver_neither_weight
            } else {
                weight
            });
        }
    }
    (xs, ys, ws)
}

/// The fold of a group: from its hash, so that it does not depend on the order of rows.
fn fold_of(group: &str, k: usize) -> usize {
    let h = role_data::short_sha(group);
    (u64::from_str_radix(&h, 16).expect("hex") % k as u64) as usize
}

/// Runs the job: CV, then the shipped head (fit on everything trained on, measured,
/// written when `out` is set). Returns the figures.
pub fn run(job: &RoleJob, log: &mut dyn FnMut(&str)) -> Result<Value, Error> {
    let t0 = std::time::Instant::now();
    let (silver, missing) = role_data::load_silver(&job.paths.silver, &job.paths.datasets)?;
    log(&format!(
        "{} silver sentences ({missing} not found in {} with their hash: left out)",
        silver.len(),
        job.paths.datasets.display()
    ));
    let mut items = silver;
    for gold in &job.paths.gold {
        items.extend(role_data::load_gold(gold)?);
    }
    if let Some(y) = &job.paths.yardstick {
        items.extend(role_data::load_yardstick(y)?);
    }
    let g = Gazetteer::load(&job.models)?;
    let names = Names::load(&job.models, g.codes())?;
    let coder = (g, names);
    let (prepared, x, w) = prepare(job, items, &coder, log)?;
    let of = |u: Use| -> Vec<&Prepared> { prepared.iter().filter(|p| p.item.used == u).collect() };
    // A silver sentence teaches only when the parse put one of its actor phrases in a
    // role: else the parse and the coder disagree on what the actors are.
    let trained: Vec<&Prepared> = prepared
        .iter()
        .filter(|p| match p.item.used {
            Use::Silver => phrase_labels(&p.item, &p.phrases).iter().any(|&l| l > 0),
            Use::GoldDev => true,
            _ => false,
        })
        .collect();
    let mut m = json!({
        "sentences": { "silver": of(Use::Silver).len(), "gold_dev": of(Use::GoldDev).len(),
                       "gold_test": of(Use::GoldTest).len(), "yardstick": of(Use::Yardstick).len() },
        "fit": job.fit, "gold_weight": job.gold_weight, "folds": job.folds,
        "silver_neither_weight": job.silver_neither_weight,
    });
    let mut decoding = Decoding {
        thresholds: [0.5, 0.5],
        source_from_rules: false,
        target_from_rules: false,
    };
    if job.folds > 1 {
        let (cv, chosen) = cross_validate(job, &coder, &trained, (&x, w), log);
        m["cv"] = cv;
        decoding = chosen;
    }
    m["decoding"] = json!(decoding);
    let (xs, ys, ws) = training_rows(&trained, (&x, w), job);
    log(&format!("fitting the shipped head on {} phrases", ys.len()));
    let head = spans::fit_logistic(&xs, w, &ys, &ws, LABELS.len(), job.fit);
    for (name, u) in [("gold_test", Use::GoldTest), ("yardstick", Use::Yardstick)] {
        let items = of(u);
        if !items.is_empty() {
            let rules: Vec<_> = items.iter().map(|p| (*p, None)).collect();
            let learned: Vec<_> = items
                .iter()
                .map(|p| (*p, Some((&head, decoding))))
                .collect();
            m[name] = json!({
                "rules": figures(items.len(), score_sentences(&coder, &rules, &x)),
                "learned": figures(items.len(), score_sentences(&coder, &learned, &x)),
            });
        }
    }
    if let Some(path) = &job.dump {
        dump(path, &coder, &prepared, &x, (&head, decoding))?;
    }
    m["seconds"] = json!(t0.elapsed().as_secs_f64().round());
    if let Some(out) = &job.out {
        write(out, &job.model.trained(&job.models), (&head, decoding), &m)?;
        log(&format!("role head written to {}", out.display()));
    }
    Ok(m)
}

/// Grouped k-fold CV over the trained-on sentences: phrase accuracy on held-out silver,
/// and sentence figures on held-out gold dev rows, learned against rules; the decoding
/// thresholds are chosen on those held-out gold rows ([`choose_decoding`]).
fn cross_validate(
    job: &RoleJob,
    coder: &(Gazetteer, Names),
    trained: &[&Prepared],
    (x, w): (&[f32], usize),
    log: &mut dyn FnMut(&str),
) -> (Value, Decoding) {
    let k = job.folds;
    let (mut right, mut total, mut rule_right) = (0usize, 0usize, 0usize);
    let mut held_gold: Vec<(&Prepared, Logistic)> = Vec::new();
    for f in 0..k {
        let (train, held): (Vec<&Prepared>, Vec<&Prepared>) =
            trained.iter().partition(|p| fold_of(&p.item.group, k) != f);
        let (xs, ys, ws) = training_rows(&train, (x, w), job);
        let head = spans::fit_logistic(&xs, w, &ys, &ws, LABELS.len(), job.fit);
        for p in held.iter().filter(|p| p.item.used == Use::Silver) {
            for (r, y) in p.rows.clone().zip(phrase_labels(&p.item, &p.phrases)) {
                let row = &x[r * w..(r + 1) * w];
                right += (crate::train::metrics::argmax(&head.probs(row)) == y) as usize;
                // The rules' label of the phrase, from its first two rule inputs.
                let d = w - RULE_FEATURES.len();
                let rule = match (row[d] > 0.5, row[d + 1] > 0.5) {
                    (true, _) => 1,
                    (_, true) => 2,
                    _ => 0,
                };
                rule_right += (rule == y) as usize;
                total += 1;
            }
        }
        log(&format!(
            "fold {f}: {} training sentences, {} held out",
            train.len(),
            held.len()
        ));
        held_gold.extend(
            held.into_iter()
                .filter(|p| p.item.used == Use::GoldDev)
                .map(|p| (p, head.clone())),
        );
    }
    let gold: Vec<(&Prepared, Option<Decoder<'_>>)> =
        held_gold.iter().map(|(p, _)| (*p, None)).collect();
    let (mut loss, mut phrases) = (0f64, 0usize);
    for (p, h) in &held_gold {
        for (r, y) in p.rows.clone().zip(phrase_labels(&p.item, &p.phrases)) {
            loss -= h.probs(&x[r * w..(r + 1) * w])[y].max(1e-9).ln();
            phrases += 1;
        }
    }
    let mut grid = Vec::new();
    for (source_from_rules, target_from_rules) in
        [(false, false), (true, false), (false, true), (true, true)]
    {
        for s in SOURCE_THRESHOLDS {
            for t in TARGET_THRESHOLDS {
                let d = Decoding {
                    thresholds: [s, t],
                    source_from_rules,
                    target_from_rules,
                };
                let with: Vec<_> = held_gold.iter().map(|(p, h)| (*p, Some((h, d)))).collect();
                grid.push((d, score_sentences(coder, &with, x)));
            }
        }
    }
    let (chosen, best) = choose_decoding(&grid);
    let r = |v: usize, n: usize| (v as f64 / n.max(1) as f64 * 1000.0).round() / 1000.0;
    let cv = json!({
        "silver_phrases": total,
        "silver_phrase_accuracy": { "learned": r(right, total), "rules": r(rule_right, total) },
        "gold_dev": {
            "phrase_log_loss": (loss / phrases.max(1) as f64 * 1000.0).round() / 1000.0,
            "rules": figures(gold.len(), score_sentences(coder, &gold, x)),
            "learned": figures(gold.len(), best),
            "decoding": chosen,
        },
        "grid": grid.iter().map(|(d, f)| json!({"decoding": d, "both": f[2], "source": f[0], "target": f[1]})).collect::<Vec<_>>(),
    });
    (cv, chosen)
}

/// The decoding with the best held-out "both", then source + target. A small dev set ties
/// often over a run of target thresholds: of the ties, the first one's flags and source
/// threshold are kept and the median of its tied target thresholds is taken, so that the
/// choice does not sit on the plateau's edge.
fn choose_decoding(grid: &[(Decoding, [f64; 3])]) -> (Decoding, [f64; 3]) {
    let key = |f: &[f64; 3]| (f[2], f[0] + f[1]);
    let best = grid
        .iter()
        .map(|(_, f)| key(f))
        .max_by(|a, b| a.partial_cmp(b).expect("finite"))
        .expect("a grid");
    let ties: Vec<&(Decoding, [f64; 3])> = grid.iter().filter(|(_, f)| key(f) == best).collect();
    let first = ties[0].0;
    let same: Vec<&&(Decoding, [f64; 3])> = ties
        .iter()
        .filter(|(d, _)| {
            d.source_from_rules == first.source_from_rules
                && d.target_from_rules == first.target_from_rules
                && d.thresholds[0] == first.thresholds[0]
        })
        .collect();
    **same[(same.len() - 1) / 2]
}

/// Writes each measured sentence (gold test rows, yardstick) with its gold, the rules' and
/// the learned roles, for reading the errors.
fn dump(
    path: &Path,
    coder: &(Gazetteer, Names),
    prepared: &[Prepared],
    x: &[f32],
    head: Decoder<'_>,
) -> Result<(), Error> {
    let mut out = String::from("set\tid\tgold_source\tgold_target\trules_source\trules_target\tlearned_source\tlearned_target\ttext\n");
    for p in prepared
        .iter()
        .filter(|p| matches!(p.item.used, Use::GoldTest | Use::Yardstick))
    {
        let Labels::Codes { source, target } = &p.item.labels else {
            continue;
        };
        let (rs, rt) = sentence_roles(coder, p, x, None);
        let (ls, lt) = sentence_roles(coder, p, x, Some(head));
        out += &format!(
            "{:?}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            p.item.used,
            p.item.group,
            source.join(";"),
            target.join(";"),
            rs.join(";"),
            rt.join(";"),
            ls.join(";"),
            lt.join(";"),
            p.item.text
        );
    }
    std::fs::write(path, out).map_err(Error::io(path))
}

/// Writes `head.safetensors` and `config.json`; `trained` is the folder of the heads whose
/// tuned encoder it was fit on.
fn write(
    out: &Path,
    trained: &Path,
    (head, decoding): Decoder<'_>,
    figures: &Value,
) -> Result<(), Error> {
    let config = crate::model::span_heads::SpanHeadConfig {
        labels: LABELS.iter().map(|s| s.to_string()).collect(),
        features: vec!["mention".into(), "sentence".into(), "rules".into()],
        rule_features: RULE_FEATURES.iter().map(|s| s.to_string()).collect(),
        decoding: json!(decoding),
        heads_sha256: crate::model::files::sha256_file(&trained.join(crate::model::heads::WEIGHTS))?,
        training: figures.clone(),
    };
    spans::write_head(out, "role", head, &config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_on_their_first_three_letters_as_sets() {
        let v = |s: &[&str]| s.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert!(codes_match(&v(&["KORGOV"]), &v(&["KOR"])));
        assert!(codes_match(&v(&["KORGOV", "KOR"]), &v(&["KORMIL"])));
        assert!(!codes_match(&v(&["KORGOV", "JPN"]), &v(&["KOR"])));
        assert!(codes_match(&v(&[]), &v(&[])));
        assert!(!codes_match(&v(&[]), &v(&["USA"])));
    }

    #[test]
    fn a_tied_decoding_is_the_median_of_its_plateau() {
        let d = |t: f32, fallback: bool| Decoding {
            thresholds: [0.5, t],
            source_from_rules: true,
            target_from_rules: fallback,
        };
        let grid = vec![
            (d(0.1, false), [0.9, 0.80, 0.78]),
            (d(0.1, true), [0.9, 0.85, 0.83]),
            (d(0.2, true), [0.9, 0.85, 0.83]),
            (d(0.3, true), [0.9, 0.85, 0.83]),
            (d(0.4, true), [0.9, 0.85, 0.83]),
            (d(0.5, true), [0.9, 0.84, 0.82]),
        ];
        assert_eq!(choose_decoding(&grid).0, d(0.2, true));
        // A single best is taken as it is.
        assert_eq!(choose_decoding(&grid[..2]).0, d(0.1, true));
    }

    #[test]
    fn folds_come_from_the_group_alone() {
        assert_eq!(fold_of("newsmtsc:12", 5), fold_of("newsmtsc:12", 5));
        let folds: std::collections::HashSet<usize> =
            (0..100).map(|i| fold_of(&format!("g{i}"), 5)).collect();
        assert_eq!(folds.len(), 5);
    }
}
