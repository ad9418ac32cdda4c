//! `detente train --pool-folds DIR`: pools the out-of-fold predictions that `detente train
//! --cv` writes (`fold-K.csv`, `news-fold-K.csv`), however the folds were split between
//! processes, and prints the tables of `models/heads.md`: tension (five-class macro-F1,
//! accuracy, conflict-vs-cooperation AUC, per-class F1, per fold, reliability of
//! `event_confidence`); roots (the sentences with a silver root: `cameo_root` right, without
//! roots 01–02, given a right `event_class`, per root, Spearman of `goldstein` with the
//! silver root's Goldstein value, reliability of `cameo_confidence`); news (three-class
//! macro-F1, accuracy, per-class F1, per fold, reliability).
use std::path::Path;

use super::data::{CLASSES, NEWS_CLASSES};
use super::metrics::{self, ReliabilityBin};
use super::table::Table;
use crate::error::Error;
use crate::model::heads::RootConfig;

/// The bands of the `cameo_confidence` reliability table.
const ROOT_EDGES: [f64; 7] = [0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0 + 1e-9];

/// The fold files `DIR/PREFIX<K>.csv`, read in name order into one table.
fn read_folds(dir: &Path, prefix: &str) -> Result<Option<Table>, Error> {
    let io = Error::io(dir);
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(&io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(&io)?;
    paths.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.strip_prefix(prefix)
            .and_then(|n| n.strip_suffix(".csv"))
            .is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
    });
    paths.sort();
    let mut pooled: Option<Table> = None;
    for p in paths {
        let t = Table::read(&p)?;
        match &mut pooled {
            None => pooled = Some(t),
            Some(all) if all.header == t.header => all.rows.extend(t.rows),
            Some(all) => {
                return Err(t.error(
                    None,
                    format!("columns differ from those of {}", all.path.display()),
                ))
            }
        }
    }
    Ok(pooled)
}

/// One fold table's columns as numbers (every cell filled).
fn numbers(t: &Table, name: &str) -> Result<Vec<f64>, Error> {
    let c = t.column(name)?;
    (0..t.rows.len())
        .map(|r| {
            t.number(r, c)?
                .ok_or_else(|| t.error(Some(r), format!("{name} is empty")))
        })
        .collect()
}

/// The class probabilities (`p_<label>`), gold classes and folds of a fold table.
struct Predictions {
    probs: Vec<Vec<f64>>,
    gold: Vec<usize>,
    pred: Vec<usize>,
    fold: Vec<usize>,
}

impl Predictions {
    fn of(t: &Table, labels: &[&str]) -> Result<Predictions, Error> {
        let cols: Vec<Vec<f64>> = labels
            .iter()
            .map(|l| numbers(t, &format!("p_{l}")))
            .collect::<Result<_, _>>()?;
        let probs: Vec<Vec<f64>> = (0..t.rows.len())
            .map(|r| cols.iter().map(|c| c[r]).collect())
            .collect();
        let whole = |name| -> Result<Vec<usize>, Error> {
            Ok(numbers(t, name)?.into_iter().map(|x| x as usize).collect())
        };
        Ok(Predictions {
            pred: probs.iter().map(|p| metrics::argmax(p)).collect(),
            probs,
            gold: whole("gold")?,
            fold: whole("fold")?,
        })
    }

    /// Macro-F1 and accuracy of the rows of fold `f`.
    fn fold(&self, f: usize, classes: usize) -> (f64, f64) {
        let (g, p): (Vec<usize>, Vec<usize>) = (0..self.gold.len())
            .filter(|&i| self.fold[i] == f)
            .map(|i| (self.gold[i], self.pred[i]))
            .unzip();
        (
            metrics::macro_f1(&g, &p, classes),
            metrics::accuracy(&g, &p),
        )
    }
}

/// A reliability table (non-empty bands only).
fn reliability_table(bins: &[ReliabilityBin]) -> String {
    let mut out =
        String::from("| confidence | n | mean confidence | accuracy |\n|---|---:|---:|---:|\n");
    for b in bins.iter().filter(|b| b.n > 0) {
        out += &format!(
            "| {:.2}–{:.2} | {} | {:.3} | {:.3} |\n",
            b.from, b.to, b.n, b.mean_confidence, b.accuracy
        );
    }
    out
}

fn per_class(labels: &[&str], f1: &[Option<f64>]) -> String {
    let f = |x: &Option<f64>| x.map_or("nan".into(), |x| format!("{x:.3}"));
    let parts: Vec<String> = labels
        .iter()
        .zip(f1)
        .map(|(c, x)| format!("{c} {}", f(x)))
        .collect();
    parts.join(", ")
}

/// The pooled tables of the fold files in `dir`; `roots` names the CAMEO roots (their
/// class and Goldstein value), as in `models/heads/config.json`.
pub fn pool(dir: &Path, roots: &[RootConfig]) -> Result<String, Error> {
    let ten = read_folds(dir, "fold-")?
        .ok_or_else(|| Error::Usage(format!("no fold-K.csv in {}", dir.display())))?;
    let news = read_folds(dir, "news-fold-")?;
    let t = Predictions::of(&ten, &CLASSES)?;
    let mut folds = t.fold.clone();
    folds.sort();
    folds.dedup();
    let mut out = format!(
        "{}: folds {folds:?}; {} tension, {} news sentences out of fold\n",
        dir.display(),
        ten.rows.len(),
        news.as_ref().map_or(0, |n| n.rows.len())
    );
    let m = metrics::tension(&t.probs, &t.gold);
    out += &format!(
        "\ntension: macro-F1 {:.3}, accuracy {:.3}, AUC conflict vs cooperation {:.3}\n",
        m.f1, m.acc, m.auc
    );
    out += &format!("per class F1: {}\n", per_class(&CLASSES, &m.per_class_f1));
    for &f in &folds {
        let (f1, acc) = t.fold(f, CLASSES.len());
        out += &format!("  fold {f}: macro-F1 {f1:.3} accuracy {acc:.3}\n");
    }
    out += &reliability_table(&metrics::reliability(&t.probs, &t.gold));
    out += &roots_tables(&ten, &t, roots)?;
    if let Some(news) = news {
        let n = Predictions::of(&news, &NEWS_CLASSES)?;
        let per = metrics::per_class_f1(&n.gold, &n.pred, NEWS_CLASSES.len());
        out += &format!(
            "\nnews sentiment_label: macro-F1 {:.3}, accuracy {:.3}; per class F1: {}\n",
            metrics::macro_f1(&n.gold, &n.pred, NEWS_CLASSES.len()),
            metrics::accuracy(&n.gold, &n.pred),
            per_class(&NEWS_CLASSES, &per)
        );
        for &f in &folds {
            let (f1, _) = n.fold(f, NEWS_CLASSES.len());
            out += &format!("  fold {f}: macro-F1 {f1:.3}\n");
        }
        out += &reliability_table(&metrics::reliability(&n.probs, &n.gold));
    }
    Ok(out)
}

/// The roots' figures on the tension sentences with a silver root.
fn roots_tables(ten: &Table, t: &Predictions, roots: &[RootConfig]) -> Result<String, Error> {
    let (sc, cc) = (ten.column("silver_root")?, ten.column("cameo_root")?);
    let goldstein = numbers(ten, "goldstein")?;
    let confidence = numbers(ten, "cameo_confidence")?;
    let root = |code: &str| {
        roots.iter().find(|r| r.code == code).ok_or_else(|| {
            Error::Usage(format!(
                "silver root {code:?} is not among the models' roots"
            ))
        })
    };
    let rows: Vec<usize> = (0..ten.rows.len())
        .filter(|&r| !ten.cell(r, sc).is_empty())
        .collect();
    let silver: Vec<&RootConfig> = rows
        .iter()
        .map(|&r| root(ten.cell(r, sc)))
        .collect::<Result<_, _>>()?;
    let hit: Vec<bool> = rows
        .iter()
        .map(|&r| ten.cell(r, cc) == ten.cell(r, sc))
        .collect();
    let among = |keep: &dyn Fn(usize) -> bool| -> Vec<bool> {
        (0..rows.len())
            .filter(|&k| keep(k))
            .map(|k| hit[k])
            .collect()
    };
    let no12 = among(&|k| !["01", "02"].contains(&silver[k].code.as_str()));
    let given = among(&|k| t.pred[rows[k]] == silver[k].class);
    let rho = metrics::spearman(
        &rows.iter().map(|&r| goldstein[r]).collect::<Vec<_>>(),
        &silver.iter().map(|s| s.goldstein).collect::<Vec<_>>(),
    );
    let mut out = format!(
        "\nroots (held-out sentences with a silver root, {}): cameo_root = silver root {:.3}; without 01-02 ({}) {:.3}; given a right event_class ({}) {:.3}; Spearman goldstein vs silver root G {rho:.3}\n",
        rows.len(),
        metrics::rate(&hit),
        no12.len(),
        metrics::rate(&no12),
        given.len(),
        metrics::rate(&given)
    );
    out += "| root | n | cameo_root right |\n|---|---:|---:|\n";
    for r in roots {
        let h = among(&|k| silver[k].code == r.code);
        if !h.is_empty() {
            out += &format!(
                "| {} {} | {} | {:.3} |\n",
                r.code,
                r.name,
                h.len(),
                metrics::rate(&h)
            );
        }
    }
    out += "\nreliability of cameo_confidence (p(root)) on those sentences:\n";
    let conf: Vec<f64> = rows.iter().map(|&r| confidence[r]).collect();
    out += &reliability_table(&metrics::reliability_of(&conf, &hit, &ROOT_EDGES));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numbered_fold_files_are_pooled() {
        let dir = tempfile::tempdir().unwrap();
        let head = "item,fold,gold,p_a,sentence\n";
        std::fs::write(
            dir.path().join("fold-0.csv"),
            format!("{head}0,0,1,0.2,x\n"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("fold-12.csv"),
            format!("{head}1,12,0,0.7,y\n"),
        )
        .unwrap();
        std::fs::write(dir.path().join("fold-x.csv"), "junk\n").unwrap();
        std::fs::write(dir.path().join("news-fold-0.csv"), "other\n").unwrap();
        let t = read_folds(dir.path(), "fold-").unwrap().unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(numbers(&t, "fold").unwrap(), [0.0, 12.0]);
        assert!(read_folds(dir.path(), "none-").unwrap().is_none());
        std::fs::write(dir.path().join("fold-3.csv"), "item,fold\n2,3\n").unwrap();
        assert!(read_folds(dir.path(), "fold-").is_err());
    }
}
