//! detente reads news and diplomatic text and writes one CSV row per sentence, with the
//! scores of every selected scorer.
//!
//! The crate is layered; each top-level module depends only on those listed after it,
//! never on one listed before (ARCHITECTURE.md has the rules):
//!
//! ```text
//! run      the chunk loop of `score` and `segment`: plan → outputs → load → chunks →
//!          manifest; the one place that shares out threads (run::parallel)
//! train    trains and exports the heads (model + score only)
//! output   CSV tables, .npy, the typed manifest; aggregate and merge
//! score    the Scorer trait and registry: lexicon (VADER), sentiment, tension, actors
//! model    the only module that names libtorch: model files, device and precision,
//!          tokenizer, batching, the one BERT forward pass, encoder workers, heads format
//! text     article structure, paragraphs and sentences, dates, language
//! input    files, formats and decoding (txt, lines, jsonl, csv; .gz/.zst), shards
//! error    the error that stops a run (a leaf)
//! ```
//!
//! The `detente` binary (`src/main.rs`, `src/cmd/`) parses the command line into these.

pub mod error;
pub mod input;
pub mod model;
pub mod output;
pub mod run;
pub mod score;
pub mod text;
pub mod train;

pub use error::Error;
pub use input::InputError;

/// The version written into every manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The commit the binary was built from (`unknown` outside a git checkout).
pub const COMMIT: &str = env!("DETENTE_COMMIT");
