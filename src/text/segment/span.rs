//! The byte spans the segmenter hands on: a sentence or paragraph as a range into its
//! document's text, so that every score maps back to where it came from.

/// A byte range `[start, end)` into a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A sentence of a document: its paragraph index and byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    pub paragraph: usize,
    pub span: Span,
}
