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
    /// The precision the interrupted run computed in (`None`: no encoder).
    #[serde(default)]
    pub precision: Option<String>,
}

/// Refuses to resume in another precision than the interrupted run's: under `--precision
/// auto` a changed machine or cache could choose otherwise, and the rows would mix.
pub fn check_precision(cp: &Checkpoint, precision: Option<&str>) -> Result<(), Error> {
    if cp.precision.is_some() && cp.precision.as_deref() != precision {
        return Err(Error::Resume(format!(
            "the interrupted run computed in {}, this one would in {}; resume with \
             --precision {} (or start again without --resume)",
            cp.precision.as_deref().unwrap_or("none"),
            precision.unwrap_or("none"),
            cp.precision.as_deref().unwrap_or("fp32"),
        )));
    }
    Ok(())
}

/// `OUT.checkpoint.json` beside the CSV.
pub fn checkpoint_path(out: &Path) -> PathBuf {
    sibling(out, ".checkpoint.json")
}

/// A digest of everything that shapes the output; thread count, progress and the stop
/// flag do not. (The precision `--precision auto` resolves to is checked apart, once it is
/// known: [`check_precision`].)
pub fn fingerprint(cfg: &RunConfig) -> String {
    let mut c = cfg.clone();
    c.threads = 0;
    c.quiet = false;
    c.resume = false;
    c.stop = None;
    c.command_line = Vec::new();
    let digest = Sha256::digest(format!("{}|{c:?}", crate::VERSION).as_bytes());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resume_in_another_precision_is_refused() {
        let cp = |p: Option<&str>| Checkpoint {
            fingerprint: String::new(),
            units: 0,
            csv_bytes: 0,
            docs_bytes: None,
            errors_bytes: None,
            npy_rows: None,
            summary: Summary::default(),
            csv_footer: None,
            docs_footer: None,
            errors_footer: None,
            precision: p.map(String::from),
        };
        assert!(check_precision(&cp(Some("bf16")), Some("bf16")).is_ok());
        assert!(check_precision(&cp(None), None).is_ok());
        // Checkpoints written before the field existed carry none: nothing to compare.
        assert!(check_precision(&cp(None), Some("fp32")).is_ok());
        let e = check_precision(&cp(Some("bf16")), Some("fp32")).unwrap_err();
        assert!(e.to_string().contains("--precision bf16"), "{e}");
    }
}
