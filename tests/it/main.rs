//! The integration tests, one crate (one link against libtorch): the real `detente`
//! binary on small committed fixtures and hand-made inputs, plus the library's segmenter on
//! the Golden Rules. They need the models that `scripts/bootstrap` installs. Tests that
//! measure on the shared data sets (`DETENTE_DATASETS`, else `../shared/datasets`) skip
//! without them, each saying so (see [`common::dataset`]).
mod actors;
mod aggregate;
mod common;
mod device;
mod documents;
mod errors;
mod evaluate;
mod events;
mod front;
mod invariance;
mod notebook;
mod parity;
mod parquet_tables;
mod report;
mod resume;
mod segment_cases;
mod segment_golden;
mod shard;
