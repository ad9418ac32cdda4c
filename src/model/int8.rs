//! The int8 linear layer of `--precision int8`: weights quantized once at load with one
//! scale per output channel, activations quantized per row (per token) at every call, the
//! product an exact int8 × int8 → int32 matrix product (aten `_int_mm`), then rescaled to
//! float32. Integer sums are exact whatever the kernel's blocking, and every scale is a
//! row's or a column's own, so a row's result depends on that row alone: batch invariance
//! holds by construction, not by the shape of the call. Every linear layer of every BERT
//! layer runs so; attention products, softmax, layer norms, GELU and residual sums stay
//! float32 (docs/performance.md, "int8", has the measurements).
use tch::{Kind, Tensor};

/// The largest magnitude of a symmetric int8 value.
const QMAX: f64 = 127.0;

/// A linear layer `x · Wᵀ + b` with W in int8.
pub struct Int8Linear {
    /// The quantized weight, transposed: `[in, out]`, int8.
    wt: Tensor,
    /// Each output channel's scale, `[1, out]`, float32.
    col_scale: Tensor,
    /// `[out]`, float32.
    bias: Tensor,
}

/// Symmetric max-abs quantization of each row of float32 `x` `[rows, cols]`: the int8
/// values and the rows' scales `[rows, 1]` (`max |x| / 127`). `|x| · 127 / max |x|` never
/// rounds past 127, so no clamp is needed; the rounding is in place.
fn quantize_rows(x: &Tensor) -> (Tensor, Tensor) {
    let amax = x.abs().amax([1].as_slice(), true).clamp_min(1e-12);
    let mut scaled = x * (amax.reciprocal() * QMAX);
    let q = scaled.round_().to_kind(Kind::Int8);
    (q, amax / QMAX)
}

impl Int8Linear {
    /// Quantizes a float weight `[out, in]` and bias `[out]`.
    pub fn new(w: &Tensor, b: &Tensor) -> Int8Linear {
        let (q, scale) = quantize_rows(&w.to_kind(Kind::Float).contiguous());
        Int8Linear {
            wt: q.tr().contiguous(),
            col_scale: scale.view([1, -1]),
            bias: b.to_kind(Kind::Float),
        }
    }

    /// `x · Wᵀ + b` of float32 rows `x` `[rows, in]`, float32 `[rows, out]`. `_int_mm`
    /// wants more than 16 rows and widths that are multiples of 8; the encoder's tiles of
    /// [`crate::model::bert::ROW_TILE`] rows and widths 384 and 1536 (MPNet: 768 and 3072)
    /// qualify.
    pub fn forward(&self, x: &Tensor) -> Tensor {
        let out = Tensor::empty([x.size()[0], self.wt.size()[1]], (Kind::Float, x.device()));
        self.forward_into(x, &out);
        out
    }

    /// [`Self::forward`] written into `out` `[rows, out]` (a tile of a larger result):
    /// the int32 sums to float32, times the row scales in place, then `bias + acc · column
    /// scales` in one pass into `out`.
    pub fn forward_into(&self, x: &Tensor, out: &Tensor) {
        let (q, row_scale) = quantize_rows(&x.to_kind(Kind::Float));
        let mut acc = q.internal_int_mm(&self.wt).to_kind(Kind::Float);
        let _ = acc.g_mul_(&row_scale);
        let _ = self.bias.addcmul_out(out, &acc, &self.col_scale);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Tensor, Tensor, Tensor) {
        tch::manual_seed(7);
        let x = Tensor::randn([512, 384], (Kind::Float, tch::Device::Cpu));
        let w = Tensor::randn([1536, 384], (Kind::Float, tch::Device::Cpu)) * 0.05;
        let b = Tensor::randn([1536], (Kind::Float, tch::Device::Cpu)) * 0.1;
        (x, w, b)
    }

    #[test]
    fn a_row_gets_the_same_bytes_whatever_shares_its_tile() {
        let (x, w, b) = setup();
        let lin = Int8Linear::new(&w, &b);
        let y = lin.forward(&x);
        // Change one row (and scale another so its quantization scale changes too).
        let x2 = x.copy();
        x2.get(3).copy_(&(x.get(3) * -7.5 + 1.0));
        x2.get(200).copy_(&(x.get(200) * 1e-3));
        let y2 = lin.forward(&x2);
        let rows: Vec<i64> = (0..512).filter(|r| *r != 3 && *r != 200).collect();
        let idx = Tensor::from_slice(&rows);
        let (a, c) = (y.index_select(0, &idx), y2.index_select(0, &idx));
        assert!(a.equal(&c), "rows other than the changed ones moved");
        assert!(!y.get(3).equal(&y2.get(3)));
        // A row alone in a tile of zeros gets the same bytes as inside the full tile.
        let lone = Tensor::zeros([512, 384], (Kind::Float, tch::Device::Cpu));
        lone.get(100).copy_(&x.get(17));
        assert!(lin.forward(&lone).get(100).equal(&y.get(17)));
    }

    #[test]
    fn the_int8_product_is_close_to_float32() {
        let (x, w, b) = setup();
        let exact = x.linear(&w, Some(&b));
        let y = Int8Linear::new(&w, &b).forward(&x);
        let err = (&y - &exact).abs().max().double_value(&[]);
        let scale = exact.abs().max().double_value(&[]);
        let cos = Tensor::cosine_similarity(&exact, &y, 1, 1e-8)
            .min()
            .double_value(&[]);
        assert!(err < 0.03 * scale, "max error {err} of {scale}");
        assert!(cos > 0.999, "min row cosine {cos}");
    }
}
