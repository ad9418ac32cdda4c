//! A score column's name and type, declared once by the scorer that fills it: the run
//! writes the name into the header, and the Parquet writer (`output::parquet`) stores the
//! column in the type declared here, so a new score column needs no line anywhere else.
use super::registry::{registry, ScorerOptions};

/// The type of a column's values (Parquet stores it as such; CSV writes it as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A 64-bit integer.
    Int,
    /// A 64-bit float.
    Float,
    /// `true` / `false`.
    Bool,
    /// A string that repeats (a label, a code): dictionary-encoded in Parquet.
    Dict,
    /// A string that rarely repeats (free text): stored plain.
    Text,
}

impl ColumnKind {
    /// As the manifest and the README name it.
    pub fn describe(self) -> &'static str {
        match self {
            ColumnKind::Int => "int64",
            ColumnKind::Float => "double",
            ColumnKind::Bool => "boolean",
            ColumnKind::Dict => "dictionary<int32, string>",
            ColumnKind::Text => "string",
        }
    }
}

/// One column a scorer adds, with its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
}

impl Column {
    pub const fn float(name: &'static str) -> Column {
        Column { name, kind: ColumnKind::Float }
    }
    pub const fn label(name: &'static str) -> Column {
        Column { name, kind: ColumnKind::Dict }
    }
    pub const fn text(name: &'static str) -> Column {
        Column { name, kind: ColumnKind::Text }
    }
    pub const fn flag(name: &'static str) -> Column {
        Column { name, kind: ColumnKind::Bool }
    }
}

/// The declared type of a scorer's column (sentence or `--docs`), whatever options the
/// run had; `None` for a name no scorer declares.
pub fn column_kind(name: &str) -> Option<ColumnKind> {
    registry().iter().find_map(|info| {
        (info.columns)(&ScorerOptions::all())
            .iter()
            .chain(info.document_columns)
            .find(|c| c.name == name)
            .map(|c| c.kind)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scorer_column_is_declared_once_with_one_type() {
        let mut seen: Vec<Column> = Vec::new();
        for info in registry() {
            for c in (info.columns)(&ScorerOptions::all())
                .iter()
                .chain(info.document_columns)
            {
                assert!(
                    !seen.iter().any(|s| s.name == c.name),
                    "column '{}' is declared by two scorers",
                    c.name
                );
                seen.push(*c);
                assert_eq!(column_kind(c.name), Some(c.kind));
            }
        }
        assert_eq!(column_kind("tension"), Some(ColumnKind::Float));
        assert_eq!(column_kind("cameo_root"), Some(ColumnKind::Dict));
        assert_eq!(column_kind("p_material_conflict"), Some(ColumnKind::Float));
        assert_eq!(column_kind("actors_inherited"), Some(ColumnKind::Bool));
        assert_eq!(column_kind("no_such_column"), None);
    }
}
