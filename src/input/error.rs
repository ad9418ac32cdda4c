//! One bad input item (a file, a JSONL line, a CSV record): reported with its file and
//! line, counted, written to `--errors`, and skipped; the run goes on with the rest.

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
