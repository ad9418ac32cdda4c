//! Dates, one parser for the whole crate: the free-text dates of articles' date lines and
//! update stamps, JSONL `date` fields and `--date-column` values ([`parse_date`], to ISO
//! 8601), and the ISO dates that `aggregate` groups by week, month or year ([`parse_ymd`],
//! [`iso_week`]).

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub(crate) fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) && (w.len() == 3 || w.len() == m.len() || w == "sept"))
        .map(|i| i as u32 + 1)
}

pub(crate) fn words(t: &str) -> impl Iterator<Item = &str> {
    t.split(|c: char| {
        c.is_whitespace()
            || c == ','
            || c == '/'
            || c == '-'
            || c == '–'
            || c == '—'
            || c == ':'
            || c == '|'
    })
    .filter(|w| !w.is_empty())
}

/// An ISO 8601 date from a line holding a month name, a day and a four-digit year
/// ("Friday, December 4 2020", "April, 10/2015 - 14:24", "4 Dec. 2020"), or `YYYY-MM-DD`.
pub fn parse_date(t: &str) -> Option<String> {
    let ws: Vec<&str> = words(t).collect();
    // 2020-12-04 (the word splitter breaks at '-', so look at the raw text first).
    for tok in t.split_whitespace() {
        // An ISO 8601 date-time (2015-10-04T09:30:00Z) counts by its date.
        let tok = tok.split_once('T').map_or(tok, |(date, _)| date);
        let parts: Vec<&str> = tok
            .trim_matches(|c: char| !c.is_ascii_digit())
            .split('-')
            .collect();
        if parts.len() == 3
            && parts[0].len() == 4
            && parts
                .iter()
                .all(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
        {
            let (y, m, d) = (
                parts[0].parse().ok()?,
                parts[1].parse().ok()?,
                parts[2].parse().ok()?,
            );
            return valid(y, m, d);
        }
    }
    let month_idx = ws.iter().position(|w| month_of(w).is_some())?;
    let month = month_of(ws[month_idx])?;
    let num = |w: &str| -> Option<u32> {
        let d = w.trim_end_matches(|c: char| c.is_alphabetic() || c == '.');
        if d.chars().all(|c| c.is_ascii_digit()) && !d.is_empty() {
            d.parse().ok()
        } else {
            None
        }
    };
    let year = ws
        .iter()
        .filter(|w| w.len() == 4)
        .find_map(|w| num(w).filter(|y| (1800..=2200).contains(y)))?;
    // The day: the number nearest the month that is not the year.
    let day = ws
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            *i != month_idx && w.len() <= 4 && num(w).is_some_and(|d| (1..=31).contains(&d))
        })
        .min_by_key(|(i, _)| (*i as isize - month_idx as isize).unsigned_abs())
        .and_then(|(_, w)| num(w))?;
    valid(year, month, day)
}

fn valid(y: u32, m: u32, d: u32) -> Option<String> {
    (d >= 1 && d <= days_in_month(y.into(), m)?).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Days in month `m` (1–12) of Gregorian year `y`; `None` for a month out of range.
pub fn days_in_month(y: i64, m: u32) -> Option<u32> {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = *DAYS.get(usize::try_from(m.checked_sub(1)?).ok()?)?;
    Some(if m == 2 && leap { 29 } else { days })
}

pub fn parse_ymd(s: &str) -> Option<(i64, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s[..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    (d >= 1 && d <= days_in_month(y, m)?).then_some((y, m, d))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the standard days-from-civil
/// computation over 400-year eras).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The ISO 8601 week-numbering year and week of a date: weeks start on Monday, and week
/// 1 is the one holding the year's first Thursday.
pub fn iso_week(y: i64, m: u32, d: u32) -> (i64, u32) {
    let days = days_from_civil(y, m, d);
    let weekday = (days + 3).rem_euclid(7); // Monday = 0; 1970-01-01 was a Thursday
    let thursday = days - weekday + 3;
    // The week belongs to the year of its Thursday.
    let year = [y - 1, y, y + 1]
        .into_iter()
        .rev()
        .find(|&yy| days_from_civil(yy, 1, 1) <= thursday)
        .expect("a Thursday falls in one of three years");
    let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    (year, week as u32)
}
