//! Splits a document into paragraphs and sentences, as byte spans into its text, because
//! every score is per sentence and every CSV row must map back to its document. It hands
//! on [`SentenceSpan`]s (paragraph index and absolute byte span) to tokenizing and scoring.
//!
//! Sentence splitting is rule-based and tuned for wire copy, in one linear pass over each
//! paragraph that never allocates per character; `splitter.rs` documents the rules. The
//! folder, one concern a file: `span.rs` (the spans handed on), `paragraphs.rs` (paragraphs
//! and the cut of over-long sentences), `words.rs` (word lists and word helpers), `lists.rs`
//! (bullets, enumerators, list markers) and `splitter.rs` (the state machine).
//!
//! Spans are in order, never overlap, never start or end with white space, and cover every
//! non-space byte of the paragraph.
use crate::input::ParagraphRule;

mod lists;
mod paragraphs;
mod span;
mod splitter;
mod words;

#[cfg(test)]
mod tests;

pub use paragraphs::{paragraphs, split_long, whole};
pub use span::{SentenceSpan, Span};
pub use splitter::sentences;

/// Every sentence of `text`: each paragraph split into sentences, or kept whole when
/// `split` is false (already-segmented data).
pub fn segment(text: &str, rule: ParagraphRule, split: bool) -> Vec<SentenceSpan> {
    sentences_of(text, &paragraphs(text, rule), split)
}

/// The sentences of the given paragraphs (numbered in that order), or the paragraphs
/// themselves when `split` is false.
pub fn sentences_of(text: &str, paragraphs: &[Span], split: bool) -> Vec<SentenceSpan> {
    let mut out = Vec::new();
    for (i, &p) in paragraphs.iter().enumerate() {
        if split {
            out.extend(
                sentences(text, p)
                    .into_iter()
                    .map(|span| SentenceSpan { paragraph: i, span }),
            );
        } else {
            out.push(SentenceSpan {
                paragraph: i,
                span: p,
            });
        }
    }
    out
}
