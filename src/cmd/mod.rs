//! Subcommands, one file each: its arguments and a `run`.
pub mod score;
pub mod scorers;

/// Exit codes: 0 all good; 1 the run finished but some inputs had errors (or a run-time
/// failure); 2 bad usage or a missing model file (nothing was read).
pub fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<detente::Error>() {
        Some(detente::Error::ModelFileMissing { .. } | detente::Error::UnknownScorer { .. } | detente::Error::Usage(_)) => 2,
        _ => 1,
    }
}
