//! One chunk of documents through the stages: text analysis, tokenizing, batching and
//! encoding, scoring. Each stage runs in parallel; results come back in input order.
use rayon::prelude::*;

use super::load::Loaded;
use super::{Notice, RunConfig, Summary};
use crate::error::Error;
use crate::input::Document;
use crate::model::batch::{self, BatchLimits};
use crate::model::pool::EncoderPool;
use crate::model::tokenize::Tokens;
use crate::score::{self, Cell, Sentence, SpanGroups};
use crate::text::segment::SentenceSpan;
use crate::text::{self, DocText};

/// A sentence of the chunk: its document, index within the document, and span.
pub(super) struct ChunkSentence {
    pub doc: usize,
    pub index: usize,
    pub span: SentenceSpan,
    /// A piece of a sentence over [`crate::text::MAX_SENTENCE_CHARS`].
    pub forced: bool,
}

pub(super) struct Chunk {
    pub docs: Vec<DocText>,
    pub sentences: Vec<ChunkSentence>,
    /// One per sentence when the encoder runs, else empty.
    pub tokens: Vec<Tokens>,
    pub embeddings: Option<Vec<f32>>,
    /// One row of score cells per sentence (all scorers' columns, in order).
    pub scores: Vec<Vec<Cell>>,
}

impl Chunk {
    /// The scorers' `--docs` cells of each document.
    pub fn document_cells(&self, loaded: &Loaded) -> Vec<Vec<Cell>> {
        let doc_of: Vec<usize> = self.sentences.iter().map(|s| s.doc).collect();
        score::summarize_documents(&loaded.scorers, &doc_of, &self.scores, self.docs.len())
    }
}

/// One document's sentences as each scorer sees them, and its rows of cells.
type DocRows<'a, 'b> = (Vec<&'a [Sentence<'b>]>, &'a mut [Vec<Cell>]);

pub(super) fn process(
    pool: &rayon::ThreadPool,
    loaded: &Loaded,
    cfg: &RunConfig,
    docs: &[Document],
) -> Result<Chunk, Error> {
    let per_doc: Vec<(DocText, Vec<(SentenceSpan, bool)>)> = pool.install(|| {
        docs.par_iter()
            .map(|d| text::analyse(d, cfg.text))
            .collect()
    });
    let mut infos = Vec::with_capacity(per_doc.len());
    let mut sentences = Vec::new();
    for (doc, (info, spans)) in per_doc.into_iter().enumerate() {
        sentences.extend(
            spans
                .into_iter()
                .enumerate()
                .map(|(index, (span, forced))| ChunkSentence {
                    doc,
                    index,
                    span,
                    forced,
                }),
        );
        infos.push(info);
    }
    let text = |s: &ChunkSentence| &docs[s.doc].text[s.span.span.start..s.span.span.end];
    let (groups, owners) = span_groups(pool, loaded, &sentences, &infos, &text);
    let (tokens, token_groups): (Vec<Tokens>, Vec<Vec<Vec<u32>>>) = match &loaded.tokenizer {
        Some(tok) => pool
            .install(|| {
                sentences
                    .par_iter()
                    .enumerate()
                    .map(|(k, s)| match groups.get(k) {
                        Some(g) => tok.encode_spans(text(s), &g.ranges),
                        None => Ok((tok.encode(text(s))?, Vec::new())),
                    })
                    .collect::<Result<Vec<_>, Error>>()
            })?
            .into_iter()
            .unzip(),
        None => (Vec::new(), Vec::new()),
    };
    let span_keys: Vec<Vec<String>> = groups.into_iter().map(|g| g.keys).collect();

    let (embeddings, spans) = match &loaded.encoders {
        None => (None, Vec::new()),
        Some(enc) => {
            let (e, s) = embed(enc, &tokens, &token_groups, cfg.batch)?;
            (Some(e), s)
        }
    };
    drop(token_groups);
    let dim = loaded.encoders.as_ref().map_or(0, |e| e.dim());
    // Each scorer's view of each sentence: its own pooled groups only.
    let scored: Vec<Vec<Sentence<'_>>> = (0..loaded.scorers.len())
        .map(|j| {
            sentences
                .iter()
                .enumerate()
                .map(|(k, s)| {
                    let own = owners.get(k).map_or(0..0, |o| o[j].clone());
                    Sentence {
                        text: text(s),
                        embedding: embeddings.as_ref().map(|e| &e[k * dim..(k + 1) * dim]),
                        span_keys: span_keys.get(k).map_or(&[][..], |v| &v[own.clone()]),
                        spans: spans
                            .get(k)
                            .filter(|v| !v.is_empty())
                            .map_or(&[][..], |v| &v[own.start * dim..own.end * dim]),
                        date: &infos[s.doc].date,
                    }
                })
                .collect()
        })
        .collect();
    let mut scores: Vec<Vec<Cell>> = pool.install(|| {
        (0..sentences.len())
            .into_par_iter()
            .map(|k| {
                let mut cells = Vec::new();
                for (j, scorer) in loaded.scorers.iter().enumerate() {
                    scorer.score(&scored[j][k], &mut cells);
                }
                cells
            })
            .collect()
    });
    // Each document's sentences are consecutive: split the rows by document and finish
    // the documents in parallel.
    let mut docs_rows: Vec<DocRows<'_, '_>> = Vec::with_capacity(infos.len());
    let (mut rest, mut from) = (scores.as_mut_slice(), 0);
    while from < sentences.len() {
        let doc = sentences[from].doc;
        let n = sentences[from..]
            .iter()
            .take_while(|s| s.doc == doc)
            .count();
        let (head, tail) = rest.split_at_mut(n);
        let views = scored.iter().map(|v| &v[from..from + n]).collect();
        docs_rows.push((views, head));
        (rest, from) = (tail, from + n);
    }
    pool.install(|| {
        docs_rows
            .into_par_iter()
            .for_each(|(s, rows)| score::finish_document(&loaded.scorers, &s, rows))
    });
    drop(scored);
    let paragraph_keys: Vec<(usize, usize)> = sentences
        .iter()
        .map(|s| (s.doc, s.span.paragraph))
        .collect();
    score::finish_paragraphs(&loaded.scorers, &paragraph_keys, &mut scores);
    Ok(Chunk {
        docs: infos,
        sentences,
        tokens,
        embeddings,
        scores,
    })
}

/// The named byte-range groups whose token states the run's span scorers (if any) want
/// pooled, one list per sentence of the chunk, the scorers' groups one after another; and
/// for each sentence, the range of those groups each scorer owns (indexed like
/// `loaded.scorers`). Both empty when no scorer asks. Each document's sentences are handed
/// to each scorer together, in order, as `document` gets them.
type Owners = Vec<Vec<std::ops::Range<usize>>>;

fn span_groups<'a>(
    pool: &rayon::ThreadPool,
    loaded: &Loaded,
    sentences: &[ChunkSentence],
    infos: &'a [DocText],
    text: &(dyn Fn(&ChunkSentence) -> &'a str + Sync),
) -> (Vec<SpanGroups>, Owners) {
    let passes: Vec<(usize, &dyn score::SpanPass)> = loaded
        .scorers
        .iter()
        .enumerate()
        .filter_map(|(j, s)| s.span_pass().map(|p| (j, p)))
        .collect();
    if passes.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let n_scorers = loaded.scorers.len();
    let mut docs: Vec<&[ChunkSentence]> = Vec::new();
    let mut rest = sentences;
    while let Some(first) = rest.first() {
        let n = rest.iter().take_while(|s| s.doc == first.doc).count();
        let (head, tail) = rest.split_at(n);
        docs.push(head);
        rest = tail;
    }
    let per_doc: Vec<Vec<(SpanGroups, Vec<std::ops::Range<usize>>)>> = pool.install(|| {
        docs.par_iter()
            .map(|d| {
                let s: Vec<Sentence<'_>> = d
                    .iter()
                    .map(|c| Sentence {
                        text: text(c),
                        embedding: None,
                        span_keys: &[],
                        spans: &[],
                        date: &infos[c.doc].date,
                    })
                    .collect();
                let mut merged = vec![(SpanGroups::default(), vec![0..0; n_scorers]); s.len()];
                for &(j, pass) in &passes {
                    let mut g = pass.spans(&s);
                    g.resize(s.len(), SpanGroups::default());
                    for ((all, owners), own) in merged.iter_mut().zip(g) {
                        let from = all.keys.len();
                        all.keys.extend(own.keys);
                        all.ranges.extend(own.ranges);
                        owners[j] = from..all.keys.len();
                    }
                }
                merged
            })
            .collect()
    });
    per_doc.into_iter().flatten().unzip()
}

/// Embeds every sentence of a chunk in length-sorted batches, pooling each sentence's
/// token groups too; rows come back in the chunk's order.
fn embed(
    enc: &EncoderPool,
    tokens: &[Tokens],
    groups: &[Vec<Vec<u32>>],
    limits: BatchLimits,
) -> Result<(Vec<f32>, Vec<Vec<f32>>), Error> {
    let dim = enc.dim();
    let lengths: Vec<usize> = tokens.iter().map(|t| t.ids.len()).collect();
    let plan = batch::plan(&lengths, limits);
    let batches = plan
        .iter()
        .map(|b| {
            b.iter()
                .map(|&i| {
                    (
                        tokens[i].ids.clone(),
                        groups.get(i).cloned().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .collect();
    let results = enc.embed(batches)?;
    let mut out = vec![0f32; tokens.len() * dim];
    let mut spans: Vec<Vec<f32>> = vec![Vec::new(); tokens.len()];
    for (b, rows) in plan.iter().zip(results) {
        let mut pooled = rows.spans.into_iter();
        for (k, &i) in b.iter().enumerate() {
            out[i * dim..(i + 1) * dim].copy_from_slice(&rows.sentences[k * dim..(k + 1) * dim]);
            if let Some(p) = pooled.next() {
                spans[i] = p;
            }
        }
    }
    Ok((out, spans))
}

/// Counts and reports what the text layer found in each document of the chunk.
pub(super) fn report(
    docs: &[Document],
    chunk: &Chunk,
    summary: &mut Summary,
    notify: &mut dyn FnMut(Notice<'_>),
) {
    for (d, info) in docs.iter().zip(&chunk.docs) {
        summary.set_aside += info.article.set_aside() as u64;
        if info.date.is_empty() && !d.structured && !d.date.trim().is_empty() {
            summary.bad_dates += 1;
            notify(Notice::BadDate {
                doc_id: &d.doc_id,
                value: &d.date,
            });
        }
        if info.forced_pieces > 0 {
            summary.forced_split += info.forced_pieces as u64;
            notify(Notice::ForcedSplit {
                doc_id: &d.doc_id,
                pieces: info.forced_pieces,
            });
        }
        if !info.english {
            summary.not_english += 1;
            notify(Notice::NotEnglish {
                doc_id: &d.doc_id,
                lang: &info.lang,
            });
        }
    }
}
