//! `detente report`: sentence tables (CSV or Parquet) → one self-contained HTML file
//! that a reader opens from disk: an overview of the whole corpus and one view per
//! document, with filters. Nothing is loaded from the network: styles, script and charts
//! (SVG) are inline.
//!
//! Two passes over the input, each streamed like `aggregate`: the first gathers the
//! overview (counts, date range, tension by month for the most frequent directed pairs,
//! event classes, the most tense sentences) in memory proportional to the number of
//! groups, and keeps the `--max-docs` most tense documents (highest mean `tension`) in a
//! bounded heap; the second collects those documents' sentences. Titles, dates and
//! datelines come from `--docs` (else the `--docs` file the manifest beside the first
//! input names, when it exists; else the `title` column and `doc_id`).
//!
//! Article text is untrusted: `html.rs` escapes every string it writes (`&lt;` in HTML and
//! attributes, `\u003c` inside the embedded JSON), so a document holding `<script>` is
//! shown as text.
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::aggregate::{key_values, Key};
use super::mean::Mean;
use super::{Manifest, TableIn};
use crate::error::Error;

mod html;

/// What `detente report` is asked for.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The most documents that get a view of their own (the most tense first).
    pub max_docs: usize,
    /// The `--docs` tables, for titles, dates and datelines.
    pub docs: Vec<PathBuf>,
    /// Sentences in the overview's "most tense" list.
    pub top_sentences: usize,
    /// Directed pairs (or dyads) charted over time.
    pub top_pairs: usize,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions {
            max_docs: 200,
            docs: Vec::new(),
            top_sentences: 20,
            top_pairs: 8,
        }
    }
}

/// A float that orders (NaN never enters: cells are parsed finite).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Score(f64);
impl Eq for Score {}
impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One of the most tense sentences.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct TopSentence {
    tension: Score,
    /// Earlier rows first among equal tensions.
    row: Reverse<u64>,
    doc_seq: u64,
    doc_id: String,
    date: String,
    class: String,
    pairs: Vec<String>,
    text: String,
}

/// The whole-corpus overview, from the first pass.
#[derive(Debug, Default)]
struct Overview {
    documents: u64,
    sentences: u64,
    first_date: Option<String>,
    last_date: Option<String>,
    /// Sentences per event class.
    classes: BTreeMap<String, u64>,
    /// Sentences per directed pair (`KOR>JPN`), or per dyad when the input has no
    /// `source`/`target`.
    pair_counts: BTreeMap<String, u64>,
    /// Mean tension per pair and month.
    series: BTreeMap<String, BTreeMap<String, Mean>>,
    /// Mean tension per pair over the whole input (dated or not).
    pair_tension: BTreeMap<String, Mean>,
    /// Whether the pairs are directed (from `source`/`target`) or dyads.
    directed: bool,
    has_tension: bool,
    /// A min-heap of the most tense sentences.
    top: BinaryHeap<Reverse<TopSentence>>,
    /// A min-heap of the most tense documents: (mean tension, earlier first, sequence).
    top_docs: BinaryHeap<Reverse<(Score, Reverse<u64>)>>,
}

/// Where the report's columns sit in one input.
struct Columns {
    header: Vec<String>,
    doc_id: usize,
    sentence: Option<usize>,
    paragraph: Option<usize>,
    text: usize,
    date: Option<usize>,
    tension: Option<usize>,
    class: Option<usize>,
    actors: Option<usize>,
    dyad: Option<usize>,
    source_target: Option<(usize, usize)>,
    title: Option<usize>,
}

impl Columns {
    fn of(path: &Path, header: &[String]) -> Result<Columns, Error> {
        let find = |n: &str| header.iter().position(|h| h == n);
        let need = |n: &str| {
            find(n).ok_or_else(|| Error::Table {
                path: path.to_path_buf(),
                line: Some(1),
                message: format!(
                    "no column '{n}': a sentence table of detente score or segment is needed"
                ),
            })
        };
        Ok(Columns {
            header: header.to_vec(),
            doc_id: need("doc_id")?,
            sentence: find("sentence"),
            paragraph: find("paragraph"),
            text: need("text")?,
            date: find("date"),
            tension: find("tension"),
            class: find("event_class"),
            actors: find("actors"),
            dyad: find("dyad"),
            source_target: find("source").zip(find("target")),
            title: find("title"),
        })
    }

    /// The columns a sentence's score box lists: everything but its identity and text.
    fn shown(&self) -> Vec<usize> {
        const HIDDEN: [&str; 6] = ["doc_id", "paragraph", "start", "end", "text", "title"];
        (0..self.header.len())
            .filter(|&i| !HIDDEN.contains(&self.header[i].as_str()))
            .collect()
    }
}

/// One row, as the passes see it.
struct RowView<'a> {
    record: &'a csv::ByteRecord,
    cols: &'a Columns,
}

impl RowView<'_> {
    fn get(&self, i: Option<usize>) -> &str {
        i.and_then(|i| self.record.get(i))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
    fn tension(&self) -> Option<f64> {
        self.get(self.cols.tension)
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite())
    }
    /// Its directed pairs (`KOR>JPN`, states only, not domestic), else its dyad.
    fn pairs(&self) -> Vec<String> {
        if let Some((s, t)) = self.cols.source_target {
            let raws = [self.get(Some(s)).to_string(), self.get(Some(t)).to_string()];
            let mut v = key_values(Key::Pair, &raws).unwrap_or_default();
            v.retain(|p| p[..3] != p[4..]);
            v
        } else {
            let d = self.get(self.cols.dyad);
            if d.is_empty() {
                Vec::new()
            } else {
                vec![d.to_string()]
            }
        }
    }
}

/// Reads every row of every input in order, calling `f` with the document sequence
/// number (1, 2, … across inputs; a document changes when `doc_id` changes or `sentence`
/// restarts at 0) and the row.
fn each_row(
    inputs: &[PathBuf],
    mut f: impl FnMut(u64, &RowView<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut seq = 0u64;
    let mut last: Vec<u8> = Vec::new();
    for path in inputs {
        let mut table = TableIn::open(path)?;
        let cols = Columns::of(path, table.header())?;
        let mut record = csv::ByteRecord::new();
        let mut first = true;
        loop {
            match table.read(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    return Err(Error::Table {
                        path: path.clone(),
                        line: e.line,
                        message: e.message,
                    })
                }
            }
            let doc = record.get(cols.doc_id).unwrap_or(b"");
            let restarts = cols.sentence.and_then(|i| record.get(i)) == Some(b"0".as_slice());
            if first || restarts || doc != last.as_slice() {
                seq += 1;
                last.clear();
                last.extend_from_slice(doc);
                first = false;
            }
            f(
                seq,
                &RowView {
                    record: &record,
                    cols: &cols,
                },
            )?;
        }
    }
    Ok(())
}

/// The first pass: the overview and the most tense documents.
fn overview(inputs: &[PathBuf], opts: &ReportOptions) -> Result<Overview, Error> {
    let mut ov = Overview::default();
    let mut doc: Option<(u64, Mean)> = None;
    let keep_doc = |ov: &mut Overview, (seq, m): (u64, Mean)| {
        let key = (Score(m.get().unwrap_or(-1.0)), Reverse(seq));
        ov.top_docs.push(Reverse(key));
        if ov.top_docs.len() > opts.max_docs {
            ov.top_docs.pop();
        }
    };
    let mut row = 0u64;
    each_row(inputs, |seq, r| {
        if doc.as_ref().is_none_or(|(s, _)| *s != seq) {
            if let Some(d) = doc.take() {
                keep_doc(&mut ov, d);
            }
            doc = Some((seq, Mean::default()));
            ov.documents += 1;
        }
        ov.sentences += 1;
        row += 1;
        ov.directed = r.cols.source_target.is_some();
        let date = r.get(r.cols.date);
        if !date.is_empty() {
            if ov.first_date.as_deref().is_none_or(|d| date < d) {
                ov.first_date = Some(date.to_string());
            }
            if ov.last_date.as_deref().is_none_or(|d| date > d) {
                ov.last_date = Some(date.to_string());
            }
        }
        let class = r.get(r.cols.class);
        if !class.is_empty() {
            *ov.classes.entry(class.to_string()).or_default() += 1;
        }
        let tension = r.tension();
        let pairs = r.pairs();
        for p in &pairs {
            *ov.pair_counts.entry(p.clone()).or_default() += 1;
            if let Some(t) = tension {
                ov.pair_tension.entry(p.clone()).or_default().add(t);
            }
            if let (Some(t), Some(month)) = (tension, date.get(..7)) {
                let by_month = ov.series.entry(p.clone()).or_default();
                by_month.entry(month.to_string()).or_default().add(t);
            }
        }
        if let Some(t) = tension {
            ov.has_tension = true;
            if let Some((_, m)) = doc.as_mut() {
                m.add(t);
            }
            push_top(
                &mut ov,
                opts,
                TopSentence {
                    tension: Score(t),
                    row: Reverse(row),
                    doc_seq: seq,
                    doc_id: r.get(Some(r.cols.doc_id)).to_string(),
                    date: date.to_string(),
                    class: class.to_string(),
                    pairs,
                    text: r.get(Some(r.cols.text)).to_string(),
                },
            );
        }
        Ok(())
    })?;
    if let Some(d) = doc.take() {
        keep_doc(&mut ov, d);
    }
    Ok(ov)
}

fn push_top(ov: &mut Overview, opts: &ReportOptions, s: TopSentence) {
    if ov.top.len() < opts.top_sentences {
        ov.top.push(Reverse(s));
    } else if ov.top.peek().is_some_and(|Reverse(min)| s > *min) {
        ov.top.pop();
        ov.top.push(Reverse(s));
    }
}

/// One sentence of a document view.
#[derive(Debug)]
struct SentenceView {
    paragraph: String,
    text: String,
    tension: Option<f64>,
    class: String,
    actors: String,
    pairs: Vec<String>,
    /// `column: value` of each shown column.
    scores: Vec<(String, String)>,
}

/// One document's view.
#[derive(Debug)]
struct DocView {
    seq: u64,
    doc_id: String,
    title: String,
    date: String,
    dateline: String,
    mean_tension: Option<f64>,
    sentences: Vec<SentenceView>,
}

/// The second pass: the sentences of the chosen documents, in input order.
fn collect_docs(inputs: &[PathBuf], chosen: &HashSet<u64>) -> Result<Vec<DocView>, Error> {
    let mut docs: Vec<DocView> = Vec::new();
    each_row(inputs, |seq, r| {
        if !chosen.contains(&seq) {
            return Ok(());
        }
        if docs.last().is_none_or(|d| d.seq != seq) {
            docs.push(DocView {
                seq,
                doc_id: r.get(Some(r.cols.doc_id)).to_string(),
                title: r.get(r.cols.title).to_string(),
                date: r.get(r.cols.date).to_string(),
                dateline: String::new(),
                mean_tension: None,
                sentences: Vec::new(),
            });
        }
        let scores = r
            .cols
            .shown()
            .into_iter()
            .map(|i| (r.cols.header[i].clone(), r.get(Some(i)).to_string()))
            .collect();
        let doc = docs.last_mut().expect("pushed above");
        doc.sentences.push(SentenceView {
            paragraph: r.get(r.cols.paragraph).to_string(),
            text: r.get(Some(r.cols.text)).to_string(),
            tension: r.tension(),
            class: r.get(r.cols.class).to_string(),
            actors: r.get(r.cols.actors).to_string(),
            pairs: r.pairs(),
            scores,
        });
        Ok(())
    })?;
    for d in &mut docs {
        let ts: Vec<f64> = d.sentences.iter().filter_map(|s| s.tension).collect();
        d.mean_tension = (!ts.is_empty()).then(|| ts.iter().sum::<f64>() / ts.len() as f64);
    }
    Ok(docs)
}

/// Titles, dates and datelines by `doc_id`, from `--docs` tables, for the chosen ids.
fn doc_details(
    docs: &[PathBuf],
    wanted: &HashSet<String>,
) -> Result<HashMap<String, (String, String, String)>, Error> {
    let mut out = HashMap::new();
    for path in docs {
        let mut table = TableIn::open(path)?;
        let h = table.header().to_vec();
        let find = |n: &str| h.iter().position(|c| c == n);
        let (Some(id), title, date, dateline) = (
            find("doc_id"),
            find("title"),
            find("date"),
            find("dateline"),
        ) else {
            return Err(Error::Table {
                path: path.clone(),
                line: Some(1),
                message: "no column 'doc_id': a --docs table of detente score is needed".into(),
            });
        };
        let mut record = csv::ByteRecord::new();
        while table.read(&mut record).map_err(|e| Error::Table {
            path: path.clone(),
            line: e.line,
            message: e.message,
        })? {
            let get = |i: Option<usize>| {
                i.and_then(|i| record.get(i))
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default()
            };
            let key = get(Some(id));
            if wanted.contains(&key) && !out.contains_key(&key) {
                out.insert(key, (get(title), get(date), get(dateline)));
            }
        }
    }
    Ok(out)
}

/// The `--docs` table the manifest beside `first` names, when it still exists.
fn docs_from_manifest(first: &Path) -> Option<PathBuf> {
    let m = Manifest::beside(first).ok()??;
    let p = PathBuf::from(m.docs?);
    let p = if p.is_relative() {
        first
            .parent()
            .unwrap_or(Path::new("."))
            .join(p.file_name()?)
    } else {
        p
    };
    p.is_file().then_some(p)
}

/// What a report covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportSummary {
    pub documents: u64,
    pub sentences: u64,
    /// Documents with a view of their own.
    pub shown: usize,
}

/// Writes the report of `inputs` (sentence tables, in order) to `output`.
pub fn run(
    inputs: &[PathBuf],
    opts: &ReportOptions,
    output: &Path,
) -> Result<ReportSummary, Error> {
    if inputs.is_empty() {
        return Err(Error::Usage("report: no sentence table given".into()));
    }
    let ov = overview(inputs, opts)?;
    let chosen: HashSet<u64> = ov
        .top_docs
        .iter()
        .map(|Reverse((_, Reverse(s)))| *s)
        .collect();
    let mut docs = collect_docs(inputs, &chosen)?;
    let doc_tables = if opts.docs.is_empty() {
        docs_from_manifest(&inputs[0]).into_iter().collect()
    } else {
        opts.docs.clone()
    };
    let wanted: HashSet<String> = docs.iter().map(|d| d.doc_id.clone()).collect();
    let details = doc_details(&doc_tables, &wanted)?;
    for d in &mut docs {
        if let Some((title, date, dateline)) = details.get(&d.doc_id) {
            if !title.is_empty() {
                d.title = title.clone();
            }
            if d.date.is_empty() {
                d.date = date.clone();
            }
            d.dateline = dateline.clone();
        }
    }
    // The most tense first; input order among equals.
    docs.sort_by(|a, b| {
        b.mean_tension
            .unwrap_or(-1.0)
            .total_cmp(&a.mean_tension.unwrap_or(-1.0))
            .then(a.seq.cmp(&b.seq))
    });
    let summary = ReportSummary {
        documents: ov.documents,
        sentences: ov.sentences,
        shown: docs.len(),
    };
    html::write(output, inputs, opts, &ov, &docs)?;
    Ok(summary)
}
