//! List items: bullets, enumerators ("1.", "2.)", "(c)", roman "iv."), the marker that
//! opens an item, and paragraphs that are lists of short lines.
use super::words::{in_list, is_space, CONTINUATIONS};

/// The list style of an enumerator, so that "2." follows "1." but not "1)".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    /// "1."
    Dot,
    /// "1.)"
    DotParen,
    /// "1)"
    Paren,
    /// "(1)"
    Parens,
}

/// An enumerator: its kind (number, lower-case letter or capital letter), style and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Enumerator {
    pub(super) kind: u8,
    pub(super) style: Style,
    pub(super) value: u32,
}

/// A list item's opening at the start of a sentence.
pub(super) struct Marker {
    /// Bytes up to the end of the marker (before the white space after it).
    pub(super) end: usize,
    pub(super) bullet: bool,
    pub(super) number: Option<Enumerator>,
}

/// A bullet character's length at `b[i..]`, if there is one.
pub(super) fn bullet_len(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i..i + 3)? {
        [0xE2, 0x80, 0xA2] // •
        | [0xE2, 0x80, 0xA3] // ‣
        | [0xE2, 0x81, 0x83] // ⁃
        | [0xE2, 0x96, 0xAA] // ▪
        | [0xE2, 0x96, 0xA0] // ■
        | [0xE2, 0x96, 0xBA] // ►
        | [0xE2, 0x97, 0x8F] // ●
        | [0xE2, 0x97, 0xA6] => Some(3), // ◦
        _ => None,
    }
}

/// An enumerator at `b[i..]` ("12.", "3.)", "4)", "(5)", "a.", "b)", "(c)", "D)") followed
/// by white space: the enumerator and the byte after it.
pub(super) fn enumerator(b: &[u8], i: usize) -> Option<(Enumerator, usize)> {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let mut k = i;
    let open = at(k) == b'(';
    if open {
        k += 1;
    }
    let (kind, value) = if at(k).is_ascii_digit() {
        let mut v = 0u32;
        let s = k;
        while at(k).is_ascii_digit() && k - s < 3 {
            v = v * 10 + u32::from(at(k) - b'0');
            k += 1;
        }
        if at(k).is_ascii_digit() {
            return None;
        }
        (0u8, v)
    } else if let Some((value, len)) = roman(&b[k..]) {
        // "ii.", "iv)", "(xii)": lower-case roman numerals of two letters or more.
        k += len;
        (3u8, value)
    } else if at(k).is_ascii_lowercase() {
        k += 1;
        (1u8, u32::from(at(k - 1) - b'a') + 1)
    } else if at(k).is_ascii_uppercase() {
        k += 1;
        (2u8, u32::from(at(k - 1) - b'A') + 1)
    } else {
        return None;
    };
    let style = if open {
        if at(k) != b')' {
            return None;
        }
        k += 1;
        Style::Parens
    } else if at(k) == b'.' && at(k + 1) == b')' {
        k += 2;
        Style::DotParen
    } else if at(k) == b'.' {
        k += 1;
        Style::Dot
    } else if at(k) == b')' {
        k += 1;
        Style::Paren
    } else {
        return None;
    };
    // "A." is an initial, not a list item; "A)" and "(A)" are.
    if kind == 2 && style == Style::Dot {
        return None;
    }
    if !is_space(at(k)) {
        return None;
    }
    Some((Enumerator { kind, style, value }, k))
}

/// A lower-case roman numeral of 2 to 6 letters at the start of `b` ("ii", "iv", "xii"),
/// with its value and length; single letters are read as letters ("i.", "v.").
pub(super) fn roman(b: &[u8]) -> Option<(u32, usize)> {
    let digit = |c: u8| match c {
        b'i' => Some(1),
        b'v' => Some(5),
        b'x' => Some(10),
        b'l' => Some(50),
        b'c' => Some(100),
        _ => None,
    };
    let len = b
        .iter()
        .take(7)
        .take_while(|&&c| digit(c).is_some())
        .count();
    if !(2..=6).contains(&len) {
        return None;
    }
    let values: Vec<u32> = b[..len].iter().filter_map(|&c| digit(c)).collect();
    // A numeral before a larger one is subtracted ("iv" = 5 − 1).
    let mut total = 0i64;
    for (j, &v) in values.iter().enumerate() {
        let v = i64::from(v);
        if values.get(j + 1).is_some_and(|&next| i64::from(next) > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    Some((u32::try_from(total).ok().filter(|&t| t > 0)?, len))
}

/// A list item's marker at `b[i..]`: a bullet, an enumerator, or a bullet then an
/// enumerator ("• 9.", "⁃10."); "-", "*" and "–" count as bullets before white space.
pub(super) fn marker(b: &[u8], i: usize) -> Option<Marker> {
    let mut k = i;
    let mut bullet = false;
    if let Some(n) = bullet_len(b, k) {
        bullet = true;
        k += n;
    } else if (matches!(b.get(k), Some(b'-' | b'*'))
        || b.get(k..k + 3) == Some(&[0xE2, 0x80, 0x93]))
    {
        let n = if b[k] == 0xE2 { 3 } else { 1 };
        if !b.get(k + n).copied().is_some_and(is_space) {
            return None;
        }
        bullet = true;
        k += n;
    }
    let mut j = k;
    while bullet && j < b.len() && (b[j] == b' ' || b[j] == b'\t') && j - k < 4 {
        j += 1;
    }
    match enumerator(b, j) {
        Some((e, end)) => Some(Marker {
            end,
            bullet,
            number: Some(e),
        }),
        None if bullet => Some(Marker {
            end: k,
            bullet,
            number: None,
        }),
        None => None,
    }
}

/// Is `p` a list of lines: several lines and no sentence punctuation at all?
pub(super) fn line_list(p: &str) -> bool {
    p.contains('\n')
        && !p.bytes().any(|c| matches!(c, b'.' | b'!' | b'?'))
        && !p.contains(['…', '‽', '。', '！', '？'])
}

/// In a list of lines, does the line `prev` run on into the next line `next`?
pub(super) fn joins(prev: &str, next: &str) -> bool {
    if prev.chars().count() >= 40 || prev.ends_with([',', ';', '-', '–', '—', '&', '/', '(']) {
        return true; // a long line is a hard wrap
    }
    let last = prev.rsplit(char::is_whitespace).next().unwrap_or("");
    let first = next.split(char::is_whitespace).next().unwrap_or("");
    in_list(last, CONTINUATIONS)
        || (first.starts_with(char::is_lowercase) && in_list(first, CONTINUATIONS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        assert_eq!(roman(b"iv. x"), Some((4, 2)));
        assert_eq!(roman(b"xii) y"), Some((12, 3)));
        assert_eq!(roman(b"i. z"), None);
    }
}
