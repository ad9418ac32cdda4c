//! The one place that decides how many threads do what, so rayon and libtorch never
//! oversubscribe the cores.
//!
//! `--threads N` gives a rayon pool of N threads (reading, segmenting, tokenizing,
//! lexicon scoring) and N encoder workers ([`crate::model::pool`]), each running libtorch
//! with one intra-op thread. The stages take turns, so at most N threads compute at any
//! time. One GPU model takes whole batches instead. Output is identical for any thread
//! count.
use crate::error::Error;
use crate::model::Device;

/// Threads for this run; `0` means every core.
pub fn resolve_threads(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    }
}

/// The rayon pool every data-parallel stage runs in.
pub fn rayon_pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("detente-{i}"))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))
}

/// Encoder workers for a run of `threads` threads: one per thread on the CPU, one on a GPU.
pub fn encoder_workers(threads: usize, device: Device) -> usize {
    if device.is_cuda() {
        1
    } else {
        threads
    }
}
