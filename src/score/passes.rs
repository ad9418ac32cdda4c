//! The passes over a run's rows that look beyond one sentence, in the order the run makes
//! them: each scorer's [`DocumentPass`](super::DocumentPass) over a document's sentences,
//! its [`ParagraphPass`](super::ParagraphPass) over a paragraph's, and [`Scorer::summarize`] into the `--docs` row.
//! They work on the scorers' slices of each row, so a scorer sees only its own cells.
use super::registry::registry;
use super::{Cell, Scorer, Sentence};

/// The `--docs` columns that scorers add, in registry order: the same for every run, so
/// the table's header does not depend on the scorers chosen (a scorer that did not run
/// leaves its cells empty).
pub fn document_columns() -> Vec<&'static str> {
    registry()
        .iter()
        .flat_map(|s| s.document_columns.iter().map(|c| c.name))
        .collect()
}

/// The scorers' `--docs` cells of each document: `rows[i]` holds the cells of sentence `i`
/// (all selected scorers' columns, in order), `doc_of[i]` its document (0..`n_docs`).
pub fn summarize_documents(
    scorers: &[Box<dyn Scorer>],
    doc_of: &[usize],
    rows: &[Vec<Cell>],
    n_docs: usize,
) -> Vec<Vec<Cell>> {
    let mut by_doc: Vec<Vec<&[Cell]>> = vec![Vec::new(); n_docs];
    for (row, &d) in rows.iter().zip(doc_of) {
        by_doc[d].push(row);
    }
    let mut out = vec![Vec::new(); n_docs];
    for info in registry().iter().filter(|i| !i.document_columns.is_empty()) {
        let mut offset = 0;
        let found = scorers.iter().find(|s| {
            let hit = s.name() == info.name;
            if !hit {
                offset += s.columns().len();
            }
            hit
        });
        for (cells, sentences) in out.iter_mut().zip(&by_doc) {
            match found {
                Some(s) => {
                    let width = s.columns().len();
                    let own: Vec<&[Cell]> = sentences
                        .iter()
                        .map(|r| &r[offset..offset + width])
                        .collect();
                    s.summarize(&own, cells);
                }
                None => cells.extend(
                    info.document_columns
                        .iter()
                        .map(|_| Cell::Text(String::new())),
                ),
            }
        }
    }
    out
}

/// Runs the [`DocumentPass`](super::DocumentPass) of every scorer that has one on one document: `sentences[j][i]`
/// is its sentence `i` as scorer `j` sees it (with that scorer's pooled spans), and `rows[i]`
/// that sentence's cells (all scorers' columns, in order). Documents are never split between
/// chunks, so the result does not depend on the chunk size; documents are independent, so
/// the caller may run them in parallel.
pub fn finish_document(
    scorers: &[Box<dyn Scorer>],
    sentences: &[&[Sentence<'_>]],
    rows: &mut [Vec<Cell>],
) {
    let mut offset = 0;
    for (j, s) in scorers.iter().enumerate() {
        let width = s.columns().len();
        if let Some(pass) = s.document_pass() {
            let mut cells: Vec<&mut [Cell]> = rows
                .iter_mut()
                .map(|r| &mut r[offset..offset + width])
                .collect();
            pass.document(sentences[j], &mut cells);
        }
        offset += width;
    }
}

/// Runs the [`ParagraphPass`](super::ParagraphPass) of every scorer that has one. `rows[i]` holds the cells of
/// sentence `i` (all scorers' columns, in order); `keys[i]` names its paragraph (document,
/// paragraph), and a paragraph's sentences are consecutive. Documents are never split
/// between chunks, so the result does not depend on the chunk size.
pub fn finish_paragraphs<K: PartialEq>(
    scorers: &[Box<dyn Scorer>],
    keys: &[K],
    rows: &mut [Vec<Cell>],
) {
    let mut offset = 0;
    for s in scorers {
        let width = s.columns().len();
        if let Some(pass) = s.paragraph_pass() {
            let mut from = 0;
            while from < rows.len() {
                let to = from
                    + keys[from..]
                        .iter()
                        .take_while(|k| **k == keys[from])
                        .count();
                let mut cells: Vec<&mut [Cell]> = rows[from..to]
                    .iter_mut()
                    .map(|r| &mut r[offset..offset + width])
                    .collect();
                pass.paragraph(&mut cells);
                from = to;
            }
        }
        offset += width;
    }
}
