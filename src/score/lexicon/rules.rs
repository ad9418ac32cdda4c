//! VADER's rules, as `SentimentIntensityAnalyzer` applies them to the tokens of one text:
//! boosters and dampeners, ALL-CAPS emphasis, negation, "least", the special idioms, "but",
//! and the '!'/'?' emphasis and normalisation of `score_valence` that give the four scores.

use super::py::py_round;
use super::scan::count_ep_qm;
use super::tables::{
    ALPHA, B_DECR, B_INCR, C_INCR, N_SCALAR, W_AT, W_BUT, W_DOUBT, W_LEAST, W_NEVER, W_NO, W_NOR,
    W_OR, W_SO, W_THIS, W_VERY, W_WITHOUT,
};
use super::words::{
    Phrase, Phrases, WordTable, F_BOOSTER, F_BOOSTER_DECR, F_LEXICON, F_NEGATE, F_PHRASE, NO_ENTRY,
};

/// The four scores of `polarity_scores`, rounded as the reference rounds them
/// (neg/neu/pos to 3 decimals, compound to 4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Polarity {
    pub neg: f64,
    pub neu: f64,
    pub pos: f64,
    pub compound: f64,
}

/// One token after `_strip_punc_if_word`, with what the rules ask about it.
#[derive(Clone, Copy)]
pub(super) struct Tok {
    /// Lexicon valence when `flags & F_LEXICON`.
    lex: f64,
    /// Word-table index of the lowercase form ([`NO_ENTRY`] if none): equal indices mean
    /// equal lowercase words.
    entry: u32,
    word: u8,
    flags: u8,
    /// `negated([word])`: in NEGATE or contains "n't".
    negated: bool,
    /// `word.isupper()` on the token as written.
    upper: bool,
}

impl Tok {
    #[inline]
    pub(super) fn new(t: &WordTable, entry: u32, nt: bool, upper: bool) -> Tok {
        if entry == NO_ENTRY {
            return Tok {
                lex: 0.0,
                entry,
                word: 0,
                flags: 0,
                negated: nt,
                upper,
            };
        }
        let r = &t.recs[entry as usize];
        Tok {
            lex: r.valence,
            entry,
            word: r.word,
            flags: r.flags,
            negated: nt || r.flags & F_NEGATE != 0,
            upper,
        }
    }
    /// `word.lower() in self.lexicon` and its valence.
    #[inline]
    fn valence(&self) -> Option<f64> {
        if self.flags & F_LEXICON != 0 {
            Some(self.lex)
        } else {
            None
        }
    }
    /// `word.lower() in BOOSTER_DICT` and its value.
    #[inline]
    pub(super) fn booster(&self) -> Option<f64> {
        if self.flags & F_BOOSTER == 0 {
            None
        } else if self.flags & F_BOOSTER_DECR != 0 {
            Some(B_DECR)
        } else {
            Some(B_INCR)
        }
    }
    #[inline]
    pub(super) fn word(&self) -> u8 {
        self.word
    }
    #[inline]
    fn phrase(&self) -> bool {
        self.flags & F_PHRASE != 0
    }
}

/// `normalize(score, alpha=15)`.
#[inline]
fn normalize(score: f64) -> f64 {
    let n = score / (score * score + ALPHA).sqrt();
    n.clamp(-1.0, 1.0)
}

/// `sentiment_valence` for the word at `i`.
pub(super) fn sentiment_valence(
    phrases: &Phrases,
    toks: &[Tok],
    i: usize,
    is_cap_diff: bool,
) -> f64 {
    let n = toks.len();
    let t = &toks[i];
    let lex = match t.valence() {
        Some(v) => v,
        None => return 0.0,
    };
    let mut valence = lex;
    // "no" as a negation of the next lexicon word rather than a word of its own.
    if t.word() == W_NO && i != n - 1 && toks[i + 1].valence().is_some() {
        valence = 0.0;
    }
    if (i > 0 && toks[i - 1].word() == W_NO)
        || (i > 1 && toks[i - 2].word() == W_NO)
        || (i > 2 && toks[i - 3].word() == W_NO && matches!(toks[i - 1].word(), W_OR | W_NOR))
    {
        valence = lex * N_SCALAR;
    }
    // ALL CAPS among mixed case.
    if t.upper && is_cap_diff {
        if valence > 0.0 {
            valence += C_INCR;
        } else {
            valence -= C_INCR;
        }
    }
    for start_i in 0..3 {
        if i > start_i && toks[i - (start_i + 1)].valence().is_none() {
            let mut s = scalar_inc_dec(&toks[i - (start_i + 1)], valence, is_cap_diff);
            if start_i == 1 && s != 0.0 {
                s *= 0.95;
            }
            if start_i == 2 && s != 0.0 {
                s *= 0.9;
            }
            valence += s;
            valence = negation_check(valence, toks, start_i, i);
            if start_i == 2 {
                valence = special_idioms_check(phrases, valence, toks, i);
            }
        }
    }
    least_check(valence, toks, i)
}

/// `_special_idioms_check`; only reached with `i >= 3`.
fn special_idioms_check(phrases: &Phrases, mut valence: f64, toks: &[Tok], i: usize) -> f64 {
    let n = toks.len();
    // A multi-word key can only match a run of tokens that are all phrase words.
    let lookup = |table: &[Phrase], range: std::ops::Range<usize>| -> Option<f64> {
        let run = &toks[range];
        if !run.iter().all(|t| t.phrase()) {
            return None;
        }
        table
            .iter()
            .find(|(ws, _)| ws.len() == run.len() && ws.iter().zip(run).all(|(&w, t)| w == t.entry))
            .map(|&(_, v)| v)
    };
    // onezero, twoonezero, twoone, threetwoone, threetwo: the first hit wins.
    let sequences = [i - 1..i + 1, i - 2..i + 1, i - 2..i, i - 3..i, i - 3..i - 1];
    for seq in sequences {
        if let Some(v) = lookup(&phrases.special, seq) {
            valence = v;
            break;
        }
    }
    if n - 1 > i {
        if let Some(v) = lookup(&phrases.special, i..i + 2) {
            valence = v;
        }
    }
    if n - 1 > i + 1 {
        if let Some(v) = lookup(&phrases.special, i..i + 3) {
            valence = v;
        }
    }
    // booster/dampener bigrams ('kind of', 'sort of', 'just enough'): threetwoone,
    // threetwo, twoone.
    for seq in [i - 3..i, i - 3..i - 1, i - 2..i] {
        if let Some(v) = lookup(&phrases.booster_phrases, seq) {
            valence += v;
        }
    }
    valence
}

/// `scalar_inc_dec(word, valence, is_cap_diff)`.
#[inline]
fn scalar_inc_dec(t: &Tok, valence: f64, is_cap_diff: bool) -> f64 {
    let mut scalar = 0.0;
    if let Some(b) = t.booster() {
        scalar = b;
        if valence < 0.0 {
            scalar *= -1.0;
        }
        if t.upper && is_cap_diff {
            if valence > 0.0 {
                scalar += C_INCR;
            } else {
                scalar -= C_INCR;
            }
        }
    }
    scalar
}

/// `_negation_check`, including the precedence slip at `start_i == 2`.
#[inline]
fn negation_check(mut valence: f64, toks: &[Tok], start_i: usize, i: usize) -> f64 {
    let w = |k: usize| toks[k].word();
    match start_i {
        0 => {
            if toks[i - 1].negated {
                valence *= N_SCALAR;
            }
        }
        1 => {
            if w(i - 2) == W_NEVER && (w(i - 1) == W_SO || w(i - 1) == W_THIS) {
                valence *= 1.25;
            } else if w(i - 2) == W_WITHOUT && w(i - 1) == W_DOUBT {
                // unchanged
            } else if toks[i - 2].negated {
                valence *= N_SCALAR;
            }
        }
        _ => {
            if (w(i - 3) == W_NEVER && (w(i - 2) == W_SO || w(i - 2) == W_THIS))
                || (w(i - 1) == W_SO || w(i - 1) == W_THIS)
            {
                valence *= 1.25;
            } else if w(i - 3) == W_WITHOUT && (w(i - 2) == W_DOUBT || w(i - 1) == W_DOUBT) {
                // unchanged
            } else if toks[i - 3].negated {
                valence *= N_SCALAR;
            }
        }
    }
    valence
}

/// `_least_check`.
#[inline]
fn least_check(mut valence: f64, toks: &[Tok], i: usize) -> f64 {
    if i > 1 && toks[i - 1].valence().is_none() && toks[i - 1].word() == W_LEAST {
        if toks[i - 2].word() != W_AT && toks[i - 2].word() != W_VERY {
            valence *= N_SCALAR;
        }
    } else if i > 0 && toks[i - 1].valence().is_none() && toks[i - 1].word() == W_LEAST {
        valence *= N_SCALAR;
    }
    valence
}

/// `_but_check`, literally: for each position in turn, the first sentiment *equal to* the
/// value there is halved (before "but") or scaled by 1.5 (after it).
pub(super) fn but_check(toks: &[Tok], sent: &mut [f64]) {
    let bi = match toks.iter().position(|t| t.word() == W_BUT) {
        Some(b) => b,
        None => return,
    };
    for k in 0..sent.len() {
        let v = sent[k];
        // `sentiments.index(v)`: always found at or before k.
        let si = sent[..=k].iter().position(|&x| x == v).unwrap_or(k);
        if si < bi {
            sent[si] = v * 0.5;
        } else if si > bi {
            sent[si] = v * 1.5;
        }
    }
}

/// `score_valence` with `_punctuation_emphasis` and `_sift_sentiment_scores`.
pub(super) fn score_valence(sent: &[f64], text: &str) -> Polarity {
    if sent.is_empty() {
        return Polarity {
            neg: 0.0,
            neu: 0.0,
            pos: 0.0,
            compound: 0.0,
        };
    }
    let mut sum_s = 0.0f64;
    for &x in sent {
        sum_s += x;
    }
    // _amplify_ep + _amplify_qm
    let (ep, qm) = count_ep_qm(text.as_bytes());
    let ep_amp = (ep.min(4) as f64) * 0.292;
    let qm_amp = if qm > 1 {
        if qm <= 3 {
            (qm as f64) * 0.18
        } else {
            0.96
        }
    } else {
        0.0
    };
    let amp = ep_amp + qm_amp;
    if sum_s > 0.0 {
        sum_s += amp;
    } else if sum_s < 0.0 {
        sum_s -= amp;
    }
    let compound = normalize(sum_s);

    let (mut pos_sum, mut neg_sum, mut neu_count) = (0.0f64, 0.0f64, 0usize);
    for &x in sent {
        if x > 0.0 {
            pos_sum += x + 1.0;
        }
        if x < 0.0 {
            neg_sum += x - 1.0;
        }
        if x == 0.0 {
            neu_count += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += amp;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= amp;
    }
    let total = pos_sum + neg_sum.abs() + neu_count as f64;
    Polarity {
        neg: py_round((neg_sum / total).abs(), 1000),
        neu: py_round((neu_count as f64 / total).abs(), 1000),
        pos: py_round((pos_sum / total).abs(), 1000),
        compound: py_round(compound, 10000),
    }
}
