//! Reading a Parquet table back row by row, each cell as the CSV would hold it.
use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use super::writer::parquet_err;
use crate::error::Error;
use crate::output::csv::format_score;

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
        let file = File::open(path).map_err(Error::io(path))?;
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
