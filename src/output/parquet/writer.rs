//! Writing a Parquet table: rows buffered per column, written as row groups, and the
//! checkpoints that let `--resume` carry on an interrupted file.
//!
//! Parquet has no append, so `--resume` works like this: at each checkpoint the writer
//! closes its row group and records two things, the length of the `.partial` file (the
//! end of the last complete row group) and a footer describing the complete row groups
//! ([`ParquetOut::checkpoint`]). The footer lives in the checkpoint file, which is written
//! atomically; the `.partial` file itself never has one until the run ends. A resumed run
//! moves the partial file aside (`FILE.partial.resume`), cuts it back to that length,
//! appends the recorded footer (which makes it a valid Parquet file of the complete row
//! groups), copies those row groups into a fresh `.partial` (checking that the copy has the
//! same length, so the checkpoint describes it too), removes the old one and goes on.
//! A crash during that copy leaves `FILE.partial.resume` in place, and the next resume
//! starts from it again.
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int64Builder, StringBuilder, StringDictionaryBuilder,
};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{encode_arrow_schema, ArrowSchemaConverter, ArrowWriter};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::{FileMetaData, KeyValue, ParquetMetaData, ParquetMetaDataWriter};
use parquet::file::properties::WriterProperties;

use super::schema::{kind_of, schema, Kind};
use crate::error::Error;
use crate::output::{commit, partial_path, sibling};

/// Rows buffered before a row group is written even without a checkpoint (`merge`,
/// `aggregate`, very large chunks).
pub const ROW_GROUP_ROWS: usize = 1 << 17;

/// One column being filled.
enum Builder {
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Dict(StringDictionaryBuilder<Int32Type>),
    Text(StringBuilder),
}

impl Builder {
    fn new(kind: Kind) -> Builder {
        match kind {
            Kind::Int => Builder::Int(Int64Builder::new()),
            Kind::Float => Builder::Float(Float64Builder::new()),
            Kind::Bool => Builder::Bool(BooleanBuilder::new()),
            Kind::Dict => Builder::Dict(StringDictionaryBuilder::new()),
            Kind::Text => Builder::Text(StringBuilder::new()),
        }
    }

    /// Appends a cell as the CSV writes it; an empty cell is a null.
    fn push(&mut self, cell: &str) -> Result<(), String> {
        let bad = |what: &str| format!("{cell:?} is not {what}");
        match self {
            _ if cell.is_empty() => self.push_null(),
            Builder::Int(b) => b.append_value(cell.parse().map_err(|_| bad("an integer"))?),
            Builder::Float(b) => b.append_value(cell.parse().map_err(|_| bad("a number"))?),
            Builder::Bool(b) => b.append_value(match cell {
                "true" => true,
                "false" => false,
                _ => return Err(bad("true or false")),
            }),
            Builder::Dict(b) => {
                b.append(cell).map_err(|e| e.to_string())?;
            }
            Builder::Text(b) => b.append_value(cell),
        }
        Ok(())
    }

    fn push_null(&mut self) {
        match self {
            Builder::Int(b) => b.append_null(),
            Builder::Float(b) => b.append_null(),
            Builder::Bool(b) => b.append_null(),
            Builder::Dict(b) => b.append_null(),
            Builder::Text(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Dict(b) => Arc::new(b.finish()),
            Builder::Text(b) => Arc::new(b.finish()),
        }
    }
}

pub(super) fn parquet_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Parquet {
        what: what.to_string(),
        message: e.to_string(),
    }
}

/// A Parquet table being written as `FILE.partial`, moved into place by
/// [`ParquetOut::finish`].
pub struct ParquetOut {
    writer: ArrowWriter<BufWriter<File>>,
    schema: SchemaRef,
    builders: Vec<Builder>,
    rows: usize,
    path: PathBuf,
    what: String,
}

/// Where a checkpoint left a Parquet output: the length of its complete row groups and
/// the footer that describes them (hex), so that `--resume` can read them back.
#[derive(Debug, Clone, PartialEq)]
pub struct ParquetPos {
    pub bytes: u64,
    pub footer: String,
}

fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(None)
        .set_max_row_group_bytes(None)
        .set_created_by(format!("detente {}", crate::VERSION))
        .build()
}

impl ParquetOut {
    /// Creates `path.partial` for a table with this header.
    pub fn create(path: &Path, header: &[String]) -> Result<ParquetOut, Error> {
        let partial = partial_path(path);
        if let Some(parent) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::OutputPath {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let file = File::create(&partial).map_err(|source| Error::OutputPath {
            path: partial.clone(),
            source,
        })?;
        let what = path.display().to_string();
        let schema = schema(header);
        let writer = ArrowWriter::try_new(
            BufWriter::with_capacity(1 << 16, file),
            schema.clone(),
            Some(properties()),
        )
        .map_err(|e| parquet_err(&what, e))?;
        Ok(ParquetOut {
            builders: header.iter().map(|n| Builder::new(kind_of(n))).collect(),
            writer,
            schema,
            rows: 0,
            path: path.to_path_buf(),
            what,
        })
    }

    /// Reopens an interrupted output: its row groups complete at the checkpoint `pos`
    /// are copied into a fresh partial file (see the module's documentation).
    pub fn resume(path: &Path, header: &[String], pos: &ParquetPos) -> Result<ParquetOut, Error> {
        let partial = partial_path(path);
        let old = sibling(&partial, ".resume");
        if !old.exists() {
            std::fs::rename(&partial, &old).map_err(Error::io(&partial))?;
        }
        let footer = from_hex(&pos.footer).ok_or_else(|| {
            Error::Resume(format!("{}: damaged checkpoint footer", old.display()))
        })?;
        {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&old)
                .map_err(Error::io(&old))?;
            f.set_len(pos.bytes).map_err(Error::io(&old))?;
            f.seek(SeekFrom::End(0)).map_err(Error::io(&old))?;
            f.write_all(&footer).map_err(Error::io(&old))?;
        }
        let mut out = ParquetOut::create(path, header)?;
        let what = old.display().to_string();
        let file = File::open(&old).map_err(Error::io(&old))?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| parquet_err(&what, e))?;
        let groups = builder.metadata().num_row_groups();
        for g in 0..groups {
            let rows = builder.metadata().row_group(g).num_rows().max(1) as usize;
            let file = File::open(&old).map_err(Error::io(&old))?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                .and_then(|b| b.with_row_groups(vec![g]).with_batch_size(rows).build())
                .map_err(|e| parquet_err(&what, e))?;
            for batch in reader {
                let batch = batch.map_err(|e| parquet_err(&what, e))?;
                out.writer
                    .write(&batch)
                    .map_err(|e| parquet_err(&what, e))?;
            }
            out.writer.flush().map_err(|e| parquet_err(&what, e))?;
        }
        if out.writer.bytes_written() as u64 != pos.bytes {
            return Err(Error::Resume(format!(
                "{}: its complete row groups, copied, take {} bytes, not the {} the checkpoint records; delete the checkpoint to start over",
                old.display(),
                out.writer.bytes_written(),
                pos.bytes
            )));
        }
        std::fs::remove_file(&old).map_err(Error::io(&old))?;
        Ok(out)
    }

    /// Appends a row of cells as the CSV writes them.
    pub fn write_fields<S: AsRef<str>>(&mut self, fields: &[S]) -> Result<(), Error> {
        if fields.len() != self.builders.len() {
            return Err(parquet_err(
                &self.what,
                format!(
                    "a row of {} cells for {} columns",
                    fields.len(),
                    self.builders.len()
                ),
            ));
        }
        for (i, (b, f)) in self.builders.iter_mut().zip(fields).enumerate() {
            b.push(f.as_ref()).map_err(|m| {
                parquet_err(
                    &self.what,
                    format!("column '{}': {m}", self.schema.field(i).name()),
                )
            })?;
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP_ROWS {
            self.flush_group()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn flush_group(&mut self) -> Result<(), Error> {
        if self.rows == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e| parquet_err(&self.what, e))?;
        self.rows = 0;
        self.writer
            .write(&batch)
            .map_err(|e| parquet_err(&self.what, e))?;
        self.writer.flush().map_err(|e| parquet_err(&self.what, e))
    }

    /// Closes the current row group, flushes the file and returns where it stands.
    pub fn checkpoint(&mut self) -> Result<ParquetPos, Error> {
        self.flush_group()?;
        self.writer
            .sync()
            .map_err(Error::io(partial_path(&self.path)))?;
        let groups = self.writer.flushed_row_groups().to_vec();
        let rows = groups.iter().map(|g| g.num_rows()).sum();
        let descr = ArrowSchemaConverter::new()
            .convert(&self.schema)
            .map_err(|e| parquet_err(&self.what, e))?;
        let kv = vec![KeyValue::new(
            "ARROW:schema".to_string(),
            encode_arrow_schema(&self.schema),
        )];
        let meta = ParquetMetaData::new(
            FileMetaData::new(1, rows, None, Some(kv), Arc::new(descr), None),
            groups,
        );
        let mut footer = Vec::new();
        ParquetMetaDataWriter::new(&mut footer, &meta)
            .finish()
            .map_err(|e| parquet_err(&self.what, e))?;
        Ok(ParquetPos {
            bytes: self.writer.bytes_written() as u64,
            footer: to_hex(&footer),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the last row group and the footer, and moves the file into place.
    pub fn finish(mut self) -> Result<(), Error> {
        self.flush_group()?;
        self.writer
            .finish()
            .map_err(|e| parquet_err(&self.what, e))?;
        self.writer
            .sync()
            .map_err(Error::io(partial_path(&self.path)))?;
        drop(self.writer);
        commit(&self.path)
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::reader::ParquetIn;
    use super::*;

    #[test]
    fn rows_beyond_a_row_group_start_another() {
        let dir = std::env::temp_dir().join(format!("detente-parquet-{}", std::process::id()));
        let path = dir.join("t.parquet");
        let header = ["sentence".to_string(), "tension".to_string()];
        let mut out = ParquetOut::create(&path, &header).unwrap();
        for i in 0..ROW_GROUP_ROWS + 5 {
            out.write_fields(&[i.to_string().as_str(), "0.500000"])
                .unwrap();
        }
        out.checkpoint().unwrap();
        out.write_fields(&["0", ""]).unwrap();
        out.finish().unwrap();
        let b = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap();
        let rows: Vec<i64> = (0..b.metadata().num_row_groups())
            .map(|g| b.metadata().row_group(g).num_rows())
            .collect();
        // A full group, the rest up to the checkpoint, the row after it.
        assert_eq!(rows, [ROW_GROUP_ROWS as i64, 5, 1]);
        let mut back = ParquetIn::open(&path).unwrap();
        let mut r = csv::ByteRecord::new();
        let mut last = csv::ByteRecord::new();
        while back.read_record(&mut r).unwrap() {
            last = r.clone();
        }
        assert_eq!(last, csv::ByteRecord::from(vec!["0", ""]));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn hex_round_trips() {
        let b = [0u8, 1, 0xab, 0xff];
        assert_eq!(from_hex(&to_hex(&b)).unwrap(), b);
        assert!(from_hex("zz").is_none());
    }
}
