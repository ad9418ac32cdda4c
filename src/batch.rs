//! Groups sentences into encoder batches. Padding is wasted arithmetic, so sentences are
//! sorted by length and cut into batches whose padded size (rows × longest row) stays
//! under a token budget; the caller restores the original order afterwards. The plan
//! depends only on the lengths and the two limits, never on the thread count, which keeps
//! the output identical whatever `--threads` is.

/// Limits for one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Most sentences in one batch.
    pub max_sentences: usize,
    /// Most padded tokens (sentences × longest sentence) in one batch. A sentence longer
    /// than the budget gets a batch of its own.
    pub token_budget: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_sentences: 64,
            token_budget: 4096,
        }
    }
}

/// Splits sentence indices `0..lengths.len()` into batches, shortest sentences first.
pub fn plan(lengths: &[usize], limits: BatchLimits) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| (lengths[i], i));
    let mut batches = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for i in order {
        // Sorted ascending, so this sentence is the longest of the batch so far.
        let padded = (current.len() + 1) * lengths[i];
        if !current.is_empty()
            && (current.len() >= limits.max_sentences.max(1) || padded > limits.token_budget)
        {
            batches.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sentence_once_within_limits() {
        let lengths: Vec<usize> = (0..500).map(|i| (i * 7919) % 300 + 3).collect();
        let limits = BatchLimits {
            max_sentences: 16,
            token_budget: 1000,
        };
        let batches = plan(&lengths, limits);
        let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..500).collect::<Vec<_>>());
        for b in &batches {
            let longest = b.iter().map(|&i| lengths[i]).max().unwrap();
            assert!(b.len() <= 16);
            assert!(b.len() == 1 || b.len() * longest <= 1000, "{b:?}");
        }
    }

    #[test]
    fn oversized_sentence_gets_its_own_batch() {
        assert_eq!(
            plan(
                &[5, 5000, 6],
                BatchLimits {
                    max_sentences: 8,
                    token_budget: 100
                }
            ),
            vec![vec![0, 2], vec![1]]
        );
    }
}
