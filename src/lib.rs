//! detente reads news and diplomatic text and writes one CSV row per sentence, with the
//! scores of every selected scorer.
//!
//! The crate is layered: each top-level module (`input`, `text`, `model`, `score`,
//! `output`, `train`, `run`, and the leaf `error`) uses only the layers below it.
//! `ARCHITECTURE.md` is the one list of the layers, their arrows and where a new feature
//! goes.
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
