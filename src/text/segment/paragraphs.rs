//! Paragraphs of a document (by blank lines, by lines, or the whole text) and the cut of
//! over-long sentences into pieces: the spans around and after sentence splitting.
use crate::input::ParagraphRule;

use super::span::{SentenceSpan, Span};

/// Paragraphs of `text` under `rule`, trimmed, never empty.
pub fn paragraphs(text: &str, rule: ParagraphRule) -> Vec<Span> {
    let mut out = Vec::new();
    let mut para: Option<Span> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        match trim(line, start) {
            None => {
                if let Some(p) = para.take() {
                    out.push(p);
                }
            }
            Some(span) => match rule {
                ParagraphRule::Lines => out.push(span),
                ParagraphRule::BlankLines => {
                    para = Some(match para {
                        Some(p) => Span {
                            start: p.start,
                            end: span.end,
                        },
                        None => span,
                    })
                }
            },
        }
    }
    out.extend(para);
    out
}

/// Trims `s` (which starts at byte `base`) and returns its span, or `None` if blank.
fn trim(s: &str, base: usize) -> Option<Span> {
    let t = s.trim_start();
    if t.is_empty() {
        return None;
    }
    let start = base + (s.len() - t.len());
    let end = start + t.trim_end().len();
    Some(Span { start, end })
}

/// The whole of `text` as one trimmed span (`None` if blank): `--paragraphs whole`.
pub fn whole(text: &str) -> Option<Span> {
    trim(text, 0)
}

/// Cuts every sentence longer than `max_chars` characters into pieces of at most that
/// many, each ending at the last white space that fits (or mid-word where a piece has
/// none), trimmed; pieces are marked `true`.
pub fn split_long(
    text: &str,
    spans: Vec<SentenceSpan>,
    max_chars: usize,
) -> Vec<(SentenceSpan, bool)> {
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        let t = &text[s.span.start..s.span.end];
        // Cheap test first: a span of at most max_chars bytes has at most that many chars.
        if t.len() <= max_chars || t.chars().count() <= max_chars {
            out.push((s, false));
            continue;
        }
        let mut start = s.span.start;
        while start < s.span.end {
            let rest = &text[start..s.span.end];
            let (limit, whole) = match rest.char_indices().nth(max_chars) {
                Some((i, _)) => (i, false),
                None => (rest.len(), true),
            };
            let cut = if whole {
                limit
            } else {
                // The last white space within the limit; failing that, the limit itself.
                rest[..limit]
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                    .map(|(i, _)| i)
                    .filter(|&i| i > 0)
                    .unwrap_or(limit)
            };
            let piece = rest[..cut].trim_end();
            out.push((
                SentenceSpan {
                    paragraph: s.paragraph,
                    span: Span {
                        start,
                        end: start + piece.len(),
                    },
                },
                true,
            ));
            let next = &rest[cut..];
            start += cut + (next.len() - next.trim_start().len());
        }
    }
    out
}
