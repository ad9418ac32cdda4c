//! `detente aggregate`: per-sentence tables, CSV or Parquet (one run's, or the parts of a
//! sharded run) →
//! one row per group (document, actor, dyad, source, target, directed pair, week, month or
//! year, or a combination) with
//! counts, means, a 90th percentile and the share of tense sentences.
//!
//! Rows stream through: memory grows with the number of groups, never with the number
//! of rows. Two facts of detente's output make that possible: a document's rows are
//! contiguous (sharding keeps documents whole), so a document is counted again only when
//! `doc_id` changes or `sentence` restarts at 0, without remembering every id; and
//! `tension_p90` comes from a DDSketch (the `sketches-ddsketch` crate), a mergeable
//! quantile sketch whose answer is within 1% (relative) of the exact value at that rank.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sketches_ddsketch::{Config, DDSketch};

use crate::error::Error;
use crate::output::csv::score_text;
use crate::output::mean::Mean;
use crate::output::{Output, TableIn, TableOut};
use crate::text::dates;

/// A sentence counts as tense from this `tension` on: the tension scorer's threshold,
/// the same as `share_tense` in `--docs`.
pub use crate::score::tension::TENSE;

/// The relative accuracy of `tension_p90`: the value returned is within this fraction
/// of the exact value at rank ⌊0.9 (n − 1)⌋ of the sorted tensions. With 2,048 bins and
/// values in [1e-9, 1] the sketch never collapses bins, so the bound always holds.
pub const P90_RELATIVE_ERROR: f64 = 0.01;

/// The statistics columns, after the group key columns.
pub const STAT_COLUMNS: [&str; 8] = [
    "n_docs",
    "n_sentences",
    "tension_mean",
    "tension_p90",
    "goldstein_mean",
    "sentiment_mean",
    "sentiment_lexicon_mean",
    "share_tense",
];

/// A calendar period, from each row's `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// ISO 8601 week: `2015-W45`.
    Week,
    /// `2015-10`.
    Month,
    /// `2015`.
    Year,
}

/// What rows are grouped by (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `doc_id`.
    Doc,
    /// Each code of `actors`: a sentence counts once per actor.
    Actor,
    /// `dyad`; rows with an empty dyad are left out.
    Dyad,
    /// Each actor of `source`, by its first three letters (`KORGOV` → `KOR`).
    Source,
    /// Each actor of `target`, by its first three letters.
    Target,
    /// Each directed pair `source>target` of those (`KOR>JPN`); rows without both are left
    /// out.
    Pair,
    Period(Period),
}

impl FromStr for Key {
    type Err = String;
    fn from_str(s: &str) -> Result<Key, String> {
        Ok(match s.trim() {
            "doc" => Key::Doc,
            "actor" => Key::Actor,
            "dyad" => Key::Dyad,
            "source" => Key::Source,
            "target" => Key::Target,
            "pair" => Key::Pair,
            "week" => Key::Period(Period::Week),
            "month" => Key::Period(Period::Month),
            "year" => Key::Period(Period::Year),
            other => {
                return Err(format!(
                    "unknown grouping '{other}' (known: doc, actor, dyad, source, target, pair, week, month, year)"
                ))
            }
        })
    }
}

impl Key {
    /// The output column that holds this key.
    pub fn column(self) -> &'static str {
        match self {
            Key::Doc => "doc_id",
            Key::Actor => "actor",
            Key::Dyad => "dyad",
            Key::Source => "source",
            Key::Target => "target",
            Key::Pair => "pair",
            Key::Period(Period::Week) => "week",
            Key::Period(Period::Month) => "month",
            Key::Period(Period::Year) => "year",
        }
    }

    /// The input columns this key is read from.
    fn inputs(self) -> &'static [&'static str] {
        match self {
            Key::Doc => &["doc_id"],
            Key::Actor => &["actors"],
            Key::Dyad => &["dyad"],
            Key::Source => &["source"],
            Key::Target => &["target"],
            Key::Pair => &["source", "target"],
            Key::Period(_) => &["date"],
        }
    }
}

/// Checks a `--by` list: at least one key, none twice, at most one period.
pub fn check_keys(keys: &[Key]) -> Result<(), Error> {
    let usage = |m: String| Err(Error::Usage(format!("--by: {m}")));
    if keys.is_empty() {
        return usage(
            "name at least one of doc, actor, dyad, source, target, pair, week, month, year".into(),
        );
    }
    for (i, k) in keys.iter().enumerate() {
        if keys[..i].contains(k) {
            return usage(format!("'{}' is named twice", k.column()));
        }
    }
    if keys.iter().filter(|k| matches!(k, Key::Period(_))).count() > 1 {
        return usage("name at most one of week, month, year".into());
    }
    Ok(())
}

/// One group's running statistics.
struct Acc {
    n_docs: u64,
    /// The sequence number of the last document counted, so a document counts once.
    last_doc: u64,
    n_sentences: u64,
    tension: Mean,
    tension_sketch: DDSketch,
    tense: u64,
    goldstein: Mean,
    sentiment: Mean,
    lexicon: Mean,
}

impl Acc {
    fn new() -> Acc {
        Acc {
            n_docs: 0,
            last_doc: u64::MAX,
            n_sentences: 0,
            tension: Mean::default(),
            tension_sketch: DDSketch::new(Config::new(P90_RELATIVE_ERROR, 2048, 1e-9)),
            tense: 0,
            goldstein: Mean::default(),
            sentiment: Mean::default(),
            lexicon: Mean::default(),
        }
    }

    fn add(&mut self, doc: u64, v: &Values) {
        if self.last_doc != doc {
            self.last_doc = doc;
            self.n_docs += 1;
        }
        self.n_sentences += 1;
        self.tension.add_some(v.tension);
        if let Some(t) = v.tension {
            self.tension_sketch.add(t);
            self.tense += (t >= TENSE) as u64;
        }
        self.goldstein.add_some(v.goldstein);
        self.sentiment.add_some(v.sentiment);
        self.lexicon.add_some(v.lexicon);
    }

    fn p90(&self) -> Option<f64> {
        self.tension_sketch.quantile(0.9).ok().flatten()
    }
}

/// The score values of one row (`None`: column absent or cell empty).
#[derive(Debug, Default)]
struct Values {
    tension: Option<f64>,
    goldstein: Option<f64>,
    sentiment: Option<f64>,
    lexicon: Option<f64>,
}

/// Where the columns `aggregate` reads sit in one file.
struct Columns {
    doc_id: usize,
    sentence: Option<usize>,
    keys: Vec<Vec<usize>>,
    tension: Option<usize>,
    goldstein: Option<usize>,
    sentiment: Option<usize>,
    lexicon: Option<usize>,
}

/// Groups rows of one or more sentence CSVs; [`Aggregator::write`] writes the result.
pub struct Aggregator {
    keys: Vec<Key>,
    groups: BTreeMap<Vec<String>, Acc>,
    /// Increments at each new document, across files.
    doc_seq: u64,
    rows: u64,
}

impl Aggregator {
    pub fn new(keys: Vec<Key>) -> Result<Aggregator, Error> {
        check_keys(&keys)?;
        Ok(Aggregator {
            keys,
            groups: BTreeMap::new(),
            doc_seq: 0,
            rows: 0,
        })
    }

    /// Rows read so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Groups so far.
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// Reads every row of one sentence CSV.
    pub fn add_file(&mut self, path: &Path) -> Result<(), Error> {
        let table = |line: Option<u64>, message: String| Error::Table {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut reader = TableIn::open(path)?;
        let header = reader.header_record();
        let find = |name: &str| header.iter().position(|h| h == name.as_bytes());
        let need = |name: &str, why: &str| {
            find(name).ok_or_else(|| table(Some(1), format!("no column '{name}' ({why})")))
        };
        let cols = Columns {
            doc_id: need("doc_id", "needed to count documents")?,
            sentence: find("sentence"),
            keys: self
                .keys
                .iter()
                .map(|k| {
                    k.inputs()
                        .iter()
                        .map(|c| need(c, &format!("needed by --by {}", by_name(*k))))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<_, _>>()?,
            tension: find("tension"),
            goldstein: find("goldstein"),
            sentiment: find("sentiment"),
            lexicon: find("sentiment_lexicon"),
        };
        let mut record = csv::ByteRecord::new();
        let mut last_doc: Vec<u8> = Vec::new();
        let mut first = true;
        // Counted here: the csv crate's record positions lag one line behind after CRLF
        // line ends (detente's own). A field's line ends (a quoted text) count too.
        let mut next_line: u64 = 2;
        loop {
            match reader.read(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(table(e.line, e.message)),
            }
            let line = Some(next_line);
            next_line += 1 + record
                .iter()
                .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
                .sum::<u64>();
            let field = |i: usize| record.get(i).unwrap_or(b"");
            let doc = field(cols.doc_id);
            let restarts = cols.sentence.is_some_and(|i| field(i) == b"0");
            if first || restarts || doc != last_doc.as_slice() {
                self.doc_seq += 1;
                last_doc.clear();
                last_doc.extend_from_slice(doc);
                first = false;
            }
            let num = |i: Option<usize>, name: &str| -> Result<Option<f64>, Error> {
                let Some(i) = i else { return Ok(None) };
                let raw = String::from_utf8_lossy(field(i));
                let raw = raw.trim();
                if raw.is_empty() {
                    return Ok(None);
                }
                raw.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Some)
                    .ok_or_else(|| table(line, format!("column '{name}': {raw:?} is not a number")))
            };
            let values = Values {
                tension: num(cols.tension, "tension")?,
                goldstein: num(cols.goldstein, "goldstein")?,
                sentiment: num(cols.sentiment, "sentiment")?,
                lexicon: num(cols.lexicon, "sentiment_lexicon")?,
            };
            let mut parts: Vec<Vec<String>> = Vec::with_capacity(self.keys.len());
            for (k, cs) in self.keys.iter().zip(&cols.keys) {
                let raws: Vec<String> = cs
                    .iter()
                    .map(|&i| String::from_utf8_lossy(field(i)).trim().to_string())
                    .collect();
                parts.push(key_values(*k, &raws).map_err(|m| table(line, m))?);
            }
            self.rows += 1;
            for key in product(&parts) {
                self.groups
                    .entry(key)
                    .or_insert_with(Acc::new)
                    .add(self.doc_seq, &values);
            }
        }
        Ok(())
    }

    /// Writes one row per group, sorted by the key columns.
    pub fn write(&self, output: &Output) -> Result<(), Error> {
        let header: Vec<String> = self
            .keys
            .iter()
            .map(|k| k.column().to_string())
            .chain(STAT_COLUMNS.iter().map(|s| s.to_string()))
            .collect();
        let mut out = TableOut::create(output, &header)?;
        for (key, acc) in &self.groups {
            let n = acc.tension.count();
            let share = (n > 0).then(|| acc.tense as f64 / n as f64);
            let stats = [
                acc.n_docs.to_string(),
                acc.n_sentences.to_string(),
                score_text(acc.tension.get()),
                score_text(acc.p90()),
                score_text(acc.goldstein.get()),
                score_text(acc.sentiment.get()),
                score_text(acc.lexicon.get()),
                score_text(share),
            ];
            let fields: Vec<&str> = key
                .iter()
                .map(String::as_str)
                .chain(stats.iter().map(String::as_str))
                .collect();
            out.write_fields(&fields)?;
        }
        out.finish()
    }
}

/// The `--by` word for a key, for messages.
fn by_name(k: Key) -> &'static str {
    match k {
        Key::Doc => "doc",
        Key::Period(_) => "week|month|year",
        other => other.column(),
    }
}

/// The distinct first three letters of a `;`-joined list of actor codes, sorted.
fn actor_prefixes(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = raw
        .split(';')
        .map(str::trim)
        .filter(|a| a.len() >= 3)
        .map(|a| a.chars().take(3).collect())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The group values one row has for one key, from the key's input columns (`raws`, in
/// [`Key::inputs`] order): none (an empty dyad, no actors), one, or several (one per
/// actor or directed pair).
pub(crate) fn key_values(key: Key, raws: &[String]) -> Result<Vec<String>, String> {
    let raw = raws[0].as_str();
    Ok(match key {
        Key::Source | Key::Target => actor_prefixes(raw),
        Key::Pair => {
            let targets = actor_prefixes(&raws[1]);
            actor_prefixes(raw)
                .iter()
                .flat_map(|s| targets.iter().map(move |t| format!("{s}>{t}")))
                .collect()
        }
        Key::Doc => vec![raw.to_string()],
        Key::Dyad if raw.is_empty() => Vec::new(),
        Key::Dyad => vec![raw.to_string()],
        Key::Actor => {
            let mut actors: Vec<String> = raw
                .split(';')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect();
            actors.sort();
            actors.dedup();
            actors
        }
        Key::Period(p) => vec![period(raw, p)?],
    })
}

/// Every combination of one value per key.
fn product(parts: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut keys: Vec<Vec<String>> = vec![Vec::new()];
    for values in parts {
        keys = keys
            .iter()
            .flat_map(|k| {
                values.iter().map(move |v| {
                    let mut k = k.clone();
                    k.push(v.clone());
                    k
                })
            })
            .collect();
    }
    keys
}

/// The period of an ISO date (`YYYY-MM-DD`); an empty date has the empty period.
pub fn period(date: &str, p: Period) -> Result<String, String> {
    if date.is_empty() {
        return Ok(String::new());
    }
    let (y, m, d) = dates::parse_ymd(date)
        .ok_or_else(|| format!("column 'date': {date:?} is not a YYYY-MM-DD date"))?;
    Ok(match p {
        Period::Year => format!("{y:04}"),
        Period::Month => format!("{y:04}-{m:02}"),
        Period::Week => {
            let (wy, w) = dates::iso_week(y, m, d);
            format!("{wy:04}-W{w:02}")
        }
    })
}

/// Aggregates the files in order and writes the result.
pub fn run(inputs: &[PathBuf], keys: Vec<Key>, output: &Output) -> Result<Aggregator, Error> {
    let mut agg = Aggregator::new(keys)?;
    for path in inputs {
        agg.add_file(path)?;
    }
    agg.write(output)?;
    Ok(agg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_match_known_dates() {
        use crate::text::dates::iso_week;
        assert_eq!(iso_week(2015, 10, 4), (2015, 40)); // a Sunday
        assert_eq!(iso_week(2015, 10, 5), (2015, 41)); // the Monday after
        assert_eq!(iso_week(2021, 1, 3), (2020, 53));
        assert_eq!(iso_week(2018, 12, 31), (2019, 1));
        assert_eq!(iso_week(2020, 12, 31), (2020, 53));
        assert_eq!(iso_week(2024, 1, 1), (2024, 1));
        assert_eq!(period("2015-11-05", Period::Week).unwrap(), "2015-W45");
        assert_eq!(period("2015-11-05", Period::Month).unwrap(), "2015-11");
        assert_eq!(period("", Period::Year).unwrap(), "");
        assert!(period("2015-02-29", Period::Year).is_err());
        assert!(period("5 Nov 2015", Period::Year).is_err());
    }

    #[test]
    fn keys_are_checked() {
        let k = |s: &str| {
            s.split(',')
                .map(|x| x.parse().unwrap())
                .collect::<Vec<Key>>()
        };
        assert!(check_keys(&k("dyad,month")).is_ok());
        assert!(check_keys(&k("week,month")).is_err());
        assert!(check_keys(&k("dyad,dyad")).is_err());
        assert!("decade".parse::<Key>().is_err());
    }

    /// A small deterministic generator, so the test needs no extra crate.
    fn xorshift(state: &mut u64) -> f64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn p90_is_within_the_documented_bound_of_the_exact_quantile() {
        let mut state = 0x9e37_79b9_7f4a_7c15;
        for (n, skew) in [(10, 1.0), (997, 1.0), (20_000, 3.0), (50_000, 0.3)] {
            let mut acc = Acc::new();
            let mut values = Vec::with_capacity(n);
            for _ in 0..n {
                let t = xorshift(&mut state).powf(skew);
                values.push(t);
                acc.add(
                    0,
                    &Values {
                        tension: Some(t),
                        ..Values::default()
                    },
                );
            }
            values.sort_by(f64::total_cmp);
            let exact = values[(0.9 * (n as f64 - 1.0)) as usize];
            let est = acc.p90().unwrap();
            println!(
                "n={n}: p90 exact {exact:.6}, sketch {est:.6}, relative error {:.5}",
                (est - exact).abs() / exact
            );
            assert!(
                (est - exact).abs() <= P90_RELATIVE_ERROR * exact,
                "n={n}: sketch {est} vs exact {exact}"
            );
        }
    }

    #[test]
    fn actors_explode_and_empty_dyads_are_skipped() {
        assert_eq!(
            key_values(Key::Actor, &["KOR;JPN;KOR".to_string()]).unwrap(),
            ["JPN", "KOR"]
        );
        assert!(key_values(Key::Actor, &["".to_string()])
            .unwrap()
            .is_empty());
        assert!(key_values(Key::Dyad, &["".to_string()]).unwrap().is_empty());
        let p = product(&[vec!["a".into(), "b".into()], vec!["x".into()]]);
        assert_eq!(p, [vec!["a", "x"], vec!["b", "x"]]);
    }

    #[test]
    fn directed_keys_use_the_first_three_letters() {
        let v = |k: Key, raws: &[&str]| {
            key_values(k, &raws.iter().map(|r| r.to_string()).collect::<Vec<_>>()).unwrap()
        };
        assert_eq!(v(Key::Source, &["KORGOV;JPN;KORMIL"]), ["JPN", "KOR"]);
        assert_eq!(v(Key::Target, &["IGOUNO"]), ["IGO"]);
        assert_eq!(
            v(Key::Pair, &["KORGOV", "JPNGOV;CHN"]),
            ["KOR>CHN", "KOR>JPN"]
        );
        assert_eq!(v(Key::Pair, &["KORCOP", "KORCVL"]), ["KOR>KOR"]);
        assert!(v(Key::Pair, &["KOR", ""]).is_empty());
        assert!(v(Key::Source, &[""]).is_empty());
    }
}
