//! A sentence's actor mentions, joined into phrases. Resolution finds every mention:
//!
//! - states, from the gazetteer (names, demonyms, capitals, seats of government);
//! - named people, from dated roles (`people.tsv`, derived from the PETRARCH2
//!   dictionaries, and `people_current.tsv` for 2016 on): the role held on the document's
//!   date, or without a date the most recent one; a surname alone (`Xi`, `Park`) for the
//!   people of `people_current.tsv`, or for anyone named in full earlier in the document;
//! - organisations and non-state armed groups (`organisations.tsv`), which stay
//!   organisations (`IGO…`, `NGO…`, `IMG…`);
//! - generic agents (`agents.tsv`: police → COP, troops → MIL, minister → GOV), which
//!   take the state beside them ("Japanese Prime Minister", "Seoul's defence ministry",
//!   "police in Seoul") or, alone, the state bound to them earlier in the document;
//!
//! and joins neighbouring ones into phrases.
use super::bindings::Bindings;
use super::gazetteer::{Gazetteer, FREE_BEFORE};
use super::names::{role_on, Named, Names};
use super::phrase::Phrase;
use super::words::{at_word_boundaries, capitalised, last_word, proper, word_before, words_back};

/// Words before a state that make it the place of the event ("talks in Geneva"); "at"
/// makes an organisation one ("at the UN"), but before a state it marks the target
/// ("fired rockets at Israel").
const PLACE_WORDS: &[&str] = &["in", "near", "outside", "inside", "throughout", "within"];

/// Words of direction between a place word and the place ("in southern Lebanon", "in
/// south Serbia").
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
];

/// The word before a phrase, past a word of direction ("in southern Lebanon" → "in").
fn place_word_before(text: &str, start: usize) -> String {
    let before = word_before(text, start);
    if !DIRECTIONS.contains(&before.as_str()) {
        return before;
    }
    words_back(text, start)
        .find(|(_, w)| w.eq_ignore_ascii_case(&before))
        .map_or(before, |(at, _)| word_before(text, at))
}

/// Words that, hyphenated after a state, make it a modifier of the actor that follows
/// ("a Damascus-based Palestinian group", "the Syrian-backed Amal militia"): the actor is
/// the group, not the state.
const MODIFIERS: &[&str] = &[
    "based",
    "backed",
    "funded",
    "sponsored",
    "supported",
    "armed",
    "trained",
    "allied",
    "aligned",
];

/// The modifier word of a gap between two mentions ("-based", "- backed" as copy breaks
/// lines), if the gap is only that.
fn modifier(gap: &str) -> bool {
    gap.strip_prefix('-')
        .map(str::trim_start)
        .is_some_and(|w| MODIFIERS.contains(&w))
}

/// Whether an agent's sector is a religion (CAMEO's religion codes).
fn religion(sector: &str) -> bool {
    ["MUS", "CHR", "JEW", "HIN", "BUD"]
        .iter()
        .any(|r| sector.starts_with(r))
}

/// One raw mention before phrases are formed.
#[derive(Debug, Clone)]
enum Kind {
    /// A state's name; "the two Koreas" names two. `true`: a place inside the state
    /// (a region or city: "Darfur", "Hebron"), which stands for where, not who.
    State(Vec<String>, bool),
    /// A full name: the code and the name.
    Person(String),
    /// A surname alone.
    Surname(String),
    Organisation(String),
    Agent(String),
}

struct Raw {
    start: usize,
    end: usize,
    kind: Kind,
}

impl Names {
    fn raw_mentions(
        &self,
        gazetteer: &Gazetteer,
        text: &str,
        date: &str,
        bindings: Option<&Bindings>,
    ) -> Vec<Raw> {
        let mut raw: Vec<Raw> = gazetteer
            .mentions(text)
            .into_iter()
            .map(|m| Raw {
                start: m.start,
                end: m.end,
                kind: Kind::State(m.codes, m.place),
            })
            .collect();
        for m in self.automaton.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            if !at_word_boundaries(text, start, end) {
                continue;
            }
            let found = &text[start..end];
            let id = m.pattern().as_usize();
            let kind = match &self.named[id] {
                Named::Person(roles) if proper(found) => {
                    let Some(role) = role_on(roles, date) else {
                        continue;
                    };
                    Kind::Person(role.code.clone())
                }
                Named::Surname(exact, roles) if found == exact => {
                    let Some(role) = role_on(roles, date) else {
                        continue;
                    };
                    Kind::Surname(role.code.clone())
                }
                Named::Organisation(code) if proper(found) => {
                    // Short names ("UN", "WHO", "NATO") only in capitals: "who" is not the
                    // WHO.
                    if self.texts[id].len() <= 4 && found != found.to_uppercase() {
                        continue;
                    }
                    Kind::Organisation(code.clone())
                }
                Named::Agent(sector) => Kind::Agent(sector.clone()),
                _ => continue,
            };
            raw.push(Raw { start, end, kind });
        }
        self.misspelled_people(text, date, &mut raw);
        if let Some(b) = bindings {
            for (surname, code) in &b.surnames {
                for (start, _) in text.match_indices(surname.as_str()) {
                    let end = start + surname.len();
                    if at_word_boundaries(text, start, end) {
                        raw.push(Raw {
                            start,
                            end,
                            kind: Kind::Surname(code.clone()),
                        });
                    }
                }
            }
        }
        // Of overlapping mentions the leftmost, then the longest, wins.
        raw.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut kept: Vec<Raw> = Vec::with_capacity(raw.len());
        for r in raw {
            if kept.last().is_some_and(|k| r.start < k.end) {
                continue;
            }
            // A surname right after a capitalised word that is not itself a mention
            // ("Central Park", "Shinzo Abe" already taken whole) is someone else's name.
            if matches!(r.kind, Kind::Surname(_)) {
                let before = text[..r.start].strip_suffix(' ').map(last_word);
                let after_mention = kept.last().is_some_and(|k| k.end + 1 == r.start);
                // An honorific is no one's name: "Mr Mugabe" is Mugabe.
                let free = |w: &str| {
                    let w = w.to_lowercase();
                    FREE_BEFORE.contains(&w.as_str())
                        || ["mr", "mrs", "ms", "dr"].contains(&w.trim_end_matches('.'))
                };
                if before.is_some_and(|w| capitalised(w) && !free(w)) && !after_mention {
                    continue;
                }
            }
            kept.push(r);
        }
        kept
    }

    /// People named with one word misspelled ("Abdelaziz Bouteflicka"): two capitalised
    /// words that no mention covers.
    fn misspelled_people(&self, text: &str, date: &str, raw: &mut Vec<Raw>) {
        let words: Vec<(usize, &str)> = words_back(text, text.len()).collect();
        // words_back reads right to left: a pair is (first, last) = (words[k + 1], words[k]).
        for k in 0..words.len().saturating_sub(1) {
            let ((s, first), (l, last)) = (words[k + 1], words[k]);
            let end = l + last.len();
            if !capitalised(first)
                || !capitalised(last)
                || text[s + first.len()..l] != *" "
                || raw.iter().any(|r| r.start < end && s < r.end)
            {
                continue;
            }
            let Some(id) = self.misspelled.person(first, last) else {
                continue;
            };
            if let Named::Person(roles) = &self.named[id] {
                if let Some(role) = role_on(roles, date) {
                    raw.push(Raw {
                        start: s,
                        end,
                        kind: Kind::Person(role.code.clone()),
                    });
                }
            }
        }
    }

    /// The actor phrases of a sentence, left to right.
    pub fn phrases(
        &self,
        gazetteer: &Gazetteer,
        text: &str,
        date: &str,
        bindings: Option<&Bindings>,
    ) -> Vec<Phrase> {
        let raw = self.raw_mentions(gazetteer, text, date, bindings);
        let mut groups: Vec<Vec<&Raw>> = Vec::new();
        for r in &raw {
            let joined = groups.last().is_some_and(|g| {
                let last = g.last().expect("groups are never empty");
                let gap = text[last.end..r.start].trim().to_lowercase();
                let agent_only = g.iter().all(|m| matches!(m.kind, Kind::Agent(_)));
                matches!(
                    gap.as_str(),
                    "" | "'s" | "\u{2019}s" | "of" | "of the" | "-"
                ) || (matches!(last.kind, Kind::State(..)) && modifier(&gap))
                    || (agent_only
                        && matches!(r.kind, Kind::State(..))
                        && (gap == "in" || gap == "in the"))
                    || (matches!(r.kind, Kind::Person(_)) && ranks_only(&gap))
            });
            if joined {
                groups.last_mut().expect("checked").push(r);
            } else {
                groups.push(vec![r]);
            }
        }
        let mut phrases: Vec<Phrase> = groups
            .into_iter()
            .map(|g| {
                let mut p = phrase(text, &g, bindings);
                p.state = self.state_of(&p.code).map(str::to_string);
                p
            })
            .collect();
        ethnic_home(text, &mut phrases);
        era_home(text, &mut phrases);
        stateless_subject(&mut phrases);
        phrases
    }
}

/// Sectors of a group with no state that opens a sentence naming one state only: the
/// group is that state's ("Demonstrators demanded the resignation of the Kenyan
/// president" → `KENOPP`, "Rebels attacked a Congolese army base" → `CODREB`).
/// Only groups that act against a state (protesters, rebels, radicals, militias): a
/// population ("women", "the international community") opening a sentence is more often
/// spoken of or acted on.
const DOMESTIC_SECTORS: &[&str] = &["OPP", "REB", "RAD", "UAF"];

/// A group with no state of its own ("protesters", "rebels") as the first phrase of a
/// sentence whose other phrases all name one state takes that state.
fn stateless_subject(phrases: &mut [Phrase]) {
    let Some((first, rest)) = phrases.split_first_mut() else {
        return;
    };
    if !first.code.is_empty() || !DOMESTIC_SECTORS.contains(&first.sector.as_str()) {
        return;
    }
    let mut states = rest.iter().filter_map(|p| p.state.as_deref());
    let Some(state) = states.next().map(str::to_string) else {
        return;
    };
    if states.all(|s| s == state) {
        first.code = format!("{state}{}", first.sector);
        first.states = vec![state.clone()];
        first.state = Some(state);
    }
}

/// An ethnic group named by a state's demonym lives in the state the sentence places it
/// in, and is coded with that state ("ethnic Albanians in south Serbia" → `SRB`, "ethnic
/// Albanian guerrillas operating in Macedonia" → `MKDREB`): "ethnic" right before the
/// demonym, and a later place of another state; a second "ethnic Albanians" of the
/// sentence with no place after it lives where the first does.
fn ethnic_home(text: &str, phrases: &mut [Phrase]) {
    let mut homes: Vec<(String, String)> = Vec::new();
    for i in 0..phrases.len() {
        let p = &phrases[i];
        let Some(own) = p.state.clone() else { continue };
        if p.person.is_some() || word_before(text, p.start) != "ethnic" {
            continue;
        }
        let home = phrases[i + 1..]
            .iter()
            .find(|q| q.place && q.state.as_deref().is_some_and(|s| s != own && q.code == s))
            .and_then(|q| q.state.clone())
            .or_else(|| {
                homes
                    .iter()
                    .find(|(o, _)| *o == own)
                    .map(|(_, h)| h.clone())
            });
        if let Some(home) = home {
            homes.push((own.clone(), home.clone()));
            let p = &mut phrases[i];
            p.code = format!("{home}{}", &p.code[own.len()..]);
            p.states = vec![home.clone()];
            p.state = Some(home);
        }
    }
}

/// Ranks and titles that stand between an office and its holder's name without being an
/// office themselves ("U.S. military chief General Colin Powell", "army chief Lt. Gen.
/// X"): the name joins the office's phrase.
const RANKS: &[&str] = &[
    "chief",
    "head",
    "commander",
    "general",
    "gen",
    "lieutenant",
    "lt",
    "colonel",
    "col",
    "major",
    "brigadier",
    "admiral",
    "adm",
    "marshal",
    "field",
    "lieutenant-general",
    "major-general",
    "brigadier-general",
    "lt-gen",
    "maj",
    "sheikh",
];

/// Whether a gap between two mentions is only ranks (at most four words).
fn ranks_only(gap: &str) -> bool {
    let words: Vec<&str> = gap
        .split(|c: char| c.is_whitespace())
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .collect();
    !words.is_empty() && words.len() <= 4 && words.iter().all(|w| RANKS.contains(w))
}

/// States that broke up: the code, its capital as news wrote it, the capital's code
/// today, and the successors whose places ("in Kosovo", "in Moscow") were then inside it.
/// Only those: a constituent republic (Serbia, Ukraine) keeps its own code, as the
/// PETRARCH2 dictionaries give it.
const DISSOLVED: &[(&str, &str, &str, &[&str])] = &[
    ("SUN", "Moscow", "RUS", &["RUS"]),
    ("YUG", "Belgrade", "SRB", &["XKX"]),
    ("CSK", "Prague", "CZE", &[]),
];

/// Undated copy read in its own era: a sentence that names the Soviet Union, Yugoslavia
/// or Czechoslovakia (or either Germany of the Cold War) was written before they broke
/// up, so their capital stands for them ("skeptical over Moscow's will", with West
/// Germany named → `SUN`) and so do places then inside them ("a curfew in Kosovo", with
/// Yugoslavia named → `YUG`). "The former Soviet Union", "post-Soviet" and "the former
/// East Germany" are today's words and no cue.
fn era_home(text: &str, phrases: &mut [Phrase]) {
    let former = |p: &Phrase| {
        let ends = |prefix: &str| {
            p.start
                .checked_sub(prefix.len())
                .and_then(|at| text.get(at..p.start))
                .is_some_and(|t| t.eq_ignore_ascii_case(prefix))
        };
        word_before(text, p.start) == "former" || ends("post-") || ends("ex-")
    };
    let named = |code: &str| {
        phrases
            .iter()
            .any(|p| p.states.iter().any(|s| s == code) && !former(p))
    };
    let cold_war = named("DDR")
        || phrases.iter().any(|p| {
            let t = &text[p.start..p.end];
            (t.starts_with("West German") || t.starts_with("Federal Republic of Germany"))
                && !former(p)
        });
    let active: Vec<_> = DISSOLVED
        .iter()
        .filter(|(state, ..)| cold_war || named(state))
        .collect();
    for (state, capital, capital_code, inside) in active {
        for p in phrases.iter_mut() {
            let Some(own) = p.state.clone() else { continue };
            let is_capital = own == *capital_code && &text[p.start..p.end] == *capital;
            if p.person.is_some() || !(is_capital || p.place && inside.contains(&own.as_str())) {
                continue;
            }
            p.code = format!("{state}{}", &p.code[own.len()..]);
            p.states = vec![state.to_string()];
            p.state = Some(state.to_string());
            // Kosovo was then a province of Yugoslavia, not a state.
            p.inside |= !is_capital;
        }
    }
}

/// One phrase from its mentions: a person's or organisation's own code, else the state's
/// code with the agent's sector.
fn phrase(text: &str, g: &[&Raw], bindings: Option<&Bindings>) -> Phrase {
    let (start, end) = (g[0].start, g[g.len() - 1].end);
    let mut state = None;
    let mut sector = None;
    let mut own = None;
    let mut person = None;
    let mut agents = Vec::new();
    let mut states: Vec<String> = Vec::new();
    // The state of a modifier ("Damascus-based") codes the phrase only when nothing after
    // it names one ("Iranian-backed militias").
    let mut modifier_state = None;
    for (k, m) in g.iter().enumerate() {
        if let (Kind::State(codes, _), Some(next)) = (&m.kind, g.get(k + 1)) {
            if modifier(&text[m.end..next.start].trim().to_lowercase()) {
                modifier_state = modifier_state.or(codes.first().cloned());
                states.extend(codes.iter().cloned());
                continue;
            }
        }
        match &m.kind {
            Kind::Person(code) => {
                own = own.or(Some(code.clone()));
                person = Some(text[m.start..m.end].to_string());
            }
            Kind::Surname(code) => own = own.or(Some(code.clone())),
            Kind::Organisation(code) => own = own.or(Some(code.clone())),
            Kind::State(codes, _) => {
                state = state.or(codes.first().cloned());
                states.extend(codes.iter().cloned());
            }
            Kind::Agent(s) => {
                // A religion before a word of a group acting against a state qualifies
                // it ("Moslem fundamentalist demonstrators", "Muslim rebels"): the group
                // is the noun's; before other words it stays ("the Jewish population").
                if sector
                    .as_deref()
                    .is_none_or(|f| religion(f) && DOMESTIC_SECTORS.contains(&s.as_str()))
                {
                    sector = Some(s.clone());
                }
                agents.push(text[m.start..m.end].to_lowercase());
            }
        }
    }
    let state = state.or(modifier_state);
    let only_place = own.is_none() && sector.is_none()
        || own.is_some() && g.len() == 1 && matches!(g[0].kind, Kind::Organisation(_));
    let before = place_word_before(text, start);
    let organisation = own.is_some();
    let inside = g.iter().all(|m| matches!(m.kind, Kind::State(_, true)));
    let place = only_place
        && (PLACE_WORDS.contains(&before.as_str()) || organisation && before == "at" || inside);
    let code = match (own, state, &sector) {
        (Some(code), _, _) => code,
        (None, Some(state), Some(sector)) => format!("{state}{sector}"),
        (None, Some(state), None) => state,
        (None, None, Some(_)) => {
            // "the minister", bound by an earlier "Japan's foreign minister".
            let agent = text[start..end].to_lowercase();
            let definite = text
                .get(start.saturating_sub(4)..start)
                .is_some_and(|w| w.eq_ignore_ascii_case("the "));
            bindings
                .filter(|_| definite)
                .and_then(|b| b.agents.get(&agent))
                .cloned()
                .unwrap_or_default()
        }
        (None, None, None) => String::new(),
    };
    Phrase {
        start,
        end,
        code,
        state: None,
        states,
        sector: sector.unwrap_or_default(),
        place,
        inside,
        person,
        agents,
    }
}
