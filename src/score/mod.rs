//! Scorers: everything that turns a sentence into score columns sits behind [`Scorer`],
//! so the run never knows which models exist, nor which column means what: the columns a
//! scorer adds to the sentence rows, and to the `--docs` rows ([`Scorer::summarize`]),
//! are its own, declared once with their types in the [`registry`]. A scorer that reads
//! the sentence embedding says so ([`Scorer::needs_embedding`]); the encoder then runs
//! once per sentence and every such scorer shares its output. A run whose scorers need no
//! embedding never loads libtorch models.
//!
//! The files: [`registry`] (the built-in scorers and their options), [`column`] (a
//! column's name and type), [`passes`] (the passes over documents and paragraphs), and
//! one file or folder per scorer: [`lexicon`], [`sentiment`], [`tension`], [`actors`]
//! (with `actor_sentiment` in [`actors::sentiment`]).
pub mod actors;
pub mod column;
pub mod lexicon;
pub mod passes;
pub mod registry;
pub mod sentiment;
pub mod tension;

pub use column::{Column, ColumnKind};
pub use lexicon::{Polarity, Vader};
pub use passes::{document_columns, finish_document, finish_paragraphs, summarize_documents};
pub use registry::{column_kind, registry, select, BuildFn, Roles, ScorerInfo, ScorerOptions};

/// One CSV cell of a score column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Written with 6 decimals.
    Num(f64),
    Text(String),
}

/// Named groups of byte ranges of one sentence, each group pooled into one vector by the
/// encoder ([`SpanPass::spans`]).
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
    /// The keys of the groups that [`SpanPass::spans`] asked for, and their pooled token
    /// states: one L2-normalised vector of the embedding's length per key, in order.
    /// Empty when none.
    pub span_keys: &'a [String],
    pub spans: &'a [f32],
    /// The document's date, ISO 8601 (`YYYY-MM-DD`), empty when unknown: what a dated
    /// role (a person's office) is resolved at.
    pub date: &'a str,
}

/// What every scorer is, as the registry declares it for the run's options: its name,
/// its sentence columns in order, and whether it reads the embedding. A scorer keeps one
/// (made by [`Identity::of`] in its `build`) and hands it out from [`Scorer::identity`].
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub name: &'static str,
    pub columns: Vec<String>,
    pub needs_embedding: bool,
}

impl Identity {
    /// The registry's declaration of scorer `name` for these options.
    ///
    /// # Panics
    ///
    /// If `name` is not a registry name: a scorer's `build` names itself.
    pub fn of(name: &'static str, opts: &ScorerOptions) -> Identity {
        let info = registry()
            .into_iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("scorer '{name}' is not in the registry"));
        Identity {
            name,
            columns: info.column_names(opts),
            needs_embedding: (info.needs_embedding)(opts),
        }
    }
}

/// A scorer: turns each sentence into its cells, and may look beyond the sentence through
/// the optional passes.
///
/// The run calls, for each chunk of whole documents:
/// 1. [`SpanPass::spans`] of each scorer that has a span pass (before encoding), for
///    every document's sentences in order;
/// 2. [`Scorer::score`] for every sentence (in parallel, in any order: a sentence's cells
///    may depend on nothing but the sentence);
/// 3. [`DocumentPass::document`] of each scorer that has one, per document;
/// 4. [`ParagraphPass::paragraph`] of each scorer that has one, per paragraph;
/// 5. [`Scorer::summarize`] into the `--docs` row of each document.
///
/// Documents are never split between chunks, so none of this depends on the chunk size,
/// the batch size or the thread count.
pub trait Scorer: Send + Sync {
    /// Its name, columns and whether it reads the embedding ([`Identity::of`]).
    fn identity(&self) -> &Identity;
    /// Pushes exactly `columns().len()` cells for one sentence.
    fn score(&self, sentence: &Sentence<'_>, out: &mut Vec<Cell>);

    /// The registry name (`lexicon`, `tension`, …).
    fn name(&self) -> &str {
        self.identity().name
    }
    /// Column names, in the order `score` pushes cells.
    fn columns(&self) -> &[String] {
        &self.identity().columns
    }
    /// Whether `score` reads [`Sentence::embedding`].
    fn needs_embedding(&self) -> bool {
        self.identity().needs_embedding
    }
    /// Its pass before encoding that asks for pooled token states, if it has one (the
    /// registry's `actor_sentiment`, and `actors` with learned roles). Each such scorer
    /// sees only its own groups.
    fn span_pass(&self) -> Option<&dyn SpanPass> {
        None
    }
    /// Its pass over each document's sentences after `score`, if it has one.
    fn document_pass(&self) -> Option<&dyn DocumentPass> {
        None
    }
    /// Its pass over each paragraph's sentences after the document pass, if it has one.
    fn paragraph_pass(&self) -> Option<&dyn ParagraphPass> {
        None
    }
    /// The cells of this scorer's `--docs` columns ([`ScorerInfo::document_columns`]) for
    /// one document, from this scorer's cells of each of its sentences: exactly
    /// `document_columns.len()` cells. A scorer without `--docs` columns pushes nothing.
    fn summarize(&self, _sentences: &[&[Cell]], _out: &mut Vec<Cell>) {}
}

/// Pooled token states: named groups of byte ranges of each sentence.
pub trait SpanPass: Send + Sync {
    /// Before encoding, for every sentence of one document in order (their embeddings and
    /// spans not yet there): named groups of byte ranges of the sentence whose token
    /// states the encoder pools, each group into one vector, handed back to
    /// [`Scorer::score`] in [`Sentence::span_keys`] and [`Sentence::spans`].
    fn spans(&self, sentences: &[Sentence<'_>]) -> Vec<SpanGroups>;
}

/// Cells of a sentence that depend on the sentences before it in its document.
pub trait DocumentPass: Send + Sync {
    /// Called after `score`, before any paragraph pass, with every sentence of one
    /// document in order and this scorer's cells of each (the actors' first mentions
    /// binding later short ones). Such a scorer may leave the work to this call and push
    /// placeholder cells from `score`.
    fn document(&self, sentences: &[Sentence<'_>], cells: &mut [&mut [Cell]]);
}

/// Cells of a sentence that depend on its paragraph.
pub trait ParagraphPass: Send + Sync {
    /// Called with this scorer's cells of each sentence of one paragraph, in order (the
    /// actors carry-over).
    fn paragraph(&self, sentences: &mut [&mut [Cell]]);
}
