//! Reads the structure of a wire story (txt input) instead of treating it as flat text:
//! a leading date line, the headline, "Update:" stamps, the dateline that opens the first
//! paragraph ("SEOUL — …"), the agency credit ("— AFP", "(Reuters)") and trailing site
//! boilerplate ("Send Us Your Comments:", "See also:"). These are kept out of the scored
//! sentences but recorded per document, so nothing is silently lost; the segmenter then
//! sees only the body paragraphs, trimmed of dateline and credit.
//!
//! Every recogniser is conservative: when a line is ambiguous it stays text.
use super::dates::{month_of, parse_date, words};
use crate::text::segment::Span;

/// What was recognised in one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// The body paragraphs to segment and score, in order.
    pub body: Vec<Span>,
    pub date_line: Option<Span>,
    pub headline: Option<Span>,
    pub updates: Vec<Span>,
    /// The location of the dateline ("SEOUL").
    pub dateline: Option<Span>,
    /// The agency credit ("AFP", "Reuters"), without its dash or brackets.
    pub credit: Option<Span>,
    /// Paragraphs set aside as site boilerplate.
    pub boilerplate: Vec<Span>,
}

impl Article {
    /// The document's date as ISO 8601: the article's own update stamp wins over the
    /// page's date line (often the day the page was viewed).
    pub fn date(&self, text: &str) -> Option<String> {
        self.updates
            .iter()
            .chain(self.date_line.iter())
            .find_map(|s| parse_date(&text[s.start..s.end]))
    }

    /// Paragraphs set aside (date line, headline, stamps, boilerplate); the dateline and
    /// credit trim a paragraph rather than remove one.
    pub fn set_aside(&self) -> usize {
        self.date_line.is_some() as usize
            + self.headline.is_some() as usize
            + self.updates.len()
            + self.boilerplate.len()
    }
}

/// No structure: every paragraph is body.
pub fn plain(paragraphs: Vec<Span>) -> Article {
    Article {
        body: paragraphs,
        ..Article::default()
    }
}

/// Recognises the parts of a wire story among its paragraphs. With `keep_boilerplate`,
/// boilerplate paragraphs are recorded and also left in the body.
pub fn analyse(text: &str, paragraphs: &[Span], keep_boilerplate: bool) -> Article {
    let mut a = Article::default();
    let para = |s: &Span| &text[s.start..s.end];
    let mut first = 0;
    let mut last = paragraphs.len();

    // Header: date line, headline, update stamps, in any order, before the first body
    // paragraph; at least one body paragraph must remain.
    while first + 1 < last {
        let p = &paragraphs[first];
        let t = para(p);
        if a.date_line.is_none() && a.headline.is_none() && is_date_line(t) {
            a.date_line = Some(*p);
        } else if is_update_stamp(t) {
            a.updates.push(*p);
        } else if a.headline.is_none() && is_headline(t) {
            a.headline = Some(*p);
        } else {
            break;
        }
        first += 1;
    }

    // Trailer: boilerplate paragraphs at the end.
    let mut trailing = Vec::new();
    while last > first + 1 && is_boilerplate(para(&paragraphs[last - 1])) {
        last -= 1;
        trailing.push(paragraphs[last]);
    }
    trailing.reverse();

    let mut body: Vec<Span> = paragraphs[first..last].to_vec();
    // A credit on a paragraph of its own, or at the end of the last one.
    if let Some(lastp) = body.last().copied() {
        if let Some((credit, rest)) = credit(text, lastp) {
            a.credit = Some(credit);
            match rest {
                Some(r) => *body.last_mut().expect("non-empty") = r,
                None if body.len() > 1 => {
                    body.pop();
                }
                None => a.credit = None, // a lone credit is all there is: keep it as text
            }
        }
    }
    if let Some(firstp) = body.first().copied() {
        if let Some((loc, rest)) = dateline(text, firstp) {
            a.dateline = Some(loc.0);
            if a.credit.is_none() {
                a.credit = loc.1;
            }
            body[0] = rest;
        }
    }
    if keep_boilerplate {
        body.extend(trailing.iter().copied());
    }
    a.boilerplate = trailing;
    a.body = body;
    a
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// "Friday, December 4 2020", "4 December 2020", "2020-12-04": a short line that is a
/// date and nothing else.
fn is_date_line(t: &str) -> bool {
    if t.contains('\n') || t.chars().count() > 60 {
        return false;
    }
    for w in words(t) {
        let lw = w.trim_end_matches('.').to_ascii_lowercase();
        let known = month_of(w).is_some()
            || WEEKDAYS.iter().any(|d| d.starts_with(&lw) && lw.len() >= 3)
            || w.chars().all(|c| c.is_ascii_digit() || c == '.')
            || lw.ends_with("st") && lw[..lw.len() - 2].chars().all(|c| c.is_ascii_digit())
            || lw.ends_with("nd") && lw[..lw.len() - 2].chars().all(|c| c.is_ascii_digit())
            || lw.ends_with("rd") && lw[..lw.len() - 2].chars().all(|c| c.is_ascii_digit())
            || lw.ends_with("th") && lw[..lw.len() - 2].chars().all(|c| c.is_ascii_digit())
            || matches!(
                lw.as_str(),
                "am" | "pm" | "a.m" | "p.m" | "gmt" | "utc" | "edt" | "est" | "cet" | "kst" | "jst"
            );
        if !known {
            return false;
        }
    }
    parse_date(t).is_some()
}

/// "Update: April, 10/2015 - 14:24", "Updated 3 June 2021", "Published: …".
fn is_update_stamp(t: &str) -> bool {
    if t.contains('\n') || t.chars().count() > 80 {
        return false;
    }
    let l = t.to_ascii_lowercase();
    const PREFIXES: &[&str] = &[
        "last updated",
        "first published",
        "updated",
        "update",
        "published",
        "posted",
        "modified",
    ];
    PREFIXES.iter().any(|p| match l.strip_prefix(p) {
        Some(rest) => {
            rest.starts_with(':')
                || (rest.starts_with(char::is_whitespace) && parse_date(t).is_some())
        }
        None => false,
    })
}

/// A headline: one short line without final punctuation.
fn is_headline(t: &str) -> bool {
    let n = t.chars().count();
    if t.contains('\n') || !(8..=200).contains(&n) {
        return false;
    }
    let last = t.chars().last().unwrap_or('.');
    !matches!(
        last,
        '.' | '!' | '?' | '…' | ':' | ';' | ',' | '"' | '”' | '’' | '\'' | ')' | '-' | '—' | '–'
    ) && t.split_whitespace().count() >= 3
}

/// Site furniture after the story.
fn is_boilerplate(t: &str) -> bool {
    if t.chars().count() > 120 {
        return false;
    }
    let l = t.to_lowercase();
    const STARTS: &[&str] = &[
        "send us your comments",
        "see also",
        "related:",
        "related articles",
        "related stories",
        "read more",
        "share this",
        "share on",
        "share:",
        "subscribe",
        "sign up",
        "follow us",
        "click here",
        "advertisement",
        "copyright",
        "©",
        "all rights reserved",
        "comments",
        "leave a comment",
        "tags:",
        "more from",
        "recommended",
        "you may also like",
        "print this",
        "email this",
    ];
    STARTS.iter().any(|s| l.starts_with(s))
}

/// Agency names accepted in a credit.
fn is_agency(name: &str) -> bool {
    let n = name.trim();
    if n.is_empty() || n.len() > 40 {
        return false;
    }
    let words: Vec<&str> = n
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    (1..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase())
                && w.chars()
                    .all(|c| c.is_alphabetic() || c == '.' || c == '-' || c == '&')
        })
}

/// A credit at the end of paragraph `p`: "… held. — AFP", "(Reuters)", "— AFP" alone.
/// Returns the credit's span and what is left of the paragraph (`None`: nothing).
fn credit(text: &str, p: Span) -> Option<(Span, Option<Span>)> {
    let t = &text[p.start..p.end];
    // "(Reuters)" at the very end.
    if let Some(inner) = t.strip_suffix(')') {
        if let Some(open) = inner.rfind('(') {
            let name = &inner[open + 1..];
            let before = t[..open].trim_end();
            if is_agency(name) && (before.is_empty() || before.ends_with(['.', '!', '?', '"', '”']))
            {
                let credit = Span {
                    start: p.start + open + 1,
                    end: p.start + open + 1 + name.len(),
                };
                return Some((credit, rest_span(p, before)));
            }
        }
    }
    // "— AFP" at the end, after a sentence end or alone.
    for dash in ["—", "–", "--", "-"] {
        if let Some(pos) = t.rfind(dash) {
            let name = t[pos + dash.len()..].trim();
            let before = t[..pos].trim_end();
            let spaced = pos == 0 || t[..pos].ends_with(char::is_whitespace);
            if spaced
                && is_agency(name)
                && (before.is_empty() || before.ends_with(['.', '!', '?', '"', '”']))
            {
                let off = t.len() - t[pos + dash.len()..].trim_start().len();
                let credit = Span {
                    start: p.start + off,
                    end: p.start + off + name.len(),
                };
                return Some((credit, rest_span(p, before)));
            }
        }
    }
    None
}

fn rest_span(p: Span, before: &str) -> Option<Span> {
    if before.is_empty() {
        None
    } else {
        Some(Span {
            start: p.start,
            end: p.start + before.len(),
        })
    }
}

/// A dateline opening paragraph `p`: "SEOUL — ", "WASHINGTON (Reuters) - ",
/// "NEW YORK, June 3 (AP) — ". Returns (location, credit) and the rest of the paragraph.
#[allow(clippy::type_complexity)]
fn dateline(text: &str, p: Span) -> Option<((Span, Option<Span>), Span)> {
    let t = &text[p.start..p.end];
    let head_end = t
        .char_indices()
        .take(80)
        .last()
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let head = &t[..head_end];
    let (pos, dash) = ["—", "–", "--", " - "]
        .iter()
        .filter_map(|d| head.find(d).map(|i| (i, *d)))
        .min_by_key(|(i, _)| *i)?;
    let lead = t[..pos].trim_end();
    let after = t[pos + dash.len()..].trim_start();
    if after.is_empty()
        || !after.starts_with(|c: char| c.is_uppercase() || c.is_numeric() || c == '"' || c == '“')
    {
        return None;
    }
    // Optional "(Agency)" at the end of the lead.
    let (place, agency) = match lead
        .strip_suffix(')')
        .and_then(|l| l.rfind('(').map(|i| (l, i)))
    {
        Some((l, i)) if is_agency(&l[i + 1..]) => (l[..i].trim_end(), Some(i + 1..l.len())),
        _ => (lead, None),
    };
    // The location: capital letters (with spaces, dots, hyphens, apostrophes), optionally
    // followed by ", Month Day" or ", Country".
    let loc = place.split(',').next().unwrap_or("").trim();
    let letters = loc.chars().filter(|c| c.is_alphabetic()).count();
    let is_loc = letters >= 2
        && loc
            .chars()
            .all(|c| c.is_uppercase() || c.is_whitespace() || matches!(c, '.' | '-' | '\'' | '’'))
        && loc.split_whitespace().count() <= 4;
    if !is_loc {
        return None;
    }
    let loc_span = Span {
        start: p.start,
        end: p.start + loc.len(),
    };
    let agency_span = agency.map(|r| Span {
        start: p.start + r.start,
        end: p.start + r.end,
    });
    let rest = Span {
        start: p.end - after.len(),
        end: p.end,
    };
    Some(((loc_span, agency_span), rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::ParagraphRule;
    use crate::text::segment::paragraphs;

    const STORY: &str = "Tuesday, March 3 2026\n\n\nNeighbours agree to reopen border crossing\n\nUpdate: March, 03/2026 - 09:12\n\nVIENNA — Two states agreed on Tuesday to reopen their crossing.\n\n\"This is a first step,\" the negotiator said.\n\nTroops would pull back if the ceasefire held. — Wire\n\nSend Us Your Comments:\n\nSee also:\n";

    fn show<'a>(text: &'a str, s: &Option<Span>) -> Option<&'a str> {
        s.map(|s| &text[s.start..s.end])
    }

    #[test]
    fn wire_story_parts() {
        let a = analyse(STORY, &paragraphs(STORY, ParagraphRule::BlankLines), false);
        assert_eq!(show(STORY, &a.date_line), Some("Tuesday, March 3 2026"));
        assert_eq!(
            show(STORY, &a.headline),
            Some("Neighbours agree to reopen border crossing")
        );
        assert_eq!(a.updates.len(), 1);
        assert_eq!(show(STORY, &a.dateline), Some("VIENNA"));
        assert_eq!(show(STORY, &a.credit), Some("Wire"));
        assert_eq!(a.boilerplate.len(), 2);
        let body: Vec<&str> = a.body.iter().map(|s| &STORY[s.start..s.end]).collect();
        assert_eq!(
            body,
            [
                "Two states agreed on Tuesday to reopen their crossing.",
                "\"This is a first step,\" the negotiator said.",
                "Troops would pull back if the ceasefire held.",
            ]
        );
        assert_eq!(a.date(STORY).as_deref(), Some("2026-03-03"));
        assert_eq!(a.set_aside(), 5);
        let kept = analyse(STORY, &paragraphs(STORY, ParagraphRule::BlankLines), true);
        assert_eq!(kept.body.len(), 5);
    }

    #[test]
    fn update_stamp_wins_over_date_line() {
        let t = "Friday, December 4 2020\n\nA headline about talks here\n\nUpdate: April, 10/2015 - 14:24\n\nSEOUL — Talks began.\n";
        let a = analyse(t, &paragraphs(t, ParagraphRule::BlankLines), false);
        assert_eq!(a.date(t).as_deref(), Some("2015-04-10"));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("Friday, December 4 2020").as_deref(),
            Some("2020-12-04")
        );
        assert_eq!(parse_date("4 Dec. 2020").as_deref(), Some("2020-12-04"));
        assert_eq!(parse_date("2021-06-30").as_deref(), Some("2021-06-30"));
        assert_eq!(
            parse_date("2015-10-04T09:30:00Z").as_deref(),
            Some("2015-10-04")
        );
        assert_eq!(
            parse_date("2015-10-04 09:30").as_deref(),
            Some("2015-10-04")
        );
        assert_eq!(parse_date("February 30 2020"), None);
        assert_eq!(parse_date("no date here"), None);
    }

    #[test]
    fn datelines_and_credits() {
        let t = "WASHINGTON (Reuters) - The talks resumed.";
        let p = Span {
            start: 0,
            end: t.len(),
        };
        let ((loc, agency), rest) = dateline(t, p).unwrap();
        assert_eq!(
            (
                &t[loc.start..loc.end],
                show(t, &agency),
                &t[rest.start..rest.end]
            ),
            ("WASHINGTON", Some("Reuters"), "The talks resumed.")
        );
        let t = "NEW YORK, June 3 (AP) — Stocks rose.";
        assert_eq!(
            dateline(
                t,
                Span {
                    start: 0,
                    end: t.len()
                }
            )
            .map(|((l, _), _)| &t[l.start..l.end]),
            Some("NEW YORK")
        );
        // Ambiguous openings stay text.
        let t = "Officials — who declined to be named — said talks failed.";
        assert!(dateline(
            t,
            Span {
                start: 0,
                end: t.len()
            }
        )
        .is_none());
        let t = "He said the talks were over (for now).";
        assert!(credit(
            t,
            Span {
                start: 0,
                end: t.len()
            }
        )
        .is_none());
        let t = "The talks were over. (Reuters)";
        assert_eq!(
            credit(
                t,
                Span {
                    start: 0,
                    end: t.len()
                }
            )
            .map(|(c, _)| &t[c.start..c.end]),
            Some("Reuters")
        );
    }

    #[test]
    fn plain_prose_is_left_alone() {
        let t = "The minister arrived on Monday.\n\nShe met her counterpart.\n";
        let ps = paragraphs(t, ParagraphRule::BlankLines);
        let a = analyse(t, &ps, false);
        assert_eq!(a.body, ps);
        assert_eq!(a.set_aside(), 0);
    }
}
