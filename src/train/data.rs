//! The training data, read strictly (a malformed line is an error naming file and line):
//! the human-rated sentences of the VADER paper (tweets, movie and Amazon reviews for
//! training; NYT editorials as the news test set), the labelled tension sentences, and the
//! CAMEO codebook (prototype texts and Goldstein values). Also the fixed 10% dev split,
//! drawn from the seed (the CV folds are in `folds.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use super::folds::stratified_folds;
use super::rng::Rng;
use crate::error::Error;

/// The five tension classes, in the heads' output order.
pub const CLASSES: [&str; 5] = crate::score::tension::CLASSES;
/// The class of each CAMEO root.
pub const ROOT_CLASS: [usize; 20] = crate::score::tension::ROOT_CLASS;
/// The news sentiment classes.
pub const NEWS_CLASSES: [&str; 3] = crate::score::sentiment::LABELS;

/// Sentences with a number each.
#[derive(Debug, Default, Clone)]
pub struct Rated {
    pub texts: Vec<String>,
    /// Mean human rating on −4..+4, parsed as f64: means of 20 integer ratings often sit
    /// exactly on the ±0.05 class boundaries, which an f32 would move off them.
    pub ratings: Vec<f64>,
}

/// Sentences with a class each.
#[derive(Debug, Default, Clone)]
pub struct Labelled {
    pub texts: Vec<String>,
    pub labels: Vec<usize>,
}

fn bad(path: &Path, line: usize, message: impl Into<String>) -> Error {
    Error::Usage(format!("{}:{line}: {}", path.display(), message.into()))
}

fn read(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(Error::io(path))?;
    String::from_utf8(bytes).map_err(|e| bad(path, 0, format!("not UTF-8: {e}")))
}

/// One `*_GroundTruth.txt` file: `id TAB mean-rating TAB text`.
pub fn load_rated(path: &Path) -> Result<Rated, Error> {
    let text = read(path)?;
    let mut out = Rated::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (_, rating, sentence) = (parts.next(), parts.next(), parts.next());
        let (Some(rating), Some(sentence)) = (rating, sentence) else {
            return Err(bad(
                path,
                i + 1,
                "expected id, rating and text, tab-separated",
            ));
        };
        let rating: f64 = rating
            .trim()
            .parse()
            .map_err(|_| bad(path, i + 1, format!("rating {rating:?} is not a number")))?;
        if !(-4.0..=4.0).contains(&rating) {
            return Err(bad(path, i + 1, format!("rating {rating} outside -4..4")));
        }
        out.texts.push(sentence.trim().to_string());
        out.ratings.push(rating);
    }
    if out.texts.is_empty() {
        return Err(bad(path, 0, "no sentences"));
    }
    Ok(out)
}

/// The sentiment training sets and the news test set.
pub struct Sentiment {
    /// Tweets, movie reviews and Amazon reviews, concatenated in that order.
    pub train: Rated,
    /// Whether each training sentence is in the fixed 10% dev split.
    pub dev: Vec<bool>,
    /// NYT editorial sentences: scored once at the end, never trained or tuned on.
    pub nyt: Rated,
}

/// The training files, in order, and the test file.
pub const TRAIN_SETS: [&str; 3] = ["tweets", "movieReviewSnippets", "amazonReviewSnippets"];
pub const TEST_SET: &str = "nytEditorialSnippets";

pub fn load_sentiment(dir: &Path, seed: u64) -> Result<Sentiment, Error> {
    let file = |name: &str| dir.join(format!("{name}_GroundTruth.txt"));
    let mut train = Rated::default();
    for name in TRAIN_SETS {
        let r = load_rated(&file(name))?;
        train.texts.extend(r.texts);
        train.ratings.extend(r.ratings);
    }
    let mut rng = Rng::new(seed ^ 0xDE5);
    let dev = (0..train.texts.len())
        .map(|_| rng.uniform() < 0.10)
        .collect();
    Ok(Sentiment {
        train,
        dev,
        nyt: load_rated(&file(TEST_SET))?,
    })
}

/// The tension sentences: `sentence TAB class` (0–4, see [`CLASSES`]).
pub fn load_tension(path: &Path) -> Result<Labelled, Error> {
    let text = read(path)?;
    let mut out = Labelled::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((sentence, label)) = line.rsplit_once('\t') else {
            return Err(bad(path, i + 1, "expected sentence TAB class"));
        };
        let label: usize = label
            .trim()
            .parse()
            .ok()
            .filter(|&l| l < CLASSES.len())
            .ok_or_else(|| bad(path, i + 1, format!("class {label:?} is not 0-4")))?;
        out.texts.push(sentence.to_string());
        out.labels.push(label);
    }
    if out.texts.is_empty() {
        return Err(bad(path, 0, "no sentences"));
    }
    Ok(out)
}

/// Own labelled tension sentences: the sentences with their classes, and the CAMEO root
/// of each where the table gives one.
#[derive(Debug, Default)]
pub struct Own {
    pub labelled: Labelled,
    pub roots: Vec<Option<usize>>,
}

/// A two-digit CAMEO root code (`01`-`20`) as a root index, checked against the class
/// its sentence is labelled with ([`ROOT_CLASS`]); an empty field is no root.
fn parse_root(path: &Path, line: usize, code: &str, class: usize) -> Result<Option<usize>, Error> {
    if code.is_empty() {
        return Ok(None);
    }
    let root = code
        .parse::<usize>()
        .ok()
        .filter(|r| code.len() == 2 && (1..=ROOT_CLASS.len()).contains(r))
        .ok_or_else(|| bad(path, line, format!("root {code:?} is not 01-20")))?
        - 1;
    if ROOT_CLASS[root] != class {
        return Err(bad(
            path,
            line,
            format!("root {code} is not in class {}", CLASSES[class]),
        ));
    }
    Ok(Some(root))
}

/// Own labelled tension sentences (`datasets/events_train.tsv`): `#` comment lines, a
/// header naming at least `event_class` and `text`, the class by its name ([`CLASSES`]),
/// and optionally `cameo_root`, a two-digit root code within that class (empty: none),
/// which trains the root head as the silver roots of the measured sentences do.
/// They train; they are never measured (`--extra-tension`).
pub fn load_own_tension(path: &Path) -> Result<Own, Error> {
    let text = read(path)?;
    let Some(header) = text
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect::<Vec<_>>())
    else {
        return Err(bad(path, 0, "no header line"));
    };
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| bad(path, 0, format!("no {name:?} column in the header")))
    };
    let (class_col, text_col) = (col("event_class")?, col("text")?);
    let root_col = header.iter().position(|h| *h == "cameo_root");
    let mut out = Own::default();
    for (line, f) in crate::input::tsv::rows(&text) {
        let (Some(class), Some(sentence)) = (f.get(class_col), f.get(text_col)) else {
            return Err(bad(path, line, "too few columns"));
        };
        let label = CLASSES.iter().position(|c| c == class).ok_or_else(|| {
            bad(
                path,
                line,
                format!("class {class:?} is not one of {}", CLASSES.join(", ")),
            )
        })?;
        if sentence.trim().is_empty() {
            return Err(bad(path, line, "empty text"));
        }
        let root = match root_col {
            Some(c) => {
                let code = f.get(c).ok_or_else(|| bad(path, line, "too few columns"))?;
                parse_root(path, line, code.trim(), label)?
            }
            None => None,
        };
        out.labelled.texts.push(sentence.to_string());
        out.labelled.labels.push(label);
        out.roots.push(root);
    }
    if out.roots.is_empty() {
        return Err(bad(path, 0, "no sentences"));
    }
    Ok(out)
}

/// The first 16 hex digits of the sha256 of a sentence: how the tables of
/// `datasets/` name a sentence of the shared data sets without its text.
pub fn short_sha(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Unlabelled real sentences with a teacher's five class probabilities
/// (`--soft-tension`, e.g. `datasets/teacher_classes.tsv`, written by
/// `scripts/build/teacher_labels.py`). They train the class head towards the teacher;
/// they are never measured.
#[derive(Debug, Default, Clone)]
pub struct Soft {
    pub texts: Vec<String>,
    /// The teacher's probabilities in [`CLASSES`] order, each row summing to 1.
    pub probs: Vec<[f32; 5]>,
}

/// Reads a teacher table: a header `source key sha256 p_statement … p_material_conflict`,
/// then one row per sentence, naming it without its text: `newsmtsc` and a line number of
/// `news` (its `sentence_normalized`), or `ungdc` and `FILE:START-END`, a byte span of
/// `ungdc/FILE`. Each text is checked against the first 16 hex digits of its sha256.
pub fn load_soft(path: &Path, news: &Path, ungdc: &Path) -> Result<Soft, Error> {
    #[derive(Deserialize)]
    struct Item {
        sentence_normalized: String,
    }
    let text = read(path)?;
    let want: Vec<String> = std::iter::once("source".to_string())
        .chain(["key", "sha256"].map(String::from))
        .chain(CLASSES.iter().map(|c| format!("p_{c}")))
        .collect();
    let header = text
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty());
    if header.map(|h| h.split('\t').collect::<Vec<_>>())
        != Some(want.iter().map(String::as_str).collect())
    {
        return Err(bad(
            path,
            0,
            format!("the header must be {}", want.join(" ")),
        ));
    }
    let mut news_lines: Option<Vec<String>> = None;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut out = Soft::default();
    for (line, f) in crate::input::tsv::rows(&text) {
        if f.len() != want.len() {
            return Err(bad(
                path,
                line,
                format!("{} columns, not {}", f.len(), want.len()),
            ));
        }
        let sentence = match f[0] {
            "newsmtsc" => {
                let lines = match &mut news_lines {
                    Some(l) => l,
                    None => news_lines.insert(read(news)?.lines().map(String::from).collect()),
                };
                let n: usize = f[1]
                    .parse()
                    .map_err(|_| bad(path, line, "key is not a line number"))?;
                let raw = n.checked_sub(1).and_then(|k| lines.get(k)).ok_or_else(|| {
                    bad(path, line, format!("{} has no line {n}", news.display()))
                })?;
                let item: Item =
                    serde_json::from_str(raw).map_err(|e| bad(news, n, e.to_string()))?;
                item.sentence_normalized
            }
            "ungdc" => {
                let span = f[1].rsplit_once(':').and_then(|(file, span)| {
                    let (a, b) = span.split_once('-')?;
                    Some((file, a.parse::<usize>().ok()?, b.parse::<usize>().ok()?))
                });
                let Some((file, a, b)) = span else {
                    return Err(bad(path, line, "key is not FILE:START-END"));
                };
                let bytes = match files.entry(file.to_string()) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        let p = ungdc.join(file);
                        e.insert(std::fs::read(&p).map_err(Error::io(&p))?)
                    }
                };
                let slice = bytes
                    .get(a..b)
                    .ok_or_else(|| bad(path, line, format!("{file} has no bytes {a}-{b}")))?;
                String::from_utf8(slice.to_vec())
                    .map_err(|_| bad(path, line, format!("{file} bytes {a}-{b} are not UTF-8")))?
            }
            other => return Err(bad(path, line, format!("unknown source {other:?}"))),
        };
        let hash = short_sha(&sentence);
        if hash != f[2] {
            return Err(bad(
                path,
                line,
                format!("the text of {} {} has changed (sha256 {hash}…)", f[0], f[1]),
            ));
        }
        let mut p = [0f32; 5];
        for (k, v) in f[3..].iter().enumerate() {
            p[k] = v
                .parse()
                .ok()
                .filter(|x: &f32| (0.0..=1.0).contains(x))
                .ok_or_else(|| bad(path, line, format!("{v:?} is not a probability")))?;
        }
        let sum: f32 = p.iter().sum();
        if (sum - 1.0).abs() > 0.01 {
            return Err(bad(path, line, format!("probabilities sum to {sum}")));
        }
        p.iter_mut().for_each(|x| *x /= sum);
        out.texts.push(sentence);
        out.probs.push(p);
    }
    if out.texts.is_empty() {
        return Err(bad(path, 0, "no sentences"));
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
struct CameoCode {
    name: Option<String>,
    #[serde(default)]
    root: bool,
    #[serde(default)]
    examples: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct GoldsteinValue {
    value: f64,
}

/// What training needs from the CAMEO codebook.
pub struct Cameo {
    /// Root codes ("01".."20") and their names, capitalised as in the shipped config.
    pub roots: Vec<(String, String)>,
    /// Mean Goldstein value of each root's codes (the two-digit entry included).
    pub goldstein: Vec<f64>,
    /// The codebook's example sentences of four words or more: a test set for the root
    /// classifier that is never trained on.
    pub examples: Vec<Example>,
}

/// A codebook example sentence, its code and the code's Goldstein value.
#[derive(Debug, Clone)]
pub struct Example {
    pub code: String,
    pub text: String,
    pub goldstein: f64,
}

fn json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, Error> {
    serde_json::from_str(&read(path)?).map_err(|e| bad(path, e.line(), e.to_string()))
}

fn capitalize(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

pub fn load_cameo(codes: &Path, goldstein: &Path) -> Result<Cameo, Error> {
    let codes_map: BTreeMap<String, CameoCode> = json(codes)?;
    let gold: BTreeMap<String, GoldsteinValue> = json(goldstein)?;
    let roots: Vec<(String, String)> = codes_map
        .iter()
        .filter(|(_, v)| v.root)
        .map(|(c, v)| (c.clone(), capitalize(v.name.as_deref().unwrap_or(c))))
        .collect();
    let expected: Vec<String> = (1..=ROOT_CLASS.len()).map(|r| format!("{r:02}")).collect();
    if roots.iter().map(|(c, _)| c).ne(expected.iter()) {
        return Err(bad(codes, 0, "the root codes are not 01-20"));
    }
    let mut goldstein_means = Vec::new();
    for (root, _) in &roots {
        let values: Vec<f64> = gold
            .iter()
            .filter(|(c, _)| c.starts_with(root.as_str()) && codes_map.contains_key(*c))
            .map(|(_, g)| g.value)
            .collect();
        if values.is_empty() {
            return Err(bad(
                goldstein,
                0,
                format!("no Goldstein value for root {root}"),
            ));
        }
        goldstein_means.push(values.iter().sum::<f64>() / values.len() as f64);
    }
    let examples = codes_map
        .iter()
        .flat_map(|(code, v)| {
            v.examples
                .iter()
                .flatten()
                .filter(|t| t.split_whitespace().count() >= 4)
                .filter_map(|t| {
                    gold.get(code).map(|g| Example {
                        code: code.clone(),
                        text: t.clone(),
                        goldstein: g.value,
                    })
                })
        })
        .collect();
    Ok(Cameo {
        roots,
        goldstein: goldstein_means,
        examples,
    })
}

/// The silver CAMEO root of each tension sentence (`datasets/cameo_quad_roots.tsv`, written
/// by `scripts/build/silver_roots.py`): a root index 0–19 within the sentence's gold
/// class, or none. Rows follow the tension file's non-blank lines in order; each row's hash
/// of its sentence must match, so a different tension file is an error, not a silent shift.
pub fn load_roots(path: &Path, tension: &Labelled) -> Result<Vec<Option<usize>>, Error> {
    use sha2::{Digest, Sha256};
    let text = read(path)?;
    let mut out = Vec::new();
    for (line, f) in crate::input::tsv::rows(&text) {
        let k = out.len();
        if f.len() < 4 || k >= tension.texts.len() {
            return Err(bad(
                path,
                line,
                "expected line, sha256, gold, root (one row per tension sentence)",
            ));
        }
        let sha = format!("{:x}", Sha256::digest(tension.texts[k].as_bytes()));
        if !sha.starts_with(f[1]) || f[1].len() < 8 || f[2] != tension.labels[k].to_string() {
            return Err(bad(
                path,
                line,
                format!("row {} does not match tension sentence {} (rebuild it with scripts/build/silver_roots.py)", k + 1, k + 1),
            ));
        }
        out.push(parse_root(path, line, f[3], tension.labels[k])?);
    }
    if out.len() != tension.texts.len() {
        return Err(bad(
            path,
            0,
            format!(
                "{} rows for {} tension sentences",
                out.len(),
                tension.texts.len()
            ),
        ));
    }
    Ok(out)
}

/// The political-news sentences with one sentiment (NewsMTSC's JSON lines: a sentence and
/// its targets, each with a `polarity` of 2 negative, 4 neutral or 6 positive). A sentence
/// whose targets disagree has no single label and is skipped; the count is returned.
pub fn load_news(path: &Path) -> Result<(Labelled, usize), Error> {
    #[derive(Deserialize)]
    struct Target {
        polarity: f64,
    }
    #[derive(Deserialize)]
    struct Item {
        sentence_normalized: String,
        targets: Vec<Target>,
    }
    let text = read(path)?;
    let mut out = Labelled::default();
    let mut mixed = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let item: Item = serde_json::from_str(line).map_err(|e| bad(path, i + 1, e.to_string()))?;
        let mut labels = item.targets.iter().map(|t| match t.polarity {
            2.0 => Ok(0),
            4.0 => Ok(1),
            6.0 => Ok(2),
            p => Err(bad(path, i + 1, format!("polarity {p} is not 2, 4 or 6"))),
        });
        let Some(first) = labels.next().transpose()? else {
            return Err(bad(path, i + 1, "no targets"));
        };
        let mut same = true;
        for l in labels {
            same &= l? == first;
        }
        if same {
            out.texts.push(item.sentence_normalized);
            out.labels.push(first);
        } else {
            mixed += 1;
        }
    }
    if out.texts.is_empty() {
        return Err(bad(path, 0, "no sentences"));
    }
    Ok((out, mixed))
}

/// Where the data is read from.
#[derive(Debug, Clone)]
pub struct Paths {
    /// `$DETENTE_HOME/data/hutto_ICWSM_2014`.
    pub hutto: PathBuf,
    /// `$DETENTE_HOME/data/cameo`.
    pub cameo: PathBuf,
    /// The tension sentences.
    pub tension: PathBuf,
    /// Their silver CAMEO roots (`datasets/cameo_quad_roots.tsv`).
    pub roots: PathBuf,
    /// Own labelled sentences that train beside them and are never measured
    /// (`--extra-tension`, e.g. `datasets/events_train.tsv`).
    pub extra_tension: Vec<PathBuf>,
    /// A teacher's class probabilities of unlabelled real sentences (`--soft-tension`).
    pub soft_tension: Option<PathBuf>,
    /// The UN General Debate speeches the teacher table may name (`ungdc_2023`).
    pub ungdc: PathBuf,
    /// The political-news sentiment sentences (`newsmtsc_train.jsonl`).
    pub news: PathBuf,
}

impl Paths {
    pub fn cameo_codes(&self) -> PathBuf {
        self.cameo.join("cameo_codes.json")
    }
    pub fn cameo_goldstein(&self) -> PathBuf {
        self.cameo.join("cameo_goldstein.json")
    }
}

/// The labelled tension sentences' file name in the data-sets folder.
pub const TENSION_FILE: &str = "cameo_quad_train.tsv";
/// The political-news sentiment sentences' file name in the data-sets folder.
pub const NEWS_FILE: &str = "newsmtsc_train.jsonl";
/// The UN General Debate speeches' folder in the data-sets folder.
pub const UNGDC_DIR: &str = "ungdc_2023";
/// The silver roots of the tension sentences, in the repository.
pub const ROOTS_FILE: &str = "datasets/cameo_quad_roots.tsv";

/// The folder of shared data sets and where it came from: `DETENTE_DATASETS`, else
/// `../shared/datasets` beside the repository when it exists. An error names the variable.
pub fn datasets_dir() -> Result<(PathBuf, &'static str), Error> {
    if let Some(dir) = std::env::var_os("DETENTE_DATASETS").filter(|p| !p.is_empty()) {
        let dir = PathBuf::from(dir);
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "DETENTE_DATASETS={} is not a folder",
                dir.display()
            )));
        }
        return Ok((dir, "DETENTE_DATASETS"));
    }
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
    if shared.is_dir() {
        return Ok((shared, "../shared/datasets, DETENTE_DATASETS unset"));
    }
    Err(Error::Usage(
        "no data sets: DETENTE_DATASETS is unset and ../shared/datasets is not beside the repository; set DETENTE_DATASETS to the data-set folder".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_teacher_table_names_its_sentences_by_key_and_hash_and_is_read_strictly() {
        let dir = tempfile::tempdir().unwrap();
        let news = dir.path().join("news.jsonl");
        std::fs::write(
            &news,
            "{\"sentence_normalized\": \"First.\"}\n{\"sentence_normalized\": \"Seoul protested.\"}\n",
        )
        .unwrap();
        let un = dir.path().join("un");
        std::fs::create_dir(&un).unwrap();
        std::fs::write(un.join("KOR.txt"), "Peace now. We call for talks.\n").unwrap();
        let h = short_sha;
        let head = "source\tkey\tsha256\tp_statement\tp_verbal_cooperation\tp_material_cooperation\tp_verbal_conflict\tp_material_conflict\n";
        let rows = format!(
            "newsmtsc\t2\t{}\t0.1\t0\t0\t0.8\t0.1\nungdc\tKOR.txt:11-29\t{}\t0.2\t0.8\t0\t0\t0\n",
            h("Seoul protested."),
            h("We call for talks.")
        );
        let table = dir.path().join("t.tsv");
        std::fs::write(&table, format!("# a comment\n{head}{rows}")).unwrap();
        let soft = load_soft(&table, &news, &un).unwrap();
        assert_eq!(soft.texts, ["Seoul protested.", "We call for talks."]);
        assert_eq!(soft.probs[0], [0.1, 0.0, 0.0, 0.8, 0.1]);
        assert_eq!(soft.probs[1], [0.2, 0.8, 0.0, 0.0, 0.0]);

        let fails = |body: String, want: &str| {
            std::fs::write(&table, body).unwrap();
            let e = load_soft(&table, &news, &un).unwrap_err().to_string();
            assert!(e.contains(want), "{e} should say {want:?}");
        };
        // A text that changed, a line that is not there, a bad probability, a bad sum.
        fails(
            format!(
                "{head}newsmtsc\t1\t{}\t1\t0\t0\t0\t0\n",
                h("Seoul protested.")
            ),
            "t.tsv:2: the text of newsmtsc 1 has changed",
        );
        fails(
            format!("{head}newsmtsc\t3\t{}\t1\t0\t0\t0\t0\n", h("x")),
            "has no line 3",
        );
        fails(
            format!("{head}ungdc\tKOR.txt:11-99\t{}\t1\t0\t0\t0\t0\n", h("x")),
            "has no bytes 11-99",
        );
        fails(
            format!(
                "{head}newsmtsc\t2\t{}\t1.5\t0\t0\t0\t0\n",
                h("Seoul protested.")
            ),
            "\"1.5\" is not a probability",
        );
        fails(
            format!(
                "{head}newsmtsc\t2\t{}\t0.5\t0\t0\t0\t0\n",
                h("Seoul protested.")
            ),
            "sum to 0.5",
        );
        fails(
            format!("{head}wire\t2\t{}\t1\t0\t0\t0\t0\n", h("x")),
            "unknown source",
        );
        fails("source\tkey\n".into(), "the header must be");
    }

    #[test]
    fn news_sentences_with_mixed_targets_are_left_out_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("news.jsonl");
        let line = |s: &str, ps: &[f64]| {
            let targets: Vec<String> = ps
                .iter()
                .map(|p| format!("{{\"polarity\": {p}}}"))
                .collect();
            format!(
                "{{\"sentence_normalized\": \"{s}\", \"targets\": [{}]}}\n",
                targets.join(",")
            )
        };
        let text = line("a", &[2.0])
            + &line("b", &[6.0, 6.0])
            + &line("c", &[2.0, 4.0])
            + &line("d", &[4.0]);
        std::fs::write(&p, text + &line("e", &[5.0])).unwrap();
        let e = load_news(&p).unwrap_err().to_string();
        assert!(
            e.contains("news.jsonl:5") && e.contains("polarity 5"),
            "{e}"
        );
        std::fs::write(
            &p,
            line("a", &[2.0])
                + &line("b", &[6.0, 6.0])
                + &line("c", &[2.0, 4.0])
                + &line("d", &[4.0]),
        )
        .unwrap();
        let (news, mixed) = load_news(&p).unwrap();
        assert_eq!(news.texts, ["a", "b", "d"]);
        assert_eq!(news.labels, [0, 2, 1]);
        assert_eq!(mixed, 1);
    }

    #[test]
    fn own_tension_sentences_are_read_by_class_name_and_a_bad_class_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("own.tsv");
        std::fs::write(
            &p,
            "# comment\nid\tkind\tevent_class\ttext\nt1\tx\tverbal_conflict\tSeoul protested.\nt2\tx\tstatement\tTokyo said so.\n",
        )
        .unwrap();
        let own = load_own_tension(&p).unwrap();
        assert_eq!(own.labelled.texts, ["Seoul protested.", "Tokyo said so."]);
        assert_eq!(own.labelled.labels, [3, 0]);
        assert_eq!(own.roots, [None, None]);
        std::fs::write(&p, "id\tkind\tevent_class\ttext\nt1\tx\tconflict\tA row.\n").unwrap();
        let e = load_own_tension(&p).unwrap_err().to_string();
        assert!(
            e.contains("own.tsv") && e.contains(":2") && e.contains("\"conflict\""),
            "{e}"
        );
        std::fs::write(&p, "id\tkind\tclass\ttext\n").unwrap();
        let e = load_own_tension(&p).unwrap_err().to_string();
        assert!(e.contains("event_class"), "{e}");
    }

    #[test]
    fn own_roots_are_read_where_given_and_must_lie_in_their_class() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("own.tsv");
        let head = "id\tkind\tevent_class\tcameo_root\ttext\n";
        std::fs::write(
            &p,
            format!("{head}t1\tx\tverbal_conflict\t11\tSeoul protested.\nt2\tx\tstatement\t\tTokyo said so.\nt3\tx\tmaterial_conflict\t19\tTroops clashed.\n"),
        )
        .unwrap();
        let own = load_own_tension(&p).unwrap();
        assert_eq!(own.roots, [Some(10), None, Some(18)]);
        assert_eq!(own.labelled.labels, [3, 0, 4]);
        let error_of = |row: &str| {
            std::fs::write(&p, format!("{head}{row}\n")).unwrap();
            load_own_tension(&p).unwrap_err().to_string()
        };
        // 19 (fight) is material conflict, not verbal conflict.
        let e = error_of("t1\tx\tverbal_conflict\t19\tSeoul protested.");
        assert!(
            e.contains(":2") && e.contains("not in class verbal_conflict"),
            "{e}"
        );
        for code in ["21", "1", "x1"] {
            let e = error_of(&format!("t1\tx\tstatement\t{code}\tTokyo said so."));
            assert!(
                e.contains(":2") && e.contains("is not 01-20"),
                "{code}: {e}"
            );
        }
    }

    #[test]
    fn silver_roots_must_match_their_sentences_and_classes() {
        use sha2::{Digest, Sha256};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("roots.tsv");
        let tension = Labelled {
            texts: vec!["Troops fired on protesters.".into(), "They met.".into()],
            labels: vec![4, 1],
        };
        let sha = |s: &str| format!("{:x}", Sha256::digest(s.as_bytes()))[..12].to_string();
        let (a, b) = (sha(&tension.texts[0]), sha(&tension.texts[1]));
        std::fs::write(
            &p,
            format!("# c\nline\tsha256\tgold\troot\n1\t{a}\t4\t19\n2\t{b}\t1\t\n"),
        )
        .unwrap();
        assert_eq!(load_roots(&p, &tension).unwrap(), [Some(18), None]);
        // A root outside the gold class, a different sentence, a missing row.
        std::fs::write(
            &p,
            format!("line\tsha256\tgold\troot\n1\t{a}\t4\t12\n2\t{b}\t1\t\n"),
        )
        .unwrap();
        let e = load_roots(&p, &tension).unwrap_err().to_string();
        assert!(
            e.contains("roots.tsv:2") && e.contains("not in class material_conflict"),
            "{e}"
        );
        std::fs::write(
            &p,
            format!("line\tsha256\tgold\troot\n1\t{b}\t4\t19\n2\t{b}\t1\t\n"),
        )
        .unwrap();
        let e = load_roots(&p, &tension).unwrap_err().to_string();
        assert!(e.contains("does not match"), "{e}");
        std::fs::write(&p, format!("line\tsha256\tgold\troot\n1\t{a}\t4\t19\n")).unwrap();
        let e = load_roots(&p, &tension).unwrap_err().to_string();
        assert!(e.contains("1 rows for 2"), "{e}");
    }

    #[test]
    fn a_bad_rating_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x_GroundTruth.txt");
        std::fs::write(&p, "1\t0.5\tfine\n2\tzero\tbad\n").unwrap();
        let e = load_rated(&p).unwrap_err().to_string();
        assert!(e.contains("x_GroundTruth.txt:2"), "{e}");
    }
}
