//! detente reads news and diplomatic text and writes one CSV row per sentence, with the
//! scores of every selected scorer.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! ingest   files, directories, stdin (txt, lines, jsonl, csv; .gz/.zst) → Document
//! segment  Document → paragraphs → sentence byte spans
//! tokenize sentence → model token ids (Hugging Face `tokenizers`), n_tokens, truncated
//! batch    token ids → length-sorted batches under a token budget
//! encoder  batch → L2-normalised mean-pooled sentence embeddings (rust-bert, libtorch)
//! score    sentence text + embedding → score columns (one `Scorer` trait)
//! write    rows → CSV (the contract with notebooks), embeddings → .npy, run manifest
//! ```
//!
//! After a run: [`aggregate`] groups sentence CSVs by document, actor, dyad or period;
//! [`merge`] joins the parts of a run split by [`shard`] (`--shard K/N`).
//!
//! [`pipeline`] strings the stages together chunk by chunk; [`parallel`] is the one place
//! that decides how many threads rayon and libtorch use. [`compute`] resolves
//! `--device` and `--precision`; [`forward`] is the encoder's forward pass.

pub mod aggregate;
pub mod article;
pub mod batch;
pub mod compute;
pub mod encoder;
pub mod error;
pub mod forward;
pub mod ingest;
pub mod merge;
pub mod models;
pub mod parallel;
pub mod pipeline;
pub mod progress;
pub mod resume;
pub mod score;
pub mod segment;
pub mod shard;
pub mod tokenize;
pub mod train;
pub mod write;

pub use error::{Error, InputError};

/// The version written into every manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The commit the binary was built from (`unknown` outside a git checkout).
pub const COMMIT: &str = env!("DETENTE_COMMIT");
