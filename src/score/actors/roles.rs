//! Roles, by rules on the phrases' order and the words between them: a phrase after
//! "by" in a passive clause is the source and the subject the target; otherwise the
//! first phrase that is not a place ("in Geneva", "at the UN") is the source, with the
//! phrases joined to it by "and" or commas (a compound subject), and the next phrase of
//! another actor is the target ("Seoul said Tokyo must withdraw" → KOR, JPN). A
//! target with no state of its own ("protesters") takes the source's state; with no
//! target named, the state where the act happens may be the target ("arrived in Kabul"). See
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
    "CVL", "REF", "OPP", "REB", "RAD", "COP", "JUD", "LEG", "BUS", "EDU", "LAB", "HLH", "REL",
];

/// Words before a place's preposition that make the place the host of an event, of words
/// or of someone, not what is acted on ("the conference in Cairo", "said in Geneva", "born
/// in Tokyo").
const HOSTED: &[&str] = &[
    "conference",
    "talks",
    "negotiations",
    "round",
    "rounds",
    "summit",
    "meeting",
    "meetings",
    "session",
    "forum",
    "ceasefire",
    "truce",
    "statement",
    "interview",
    "speech",
    "said",
    "says",
    "told",
    "announced",
    "stated",
    "declared",
    "added",
    "spoke",
    "reported",
    "hold",
    "holds",
    "held",
    "host",
    "hosts",
    "hosted",
    "born",
    "lived",
    "lives",
    "living",
    "died",
    "based",
    "stationed",
    "located",
    "headquartered",
];

/// The words that put a phrase where its source is ("officials in Seoul", "the embassy
/// at Kabul", "a man from Calgary").
const LOCATING: &[&str] = &[
    "in", "at", "near", "inside", "outside", "from", "based", "of",
];

/// Words between the source and a place that put the place in another clause (reported
/// speech, a relative clause): "joked that the turkey served in Washington …"; so does a
/// comma ("…, according to a statement released in Vienna").
const CLAUSE_WORDS: &[&str] = &[
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "where",
    "whether",
    "if",
    "said",
    "says",
    "told",
    "joked",
    "warned",
    "asked",
    "announced",
    "stated",
    "declared",
    "added",
    "claimed",
];

/// Whether a code is a state's domestic armed or political group (`LBNREB`, `KOROPP`).
fn non_state(code: &str) -> bool {
    matches!(code.get(3..6), Some("REB" | "OPP"))
}

/// Auxiliaries of a passive clause ("was attacked by").
const AUXILIARIES: &[&str] = &[
    "was", "were", "is", "are", "been", "being", "be", "got", "get",
];

/// Whether the phrase at `i` is the agent of a passive clause: "by" right before it and an
/// auxiliary among the few words before that.
pub(super) fn after_passive_by(text: &str, p: &Phrase) -> Option<usize> {
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
pub(super) fn compound(text: &str, a: &Phrase, b: &Phrase) -> bool {
    let gap = text[a.end..b.start].trim().to_lowercase();
    let gap = gap.trim_start_matches("the ").trim_end_matches(" the");
    // "…, the Israeli army said": a trailing attribution, not a conjunct.
    matches!(gap, "and" | "," | ", and" | "&" | "and the")
        && !(gap.starts_with(',') && attributes(text, b))
}

/// Whether a verb of attribution follows the phrase ("the World Food Program (WFP)
/// said"), past a parenthesis such as its acronym.
fn attributes(text: &str, p: &Phrase) -> bool {
    let mut rest = text[p.end..].trim_start();
    if let Some(inner) = rest.strip_prefix('(') {
        rest = inner
            .find(')')
            .map_or(rest, |i| inner[i + 1..].trim_start());
    }
    let word = super::words::first_word(rest).to_lowercase();
    ATTRIBUTION.contains(&word.as_str())
}

/// Whether a phrase only reports the event or repeats a name: a trailing ", … said",
/// an acronym in parentheses, or the press a statement is made to. Never a target,
/// whoever picks it (rules or head).
pub(super) fn reports(text: &str, p: &Phrase) -> bool {
    trailing_attribution(text, p) || parenthetical(text, p) || audience(text, p)
}

/// The press as the audience of a statement ("… the Fijian prime minister told
/// reporters", "told the journalists"): CAMEO codes no target for it. A state or office
/// told something ("told Iran") stays a target.
fn audience(text: &str, p: &Phrase) -> bool {
    let before = text[..p.start].trim_end().to_lowercase();
    let before = before.strip_suffix(" the").unwrap_or(&before);
    p.sector.ends_with("MED")
        && ["told", "briefed", "addressed"]
            .iter()
            .any(|v| before == *v || before.ends_with(&format!(" {v}")))
}

/// A phrase alone in parentheses: the acronym of the name before it ("the World Food
/// Program (WFP)"), not another actor.
fn parenthetical(text: &str, p: &Phrase) -> bool {
    text[..p.start].trim_end().ends_with('(') && text[p.end..].trim_start().starts_with(')')
}

/// A phrase that closes the sentence as the source of the information ("…, the World
/// Food Program said on Monday", "…, a spokeswoman for the U.S. embassy said"): a verb of
/// attribution after it, and a comma before it with at most five words between.
fn trailing_attribution(text: &str, p: &Phrase) -> bool {
    let Some(comma) = text[..p.start].rfind(',') else {
        return false;
    };
    let words = text[comma + 1..p.start].split_whitespace().count();
    words <= 5 && attributes(text, p)
}

/// Verbs that make a phrase after a comma the source of the information, not an actor of
/// the event ("…, Palestinian officials said").
const ATTRIBUTION: &[&str] = &[
    "said",
    "says",
    "reported",
    "reports",
    "told",
    "added",
    "announced",
];

/// Source and target from the phrases (indices into `phrases`). An agent phrase with no
/// state may be returned as the target: the caller gives it the source's state.
pub fn roles(text: &str, phrases: &[Phrase]) -> (Vec<usize>, Vec<usize>) {
    let known: Vec<usize> = (0..phrases.len())
        .filter(|&i| !phrases[i].code.is_empty())
        .collect();
    // A passive clause: "X was attacked by Y" → Y, X.
    for &i in &known {
        if let Some(by) = after_passive_by(text, &phrases[i]) {
            // A passive inside a reported or relative clause after the subject ("Russia
            // said Sudan must return a helicopter that was captured by …") is not the
            // sentence's event.
            let subordinate = known.first().is_some_and(|&f| {
                phrases[f].end < by
                    && text[phrases[f].end..by]
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| CLAUSE_WORDS.contains(&w.to_lowercase().as_str()))
            });
            if subordinate {
                continue;
            }
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
        if p.place || source.iter().any(|&i| phrases[i].code == p.code) || reports(text, p) {
            return false;
        }
        if p.code.is_empty() {
            // An agent with no state: the source's people ("protesters").
            return PEOPLE_SECTORS.contains(&p.sector.as_str()) && source_state.is_some();
        }
        // The source's own state again ("Italy's minister said Italian ports …") is not a
        // target, unless both name different parts of it (police → protesters), or one is
        // the state's rebels or opposition and the other the state (M23 → Congo).
        match (p.state.as_deref(), source_state) {
            (Some(t), Some(s)) if t == s => {
                (p.code.len() > 3 && source_code.len() > 3 && p.code[3..] != source_code[3..])
                    || (p.code != source_code && (non_state(&p.code) || non_state(source_code)))
            }
            _ => true,
        }
    });
    let target = match target {
        Some(t) if phrases[t].code.is_empty() => vec![t],
        Some(t) => group(text, phrases, &known, t),
        // A joint act of several states ("Peru and Ecuador signed a treaty in Brasilia"):
        // the place is its venue, and the partners are each other's counterpart.
        None if joint(phrases, &source) => Vec::new(),
        None => {
            // With no recipient named, the place acted in or on, also of the source's own
            // state: a state's part acting in it ("Iraq's government imposed martial law in
            // Baghdad") or the state itself in one of its regions or cities ("Russia
            // launched an offensive in Chechnya"): a same-state event, as PLOVER and
            // PETRARCH code it. The state's own name again ("foreigners living in Gabon")
            // is no target of the state itself.
            let states: Vec<&str> = source
                .iter()
                .filter(|&&i| phrases[i].code.len() <= 3)
                .filter_map(|&i| phrases[i].state.as_deref())
                .collect();
            place_as_target(text, phrases, last, &states)
                .into_iter()
                .collect()
        }
    };
    (source, target)
}

/// Whether the source names several states (a joint act when no one else is named).
fn joint(phrases: &[Phrase], source: &[usize]) -> bool {
    let first = phrases[source[0]].state.as_deref();
    source
        .iter()
        .any(|&i| phrases[i].state.is_some() && phrases[i].state.as_deref() != first)
}

/// With no recipient named, the place the act happens in or to is the target ("the
/// president arrived in Kabul" → AFG): the first state named as a place after the source,
/// not the own name of a state in `source_states` (the states of a compound source that
/// are named as states, not through a part of them; their regions and cities may be),
/// in the source's clause,
/// not the host of an event or of words, and not the source's own location ("officials in
/// Seoul", "the embassy in London": the place right after the source with only a word of
/// `LOCATING` and maybe "the" between).
fn place_as_target(
    text: &str,
    phrases: &[Phrase],
    last: usize,
    source_states: &[&str],
) -> Option<usize> {
    let j = (last + 1..phrases.len()).find(|&j| phrases[j].place)?;
    let p = &phrases[j];
    let state = p.state.as_deref()?;
    let gap = text[phrases[last].end..p.start].to_lowercase();
    let words: Vec<&str> = gap
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // A comma inside a number ("25,000 tons") parts no clauses.
    let parts = gap.char_indices().any(|(i, c)| {
        let digit = |j: Option<char>| j.is_some_and(|c| c.is_ascii_digit());
        matches!(c, ';' | ':')
            || c == ','
                && !(digit(gap[..i].chars().next_back()) && digit(gap[i + 1..].chars().next()))
    });
    // "declared a state of siege in Haiti", "announced a curfew in Kosovo": an act on the
    // place, not reported speech.
    let act = |k: usize| {
        matches!(words[k], "declared" | "announced" | "imposed")
            && words
                .get(k + 1)
                .is_some_and(|n| matches!(*n, "a" | "an" | "martial" | "war"))
    };
    let clause = (0..words.len()).any(|k| CLAUSE_WORDS.contains(&words[k]) && !act(k));
    if parts || clause {
        return None;
    }
    // Located: only a place word between ("officials in Seoul"); "captured Goma" acts on it.
    let located = j == last + 1
        && words
            .iter()
            .filter(|w| **w != "the")
            .all(|w| LOCATING.contains(w));
    let mut before = words_back(text, p.start).skip(1);
    let hosted = before
        .next()
        .is_some_and(|(_, w)| HOSTED.contains(&w.to_lowercase().as_str()));
    let own_name = !p.inside && source_states.contains(&state);
    (p.code == state && !own_name && !located && !hosted).then_some(j)
}

/// Where a leading adverbial clause ends (its comma), when the sentence opens with one.
pub(super) fn leading_clause_end(text: &str) -> Option<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A phrase over the first occurrence of `words` in `text`; `place` as the mention
    /// finder would mark it.
    fn phrase(text: &str, words: &str, code: &str, place: bool) -> Phrase {
        let start = text.find(words).expect("the words are in the text");
        let state = (code.len() >= 3).then(|| code[..3].to_string());
        Phrase {
            start,
            end: start + words.len(),
            code: code.to_string(),
            states: state.iter().cloned().collect(),
            state,
            sector: code.get(3..).unwrap_or("").to_string(),
            place,
            inside: false,
            person: None,
            agents: Vec::new(),
        }
    }

    fn codes(text: &str, phrases: &[Phrase]) -> String {
        let (s, t) = roles(text, phrases);
        let join = |ix: Vec<usize>| {
            ix.iter()
                .map(|&i| phrases[i].code.as_str())
                .collect::<Vec<_>>()
                .join(";")
        };
        format!("{} > {}", join(s), join(t))
    }

    #[test]
    fn the_press_a_statement_is_made_to_is_no_target() {
        let t = "\"Nobody should make us choose,\" the Fijian prime minister told reporters.";
        let p = phrase(t, "reporters", "FJIMED", false);
        assert!(reports(t, &p));
        let t = "The minister told the journalists that talks would resume.";
        // An agent with no state yet: no code, its sector only.
        let mut press = phrase(t, "journalists", "", false);
        press.sector = "MED".into();
        assert!(reports(t, &press));
        // A state told something is its target; the press acted on is a target.
        let t = "The Fijian prime minister told Australia to stay out.";
        assert!(!reports(t, &phrase(t, "Australia", "AUS", false)));
        let t = "Police detained reporters outside the court.";
        assert!(!reports(t, &phrase(t, "reporters", "FJIMED", false)));
    }

    #[test]
    fn a_place_is_the_target_when_no_recipient_is_named() {
        let t = "The French president arrived in Kabul on Monday.";
        let p = [
            phrase(t, "French president", "FRAGOV", false),
            phrase(t, "Kabul", "AFG", true),
        ];
        assert_eq!(codes(t, &p), "FRAGOV > AFG");
        let t = "Indian troops imposed a curfew in Sri Lanka's north.";
        let p = [
            phrase(t, "Indian troops", "INDMIL", false),
            phrase(t, "Sri Lanka", "LKA", true),
        ];
        assert_eq!(codes(t, &p), "INDMIL > LKA");
    }

    #[test]
    fn a_domestic_group_and_its_own_state() {
        let t = "The M23 seized a town from Congo.";
        let p = [
            phrase(t, "M23", "CODREB", false),
            phrase(t, "Congo", "COD", false),
        ];
        assert_eq!(codes(t, &p), "CODREB > COD");
        let t = "Nigeria attacked Boko Haram.";
        let p = [
            phrase(t, "Nigeria", "NGA", false),
            phrase(t, "Boko Haram", "NGAREB", false),
        ];
        assert_eq!(codes(t, &p), "NGA > NGAREB");
        // Same state, no sector on either side: no target.
        let t = "Japan said Japan would wait.";
        let p = [
            phrase(t, "Japan", "JPN", false),
            phrase(t, "Japan would", "JPN", false),
        ];
        assert_eq!(codes(t, &p), "JPN > ");
    }

    #[test]
    fn a_named_recipient_or_the_source_own_place_wins() {
        let t = "The Chinese foreign minister met his Russian counterpart in Geneva.";
        let p = [
            phrase(t, "Chinese foreign minister", "CHNGOV", false),
            phrase(t, "Russian counterpart", "RUSGOV", false),
            phrase(t, "Geneva", "CHE", true),
        ];
        assert_eq!(codes(t, &p), "CHNGOV > RUSGOV");
        // Where the source is, not where it acts.
        let t = "Japanese diplomats in Seoul protested on Monday.";
        let p = [
            phrase(t, "Japanese diplomats", "JPNGOV", false),
            phrase(t, "Seoul", "KOR", true),
        ];
        assert_eq!(codes(t, &p), "JPNGOV > ");
        let t = "The mayor of Paris in the United Kingdom spoke of a plan.";
        let p = [
            phrase(t, "mayor of Paris", "FRAGOV", false),
            phrase(t, "United Kingdom", "GBR", true),
        ];
        assert_eq!(codes(t, &p), "FRAGOV > ");
        // A place that hosts an event or words.
        let t = "Iran said in Geneva that it would not yield.";
        let p = [
            phrase(t, "Iran", "IRN", false),
            phrase(t, "Geneva", "CHE", true),
        ];
        assert_eq!(codes(t, &p), "IRN > ");
        // A place in another clause.
        let t = "A Turkish diplomat joked that the meal served in Washington was cold.";
        let p = [
            phrase(t, "Turkish diplomat", "TURGOV", false),
            phrase(t, "Washington", "USA", true),
        ];
        assert_eq!(codes(t, &p), "TURGOV > ");
        let t = "The Turkish envoy spoke of progress, according to a statement released in Vienna.";
        let p = [
            phrase(t, "Turkish envoy", "TURGOV", false),
            phrase(t, "Vienna", "AUT", true),
        ];
        assert_eq!(codes(t, &p), "TURGOV > ");
        // Nor is the state of any part of a compound source.
        let t = "South Korea and Japan held talks in Tokyo.";
        let p = [
            phrase(t, "South Korea", "KOR", false),
            phrase(t, "Japan", "JPN", false),
            phrase(t, "Tokyo", "JPN", true),
        ];
        assert_eq!(codes(t, &p), "KOR;JPN > ");
        // Where someone was born or is based is not acted on, even in the source's state.
        let t = "The former prime minister of Japan was born in Tokyo.";
        let p = [
            phrase(t, "prime minister of Japan", "JPNGOV", false),
            phrase(t, "Tokyo", "JPN", true),
        ];
        assert_eq!(codes(t, &p), "JPNGOV > ");
    }
}
