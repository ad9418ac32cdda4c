//! Each column's Parquet (Arrow) type, chosen by its documented name: the lists of
//! integer, boolean, plain-string, float and dictionary columns, and the schema of a table.
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::csv;
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
        for c in csv::BASE_COLUMNS
            .iter()
            .chain(&csv::DOC_COLUMNS)
            .chain(&csv::ERROR_COLUMNS)
        {
            assert!(is_documented(c), "column '{c}' has no Parquet type");
        }
    }
}
