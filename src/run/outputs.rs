//! The run's outputs from creation to finish: the sentence table, `--docs`, `--errors`
//! and `--embeddings`, created before any model loads (an unwritable path is a usage
//! error), or cut back to the checkpoint for `--resume`; written chunk by chunk;
//! checkpointed after every chunk; moved into place at the end.
use std::path::PathBuf;

use super::chunk::Chunk;
use super::load::Loaded;
use super::plan::Plan;
use super::resume::{self, Checkpoint};
use super::{Mode, RunConfig, Summary};
use crate::error::Error;
use crate::input::{Document, InputError};
use crate::output::csv::{self, score_text};
use crate::output::{partial_path, NpyOut, Output, Row, TableOut, TablePos};
use crate::score::{self, Cell};
use crate::text::DocText;

pub(super) struct Outputs {
    csv: TableOut,
    docs: Option<TableOut>,
    errors: Option<TableOut>,
    npy: Option<NpyOut>,
    /// Reused for each row's score cells.
    cells: Vec<Cell>,
}

impl Outputs {
    pub fn open(cfg: &RunConfig, plan: &Plan) -> Result<Outputs, Error> {
        let cp = plan.checkpoint.as_ref();
        let open = |output: &Output, header: &[String], keep: Option<TablePos>| match keep {
            Some(pos) => TableOut::resume(output, header, &pos),
            None => TableOut::create(output, header),
        };
        let pos = |bytes: Option<u64>, footer: &Option<String>| {
            bytes.map(|bytes| TablePos {
                bytes,
                footer: footer.clone(),
            })
        };
        let csv = open(
            &cfg.output,
            &plan.header,
            cp.and_then(|c| pos(Some(c.csv_bytes), &c.csv_footer)),
        )?;
        let docs = match &cfg.docs {
            Some(p) => Some(open(
                &Output::from_arg(p),
                &doc_header(),
                cp.and_then(|c| pos(c.docs_bytes, &c.docs_footer)),
            )?),
            None => None,
        };
        let errors = match &cfg.errors {
            Some(p) => Some(open(
                &Output::from_arg(p),
                &error_header(),
                cp.and_then(|c| pos(c.errors_bytes, &c.errors_footer)),
            )?),
            None => None,
        };
        let npy = match (&cfg.embeddings, &plan.spec) {
            (Some(path), Some(spec)) => Some(match cp.and_then(|c| c.npy_rows) {
                Some(rows) => NpyOut::resume(path, spec.dim, rows)?,
                None => NpyOut::create(path, spec.dim)?,
            }),
            _ => None,
        };
        Ok(Outputs {
            csv,
            docs,
            errors,
            npy,
            cells: Vec::new(),
        })
    }

    /// One `--errors` row for a skipped input item.
    pub fn write_error(&mut self, e: &InputError) -> Result<(), Error> {
        let Some(out) = self.errors.as_mut() else {
            return Ok(());
        };
        let line = e.line.map(|l| l.to_string()).unwrap_or_default();
        out.write_fields(&[&e.source_name, &line, "", e.kind.as_str(), &e.message])
    }

    /// A chunk's `--docs` rows, sentence rows and embeddings.
    pub fn write_chunk(
        &mut self,
        cfg: &RunConfig,
        plan: &Plan,
        loaded: &Loaded,
        docs: &[Document],
        chunk: &Chunk,
        summary: &mut Summary,
    ) -> Result<(), Error> {
        if let Some(out) = self.docs.as_mut() {
            let cells = chunk.document_cells(loaded);
            for ((d, info), cells) in docs.iter().zip(&chunk.docs).zip(&cells) {
                write_doc_row(out, d, info, cells)?;
            }
        }
        for (k, s) in chunk.sentences.iter().enumerate() {
            let doc = &docs[s.doc];
            let tokens = chunk.tokens.get(k);
            let token_cells = match cfg.mode {
                Mode::Segment => None,
                Mode::Score => Some(tokens.map(|t| (t.n_tokens, t.truncated))),
            };
            self.cells.clear();
            self.cells
                .extend_from_slice(chunk.scores.get(k).map_or(&[][..], |c| c.as_slice()));
            let mut meta: Vec<&str> = Vec::new();
            if plan.has_jsonl {
                meta.push(&doc.title);
            }
            meta.extend(doc.kept.iter().map(|s| s.as_str()));
            self.csv.write(&Row {
                doc_id: &doc.doc_id,
                date: &chunk.docs[s.doc].date,
                paragraph: s.span.paragraph,
                sentence: s.index,
                start: s.span.span.start,
                end: s.span.span.end,
                text: &doc.text[s.span.span.start..s.span.span.end],
                tokens: token_cells,
                forced_split: (cfg.mode == Mode::Score).then_some(s.forced),
                scores: &self.cells,
                meta: &meta,
            })?;
            summary.truncated += tokens.is_some_and(|t| t.truncated) as u64;
        }
        if let (Some(npy), Some(emb)) = (self.npy.as_mut(), chunk.embeddings.as_ref()) {
            npy.write(emb)?;
        }
        summary.sentences += chunk.sentences.len() as u64;
        Ok(())
    }

    /// Flushes every output and records how much of each is complete (file outputs only).
    pub fn checkpoint(&mut self, plan: &Plan, units: u64, summary: &Summary) -> Result<(), Error> {
        let Some(out) = &plan.out_file else {
            return Ok(());
        };
        let csv = self.csv.checkpoint()?;
        let docs = self.docs.as_mut().map(|o| o.checkpoint()).transpose()?;
        let errors = self.errors.as_mut().map(|o| o.checkpoint()).transpose()?;
        let cp = Checkpoint {
            fingerprint: plan.fingerprint.clone(),
            units,
            csv_bytes: csv.bytes,
            docs_bytes: docs.as_ref().map(|p| p.bytes),
            errors_bytes: errors.as_ref().map(|p| p.bytes),
            npy_rows: self.npy.as_mut().map(|o| o.checkpoint()).transpose()?,
            summary: summary.clone(),
            csv_footer: csv.footer,
            docs_footer: docs.and_then(|p| p.footer),
            errors_footer: errors.and_then(|p| p.footer),
            precision: plan
                .precision
                .as_ref()
                .map(|c| c.precision.as_str().to_string()),
        };
        resume::save(out, &cp)
    }

    /// The error of a run stopped by a signal, naming where its partial output is.
    pub fn interrupted(&self) -> Error {
        Error::Interrupted {
            partial: self
                .csv
                .path()
                .map_or_else(|| PathBuf::from("-"), partial_path),
        }
    }

    /// Moves every output into place and removes the checkpoint.
    pub fn finish(self) -> Result<(), Error> {
        let out = self.csv.path().map(|p| p.to_path_buf());
        self.csv.finish()?;
        for o in [self.docs, self.errors].into_iter().flatten() {
            o.finish()?;
        }
        if let Some(npy) = self.npy {
            npy.finish()?;
        }
        if let Some(out) = out {
            resume::clear(&out);
        }
        Ok(())
    }
}

/// The columns of `--docs`: the fixed ones, then the scorers'.
pub(super) fn doc_header() -> Vec<String> {
    csv::DOC_COLUMNS
        .iter()
        .chain(&score::document_columns())
        .map(|s| s.to_string())
        .collect()
}

/// The columns of `--errors`.
pub(super) fn error_header() -> Vec<String> {
    csv::ERROR_COLUMNS.map(String::from).to_vec()
}

fn write_doc_row(
    out: &mut TableOut,
    d: &Document,
    info: &DocText,
    cells: &[Cell],
) -> Result<(), Error> {
    let a = &info.article;
    let span =
        |s: &Option<crate::text::segment::Span>| s.map(|s| &d.text[s.start..s.end]).unwrap_or("");
    let title = if d.structured {
        span(&a.headline)
    } else {
        &d.title
    };
    let set_aside: Vec<&str> = a
        .date_line
        .iter()
        .map(|_| "date_line")
        .chain(a.headline.iter().map(|_| "headline"))
        .chain(a.updates.iter().map(|_| "update"))
        .chain(a.boilerplate.iter().map(|_| "boilerplate"))
        .collect();
    let scores: Vec<String> = cells
        .iter()
        .map(|c| match c {
            Cell::Num(x) => score_text(Some(*x)),
            Cell::Text(s) => s.clone(),
        })
        .collect();
    let mut fields: Vec<&str> = vec![&d.doc_id, &d.source];
    let line = d.line.map(|l| l.to_string()).unwrap_or_default();
    let (n_paragraphs, n_sentences, n_set_aside) = (
        a.body.len().to_string(),
        info.n_sentences.to_string(),
        a.set_aside().to_string(),
    );
    let set_aside = set_aside.join(";");
    fields.extend([
        line.as_str(),
        title,
        &info.date,
        span(&a.dateline),
        span(&a.credit),
        &info.lang,
        &n_paragraphs,
        &n_sentences,
        &n_set_aside,
        &set_aside,
    ]);
    fields.extend(scores.iter().map(String::as_str));
    out.write_fields(&fields)
}
