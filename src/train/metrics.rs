//! The figures the trained scorers are judged by: Pearson r and 3-class macro-F1 for
//! sentiment (VADER paper's convention: a mean rating above 0.05 on −4..+4 is positive,
//! below −0.05 negative), and macro-F1, accuracy, conflict-vs-cooperation AUC and a
//! reliability table for tension; root accuracy, Spearman's rank correlation, and the
//! news sentiment classes.
use serde::Serialize;

pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// Macro-F1 over the classes present in `gold` or `pred` (as scikit-learn computes it).
pub fn macro_f1(gold: &[usize], pred: &[usize], classes: usize) -> f64 {
    per_class_f1(gold, pred, classes)
        .into_iter()
        .flatten()
        .fold((0.0, 0), |(s, n), f| (s + f, n + 1))
        .pipe(|(s, n)| if n == 0 { 0.0 } else { s / n as f64 })
}

/// F1 of each class; `None` for a class absent from both.
pub fn per_class_f1(gold: &[usize], pred: &[usize], classes: usize) -> Vec<Option<f64>> {
    (0..classes)
        .map(|c| {
            let tp = gold
                .iter()
                .zip(pred)
                .filter(|(g, p)| **g == c && **p == c)
                .count();
            let ng = gold.iter().filter(|&&g| g == c).count();
            let np = pred.iter().filter(|&&p| p == c).count();
            if ng + np == 0 {
                None
            } else {
                Some(2.0 * tp as f64 / (ng + np) as f64)
            }
        })
        .collect()
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl<T> Pipe for T {}

pub fn accuracy(gold: &[usize], pred: &[usize]) -> f64 {
    gold.iter().zip(pred).filter(|(g, p)| g == p).count() as f64 / gold.len() as f64
}

/// Area under the ROC curve of `score` for `positive` (Mann–Whitney, ties count half).
pub fn auc(score: &[f64], positive: &[bool]) -> f64 {
    let np = positive.iter().filter(|&&p| p).count() as f64;
    let nn = positive.len() as f64 - np;
    // `ranks` counts from 0; the Mann–Whitney statistic counts from 1.
    let rank_sum: f64 = ranks(score)
        .iter()
        .zip(positive)
        .filter(|(_, &p)| p)
        .map(|(r, _)| r + 1.0)
        .sum();
    (rank_sum - np * (np + 1.0) / 2.0) / (np * nn)
}

/// The share of `true` (NaN when empty).
pub fn rate(hits: &[bool]) -> f64 {
    hits.iter().filter(|&&h| h).count() as f64 / hits.len() as f64
}

/// Negative (0), neutral (1) or positive (2) at ±`t`.
pub fn three_class(v: f64, t: f64) -> usize {
    if v > t {
        2
    } else if v < -t {
        0
    } else {
        1
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct SentimentMetrics {
    pub n: usize,
    pub r: f64,
    /// 3-class macro-F1, prediction and mean rating both cut at ±0.05 on −4..+4.
    pub f1_3: f64,
}

/// `pred` and `gold` on the −4..+4 scale.
pub fn sentiment(pred: &[f64], gold: &[f64]) -> SentimentMetrics {
    let c = |v: &[f64]| v.iter().map(|&x| three_class(x, 0.05)).collect::<Vec<_>>();
    SentimentMetrics {
        n: pred.len(),
        r: pearson(pred, gold),
        f1_3: macro_f1(&c(gold), &c(pred), 3),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TensionMetrics {
    pub n: usize,
    pub f1: f64,
    pub acc: f64,
    /// Conflict (classes 3–4) vs cooperation (1–2), scored by p(conflict) − p(cooperation).
    pub auc: f64,
    pub per_class_f1: Vec<Option<f64>>,
}

/// A `;`-separated list of codes as the sorted set of their first `n` characters, joined
/// with `;`: how actor codes are compared (`KORGOV;KOR` and `KORMIL` both give `KOR`).
pub fn code_set(cell: &str, n: usize) -> String {
    let mut k: Vec<String> = cell
        .split(';')
        .filter(|c| !c.is_empty())
        .map(|c| c.chars().take(n).collect())
        .collect();
    k.sort();
    k.dedup();
    k.join(";")
}

pub fn argmax(p: &[f64]) -> usize {
    (0..p.len()).fold(0, |b, i| if p[i] > p[b] { i } else { b })
}

pub fn tension(probs: &[Vec<f64>], gold: &[usize]) -> TensionMetrics {
    let pred: Vec<usize> = probs.iter().map(|p| argmax(p)).collect();
    let (mut score, mut positive) = (Vec::new(), Vec::new());
    for (p, &g) in probs.iter().zip(gold) {
        if g >= 1 {
            score.push(p[3] + p[4] - p[1] - p[2]);
            positive.push(g >= 3);
        }
    }
    TensionMetrics {
        n: gold.len(),
        f1: macro_f1(gold, &pred, probs.first().map_or(0, |p| p.len())),
        acc: accuracy(gold, &pred),
        auc: auc(&score, &positive),
        per_class_f1: per_class_f1(gold, &pred, probs.first().map_or(0, |p| p.len())),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReliabilityBin {
    pub from: f64,
    pub to: f64,
    pub n: usize,
    pub mean_confidence: f64,
    pub accuracy: f64,
}

/// The confidence bands of [`reliability`].
pub const RELIABILITY_EDGES: [f64; 7] = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0 + 1e-9];

/// Accuracy of the most probable class per band of its probability.
pub fn reliability(probs: &[Vec<f64>], gold: &[usize]) -> Vec<ReliabilityBin> {
    let (conf, right): (Vec<f64>, Vec<bool>) = probs
        .iter()
        .zip(gold)
        .map(|(p, &g)| {
            let best = argmax(p);
            (p[best], best == g)
        })
        .unzip();
    reliability_of(&conf, &right, &RELIABILITY_EDGES)
}

/// How often a prediction is right per band of its confidence: one bin per pair of
/// neighbouring `edges` (each band includes its lower edge, not its upper one).
pub fn reliability_of(conf: &[f64], right: &[bool], edges: &[f64]) -> Vec<ReliabilityBin> {
    edges
        .windows(2)
        .map(|w| {
            let (mut n, mut sum, mut hits) = (0, 0.0, 0);
            for (&c, &r) in conf.iter().zip(right) {
                if c >= w[0] && c < w[1] {
                    n += 1;
                    sum += c;
                    hits += usize::from(r);
                }
            }
            ReliabilityBin {
                from: w[0],
                to: w[1].min(1.0),
                n,
                mean_confidence: if n > 0 { sum / n as f64 } else { 0.0 },
                accuracy: if n > 0 { hits as f64 / n as f64 } else { 0.0 },
            }
        })
        .collect()
}

/// Ranks from 0, with ties given their mean rank.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            r[k] = (i + j) as f64 / 2.0;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation (Pearson on ranks, ties averaged).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// How well `cameo_root` names the gold root, scored as the tension scorer scores.
#[derive(Debug, Clone, Serialize)]
pub struct RootMetrics {
    pub n: usize,
    /// `cameo_root` = gold root.
    pub acc: f64,
    /// The same without statements and appeals (roots 01–02).
    pub n_without_01_02: usize,
    pub acc_without_01_02: f64,
    /// Among sentences whose `event_class` is right: how often the root within it is.
    pub acc_given_class: f64,
    /// Accuracy and count of each gold root (`None`: absent).
    pub per_root: Vec<(Option<f64>, usize)>,
}

#[cfg(feature = "torch")]
pub fn roots(
    out: &[super::Outputs],
    gold: &[usize],
    config: &[crate::model::heads::RootConfig],
) -> RootMetrics {
    let events: Vec<_> = out
        .iter()
        .map(|o| crate::score::tension::event(&o.class_p, &o.root_logits, config))
        .collect();
    let hit: Vec<bool> = events.iter().zip(gold).map(|(e, &g)| e.root == g).collect();
    let share = |keep: &dyn Fn(usize) -> bool| {
        let (n, k) = (0..gold.len())
            .filter(|&i| keep(i))
            .fold((0, 0), |(n, k), i| (n + 1, k + usize::from(hit[i])));
        (n, if n > 0 { k as f64 / n as f64 } else { f64::NAN })
    };
    let (n, acc) = share(&|_| true);
    let (n2, acc2) = share(&|i| gold[i] >= 2);
    let (_, given) = share(&|i| events[i].class == config[gold[i]].class);
    RootMetrics {
        n,
        acc,
        n_without_01_02: n2,
        acc_without_01_02: acc2,
        acc_given_class: given,
        per_root: (0..config.len())
            .map(|r| {
                let (n, a) = share(&|i| gold[i] == r);
                ((n > 0).then_some(a), n)
            })
            .collect(),
    }
}

/// The codebook's example sentences: root figures, the five classes under the grouping,
/// and Spearman of `goldstein` with the Goldstein value of each example's own code.
#[cfg(feature = "torch")]
pub fn codebook(
    out: &[super::Outputs],
    gold_roots: &[usize],
    values: &[f64],
    config: &[crate::model::heads::RootConfig],
) -> serde_json::Value {
    let events: Vec<_> = out
        .iter()
        .map(|o| crate::score::tension::event(&o.class_p, &o.root_logits, config))
        .collect();
    let gold_class: Vec<usize> = gold_roots.iter().map(|&r| config[r].class).collect();
    let pred_class: Vec<usize> = events.iter().map(|e| e.class).collect();
    let goldstein: Vec<f64> = events.iter().map(|e| e.goldstein).collect();
    serde_json::json!({
        "roots": roots(out, gold_roots, config),
        "class_acc": accuracy(&gold_class, &pred_class),
        "goldstein_spearman": spearman(&goldstein, values),
        "goldstein_pearson": pearson(&goldstein, values),
    })
}

/// News sentiment: 3-class macro-F1, accuracy and per class F1 of the most probable class.
pub fn news(probs: &[Vec<f64>], gold: &[usize]) -> serde_json::Value {
    let pred: Vec<usize> = probs.iter().map(|p| argmax(p)).collect();
    serde_json::json!({
        "n": gold.len(),
        "f1": macro_f1(gold, &pred, 3),
        "acc": accuracy(gold, &pred),
        "per_class_f1": per_class_f1(gold, &pred, 3),
    })
}

/// Agreement of predicted with gold labels named by strings (any number of classes).
#[derive(Debug, Clone, Serialize)]
pub struct LabelMetrics {
    pub n: usize,
    pub accuracy: f64,
    /// Over the classes present in gold or prediction.
    pub macro_f1: f64,
    /// F1 of each class seen in gold or prediction, in sorted order.
    pub per_class_f1: Vec<(String, f64)>,
    /// How many rows of each gold class got each predicted class (`[gold][predicted]`,
    /// classes in the order of `per_class_f1`).
    pub confusion: Vec<Vec<usize>>,
}

pub fn labels(gold: &[String], pred: &[String]) -> LabelMetrics {
    let mut classes: Vec<&String> = gold.iter().chain(pred).collect();
    classes.sort();
    classes.dedup();
    let index = |v: &[String]| -> Vec<usize> {
        v.iter()
            .map(|x| classes.binary_search(&x).expect("collected above"))
            .collect()
    };
    let (g, p) = (index(gold), index(pred));
    let per = per_class_f1(&g, &p, classes.len());
    let mut confusion = vec![vec![0; classes.len()]; classes.len()];
    for (&a, &b) in g.iter().zip(&p) {
        confusion[a][b] += 1;
    }
    LabelMetrics {
        n: gold.len(),
        accuracy: accuracy(&g, &p),
        macro_f1: macro_f1(&g, &p, classes.len()),
        per_class_f1: classes
            .iter()
            .zip(per)
            .map(|(c, f)| ((*c).clone(), f.expect("every class is seen")))
            .collect(),
        confusion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_confusion_counts_each_gold_class_by_prediction() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let m = labels(&s(&["a", "a", "b", "c"]), &s(&["a", "b", "b", "a"]));
        assert_eq!(m.confusion, [[1, 1, 0], [0, 1, 0], [1, 0, 0]]);
    }

    #[test]
    fn known_values() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 7.0]) - 0.9933992677987828).abs() < 1e-12);
        assert_eq!(
            auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
            0.75
        );
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), 0.5);
        // scikit-learn: f1_score([0,1,2,0,1,2], [0,2,1,0,0,1], average='macro') = 0.2666…
        let f = macro_f1(&[0, 1, 2, 0, 1, 2], &[0, 2, 1, 0, 0, 1], 3);
        assert!((f - 0.26666666666666666).abs() < 1e-12, "{f}");
        assert_eq!(accuracy(&[1, 2, 3], &[1, 2, 0]), 2.0 / 3.0);
        // scipy.stats.spearmanr([1, 2, 2, 5], [3, 1, 4, 9]) = 0.6324555320336759
        let rho = spearman(&[1.0, 2.0, 2.0, 5.0], &[3.0, 1.0, 4.0, 9.0]);
        assert!((rho - 0.6324555320336759).abs() < 1e-12, "{rho}");
    }

    #[test]
    fn auc_counts_ties_half_and_ranks_average_them() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), [2.5, 0.0, 2.5, 1.0]);
        // pairs (pos, neg): (0.8, 0.2) win, (0.8, 0.8) tie, (0.3, 0.2) win, (0.3, 0.8) loss
        assert_eq!(
            auc(&[0.8, 0.3, 0.2, 0.8], &[true, true, false, false]),
            0.625
        );
        assert_eq!(rate(&[true, false, true, true]), 0.75);
    }

    #[test]
    fn reliability_bands_include_the_lower_edge_only() {
        let bins = reliability_of(
            &[0.1, 0.5, 0.55, 0.99, 1.0],
            &[false, true, false, true, true],
            &RELIABILITY_EDGES,
        );
        let n: Vec<usize> = bins.iter().map(|b| b.n).collect();
        assert_eq!(n, [1, 2, 0, 0, 0, 2]);
        assert_eq!(bins[1].accuracy, 0.5);
        assert!((bins[1].mean_confidence - 0.525).abs() < 1e-12);
        assert_eq!((bins[5].from, bins[5].to), (0.95, 1.0));
        // The same figures from class probabilities: the most probable class and its p.
        let probs = vec![vec![0.6, 0.4], vec![0.3, 0.7], vec![0.96, 0.04]];
        let bins = reliability(&probs, &[1, 1, 0]);
        let n: Vec<usize> = bins.iter().map(|b| b.n).collect();
        assert_eq!(n, [0, 1, 1, 0, 0, 1]);
        assert_eq!(bins[1].accuracy, 0.0);
        assert_eq!(bins[2].accuracy, 1.0);
    }

    #[test]
    fn string_labels_score_as_their_indices() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        // The indices of known_values, named: 0 → a, 1 → b, 2 → c.
        let m = labels(
            &s(&["a", "b", "c", "a", "b", "c"]),
            &s(&["a", "c", "b", "a", "a", "b"]),
        );
        assert_eq!(m.n, 6);
        assert!((m.macro_f1 - 0.26666666666666666).abs() < 1e-12);
        assert_eq!(m.accuracy, 2.0 / 6.0);
        assert_eq!(m.per_class_f1[0].0, "a");
        assert!((m.per_class_f1[0].1 - 0.8).abs() < 1e-12);
        // A class only predicted counts, with F1 0.
        let m = labels(&s(&["x", "x"]), &s(&["x", "y"]));
        assert_eq!(m.per_class_f1, [("x".into(), 2.0 / 3.0), ("y".into(), 0.0)]);
    }
}
