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
use crate::score::{self, Cell, Sentence};
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
    let tokens: Vec<Tokens> = match &loaded.tokenizer {
        Some(tok) => pool.install(|| {
            sentences
                .par_iter()
                .map(|s| tok.encode(text(s)))
                .collect::<Result<Vec<_>, Error>>()
        })?,
        None => Vec::new(),
    };

    let embeddings = match &loaded.encoders {
        None => None,
        Some(enc) => Some(embed(enc, &tokens, cfg.batch)?),
    };
    let dim = loaded.encoders.as_ref().map_or(0, |e| e.dim());
    let scored: Vec<Sentence<'_>> = sentences
        .iter()
        .enumerate()
        .map(|(k, s)| Sentence {
            text: text(s),
            embedding: embeddings.as_ref().map(|e| &e[k * dim..(k + 1) * dim]),
            date: &infos[s.doc].date,
        })
        .collect();
    let mut scores: Vec<Vec<Cell>> = pool.install(|| {
        scored
            .par_iter()
            .map(|sentence| {
                let mut cells = Vec::new();
                for scorer in &loaded.scorers {
                    scorer.score(sentence, &mut cells);
                }
                cells
            })
            .collect()
    });
    // Each document's sentences are consecutive: split the rows by document and finish
    // the documents in parallel.
    let mut docs_rows: Vec<(&[Sentence<'_>], &mut [Vec<Cell>])> = Vec::with_capacity(infos.len());
    let (mut rest, mut from) = (scores.as_mut_slice(), 0);
    while from < sentences.len() {
        let doc = sentences[from].doc;
        let n = sentences[from..]
            .iter()
            .take_while(|s| s.doc == doc)
            .count();
        let (head, tail) = rest.split_at_mut(n);
        docs_rows.push((&scored[from..from + n], head));
        (rest, from) = (tail, from + n);
    }
    pool.install(|| {
        docs_rows
            .into_par_iter()
            .for_each(|(s, rows)| score::finish_document(&loaded.scorers, s, rows))
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

/// Embeds every sentence of a chunk in length-sorted batches; rows come back in the
/// chunk's order.
fn embed(enc: &EncoderPool, tokens: &[Tokens], limits: BatchLimits) -> Result<Vec<f32>, Error> {
    let dim = enc.dim();
    let lengths: Vec<usize> = tokens.iter().map(|t| t.ids.len()).collect();
    let plan = batch::plan(&lengths, limits);
    let batches = plan
        .iter()
        .map(|b| b.iter().map(|&i| tokens[i].ids.clone()).collect())
        .collect();
    let results = enc.embed(batches)?;
    let mut out = vec![0f32; tokens.len() * dim];
    for (b, rows) in plan.iter().zip(results) {
        for (k, &i) in b.iter().enumerate() {
            out[i * dim..(i + 1) * dim].copy_from_slice(&rows[k * dim..(k + 1) * dim]);
        }
    }
    Ok(out)
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
