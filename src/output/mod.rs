//! The output layer: everything detente writes and reads back. The CSV tables
//! ([`csv`]) and their Parquet twins ([`parquet`]), chosen by extension in one place
//! ([`table`]), embeddings as `.npy` ([`npy`]), the typed run manifest ([`manifest`]), and
//! the commands that work on finished outputs: [`aggregate`], [`merge`] and the HTML
//! [`report`].
//!
//! Files are written as `FILE.partial` and moved into place when complete, so a crash
//! never leaves a half-written file under the final name; [`sibling`] names every file
//! that sits beside an output.
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::Error;

pub mod aggregate;
pub mod csv;
pub mod manifest;
mod mean;
pub mod merge;
pub mod npy;
pub mod parquet;
pub mod report;
pub mod table;

pub use self::csv::{CsvOut, Row};
pub use manifest::Manifest;
pub use npy::NpyOut;
pub use table::{Format, TableIn, TableOut, TablePos};

/// A file beside `path`, named by appending `suffix`: `OUT.csv.manifest.json`,
/// `OUT.csv.checkpoint.json`, `OUT.csv.partial`.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Where the CSV goes.
#[derive(Debug, Clone)]
pub enum Output {
    Stdout,
    File(PathBuf),
}

impl Output {
    /// `-` is stdout; anything else a file.
    pub fn from_arg(arg: &Path) -> Output {
        if arg.as_os_str() == "-" {
            Output::Stdout
        } else {
            Output::File(arg.to_path_buf())
        }
    }

    /// `Some` only for a regular file (not stdout, a device or a pipe).
    pub fn filter_regular(self) -> Option<Output> {
        match &self {
            Output::File(p) if p.metadata().is_ok_and(|m| m.is_file()) => Some(self),
            _ => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Output::Stdout => "stdout".into(),
            Output::File(p) => p.display().to_string(),
        }
    }
}

/// `FILE.partial`: where an output is written until the run ends.
pub fn partial_path(path: &Path) -> PathBuf {
    sibling(path, ".partial")
}

/// Opens `FILE.partial` fresh, or, when resuming, cut back to `keep` bytes (what the last
/// checkpoint recorded as complete) and positioned at its end.
pub(crate) fn open_partial(path: &Path, keep: Option<u64>) -> Result<File, Error> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::OutputPath { path: p, source }
    };
    if let Some(parent) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let partial = partial_path(path);
    match keep {
        None => File::create(&partial).map_err(io(&partial)),
        Some(len) => {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&partial)
                .map_err(io(&partial))?;
            f.set_len(len).map_err(io(&partial))?;
            f.seek(SeekFrom::End(0)).map_err(io(&partial))?;
            Ok(f)
        }
    }
}

/// Moves `FILE.partial` into place.
pub(crate) fn commit(path: &Path) -> Result<(), Error> {
    std::fs::rename(partial_path(path), path).map_err(Error::io(path))
}
