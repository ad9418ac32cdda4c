//! The heads file format, its one owner: written by `train/`, read by the scorers.
//!
//! The trained part of detente's transformer scorers, loaded from `models/heads/`: a small
//! LoRA delta for the shared encoder (merged into its weights at load time, so each
//! sentence still goes through the encoder once) and linear heads on the sentence
//! embedding, evaluated with ndarray. `config.json` says how to read the tensors in
//! `heads.safetensors`; `models/heads.md` says how they were trained and how well they do.
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, ArrayView1};
use serde::{Deserialize, Serialize};

use crate::error::Error;

pub const DIR: &str = "heads";
pub const CONFIG: &str = "heads/config.json";
pub const WEIGHTS: &str = "heads/heads.safetensors";

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LoraConfig {
    pub rank: usize,
    pub alpha: f64,
    /// Encoder linear layers (`encoder.layer.3.attention.self.query`, …) that carry
    /// `lora.<name>.A` (rank × in) and `lora.<name>.B` (out × rank).
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SentimentConfig {
    /// The news head's classes, in the order of its outputs: `sentiment_label` is the most
    /// probable one.
    pub labels: Vec<String>,
    /// A ridge on the head's output and VADER's four outputs (fitted by `train::stack`);
    /// when present, `sentiment` = clamp(stack, −1, 1) instead of clamp(head, −1, 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<Ridge>,
}

/// A linear model on named features: `y = intercept + Σ weights_k · x_k`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Ridge {
    pub features: Vec<String>,
    pub weights: Vec<f64>,
    pub intercept: f64,
}

impl Ridge {
    pub fn predict(&self, x: &[f64]) -> f64 {
        self.intercept + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TensionConfig {
    /// Class names, in the order of the class head's outputs.
    pub labels: Vec<String>,
    /// The CAMEO root event types, in the order of the root head's outputs.
    pub roots: Vec<RootConfig>,
}

/// One CAMEO root event type.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct RootConfig {
    /// `01` … `20`.
    pub code: String,
    pub name: String,
    /// The event class it belongs to (an index into `labels`).
    pub class: usize,
    /// Mean Goldstein value of its CAMEO codes: `goldstein` = Σ p_root · this.
    pub goldstein: f64,
    /// Conflict intensity in [0, 1]: `tension` = Σ p_root · this.
    pub conflict_weight: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct HeadsConfig {
    pub encoder: String,
    pub lora: LoraConfig,
    pub sentiment: SentimentConfig,
    pub tension: TensionConfig,
}

/// `y = W x + b`.
#[derive(Debug, Clone)]
pub struct Linear {
    pub(crate) w: Array2<f32>,
    pub(crate) b: Array1<f32>,
}

impl Linear {
    pub fn apply(&self, x: ArrayView1<'_, f32>) -> Array1<f32> {
        self.w.dot(&x) + &self.b
    }
}

/// Everything in `models/heads/`.
pub struct Heads {
    pub config: HeadsConfig,
    /// The mean rating / 4 (before the stack).
    pub sentiment: Linear,
    /// Political-news sentiment classes (`config.sentiment.labels`).
    pub news: Linear,
    /// The five event classes.
    pub tension: Linear,
    /// The root head: logits whose softmax within each class is p(root | class).
    pub root: Linear,
}

/// The tensors of a safetensors file as (name, shape, values).
pub(crate) type Tensors = Vec<(String, Vec<usize>, Vec<f32>)>;

#[cfg(not(feature = "torch"))]
pub(crate) fn read_tensors(_path: &Path) -> Result<Tensors, Error> {
    Err(Error::NeedsTorch)
}

#[cfg(feature = "torch")]
pub(crate) fn read_tensors(path: &Path) -> Result<Tensors, Error> {
    let model_err = |message: String| Error::Model {
        path: path.to_path_buf(),
        message,
    };
    let tensors = tch::Tensor::read_safetensors(path).map_err(|e| model_err(e.to_string()))?;
    tensors
        .into_iter()
        .map(|(name, t)| {
            let shape: Vec<usize> = t.size().iter().map(|&d| d as usize).collect();
            let values = Vec::<f32>::try_from(t.to_kind(tch::Kind::Float).flatten(0, -1))
                .map_err(|e| model_err(format!("{name}: {e}")))?;
            Ok((name, shape, values))
        })
        .collect()
}

fn take(tensors: &Tensors, name: &str, path: &Path) -> Result<(Vec<usize>, Vec<f32>), Error> {
    tensors
        .iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, s, v)| (s.clone(), v.clone()))
        .ok_or_else(|| Error::Model {
            path: path.to_path_buf(),
            message: format!("no tensor {name}"),
        })
}

pub(crate) fn linear(
    tensors: &Tensors,
    name: &str,
    inputs: usize,
    path: &Path,
) -> Result<Linear, Error> {
    let (ws, w) = take(tensors, &format!("{name}.weight"), path)?;
    let (bs, b) = take(tensors, &format!("{name}.bias"), path)?;
    if ws.len() != 2 || ws[1] != inputs || bs != [ws[0]] {
        return Err(Error::Model {
            path: path.to_path_buf(),
            message: format!("{name}: shapes {ws:?} and {bs:?}"),
        });
    }
    Ok(Linear {
        w: Array2::from_shape_vec((ws[0], ws[1]), w).expect("shape checked"),
        b: Array1::from_vec(b),
    })
}

/// A JSON config file, parsed into `T`.
pub(crate) fn read_config<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    serde_json::from_str(&text).map_err(|e| Error::Model {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// What `config.json` says (the classes, the roots), without the tensors.
pub fn config(models: &Path) -> Result<HeadsConfig, Error> {
    read_config(&models.join(CONFIG))
}

/// `config.json` and the tensors of `heads.safetensors`.
fn read(models: &Path) -> Result<(HeadsConfig, Tensors), Error> {
    let config = config(models)?;
    Ok((config, read_tensors(&models.join(WEIGHTS))?))
}

impl Heads {
    /// The heads trained on `model`'s encoder (`--model`), whose width is `dim`
    /// ([`super::encoder::width`]), refusing heads whose `config.json` names another encoder.
    pub fn load_for(models: &Path, model: super::Model, dim: usize) -> Result<Heads, Error> {
        let trained = model.trained(models);
        let heads = Heads::load(&trained, dim)?;
        if heads.config.encoder != model.encoder() {
            return Err(Error::Model {
                path: trained.join(CONFIG),
                message: format!(
                    "these heads were trained on {}, not on {} (--model {})",
                    heads.config.encoder,
                    model.encoder(),
                    model.name()
                ),
            });
        }
        Ok(heads)
    }

    /// The heads in `models/heads/` (`models` being the folder the trained files are
    /// relative to), on an encoder of width `dim`.
    pub fn load(models: &Path, dim: usize) -> Result<Heads, Error> {
        let (config, tensors) = read(models)?;
        let (config_path, path) = (models.join(CONFIG), models.join(WEIGHTS));
        let sentiment = linear(&tensors, "sentiment", dim, &path)?;
        let news = linear(&tensors, "news", dim, &path)?;
        let tension = linear(&tensors, "tension", dim, &path)?;
        let root = linear(&tensors, "root", dim, &path)?;
        let (n, t) = (config.tension.labels.len(), &config.tension);
        let bad = if tension.b.len() != n {
            Some(format!("tension: {n} labels, {} outputs", tension.b.len()))
        } else if root.b.len() != t.roots.len() {
            Some(format!("{} roots, {} outputs", t.roots.len(), root.b.len()))
        } else if let Some(c) = (0..n).find(|&c| !t.roots.iter().any(|r| r.class == c)) {
            Some(format!("class {} has no root", t.labels[c]))
        } else if let Some(r) = t.roots.iter().find(|r| r.class >= n) {
            Some(format!("root {} in class {}", r.code, r.class))
        } else if news.b.len() != config.sentiment.labels.len() {
            Some(format!(
                "sentiment: {} labels, {} news outputs",
                config.sentiment.labels.len(),
                news.b.len()
            ))
        } else {
            None
        };
        if let Some(message) = bad {
            return Err(Error::Model {
                path: config_path,
                message,
            });
        }
        Ok(Heads {
            config,
            sentiment,
            news,
            tension,
            root,
        })
    }
}

/// The LoRA delta: for each target layer, `W += (alpha / rank) · B A`.
pub struct Delta {
    pub path: PathBuf,
    pub scale: f64,
    /// (weight name, B A as an out × in matrix).
    pub updates: Vec<(String, Vec<usize>, Vec<f32>)>,
}

impl Delta {
    pub fn load(models: &Path) -> Result<Delta, Error> {
        let (config, tensors) = read(models)?;
        let path = models.join(WEIGHTS);
        let mut updates = Vec::new();
        for target in &config.lora.targets {
            let (as_, a) = take(&tensors, &format!("lora.{target}.A"), &path)?;
            let (bs, b) = take(&tensors, &format!("lora.{target}.B"), &path)?;
            if as_.len() != 2
                || bs.len() != 2
                || as_[0] != config.lora.rank
                || bs[1] != config.lora.rank
            {
                return Err(Error::Model {
                    path,
                    message: format!("lora.{target}: shapes {as_:?}, {bs:?}"),
                });
            }
            let a = Array2::from_shape_vec((as_[0], as_[1]), a).expect("shape checked");
            let b = Array2::from_shape_vec((bs[0], bs[1]), b).expect("shape checked");
            let ba = b.dot(&a);
            updates.push((
                format!("{target}.weight"),
                vec![bs[0], as_[1]],
                ba.into_raw_vec_and_offset().0,
            ));
        }
        Ok(Delta {
            path,
            scale: config.lora.alpha / config.lora.rank as f64,
            updates,
        })
    }
}

pub use super::span_heads::{ActorHead, SpanHead, SpanHeadConfig, ACTOR_CONFIG, ACTOR_WEIGHTS};

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed default heads, put where `--model mpnet` looks for its own: refused
    /// by name, not read as if they fit the other encoder.
    #[test]
    fn heads_of_another_encoder_are_refused_by_name() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        let dir = tempfile::tempdir().unwrap();
        let heads = dir.path().join("mpnet").join(DIR);
        std::fs::create_dir_all(&heads).unwrap();
        for f in [CONFIG, WEIGHTS] {
            std::fs::copy(repo.join(f), dir.path().join("mpnet").join(f)).unwrap();
        }
        let dim = super::super::encoder::DIM;
        let ok = Heads::load_for(&repo, super::super::Model::Minilm, dim);
        assert!(ok.is_ok(), "{:?}", ok.err());
        let err = Heads::load_for(dir.path(), super::super::Model::Mpnet, dim)
            .err()
            .expect("refused")
            .to_string();
        assert!(
            err.contains("trained on all-MiniLM-L6-v2, not on all-mpnet-base-v2"),
            "{err}"
        );
    }
}
