//! Cross-validation of the tension, root and news heads: stratified folds (of groups of
//! sentences by default), each fold's out-of-fold predictions (written as CSV), and the
//! pooled figures.
use serde_json::{json, Value};

use super::context::Context;
use super::fit::Outputs;
use super::folds::{self, FoldsBy};
use super::{data, groups, metrics};
use crate::error::Error;

/// Stratified k-fold CV of the tension, root and news heads: the tension sentences and
/// the news sentences are each cut into k stratified folds (the tension sentences by
/// groups of near-duplicate and same-story sentences with `FoldsBy::Group`, so that no
/// group is split between folds), and fold f's model is trained
/// on the other folds of both plus the sentiment training sentences. With `out`, each
/// fold's held-out tension predictions are written to `out/fold-K.csv` as soon as the fold
/// ends, so folds run in separate processes can be pooled afterwards and a stopped run
/// keeps the folds it finished.
pub fn cross_validate(
    ctx: &Context,
    k: usize,
    by: FoldsBy,
    only: Option<&[usize]>,
    out: Option<&std::path::Path>,
    log: &mut dyn FnMut(&str),
) -> Result<Value, Error> {
    let labels = &ctx.tension.labels;
    let (fold, grouping) = tension_folds(ctx, k, by, log);
    let news_fold = data::stratified_folds(&ctx.news.labels, k, ctx.recipe.seed ^ 0x4E);
    let (s_train, _) = ctx.dev_split();
    let roots = ctx.roots();
    let mut pooled = Pooled::default();
    let mut per_fold = Vec::new();
    let mut seconds = 0.0;
    let chosen: Vec<usize> = (0..k)
        .filter(|f| only.is_none_or(|o| o.contains(f)))
        .collect();
    let split = |folds: &[usize], f: usize| -> (Vec<usize>, Vec<usize>) {
        (0..folds.len()).partition(|&i| folds[i] != f)
    };
    for &f in &chosen {
        let (t_train, t_eval) = split(&fold, f);
        let (n_train, n_eval) = split(&news_fold, f);
        log(&format!(
            "fold {f}: {} training, {} held-out tension sentences; {} training, {} held-out news sentences",
            t_train.len(),
            t_eval.len(),
            n_train.len(),
            n_eval.len()
        ));
        let t = ctx.fit(&s_train, &t_train, &n_train, log);
        seconds += t.seconds;
        let outputs = ctx.tension_outputs(&t, &ctx.ten_cache, &t_eval);
        let probs: Vec<Vec<f64>> = outputs.iter().map(|o| o.class_p.clone()).collect();
        let gold: Vec<usize> = t_eval.iter().map(|&i| labels[i]).collect();
        let m = metrics::tension(&probs, &gold);
        let news_p = ctx.news_probs(&t, &ctx.news_cache, &n_eval);
        let news_g: Vec<usize> = n_eval.iter().map(|&i| ctx.news.labels[i]).collect();
        if let Some(dir) = out {
            let path = dir.join(format!("fold-{f}.csv"));
            let extra = event_columns(ctx, &t_eval, &outputs);
            write_fold(
                &path,
                f,
                &t_eval,
                &gold,
                &probs,
                &data::CLASSES,
                &extra,
                &ctx.tension.texts,
            )?;
            let news_path = dir.join(format!("news-fold-{f}.csv"));
            write_fold(
                &news_path,
                f,
                &n_eval,
                &news_g,
                &news_p,
                &data::NEWS_CLASSES,
                &[],
                &ctx.news.texts,
            )?;
            log(&format!(
                "fold {f}: predictions in {} and {}",
                path.display(),
                news_path.display()
            ));
        }
        let news = metrics::news(&news_p, &news_g);
        let codebook = ctx.score_codebook(&t);
        let (sent, _, _) = ctx.score_sentiment(&t);
        log(&format!(
            "fold {f}: macro-F1 {:.3} accuracy {:.3} AUC {:.3}; news macro-F1 {:.3}; codebook root accuracy {:.3}, goldstein Spearman {:.3}; NYT r {:.3}",
            m.f1,
            m.acc,
            m.auc,
            news["f1"].as_f64().unwrap_or(f64::NAN),
            codebook["roots"]["acc"].as_f64().unwrap_or(f64::NAN),
            codebook["goldstein_spearman"].as_f64().unwrap_or(f64::NAN),
            sent["nyt"]["r"].as_f64().unwrap_or(f64::NAN)
        ));
        per_fold.push(
            json!({ "fold": f, "tension": m, "news": news, "codebook": codebook,
                              "sentiment": sent, "train_s": t.seconds.round() }),
        );
        for (o, &i) in outputs.into_iter().zip(&t_eval) {
            if let Some(r) = ctx.roots[i] {
                pooled.root_out.push(o.clone());
                pooled.root_gold.push(r);
            }
        }
        pooled.probs.extend(probs);
        pooled.gold.extend(gold);
        pooled.news_p.extend(news_p);
        pooled.news_g.extend(news_g);
    }
    Ok(json!({
        "folds": k,
        "folds_by": by,
        "groups": grouping,
        "folds_run": chosen,
        "per_fold": per_fold,
        "pooled": metrics::tension(&pooled.probs, &pooled.gold),
        "reliability": metrics::reliability(&pooled.probs, &pooled.gold),
        "roots_silver": metrics::roots(&pooled.root_out, &pooled.root_gold, &roots),
        "news": metrics::news(&pooled.news_p, &pooled.news_g),
        "news_reliability": metrics::reliability(&pooled.news_p, &pooled.news_g),
        "train_s": seconds.round(),
    }))
}

/// The fold of each tension sentence, and the groups of near-duplicate and same-story
/// sentences with how many of their pairs each way of cutting would split.
fn tension_folds(
    ctx: &Context,
    k: usize,
    by: FoldsBy,
    log: &mut dyn FnMut(&str),
) -> (Vec<usize>, Value) {
    // Own `--extra-tension` sentences are in no fold: every fold trains on them.
    let labels = &ctx.tension.labels[..ctx.n_measured];
    let g = groups::find(&ctx.tension.texts[..ctx.n_measured]);
    let by_sentence = folds::stratified_folds(labels, k, ctx.recipe.seed);
    let by_group = folds::stratified_group_folds(labels, &g.of, k, ctx.recipe.seed);
    let summary = g.summary(&[("sentence", &by_sentence), ("group", &by_group)]);
    let split = &summary["split"]["sentence"];
    log(&format!(
        "tension groups: {} groups of {} sentences ({} sentences in groups of 2 or more; sizes {}); {} near-duplicate and {} same-story pairs, of which sentence folds would split {} and {} ({} pairs within groups); folds by {}",
        summary["groups"],
        labels.len(),
        summary["sentences_in_groups_of_2_or_more"],
        summary["sizes"],
        summary["near_duplicate_pairs"],
        summary["same_story_pairs"],
        split["near_duplicate_pairs"],
        split["same_story_pairs"],
        split["pairs_in_one_group"],
        match by {
            FoldsBy::Group => "group",
            FoldsBy::Sentence => "sentence",
        }
    ));
    let mut fold = match by {
        FoldsBy::Group => by_group,
        FoldsBy::Sentence => by_sentence,
    };
    fold.resize(ctx.tension.labels.len(), usize::MAX);
    (fold, summary)
}

/// Out-of-fold predictions gathered over the folds.
#[derive(Default)]
struct Pooled {
    probs: Vec<Vec<f64>>,
    gold: Vec<usize>,
    root_out: Vec<Outputs>,
    root_gold: Vec<usize>,
    news_p: Vec<Vec<f64>>,
    news_g: Vec<usize>,
}

/// One fold's held-out predictions of one data set: `item` (0-based index of the
/// sentence among the set's sentences), `fold`, `gold` (class index), one probability per
/// class (`p_<label>`), the `extra` columns, and `sentence`.
#[allow(clippy::too_many_arguments)]
fn write_fold(
    path: &std::path::Path,
    fold: usize,
    items: &[usize],
    gold: &[usize],
    probs: &[Vec<f64>],
    labels: &[&str],
    extra: &[(&str, Vec<String>)],
    texts: &[String],
) -> Result<(), Error> {
    let io = Error::io(path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(&io)?;
    }
    let csv_err = |source: csv::Error| Error::Csv {
        what: path.display().to_string(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(csv_err)?;
    let mut header = vec!["item".to_string(), "fold".into(), "gold".into()];
    header.extend(labels.iter().map(|c| format!("p_{c}")));
    header.extend(extra.iter().map(|(name, _)| name.to_string()));
    header.push("sentence".into());
    w.write_record(&header).map_err(csv_err)?;
    for (k, ((&i, &g), p)) in items.iter().zip(gold).zip(probs).enumerate() {
        let mut row = vec![i.to_string(), fold.to_string(), g.to_string()];
        row.extend(p.iter().map(|x| format!("{x:.6}")));
        row.extend(extra.iter().map(|(_, v)| v[k].clone()));
        row.push(texts[i].clone());
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush().map_err(io)
}

/// The tension fold file's extra columns: each sentence's silver root (or empty) and what
/// the scorer would report from the fold model's heads.
fn event_columns(
    ctx: &Context,
    items: &[usize],
    outputs: &[Outputs],
) -> Vec<(&'static str, Vec<String>)> {
    let roots = ctx.roots();
    let events: Vec<_> = outputs
        .iter()
        .map(|o| crate::score::tension::event(&o.class_p, &o.root_logits, &roots))
        .collect();
    let code = |r: usize| format!("{:02}", r + 1);
    vec![
        (
            "silver_root",
            items
                .iter()
                .map(|&i| ctx.roots[i].map(code).unwrap_or_default())
                .collect(),
        ),
        ("cameo_root", events.iter().map(|e| code(e.root)).collect()),
        (
            "cameo_confidence",
            events
                .iter()
                .map(|e| format!("{:.6}", e.root_confidence))
                .collect(),
        ),
        (
            "goldstein",
            events
                .iter()
                .map(|e| format!("{:.6}", e.goldstein))
                .collect(),
        ),
        (
            "tension",
            events.iter().map(|e| format!("{:.6}", e.tension)).collect(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_predictions_name_each_sentence_and_class() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cv/fold-1.csv");
        let texts = vec!["a".to_string(), "Talks, then \"war\".".into(), "c".into()];
        let probs = vec![vec![0.1, 0.2, 0.3, 0.25, 0.15]];
        let extra = [("cameo_root", vec!["19".to_string()])];
        write_fold(&path, 1, &[1], &[3], &probs, &data::CLASSES, &extra, &texts).unwrap();
        let mut r = csv::Reader::from_path(&path).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            [
                "item",
                "fold",
                "gold",
                "p_statement",
                "p_verbal_cooperation",
                "p_material_cooperation",
                "p_verbal_conflict",
                "p_material_conflict",
                "cameo_root",
                "sentence"
            ]
        );
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].iter().collect::<Vec<_>>(),
            [
                "1",
                "1",
                "3",
                "0.100000",
                "0.200000",
                "0.300000",
                "0.250000",
                "0.150000",
                "19",
                "Talks, then \"war\"."
            ]
        );
    }
}
