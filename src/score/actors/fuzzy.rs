//! The guarded fuzzy match of misspelled state names: a capitalised word that no name
//! matches exactly ("Afganistan", "Phillipines") names the state of the one long name (eight
//! letters or more) it is one edit away from. Short names are never matched this way.
use std::collections::HashSet;

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
