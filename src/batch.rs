//! Groups sentences into encoder batches. Padding is wasted arithmetic, so sentences are
//! sorted by length and cut into batches whose padded size (rows × longest row) stays
//! under a token budget; the caller restores the original order afterwards. The plan
//! depends only on the lengths and the limits, never on the thread count, which keeps
//! the output identical whatever `--threads` is.
//!
//! Long sentences are also capped by attention cells (sentences × length²): the attention
//! scores grow with the square of the length, and a batch of sixteen 256-token sentences
//! (within the token budget) needs 50 MB for them per layer. Blocks that large bypass the
//! allocator's reused memory (see [`crate::compute::tune_allocator`]) and every batch
//! faults in fresh pages: on 256-token sentences the cap made bf16 2.4× faster
//! (docs/performance.md).
//!
//! With `equal_lengths` (the default), a batch holds sentences of one token length only:
//! no padding at all. That is faster (15% end to end in fp32 on UN speeches) and makes a
//! sentence's result independent of its neighbours: padding changes the shapes of the
//! matrix products, hence the rounding, which bf16 amplifies to 1e-2.

/// Limits for one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Most sentences in one batch.
    pub max_sentences: usize,
    /// Most padded tokens (sentences × longest sentence) in one batch. A sentence longer
    /// than the budget gets a batch of its own.
    pub token_budget: usize,
    /// Most attention cells (sentences × longest sentence²) in one batch. The default,
    /// 64 sentences of 64 tokens, keeps the float32 scores of MiniLM's 12 heads within
    /// 12.6 MB; it binds only above 64 tokens.
    pub attention_budget: usize,
    /// Cut a batch wherever the token length changes (no padding).
    pub equal_lengths: bool,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_sentences: 64,
            token_budget: 4096,
            attention_budget: 64 * 64 * 64,
            equal_lengths: true,
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
        let cells = padded * lengths[i];
        let new_length = limits.equal_lengths
            && current
                .last()
                .is_some_and(|&last| lengths[last] != lengths[i]);
        if !current.is_empty()
            && (current.len() >= limits.max_sentences.max(1)
                || padded > limits.token_budget
                || cells > limits.attention_budget
                || new_length)
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
            attention_budget: usize::MAX,
            equal_lengths: false,
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
    fn equal_lengths_batches_hold_one_length_each() {
        let lengths = [7, 5, 7, 9, 5, 7];
        let limits = BatchLimits {
            max_sentences: 2,
            token_budget: 4096,
            attention_budget: usize::MAX,
            equal_lengths: true,
        };
        assert_eq!(
            plan(&lengths, limits),
            vec![vec![1, 4], vec![0, 2], vec![5], vec![3]]
        );
    }

    #[test]
    fn oversized_sentence_gets_its_own_batch() {
        assert_eq!(
            plan(
                &[5, 5000, 6],
                BatchLimits {
                    max_sentences: 8,
                    token_budget: 100,
                    attention_budget: usize::MAX,
                    equal_lengths: false,
                }
            ),
            vec![vec![0, 2], vec![1]]
        );
    }

    #[test]
    fn long_sentences_are_capped_by_attention_cells() {
        let limits = BatchLimits::default();
        // 64 tokens: the token budget and the sentence cap bind (64 rows); 256 tokens: the
        // token budget would allow 16 rows, the attention budget allows 4.
        let batches = plan(&[64; 100], limits);
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [64, 36]);
        let batches = plan(&[256; 10], limits);
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4, 2]);
        // A sentence over the budget still gets a batch of its own.
        assert_eq!(plan(&[1000], limits), vec![vec![0]]);
    }
}
