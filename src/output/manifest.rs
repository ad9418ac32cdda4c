//! The run manifest, `OUT.manifest.json` beside every file output: what ran (version,
//! commit, command line, CPU, precision, the sha256 of every model file), on what (the
//! inputs, resolved to absolute paths, and how they were read), with which options, and
//! what came out (counts, timings).
//!
//! One typed struct, written by the run and read back by `merge` with the same code, so a
//! renamed field fails to compile instead of breaking `merge` at run time. Fields are only
//! ever added; `#[serde(default)]` on the later ones keeps older manifests readable.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::sibling;
use crate::error::Error;
use crate::input::IngestOptions;

/// `OUT.manifest.json` beside the output `OUT`.
pub fn path_for(out: &Path) -> PathBuf {
    sibling(out, ".manifest.json")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub detente_version: String,
    pub commit: String,
    pub command_line: Vec<String>,
    pub finished_unix_seconds: u64,
    /// The inputs as given on the command line.
    pub inputs: Vec<String>,
    /// The sentence output (`stdout` or its path).
    pub output: String,
    pub embeddings: Option<String>,
    pub scorers: Vec<ScorerRecord>,
    pub encoder: EncoderRecord,
    /// `score` or `segment`.
    pub mode: String,
    pub split_sentences: bool,
    pub whole_paragraphs: bool,
    pub keep_boilerplate: bool,
    pub docs: Option<String>,
    pub date_column: Option<String>,
    pub shard: Option<ShardRecord>,
    pub threads: usize,
    pub batch: BatchRecord,
    pub models_dir: String,
    pub files: Vec<FileRecord>,
    pub counts: Counts,
    pub timings: Timings,
    /// How to read the inputs again, as this run read them: what `merge` walks to restore
    /// input order. `None` in manifests written before it was recorded.
    #[serde(default)]
    pub read: Option<ReadRecord>,
    /// The tables this run wrote as Parquet (`-o`, `--docs`, `--errors` ending in
    /// `.parquet`), with each column's type; empty when every table is CSV.
    #[serde(default)]
    pub parquet: Vec<ParquetRecord>,
}

/// One Parquet table: where, how compressed, and its schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParquetRecord {
    pub path: String,
    pub compression: String,
    pub columns: Vec<ColumnRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRecord {
    pub name: String,
    /// `int64`, `double`, `boolean`, `string` or `dictionary<int32, string>`.
    #[serde(rename = "type")]
    pub parquet_type: String,
}

impl ParquetRecord {
    /// The record of a Parquet table with this header.
    pub fn new(path: &Path, header: &[String]) -> ParquetRecord {
        ParquetRecord {
            path: path.display().to_string(),
            compression: "zstd".into(),
            columns: super::parquet::describe_schema(header)
                .into_iter()
                .map(|(name, parquet_type)| ColumnRecord { name, parquet_type })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorerRecord {
    pub name: String,
    pub columns: Vec<String>,
    pub needs_embedding: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderRecord {
    pub name: String,
    /// Whether the run loaded the encoder (a run of lexicon scorers does not).
    pub loaded: bool,
    /// `fp32` or `bf16`; `none` when the encoder did not run.
    pub precision: String,
    /// Why that precision: `--precision X`, or what `auto` measured and chose.
    #[serde(default)]
    pub precision_reason: String,
    pub device: String,
    /// The CPU's model name and the flags that decide the matrix kernels.
    pub cpu: String,
    pub max_tokens: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRecord {
    pub index: u64,
    pub count: u64,
    /// The hash that assigns documents to shards.
    pub hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRecord {
    pub max_sentences: usize,
    pub token_budget: usize,
    /// Rows of every linear-layer call of the encoder.
    pub row_tile: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub documents: u64,
    pub sentences: u64,
    pub errors: u64,
    pub duplicate_ids: u64,
    pub truncated: u64,
    pub set_aside_paragraphs: u64,
    pub not_english: u64,
    pub bad_dates: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Timings {
    pub load_seconds: f64,
    pub total_seconds: f64,
}

/// The inputs resolved to absolute paths (so `merge` reads them from any directory) and
/// the options they were read with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadRecord {
    pub paths: Vec<PathBuf>,
    pub options: IngestOptions,
}

impl ReadRecord {
    /// `paths` made absolute against the current directory (`-`, stdin, is kept as is).
    pub fn resolve(paths: &[PathBuf], options: &IngestOptions) -> ReadRecord {
        let paths = paths
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    p.clone()
                } else {
                    std::path::absolute(p).unwrap_or_else(|_| p.clone())
                }
            })
            .collect();
        ReadRecord {
            paths,
            options: options.clone(),
        }
    }
}

impl Manifest {
    /// Writes the manifest as pretty JSON to `path`.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(self).expect("manifests serialize");
        text.push('\n');
        std::fs::write(path, text).map_err(Error::io(path))
    }

    /// Reads the manifest at `path`.
    pub fn read(path: &Path) -> Result<Manifest, Error> {
        let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
        serde_json::from_str(&text).map_err(|e| Error::Table {
            path: path.to_path_buf(),
            line: None,
            message: format!("unreadable manifest: {e}"),
        })
    }

    /// The manifest beside the output `out`, if there is one.
    pub fn beside(out: &Path) -> Result<Option<Manifest>, Error> {
        let path = path_for(out);
        if !path.exists() {
            return Ok(None);
        }
        Manifest::read(&path).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_as_written() {
        let m = Manifest {
            detente_version: "0".into(),
            commit: "c".into(),
            command_line: vec!["detente".into(), "score".into()],
            finished_unix_seconds: 1,
            inputs: vec!["a".into()],
            output: "out.csv".into(),
            embeddings: None,
            scorers: vec![ScorerRecord {
                name: "lexicon".into(),
                columns: vec!["lexicon".into()],
                needs_embedding: false,
            }],
            encoder: EncoderRecord {
                name: "e".into(),
                loaded: false,
                precision: "bf16".into(),
                precision_reason: "--precision bf16".into(),
                device: "cpu".into(),
                cpu: "x".into(),
                max_tokens: None,
            },
            mode: "score".into(),
            split_sentences: true,
            whole_paragraphs: false,
            keep_boilerplate: false,
            docs: None,
            date_column: None,
            shard: Some(ShardRecord {
                index: 1,
                count: 4,
                hash: "fnv1a-64".into(),
            }),
            threads: 2,
            batch: BatchRecord {
                max_sentences: 256,
                token_budget: 2048,
                row_tile: 512,
            },
            models_dir: "m".into(),
            files: vec![],
            counts: Counts::default(),
            timings: Timings::default(),
            read: Some(ReadRecord::resolve(
                &[PathBuf::from("a")],
                &IngestOptions::default(),
            )),
            parquet: vec![ParquetRecord::new(
                Path::new("out.parquet"),
                &["doc_id".to_string(), "tension".to_string()],
            )],
        };
        let dir = std::env::temp_dir().join(format!("detente-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.json");
        m.write(&path).unwrap();
        assert_eq!(Manifest::read(&path).unwrap(), m);
        assert!(m.read.as_ref().unwrap().paths[0].is_absolute());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
