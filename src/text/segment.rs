//! Splits a document into paragraphs and sentences, as byte spans into its text, because
//! every score is per sentence and every CSV row must map back to its document. It hands
//! on [`SentenceSpan`]s (paragraph index and absolute byte span) to tokenizing and scoring.
//!
//! Sentence splitting is rule-based and tuned for wire copy, in one linear pass over each
//! paragraph that never allocates per character:
//!
//! - A full stop ends a sentence when the next word can start one, unless it belongs to a
//!   number ("3.5"), a title that always precedes a name ("Gen.", "Lt. Col.", "e.g."), an
//!   initial ("J. R. Smith", but "you and I." ends), or an abbreviation ("U.S.", "Co.",
//!   "Jan. 5", "No. 1", "N°. 12"); after an abbreviation or initial only a typical opening
//!   word ("The", "He", "Officials") starts a new sentence. "a.m."/"p.m." end a sentence
//!   before a capitalised word unless it is a day, month or time zone ("5 p.m. Tuesday"),
//!   or the sentence so far is an opening time phrase ("At 5 a.m. Mr. Smith left.").
//!   Abbreviations include units, currencies, publications and regulations ("Rs. 500",
//!   "Eq. 2", "85 Fed. Reg. 41020") and books of the Bible before chapter:verse ("Matt.
//!   5:9"): before a number they never end a sentence. "Q." and "A." open an interview
//!   answer's sentence.
//! - A full stop glued to a capitalised word ("world.Today") ends a sentence, except
//!   inside e-mail addresses, URLs and dotted abbreviations.
//! - Reference marks glued after a terminator belong to the sentence it ends: bracketed
//!   (`2019.[3]`, `[12][13]`, `[a]`) after any terminator, one to three digits after a full
//!   stop that follows a letter or closing bracket ("annex).4"; not "3.5" or "2030.12").
//! - `!`, `?` end a sentence when the next word is not lower case ("Yahoo! in") and no
//!   dash follows ("the minister — wow! — agreed"); an
//!   ellipsis ("...", "…", ". . .") ends one before a capitalised word other than "I",
//!   an ellipsis plus full stop (four dots) before any sentence start, and "[...]" never.
//!   Ideographic "。", "！", "？" end one even with no space after them.
//! - Closing quotes and brackets stay with the sentence they close; a parenthesised
//!   citation after a closing quote ('..." (Smith 55).') stays with the quote.
//! - Lists: a sentence may start with a bullet and/or an enumerator ("1.", "2.)", "3)",
//!   "(4)", "a.", "ii.", "(iv)", "• 9."), whose full stop never ends it; once a list starts, the next
//!   enumerator ("2." after "1.") or a bullet starts a new sentence even without a full
//!   stop, and so does a new line that starts with a list item.
//! - New lines: inside prose a single new line is a hard wrap, not a boundary, except
//!   after a heading: a line of at most 60 bytes that is the whole sentence so far, with no
//!   punctuation or continuing word at its end, before a capitalised line. A
//!   paragraph of several lines with no sentence punctuation at all (a list of short
//!   items) is split at each new line, unless a line is long or visibly continues.
//!
//! Spans are in order, never overlap, never start or end with white space, and cover every
//! non-space byte of the paragraph.
use crate::input::ParagraphRule;

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

/// The whole of `text` as one trimmed span (`None` if blank): `--paragraphs whole`.
pub fn whole(text: &str) -> Option<Span> {
    trim(text, 0)
}

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

/// Sentences of the paragraph `para` of `text`, as absolute byte spans.
pub fn sentences(text: &str, para: Span) -> Vec<Span> {
    let p = &text[para.start..para.end];
    let mut s = Splitter {
        p,
        b: p.as_bytes(),
        base: para.start,
        out: Vec::new(),
        cut: 0,
        start: 0,
        expect: None,
        bulleted: false,
        line_start: 0,
        line_list: None,
    };
    s.run();
    s.out
}

// ---------------------------------------------------------------------------------------
// Word lists. Words are compared lowercased (ASCII) through a small stack buffer.

/// The longest word that any list holds, in bytes; longer words match nothing.
const WORD_MAX: usize = 24;

/// Words after which a full stop never ends a sentence: titles before a name, and
/// abbreviations that always introduce something ("e.g.", "vs.").
const NEVER_ENDS: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "mmes", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt",
    "sgt", "cpl", "pvt", "pfc", "adm", "cmdr", "cdr", "brig", "sen", "rep", "gov", "pres", "amb",
    "hon", "rev", "fr", "msgr", "supt", "insp", "det", "atty", "lieut", "gens", "sens", "reps",
    "govs", "drs", "sra", "mme", "mlle", "hr", "rt", "e.g", "i.e", "vs", "viz", "cf", "approx",
    "ca",
];

/// Abbreviations that usually continue a sentence but can end one; after them a sentence
/// ends only when a typical opening word follows.
const ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "tues", "thur", "thurs", "no",
    "nos", "vol", "vols", "p", "pp", "fig", "figs", "art", "arts", "sec", "ch", "chap", "para",
    "paras", "est", "v", "al", "inc", "corp", "co", "cos", "ltd", "llc", "plc", "bros", "dept",
    "div", "univ", "assn", "ave", "blvd", "rd", "hwy", "ste", "st", "mt", "ft", "jr", "sr", "op",
    "min", "max", "govt", "int'l", "intl", "natl", "tel", "ext", "ref", "ed", "eds", "mln", "bln",
    "bn", "km", "kg", "lb", "lbs", "oz", "c", "b", "d", "n°", "nº", "nr", "dist", "gov't", "sq",
    "mi", "yr", "yrs",
    // Currencies, equations, regulations and publications before a number or a code.
    "rs", "eq", "eqs", "eqn", "reg", "regs", "fed", "stat", "eur", "int", "j", "rep", "supp", "cl",
    "subsec", "subpara", "annex", "app",
    // Books of the Bible before chapter:verse ("Matt. 5:9").
    "matt", "mk", "lk", "jn", "rom", "cor", "gal", "eph", "phil", "thess", "tim", "heb", "jas",
    "pet", "ps", "prov", "eccl", "isa", "jer", "ezek", "dan", "hos", "exod", "lev", "num", "deut",
    "josh", "judg", "sam", "kgs", "chr", "neh", "esth",
];

/// Abbreviations that count only when capitalised, since lowercased they are words
/// ("He sat." is not "Sat."): days, months, US states in wire style.
const CAPITALISED_ABBREVIATIONS: &[&str] = &[
    "mar", "jun", "jul", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "ala", "ariz", "ark",
    "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md",
    "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex",
    "va", "vt", "wash", "wis", "wyo",
];

/// Words that typically open a sentence; they decide after an abbreviation or initial.
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these",
    "those", "there", "here", "but", "and", "or", "so", "yet", "in", "on", "at", "for",
    "if", "when", "while", "after", "before", "as", "his", "her", "its", "their", "our",
    "my", "your", "what", "why", "how", "who", "where", "which", "meanwhile", "however",
    "still", "also", "some", "many", "most", "both", "no", "not", "one", "all", "each",
    "every", "although", "though", "because", "since", "until", "during", "despite", "now",
    "then", "thus", "yes", "last", "earlier", "later", "according", "officials", "analysts",
    "experts", "police", "critics", "authorities", "residents", "witnesses", "sources",
    "investors", "diplomats", "lawmakers", "is", "are", "was", "were", "do", "does", "did",
    "can", "will", "would", "should", "could", "has", "have", "had", "let", "with",
    "without", "under", "instead", "even", "only", "other", "another", "such", "whether",
    "neither", "either", "further", "moreover", "indeed",
];

/// Days, months and words that continue a time ("5 p.m. Tuesday", "10 a.m. Eastern").
#[rustfmt::skip]
const TIME_CONTINUATIONS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "eastern", "pacific", "central", "mountain", "atlantic", "local",
    "today", "tonight", "tomorrow", "yesterday", "noon", "midnight",
];

/// Top-level domains that follow a full stop in an address ("Yahoo.Com").
#[rustfmt::skip]
const TOP_LEVEL_DOMAINS: &[&str] = &[
    "com", "org", "net", "gov", "edu", "int", "info", "biz", "io", "co", "uk", "eu",
];

/// Prepositions that open a time phrase at the start of a sentence ("At 5 a.m.").
#[rustfmt::skip]
const TIME_PREPOSITIONS: &[&str] = &[
    "at", "by", "around", "about", "before", "after", "until", "till", "from", "since",
    "shortly", "on", "starting", "beginning", "as", "of", "near",
];

/// The longest line, in bytes, read as a heading when a capitalised line follows it: a
/// hard-wrapped line of prose is longer.
const HEADING_MAX: usize = 60;

/// Words after which a line of a list-like paragraph visibly continues on the next one.
#[rustfmt::skip]
const CONTINUATIONS: &[&str] = &[
    "the", "a", "an", "of", "to", "and", "or", "in", "on", "for", "with", "at", "by",
    "from", "as", "but", "that", "which", "who", "is", "are", "was", "were", "be", "will",
    "its", "their", "his", "her", "into", "over",
];

const CLOSERS: &[char] = &[
    '"', '\'', '”', '’', ')', ']', '}', '»', '›', '」', '』', '）', '】',
];
const QUOTES: &[char] = &['"', '\'', '”', '’', '»', '›'];
const OPENERS_PUNCT: &[char] = &['"', '\'', '“', '‘', '(', '[', '{', '«', '‹', '¿', '¡', '„'];

/// `word` lowercased (ASCII letters only) into `buf`; `None` when it is too long to be
/// in any list.
fn lower<'a>(word: &str, buf: &'a mut [u8; WORD_MAX]) -> Option<&'a [u8]> {
    let w = word.as_bytes();
    if w.len() > WORD_MAX {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    Some(&buf[..w.len()])
}

/// Is `word`, lowercased, in `list`?
fn in_list(word: &str, list: &[&str]) -> bool {
    let mut buf = [0u8; WORD_MAX];
    lower(word, &mut buf).is_some_and(|w| listed(w, list))
}

/// Is the lowercased word `w` in `list`?
fn listed(w: &[u8], list: &[&str]) -> bool {
    list.iter().any(|x| x.as_bytes() == w)
}

/// `s` without up to a few leading opening quotes and brackets.
fn strip_openers(s: &str) -> &str {
    let mut t = s;
    for _ in 0..4 {
        match t.chars().next() {
            Some(c) if OPENERS_PUNCT.contains(&c) => t = &t[c.len_utf8()..],
            _ => break,
        }
    }
    t
}

/// The first word of `rest` after opening quotes and brackets: letters, digits and
/// apostrophes, at most `WORD_MAX` bytes (a borrowed slice, never allocated).
fn first_word(rest: &str) -> &str {
    let s = strip_openers(rest);
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if !(c.is_alphanumeric() || c == '\'' || c == '’') || i + c.len_utf8() > WORD_MAX {
            break;
        }
        end = i + c.len_utf8();
    }
    &s[..end]
}

/// Can `rest` start a sentence: is its first character, after opening quotes and
/// brackets, anything but a lower-case letter?
fn starts_sentence(rest: &str) -> bool {
    match strip_openers(rest).chars().next() {
        None => false,
        Some(c) => !c.is_lowercase(),
    }
}

/// Does `rest` start with a capital letter (after opening quotes and brackets)?
fn starts_capital(rest: &str) -> bool {
    strip_openers(rest)
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

/// Is the first word of `rest` the pronoun "I" ("I", "I'm", "I’ve")?
fn pronoun_i(rest: &str) -> bool {
    let w = first_word(rest);
    w == "I" || w.starts_with("I'") || w.starts_with("I’")
}

/// A token of letters, each part between full stops one or two letters: "U.S", "a.m",
/// "J.R.R", "Ph.D".
fn dotted(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| {
            let n = part.chars().count();
            (1..=2).contains(&n) && part.chars().all(char::is_alphabetic)
        })
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// The list style of an enumerator, so that "2." follows "1." but not "1)".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// "1."
    Dot,
    /// "1.)"
    DotParen,
    /// "1)"
    Paren,
    /// "(1)"
    Parens,
}

/// An enumerator: its kind (number, lower-case letter or capital letter), style and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Enumerator {
    kind: u8,
    style: Style,
    value: u32,
}

/// A list item's opening at the start of a sentence.
struct Marker {
    /// Bytes up to the end of the marker (before the white space after it).
    end: usize,
    bullet: bool,
    number: Option<Enumerator>,
}

/// A bullet character's length at `b[i..]`, if there is one.
fn bullet_len(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i..i + 3)? {
        [0xE2, 0x80, 0xA2] // •
        | [0xE2, 0x80, 0xA3] // ‣
        | [0xE2, 0x81, 0x83] // ⁃
        | [0xE2, 0x96, 0xAA] // ▪
        | [0xE2, 0x96, 0xA0] // ■
        | [0xE2, 0x96, 0xBA] // ►
        | [0xE2, 0x97, 0x8F] // ●
        | [0xE2, 0x97, 0xA6] => Some(3), // ◦
        _ => None,
    }
}

/// An enumerator at `b[i..]` ("12.", "3.)", "4)", "(5)", "a.", "b)", "(c)", "D)") followed
/// by white space: the enumerator and the byte after it.
fn enumerator(b: &[u8], i: usize) -> Option<(Enumerator, usize)> {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let mut k = i;
    let open = at(k) == b'(';
    if open {
        k += 1;
    }
    let (kind, value) = if at(k).is_ascii_digit() {
        let mut v = 0u32;
        let s = k;
        while at(k).is_ascii_digit() && k - s < 3 {
            v = v * 10 + u32::from(at(k) - b'0');
            k += 1;
        }
        if at(k).is_ascii_digit() {
            return None;
        }
        (0u8, v)
    } else if let Some((value, len)) = roman(&b[k..]) {
        // "ii.", "iv)", "(xii)": lower-case roman numerals of two letters or more.
        k += len;
        (3u8, value)
    } else if at(k).is_ascii_lowercase() {
        k += 1;
        (1u8, u32::from(at(k - 1) - b'a') + 1)
    } else if at(k).is_ascii_uppercase() {
        k += 1;
        (2u8, u32::from(at(k - 1) - b'A') + 1)
    } else {
        return None;
    };
    let style = if open {
        if at(k) != b')' {
            return None;
        }
        k += 1;
        Style::Parens
    } else if at(k) == b'.' && at(k + 1) == b')' {
        k += 2;
        Style::DotParen
    } else if at(k) == b'.' {
        k += 1;
        Style::Dot
    } else if at(k) == b')' {
        k += 1;
        Style::Paren
    } else {
        return None;
    };
    // "A." is an initial, not a list item; "A)" and "(A)" are.
    if kind == 2 && style == Style::Dot {
        return None;
    }
    if !is_space(at(k)) {
        return None;
    }
    Some((Enumerator { kind, style, value }, k))
}

/// A lower-case roman numeral of 2 to 6 letters at the start of `b` ("ii", "iv", "xii"),
/// with its value and length; single letters are read as letters ("i.", "v.").
fn roman(b: &[u8]) -> Option<(u32, usize)> {
    let digit = |c: u8| match c {
        b'i' => Some(1),
        b'v' => Some(5),
        b'x' => Some(10),
        b'l' => Some(50),
        b'c' => Some(100),
        _ => None,
    };
    let len = b
        .iter()
        .take(7)
        .take_while(|&&c| digit(c).is_some())
        .count();
    if !(2..=6).contains(&len) {
        return None;
    }
    let values: Vec<u32> = b[..len].iter().filter_map(|&c| digit(c)).collect();
    // A numeral before a larger one is subtracted ("iv" = 5 − 1).
    let mut total = 0i64;
    for (j, &v) in values.iter().enumerate() {
        let v = i64::from(v);
        if values.get(j + 1).is_some_and(|&next| i64::from(next) > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    Some((u32::try_from(total).ok().filter(|&t| t > 0)?, len))
}

/// A list item's marker at `b[i..]`: a bullet, an enumerator, or a bullet then an
/// enumerator ("• 9.", "⁃10."); "-", "*" and "–" count as bullets before white space.
fn marker(b: &[u8], i: usize) -> Option<Marker> {
    let mut k = i;
    let mut bullet = false;
    if let Some(n) = bullet_len(b, k) {
        bullet = true;
        k += n;
    } else if (matches!(b.get(k), Some(b'-' | b'*'))
        || b.get(k..k + 3) == Some(&[0xE2, 0x80, 0x93]))
    {
        let n = if b[k] == 0xE2 { 3 } else { 1 };
        if !b.get(k + n).copied().is_some_and(is_space) {
            return None;
        }
        bullet = true;
        k += n;
    }
    let mut j = k;
    while bullet && j < b.len() && (b[j] == b' ' || b[j] == b'\t') && j - k < 4 {
        j += 1;
    }
    match enumerator(b, j) {
        Some((e, end)) => Some(Marker {
            end,
            bullet,
            number: Some(e),
        }),
        None if bullet => Some(Marker {
            end: k,
            bullet,
            number: None,
        }),
        None => None,
    }
}

/// The state of one pass over a paragraph.
struct Splitter<'a> {
    p: &'a str,
    b: &'a [u8],
    base: usize,
    out: Vec<Span>,
    /// Where the current sentence's range starts (the last cut).
    cut: usize,
    /// The current sentence's first non-space byte.
    start: usize,
    /// The enumerator that would open the next list item.
    expect: Option<Enumerator>,
    /// Whether the current list's items start with bullets.
    bulleted: bool,
    /// Where the current line starts.
    line_start: usize,
    /// Whether the paragraph is a list of lines (decided at its first new line).
    line_list: Option<bool>,
}

impl Splitter<'_> {
    fn run(&mut self) {
        let n = self.b.len();
        let mut i = self.begin(0);
        while i < n {
            i = match self.b[i] {
                b'.' | b'!' | b'?' => self.terminator(i),
                0xE2 => match self.b.get(i + 1..i + 3) {
                    Some([0x80, 0xA6] | [0x80, 0xBD]) => self.terminator(i), // … ‽
                    _ if i > self.start
                        && is_space(self.b[i - 1])
                        && bullet_len(self.b, i).is_some() =>
                    {
                        self.cut_at(i);
                        self.begin(i)
                    }
                    _ => i + 1,
                },
                0xE3 | 0xEF if cjk_terminator(self.b, i) > 0 => self.cjk_terminator(i),
                b'\n' => self.newline(i),
                b' ' | b'\t' | b'\r' if self.expect.is_some() && i > self.start => {
                    let k = i + 1;
                    if k < n && !is_space(self.b[k]) && self.expected_at(k) {
                        self.cut_at(k);
                        self.begin(k)
                    } else {
                        k
                    }
                }
                _ => i + 1,
            };
        }
        self.push(self.cut, n);
    }

    /// Pushes the trimmed range `[from, to)` if anything is left of it.
    fn push(&mut self, from: usize, to: usize) {
        let s = &self.p[from..to];
        let t = s.trim_start();
        let start = from + (s.len() - t.len());
        let end = start + t.trim_end().len();
        if start < end {
            self.out.push(Span {
                start: self.base + start,
                end: self.base + end,
            });
        }
    }

    /// Ends the current sentence at byte `at`.
    fn cut_at(&mut self, at: usize) {
        if at > self.cut {
            self.push(self.cut, at);
            self.cut = at;
        }
    }

    /// Starts a sentence at or after `at`: skips white space and a list marker; returns
    /// where scanning goes on.
    fn begin(&mut self, at: usize) -> usize {
        let s = self.skip_space(at);
        self.start = s;
        match marker(self.b, s) {
            Some(m) => {
                if let Some(e) = m.number {
                    self.expect = Some(Enumerator {
                        value: e.value + 1,
                        ..e
                    });
                }
                self.bulleted = m.bullet;
                m.end
            }
            None => s,
        }
    }

    fn skip_space(&self, at: usize) -> usize {
        let s = &self.p[at..];
        at + (s.len() - s.trim_start().len())
    }

    /// Does the next list item's enumerator (or a bullet, in a bulleted list) start at `k`?
    fn expected_at(&self, k: usize) -> bool {
        match (self.expect, enumerator(self.b, k)) {
            (Some(want), Some((got, _))) => want == got,
            _ => false,
        }
    }

    /// A run of terminators at `i`: decides whether it ends the sentence and returns where
    /// scanning goes on.
    fn terminator(&mut self, i: usize) -> usize {
        let (b, n) = (self.b, self.b.len());
        let mut j = i;
        let (mut dots, mut strong, mut spaced) = (0usize, false, false);
        while j < n {
            match b[j] {
                b'.' => dots += 1,
                b'!' | b'?' => strong = true,
                0xE2 if b.get(j + 1..j + 3) == Some(&[0x80, 0xA6]) => {
                    dots += 3;
                    j += 3;
                    continue;
                }
                0xE2 if b.get(j + 1..j + 3) == Some(&[0x80, 0xBD]) => {
                    strong = true;
                    j += 3;
                    continue;
                }
                // A spaced ellipsis ". . .": a space, then a full stop not before a word.
                b' ' if dots > 0
                    && b.get(j + 1) == Some(&b'.')
                    && !b.get(j + 2).is_some_and(u8::is_ascii_alphanumeric) =>
                {
                    spaced = true;
                }
                _ => break,
            }
            j += 1;
        }
        let attached = i > 0 && !is_space(b[i - 1]);
        // "[...]" marks an omission, never an end.
        if !strong
            && dots >= 2
            && i > 0
            && matches!(b[i - 1], b'[' | b'(')
            && matches!(b.get(j), Some(b']' | b')'))
        {
            return j + 1;
        }
        // Closing quotes and brackets stay with the sentence.
        let mut k = j;
        let mut quoted = false;
        while let Some(c) = self.p[k..].chars().next() {
            if !CLOSERS.contains(&c) {
                break;
            }
            quoted |= QUOTES.contains(&c);
            k += c.len_utf8();
        }
        if k >= n {
            return n;
        }
        let next = self.p[k..].chars().next().unwrap_or(' ');
        let glued = !next.is_whitespace();
        // A reference mark after the terminator ("2019.[3] The", "annex).4 Delegates")
        // belongs to the sentence it ends; the next capitalised word starts another.
        if glued {
            if let Some(len) = self.reference_mark(i, k) {
                let rest_at = self.skip_space(k + len);
                if rest_at >= n {
                    return n;
                }
                if rest_at > k + len && starts_capital(&self.p[rest_at..]) {
                    self.cut_at(k + len);
                    return self.begin(k + len).max(k + len);
                }
                return k + len;
            }
        }
        if glued && !(dots == 1 && !strong && k == i + 1 && self.glued_sentence(i)) {
            return k;
        }
        let rest_at = self.skip_space(k);
        if rest_at >= n {
            return n;
        }
        let rest = &self.p[rest_at..];
        let mut cut = k;
        // "the minister — wow! — agreed": an aside set off by dashes.
        let dash = rest.starts_with(['—', '–']) || rest.starts_with("- ");
        let mut ends = if strong {
            starts_sentence(rest) && !dash
        } else if dots == 1 {
            self.full_stop_ends(i, rest)
        } else if spaced && attached && dots >= 4 && b[i] == b'.' && b.get(i + 1) == Some(&b' ') {
            // "compounds. . . . The": the full stop ends the sentence, the ellipsis opens
            // the next one.
            cut = i + 1;
            starts_sentence(rest)
        } else if dots >= 4 {
            starts_sentence(rest)
        } else {
            starts_capital(rest) && !pronoun_i(rest)
        };
        if ends && quoted && rest.starts_with('(') && citation(rest) {
            ends = false;
        }
        if !ends {
            return k;
        }
        self.cut_at(cut);
        let resume = self.begin(cut);
        resume.max(k)
    }

    /// The length of a reference mark glued to the terminator run that starts at `i` and
    /// ends at `k`: a bracketed number ("[3]", "[12, 14]") after any terminator, or one to
    /// three digits after a full stop that follows a letter or a closing bracket ("annex).4",
    /// "report.12"; not "3.5" nor "2030.12", which read as numbers), then white space.
    fn reference_mark(&self, i: usize, k: usize) -> Option<usize> {
        let b = self.b;
        let spaced = |e: usize| b.get(e).is_none_or(|c| is_space(*c));
        if b.get(k) == Some(&b'[') {
            // One or more marks: "[12][13]", "[a]", "[note 2]".
            let mut e = k;
            while b.get(e) == Some(&b'[') {
                let close = b[e..].iter().take(12).position(|&c| c == b']')?;
                let inner = &b[e + 1..e + close];
                let mark = !inner.is_empty()
                    && inner
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b',' | b' ' | b'-'));
                if !mark {
                    return None;
                }
                e += close + 1;
            }
            return spaced(e).then_some(e - k);
        }
        let before = i.checked_sub(1).map(|j| b[j])?;
        if !(before.is_ascii_alphabetic() || matches!(before, b')' | b']' | b'"')) {
            return None;
        }
        let digits = b[k..]
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_digit())
            .count();
        ((1..=3).contains(&digits) && spaced(k + digits)).then_some(digits)
    }

    /// A run of ideographic terminators ("。", "！", "？") at `i`: it ends the sentence,
    /// with or without white space after it, unless the paragraph ends first or a closing
    /// quote runs straight on into more text.
    fn cjk_terminator(&mut self, i: usize) -> usize {
        let mut k = i;
        loop {
            let n = cjk_terminator(self.b, k);
            if n == 0 {
                break;
            }
            k += n;
        }
        let run_end = k;
        while let Some(c) = self.p[k..].chars().next() {
            if !CLOSERS.contains(&c) {
                break;
            }
            k += c.len_utf8();
        }
        if self.skip_space(k) >= self.b.len() {
            return self.b.len();
        }
        // "「本当ですか？」と彼は聞いた。": a closed quote that the sentence runs on from.
        if k > run_end && !self.p[k..].starts_with(char::is_whitespace) {
            return k;
        }
        self.cut_at(k);
        self.begin(k).max(k)
    }

    /// Is the full stop at `i`, glued to the next word, a sentence end ("world.Today",
    /// "1,000.That") rather than part of a name, address or abbreviation?
    fn glued_sentence(&self, i: usize) -> bool {
        let b = self.b;
        let Some(&before) = i.checked_sub(1).and_then(|k| b.get(k)) else {
            return false;
        };
        if !(before.is_ascii_lowercase() || before.is_ascii_digit()) {
            return false;
        }
        if !(b.get(i + 1).is_some_and(u8::is_ascii_uppercase)
            && b.get(i + 2).is_some_and(u8::is_ascii_lowercase))
        {
            return false;
        }
        let url = |c: &u8| matches!(c, b'@' | b'/' | b':' | b'\\' | b'_' | b'=' | b'#' | b'.');
        let Some(ws) = self.word_start(i) else {
            return false;
        };
        if b[ws..i].iter().any(url) {
            return false;
        }
        // "Yahoo.Com": a domain, not a sentence.
        let tld_len = b[i + 1..]
            .iter()
            .take(8)
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let tld = &self.p[i + 1..i + 1 + tld_len];
        if in_list(tld, TOP_LEVEL_DOMAINS) {
            return false;
        }
        let mut k = i + 1;
        while k < b.len() && !is_space(b[k]) {
            if k - i > 64
                || (url(&b[k]) && !(b[k] == b'.' && b.get(k + 1).is_none_or(|c| is_space(*c))))
            {
                return false;
            }
            k += 1;
        }
        true
    }

    /// Where the word that ends at `i` starts (after white space or the sentence start),
    /// or `None` when it is longer than 64 bytes.
    fn word_start(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let lim = self.start.max(i.saturating_sub(64));
        let mut k = i;
        while k > lim {
            if is_space(b[k - 1]) || (k >= 2 && b[k - 2] == 0xC2 && b[k - 1] == 0xA0) {
                return Some(k);
            }
            k -= 1;
        }
        (k == self.start).then_some(k)
    }

    /// Does the single full stop at `i` end the sentence, given the text `rest` after it?
    fn full_stop_ends(&self, i: usize, rest: &str) -> bool {
        if !starts_sentence(rest) {
            return false; // "e.g. something", "the U.S. economy"
        }
        let Some(ws) = self.word_start(i) else {
            return true;
        };
        let word = strip_openers(&self.p[ws..i]);
        let Some(first) = word.chars().next() else {
            return true;
        };
        let mut buf = [0u8; WORD_MAX];
        let Some(lw) = lower(word, &mut buf) else {
            return true;
        };
        if listed(lw, NEVER_ENDS) {
            return false;
        }
        let next_word = first_word(rest);
        if lw == b"a.m" || lw == b"p.m" {
            return self.time_ends(ws, rest);
        }
        let next_digit = strip_openers(rest).starts_with(|c: char| c.is_ascii_digit());
        // "said no. Sen. Smith": lower-case "no" abbreviates only before a number.
        if lw == b"no" && first == 'n' {
            return !next_digit;
        }
        if listed(lw, ABBREVIATIONS) && in_list(next_word, NEVER_ENDS) {
            return true; // "Co. Mr. Smith"; but "U.S. Sen." (dotted) stays together
        }
        if listed(lw, ABBREVIATIONS)
            || (first.is_uppercase() && listed(lw, CAPITALISED_ABBREVIATIONS))
            || dotted(word)
        {
            return !next_digit && in_list(next_word, OPENERS);
        }
        // "Q. When …? A. The ministry …": interview markers open their sentence.
        if matches!(word, "Q" | "A") && ws == self.start {
            return false;
        }
        if word.chars().count() == 1 && first.is_uppercase() {
            // "you and I." ends; "Albert I. Jones", "J. Smith" do not.
            if first == 'I' && self.previous_word_lower(ws) {
                return true;
            }
            return in_list(next_word, OPENERS);
        }
        true
    }

    /// Does the word before the one that starts at `ws` start with a lower-case letter?
    fn previous_word_lower(&self, ws: usize) -> bool {
        let b = self.b;
        let mut k = ws;
        while k > self.start && is_space(b[k - 1]) && ws - k < 64 {
            k -= 1;
        }
        let end = k;
        while k > self.start && !is_space(b[k - 1]) && end - k < 64 {
            k -= 1;
        }
        self.p
            .get(k..end)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_lowercase)
    }

    /// Does "a.m."/"p.m." (its word starting at `ws`) end the sentence before `rest`?
    fn time_ends(&self, ws: usize, rest: &str) -> bool {
        let w = first_word(rest);
        if w.is_empty()
            || w.starts_with(|c: char| c.is_ascii_digit())
            || in_list(w, TIME_CONTINUATIONS)
        {
            return false;
        }
        // Time zones: "GMT", "ET", "EDT".
        if (2..=4).contains(&w.len()) && w.bytes().all(|c| c.is_ascii_uppercase()) {
            return false;
        }
        // "Beijing time", "New York time".
        let mut r = rest;
        for _ in 0..3 {
            let t = r.trim_start();
            let wlen = t.find(char::is_whitespace).unwrap_or(t.len());
            if t[..wlen].trim_end_matches(|c: char| c.is_ascii_punctuation()) == "time" {
                return false;
            }
            r = &t[wlen..];
        }
        // "At 5 a.m. Mr. Smith went", "On Tuesday at 9 p.m. President Yoon spoke": an
        // opening time phrase, not a sentence.
        let head = &self.p[self.start..ws];
        if head.len() <= 40 {
            let mut words = head.split_whitespace();
            let n = head.split_whitespace().count();
            let first = words.next().unwrap_or("");
            if n <= 5 && (in_list(first, TIME_PREPOSITIONS) || in_list(first, TIME_CONTINUATIONS)) {
                return false;
            }
        }
        true
    }

    /// A new line at `i`: a boundary before a list item, or in a list of lines.
    fn newline(&mut self, i: usize) -> usize {
        let line_start = self.line_start;
        let k = self.skip_space(i);
        // The last new line of this run of white space starts the next line; the run is
        // passed over whole, so scanning stays linear however long it is.
        self.line_start = i + 1 + self.p[i + 1..k].rfind('\n').map_or(0, |x| x + 1);
        if k >= self.b.len() || i < self.start {
            return k.max(i + 1);
        }
        let list = *self.line_list.get_or_insert_with(|| line_list(self.p));
        let prev = self.p[line_start.max(self.start)..i].trim_end();
        let item = match marker(self.b, k) {
            Some(m) if m.bullet && m.number.is_none() && bullet_len(self.b, k).is_none() => {
                // "-" or "*": a list when the line before announces one or is an item.
                self.bulleted || prev.ends_with(':')
            }
            Some(m) => m.number.is_none_or(|e| {
                Some(e) == self.expect
                    || prev.ends_with([':', ';'])
                    || !self.p[m.end..].trim_start().starts_with(char::is_lowercase)
            }),
            None => false,
        };
        // A heading or short title line ("Key points", "Rail strike called off"): the whole
        // sentence so far, short, with no punctuation at its end and no word that
        // continues, before a line that starts with a capital.
        let heading = self.start >= line_start
            && prev.len() <= HEADING_MAX
            && !prev.ends_with(|c: char| c.is_ascii_punctuation())
            && !in_list(prev.rsplit(' ').next().unwrap_or(""), CONTINUATIONS)
            && starts_capital(&self.p[k..]);
        if item || heading || (list && !joins(prev, &self.p[k..])) {
            self.line_start = k;
            self.cut_at(k);
            return self.begin(k).max(k);
        }
        k
    }
}

/// The length of an ideographic terminator ("。", "！", "？") at `b[i..]`, or 0.
fn cjk_terminator(b: &[u8], i: usize) -> usize {
    match b.get(i..i + 3) {
        Some([0xE3, 0x80, 0x82] | [0xEF, 0xBC, 0x81] | [0xEF, 0xBC, 0x9F]) => 3,
        _ => 0,
    }
}

/// Is `p` a list of lines: several lines and no sentence punctuation at all?
fn line_list(p: &str) -> bool {
    p.contains('\n')
        && !p.bytes().any(|c| matches!(c, b'.' | b'!' | b'?'))
        && !p.contains(['…', '‽', '。', '！', '？'])
}

/// In a list of lines, does the line `prev` run on into the next line `next`?
fn joins(prev: &str, next: &str) -> bool {
    if prev.chars().count() >= 40 || prev.ends_with([',', ';', '-', '–', '—', '&', '/', '(']) {
        return true; // a long line is a hard wrap
    }
    let last = prev.rsplit(char::is_whitespace).next().unwrap_or("");
    let first = next.split(char::is_whitespace).next().unwrap_or("");
    in_list(last, CONTINUATIONS)
        || (first.starts_with(char::is_lowercase) && in_list(first, CONTINUATIONS))
}

/// Is `rest` a short parenthesised citation ending a quote: "(Smith 55)." or "(AP)."?
fn citation(rest: &str) -> bool {
    let b = rest.as_bytes();
    for (k, &c) in b.iter().enumerate().skip(1).take(64) {
        match c {
            b')' => {
                return matches!(b.get(k + 1), Some(b'.' | b'!' | b'?'))
                    && b.get(k + 2).is_none_or(|c| is_space(*c))
            }
            b'(' | b'.' | b'!' | b'?' | b'\n' => return false,
            _ => {}
        }
    }
    false
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

    /// Sentences with every run of white space collapsed to one space.
    fn split_norm(text: &str) -> Vec<String> {
        split(text)
            .iter()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    #[track_caller]
    fn check(text: &str, want: &[&str]) {
        assert_eq!(split_norm(text), want, "in {text:?}");
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
    // Cases in the style of the Golden Rules, written for this suite so that it tests the
    // segmenter where the shared rule file is absent.

    #[test]
    fn golden_like_terminators() {
        check(
            "The envoy left. Her deputy stayed.",
            &["The envoy left.", "Her deputy stayed."],
        );
        check(
            "Who called the meeting? Nobody knows.",
            &["Who called the meeting?", "Nobody knows."],
        );
        check(
            "There they are! We found them.",
            &["There they are!", "We found them."],
        );
        check("Really!! Nobody came.", &["Really!!", "Nobody came."]);
        check("Really?? Who said so?", &["Really??", "Who said so?"]);
        check("Really!? Are you sure?", &["Really!?", "Are you sure?"]);
        check("Really?! Are you sure?", &["Really?!", "Are you sure?"]);
        check(
            "He worked at Yahoo! for a decade.",
            &["He worked at Yahoo! for a decade."],
        );
    }

    #[test]
    fn golden_like_abbreviations() {
        check(
            "The report was written by Maria T. Lopez.",
            &["The report was written by Maria T. Lopez."],
        );
        check("See p. 12 of the report.", &["See p. 12 of the report."]);
        check(
            "Did the minister and co. arrive late?",
            &["Did the minister and co. arrive late?"],
        );
        check(
            "Ask the minister and co. They will know.",
            &["Ask the minister and co.", "They will know."],
        );
        check(
            "Hyundai Motor Co. said on Monday it would invest.",
            &["Hyundai Motor Co. said on Monday it would invest."],
        );
        check(
            "The deal was signed with Hyundai Motor Co. It was worth billions.",
            &[
                "The deal was signed with Hyundai Motor Co.",
                "It was worth billions.",
            ],
        );
        check(
            "We could see Mt. Halla from the ferry.",
            &["We could see Mt. Halla from the ferry."],
        );
        check(
            "St. Mary's Hospital is on Elm st. past the bridge.",
            &["St. Mary's Hospital is on Elm st. past the bridge."],
        );
        check(
            "This is Martin Luther King Jr.'s speech.",
            &["This is Martin Luther King Jr.'s speech."],
        );
        check(
            "He studied in the U.K. last year.",
            &["He studied in the U.K. last year."],
        );
        check(
            "She lives in the E.U. Where do you live?",
            &["She lives in the E.U.", "Where do you live?"],
        );
        check(
            "We met in the U.S. How was your trip?",
            &["We met in the U.S.", "How was your trip?"],
        );
        check(
            "She joined the U.S. Treasury in Washington.",
            &["She joined the U.S. Treasury in Washington."],
        );
        check(
            "They have traded with the U.S. for decades.",
            &["They have traded with the U.S. for decades."],
        );
        check(
            "By 7 a.m. Mr. Park had left the office. He came back at 4 P.M. Ms. Park was waiting.",
            &[
                "By 7 a.m. Mr. Park had left the office.",
                "He came back at 4 P.M.",
                "Ms. Park was waiting.",
            ],
        );
        check(
            "The winners were Kim and I. Have you met Charles I. Park?",
            &[
                "The winners were Kim and I.",
                "Have you met Charles I. Park?",
            ],
        );
    }

    #[test]
    fn golden_like_numbers_addresses_and_quotes() {
        check(
            "The fund holds $250.75 in cash.",
            &["The fund holds $250.75 in cash."],
        );
        check(
            "The fund holds $250.75. It is small.",
            &["The fund holds $250.75.", "It is small."],
        );
        check(
            "The buoy sits at N°. 3412.118.907. Divers found it.",
            &["The buoy sits at N°. 3412.118.907.", "Divers found it."],
        );
        check(
            "Write to Min.Ho@example.org. She answers fast.",
            &["Write to Min.Ho@example.org.", "She answers fast."],
        );
        check(
            "The form is at: http://www.gov.example.42.kr/forms/visa_form.pdf. Print it out.",
            &[
                "The form is at: http://www.gov.example.42.kr/forms/visa_form.pdf.",
                "Print it out.",
            ],
        );
        check(
            "The envoy (She had served in Cairo for years.) was recalled.",
            &["The envoy (She had served in Cairo for years.) was recalled."],
        );
        check(
            "He looked up, 'We are done.' he said.",
            &["He looked up, 'We are done.' he said."],
        );
        check(
            "He looked up, \"We are done.\" he said.",
            &["He looked up, \"We are done.\" he said."],
        );
        check(
            "He looked up, \"We are done.\" Then he left the room.",
            &["He looked up, \"We are done.\"", "Then he left the room."],
        );
    }

    #[test]
    fn golden_like_lists() {
        check(
            "1.) Check the draft 2.) Sign the draft",
            &["1.) Check the draft", "2.) Sign the draft"],
        );
        check(
            "1.) Check the draft. 2.) Sign the draft.",
            &["1.) Check the draft.", "2.) Sign the draft."],
        );
        check(
            "1) Check the draft 2) Sign the draft",
            &["1) Check the draft", "2) Sign the draft"],
        );
        check(
            "1) Check the draft. 2) Sign the draft.",
            &["1) Check the draft.", "2) Sign the draft."],
        );
        check(
            "1. Check the draft 2. Sign the draft",
            &["1. Check the draft", "2. Sign the draft"],
        );
        check(
            "1. Check the draft. 2. Sign the draft.",
            &["1. Check the draft.", "2. Sign the draft."],
        );
        check(
            "• 3. Check the draft • 4. Sign the draft",
            &["• 3. Check the draft", "• 4. Sign the draft"],
        );
        check(
            "⁃3. Check the draft ⁃4. Sign the draft",
            &["⁃3. Check the draft", "⁃4. Sign the draft"],
        );
        check(
            "a. Check the draft b. Sign the draft c. File the draft",
            &[
                "a. Check the draft",
                "b. Sign the draft",
                "c. File the draft",
            ],
        );
        check(
            "(1) Check the draft (2) Sign the draft",
            &["(1) Check the draft", "(2) Sign the draft"],
        );
    }

    #[test]
    fn golden_like_new_lines() {
        check(
            "The talks were cut\noff by the storm.",
            &["The talks were cut off by the storm."],
        );
        check(
            "It was a long \nday in the capital.",
            &["It was a long day in the capital."],
        );
        check(
            "agenda\nnuclear talks\ntrade, tariffs\n",
            &["agenda", "nuclear talks", "trade, tariffs"],
        );
    }

    #[test]
    fn golden_like_ellipses_and_glued_sentences() {
        check(
            "He wrote that “the talks will resume soon. . . .”",
            &["He wrote that “the talks will resume soon. . . .”"],
        );
        check(
            "\"The envoy [...] rejected the plan [...]\" (Lee 12).",
            &["\"The envoy [...] rejected the plan [...]\" (Lee 12)."],
        );
        check(
            "The minister paused . . . . Then she spoke.",
            &["The minister paused . . . .", "Then she spoke."],
        );
        check(
            "We never agreed to that.... The talks ended.",
            &["We never agreed to that....", "The talks ended."],
        );
        check(
            "It was ... well, a surprise...really . . . and then . . . I left the room.",
            &["It was ... well, a surprise...really . . . and then . . . I left the room."],
        );
        check(
            "The delegates waited . . . for hours in the hall. . . . The vote came late. . . .",
            &[
                "The delegates waited . . . for hours in the hall.",
                ". . . The vote came late. . . .",
            ],
        );
        check(
            "Talks ended.Tomorrow is Friday.Dr. Kim left with 2,000.Nobody stayed.",
            &[
                "Talks ended.",
                "Tomorrow is Friday.",
                "Dr. Kim left with 2,000.",
                "Nobody stayed.",
            ],
        );
    }

    // -----------------------------------------------------------------------------------
    // Wire-copy regressions, each named after what it pins.

    #[test]
    fn titles_before_names() {
        check(
            "Defence Minister Gen. Nakatani met Sen. Chuck Schumer and Gov. Kathy Hochul. Lt. Col. John Smith was also there.",
            &["Defence Minister Gen. Nakatani met Sen. Chuck Schumer and Gov. Kathy Hochul.", "Lt. Col. John Smith was also there."],
        );
        check(
            "Sgt. Maj. Ray and Cpl. Diaz were injured. Adm. Kirby spoke.",
            &[
                "Sgt. Maj. Ray and Cpl. Diaz were injured.",
                "Adm. Kirby spoke.",
            ],
        );
        check(
            "He met with Pres. Macron and Amb. Kim in Paris.",
            &["He met with Pres. Macron and Amb. Kim in Paris."],
        );
        check(
            "She earned a Ph.D. in economics. Dr. Lee then joined the IMF.",
            &[
                "She earned a Ph.D. in economics.",
                "Dr. Lee then joined the IMF.",
            ],
        );
        check(
            "He said no. Sen. Smith disagreed.",
            &["He said no.", "Sen. Smith disagreed."],
        );
    }

    #[test]
    fn country_acronyms_mid_and_end_of_sentence() {
        check(
            "U.S. officials met in Washington. Talks went well.",
            &["U.S. officials met in Washington.", "Talks went well."],
        );
        check(
            "He arrived in the U.S. The talks began.",
            &["He arrived in the U.S.", "The talks began."],
        );
        check(
            "He flew to the U.K. Officials said the visit was private.",
            &[
                "He flew to the U.K.",
                "Officials said the visit was private.",
            ],
        );
        check(
            "It happened in the U.S. But Europe was different.",
            &["It happened in the U.S.", "But Europe was different."],
        );
        check(
            "The U.S. Treasury said it would act. He met U.S. Sen. John Thune.",
            &[
                "The U.S. Treasury said it would act.",
                "He met U.S. Sen. John Thune.",
            ],
        );
        check(
            "The vote in the U.N. General Assembly was 141-5. Russia voted against.",
            &[
                "The vote in the U.N. General Assembly was 141-5.",
                "Russia voted against.",
            ],
        );
        check(
            "He works for the U.N. in New York.",
            &["He works for the U.N. in New York."],
        );
        check(
            "The talks ended in Washington, D.C. The next round is in Seoul.",
            &[
                "The talks ended in Washington, D.C.",
                "The next round is in Seoul.",
            ],
        );
        check(
            "The U.S.-led coalition struck at night.",
            &["The U.S.-led coalition struck at night."],
        );
    }

    #[test]
    fn datelines() {
        check(
            "SEOUL — North Korea fired a missile on Tuesday. Japan protested.",
            &[
                "SEOUL — North Korea fired a missile on Tuesday.",
                "Japan protested.",
            ],
        );
        check(
            "WASHINGTON (Reuters) - U.S. President Joe Biden said on Monday he would meet Xi. The talks are set for Nov. 15.",
            &["WASHINGTON (Reuters) - U.S. President Joe Biden said on Monday he would meet Xi.", "The talks are set for Nov. 15."],
        );
        check(
            "BEIJING, Oct. 5 (Xinhua) -- China's exports rose. The data surprised analysts.",
            &[
                "BEIJING, Oct. 5 (Xinhua) -- China's exports rose.",
                "The data surprised analysts.",
            ],
        );
        check(
            "KYIV, Ukraine (AP) — Russian forces attacked. Ukraine said 5 people died.",
            &[
                "KYIV, Ukraine (AP) — Russian forces attacked.",
                "Ukraine said 5 people died.",
            ],
        );
    }

    #[test]
    fn quote_full_stop_then_attribution() {
        check(
            "\"It is time.\" he said, adding that talks would resume.",
            &["\"It is time.\" he said, adding that talks would resume."],
        );
        check(
            "\"It is time,\" he said. \"We are ready.\"",
            &["\"It is time,\" he said.", "\"We are ready.\""],
        );
        check(
            "\"It is time.\" He left the room.",
            &["\"It is time.\"", "He left the room."],
        );
        check(
            "Asked about it, he said: “No comment.” He then walked away.",
            &[
                "Asked about it, he said: “No comment.”",
                "He then walked away.",
            ],
        );
        check(
            "\"Why now?\" he asked. Nobody knew!",
            &["\"Why now?\" he asked.", "Nobody knew!"],
        );
        check(
            "He asked, \"Is this the end?\" and left.",
            &["He asked, \"Is this the end?\" and left."],
        );
        check(
            "Trump said \"no.\" The reporters laughed.",
            &["Trump said \"no.\"", "The reporters laughed."],
        );
        check(
            "Japan would \"respond firmly\". The ministry declined to comment.",
            &[
                "Japan would \"respond firmly\".",
                "The ministry declined to comment.",
            ],
        );
        check(
            "He called it “a lie.” (Reuters 2023). Kyiv denied it.",
            &["He called it “a lie.” (Reuters 2023).", "Kyiv denied it."],
        );
    }

    #[test]
    fn roman_numerals_and_reference_marks() {
        assert_eq!(roman(b"iv. x"), Some((4, 2)));
        assert_eq!(roman(b"xii) y"), Some((12, 3)));
        assert_eq!(roman(b"i. z"), None);
        check(
            "iv. Members meet twice a year.\nv. Decisions need a majority.",
            &[
                "iv. Members meet twice a year.",
                "v. Decisions need a majority.",
            ],
        );
        check(
            "It was adopted in 2008.[12][13] Take-up was slow.",
            &["It was adopted in 2008.[12][13]", "Take-up was slow."],
        );
        check(
            "See the annex.4 Delegates agreed. The rate rose 3.5 percent.",
            &[
                "See the annex.4",
                "Delegates agreed.",
                "The rate rose 3.5 percent.",
            ],
        );
        check(
            "Key points\nThe ministry said so.",
            &["Key points", "The ministry said so."],
        );
    }

    #[test]
    fn numbered_and_bulleted_lists() {
        check("1. Open the talks.", &["1. Open the talks."]);
        check(
            "The plan has three parts: 1. a ceasefire, 2. talks and 3. elections.",
            &["The plan has three parts: 1. a ceasefire, 2. talks and 3. elections."],
        );
        check(
            "The ministers agreed on:\n1. a ceasefire;\n2. a prisoner swap.",
            &[
                "The ministers agreed on:",
                "1. a ceasefire;",
                "2. a prisoner swap.",
            ],
        );
        check(
            "1) Ceasefire\n2) Prisoner exchange\n3) Elections",
            &["1) Ceasefire", "2) Prisoner exchange", "3) Elections"],
        );
        check(
            "Key points:\n- Talks resumed\n- A ceasefire was agreed",
            &["Key points:", "- Talks resumed", "- A ceasefire was agreed"],
        );
        check(
            "• Talks resumed in Geneva.\n• A ceasefire was agreed.",
            &["• Talks resumed in Geneva.", "• A ceasefire was agreed."],
        );
    }

    #[test]
    fn hard_wrapped_prose_is_not_split() {
        check(
            "The minister said\nthe talks would resume on Monday. Officials agreed.",
            &[
                "The minister said the talks would resume on Monday.",
                "Officials agreed.",
            ],
        );
        check(
            "WASHINGTON (Reuters) - The United States and\nJapan agreed on Friday to expand\nmilitary cooperation. China objected.",
            &["WASHINGTON (Reuters) - The United States and Japan agreed on Friday to expand military cooperation.", "China objected."],
        );
        check(
            "He arrived in the U.S.\nofficials said.",
            &["He arrived in the U.S. officials said."],
        );
        check(
            "Reporting by Jane Doe; Editing by John Smith",
            &["Reporting by Jane Doe; Editing by John Smith"],
        );
    }

    #[test]
    fn urls_and_emails() {
        check(
            "Read more at https://www.reuters.com/world/asia. Or e-mail press@un.org. Thanks.",
            &[
                "Read more at https://www.reuters.com/world/asia.",
                "Or e-mail press@un.org.",
                "Thanks.",
            ],
        );
        check(
            "See example.com for more. Thanks.",
            &["See example.com for more.", "Thanks."],
        );
        check(
            "Email john.smith@example.com. Call at 5 p.m. Eastern.",
            &["Email john.smith@example.com.", "Call at 5 p.m. Eastern."],
        );
        check(
            "Visit Amazon.com or Yahoo.Com today.",
            &["Visit Amazon.com or Yahoo.Com today."],
        );
    }

    #[test]
    fn times_and_dates() {
        check(
            "Posted 10/2015 - 14:24. The minister spoke at 5 p.m. Tuesday. The vote was at 10 a.m. EST. He left at 9 p.m. The session ended.",
            &["Posted 10/2015 - 14:24.", "The minister spoke at 5 p.m. Tuesday.", "The vote was at 10 a.m. EST.", "He left at 9 p.m.", "The session ended."],
        );
        check(
            "Talks end at 5 p.m. on Friday.",
            &["Talks end at 5 p.m. on Friday."],
        );
        check(
            "The talks start Jan. 5 and end Feb. 10. Ukraine is the No. 1 topic.",
            &[
                "The talks start Jan. 5 and end Feb. 10.",
                "Ukraine is the No. 1 topic.",
            ],
        );
        check(
            "Prices rose in Jan. The central bank responded.",
            &["Prices rose in Jan.", "The central bank responded."],
        );
        check(
            "At 8 a.m. President Yoon arrived. By 9 p.m. the talks had collapsed.",
            &[
                "At 8 a.m. President Yoon arrived.",
                "By 9 p.m. the talks had collapsed.",
            ],
        );
        check(
            "On Tuesday at 9 p.m. President Yoon spoke. He left at 10 p.m. Officials stayed.",
            &[
                "On Tuesday at 9 p.m. President Yoon spoke.",
                "He left at 10 p.m.",
                "Officials stayed.",
            ],
        );
        check(
            "The meeting began at 7 p.m. Beijing time and lasted an hour.",
            &["The meeting began at 7 p.m. Beijing time and lasted an hour."],
        );
        check(
            "The ceasefire took effect at 12:01 a.m. Sunday (2101 GMT Saturday).",
            &["The ceasefire took effect at 12:01 a.m. Sunday (2101 GMT Saturday)."],
        );
        check(
            "Mr. Kim, 54, arrived at 3:30 p.m. He was met by officials.",
            &[
                "Mr. Kim, 54, arrived at 3:30 p.m.",
                "He was met by officials.",
            ],
        );
        check(
            "The meeting, which ended at 11 a.m., was productive.",
            &["The meeting, which ended at 11 a.m., was productive."],
        );
    }

    #[test]
    fn number_sign_saint_and_street() {
        check(
            "The bill passed 10 to 5 (vote No. 123). Officials said it was historic.",
            &[
                "The bill passed 10 to 5 (vote No. 123).",
                "Officials said it was historic.",
            ],
        );
        check(
            "They met at St. Peter's Basilica. The church is on Main St. The pope was absent.",
            &[
                "They met at St. Peter's Basilica.",
                "The church is on Main St.",
                "The pope was absent.",
            ],
        );
        check(
            "Born in 1952 in St. Petersburg, Putin joined the KGB. He rose fast.",
            &[
                "Born in 1952 in St. Petersburg, Putin joined the KGB.",
                "He rose fast.",
            ],
        );
        check(
            "The embassy is at 1600 Pennsylvania Ave. NW in Washington.",
            &["The embassy is at 1600 Pennsylvania Ave. NW in Washington."],
        );
    }

    #[test]
    fn decimals_and_units() {
        check(
            "Growth slowed to 2.5% in Q3. Inflation was 3.1 percent. The yen fell 0.4%.",
            &[
                "Growth slowed to 2.5% in Q3.",
                "Inflation was 3.1 percent.",
                "The yen fell 0.4%.",
            ],
        );
        check(
            "Seoul's KOSPI fell 1.2 pct. to 2,450.3. Tokyo's Nikkei rose.",
            &[
                "Seoul's KOSPI fell 1.2 pct. to 2,450.3.",
                "Tokyo's Nikkei rose.",
            ],
        );
        check(
            "The rate is 5.25 pct. vs. 5.0 pct. a year ago.",
            &["The rate is 5.25 pct. vs. 5.0 pct. a year ago."],
        );
        check(
            "He said Acme Corp. would pay $1.5 bln. The shares rose 5%.",
            &[
                "He said Acme Corp. would pay $1.5 bln.",
                "The shares rose 5%.",
            ],
        );
    }

    #[test]
    fn initials() {
        check(
            "J.R.R. Tolkien wrote it. J. K. Rowling did not.",
            &["J.R.R. Tolkien wrote it.", "J. K. Rowling did not."],
        );
        check("Mr. J. R. Smith agreed.", &["Mr. J. R. Smith agreed."]);
        check(
            "The suspect, John Q. Public, was arrested. Police said he was 45.",
            &[
                "The suspect, John Q. Public, was arrested.",
                "Police said he was 45.",
            ],
        );
        check(
            "She served in World War I. The war shaped her.",
            &["She served in World War I.", "The war shaped her."],
        );
    }

    #[test]
    fn corporate_and_place_abbreviations() {
        check(
            "Apple Inc. Chief Executive Tim Cook spoke. Samsung Electronics Co. Ltd. declined to comment.",
            &["Apple Inc. Chief Executive Tim Cook spoke.", "Samsung Electronics Co. Ltd. declined to comment."],
        );
        check(
            "The ship sailed from Norfolk, Va. The crew numbered 300.",
            &[
                "The ship sailed from Norfolk, Va.",
                "The crew numbered 300.",
            ],
        );
        check(
            "He sat. The room went quiet.",
            &["He sat.", "The room went quiet."],
        );
        check(
            "The court ruled in Roe v. Wade. The case was famous.",
            &["The court ruled in Roe v. Wade.", "The case was famous."],
        );
        check(
            "Exports, e.g. Chips, rose.",
            &["Exports, e.g. Chips, rose."],
        );
    }

    #[test]
    fn ideographic_terminators() {
        check(
            "Der Minister traf sich in Berlin.\n東京とソウルは対話を再開した。次は北京だ。\nThe remarks were met with silence.",
            &["Der Minister traf sich in Berlin.", "東京とソウルは対話を再開した。", "次は北京だ。", "The remarks were met with silence."],
        );
        check(
            "「本当ですか？」と彼は聞いた。",
            &["「本当ですか？」と彼は聞いた。"],
        );
    }

    #[test]
    fn ellipses_parentheses_and_dashes() {
        check("Wait... What happened?", &["Wait...", "What happened?"]);
        check(
            "He hesitated... Then he signed. The deal was... well, complicated.",
            &[
                "He hesitated...",
                "Then he signed.",
                "The deal was... well, complicated.",
            ],
        );
        check(
            "The 2-1 vote came Wednesday… Officials said more talks would follow.",
            &[
                "The 2-1 vote came Wednesday…",
                "Officials said more talks would follow.",
            ],
        );
        check(
            "The ministers (including Mr. Lavrov) met. (The meeting lasted two hours.) Nothing was agreed.",
            &["The ministers (including Mr. Lavrov) met.", "(The meeting lasted two hours.)", "Nothing was agreed."],
        );
        check(
            "The talks — held in Geneva — failed. Another round — the fifth — is planned.",
            &[
                "The talks — held in Geneva — failed.",
                "Another round — the fifth — is planned.",
            ],
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
}
