//! The error that stops a run (a missing model file, an unwritable output, a bad flag).
//!
//! A leaf: it names no other module of the crate and no library's error type, so every
//! layer can return it without an arrow pointing back up. Layers convert what they get
//! from their libraries at their boundary (`model/` turns libtorch's errors into
//! [`Error::Torch`]). One bad input item is not an `Error` but an
//! `input::InputError`: reported, counted and skipped.
use std::path::PathBuf;

/// An error that stops the run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("model file {path} is missing (needed by {needed_by}); run scripts/bootstrap, or point --models / DETENTE_MODELS at a folder that has it")]
    ModelFileMissing { path: PathBuf, needed_by: String },
    #[error("{path}: {message}; if the file is damaged, run scripts/bootstrap to reinstall it")]
    Model { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    OutputPath {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("interrupted; what was complete is kept in {partial}: rerun the same command with --resume to finish")]
    Interrupted { partial: PathBuf },
    #[error("--resume: {0}")]
    Resume(String),
    /// A libtorch failure, converted by the model layer.
    #[error("libtorch: {0}")]
    Torch(String),
    #[error("encoder: {0}")]
    Encoder(String),
    /// The command needs the encoder (or libtorch's training), and this binary was built
    /// without libtorch (the `detente` front, `src/front.rs`), which hands the command to
    /// `detente-torch` on this error before it has written anything.
    #[error("this command needs the encoder, and this binary was built without libtorch: run detente-torch, or build it (scripts/build/bin)")]
    NeedsTorch,
    #[error("unknown scorer '{name}' (known: {known})")]
    UnknownScorer { name: String, known: String },
    #[error("writing {what}: {source}")]
    Csv {
        what: String,
        #[source]
        source: csv::Error,
    },
    /// A Parquet table that cannot be written or read (the library's message).
    #[error("{what}: {message}")]
    Parquet { what: String, message: String },
    #[error("{0}")]
    Usage(String),
    /// A sentence CSV read by `aggregate` or `merge` that lacks a column or holds a bad
    /// value, named by file and line.
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Table {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },
}

impl Error {
    /// The conversion of an I/O failure on `path` into [`Error::Io`], for `map_err`:
    /// `std::fs::read(&p).map_err(Error::io(&p))?`, or kept for several calls on one file
    /// (`let io = Error::io(&p);` … `.map_err(&io)?`).
    pub fn io(path: impl Into<PathBuf>) -> impl Fn(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            path: path.clone(),
            source,
        }
    }
}
