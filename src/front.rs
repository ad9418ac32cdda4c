//! The `detente` binary: the same commands as `detente-torch` (`main.rs`), built without
//! libtorch. Loading libtorch's libraries costs about 0.3 s of every process, which is
//! most of a lexicon-only or segmentation run, so this binary runs in process every
//! command that needs no encoder (`segment`, `merge`, `aggregate`, `report`, `evaluate`,
//! `scorers`, and `score` with only `lexicon` and rule-based `actors`). A command that
//! needs the encoder stops at its plan, before it has written anything, with
//! [`detente::Error::NeedsTorch`]; `main.rs` then hands it, with the same arguments,
//! standard streams and environment, to `detente-torch` in the same folder (`exec`, so
//! the exit status and signals are that binary's own).
//!
//! The two binaries come from two cargo invocations (`scripts/build/bin`), so one may be
//! rebuilt without the other. This one runs a command itself only when it is at least as
//! new as `detente-torch` beside it; an older one hands every command over, so a stale
//! front can make a run slower, never different.
use std::process::ExitCode;

#[path = "main.rs"]
mod detente_main;

fn main() -> ExitCode {
    if torch_is_newer() {
        return detente_main::hand_off();
    }
    detente_main::main()
}

/// Whether `detente-torch` beside this binary was built (written) after it.
fn torch_is_newer() -> bool {
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let this = std::env::current_exe().ok();
    match (
        this.as_deref().and_then(modified),
        detente_main::torch_binary().as_deref().and_then(modified),
    ) {
        (Some(this), Some(torch)) => torch > this,
        _ => false,
    }
}
