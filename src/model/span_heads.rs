//! Heads on pooled token states of phrases (spans) of a sentence, beside the sentence
//! embedding: the actor sentiment head (`models/actor_sentiment/`) and the role head
//! (`models/roles/`). Both read the tuned encoder's token states, so each records the
//! sha256 of the `heads.safetensors` it was fit on and refuses any other; both are written
//! by `detente train` and read here, their one owner.
use std::path::Path;

use ndarray::Array1;
use serde::{Deserialize, Serialize};

use super::heads::{linear, read_config, read_tensors, Linear, WEIGHTS};
use super::Model;
use crate::error::Error;

pub const ACTOR_CONFIG: &str = "actor_sentiment/config.json";
pub const ACTOR_WEIGHTS: &str = "actor_sentiment/head.safetensors";
pub const ROLE_CONFIG: &str = "roles/config.json";
pub const ROLE_WEIGHTS: &str = "roles/head.safetensors";

/// What a span head's `config.json` says.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SpanHeadConfig {
    /// The classes, in the order of the head's outputs.
    pub labels: Vec<String>,
    /// The inputs, in order: `mention` (the pooled token states of the span or spans),
    /// `sentence` (the sentence embedding), each of the encoder's width, and for the role
    /// head `rules` (the values named in `rule_features`).
    pub features: Vec<String>,
    /// The names of the rule inputs, in order (empty for a head without them).
    #[serde(default)]
    pub rule_features: Vec<String>,
    /// How the role head's probabilities become roles (`score::actors::learned::Decoding`).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub decoding: serde_json::Value,
    /// sha256 of the `heads.safetensors` whose tuned encoder the head was fit on: the
    /// head reads token states, which any other LoRA delta changes.
    pub heads_sha256: String,
    /// How it was fit and what it measured (written by the trainer, not read).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub training: serde_json::Value,
}

/// A linear map from [mention; sentence; rules] to class logits.
pub struct SpanHead {
    pub config: SpanHeadConfig,
    pub head: Linear,
}

/// The actor sentiment head ([`SpanHead`] with inputs [mention, sentence]).
pub type ActorHead = SpanHead;

impl SpanHead {
    /// The actor sentiment head trained on `model`'s encoder (`models/actor_sentiment/`,
    /// or under `models/mpnet/`), on states of width `dim`.
    pub fn load_actor(models: &Path, model: Model, dim: usize) -> Result<SpanHead, Error> {
        SpanHead::load(
            &model.trained(models),
            (ACTOR_CONFIG, ACTOR_WEIGHTS, "actor"),
            &["mention", "sentence"],
            dim,
            &format!("scripts/build/actor_sentiment{}", model.build_flag()),
        )
    }

    /// The role head trained on `model`'s encoder (`models/roles/`, or under
    /// `models/mpnet/`), on states of width `dim`.
    pub fn load_roles(models: &Path, model: Model, dim: usize) -> Result<SpanHead, Error> {
        SpanHead::load(
            &model.trained(models),
            (ROLE_CONFIG, ROLE_WEIGHTS, "role"),
            &["mention", "sentence", "rules"],
            dim,
            &format!("scripts/build/roles{}", model.build_flag()),
        )
    }

    /// Loads `(config, weights, tensor name)` under `models`, checking the inputs, the
    /// shapes and the encoder it was fit on (`rebuild` names the command that refits it).
    pub fn load(
        models: &Path,
        (config_rel, weights_rel, name): (&str, &str, &str),
        features: &[&str],
        dim: usize,
        rebuild: &str,
    ) -> Result<SpanHead, Error> {
        let config_path = models.join(config_rel);
        let config: SpanHeadConfig = read_config(&config_path)?;
        let path = models.join(weights_rel);
        let inputs = 2 * dim + config.rule_features.len();
        let head = linear(&read_tensors(&path)?, name, inputs, &path)?;
        let heads_path = models.join(WEIGHTS);
        let sha = crate::model::files::sha256_file(&heads_path)?;
        let bad = if config.features != features {
            Some(format!(
                "features {:?}, expected {features:?}",
                config.features
            ))
        } else if head.b.len() != config.labels.len() {
            Some(format!(
                "{} labels, {} outputs",
                config.labels.len(),
                head.b.len()
            ))
        } else if sha != config.heads_sha256 {
            Some(format!(
                "fit on the encoder of heads.safetensors {}, but {} is {sha}: refit it \
                 ({rebuild})",
                config.heads_sha256,
                heads_path.display()
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
        Ok(SpanHead { config, head })
    }

    /// Class logits from a mention vector, the sentence embedding and the rule inputs
    /// (empty for a head without them).
    pub fn logits(&self, mention: &[f32], sentence: &[f32], rules: &[f32]) -> Array1<f32> {
        let x: Array1<f32> = mention
            .iter()
            .chain(sentence)
            .chain(rules)
            .copied()
            .collect();
        self.head.apply(x.view())
    }
}
