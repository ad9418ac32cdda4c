//! The integration tests, one crate (one link against libtorch): the real `detente`
//! binary on small committed fixtures and hand-made inputs, plus the library's segmenter on
//! the Golden Rules. They need the models that `scripts/bootstrap` installs. Tests that
//! measure on the shared data sets (`DETENTE_DATASETS`, else `../shared/datasets`) skip
//! without them, each saying so (see [`common::dataset`]).
mod aggregate;
mod cli;
mod common;
mod evaluate;
mod events;
mod invariance;
mod notebook;
mod parquet_tables;
mod report;
mod segment_cases;
mod segment_golden;
mod shard;
