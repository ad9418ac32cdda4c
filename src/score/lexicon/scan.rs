//! The byte scanner: a token's bytes read 8 at a time (SWAR) to hash its lowercase form,
//! classify its letters and find where it ends, so a lookup needs no lowercase copy of the
//! token; plus the hasher of the emoji map and the '!'/'?' counter.

use std::hash::{BuildHasherDefault, Hasher};

use super::py::is_ascii_py_space;

/// Multiplicative hasher for the emoji map's `char` keys (fixed at load time, so hash
/// flooding is no concern).
#[derive(Default, Clone, Copy)]
pub(super) struct CharHasher(u64);

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

pub(super) type CharBuild = BuildHasherDefault<CharHasher>;

const FX_K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// What one pass over a token's bytes, 8 at a time, tells: the hash of its ASCII-lowercased
/// bytes (so a token's lowercase form is looked up without copying it), and for ASCII
/// tokens whether it has lowercase letters, uppercase letters and an apostrophe.
pub(super) struct Scan {
    pub(super) hash: u64,
    /// The first 8 bytes, ASCII-lowercased, zero-padded.
    pub(super) first: u64,
    pub(super) lower: bool,
    pub(super) upper: bool,
    pub(super) apostrophe: bool,
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
pub(super) const PAD: &[u8; 8] = b"        ";

/// [`Scan`] of `b[s..s + len]` (`len >= 1`), where `b` has at least 8 bytes after the token:
/// 8-byte words, the last one zero-padded.
#[inline(always)]
pub(super) fn scan_padded(b: &[u8], s: usize, len: usize) -> Scan {
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
pub(super) fn scan(b: &[u8]) -> Scan {
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
pub(super) fn hash_lower(b: &[u8]) -> u64 {
    scan(b).hash
}

/// End of the token starting at `k`: the next Python whitespace byte of `b`, which ends in
/// [`PAD`].
#[inline]
pub(super) fn token_end(b: &[u8], mut k: usize) -> usize {
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
pub(super) fn eq_ascii_lower(key: &[u8], tok: &[u8]) -> bool {
    key.len() == tok.len()
        && key
            .iter()
            .zip(tok)
            .all(|(&k, &t)| k == t.to_ascii_lowercase())
}

/// Number of bytes equal to b'!' and to b'?' (`text.count("!")`, `text.count("?")`).
#[inline]
pub(super) fn count_ep_qm(b: &[u8]) -> (usize, usize) {
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

#[cfg(test)]
mod tests {
    use super::super::py::is_punct;
    use super::*;

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
}
