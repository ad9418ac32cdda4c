//! The training recipe: every hyperparameter of `detente train`, with the shipped
//! model's values as defaults.
/// The recipe; defaults are those of the shipped model.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Recipe {
    /// First tuned layer (0–5); layers below are frozen and cached.
    pub start: usize,
    pub rank: i64,
    pub alpha: f64,
    /// AdamW learning rate of the delta (no weight decay) and of the heads (decay 0.01).
    pub lr: f64,
    pub head_lr: f64,
    pub head_weight_decay: f64,
    pub epochs: f64,
    /// Sentiment and tension sentences per step.
    pub sbs: usize,
    pub tbs: usize,
    /// Weight of the tension loss (sentiment weighs 1).
    pub w_ten: f64,
    /// Weight of each tension class in the class cross-entropy (in the heads' class order;
    /// all 1 by default, and then not written).
    #[serde(skip_serializing_if = "all_one")]
    pub class_weights: [f64; 5],
    /// Weight of the root loss: cross-entropy of the silver root within the gold class,
    /// on the tension sentences that have one.
    pub w_root: f64,
    /// News sentiment sentences per step, and the weight of their cross-entropy.
    pub nbs: usize,
    pub w_news: f64,
    /// Teacher-labelled sentences per step (`--soft-tension`), and the weight of the soft
    /// cross-entropy of the class head against the teacher's probabilities (0: no table;
    /// neither is then written). The shipped model's 32 and 1.5 are `detente train`'s
    /// defaults when a table is given.
    #[serde(skip_serializing_if = "no_soft")]
    pub sobs: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub w_soft: f64,
    /// How many times each `--extra-tension` sentence is in the tension pool (1: once,
    /// like a labelled sentence; then not written).
    #[serde(skip_serializing_if = "is_one")]
    pub extra_repeat: usize,
    /// Tokens per training sentence.
    pub max_len: usize,
    /// Share of steps in linear warm-up (then linear decay to 0).
    pub warmup: f64,
    pub seed: u64,
    /// Keep the 10% dev split out of training (needed by the stacking stage).
    pub hold_out_dev: bool,
    /// Fit the VADER stacking stage on the dev split and ship it.
    pub stack: bool,
}

impl Default for Recipe {
    fn default() -> Recipe {
        Recipe {
            start: 2,
            rank: 8,
            alpha: 16.0,
            lr: 1e-3,
            head_lr: 5e-3,
            head_weight_decay: 0.01,
            epochs: 1.0,
            sbs: 32,
            tbs: 8,
            w_ten: 0.5,
            class_weights: [1.0; 5],
            w_root: 0.5,
            nbs: 12,
            w_news: 0.5,
            sobs: 0,
            w_soft: 0.0,
            extra_repeat: 1,
            max_len: 64,
            warmup: 0.06,
            seed: 1234,
            hold_out_dev: true,
            stack: true,
        }
    }
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

fn all_one(w: &[f64; 5]) -> bool {
    w.iter().all(|&x| x == 1.0)
}

fn is_zero(w: &f64) -> bool {
    *w == 0.0
}

fn no_soft(n: &usize) -> bool {
    *n == 0
}
