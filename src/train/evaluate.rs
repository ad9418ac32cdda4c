//! `detente evaluate`: the figures of a scored table against gold labels, computed by
//! [`super::metrics`] as `detente train` computes its own: Pearson and Spearman of a score
//! against a gold number, accuracy and macro-F1 of a label against a gold label, AUC of a
//! score for a binary gold, and the reliability of a confidence. The scored rows are
//! joined to the gold rows by id (the first scored row of each id); each figure can be
//! given per group of a gold column. The binary reads the scored table (CSV or Parquet)
//! and hands it in as a [`Table`].
use std::collections::HashMap;

use serde::Serialize;

use super::metrics::{self, LabelMetrics, ReliabilityBin};
pub use super::table::Table;
use crate::error::Error;

/// A score: one column, or a signed sum of columns each with an optional factor
/// (`4*sentiment`, `p_verbal_conflict+p_material_conflict-p_verbal_cooperation`).
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub terms: Vec<(f64, String)>,
}

impl Expr {
    pub fn parse(text: &str) -> Result<Expr, Error> {
        let bad = || Error::Usage(format!("{text:?} is not a column or a sum of columns"));
        let mut terms = Vec::new();
        let mut push = |sign: f64, term: &str| -> Result<(), Error> {
            let (factor, name) = match term.split_once('*') {
                Some((f, n)) => (f.trim().parse::<f64>().map_err(|_| bad())?, n.trim()),
                None => (1.0, term.trim()),
            };
            if name.is_empty() {
                return Err(bad());
            }
            terms.push((sign * factor, name.to_string()));
            Ok(())
        };
        let (mut sign, mut term) = (1.0, String::new());
        for ch in text.chars() {
            if ch == '+' || ch == '-' {
                if !term.trim().is_empty() {
                    push(sign, &term)?;
                    (sign, term) = (1.0, String::new());
                }
                if ch == '-' {
                    sign = -sign;
                }
            } else {
                term.push(ch);
            }
        }
        push(sign, &term)?;
        Ok(Expr { terms })
    }

    /// Column indices and factors in `table`.
    fn resolve(&self, table: &Table) -> Result<Vec<(f64, usize)>, Error> {
        self.terms
            .iter()
            .map(|(f, n)| Ok((*f, table.column(n)?)))
            .collect()
    }
}

/// The value of resolved terms on one row; `None` when a cell is empty.
fn value(table: &Table, row: usize, terms: &[(f64, usize)]) -> Result<Option<f64>, Error> {
    let mut sum = 0.0;
    for &(f, c) in terms {
        match table.number(row, c)? {
            Some(x) => sum += f * x,
            None => return Ok(None),
        }
    }
    Ok(Some(sum))
}

/// Which rows of a binary gold column are positive and which negative.
#[derive(Debug, Clone, PartialEq)]
pub enum Positives {
    /// `1`/`true` positive, `0`/`false` negative.
    Binary,
    /// Gold values in the first list positive, in the second negative, others left out.
    Classes(Vec<String>, Vec<String>),
}

/// One figure to compute.
#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    /// Pearson and Spearman of a score against a gold number.
    Number { pred: Expr, gold: String },
    /// Accuracy, macro-F1 and per-class F1 of a label (one or more columns) against gold.
    Label {
        pred: Vec<String>,
        gold: Vec<String>,
    },
    /// AUC of a score for the positive gold rows against the negative ones.
    Auc {
        score: Expr,
        gold: String,
        positives: Positives,
    },
    /// Accuracy per band of a confidence, of a label against gold.
    Reliability {
        confidence: String,
        pred: Vec<String>,
        gold: Vec<String>,
    },
}

fn split_eq(text: &str, flag: &str) -> Result<(String, String), Error> {
    match text.split_once('=') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
            Ok((a.trim().to_string(), b.trim().to_string()))
        }
        _ => Err(Error::Usage(format!(
            "--{flag} {text:?}: expected SCORED=GOLD"
        ))),
    }
}

fn columns(list: &str) -> Vec<String> {
    list.split(',').map(|c| c.trim().to_string()).collect()
}

impl Metric {
    /// `--number PRED=GOLD`.
    pub fn number(text: &str) -> Result<Metric, Error> {
        let (p, g) = split_eq(text, "number")?;
        Ok(Metric::Number {
            pred: Expr::parse(&p)?,
            gold: g,
        })
    }

    /// `--label PRED=GOLD` (each side one column or several, comma-separated).
    pub fn label(text: &str) -> Result<Metric, Error> {
        let (p, g) = split_eq(text, "label")?;
        let (pred, gold) = (columns(&p), columns(&g));
        if pred.len() != gold.len() {
            return Err(Error::Usage(format!(
                "--label {text:?}: {} scored columns, {} gold ones",
                pred.len(),
                gold.len()
            )));
        }
        Ok(Metric::Label { pred, gold })
    }

    /// `--auc SCORE=GOLD` or `--auc SCORE=GOLD:POS,POS/NEG,NEG`.
    pub fn auc(text: &str) -> Result<Metric, Error> {
        let (s, g) = split_eq(text, "auc")?;
        let (gold, positives) = match g.split_once(':') {
            None => (g, Positives::Binary),
            Some((g, classes)) => {
                let (pos, neg) = classes.split_once('/').ok_or_else(|| {
                    Error::Usage(format!("--auc {text:?}: expected GOLD:POS,POS/NEG,NEG"))
                })?;
                (
                    g.trim().to_string(),
                    Positives::Classes(columns(pos), columns(neg)),
                )
            }
        };
        Ok(Metric::Auc {
            score: Expr::parse(&s)?,
            gold,
            positives,
        })
    }

    /// `--reliability CONF:PRED=GOLD`.
    pub fn reliability(text: &str) -> Result<Metric, Error> {
        let (confidence, label) = text.split_once(':').ok_or_else(|| {
            Error::Usage(format!("--reliability {text:?}: expected CONF:PRED=GOLD"))
        })?;
        match Metric::label(label)? {
            Metric::Label { pred, gold } => Ok(Metric::Reliability {
                confidence: confidence.trim().to_string(),
                pred,
                gold,
            }),
            _ => unreachable!("label gives a label"),
        }
    }

    /// The flag that asks for it, as `detente evaluate --help` names it.
    fn describe(&self) -> String {
        let expr = |e: &Expr| {
            let mut s = String::new();
            for (k, (f, n)) in e.terms.iter().enumerate() {
                let sign = if *f < 0.0 {
                    "-"
                } else if k > 0 {
                    "+"
                } else {
                    ""
                };
                let factor = if f.abs() == 1.0 {
                    String::new()
                } else {
                    format!("{}*", f.abs())
                };
                s += &format!("{sign}{factor}{n}");
            }
            s
        };
        match self {
            Metric::Number { pred, gold } => format!("number {}={gold}", expr(pred)),
            Metric::Label { pred, gold } => format!("label {}={}", pred.join(","), gold.join(",")),
            Metric::Auc {
                score,
                gold,
                positives,
            } => match positives {
                Positives::Binary => format!("auc {}={gold}", expr(score)),
                Positives::Classes(p, n) => {
                    format!("auc {}={gold}:{}/{}", expr(score), p.join(","), n.join(","))
                }
            },
            Metric::Reliability {
                confidence,
                pred,
                gold,
            } => format!(
                "reliability {confidence}:{}={}",
                pred.join(","),
                gold.join(",")
            ),
        }
    }
}

/// What to compute, and how the tables join.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The id column of the scored table and of the gold table.
    pub id: String,
    pub gold_id: String,
    /// A gold column: each figure also per value of it.
    pub by: Option<String>,
    /// Numbers: also 3-class macro-F1, each side cut at ±this (negative, neutral, positive).
    pub band: Option<f64>,
    /// Labels: compare `;`-separated codes as sets of their first N characters.
    pub codes: Option<usize>,
    /// The band edges of reliability tables.
    pub bins: Vec<f64>,
    pub metrics: Vec<Metric>,
}

/// The figures of one group of rows.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Figures {
    Number {
        n: usize,
        pearson: f64,
        spearman: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        macro_f1_3: Option<f64>,
    },
    Label(LabelMetrics),
    Auc {
        positives: usize,
        negatives: usize,
        auc: f64,
    },
    Reliability {
        n: usize,
        bins: Vec<ReliabilityBin>,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// `all`, or a value of the `--by` column.
    pub group: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricReport {
    /// The metric as asked for, e.g. `label event_class=class`.
    pub metric: String,
    pub groups: Vec<Group>,
}

/// Everything measured: the joined rows and each metric's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub rows: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<f64>,
    pub metrics: Vec<MetricReport>,
}

/// A joined row: its scored row and its gold row.
type Pair = (usize, usize);

/// Joins each gold row to the first scored row with its id (every gold id must be there).
fn join(scored: &Table, gold: &Table, spec: &Spec) -> Result<Vec<Pair>, Error> {
    let (sid, gid) = (scored.column(&spec.id)?, gold.column(&spec.gold_id)?);
    let mut first: HashMap<&str, usize> = HashMap::new();
    for r in 0..scored.rows.len() {
        first.entry(scored.cell(r, sid)).or_insert(r);
    }
    let mut pairs = Vec::with_capacity(gold.rows.len());
    let mut missing = Vec::new();
    for g in 0..gold.rows.len() {
        match first.get(gold.cell(g, gid)) {
            Some(&s) => pairs.push((s, g)),
            None => missing.push(gold.cell(g, gid).to_string()),
        }
    }
    if let Some(id) = missing.first() {
        return Err(gold.error(
            None,
            format!(
                "{} gold ids have no row in {} (the first: {id:?})",
                missing.len(),
                scored.path.display()
            ),
        ));
    }
    Ok(pairs)
}

/// Computes every metric of `spec` on the gold rows joined to `scored`.
pub fn evaluate(scored: &Table, gold: &Table, spec: &Spec) -> Result<Report, Error> {
    let pairs = join(scored, gold, spec)?;
    let mut groups: Vec<(String, Vec<Pair>)> = vec![("all".into(), pairs.clone())];
    if let Some(by) = &spec.by {
        let col = gold.column(by)?;
        let mut values: Vec<&str> = pairs.iter().map(|&(_, g)| gold.cell(g, col)).collect();
        values.sort();
        values.dedup();
        for v in values {
            let rows = pairs
                .iter()
                .copied()
                .filter(|&(_, g)| gold.cell(g, col) == v);
            groups.push((v.to_string(), rows.collect()));
        }
    }
    let metrics = spec
        .metrics
        .iter()
        .map(|m| {
            let groups = groups
                .iter()
                .map(|(name, rows)| {
                    Ok(Group {
                        group: name.clone(),
                        figures: figures(m, scored, gold, rows, spec)?,
                    })
                })
                .collect::<Result<_, Error>>()?;
            Ok(MetricReport {
                metric: m.describe(),
                groups,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(Report {
        rows: pairs.len(),
        band: spec.band,
        metrics,
    })
}

/// A label: the cells of its columns (each as a code set with `--codes`), joined by `|`.
fn label(table: &Table, row: usize, cols: &[usize], codes: Option<usize>) -> String {
    let key = |cell: &str| match codes {
        None => cell.to_string(),
        Some(n) => super::metrics::code_set(cell, n),
    };
    let keys: Vec<String> = cols.iter().map(|&c| key(table.cell(row, c))).collect();
    keys.join("|")
}

fn resolve_all(table: &Table, names: &[String]) -> Result<Vec<usize>, Error> {
    names.iter().map(|n| table.column(n)).collect()
}

/// One metric's figures on some joined rows.
fn figures(
    m: &Metric,
    scored: &Table,
    gold: &Table,
    rows: &[Pair],
    spec: &Spec,
) -> Result<Figures, Error> {
    match m {
        Metric::Number { pred, gold: g } => {
            let (terms, gc) = (pred.resolve(scored)?, gold.column(g)?);
            let (mut x, mut y) = (Vec::new(), Vec::new());
            for &(s, r) in rows {
                if let (Some(a), Some(b)) = (value(scored, s, &terms)?, gold.number(r, gc)?) {
                    x.push(a);
                    y.push(b);
                }
            }
            let band = |t: f64| {
                let c = |v: &[f64]| {
                    v.iter()
                        .map(|&a| metrics::three_class(a, t))
                        .collect::<Vec<_>>()
                };
                metrics::macro_f1(&c(&y), &c(&x), 3)
            };
            Ok(Figures::Number {
                n: x.len(),
                pearson: metrics::pearson(&x, &y),
                spearman: metrics::spearman(&x, &y),
                macro_f1_3: spec.band.map(band),
            })
        }
        Metric::Label { pred, gold: g } => {
            let (pc, gc) = (resolve_all(scored, pred)?, resolve_all(gold, g)?);
            let p: Vec<String> = rows
                .iter()
                .map(|&(s, _)| label(scored, s, &pc, spec.codes))
                .collect();
            let t: Vec<String> = rows
                .iter()
                .map(|&(_, r)| label(gold, r, &gc, spec.codes))
                .collect();
            Ok(Figures::Label(metrics::labels(&t, &p)))
        }
        Metric::Auc {
            score,
            gold: g,
            positives,
        } => {
            let (terms, gc) = (score.resolve(scored)?, gold.column(g)?);
            let (mut x, mut pos) = (Vec::new(), Vec::new());
            for &(s, r) in rows {
                let cell = gold.cell(r, gc).trim();
                let is_pos = match positives {
                    Positives::Classes(p, n) => {
                        if p.iter().any(|c| c == cell) {
                            Some(true)
                        } else if n.iter().any(|c| c == cell) {
                            Some(false)
                        } else {
                            None
                        }
                    }
                    Positives::Binary => match cell {
                        "" => None,
                        "1" | "true" | "True" | "TRUE" => Some(true),
                        "0" | "false" | "False" | "FALSE" => Some(false),
                        _ => {
                            return Err(gold.error(
                                Some(r),
                                format!("{g}: {cell:?} is neither 1/true nor 0/false"),
                            ))
                        }
                    },
                };
                if let (Some(p), Some(v)) = (is_pos, value(scored, s, &terms)?) {
                    x.push(v);
                    pos.push(p);
                }
            }
            let np = pos.iter().filter(|&&p| p).count();
            Ok(Figures::Auc {
                positives: np,
                negatives: pos.len() - np,
                auc: metrics::auc(&x, &pos),
            })
        }
        Metric::Reliability {
            confidence,
            pred,
            gold: g,
        } => {
            let cc = scored.column(confidence)?;
            let (pc, gc) = (resolve_all(scored, pred)?, resolve_all(gold, g)?);
            let (mut conf, mut right) = (Vec::new(), Vec::new());
            for &(s, r) in rows {
                if let Some(c) = scored.number(s, cc)? {
                    conf.push(c);
                    right
                        .push(label(scored, s, &pc, spec.codes) == label(gold, r, &gc, spec.codes));
                }
            }
            Ok(Figures::Reliability {
                n: conf.len(),
                bins: metrics::reliability_of(&conf, &right, &spec.bins),
            })
        }
    }
}

/// A figure to 3 decimals; `—` when undefined.
fn f3(x: f64) -> String {
    if x.is_nan() {
        "—".into()
    } else {
        format!("{x:.3}")
    }
}

/// Classes up to this many get their own F1 column in the text tables.
const CLASS_COLUMNS: usize = 8;

/// The report as Markdown tables, one per metric, a row per group.
pub fn render(report: &Report) -> String {
    let mut out = format!("{} gold rows joined to scored rows\n", report.rows);
    for m in &report.metrics {
        out += &format!("\n{}\n", m.metric);
        let Some(all) = m.groups.first() else {
            continue;
        };
        let (head, align) = match &all.figures {
            Figures::Number { .. } => {
                let band = report
                    .band
                    .map(|t| format!(" | macro-F1 ±{t}"))
                    .unwrap_or_default();
                (
                    format!("n | Pearson | Spearman{band}"),
                    if band.is_empty() { 3 } else { 4 },
                )
            }
            Figures::Label(l) if l.per_class_f1.len() <= CLASS_COLUMNS => {
                let names: Vec<String> = l
                    .per_class_f1
                    .iter()
                    .map(|(c, _)| format!("F1 {c}"))
                    .collect();
                (
                    format!("n | accuracy | macro-F1 | {}", names.join(" | ")),
                    3 + names.len(),
                )
            }
            Figures::Label(_) => ("n | accuracy | macro-F1".into(), 3),
            Figures::Auc { .. } => ("positives | negatives | AUC".into(), 3),
            Figures::Reliability { .. } => {
                ("confidence | n | mean confidence | accuracy".into(), 4)
            }
        };
        out += &format!("| group | {head} |\n|---|{}\n", "---:|".repeat(align));
        for g in &m.groups {
            for line in rows(&g.figures, &all.figures) {
                out += &format!("| {} | {line} |\n", g.group);
            }
        }
        if let Figures::Label(l) = &all.figures {
            out += &confusion(l);
        }
    }
    out
}

/// The confusion table of a label over all rows (gold down, predicted across), when its
/// classes fit in columns.
fn confusion(l: &LabelMetrics) -> String {
    if l.per_class_f1.len() > CLASS_COLUMNS {
        return String::new();
    }
    let names: Vec<&str> = l.per_class_f1.iter().map(|(c, _)| c.as_str()).collect();
    let mut out = format!(
        "\n| gold \\ predicted | {} |\n|---|{}\n",
        names.join(" | "),
        "---:|".repeat(names.len())
    );
    for (name, row) in names.iter().zip(&l.confusion) {
        let cells: Vec<String> = row.iter().map(usize::to_string).collect();
        out += &format!("| {name} | {} |\n", cells.join(" | "));
    }
    out
}

/// The table rows of one group's figures (`all`: the columns' classes).
fn rows(f: &Figures, all: &Figures) -> Vec<String> {
    match f {
        Figures::Number {
            n,
            pearson,
            spearman,
            macro_f1_3,
        } => {
            let band = macro_f1_3
                .map(|x| format!(" | {}", f3(x)))
                .unwrap_or_default();
            vec![format!("{n} | {} | {}{band}", f3(*pearson), f3(*spearman))]
        }
        Figures::Label(l) => {
            let mut line = format!("{} | {} | {}", l.n, f3(l.accuracy), f3(l.macro_f1));
            if let Figures::Label(a) = all {
                if a.per_class_f1.len() <= CLASS_COLUMNS {
                    for (c, _) in &a.per_class_f1 {
                        let f = l.per_class_f1.iter().find(|(k, _)| k == c);
                        line += &format!(" | {}", f.map_or("—".into(), |(_, x)| f3(*x)));
                    }
                }
            }
            vec![line]
        }
        Figures::Auc {
            positives,
            negatives,
            auc,
        } => vec![format!("{positives} | {negatives} | {}", f3(*auc))],
        Figures::Reliability { bins, .. } => bins
            .iter()
            .filter(|b| b.n > 0)
            .map(|b| {
                format!(
                    "{:.2}–{:.2} | {} | {:.3} | {:.3}",
                    b.from, b.to, b.n, b.mean_confidence, b.accuracy
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        let mut lines = text.lines();
        let split = |l: &str| l.split(',').map(String::from).collect::<Vec<_>>();
        Table {
            path: "t.csv".into(),
            header: split(lines.next().unwrap()),
            rows: lines.map(split).collect(),
        }
    }

    #[test]
    fn scores_are_columns_or_signed_sums() {
        let e = Expr::parse("p_a+p_b - 2*p_c").unwrap();
        assert_eq!(
            e.terms,
            [
                (1.0, "p_a".into()),
                (1.0, "p_b".into()),
                (-2.0, "p_c".into())
            ]
        );
        assert_eq!(Expr::parse("-4*s").unwrap().terms, [(-4.0, "s".into())]);
        assert!(Expr::parse("a+").is_err());
        assert!(Expr::parse("x*a").is_err());
        let m = Metric::auc("p_a-p_b=class:c,d/e").unwrap();
        assert_eq!(m.describe(), "auc p_a-p_b=class:c,d/e");
        assert!(Metric::label("a,b=c").is_err());
        assert!(Metric::number("a").is_err());
    }

    #[test]
    fn joins_by_id_and_groups_by_a_gold_column() {
        // Scored: two rows of doc 1 (the first counts), docs 2-4; an extra unscored doc.
        let scored = table("doc_id,s,label,conf\n1,0.9,x,0.9\n1,0.0,y,0.1\n2,0.2,y,0.6\n3,0.4,y,0.8\n4,,x,\n5,1,x,1");
        let gold = table("id,g,lab,split\n1,1,x,a\n2,0,x,a\n3,1,y,b\n4,0,x,b");
        let spec = Spec {
            id: "doc_id".into(),
            gold_id: "id".into(),
            by: Some("split".into()),
            band: None,
            codes: None,
            bins: vec![0.0, 0.5, 1.0 + 1e-9],
            metrics: vec![
                Metric::auc("s=g").unwrap(),
                Metric::label("label=lab").unwrap(),
                Metric::reliability("conf:label=lab").unwrap(),
            ],
        };
        let r = evaluate(&scored, &gold, &spec).unwrap();
        assert_eq!(r.rows, 4);
        let groups: Vec<&str> = r.metrics[0]
            .groups
            .iter()
            .map(|g| g.group.as_str())
            .collect();
        assert_eq!(groups, ["all", "a", "b"]);
        // Doc 4 has no score: positives 0.9, 0.4 against the negative 0.2.
        match r.metrics[0].groups[0].figures {
            Figures::Auc {
                positives,
                negatives,
                auc,
            } => assert_eq!((positives, negatives, auc), (2, 1, 1.0)),
            ref f => panic!("{f:?}"),
        }
        match &r.metrics[1].groups[1].figures {
            Figures::Label(l) => assert_eq!((l.n, l.accuracy), (2, 0.5)),
            f => panic!("{f:?}"),
        }
        match &r.metrics[2].groups[0].figures {
            Figures::Reliability { n, bins } => {
                assert_eq!(*n, 3);
                assert_eq!((bins[1].n, bins[1].accuracy), (3, 2.0 / 3.0));
            }
            f => panic!("{f:?}"),
        }
        let text = render(&r);
        assert!(text.contains("| all | 2 | 1 | 1.000 |"), "{text}");
        let bad = Spec {
            gold_id: "g".into(),
            ..spec
        };
        assert!(evaluate(&scored, &gold, &bad).is_err());
    }

    #[test]
    fn code_sets_compare_their_first_letters() {
        let t = table("id,a,b\n1,KORGOV;JPN,KOR\n2,,x");
        assert_eq!(label(&t, 0, &[1, 2], Some(3)), "JPN;KOR|KOR");
        assert_eq!(label(&t, 1, &[1], Some(3)), "");
        assert_eq!(label(&t, 0, &[1], None), "KORGOV;JPN");
    }
}
