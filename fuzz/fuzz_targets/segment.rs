//! Any text: paragraphs and sentences keep their invariants (ordered, disjoint, trimmed,
//! non-empty, covering every non-space byte) and nothing panics.
#![no_main]
use detente::input::ParagraphRule;
use detente::text::segment::{paragraphs, sentences};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for rule in [ParagraphRule::BlankLines, ParagraphRule::Lines] {
        for p in paragraphs(text, rule) {
            let mut covered = vec![false; p.end - p.start];
            let mut last = p.start;
            for s in sentences(text, p) {
                assert!(s.start >= last && s.start < s.end && s.end <= p.end);
                let t = &text[s.start..s.end];
                assert_eq!(t, t.trim());
                covered[s.start - p.start..s.end - p.start].iter_mut().for_each(|c| *c = true);
                last = s.end;
            }
            for (i, c) in text[p.start..p.end].char_indices() {
                assert!(c.is_whitespace() || covered[i], "byte {} not covered", p.start + i);
            }
        }
    }
});
