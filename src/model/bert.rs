//! BERT's forward pass, the one the crate has: written out on libtorch operators, used by
//! inference ([`crate::model::encoder`]) and by training (`train/`, with LoRA adapters and
//! dropout). [`load_vars`] reads the checkpoint (rust-bert's config type and names);
//! the computation is here, for reasons measured in docs/performance.md:
//!
//! - An MPNet checkpoint (all-mpnet-base-v2, the larger encoder `scripts/bootstrap --mpnet`
//!   fetches) runs through the same layers: [`load_vars`] renames its weights to BERT's,
//!   and [`Bert`] adds what MPNet has on top: a relative position bias shared by the
//!   layers ([`Bert::position_bias`]), positions counted from 2, no token types, and its
//!   layer-norm epsilon.
//!
//! - bf16 runs in mixed precision as `torch.autocast` does it: the matrix products (the six
//!   linear layers and the two attention products) in bfloat16, the embeddings, residual
//!   sums, layer norms and softmax in float32. That keeps scores about 3× closer to fp32
//!   than converting the whole network to bfloat16, at the same speed.
//! - fp32 runs the same operators with float32 matrices. libtorch's fused GELU kernel
//!   replaces rust-bert's five-operator `x·½·(1 + erf(x/√2))`, which made fp32 about 5%
//!   slower end to end; scores agree with rust-bert's forward within 1e-6.
//! - int8 runs the fp32 pass with the six linear layers as exact int8 products
//!   ([`super::int8`], [`Bert::quantize`]); attention products, softmax and norms stay
//!   float32.
//!
//! Two layouts share every layer ([`Bert::layer`]); only how rows are laid out and how
//! attention sees them differ ([`Layout`]):
//!
//! - **Packed** (inference). A sentence's result never depends on the batch it is in.
//!   Matrix-product libraries pick their kernel and blocking from the shape of the call,
//!   and on some CPUs (AMX) a row's rounding changes with the number of rows around it:
//!   bf16 scores moved by up to 0.1 Goldstein points between `--batch-size 1` and 64. So
//!   every product has a shape that does not depend on the batch: a batch is packed
//!   (sentences' tokens one after the other, no padding between them) and padded to whole
//!   tiles of [`ROW_TILE`] rows; each linear layer runs once per tile (query, key and
//!   value as one stacked product). Attention runs once per group of equal-length
//!   sentences in libtorch's fused kernel ([`attend`]): it works on one sentence, one head
//!   and one block of query rows at a time, in blocks set by the length alone, so the
//!   number of sentences in the call changes nothing (unit test
//!   `attention_is_the_same_alone_and_in_a_group`).
//!   The rest (embeddings, layer norms, GELU) works row by row on widths that are
//!   multiples of the vector width.
//! - **Padded** (training): `[sentences, length]` with a mask, float32, with autograd, LoRA
//!   adapters on the six linear layers of the tuned layers, and dropout when training.
use std::collections::HashMap;
use std::path::Path;

use rust_bert::bert::BertConfig;
use rust_bert::Activation;
use tch::{nn, Kind, Tensor};

use super::int8::Int8Linear;
use crate::error::Error;

/// BERT's hidden and attention-probability dropout (the model's config.json), in training.
const DROPOUT: f64 = 0.1;

/// BERT's layer-norm epsilon (rust-bert uses the same constant).
const EPS: f64 = 1e-12;

/// What an MPNet checkpoint's config.json must say for [`Bert`] to compute what Hugging
/// Face's `MPNetModel` computes: its layer-norm epsilon, the padding id (positions count
/// from the one after it), the number of relative-position buckets and their largest
/// distance (fixed in `MPNetEncoder`).
const MPNET_EPS: f64 = 1e-5;
const MPNET_PAD: i64 = 1;
const MPNET_BUCKETS: i64 = 32;
const MPNET_MAX_DISTANCE: f64 = 128.0;
/// The name [`load_vars`] gives MPNet's relative-position table `[buckets, heads]`.
const REL_BIAS: &str = "encoder.relative_attention_bias.weight";

/// The six linear layers of a BERT layer, by weight name, in the order of a layer's linear layers;
/// LoRA adapters sit on these.
pub const TARGETS: [&str; 6] = [
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
];
const QUERY: usize = 0;
const KEY: usize = 1;
const VALUE: usize = 2;
const ATTN_OUT: usize = 3;
const FFN_IN: usize = 4;
const FFN_OUT: usize = 5;

struct Linear {
    w: Tensor,
    b: Tensor,
    /// The int8 form under `--precision int8` ([`Bert::quantize`]), used by the packed
    /// layout; `w` and `b` stay for the padded one.
    q: Option<Int8Linear>,
}

struct Norm {
    w: Tensor,
    b: Tensor,
}

struct Layer {
    /// The linear layers in [`TARGETS`] order.
    lin: Vec<Linear>,
    /// Query, key and value as one linear layer (their weights stacked, `[3·hidden,
    /// hidden]`), for the packed layout: one product per tile instead of three.
    qkv: Linear,
    attn_norm: Norm,
    out_norm: Norm,
}

/// A BERT encoder's weights and shape.
pub struct Bert {
    /// The number format of the matrix products: `Float` or `BFloat16`.
    kind: Kind,
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    emb_norm: Norm,
    layers: Vec<Layer>,
    heads: i64,
    /// The hidden width.
    pub hidden: i64,
    /// The layer-norm epsilon.
    eps: f64,
    /// The position id of a sentence's first token: 0 for BERT, 2 for MPNet.
    first_position: i64,
    /// MPNet's relative-position table `[buckets, heads]`, float32; `None` for BERT.
    rel_bias: Option<Tensor>,
}

/// How a batch's rows are laid out.
pub enum Layout<'a> {
    /// Rows `[rows, hidden]`, rows a multiple of [`ROW_TILE`]: the sentences' tokens one
    /// after the other, then padding; `groups` says where the sentences are, and `biases`
    /// holds MPNet's position bias of each group's length (one per group, `None` for BERT),
    /// computed once for all the layers.
    Packed {
        groups: &'a [Group],
        biases: &'a [Option<Tensor>],
    },
    /// `[sentences, length, hidden]`; `mask` is `[sentences, length]`, 1 for tokens and 0
    /// for padding.
    Padded { mask: &'a Tensor },
}

/// Reads `config.json` and `model.safetensors` of a BERT folder: the weights a BERT
/// encoder of that config has (Hugging Face's names, those rust-bert's `BertModel`
/// declares; a pooler or anything else in the file is left out), each checked against the
/// config's shape, float32, on `device`. The tensors are read straight from the file:
/// declaring rust-bert's variables first would fill all 22.7 M of them with random values
/// only for the checkpoint to overwrite them.
///
/// An MPNet folder (`"model_type": "mpnet"`) gives the same names ([`mpnet_name`]), a
/// zero token-type table of one row, and its relative-position table as [`REL_BIAS`].
pub fn load_vars(
    config_path: &Path,
    weights: &Path,
    device: tch::Device,
) -> Result<(BertConfig, HashMap<String, Tensor>), Error> {
    let text = std::fs::read_to_string(config_path).map_err(Error::io(config_path))?;
    let config_err = |message: String| Error::Model {
        path: config_path.to_path_buf(),
        message,
    };
    let mut json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| config_err(e.to_string()))?;
    let mpnet = json.get("model_type").and_then(|v| v.as_str()) == Some("mpnet");
    if mpnet {
        check_mpnet(&json).map_err(config_err)?;
        json["type_vocab_size"] = 1.into();
    }
    let config: BertConfig = serde_json::from_value(json).map_err(|e| config_err(e.to_string()))?;
    let model_err = |message: String| Error::Model {
        path: weights.to_path_buf(),
        message,
    };
    let mut file: HashMap<String, Tensor> = Tensor::read_safetensors(weights)
        .map_err(|e| model_err(e.to_string()))?
        .into_iter()
        .map(|(name, t)| match mpnet {
            true => (mpnet_name(&name), t),
            false => (name, t),
        })
        .collect();
    let mut shapes = weight_shapes(&config);
    if mpnet {
        let h = config.hidden_size;
        file.insert(
            "embeddings.token_type_embeddings.weight".into(),
            Tensor::zeros([1, h], (Kind::Float, tch::Device::Cpu)),
        );
        shapes.push((
            REL_BIAS.into(),
            vec![MPNET_BUCKETS, config.num_attention_heads],
        ));
    }
    let mut vars = HashMap::new();
    for (name, shape) in shapes {
        let t = file
            .remove(&name)
            .ok_or_else(|| model_err(format!("no weight {name}")))?;
        if t.size() != shape {
            return Err(model_err(format!(
                "{name} has shape {:?}, {} says {shape:?}",
                t.size(),
                config_path.display()
            )));
        }
        vars.insert(name, t.to_kind(Kind::Float).to_device(device));
    }
    Ok((config, vars))
}

/// Refuses an MPNet config whose settings [`Bert`] does not implement.
fn check_mpnet(json: &serde_json::Value) -> Result<(), String> {
    let num = |key: &str| json.get(key).and_then(|v| v.as_f64());
    let want = [
        ("layer_norm_eps", MPNET_EPS),
        ("pad_token_id", MPNET_PAD as f64),
        ("relative_attention_num_buckets", MPNET_BUCKETS as f64),
    ];
    for (key, value) in want {
        if num(key) != Some(value) {
            return Err(format!(
                "MPNet with {key} {:?} is not supported (only {value})",
                json.get(key)
            ));
        }
    }
    if json.get("hidden_act").and_then(|v| v.as_str()) != Some("gelu") {
        return Err("MPNet is supported with exact GELU only".into());
    }
    Ok(())
}

/// An MPNet weight's name in BERT's terms (names that differ only in the attention block).
fn mpnet_name(name: &str) -> String {
    const RENAMES: [(&str, &str); 5] = [
        ("attention.attn.q.", "attention.self.query."),
        ("attention.attn.k.", "attention.self.key."),
        ("attention.attn.v.", "attention.self.value."),
        ("attention.attn.o.", "attention.output.dense."),
        ("attention.LayerNorm.", "attention.output.LayerNorm."),
    ];
    for (from, to) in RENAMES {
        if name.contains(from) {
            return name.replacen(from, to, 1);
        }
    }
    name.to_string()
}

/// Every weight of a BERT encoder (no pooler) and its shape under `config`.
fn weight_shapes(config: &BertConfig) -> Vec<(String, Vec<i64>)> {
    let (h, i) = (config.hidden_size, config.intermediate_size);
    let mut out = vec![
        (
            "embeddings.word_embeddings.weight".into(),
            vec![config.vocab_size, h],
        ),
        (
            "embeddings.position_embeddings.weight".into(),
            vec![config.max_position_embeddings, h],
        ),
        (
            "embeddings.token_type_embeddings.weight".into(),
            vec![config.type_vocab_size, h],
        ),
    ];
    let norm = |p: String| {
        [
            (format!("{p}.LayerNorm.weight"), vec![h]),
            (format!("{p}.LayerNorm.bias"), vec![h]),
        ]
    };
    out.extend(norm("embeddings".into()));
    for l in 0..config.num_hidden_layers {
        let p = format!("encoder.layer.{l}");
        for (k, t) in TARGETS.iter().enumerate() {
            let (rows, cols) = match k {
                FFN_IN => (i, h),
                FFN_OUT => (h, i),
                _ => (h, h),
            };
            out.push((format!("{p}.{t}.weight"), vec![rows, cols]));
            out.push((format!("{p}.{t}.bias"), vec![rows]));
        }
        out.extend(norm(format!("{p}.attention.output")));
        out.extend(norm(format!("{p}.output")));
    }
    out
}

pub use super::batch::ROW_TILE;

/// Self-attention of `n` sentences of `len` tokens each: `q`, `k` and `v` are `[n·len,
/// hidden]` (any row stride), the result `[n, heads, len, d]`. libtorch's fused kernel
/// (`scaled_dot_product_attention`, flash attention on CPU): the scores of one block of
/// query rows stay in float32 in cache, softmax included, and the probabilities meet the
/// values in the matrices' kind, so no `[sentences, heads, len, len]` tensor is written,
/// cast or copied (measured in docs/performance.md). The all-zero mask changes nothing;
/// it is there because the binding hands an absent mask to libtorch as an undefined
/// tensor, which the kernel refuses. MPNet's position bias `[1, heads, len, len]` goes in
/// its place, added to the scores.
fn attend(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    (n, len, heads): (i64, i64, i64),
    bias: Option<&Tensor>,
) -> Tensor {
    let d = q.size()[1] / heads;
    let split = |t: &Tensor| t.view([n, len, heads, d]).transpose(1, 2);
    let mask = match bias {
        Some(b) => b.to_kind(q.kind()),
        None => Tensor::zeros([1, 1, len, len], (q.kind(), q.device())),
    };
    Tensor::scaled_dot_product_attention(
        &split(q),
        &split(k),
        &split(v),
        Some(mask),
        0.0,
        false,
        None,
    )
}

/// `sentences` sentences of `len` tokens each, stored from packed row `row` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub row: usize,
    pub sentences: usize,
    pub len: usize,
}

/// Packs token ids for [`Bert::forward`]: the sentences one after the other, then
/// padding (id 0) to whole tiles of [`ROW_TILE`] rows. Returns ids, positions and the
/// groups of consecutive equal-length sentences (sorted batches make few groups).
/// Empty sentences take no rows.
pub fn pack(batch: &[&[u32]]) -> (Vec<i64>, Vec<i64>, Vec<Group>) {
    let total: usize = batch.iter().map(|s| s.len()).sum();
    let tile = ROW_TILE as usize;
    let rows = total.div_ceil(tile).max(1) * tile;
    let mut ids = vec![0i64; rows];
    let mut positions = vec![0i64; rows];
    let mut groups: Vec<Group> = Vec::new();
    let mut row = 0;
    for sentence in batch {
        let len = sentence.len();
        if len == 0 {
            continue;
        }
        match groups.last_mut() {
            Some(g) if g.len == len && g.row + g.sentences * len == row => g.sentences += 1,
            _ => groups.push(Group {
                row,
                sentences: 1,
                len,
            }),
        }
        for (c, &id) in sentence.iter().enumerate() {
            ids[row + c] = id as i64;
            positions[row + c] = c as i64;
        }
        row += len;
    }
    (ids, positions, groups)
}

impl Bert {
    /// Takes the matrices of `vars` (rust-bert's variable names, those of the Hugging Face
    /// checkpoint) in `kind` (a copy for bfloat16, shared storage for float32); layer-norm
    /// vectors and embeddings stay float32 (shallow clones).
    pub fn new(
        vars: &HashMap<String, Tensor>,
        config: &BertConfig,
        kind: Kind,
    ) -> Result<Bert, Error> {
        if !matches!(config.hidden_act, Activation::gelu) {
            return Err(Error::Encoder(
                "the encoder supports BERT with exact GELU only".into(),
            ));
        }
        // load_vars names MPNet's position table only for an MPNet checkpoint.
        let rel_bias = vars.get(REL_BIAS).map(|t| t.shallow_clone());
        if !matches!(kind, Kind::Float | Kind::BFloat16) {
            return Err(Error::Encoder(format!("no forward pass in {kind:?}")));
        }
        let get = |name: &str| -> Result<Tensor, Error> {
            vars.get(name)
                .map(|t| t.shallow_clone())
                .ok_or_else(|| Error::Encoder(format!("the encoder has no weight {name}")))
        };
        let linear = |p: &str| -> Result<Linear, Error> {
            Ok(Linear {
                w: get(&format!("{p}.weight"))?.to_kind(kind),
                b: get(&format!("{p}.bias"))?.to_kind(kind),
                q: None,
            })
        };
        let norm = |p: &str| -> Result<Norm, Error> {
            Ok(Norm {
                w: get(&format!("{p}.LayerNorm.weight"))?,
                b: get(&format!("{p}.LayerNorm.bias"))?,
            })
        };
        let layers = (0..config.num_hidden_layers)
            .map(|i| {
                let p = format!("encoder.layer.{i}");
                let lin: Vec<Linear> = TARGETS
                    .iter()
                    .map(|t| linear(&format!("{p}.{t}")))
                    .collect::<Result<_, Error>>()?;
                let stack = |f: fn(&Linear) -> &Tensor| {
                    Tensor::cat(&[f(&lin[QUERY]), f(&lin[KEY]), f(&lin[VALUE])], 0)
                };
                Ok(Layer {
                    qkv: Linear {
                        w: stack(|l| &l.w),
                        b: stack(|l| &l.b),
                        q: None,
                    },
                    lin,
                    attn_norm: norm(&format!("{p}.attention.output"))?,
                    out_norm: norm(&format!("{p}.output"))?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Bert {
            kind,
            word: get("embeddings.word_embeddings.weight")?,
            position: get("embeddings.position_embeddings.weight")?,
            token_type: get("embeddings.token_type_embeddings.weight")?,
            emb_norm: norm("embeddings")?,
            layers,
            heads: config.num_attention_heads,
            hidden: config.hidden_size,
            eps: if rel_bias.is_some() { MPNET_EPS } else { EPS },
            first_position: if rel_bias.is_some() { MPNET_PAD + 1 } else { 0 },
            rel_bias,
        })
    }

    /// MPNet's relative position bias for sentences of `len` tokens, `[1, heads, len,
    /// len]`, float32 (`None` for BERT): the bucket of each key's offset from the query,
    /// computed as Hugging Face's `MPNetEncoder.relative_position_bucket` does (the same
    /// libtorch operators, so the same float32 rounding at bucket edges), looked up in the
    /// table. It depends on `len` only, never on the batch.
    fn position_bias(&self, len: i64) -> Option<Tensor> {
        let table = self.rel_bias.as_ref()?;
        let dev = table.device();
        let pos = Tensor::arange(len, (Kind::Int64, dev));
        // relative = key − query; n = −relative, as in the reference.
        let n = pos.view([-1, 1]) - pos.view([1, -1]);
        let half = MPNET_BUCKETS / 2;
        let max_exact = half / 2;
        let sign = n.lt(0).to_kind(Kind::Int64) * half;
        let n = n.abs();
        let large = ((n.to_kind(Kind::Float) / max_exact as f64).log()
            / (MPNET_MAX_DISTANCE / max_exact as f64).ln()
            * (half - max_exact) as f64)
            .to_kind(Kind::Int64)
            + max_exact;
        let large = large.clamp_max(half - 1);
        let bucket = sign + n.where_self(&n.lt(max_exact), &large);
        let values = Tensor::embedding(table, &bucket, -1, false, false);
        Some(values.permute([2, 0, 1]).unsqueeze(0))
    }

    /// Quantizes the linear layers the packed layout runs to int8 (`--precision int8`,
    /// [`super::int8`]): the stacked query/key/value, the attention output and the two
    /// feed-forward layers. The padded layout keeps float32.
    pub fn quantize(&mut self) {
        for layer in &mut self.layers {
            for l in layer.lin[ATTN_OUT..].iter_mut().chain([&mut layer.qkv]) {
                l.q = Some(Int8Linear::new(&l.w, &l.b));
            }
        }
    }

    /// The number of layers.
    pub fn layers(&self) -> usize {
        self.layers.len()
    }

    /// The shape (out, in) of a layer's linear weight, `target` one of [`TARGETS`].
    pub fn linear_shape(&self, layer: usize, target: usize) -> (i64, i64) {
        let s = self.layers[layer].lin[target].w.size();
        (s[0], s[1])
    }

    fn norm(&self, x: &Tensor, n: &Norm) -> Tensor {
        x.layer_norm(
            [self.hidden].as_slice(),
            Some(&n.w),
            Some(&n.b),
            self.eps,
            false,
        )
    }

    /// Word + position + token-type embeddings, layer-normalised, float32. Packed: `ids`
    /// and `positions` are `[rows]`. Padded: `ids` is `[sentences, length]` and
    /// `positions` is `0..length`. Positions count from 0; MPNet's table is read from 2.
    pub fn embeddings(&self, ids: &Tensor, positions: &Tensor) -> Tensor {
        let embed = |table: &Tensor, idx: &Tensor| Tensor::embedding(table, idx, -1, false, false);
        let position = match self.first_position {
            0 => embed(&self.position, positions),
            first => embed(&self.position, &(positions + first)),
        };
        let x = embed(&self.word, ids) + position + self.token_type.get(0).view([1, -1]);
        self.norm(&x, &self.emb_norm)
    }

    /// Embeddings of a padded batch `ids` `[sentences, length]`.
    pub fn embeddings_padded(&self, ids: &Tensor) -> Tensor {
        let len = ids.size()[1];
        self.embeddings(ids, &Tensor::arange(len, (Kind::Int64, ids.device())))
    }

    /// `x · Wᵀ + b`, in the matrices' kind. Packed: in calls of exactly [`ROW_TILE`] rows
    /// each, so a row's result depends on its own values only, never on how many rows the
    /// batch has. Padded: one call, plus the LoRA adapter's `scale · B A x` when given.
    fn linear(
        &self,
        l: &Linear,
        x: &Tensor,
        layout: &Layout<'_>,
        lora: Option<&Adapter>,
    ) -> Tensor {
        if let Layout::Padded { .. } = layout {
            let y = x.linear(&l.w, Some(&l.b));
            return match lora {
                Some(a) => y + x.matmul(&a.a.tr()).matmul(&a.b.tr()) * a.scale,
                None => y,
            };
        }
        debug_assert!(lora.is_none(), "inference merges LoRA into the weights");
        let rows = x.size()[0];
        debug_assert_eq!(rows % ROW_TILE, 0, "rows are padded to whole tiles");
        if let Some(q) = &l.q {
            // Exact integer products and per-row scales: a row's result is its own
            // whatever the call's shape; tiles keep the working set small.
            let out = Tensor::empty([rows, l.w.size()[0]], (Kind::Float, x.device()));
            for t in 0..rows / ROW_TILE {
                q.forward_into(
                    &x.narrow(0, t * ROW_TILE, ROW_TILE),
                    &out.narrow(0, t * ROW_TILE, ROW_TILE),
                );
            }
            return out;
        }
        if rows == ROW_TILE {
            return x.linear(&l.w, Some(&l.b));
        }
        // Each tile's product is written straight into its rows of the result.
        let out = Tensor::empty([rows, l.w.size()[0]], (x.kind(), x.device()));
        for t in 0..rows / ROW_TILE {
            let _ = x.narrow(0, t * ROW_TILE, ROW_TILE).linear_out(
                &out.narrow(0, t * ROW_TILE, ROW_TILE),
                &l.w,
                Some(&l.b),
            );
        }
        out
    }

    /// Self-attention of every group of equal-length sentences, one [`attend`] call per
    /// group. `q`, `k` and `v` are `[rows, hidden]` (any row stride). Returns `[rows,
    /// hidden]` in the matrices' kind, zero on the padding rows.
    fn attention_packed(
        &self,
        q: &Tensor,
        k: &Tensor,
        v: &Tensor,
        groups: &[Group],
        biases: &[Option<Tensor>],
    ) -> Tensor {
        let (rows, hidden) = (q.size()[0], q.size()[1]);
        let d = hidden / self.heads;
        // Padding rows stay zero.
        let out = Tensor::zeros([rows, hidden], (q.kind(), q.device()));
        for (g, bias) in groups.iter().zip(biases) {
            let (n, len, first) = (g.sentences as i64, g.len as i64, g.row as i64);
            let rows_of = |t: &Tensor| t.narrow(0, first, n * len);
            let ctx = attend(
                &rows_of(q),
                &rows_of(k),
                &rows_of(v),
                (n, len, self.heads),
                bias.as_ref(),
            );
            rows_of(&out)
                .view([n, len, self.heads, d])
                .copy_(&ctx.transpose(1, 2));
        }
        out
    }

    /// Masked self-attention of a padded batch `[b, l, hidden]`, dropout on the
    /// probabilities when training.
    fn attention_padded(
        &self,
        q: &Tensor,
        k: &Tensor,
        v: &Tensor,
        mask: &Tensor,
        train: bool,
    ) -> Tensor {
        let (b, l) = (q.size()[0], q.size()[1]);
        let d = self.hidden / self.heads;
        let split = |x: &Tensor| x.view([b, l, self.heads, d]).transpose(1, 2);
        let ext: Tensor = (mask.view([b, 1, 1, l]) - 1.0) * f64::from(f32::MAX);
        let mut scores: Tensor =
            split(q).matmul(&split(k).transpose(-1, -2)) / (d as f64).sqrt() + ext;
        if let Some(bias) = self.position_bias(l) {
            scores += bias;
        }
        let probs = dropout(scores.softmax(-1, Kind::Float), train);
        probs
            .matmul(&split(v))
            .transpose(1, 2)
            .contiguous()
            .view([b, l, self.hidden])
    }

    /// Layer `i` on the float32 hidden states `x`. `lora` gives the adapter of each of
    /// [`TARGETS`] when the layer is tuned (padded layout only); `train` turns dropout on.
    pub fn layer(
        &self,
        i: usize,
        x: &Tensor,
        layout: &Layout<'_>,
        lora: Option<&[Adapter]>,
        train: bool,
    ) -> Tensor {
        let l = &self.layers[i];
        let lin =
            |k: usize, input: &Tensor| self.linear(&l.lin[k], input, layout, lora.map(|a| &a[k]));
        let xb = x.to_kind(self.kind);
        let ctx = match layout {
            Layout::Packed { groups, biases } => {
                let qkv = self.linear(&l.qkv, &xb, layout, None);
                let part = |i: i64| qkv.narrow(1, i * self.hidden, self.hidden);
                self.attention_packed(&part(0), &part(1), &part(2), groups, biases)
            }
            Layout::Padded { mask } => {
                let (q, k, v) = (lin(QUERY, &xb), lin(KEY, &xb), lin(VALUE, &xb));
                self.attention_padded(&q, &k, &v, mask, train)
            }
        };
        let a = dropout(lin(ATTN_OUT, &ctx), train).to_kind(Kind::Float) + x;
        let x = self.norm(&a, &l.attn_norm);
        let f = lin(FFN_IN, &x.to_kind(self.kind)).gelu("none");
        let o = dropout(lin(FFN_OUT, &f), train).to_kind(Kind::Float) + &x;
        self.norm(&o, &l.out_norm)
    }

    /// The last hidden states, float32, `[rows, hidden]`, of a packed batch: `ids` and
    /// `positions` are int64 `[rows]` (rows a multiple of [`ROW_TILE`]), the sentences'
    /// tokens one after the other, each sentence's positions counting from 0, then padding;
    /// `groups` says where the sentences are. A sentence attends to its own tokens only.
    pub fn forward(&self, ids: &Tensor, positions: &Tensor, groups: &[Group]) -> Tensor {
        // The position bias depends on the length alone: once per length, not per layer.
        let mut by_len: std::collections::HashMap<usize, Option<Tensor>> = Default::default();
        let biases: Vec<Option<Tensor>> = groups
            .iter()
            .map(|g| {
                by_len
                    .entry(g.len)
                    .or_insert_with(|| self.position_bias(g.len as i64))
                    .as_ref()
                    .map(Tensor::shallow_clone)
            })
            .collect();
        let layout = Layout::Packed {
            groups,
            biases: &biases,
        };
        let mut x = self.embeddings(ids, positions);
        for i in 0..self.layers.len() {
            x = self.layer(i, &x, &layout, None, false);
        }
        x
    }
}

fn dropout(x: Tensor, train: bool) -> Tensor {
    if train {
        x.dropout(DROPOUT, true)
    } else {
        x
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
    pub fn new(path: &nn::Path, bert: &Bert, start: usize, rank: i64, alpha: f64) -> Lora {
        let layers = (start..bert.layers())
            .map(|i| {
                TARGETS
                    .iter()
                    .enumerate()
                    .map(|(k, t)| {
                        let (out, inp) = bert.linear_shape(i, k);
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

/// Runs layers `from..to` of a padded batch (adapters for those at or above `lora.start`).
pub fn run_layers(
    bert: &Bert,
    lora: Option<&Lora>,
    mut h: Tensor,
    mask: &Tensor,
    from: usize,
    to: usize,
    train: bool,
) -> Tensor {
    let layout = Layout::Padded { mask };
    for i in from..to {
        let ad = lora
            .filter(|l| i >= l.start)
            .map(|l| l.layers[i - l.start].as_slice());
        h = bert.layer(i, &h, &layout, ad, train);
    }
    h
}

/// Mean pooling over the mask, then L2 normalisation, with autograd: [B, L, H] → [B, H].
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_places_sentences_back_to_back_and_groups_equal_lengths() {
        let (a, b, c): (&[u32], &[u32], &[u32]) = (&[101, 7, 102], &[101, 8, 102], &[101, 102]);
        let (ids, positions, groups) = pack(&[a, b, c, &[], a]);
        assert_eq!(ids.len(), ROW_TILE as usize);
        assert_eq!(
            &ids[..11],
            &[101, 7, 102, 101, 8, 102, 101, 102, 101, 7, 102]
        );
        assert!(ids[11..].iter().all(|&i| i == 0));
        assert_eq!(&positions[..11], &[0, 1, 2, 0, 1, 2, 0, 1, 0, 1, 2]);
        assert_eq!(
            groups,
            [
                Group {
                    row: 0,
                    sentences: 2,
                    len: 3
                },
                Group {
                    row: 6,
                    sentences: 1,
                    len: 2
                },
                Group {
                    row: 8,
                    sentences: 1,
                    len: 3
                },
            ]
        );
        // Rows come in whole tiles.
        let long = vec![5u32; ROW_TILE as usize + 1];
        assert_eq!(pack(&[&long]).0.len(), 2 * ROW_TILE as usize);
    }

    /// A sentence's attention is the same bytes alone as among others of its length, in
    /// float32 and bfloat16, for lengths on both sides of the kernel's block sizes, with
    /// and without a position bias (MPNet's).
    #[test]
    fn attention_is_the_same_alone_and_in_a_group() {
        tch::manual_seed(7);
        let (heads, hidden) = (12, 384);
        for kind in [Kind::Float, Kind::BFloat16] {
            for len in [3i64, 31, 64, 65, 130, 257] {
                let n = 9;
                // One stacked [rows, 3·hidden] tensor, as the packed layout's projection gives.
                let qkv = Tensor::randn([n * len, 3 * hidden], (Kind::Float, tch::Device::Cpu))
                    .to_kind(kind);
                let bias = Tensor::randn([1, heads, len, len], (Kind::Float, tch::Device::Cpu));
                for bias in [None, Some(&bias)] {
                    // Attention of `sentences` stacked sentences of `len` tokens.
                    let attend_stacked = |t: &Tensor, sentences: i64| {
                        let part = |i: i64| t.narrow(1, i * hidden, hidden);
                        attend(&part(0), &part(1), &part(2), (sentences, len, heads), bias)
                    };
                    let group = attend_stacked(&qkv, n);
                    for s in [0, 4, n - 1] {
                        let alone = attend_stacked(&qkv.narrow(0, s * len, len), 1);
                        let diff = (group.get(s) - alone.get(0))
                            .abs()
                            .max()
                            .to_kind(Kind::Float)
                            .double_value(&[]);
                        assert_eq!(
                            diff,
                            0.0,
                            "{kind:?}, length {len}, sentence {s}, bias {}",
                            bias.is_some()
                        );
                    }
                }
            }
        }
    }

    /// MPNet's relative-position buckets, against the values Hugging Face's
    /// `MPNetEncoder.relative_position_bucket` gives (transformers 4.44.2, torch 2.4.0; 32
    /// buckets, distance 128): offsets under 8 have their own bucket, larger ones share
    /// log-spaced buckets up to 15, and keys after the query use the upper 16.
    #[test]
    fn mpnet_buckets_follow_the_reference() {
        // The table's row b holds b in every head, so the bias is the bucket.
        let table = Tensor::arange(MPNET_BUCKETS, (Kind::Float, tch::Device::Cpu))
            .view([-1, 1])
            .repeat([1, 2]);
        let bert = Bert {
            kind: Kind::Float,
            word: Tensor::zeros([1, 1], (Kind::Float, tch::Device::Cpu)),
            position: Tensor::zeros([1, 1], (Kind::Float, tch::Device::Cpu)),
            token_type: Tensor::zeros([1, 1], (Kind::Float, tch::Device::Cpu)),
            emb_norm: Norm {
                w: Tensor::ones([1], (Kind::Float, tch::Device::Cpu)),
                b: Tensor::zeros([1], (Kind::Float, tch::Device::Cpu)),
            },
            layers: Vec::new(),
            heads: 2,
            hidden: 2,
            eps: MPNET_EPS,
            first_position: MPNET_PAD + 1,
            rel_bias: Some(table),
        };
        let len = 200;
        let bias = bert.position_bias(len).unwrap();
        assert_eq!(bias.size(), [1, 2, len, len]);
        let bucket = |q: i64, k: i64| bias.double_value(&[0, 1, q, k]) as i64;
        // Query 0, keys after it.
        let after = [
            (0, 0),
            (1, 17),
            (7, 23),
            (8, 24),
            (11, 24),
            (12, 25),
            (16, 26),
            (32, 28),
            (64, 30),
            (127, 31),
            (199, 31),
        ];
        for (k, want) in after {
            assert_eq!(bucket(0, k), want, "key {k} after the query");
        }
        // Query 199, keys before it.
        let before = [
            (1, 1),
            (7, 7),
            (8, 8),
            (11, 8),
            (12, 9),
            (15, 9),
            (16, 10),
            (22, 10),
            (23, 11),
            (32, 12),
            (45, 12),
            (46, 13),
            (64, 14),
            (90, 14),
            (91, 15),
            (127, 15),
            (199, 15),
        ];
        for (dist, want) in before {
            assert_eq!(bucket(199, 199 - dist), want, "key {dist} before the query");
        }
    }
}
