//! The model layer, the only module besides `train/` that names libtorch (`tch`): model
//! files ([`files`]), which encoder runs and where its trained files are ([`choice`]),
//! the device ([`device`]), the number format and its measured choice
//! ([`precision`]), the tokenizer ([`tokenize`]),
//! batching ([`batch`]), the one BERT forward pass for inference and training ([`bert`]),
//! the sentence encoder ([`encoder`]) and its worker threads ([`pool`]), and the trained
//! heads' file format ([`heads`]).
//!
//! libtorch's errors become [`crate::Error::Torch`] here, its devices are wrapped in
//! [`Device`], and its thread settings are made here ([`set_threads`], [`pool`]) when the
//! run or training asks.
//!
//! Without the `torch` feature (the `detente` front) the modules that call libtorch are
//! left out; a run that needs the encoder stops at its plan with [`crate::Error::NeedsTorch`].
pub mod batch;
#[cfg(feature = "torch")]
pub mod bert;
pub mod choice;
pub mod device;
pub mod encoder;
pub mod files;
pub mod heads;
#[cfg(feature = "torch")]
pub mod int8;
pub mod pool;
pub mod precision;
pub mod span_heads;
pub mod tokenize;

pub use choice::Model;
pub use device::{cpu_summary, exit_success_now, tune_allocator, Device, DeviceRequest};
pub use precision::{Precision, PrecisionRequest};

#[cfg(feature = "torch")]
impl From<tch::TchError> for crate::error::Error {
    fn from(e: tch::TchError) -> Self {
        crate::error::Error::Torch(e.to_string())
    }
}

/// Sets libtorch's intra-op threads for the process (training; a run's encoder workers
/// set their own, see [`pool`]).
#[cfg(feature = "torch")]
pub fn set_threads(threads: usize) {
    tch::set_num_threads(threads as i32);
}
