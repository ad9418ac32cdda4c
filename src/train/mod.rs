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
#[cfg(feature = "torch")]
pub mod actor_sentiment;
#[cfg(feature = "torch")]
pub mod cache;
#[cfg(feature = "torch")]
mod context;
#[cfg(feature = "torch")]
mod cv;
pub mod data;
pub mod evaluate;
#[cfg(feature = "torch")]
pub mod export;
#[cfg(feature = "torch")]
mod fit;
pub mod folds;
#[cfg(feature = "torch")]
pub mod groups;
pub mod metrics;
#[cfg(feature = "torch")]
pub mod pool;
mod recipe;
pub mod rng;
#[cfg(feature = "torch")]
pub mod role_data;
#[cfg(feature = "torch")]
pub mod roles;
#[cfg(feature = "torch")]
pub mod spans;
#[cfg(feature = "torch")]
pub mod stack;
pub mod table;
#[cfg(feature = "torch")]
mod validate;

pub use folds::FoldsBy;
pub use recipe::Recipe;

#[cfg(feature = "torch")]
mod job;
#[cfg(feature = "torch")]
pub use job::*;
