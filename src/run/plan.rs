//! Phase one of a run: everything decided before any model loads, so that every usage
//! error (flags that do not go together, a checkpoint of another command, an unknown
//! scorer, a missing model file) is reported at once, not after the encoders have loaded.
use std::path::PathBuf;

use super::resume::{self, Checkpoint};
use super::{parallel, Mode, RunConfig};
use crate::error::Error;
use crate::input::{self, Format, InputError, InputFile};
use crate::model::encoder::{self, EncoderSpec};
use crate::model::files;
use crate::model::precision::{self, Choice};
use crate::output::csv;
use crate::output::Output;
use crate::score::{self, ScorerInfo};

pub(super) struct Plan {
    pub threads: usize,
    pub selected: Vec<ScorerInfo>,
    /// Whether the encoder runs: a selected scorer reads embeddings, or `--embeddings`.
    pub need_encoder: bool,
    /// The input files in the order they are read (a missing one as its error).
    pub files: Vec<Result<InputFile, InputError>>,
    /// Whether any input is JSONL (the sentence rows then carry a `title` column).
    pub has_jsonl: bool,
    /// The inputs' size on disk, when known (not for stdin), for progress.
    pub total_bytes: Option<u64>,
    /// The sentence table's header.
    pub header: Vec<String>,
    /// The output file (`None`: stdout).
    pub out_file: Option<PathBuf>,
    pub fingerprint: String,
    /// Where an interrupted run stopped (`--resume`).
    pub checkpoint: Option<Checkpoint>,
    pub models_dir: PathBuf,
    /// The encoder's number format and why, when it runs (`--precision`, `auto` resolved).
    pub precision: Option<Choice>,
    /// The encoder's settings (read from its small JSON files), when it runs.
    pub spec: Option<EncoderSpec>,
    /// Every model file the run reads, to fingerprint in the manifest.
    pub used: Vec<PathBuf>,
}

impl Plan {
    pub fn new(cfg: &RunConfig) -> Result<Plan, Error> {
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
        let selected = score::select(cfg.scorers.as_deref())?;
        let need_encoder = selected
            .iter()
            .any(|s| (s.needs_embedding)(&cfg.scorer_options))
            || cfg.embeddings.is_some();
        let models_dir = files::resolve(cfg.models.as_deref()).path;
        let (spec, used) = if cfg.mode == Mode::Segment {
            (None, Vec::new())
        } else {
            model_files(cfg, &selected, need_encoder, &models_dir)?
        };
        // The `detente` front has no encoder: it hands the run to `detente-torch` now,
        // before anything is written or measured.
        if cfg!(not(feature = "torch")) && spec.is_some() {
            return Err(Error::NeedsTorch);
        }
        let precision = match &spec {
            Some(_) => Some(precision::resolve(
                cfg.precision,
                cfg.device,
                &cfg.scorer_options.model.trained(&models_dir),
            )?),
            None => None,
        };
        let spec = spec.map(|mut s| {
            s.precision = precision
                .as_ref()
                .expect("resolved with the spec")
                .precision;
            s
        });
        if let Some(cp) = &checkpoint {
            resume::check_precision(cp, precision.as_ref().map(|c| c.precision.as_str()))?;
        }
        let files = input::expand_inputs(&cfg.inputs, &cfg.ingest);
        let has_jsonl = files
            .iter()
            .any(|f| matches!(f, Ok(f) if f.format == Some(Format::Jsonl)));
        let total_bytes = files
            .iter()
            .map(|f| f.as_ref().ok().filter(|f| f.path.is_some()).map(|f| f.size))
            .sum::<Option<u64>>();
        let header = header(cfg, &selected, has_jsonl);
        Ok(Plan {
            threads: parallel::resolve_threads(cfg.threads),
            selected,
            need_encoder,
            files,
            has_jsonl,
            total_bytes,
            header,
            out_file,
            fingerprint,
            checkpoint,
            models_dir,
            precision,
            spec,
            used,
        })
    }
}

/// The sentence table's columns: the fixed ones, each scorer's, `title` for JSONL input,
/// then `--keep-fields`.
fn header(cfg: &RunConfig, selected: &[ScorerInfo], has_jsonl: bool) -> Vec<String> {
    let base: &[&str] = if cfg.mode == Mode::Segment {
        &csv::SEGMENT_COLUMNS
    } else {
        &csv::BASE_COLUMNS
    };
    let mut header: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    for s in selected {
        header.extend(s.column_names(&cfg.scorer_options));
    }
    if has_jsonl {
        header.push("title".to_string());
    }
    header.extend(cfg.ingest.keep_fields.iter().cloned());
    header
}

/// Checks that every model file the run needs is there and reads the encoder's settings;
/// returns them and the list of files to fingerprint.
fn model_files(
    cfg: &RunConfig,
    selected: &[ScorerInfo],
    need_encoder: bool,
    models: &std::path::Path,
) -> Result<(Option<EncoderSpec>, Vec<PathBuf>), Error> {
    let model = cfg.scorer_options.model;
    let enc_dir = model.encoder_dir(models);
    let in_dir =
        |names: &[&str]| -> Vec<PathBuf> { names.iter().map(|f| enc_dir.join(f)).collect() };
    let mut used = Vec::new();
    if need_encoder {
        let tokenizer = in_dir(&[
            encoder::TOKENIZER,
            encoder::SBERT_CONFIG,
            encoder::POOLING_CONFIG,
        ]);
        let who = format!(
            "the sentence encoder of --model {}, installed by {}",
            model.name(),
            model.install_hint()
        );
        files::require(&tokenizer, &format!("{who}: its tokenizer"))?;
        used.extend(tokenizer);
        let weights = in_dir(&[encoder::CONFIG, encoder::WEIGHTS]);
        files::require(&weights, &who)?;
        used.extend(weights);
    }
    for s in selected {
        let files = s.file_paths(models, &cfg.scorer_options);
        files::require(&files, &format!("scorer '{}'", s.name))?;
        used.extend(files);
    }
    used.sort();
    used.dedup();
    // Token counts only mean something for the encoder; without it they cost more than
    // a lexicon scorer itself, so they are left empty.
    let spec = if need_encoder {
        let mut spec = EncoderSpec::read(&enc_dir)?;
        spec.device = cfg.device;
        Some(spec)
    } else {
        None
    };
    Ok((spec, used))
}
