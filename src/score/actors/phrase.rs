//! A resolved actor phrase: neighbouring mentions joined ("Japan's foreign minister") and
//! resolved to one code; what roles are given to and document bindings are made from.

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
    /// Only a place: a state or organisation after "in", "at", "near", …, or a region or
    /// city of a state ("Darfur", "Hebron").
    pub place: bool,
    /// A region, province or city of its state (the place table), or a place then inside a
    /// dissolved state ("Kosovo" with Yugoslavia named); not a state's own name nor its
    /// capital.
    pub inside: bool,
    /// The phrase names a person in full (binds the surname for later sentences).
    pub person: Option<String>,
    /// Its agent words, lowercase ("foreign minister"), which later sentences may use alone.
    pub agents: Vec<String>,
}
