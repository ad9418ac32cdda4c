//! The segmenter's invariants on any text (spans ordered, disjoint, trimmed, covering every
//! non-space byte; linear time on adversarial input) and its paragraphs. Sentence-by-sentence
//! cases are in `tests/fixtures/segment_cases.jsonl`.
use super::*;
use crate::input::ParagraphRule;

#[test]
fn paragraphs_by_blank_lines_and_by_lines() {
    let t = "One.\nstill one.\n\n  \nTwo.\n";
    let p = paragraphs(t, ParagraphRule::BlankLines);
    assert_eq!(
        p.iter().map(|s| &t[s.start..s.end]).collect::<Vec<_>>(),
        ["One.\nstill one.", "Two."]
    );
    let p = paragraphs(t, ParagraphRule::Lines);
    assert_eq!(p.len(), 3);
    let t = "Talks began. Both met.\n\nThey left.";
    let s = segment(t, ParagraphRule::BlankLines, true);
    assert_eq!(s.iter().map(|s| s.paragraph).collect::<Vec<_>>(), [0, 0, 1]);
    let s = segment(t, ParagraphRule::BlankLines, false);
    assert_eq!(
        s.iter()
            .map(|s| &t[s.span.start..s.span.end])
            .collect::<Vec<_>>(),
        ["Talks began. Both met.", "They left."]
    );
}

// -----------------------------------------------------------------------------------
// Invariants.

/// Spans are ordered, disjoint, trimmed, non-empty and cover every non-space byte.
fn check_spans(text: &str, para: Span, spans: &[Span]) {
    let mut last_end = para.start;
    let mut covered = vec![false; para.end - para.start];
    for s in spans {
        assert!(
            s.start >= last_end && s.start < s.end && s.end <= para.end,
            "{s:?} after {last_end} in {para:?}"
        );
        let t = &text[s.start..s.end];
        assert_eq!(t, t.trim(), "untrimmed span {t:?}");
        covered[s.start - para.start..s.end - para.start]
            .iter_mut()
            .for_each(|c| *c = true);
        last_end = s.end;
    }
    for (i, ch) in text[para.start..para.end].char_indices() {
        if !ch.is_whitespace() {
            assert!(covered[i], "byte {} ({ch:?}) not covered", para.start + i);
        }
    }
}

fn check_invariants(text: &str) {
    for rule in [ParagraphRule::BlankLines, ParagraphRule::Lines] {
        for para in paragraphs(text, rule) {
            check_spans(text, para, &sentences(text, para));
        }
    }
    // The whole text as one paragraph, blank lines and all.
    let whole = Span {
        start: 0,
        end: text.len(),
    };
    check_spans(text, whole, &sentences(text, whole));
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn span_invariants_on_random_text() {
    #[rustfmt::skip]
    let alphabet: &[&str] = &[
        "a", "B", ".", "!", "?", "…", " ", "  ", "\n", "\n\n", "\"", "”", "’", "(", ")", "U.S.",
        "Mr.", "3.5", "é", "日本", "\t", "...", "—", "1.", "\u{a0}", "?!", ".\"", ". . .", " . ",
        "[...]", "•", "⁃", "1)", "(2)", "2.)", "a.", "b)", "\n- ", "\n* ", "p.m.", "a.m.",
        "N°.", "world.Today", "Jr.'s", "@", "/", "http://x.y", "\u{2028}", "\u{3000}", "‽",
        "I.", " I ", "\r\n", "e.g.", "»", "“", "Com", "The", " the ", ":", ";", "\n1. ", "\n• ",
        "x", "Q", "。", "？」", "」と",
    ];
    let mut rng = Rng(0x2545F4914F6CDD1D);
    for _ in 0..20_000 {
        let mut t = String::new();
        for _ in 0..rng.below(48) {
            t.push_str(alphabet[rng.below(alphabet.len())]);
        }
        check_invariants(&t);
    }
}

#[test]
fn span_invariants_on_random_unicode() {
    let mut rng = Rng(0x9E3779B97F4A7C15);
    for _ in 0..5_000 {
        let mut t = String::new();
        for _ in 0..rng.below(64) {
            let c = match rng.below(4) {
                0 => [
                    ' ', '.', '!', '?', '\n', '"', '\'', ')', '(', '-', '•', '1', 'a', 'A',
                ][rng.below(14)],
                1 => char::from_u32(rng.below(0x80) as u32).unwrap_or(' '),
                2 => char::from_u32(0x80 + rng.below(0x3000) as u32).unwrap_or('é'),
                _ => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
            };
            t.push(c);
        }
        check_invariants(&t);
    }
}

/// One megabyte of each adversarial pattern: no panic, and linear time (a quadratic
/// pass over a megabyte would take hours; the bound is generous for debug builds).
#[test]
fn adversarial_megabyte_inputs_are_linear() {
    #[rustfmt::skip]
    let patterns: &[&str] = &[
        "word ", "x", ".", "!?", ". ", ". . ", "...", "… ", "((((", "\"", "a.", "a.Ba", "A. ",
        "U.S. ", "I. ", "1. ", "1) ", " ", "\n", " \n", "\n- ", "• ", "a.m. ", "[...] ", ".\"(",
        "e.g. ", "日本", "\u{a0}", "Yahoo.Com", "。", "？」a",
    ];
    for pat in patterns {
        let text = pat.repeat((1 << 20) / pat.len());
        let started = std::time::Instant::now();
        for rule in [ParagraphRule::BlankLines, ParagraphRule::Lines] {
            let spans = segment(&text, rule, true);
            assert!(spans
                .iter()
                .all(|s| s.span.start < s.span.end && s.span.end <= text.len()));
        }
        let whole = Span {
            start: 0,
            end: text.len(),
        };
        check_spans(&text, whole, &sentences(&text, whole));
        let took = started.elapsed();
        assert!(took.as_secs() < 20, "{pat:?} x 1 MB took {took:?}");
    }
}
