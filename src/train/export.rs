//! The end of training: the sentiment output stage (the optional VADER stack, fitted on
//! the dev split), and the export of exactly what `model::heads` loads —
//! `heads.safetensors` (LoRA delta, four heads), `config.json` (with the roots' classes and
//! Goldstein values) — plus the reference outputs of this code's own forward pass that the
//! test suite checks inference against.
use std::io::Write;

use serde_json::{json, Value};
use tch::{nn::Module, Kind, Tensor};

use super::data;
use super::stack;
use super::{metrics, Context, Job, Trained};
use crate::error::Error;
use crate::model::bert;
use crate::model::heads::{HeadsConfig, LoraConfig, RootConfig, SentimentConfig, TensionConfig};
use crate::score::sentiment::stack_features;

/// Fits the stack (if the recipe asks) on the dev split; records the figures in `m`. Returns the shipped sentiment configuration.
pub fn finish_sentiment(
    ctx: &Context,
    dev_head: &[f64],
    nyt_head: &[f64],
    m: &mut Value,
    log: &mut dyn FnMut(&str),
) -> SentimentConfig {
    let (_, dev) = ctx.dev_split();
    let train = &ctx.sentiment.train;
    let gold_dev: Vec<f64> = dev.iter().map(|&i| train.ratings[i]).collect();
    let gold_nyt: Vec<f64> = ctx.sentiment.nyt.ratings.clone();
    let feats = |texts: Vec<&String>, head: &[f64]| -> Vec<[f64; 5]> {
        texts
            .iter()
            .zip(head)
            .map(|(t, &h)| stack_features(h, &ctx.vader.polarity_scores(t)))
            .collect()
    };
    let mut stack_model = None;
    if ctx.recipe.stack {
        let x_dev = feats(dev.iter().map(|&i| &train.texts[i]).collect(), dev_head);
        let y_dev: Vec<f64> = gold_dev.iter().map(|y| y / 4.0).collect();
        let (ridge, errors) = stack::fit_cv(&x_dev, &y_dev, 5, ctx.recipe.seed);
        let x_nyt = feats(ctx.sentiment.nyt.texts.iter().collect(), nyt_head);
        let nyt: Vec<f64> = x_nyt.iter().map(|x| ridge.predict(x) * 4.0).collect();
        // In-sample on dev (the stack was fitted there); the CV error is the honest figure.
        let dev4: Vec<f64> = x_dev.iter().map(|x| ridge.predict(x) * 4.0).collect();
        let nm = metrics::sentiment(&nyt, &gold_nyt);
        log(&format!(
            "stack: {ridge:?}; NYT r {:.3} F1 {:.3}",
            nm.r, nm.f1_3
        ));
        m["stack"] = json!({
            "ridge": ridge,
            "cv_mse_by_lambda": errors,
            "dev_in_sample": metrics::sentiment(&dev4, &gold_dev),
            "nyt": nm,
        });
        stack_model = Some(ridge);
    }
    SentimentConfig {
        labels: data::NEWS_CLASSES.map(String::from).into(),
        stack: stack_model,
    }
}

/// `sentiment_label` (the news head's most probable class) on the NYT editorials, against
/// their mean rating cut at ±0.05 (the VADER paper's three classes).
pub fn nyt_labels(ctx: &Context, t: &Trained) -> Value {
    let all: Vec<usize> = (0..ctx.nyt_cache.len()).collect();
    let probs = ctx.news_probs(t, &ctx.nyt_cache, &all);
    let pred: Vec<usize> = probs.iter().map(|p| metrics::argmax(p)).collect();
    let gold: Vec<usize> = ctx
        .sentiment
        .nyt
        .ratings
        .iter()
        .map(|&y| metrics::three_class(y, 0.05))
        .collect();
    json!({ "f1": metrics::macro_f1(&gold, &pred, 3), "per_class_f1": metrics::per_class_f1(&gold, &pred, 3) })
}

/// The CAMEO roots as `config.json` lists them: code, name, class, the mean Goldstein value
/// of the root's codes, and the conflict weight max(0, −G) / max over roots of max(0, −G).
pub fn roots(cameo: &data::Cameo) -> Vec<RootConfig> {
    let neg: Vec<f64> = cameo.goldstein.iter().map(|g| (-g).max(0.0)).collect();
    let max_neg = neg.iter().copied().fold(0.0, f64::max);
    let round6 = |x: f64| (x * 1e6).round() / 1e6;
    cameo
        .roots
        .iter()
        .zip(&cameo.goldstein)
        .zip(&neg)
        .enumerate()
        .map(|(r, (((code, name), &g), &n))| RootConfig {
            code: code.clone(),
            name: name.clone(),
            class: data::ROOT_CLASS[r],
            goldstein: round6(g),
            conflict_weight: round6(n / max_neg),
        })
        .collect()
}

/// Full fp32 forward (no cache) of token-id lists, batched: tuned embeddings [n, H].
fn embed_full(ctx: &Context, t: &Trained, ids: &[Vec<u32>], batch: usize) -> Tensor {
    let rows: Vec<Tensor> = tch::no_grad(|| {
        ids.chunks(batch)
            .map(|chunk| {
                let refs: Vec<&[u32]> = chunk.iter().map(Vec::as_slice).collect();
                let (tok, mask) = bert::pad_ids(&refs);
                let h = ctx.base.embeddings_padded(&tok);
                let h = bert::run_layers(
                    &ctx.base,
                    Some(&t.lora),
                    h,
                    &mask,
                    0,
                    ctx.base.layers(),
                    false,
                );
                bert::pool(&h, &mask)
            })
            .collect()
    });
    Tensor::cat(&rows, 0)
}

fn io(path: &std::path::Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::OutputPath {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `heads.safetensors`, `config.json` and the reference outputs.
pub fn export(
    ctx: &Context,
    t: &Trained,
    sentiment: &SentimentConfig,
    job: &Job,
    log: &mut dyn FnMut(&str),
) -> Result<(), Error> {
    let mut tensors: Vec<(String, Tensor)> = Vec::new();
    let mut targets = Vec::new();
    for (name, a, b) in t.lora.named() {
        tensors.push((format!("lora.{name}.A"), a.detach().contiguous()));
        tensors.push((format!("lora.{name}.B"), b.detach().contiguous()));
        targets.push(name);
    }
    targets.sort();
    for (head, lin) in [
        ("sentiment", &t.h_sent),
        ("news", &t.h_news),
        ("tension", &t.h_ten),
        ("root", &t.h_root),
    ] {
        tensors.push((format!("{head}.weight"), lin.ws.detach().contiguous()));
        let bias = lin.bs.as_ref().expect("heads have a bias");
        tensors.push((format!("{head}.bias"), bias.detach().contiguous()));
    }
    std::fs::create_dir_all(&job.out).map_err(io(&job.out))?;
    let weights = job.out.join("heads.safetensors");
    Tensor::write_safetensors(&tensors, &weights).map_err(|e| Error::Model {
        path: weights.clone(),
        message: e.to_string(),
    })?;
    let config = HeadsConfig {
        encoder: job.model.encoder().into(),
        lora: LoraConfig {
            rank: ctx.recipe.rank as usize,
            alpha: ctx.recipe.alpha,
            targets,
        },
        sentiment: sentiment.clone(),
        tension: TensionConfig {
            labels: data::CLASSES.map(String::from).into(),
            roots: ctx.roots(),
        },
    };
    let mut value = serde_json::to_value(&config).expect("serialisable");
    value["training"] = serde_json::to_value(&ctx.recipe).expect("serialisable");
    if let Some(table) = &ctx.soft_table {
        value["training"]["soft_tension"] = table.clone();
    }
    if !ctx.extra_tension.is_empty() {
        value["training"]["extra_tension"] = serde_json::json!(ctx.extra_tension);
    }
    let config_path = job.out.join("config.json");
    let text = serde_json::to_string_pretty(&value).expect("serialisable") + "\n";
    std::fs::write(&config_path, text).map_err(io(&config_path))?;
    write_reference(ctx, t, sentiment, job)?;
    log(&format!(
        "exported {} LoRA layers and heads to {}; reference outputs to {}",
        t.lora.named().len(),
        job.out.display(),
        job.reference.display()
    ));
    Ok(())
}

/// The parity sentences, each alone, full forward at the encoder's own limit: the
/// `sentiment` value before clamping, `sentiment_label`, the five class probabilities and
/// what the tension scorer derives from them and the root head (`event`).
fn write_reference(
    ctx: &Context,
    t: &Trained,
    sentiment: &SentimentConfig,
    job: &Job,
) -> Result<(), Error> {
    let text = std::fs::read_to_string(&job.parity).map_err(Error::io(&job.parity))?;
    let spec = crate::model::encoder::EncoderSpec::read(&job.model.encoder_dir(&job.models))?;
    let tok = super::tokenizer(&job.models, job.model, spec.max_seq_length)?;
    let mut out = std::fs::File::create(&job.reference).map_err(io(&job.reference))?;
    for s in text.lines().filter(|l| !l.trim().is_empty()) {
        let e = embed_full(ctx, t, &[tok.encode(s)?.ids], 1);
        let (head, probs, root_logits, news) = tch::no_grad(|| {
            let head = f64::try_from(t.h_sent.forward(&e).to_kind(Kind::Double).view([-1]).get(0))
                .expect("scalar");
            let p = t.h_ten.forward(&e).softmax(-1, Kind::Double).view([-1]);
            let u = t.h_root.forward(&e).to_kind(Kind::Double).view([-1]);
            let n = t.h_news.forward(&e).to_kind(Kind::Double).view([-1]);
            let v = |x: &Tensor| Vec::<f64>::try_from(x).expect("doubles");
            (head, v(&p), v(&u), v(&n))
        });
        let ev = crate::score::tension::event(&probs, &root_logits, &ctx.roots());
        let mut sorted = news.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let value = match &sentiment.stack {
            Some(r) => r.predict(&stack_features(head, &ctx.vader.polarity_scores(s))),
            None => head,
        };
        let line = json!({
            "text": s, "sentiment": value, "probs": probs,
            "sentiment_label": data::NEWS_CLASSES[metrics::argmax(&news)],
            "label_margin": sorted[0] - sorted[1],
            "goldstein": ev.goldstein, "tension": ev.tension,
            "cameo_root": format!("{:02}", ev.root + 1), "cameo_confidence": ev.root_confidence,
        });
        writeln!(out, "{line}").map_err(io(&job.reference))?;
    }
    Ok(())
}
