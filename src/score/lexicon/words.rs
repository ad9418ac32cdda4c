//! The word table: every word the lexicon or the rules know, in one open-addressing table
//! (with a bloom filter in front) probed with the byte scanner's hash, and the loading and
//! parsing of the two lexicon files that fill it, line for line as the reference reads them.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::py::{is_py_space, py_float};
use super::scan::{hash_lower, scan, CharBuild, Scan};
use super::tables::{BOOSTER_DICT, B_DECR, B_INCR, NEGATE, RULE_WORDS, SPECIAL_CASES};

pub(super) const NO_ENTRY: u32 = u32::MAX;

// Rec::flags bits.
pub(super) const F_LEXICON: u8 = 1;
pub(super) const F_BOOSTER: u8 = 2;
pub(super) const F_BOOSTER_DECR: u8 = 4;
pub(super) const F_NEGATE: u8 = 8;
pub(super) const F_PHRASE: u8 = 16;

/// One word of the [`WordTable`], in 32 bytes so a lookup touches one record.
#[derive(Clone, Copy, Default)]
pub(super) struct Rec {
    /// The key's first 8 bytes as written in the file (zero-padded).
    key8: u64,
    /// Lexicon valence when `flags & F_LEXICON`.
    pub(super) valence: f64,
    /// The whole key is `arena[off..off + len]`.
    off: u32,
    len: u32,
    pub(super) word: u8,
    pub(super) flags: u8,
}

/// Open-addressing table from a lowercase word to its [`Rec`] (lexicon keys plus the rule
/// tables' words), probed with [`hash_lower`] so ASCII tokens need no lowercase copy.
pub(super) struct WordTable {
    /// `tag << 20 | (record index + 1)`, tag = 12 hash bits; 0 = empty slot.
    slots: Vec<u32>,
    shift: u32,
    pub(super) recs: Vec<Rec>,
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
    pub(super) fn find(
        &self,
        sc: &Scan,
        tok: &[u8],
        rest_eq: impl Fn(&[u8], &[u8]) -> bool,
    ) -> u32 {
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
    pub(super) fn index_of(&self, lw: &str) -> u32 {
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

/// A lexicon or emoji file that could not be read or parsed. `line` is 1-based (0 when the
/// problem is not tied to a line); `path` is empty for
/// `Vader::from_strs`.
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

/// A multi-word key, as the word-table indices of its words, and its value.
pub(super) type Phrase = (Vec<u32>, f64);

/// The multi-word keys of the rule tables.
pub(super) struct Phrases {
    /// Multi-word SPECIAL_CASES keys.
    pub(super) special: Vec<Phrase>,
    /// Multi-word BOOSTER_DICT keys.
    pub(super) booster_phrases: Vec<Phrase>,
}

/// The two lexicon files, parsed: the analyzer's tables.
pub(super) struct Lexicon {
    pub(super) words: WordTable,
    pub(super) emoji: HashMap<char, Box<str>, CharBuild>,
    pub(super) ascii_emoji: bool,
    pub(super) phrases: Phrases,
}

/// Reads and parses `vader_lexicon.txt` and `emoji_utf8_lexicon.txt` (UTF-8).
pub(super) fn read(lexicon: &Path, emoji: &Path) -> Result<Lexicon, VaderError> {
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| VaderError {
            path: p.to_path_buf(),
            line: 0,
            message: format!("cannot read: {}", e),
        })
    };
    let lex_bytes = read(lexicon)?;
    let emoji_bytes = read(emoji)?;
    parse(
        utf8(&lex_bytes, lexicon)?,
        lexicon,
        utf8(&emoji_bytes, emoji)?,
        emoji,
    )
}

/// Parses the two files' contents; errors name `lex_path` or `emoji_path` and the line.
pub(super) fn parse(
    lexicon: &str,
    lex_path: &Path,
    emoji: &str,
    emoji_path: &Path,
) -> Result<Lexicon, VaderError> {
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
    let index = |table| -> Vec<Phrase> {
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
    Ok(Lexicon {
        words,
        emoji: emap,
        ascii_emoji,
        phrases: Phrases {
            special,
            booster_phrases,
        },
    })
}
