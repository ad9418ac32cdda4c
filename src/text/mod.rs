//! The text layer: from a decoded [`Document`] to the sentences detente scores, with their
//! byte offsets. Article structure of txt files ([`article`]: date line, headline,
//! dateline, credit, boilerplate), paragraphs and sentences ([`segment`]), dates
//! ([`dates`], the crate's one date parser) and language ([`language`]).
//!
//! It knows nothing of models or outputs: [`analyse`] is all the run asks of it.
use crate::input::Document;

pub mod article;
pub mod dates;
pub mod language;
pub mod segment;

use article::Article;
use segment::SentenceSpan;

/// Sentences longer than this (in characters) are cut at a space into pieces marked
/// `forced_split`: a 5 MB "paragraph" without a full stop must come out as rows, not as
/// one sentence that no model can read.
pub const MAX_SENTENCE_CHARS: usize = 2000;

/// How documents become sentences (`--no-split`, `--paragraphs whole`,
/// `--keep-boilerplate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TextOptions {
    /// Split paragraphs into sentences (`false`: `--no-split`).
    pub split: bool,
    /// Each document's whole text is one paragraph (`--paragraphs whole`).
    pub whole_paragraphs: bool,
    /// Score the site boilerplate of txt articles too (`--keep-boilerplate`).
    pub keep_boilerplate: bool,
}

/// What the text layer learnt about one document.
#[derive(Debug, Clone)]
pub struct DocText {
    pub article: Article,
    pub n_sentences: usize,
    /// Rows that are pieces of over-long sentences.
    pub forced_pieces: usize,
    /// ISO 639-3 code, empty when too little text to tell.
    pub lang: String,
    pub english: bool,
    /// ISO 8601 date, empty when unknown: the article's update stamp or date line (txt),
    /// else the JSONL `date` or `--date-column` value when it parses.
    pub date: String,
}

/// One document's paragraphs, article structure (txt), sentences (each with whether it is
/// a piece of an over-long one) and language.
pub fn analyse(d: &Document, opts: TextOptions) -> (DocText, Vec<(SentenceSpan, bool)>) {
    let paragraphs = if opts.whole_paragraphs {
        segment::whole(&d.text).into_iter().collect()
    } else {
        segment::paragraphs(&d.text, d.paragraphs)
    };
    let article = if d.structured && !opts.whole_paragraphs {
        article::analyse(&d.text, &paragraphs, opts.keep_boilerplate)
    } else {
        article::plain(paragraphs)
    };
    let spans = segment::sentences_of(&d.text, &article.body, opts.split);
    let (lang, english) = language::language(&d.text, &article.body);
    let spans = segment::split_long(&d.text, spans, MAX_SENTENCE_CHARS);
    let forced_pieces = spans.iter().filter(|(_, forced)| *forced).count();
    let date = if d.structured {
        article.date(&d.text)
    } else {
        dates::parse_date(&d.date)
    };
    (
        DocText {
            article,
            n_sentences: spans.len(),
            forced_pieces,
            lang,
            english,
            date: date.unwrap_or_default(),
        },
        spans,
    )
}
