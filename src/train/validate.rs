//! Evaluation of a fitted model: its heads' outputs on cached sentences, the sentiment and
//! codebook figures, VADER's baseline, and the summary of the metrics JSON.
use serde_json::{json, Value};
use tch::{nn::Module, Kind, Tensor};

use super::cache::{self, Cache};
use super::context::Context;
use super::fit::{Outputs, Trained};
use super::metrics;

impl Context {
    /// Tuned embeddings of cached sentences (up to 128 tokens), in `idx` order.
    pub fn embed(&self, t: &Trained, cache: &Cache, idx: &[usize]) -> Tensor {
        let lengths = cache.lengths();
        let order = cache::by_length(&lengths, idx);
        let mut rows: Vec<Option<Tensor>> = (0..cache.len()).map(|_| None).collect();
        tch::no_grad(|| {
            for chunk in order.chunks(128) {
                let (x, m) = cache.batch(chunk, cache::CACHE_TOKENS);
                let e = self.encode(&t.lora, x, &m, false);
                for (b, &i) in chunk.iter().enumerate() {
                    rows[i] = Some(e.get(b as i64));
                }
            }
        });
        let picked: Vec<Tensor> = idx
            .iter()
            .map(|&i| rows[i].take().expect("embedded"))
            .collect();
        Tensor::stack(&picked, 0)
    }

    /// The sentiment head's output (rating / 4) for cached sentences.
    pub fn sentiment_head(&self, t: &Trained, cache: &Cache, idx: &[usize]) -> Vec<f64> {
        let e = self.embed(t, cache, idx);
        let out = tch::no_grad(|| t.h_sent.forward(&e).squeeze_dim(-1).to_kind(Kind::Double));
        Vec::<f64>::try_from(&out).expect("doubles")
    }

    /// Class probabilities and root logits of cached sentences (the tension sentences or
    /// the codebook's examples).
    pub fn tension_outputs(&self, t: &Trained, cache: &Cache, idx: &[usize]) -> Vec<Outputs> {
        let e = self.embed(t, cache, idx);
        let (p, u) = tch::no_grad(|| {
            (
                t.h_ten.forward(&e).softmax(-1, Kind::Double),
                t.h_root.forward(&e).to_kind(Kind::Double),
            )
        });
        (0..idx.len() as i64)
            .map(|i| Outputs {
                class_p: Vec::<f64>::try_from(&p.get(i)).expect("doubles"),
                root_logits: Vec::<f64>::try_from(&u.get(i)).expect("doubles"),
            })
            .collect()
    }

    /// News sentiment class probabilities of cached sentences.
    pub fn news_probs(&self, t: &Trained, cache: &Cache, idx: &[usize]) -> Vec<Vec<f64>> {
        let e = self.embed(t, cache, idx);
        let p = tch::no_grad(|| t.h_news.forward(&e).softmax(-1, Kind::Double));
        (0..idx.len() as i64)
            .map(|i| Vec::<f64>::try_from(&p.get(i)).expect("doubles"))
            .collect()
    }

    /// Root figures of a model on the codebook's example sentences (never trained on).
    pub fn score_codebook(&self, t: &Trained) -> Value {
        let idx: Vec<usize> = (0..self.cameo.examples.len()).collect();
        let out = self.tension_outputs(t, &self.cameo_cache, &idx);
        let gold: Vec<usize> = self
            .cameo
            .examples
            .iter()
            .map(|x| {
                x.code[..2]
                    .parse::<usize>()
                    .expect("codes start with the root")
                    - 1
            })
            .collect();
        let values: Vec<f64> = self.cameo.examples.iter().map(|x| x.goldstein).collect();
        metrics::codebook(&out, &gold, &values, &self.roots())
    }

    /// Sentiment metrics on dev and NYT for a trained model (head only) and returns the
    /// head outputs on both.
    pub fn score_sentiment(&self, t: &Trained) -> (Value, Vec<f64>, Vec<f64>) {
        let (_, dev) = self.dev_split();
        let d = self.sentiment_head(t, &self.sent_cache, &dev);
        let all_nyt: Vec<usize> = (0..self.nyt_cache.len()).collect();
        let n = self.sentiment_head(t, &self.nyt_cache, &all_nyt);
        let gold_dev: Vec<f64> = dev
            .iter()
            .map(|&i| self.sentiment.train.ratings[i])
            .collect();
        let gold_nyt: Vec<f64> = self.sentiment.nyt.ratings.clone();
        let x4 = |v: &[f64]| v.iter().map(|x| x * 4.0).collect::<Vec<_>>();
        let m = json!({
            "dev": metrics::sentiment(&x4(&d), &gold_dev),
            "dev_in_sample": !self.recipe.hold_out_dev,
            "nyt": metrics::sentiment(&x4(&n), &gold_nyt),
        });
        (m, d, n)
    }
}

/// VADER's compound on the NYT test set, the baseline the trained scorer is compared with
/// (thresholded at ±0.05 on its own scale, VADER's convention).
pub(super) fn vader_baseline(ctx: &Context) -> Value {
    let pred: Vec<f64> = ctx
        .sentiment
        .nyt
        .texts
        .iter()
        .map(|t| ctx.vader.polarity_scores(t).compound)
        .collect();
    let gold: Vec<f64> = ctx.sentiment.nyt.ratings.clone();
    json!({ "nyt": metrics::sentiment(&pred, &gold) })
}

/// A few lines that say what was measured.
pub fn summary(m: &Value) -> String {
    let f = |v: &Value| v.as_f64().map_or("-".to_string(), |x| format!("{x:.3}"));
    let mut lines = vec![format!(
        "VADER on NYT: r {} F1 {}",
        f(&m["vader"]["nyt"]["r"]),
        f(&m["vader"]["nyt"]["f1_3"])
    )];
    if let Some(cv) = m.get("cv") {
        lines.push(format!(
            "tension {}-fold CV (folds {}): macro-F1 {} accuracy {} AUC {} (training {} s)",
            cv["folds"],
            cv["folds_run"],
            f(&cv["pooled"]["f1"]),
            f(&cv["pooled"]["acc"]),
            f(&cv["pooled"]["auc"]),
            cv["train_s"]
        ));
        lines.push(format!(
            "  roots (held-out silver, {}): accuracy {}, without 01-02 {}; news sentiment macro-F1 {}",
            cv["roots_silver"]["n"],
            f(&cv["roots_silver"]["acc"]),
            f(&cv["roots_silver"]["acc_without_01_02"]),
            f(&cv["news"]["f1"])
        ));
    }
    if let Some(s) = m.get("ship") {
        let h = &s["sentiment_head"];
        lines.push(format!(
            "shipped head: dev r {} F1 {}{}; NYT r {} F1 {} (training {} s)",
            f(&h["dev"]["r"]),
            f(&h["dev"]["f1_3"]),
            if h["dev_in_sample"] == json!(true) {
                " (in-sample)"
            } else {
                ""
            },
            f(&h["nyt"]["r"]),
            f(&h["nyt"]["f1_3"]),
            s["train_s"]
        ));
        let c = &s["codebook"];
        lines.push(format!(
            "codebook examples ({}): root accuracy {}, without 01-02 {}; goldstein Spearman {}",
            c["roots"]["n"],
            f(&c["roots"]["acc"]),
            f(&c["roots"]["acc_without_01_02"]),
            f(&c["goldstein_spearman"])
        ));
        if let Some(st) = s.get("stack") {
            lines.push(format!(
                "stacked with VADER: NYT r {} F1 {}",
                f(&st["nyt"]["r"]),
                f(&st["nyt"]["f1_3"])
            ));
        }
    }
    lines.join("\n")
}
