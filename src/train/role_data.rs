//! The sentences the role head learns from and is measured on, with their labels: silver
//! argument spans a dependency parser read off real news (`datasets/roles_silver.tsv`,
//! offsets and hashes only, resolved against the data-set folder), the team's own gold
//! codes (`datasets/events_gold.tsv`: its dev rows supervise, its test rows only measure),
//! and an external yardstick of gold codes (only measured, never trained on).
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};


use crate::error::Error;
use crate::input::tsv;

/// What a sentence's labels are.
#[derive(Debug, Clone, PartialEq)]
pub enum Labels {
    /// Byte ranges of the sentence that hold its source and its target arguments.
    Spans {
        source: Vec<Range<usize>>,
        target: Vec<Range<usize>>,
    },
    /// Gold actor codes of its source and target.
    Codes {
        source: Vec<String>,
        target: Vec<String>,
    },
}

/// What a sentence is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Silver: trained on.
    Silver,
    /// Own gold, dev split: trained on (at a higher weight).
    GoldDev,
    /// Own gold, test split: measured only.
    GoldTest,
    /// The external yardstick: measured only.
    Yardstick,
}

/// One labelled sentence.
#[derive(Debug, Clone)]
pub struct Item {
    /// What keeps related sentences in one CV fold (a paragraph, a gold row).
    pub group: String,
    pub text: String,
    pub date: String,
    pub labels: Labels,
    pub used: Use,
}

fn table_err(path: &Path, line: usize, message: String) -> Error {
    Error::Table {
        path: path.to_path_buf(),
        line: Some(line as u64),
        message,
    }
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(Error::io(path))
}

pub use super::data::short_sha;

/// Source and target byte ranges.
type RoleSpans = (Vec<Range<usize>>, Vec<Range<usize>>);

/// `S:0-12;T:40-55` → source and target byte ranges.
fn parse_spans(s: &str) -> Option<RoleSpans> {
    let (mut source, mut target) = (Vec::new(), Vec::new());
    for part in s.split(';').filter(|p| !p.is_empty()) {
        let (role, range) = part.split_once(':')?;
        let (a, b) = range.split_once('-')?;
        let r = a.parse().ok()?..b.parse().ok()?;
        match role {
            "S" => source.push(r),
            "T" => target.push(r),
            _ => return None,
        }
    }
    Some((source, target))
}

/// The text a silver row's `corpus` and `line` name, in the data-set folder.
struct Corpora<'a> {
    dir: &'a Path,
    files: HashMap<String, Vec<String>>,
}

impl Corpora<'_> {
    fn text(&mut self, corpus: &str, line: usize) -> Result<Option<String>, Error> {
        let (file, field): (String, fn(&str) -> Option<String>) = match corpus {
            "newsmtsc" => ("newsmtsc_train.jsonl".into(), |l| {
                let v: serde_json::Value = serde_json::from_str(l).ok()?;
                v["sentence_normalized"].as_str().map(str::to_string)
            }),
            "cameo_quad" => ("cameo_quad_train.tsv".into(), |l| {
                l.split('\t').next().map(str::to_string)
            }),
            c => match c.strip_prefix("ungdc/") {
                Some(name) => (format!("ungdc_2023/{name}.txt"), |l| Some(l.to_string())),
                None => return Ok(None),
            },
        };
        if !self.files.contains_key(&file) {
            let text = read(&self.dir.join(&file))?;
            self.files
                .insert(file.clone(), text.lines().map(str::to_string).collect());
        }
        Ok(self.files[&file]
            .get(line.wrapping_sub(1))
            .and_then(|l| field(l)))
    }
}

/// The silver rows whose sentence is found in `datasets` with the recorded hash; and how
/// many were not (a changed or missing data set).
pub fn load_silver(path: &Path, datasets: &Path) -> Result<(Vec<Item>, usize), Error> {
    let text = read(path)?;
    let mut corpora = Corpora {
        dir: datasets,
        files: HashMap::new(),
    };
    let (mut items, mut missing) = (Vec::new(), 0);
    for (line, f) in tsv::rows(&text) {
        let [corpus, n, start, end, sha, spans] = f[..] else {
            return Err(table_err(
                path,
                line,
                format!("{} fields, expected 6", f.len()),
            ));
        };
        let bad = |what: &str| table_err(path, line, format!("bad {what}"));
        let n: usize = n.parse().map_err(|_| bad("line"))?;
        let (start, end): (usize, usize) = (
            start.parse().map_err(|_| bad("start"))?,
            end.parse().map_err(|_| bad("end"))?,
        );
        let (source, target) = parse_spans(spans).ok_or_else(|| bad("spans"))?;
        let sentence = corpora
            .text(corpus, n)?
            .and_then(|t| t.get(start..end).map(str::to_string))
            .filter(|s| short_sha(s) == sha);
        let Some(sentence) = sentence else {
            missing += 1;
            continue;
        };
        items.push(Item {
            group: format!("{corpus}:{n}"),
            text: sentence,
            date: String::new(),
            labels: Labels::Spans { source, target },
            used: Use::Silver,
        });
    }
    Ok((items, missing))
}

fn codes(field: &str) -> Vec<String> {
    field
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// A table of gold codes with the named columns (id, sentence, source, target, and
/// optionally split and date).
fn load_codes(
    path: &Path,
    cols: [&str; 4],
    split_use: &dyn Fn(Option<&str>) -> Use,
) -> Result<Vec<Item>, Error> {
    let text = read(path)?;
    let header: Vec<&str> = text
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap_or_default()
        .split('\t')
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let need = |name: &str| {
        col(name).ok_or_else(|| Error::Table {
            path: path.to_path_buf(),
            line: None,
            message: format!("no column {name}"),
        })
    };
    let [id, sentence, source, target] = [
        need(cols[0])?,
        need(cols[1])?,
        need(cols[2])?,
        need(cols[3])?,
    ];
    let (split, date) = (col("split"), col("date"));
    let mut items = Vec::new();
    for (line, f) in tsv::rows(&text) {
        let get = |i: usize| f.get(i).copied().unwrap_or_default();
        if f.len() <= sentence.max(target) {
            return Err(table_err(path, line, format!("{} fields", f.len())));
        }
        items.push(Item {
            group: get(id).to_string(),
            text: get(sentence).to_string(),
            date: date.map(get).unwrap_or_default().to_string(),
            labels: Labels::Codes {
                source: codes(get(source)),
                target: codes(get(target)),
            },
            used: split_use(split.map(get)),
        });
    }
    Ok(items)
}

/// The team's gold set: dev rows supervise, test rows measure.
pub fn load_gold(path: &Path) -> Result<Vec<Item>, Error> {
    load_codes(path, ["id", "sentence", "source", "target"], &|s| match s {
        Some("test") => Use::GoldTest,
        _ => Use::GoldDev,
    })
}

/// The external yardstick (measured only), every row as `detente evaluate` scores it.
pub fn load_yardstick(path: &Path) -> Result<Vec<Item>, Error> {
    load_codes(path, ["id", "text", "source", "target"], &|_| {
        Use::Yardstick
    })
}

/// Where each data file is.
#[derive(Debug, Clone)]
pub struct RolePaths {
    pub datasets: PathBuf,
    pub silver: PathBuf,
    /// The team's gold tables (dev rows supervise, test rows measure).
    pub gold: Vec<PathBuf>,
    /// The yardstick, when the data-set folder has it.
    pub yardstick: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse_and_reject_what_is_not_a_span() {
        assert_eq!(
            parse_spans("S:0-12;T:40-55;T:60-70"),
            Some((std::iter::once(0..12).collect(), vec![40..55, 60..70]))
        );
        assert_eq!(parse_spans(""), Some((vec![], vec![])));
        assert_eq!(parse_spans("X:0-1"), None);
        assert_eq!(parse_spans("S:0"), None);
        assert_eq!(short_sha("abc"), "ba7816bf8f01cfea");
    }
}
