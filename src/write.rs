//! All output writing: the per-sentence CSV (the product's contract with notebooks), the
//! optional `.npy` of embeddings aligned with its rows, and the run manifest.
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::score::Cell;

/// The fixed columns that precede the score columns.
///
/// `date` comes last, so that adding it moved no existing column.
pub const BASE_COLUMNS: [&str; 10] = [
    "doc_id",
    "paragraph",
    "sentence",
    "start",
    "end",
    "text",
    "n_tokens",
    "truncated",
    "forced_split",
    "date",
];
/// The columns of `--errors`, one row per skipped input item.
pub const ERROR_COLUMNS: [&str; 5] = ["source", "line", "doc_id", "kind", "message"];
/// The columns of `detente segment`: [`BASE_COLUMNS`] without the token columns.
pub const SEGMENT_COLUMNS: [&str; 7] = [
    "doc_id",
    "paragraph",
    "sentence",
    "start",
    "end",
    "text",
    "date",
];
/// The columns of `--docs`, one row per document.
pub const DOC_COLUMNS: [&str; 15] = [
    "doc_id",
    "source",
    "line",
    "title",
    "date",
    "dateline",
    "credit",
    "lang",
    "n_paragraphs",
    "n_sentences",
    "n_set_aside",
    "set_aside",
    "tension_mean",
    "tension_max",
    "share_tense",
];

/// One sentence row.
pub struct Row<'a> {
    pub doc_id: &'a str,
    /// The document's ISO 8601 date, empty when unknown.
    pub date: &'a str,
    pub paragraph: usize,
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    /// `n_tokens` and `truncated`: `None` for `detente segment`, which has no such columns;
    /// `Some(None)` (empty cells) when the run used no encoder.
    pub tokens: Option<Option<(usize, bool)>>,
    /// `forced_split`: `None` for `detente segment`.
    pub forced_split: Option<bool>,
    pub scores: &'a [Cell],
    pub meta: &'a [&'a str],
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

/// A `Write` that counts the bytes it passes on, so a checkpoint can record how much of
/// an output is complete.
struct Counting {
    inner: Box<dyn Write>,
    bytes: u64,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// `FILE.partial`: where an output is written until the run ends.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".partial");
    PathBuf::from(s)
}

/// Opens `FILE.partial` fresh, or, when resuming, cut back to `keep` bytes (what the last
/// checkpoint recorded as complete) and positioned at its end.
fn open_partial(path: &Path, keep: Option<u64>) -> Result<File, Error> {
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
fn commit(path: &Path) -> Result<(), Error> {
    std::fs::rename(partial_path(path), path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

pub struct CsvOut {
    writer: csv::Writer<Counting>,
    what: String,
    num: String,
    /// The final path of a file output (written as `FILE.partial` until `finish`).
    path: Option<PathBuf>,
    /// Bytes already in the partial file when this run resumed it.
    base: u64,
}

impl CsvOut {
    /// Creates the output and writes the header. A file is written as `FILE.partial` and
    /// renamed into place by [`CsvOut::finish`], so a crash never leaves a half-written
    /// file under the final name.
    pub fn create(output: &Output, header: &[String]) -> Result<CsvOut, Error> {
        let mut out = Self::open(output, None)?;
        out.writer.write_record(header).map_err(|e| out.err(e))?;
        Ok(out)
    }

    /// Reopens a partial file output, keeping its first `keep` bytes (header included).
    pub fn resume(output: &Output, keep: u64) -> Result<CsvOut, Error> {
        Self::open(output, Some(keep))
    }

    fn open(output: &Output, keep: Option<u64>) -> Result<CsvOut, Error> {
        let (sink, path): (Box<dyn Write>, _) = match output {
            Output::Stdout => (Box::new(std::io::stdout().lock()), None),
            Output::File(p) => (Box::new(open_partial(p, keep)?), Some(p.clone())),
        };
        let writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .buffer_capacity(1 << 16)
            .from_writer(Counting {
                inner: sink,
                bytes: 0,
            });
        Ok(CsvOut {
            writer,
            what: output.describe(),
            num: String::new(),
            path,
            base: keep.unwrap_or(0),
        })
    }

    /// Flushes and returns the length of the output so far.
    pub fn checkpoint(&mut self) -> Result<u64, Error> {
        self.writer.flush().map_err(|source| Error::Io {
            path: PathBuf::from(&self.what),
            source,
        })?;
        Ok(self.base + self.writer.get_ref().bytes)
    }

    fn err(&self, source: csv::Error) -> Error {
        Error::Csv {
            what: self.what.clone(),
            source,
        }
    }

    pub fn write(&mut self, row: &Row<'_>) -> Result<(), Error> {
        let w = &mut self.writer;
        let mut ints = itoa_buf();
        let r: Result<(), csv::Error> = (|| {
            w.write_field(row.doc_id)?;
            for v in [row.paragraph, row.sentence, row.start, row.end] {
                w.write_field(fmt_usize(&mut ints, v))?;
            }
            w.write_field(row.text)?;
            match row.tokens {
                None => {}
                Some(None) => {
                    w.write_field("")?;
                    w.write_field("")?;
                }
                Some(Some((n_tokens, truncated))) => {
                    w.write_field(fmt_usize(&mut ints, n_tokens))?;
                    w.write_field(if truncated { "true" } else { "false" })?;
                }
            }
            if let Some(forced) = row.forced_split {
                w.write_field(if forced { "true" } else { "false" })?;
            }
            w.write_field(row.date)?;
            for cell in row.scores {
                match cell {
                    Cell::Num(x) => {
                        format_score(*x, &mut self.num);
                        w.write_field(&self.num)?;
                    }
                    Cell::Text(s) => w.write_field(s)?,
                }
            }
            for m in row.meta {
                w.write_field(m)?;
            }
            w.write_record(None::<&[u8]>)
        })();
        r.map_err(|e| self.err(e))
    }

    /// Writes a record of plain fields (the `--docs` rows).
    pub fn write_fields(&mut self, fields: &[&str]) -> Result<(), Error> {
        self.writer.write_record(fields).map_err(|e| Error::Csv {
            what: self.what.clone(),
            source: e,
        })
    }

    /// Copies a record read from another CSV (`detente merge`).
    pub fn write_record(&mut self, record: &csv::ByteRecord) -> Result<(), Error> {
        self.writer
            .write_byte_record(record)
            .map_err(|e| Error::Csv {
                what: self.what.clone(),
                source: e,
            })
    }

    pub fn finish(mut self) -> Result<(), Error> {
        self.checkpoint()?;
        match self.path.take() {
            Some(p) => {
                drop(self.writer);
                commit(&p)
            }
            None => Ok(()),
        }
    }
}

fn itoa_buf() -> String {
    String::with_capacity(20)
}

fn fmt_usize(buf: &mut String, v: usize) -> &str {
    use std::fmt::Write as _;
    buf.clear();
    let _ = write!(buf, "{v}");
    buf
}

/// Scores are written with 6 decimals; NaN as an empty field; `-0.000000` as `0.000000`.
pub fn format_score(x: f64, buf: &mut String) {
    use std::fmt::Write as _;
    buf.clear();
    if x.is_nan() {
        return;
    }
    let _ = write!(buf, "{x:.6}");
    if buf == "-0.000000" {
        buf.remove(0);
    }
}

/// A score cell's text: 6 decimals, empty when absent.
pub fn score_text(x: Option<f64>) -> String {
    let mut buf = String::new();
    if let Some(x) = x {
        format_score(x, &mut buf);
    }
    buf
}

/// A float32 `.npy` file of N×dim rows, written as rows arrive; the header's row count is
/// filled in by [`NpyOut::finish`].
pub struct NpyOut {
    file: BufWriter<File>,
    path: PathBuf,
    dim: usize,
    rows: usize,
}

const NPY_HEADER_LEN: usize = 128;

impl NpyOut {
    /// Creates `FILE.partial`; [`NpyOut::finish`] fills in the row count and renames it.
    pub fn create(path: &Path, dim: usize) -> Result<NpyOut, Error> {
        Self::open(path, dim, None)
    }

    /// Reopens a partial file, keeping its first `rows` rows.
    pub fn resume(path: &Path, dim: usize, rows: usize) -> Result<NpyOut, Error> {
        Self::open(path, dim, Some(rows))
    }

    fn open(path: &Path, dim: usize, rows: Option<usize>) -> Result<NpyOut, Error> {
        let keep = rows.map(|r| (NPY_HEADER_LEN + r * dim * 4) as u64);
        let mut file = BufWriter::new(open_partial(path, keep)?);
        if rows.is_none() {
            file.write_all(&npy_header(0, dim))
                .map_err(|source| Error::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
        }
        Ok(NpyOut {
            file,
            path: path.to_path_buf(),
            dim,
            rows: rows.unwrap_or(0),
        })
    }

    /// Flushes and returns the number of complete rows.
    pub fn checkpoint(&mut self) -> Result<usize, Error> {
        self.file.flush().map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.rows)
    }

    /// Appends rows (row-major, a multiple of `dim` values).
    pub fn write(&mut self, values: &[f32]) -> Result<(), Error> {
        debug_assert_eq!(values.len() % self.dim, 0);
        for v in values {
            self.file
                .write_all(&v.to_le_bytes())
                .map_err(|source| Error::Io {
                    path: self.path.clone(),
                    source,
                })?;
        }
        self.rows += values.len() / self.dim;
        Ok(())
    }

    pub fn finish(mut self) -> Result<usize, Error> {
        let io = |source| Error::Io {
            path: self.path.clone(),
            source,
        };
        self.file.seek(SeekFrom::Start(0)).map_err(io)?;
        self.file
            .write_all(&npy_header(self.rows, self.dim))
            .map_err(io)?;
        self.file.flush().map_err(io)?;
        drop(self.file);
        commit(&self.path)?;
        Ok(self.rows)
    }
}

/// An NPY 1.0 header padded to a fixed 128 bytes, so it can be rewritten in place.
fn npy_header(rows: usize, dim: usize) -> Vec<u8> {
    let dict = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dim}), }}");
    let mut h = b"\x93NUMPY\x01\x00".to_vec();
    let len = (NPY_HEADER_LEN - 10) as u16;
    h.extend_from_slice(&len.to_le_bytes());
    h.extend_from_slice(dict.as_bytes());
    while h.len() < NPY_HEADER_LEN - 1 {
        h.push(b' ');
    }
    h.push(b'\n');
    h
}

/// Writes `value` as pretty JSON to `path`.
pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    text.push('\n');
    std::fs::write(path, text).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_formatting() {
        let mut b = String::new();
        format_score(-0.0000001, &mut b);
        assert_eq!(b, "0.000000");
        format_score(0.1234565, &mut b);
        assert_eq!(b.len(), 8);
        format_score(-1.0, &mut b);
        assert_eq!(b, "-1.000000");
    }

    #[test]
    fn npy_header_is_aligned_and_rewritable() {
        let a = npy_header(0, 384);
        let b = npy_header(123456789, 384);
        assert_eq!(a.len(), 128);
        assert_eq!(b.len(), 128);
        assert!(std::str::from_utf8(&b[10..])
            .unwrap()
            .contains("(123456789, 384)"));
    }
}
