//! Strings the stages together: ingest → segment → tokenize → batch → encode → score →
//! write, one chunk of input at a time so memory stays bounded on any corpus size.
//!
//! Everything that can fail for lack of a model file is checked before the first byte
//! of input is read. Within a chunk each stage runs in parallel (see [`crate::parallel`])
//! and rows are written in input order, so the CSV is identical for any thread count.
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use rustc_hash::FxHasher;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::article::{self, Article};
use crate::batch::{self, BatchLimits};
use crate::compute::{self, Precision};
use crate::encoder::{self, EncoderSpec};
use crate::error::{Error, InputError};
use crate::ingest::{self, Document, Format, IngestOptions, Reader};
use crate::models;
use crate::parallel::{self, EncoderPool};
use crate::progress::Progress;
use crate::resume;
use crate::score::{self, Cell, Scorer, ScorerOptions, Sentence};
use crate::segment::{self, SentenceSpan, Span};
use crate::shard::{self, Shard};
use crate::tokenize::{SentenceTokenizer, Tokens};
use crate::write::{self, CsvOut, NpyOut, Output, Row};

/// Documents and bytes per chunk: big enough to keep every core busy and batches full,
/// small enough that memory does not grow with the corpus.
pub const CHUNK_UNITS: usize = 4096;
const CHUNK_BYTES: u64 = 4 << 20;

/// Sentences longer than this (in characters) are cut at a space into pieces marked
/// `forced_split`: a 5 MB "paragraph" without a full stop must come out as rows, not as
/// one sentence that no model can read.
pub const MAX_SENTENCE_CHARS: usize = 2000;

/// What a run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `detente score`: tokens, embeddings and scores.
    Score,
    /// `detente segment`: sentences and offsets only; no model is loaded.
    Segment,
}

/// Everything a run needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub mode: Mode,
    pub inputs: Vec<PathBuf>,
    pub ingest: IngestOptions,
    /// Split paragraphs into sentences (`false`: `--no-split`).
    pub split: bool,
    /// Each document's whole text is one paragraph (`--paragraphs whole`).
    pub whole_paragraphs: bool,
    /// Score the site boilerplate of txt articles too (`--keep-boilerplate`).
    pub keep_boilerplate: bool,
    /// One row per document (`--docs FILE`).
    pub docs: Option<PathBuf>,
    /// One row per skipped input item (`--errors FILE`).
    pub errors: Option<PathBuf>,
    /// Finish an interrupted run from its checkpoint (`--resume`).
    pub resume: bool,
    /// Most documents (input units) per chunk: the unit of progress, memory and resume.
    pub chunk_units: usize,
    /// Set (by a signal handler) to stop after the current chunk, keeping what is done.
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Scorers by name; `None` runs every built-in one.
    pub scorers: Option<Vec<String>>,
    pub scorer_options: ScorerOptions,
    pub models: Option<PathBuf>,
    pub output: Output,
    pub embeddings: Option<PathBuf>,
    /// 0: every core.
    pub threads: usize,
    pub batch: BatchLimits,
    /// The encoder's number format (`--precision`).
    pub precision: Precision,
    /// Where the encoder runs (`--device`, resolved).
    pub device: tch::Device,
    pub limit: Option<u64>,
    /// Only the documents of this shard (`--shard K/N`).
    pub shard: Option<Shard>,
    pub quiet: bool,
    /// The command line, for the manifest.
    pub command_line: Vec<String>,
}

/// Something the user should hear about; the run goes on.
#[derive(Debug)]
pub enum Notice<'a> {
    /// A bad input item, skipped and counted.
    InputError(&'a InputError),
    /// A doc_id seen before; both documents' rows are written.
    DuplicateId {
        doc_id: &'a str,
        source: &'a str,
        line: Option<u64>,
    },
    /// A document that does not look like English; it is still scored.
    NotEnglish { doc_id: &'a str, lang: &'a str },
    /// A document that was not UTF-8 and was read as Windows-1252.
    Recoded {
        doc_id: &'a str,
        source: &'a str,
        line: Option<u64>,
    },
    /// A sentence longer than [`MAX_SENTENCE_CHARS`] was cut into pieces.
    ForcedSplit { doc_id: &'a str, pieces: usize },
    /// A JSONL `date` or `--date-column` value that is not a date: the `date` column is
    /// left empty.
    BadDate { doc_id: &'a str, value: &'a str },
}

/// Counts and timings of a finished run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Summary {
    pub documents: u64,
    pub sentences: u64,
    pub errors: u64,
    pub duplicate_ids: u64,
    pub truncated: u64,
    /// Rows that are pieces of a sentence over [`MAX_SENTENCE_CHARS`].
    pub forced_split: u64,
    /// Documents read as Windows-1252.
    pub recoded: u64,
    /// Paragraphs of txt articles set aside as date line, headline, stamps or boilerplate.
    pub set_aside: u64,
    pub not_english: u64,
    /// Documents whose JSONL `date` or `--date-column` value could not be read as a date.
    pub bad_dates: u64,
    pub load_seconds: f64,
    pub seconds: f64,
    pub manifest: Option<PathBuf>,
}

/// The stages' shared, loaded state.
struct Loaded {
    /// `None` in segment mode.
    tokenizer: Option<SentenceTokenizer>,
    encoders: Option<EncoderPool>,
    scorers: Vec<Box<dyn Scorer>>,
    files: Vec<(PathBuf, String)>,
    models_dir: PathBuf,
}

/// Runs `score`. Input problems go to `notify` and are counted; only problems that make
/// the whole run impossible (a missing model, an unwritable output) return `Err`.
pub fn run(cfg: &RunConfig, notify: &mut dyn FnMut(Notice<'_>)) -> Result<Summary, Error> {
    let started = Instant::now();
    let threads = parallel::resolve_threads(cfg.threads);
    let pool = parallel::rayon_pool(threads)?;
    let selected = score::select(cfg.scorers.as_deref())?;
    let need_encoder = selected.iter().any(|s| s.needs_embedding) || cfg.embeddings.is_some();
    let loaded = load(cfg, &selected, need_encoder, threads)?;
    let load_seconds = started.elapsed().as_secs_f64();

    let files = ingest::expand_inputs(&cfg.inputs, &cfg.ingest);
    let has_jsonl = files
        .iter()
        .any(|f| matches!(f, Ok(f) if f.format == Some(Format::Jsonl)));
    let total_bytes = files
        .iter()
        .map(|f| f.as_ref().ok().filter(|f| f.path.is_some()).map(|f| f.size))
        .sum::<Option<u64>>();
    let input_names: Vec<String> = cfg.inputs.iter().map(|p| p.display().to_string()).collect();

    let base: &[&str] = if cfg.mode == Mode::Segment {
        &write::SEGMENT_COLUMNS
    } else {
        &write::BASE_COLUMNS
    };
    let mut header: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    for s in &loaded.scorers {
        header.extend(s.columns().iter().cloned());
    }
    if has_jsonl {
        header.push("title".to_string());
    }
    header.extend(cfg.ingest.keep_fields.iter().cloned());
    // Resuming needs a file output; a checkpoint from another command is refused.
    let out_file = match &cfg.output {
        Output::File(p) => Some(p.clone()),
        Output::Stdout => None,
    };
    if cfg.resume && out_file.is_none() {
        return Err(Error::Usage("--resume needs -o FILE, not stdout".into()));
    }
    let fingerprint = resume::fingerprint(cfg);
    let checkpoint = match (&out_file, cfg.resume) {
        (Some(out), true) => resume::load(out, &fingerprint)?,
        _ => None,
    };
    let docs_output = cfg.docs.as_deref().map(Output::from_arg);
    let errors_output = cfg.errors.as_deref().map(Output::from_arg);
    let doc_header = write::DOC_COLUMNS.map(String::from);
    let error_header = write::ERROR_COLUMNS.map(String::from);
    let open_csv = |output: &Output, header: &[String], keep: Option<u64>| match keep {
        Some(len) => CsvOut::resume(output, len),
        None => CsvOut::create(output, header),
    };
    let cp = checkpoint.as_ref();
    let mut csv = open_csv(&cfg.output, &header, cp.map(|c| c.csv_bytes))?;
    let mut npy = match (&cfg.embeddings, &loaded.encoders) {
        (Some(path), Some(enc)) => Some(match cp.and_then(|c| c.npy_rows) {
            Some(rows) => NpyOut::resume(path, enc.dim(), rows)?,
            None => NpyOut::create(path, enc.dim())?,
        }),
        _ => None,
    };
    // Where the `tension` score sits among the score cells, for the per-document columns.
    let tension_col = loaded
        .scorers
        .iter()
        .flat_map(|s| s.columns().iter())
        .position(|c| c == "tension");
    let mut docs_out = match &docs_output {
        Some(o) => Some(open_csv(o, &doc_header, cp.and_then(|c| c.docs_bytes))?),
        None => None,
    };
    let mut errors_out = match &errors_output {
        Some(o) => Some(open_csv(o, &error_header, cp.and_then(|c| c.errors_bytes))?),
        None => None,
    };

    let mut summary = match cp {
        Some(c) => Summary {
            load_seconds,
            ..c.summary.clone()
        },
        None => Summary {
            load_seconds,
            ..Summary::default()
        },
    };
    let mut units_done = cp.map_or(0, |c| c.units);
    let mut progress = Progress::new(cfg.quiet, total_bytes);
    let mut reader = Reader::new(files, cfg.ingest.clone());
    let mut seen_ids: HashSet<String, BuildHasherDefault<FxHasher>> = HashSet::default();
    // Resuming: skip the units already written, re-reading only their ids.
    let mut to_skip = units_done;
    while to_skip > 0 {
        let units = reader.next_chunk(to_skip.min(cfg.chunk_units as u64) as usize, u64::MAX);
        if units.is_empty() {
            break;
        }
        to_skip -= units.len() as u64;
        progress.bytes += units.iter().map(|u| u.weight()).sum::<u64>();
        let ids: Vec<Option<String>> = pool.install(|| {
            units
                .into_par_iter()
                .map(|u| ingest::decode(u, &cfg.ingest).ok().map(|d| d.doc_id))
                .collect()
        });
        seen_ids.extend(
            ids.into_iter()
                .flatten()
                .filter(|id| cfg.shard.map_or(true, |s| s.owns(id))),
        );
    }
    let chunk_units = cfg.chunk_units.max(1);
    let mut cells: Vec<Cell> = Vec::new();
    // A reader thread walks the inputs one chunk ahead, so reading overlaps scoring.
    std::thread::scope(|scope| -> Result<(), Error> {
        let (chunk_tx, chunk_rx) = crossbeam_channel::bounded::<Vec<ingest::Unit>>(2);
        scope.spawn(move || loop {
            let units = reader.next_chunk(chunk_units, CHUNK_BYTES);
            if units.is_empty() || chunk_tx.send(units).is_err() {
                break;
            }
        });
        for units in chunk_rx.iter() {
            if cfg.limit.is_some_and(|l| summary.documents >= l) {
                break;
            }
            let weight: u64 = units.iter().map(|u| u.weight()).sum();
            let n_units = units.len() as u64;
            // With `--shard`, each decoded item says whether it is already known to be
            // this shard's (a whole file, assigned by its name before reading it).
            let decoded: Vec<(Result<Document, InputError>, bool)> = pool.install(|| {
                units
                    .into_par_iter()
                    .filter_map(|u| {
                        let owned = shard_of_file(&u, cfg.shard)?;
                        Some((ingest::decode(u, &cfg.ingest), owned))
                    })
                    .collect()
            });
            let mut docs = Vec::with_capacity(decoded.len());
            for (d, owned) in decoded {
                match d {
                    Err(e) if !owned && !error_owned(&e, cfg.shard) => {}
                    Ok(doc) if !owned && cfg.shard.is_some_and(|s| !s.owns(&doc.doc_id)) => {}
                    Err(e) => {
                        summary.errors += 1;
                        notify(Notice::InputError(&e));
                        if let Some(out) = errors_out.as_mut() {
                            let line = e.line.map(|l| l.to_string()).unwrap_or_default();
                            out.write_fields(&[
                                &e.source_name,
                                &line,
                                "",
                                e.kind.as_str(),
                                &e.message,
                            ])?;
                        }
                    }
                    Ok(doc) => {
                        if cfg.limit.is_some_and(|l| summary.documents >= l) {
                            break;
                        }
                        if !seen_ids.insert(doc.doc_id.clone()) {
                            summary.duplicate_ids += 1;
                            notify(Notice::DuplicateId {
                                doc_id: &doc.doc_id,
                                source: &doc.source,
                                line: doc.line,
                            });
                        }
                        if doc.recoded {
                            summary.recoded += 1;
                            notify(Notice::Recoded {
                                doc_id: &doc.doc_id,
                                source: &doc.source,
                                line: doc.line,
                            });
                        }
                        summary.documents += 1;
                        docs.push(doc);
                    }
                }
            }

            let chunk = process_chunk(&pool, &loaded, cfg, &docs)?;
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
            if let Some(out) = docs_out.as_mut() {
                let tension = doc_tension(&chunk, docs.len(), tension_col);
                for ((d, info), t) in docs.iter().zip(&chunk.docs).zip(&tension) {
                    write_doc_row(out, d, info, t.as_ref())?;
                }
            }
            for (k, s) in chunk.sentences.iter().enumerate() {
                let doc = &docs[s.doc];
                let date = &chunk.docs[s.doc].date;
                let tokens = chunk.tokens.get(k);
                let token_cells = match cfg.mode {
                    Mode::Segment => None,
                    Mode::Score => Some(tokens.map(|t| (t.n_tokens, t.truncated))),
                };
                cells.clear();
                cells.extend_from_slice(chunk.scores.get(k).map_or(&[][..], |c| c.as_slice()));
                let mut meta: Vec<&str> = Vec::new();
                if has_jsonl {
                    meta.push(&doc.title);
                }
                meta.extend(doc.kept.iter().map(|s| s.as_str()));
                csv.write(&Row {
                    doc_id: &doc.doc_id,
                    date,
                    paragraph: s.span.paragraph,
                    sentence: s.index,
                    start: s.span.span.start,
                    end: s.span.span.end,
                    text: &doc.text[s.span.span.start..s.span.span.end],
                    tokens: token_cells,
                    forced_split: (cfg.mode == Mode::Score).then_some(s.forced),
                    scores: &cells,
                    meta: &meta,
                })?;
                summary.truncated += tokens.is_some_and(|t| t.truncated) as u64;
            }
            if let (Some(npy), Some(emb)) = (npy.as_mut(), chunk.embeddings.as_ref()) {
                npy.write(emb)?;
            }
            summary.sentences += chunk.sentences.len() as u64;
            progress.advance(weight, docs.len() as u64, chunk.sentences.len() as u64);
            units_done += n_units;
            if let Some(out) = &out_file {
                let cp = resume::Checkpoint {
                    fingerprint: fingerprint.clone(),
                    units: units_done,
                    csv_bytes: csv.checkpoint()?,
                    docs_bytes: docs_out.as_mut().map(|o| o.checkpoint()).transpose()?,
                    errors_bytes: errors_out.as_mut().map(|o| o.checkpoint()).transpose()?,
                    npy_rows: npy.as_mut().map(|o| o.checkpoint()).transpose()?,
                    summary: summary.clone(),
                };
                resume::save(out, &cp)?;
            }
            if cfg
                .stop
                .as_ref()
                .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
            {
                return Err(Error::Interrupted {
                    partial: out_file
                        .as_deref()
                        .map_or_else(|| PathBuf::from("-"), write::partial_path),
                });
            }
        }
        Ok(())
    })?;
    progress.finish();
    csv.finish()?;
    if let Some(out) = docs_out {
        out.finish()?;
    }
    if let Some(out) = errors_out {
        out.finish()?;
    }
    if let Some(npy) = npy {
        npy.finish()?;
    }
    if let Some(out) = &out_file {
        resume::clear(out);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    // Beside a regular file only: not for stdout, /dev/null or a pipe.
    if let Some(Output::File(out)) = cfg.output.clone().filter_regular() {
        let path = manifest_path(&out);
        let manifest = manifest(
            cfg,
            &loaded,
            threads,
            &selected,
            &input_names,
            &summary,
            need_encoder,
        );
        write::write_json(&path, &manifest)?;
        summary.manifest = Some(path);
    }
    Ok(summary)
}

/// For a txt or lines file, one document whose id is its name: `None` when it belongs to
/// another shard (it is not even read), `Some(true)` when to this one, its document or
/// its error alike. `Some(false)` for other units: a record's id is known only once it
/// is decoded.
fn shard_of_file(unit: &ingest::Unit, shard: Option<Shard>) -> Option<bool> {
    let name = match unit {
        ingest::Unit::File { file, .. } => &file.name,
        ingest::Unit::Bytes { name, .. } => name,
        _ => return Some(false),
    };
    match shard {
        Some(s) => s.owns(name).then_some(true),
        None => Some(false),
    }
}

/// Whether this shard reports an input error that no file name assigned: such errors
/// have no document id, so they are shared out by their place (`source:line`), and the
/// N shards report each exactly once.
fn error_owned(e: &InputError, shard: Option<Shard>) -> bool {
    shard.map_or(true, |s| {
        s.owns(&format!("{}:{}", e.source_name, e.line.unwrap_or(0)))
    })
}

/// `OUT.manifest.json` beside the CSV.
pub fn manifest_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".manifest.json");
    PathBuf::from(s)
}

/// Checks every needed file, then loads the tokenizer, the encoders and the scorers.
fn load(
    cfg: &RunConfig,
    selected: &[score::ScorerInfo],
    need_encoder: bool,
    threads: usize,
) -> Result<Loaded, Error> {
    let models = models::resolve(cfg.models.as_deref());
    if cfg.mode == Mode::Segment {
        return Ok(Loaded {
            tokenizer: None,
            encoders: None,
            scorers: Vec::new(),
            files: Vec::new(),
            models_dir: models.path,
        });
    }
    let enc_dir = models.path.join(encoder::MODEL_NAME);
    let tokenizer_files: Vec<PathBuf> = [
        encoder::TOKENIZER,
        encoder::SBERT_CONFIG,
        encoder::POOLING_CONFIG,
    ]
    .iter()
    .map(|f| enc_dir.join(f))
    .collect();
    if need_encoder {
        models::require(&tokenizer_files, "the sentence encoder's tokenizer")?;
    }
    let mut used = Vec::new();
    if need_encoder {
        used.extend(tokenizer_files.iter().cloned());
        let files: Vec<PathBuf> = [encoder::CONFIG, encoder::WEIGHTS]
            .iter()
            .map(|f| enc_dir.join(f))
            .collect();
        models::require(&files, "the sentence encoder")?;
        used.extend(files);
    }
    for s in selected {
        let files = s.file_paths(&models.path);
        models::require(&files, &format!("scorer '{}'", s.name))?;
        used.extend(files);
    }
    used.sort();
    used.dedup();

    // Token counts only mean something for the encoder; without it they cost more than
    // a lexicon scorer itself, so they are left empty.
    let spec = if need_encoder {
        let mut spec = EncoderSpec::read(&enc_dir)?;
        spec.precision = cfg.precision;
        spec.device = cfg.device;
        if selected.iter().any(|s| s.tuned_encoder) {
            spec.delta = Some(std::sync::Arc::new(crate::score::heads::Delta::load(
                &models.path,
            )?));
        }
        Some(spec)
    } else {
        None
    };
    let tokenizer = match &spec {
        Some(spec) => Some(SentenceTokenizer::from_file(
            &enc_dir.join(encoder::TOKENIZER),
            spec.max_seq_length,
        )?),
        None => None,
    };
    // Fingerprint the files while the encoders load.
    let (hashes, encoders) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| {
            used.iter()
                .map(|p| models::sha256_file(p).map(|h| (p.clone(), h)))
                .collect()
        });
        // One GPU model takes whole batches; on the CPU each thread runs its own.
        let workers = if cfg.device.is_cuda() { 1 } else { threads };
        let encoders = spec.as_ref().map(|spec| EncoderPool::start(spec, workers));
        let hashes: Result<Vec<(PathBuf, String)>, Error> = hashing.join().expect("hashing thread");
        (hashes, encoders)
    });
    let files = hashes?;
    let encoders = encoders.transpose()?;
    let scorers = selected
        .iter()
        .map(|s| (s.build)(&models.path, &cfg.scorer_options))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Loaded {
        tokenizer,
        encoders,
        scorers,
        files,
        models_dir: models.path,
    })
}

/// A sentence of the chunk: its document, index within the document, and span.
struct ChunkSentence {
    doc: usize,
    index: usize,
    span: SentenceSpan,
    /// A piece of a sentence over [`MAX_SENTENCE_CHARS`].
    forced: bool,
}

/// What the segment stage learnt about one document.
struct DocInfo {
    article: Article,
    n_sentences: usize,
    /// Rows that are pieces of over-long sentences.
    forced_pieces: usize,
    /// ISO 639-3 code, empty when too little text to tell.
    lang: String,
    english: bool,
    /// ISO 8601 date, empty when unknown: the article's update stamp or date line (txt),
    /// else the JSONL `date` or `--date-column` value when it parses.
    date: String,
}

struct Chunk {
    docs: Vec<DocInfo>,
    sentences: Vec<ChunkSentence>,
    tokens: Vec<Tokens>,
    embeddings: Option<Vec<f32>>,
    scores: Vec<Vec<Cell>>,
}

fn process_chunk(
    pool: &rayon::ThreadPool,
    loaded: &Loaded,
    cfg: &RunConfig,
    docs: &[Document],
) -> Result<Chunk, Error> {
    let per_doc: Vec<(DocInfo, Vec<(SentenceSpan, bool)>)> =
        pool.install(|| docs.par_iter().map(|d| structure(d, cfg)).collect());
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
    let mut scores: Vec<Vec<Cell>> = pool.install(|| {
        sentences
            .par_iter()
            .enumerate()
            .map(|(k, s)| {
                let sentence = Sentence {
                    text: text(s),
                    embedding: embeddings.as_ref().map(|e| &e[k * dim..(k + 1) * dim]),
                };
                let mut cells = Vec::new();
                for scorer in &loaded.scorers {
                    scorer.score(&sentence, &mut cells);
                }
                cells
            })
            .collect()
    });
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

/// The segment stage for one document: paragraphs, article structure (txt), sentences,
/// language.
fn structure(d: &Document, cfg: &RunConfig) -> (DocInfo, Vec<(SentenceSpan, bool)>) {
    let paragraphs = if cfg.whole_paragraphs {
        segment::whole(&d.text).into_iter().collect()
    } else {
        segment::paragraphs(&d.text, d.paragraphs)
    };
    let article = if d.structured && !cfg.whole_paragraphs {
        article::analyse(&d.text, &paragraphs, cfg.keep_boilerplate)
    } else {
        article::plain(paragraphs)
    };
    let spans = segment::sentences_of(&d.text, &article.body, cfg.split);
    let (lang, english) = language(&d.text, &article.body);
    let spans = segment::split_long(&d.text, spans, MAX_SENTENCE_CHARS);
    let forced_pieces = spans.iter().filter(|(_, forced)| *forced).count();
    let date = if d.structured {
        article.date(&d.text)
    } else {
        article::parse_date(&d.date)
    };
    (
        DocInfo {
            article,
            n_sentences: spans.len(),
            forced_pieces,
            lang,
            english,
            date: date.unwrap_or_default(),
        },
        spans,
    )
}

/// The body's language from its first few kilobytes, as an ISO 639-3 code, empty when
/// the detector is not confident (short texts). A document counts as English unless the
/// detector is confident it is something else.
fn language(text: &str, body: &[Span]) -> (String, bool) {
    let mut sample = String::new();
    for p in body {
        if sample.len() > 4096 {
            break;
        }
        sample.push_str(&text[p.start..p.end]);
        sample.push('\n');
    }
    match looks_english(&sample) {
        Some(true) => return ("eng".to_string(), true),
        None => return (String::new(), true), // too short to tell
        Some(false) => {}
    }
    match whatlang::detect(&sample) {
        Some(info) => {
            let lang = info.lang();
            if info.is_reliable() {
                (lang.code().to_string(), lang == whatlang::Lang::Eng)
            } else {
                (String::new(), true)
            }
        }
        None => (String::new(), true),
    }
}

/// A cheap first test: English prose is full of a few function words. Only text that
/// fails it goes to the (much slower) trigram detector; text under 8 words is too short
/// for either to tell (`None`).
fn looks_english(sample: &str) -> Option<bool> {
    const FUNCTION_WORDS: &[&str] = &[
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "with", "as", "was", "on",
        "be", "by", "are", "this", "at", "from", "has", "have", "not", "will", "said", "its",
        "their", "an", "were", "would", "i", "you", "he", "she", "we", "they", "but", "or", "so",
        "if", "all", "no", "more", "about", "what", "there", "can", "one", "his", "her", "my",
        "just", "very", "than", "too", "like", "been", "do", "does", "did", "who", "which",
        "after", "into", "out", "up", "over",
    ];
    let mut words = 0usize;
    let mut hits = 0usize;
    let mut buf = [0u8; 8];
    for w in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(400)
    {
        words += 1;
        if w.len() <= buf.len() && w.is_ascii() {
            let lw = &mut buf[..w.len()];
            lw.copy_from_slice(w.as_bytes());
            lw.make_ascii_lowercase();
            if FUNCTION_WORDS.iter().any(|f| f.as_bytes() == lw) {
                hits += 1;
            }
        }
    }
    (words >= 8).then_some(hits * 8 >= words)
}

/// A document's tension summary: mean, max, and the share of sentences with tension ≥ 0.5.
struct DocTension {
    mean: f64,
    max: f64,
    share_tense: f64,
}

/// Per document of the chunk, its tension summary (`None` without the tension scorer or
/// without sentences).
fn doc_tension(chunk: &Chunk, n_docs: usize, col: Option<usize>) -> Vec<Option<DocTension>> {
    let mut acc = vec![(0.0f64, f64::MIN, 0usize, 0usize); n_docs];
    if let Some(col) = col {
        for (s, cells) in chunk.sentences.iter().zip(&chunk.scores) {
            if let Some(Cell::Num(t)) = cells.get(col) {
                let a = &mut acc[s.doc];
                a.0 += t;
                a.1 = a.1.max(*t);
                a.2 += (*t >= 0.5) as usize;
                a.3 += 1;
            }
        }
    }
    acc.into_iter()
        .map(|(sum, max, tense, n)| {
            (n > 0).then(|| DocTension {
                mean: sum / n as f64,
                max,
                share_tense: tense as f64 / n as f64,
            })
        })
        .collect()
}

fn write_doc_row(
    out: &mut CsvOut,
    d: &Document,
    info: &DocInfo,
    tension: Option<&DocTension>,
) -> Result<(), Error> {
    let a = &info.article;
    let span = |s: &Option<Span>| s.map(|s| &d.text[s.start..s.end]).unwrap_or("");
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
    out.write_fields(&[
        &d.doc_id,
        &d.source,
        &d.line.map(|l| l.to_string()).unwrap_or_default(),
        title,
        &info.date,
        span(&a.dateline),
        span(&a.credit),
        &info.lang,
        &a.body.len().to_string(),
        &info.n_sentences.to_string(),
        &a.set_aside().to_string(),
        &set_aside.join(";"),
        &write::score_text(tension.map(|t| t.mean)),
        &write::score_text(tension.map(|t| t.max)),
        &write::score_text(tension.map(|t| t.share_tense)),
    ])
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

fn manifest(
    cfg: &RunConfig,
    loaded: &Loaded,
    threads: usize,
    selected: &[score::ScorerInfo],
    inputs: &[String],
    summary: &Summary,
    need_encoder: bool,
) -> serde_json::Value {
    use serde_json::json;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    json!({
        "detente_version": crate::VERSION,
        "commit": crate::COMMIT,
        "command_line": cfg.command_line,
        "finished_unix_seconds": now,
        "inputs": inputs,
        "output": cfg.output.describe(),
        "embeddings": cfg.embeddings.as_ref().map(|p| p.display().to_string()),
        "scorers": selected.iter().map(|s| json!({
            "name": s.name,
            "columns": (s.columns)(&cfg.scorer_options),
            "needs_embedding": s.needs_embedding,
        })).collect::<Vec<_>>(),
        "encoder": {
            "name": encoder::MODEL_NAME,
            "loaded": need_encoder,
            "precision": cfg.precision.as_str(),
            "device": compute::device_name(cfg.device),
            "cpu": compute::cpu_summary(),
            "max_tokens": loaded.tokenizer.as_ref().map(|t| t.max_tokens()),
        },
        "mode": if cfg.mode == Mode::Segment { "segment" } else { "score" },
        "split_sentences": cfg.split,
        "whole_paragraphs": cfg.whole_paragraphs,
        "keep_boilerplate": cfg.keep_boilerplate,
        "docs": cfg.docs.as_ref().map(|p| p.display().to_string()),
        "date_column": cfg.ingest.date_column,
        "shard": cfg.shard.map(|s| json!({ "index": s.index, "count": s.count, "hash": shard::HASH_NAME })),
        "threads": threads,
        "batch": {
            "max_sentences": cfg.batch.max_sentences,
            "token_budget": cfg.batch.token_budget,
            "row_tile": crate::forward::ROW_TILE,
        },
        "models_dir": loaded.models_dir.display().to_string(),
        "files": loaded.files.iter().map(|(p, h)| json!({ "path": p.display().to_string(), "sha256": h })).collect::<Vec<_>>(),
        "counts": {
            "documents": summary.documents,
            "sentences": summary.sentences,
            "errors": summary.errors,
            "duplicate_ids": summary.duplicate_ids,
            "truncated": summary.truncated,
            "set_aside_paragraphs": summary.set_aside,
            "not_english": summary.not_english,
            "bad_dates": summary.bad_dates,
        },
        "timings": { "load_seconds": summary.load_seconds, "total_seconds": summary.seconds },
    })
}
