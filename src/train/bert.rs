//! all-MiniLM-L6-v2 written out in tch for training: the same maths as the inference
//! encoder (rust-bert's BertModel), but with LoRA adapters on the tuned layers, dropout in
//! training, and access to the hidden state entering any layer, so that the frozen bottom
//! layers can be computed once and cached.
use std::collections::HashMap;
use std::path::Path;

use tch::{nn, Kind, Tensor};

use crate::error::Error;

/// BERT's hidden and attention-probability dropout (the model's config.json).
const DROPOUT: f64 = 0.1;
const LAYER_NORM_EPS: f64 = 1e-12;
const HEADS: i64 = 12;

/// The six linear layers of a BERT layer that carry LoRA adapters, by weight name.
pub const TARGETS: [&str; 6] = [
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
];

/// The frozen base weights, by their safetensors names.
pub struct Base {
    w: HashMap<String, Tensor>,
    pub layers: usize,
    pub hidden: i64,
}

impl Base {
    pub fn load(weights: &Path) -> Result<Base, Error> {
        let w: HashMap<String, Tensor> = Tensor::read_safetensors(weights)
            .map_err(|e| Error::Model {
                path: weights.to_path_buf(),
                message: e.to_string(),
            })?
            .into_iter()
            .map(|(n, t)| (n, t.to_kind(Kind::Float).set_requires_grad(false)))
            .collect();
        let layers = (0..)
            .take_while(|i| w.contains_key(&format!("encoder.layer.{i}.output.dense.weight")))
            .count();
        let base = Base {
            hidden: 0,
            layers,
            w,
        };
        let hidden = base.get("embeddings.LayerNorm.weight", weights)?.size()[0];
        Ok(Base { hidden, ..base })
    }

    fn get(&self, name: &str, path: &Path) -> Result<&Tensor, Error> {
        self.w.get(name).ok_or_else(|| Error::Model {
            path: path.to_path_buf(),
            message: format!("no tensor {name}"),
        })
    }

    fn t(&self, name: &str) -> &Tensor {
        &self.w[name]
    }

    /// The shape (out, in) of a layer's linear weight.
    pub fn linear_shape(&self, layer: usize, target: &str) -> (i64, i64) {
        let s = self
            .t(&format!("encoder.layer.{layer}.{target}.weight"))
            .size();
        (s[0], s[1])
    }

    /// Word + position + token-type embeddings, layer-normalised: `ids` is [B, L].
    pub fn embeddings(&self, ids: &Tensor) -> Tensor {
        let len = ids.size()[1];
        let word = Tensor::embedding(
            self.t("embeddings.word_embeddings.weight"),
            ids,
            0,
            false,
            false,
        );
        let pos = self
            .t("embeddings.position_embeddings.weight")
            .narrow(0, 0, len);
        let typ = self.t("embeddings.token_type_embeddings.weight").get(0);
        (word + pos + typ).layer_norm(
            [self.hidden],
            Some(self.t("embeddings.LayerNorm.weight")),
            Some(self.t("embeddings.LayerNorm.bias")),
            LAYER_NORM_EPS,
            false,
        )
    }

    fn linear(&self, x: &Tensor, name: &str, lora: Option<&Adapter>) -> Tensor {
        let y = x.linear(
            self.t(&format!("{name}.weight")),
            Some(self.t(&format!("{name}.bias"))),
        );
        match lora {
            Some(a) => y + x.matmul(&a.a.tr()).matmul(&a.b.tr()) * a.scale,
            None => y,
        }
    }

    fn norm(&self, x: &Tensor, name: &str) -> Tensor {
        x.layer_norm(
            [self.hidden],
            Some(self.t(&format!("{name}.LayerNorm.weight"))),
            Some(self.t(&format!("{name}.LayerNorm.bias"))),
            LAYER_NORM_EPS,
            false,
        )
    }

    /// One BERT layer. `mask` is [B, L] (1 for tokens, 0 for padding); `lora` gives the
    /// adapter of each of [`TARGETS`] when the layer is tuned.
    pub fn layer(
        &self,
        i: usize,
        h: &Tensor,
        mask: &Tensor,
        lora: Option<&[Adapter]>,
        train: bool,
    ) -> Tensor {
        let p = format!("encoder.layer.{i}");
        let ad = |k: usize| lora.map(|l| &l[k]);
        let (b, l) = (h.size()[0], h.size()[1]);
        let d = self.hidden / HEADS;
        let split = |x: Tensor| x.view([b, l, HEADS, d]).transpose(1, 2);
        let q = split(self.linear(h, &format!("{p}.{}", TARGETS[0]), ad(0)));
        let k = split(self.linear(h, &format!("{p}.{}", TARGETS[1]), ad(1)));
        let v = split(self.linear(h, &format!("{p}.{}", TARGETS[2]), ad(2)));
        let ext: Tensor = (mask.view([b, 1, 1, l]) - 1.0) * f64::from(f32::MAX);
        let scores: Tensor = q.matmul(&k.transpose(-1, -2)) / (d as f64).sqrt() + ext;
        let probs = scores.softmax(-1, Kind::Float).dropout(DROPOUT, train);
        let ctx = probs
            .matmul(&v)
            .transpose(1, 2)
            .contiguous()
            .view([b, l, self.hidden]);
        let a = self
            .linear(&ctx, &format!("{p}.{}", TARGETS[3]), ad(3))
            .dropout(DROPOUT, train);
        let h1 = self.norm(&(a + h), &format!("{p}.attention.output"));
        let inter = self
            .linear(&h1, &format!("{p}.{}", TARGETS[4]), ad(4))
            .gelu("none");
        let o = self
            .linear(&inter, &format!("{p}.{}", TARGETS[5]), ad(5))
            .dropout(DROPOUT, train);
        self.norm(&(o + h1), &format!("{p}.output"))
    }
}

/// A LoRA adapter: the layer computes `W x + b + scale · B A x`.
pub struct Adapter {
    /// rank × in, kaiming-uniform (bound 1/√in).
    pub a: Tensor,
    /// out × rank, zero at the start.
    pub b: Tensor,
    pub scale: f64,
}

/// The adapters of layers `start..` in a VarStore path (group 0 of the optimiser).
pub struct Lora {
    pub start: usize,
    pub rank: i64,
    pub alpha: f64,
    /// `layers[i - start][k]`: layer i, target `TARGETS[k]`.
    pub layers: Vec<Vec<Adapter>>,
}

impl Lora {
    pub fn new(path: &nn::Path, base: &Base, start: usize, rank: i64, alpha: f64) -> Lora {
        let layers = (start..base.layers)
            .map(|i| {
                TARGETS
                    .iter()
                    .map(|t| {
                        let (out, inp) = base.linear_shape(i, t);
                        let name = format!("l{i}_{}", t.replace('.', "_"));
                        let bound = 1.0 / (inp as f64).sqrt();
                        Adapter {
                            a: path.var(
                                &format!("{name}_a"),
                                &[rank, inp],
                                nn::Init::Uniform {
                                    lo: -bound,
                                    up: bound,
                                },
                            ),
                            b: path.var(&format!("{name}_b"), &[out, rank], nn::Init::Const(0.0)),
                            scale: alpha / rank as f64,
                        }
                    })
                    .collect()
            })
            .collect();
        Lora {
            start,
            rank,
            alpha,
            layers,
        }
    }

    /// The number of trained values.
    pub fn numel(&self) -> i64 {
        self.layers
            .iter()
            .flatten()
            .map(|a| a.a.numel() as i64 + a.b.numel() as i64)
            .sum()
    }

    /// (weight name, A, B) for every adapter, in [`TARGETS`] order per layer.
    pub fn named(&self) -> Vec<(String, &Tensor, &Tensor)> {
        let mut out = Vec::new();
        for (j, layer) in self.layers.iter().enumerate() {
            for (t, a) in TARGETS.iter().zip(layer) {
                out.push((format!("encoder.layer.{}.{t}", self.start + j), &a.a, &a.b));
            }
        }
        out
    }
}

/// Runs layers `from..to` (adapters for those at or above `lora.start`).
pub fn run_layers(
    base: &Base,
    lora: Option<&Lora>,
    mut h: Tensor,
    mask: &Tensor,
    from: usize,
    to: usize,
    train: bool,
) -> Tensor {
    for i in from..to {
        let ad = lora
            .filter(|l| i >= l.start)
            .map(|l| l.layers[i - l.start].as_slice());
        h = base.layer(i, &h, mask, ad, train);
    }
    h
}

/// Mean pooling over the mask, then L2 normalisation: [B, L, H] → [B, H].
pub fn pool(h: &Tensor, mask: &Tensor) -> Tensor {
    let m = mask.unsqueeze(-1);
    let mean = (h * &m).sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
        / m.sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
            .clamp_min(1e-9);
    let norm = mean
        .norm_scalaropt_dim(2, [1i64].as_slice(), true)
        .clamp_min(1e-12);
    mean / norm
}

/// Pads token-id lists into ids [B, L] (i64) and mask [B, L] (f32).
pub fn pad_ids(batch: &[&[u32]]) -> (Tensor, Tensor) {
    let rows = batch.len();
    let cols = batch.iter().map(|s| s.len()).max().unwrap_or(1).max(1);
    let mut ids = vec![0i64; rows * cols];
    let mut mask = vec![0f32; rows * cols];
    for (r, s) in batch.iter().enumerate() {
        for (c, &id) in s.iter().enumerate() {
            ids[r * cols + c] = id as i64;
            mask[r * cols + c] = 1.0;
        }
    }
    let shape = [rows as i64, cols as i64];
    (
        Tensor::from_slice(&ids).view(shape),
        Tensor::from_slice(&mask).view(shape),
    )
}
