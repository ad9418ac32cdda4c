//! The run's [`Manifest`]: what ran, on what, with which options, and what came out.
use super::load::Loaded;
use super::plan::Plan;
use super::{Mode, RunConfig, Summary};
use crate::error::Error;
use crate::input::shard;
use crate::model::{self, batch};
use crate::output::manifest::ParquetRecord;
use crate::output::manifest::{
    self, BatchRecord, Counts, EncoderRecord, FileRecord, Manifest, ReadRecord, ScorerRecord,
    ShardRecord, Timings,
};
use crate::output::{Format, Output};

/// Writes the manifest beside a regular file output (not stdout, /dev/null or a pipe);
/// returns its path.
pub(super) fn write_manifest(
    cfg: &RunConfig,
    plan: &Plan,
    loaded: &Loaded,
    summary: &Summary,
) -> Result<Option<std::path::PathBuf>, Error> {
    let Some(Output::File(out)) = cfg.output.clone().filter_regular() else {
        return Ok(None);
    };
    let path = manifest::path_for(&out);
    build(cfg, plan, loaded, summary).write(&path)?;
    Ok(Some(path))
}

fn build(cfg: &RunConfig, plan: &Plan, loaded: &Loaded, summary: &Summary) -> Manifest {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let opt_path = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
    Manifest {
        detente_version: crate::VERSION.into(),
        commit: crate::COMMIT.into(),
        command_line: cfg.command_line.clone(),
        finished_unix_seconds: now,
        inputs: cfg.inputs.iter().map(|p| p.display().to_string()).collect(),
        output: cfg.output.describe(),
        embeddings: opt_path(&cfg.embeddings),
        scorers: plan
            .selected
            .iter()
            .map(|s| ScorerRecord {
                name: s.name.into(),
                columns: s.column_names(&cfg.scorer_options),
                needs_embedding: (s.needs_embedding)(&cfg.scorer_options),
            })
            .collect(),
        encoder: EncoderRecord {
            name: cfg.scorer_options.model.encoder().into(),
            loaded: plan.need_encoder,
            precision: plan
                .precision
                .as_ref()
                .map_or("none", |c| c.precision.as_str())
                .into(),
            precision_reason: plan
                .precision
                .as_ref()
                .map_or_else(|| "the encoder did not run".into(), |c| c.reason.clone()),
            device: cfg.device.name(),
            cpu: model::cpu_summary(),
            max_tokens: loaded.tokenizer.as_ref().map(|t| t.max_tokens()),
        },
        mode: match cfg.mode {
            Mode::Segment => "segment",
            Mode::Score => "score",
        }
        .into(),
        split_sentences: cfg.text.split,
        whole_paragraphs: cfg.text.whole_paragraphs,
        keep_boilerplate: cfg.text.keep_boilerplate,
        docs: opt_path(&cfg.docs),
        date_column: cfg.ingest.date_column.clone(),
        shard: cfg.shard.map(|s| ShardRecord {
            index: s.index,
            count: s.count,
            hash: shard::HASH_NAME.into(),
        }),
        threads: plan.threads,
        batch: BatchRecord {
            max_sentences: cfg.batch.max_sentences,
            token_budget: cfg.batch.token_budget,
            row_tile: batch::ROW_TILE,
        },
        models_dir: plan.models_dir.display().to_string(),
        files: loaded
            .files
            .iter()
            .map(|(p, h)| FileRecord {
                path: p.display().to_string(),
                sha256: h.clone(),
            })
            .collect(),
        counts: Counts {
            documents: summary.documents,
            sentences: summary.sentences,
            errors: summary.errors,
            duplicate_ids: summary.duplicate_ids,
            truncated: summary.truncated,
            set_aside_paragraphs: summary.set_aside,
            not_english: summary.not_english,
            bad_dates: summary.bad_dates,
        },
        timings: Timings {
            load_seconds: summary.load_seconds,
            total_seconds: summary.seconds,
        },
        read: Some(ReadRecord::resolve(&cfg.inputs, &cfg.ingest)),
        parquet: parquet_tables(cfg, plan),
    }
}

/// The run's tables written as Parquet, with their schemas.
fn parquet_tables(cfg: &RunConfig, plan: &Plan) -> Vec<ParquetRecord> {
    let out = match &cfg.output {
        Output::File(p) => Some(p.clone()),
        Output::Stdout => None,
    };
    [
        (out, plan.header.clone()),
        (cfg.docs.clone(), super::outputs::doc_header()),
        (cfg.errors.clone(), super::outputs::error_header()),
    ]
    .into_iter()
    .filter_map(|(path, header)| {
        let path = path?;
        (Format::of(&path) == Format::Parquet).then(|| ParquetRecord::new(&path, &header))
    })
    .collect()
}
