//! A score column's name and type, declared once by the scorer that fills it (in its
//! [`super::registry`] entry): the run writes the name into the header, and the Parquet
//! writer (`output::parquet`) stores the column in the type declared there, so a new
//! score column needs no line anywhere else.
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
        Column {
            name,
            kind: ColumnKind::Float,
        }
    }
    pub const fn label(name: &'static str) -> Column {
        Column {
            name,
            kind: ColumnKind::Dict,
        }
    }
    pub const fn text(name: &'static str) -> Column {
        Column {
            name,
            kind: ColumnKind::Text,
        }
    }
    pub const fn flag(name: &'static str) -> Column {
        Column {
            name,
            kind: ColumnKind::Bool,
        }
    }
}
