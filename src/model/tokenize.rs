//! Turns sentences into model token ids with the Hugging Face `tokenizers` crate, from the
//! model's own `tokenizer.json`, so that ids match what the model was trained with.
//!
//! The shipped `tokenizer.json` pads every sentence to 128 tokens and truncates at 128;
//! both are switched off here. Batches are packed later without padding between sentences
//! (`model::bert`), and sentences over the model's limit are cut to it here and marked
//! `truncated`.
use std::ops::Range;
use std::path::Path;

use crate::error::Error;

/// Token ids of one sentence, ready for the encoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// Ids including `[CLS]` and `[SEP]`, at most `max_tokens` long.
    pub ids: Vec<u32>,
    /// Number of tokens before truncation, including `[CLS]` and `[SEP]`.
    pub n_tokens: usize,
    pub truncated: bool,
}

pub struct SentenceTokenizer {
    inner: tokenizers::Tokenizer,
    max_tokens: usize,
}

impl SentenceTokenizer {
    /// Loads `tokenizer.json`; `max_tokens` is the encoder's sequence limit (256 for
    /// all-MiniLM-L6-v2).
    pub fn from_file(path: &Path, max_tokens: usize) -> Result<Self, Error> {
        let model_err = |message: String| Error::Model {
            path: path.to_path_buf(),
            message,
        };
        let mut inner =
            tokenizers::Tokenizer::from_file(path).map_err(|e| model_err(e.to_string()))?;
        inner.with_padding(None);
        inner
            .with_truncation(None)
            .map_err(|e| model_err(e.to_string()))?;
        if max_tokens < 2 {
            return Err(model_err(format!(
                "max_tokens {max_tokens} leaves no room for a sentence"
            )));
        }
        Ok(SentenceTokenizer { inner, max_tokens })
    }

    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// Tokenizes one sentence. A sentence over the limit keeps its first tokens and its
    /// final `[SEP]`, as Hugging Face truncation does.
    pub fn encode(&self, text: &str) -> Result<Tokens, Error> {
        let enc = self
            .inner
            .encode_fast(text, true)
            .map_err(|e| Error::Encoder(format!("tokenizing {:?}: {e}", preview(text))))?;
        Ok(self.truncate(enc.get_ids().to_vec()))
    }
}

impl SentenceTokenizer {
    /// Tokenizes one sentence as [`SentenceTokenizer::encode`] does, and finds for each
    /// group of byte ranges the tokens (indices into `ids`) that overlap one of its
    /// ranges. `[CLS]`, `[SEP]` and tokens cut by truncation are never in a group; a group
    /// may come back empty.
    pub fn encode_spans(
        &self,
        text: &str,
        groups: &[Vec<Range<usize>>],
    ) -> Result<(Tokens, Vec<Vec<u32>>), Error> {
        if groups.is_empty() {
            return Ok((self.encode(text)?, Vec::new()));
        }
        let enc = self
            .inner
            .encode(text, true)
            .map_err(|e| Error::Encoder(format!("tokenizing {:?}: {e}", preview(text))))?;
        let tokens = self.truncate(enc.get_ids().to_vec());
        // Token k of the kept ids is token k of the encoding, except the final [SEP].
        let kept = tokens.ids.len() - 1;
        let offsets = enc.get_offsets();
        let special = enc.get_special_tokens_mask();
        let found = groups
            .iter()
            .map(|ranges| {
                (0..kept)
                    .filter(|&k| special[k] == 0)
                    .filter(|&k| {
                        let (a, b) = offsets[k];
                        b > a && ranges.iter().any(|r| a < r.end && b > r.start)
                    })
                    .map(|k| k as u32)
                    .collect()
            })
            .collect();
        Ok((tokens, found))
    }

    fn truncate(&self, mut ids: Vec<u32>) -> Tokens {
        let n_tokens = ids.len();
        let truncated = n_tokens > self.max_tokens;
        if truncated {
            let sep = *ids.last().expect("non-empty encoding");
            ids.truncate(self.max_tokens - 1);
            ids.push(sep);
        }
        Tokens {
            ids,
            n_tokens,
            truncated,
        }
    }
}

fn preview(text: &str) -> &str {
    match text.char_indices().nth(60) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // a group of one byte range is the point
mod tests {
    use super::*;

    fn tokenizer(max: usize) -> SentenceTokenizer {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models/all-MiniLM-L6-v2")
            .join(crate::model::files::TOKENIZER);
        SentenceTokenizer::from_file(&path, max)
            .unwrap_or_else(|e| panic!("{e}: the encoder needs scripts/bootstrap to have run"))
    }

    #[test]
    fn span_groups_pick_the_tokens_of_their_byte_ranges() {
        let t = tokenizer(256);
        let text = "Japan praised South Korea, and Japan's envoy smiled.";
        let groups = vec![vec![0..5, 31..36], vec![14..25], vec![]];
        let (tokens, found) = t.encode_spans(text, &groups).unwrap();
        assert_eq!(tokens, t.encode(text).unwrap());
        // [CLS] japan praised south korea , and japan ' s envoy smiled . [SEP]
        assert_eq!(found, vec![vec![1, 7], vec![3, 4], vec![]]);
        // A multi-byte character before the mention: offsets are bytes, not characters.
        let (_, found) = t.encode_spans("Ré: Japan", &[vec![5..10]]).unwrap();
        let (_, again) = t.encode_spans("Re: Japan", &[vec![4..9]]).unwrap();
        assert_eq!(found, again);
        assert!(!found[0].is_empty());
    }

    #[test]
    fn span_groups_never_reach_past_truncation() {
        let t = tokenizer(4);
        // [CLS] japan praised [SEP]: "Korea" was cut.
        let text = "Japan praised South Korea.";
        let (tokens, found) = t.encode_spans(text, &[vec![14..25], vec![0..5]]).unwrap();
        assert!(tokens.truncated);
        assert_eq!(tokens.ids.len(), 4);
        assert_eq!(found, vec![vec![], vec![1]]);
    }
}
