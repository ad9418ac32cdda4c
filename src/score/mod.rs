//! Scorers: everything that turns a sentence into score columns sits behind [`Scorer`],
//! so the run never knows which models exist, nor which column means what: the columns a
//! scorer adds to the sentence rows, and to the `--docs` rows ([`Scorer::summarize`]),
//! are its own. A scorer that reads the sentence
//! embedding says so with [`Scorer::needs_embedding`]; the encoder then runs once per
//! sentence and every such scorer shares its output. A run whose scorers need no
//! embedding never loads libtorch models.
use std::path::{Path, PathBuf};

use crate::error::Error;

pub mod actors;
pub mod lexicon;
pub mod sentiment;
pub mod tension;

pub use lexicon::{Polarity, Vader};

/// One CSV cell of a score column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Written with 6 decimals.
    Num(f64),
    Text(String),
}

/// Named groups of byte ranges of one sentence, each group pooled into one vector by the
/// encoder ([`Scorer::spans`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanGroups {
    pub keys: Vec<String>,
    /// One list of byte ranges per key.
    pub ranges: Vec<Vec<std::ops::Range<usize>>>,
}

/// What a scorer sees of one sentence.
#[derive(Debug, Clone, Copy)]
pub struct Sentence<'a> {
    pub text: &'a str,
    /// The L2-normalised sentence embedding, present when the scorer needs it.
    pub embedding: Option<&'a [f32]>,
    /// The keys of the groups that [`Scorer::spans`] asked for, and their pooled token
    /// states: one L2-normalised vector of the embedding's length per key, in order.
    /// Empty when none.
    pub span_keys: &'a [String],
    pub spans: &'a [f32],
    /// The document's date, ISO 8601 (`YYYY-MM-DD`), empty when unknown: what a dated
    /// role (a person's office) is resolved at.
    pub date: &'a str,
}

pub trait Scorer: Send + Sync {
    fn name(&self) -> &str;
    /// Column names, in the order `score` pushes cells.
    fn columns(&self) -> &[String];
    fn needs_embedding(&self) -> bool;
    /// Pushes exactly `columns().len()` cells.
    fn score(&self, sentence: &Sentence<'_>, out: &mut Vec<Cell>);
    /// Whether [`Scorer::spans`] asks for pooled token states. At most one scorer of a run
    /// may (the registry's `actor_sentiment`).
    fn uses_spans(&self) -> bool {
        false
    }
    /// Before encoding, for every sentence of one document in order (their embeddings and
    /// spans not yet there): named groups of byte ranges of the sentence whose token
    /// states the encoder pools, each group into one vector, handed back to
    /// [`Scorer::score`] in [`Sentence::span_keys`] and [`Sentence::spans`].
    fn spans(&self, _sentences: &[Sentence<'_>]) -> Vec<SpanGroups> {
        Vec::new()
    }
    /// Whether [`Scorer::paragraph`] does anything (it is then called for every paragraph).
    fn uses_paragraph(&self) -> bool {
        false
    }
    /// Called after `score` with this scorer's cells of each sentence of one paragraph, in
    /// order, for a scorer that looks beyond the sentence (the actors carry-over).
    fn paragraph(&self, _sentences: &mut [&mut [Cell]]) {}
    /// Whether [`Scorer::document`] does anything (it is then called for every document).
    fn uses_document(&self) -> bool {
        false
    }
    /// Called after `score`, before [`Scorer::paragraph`], with every sentence of one
    /// document in order and this scorer's cells of each, for a scorer whose cells of a
    /// sentence depend on the sentences before it (the actors' first mentions binding
    /// later short ones). Such a scorer may leave the work to this call and push
    /// placeholder cells from `score`.
    fn document(&self, _sentences: &[Sentence<'_>], _cells: &mut [&mut [Cell]]) {}
    /// The cells of this scorer's `--docs` columns ([`ScorerInfo::document_columns`]) for
    /// one document, from this scorer's cells of each of its sentences: exactly
    /// `document_columns.len()` cells.
    fn summarize(&self, _sentences: &[&[Cell]], _out: &mut Vec<Cell>) {}
}

/// The `--docs` columns that scorers add, in registry order: the same for every run, so
/// the table's header does not depend on the scorers chosen (a scorer that did not run
/// leaves its cells empty).
pub fn document_columns() -> Vec<&'static str> {
    registry()
        .iter()
        .flat_map(|s| s.document_columns.iter().copied())
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

/// Runs [`Scorer::document`] of every scorer that uses it on one document: `sentences[i]`
/// and `rows[i]` are its sentence `i` and that sentence's cells (all scorers' columns, in
/// order). Documents are never split between chunks, so the result does not depend on the
/// chunk size; documents are independent, so the caller may run them in parallel.
pub fn finish_document(
    scorers: &[Box<dyn Scorer>],
    sentences: &[Sentence<'_>],
    rows: &mut [Vec<Cell>],
) {
    let mut offset = 0;
    for s in scorers {
        let width = s.columns().len();
        if s.uses_document() {
            let mut cells: Vec<&mut [Cell]> = rows
                .iter_mut()
                .map(|r| &mut r[offset..offset + width])
                .collect();
            s.document(sentences, &mut cells);
        }
        offset += width;
    }
}

/// Runs [`Scorer::paragraph`] of every scorer that uses it. `rows[i]` holds the cells of
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
        if s.uses_paragraph() {
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
                s.paragraph(&mut cells);
                from = to;
            }
        }
        offset += width;
    }
}

/// Options that change what scorers output.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScorerOptions {
    /// The lexicon scorer's `pos`/`neu`/`neg` columns.
    pub lexicon_detail: bool,
    /// The tension scorer's per-class probability columns.
    pub class_probs: bool,
    /// The actors scorer's paragraph carry-over and its `actors_inherited` column.
    pub actors_carry: bool,
}

/// A built-in scorer, described before anything is loaded.
/// Builds a scorer from the models folder.
pub type BuildFn = fn(&Path, &ScorerOptions) -> Result<Box<dyn Scorer>, Error>;

pub struct ScorerInfo {
    pub name: &'static str,
    pub description: &'static str,
    pub needs_embedding: bool,
    /// Files it reads, relative to the models folder.
    pub files: &'static [&'static str],
    /// Whether it needs the encoder tuned with the LoRA delta in `models/heads/`.
    pub tuned_encoder: bool,
    /// The columns it adds to the `--docs` table ([`Scorer::summarize`]).
    pub document_columns: &'static [&'static str],
    pub columns: fn(&ScorerOptions) -> Vec<String>,
    pub build: BuildFn,
}

impl ScorerInfo {
    pub fn file_paths(&self, models: &Path) -> Vec<PathBuf> {
        self.files.iter().map(|f| models.join(f)).collect()
    }
}

/// Every built-in scorer, in the order their columns appear.
pub fn registry() -> Vec<ScorerInfo> {
    vec![ScorerInfo {
        name: "lexicon",
        description:
            "VADER sentiment (vaderSentiment 3.3.2, reproduced exactly): compound in [-1, 1]",
        needs_embedding: false,
        files: &[lexicon::LEXICON, lexicon::EMOJI],
        tuned_encoder: false,
        document_columns: &[],
        columns: lexicon::columns,
        build: lexicon::build,
    },
    ScorerInfo {
        name: "sentiment",
        description: "trained sentence sentiment: estimated mean human rating / 4 in [-1, 1], and a label",
        needs_embedding: true,
        files: &[crate::model::heads::CONFIG, crate::model::heads::WEIGHTS, lexicon::LEXICON, lexicon::EMOJI],
        tuned_encoder: true,
        document_columns: &[],
        columns: sentiment::columns,
        build: sentiment::build,
    },
    ScorerInfo {
        name: "tension",
        description: "diplomatic tension: event class, Goldstein [-10, 10], tension [0, 1], CAMEO root event type (20-way, within the event class)",
        needs_embedding: true,
        files: &[crate::model::heads::CONFIG, crate::model::heads::WEIGHTS],
        tuned_encoder: true,
        document_columns: &tension::DOCUMENT_COLUMNS,
        columns: tension::columns,
        build: tension::build,
    },
    ScorerInfo {
        name: "actors",
        description: "who does what to whom: actors = the states named (names, demonyms, capitals, seats of government, people and offices), ISO 3166-1 alpha-3 codes in order of first mention; dyad = the first two, sorted, 'AAA-BBB'; source, target = CAMEO actor codes of who acts and who is acted upon (KORGOV, JPN, IGOUNO), source_text, target_text = the words resolved; actors_inherited (--actors-carry) = taken from the paragraph",
        needs_embedding: false,
        files: &actors::FILES,
        tuned_encoder: false,
        document_columns: &[],
        columns: actors::columns,
        build: actors::build,
    },
    ScorerInfo {
        name: "actor_sentiment",
        description: "sentiment toward each state in `actors`: 'JPN:0.428;KOR:0.708', p(positive) - p(negative) in [-1, 1] from the token states of the state's mentions",
        needs_embedding: true,
        files: &actors::sentiment::FILES,
        tuned_encoder: true,
        document_columns: &[],
        columns: actors::sentiment::columns,
        build: actors::sentiment::build,
    }]
}

/// Looks up scorers by name (`None`: all of them), keeping registry order.
pub fn select(names: Option<&[String]>) -> Result<Vec<ScorerInfo>, Error> {
    let all = registry();
    let Some(names) = names else { return Ok(all) };
    for n in names {
        if !all.iter().any(|s| s.name == n) {
            let known = all.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
            return Err(Error::UnknownScorer {
                name: n.clone(),
                known,
            });
        }
    }
    Ok(all
        .into_iter()
        .filter(|s| names.iter().any(|n| n == s.name))
        .collect())
}
