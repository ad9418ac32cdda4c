//! The end of training: the sentiment output stage (the optional VADER stack and the
//! `sentiment_label` thresholds, both fitted on the dev split), and the export of exactly
//! what `score::heads` loads — `heads.safetensors` (LoRA delta, heads, CAMEO root
//! prototypes), `config.json` (with the Goldstein class means) — plus the reference outputs
//! of this code's own forward pass that the test suite checks inference against.
use std::io::Write;

use serde_json::{json, Value};
use tch::{nn::Module, Kind, Tensor};

use super::stack;
use super::{bert, metrics, Context, Job, Trained};
use crate::error::Error;
use crate::model::heads::{CameoRoot, HeadsConfig, LoraConfig, SentimentConfig, TensionConfig};
use crate::score::sentiment::stack_features;

/// Label thresholds tried, on the `sentiment` scale (rating / 4).
pub const THRESHOLDS: [f64; 9] = [0.0, 0.0125, 0.025, 0.0375, 0.05, 0.075, 0.1, 0.125, 0.15];

/// Fits the stack (if the recipe asks) and chooses the label thresholds on the dev split;
/// records the figures in `m`. Returns the shipped sentiment configuration.
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
    let mut dev_final = dev_head.to_vec();
    let mut stack_model = None;
    if ctx.recipe.stack {
        let x_dev = feats(dev.iter().map(|&i| &train.texts[i]).collect(), dev_head);
        let y_dev: Vec<f64> = gold_dev.iter().map(|y| y / 4.0).collect();
        let (ridge, errors) = stack::fit_cv(&x_dev, &y_dev, 5, ctx.recipe.seed);
        let x_nyt = feats(ctx.sentiment.nyt.texts.iter().collect(), nyt_head);
        let nyt: Vec<f64> = x_nyt.iter().map(|x| ridge.predict(x) * 4.0).collect();
        // In-sample on dev (the stack was fitted there); the CV error is the honest figure.
        dev_final = x_dev.iter().map(|x| ridge.predict(x)).collect();
        let dev4: Vec<f64> = dev_final.iter().map(|v| v * 4.0).collect();
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
    let gold3: Vec<usize> = gold_dev
        .iter()
        .map(|&y| metrics::three_class(y, 0.05))
        .collect();
    let by_t: Vec<(f64, f64)> = THRESHOLDS
        .iter()
        .map(|&t| {
            let pred: Vec<usize> = dev_final
                .iter()
                .map(|&v| metrics::three_class(v.clamp(-1.0, 1.0), t))
                .collect();
            (t, metrics::macro_f1(&gold3, &pred, 3))
        })
        .collect();
    // Ties go to the conventional 0.05.
    let best = by_t.iter().fold(
        (0.05, by_t[4].1),
        |b, &(t, f)| if f > b.1 + 1e-12 { (t, f) } else { b },
    );
    let chosen = if ctx.recipe.hold_out_dev {
        best.0
    } else {
        0.05
    };
    log(&format!(
        "label thresholds: macro-F1 on dev by ±t {by_t:?}; shipped ±{chosen}"
    ));
    m["label_thresholds"] = json!({ "macro_f1_on_dev_by_t": by_t, "chosen": chosen,
        "chosen_on_held_out_dev": ctx.recipe.hold_out_dev });
    SentimentConfig {
        negative_below: -chosen,
        positive_above: chosen,
        stack: stack_model,
    }
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
    let cameo = super::data::load_cameo(&job.data.cameo_codes(), &job.data.cameo_goldstein())?;
    let tok128 = super::tokenizer(&job.models, super::cache::CACHE_TOKENS)?;
    let texts: Vec<String> = cameo.texts.iter().map(|(_, s)| s.clone()).collect();
    let e = embed_full(ctx, t, &super::cache::tokenize(&tok128, &texts)?, 64);
    let protos: Vec<Tensor> = (0..cameo.roots.len())
        .map(|r| {
            let idx: Vec<i64> = (0..texts.len())
                .filter(|&i| cameo.texts[i].0 == r)
                .map(|i| i as i64)
                .collect();
            let mean = e
                .index_select(0, &Tensor::from_slice(&idx))
                .mean_dim(0, false, Kind::Float);
            &mean / mean.norm().clamp_min(1e-12)
        })
        .collect();
    let mut tensors: Vec<(String, Tensor)> = Vec::new();
    let mut targets = Vec::new();
    for (name, a, b) in t.lora.named() {
        tensors.push((format!("lora.{name}.A"), a.detach().contiguous()));
        tensors.push((format!("lora.{name}.B"), b.detach().contiguous()));
        targets.push(name);
    }
    targets.sort();
    for (head, lin) in [("sentiment", &t.h_sent), ("tension", &t.h_ten)] {
        tensors.push((format!("{head}.weight"), lin.ws.detach().contiguous()));
        let bias = lin.bs.as_ref().expect("heads have a bias");
        tensors.push((format!("{head}.bias"), bias.detach().contiguous()));
    }
    tensors.push((
        "cameo.prototypes".into(),
        Tensor::stack(&protos, 0).contiguous(),
    ));
    std::fs::create_dir_all(&job.out).map_err(io(&job.out))?;
    let weights = job.out.join("heads.safetensors");
    Tensor::write_safetensors(&tensors, &weights).map_err(|e| Error::Model {
        path: weights.clone(),
        message: e.to_string(),
    })?;
    let neg: Vec<f64> = cameo.goldstein.iter().map(|g| (-g).max(0.0)).collect();
    let max_neg = neg.iter().copied().fold(0.0, f64::max);
    let round6 = |x: f64| (x * 1e6).round() / 1e6;
    let config = HeadsConfig {
        encoder: crate::model::encoder::MODEL_NAME.into(),
        lora: LoraConfig {
            rank: ctx.recipe.rank as usize,
            alpha: ctx.recipe.alpha,
            targets,
        },
        sentiment: sentiment.clone(),
        tension: TensionConfig {
            labels: super::data::CLASSES.map(String::from).into(),
            goldstein: cameo.goldstein.iter().map(|&g| round6(g)).collect(),
            conflict_weight: neg.iter().map(|&n| round6(n / max_neg)).collect(),
        },
        cameo_roots: cameo
            .roots
            .iter()
            .map(|(code, name)| CameoRoot {
                code: code.clone(),
                name: name.clone(),
            })
            .collect(),
    };
    let mut value = serde_json::to_value(&config).expect("serialisable");
    value["training"] = serde_json::to_value(&ctx.recipe).expect("serialisable");
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
/// `sentiment` value before clamping and the five class probabilities.
fn write_reference(
    ctx: &Context,
    t: &Trained,
    sentiment: &SentimentConfig,
    job: &Job,
) -> Result<(), Error> {
    let text = std::fs::read_to_string(&job.parity).map_err(|source| Error::Io {
        path: job.parity.clone(),
        source,
    })?;
    let spec = crate::model::encoder::EncoderSpec::read(
        &job.models.join(crate::model::encoder::MODEL_NAME),
    )?;
    let tok = super::tokenizer(&job.models, spec.max_seq_length)?;
    let mut out = std::fs::File::create(&job.reference).map_err(io(&job.reference))?;
    for s in text.lines().filter(|l| !l.trim().is_empty()) {
        let e = embed_full(ctx, t, &[tok.encode(s)?.ids], 1);
        let (head, probs) = tch::no_grad(|| {
            let head = f64::try_from(t.h_sent.forward(&e).to_kind(Kind::Double).view([-1]).get(0))
                .expect("scalar");
            let p = t.h_ten.forward(&e).softmax(-1, Kind::Double).view([-1]);
            (head, Vec::<f64>::try_from(&p).expect("doubles"))
        });
        let value = match &sentiment.stack {
            Some(r) => r.predict(&stack_features(head, &ctx.vader.polarity_scores(s))),
            None => head,
        };
        let line = json!({ "text": s, "sentiment": value, "probs": probs });
        writeln!(out, "{line}").map_err(io(&job.reference))?;
    }
    Ok(())
}
