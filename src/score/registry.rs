//! The built-in scorers, described before anything is loaded: name, what it computes,
//! its columns and their types, the files it reads, and how to build it. `detente
//! scorers` prints this table; the run plan checks names and files against it.
use std::path::{Path, PathBuf};

use super::column::{Column, ColumnKind};
use super::{actors, lexicon, sentiment, tension, Scorer};
use crate::error::Error;

/// Options that change what scorers output.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScorerOptions {
    /// The lexicon scorer's `pos`/`neu`/`neg` columns.
    pub lexicon_detail: bool,
    /// The tension scorer's per-class probability columns.
    pub class_probs: bool,
    /// The actors scorer's paragraph carry-over and its `actors_inherited` column.
    pub actors_carry: bool,
    /// How the actors scorer picks `source` and `target`.
    pub roles: Roles,
    /// The encoder the transformer scorers run on, and so which trained files they read
    /// (`--model`).
    pub model: crate::model::Model,
}

/// How the actors scorer picks each sentence's `source` and `target` among its actor
/// phrases (`--roles`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Roles {
    /// The learned role head on the tuned encoder's token states (`models/roles/`),
    /// with the rules as its features: the encoder runs.
    #[default]
    Learned,
    /// The rules alone: no encoder.
    Rules,
}

impl ScorerOptions {
    /// Every optional column on (`detente scorers`, the column types).
    pub fn all() -> ScorerOptions {
        ScorerOptions {
            lexicon_detail: true,
            class_probs: true,
            actors_carry: true,
            roles: Roles::Learned,
            model: crate::model::Model::Minilm,
        }
    }
}

/// Builds a scorer from the models folder.
pub type BuildFn = fn(&Path, &ScorerOptions) -> Result<Box<dyn Scorer>, Error>;

/// A built-in scorer, described before anything is loaded.
pub struct ScorerInfo {
    pub name: &'static str,
    pub description: &'static str,
    /// Whether it reads the encoder's output for these options; it then runs on the
    /// encoder tuned with the LoRA delta in `models/heads/`.
    pub needs_embedding: fn(&ScorerOptions) -> bool,
    /// Files it reads for these options, relative to the models folder.
    pub files: fn(&ScorerOptions) -> Vec<PathBuf>,
    /// The columns it adds to the `--docs` table ([`Scorer::summarize`]), with their types.
    pub document_columns: &'static [Column],
    /// The columns it adds to the sentence rows for these options, in the order it pushes
    /// cells, with their types: the one declaration of each score column.
    pub columns: fn(&ScorerOptions) -> Vec<Column>,
    pub build: BuildFn,
}

impl ScorerInfo {
    pub fn file_paths(&self, models: &Path, opts: &ScorerOptions) -> Vec<PathBuf> {
        (self.files)(opts).iter().map(|f| models.join(f)).collect()
    }

    /// The names of its sentence columns for these options.
    pub fn column_names(&self, opts: &ScorerOptions) -> Vec<String> {
        (self.columns)(opts)
            .iter()
            .map(|c| c.name.to_string())
            .collect()
    }
}

/// Every built-in scorer, in the order their columns appear.
pub fn registry() -> Vec<ScorerInfo> {
    vec![ScorerInfo {
        name: "lexicon",
        description:
            "VADER sentiment (vaderSentiment 3.3.2, reproduced exactly): compound in [-1, 1]",
        needs_embedding: |_| false,
        files: |_| vec![lexicon::LEXICON.into(), lexicon::EMOJI.into()],
        document_columns: &[],
        columns: lexicon::columns,
        build: lexicon::build,
    },
    ScorerInfo {
        name: "sentiment",
        description: "trained sentence sentiment: estimated mean human rating / 4 in [-1, 1], and a label",
        needs_embedding: |_| true,
        files: |o| {
            let mut f = heads_files(o);
            f.extend([lexicon::LEXICON.into(), lexicon::EMOJI.into()]);
            f
        },
        document_columns: &[],
        columns: sentiment::columns,
        build: sentiment::build,
    },
    ScorerInfo {
        name: "tension",
        description: "diplomatic tension: event class, Goldstein [-10, 10], tension [0, 1], CAMEO root event type (20-way, within the event class)",
        needs_embedding: |_| true,
        files: heads_files,
        document_columns: &tension::DOCUMENT_COLUMNS,
        columns: tension::columns,
        build: tension::build,
    },
    ScorerInfo {
        name: "actors",
        description: "who does what to whom: actors = the states named (names, demonyms, capitals, seats of government, people and offices), ISO 3166-1 alpha-3 codes in order of first mention; dyad = the first two, sorted, 'AAA-BBB'; source, target = CAMEO actor codes of who acts and who is acted upon (KORGOV, JPN, IGOUNO), source_text, target_text = the words resolved (chosen by the learned role head; --roles rules: by the rules alone, without the encoder); actors_inherited (--actors-carry) = taken from the paragraph",
        needs_embedding: |o| o.roles == Roles::Learned,
        files: actors::files,
        document_columns: &[],
        columns: actors::columns,
        build: actors::build,
    },
    ScorerInfo {
        name: "actor_sentiment",
        description: "sentiment toward each state in `actors`: 'JPN:0.711;KOR:0.680', p(positive) - p(negative) in [-1, 1] from the token states of the state's mentions",
        needs_embedding: |_| true,
        files: actors::sentiment::files,
        document_columns: &[],
        columns: actors::sentiment::columns,
        build: actors::sentiment::build,
    }]
}

/// The tuned encoder's heads of the run's encoder (`--model`): its LoRA delta and heads.
pub fn heads_files(opts: &ScorerOptions) -> Vec<PathBuf> {
    [crate::model::heads::CONFIG, crate::model::heads::WEIGHTS]
        .map(|f| opts.model.file(f))
        .into()
}

/// Looks up scorers by name (`None`: all of them), keeping registry order.
pub fn select(names: Option<&[String]>) -> Result<Vec<ScorerInfo>, Error> {
    let all = registry();
    let Some(names) = names else { return Ok(all) };
    for n in names {
        if !all.iter().any(|s| s.name == n) {
            let known = all.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
            return Err(Error::UnknownScorer {
                name: n.clone(),
                known,
            });
        }
    }
    Ok(all
        .into_iter()
        .filter(|s| names.iter().any(|n| n == s.name))
        .collect())
}

/// The declared type of a scorer's column (sentence or `--docs`), whatever options the
/// run had; `None` for a name no scorer declares.
pub fn column_kind(name: &str) -> Option<ColumnKind> {
    registry().iter().find_map(|info| {
        (info.columns)(&ScorerOptions::all())
            .iter()
            .chain(info.document_columns)
            .find(|c| c.name == name)
            .map(|c| c.kind)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scorer_column_is_declared_once_with_one_type() {
        let mut seen: Vec<Column> = Vec::new();
        for info in registry() {
            for c in (info.columns)(&ScorerOptions::all())
                .iter()
                .chain(info.document_columns)
            {
                assert!(
                    !seen.iter().any(|s| s.name == c.name),
                    "column '{}' is declared by two scorers",
                    c.name
                );
                seen.push(*c);
                assert_eq!(column_kind(c.name), Some(c.kind));
            }
        }
        assert_eq!(column_kind("tension"), Some(ColumnKind::Float));
        assert_eq!(column_kind("cameo_root"), Some(ColumnKind::Dict));
        assert_eq!(column_kind("p_material_conflict"), Some(ColumnKind::Float));
        assert_eq!(column_kind("actors_inherited"), Some(ColumnKind::Bool));
        assert_eq!(column_kind("no_such_column"), None);
    }
}
