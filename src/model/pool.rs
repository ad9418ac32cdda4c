//! The encoder workers: N threads, each owning its own model (libtorch models are `Send`
//! but not `Sync`) and running libtorch with one intra-op thread, fed batches through one
//! channel. How many workers a run starts is decided by the run (`run::parallel`), the one
//! place that shares out the cores; this module is where libtorch's own thread settings
//! are made. Because every batch is computed by one single-threaded model, its result does
//! not depend on N.
use std::thread::JoinHandle;

use crossbeam_channel::{unbounded, Receiver, Sender};

use crate::error::Error;
use crate::model::encoder::{Embedded, EncoderSpec};

/// Sets libtorch's intra-op and inter-op threads for the calling thread and the process.
fn single_threaded_torch() {
    #[cfg(feature = "torch")]
    tch::set_num_threads(1);
}

/// A batch: each sentence's token ids and its token groups to pool (may be empty).
pub type Batch = Vec<(Vec<u32>, Vec<Vec<u32>>)>;
type Job = (usize, Batch);
type Done = (usize, Result<Embedded, Error>);

/// N encoder workers fed through one channel.
pub struct EncoderPool {
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    workers: Vec<JoinHandle<()>>,
    dim: usize,
}

impl EncoderPool {
    /// Starts `workers` threads, each loading its own copy of the encoder (in parallel).
    pub fn start(spec: &EncoderSpec, workers: usize) -> Result<EncoderPool, Error> {
        single_threaded_torch();
        #[cfg(feature = "torch")]
        tch::set_num_interop_threads(1);
        let (job_tx, job_rx) = unbounded::<Job>();
        let (done_tx, done_rx) = unbounded::<Done>();
        let (ready_tx, ready_rx) = unbounded::<Result<(), Error>>();
        let mut handles = Vec::new();
        for i in 0..workers.max(1) {
            let spec = spec.clone();
            let jobs = job_rx.clone();
            let done = done_tx.clone();
            let ready = ready_tx.clone();
            let handle = std::thread::Builder::new()
                .name(format!("detente-encoder-{i}"))
                .spawn(move || worker(&spec, ready, jobs, done))
                .map_err(|e| Error::Encoder(format!("cannot start an encoder thread: {e}")))?;
            handles.push(handle);
        }
        drop(ready_tx);
        let mut pool = EncoderPool {
            jobs: Some(job_tx),
            done: done_rx,
            workers: handles,
            dim: spec.dim,
        };
        for ready in ready_rx.iter() {
            if let Err(e) = ready {
                pool.shutdown();
                return Err(e);
            }
        }
        Ok(pool)
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Embeds every batch (and pools its sentences' token groups); returns the results in
    /// the order of `batches`.
    pub fn embed(&self, batches: Vec<Batch>) -> Result<Vec<Embedded>, Error> {
        let n = batches.len();
        let jobs = self.jobs.as_ref().expect("pool is running");
        for (i, b) in batches.into_iter().enumerate() {
            jobs.send((i, b))
                .map_err(|_| Error::Encoder("encoder workers stopped".into()))?;
        }
        let mut out: Vec<Option<Embedded>> = (0..n).map(|_| None).collect();
        for _ in 0..n {
            let (i, result) = self
                .done
                .recv()
                .map_err(|_| Error::Encoder("encoder workers stopped".into()))?;
            out[i] = Some(result?);
        }
        Ok(out
            .into_iter()
            .map(|o| o.expect("every batch answered"))
            .collect())
    }

    fn shutdown(&mut self) {
        self.jobs.take();
        for h in self.workers.drain(..) {
            let _ = h.join();
        }
    }
}

/// One encoder worker: loads its model, says so on `ready`, then embeds batches until the
/// job channel closes.
#[cfg(feature = "torch")]
fn worker(
    spec: &EncoderSpec,
    ready: Sender<Result<(), Error>>,
    jobs: Receiver<Job>,
    done: Sender<Done>,
) {
    single_threaded_torch();
    let encoder = match crate::model::encoder::Encoder::load(spec) {
        Ok(e) => {
            let _ = ready.send(Ok(()));
            e
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    drop(ready);
    for (index, batch) in jobs.iter() {
        let refs: Vec<&[u32]> = batch.iter().map(|v| v.0.as_slice()).collect();
        let groups: Vec<&[Vec<u32>]> = batch.iter().map(|v| v.1.as_slice()).collect();
        if done
            .send((index, encoder.embed_spans(&refs, &groups)))
            .is_err()
        {
            break;
        }
    }
}

/// Without libtorch there is no encoder to load (the plan stops such a run first).
#[cfg(not(feature = "torch"))]
fn worker(
    _spec: &EncoderSpec,
    ready: Sender<Result<(), Error>>,
    _jobs: Receiver<Job>,
    _done: Sender<Done>,
) {
    let _ = ready.send(Err(Error::NeedsTorch));
}

impl Drop for EncoderPool {
    fn drop(&mut self) {
        self.shutdown();
    }
}
