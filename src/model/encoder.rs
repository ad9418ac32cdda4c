//! The sentence encoder: all-MiniLM-L6-v2 (a 6-layer BERT) on libtorch, loaded from
//! `model.safetensors` in a local folder into rust-bert's variables and run by
//! [`crate::model::bert`]. It computes what
//! sentence-transformers computes for this model: the last hidden states, mean-pooled over
//! the sentence's tokens, then L2-normalised. A sentence embeds exactly the same alone as
//! inside any batch (see [`crate::model::bert`]).
//!
//! An `Encoder` is `Send` but not `Sync`: [`crate::model::pool::EncoderPool`] gives each
//! worker thread its own.
use std::path::{Path, PathBuf};

#[cfg(feature = "torch")]
use tch::Tensor;

#[cfg(feature = "torch")]
use super::bert::{self, Bert};
use super::device::Device;
use super::precision::Precision;
use crate::error::Error;

/// Files the encoder reads from its model folder, and its folder's name (declared in
/// [`super::files`], which the heads file format uses too).
pub use super::files::{CONFIG, MODEL_NAME, POOLING_CONFIG, SBERT_CONFIG, TOKENIZER, WEIGHTS};
/// The default encoder's embedding width.
pub const DIM: usize = 384;

/// The embedding width of `model`'s encoder folder in `models` (its pooling config): the
/// width the heads trained on it must have.
pub fn width(models: &Path, model: super::Model) -> Result<usize, Error> {
    Ok(EncoderSpec::read(&model.encoder_dir(models))?.dim)
}

/// What the pooling and sequence-limit files say; checked, because the pooling code here
/// implements mean pooling only.
#[derive(Clone)]
pub struct EncoderSpec {
    pub dir: PathBuf,
    pub max_seq_length: usize,
    pub dim: usize,
    /// A LoRA delta merged into the weights at load (the tuned encoder of the trained
    /// scorers); `None` for the base model.
    pub delta: Option<std::sync::Arc<crate::model::heads::Delta>>,
    /// The number format of the transformer (`--precision`).
    pub precision: Precision,
    /// Where it runs (`--device`, resolved).
    pub device: Device,
}

impl EncoderSpec {
    pub fn read(dir: &Path) -> Result<EncoderSpec, Error> {
        let json = |rel: &str| -> Result<serde_json::Value, Error> {
            let path = dir.join(rel);
            let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
            serde_json::from_str(&text).map_err(|e| Error::Model {
                path,
                message: e.to_string(),
            })
        };
        let pooling = json(POOLING_CONFIG)?;
        let model_err = |rel: &str, message: String| Error::Model {
            path: dir.join(rel),
            message,
        };
        if pooling
            .get("pooling_mode_mean_tokens")
            .and_then(|v| v.as_bool())
            != Some(true)
        {
            return Err(model_err(
                POOLING_CONFIG,
                "only mean pooling is implemented".into(),
            ));
        }
        let dim = pooling
            .get("word_embedding_dimension")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| model_err(POOLING_CONFIG, "no word_embedding_dimension".into()))?
            as usize;
        let max_seq_length = json(SBERT_CONFIG)?
            .get("max_seq_length")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| model_err(SBERT_CONFIG, "no max_seq_length".into()))?
            as usize;
        Ok(EncoderSpec {
            dir: dir.to_path_buf(),
            max_seq_length,
            dim,
            delta: None,
            precision: Precision::Fp32,
            device: Device::Cpu,
        })
    }
}

#[cfg(feature = "torch")]
pub struct Encoder {
    /// Holds the weights it uses (tensors share storage by reference count), so the
    /// loaded map is dropped after loading: under bf16 that frees the float32 copies of
    /// the matrices.
    forward: Bert,
    dim: usize,
    device: Device,
}

#[cfg(feature = "torch")]
impl Encoder {
    /// Loads the BERT weights on the spec's device, merges the delta in float32, then
    /// converts to the spec's precision. Errors name the file.
    pub fn load(spec: &EncoderSpec) -> Result<Encoder, Error> {
        let config_path = spec.dir.join(CONFIG);
        let (config, vars) =
            bert::load_vars(&config_path, &spec.dir.join(WEIGHTS), spec.device.tch())?;
        if config.hidden_size as usize != spec.dim {
            return Err(Error::Model {
                path: config_path,
                message: format!(
                    "hidden_size {} differs from the pooling dimension {}",
                    config.hidden_size, spec.dim
                ),
            });
        }
        if let Some(delta) = &spec.delta {
            tch::no_grad(|| -> Result<(), Error> {
                for (name, shape, values) in &delta.updates {
                    // A shallow clone shares the weight's storage: the add lands in the model.
                    let mut w = vars
                        .get(name)
                        .ok_or_else(|| Error::Model {
                            path: delta.path.clone(),
                            message: format!("the encoder has no weight {name}"),
                        })?
                        .shallow_clone();
                    let update = (Tensor::from_slice(values)
                        .view([shape[0] as i64, shape[1] as i64])
                        * delta.scale)
                        .to_device(spec.device.tch());
                    if w.size() != update.size() {
                        return Err(Error::Model {
                            path: delta.path.clone(),
                            message: format!(
                                "{name}: delta {:?} for a weight {:?}",
                                update.size(),
                                w.size()
                            ),
                        });
                    }
                    let _ = w.f_add_(&update)?;
                }
                Ok(())
            })?;
        }
        let kind = spec.precision.kind();
        let mut forward = Bert::new(&vars, &config, kind)?;
        if spec.precision == Precision::Int8 {
            forward.quantize();
        }
        Ok(Encoder {
            forward,
            dim: spec.dim,
            device: spec.device,
        })
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Embeds a batch of tokenized sentences; returns `batch.len() × dim` values, row-major.
    /// A sentence's embedding does not depend on the other sentences of the batch, nor on
    /// their order: see [`crate::model::bert`]. Sentences of equal length that follow each other
    /// share attention calls, so sorted batches run fastest.
    pub fn embed(&self, batch: &[&[u32]]) -> Result<Vec<f32>, Error> {
        Ok(self.embed_spans(batch, &[])?.sentences)
    }

    /// [`Encoder::embed`], and for each sentence `i` that `token_groups[i]` gives token groups
    /// (indices into its ids), each group's token states pooled as the sentence is (mean,
    /// then L2 normalisation); an empty group pools the whole sentence. `token_groups` may be
    /// shorter than `batch` (no groups for the rest).
    pub fn embed_spans(
        &self,
        batch: &[&[u32]],
        token_groups: &[&[Vec<u32>]],
    ) -> Result<Embedded, Error> {
        if batch.is_empty() {
            return Ok(Embedded::default());
        }
        let (ids, positions, groups) = bert::pack(batch);
        let ids = Tensor::from_slice(&ids).to_device(self.device.tch());
        let positions = Tensor::from_slice(&positions).to_device(self.device.tch());
        let _guard = tch::no_grad_guard();
        let hidden = self
            .forward
            .forward(&ids, &positions, &groups)
            .to_device(tch::Device::Cpu)
            .contiguous();
        let hidden: Vec<f32> = Vec::<f32>::try_from(hidden.view([-1]))?;
        let mut spans = Vec::with_capacity(token_groups.len());
        let mut row = 0;
        for (i, sentence) in batch.iter().enumerate() {
            let rows = &hidden[row * self.dim..(row + sentence.len()) * self.dim];
            if let Some(g) = token_groups.get(i) {
                let mut pooled = Vec::with_capacity(g.len() * self.dim);
                for tokens in g.iter() {
                    let all: Vec<u32>;
                    let pick = if tokens.is_empty() {
                        all = (0..sentence.len() as u32).collect();
                        &all
                    } else {
                        tokens
                    };
                    pooled.extend(mean_l2(rows, pick, self.dim));
                }
                spans.push(pooled);
            }
            row += sentence.len();
        }
        Ok(Embedded {
            sentences: pool(&hidden, batch, self.dim),
            spans,
        })
    }
}

/// A batch's sentence embeddings, and the pooled token groups of [`Encoder::embed_spans`].
#[derive(Debug, Default)]
pub struct Embedded {
    /// `batch.len() × dim`, row-major.
    pub sentences: Vec<f32>,
    /// Per sentence given groups: its groups' vectors, `groups × dim`, row-major.
    pub spans: Vec<Vec<f32>>,
}

/// The mean of the rows `pick` of a sentence's hidden states (`dim` values a row), L2-
/// normalised; sums in f64 in the order given, as [`pool`] does.
#[cfg(feature = "torch")]
fn mean_l2(rows: &[f32], pick: &[u32], dim: usize) -> Vec<f32> {
    let mut sum = vec![0f64; dim];
    for &r in pick {
        let r = r as usize;
        for (s, &h) in sum.iter_mut().zip(&rows[r * dim..(r + 1) * dim]) {
            *s += h as f64;
        }
    }
    let mean: Vec<f64> = sum.iter().map(|s| s / pick.len().max(1) as f64).collect();
    let norm = mean.iter().map(|m| m * m).sum::<f64>().sqrt().max(1e-12);
    mean.iter().map(|m| (m / norm) as f32).collect()
}

/// Mean pooling over each sentence's rows of the packed hidden states, then L2
/// normalisation (`torch.nn.functional.normalize`, eps 1e-12), as sentence-transformers
/// does for this model; sums in f64 in token order, so the result is the same for a
/// sentence wherever it sits. An empty sentence gets a zero vector.
#[cfg(feature = "torch")]
fn pool(hidden: &[f32], batch: &[&[u32]], dim: usize) -> Vec<f32> {
    let mut out = vec![0f32; batch.len() * dim];
    let mut row = 0;
    let mut sum = vec![0f64; dim];
    for (i, sentence) in batch.iter().enumerate() {
        let len = sentence.len();
        if len == 0 {
            continue;
        }
        sum.iter_mut().for_each(|s| *s = 0.0);
        for r in row..row + len {
            for (s, &h) in sum.iter_mut().zip(&hidden[r * dim..(r + 1) * dim]) {
                *s += h as f64;
            }
        }
        row += len;
        let mean: Vec<f64> = sum.iter().map(|s| s / len as f64).collect();
        let norm = mean.iter().map(|m| m * m).sum::<f64>().sqrt().max(1e-12);
        for (o, m) in out[i * dim..(i + 1) * dim].iter_mut().zip(&mean) {
            *o = (m / norm) as f32;
        }
    }
    out
}
