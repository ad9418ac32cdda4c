//! The CSV tables, their columns beside the code that writes them: the per-sentence rows
//! (the product's contract with notebooks), `--docs` and `--errors`.
use std::io::Write;
use std::path::PathBuf;

use super::{commit, open_partial, Output};
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
/// The columns of `--docs`, one row per document, before the scorers' document columns
/// ([`crate::score::document_columns`]).
pub const DOC_COLUMNS: [&str; 12] = [
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
        self.writer
            .flush()
            .map_err(Error::io(PathBuf::from(&self.what)))?;
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

    /// The final path of a file output; `None` for stdout.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
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

/// The cells of a sentence row, exactly as [`CsvOut::write`] writes them (for the other
/// table formats, which parse them by column type).
pub(crate) fn row_fields(row: &Row<'_>, out: &mut Vec<String>) {
    let flag = |b: bool| if b { "true" } else { "false" }.to_string();
    out.clear();
    out.push(row.doc_id.to_string());
    for v in [row.paragraph, row.sentence, row.start, row.end] {
        out.push(v.to_string());
    }
    out.push(row.text.to_string());
    match row.tokens {
        None => {}
        Some(None) => out.extend([String::new(), String::new()]),
        Some(Some((n_tokens, truncated))) => out.extend([n_tokens.to_string(), flag(truncated)]),
    }
    if let Some(forced) = row.forced_split {
        out.push(flag(forced));
    }
    out.push(row.date.to_string());
    for cell in row.scores {
        match cell {
            Cell::Num(x) => {
                let mut buf = String::new();
                format_score(*x, &mut buf);
                out.push(buf);
            }
            Cell::Text(s) => out.push(s.clone()),
        }
    }
    out.extend(row.meta.iter().map(|m| m.to_string()));
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
}
