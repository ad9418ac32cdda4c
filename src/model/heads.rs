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
    /// `sentiment_label` is `negative` below this, `positive` above `positive_above`.
    pub negative_below: f64,
    pub positive_above: f64,
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
    /// Class names, in the order of the head's outputs.
    pub labels: Vec<String>,
    /// Mean Goldstein value of each class's CAMEO codes.
    pub goldstein: Vec<f64>,
    /// Conflict intensity of each class in [0, 1]: `tension` = Σ p_c · w_c.
    pub conflict_weight: Vec<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CameoRoot {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct HeadsConfig {
    pub encoder: String,
    pub lora: LoraConfig,
    pub sentiment: SentimentConfig,
    pub tension: TensionConfig,
    pub cameo_roots: Vec<CameoRoot>,
}

/// `y = W x + b`.
#[derive(Debug, Clone)]
pub struct Linear {
    w: Array2<f32>,
    b: Array1<f32>,
}

impl Linear {
    pub fn apply(&self, x: ArrayView1<'_, f32>) -> Array1<f32> {
        self.w.dot(&x) + &self.b
    }
}

/// Everything in `models/heads/`.
pub struct Heads {
    pub config: HeadsConfig,
    pub sentiment: Linear,
    pub tension: Linear,
    /// One L2-normalised row per CAMEO root event type (the tuned encoder's mean
    /// embedding of its name, description and example sentences).
    pub prototypes: Array2<f32>,
}

/// The tensors of a safetensors file as (name, shape, values).
type Tensors = Vec<(String, Vec<usize>, Vec<f32>)>;

fn read_tensors(path: &Path) -> Result<Tensors, Error> {
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

fn linear(tensors: &Tensors, name: &str, inputs: usize, path: &Path) -> Result<Linear, Error> {
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

/// `config.json` and the tensors of `heads.safetensors`.
fn read(models: &Path) -> Result<(HeadsConfig, Tensors), Error> {
    let config_path = models.join(CONFIG);
    let text = std::fs::read_to_string(&config_path).map_err(|source| Error::Io {
        path: config_path.clone(),
        source,
    })?;
    let config: HeadsConfig = serde_json::from_str(&text).map_err(|e| Error::Model {
        path: config_path,
        message: e.to_string(),
    })?;
    Ok((config, read_tensors(&models.join(WEIGHTS))?))
}

impl Heads {
    pub fn load(models: &Path, dim: usize) -> Result<Heads, Error> {
        let (config, tensors) = read(models)?;
        let (config_path, path) = (models.join(CONFIG), models.join(WEIGHTS));
        let sentiment = linear(&tensors, "sentiment", dim, &path)?;
        let tension = linear(&tensors, "tension", dim, &path)?;
        let n = config.tension.labels.len();
        if tension.b.len() != n
            || config.tension.goldstein.len() != n
            || config.tension.conflict_weight.len() != n
        {
            return Err(Error::Model {
                path: config_path,
                message: format!("tension: {n} labels but other lengths differ"),
            });
        }
        let (ps, p) = take(&tensors, "cameo.prototypes", &path)?;
        if ps != [config.cameo_roots.len(), dim] {
            return Err(Error::Model {
                path,
                message: format!("cameo.prototypes: shape {ps:?}"),
            });
        }
        let prototypes = Array2::from_shape_vec((ps[0], ps[1]), p).expect("shape checked");
        Ok(Heads {
            config,
            sentiment,
            tension,
            prototypes,
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
