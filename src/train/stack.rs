//! The stacking stage: a ridge regression of the rating on the sentiment head's output and
//! VADER's four outputs, fitted on the held-out dev split (never on the test set), with
//! its penalty chosen by cross-validation on that split. Solved with libtorch's linear
//! algebra.
use tch::{Kind, Tensor};

use super::rng::Rng;
use crate::model::heads::Ridge;
use crate::score::sentiment::STACK_FEATURES;

/// Relative CV error within which the larger penalty is preferred.
pub const TOLERANCE: f64 = 1e-3;

/// Penalties tried.
pub const LAMBDAS: [f64; 8] = [0.0, 1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0, 1000.0];

/// Fits on rows `x` (n × k) and targets `y` with penalty `lambda`.
pub fn fit(x: &[[f64; 5]], y: &[f64], lambda: f64) -> Ridge {
    let n = x.len() as i64;
    let flat: Vec<f64> = x.iter().flatten().copied().collect();
    let xt = Tensor::from_slice(&flat).view([n, 5]);
    let yt = Tensor::from_slice(y).view([n, 1]);
    let (xm, ym) = (xt.mean_dim(0, true, Kind::Double), yt.mean(Kind::Double));
    let (xc, yc) = (&xt - &xm, &yt - &ym);
    let a = xc.tr().matmul(&xc) + Tensor::eye(5, (Kind::Double, tch::Device::Cpu)) * lambda;
    let w = Tensor::linalg_solve(&a, &xc.tr().matmul(&yc), true).view([5]);
    let weights = Vec::<f64>::try_from(&w).expect("5 doubles");
    let intercept =
        f64::try_from(&ym).expect("scalar") - f64::try_from(xm.view([5]).dot(&w)).expect("scalar");
    Ridge {
        features: STACK_FEATURES.map(String::from).into(),
        weights,
        intercept,
    }
}

/// Chooses the penalty by `k`-fold cross-validation (mean squared error; the largest
/// within [`TOLERANCE`] of the best), then fits on all rows. Returns the model and the CV error of each penalty.
pub fn fit_cv(x: &[[f64; 5]], y: &[f64], k: usize, seed: u64) -> (Ridge, Vec<(f64, f64)>) {
    let mut rng = Rng::new(seed ^ 0x571C);
    let perm = rng.permutation(x.len());
    let mut fold = vec![0; x.len()];
    for (j, &i) in perm.iter().enumerate() {
        fold[i] = j % k;
    }
    let errors: Vec<(f64, f64)> = LAMBDAS
        .iter()
        .map(|&lambda| {
            let mut sse = 0.0;
            for f in 0..k {
                let pick = |keep: bool| -> (Vec<[f64; 5]>, Vec<f64>) {
                    (0..x.len())
                        .filter(|&i| (fold[i] == f) != keep)
                        .map(|i| (x[i], y[i]))
                        .unzip()
                };
                let (xa, ya) = pick(true);
                let (xb, yb) = pick(false);
                let m = fit(&xa, &ya, lambda);
                sse += xb
                    .iter()
                    .zip(&yb)
                    .map(|(r, t)| (m.predict(r) - t).powi(2))
                    .sum::<f64>();
            }
            (lambda, sse / x.len() as f64)
        })
        .collect();
    // The largest penalty whose CV error is within 0.1% of the smallest: VADER's neg,
    // neu and pos sum to 1 (up to rounding), and an unpenalised fit gives that
    // direction huge, cancelling weights for no measurable gain.
    let min = errors.iter().map(|e| e.1).fold(f64::INFINITY, f64::min);
    let chosen = errors
        .iter()
        .filter(|e| e.1 <= min * (1.0 + TOLERANCE))
        .map(|e| e.0)
        .fold(0.0, f64::max);
    (fit(x, y, chosen), errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_linear_rule() {
        let mut rng = Rng::new(3);
        let x: Vec<[f64; 5]> = (0..200).map(|_| [0; 5].map(|_| rng.uniform())).collect();
        let y: Vec<f64> = x.iter().map(|r| 0.5 + 2.0 * r[0] - r[4]).collect();
        let (m, _) = fit_cv(&x, &y, 5, 1);
        assert!(
            (m.intercept - 0.5).abs() < 1e-3 && (m.weights[0] - 2.0).abs() < 1e-3,
            "{m:?}"
        );
        assert!((m.predict(&[1.0, 0.0, 0.0, 0.0, 1.0]) - 1.5).abs() < 1e-3);
    }
}
