//! The state gazetteer: registry country names, short forms, demonyms, capitals and seats
//! of government → ISO 3166-1 alpha-3 codes, matched in one Aho-Corasick pass, with the
//! guards that keep "Chad Johnson" and "the Paris Agreement" from naming a state.
use std::collections::HashMap;
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};

use super::fuzzy::Fuzzy;
use super::tables::{read_aliases, read_gdelt, read_iso, read_places, Alias, ALIASES, GDELT, ISO};
use super::words::{at_word_boundaries, first_word, last_word};
use crate::error::Error;

/// What a matched text stands for.
#[derive(Debug, Clone)]
struct Entry {
    /// ISO alpha-3 codes; empty for a blocked text.
    codes: Vec<String>,
    /// Skip the match when a capitalised word stands right next to it (a person's or a
    /// place's name: "Michael Jordan", "Paris Agreement").
    proper: bool,
    /// From the place table: never a model for misspellings.
    table: bool,
    /// A place inside a state (a region, province or city), not the state's own name.
    place: bool,
}

/// A state name found in a sentence: byte span and codes.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub codes: Vec<String>,
    /// A region, province or city of the place table: where something happens, not who
    /// acts.
    pub place: bool,
}

/// Every name the scorer knows, compiled into one automaton.
pub struct Gazetteer {
    automaton: AhoCorasick,
    entries: Vec<Entry>,
    /// The name texts, by pattern id.
    texts: Vec<String>,
    /// Misspelled long names.
    fuzzy: Fuzzy,
}

impl Gazetteer {
    /// Reads the registry tables, the alias table and the place table from the models
    /// folder.
    pub fn load(models: &Path) -> Result<Gazetteer, Error> {
        let mut names = read_iso(&models.join(ISO))?;
        names.extend(read_gdelt(&models.join(GDELT))?);
        let aliases = read_aliases(&models.join(ALIASES))?;
        let places = read_places(models)?;
        Gazetteer::new(names, aliases, places).map_err(|message| Error::Model {
            path: models.join(ALIASES),
            message,
        })
    }

    /// Builds the gazetteer from registry names (text, code), alias rows and places
    /// (text, code, whether a place inside the state); an alias overrides a registry name with the same text, and both
    /// override a place. A place is skipped next to a capitalised word ("Victoria Falls").
    pub fn new(
        registry: Vec<(String, String)>,
        aliases: Vec<Alias>,
        places: Vec<(String, String, bool)>,
    ) -> Result<Gazetteer, String> {
        let mut by_text: HashMap<String, Entry> = HashMap::new();
        for (text, code) in registry {
            by_text.entry(text).or_insert(Entry {
                codes: vec![code],
                proper: false,
                table: false,
                place: false,
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
                    table: false,
                    place: false,
                },
            );
        }
        for (p, codes) in plurals {
            by_text.entry(p).or_insert(Entry {
                codes,
                proper: false,
                table: false,
                place: false,
            });
        }
        for (text, code, place) in places {
            by_text.entry(text).or_insert(Entry {
                codes: vec![code],
                proper: true,
                table: true,
                place,
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
        let fuzzy = Fuzzy::new(
            texts
                .iter()
                .zip(&entries)
                .filter(|(_, e)| !e.table)
                .map(|(t, e)| (t.as_str(), e.codes.as_slice(), e.proper)),
        );
        Ok(Gazetteer {
            automaton,
            entries,
            texts,
            fuzzy,
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
        let mut out = self.misspelled(text, &found);
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
                    place: self.entries[id].place,
                });
            }
        }
        out.sort_by_key(|m| m.start);
        out
    }

    /// Capitalised words outside every exact match (blocked ones included) that are a
    /// misspelled long state name, unless a capitalised word stands next to them.
    fn misspelled(&self, text: &str, found: &[(usize, usize, usize)]) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut at = 0;
        for word in text.split(|c: char| !c.is_alphabetic()) {
            let start = at;
            let end = start + word.len();
            at = end + text[end..].chars().next().map_or(0, char::len_utf8);
            if !word.chars().next().is_some_and(char::is_uppercase)
                || found.iter().any(|f| f.0 < end && start < f.1)
                || next_to_capitalised(text, start, end)
            {
                continue;
            }
            if let Some(codes) = self.fuzzy.codes(word) {
                out.push(Mention {
                    start,
                    end,
                    codes: codes.to_vec(),
                    place: false,
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
/// state: "Chad President", "Beijing Foreign Ministry", "Washington DC", the state's
/// institutions ("Israel Police", "Baghdad University", "Tehran Radio").
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
    "court",
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
    "police",
    "premier",
    "president",
    "prime",
    "queen",
    "radio",
    "security",
    "supreme",
    "television",
    "trade",
    "tv",
    "university",
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
    fn older_and_informal_state_names() {
        assert_eq!(
            actors(
                "Soviet troops left Czechoslovakia and East German officials met West German ones."
            ),
            "SUN;CSK;DDR;DEU"
        );
        assert_eq!(
            actors("The USSR recognised Zaire and Upper Volta."),
            "SUN;COD;BFA"
        );
        assert_eq!(actors("A delegation flew from Bonn to Rangoon."), "DEU;MMR");
    }

    #[test]
    fn misspelled_long_names_only() {
        assert_eq!(
            actors("Troops left Afganistan and entered Pakistan."),
            "AFG;PAK"
        );
        assert_eq!(actors("Talks with the Philipines resumed."), "PHL");
        // Short names, and words next to another capitalised word, are matched exactly only.
        assert_eq!(actors("Ministers from Ira and Chna met."), "");
        assert_eq!(actors("Afganistan Airways cancelled flights."), "");
        // A blocked look-alike is not misspelled.
        assert_eq!(actors("Students at Columbia protested."), "");
    }

    #[test]
    fn the_bundled_tables_load() {
        let g = gazetteer();
        assert!(g.len() > 900, "only {} names", g.len());
    }
}
