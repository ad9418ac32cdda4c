//! `detente train`: trains the trained scorers' weights (`models/heads/`) from the data,
//! with a fixed seed, and measures them. A rank-8 LoRA delta on the top encoder layers and
//! two linear heads (sentiment: rating / 4, MSE; tension: five classes, cross-entropy) are
//! trained together, multi-task, one epoch over the human-rated sentences with a small
//! tension batch each step. The frozen bottom layers are computed once ([`cache`]).
//! Optional: stratified (by default grouped) k-fold cross-validation of the tension head, and a ridge stacking
//! stage that adds VADER's outputs to the sentiment head ([`stack`]). The NYT editorial
//! sentences are the test set: only scored, never trained or tuned on. See
//! `models/heads.md` for the recipe and the figures.
//!
//! The recipe is in `recipe.rs`, the loaded data and caches in `context.rs`, the fit loop
//! in `fit.rs`, the evaluation of a fitted model in `validate.rs`, cross-validation in
//! `cv.rs` (its folds in `folds.rs`, the sentence groups in `groups.rs`); this file runs a
//! job through them.
//!
//! Without the `torch` feature (the `detente` front) only what `detente evaluate` uses
//! is built: [`evaluate`], [`metrics`], and what the flags of `detente train` name.
pub mod data;
pub mod evaluate;
pub mod folds;
pub mod metrics;
mod recipe;
pub mod rng;
pub mod table;

pub use folds::FoldsBy;
pub use recipe::Recipe;

/// Items built only with libtorch (the `torch` feature).
macro_rules! with_torch {
    ($($item:item)*) => { $(#[cfg(feature = "torch")] $item)* };
}

with_torch! {
    pub mod actor_sentiment;
    pub mod cache;
    mod context;
    mod cv;
    pub mod export;
    mod fit;
    pub mod groups;
    pub mod pool;
    pub mod role_data;
    pub mod roles;
    pub mod spans;
    pub mod stack;
    mod validate;
    mod job;
    pub use job::*;
}
