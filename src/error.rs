//! Typed errors. [`Error`] stops a run (a missing model file, an unwritable output);
//! [`InputError`] is one bad input item: it is reported, counted and skipped, and the run
//! goes on with the rest.
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
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
    #[error("encoder: {0}")]
    Encoder(String),
    #[error("unknown scorer '{name}' (known: {known})")]
    UnknownScorer { name: String, known: String },
    #[error("writing {what}: {source}")]
    Csv {
        what: String,
        #[source]
        source: csv::Error,
    },
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

/// What kind of problem an input item had; written to the error report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputErrorKind {
    Io,
    NotFound,
    Empty,
    Binary,
    InvalidUtf8,
    Json,
    Csv,
    MissingField,
    UnknownFormat,
}

impl InputErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputErrorKind::Io => "io",
            InputErrorKind::NotFound => "not-found",
            InputErrorKind::Empty => "empty",
            InputErrorKind::Binary => "binary",
            InputErrorKind::InvalidUtf8 => "invalid-utf8",
            InputErrorKind::Json => "json",
            InputErrorKind::Csv => "csv",
            InputErrorKind::MissingField => "missing-field",
            InputErrorKind::UnknownFormat => "unknown-format",
        }
    }
}

/// One bad input item (a file, a JSONL line, a CSV record), named by source and line.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{source_name}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct InputError {
    /// The input file as the user named it (or `-` for stdin).
    pub source_name: String,
    /// 1-based line number, when the problem has one.
    pub line: Option<u64>,
    pub kind: InputErrorKind,
    pub message: String,
}

impl InputError {
    pub fn new(
        source_name: impl Into<String>,
        line: Option<u64>,
        kind: InputErrorKind,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            source_name: source_name.into(),
            line,
            kind,
            message: message.into(),
        }
    }
}
