//! Groups sentences into encoder batches. A batch is a unit of work for one encoder
//! worker: sentences are sorted by token length (so equal lengths sit together and share
//! attention calls) and cut into batches of at most `max_sentences` sentences and
//! `token_budget` tokens; the caller restores the original order afterwards. The plan
//! depends only on the lengths and the limits, never on the thread count.
//!
//! The limits decide memory and speed, never results: [`crate::model::bert`] packs a batch's
//! tokens without padding between sentences and runs every matrix product in a shape that
//! does not depend on the batch, so a sentence's scores are the same in any batch. A
//! budget that is a multiple of [`ROW_TILE`] wastes least on padding rows.
//! The default, 2,048 tokens (4 tiles), is about a third of a second of one core in bf16
//! (UN speeches, AVX512_BF16), so the workers finish a chunk close together; 4,096 left
//! one idle at the end of a chunk (docs/performance.md).

/// Rows of every linear-layer call. A multiple of every kernel's row block, so no row of
/// a tile falls in a kernel's remainder path; large enough that packing the weight matrix
/// per call costs little (`cargo run --release --example gemm_tiles` measures both).
pub const ROW_TILE: i64 = 512;

/// Limits for one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Most sentences in one batch.
    pub max_sentences: usize,
    /// Most tokens (the sum of the sentences' lengths) in one batch. A sentence longer
    /// than the budget gets a batch of its own.
    pub token_budget: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_sentences: 256,
            token_budget: 2048,
        }
    }
}

/// Splits sentence indices `0..lengths.len()` into batches, shortest sentences first.
pub fn plan(lengths: &[usize], limits: BatchLimits) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| (lengths[i], i));
    let mut batches = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut tokens = 0;
    for i in order {
        if !current.is_empty()
            && (current.len() >= limits.max_sentences.max(1)
                || tokens + lengths[i] > limits.token_budget)
        {
            batches.push(std::mem::take(&mut current));
            tokens = 0;
        }
        current.push(i);
        tokens += lengths[i];
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
            let tokens: usize = b.iter().map(|&i| lengths[i]).sum();
            assert!(b.len() <= 16);
            assert!(b.len() == 1 || tokens <= 1000, "{b:?}");
            // Sorted: lengths never decrease within a batch.
            assert!(b.windows(2).all(|w| lengths[w[0]] <= lengths[w[1]]));
        }
    }

    #[test]
    fn batches_fill_the_token_budget_across_lengths() {
        let lengths = [7, 5, 7, 9, 5, 7];
        let limits = BatchLimits {
            max_sentences: 8,
            token_budget: 20,
        };
        // 5 + 5 + 7 = 17 (a fourth would make 24), 7 + 7 = 14 (+9 = 23), then 9.
        assert_eq!(
            plan(&lengths, limits),
            vec![vec![1, 4, 0], vec![2, 5], vec![3]]
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
                }
            ),
            vec![vec![0, 2], vec![1]]
        );
    }
}
