//! VADER sentiment: the lexicon-and-rules scorer that sentiment studies of news and social
//! text most often report as their baseline, so detente offers it next to its model-based
//! scores for direct comparison with published work.
//!
//! This module mirrors the Python reference, vaderSentiment 3.3.2 (`SentimentIntensityAnalyzer
//! .polarity_scores`), rule for rule, including its quirks, so that a sentence gets the same
//! `neg`/`neu`/`pos`/`compound` here as there (checked against the reference on the 23,703
//! human-rated validation sentences; see models/lexicon.md). The two lexicon files
//! (`vader_lexicon.txt`, `emoji_utf8_lexicon.txt`) are read at run time, not embedded.
//!
//! Points where the reference behaves in a way one might not expect, all reproduced here:
//! * tokens are whitespace-separated; leading/trailing ASCII punctuation is stripped only when
//!   at least 3 characters remain, else the token is kept whole (so `:)` survives, and so
//!   does `"(:"`, quotes and all, which then matches nothing);
//! * emoji are replaced by their description, with a space before but none after (so
//!   `😁world` reads "beaming face with smiling eyesworld"), and the '!' in descriptions
//!   such as "ON! arrow" counts as emphasis;
//! * `_but_check` rescales the *first* sentiment equal in value to each one in turn, so equal
//!   values before and after "but" interact;
//! * the 3-words-back negation rule multiplies by 1.25 whenever the previous word is "so" or
//!   "this" (an operator-precedence slip), and the special idioms and "kind of"/"sort of"
//!   bigrams are only looked at when the word 3 back exists and is not itself a lexicon word;
//! * "no" before a lexicon word scores 0 but is re-negated if another "no" precedes it;
//! * ALL-CAPS emphasis subtracts 0.733 from a zero valence;
//! * lookups are by the lowercased token, so lexicon keys with capitals (`:D`, `XD`-style)
//!   and keys with spaces (`fed up`) can never match; duplicate keys: the last line wins;
//! * scores are rounded like Python's `round` (half-even on the exact binary value), and a
//!   small negative compound rounds to -0.0 as it does there.
//!
//! Where Python and Rust could part: `str.lower`/`isupper` follow the Unicode version of each
//! (Python 3.11 ships Unicode 14), which only matters for characters added since; and the
//! reference sums valences with the built-in `sum`, which from Python 3.12 on is compensated,
//! so scores from 3.12+ can differ from these (and from 3.11) in the last bit, visible only
//! on a rounding boundary. The figures in models/lexicon.md were checked with Python 3.11.
//!
//! Speed: one hash probe per token on the token bytes themselves (lowercased on the fly, 8
//! bytes at a time), no allocation per word (per-thread scratch buffers), see
//! models/lexicon.md for the measured rate.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};

// Constants of vaderSentiment 3.3.2.
const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;
const ALPHA: f64 = 15.0;

#[rustfmt::skip]
const NEGATE: &[&str] = &[
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't", "aren't",
    "can't", "couldn't", "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt", "havent",
    "isnt", "mightnt", "mustnt", "neither", "don't", "hadn't", "hasn't", "haven't", "isn't",
    "mightn't", "mustn't", "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing",
    "nowhere", "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent", "oughtn't", "shan't",
    "shouldn't", "uh-uh", "wasn't", "weren't", "without", "wont", "wouldnt", "won't", "wouldn't",
    "rarely", "seldom", "despite",
];

#[rustfmt::skip]
const BOOSTER_DICT: &[(&str, f64)] = &[
    ("absolutely", B_INCR), ("amazingly", B_INCR), ("awfully", B_INCR), ("completely", B_INCR),
    ("considerable", B_INCR), ("considerably", B_INCR), ("decidedly", B_INCR), ("deeply", B_INCR),
    ("effing", B_INCR), ("enormous", B_INCR), ("enormously", B_INCR), ("entirely", B_INCR),
    ("especially", B_INCR), ("exceptional", B_INCR), ("exceptionally", B_INCR),
    ("extreme", B_INCR), ("extremely", B_INCR), ("fabulously", B_INCR), ("flipping", B_INCR),
    ("flippin", B_INCR), ("frackin", B_INCR), ("fracking", B_INCR), ("fricking", B_INCR),
    ("frickin", B_INCR), ("frigging", B_INCR), ("friggin", B_INCR), ("fully", B_INCR),
    ("fuckin", B_INCR), ("fucking", B_INCR), ("fuggin", B_INCR), ("fugging", B_INCR),
    ("greatly", B_INCR), ("hella", B_INCR), ("highly", B_INCR), ("hugely", B_INCR),
    ("incredible", B_INCR), ("incredibly", B_INCR), ("intensely", B_INCR), ("major", B_INCR),
    ("majorly", B_INCR), ("more", B_INCR), ("most", B_INCR), ("particularly", B_INCR),
    ("purely", B_INCR), ("quite", B_INCR), ("really", B_INCR), ("remarkably", B_INCR),
    ("so", B_INCR), ("substantially", B_INCR), ("thoroughly", B_INCR), ("total", B_INCR),
    ("totally", B_INCR), ("tremendous", B_INCR), ("tremendously", B_INCR), ("uber", B_INCR),
    ("unbelievably", B_INCR), ("unusually", B_INCR), ("utter", B_INCR), ("utterly", B_INCR),
    ("very", B_INCR),
    ("almost", B_DECR), ("barely", B_DECR), ("hardly", B_DECR), ("just enough", B_DECR),
    ("kind of", B_DECR), ("kinda", B_DECR), ("kindof", B_DECR), ("kind-of", B_DECR),
    ("less", B_DECR), ("little", B_DECR), ("marginal", B_DECR), ("marginally", B_DECR),
    ("occasional", B_DECR), ("occasionally", B_DECR), ("partly", B_DECR), ("scarce", B_DECR),
    ("scarcely", B_DECR), ("slight", B_DECR), ("slightly", B_DECR), ("somewhat", B_DECR),
    ("sort of", B_DECR), ("sorta", B_DECR), ("sortof", B_DECR), ("sort-of", B_DECR),
];

// SENTIMENT_LADEN_IDIOMS and `_sentiment_laden_idioms_check` exist in the reference but are
// never called ("future work"), so they have no counterpart here.

#[rustfmt::skip]
const SPECIAL_CASES: &[(&str, f64)] = &[
    ("the shit", 3.0), ("the bomb", 3.0), ("bad ass", 1.5), ("badass", 1.5), ("bus stop", 0.0),
    ("yeah right", -2.0), ("kiss of death", -1.5), ("to die for", 3.0), ("beating heart", 3.5),
];

// Words the rules compare tokens against (by their lowercase form); 0 is any other word.
const W_NO: u8 = 1;
const W_KIND: u8 = 2;
const W_OF: u8 = 3;
const W_LEAST: u8 = 4;
const W_AT: u8 = 5;
const W_VERY: u8 = 6;
const W_NEVER: u8 = 7;
const W_SO: u8 = 8;
const W_THIS: u8 = 9;
const W_WITHOUT: u8 = 10;
const W_DOUBT: u8 = 11;
const W_BUT: u8 = 12;
const W_OR: u8 = 13;
const W_NOR: u8 = 14;
#[rustfmt::skip]
const RULE_WORDS: &[(&str, u8)] = &[
    ("no", W_NO), ("kind", W_KIND), ("of", W_OF), ("least", W_LEAST), ("at", W_AT),
    ("very", W_VERY), ("never", W_NEVER), ("so", W_SO), ("this", W_THIS),
    ("without", W_WITHOUT), ("doubt", W_DOUBT), ("but", W_BUT), ("or", W_OR), ("nor", W_NOR),
];

/// Multiplicative hasher for the emoji map's `char` keys (fixed at load time, so hash
/// flooding is no concern).
#[derive(Default, Clone, Copy)]
struct CharHasher(u64);

impl Hasher for CharHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = fold(self.0, b as u64);
        }
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.0 = fold(self.0, i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

type CharBuild = BuildHasherDefault<CharHasher>;

const FX_K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// What one pass over a token's bytes, 8 at a time, tells: the hash of its ASCII-lowercased
/// bytes (so a token's lowercase form is looked up without copying it), and for ASCII
/// tokens whether it has lowercase letters, uppercase letters and an apostrophe.
struct Scan {
    hash: u64,
    /// The first 8 bytes, ASCII-lowercased, zero-padded.
    first: u64,
    lower: bool,
    upper: bool,
    apostrophe: bool,
}

/// Lowercases 8 bytes (ASCII letters only) and flags, in the high bit of each byte, the
/// lowercase letters, the uppercase letters and the apostrophes among them.
#[inline(always)]
fn classify(w: u64) -> (u64, u64, u64, u64) {
    let ascii = !w & HI;
    let v = w & !HI;
    let upper = (v + LO * (0x80 - b'A' as u64)) & !(v + LO * (0x7f - b'Z' as u64)) & ascii;
    let lower = (v + LO * (0x80 - b'a' as u64)) & !(v + LO * (0x7f - b'z' as u64)) & ascii;
    let x = w ^ (LO * b'\'' as u64);
    let apostrophe = x.wrapping_sub(LO) & !x & HI;
    (w | (upper >> 2), lower, upper, apostrophe)
}

#[inline(always)]
fn fold(h: u64, lw: u64) -> u64 {
    (h.rotate_left(5) ^ lw).wrapping_mul(FX_K)
}

/// Keeps the first `n` (1..=8) bytes of a little-endian word.
#[inline(always)]
fn keep(n: usize) -> u64 {
    u64::MAX >> (64 - 8 * n)
}

#[inline(always)]
fn load8(b: &[u8], k: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[k..k + 8]);
    u64::from_le_bytes(w)
}

/// Spaces appended to a copy of ASCII text, so that 8-byte loads never run past its end
/// and a token scan stops at the end without a bounds test.
const PAD: &[u8; 8] = b"        ";

/// [`Scan`] of `b[s..s + len]` (`len >= 1`), where `b` has at least 8 bytes after the token:
/// 8-byte words, the last one zero-padded.
#[inline(always)]
fn scan_padded(b: &[u8], s: usize, len: usize) -> Scan {
    let end = s + len;
    let (first, mut lo, mut up, mut ap) = classify(load8(b, s) & keep(len.min(8)));
    let mut h = fold((len as u64).wrapping_mul(FX_K), first);
    let mut k = s + 8;
    while k < end {
        let (lw, l, u, a) = classify(load8(b, k) & keep((end - k).min(8)));
        h = fold(h, lw);
        lo |= l;
        up |= u;
        ap |= a;
        k += 8;
    }
    Scan {
        hash: h ^ (h >> 29),
        first,
        lower: lo != 0,
        upper: up != 0,
        apostrophe: ap != 0,
    }
}

/// [`Scan`] of any byte string (the same words as [`scan_padded`]).
fn scan(b: &[u8]) -> Scan {
    if b.is_empty() {
        return Scan {
            hash: 0,
            first: 0,
            lower: false,
            upper: false,
            apostrophe: false,
        };
    }
    let mut padded = Vec::with_capacity(b.len() + PAD.len());
    padded.extend_from_slice(b);
    padded.extend_from_slice(PAD);
    scan_padded(&padded, 0, b.len())
}

/// Hash of the ASCII-lowercased bytes (see [`scan`]).
#[inline]
fn hash_lower(b: &[u8]) -> u64 {
    scan(b).hash
}

/// End of the token starting at `k`: the next Python whitespace byte of `b`, which ends in
/// [`PAD`].
#[inline]
fn token_end(b: &[u8], mut k: usize) -> usize {
    loop {
        let w = load8(b, k);
        // Bytes below 0x21 are candidates (the lowest flagged one is always genuine).
        let mut m = w.wrapping_sub(LO * 0x21) & !w & HI;
        while m != 0 {
            let j = (m.trailing_zeros() / 8) as usize;
            if is_ascii_py_space(b[k + j]) {
                return k + j;
            }
            m &= m - 1;
        }
        k += 8;
    }
}

/// `key == token.lower()` for an ASCII token.
#[inline]
fn eq_ascii_lower(key: &[u8], tok: &[u8]) -> bool {
    key.len() == tok.len()
        && key
            .iter()
            .zip(tok)
            .all(|(&k, &t)| k == t.to_ascii_lowercase())
}

const NO_ENTRY: u32 = u32::MAX;

// Rec::flags bits.
const F_LEXICON: u8 = 1;
const F_BOOSTER: u8 = 2;
const F_BOOSTER_DECR: u8 = 4;
const F_NEGATE: u8 = 8;
const F_PHRASE: u8 = 16;

/// One word of the [`WordTable`], in 32 bytes so a lookup touches one record.
#[derive(Clone, Copy, Default)]
struct Rec {
    /// The key's first 8 bytes as written in the file (zero-padded).
    key8: u64,
    /// Lexicon valence when `flags & F_LEXICON`.
    valence: f64,
    /// The whole key is `arena[off..off + len]`.
    off: u32,
    len: u32,
    word: u8,
    flags: u8,
}

/// Open-addressing table from a lowercase word to its [`Rec`] (lexicon keys plus the rule
/// tables' words), probed with [`hash_lower`] so ASCII tokens need no lowercase copy.
struct WordTable {
    /// `tag << 20 | (record index + 1)`, tag = 12 hash bits; 0 = empty slot.
    slots: Vec<u32>,
    shift: u32,
    recs: Vec<Rec>,
    arena: Vec<u8>,
    /// One bit per key at [`bloom_bit`] of its hash (8 KiB, stays in L1): most tokens are no
    /// lexicon word, and this answers them without touching the table.
    bloom: Vec<u64>,
}

#[inline(always)]
fn bloom_bit(h: u64) -> usize {
    (h >> 16) as usize & 0xffff
}

const SLOT_IDX_BITS: u32 = 20;
const SLOT_IDX_MASK: u32 = (1 << SLOT_IDX_BITS) - 1;

impl WordTable {
    /// At most 2^20 - 2 words (the lexicon has about 7,500).
    fn new(words: Vec<(Box<str>, Entry)>) -> Result<WordTable, String> {
        if words.len() >= SLOT_IDX_MASK as usize {
            return Err(format!("too many lexicon entries ({})", words.len()));
        }
        let bits = (words.len().max(8) * 2)
            .next_power_of_two()
            .trailing_zeros();
        let mut slots = vec![0u32; 1usize << bits];
        let shift = 64 - bits;
        let mask = slots.len() - 1;
        let mut arena = Vec::new();
        let mut recs = Vec::with_capacity(words.len());
        let mut bloom = vec![0u64; 1024];
        for (i, (k, e)) in words.into_iter().enumerate() {
            let h = hash_lower(k.as_bytes());
            let mut at = (h >> shift) as usize;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = ((h as u32 & 0xfff) << SLOT_IDX_BITS) | (i as u32 + 1);
            bloom[bloom_bit(h) >> 6] |= 1 << (bloom_bit(h) & 63);
            let kb = k.as_bytes();
            let mut key8 = 0u64;
            for (j, &c) in kb.iter().take(8).enumerate() {
                key8 |= (c as u64) << (8 * j);
            }
            let mut flags = 0;
            if e.in_lexicon {
                flags |= F_LEXICON;
            }
            if e.is_booster {
                flags |= F_BOOSTER;
                if e.booster_value == B_DECR {
                    flags |= F_BOOSTER_DECR;
                } else {
                    debug_assert_eq!(e.booster_value, B_INCR);
                }
            }
            if e.negate {
                flags |= F_NEGATE;
            }
            if e.phrase {
                flags |= F_PHRASE;
            }
            recs.push(Rec {
                key8,
                valence: e.lexicon_valence,
                off: arena.len() as u32,
                len: kb.len() as u32,
                word: e.word,
                flags,
            });
            arena.extend_from_slice(kb);
        }
        Ok(WordTable {
            slots,
            shift,
            recs,
            arena,
            bloom,
        })
    }

    /// Index of the record whose key equals the lowercase form of `tok`, given its [`Scan`];
    /// `rest_eq(key_tail, tok_tail)` compares the bytes after the first 8.
    #[inline]
    fn find(&self, sc: &Scan, tok: &[u8], rest_eq: impl Fn(&[u8], &[u8]) -> bool) -> u32 {
        let bit = bloom_bit(sc.hash);
        if (self.bloom[bit >> 6] >> (bit & 63)) & 1 == 0 {
            return NO_ENTRY;
        }
        let mask = self.slots.len() - 1;
        let mut at = (sc.hash >> self.shift) as usize;
        let tag = sc.hash as u32 & 0xfff;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return NO_ENTRY;
            }
            if slot >> SLOT_IDX_BITS == tag {
                let i = ((slot & SLOT_IDX_MASK) - 1) as usize;
                let r = &self.recs[i];
                if r.len as usize == tok.len()
                    && r.key8 == sc.first
                    && (tok.len() <= 8
                        || rest_eq(
                            &self.arena[r.off as usize + 8..(r.off + r.len) as usize],
                            &tok[8..],
                        ))
                {
                    return i as u32;
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Index of the record for an already-lowercase word.
    fn index_of(&self, lw: &str) -> u32 {
        let b = lw.as_bytes();
        self.find(&scan(b), b, |k, t| k == t)
    }
}

/// What the rule tables say about one lowercase word, while the table is being built.
#[derive(Clone, Copy, Default, Debug)]
struct Entry {
    /// Lexicon valence, meaningful when `in_lexicon` (`word in self.lexicon`).
    lexicon_valence: f64,
    /// Single-word booster/dampener value, meaningful when `is_booster`.
    booster_value: f64,
    in_lexicon: bool,
    /// `word in BOOSTER_DICT` (single-word keys).
    is_booster: bool,
    /// One of the `W_*` rule words.
    word: u8,
    /// In `NEGATE`.
    negate: bool,
    /// Appears in a multi-word SPECIAL_CASES or BOOSTER_DICT key.
    phrase: bool,
}

/// The VADER analyzer: the lexicon and emoji descriptions, plus the rule tables.
pub struct Vader {
    words: WordTable,
    emoji: HashMap<char, Box<str>, CharBuild>,
    ascii_emoji: bool,
    /// Multi-word SPECIAL_CASES keys, as the word-table indices of their words.
    special: Vec<(Vec<u32>, f64)>,
    /// Multi-word BOOSTER_DICT keys, likewise.
    booster_phrases: Vec<(Vec<u32>, f64)>,
}

/// The four scores of `polarity_scores`, rounded as the reference rounds them
/// (neg/neu/pos to 3 decimals, compound to 4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Polarity {
    pub neg: f64,
    pub neu: f64,
    pub pos: f64,
    pub compound: f64,
}

/// A lexicon or emoji file that could not be read or parsed. `line` is 1-based (0 when the
/// problem is not tied to a line); `path` is empty for [`Vader::from_strs`].
#[derive(Debug)]
pub struct VaderError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for VaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display().to_string();
        match (p.is_empty(), self.line) {
            (true, 0) => write!(f, "{}", self.message),
            (true, l) => write!(f, "line {}: {}", l, self.message),
            (false, 0) => write!(f, "{}: {}", p, self.message),
            (false, l) => write!(f, "{}:{}: {}", p, l, self.message),
        }
    }
}

impl std::error::Error for VaderError {}

/// Python's `str.isspace` (used by `str.split()` / `str.strip()`): Unicode White_Space plus
/// the ASCII separators U+001C..U+001F.
#[inline]
fn is_py_space(c: char) -> bool {
    if c.is_ascii() {
        return is_ascii_py_space(c as u8);
    }
    c.is_whitespace()
}

/// `string.punctuation` (the 32 ASCII punctuation characters), as a byte table.
static PUNCT: [bool; 256] = {
    let p = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    let mut t = [false; 256];
    let mut i = 0;
    while i < p.len() {
        t[p[i] as usize] = true;
        i += 1;
    }
    t
};

#[inline(always)]
fn is_punct(b: u8) -> bool {
    PUNCT[b as usize]
}

/// [`is_py_space`] for ASCII bytes: `\t\n\x0b\x0c\r`, U+001C..U+001F and space.
#[inline]
fn is_ascii_py_space(b: u8) -> bool {
    matches!(b, 9..=13 | 28..=32)
}

/// Unicode general category Lt (titlecase letters); Python's `isupper` fails on these.
fn is_titlecase(c: char) -> bool {
    matches!(c as u32,
        0x01C5 | 0x01C8 | 0x01CB | 0x01F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF
        | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// Python's `str.isupper`: at least one cased character and no lowercase or titlecase one.
#[inline]
fn py_isupper(s: &str) -> bool {
    let mut cased = false;
    if s.is_ascii() {
        for &b in s.as_bytes() {
            if b.is_ascii_lowercase() {
                return false;
            }
            cased |= b.is_ascii_uppercase();
        }
        return cased;
    }
    for c in s.chars() {
        if c.is_lowercase() || is_titlecase(c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// Python's `round(x, ndigits)` for `scale = 10**ndigits`: round the exact binary value half
/// to even, then take the double nearest that decimal. Exact integer arithmetic on the
/// significand, so no rounding error can move a value across a half-way point.
fn py_round(x: f64, scale: u64) -> f64 {
    let a = x.abs();
    // Only |x| <= 1 is ever rounded here; beyond 2^53 / scale the last step below could
    // round twice, so such values are returned as they are.
    let y = a * scale as f64;
    if !x.is_finite() || x == 0.0 || y >= 9_007_199_254_740_992.0 {
        return x;
    }
    // Fast path: below 2^20 the product in floating point is within 2^-34 of the exact one,
    // so unless its fraction is within 1e-6 of one half, it rounds the same way.
    let fl = y as u64;
    let frac = y - fl as f64;
    if y < 1_048_576.0 && (frac - 0.5).abs() > 1e-6 {
        let r = fl + (frac > 0.5) as u64;
        return ((r as f64) / scale as f64).copysign(x);
    }
    let bits = a.to_bits();
    let biased = (bits >> 52) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    // a == m * 2^-sh
    let (m, sh) = if biased == 0 {
        (frac, 1074u32)
    } else {
        (frac | (1u64 << 52), (1075 - biased) as u32)
    };
    let p = m as u128 * scale as u128; // a * scale == p * 2^-sh exactly
    let r = if sh >= 127 {
        0 // far below one half
    } else {
        let q = p >> sh;
        let rem = p & ((1u128 << sh) - 1);
        let half = 1u128 << (sh - 1);
        q + (rem > half || (rem == half && q & 1 == 1)) as u128
    };
    // r and scale are exact doubles, so the quotient is the double nearest r / scale.
    ((r as f64) / scale as f64).copysign(x)
}

/// `normalize(score, alpha=15)`.
#[inline]
fn normalize(score: f64) -> f64 {
    let n = score / (score * score + ALPHA).sqrt();
    n.clamp(-1.0, 1.0)
}

/// One token after `_strip_punc_if_word`, with what the rules ask about it.
#[derive(Clone, Copy)]
struct Tok {
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
    fn new(t: &WordTable, entry: u32, nt: bool, upper: bool) -> Tok {
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
    fn booster(&self) -> Option<f64> {
        if self.flags & F_BOOSTER == 0 {
            None
        } else if self.flags & F_BOOSTER_DECR != 0 {
            Some(B_DECR)
        } else {
            Some(B_INCR)
        }
    }
    #[inline]
    fn word(&self) -> u8 {
        self.word
    }
    #[inline]
    fn phrase(&self) -> bool {
        self.flags & F_PHRASE != 0
    }
}

#[derive(Default)]
struct Scratch {
    text: String,
    /// ASCII text (or one ASCII token) followed by [`PAD`].
    pad: Vec<u8>,
    toks: Vec<Tok>,
    sent: Vec<f64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn utf8<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str, VaderError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        VaderError {
            path: path.to_path_buf(),
            line: good.iter().filter(|&&b| b == b'\n').count() + 1,
            message: format!("invalid UTF-8: {}", e),
        }
    })
}

/// `line.strip().split('\t')[0:2]` of the reference's loaders.
fn two_fields(line: &str) -> Option<(&str, &str)> {
    let mut it = line.trim_matches(is_py_space).split('\t');
    let a = it.next()?;
    let b = it.next()?;
    Some((a, b))
}

/// Python's `float()` on a lexicon value: surrounding whitespace allowed; also `inf`/`nan`.
fn py_float(s: &str) -> Option<f64> {
    s.trim_matches(is_py_space).parse::<f64>().ok()
}

impl Vader {
    /// Load `vader_lexicon.txt` and `emoji_utf8_lexicon.txt` (UTF-8, as shipped in
    /// vaderSentiment 3.3.2).
    pub fn from_files(lexicon: &Path, emoji: &Path) -> Result<Vader, VaderError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| VaderError {
                path: p.to_path_buf(),
                line: 0,
                message: format!("cannot read: {}", e),
            })
        };
        let lex_bytes = read(lexicon)?;
        let emoji_bytes = read(emoji)?;
        Self::build(
            utf8(&lex_bytes, lexicon)?,
            lexicon,
            utf8(&emoji_bytes, emoji)?,
            emoji,
        )
    }

    /// Build from the two files' contents; errors carry line numbers and an empty path.
    #[allow(dead_code)] // part of the interface; the scorer itself loads files
    pub fn from_strs(lexicon: &str, emoji: &str) -> Result<Vader, VaderError> {
        Self::build(lexicon, Path::new(""), emoji, Path::new(""))
    }

    fn build(
        lexicon: &str,
        lex_path: &Path,
        emoji: &str,
        emoji_path: &Path,
    ) -> Result<Vader, VaderError> {
        let err = |path: &Path, line: usize, message: String| VaderError {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut words: HashMap<Box<str>, Entry> = HashMap::new();
        // make_lex_dict: rstrip('\n').split('\n'), skip empty lines, last duplicate wins.
        for (n, line) in lexicon.trim_end_matches('\n').split('\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            let (word, measure) = two_fields(line).ok_or_else(|| {
                err(
                    lex_path,
                    n + 1,
                    "expected `word<TAB>mean valence...`".to_string(),
                )
            })?;
            let v = py_float(measure).ok_or_else(|| {
                err(
                    lex_path,
                    n + 1,
                    format!("valence {:?} is not a number", measure),
                )
            })?;
            let e = words.entry(word.into()).or_default();
            e.lexicon_valence = v;
            e.in_lexicon = true;
        }
        for &(w, b) in BOOSTER_DICT {
            if !w.contains(' ') {
                let e = words.entry(w.into()).or_default();
                e.booster_value = b;
                e.is_booster = true;
            }
        }
        for &w in NEGATE {
            words.entry(w.into()).or_default().negate = true;
        }
        for &(w, code) in RULE_WORDS {
            words.entry(w.into()).or_default().word = code;
        }
        let phrases = |table: &'static [(&'static str, f64)]| {
            table
                .iter()
                .filter(|(k, _)| k.contains(' '))
                .map(|&(k, v)| (k.split(' '), v))
        };
        for (ws, _) in phrases(SPECIAL_CASES).chain(phrases(BOOSTER_DICT)) {
            for w in ws {
                words.entry(w.into()).or_default().phrase = true;
            }
        }
        let words = WordTable::new(words.into_iter().collect()).map_err(|m| err(lex_path, 0, m))?;
        let index = |table| -> Vec<(Vec<u32>, f64)> {
            phrases(table)
                .map(|(ws, v)| (ws.map(|w| words.index_of(w)).collect(), v))
                .collect()
        };
        let special = index(SPECIAL_CASES);
        let booster_phrases = index(BOOSTER_DICT);

        // make_emoji_dict: no empty-line skipping (an empty line is an error there too).
        // Only single-character keys can ever match (the reference looks up one character
        // at a time), so longer sequences are parsed but not kept.
        // An entirely empty emoji text is accepted as "no emoji" (the reference would fail).
        let mut emap: HashMap<char, Box<str>, CharBuild> = HashMap::default();
        let emoji_lines = emoji.trim_end_matches('\n');
        for (n, line) in emoji_lines
            .split('\n')
            .enumerate()
            .filter(|_| !emoji_lines.is_empty())
        {
            let (key, desc) = two_fields(line).ok_or_else(|| {
                err(
                    emoji_path,
                    n + 1,
                    "expected `emoji<TAB>description`".to_string(),
                )
            })?;
            let mut cs = key.chars();
            if let (Some(c), None) = (cs.next(), cs.next()) {
                emap.insert(c, desc.into());
            }
        }
        let ascii_emoji = emap.keys().any(|c| c.is_ascii());
        Ok(Vader {
            words,
            emoji: emap,
            ascii_emoji,
            special,
            booster_phrases,
        })
    }

    /// Number of distinct lexicon words loaded.
    #[cfg(test)]
    fn lexicon_len(&self) -> usize {
        self.words
            .recs
            .iter()
            .filter(|r| r.flags & F_LEXICON != 0)
            .count()
    }

    /// `SentimentIntensityAnalyzer.polarity_scores(text)`.
    pub fn polarity_scores(&self, text: &str) -> Polarity {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => self.score(text, &mut s),
            Err(_) => self.score(text, &mut Scratch::default()),
        })
    }

    #[inline]
    fn emoji_of(&self, c: char) -> Option<&str> {
        if c.is_ascii() && !self.ascii_emoji {
            return None;
        }
        self.emoji.get(&c).map(|d| &**d)
    }

    fn score(&self, text: &str, s: &mut Scratch) -> Polarity {
        let Scratch {
            text: buf,
            pad,
            toks,
            sent,
        } = s;

        // Emoji → description (a space before it unless one is already there, none after).
        let has_emoji = !self.emoji.is_empty()
            && (self.ascii_emoji || !text.is_ascii())
            && text.chars().any(|c| self.emoji_of(c).is_some());
        let text: &str = if has_emoji {
            buf.clear();
            let mut prev_space = true;
            for c in text.chars() {
                if let Some(d) = self.emoji_of(c) {
                    if !prev_space {
                        buf.push(' ');
                    }
                    buf.push_str(d);
                    prev_space = false;
                } else {
                    buf.push(c);
                    prev_space = c == ' ';
                }
            }
            buf
        } else {
            text
        };
        // (`text.strip()` follows in the reference; it cannot change the tokens or the
        // '!'/'?' counts, so it is skipped.)

        // SentiText: split on whitespace, strip punctuation from words of 3+ characters.
        toks.clear();
        let mut n_upper = 0usize;
        if text.is_ascii() {
            pad.clear();
            pad.extend_from_slice(text.as_bytes());
            pad.extend_from_slice(PAD);
            let (b, n) = (&pad[..], text.len());
            let mut k = 0;
            loop {
                while k < n && is_ascii_py_space(b[k]) {
                    k += 1;
                }
                if k >= n {
                    break;
                }
                let s0 = k;
                k = token_end(b, k);
                n_upper += self.push_ascii_token(b, s0, k, toks) as usize;
            }
        } else {
            for raw in text.split(is_py_space) {
                if !raw.is_empty() {
                    n_upper += self.push_token(raw, toks, pad) as usize;
                }
            }
        }
        let n = toks.len();
        // allcap_differential
        let is_cap_diff = n_upper > 0 && n_upper < n;
        let toks: &[Tok] = toks;

        sent.clear();
        for i in 0..n {
            let t = &toks[i];
            if t.booster().is_some() {
                sent.push(0.0);
                continue;
            }
            if i + 1 < n && t.word() == W_KIND && toks[i + 1].word() == W_OF {
                sent.push(0.0);
                continue;
            }
            sent.push(self.sentiment_valence(toks, i, is_cap_diff));
        }

        but_check(toks, sent);
        score_valence(sent, text)
    }

    /// `_strip_punc_if_word` on one whitespace-separated token, then one lookup of its
    /// lowercase form. Returns `token.isupper()`.
    #[inline]
    fn push_token(&self, raw: &str, toks: &mut Vec<Tok>, pad: &mut Vec<u8>) -> bool {
        if raw.is_ascii() {
            pad.clear();
            pad.extend_from_slice(raw.as_bytes());
            pad.extend_from_slice(PAD);
            return self.push_ascii_token(pad, 0, raw.len(), toks);
        }
        let (entry, upper, nt) = {
            let stripped = raw.trim_matches(|c: char| c.is_ascii_punctuation());
            let tok = if stripped.chars().nth(2).is_none() {
                raw
            } else {
                stripped
            };
            let lw = tok.to_lowercase();
            let entry = self.words.index_of(&lw);
            (entry, py_isupper(tok), lw.contains("n't"))
        };
        toks.push(Tok::new(&self.words, entry, nt, upper));
        upper
    }

    /// [`Vader::push_token`] for the ASCII token `text[s0..e0]` (`e0 > s0`), where `text` has
    /// at least 8 bytes after it.
    #[inline(always)]
    fn push_ascii_token(
        &self,
        text: &[u8],
        mut s0: usize,
        mut e0: usize,
        toks: &mut Vec<Tok>,
    ) -> bool {
        let (raw_s, raw_e) = (s0, e0);
        while s0 < e0 && is_punct(text[s0]) {
            s0 += 1;
        }
        while e0 > s0 && is_punct(text[e0 - 1]) {
            e0 -= 1;
        }
        if e0 - s0 <= 2 {
            s0 = raw_s;
            e0 = raw_e;
        }
        let tok = &text[s0..e0];
        let sc = scan_padded(text, s0, e0 - s0);
        let entry = self.words.find(&sc, tok, eq_ascii_lower);
        let nt = sc.apostrophe
            && tok
                .windows(3)
                .any(|w| w[0] | 0x20 == b'n' && w[1] == b'\'' && w[2] | 0x20 == b't');
        let upper = sc.upper && !sc.lower;
        toks.push(Tok::new(&self.words, entry, nt, upper));
        upper
    }

    /// `sentiment_valence` for the word at `i`.
    fn sentiment_valence(&self, toks: &[Tok], i: usize, is_cap_diff: bool) -> f64 {
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
                    valence = self.special_idioms_check(valence, toks, i);
                }
            }
        }
        least_check(valence, toks, i)
    }

    /// `_special_idioms_check`; only reached with `i >= 3`.
    fn special_idioms_check(&self, mut valence: f64, toks: &[Tok], i: usize) -> f64 {
        let n = toks.len();
        // A multi-word key can only match a run of tokens that are all phrase words.
        let lookup = |table: &[(Vec<u32>, f64)], range: std::ops::Range<usize>| -> Option<f64> {
            let run = &toks[range];
            if !run.iter().all(|t| t.phrase()) {
                return None;
            }
            table
                .iter()
                .find(|(ws, _)| {
                    ws.len() == run.len() && ws.iter().zip(run).all(|(&w, t)| w == t.entry)
                })
                .map(|&(_, v)| v)
        };
        // onezero, twoonezero, twoone, threetwoone, threetwo: the first hit wins.
        let sequences = [i - 1..i + 1, i - 2..i + 1, i - 2..i, i - 3..i, i - 3..i - 1];
        for seq in sequences {
            if let Some(v) = lookup(&self.special, seq) {
                valence = v;
                break;
            }
        }
        if n - 1 > i {
            if let Some(v) = lookup(&self.special, i..i + 2) {
                valence = v;
            }
        }
        if n - 1 > i + 1 {
            if let Some(v) = lookup(&self.special, i..i + 3) {
                valence = v;
            }
        }
        // booster/dampener bigrams ('kind of', 'sort of', 'just enough'): threetwoone,
        // threetwo, twoone.
        for seq in [i - 3..i, i - 3..i - 1, i - 2..i] {
            if let Some(v) = lookup(&self.booster_phrases, seq) {
                valence += v;
            }
        }
        valence
    }
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
fn but_check(toks: &[Tok], sent: &mut [f64]) {
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

/// Number of bytes equal to b'!' and to b'?' (`text.count("!")`, `text.count("?")`).
#[inline]
fn count_ep_qm(b: &[u8]) -> (usize, usize) {
    // A zero byte in `w ^ c` marks a match; `((x & 0x7f..) + 0x7f..) | x` has the high bit
    // set exactly in the non-zero bytes of x.
    #[inline(always)]
    fn zeros(x: u64) -> u32 {
        (!((((x & !HI).wrapping_add(!HI)) | x) | !HI)).count_ones()
    }
    let (mut ep, mut qm) = (0usize, 0usize);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = load8(c, 0);
        ep += zeros(w ^ (LO * b'!' as u64)) as usize;
        qm += zeros(w ^ (LO * b'?' as u64)) as usize;
    }
    for &c in chunks.remainder() {
        ep += (c == b'!') as usize;
        qm += (c == b'?') as usize;
    }
    (ep, qm)
}

/// `score_valence` with `_punctuation_emphasis` and `_sift_sentiment_scores`.
fn score_valence(sent: &[f64], text: &str) -> Polarity {
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

#[cfg(test)]
mod tests {
    use super::*;

    // A tiny lexicon (real valences from vader_lexicon.txt, CRLF and extra columns as there)
    // and emoji table; the expected values below come from vaderSentiment 3.3.2 loaded with
    // exactly these two files.
    const LEX: &str = "good\t1.9\t0.9434\t[2, 1, 1, 3, 2, 4, 2, 2, 1, 1]\r\n\
        bad\t-2.5\t0.67082\t[-2, -3, -3, -2, -2, -3, -3, -3, -2, -2]\r\n\
        great\t3.1\t0.7\t[3]\r\n\
        no\t-1.2\t0.74833\t[-1]\r\n\
        doubt\t-1.5\t0.5\t[-1]\r\n\
        kind\t2.4\t0.4\t[2]\r\n\
        shit\t-2.6\t1.0\t[-3]\r\n\
        smiling\t1.6\t0.5\t[2]\r\n\
        lol\t2.9\t1.0\t[3]\r\n\
        lol\t1.8\t1.0\t[2]\r\n\
        :)\t2.0\t1.0\t[2]\r\n\
        compelling\t2.6\t0.5\t[3]\r\n";
    const EMOJI: &str = "😁\tbeaming face with smiling eyes\r\n🔛\tON! arrow\r\n👍🏽\tthumbs up: medium skin tone\r\n";

    fn v() -> Vader {
        Vader::from_strs(LEX, EMOJI).expect("tiny lexicon loads")
    }

    fn p(neg: f64, neu: f64, pos: f64, compound: f64) -> Polarity {
        Polarity {
            neg,
            neu,
            pos,
            compound,
        }
    }

    #[test]
    fn loads_and_last_duplicate_wins() {
        let v = v();
        assert_eq!(v.lexicon_len(), 11);
        let lol = v.words.index_of("lol");
        assert_eq!(v.words.recs[lol as usize].valence, 1.8);
        assert_eq!(v.words.index_of("xyzzy"), NO_ENTRY);
        assert_eq!(
            v.emoji.len(),
            2,
            "multi-character emoji keys are unreachable"
        );
    }

    #[test]
    fn rounding_matches_python_round() {
        // round(0.0625, 3) == 0.062 (exact tie, half to even); round(0.0635, 3) == 0.063
        // (0.0635 is just above the tie in binary); round(-0.00004, 4) == -0.0.
        assert_eq!(py_round(0.0625, 1000), 0.062);
        assert_eq!(py_round(0.0635, 1000), 0.064);
        assert_eq!(py_round(0.1875, 1000), 0.188);
        assert_eq!(py_round(2.675, 100), 2.67);
        let z = py_round(-0.00004, 10000);
        assert!(z == 0.0 && z.is_sign_negative());
        assert_eq!(py_round(-0.57195, 10000), -0.5719);
    }

    #[test]
    fn byte_tricks() {
        for b in 0..=255u8 {
            assert_eq!(is_punct(b), b.is_ascii_punctuation(), "{}", b);
        }
        let t = "wow!! really?? a!b?c!!!!d??????? end!";
        assert_eq!(
            count_ep_qm(t.as_bytes()),
            (t.matches('!').count(), t.matches('?').count())
        );
        let b = b"Don't STOP\x1cnow\x01x        ";
        assert_eq!(token_end(b, 0), 5);
        assert_eq!(token_end(b, 6), 10);
        assert_eq!(token_end(b, 11), 16);
        let sc = scan(b"DON'T");
        assert!(sc.upper && !sc.lower && sc.apostrophe);
        assert_eq!(sc.hash, hash_lower(b"don't"));
        assert_eq!(
            scan_padded(b"xxHELLO world        ", 2, 5).hash,
            hash_lower(b"hello")
        );
        let long = b"Anticonstitutionnellement!        ";
        assert_eq!(
            scan_padded(long, 0, 25).hash,
            hash_lower(b"anticonstitutionnellement")
        );
        assert_eq!(
            scan_padded(long, 0, 16).first,
            scan(b"anticonstitution").first
        );
    }

    #[test]
    fn python_string_semantics() {
        assert!(py_isupper("GOOD!"));
        assert!(!py_isupper("Good"));
        assert!(!py_isupper("123"));
        assert!(py_isupper("ÉTÉ"));
        assert!(!py_isupper("ǅ")); // titlecase letter
        assert!(is_py_space('\u{1f}') && is_py_space('\u{a0}') && !is_py_space('\u{200b}'));
    }

    #[test]
    fn matches_reference_on_rule_cases() {
        let v = v();
        let cases: &[(&str, Polarity)] = &[
            ("", p(0.0, 0.0, 0.0, 0.0)),
            ("The book was good.", p(0.0, 0.508, 0.492, 0.4404)),
            ("The book was GOOD!!", p(0.0, 0.416, 0.584, 0.639)),
            ("The book was very good.", p(0.0, 0.556, 0.444, 0.4927)),
            ("not good at all", p(0.445, 0.555, 0.0, -0.3412)),
            ("Good, but bad", p(0.617, 0.13, 0.253, -0.5859)),
            ("good good but good good", p(0.0, 0.079, 0.921, 0.891)),
            ("no good", p(0.706, 0.294, 0.0, -0.3412)),
            ("the food was kind of good", p(0.0, 0.657, 0.343, 0.3832)),
            (
                "at least good and the least good",
                p(0.233, 0.485, 0.281, 0.1265),
            ),
            ("it was never so good", p(0.0, 0.475, 0.525, 0.6626)),
            ("Without a doubt, great idea", p(0.0, 0.326, 0.674, 0.7359)),
            ("Wow it is the shit!", p(0.0, 0.482, 0.518, 0.6476)),
            ("hello 😁world", p(0.0, 0.658, 0.342, 0.3818)),
            ("🔛 good", p(0.0, 0.385, 0.615, 0.4926)),
            ("that is :) ok", p(0.0, 0.5, 0.5, 0.4588)),
            ("one two three this good", p(0.0, 0.542, 0.458, 0.5228)),
            ("no no good", p(0.454, 0.189, 0.357, -0.1326)),
            (
                "It is VERY good but NOT great",
                p(0.373, 0.42, 0.207, -0.4548),
            ),
            ("he said it was sort of good", p(0.0, 0.697, 0.303, 0.3832)),
            ("I have no doubt or good", p(0.283, 0.47, 0.248, -0.0762)),
            (
                "Smiling, \"great\"... (lol) ok?!",
                p(0.0, 0.093, 0.907, 0.8687),
            ),
            ("it isn't really good", p(0.466, 0.534, 0.0, -0.3865)),
            ("is it good??", p(0.0, 0.38, 0.62, 0.504)),
        ];
        for (text, want) in cases {
            assert_eq!(v.polarity_scores(text), *want, "{:?}", text);
        }
    }

    /// The committed fixture (tests/fixtures/vader_reference.tsv: `neg neu pos compound
    /// text`, scored by vaderSentiment 3.3.2) against the real lexicon in models/vader/,
    /// bit for bit. Skipped when scripts/bootstrap has not installed the lexicon.
    #[test]
    fn fixture_matches_reference_when_lexicon_installed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (lex, emo) = (
            root.join("models/vader/vader_lexicon.txt"),
            root.join("models/vader/emoji_utf8_lexicon.txt"),
        );
        let fixture = root.join("tests/fixtures/vader_reference.tsv");
        if !lex.exists() || !emo.exists() || !fixture.exists() {
            eprintln!("skipped: models/vader or the fixture is missing (run scripts/bootstrap)");
            return;
        }
        let v = Vader::from_files(&lex, &emo).expect("lexicon loads");
        let data = std::fs::read_to_string(&fixture).expect("fixture reads");
        let mut lines = data.split('\n');
        assert_eq!(lines.next(), Some("neg\tneu\tpos\tcompound\ttext"));
        let mut n = 0;
        for line in lines.filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.splitn(5, '\t').collect();
            let want: Vec<f64> = f[..4].iter().map(|x| x.parse().expect("number")).collect();
            let got = v.polarity_scores(f[4]);
            let got = [got.neg, got.neu, got.pos, got.compound];
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(
                    g.to_bits(),
                    w.to_bits(),
                    "{:?}: got {:?}, want {:?}",
                    f[4],
                    got,
                    want
                );
            }
            n += 1;
        }
        assert!(n >= 200, "only {} fixture rows", n);
    }

    #[test]
    fn errors_carry_line_numbers() {
        let e = Vader::from_strs("good\t1.9\nbad\n", "")
            .err()
            .expect("line 2 has one field");
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("line 2:"), "{}", e);
        let e = Vader::from_strs("good\tx\n", "").err().expect("bad number");
        assert_eq!(e.line, 1);
        let e = Vader::from_strs("good\t1\n", "😁\tgrin\n\n🔛\ton\n")
            .err()
            .expect("empty emoji line");
        assert_eq!(e.line, 2);
        assert!(e.path.as_os_str().is_empty());
        let missing = Path::new("/nonexistent/vader_lexicon.txt");
        let e = Vader::from_files(missing, missing)
            .err()
            .expect("no such file");
        assert_eq!((e.path.as_path(), e.line), (missing, 0));
        assert!(
            e.to_string()
                .starts_with("/nonexistent/vader_lexicon.txt: cannot read"),
            "{}",
            e
        );
        assert!(
            Vader::from_strs("\n\ngood\t1.9\n\n", "").is_ok(),
            "empty lexicon lines are skipped"
        );
    }
}
