//! The guarded fuzzy match of misspelled names: a capitalised word that no name matches
//! exactly ("Afganistan", "Phillipines") names the state of the one long name (eight
//! letters or more) it is one edit away from; a capitalised pair of words ("Abdelaziz
//! Bouteflicka") names the one person of two words whose first name or surname, of six
//! letters or more, it misspells by one edit while the other word is exact. Short names are
//! never matched this way.
use std::collections::{HashMap, HashSet};

/// Names shorter than this (in letters) are matched exactly only.
pub(super) const MIN_LETTERS: usize = 8;

/// One-word names that a misspelling may stand for, with their codes.
pub(super) struct Fuzzy {
    names: Vec<(Vec<char>, Vec<String>)>,
    /// Every name, for the plurals of names that are no misspelling ("the two Georgias").
    all: HashSet<String>,
}

impl Fuzzy {
    /// From the gazetteer's (name, codes, proper) triples: one-word, all-letter names of at
    /// least `MIN_LETTERS` letters that name a state and need no guard against a
    /// neighbouring capitalised word.
    pub(super) fn new<'a>(names: impl Iterator<Item = (&'a str, &'a [String], bool)>) -> Fuzzy {
        let names: Vec<_> = names.collect();
        let all = names.iter().map(|(t, _, _)| t.to_string()).collect();
        let names = names
            .into_iter()
            .filter(|(t, codes, proper)| {
                !proper
                    && !codes.is_empty()
                    && t.chars().count() >= MIN_LETTERS
                    && t.chars().all(char::is_alphabetic)
            })
            .map(|(t, codes, _)| (t.chars().collect(), codes.to_vec()))
            .collect();
        Fuzzy { names, all }
    }

    /// The codes of the one name `word` is a single edit away from, if exactly one state
    /// is (several candidates naming different states: none).
    pub(super) fn codes(&self, word: &str) -> Option<&[String]> {
        let w: Vec<char> = word.chars().collect();
        if w.len() + 1 < MIN_LETTERS
            || !w.iter().all(|c| c.is_alphabetic())
            || word.strip_suffix('s').is_some_and(|n| self.all.contains(n))
        {
            return None;
        }
        let mut found: Option<&[String]> = None;
        for (name, codes) in &self.names {
            if name.len().abs_diff(w.len()) <= 1 && name[0] == w[0] && one_edit(name, &w) {
                match found {
                    Some(f) if f != codes.as_slice() => return None,
                    _ => found = Some(codes),
                }
            }
        }
        found
    }
}

/// Words of a person's name shorter than this (in letters) are matched exactly only.
pub(super) const MIN_NAME_LETTERS: usize = 6;

/// Two-word names of people, by each word, for misspellings of the other.
#[derive(Default)]
pub(super) struct People {
    /// Exact first name → (surname, person id); exact surname → (first name, person id).
    by_first: HashMap<String, Vec<(Vec<char>, usize)>>,
    by_last: HashMap<String, Vec<(Vec<char>, usize)>>,
}

impl People {
    /// From (lowercase two-word name, person id) pairs; other names are left out.
    pub(super) fn new<'a>(names: impl Iterator<Item = (&'a str, usize)>) -> People {
        let mut p = People::default();
        for (name, id) in names {
            let words: Vec<&str> = name.split(' ').collect();
            let [first, last] = words[..] else { continue };
            let plain = |w: &str| w.chars().all(|c| c.is_alphabetic() || c == '-');
            if !plain(first) || !plain(last) {
                continue;
            }
            if last.chars().count() >= MIN_NAME_LETTERS {
                p.by_first
                    .entry(first.to_string())
                    .or_default()
                    .push((last.chars().collect(), id));
            }
            if first.chars().count() >= MIN_NAME_LETTERS {
                p.by_last
                    .entry(last.to_string())
                    .or_default()
                    .push((first.chars().collect(), id));
            }
        }
        p
    }

    /// The one person whose two-word name `first last` misspells by one edit in one of its
    /// long words (the other exact, the first letter kept); `None` when none or several.
    pub(super) fn person(&self, first: &str, last: &str) -> Option<usize> {
        let (first, last) = (first.to_lowercase(), last.to_lowercase());
        let mut ids: Vec<usize> = Vec::new();
        for (exact, other, index) in [
            (&first, &last, &self.by_first),
            (&last, &first, &self.by_last),
        ] {
            let w: Vec<char> = other.chars().collect();
            for (name, id) in index.get(exact.as_str()).into_iter().flatten() {
                if name.len().abs_diff(w.len()) <= 1 && name[0] == w[0] && one_edit(name, &w) {
                    ids.push(*id);
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        match ids[..] {
            [id] => Some(id),
            _ => None,
        }
    }
}

/// Whether `a` and `b` differ by exactly one edit: one letter replaced, inserted or
/// deleted, or two neighbours swapped.
fn one_edit(a: &[char], b: &[char]) -> bool {
    if a == b {
        return false;
    }
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[head..], &b[head..]);
    match ra.len() as isize - rb.len() as isize {
        0 => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        1 => ra[1..] == *rb,
        -1 => *ra == rb[1..],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fuzzy() -> Fuzzy {
        let codes = |c: &str| vec![c.to_string()];
        let names = [
            ("Afghanistan", codes("AFG")),
            ("Philippines", codes("PHL")),
            ("Colombia", codes("COL")),
            ("Austria", codes("AUT")),
            ("Slovakia", codes("SVK")),
            ("Slovenia", codes("SVN")),
        ];
        let georgia = [("Georgia", codes("GEO")), ("Georgian", codes("GEO"))];
        Fuzzy::new(
            names
                .iter()
                .chain(&georgia)
                .map(|(t, c)| (*t, c.as_slice(), false)),
        )
    }

    #[test]
    fn one_edit_on_long_names() {
        let f = fuzzy();
        assert_eq!(f.codes("Afganistan"), Some(&["AFG".to_string()][..]));
        assert_eq!(f.codes("Phillipines"), None, "two edits");
        assert_eq!(f.codes("Philipines"), Some(&["PHL".to_string()][..]));
        assert_eq!(
            f.codes("Colmobia"),
            Some(&["COL".to_string()][..]),
            "a swap"
        );
        assert_eq!(
            f.codes("Afghanistan"),
            None,
            "exact names are not fuzzy matches"
        );
    }

    #[test]
    fn a_person_misspelled_in_one_long_word() {
        let names = [
            "abdelaziz bouteflika",
            "boris yeltsin",
            "ali bongo",
            "omar hassan al-bashir",
        ];
        let p = People::new(names.iter().enumerate().map(|(i, n)| (*n, i)));
        assert_eq!(p.person("Abdelaziz", "Bouteflicka"), Some(0));
        assert_eq!(p.person("Boris", "Yelstin"), Some(1), "a swap");
        assert_eq!(
            p.person("Abdelazis", "Bouteflika"),
            Some(0),
            "the first name"
        );
        assert_eq!(
            p.person("Boris", "Yeltsin"),
            None,
            "exact names are not fuzzy matches"
        );
        assert_eq!(
            p.person("Ali", "Bango"),
            None,
            "a surname of fewer than six letters"
        );
        assert_eq!(
            p.person("Boris", "Jeltsin"),
            None,
            "the first letter must agree"
        );
        assert_eq!(
            p.person("Doris", "Yeltsin"),
            None,
            "a first name of fewer than six letters"
        );
        assert_eq!(
            p.person("Omar", "Al-Bashir"),
            None,
            "three-word names are left out"
        );
    }

    #[test]
    fn never_on_short_names_or_other_first_letters() {
        let f = fuzzy();
        assert_eq!(
            f.codes("Austra"),
            None,
            "Austria has fewer than eight letters"
        );
        assert_eq!(f.codes("Bolombia"), None, "the first letter must agree");
        assert_eq!(f.codes("Slovmkia"), Some(&["SVK".to_string()][..]));
        assert_eq!(f.codes("Slovania"), None, "one edit from two states");
        assert_eq!(
            f.codes("Georgias"),
            None,
            "the plural of a name is no misspelling"
        );
    }
}
