//! What the heads on pooled token states (the role head, the actor sentiment head) are fit
//! from and how: each item's sentence through the tuned encoder of `models/heads/` in
//! fp32, its groups of byte ranges pooled exactly as a run pools them; a weighted
//! multinomial logistic regression on standardised inputs (the standardisation folded into
//! the exported weights); and the export in the format `model::span_heads` reads.
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use tch::{nn, nn::Module, nn::OptimizerConfig, Kind, Tensor};

use crate::error::Error;
use crate::model::batch::{self, BatchLimits};
use crate::model::encoder::{self, EncoderSpec};
use crate::model::heads::Delta;
use crate::model::pool::EncoderPool;
use crate::model::precision::Precision;
use crate::model::tokenize::SentenceTokenizer;

/// One sentence's encoder outputs: its embedding and one pooled vector per group
/// (`groups × dim`, row-major), both L2-normalised.
pub struct Encoded {
    pub sentence: Vec<f32>,
    pub groups: Vec<f32>,
}

/// Encodes each `(text, groups)` with the tuned encoder, fp32, on `workers` encoder
/// threads; results in input order.
pub fn encode(
    models: &Path,
    model: crate::model::Model,
    items: &[(&str, Vec<Vec<Range<usize>>>)],
    workers: usize,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<Encoded>, Error> {
    let dir = model.encoder_dir(models);
    let mut spec = EncoderSpec::read(&dir)?;
    spec.delta = Some(Arc::new(Delta::load(&model.trained(models))?));
    spec.precision = Precision::Fp32;
    let tok = SentenceTokenizer::from_file(&dir.join(encoder::TOKENIZER), spec.max_seq_length)?;
    let mut tokens = Vec::with_capacity(items.len());
    for (text, groups) in items {
        tokens.push(tok.encode_spans(text, groups)?);
    }
    let pool = EncoderPool::start(&spec, workers)?;
    let lengths: Vec<usize> = tokens.iter().map(|(t, _)| t.ids.len()).collect();
    let plan = batch::plan(&lengths, BatchLimits::default());
    let dim = pool.dim();
    let mut out: Vec<Option<Encoded>> = (0..items.len()).map(|_| None).collect();
    let t0 = std::time::Instant::now();
    for (round, part) in plan.chunks(64).enumerate() {
        let batches = part
            .iter()
            .map(|b| {
                b.iter()
                    .map(|&i| (tokens[i].0.ids.clone(), tokens[i].1.clone()))
                    .collect()
            })
            .collect();
        for (b, rows) in part.iter().zip(pool.embed(batches)?) {
            let mut pooled = rows.spans.into_iter();
            for (k, &i) in b.iter().enumerate() {
                out[i] = Some(Encoded {
                    sentence: rows.sentences[k * dim..(k + 1) * dim].to_vec(),
                    groups: pooled.next().unwrap_or_default(),
                });
            }
        }
        if round % 10 == 9 {
            let done = out.iter().filter(|o| o.is_some()).count();
            log(&format!(
                "encoded {done} of {} sentences ({:.0} s)",
                items.len(),
                t0.elapsed().as_secs_f64()
            ));
        }
    }
    Ok(out
        .into_iter()
        .map(|o| o.expect("every item encoded"))
        .collect())
}

/// A fitted linear head on the raw (unstandardised) inputs: `classes × d` weights.
#[derive(Debug, Clone)]
pub struct Logistic {
    pub w: Vec<f32>,
    pub b: Vec<f32>,
    pub d: usize,
}

impl Logistic {
    /// Class probabilities of one input row.
    pub fn probs(&self, x: &[f32]) -> Vec<f64> {
        let logits: Vec<f32> = self
            .w
            .chunks(self.d)
            .zip(&self.b)
            .map(|(w, b)| w.iter().zip(x).map(|(a, v)| a * v).sum::<f32>() + b)
            .collect();
        crate::score::tension::softmax(&logits)
    }

    /// Writes `NAME.weight` and `NAME.bias` to a safetensors file.
    pub fn write(&self, path: &Path, name: &str) -> Result<(), Error> {
        let classes = self.b.len() as i64;
        let w = Tensor::from_slice(&self.w).view([classes, self.d as i64]);
        let b = Tensor::from_slice(&self.b);
        Tensor::write_safetensors(
            &[(format!("{name}.weight"), w), (format!("{name}.bias"), b)],
            path,
        )
        .map_err(|e| Error::Model {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}

/// Writes a span head into `out`: its weights as `NAME.weight` and `NAME.bias` in
/// `head.safetensors`, and `config` as `config.json` (what `model::span_heads` reads).
pub fn write_head(
    out: &Path,
    name: &str,
    head: &Logistic,
    config: &crate::model::span_heads::SpanHeadConfig,
) -> Result<(), Error> {
    std::fs::create_dir_all(out).map_err(Error::io(out))?;
    head.write(&out.join("head.safetensors"), name)?;
    let path = out.join("config.json");
    let text = serde_json::to_string_pretty(config).expect("config serializes") + "\n";
    std::fs::write(&path, text).map_err(Error::io(&path))
}

/// How a head is fit.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct FitSettings {
    /// The L2 penalty on the standardised weights (added to the mean weighted loss).
    pub l2: f64,
    /// Full-batch Adam steps and learning rate.
    pub steps: usize,
    pub rate: f64,
    pub seed: i64,
}

impl Default for FitSettings {
    fn default() -> FitSettings {
        FitSettings {
            l2: 1e-3,
            steps: 400,
            rate: 0.05,
            seed: 1234,
        }
    }
}

/// Weighted multinomial logistic regression of `y` (in `0..classes`) on the rows of `x`
/// (`n × d`, row-major), on standardised inputs; returns the head on raw inputs.
pub fn fit_logistic(
    x: &[f32],
    d: usize,
    y: &[usize],
    weights: &[f32],
    classes: usize,
    s: FitSettings,
) -> Logistic {
    let n = y.len();
    tch::manual_seed(s.seed);
    let xt = Tensor::from_slice(x).view([n as i64, d as i64]);
    let mean = xt.mean_dim(0, false, Kind::Float);
    let std = xt.std_dim(0, false, false).clamp_min(1e-6);
    let z = (&xt - &mean) / &std;
    let yt = Tensor::from_slice(&y.iter().map(|&v| v as i64).collect::<Vec<_>>());
    let wt = Tensor::from_slice(weights);
    let total = wt.sum(Kind::Float);
    let vs = nn::VarStore::new(tch::Device::Cpu);
    let lin = nn::linear(vs.root(), d as i64, classes as i64, Default::default());
    let mut opt = nn::Adam::default()
        .build(&vs, s.rate)
        .expect("an optimiser over one linear layer");
    for _ in 0..s.steps {
        let lp = lin.forward(&z).log_softmax(-1, Kind::Float);
        let nll =
            -(lp.gather(1, &yt.unsqueeze(1), false).squeeze_dim(1) * &wt).sum(Kind::Float) / &total;
        let loss = nll + lin.ws.square().sum(Kind::Float) * s.l2;
        opt.backward_step(&loss);
    }
    tch::no_grad(|| {
        let w = &lin.ws / std.unsqueeze(0);
        let b = lin.bs.as_ref().expect("a bias") - w.matmul(&mean);
        Logistic {
            w: Vec::<f32>::try_from(w.flatten(0, -1)).expect("floats"),
            b: Vec::<f32>::try_from(b).expect("floats"),
            d,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_separates_separable_classes_and_folds_the_scaling() {
        // Class = which of three inputs is largest; inputs on very different scales.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..300 {
            let c = i % 3;
            let mut row = [0.1f32 * (i % 7) as f32, 0.2, 0.3];
            row[c] += 5.0;
            x.extend([row[0] * 100.0, row[1], row[2] * 0.01]);
            y.push(c);
        }
        let h = fit_logistic(&x, 3, &y, &vec![1.0; 300], 3, FitSettings::default());
        let right = (0..300)
            .filter(|&i| {
                let p = h.probs(&x[i * 3..i * 3 + 3]);
                crate::train::metrics::argmax(&p) == y[i]
            })
            .count();
        assert_eq!(right, 300);
    }
}
