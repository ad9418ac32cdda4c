//! Word lists and word helpers the splitter decides by: titles and abbreviations around a
//! full stop, words that open a sentence or continue a time, punctuation classes. Words are
//! compared lowercased (ASCII) through a small stack buffer, never allocated.

/// The longest word that any list holds, in bytes; longer words match nothing.
pub(super) const WORD_MAX: usize = 24;

/// Words after which a full stop never ends a sentence: titles before a name, and
/// abbreviations that always introduce something ("e.g.", "vs.").
pub(super) const NEVER_ENDS: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "mmes", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt",
    "sgt", "cpl", "pvt", "pfc", "adm", "cmdr", "cdr", "brig", "sen", "rep", "gov", "pres", "amb",
    "hon", "rev", "fr", "msgr", "supt", "insp", "det", "atty", "lieut", "gens", "sens", "reps",
    "govs", "drs", "sra", "mme", "mlle", "hr", "rt", "e.g", "i.e", "vs", "viz", "cf", "approx",
    "ca",
];

/// Abbreviations that usually continue a sentence but can end one; after them a sentence
/// ends only when a typical opening word follows.
pub(super) const ABBREVIATIONS: &[&str] = &[
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
pub(super) const CAPITALISED_ABBREVIATIONS: &[&str] = &[
    "mar", "jun", "jul", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "ala", "ariz", "ark",
    "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md",
    "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex",
    "va", "vt", "wash", "wis", "wyo",
];

/// Words that typically open a sentence; they decide after an abbreviation or initial.
#[rustfmt::skip]
pub(super) const OPENERS: &[&str] = &[
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
pub(super) const TIME_CONTINUATIONS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "eastern", "pacific", "central", "mountain", "atlantic", "local",
    "today", "tonight", "tomorrow", "yesterday", "noon", "midnight",
];

/// Top-level domains that follow a full stop in an address ("Yahoo.Com").
#[rustfmt::skip]
pub(super) const TOP_LEVEL_DOMAINS: &[&str] = &[
    "com", "org", "net", "gov", "edu", "int", "info", "biz", "io", "co", "uk", "eu",
];

/// Prepositions that open a time phrase at the start of a sentence ("At 5 a.m.").
#[rustfmt::skip]
pub(super) const TIME_PREPOSITIONS: &[&str] = &[
    "at", "by", "around", "about", "before", "after", "until", "till", "from", "since",
    "shortly", "on", "starting", "beginning", "as", "of", "near",
];

/// The longest line, in bytes, read as a heading when a capitalised line follows it: a
/// hard-wrapped line of prose is longer.
pub(super) const HEADING_MAX: usize = 60;

/// Words after which a line of a list-like paragraph visibly continues on the next one.
#[rustfmt::skip]
pub(super) const CONTINUATIONS: &[&str] = &[
    "the", "a", "an", "of", "to", "and", "or", "in", "on", "for", "with", "at", "by",
    "from", "as", "but", "that", "which", "who", "is", "are", "was", "were", "be", "will",
    "its", "their", "his", "her", "into", "over",
];

pub(super) const CLOSERS: &[char] = &[
    '"', '\'', '”', '’', ')', ']', '}', '»', '›', '」', '』', '）', '】',
];
pub(super) const QUOTES: &[char] = &['"', '\'', '”', '’', '»', '›'];
pub(super) const OPENERS_PUNCT: &[char] =
    &['"', '\'', '“', '‘', '(', '[', '{', '«', '‹', '¿', '¡', '„'];

/// `word` lowercased (ASCII letters only) into `buf`; `None` when it is too long to be
/// in any list.
pub(super) fn lower<'a>(word: &str, buf: &'a mut [u8; WORD_MAX]) -> Option<&'a [u8]> {
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
pub(super) fn in_list(word: &str, list: &[&str]) -> bool {
    let mut buf = [0u8; WORD_MAX];
    lower(word, &mut buf).is_some_and(|w| listed(w, list))
}

/// Is the lowercased word `w` in `list`?
pub(super) fn listed(w: &[u8], list: &[&str]) -> bool {
    list.iter().any(|x| x.as_bytes() == w)
}

/// `s` without up to a few leading opening quotes and brackets.
pub(super) fn strip_openers(s: &str) -> &str {
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
pub(super) fn first_word(rest: &str) -> &str {
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
pub(super) fn starts_sentence(rest: &str) -> bool {
    match strip_openers(rest).chars().next() {
        None => false,
        Some(c) => !c.is_lowercase(),
    }
}

/// Does `rest` start with a capital letter (after opening quotes and brackets)?
pub(super) fn starts_capital(rest: &str) -> bool {
    strip_openers(rest)
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

/// Is the first word of `rest` the pronoun "I" ("I", "I'm", "I’ve")?
pub(super) fn pronoun_i(rest: &str) -> bool {
    let w = first_word(rest);
    w == "I" || w.starts_with("I'") || w.starts_with("I’")
}

/// A token of letters, each part between full stops one or two letters: "U.S", "a.m",
/// "J.R.R", "Ph.D".
pub(super) fn dotted(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| {
            let n = part.chars().count();
            (1..=2).contains(&n) && part.chars().all(char::is_alphabetic)
        })
}

pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}
