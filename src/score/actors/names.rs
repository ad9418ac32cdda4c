//! The people, organisation and agent names: people with dated roles (and their surnames
//! alone), organisations and armed groups, generic agents (police, troops, minister),
//! compiled into one case-insensitive automaton; the role a person held on a date.
use std::collections::{HashMap, HashSet};
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};

use super::fuzzy::People;
use super::tables::{read_names, table_error, Tables, AGENTS};
use crate::error::Error;

/// One dated role of a person.
#[derive(Debug, Clone)]
pub(super) struct Role {
    pub(super) code: String,
    /// ISO dates; empty for an open end.
    from: String,
    to: String,
}

/// What a name in the tables stands for.
#[derive(Debug, Clone)]
pub(super) enum Named {
    Person(Vec<Role>),
    /// A surname alone, as written (case matters): its person's roles.
    Surname(String, Vec<Role>),
    Organisation(String),
    /// A sector code (`COP`, `GOV`, `MIL`).
    Agent(String),
}

/// The people, organisation and agent names, compiled into one automaton.
pub struct Names {
    pub(super) automaton: AhoCorasick,
    pub(super) named: Vec<Named>,
    /// The names as written in the tables (lowercase), by pattern id.
    pub(super) texts: Vec<String>,
    /// The state codes (ISO 3166-1 alpha-3) that an actor code may start with.
    pub(super) states: HashSet<String>,
    /// Two-word names of people for misspellings, pointing into `named`.
    pub(super) misspelled: People,
}

impl Names {
    /// Loads the tables; `states` are the state codes an actor code may start with.
    pub fn load(models: &Path, states: HashSet<String>) -> Result<Names, Error> {
        let tables = read_names(models)?;
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
        // Three-word names as copy hyphenates them: a Korean given name of two syllables
        // ("Kim Dae-jung" for the tables' "kim dae jung") or a French compound first name
        // ("Jean-Bertrand Aristide"). Only those shapes: every three-word name twice would
        // add 12,600 patterns and 0.1 s to loading. Pushed after the names as written, so a
        // table name of the same spelling wins.
        const COMPOUND_FIRST: [&str; 7] = [
            "jean", "marie", "pierre", "louis", "anne", "paul", "jacques",
        ];
        let mut hyphenated: Vec<(String, Named)> = Vec::new();
        for (name, roles) in &people {
            let words: Vec<&str> = name.split(' ').collect();
            let Ok([a, b, c]) = <[&str; 3]>::try_from(words) else {
                continue;
            };
            // The French list first: "jean paul sarr" has the Korean shape too.
            let variant = if COMPOUND_FIRST.contains(&a) {
                format!("{a}-{b} {c}")
            } else if a.len() <= 4 && b.len() <= 5 && c.len() <= 5 {
                format!("{a} {b}-{c}")
            } else {
                continue;
            };
            hyphenated.push((variant, Named::Person(roles.clone())));
        }
        // The Arabic article as copy writes it: "Omar al-Bashir", "Omar el-Bashir",
        // "Omar El Bashir" for the tables' "omar al bashir" (1,480 names).
        for (name, roles) in &people {
            if !name.split(' ').any(|w| w == "al") {
                continue;
            }
            for (article, joint) in [("al", '-'), ("el", '-'), ("el", ' ')] {
                let mut variant = String::new();
                for w in name.split(' ') {
                    if !variant.is_empty() && !variant.ends_with(joint) {
                        variant.push(' ');
                    }
                    if w == "al" {
                        variant.push_str(article);
                        variant.push(joint);
                    } else {
                        variant.push_str(w);
                    }
                }
                hyphenated.push((variant.trim_end().to_string(), Named::Person(roles.clone())));
            }
        }
        entries.extend(people.into_iter().map(|(n, r)| (n, Named::Person(r))));
        entries.extend(hyphenated);
        // Later rows win (the curated table comes last): entries are sorted stably and the
        // last of equal names kept.
        for f in tables.organisations.iter().rev() {
            // Codes as the tables give them: a domestic armed or political group keeps its
            // home state and sector (`LBNREB` Hezbollah, `GBRREB` the IRA); only
            // transnational groups are `IMG`.
            entries.push((without_the(&f[0]), Named::Organisation(f[1].clone())));
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
        let misspelled = People::new(
            texts
                .iter()
                .zip(&named)
                .enumerate()
                .filter(|(_, (_, n))| matches!(n, Named::Person(_)))
                .map(|(i, (t, _))| (t.as_str(), i)),
        );
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
            misspelled,
        })
    }

    /// The state an actor code starts with, if it starts with one (not `IGO`, `NGO`,
    /// `IMG`, `MNC`, or a bare sector).
    pub fn state_of<'a>(&self, code: &'a str) -> Option<&'a str> {
        code.get(..3).filter(|s| self.states.contains(*s))
    }
}

/// A table name without a leading "the": the article is matched in the text as any
/// other word, so "The European Union" and "the European Union" are both found.
fn without_the(name: &str) -> String {
    name.strip_prefix("the ").unwrap_or(name).to_string()
}

/// The role a person held on `date` (ISO; empty: unknown): the role whose range holds the
/// date, else an undated role, else the most recent one. Without a date, the most recent.
pub(super) fn role_on<'a>(roles: &'a [Role], date: &str) -> Option<&'a Role> {
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
