//! Groups of tension sentences that must stay in one CV fold: near-duplicates (word
//! 3-shingle Jaccard of 0.5 or more, or a shared run of 8 words) and sentences of the same
//! story (two rare names and two rare event words in common), joined by union-find. A
//! fold that holds one sentence of a group while training on another measures memory of
//! the story, not reading of the sentence.
use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{json, Value};

/// Word 3-shingle Jaccard at or above which two sentences are near-duplicates.
pub const JACCARD: f64 = 0.5;
/// A shared run of this many words makes two sentences near-duplicates.
pub const RUN: usize = 8;
/// A capitalised word in at most this many sentences is a rare name.
pub const RARE_NAME: usize = 8;
/// A lower-case word of four letters or more in at most this many sentences is a rare
/// event word.
pub const RARE_WORD: usize = 30;
/// Rare names and rare event words two sentences must share to be one story.
pub const SHARED: usize = 2;

/// Why two sentences were joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    NearDuplicate,
    SameStory,
}

/// The groups of a sentence set.
#[derive(Debug, Clone)]
pub struct Groups {
    /// The group of each sentence: 0.. in order of each group's first sentence.
    pub of: Vec<usize>,
    /// The pairs that joined them (`i < j`), each with its reason.
    pub links: Vec<(usize, usize, Link)>,
}

/// Lower-cased words (runs of letters and digits), and whether each began upper-case.
fn words(text: &str) -> Vec<(String, bool)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let upper = w.chars().next().is_some_and(char::is_uppercase);
            (w.to_lowercase(), upper)
        })
        .collect()
}

fn shingles(w: &[String], n: usize) -> HashSet<&[String]> {
    w.windows(n).collect()
}

fn shared<T: Eq + std::hash::Hash>(a: &HashSet<T>, b: &HashSet<T>) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small.iter().filter(|x| large.contains(x)).count()
}

/// Rare names and rare event words of each sentence.
fn rare_terms(toks: &[Vec<(String, bool)>]) -> Vec<(HashSet<&str>, HashSet<&str>)> {
    let sets: Vec<(HashSet<&str>, HashSet<&str>)> = toks
        .iter()
        .map(|t| {
            let names = t.iter().filter(|w| w.1).map(|w| w.0.as_str()).collect();
            let event = t
                .iter()
                .filter(|w| {
                    !w.1 && w.0.chars().count() >= 4 && w.0.chars().all(char::is_alphabetic)
                })
                .map(|w| w.0.as_str())
                .collect();
            (names, event)
        })
        .collect();
    let mut df: HashMap<(&str, bool), usize> = HashMap::new();
    for (names, event) in &sets {
        for &w in names {
            *df.entry((w, true)).or_default() += 1;
        }
        for &w in event {
            *df.entry((w, false)).or_default() += 1;
        }
    }
    sets.into_iter()
        .map(|(names, event)| {
            (
                names
                    .into_iter()
                    .filter(|&w| df[&(w, true)] <= RARE_NAME)
                    .collect(),
                event
                    .into_iter()
                    .filter(|&w| df[&(w, false)] <= RARE_WORD)
                    .collect(),
            )
        })
        .collect()
}

fn root(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// The groups of `texts`: every pair compared, linked pairs joined.
pub fn find(texts: &[String]) -> Groups {
    let toks: Vec<Vec<(String, bool)>> = texts.iter().map(|t| words(t)).collect();
    let plain: Vec<Vec<String>> = toks
        .iter()
        .map(|t| t.iter().map(|w| w.0.clone()).collect())
        .collect();
    let three: Vec<HashSet<&[String]>> = plain.iter().map(|w| shingles(w, 3)).collect();
    let runs: Vec<HashSet<&[String]>> = plain.iter().map(|w| shingles(w, RUN)).collect();
    let rare = rare_terms(&toks);
    let n = texts.len();
    let mut links = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let common = shared(&three[i], &three[j]);
            let union = three[i].len() + three[j].len() - common;
            let jaccard = if union == 0 {
                0.0
            } else {
                common as f64 / union as f64
            };
            if jaccard >= JACCARD || shared(&runs[i], &runs[j]) > 0 {
                links.push((i, j, Link::NearDuplicate));
            } else if shared(&rare[i].0, &rare[j].0) >= SHARED
                && shared(&rare[i].1, &rare[j].1) >= SHARED
            {
                links.push((i, j, Link::SameStory));
            }
        }
    }
    Groups::from_links(n, links)
}

impl Groups {
    /// Joins `n` items by `links` (union-find); groups are numbered by first item.
    pub fn from_links(n: usize, links: Vec<(usize, usize, Link)>) -> Groups {
        let mut parent: Vec<usize> = (0..n).collect();
        for &(i, j, _) in &links {
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            parent[a.max(b)] = a.min(b);
        }
        let mut id: HashMap<usize, usize> = HashMap::new();
        let of = (0..n)
            .map(|i| {
                let r = root(&mut parent, i);
                let next = id.len();
                *id.entry(r).or_insert(next)
            })
            .collect();
        Groups { of, links }
    }

    pub fn count(&self) -> usize {
        self.of.iter().max().map_or(0, |m| m + 1)
    }

    /// How many groups have each size.
    pub fn sizes(&self) -> BTreeMap<usize, usize> {
        let mut size = vec![0; self.count()];
        for &g in &self.of {
            size[g] += 1;
        }
        let mut out = BTreeMap::new();
        for s in size {
            *out.entry(s).or_insert(0) += 1;
        }
        out
    }

    /// Of `folds`, the linked pairs held out on one side and trained on at the other (near
    /// duplicates, same story), and the pairs of one group in different folds.
    pub fn split_by(&self, folds: &[usize]) -> (usize, usize, usize) {
        let crossing = |kind: Link| {
            self.links
                .iter()
                .filter(|&&(i, j, l)| l == kind && folds[i] != folds[j])
                .count()
        };
        let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, &g) in self.of.iter().enumerate() {
            members.entry(g).or_default().push(i);
        }
        let within: usize = members
            .values()
            .map(|m| {
                let mut n = 0;
                for (a, &i) in m.iter().enumerate() {
                    n += m[a + 1..].iter().filter(|&&j| folds[i] != folds[j]).count();
                }
                n
            })
            .sum();
        (
            crossing(Link::NearDuplicate),
            crossing(Link::SameStory),
            within,
        )
    }

    /// The groups and what each fold assignment splits, for the metrics file.
    pub fn summary(&self, folds: &[(&str, &[usize])]) -> Value {
        let kind = |k: Link| self.links.iter().filter(|l| l.2 == k).count();
        let sizes: BTreeMap<String, usize> = self
            .sizes()
            .into_iter()
            .map(|(s, n)| (s.to_string(), n))
            .collect();
        let mut split = serde_json::Map::new();
        for (name, f) in folds {
            let (dup, story, within) = self.split_by(f);
            split.insert(
                name.to_string(),
                json!({ "near_duplicate_pairs": dup, "same_story_pairs": story,
                        "pairs_in_one_group": within }),
            );
        }
        json!({
            "groups": self.count(),
            "sentences_in_groups_of_2_or_more": self.sizes().iter()
                .filter(|(s, _)| **s > 1).map(|(s, n)| s * n).sum::<usize>(),
            "sizes": sizes,
            "near_duplicate_pairs": kind(Link::NearDuplicate),
            "same_story_pairs": kind(Link::SameStory),
            "split": split,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn near_duplicates_and_long_runs_are_joined_others_are_not() {
        let t = texts(&[
            "Following his visit, Erdogan will meet his counterpart Sergio Mattarella at a working luncheon in Rome.",
            "Talks on the border resumed in Geneva on Monday.",
            "Following his visit, Erdogan will meet his counterpart Sergio Mattarella at a working lunch in Rome.",
            "Ssangyong union workers said they will not end the strike until their demands are met.",
            "Teachers have asserted that they will not end the strike until their demands have been met.",
            "Rain fell in the capital.",
        ]);
        let g = find(&t);
        assert_eq!(g.of, [0, 1, 0, 2, 2, 3]);
        assert!(g.links.iter().all(|l| l.2 == Link::NearDuplicate));
        assert_eq!(g.sizes(), BTreeMap::from([(1, 2), (2, 2)]));
    }

    #[test]
    fn same_story_needs_two_rare_names_and_two_rare_event_words() {
        let t = texts(&[
            "A court released journalist Mesale Tolu after months in prison.",
            "Officials lifted a travel ban on journalist Mesale Tolu, released last year.",
            "Mesale Tolu spoke to reporters on Friday.",
        ]);
        let g = find(&t);
        assert_eq!(g.links, [(0, 1, Link::SameStory)]);
        assert_eq!(g.of, [0, 0, 1]);
    }

    #[test]
    fn pairs_split_by_folds_are_counted_transitively() {
        let g = Groups::from_links(
            5,
            vec![(0, 1, Link::NearDuplicate), (1, 2, Link::SameStory)],
        );
        assert_eq!(g.of, [0, 0, 0, 1, 2]);
        assert_eq!(g.split_by(&[0, 1, 0, 1, 0]), (1, 1, 2));
        assert_eq!(g.split_by(&[1, 1, 1, 0, 0]), (0, 0, 0));
    }
}

/// The figures of `models/heads.md` ("Which CV to trust") on the shared tension set:
/// `cargo test --release --lib train::groups -- --ignored --nocapture`.
#[cfg(test)]
mod measure {
    #[test]
    #[ignore = "reads the shared data sets; prints the groups"]
    fn groups_of_the_tension_set() {
        let Ok((dir, _)) = crate::train::data::datasets_dir() else {
            eprintln!("skipped: no data sets");
            return;
        };
        let t = crate::train::data::load_tension(&dir.join(crate::train::data::TENSION_FILE))
            .expect("tension set");
        let g = super::find(&t.texts);
        let seed = crate::train::Recipe::default().seed;
        let by_sentence = crate::train::folds::stratified_folds(&t.labels, 5, seed);
        let by_group = crate::train::folds::stratified_group_folds(&t.labels, &g.of, 5, seed);
        let s = g.summary(&[("sentence", &by_sentence), ("group", &by_group)]);
        println!("{}", serde_json::to_string_pretty(&s).unwrap());
        for (name, f) in [("sentence", &by_sentence), ("group", &by_group)] {
            for k in 0..5 {
                let counts: Vec<usize> = (0..5)
                    .map(|c| {
                        (0..f.len())
                            .filter(|&i| f[i] == k && t.labels[i] == c)
                            .count()
                    })
                    .collect();
                println!("{name} fold {k}: {counts:?}");
            }
        }
        for &(i, j, l) in &g.links {
            println!(
                "{l:?}\t{}\t{}\n\t{}\n\t{}",
                t.labels[i], t.labels[j], t.texts[i], t.texts[j]
            );
        }
    }
}
