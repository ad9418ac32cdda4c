//! Splits a document into paragraphs and sentences, as byte spans into its text, because
//! every score is per sentence and every CSV row must map back to its document.
//!
//! Sentence splitting is rule-based and tuned for wire copy: a full stop ends a sentence
//! unless it belongs to a number, an initial, or an abbreviation ("Gen.", "U.S.", "Jan. 5",
//! "No. 1"); `!`, `?` and ellipses end one when the next word starts a sentence; closing
//! quotes and brackets stay with the sentence they close. Spans are in order, never
//! overlap, never start or end with white space, and cover every non-space byte of the
//! paragraph.
use crate::ingest::ParagraphRule;

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

/// Every sentence of `text`: each paragraph split into sentences, or kept whole when
/// `split` is false (already-segmented data).
pub fn segment(text: &str, rule: ParagraphRule, split: bool) -> Vec<SentenceSpan> {
    let mut out = Vec::new();
    for (i, p) in paragraphs(text, rule).into_iter().enumerate() {
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

/// Titles that precede a name: a full stop after them never ends a sentence.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt",
    "cpl", "pvt", "adm", "cmdr", "cdr", "brig", "sen", "rep", "gov", "pres", "amb", "hon", "rev",
    "fr", "st", "mt", "ft", "supt", "insp", "det", "atty", "lieut", "gens", "sens", "reps",
];

/// Abbreviations that usually continue the sentence but can end one; after them a
/// sentence ends only when a typical sentence opener follows.
const ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "no", "nos", "vol", "vols",
    "p", "pp", "fig", "figs", "art", "sec", "ch", "para", "approx", "est", "etc", "vs", "v", "cf",
    "al", "inc", "corp", "co", "ltd", "llc", "plc", "bros", "dept", "div", "univ", "assn", "ave",
    "blvd", "rd", "hwy", "jr", "sr", "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "e.u",
    "u.s.a", "d.c", "ph.d", "op", "min", "max", "govt", "int'l", "natl", "tel", "ext", "mln",
    "bln", "bn", "km", "kg", "lb", "lbs", "oz", "ca", "c", "b", "d",
];

/// Words that typically open a sentence; used to decide after an ambiguous abbreviation.
const OPENERS: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "there",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "in",
    "on",
    "at",
    "for",
    "if",
    "when",
    "while",
    "after",
    "before",
    "as",
    "his",
    "her",
    "its",
    "their",
    "our",
    "my",
    "what",
    "why",
    "how",
    "who",
    "where",
    "meanwhile",
    "however",
    "still",
    "also",
    "some",
    "many",
    "most",
    "both",
    "no",
    "not",
    "one",
    "officials",
    "analysts",
];

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '}', '»', '›'];
const OPENERS_PUNCT: &[char] = &['"', '\'', '“', '‘', '(', '[', '{', '«', '‹', '¿', '¡'];

/// Sentences of the paragraph `para` of `text`, as absolute byte spans.
pub fn sentences(text: &str, para: Span) -> Vec<Span> {
    let p = &text[para.start..para.end];
    let mut out = Vec::new();
    let mut sent_start = 0usize;
    let mut i = 0usize;
    while i < p.len() {
        let c = p[i..].chars().next().expect("char boundary");
        let is_term = matches!(c, '.' | '!' | '?' | '…' | '‽');
        if !is_term {
            i += c.len_utf8();
            continue;
        }
        // The run of terminators, then closing quotes and brackets.
        let term_start = i;
        let mut j = i;
        let mut has_strong = false;
        let mut dots = 0;
        while let Some(ch) = p[j..].chars().next() {
            match ch {
                '.' => dots += 1,
                '!' | '?' | '‽' => has_strong = true,
                '…' => dots += 3,
                _ => break,
            }
            j += ch.len_utf8();
        }
        while let Some(ch) = p[j..].chars().next() {
            if CLOSERS.contains(&ch) {
                j += ch.len_utf8();
            } else {
                break;
            }
        }
        let end = j;
        if end >= p.len() {
            break; // the paragraph's end closes the last sentence
        }
        let next = p[end..].chars().next().expect("char boundary");
        if !next.is_whitespace() {
            // "3.5", "U.S.", "example.com", "?!" inside a word: not a boundary.
            i = end.max(i + c.len_utf8());
            continue;
        }
        let rest = p[end..].trim_start();
        let next_start = p.len() - rest.len();
        let boundary = if has_strong || dots >= 2 {
            starts_sentence(rest)
        } else {
            full_stop_ends(&p[sent_start..term_start], rest)
        };
        if boundary {
            out.push(Span {
                start: para.start + sent_start,
                end: para.start + end,
            });
            sent_start = next_start;
        }
        i = next_start.max(end);
    }
    if sent_start < p.len() {
        out.push(Span {
            start: para.start + sent_start,
            end: para.end,
        });
    }
    out
}

/// Does the text after a boundary candidate start a new sentence?
fn starts_sentence(rest: &str) -> bool {
    let s = rest.trim_start_matches(OPENERS_PUNCT);
    match s.chars().next() {
        None => false,
        Some(ch) => ch.is_uppercase() || ch.is_numeric() || !ch.is_alphabetic(),
    }
}

/// The first word of `rest`, without leading quotes and trailing punctuation, lowercased.
fn first_word(rest: &str) -> String {
    let s = rest.trim_start_matches(OPENERS_PUNCT);
    let w: String = s
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '\'' || *c == '’')
        .collect();
    w.to_lowercase()
}

/// Does a single full stop after `before` (the sentence so far) end the sentence, given
/// the text `rest` that follows?
fn full_stop_ends(before: &str, rest: &str) -> bool {
    if !starts_sentence(rest) {
        return false; // "e.g. something", "the U.S. economy"
    }
    let word = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    let word = word.trim_start_matches(OPENERS_PUNCT);
    if word.is_empty() {
        return true;
    }
    // A list number at the start of a paragraph ("1. First"), or a lone number.
    if before.trim() == word && word.chars().all(|c| c.is_ascii_digit()) && word.len() <= 3 {
        return false;
    }
    let lower = word.to_lowercase();
    if TITLES.contains(&lower.as_str()) {
        return false;
    }
    let next_is_digit = rest
        .trim_start_matches(OPENERS_PUNCT)
        .starts_with(|c: char| c.is_ascii_digit());
    let opener = || OPENERS.contains(&first_word(rest).as_str());
    // Initials: "J. Smith", "Park G. Hye"; and dotted acronyms: "U.S.", "a.m.".
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    let single_initial = letters.len() == 1 && letters[0].is_uppercase();
    let dotted = word.contains('.') && word.split('.').all(|part| part.chars().count() <= 2);
    if ABBREVIATIONS.contains(&lower.as_str()) || dotted {
        return !next_is_digit && opener();
    }
    if single_initial {
        return opener();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        segment(text, ParagraphRule::BlankLines, true)
            .iter()
            .map(|s| &text[s.span.start..s.span.end])
            .collect()
    }

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
    }

    #[test]
    fn news_abbreviations() {
        assert_eq!(
            split(
                "Defence Minister Gen. Nakatani spoke. He said talks would start Jan. 5 in Seoul."
            ),
            [
                "Defence Minister Gen. Nakatani spoke.",
                "He said talks would start Jan. 5 in Seoul."
            ]
        );
        assert_eq!(
            split("U.S. officials met in Washington. Talks went well."),
            ["U.S. officials met in Washington.", "Talks went well."]
        );
        assert_eq!(
            split("He arrived in the U.S. The talks began."),
            ["He arrived in the U.S.", "The talks began."]
        );
        assert_eq!(
            split("Growth was 3.5 percent. It fell."),
            ["Growth was 3.5 percent.", "It fell."]
        );
        assert_eq!(
            split("The No. 1 priority is peace."),
            ["The No. 1 priority is peace."]
        );
        assert_eq!(
            split("Talks end at 5 p.m. on Friday."),
            ["Talks end at 5 p.m. on Friday."]
        );
        assert_eq!(
            split("Mr. J. R. Smith agreed."),
            ["Mr. J. R. Smith agreed."]
        );
    }

    #[test]
    fn quotes_and_strong_punctuation() {
        assert_eq!(
            split("\"We will talk,\" he said. \"It is time.\" Officials agreed."),
            [
                "\"We will talk,\" he said.",
                "\"It is time.\"",
                "Officials agreed."
            ]
        );
        assert_eq!(
            split("\"Why now?\" he asked. Nobody knew!"),
            ["\"Why now?\" he asked.", "Nobody knew!"]
        );
        assert_eq!(
            split("Wait... What happened?"),
            ["Wait...", "What happened?"]
        );
    }

    #[test]
    fn lists_datelines_and_urls() {
        assert_eq!(split("1. Open the talks."), ["1. Open the talks."]);
        assert_eq!(
            split("SEOUL — Talks resume. Both sides agreed."),
            ["SEOUL — Talks resume.", "Both sides agreed."]
        );
        assert_eq!(
            split("See example.com for more. Thanks."),
            ["See example.com for more.", "Thanks."]
        );
    }

    /// Spans are ordered, disjoint, trimmed, non-empty and cover every non-space byte.
    fn check_invariants(text: &str) {
        for para in paragraphs(text, ParagraphRule::BlankLines) {
            let spans = sentences(text, para);
            let mut covered = vec![false; text.len()];
            let mut last_end = para.start;
            for s in &spans {
                assert!(
                    s.start >= last_end && s.start < s.end && s.end <= para.end,
                    "{spans:?} in {text:?}"
                );
                let t = &text[s.start..s.end];
                assert_eq!(t, t.trim(), "untrimmed span {t:?}");
                covered[s.start..s.end].iter_mut().for_each(|c| *c = true);
                last_end = s.end;
            }
            for (i, ch) in text[para.start..para.end].char_indices() {
                if !ch.is_whitespace() {
                    assert!(
                        covered[para.start + i],
                        "byte {} ({ch:?}) not covered in {text:?}",
                        para.start + i
                    );
                }
            }
        }
    }

    #[test]
    fn span_invariants_on_random_text() {
        let alphabet: Vec<&str> = vec![
            "a", "B", ".", "!", "?", "…", " ", "  ", "\n", "\n\n", "\"", "”", "’", "(", ")",
            "U.S.", "Mr.", "3.5", "é", "日本", "\t", "...", "—", "1.", "\u{a0}", "?!", ".\"",
        ];
        let mut state = 0x2545F4914F6CDD1Du64;
        for _ in 0..3000 {
            let mut t = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let n = (state % 40) as usize;
            for _ in 0..n {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                t.push_str(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            check_invariants(&t);
        }
    }
}
