//! The word helpers the matchers share: word boundaries around a match, the word before
//! or after a span, capitalisation.

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A name that starts (ends) with a letter must not be glued to a letter before (after)
/// it: "Oman" is not in "Woman", "US" not in "USAID".
pub(super) fn at_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    let first_word = m.chars().next().is_some_and(is_word_char);
    let last_word = m.chars().next_back().is_some_and(is_word_char);
    let before_ok = !first_word || !text[..start].chars().next_back().is_some_and(is_word_char);
    let after_ok = !last_word || !text[end..].chars().next().is_some_and(is_word_char);
    before_ok && after_ok
}

pub(super) fn last_word(s: &str) -> &str {
    let from = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '.')
        .last()
        .map_or(s.len(), |(i, _)| i);
    &s[from..]
}

pub(super) fn first_word(s: &str) -> &str {
    let to = s
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.'))
        .map_or(s.len(), |(i, _)| i);
    s[..to].trim_end_matches('.')
}

pub(super) fn capitalised(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// A proper name as news writes it: capitalised, or an Arabic article in lower case before
/// a capitalised name ("al-Qaeda", "al-Shabaab", "el-Sisi").
pub(super) fn proper(s: &str) -> bool {
    if capitalised(s) {
        return true;
    }
    let Some((article, rest)) = s.split_once('-') else {
        return false;
    };
    ARTICLES.contains(&article) && capitalised(rest)
}

/// The Arabic article as news transliterates it.
const ARTICLES: &[&str] = &["al", "el", "ad", "ar", "as", "ash", "at", "az", "an"];

/// The word right before `at` (lowercase), skipping "the".
pub(super) fn word_before(text: &str, at: usize) -> String {
    let mut words = words_back(text, at);
    let word = match words.next() {
        Some((_, w)) if w.eq_ignore_ascii_case("the") => words.next(),
        other => other,
    };
    word.map_or_else(String::new, |(_, w)| w.to_lowercase())
}

/// The words of `text[..at]` from the last one backwards, each with its byte offset in
/// `text`; read lazily, so looking at the last few costs only those.
pub(super) fn words_back(text: &str, at: usize) -> impl Iterator<Item = (usize, &str)> {
    let base = text.as_ptr() as usize;
    text[..at]
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - base, w))
}
