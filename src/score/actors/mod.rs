//! The `actors` scorer: which states a sentence mentions, as ISO 3166-1 alpha-3 codes in
//! order of first mention, and the dyad (the first two) that aggregation groups by. It
//! reads names, not embeddings: a gazetteer of registry country names (pycountry's ISO
//! 3166-1 table and gdelt-py's country table, installed by `scripts/bootstrap`) and the
//! committed alias table `models/actors/aliases.tsv` (short forms, demonyms, capitals and
//! seats of government, blocked look-alikes), matched in one Aho-Corasick pass.
//! `models/actors.md` documents the sources and the ambiguities handled.
//!
//! [`coder`] adds who did what to whom: the directed `source` and `target` of each
//! sentence, through states, people (dated roles), offices and organisations.
use std::collections::HashMap;
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};

use super::{Cell, Scorer, ScorerOptions, Sentence};
use crate::error::Error;

pub mod coder;
pub mod sentiment;

pub use coder::{Bindings, Coded, Names};

pub const ALIASES: &str = "actors/aliases.tsv";
pub const ISO: &str = "actors/iso3166-1.json";
pub const GDELT: &str = "actors/countries.json";
/// Every file the actors coder reads, relative to the models folder.
pub const FILES: [&str; 7] = [
    ALIASES,
    ISO,
    GDELT,
    coder::PEOPLE,
    coder::PEOPLE_CURRENT,
    coder::ORGANISATIONS,
    coder::AGENTS,
];

/// The columns, in order; `actors_inherited` (with `--actors-carry`) comes last.
pub const COLUMNS: [&str; 6] = [
    "actors",
    "dyad",
    "source",
    "target",
    "source_text",
    "target_text",
];

pub fn columns(opts: &ScorerOptions) -> Vec<String> {
    let mut c: Vec<String> = COLUMNS.map(String::from).into();
    if opts.actors_carry {
        c.push("actors_inherited".to_string());
    }
    c
}

pub fn build(models: &Path, opts: &ScorerOptions) -> Result<Box<dyn Scorer>, Error> {
    let gazetteer = Gazetteer::load(models)?;
    let names = Names::load(models, gazetteer.codes())?;
    Ok(Box::new(ActorsScorer {
        gazetteer,
        names,
        columns: columns(opts),
        carry: opts.actors_carry,
    }))
}

/// What a matched text stands for.
#[derive(Debug, Clone)]
struct Entry {
    /// ISO alpha-3 codes; empty for a blocked text.
    codes: Vec<String>,
    /// Skip the match when a capitalised word stands right next to it (a person's or a
    /// place's name: "Michael Jordan", "Paris Agreement").
    proper: bool,
}

/// One row of the alias table.
#[derive(Debug, Clone)]
pub struct Alias {
    pub text: String,
    /// Empty: blocked.
    pub codes: Vec<String>,
    pub kind: String,
    pub proper: bool,
}

/// A state name found in a sentence: byte span and codes.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub codes: Vec<String>,
}

/// Every name the scorer knows, compiled into one automaton.
pub struct Gazetteer {
    automaton: AhoCorasick,
    entries: Vec<Entry>,
    /// The name texts, by pattern id.
    texts: Vec<String>,
}

impl Gazetteer {
    /// Reads the registry tables and the alias table from the models folder.
    pub fn load(models: &Path) -> Result<Gazetteer, Error> {
        let mut names = read_iso(&models.join(ISO))?;
        names.extend(read_gdelt(&models.join(GDELT))?);
        let aliases = read_aliases(&models.join(ALIASES))?;
        Gazetteer::new(names, aliases).map_err(|message| Error::Model {
            path: models.join(ALIASES),
            message,
        })
    }

    /// Builds the gazetteer from registry names (text, code) and alias rows; an alias
    /// overrides a registry name with the same text.
    pub fn new(registry: Vec<(String, String)>, aliases: Vec<Alias>) -> Result<Gazetteer, String> {
        let mut by_text: HashMap<String, Entry> = HashMap::new();
        for (text, code) in registry {
            by_text.entry(text).or_insert(Entry {
                codes: vec![code],
                proper: false,
            });
        }
        let mut plurals = Vec::new();
        for a in aliases {
            if a.kind == "demonym" {
                if let Some(p) = plural(&a.text) {
                    plurals.push((p, a.codes.clone()));
                }
            }
            by_text.insert(
                a.text,
                Entry {
                    codes: a.codes,
                    proper: a.proper,
                },
            );
        }
        for (p, codes) in plurals {
            by_text.entry(p).or_insert(Entry {
                codes,
                proper: false,
            });
        }
        // Typographic apostrophes: "People’s Republic", "Côte d’Ivoire", "N’Djamena".
        let curly: Vec<(String, Entry)> = by_text
            .iter()
            .filter(|(t, _)| t.contains('\''))
            .map(|(t, e)| (t.replace('\'', "\u{2019}"), e.clone()))
            .collect();
        for (t, e) in curly {
            by_text.entry(t).or_insert(e);
        }
        let mut pairs: Vec<(String, Entry)> = by_text.into_iter().collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let (texts, entries): (Vec<String>, Vec<Entry>) = pairs.into_iter().unzip();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&texts)
            .map_err(|e| format!("cannot compile the names: {e}"))?;
        Ok(Gazetteer {
            automaton,
            entries,
            texts,
        })
    }

    /// Every state code the gazetteer knows.
    pub fn codes(&self) -> std::collections::HashSet<String> {
        self.entries
            .iter()
            .flat_map(|e| e.codes.iter().cloned())
            .collect()
    }

    /// Number of distinct name texts.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The state names in `text`, left to right. Of overlapping names the leftmost, then
    /// the longest wins ("Papua New Guinea", not "Guinea"); names must stand at word
    /// boundaries; a blocked text ("New Mexico") hides the names inside it and yields
    /// nothing.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let mut found: Vec<(usize, usize, usize)> = self
            .automaton
            .find_overlapping_iter(text)
            .filter(|m| at_word_boundaries(text, m.start(), m.end()))
            .filter(|m| {
                !self.entries[m.pattern().as_usize()].proper
                    || !next_to_capitalised(text, m.start(), m.end())
            })
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = Vec::new();
        let mut taken_to = 0;
        for (start, end, id) in found {
            if start < taken_to {
                continue;
            }
            taken_to = end;
            let codes = &self.entries[id].codes;
            if !codes.is_empty() {
                out.push(Mention {
                    start,
                    end,
                    codes: codes.clone(),
                });
            }
        }
        out
    }

    /// The distinct codes of `text`'s mentions, in order of first mention.
    pub fn actors(&self, text: &str) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        for m in self.mentions(text) {
            for c in m.codes {
                if !codes.contains(&c) {
                    codes.push(c);
                }
            }
        }
        codes
    }
}

/// A demonym's plural ("Nigerians", "Iraqis"), unless it has none ("Chinese", "Swiss",
/// "French") or is a prefix ("Sino-").
fn plural(demonym: &str) -> Option<String> {
    let none = ["s", "sh", "ch", "x", "ese", "-"];
    (!none.iter().any(|e| demonym.ends_with(e))).then(|| format!("{demonym}s"))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A name that starts (ends) with a letter must not be glued to a letter before (after)
/// it: "Oman" is not in "Woman", "US" not in "USAID".
fn at_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    let first_word = m.chars().next().is_some_and(is_word_char);
    let last_word = m.chars().next_back().is_some_and(is_word_char);
    let before_ok = !first_word || !text[..start].chars().next_back().is_some_and(is_word_char);
    let after_ok = !last_word || !text[end..].chars().next().is_some_and(is_word_char);
    before_ok && after_ok
}

/// Words that may stand capitalised before a state's name without making it part of a
/// person's or a place's name: sentence openers, prepositions, titles.
pub(super) const FREE_BEFORE: &[&str] = &[
    "a",
    "about",
    "across",
    "after",
    "against",
    "also",
    "although",
    "an",
    "and",
    "as",
    "at",
    "because",
    "before",
    "between",
    "both",
    "but",
    "by",
    "despite",
    "during",
    "even",
    "for",
    "from",
    "how",
    "if",
    "in",
    "including",
    "inside",
    "into",
    "like",
    "meanwhile",
    "near",
    "neighboring",
    "neighbouring",
    "nor",
    "not",
    "now",
    "of",
    "on",
    "once",
    "only",
    "or",
    "outside",
    "over",
    "since",
    "so",
    "than",
    "that",
    "the",
    "then",
    "this",
    "though",
    "through",
    "to",
    "toward",
    "towards",
    "under",
    "unlike",
    "until",
    "when",
    "where",
    "whether",
    "while",
    "why",
    "with",
    "within",
    "without",
    "yet",
];

/// Capitalised words that may follow a state's name or capital and still leave it a
/// state: "Chad President", "Beijing Foreign Ministry", "Washington DC".
const FREE_AFTER: &[&str] = &[
    "air",
    "ambassador",
    "armed",
    "army",
    "border",
    "cabinet",
    "central",
    "chancellor",
    "coast",
    "crown",
    "d.c.",
    "dc",
    "defence",
    "defense",
    "embassy",
    "emperor",
    "finance",
    "foreign",
    "government",
    "interior",
    "king",
    "military",
    "minister",
    "ministry",
    "navy",
    "parliament",
    "premier",
    "president",
    "prime",
    "queen",
    "security",
    "trade",
];

/// Whether a capitalised word stands right next to the span (one space between), so
/// that the name is probably part of a longer proper name.
fn next_to_capitalised(text: &str, start: usize, end: usize) -> bool {
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let listed = |w: &str, list: &[&str]| list.contains(&w.to_lowercase().as_str());
    if let Some(before) = text[..start].strip_suffix(' ') {
        let word = last_word(before);
        if capitalised(word) && !listed(word, FREE_BEFORE) {
            return true;
        }
    }
    if let Some(after) = text[end..].strip_prefix(' ') {
        let word = first_word(after);
        if capitalised(word) && !listed(word, FREE_AFTER) {
            return true;
        }
    }
    false
}

pub(super) fn last_word(s: &str) -> &str {
    let from = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '.')
        .last()
        .map_or(s.len(), |(i, _)| i);
    &s[from..]
}

fn first_word(s: &str) -> &str {
    let to = s
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.'))
        .map_or(s.len(), |(i, _)| i);
    s[..to].trim_end_matches('.')
}

fn model_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Model {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| model_error(path, format!("not valid JSON: {e}")))
}

/// A registry name as it appears in running text, or `None` for the inverted catalogue
/// forms ("Korea, Republic of"): "Holy See (Vatican City State)" → "Holy See", "the
/// State of Palestine" → "State of Palestine".
fn running_name(name: &str) -> Option<String> {
    let name = name.split(" (").next().unwrap_or(name).trim();
    let name = name.strip_prefix("the ").unwrap_or(name);
    (!name.is_empty() && !name.contains(',')).then(|| name.to_string())
}

/// pycountry's `iso3166-1.json`: `name`, `common_name` and `official_name` of each code.
fn read_iso(path: &Path) -> Result<Vec<(String, String)>, Error> {
    let json = read_json(path)?;
    let list = json["3166-1"]
        .as_array()
        .ok_or_else(|| model_error(path, "no \"3166-1\" list"))?;
    let mut out = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let code = c["alpha_3"]
            .as_str()
            .filter(|c| is_code(c))
            .ok_or_else(|| model_error(path, format!("entry {i}: no valid alpha_3")))?;
        for key in ["name", "common_name", "official_name"] {
            if let Some(n) = c[key].as_str().and_then(running_name) {
                out.push((n, code.to_string()));
            }
        }
    }
    Ok(out)
}

/// gdelt-py's `countries.json`: FIPS code → `{iso3, name}`; adds the short forms news
/// text uses ("Russia", "Brunei", "Ivory Coast", "Kosovo").
fn read_gdelt(path: &Path) -> Result<Vec<(String, String)>, Error> {
    let json = read_json(path)?;
    let map = json
        .as_object()
        .ok_or_else(|| model_error(path, "not a JSON object"))?;
    let mut out = Vec::new();
    for (fips, c) in map {
        let (Some(code), Some(name)) = (c["iso3"].as_str(), c["name"].as_str()) else {
            return Err(model_error(path, format!("{fips}: no iso3 or name")));
        };
        if is_code(code) {
            if let Some(n) = running_name(name) {
                out.push((n, code.to_string()));
            }
        }
    }
    Ok(out)
}

fn is_code(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// Reads the alias table: `#` comments, a header `text codes kind guard`, then one row
/// per name.
pub fn read_aliases(path: &Path) -> Result<Vec<Alias>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_aliases(&text)
        .map_err(|(line, message)| model_error(path, format!("line {line}: {message}")))
}

const KINDS: [&str; 5] = ["short", "demonym", "capital", "seat", "block"];

/// Parses the alias table; errors carry the 1-based line.
pub fn parse_aliases(text: &str) -> Result<Vec<Alias>, (usize, String)> {
    let mut out = Vec::new();
    let mut header = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if !header {
            if f != ["text", "codes", "kind", "guard"] {
                return Err((
                    n,
                    "expected the header: text, codes, kind, guard (tab-separated)".into(),
                ));
            }
            header = true;
            continue;
        }
        let [t, codes, kind, guard] = f[..] else {
            return Err((
                n,
                format!("expected 4 tab-separated fields, found {}", f.len()),
            ));
        };
        if t.is_empty() || t.trim() != t {
            return Err((n, "empty text, or space around it".into()));
        }
        let codes: Vec<String> = if codes == "-" {
            Vec::new()
        } else {
            codes.split(';').map(String::from).collect()
        };
        if let Some(bad) = codes.iter().find(|c| !is_code(c)) {
            return Err((
                n,
                format!("{bad:?} is not an ISO 3166-1 alpha-3 code or '-'"),
            ));
        }
        if !KINDS.contains(&kind) {
            return Err((
                n,
                format!("kind {kind:?} is not one of {}", KINDS.join(", ")),
            ));
        }
        let proper = match guard {
            "proper" => true,
            "-" => false,
            other => return Err((n, format!("guard {other:?} is not 'proper' or '-'"))),
        };
        out.push(Alias {
            text: t.to_string(),
            codes,
            kind: kind.to_string(),
            proper,
        });
    }
    if !header {
        return Err((1, "no header row".into()));
    }
    Ok(out)
}

/// The first two distinct actors, sorted, joined with `-`; empty with fewer than two.
pub fn dyad(actors: &[String]) -> String {
    match actors {
        [a, b, ..] => {
            let (x, y) = if a <= b { (a, b) } else { (b, a) };
            format!("{x}-{y}")
        }
        _ => String::new(),
    }
}

pub struct ActorsScorer {
    gazetteer: Gazetteer,
    names: Names,
    columns: Vec<String>,
    carry: bool,
}

impl ActorsScorer {
    /// Codes one sentence alone (no earlier sentence binds its short mentions).
    pub fn code(&self, text: &str, date: &str) -> Coded {
        self.names.code(&self.gazetteer, text, date, None)
    }
}

fn cells_of(c: &Coded, inherited: Option<bool>, out: &mut Vec<Cell>) {
    out.push(Cell::Text(c.states.join(";")));
    out.push(Cell::Text(dyad(&c.states)));
    out.push(Cell::Text(c.source.join(";")));
    out.push(Cell::Text(c.target.join(";")));
    out.push(Cell::Text(c.source_text.join(";")));
    out.push(Cell::Text(c.target_text.join(";")));
    if let Some(i) = inherited {
        out.push(Cell::Text(if i { "true" } else { "false" }.into()));
    }
}

impl Scorer for ActorsScorer {
    fn name(&self) -> &str {
        "actors"
    }
    fn columns(&self) -> &[String] {
        &self.columns
    }
    fn needs_embedding(&self) -> bool {
        false
    }
    /// Placeholders: every sentence is coded by [`Scorer::document`], in its document's
    /// order, so that earlier sentences can bind later short mentions.
    fn score(&self, _sentence: &Sentence<'_>, out: &mut Vec<Cell>) {
        cells_of(&Coded::default(), self.carry.then_some(false), out);
    }
    fn uses_document(&self) -> bool {
        true
    }
    /// Codes the document's sentences in order, so that a first mention ("South Korean
    /// President Park Geun-hye", "Japan's foreign minister") binds the later short ones
    /// ("Park", "the minister").
    fn document(&self, sentences: &[Sentence<'_>], cells: &mut [&mut [Cell]]) {
        let mut bindings = Bindings::default();
        for (s, c) in sentences.iter().zip(cells.iter_mut()) {
            let coded = self
                .names
                .code(&self.gazetteer, s.text, s.date, Some(&mut bindings));
            let mut new = Vec::with_capacity(c.len());
            cells_of(&coded, self.carry.then_some(false), &mut new);
            c.clone_from_slice(&new);
        }
    }
    fn uses_paragraph(&self) -> bool {
        self.carry
    }
    /// The carry-over: a sentence without actors takes the first two actors of its
    /// paragraph (in order of first mention across the paragraph), flagged inherited. Its
    /// source and target stay its own.
    fn paragraph(&self, sentences: &mut [&mut [Cell]]) {
        if !self.carry {
            return;
        }
        let mut first: Vec<String> = Vec::new();
        for cells in sentences.iter() {
            if let Some(Cell::Text(a)) = cells.first() {
                for c in a.split(';').filter(|c| !c.is_empty()) {
                    if first.len() < 2 && !first.iter().any(|f| f == c) {
                        first.push(c.to_string());
                    }
                }
            }
        }
        if first.is_empty() {
            return;
        }
        let last = COLUMNS.len();
        for cells in sentences.iter_mut() {
            if matches!(cells.first(), Some(Cell::Text(a)) if a.is_empty()) {
                cells[0] = Cell::Text(first.join(";"));
                cells[1] = Cell::Text(dyad(&first));
                cells[last] = Cell::Text("true".into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gazetteer() -> &'static Gazetteer {
        static G: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        G.get_or_init(|| {
            let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
            Gazetteer::load(&models).unwrap_or_else(|e| {
                panic!("{e}: the actors scorer needs scripts/bootstrap to have run")
            })
        })
    }

    fn actors(text: &str) -> String {
        gazetteer().actors(text).join(";")
    }

    #[test]
    fn states_in_order_of_first_mention() {
        assert_eq!(actors("Seoul said Tokyo's education ministry had approved the textbooks, and Seoul protested."), "KOR;JPN");
        assert_eq!(
            actors("The US and Britain backed the Republic of Korea."),
            "USA;GBR;KOR"
        );
        assert_eq!(
            actors("South Korean and Japanese officials met."),
            "KOR;JPN"
        );
        assert_eq!(actors("Washington and Beijing traded barbs."), "USA;CHN");
        assert_eq!(actors("No state is named here."), "");
    }

    #[test]
    fn longest_name_wins() {
        assert_eq!(actors("South Korea"), "KOR");
        assert_eq!(actors("North Korea fired a missile"), "PRK");
        assert_eq!(
            actors("Papua New Guinea and Guinea-Bissau, not Guinea"),
            "PNG;GNB;GIN"
        );
        assert_eq!(actors("Equatorial Guinea"), "GNQ");
        assert_eq!(actors("South Sudan accused Sudan"), "SSD;SDN");
        assert_eq!(
            actors("the Democratic Republic of the Congo and the Republic of the Congo"),
            "COD;COG"
        );
        assert_eq!(actors("American Samoa"), "ASM");
        assert_eq!(actors("the People's Republic of China"), "CHN");
        assert_eq!(actors("the People\u{2019}s Republic of China"), "CHN");
        assert_eq!(actors("Northern Ireland and Ireland"), "GBR;IRL");
        assert_eq!(actors("the Dominican Republic and Dominica"), "DOM;DMA");
    }

    #[test]
    fn niger_is_not_nigeria() {
        assert_eq!(actors("Niger and Nigeria closed the border"), "NER;NGA");
        assert_eq!(actors("Nigerian and Nigerien troops"), "NGA;NER");
        assert_eq!(actors("Nigerians voted"), "NGA");
    }

    #[test]
    fn word_boundaries_and_case() {
        assert_eq!(actors("Let us talk, the woman said."), "");
        assert_eq!(actors("USAID funds the programme"), "");
        assert_eq!(actors("He told US officials"), "USA");
        assert_eq!(actors("the U.S. Treasury"), "USA");
        assert_eq!(actors("the UK and the U.K. government"), "GBR");
        assert_eq!(actors("a roast turkey dinner"), "");
        assert_eq!(actors("Turkey and Türkiye are one state"), "TUR");
        assert_eq!(actors("a guinea pig"), "");
        assert_eq!(actors("anti-American protests"), "USA");
        assert_eq!(actors("Sino-Japanese relations"), "CHN;JPN");
    }

    #[test]
    fn possessives() {
        assert_eq!(actors("Tokyo's education ministry"), "JPN");
        assert_eq!(actors("Japan\u{2019}s foreign minister"), "JPN");
        assert_eq!(actors("Chad's president"), "TCD");
    }

    #[test]
    fn people_named_like_states() {
        assert_eq!(actors("Chad said it would close the border."), "TCD");
        assert_eq!(actors("Troops from neighbouring Chad crossed."), "TCD");
        assert_eq!(actors("In Chad, the vote was delayed."), "TCD");
        assert_eq!(
            actors("Chad Johnson, a trade lawyer, said the rules were unclear."),
            ""
        );
        assert_eq!(actors("Michael Jordan visited the school."), "");
        assert_eq!(actors("King Abdullah of Jordan met the envoy."), "JOR");
        assert_eq!(actors("Lake Chad is shrinking."), "");
        assert_eq!(actors("Denzel Washington starred in the film."), "");
        assert_eq!(
            actors("Chad President Mahamat Deby flew to Paris."),
            "TCD;FRA"
        );
    }

    #[test]
    fn georgia_the_country_and_the_state() {
        assert_eq!(
            actors("Georgia accused Russia of occupying its territory."),
            "GEO;RUS"
        );
        assert_eq!(actors("Voters in Atlanta, Georgia, went to the polls."), "");
        assert_eq!(actors("He studied at Georgia Tech."), "");
    }

    #[test]
    fn capitals_inside_other_names() {
        assert_eq!(actors("the Paris Agreement on climate"), "");
        assert_eq!(actors("shares fell on the Tokyo Stock Exchange"), "");
        assert_eq!(actors("the Washington Post reported"), "");
        assert_eq!(actors("Beijing Foreign Ministry spokesman"), "CHN");
        assert_eq!(actors("Washington DC"), "USA");
        assert_eq!(actors("New Mexico and New Jersey"), "");
        assert_eq!(actors("Mexico City and Mexico"), "MEX");
        assert_eq!(actors("the Indian Ocean"), "");
        assert_eq!(actors("Latin America and the US"), "USA");
        assert_eq!(actors("the Korean Peninsula"), "");
    }

    #[test]
    fn seats_of_government_and_multi_state_names() {
        assert_eq!(
            actors("The Kremlin rejected a White House proposal."),
            "RUS;USA"
        );
        assert_eq!(actors("Downing Street declined to comment."), "GBR");
        assert_eq!(actors("the two Koreas"), "PRK;KOR");
    }

    #[test]
    fn congo_without_qualifier_is_the_drc() {
        assert_eq!(actors("Congo and Rwanda"), "COD;RWA");
        assert_eq!(actors("Congo-Brazzaville"), "COG");
    }

    #[test]
    fn dyad_is_the_first_two_sorted() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(dyad(&v(&["KOR", "JPN"])), "JPN-KOR");
        assert_eq!(dyad(&v(&["JPN", "KOR", "USA"])), "JPN-KOR");
        assert_eq!(dyad(&v(&["USA", "CHN", "AAA"])), "CHN-USA");
        assert_eq!(dyad(&v(&["KOR"])), "");
        assert_eq!(dyad(&[]), "");
    }

    #[test]
    fn carry_over_fills_sentences_without_actors() {
        let scorer = ActorsScorer {
            gazetteer: Gazetteer::new(
                vec![
                    ("Japan".into(), "JPN".into()),
                    ("Korea".into(), "KOR".into()),
                ],
                Vec::new(),
            )
            .unwrap(),
            names: Names::build(&coder::Tables::default(), Default::default()).unwrap(),
            columns: columns(&ScorerOptions {
                actors_carry: true,
                ..Default::default()
            }),
            carry: true,
        };
        let texts = [
            "Officials met.",
            "Japan and Korea signed.",
            "It took years.",
            "Japan wept.",
        ];
        // As the run calls them: score, then the document, then the paragraph.
        let sentences: Vec<Sentence<'_>> = texts
            .iter()
            .map(|t| Sentence {
                text: t,
                embedding: None,
                span_keys: &[],
                spans: &[],
                date: "",
            })
            .collect();
        let mut rows: Vec<Vec<Cell>> = sentences
            .iter()
            .map(|s| {
                let mut c = Vec::new();
                scorer.score(s, &mut c);
                c
            })
            .collect();
        let mut slices: Vec<&mut [Cell]> = rows.iter_mut().map(|r| r.as_mut_slice()).collect();
        scorer.document(&sentences, &mut slices);
        scorer.paragraph(&mut slices);
        let t = |s: &str| Cell::Text(s.into());
        let head = |r: &[Cell]| vec![r[0].clone(), r[1].clone(), r[6].clone()];
        assert_eq!(head(&rows[0]), vec![t("JPN;KOR"), t("JPN-KOR"), t("true")]);
        assert_eq!(head(&rows[1]), vec![t("JPN;KOR"), t("JPN-KOR"), t("false")]);
        assert_eq!(head(&rows[2]), vec![t("JPN;KOR"), t("JPN-KOR"), t("true")]);
        assert_eq!(head(&rows[3]), vec![t("JPN"), t(""), t("false")]);
        // Source and target stay the sentence's own.
        assert_eq!(rows[0][2], t(""));
        assert_eq!(rows[1][2], t("JPN;KOR"));
    }

    #[test]
    fn alias_table_errors_name_the_line() {
        let head = "# comment\ntext\tcodes\tkind\tguard\n";
        assert!(parse_aliases(&format!("{head}Korea\tKOR\tshort\t-\n")).is_ok());
        let err = |body: &str| parse_aliases(&format!("{head}{body}")).unwrap_err();
        assert_eq!(err("Korea\tKO\tshort\t-\n").0, 3);
        assert_eq!(err("Korea\tKOR\tshort\n").0, 3);
        assert_eq!(err("Korea\tKOR\tnickname\t-\n").0, 3);
        assert_eq!(err("Korea\tKOR\tshort\tmaybe\n").0, 3);
        assert_eq!(parse_aliases("Korea\tKOR\tshort\t-\n").unwrap_err().0, 1);
    }

    #[test]
    fn the_bundled_tables_load() {
        let g = gazetteer();
        assert!(g.len() > 900, "only {} names", g.len());
    }
}
