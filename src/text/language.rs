//! Which language a document is in: detente's scorers read English only, so a document
//! that is confidently something else is flagged (`not_english`), and still scored.
use std::sync::OnceLock;

use rustc_hash::FxHashSet;

use super::segment::Span;

/// The body's language from its first few kilobytes, as an ISO 639-3 code, empty when
/// the detector is not confident (short texts). A document counts as English unless the
/// detector is confident it is something else.
pub fn language(text: &str, body: &[Span]) -> (String, bool) {
    let mut sample = String::new();
    for p in body {
        if sample.len() > 4096 {
            break;
        }
        sample.push_str(&text[p.start..p.end]);
        sample.push('\n');
    }
    match looks_english(&sample) {
        Some(true) => return ("eng".to_string(), true),
        None => return (String::new(), true), // too short to tell
        Some(false) => {}
    }
    match whatlang::detect(&sample) {
        Some(info) => {
            let lang = info.lang();
            if info.is_reliable() {
                (lang.code().to_string(), lang == whatlang::Lang::Eng)
            } else {
                (String::new(), true)
            }
        }
        None => (String::new(), true),
    }
}

/// A cheap first test: English prose is full of a few function words. Only text that
/// fails it goes to the (much slower) trigram detector; text under 8 words is too short
/// for either to tell (`None`).
fn looks_english(sample: &str) -> Option<bool> {
    let mut words = 0usize;
    let mut hits = 0usize;
    let mut buf = [0u8; 8];
    for w in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(400)
    {
        words += 1;
        if w.len() <= buf.len() && w.is_ascii() {
            let lw = &mut buf[..w.len()];
            lw.copy_from_slice(w.as_bytes());
            lw.make_ascii_lowercase();
            hits += usize::from(function_words().contains(&*lw));
        }
    }
    (words >= 8).then_some(hits * 8 >= words)
}

/// The few function words English prose is full of, as a set: every word of every
/// document is looked up here, and a scan of the list cost more than the rest of the test.
fn function_words() -> &'static FxHashSet<&'static [u8]> {
    const FUNCTION_WORDS: &[&str] = &[
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "with", "as", "was", "on",
        "be", "by", "are", "this", "at", "from", "has", "have", "not", "will", "said", "its",
        "their", "an", "were", "would", "i", "you", "he", "she", "we", "they", "but", "or", "so",
        "if", "all", "no", "more", "about", "what", "there", "can", "one", "his", "her", "my",
        "just", "very", "than", "too", "like", "been", "do", "does", "did", "who", "which",
        "after", "into", "out", "up", "over",
    ];
    static SET: OnceLock<FxHashSet<&'static [u8]>> = OnceLock::new();
    SET.get_or_init(|| FUNCTION_WORDS.iter().map(|w| w.as_bytes()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_decide_english_and_short_text_is_undecided() {
        let en = "The talks were held in Seoul, and the ministers said that it was a start.";
        assert_eq!(looks_english(en), Some(true));
        let de = "Die Regierung hat beschlossen, den Botschafter morgen einzubestellen.";
        assert_eq!(looks_english(de), Some(false));
        assert_eq!(looks_english("Seoul protests to Tokyo"), None);
        let set = function_words();
        assert!(set.contains(&b"the"[..]) && set.contains(&b"over"[..]) && set.contains(&b"a"[..]));
        assert!(!set.contains(&b"then"[..]) && !set.contains(&b""[..]));
    }
}
