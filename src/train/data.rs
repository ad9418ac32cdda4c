//! The training data, read strictly (a malformed line is an error naming file and line):
//! the human-rated sentences of the VADER paper (tweets, movie and Amazon reviews for
//! training; NYT editorials as the news test set), the labelled tension sentences, and the
//! CAMEO codebook (prototype texts and Goldstein values). Also the fixed 10% dev split and
//! the stratified CV folds, both drawn from the seed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::rng::Rng;
use crate::error::Error;

/// The five tension classes, in the heads' output order.
pub const CLASSES: [&str; 5] = crate::score::tension::CLASSES;

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
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
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

/// Stratified k-fold assignment: each class's items are shuffled and dealt round-robin,
/// so every fold holds about 1/k of each class. Returns the fold of each item.
pub fn stratified_folds(labels: &[usize], k: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed ^ 0xF01D);
    let mut fold = vec![0; labels.len()];
    let mut next = 0;
    for class in 0..=labels.iter().copied().max().unwrap_or(0) {
        let mut items: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rng.shuffle(&mut items);
        for i in items {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

#[derive(Debug, Deserialize)]
struct CameoCode {
    name: Option<String>,
    description: Option<String>,
    quad_class: Option<usize>,
    #[serde(default)]
    root: bool,
    #[serde(default)]
    examples: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct GoldsteinValue {
    value: f64,
}

/// What the export needs from the CAMEO codebook.
pub struct Cameo {
    /// Root codes ("01".."20") and their names, capitalised as in the shipped config.
    pub roots: Vec<(String, String)>,
    /// Prototype texts: (root index, text) for every name, description and example of the
    /// root's codes.
    pub texts: Vec<(usize, String)>,
    /// Mean Goldstein value of each class's codes (class 0: the codes under root 01).
    pub goldstein: Vec<f64>,
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
    let mut texts = Vec::new();
    for (r, (root, _)) in roots.iter().enumerate() {
        for (code, v) in codes_map
            .iter()
            .filter(|(c, _)| c.starts_with(root.as_str()))
        {
            let _ = code;
            let examples = v.examples.iter().flatten();
            for t in [&v.name, &v.description]
                .into_iter()
                .flatten()
                .chain(examples)
            {
                if !t.is_empty() {
                    texts.push((r, t.clone()));
                }
            }
        }
    }
    let mut sums = vec![(0.0, 0usize); CLASSES.len()];
    for (code, g) in &gold {
        let Some(v) = codes_map.get(code) else {
            continue;
        };
        let class = if code.starts_with("01") {
            0
        } else {
            v.quad_class
                .filter(|&q| (1..CLASSES.len()).contains(&q))
                .ok_or_else(|| bad(codes, 0, format!("code {code}: no quad_class 1-4")))?
        };
        sums[class].0 += g.value;
        sums[class].1 += 1;
    }
    if let Some(c) = sums.iter().position(|s| s.1 == 0) {
        return Err(bad(
            goldstein,
            0,
            format!("no Goldstein value for class {}", CLASSES[c]),
        ));
    }
    Ok(Cameo {
        roots,
        texts,
        goldstein: sums.iter().map(|(s, n)| s / *n as f64).collect(),
    })
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
    fn folds_are_stratified_and_cover_everything() {
        let labels: Vec<usize> = (0..103).map(|i| i % 5).collect();
        let f = stratified_folds(&labels, 5, 1);
        for k in 0..5 {
            for c in 0..5 {
                let n = (0..103).filter(|&i| f[i] == k && labels[i] == c).count();
                assert!((3..=5).contains(&n), "fold {k} class {c}: {n}");
            }
        }
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
