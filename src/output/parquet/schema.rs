//! Each column's Parquet (Arrow) type, chosen by its documented name: the lists of
//! integer, boolean, plain-string, float and dictionary columns, and the schema of a table.
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::output::aggregate;

/// A column's type: declared by the scorer for a score column
/// ([`crate::score::Column`]), by the lists below for the columns `output/` owns.
pub use crate::score::ColumnKind as Kind;

/// The Arrow type a column of this kind is stored as.
pub(super) fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Bool => DataType::Boolean,
        Kind::Dict => DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
        Kind::Text => DataType::Utf8,
    }
}

// The columns `output/` owns (the sentence table's fixed columns, `--docs`, `--errors`,
// `aggregate`'s statistics), by type. Score columns are not listed here: each scorer
// declares its own with their types (`score::registry`).
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
const BOOL_COLUMNS: [&str; 2] = ["truncated", "forced_split"];
/// Strings that rarely repeat: stored plain, not as a dictionary.
const TEXT_COLUMNS: [&str; 2] = ["text", "message"];
/// Documented string columns that repeat (dictionary-encoded); any column not named here,
/// above or by a scorer (`--keep-fields`, `aggregate`'s keys) is a dictionary string too.
const DICT_COLUMNS: [&str; 9] = [
    "doc_id",
    "date",
    "title",
    "source",
    "dateline",
    "credit",
    "lang",
    "set_aside",
    "kind",
];

/// The kind of one of the columns `output/` owns.
fn fixed_kind(column: &str) -> Option<Kind> {
    [
        (&INT_COLUMNS[..], Kind::Int),
        (&BOOL_COLUMNS, Kind::Bool),
        (&TEXT_COLUMNS, Kind::Text),
        // `aggregate`'s statistics; its two counts are integers, matched above.
        (&aggregate::STAT_COLUMNS, Kind::Float),
        (&DICT_COLUMNS, Kind::Dict),
    ]
    .iter()
    .find(|(names, _)| names.contains(&column))
    .map(|(_, kind)| *kind)
}

/// The type of a column, by its documented name: the fixed columns' own, else the one
/// its scorer declares, else a dictionary string (`--keep-fields`, `aggregate`'s keys).
pub fn kind_of(column: &str) -> Kind {
    fixed_kind(column)
        .or_else(|| crate::score::column_kind(column))
        .unwrap_or(Kind::Dict)
}

/// Whether `column` has a declared type (a unit test checks every fixed column does).
pub fn is_documented(column: &str) -> bool {
    fixed_kind(column).is_some() || crate::score::column_kind(column).is_some()
}

/// The Arrow schema of a table with this header.
pub fn schema(header: &[String]) -> SchemaRef {
    Arc::new(Schema::new(
        header
            .iter()
            .map(|name| Field::new(name, data_type(kind_of(name)), true))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::csv;
    use crate::score::{registry, ScorerOptions};

    #[test]
    fn every_column_has_a_documented_type() {
        for c in csv::BASE_COLUMNS
            .iter()
            .chain(&csv::DOC_COLUMNS)
            .chain(&csv::ERROR_COLUMNS)
            .chain(&aggregate::STAT_COLUMNS)
        {
            assert!(is_documented(c), "column '{c}' has no Parquet type");
        }
        assert_eq!(kind_of("n_docs"), Kind::Int);
        assert_eq!(kind_of("tension_p90"), Kind::Float);
        // A name both `output/` and a scorer declare (the errors table's `source`, the
        // `--docs` and `aggregate` statistics) has one type.
        for info in registry() {
            for c in (info.columns)(&ScorerOptions::all())
                .iter()
                .chain(info.document_columns)
            {
                if let Some(fixed) = fixed_kind(c.name) {
                    assert_eq!(fixed, c.kind, "column '{}' has two types", c.name);
                }
                assert_eq!(kind_of(c.name), c.kind);
            }
        }
    }
}
