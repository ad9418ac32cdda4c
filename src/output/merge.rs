//! `detente merge`: the parts of a sharded run (`--shard K/N`) → one table with one header,
//! in the order a single run would have written. Parts and output are CSV or Parquet, by
//! extension ([`super::table`]); a row is copied cell by cell, so either can be merged into
//! either.
//!
//! The parts do not record where their documents stood among all inputs, but the inputs
//! do: [`in_input_order`] walks them again, as the parts' [`Manifest`]s say they were read (reading only ids: a txt file's id is its
//! name, so only JSONL and CSV records are decoded), finds each document's shard by the
//! same hash, and copies that document's rows from its part. Each part is read once,
//! front to back, so memory stays flat. [`concat()`] copies the parts one after the other
//! instead, for when the inputs are gone. The parts' manifests, when present, are
//! checked: the same N, each K at most once, and missing shards reported.
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::manifest::{self, Manifest, ReadRecord};
use super::{Output, TableIn, TableOut};
use crate::error::Error;
use crate::input::shard::Shard;
use crate::input::{self, IngestOptions, Reader, Unit};

/// What a merge did.
#[derive(Debug, Default)]
pub struct MergeSummary {
    pub rows: u64,
    /// N, when the parts' manifests name their shards.
    pub shard_count: Option<u64>,
    /// Shards of 0..N that no part holds: the result does not cover the corpus.
    pub missing_shards: Vec<u64>,
}

/// One part being read: its rows one at a time, with the row read ahead.
struct Part {
    path: PathBuf,
    reader: TableIn,
    header: csv::ByteRecord,
    /// The next row, `None` at the end.
    next: Option<csv::ByteRecord>,
    rows: u64,
}

impl Part {
    fn open(path: &Path) -> Result<Part, Error> {
        let reader = TableIn::open(path)?;
        let header = reader.header_record();
        let mut part = Part {
            path: path.to_path_buf(),
            reader,
            header,
            next: None,
            rows: 0,
        };
        part.advance()?;
        Ok(part)
    }

    /// Reads the next row into `next`.
    fn advance(&mut self) -> Result<(), Error> {
        let mut record = csv::ByteRecord::new();
        match self.reader.read(&mut record) {
            Ok(true) => self.next = Some(record),
            Ok(false) => self.next = None,
            Err(e) => {
                return Err(Error::Table {
                    path: self.path.clone(),
                    line: e.line,
                    message: e.message,
                })
            }
        }
        Ok(())
    }

    /// Copies the next row to `out`.
    fn copy_row(&mut self, out: &mut TableOut) -> Result<(), Error> {
        if let Some(r) = self.next.take() {
            out.write_record(&r)?;
            self.rows += 1;
        }
        self.advance()
    }
}

/// Opens every part and checks that they share the first one's header.
fn open_parts(parts: &[PathBuf]) -> Result<Vec<Part>, Error> {
    let opened = parts
        .iter()
        .map(|p| Part::open(p))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = opened.first() else {
        return Err(Error::Usage("merge: no parts given".into()));
    };
    if let Some(p) = opened.iter().find(|p| p.header != first.header) {
        return Err(Error::Table {
            path: p.path.clone(),
            line: Some(1),
            message: format!(
                "its header differs from that of {} ({} columns vs {}): merge only parts of the same command",
                first.path.display(),
                p.header.len(),
                first.header.len()
            ),
        });
    }
    Ok(opened)
}

fn create_output(first: &Part, output: &Output) -> Result<TableOut, Error> {
    let names: Vec<String> = first
        .header
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    TableOut::create(output, &names)
}

/// Copies the parts' rows under one header into `output`, part after part.
pub fn concat(parts: &[PathBuf], output: &Output) -> Result<MergeSummary, Error> {
    let mut summary = MergeSummary::default();
    check_shards(parts, &mut summary)?;
    check_encoders(parts)?;
    let mut parts = open_parts(parts)?;
    let mut out = create_output(&parts[0], output)?;
    for part in &mut parts {
        while part.next.is_some() {
            part.copy_row(&mut out)?;
        }
        summary.rows += part.rows;
    }
    out.finish()?;
    Ok(summary)
}

/// How the parts' inputs were read, from their manifests: every part's must agree.
fn recorded_inputs(parts: &[PathBuf]) -> Result<ReadRecord, Error> {
    let usage = |m: String| Error::Usage(format!("merge: {m}"));
    let mut first: Option<ReadRecord> = None;
    for part in parts {
        let read = Manifest::beside(part)?
            .ok_or_else(|| {
                usage(format!(
                    "{}: no manifest, so input order cannot be restored (use --part-order)",
                    manifest::path_for(part).display()
                ))
            })?
            .read
            .ok_or_else(|| {
                usage(format!(
                    "{}: the manifest does not record how the inputs were read (written by an older detente); use --part-order",
                    manifest::path_for(part).display()
                ))
            })?;
        match &first {
            None => first = Some(read),
            Some(f) if *f != read => {
                return Err(usage(format!(
                    "{} was written from other inputs or input options than {}: merge only parts of the same command",
                    part.display(),
                    parts[0].display()
                )))
            }
            Some(_) => {}
        }
    }
    let read = first.ok_or_else(|| usage("no parts given".into()))?;
    if read.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(usage(
            "the parts were read from stdin, which cannot be read again to restore input order; use --part-order".into(),
        ));
    }
    Ok(read)
}

/// Copies the parts' rows in the order of a single run over the inputs their manifests
/// record (read again as the parts read them): the parts must be shards 0..N-1, in any
/// order, each with its manifest beside it.
pub fn in_input_order(parts: &[PathBuf], output: &Output) -> Result<MergeSummary, Error> {
    let mut summary = MergeSummary::default();
    check_shards(parts, &mut summary)?;
    check_encoders(parts)?;
    let ReadRecord {
        paths: inputs,
        options: ingest,
    } = recorded_inputs(parts)?;
    let (inputs, ingest) = (&inputs[..], &ingest);
    let count = summary.shard_count.ok_or_else(|| {
        Error::Usage(
            "merge: the parts' manifests name no shards, so input order cannot be restored; use --part-order"
                .into(),
        )
    })?;
    if !summary.missing_shards.is_empty() {
        return Err(Error::Usage(format!(
            "merge: no part holds shard {}; input order needs every shard (or use --part-order)",
            summary.missing_shards[0]
        )));
    }
    let mut opened = open_parts(parts)?;
    // by_shard[k]: the index of shard k's part.
    let mut by_shard = vec![0usize; count as usize];
    for (i, p) in parts.iter().enumerate() {
        let (k, _) = shard_of(p)?.ok_or_else(|| {
            Error::Usage(format!(
                "merge: {} has no manifest naming its shard; use --part-order",
                p.display()
            ))
        })?;
        by_shard[k as usize] = i;
    }
    let doc_col = column(&opened[0], "doc_id")?;
    let sentence_col = column(&opened[0], "sentence")?;
    let mut out = create_output(&opened[0], output)?;
    let mut reader = Reader::new(input::expand_inputs(inputs, ingest), ingest.clone());
    loop {
        let units = reader.next_chunk(input::CHUNK_UNITS, input::CHUNK_BYTES);
        if units.is_empty() {
            break;
        }
        let ids: Vec<Option<String>> = units.into_par_iter().map(|u| doc_id(u, ingest)).collect();
        for id in ids.iter().flatten() {
            let part = &mut opened[by_shard[Shard::of(id, count) as usize]];
            copy_document(part, id, doc_col, sentence_col, &mut out)?;
        }
    }
    for part in &opened {
        if part.next.is_some() {
            return Err(Error::Table {
                path: part.path.clone(),
                line: None,
                message: format!(
                    "{} rows were copied, but rows remain that belong to no document of the inputs: were the parts written from {}? (run merge where the inputs are, or use --part-order)",
                    part.rows,
                    inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" ")
                ),
            });
        }
        summary.rows += part.rows;
    }
    out.finish()?;
    Ok(summary)
}

/// A document's id without reading more than needed: a txt or lines file's id is its
/// name. `None` for a unit that fails to decode (it has no rows in any part).
fn doc_id(unit: Unit, ingest: &IngestOptions) -> Option<String> {
    match unit {
        Unit::File { file, .. } => Some(file.name.to_string()),
        Unit::Bytes { name, .. } => Some(name.to_string()),
        other => input::decode(other, ingest).ok().map(|d| d.doc_id),
    }
}

fn column(part: &Part, name: &str) -> Result<usize, Error> {
    part.header
        .iter()
        .position(|h| h == name.as_bytes())
        .ok_or_else(|| Error::Table {
            path: part.path.clone(),
            line: Some(1),
            message: format!("no column '{name}'"),
        })
}

/// Copies one document's rows, if the part's next row starts it: rows with its id, until
/// `sentence` restarts at 0 (a later document with the same id). A document without rows
/// (an error, or past `--limit`) copies nothing.
fn copy_document(
    part: &mut Part,
    id: &str,
    doc_col: usize,
    sentence_col: usize,
    out: &mut TableOut,
) -> Result<(), Error> {
    let mut first = true;
    while let Some(r) = &part.next {
        let same = r.get(doc_col) == Some(id.as_bytes());
        let restarts = !first && r.get(sentence_col) == Some(b"0".as_slice());
        if !same || restarts {
            break;
        }
        part.copy_row(out)?;
        first = false;
    }
    Ok(())
}

/// When the parts' manifests record more than one encoder precision (a cluster whose
/// nodes chose differently under `--precision auto`, or parts run with different flags):
/// each precision with the parts that used it, e.g. `bf16: a.csv, b.csv; fp32: c.csv`.
/// Scores of the same sentence then differ slightly between parts (see
/// docs/performance.md). Parts without a manifest, or whose encoder did not run, are left
/// out.
pub fn mixed_precisions(parts: &[PathBuf]) -> Result<Option<String>, Error> {
    let mut by: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for part in parts {
        if let Some(m) = Manifest::beside(part)?.filter(|m| m.encoder.loaded) {
            by.entry(m.encoder.precision)
                .or_default()
                .push(part.display().to_string());
        }
    }
    Ok((by.len() > 1).then(|| {
        by.iter()
            .map(|(p, parts)| format!("{p}: {}", parts.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    }))
}

/// Refuses parts whose manifests record different encoders (`--model`): their trained
/// columns come from different heads, and one table of both could not be read as one
/// measure. Parts without a manifest, or whose encoder did not run, are left out.
fn check_encoders(parts: &[PathBuf]) -> Result<(), Error> {
    let mut first: Option<(String, &Path)> = None;
    for part in parts {
        let Some(m) = Manifest::beside(part)?.filter(|m| m.encoder.loaded) else {
            continue;
        };
        match &first {
            Some((name, other)) if *name != m.encoder.name => {
                return Err(Error::Usage(format!(
                    "merge: {} was scored on {} and {} on {} (--model): score every part with \
                     the same --model",
                    other.display(),
                    name,
                    part.display(),
                    m.encoder.name
                )));
            }
            Some(_) => {}
            None => first = Some((m.encoder.name, part)),
        }
    }
    Ok(())
}

/// The `shard` a part's manifest records, if it has a manifest with one.
fn shard_of(part: &Path) -> Result<Option<(u64, u64)>, Error> {
    Ok(Manifest::beside(part)?
        .and_then(|m| m.shard)
        .map(|s| (s.index, s.count)))
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
        summary.missing_shards = (0..n)
            .filter(|k| !seen.iter().any(|(s, _)| s == k))
            .collect();
    }
    Ok(())
}
