//! The VADER analyzer, [`Vader`]: the loaded tables and `polarity_scores`, which turns a
//! text into tokens (emoji descriptions, whitespace split, punctuation stripping, one word
//! table lookup per token) and hands them to the rules.
//!
//! This folder mirrors the Python reference, vaderSentiment 3.3.2 (`SentimentIntensityAnalyzer
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
use std::path::Path;

use super::py::{is_ascii_py_space, is_punct, is_py_space, py_isupper};
use super::rules::{but_check, score_valence, sentiment_valence, Polarity, Tok};
use super::scan::{eq_ascii_lower, scan_padded, token_end, CharBuild, PAD};
use super::tables::{W_KIND, W_OF};
#[cfg(test)]
use super::words::F_LEXICON;
use super::words::{self, Lexicon, Phrases, VaderError, WordTable};

/// The VADER analyzer: the lexicon and emoji descriptions, plus the rule tables.
pub struct Vader {
    words: WordTable,
    emoji: HashMap<char, Box<str>, CharBuild>,
    ascii_emoji: bool,
    /// The multi-word SPECIAL_CASES and BOOSTER_DICT keys.
    phrases: Phrases,
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

impl Vader {
    /// Load `vader_lexicon.txt` and `emoji_utf8_lexicon.txt` (UTF-8, as shipped in
    /// vaderSentiment 3.3.2).
    pub fn from_files(lexicon: &Path, emoji: &Path) -> Result<Vader, VaderError> {
        words::read(lexicon, emoji).map(Self::new)
    }

    /// Build from the two files' contents; errors carry line numbers and an empty path.
    #[allow(dead_code)] // part of the interface; the scorer itself loads files
    pub fn from_strs(lexicon: &str, emoji: &str) -> Result<Vader, VaderError> {
        words::parse(lexicon, Path::new(""), emoji, Path::new("")).map(Self::new)
    }

    fn new(lexicon: Lexicon) -> Vader {
        let Lexicon {
            words,
            emoji,
            ascii_emoji,
            phrases,
        } = lexicon;
        Vader {
            words,
            emoji,
            ascii_emoji,
            phrases,
        }
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
            sent.push(sentiment_valence(&self.phrases, toks, i, is_cap_diff));
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
}

#[cfg(test)]
mod tests {
    use super::super::words::NO_ENTRY;
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
