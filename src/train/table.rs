//! A CSV or TSV table held in memory, every cell as text: the gold files of `detente
//! evaluate`, the fold files of `detente train --pool-folds`, and the scored table the
//! binary reads (CSV or Parquet) and hands in.
use std::path::{Path, PathBuf};

use crate::error::Error;

/// A table held in memory, every cell as text.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A CSV file, or a TSV one when the name ends in `.tsv` or `.tab`; lines that start
    /// with `#` are comments.
    pub fn read(path: &Path) -> Result<Table, Error> {
        let tsv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab"));
        let bad = |e: csv::Error| Error::Table {
            path: path.to_path_buf(),
            line: e.position().map(|p| p.line()),
            message: e.to_string(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if tsv { b'\t' } else { b',' })
            .quoting(!tsv)
            .comment(Some(b'#'))
            .from_path(path)
            .map_err(bad)?;
        let header = reader
            .headers()
            .map_err(bad)?
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.map(|r| r.iter().map(String::from).collect()))
            .collect::<Result<_, _>>()
            .map_err(bad)?;
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    /// The index of a column, or an error that lists the columns.
    pub fn column(&self, name: &str) -> Result<usize, Error> {
        self.header.iter().position(|c| c == name).ok_or_else(|| {
            self.error(
                None,
                format!("no column {name:?} (columns: {})", self.header.join(", ")),
            )
        })
    }

    /// Cell `col` of row `row` as a number; `None` when empty.
    pub fn number(&self, row: usize, col: usize) -> Result<Option<f64>, Error> {
        let cell = self.rows[row].get(col).map_or("", |c| c.trim());
        if cell.is_empty() {
            return Ok(None);
        }
        cell.parse().map(Some).map_err(|_| {
            self.error(
                Some(row),
                format!("{}: {cell:?} is not a number", self.header[col]),
            )
        })
    }

    /// The first row of each value of column `col`, in order (a document's first sentence).
    pub fn first_rows(&self, col: usize) -> Table {
        let mut seen = std::collections::HashSet::new();
        Table {
            path: self.path.clone(),
            header: self.header.clone(),
            rows: (0..self.rows.len())
                .filter(|&r| seen.insert(self.cell(r, col)))
                .map(|r| self.rows[r].clone())
                .collect(),
        }
    }

    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.rows[row].get(col).map_or("", String::as_str)
    }

    /// An error about the table, or about one of its rows (numbered as data rows from 1).
    pub fn error(&self, row: Option<usize>, message: String) -> Error {
        Error::Table {
            path: self.path.clone(),
            line: row.map(|r| r as u64 + 1),
            message,
        }
    }
}
