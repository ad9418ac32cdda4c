//! Parquet tables (`-o FILE.parquet`): the same rows and columns as the CSV, with real
//! types, so that pandas and polars need no type guessing.
//!
//! A column's type follows from its documented name ([`kind_of`], the README's column
//! tables): integers for indices, offsets and counts, floats for scores, booleans for
//! flags, dictionary-encoded strings for repeated values, plain strings for sentence
//! text and messages. Every column is nullable: an empty CSV cell is a null. Scores are
//! stored as the CSV prints them (6 decimals), so both files hold the same values.
//! Compression is zstd; rows are buffered and written as one row group per checkpoint (a
//! chunk of the run), or per [`ROW_GROUP_ROWS`] rows, so memory stays bounded.
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
use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::{encode_arrow_schema, ArrowSchemaConverter, ArrowWriter};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::{FileMetaData, KeyValue, ParquetMetaData, ParquetMetaDataWriter};
use parquet::file::properties::WriterProperties;

use super::csv::format_score;
use super::{commit, partial_path, sibling};
use crate::error::Error;

/// Rows buffered before a row group is written even without a checkpoint (`merge`,
/// `aggregate`, very large chunks).
pub const ROW_GROUP_ROWS: usize = 1 << 17;

/// A column's Parquet (Arrow) type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `INT64`.
    Int,
    /// `DOUBLE`.
    Float,
    /// `BOOLEAN`.
    Bool,
    /// A dictionary-encoded string (Arrow `Dictionary<Int32, Utf8>`).
    Dict,
    /// A plain string (`BYTE_ARRAY` UTF8).
    Text,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Kind::Int => DataType::Int64,
            Kind::Float => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::Dict => DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            Kind::Text => DataType::Utf8,
        }
    }

    /// As the manifest and the README name it.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Int => "int64",
            Kind::Float => "double",
            Kind::Bool => "boolean",
            Kind::Dict => "dictionary<int32, string>",
            Kind::Text => "string",
        }
    }
}

/// Integer columns of every table detente writes (sentences, `--docs`, `--errors`,
/// `aggregate`).
const INT_COLUMNS: [&str; 10] = [
    "paragraph",
    "sentence",
    "start",
    "end",
    "n_tokens",
    "line",
    "n_paragraphs",
    "n_sentences",
    "n_set_aside",
    "n_docs",
];
const BOOL_COLUMNS: [&str; 3] = ["truncated", "forced_split", "actors_inherited"];
/// Strings that rarely repeat: stored plain, not as a dictionary.
const TEXT_COLUMNS: [&str; 5] = [
    "text",
    "message",
    "source_text",
    "target_text",
    "actor_sentiment",
];
const FLOAT_COLUMNS: [&str; 21] = [
    "sentiment_lexicon",
    "lexicon_pos",
    "lexicon_neu",
    "lexicon_neg",
    "sentiment",
    "event_confidence",
    "cameo_confidence",
    "goldstein",
    "tension",
    "p_statement",
    "p_verbal_cooperation",
    "p_material_cooperation",
    "p_verbal_conflict",
    "p_material_conflict",
    "tension_mean",
    "tension_max",
    "share_tense",
    "tension_p90",
    "goldstein_mean",
    "sentiment_mean",
    "sentiment_lexicon_mean",
];
/// Documented string columns that repeat (dictionary-encoded); any column not named here
/// or above (`--keep-fields`, `aggregate`'s keys) is a dictionary string too.
const DICT_COLUMNS: [&str; 16] = [
    "doc_id",
    "date",
    "title",
    "source",
    "target",
    "dateline",
    "credit",
    "lang",
    "set_aside",
    "kind",
    "sentiment_label",
    "event_class",
    "cameo_root",
    "cameo_name",
    "actors",
    "dyad",
];

/// The type of a column, by its documented name.
pub fn kind_of(column: &str) -> Kind {
    if INT_COLUMNS.contains(&column) {
        Kind::Int
    } else if BOOL_COLUMNS.contains(&column) {
        Kind::Bool
    } else if TEXT_COLUMNS.contains(&column) {
        Kind::Text
    } else if FLOAT_COLUMNS.contains(&column) {
        Kind::Float
    } else {
        Kind::Dict
    }
}

/// Whether `column` is one that [`kind_of`] names explicitly (a unit test checks every
/// scorer column is).
pub fn is_documented(column: &str) -> bool {
    [
        &INT_COLUMNS[..],
        &BOOL_COLUMNS,
        &TEXT_COLUMNS,
        &FLOAT_COLUMNS,
        &DICT_COLUMNS,
    ]
    .iter()
    .any(|names| names.contains(&column))
}

/// The Arrow schema of a table with this header.
pub fn schema(header: &[String]) -> SchemaRef {
    Arc::new(Schema::new(
        header
            .iter()
            .map(|name| Field::new(name, kind_of(name).data_type(), true))
            .collect::<Vec<_>>(),
    ))
}

/// `name: type` for each column, for the manifest.
pub fn describe_schema(header: &[String]) -> Vec<(String, String)> {
    header
        .iter()
        .map(|n| (n.clone(), kind_of(n).describe().to_string()))
        .collect()
}

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

fn parquet_err(what: &str, e: impl std::fmt::Display) -> Error {
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
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| Error::Io { path: p, source }
        };
        if !old.exists() {
            std::fs::rename(&partial, &old).map_err(io(&partial))?;
        }
        let footer = from_hex(&pos.footer).ok_or_else(|| {
            Error::Resume(format!("{}: damaged checkpoint footer", old.display()))
        })?;
        {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&old)
                .map_err(io(&old))?;
            f.set_len(pos.bytes).map_err(io(&old))?;
            f.seek(SeekFrom::End(0)).map_err(io(&old))?;
            f.write_all(&footer).map_err(io(&old))?;
        }
        let mut out = ParquetOut::create(path, header)?;
        let what = old.display().to_string();
        let file = File::open(&old).map_err(io(&old))?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| parquet_err(&what, e))?;
        let groups = builder.metadata().num_row_groups();
        for g in 0..groups {
            let rows = builder.metadata().row_group(g).num_rows().max(1) as usize;
            let file = File::open(&old).map_err(io(&old))?;
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
        std::fs::remove_file(&old).map_err(io(&old))?;
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
        self.writer.sync().map_err(|source| Error::Io {
            path: partial_path(&self.path),
            source,
        })?;
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
        self.writer.sync().map_err(|source| Error::Io {
            path: partial_path(&self.path),
            source,
        })?;
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

/// A Parquet table read row by row, each cell as the CSV would hold it (integers in
/// decimal, floats with 6 decimals, `true`/`false`, a null as an empty cell): what
/// `merge`, `aggregate` and `report` read.
pub struct ParquetIn {
    reader: ParquetRecordBatchReader,
    header: Vec<String>,
    batch: Option<RecordBatch>,
    next: usize,
    what: String,
}

impl ParquetIn {
    pub fn open(path: &Path) -> Result<ParquetIn, Error> {
        let what = path.display().to_string();
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| parquet_err(&what, e))?;
        let header = builder
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let reader = builder
            .with_batch_size(8192)
            .build()
            .map_err(|e| parquet_err(&what, e))?;
        Ok(ParquetIn {
            reader,
            header,
            batch: None,
            next: 0,
            what,
        })
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Reads the next row into `record`; `false` at the end.
    pub fn read_record(&mut self, record: &mut csv::ByteRecord) -> Result<bool, Error> {
        loop {
            if let Some(b) = &self.batch {
                if self.next < b.num_rows() {
                    record.clear();
                    let mut cell = String::new();
                    for col in b.columns() {
                        cell.clear();
                        format_cell(col, self.next, &mut cell)
                            .map_err(|m| parquet_err(&self.what, m))?;
                        record.push_field(cell.as_bytes());
                    }
                    self.next += 1;
                    return Ok(true);
                }
            }
            match self.reader.next() {
                None => return Ok(false),
                Some(b) => {
                    self.batch = Some(b.map_err(|e| parquet_err(&self.what, e))?);
                    self.next = 0;
                }
            }
        }
    }
}

/// One cell as the CSV holds it.
fn format_cell(col: &ArrayRef, i: usize, out: &mut String) -> Result<(), String> {
    use std::fmt::Write as _;
    if col.is_null(i) {
        return Ok(());
    }
    match col.data_type() {
        DataType::Int64 => {
            let _ = write!(out, "{}", col.as_primitive::<Int64Type>().value(i));
        }
        DataType::Int32 => {
            let _ = write!(out, "{}", col.as_primitive::<Int32Type>().value(i));
        }
        DataType::Float64 => {
            let v = col
                .as_primitive::<arrow_array::types::Float64Type>()
                .value(i);
            let mut s = String::new();
            format_score(v, &mut s);
            out.push_str(&s);
        }
        DataType::Boolean => out.push_str(if col.as_boolean().value(i) {
            "true"
        } else {
            "false"
        }),
        DataType::Utf8 => out.push_str(col.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => out.push_str(col.as_string::<i64>().value(i)),
        DataType::Dictionary(key, _) if **key == DataType::Int32 => {
            let dict = col.as_dictionary::<Int32Type>();
            format_cell(dict.values(), dict.keys().value(i) as usize, out)?;
        }
        other => return Err(format!("unsupported column type {other}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{registry, ScorerOptions};

    #[test]
    fn every_scorer_column_has_a_documented_type() {
        let all = ScorerOptions {
            lexicon_detail: true,
            class_probs: true,
            actors_carry: true,
        };
        for info in registry() {
            for c in (info.columns)(&all)
                .iter()
                .map(String::as_str)
                .chain(info.document_columns.iter().copied())
            {
                assert!(
                    is_documented(c),
                    "column '{c}' of {} has no Parquet type",
                    info.name
                );
            }
        }
        for c in super::super::csv::BASE_COLUMNS
            .iter()
            .chain(&super::super::csv::DOC_COLUMNS)
            .chain(&super::super::csv::ERROR_COLUMNS)
        {
            assert!(is_documented(c), "column '{c}' has no Parquet type");
        }
    }

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
