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
        let h = x.size()[2];
        x.layer_norm([h].as_slice(), Some(&n.w), Some(&n.b), EPS, false)
    }

    /// The last hidden states, float32, `[rows, cols, hidden]`. `ids` and `mask` are
    /// int64 `[rows, cols]`; padded positions (mask 0) are never attended to.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor) -> Tensor {
        let (rows, cols) = (ids.size()[0], ids.size()[1]);
        let positions = Tensor::arange(cols, (Kind::Int64, ids.device()));
        let embed = |table: &Tensor, idx: &Tensor| Tensor::embedding(table, idx, -1, false, false);
        let x = embed(&self.word, ids)
            + embed(&self.position, &positions).unsqueeze(0)
            + self.token_type.get(0).view([1, 1, -1]);
        let mut x = self.norm(&x, &self.emb_norm);
        // 0 where attended, -10000 at padding, as BERT does; added to float32 scores.
        let bias = ((mask.to_kind(Kind::Float) - 1.0) * 10000.0).view([rows, 1, 1, cols]);
        let hidden = x.size()[2];
        let d = hidden / self.heads;
        let split = |t: Tensor| t.view([rows, cols, self.heads, d]).transpose(1, 2);
        for l in &self.layers {
            let xb = x.to_kind(self.kind);
            let q = split(l.query.forward(&xb));
            let k = split(l.key.forward(&xb));
            let v = split(l.value.forward(&xb));
            let scores =
                q.matmul(&k.transpose(-1, -2)).to_kind(Kind::Float) / (d as f64).sqrt() + &bias;
            let probs = scores.softmax(-1, Kind::Float).to_kind(self.kind);
            let ctx = probs
                .matmul(&v)
                .transpose(1, 2)
                .contiguous()
                .view([rows, cols, hidden]);
            let a = l.attn_out.forward(&ctx).to_kind(Kind::Float) + &x;
            x = self.norm(&a, &l.attn_norm);
            let f = l.ffn_in.forward(&x.to_kind(self.kind)).gelu("none");
            let o = l.ffn_out.forward(&f).to_kind(Kind::Float) + &x;
            x = self.norm(&o, &l.out_norm);
        }
        x
    }
}
