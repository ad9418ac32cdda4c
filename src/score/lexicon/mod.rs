//! The `lexicon` scorer: VADER (Hutto & Gilbert 2014), the lexicon sentiment baseline
//! that political and media researchers know and cite, so that transformer scores can be
//! checked against the number they trust. This file adapts it to the [`Scorer`] trait; the
//! algorithm, reproduced from vaderSentiment 3.3.2, lives in the files beside it:
//! `vader` (the analyzer and its tokenizer), `rules` (VADER's rules), `words` (the word
//! table and the lexicon files' parsing), `tables` (the reference's constant word lists),
//! `scan` (the byte scanner) and `py` (Python-semantics shims). It needs no embedding, so
//! a run with only this scorer never loads libtorch models.
use std::path::Path;

use super::{Cell, Column, Identity, Scorer, ScorerOptions, Sentence};
use crate::error::Error;

mod py;
mod rules;
mod scan;
mod tables;
mod vader;
mod words;

pub use rules::Polarity;
pub use vader::Vader;

pub const LEXICON: &str = "vader/vader_lexicon.txt";
pub const EMOJI: &str = "vader/emoji_utf8_lexicon.txt";

pub fn columns(opts: &ScorerOptions) -> Vec<Column> {
    let mut c = vec![Column::float("sentiment_lexicon")];
    if opts.lexicon_detail {
        c.extend(["lexicon_pos", "lexicon_neu", "lexicon_neg"].map(Column::float));
    }
    c
}

pub struct LexiconScorer {
    vader: Vader,
    id: Identity,
    detail: bool,
}

/// VADER from the models folder; errors name the file and line.
pub fn load_vader(models: &Path) -> Result<Vader, Error> {
    Vader::from_files(&models.join(LEXICON), &models.join(EMOJI)).map_err(|e| Error::Model {
        path: e.path.clone(),
        message: format!("line {}: {}", e.line, e.message),
    })
}

pub fn build(models: &Path, opts: &ScorerOptions) -> Result<Box<dyn Scorer>, Error> {
    let vader = load_vader(models)?;
    Ok(Box::new(LexiconScorer {
        vader,
        id: Identity::of("lexicon", opts),
        detail: opts.lexicon_detail,
    }))
}

impl Scorer for LexiconScorer {
    fn identity(&self) -> &Identity {
        &self.id
    }
    fn score(&self, sentence: &Sentence<'_>, out: &mut Vec<Cell>) {
        let p = self.vader.polarity_scores(sentence.text);
        out.push(Cell::Num(p.compound));
        if self.detail {
            out.extend([Cell::Num(p.pos), Cell::Num(p.neu), Cell::Num(p.neg)]);
        }
    }
}
