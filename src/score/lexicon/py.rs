//! Python-semantics shims: the few `str` methods and built-ins of the reference whose
//! exact behaviour the scores depend on (`isspace`, `string.punctuation`, `isupper`,
//! `round`, `float`), reproduced in Rust.

/// Python's `str.isspace` (used by `str.split()` / `str.strip()`): Unicode White_Space plus
/// the ASCII separators U+001C..U+001F.
#[inline]
pub(super) fn is_py_space(c: char) -> bool {
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
pub(super) fn is_punct(b: u8) -> bool {
    PUNCT[b as usize]
}

/// [`is_py_space`] for ASCII bytes: `\t\n\x0b\x0c\r`, U+001C..U+001F and space.
#[inline]
pub(super) fn is_ascii_py_space(b: u8) -> bool {
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
pub(super) fn py_isupper(s: &str) -> bool {
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
pub(super) fn py_round(x: f64, scale: u64) -> f64 {
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

/// Python's `float()` on a lexicon value: surrounding whitespace allowed; also `inf`/`nan`.
pub(super) fn py_float(s: &str) -> Option<f64> {
    s.trim_matches(is_py_space).parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn python_string_semantics() {
        assert!(py_isupper("GOOD!"));
        assert!(!py_isupper("Good"));
        assert!(!py_isupper("123"));
        assert!(py_isupper("ÉTÉ"));
        assert!(!py_isupper("ǅ")); // titlecase letter
        assert!(is_py_space('\u{1f}') && is_py_space('\u{a0}') && !is_py_space('\u{200b}'));
    }
}
