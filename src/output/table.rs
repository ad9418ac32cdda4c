//! The one place that picks a table's format: CSV (the default and the contract) or
//! Parquet, by the file's extension (`.parquet`, `.pq`). `score`, `segment`, `merge`,
//! `aggregate` and `report` write through [`TableOut`] and read through [`TableIn`], so
//! each of them works the same on either format; stdout is always CSV.
use std::path::Path;

use super::csv::row_fields;
use super::parquet::{ParquetIn, ParquetOut, ParquetPos};
use super::{CsvOut, Output, Row};
use crate::error::Error;

/// A table's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
}

impl Format {
    /// Parquet for `.parquet` and `.pq` (any case), else CSV.
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq") => {
                Format::Parquet
            }
            _ => Format::Csv,
        }
    }

    /// The format an output is written in: stdout is CSV.
    pub fn of_output(output: &Output) -> Format {
        match output {
            Output::File(p) => Format::of(p),
            Output::Stdout => Format::Csv,
        }
    }
}

/// Where a checkpoint left a table: its complete bytes and, for Parquet, the footer of its
/// complete row groups.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePos {
    pub bytes: u64,
    pub footer: Option<String>,
}

/// A table being written, in the format its path asks for.
pub enum TableOut {
    Csv(CsvOut),
    Parquet {
        out: ParquetOut,
        /// Reused for each row's cells.
        cells: Vec<String>,
    },
}

impl TableOut {
    /// Creates the output and, for CSV, writes the header.
    pub fn create(output: &Output, header: &[String]) -> Result<TableOut, Error> {
        Ok(match (output, Format::of_output(output)) {
            (Output::File(p), Format::Parquet) => TableOut::Parquet {
                out: ParquetOut::create(p, header)?,
                cells: Vec::new(),
            },
            _ => TableOut::Csv(CsvOut::create(output, header)?),
        })
    }

    /// Reopens an interrupted output at a checkpoint.
    pub fn resume(output: &Output, header: &[String], pos: &TablePos) -> Result<TableOut, Error> {
        Ok(match (output, Format::of_output(output), &pos.footer) {
            (Output::File(p), Format::Parquet, Some(footer)) => TableOut::Parquet {
                out: ParquetOut::resume(
                    p,
                    header,
                    &ParquetPos {
                        bytes: pos.bytes,
                        footer: footer.clone(),
                    },
                )?,
                cells: Vec::new(),
            },
            (_, Format::Parquet, None) => {
                return Err(Error::Resume(format!(
                    "{}: the checkpoint records no Parquet footer; delete it to start over",
                    output.describe()
                )))
            }
            _ => TableOut::Csv(CsvOut::resume(output, pos.bytes)?),
        })
    }

    /// Writes one sentence row.
    pub fn write(&mut self, row: &Row<'_>) -> Result<(), Error> {
        match self {
            TableOut::Csv(c) => c.write(row),
            TableOut::Parquet { out, cells } => {
                row_fields(row, cells);
                out.write_fields(cells)
            }
        }
    }

    /// Writes a row of plain cells (as the CSV holds them).
    pub fn write_fields(&mut self, fields: &[&str]) -> Result<(), Error> {
        match self {
            TableOut::Csv(c) => c.write_fields(fields),
            TableOut::Parquet { out, .. } => out.write_fields(fields),
        }
    }

    /// Copies a row read by [`TableIn`].
    pub fn write_record(&mut self, record: &csv::ByteRecord) -> Result<(), Error> {
        match self {
            TableOut::Csv(c) => c.write_record(record),
            TableOut::Parquet { out, cells } => {
                cells.clear();
                cells.extend(
                    record
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned()),
                );
                out.write_fields(cells)
            }
        }
    }

    /// Flushes what is complete and says where the table stands.
    pub fn checkpoint(&mut self) -> Result<TablePos, Error> {
        match self {
            TableOut::Csv(c) => Ok(TablePos {
                bytes: c.checkpoint()?,
                footer: None,
            }),
            TableOut::Parquet { out, .. } => {
                let p = out.checkpoint()?;
                Ok(TablePos {
                    bytes: p.bytes,
                    footer: Some(p.footer),
                })
            }
        }
    }

    /// The final path of a file output; `None` for stdout.
    pub fn path(&self) -> Option<&Path> {
        match self {
            TableOut::Csv(c) => c.path(),
            TableOut::Parquet { out, .. } => Some(out.path()),
        }
    }

    pub fn finish(self) -> Result<(), Error> {
        match self {
            TableOut::Csv(c) => c.finish(),
            TableOut::Parquet { out, .. } => out.finish(),
        }
    }
}

/// A table being read, row by row, each cell as the CSV holds it.
pub enum TableIn {
    Csv {
        reader: Box<csv::Reader<std::fs::File>>,
        header: Vec<String>,
    },
    Parquet(Box<ParquetIn>),
}

impl TableIn {
    pub fn open(path: &Path) -> Result<TableIn, Error> {
        match Format::of(path) {
            Format::Parquet => Ok(TableIn::Parquet(Box::new(ParquetIn::open(path)?))),
            Format::Csv => {
                let table = |message: String| Error::Table {
                    path: path.to_path_buf(),
                    line: Some(1),
                    message,
                };
                let mut reader = csv::Reader::from_path(path).map_err(|e| table(e.to_string()))?;
                let header = reader
                    .headers()
                    .map_err(|e| table(e.to_string()))?
                    .iter()
                    .map(String::from)
                    .collect();
                Ok(TableIn::Csv {
                    reader: Box::new(reader),
                    header,
                })
            }
        }
    }

    pub fn header(&self) -> &[String] {
        match self {
            TableIn::Csv { header, .. } => header,
            TableIn::Parquet(p) => p.header(),
        }
    }

    /// The header as a record, to compare tables' headers.
    pub fn header_record(&self) -> csv::ByteRecord {
        self.header().iter().map(String::as_bytes).collect()
    }

    /// Reads the next row into `record`; `false` at the end. A CSV error carries the line
    /// the csv crate reports.
    pub fn read(&mut self, record: &mut csv::ByteRecord) -> Result<bool, ReadError> {
        match self {
            TableIn::Csv { reader, .. } => reader.read_byte_record(record).map_err(|e| ReadError {
                line: e.position().map(|p| p.line()),
                message: e.to_string(),
            }),
            TableIn::Parquet(p) => p.read_record(record).map_err(|e| ReadError {
                line: None,
                message: e.to_string(),
            }),
        }
    }
}

/// A row that could not be read.
#[derive(Debug)]
pub struct ReadError {
    pub line: Option<u64>,
    pub message: String,
}
