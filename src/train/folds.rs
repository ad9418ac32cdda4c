//! The CV folds, drawn from the seed: stratified by class over single sentences, or
//! stratified over groups of sentences (a group never split between folds, see
//! [`super::groups`]).
use std::cmp::Reverse;

use super::rng::Rng;

/// How `detente train --cv` cuts the tension sentences into folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FoldsBy {
    /// Stratified group folds: near-duplicate and same-story sentences stay together.
    #[default]
    Group,
    /// Stratified folds of single sentences (near-duplicates may sit on both sides).
    Sentence,
}

/// Stratified k-fold assignment: each class's items are shuffled and dealt round-robin,
/// so every fold holds about 1/k of each class. Returns the fold of each item.
pub fn stratified_folds(labels: &[usize], k: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed ^ 0xF01D);
    let mut fold = vec![0; labels.len()];
    let mut next = 0;
    for class in 0..=labels.iter().copied().max().unwrap_or(0) {
        let mut items: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rng.shuffle(&mut items);
        for i in items {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

/// Stratified group k-fold assignment: the groups (`groups[i]` is item i's) are shuffled,
/// then placed largest first, each in the fold where it adds least to the squared
/// distance of the folds' class counts from 1/k of each class (ties: the fold with fewer
/// items, then the lower fold). Single items thereby fill each fold's rarest classes, so
/// every fold gets every class that has at least k ungrouped items. Returns the fold of
/// each item.
pub fn stratified_group_folds(
    labels: &[usize],
    groups: &[usize],
    k: usize,
    seed: u64,
) -> Vec<usize> {
    let classes = labels.iter().max().map_or(0, |m| m + 1);
    let n_groups = groups.iter().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
    for (i, &g) in groups.iter().enumerate() {
        members[g].push(i);
    }
    let mut order = Rng::new(seed ^ 0x6F0D).permutation(n_groups);
    order.sort_by_key(|&g| Reverse(members[g].len()));
    let mut target = vec![0.0; classes];
    for &c in labels {
        target[c] += 1.0 / k as f64;
    }
    let mut count = vec![vec![0.0; classes]; k];
    let mut size = vec![0; k];
    let mut fold = vec![0; labels.len()];
    for g in order {
        if members[g].is_empty() {
            continue;
        }
        let mut add = vec![0.0; classes];
        for &i in &members[g] {
            add[labels[i]] += 1.0;
        }
        let cost = |f: usize| -> f64 {
            (0..classes)
                .map(|c| add[c] * (2.0 * (count[f][c] - target[c]) + add[c]))
                .sum()
        };
        let best = (0..k)
            .min_by(|&a, &b| cost(a).total_cmp(&cost(b)).then(size[a].cmp(&size[b])))
            .expect("k > 0");
        for &i in &members[g] {
            fold[i] = best;
        }
        for c in 0..classes {
            count[best][c] += add[c];
        }
        size[best] += members[g].len();
    }
    fold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_cover_everything() {
        let labels: Vec<usize> = (0..103).map(|i| i % 5).collect();
        let f = stratified_folds(&labels, 5, 1);
        for k in 0..5 {
            for c in 0..5 {
                let n = (0..103).filter(|&i| f[i] == k && labels[i] == c).count();
                assert!((3..=5).contains(&n), "fold {k} class {c}: {n}");
            }
        }
    }

    /// 300 items of 5 classes (unequal), a third of them in groups of 2 to 6.
    fn grouped() -> (Vec<usize>, Vec<usize>) {
        let mut rng = Rng::new(9);
        let labels: Vec<usize> = (0..300).map(|i| [0, 0, 1, 2, 2, 3, 4][i % 7]).collect();
        let mut groups = Vec::new();
        let mut g = 0;
        while groups.len() < 300 {
            let size = if groups.len() < 100 {
                2 + rng.below(5)
            } else {
                1
            };
            groups.extend(std::iter::repeat_n(g, size.min(300 - groups.len())));
            g += 1;
        }
        (labels, groups)
    }

    #[test]
    fn no_group_crosses_folds_and_every_fold_gets_every_class() {
        let (labels, groups) = grouped();
        let f = stratified_group_folds(&labels, &groups, 5, 1234);
        for i in 0..300 {
            for j in 0..300 {
                if groups[i] == groups[j] {
                    assert_eq!(f[i], f[j], "items {i} and {j} of group {}", groups[i]);
                }
            }
        }
        for k in 0..5 {
            let size = f.iter().filter(|&&x| x == k).count();
            assert!((55..=65).contains(&size), "fold {k}: {size} items");
            for c in 0..5 {
                let n = (0..300).filter(|&i| f[i] == k && labels[i] == c).count();
                let share = labels.iter().filter(|&&l| l == c).count() as f64 / 5.0;
                assert!(
                    n > 0 && (n as f64 - share).abs() <= 3.0,
                    "fold {k} class {c}: {n} (share {share:.1})"
                );
            }
        }
    }

    #[test]
    fn same_seed_same_folds_and_another_seed_others() {
        let (labels, groups) = grouped();
        let a = stratified_group_folds(&labels, &groups, 5, 1234);
        assert_eq!(a, stratified_group_folds(&labels, &groups, 5, 1234));
        assert_ne!(a, stratified_group_folds(&labels, &groups, 5, 99));
    }

    #[test]
    fn single_items_give_the_same_balance_as_sentence_folds() {
        let labels: Vec<usize> = (0..103).map(|i| i % 5).collect();
        let groups: Vec<usize> = (0..103).collect();
        let f = stratified_group_folds(&labels, &groups, 5, 1);
        for k in 0..5 {
            for c in 0..5 {
                let n = (0..103).filter(|&i| f[i] == k && labels[i] == c).count();
                assert!((4..=5).contains(&n), "fold {k} class {c}: {n}");
            }
        }
    }
}
