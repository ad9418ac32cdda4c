//! Who did what to whom: the directed `source` and `target` of a sentence, as CAMEO-style
//! actor codes (`KORGOV`, `JPN`, `IGOUNO`).
//!
//! Resolution finds every actor mention and joins neighbouring ones into phrases:
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
//!   "police in Seoul") or, alone, the state bound to them earlier in the document.
//!
//! Roles, by rules on the phrases' order and the words between them: a phrase after
//! "by" in a passive clause is the source and the subject the target; otherwise the
//! first phrase that is not a place ("in Geneva", "at the UN") is the source, with the
//! phrases joined to it by "and" or commas (a compound subject), and the next phrase of
//! another actor is the target ("Seoul said Tokyo must withdraw" → KOR, JPN). A
//! target with no state of its own ("protesters") takes the source's state. See
//! `models/actors.md` for the measured accuracy and the known failure modes.
use std::collections::{HashMap, HashSet};
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};

use super::{at_word_boundaries, last_word, Gazetteer, FREE_BEFORE};
use crate::error::Error;

pub const PEOPLE: &str = "actors/people.tsv";
pub const PEOPLE_CURRENT: &str = "actors/people_current.tsv";
pub const ORGANISATIONS: &str = "actors/organisations.tsv";
pub const ORGANISATIONS_CURRENT: &str = "actors/organisations_current.tsv";
pub const AGENTS: &str = "actors/agents.tsv";
pub const SURNAMES: &str = "actors/surnames.tsv";

/// One dated role of a person.
#[derive(Debug, Clone)]
struct Role {
    code: String,
    /// ISO dates; empty for an open end.
    from: String,
    to: String,
}

/// What a name in the tables stands for.
#[derive(Debug, Clone)]
enum Named {
    Person(Vec<Role>),
    /// A surname alone, as written (case matters): its person's roles.
    Surname(String, Vec<Role>),
    Organisation(String),
    /// A sector code (`COP`, `GOV`, `MIL`).
    Agent(String),
}

/// The people, organisation and agent names, compiled into one automaton.
pub struct Names {
    automaton: AhoCorasick,
    named: Vec<Named>,
    /// The names as written in the tables (lowercase), by pattern id.
    texts: Vec<String>,
    /// The state codes (ISO 3166-1 alpha-3) that an actor code may start with.
    states: HashSet<String>,
}

/// A resolved actor phrase of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub start: usize,
    pub end: usize,
    /// The actor code; empty for an agent with no state (yet).
    pub code: String,
    /// The state the code starts with, if it starts with one.
    pub state: Option<String>,
    /// Every state the phrase names ("the two Koreas": PRK and KOR).
    pub states: Vec<String>,
    /// The agent's sector, for a phrase that is only an agent.
    pub sector: String,
    /// Only a place: a state or organisation after "in", "at", "near", ….
    pub place: bool,
    /// The phrase names a person in full (binds the surname for later sentences).
    pub person: Option<String>,
    /// Its agent words, lowercase ("foreign minister"), which later sentences may use alone.
    pub agents: Vec<String>,
}

/// A sentence's directed actors.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coded {
    /// States involved, in order of first mention (names and people alike).
    pub states: Vec<String>,
    /// For each of `states`, the byte ranges of the phrases that name it (a state, its
    /// capital, a person or office of it), in order.
    pub mentions: Vec<Vec<std::ops::Range<usize>>>,
    pub source: Vec<String>,
    pub target: Vec<String>,
    pub source_text: Vec<String>,
    pub target_text: Vec<String>,
}

/// What earlier sentences of a document bound: surnames and agents to codes.
#[derive(Debug, Default)]
pub struct Bindings {
    surnames: HashMap<String, String>,
    agents: HashMap<String, String>,
}

/// Words before a state that make it the place of the event ("talks in Geneva"); "at"
/// makes an organisation one ("at the UN"), but before a state it marks the target
/// ("fired rockets at Israel").
const PLACE_WORDS: &[&str] = &["in", "near", "outside", "inside", "throughout", "within"];

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

/// The rows of the name tables: people and current people (name, code, from, to),
/// organisations and agents (name, code).
#[derive(Debug, Clone, Default)]
pub struct Tables {
    pub people: Vec<Vec<String>>,
    pub current: Vec<Vec<String>>,
    /// The PETRARCH2-derived organisations, then the curated ones (which win).
    pub organisations: Vec<Vec<String>>,
    pub agents: Vec<Vec<String>>,
    /// (surname as written, person's name).
    pub surnames: Vec<Vec<String>>,
}

impl Names {
    /// Loads the tables; `states` are the state codes an actor code may start with.
    pub fn load(models: &Path, states: HashSet<String>) -> Result<Names, Error> {
        let mut tables = Tables::default();
        let coded = |file: &str, width: usize| -> Result<Vec<Vec<String>>, Error> {
            read_tsv(models, file, width)?
                .into_iter()
                .map(|(line, f)| {
                    if is_actor_code(&f[1]) {
                        Ok(f)
                    } else {
                        Err(table_error(
                            models,
                            file,
                            line,
                            &format!("{:?} is not an actor code", f[1]),
                        ))
                    }
                })
                .collect()
        };
        tables.people = coded(PEOPLE, 4)?;
        tables.current = coded(PEOPLE_CURRENT, 4)?;
        tables.organisations = coded(ORGANISATIONS, 2)?;
        tables
            .organisations
            .extend(coded(ORGANISATIONS_CURRENT, 2)?);
        tables.agents = read_tsv(models, AGENTS, 2)?
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        let named: std::collections::HashSet<&str> = tables
            .people
            .iter()
            .chain(&tables.current)
            .map(|f| f[0].as_str())
            .collect();
        let mut surnames = Vec::new();
        for (line, f) in read_tsv(models, SURNAMES, 2)? {
            if !named.contains(f[1].as_str()) {
                return Err(table_error(
                    models,
                    SURNAMES,
                    line,
                    &format!("{:?} is in no people table", f[1]),
                ));
            }
            surnames.push(f);
        }
        tables.surnames = surnames;
        Names::build(&tables, states).map_err(|m| table_error(models, AGENTS, 0, &m))
    }

    /// Compiles the tables (checked by [`Names::load`]) into one automaton.
    pub fn build(tables: &Tables, states: HashSet<String>) -> Result<Names, String> {
        let role = |f: &[String]| Role {
            code: f[1].clone(),
            from: f[2].clone(),
            to: f[3].clone(),
        };
        // A person of the current table: the dictionaries' open-ended roles of that name
        // ended before 2016, so only their closed ones are kept.
        let current: std::collections::HashSet<&str> =
            tables.current.iter().map(|f| f[0].as_str()).collect();
        let mut people: HashMap<String, Vec<Role>> = HashMap::new();
        for f in &tables.people {
            // Full names only: a single word ("Jr.") is too often something else.
            if f[0].contains(' ') && !(current.contains(f[0].as_str()) && f[3].is_empty()) {
                people.entry(f[0].clone()).or_default().push(role(f));
            }
        }
        for f in &tables.current {
            people.entry(f[0].clone()).or_default().push(role(f));
        }
        let mut entries: Vec<(String, Named)> = Vec::new();
        for f in &tables.surnames {
            if let Some(roles) = people.get(&f[1]) {
                entries.push((
                    f[0].to_lowercase(),
                    Named::Surname(f[0].clone(), roles.clone()),
                ));
            }
        }
        entries.extend(people.into_iter().map(|(n, r)| (n, Named::Person(r))));
        // Later rows win (the curated table comes last): entries are sorted stably and the
        // last of equal names kept.
        for f in tables.organisations.iter().rev() {
            // A state's rebels in the dictionaries (`LBNREB` Hezbollah) that are armed
            // groups in their own right are IMG (curated ones already say so).
            let code = &f[1];
            let code = if code.len() >= 6 && &code[3..6] == "REB" && states.contains(&code[..3]) {
                format!("IMG{code}")
            } else {
                code.clone()
            };
            entries.push((without_the(&f[0]), Named::Organisation(code)));
        }
        for f in &tables.agents {
            let sector: String = f[1].trim_start_matches('~').chars().take(3).collect();
            if sector.len() == 3 && sector.chars().all(|c| c.is_ascii_uppercase()) {
                entries.push((without_the(&f[0]), Named::Agent(sector)));
            }
        }
        // Of equal names the first pushed wins: surnames, people, then organisations from
        // the curated table back to the derived one, then agents.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        let (texts, named): (Vec<String>, Vec<Named>) = entries.into_iter().unzip();
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&texts)
            .map_err(|e| format!("cannot compile the names: {e}"))?;
        Ok(Names {
            automaton,
            named,
            texts,
            states,
        })
    }
}

/// A table name without a leading "the": the article is matched in the text as any
/// other word, so "The European Union" and "the European Union" are both found.
fn without_the(name: &str) -> String {
    name.strip_prefix("the ").unwrap_or(name).to_string()
}

/// Whether `code` is an actor code: three capital letters, then capitals and digits
/// (the dictionaries' finer codes, `NGOHINDEN211DEV`).
fn is_actor_code(code: &str) -> bool {
    code.len() >= 3
        && code[..3].chars().all(|c| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn table_error(models: &Path, file: &str, line: usize, message: &str) -> Error {
    Error::Model {
        path: models.join(file),
        message: if line > 0 {
            format!("line {line}: {message}")
        } else {
            message.to_string()
        },
    }
}

/// A table's rows after its header (lines starting with `#` skipped), with their line
/// numbers; each must have `width` tab-separated fields.
fn read_tsv(models: &Path, file: &str, width: usize) -> Result<Vec<(usize, Vec<String>)>, Error> {
    let path = models.join(file);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let mut rows = Vec::new();
    let mut header = false;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !header {
            header = true;
            continue;
        }
        let f: Vec<String> = line.split('\t').map(|s| s.trim().to_string()).collect();
        if f.len() != width {
            return Err(table_error(
                models,
                file,
                i + 1,
                &format!("{} fields, expected {width}", f.len()),
            ));
        }
        rows.push((i + 1, f));
    }
    Ok(rows)
}

/// The role a person held on `date` (ISO; empty: unknown): the role whose range holds the
/// date, else an undated role, else the most recent one. Without a date, the most recent.
fn role_on<'a>(roles: &'a [Role], date: &str) -> Option<&'a Role> {
    // Dated roles before undated ones; of those, the latest end (open: the latest), then
    // the latest start.
    fn rank(r: &Role) -> (bool, &str, &str) {
        let dated = !(r.from.is_empty() && r.to.is_empty());
        let end = if r.to.is_empty() {
            "9999"
        } else {
            r.to.as_str()
        };
        (dated, if dated { end } else { "" }, r.from.as_str())
    }
    let recent = || roles.iter().max_by(|a, b| rank(a).cmp(&rank(b)));
    if date.is_empty() {
        return recent();
    }
    let dated = |r: &&Role| !(r.from.is_empty() && r.to.is_empty());
    roles
        .iter()
        .filter(dated)
        .filter(|r| r.from.as_str() <= date && (r.to.is_empty() || date <= r.to.as_str()))
        .max_by(|a, b| a.from.cmp(&b.from))
        .or_else(|| roles.iter().find(|r| !dated(r)))
        .or_else(recent)
}

/// One raw mention before phrases are formed.
#[derive(Debug, Clone)]
enum Kind {
    /// A state's name; "the two Koreas" names two.
    State(Vec<String>),
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

fn capitalised(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// The word right before `at` (lowercase), skipping "the".
fn word_before(text: &str, at: usize) -> String {
    let mut words = words_back(text, at);
    let word = match words.next() {
        Some((_, w)) if w.eq_ignore_ascii_case("the") => words.next(),
        other => other,
    };
    word.map_or_else(String::new, |(_, w)| w.to_lowercase())
}

/// The words of `text[..at]` from the last one backwards, each with its byte offset in
/// `text`; read lazily, so looking at the last few costs only those.
fn words_back(text: &str, at: usize) -> impl Iterator<Item = (usize, &str)> {
    let base = text.as_ptr() as usize;
    text[..at]
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - base, w))
}

impl Names {
    /// The state an actor code starts with, if it starts with one (not `IGO`, `NGO`,
    /// `IMG`, `MNC`, or a bare sector).
    pub fn state_of<'a>(&self, code: &'a str) -> Option<&'a str> {
        code.get(..3).filter(|s| self.states.contains(*s))
    }

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
                kind: Kind::State(m.codes),
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
                Named::Person(roles) if capitalised(found) => {
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
                Named::Organisation(code) if capitalised(found) => {
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
                let free = |w: &str| FREE_BEFORE.contains(&w.to_lowercase().as_str());
                if before.is_some_and(|w| capitalised(w) && !free(w)) && !after_mention {
                    continue;
                }
            }
            kept.push(r);
        }
        kept
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
                ) || (agent_only && matches!(r.kind, Kind::State(_)) && gap == "in")
            });
            if joined {
                groups.last_mut().expect("checked").push(r);
            } else {
                groups.push(vec![r]);
            }
        }
        groups
            .into_iter()
            .map(|g| {
                let mut p = phrase(text, &g, bindings);
                p.state = self.state_of(&p.code).map(str::to_string);
                p
            })
            .collect()
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
    for m in g {
        match &m.kind {
            Kind::Person(code) => {
                own = own.or(Some(code.clone()));
                person = Some(text[m.start..m.end].to_string());
            }
            Kind::Surname(code) => own = own.or(Some(code.clone())),
            Kind::Organisation(code) => own = own.or(Some(code.clone())),
            Kind::State(codes) => {
                state = state.or(codes.first().cloned());
                states.extend(codes.iter().cloned());
            }
            Kind::Agent(s) => {
                sector = sector.or(Some(s.clone()));
                agents.push(text[m.start..m.end].to_lowercase());
            }
        }
    }
    let only_place = own.is_none() && sector.is_none()
        || own.is_some() && g.len() == 1 && matches!(g[0].kind, Kind::Organisation(_));
    let before = word_before(text, start);
    let organisation = own.is_some();
    let place =
        only_place && (PLACE_WORDS.contains(&before.as_str()) || organisation && before == "at");
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
        person,
        agents,
    }
}

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

impl Names {
    /// Codes one sentence; with `bindings`, also reads and updates what earlier sentences
    /// of its document bound.
    pub fn code(
        &self,
        gazetteer: &Gazetteer,
        text: &str,
        date: &str,
        bindings: Option<&mut Bindings>,
    ) -> Coded {
        let mut phrases = self.phrases(gazetteer, text, date, bindings.as_deref());
        let (source, target) = roles(text, &phrases);
        // A target with no state of its own ("protesters") is the source's state's.
        if let (Some(&t), Some(&s)) = (target.first(), source.first()) {
            if phrases[t].code.is_empty() {
                let state = phrases[s].state.clone().unwrap_or_default();
                phrases[t].code = format!("{state}{}", phrases[t].sector);
                phrases[t].state = Some(state);
            }
        }
        if let Some(b) = bindings {
            bind(b, &phrases);
        }
        let mut states: Vec<String> = Vec::new();
        let mut mentions: Vec<Vec<std::ops::Range<usize>>> = Vec::new();
        for p in phrases.iter().filter(|p| !p.code.is_empty()) {
            let own = p.state.iter().filter(|_| p.states.is_empty());
            for s in p.states.iter().chain(own) {
                let k = match states.iter().position(|x| x == s) {
                    Some(k) => k,
                    None => {
                        states.push(s.clone());
                        mentions.push(Vec::new());
                        states.len() - 1
                    }
                };
                mentions[k].push(p.start..p.end);
            }
        }
        let texts = |ids: &[usize]| {
            ids.iter()
                .map(|&i| text[phrases[i].start..phrases[i].end].to_string())
                .collect()
        };
        let codes = |ids: &[usize]| ids.iter().map(|&i| phrases[i].code.clone()).collect();
        Coded {
            states,
            mentions,
            source: codes(&source),
            target: codes(&target),
            source_text: texts(&source),
            target_text: texts(&target),
        }
    }
}

/// Offices held by one person ("the minister", "the ambassador"): only these bind a later
/// short mention; "the government" or "the police" later in an article may be another's.
const ONE_PERSON: &[&str] = &[
    "minister",
    "president",
    "premier",
    "chancellor",
    "ambassador",
    "envoy",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "king",
    "queen",
    "emir",
    "prince",
];

fn one_person(agent: &str) -> bool {
    agent
        .split_whitespace()
        .next_back()
        .is_some_and(|w| ONE_PERSON.contains(&w))
}

/// Binds a full name's surname, and the agent words of a phrase with a state ("Japan's
/// foreign minister": "foreign minister"), to the phrase's code.
fn bind(b: &mut Bindings, phrases: &[Phrase]) {
    for p in phrases.iter().filter(|p| !p.code.is_empty()) {
        if let Some(name) = &p.person {
            // The family name comes last ("Shinzo Abe") or, in Korean and Chinese names,
            // first ("Park Geun-hye"): both bind.
            let words: Vec<&str> = name.split_whitespace().collect();
            for w in [words.first(), words.last()].into_iter().flatten() {
                if w.chars().count() >= 2 && capitalised(w) {
                    b.surnames.insert(w.to_string(), p.code.clone());
                }
            }
        }
        if p.state.is_some() {
            // "foreign minister" binds "the foreign minister" and "the minister".
            for a in p.agents.iter().filter(|a| one_person(a)) {
                b.agents.insert(a.clone(), p.code.clone());
                if let Some(last) = a.split_whitespace().next_back() {
                    b.agents.insert(last.to_string(), p.code.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coder() -> &'static (Gazetteer, Names) {
        static C: std::sync::OnceLock<(Gazetteer, Names)> = std::sync::OnceLock::new();
        C.get_or_init(|| {
            let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
            let hint = "the actors scorer needs scripts/bootstrap to have run";
            (
                Gazetteer::load(&models).unwrap_or_else(|e| panic!("{e}: {hint}")),
                Names::load(&models, Gazetteer::load(&models).unwrap().codes())
                    .unwrap_or_else(|e| panic!("{e}: {hint}")),
            )
        })
    }

    /// "SOURCE > TARGET" of a sentence coded alone.
    fn roles_of(text: &str, date: &str) -> String {
        let (g, n) = coder();
        let c = n.code(g, text, date, None);
        format!("{} > {}", c.source.join(";"), c.target.join(";"))
    }

    #[test]
    fn active_reported_speech_and_passive() {
        assert_eq!(
            roles_of("China accused Japan of stoking tension.", ""),
            "CHN > JPN"
        );
        assert_eq!(
            roles_of("Seoul said Tokyo must withdraw its claim.", ""),
            "KOR > JPN"
        );
        assert_eq!(
            roles_of(
                "Japan was accused by North Korea of rehearsing an invasion.",
                ""
            ),
            "PRK > JPN"
        );
        assert_eq!(
            roles_of(
                "Hit by Israeli strikes overnight, Iran launched missiles at Israel.",
                ""
            ),
            "IRN > ISR"
        );
        // Words before "by" that change length when lowercased ("İ") move no offset.
        assert_eq!(
            roles_of("The İİİ embassy in Ankara was attacked by Iran.", ""),
            "IRN > TURGOV"
        );
    }

    #[test]
    fn places_compounds_and_between() {
        assert_eq!(
            roles_of(
                "At talks in Geneva, Iran told the United States it would not yield.",
                ""
            ),
            "IRN > USA"
        );
        assert_eq!(
            roles_of(
                "Israel said it would not attend the conference in Cairo.",
                ""
            ),
            "ISR > "
        );
        assert_eq!(
            roles_of(
                "France and Germany pressed Russia to pull its troops back.",
                ""
            ),
            "FRA;DEU > RUS"
        );
        assert_eq!(
            roles_of("Talks between Ethiopia and Egypt broke down again.", ""),
            "ETH > EGY"
        );
    }

    #[test]
    fn offices_people_and_organisations() {
        assert_eq!(
            roles_of(
                "South Korean police arrested 30 protesters near the embassy.",
                ""
            ),
            // The dictionaries code protesters as opposition.
            "KORCOP > KOROPP"
        );
        assert_eq!(
            roles_of(
                "Japan's foreign minister met Chinese President Xi Jinping.",
                "2015-03-01"
            ),
            "JPNGOV > CHNGOV"
        );
        assert_eq!(
            roles_of(
                "The UN Security Council condemned North Korea's launch.",
                ""
            ),
            "IGOUNO > PRK"
        );
        assert_eq!(
            roles_of("Hamas fired rockets at Israel.", ""),
            "IMGHMS > ISR"
        );
        // No actor at all.
        assert_eq!(roles_of("Oil prices rose on Monday.", ""), " > ");
    }

    #[test]
    fn a_person_takes_the_role_held_on_the_date_or_the_most_recent() {
        let (g, n) = coder();
        let code = |text: &str, date: &str| n.code(g, text, date, None).source.join(";");
        // Kaja Kallas: Estonia's prime minister, then the EU's foreign-policy chief.
        assert_eq!(code("Kaja Kallas warned Moscow.", "2022-05-01"), "ESTGOV");
        assert_eq!(
            code("Kaja Kallas warned Moscow.", "2025-01-10"),
            "IGOEUREEC"
        );
        assert_eq!(code("Kaja Kallas warned Moscow.", ""), "IGOEUREEC");
        // A surname alone, but not inside another name.
        assert_eq!(
            code("Xi said the two sides should cooperate.", "2020-01-01"),
            "CHNGOV"
        );
        assert_eq!(
            code("But Park has refused to meet Japan's leader.", "2015-10-01"),
            "KORGOV"
        );
        assert_eq!(code("Protesters gathered in Central Park.", ""), "");
    }

    #[test]
    fn a_first_mention_binds_later_short_ones() {
        let (g, n) = coder();
        let mut b = Bindings::default();
        let first = n.code(
            g,
            "Japan's foreign minister Taro Aso arrived in Seoul.",
            "",
            Some(&mut b),
        );
        assert_eq!(first.source.join(";"), "JPNGOV");
        let later = n.code(
            g,
            "The foreign minister said Seoul should apologise.",
            "",
            Some(&mut b),
        );
        assert_eq!(later.source.join(";"), "JPNGOV");
        assert_eq!(later.target.join(";"), "KOR");
        // Alone, the same sentence has no source.
        let alone = n.code(
            g,
            "The foreign minister said Seoul should apologise.",
            "",
            None,
        );
        assert_eq!(alone.source.join(";"), "KOR");
    }

    #[test]
    fn actors_include_states_reached_through_people_not_organisations() {
        let (g, n) = coder();
        let states = |t: &str| n.code(g, t, "2014-06-01", None).states.join(";");
        assert_eq!(states("Shinzo Abe met Park Geun-hye."), "JPN;KOR");
        assert_eq!(states("NATO warned Russia."), "RUS");
    }
}
