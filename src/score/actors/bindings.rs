//! Document bindings: what a document's earlier sentences bound to a code (a full name's
//! surname, a state's one-person office), so that later short mentions ("Park", "the
//! minister") resolve.
use std::collections::HashMap;

use super::phrase::Phrase;
use super::words::capitalised;

/// What earlier sentences of a document bound: surnames and agents to codes.
#[derive(Debug, Default)]
pub struct Bindings {
    pub(super) surnames: HashMap<String, String>,
    pub(super) agents: HashMap<String, String>,
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
pub(super) fn bind(b: &mut Bindings, phrases: &[Phrase]) {
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
