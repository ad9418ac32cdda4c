//! Which input units become documents of this run: decoding in parallel, the `--shard`
//! filter, `--limit`, bad items (reported, counted, written to `--errors`), duplicate ids
//! and recoded text (reported). And, for `--resume`, skipping the units already done.
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::FxHasher;

use super::outputs::Outputs;
use super::progress::Progress;
use super::{Notice, RunConfig, Summary};
use crate::error::Error;
use crate::input::shard::Shard;
use crate::input::{self, Document, InputError, Reader, Unit};

/// The document ids met so far, to report duplicates. Each id is kept as a 128-bit hash
/// (two SipHash sums with different inputs), not as a copy of its text: 16 bytes a
/// document instead of a heap string, and no allocation per document on the run's one
/// serial thread. Two distinct ids share a hash with probability about n² / 2¹²⁹
/// (1e-26 for a million documents); that would report a duplicate id, and no row is ever
/// dropped for one.
#[derive(Default)]
pub(super) struct IdSet(HashSet<u128, BuildHasherDefault<FxHasher>>);

impl IdSet {
    /// Adds `id`; false when it was met before.
    pub(super) fn insert(&mut self, id: &str) -> bool {
        let sum = |salt: u8| {
            let mut h = DefaultHasher::new();
            salt.hash(&mut h);
            id.hash(&mut h);
            h.finish()
        };
        self.0.insert(u128::from(sum(0)) << 64 | u128::from(sum(1)))
    }
}

/// Resuming: skips the `done` units already written, re-reading only their ids so that
/// duplicates are still found.
pub(super) fn skip_done(
    pool: &rayon::ThreadPool,
    cfg: &RunConfig,
    reader: &mut Reader,
    done: u64,
    seen_ids: &mut IdSet,
    progress: &mut Progress,
) {
    let mut to_skip = done;
    while to_skip > 0 {
        let units = reader.next_chunk(to_skip.min(cfg.chunk_units as u64) as usize, u64::MAX);
        if units.is_empty() {
            break;
        }
        to_skip -= units.len() as u64;
        progress.bytes += units.iter().map(|u| u.weight()).sum::<u64>();
        let ids: Vec<Option<String>> = pool.install(|| {
            units
                .into_par_iter()
                .map(|u| input::decode(u, &cfg.ingest).ok().map(|d| d.doc_id))
                .collect()
        });
        for id in ids.into_iter().flatten() {
            if cfg.shard.is_none_or(|s| s.owns(&id)) {
                seen_ids.insert(&id);
            }
        }
    }
}

/// Decodes a chunk's units and keeps this run's documents, in input order.
pub(super) fn admit(
    pool: &rayon::ThreadPool,
    cfg: &RunConfig,
    units: Vec<Unit>,
    seen_ids: &mut IdSet,
    summary: &mut Summary,
    outputs: &mut Outputs,
    notify: &mut dyn FnMut(Notice<'_>),
) -> Result<Vec<Document>, Error> {
    // With `--shard`, each decoded item says whether it is already known to be this
    // shard's (a whole file, assigned by its name before reading it).
    let decoded: Vec<(Result<Document, InputError>, bool)> = pool.install(|| {
        units
            .into_par_iter()
            .filter_map(|u| {
                let owned = shard_of_file(&u, cfg.shard)?;
                Some((input::decode(u, &cfg.ingest), owned))
            })
            .collect()
    });
    let mut docs = Vec::with_capacity(decoded.len());
    for (d, owned) in decoded {
        match d {
            Err(e) if !owned && !error_owned(&e, cfg.shard) => {}
            Ok(doc) if !owned && cfg.shard.is_some_and(|s| !s.owns(&doc.doc_id)) => {}
            Err(e) => {
                summary.errors += 1;
                notify(Notice::InputError(&e));
                outputs.write_error(&e)?;
            }
            Ok(doc) => {
                if cfg.limit.is_some_and(|l| summary.documents >= l) {
                    break;
                }
                if !seen_ids.insert(&doc.doc_id) {
                    summary.duplicate_ids += 1;
                    notify(Notice::DuplicateId {
                        doc_id: &doc.doc_id,
                        source: &doc.source,
                        line: doc.line,
                    });
                }
                if doc.recoded {
                    summary.recoded += 1;
                    notify(Notice::Recoded {
                        doc_id: &doc.doc_id,
                        source: &doc.source,
                        line: doc.line,
                    });
                }
                summary.documents += 1;
                docs.push(doc);
            }
        }
    }
    Ok(docs)
}

/// For a txt or lines file, one document whose id is its name: `None` when it belongs to
/// another shard (it is not even read), `Some(true)` when to this one, its document or
/// its error alike. `Some(false)` for other units: a record's id is known only once it
/// is decoded.
fn shard_of_file(unit: &Unit, shard: Option<Shard>) -> Option<bool> {
    let name = match unit {
        Unit::File { file, .. } => &file.name,
        Unit::Bytes { name, .. } => name,
        _ => return Some(false),
    };
    match shard {
        Some(s) => s.owns(name).then_some(true),
        None => Some(false),
    }
}

/// Whether this shard reports an input error that no file name assigned: such errors
/// have no document id, so they are shared out by their place (`source:line`), and the
/// N shards report each exactly once.
fn error_owned(e: &InputError, shard: Option<Shard>) -> bool {
    shard.is_none_or(|s| s.owns(&format!("{}:{}", e.source_name, e.line.unwrap_or(0))))
}

#[cfg(test)]
mod tests {
    use super::IdSet;

    #[test]
    fn the_id_set_reports_each_repeat_and_only_repeats() {
        let mut seen = IdSet::default();
        let ids: Vec<String> = (0..50_000).map(|i| format!("doc-{i}")).collect();
        assert!(
            ids.iter().all(|id| seen.insert(id)),
            "a new id counted as a repeat"
        );
        assert!(seen.insert("") && !seen.insert(""));
        assert!(!seen.insert("doc-0") && !seen.insert("doc-49999"));
        assert!(seen.insert("doc-50000") && seen.insert("Doc-0") && seen.insert("doc-0 "));
    }
}
