//! Checkpoints for `--resume`: a run killed part-way (SIGKILL included) can be finished
//! without starting over, and the result is byte-identical to an uninterrupted run.
//!
//! Outputs are written as `FILE.partial`. After every chunk the run flushes them and
//! writes `OUT.checkpoint.json`: how many input units are done, how many bytes (or rows)
//! of each output are complete, and the counts so far. A resumed run cuts each partial
//! file back to its recorded length, skips the units already done (re-reading their ids
//! so duplicates are still found) and goes on with the same chunks an uninterrupted run
//! would have made. The checkpoint carries a fingerprint of every option that shapes the
//! output, so a resume with different arguments is refused instead of mixing outputs.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{RunConfig, Summary};
use crate::error::Error;
use crate::output::sibling;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Checkpoint {
    pub fingerprint: String,
    /// Input units (files, JSONL lines, CSV records) fully written.
    pub units: u64,
    pub csv_bytes: u64,
    pub docs_bytes: Option<u64>,
    pub errors_bytes: Option<u64>,
    pub npy_rows: Option<usize>,
    pub summary: Summary,
    /// For a Parquet output: the footer of its complete row groups (hex), which `--resume`
    /// appends to the cut-back partial file to read them again (`output::parquet`).
    #[serde(default)]
    pub csv_footer: Option<String>,
    #[serde(default)]
    pub docs_footer: Option<String>,
    #[serde(default)]
    pub errors_footer: Option<String>,
}

/// `OUT.checkpoint.json` beside the CSV.
pub fn checkpoint_path(out: &Path) -> PathBuf {
    sibling(out, ".checkpoint.json")
}

/// A digest of everything that shapes the output, the precision the run resolved to
/// included; thread count, progress and the stop flag do not.
pub fn fingerprint(cfg: &RunConfig, precision: Option<&str>) -> String {
    let mut c = cfg.clone();
    c.threads = 0;
    c.quiet = false;
    c.resume = false;
    c.stop = None;
    c.command_line = Vec::new();
    let digest = Sha256::digest(format!("{}|{c:?}|{precision:?}", crate::VERSION).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The checkpoint of a previous run of the same command, if there is one.
pub fn load(out: &Path, fingerprint: &str) -> Result<Option<Checkpoint>, Error> {
    let path = checkpoint_path(out);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Io { path, source }),
    };
    let cp: Checkpoint = serde_json::from_str(&text).map_err(|e| {
        Error::Resume(format!(
            "{}: unreadable checkpoint ({e}); delete it to start over",
            path.display()
        ))
    })?;
    if cp.fingerprint != fingerprint {
        return Err(Error::Resume(format!(
            "{} was written by a run with other inputs or options; rerun that command, or delete the checkpoint to start over",
            path.display()
        )));
    }
    Ok(Some(cp))
}

/// Writes the checkpoint atomically (a temporary file renamed over the old one).
pub fn save(out: &Path, cp: &Checkpoint) -> Result<(), Error> {
    let path = checkpoint_path(out);
    let tmp = sibling(&path, ".tmp");
    let text = serde_json::to_string(cp).expect("checkpoints serialize");
    std::fs::write(&tmp, text).map_err(Error::io(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(Error::io(path))
}

/// Removes the checkpoint after a finished run.
pub fn clear(out: &Path) {
    let _ = std::fs::remove_file(checkpoint_path(out));
}
