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
//! The column types are in `schema.rs`, writing (and `--resume`, see
//! [`ParquetOut::resume`]) in `writer.rs`, reading in `reader.rs`.
mod reader;
mod schema;
mod writer;

pub use reader::ParquetIn;
pub use schema::{describe_schema, is_documented, kind_of, schema, Kind};
pub use writer::{ParquetOut, ParquetPos, ROW_GROUP_ROWS};
