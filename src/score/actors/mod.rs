//! The `actors` scorer: which states a sentence mentions, as ISO 3166-1 alpha-3 codes in
//! order of first mention, and the dyad (the first two) that aggregation groups by. It
//! reads names, not embeddings: a gazetteer of registry country names (pycountry's ISO
//! 3166-1 table and gdelt-py's country table, installed by `scripts/bootstrap`) and the
//! committed alias table `models/actors/aliases.tsv` (short forms, demonyms, capitals and
//! seats of government, blocked look-alikes), matched in one Aho-Corasick pass.
//! `models/actors.md` documents the sources and the ambiguities handled.
//!
//! It also codes who did what to whom: the directed `source` and `target` of each
//! sentence, through states, people (dated roles), offices and organisations.
//!
//! One concern a file, each using only the files listed before it:
//!
//! - `tables`: every file under `models/actors/` and its reader;
//! - `words`: the word helpers the matchers share;
//! - `fuzzy`: the guarded match of misspelled long state names;
//! - `gazetteer`: state names, demonyms, capitals and seats of government → states;
//! - `names`: people with dated roles, organisations and agents;
//! - `phrase`: a resolved actor phrase;
//! - `bindings`: what a document's earlier sentences bound (surnames, offices);
//! - `mentions`: a sentence's mentions, joined into phrases;
//! - `roles`: which phrases are the source and which the target;
//! - `coded`: one sentence coded (phrases, roles, bindings → [`Coded`]);
//! - `learned`: the role head's inputs and how its probabilities become roles;
//! - `scorer`: the `actors` scorer (columns, documents, the paragraph carry-over);
//! - `sentiment`: the `actor_sentiment` scorer.
mod bindings;
mod coded;
mod fuzzy;
mod gazetteer;
pub mod learned;
mod mentions;
mod names;
mod phrase;
mod roles;
mod scorer;
pub mod sentiment;
mod tables;
mod words;

pub use bindings::Bindings;
pub use coded::Coded;
pub use gazetteer::{Gazetteer, Mention};
pub use names::Names;
pub use phrase::Phrase;
pub use roles::roles;
pub use scorer::{build, columns, dyad, files, ActorsScorer, COLUMNS};
pub use tables::{
    parse_aliases, read_aliases, Alias, Tables, AGENTS, ALIASES, GDELT, ISO, ORGANISATIONS,
    ORGANISATIONS_CURRENT, PEOPLE, PEOPLE_CURRENT, PEOPLE_EARLIER, PLACES, SURNAMES,
};

/// Every file the actors coder reads, relative to the models folder.
pub const FILES: [&str; 11] = [
    ALIASES,
    ISO,
    GDELT,
    PLACES,
    PEOPLE,
    PEOPLE_CURRENT,
    PEOPLE_EARLIER,
    ORGANISATIONS,
    ORGANISATIONS_CURRENT,
    AGENTS,
    SURNAMES,
];
