//! Turns sentences into model token ids with the Hugging Face `tokenizers` crate, from the
//! model's own `tokenizer.json`, so that ids match what the model was trained with.
//!
//! The shipped `tokenizer.json` pads every sentence to 128 tokens and truncates at 128;
//! both are switched off here. Batches are packed later without padding between sentences
//! (`model::bert`), and sentences over the model's limit are cut to it here and marked
//! `truncated`.
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
        let mut ids = enc.get_ids().to_vec();
        let n_tokens = ids.len();
        let truncated = n_tokens > self.max_tokens;
        if truncated {
            let sep = *ids.last().expect("non-empty encoding");
            ids.truncate(self.max_tokens - 1);
            ids.push(sep);
        }
        Ok(Tokens {
            ids,
            n_tokens,
            truncated,
        })
    }
}

fn preview(text: &str) -> &str {
    match text.char_indices().nth(60) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}
