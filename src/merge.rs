//! `detente merge`: the parts of a sharded run (`--shard K/N`) → one CSV with one header.
//!
//! Parts are copied in the order given, each part's rows in its own order: within a part
//! rows keep input order, but documents of different parts are not interleaved back into
//! the order of a single run (that order is not recorded in the parts). The union is
//! exactly the single run's rows; sort by `doc_id`, `sentence` where order matters, or
//! use `detente aggregate`, which does not depend on it. The parts' manifests, when
//! present, are checked: the same N, each K at most once, and missing shards reported.
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::pipeline::manifest_path;
use crate::write::{CsvOut, Output};

/// What a merge did.
#[derive(Debug, Default)]
pub struct MergeSummary {
    pub rows: u64,
    /// N, when the parts' manifests name their shards.
    pub shard_count: Option<u64>,
    /// Shards of 0..N that no part holds: the result does not cover the corpus.
    pub missing_shards: Vec<u64>,
}

/// Copies the parts' rows under one header into `output`.
pub fn merge(parts: &[PathBuf], output: &Output) -> Result<MergeSummary, Error> {
    let mut summary = MergeSummary::default();
    check_shards(parts, &mut summary)?;
    let mut out: Option<CsvOut> = None;
    let mut first_header: Option<csv::ByteRecord> = None;
    for path in parts {
        let table = |line: Option<u64>, message: String| Error::Table {
            path: path.clone(),
            line,
            message,
        };
        let mut reader = csv::Reader::from_path(path).map_err(|e| table(None, e.to_string()))?;
        let header = reader
            .byte_headers()
            .map_err(|e| table(Some(1), e.to_string()))?
            .clone();
        match &first_header {
            None => {
                let names: Vec<String> = header
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).into_owned())
                    .collect();
                out = Some(CsvOut::create(output, &names)?);
                first_header = Some(header);
            }
            Some(first) if *first != header => {
                return Err(table(
                    Some(1),
                    format!(
                        "its header differs from that of {} ({} columns vs {}): merge only parts of the same command",
                        parts[0].display(),
                        header.len(),
                        first.len()
                    ),
                ));
            }
            Some(_) => {}
        }
        let out = out.as_mut().expect("created with the first header");
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    out.write_record(&record)?;
                    summary.rows += 1;
                }
                Err(e) => return Err(table(e.position().map(|p| p.line()), e.to_string())),
            }
        }
    }
    match out {
        Some(out) => out.finish()?,
        None => return Err(Error::Usage("merge: no parts given".into())),
    }
    Ok(summary)
}

/// The `shard` a part's manifest records, if it has a manifest with one.
fn shard_of(part: &Path) -> Result<Option<(u64, u64)>, Error> {
    let path = manifest_path(part);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Table {
        path: path.clone(),
        line: None,
        message: format!("unreadable manifest: {e}"),
    })?;
    let shard = &v["shard"];
    Ok(match (shard["index"].as_u64(), shard["count"].as_u64()) {
        (Some(k), Some(n)) => Some((k, n)),
        _ => None,
    })
}

/// Refuses parts of different N or the same shard twice; lists shards no part holds.
fn check_shards(parts: &[PathBuf], summary: &mut MergeSummary) -> Result<(), Error> {
    let mut seen: Vec<(u64, &Path)> = Vec::new();
    for part in parts {
        let Some((k, n)) = shard_of(part)? else {
            continue;
        };
        let usage = |m: String| Err(Error::Usage(format!("merge: {m}")));
        if let Some(count) = summary.shard_count.filter(|&c| c != n) {
            return usage(format!(
                "{} is shard {k}/{n}, but an earlier part is one of {count} shards",
                part.display()
            ));
        }
        if let Some((_, other)) = seen.iter().find(|(s, _)| *s == k) {
            return usage(format!(
                "{} and {} are both shard {k}/{n}",
                other.display(),
                part.display()
            ));
        }
        summary.shard_count = Some(n);
        seen.push((k, part));
    }
    if let Some(n) = summary.shard_count {
        summary.missing_shards = (0..n).filter(|k| !seen.iter().any(|(s, _)| s == k)).collect();
    }
    Ok(())
}
