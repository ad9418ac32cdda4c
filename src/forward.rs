//! The encoder's forward pass, written out on libtorch operators rather than taken from
//! rust-bert, for two reasons measured in docs/performance.md:
//!
//! - bf16 runs in mixed precision as `torch.autocast` does it: the matrix products (the six
//!   linear layers and the two attention products) in bfloat16, the embeddings, residual
//!   sums, layer norms and softmax in float32. That keeps scores about 3× closer to fp32
//!   than converting the whole network to bfloat16, at the same speed.
//! - fp32 runs the same operators with float32 matrices. libtorch's fused GELU kernel
//!   replaces rust-bert's five-operator `x·½·(1 + erf(x/√2))`, which made fp32 about 5%
//!   slower end to end; scores agree with rust-bert's forward within 1e-6.
//!
//! It takes its weights from the variables that rust-bert's BERT declares and the
//! checkpoint fills (after the LoRA delta is merged), so both precisions share one loading
//! path and the checkpoint's variable names.
//!
//! A sentence's result never depends on the batch it is in. Matrix-product libraries pick
//! their kernel and blocking from the shape of the call, and on some CPUs (AMX) a row's
//! rounding changes with the number of rows around it: bf16 scores moved by up to 0.1
//! Goldstein points between `--batch-size 1` and 64. So every product here has a shape
//! that does not depend on the batch: a batch is packed (sentences' tokens one after the
//! other, no padding between them) and padded to whole tiles of [`ROW_TILE`] rows; each
//! linear layer runs once per tile; attention runs per group of equal-length sentences in
//! calls of [`sentences_per_call`]`(length)` sentences. The rest (embeddings, layer norms,
//! GELU, softmax) works row by row on widths that are multiples of the vector width.
use std::collections::HashMap;

use rust_bert::bert::BertConfig;
use rust_bert::Activation;
use tch::{Kind, Tensor};

use crate::error::Error;

struct Linear {
    w: Tensor,
    b: Tensor,
}

impl Linear {
    /// Input and output in the matrices' kind.
    fn forward(&self, x: &Tensor) -> Tensor {
        x.linear(&self.w, Some(&self.b))
    }
}

struct Norm {
    w: Tensor,
    b: Tensor,
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    ffn_in: Linear,
    ffn_out: Linear,
    out_norm: Norm,
}

pub struct BertForward {
    /// The number format of the matrix products: `Float` or `BFloat16`.
    kind: Kind,
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    emb_norm: Norm,
    layers: Vec<Layer>,
    heads: i64,
}

/// BERT's layer-norm epsilon (rust-bert uses the same constant).
const EPS: f64 = 1e-12;

/// Rows of every linear-layer call. A multiple of every kernel's row block, so no row of
/// a tile falls in a kernel's remainder path; large enough that packing the weight matrix
/// per call costs little (`cargo run --release --example gemm_tiles` measures both).
pub const ROW_TILE: i64 = 512;

/// Attention cells (sentences × length²) per attention call, at most.
const ATTENTION_CELLS: usize = 16 * 64 * 64;

/// Sentences of `len` tokens per attention call: 16 up to 64 tokens, then fewer, down to
/// one for 256 tokens, so one call's float32 scores stay under 3.2 MB (12 heads). A
/// function of the length alone, so the call's shape is too.
pub fn sentences_per_call(len: usize) -> usize {
    (ATTENTION_CELLS / (len * len).max(1)).clamp(1, 16)
}

/// `sentences` sentences of `len` tokens each, stored from packed row `row` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub row: usize,
    pub sentences: usize,
    pub len: usize,
}

/// Packs token ids for [`BertForward::forward`]: the sentences one after the other, then
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

impl BertForward {
    /// Takes the matrices of `vars` (rust-bert's variable names, those of the Hugging Face
    /// checkpoint) in `kind` (a copy for bfloat16, shared storage for float32); layer-norm
    /// vectors and embeddings stay float32 (shallow clones).
    pub fn new(
        vars: &HashMap<String, Tensor>,
        config: &BertConfig,
        kind: Kind,
    ) -> Result<BertForward, Error> {
        if !matches!(config.hidden_act, Activation::gelu) {
            return Err(Error::Encoder(
                "the encoder supports BERT with exact GELU only".into(),
            ));
        }
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
                Ok(Layer {
                    query: linear(&format!("{p}.attention.self.query"))?,
                    key: linear(&format!("{p}.attention.self.key"))?,
                    value: linear(&format!("{p}.attention.self.value"))?,
                    attn_out: linear(&format!("{p}.attention.output.dense"))?,
                    attn_norm: norm(&format!("{p}.attention.output"))?,
                    ffn_in: linear(&format!("{p}.intermediate.dense"))?,
                    ffn_out: linear(&format!("{p}.output.dense"))?,
                    out_norm: norm(&format!("{p}.output"))?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(BertForward {
            kind,
            word: get("embeddings.word_embeddings.weight")?,
            position: get("embeddings.position_embeddings.weight")?,
            token_type: get("embeddings.token_type_embeddings.weight")?,
            emb_norm: norm("embeddings")?,
            layers,
            heads: config.num_attention_heads,
        })
    }

    fn norm(&self, x: &Tensor, n: &Norm) -> Tensor {
        let h = x.size()[1];
        x.layer_norm([h].as_slice(), Some(&n.w), Some(&n.b), EPS, false)
    }

    /// `x · Wᵀ + b` in calls of exactly [`ROW_TILE`] rows each: a row's result depends on
    /// its own values only, never on how many rows the batch has.
    fn linear(&self, l: &Linear, x: &Tensor) -> Tensor {
        let rows = x.size()[0];
        debug_assert_eq!(rows % ROW_TILE, 0, "rows are padded to whole tiles");
        if rows == ROW_TILE {
            return l.forward(x);
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

    /// Self-attention of every group of equal-length sentences, in calls of exactly
    /// [`sentences_per_call`] sentences (the last one filled with zero sentences), so the
    /// products' shapes depend on the sentence length only. Returns `[rows, hidden]` in the
    /// matrices' kind, zero on the padding rows.
    fn attention(&self, q: &Tensor, k: &Tensor, v: &Tensor, groups: &[Group]) -> Tensor {
        let (rows, hidden) = (q.size()[0], q.size()[1]);
        let d = hidden / self.heads;
        let scale = (d as f64).sqrt();
        // Padding rows stay zero.
        let out = Tensor::zeros([rows, hidden], (q.kind(), q.device()));
        for g in groups {
            let (len, per_call) = (g.len as i64, sentences_per_call(g.len) as i64);
            let mut done = 0i64;
            while done < g.sentences as i64 {
                let n = (g.sentences as i64 - done).min(per_call);
                let first = g.row as i64 + done * len;
                let take = |t: &Tensor| {
                    let part = t.narrow(0, first, n * len);
                    let part = if n < per_call {
                        let fill =
                            Tensor::zeros([(per_call - n) * len, hidden], (t.kind(), t.device()));
                        Tensor::cat(&[part, fill], 0)
                    } else {
                        part
                    };
                    part.view([per_call, len, self.heads, d]).transpose(1, 2)
                };
                let (qc, kc, vc) = (take(q), take(k), take(v));
                let scores = qc.matmul(&kc.transpose(-1, -2)).to_kind(Kind::Float) / scale;
                let probs = scores.softmax(-1, Kind::Float).to_kind(self.kind);
                // [sentences, heads, len, d] → the sentences' rows, [n, len, heads, d].
                let ctx = probs.matmul(&vc).narrow(0, 0, n).transpose(1, 2);
                out.narrow(0, first, n * len)
                    .view([n, len, self.heads, d])
                    .copy_(&ctx);
                done += n;
            }
        }
        out
    }

    /// The last hidden states, float32, `[rows, hidden]`, of a packed batch: `ids` and
    /// `positions` are int64 `[rows]` (rows a multiple of [`ROW_TILE`]), the sentences'
    /// tokens one after the other, each sentence's positions counting from 0, then padding;
    /// `groups` says where the sentences are. A sentence attends to its own tokens only.
    pub fn forward(&self, ids: &Tensor, positions: &Tensor, groups: &[Group]) -> Tensor {
        let embed = |table: &Tensor, idx: &Tensor| Tensor::embedding(table, idx, -1, false, false);
        let x = embed(&self.word, ids)
            + embed(&self.position, positions)
            + self.token_type.get(0).view([1, -1]);
        let mut x = self.norm(&x, &self.emb_norm);
        for l in &self.layers {
            let xb = x.to_kind(self.kind);
            let q = self.linear(&l.query, &xb);
            let k = self.linear(&l.key, &xb);
            let v = self.linear(&l.value, &xb);
            let ctx = self.attention(&q, &k, &v, groups);
            let a = self.linear(&l.attn_out, &ctx).to_kind(Kind::Float) + &x;
            x = self.norm(&a, &l.attn_norm);
            let f = self.linear(&l.ffn_in, &x.to_kind(self.kind)).gelu("none");
            let o = self.linear(&l.ffn_out, &f).to_kind(Kind::Float) + &x;
            x = self.norm(&o, &l.out_norm);
        }
        x
    }
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

    #[test]
    fn attention_calls_shrink_with_length_only() {
        assert_eq!(sentences_per_call(3), 16);
        assert_eq!(sentences_per_call(64), 16);
        assert_eq!(sentences_per_call(128), 4);
        assert_eq!(sentences_per_call(256), 1);
        assert_eq!(sentences_per_call(4096), 1);
    }
}
