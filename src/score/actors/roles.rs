//! Roles, by rules on the phrases' order and the words between them: a phrase after
//! "by" in a passive clause is the source and the subject the target; otherwise the
//! first phrase that is not a place ("in Geneva", "at the UN") is the source, with the
//! phrases joined to it by "and" or commas (a compound subject), and the next phrase of
//! another actor is the target ("Seoul said Tokyo must withdraw" → KOR, JPN). A
//! target with no state of its own ("protesters") takes the source's state. See
//! `models/actors.md` for the measured accuracy and the known failure modes.
use super::phrase::Phrase;
use super::words::{word_before, words_back};

/// Words that open a leading adverbial clause ("With Chinese envoys looking on, the
/// United States accused Iran"): its actors are not the sentence's subject.
const CLAUSE_OPENERS: &[&str] = &[
    "after",
    "amid",
    "as",
    "at",
    "before",
    "despite",
    "during",
    "following",
    "hit",
    "in",
    "since",
    "under",
    "when",
    "while",
    "with",
];

/// Sectors of an agent with no state that can be the target of its sentence's source
/// ("police arrested protesters": protesters take the police's state).
const PEOPLE_SECTORS: &[&str] = &[
    "CVL", "REF", "OPP", "REB", "COP", "JUD", "LEG", "BUS", "EDU", "LAB", "HLH", "REL",
];

/// Auxiliaries of a passive clause ("was attacked by").
const AUXILIARIES: &[&str] = &[
    "was", "were", "is", "are", "been", "being", "be", "got", "get",
];

/// Whether the phrase at `i` is the agent of a passive clause: "by" right before it and an
/// auxiliary among the few words before that.
fn after_passive_by(text: &str, p: &Phrase) -> Option<usize> {
    let mut words = words_back(text, p.start);
    let (by, word) = match words.next()? {
        (_, w) if w.eq_ignore_ascii_case("the") => words.next()?,
        other => other,
    };
    if !word.eq_ignore_ascii_case("by") {
        return None;
    }
    words
        .take(4)
        .any(|(_, w)| AUXILIARIES.iter().any(|a| w.eq_ignore_ascii_case(a)))
        .then_some(by)
}

/// Whether phrases `a` and `b` (a before b) are joined as one compound role: only commas
/// and "and" between them.
fn compound(text: &str, a: &Phrase, b: &Phrase) -> bool {
    let gap = text[a.end..b.start].trim().to_lowercase();
    let gap = gap.trim_start_matches("the ").trim_end_matches(" the");
    matches!(gap, "and" | "," | ", and" | "&" | "and the")
}

/// Source and target from the phrases (indices into `phrases`). An agent phrase with no
/// state may be returned as the target: the caller gives it the source's state.
pub fn roles(text: &str, phrases: &[Phrase]) -> (Vec<usize>, Vec<usize>) {
    let known: Vec<usize> = (0..phrases.len())
        .filter(|&i| !phrases[i].code.is_empty())
        .collect();
    // A passive clause: "X was attacked by Y" → Y, X.
    for &i in &known {
        if let Some(by) = after_passive_by(text, &phrases[i]) {
            let target = known
                .iter()
                .copied()
                .find(|&j| phrases[j].end <= by && !phrases[j].place);
            let source = group(text, phrases, &known, i);
            return (
                source,
                target.map_or_else(Vec::new, |t| group(text, phrases, &known, t)),
            );
        }
    }
    // The subject: not a place, not the agent of a participle ("hit by Israeli strikes"),
    // not inside a leading adverbial clause, when the sentence has a better one.
    let clause_end = leading_clause_end(text);
    let subject = |i: &usize| {
        let p = &phrases[*i];
        !p.place && word_before(text, p.start) != "by" && clause_end.is_none_or(|e| p.start > e)
    };
    let Some(&first) = known
        .iter()
        .find(|i| subject(i))
        .or_else(|| known.iter().find(|&&i| !phrases[i].place))
    else {
        return (Vec::new(), Vec::new());
    };
    let between = word_before(text, phrases[first].start) == "between";
    let source = if between {
        vec![first]
    } else {
        group(text, phrases, &known, first)
    };
    let last = *source.last().expect("a group has its first phrase");
    let source_code = phrases[first].code.as_str();
    let source_state = phrases[first].state.as_deref();
    let target = (last + 1..phrases.len()).find(|&j| {
        let p = &phrases[j];
        if p.place || source.iter().any(|&i| phrases[i].code == p.code) {
            return false;
        }
        if p.code.is_empty() {
            // An agent with no state: the source's people ("protesters").
            return PEOPLE_SECTORS.contains(&p.sector.as_str()) && source_state.is_some();
        }
        // The source's own state again ("Italy's minister said Italian ports …") is not a
        // target, unless both name different parts of it (police → protesters).
        match (p.state.as_deref(), source_state) {
            (Some(t), Some(s)) if t == s => {
                p.code.len() > 3 && source_code.len() > 3 && p.code[3..] != source_code[3..]
            }
            _ => true,
        }
    });
    let target = match target {
        Some(t) if phrases[t].code.is_empty() => vec![t],
        Some(t) => group(text, phrases, &known, t),
        None => Vec::new(),
    };
    (source, target)
}

/// Where a leading adverbial clause ends (its comma), when the sentence opens with one.
fn leading_clause_end(text: &str) -> Option<usize> {
    let first = text
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())?
        .to_lowercase();
    if !CLAUSE_OPENERS.contains(&first.as_str()) {
        return None;
    }
    text.find(',')
}

/// The phrase `i` and the known phrases joined to it by "and" or commas.
fn group(text: &str, phrases: &[Phrase], known: &[usize], i: usize) -> Vec<usize> {
    let mut out = vec![i];
    let mut last = i;
    for &j in known.iter().filter(|&&j| j > i) {
        if compound(text, &phrases[last], &phrases[j]) {
            out.push(j);
            last = j;
        } else {
            break;
        }
    }
    out
}
