//! Where and in what number format the encoder computes: `--device` and `--precision`.
//! Both are resolved once, before any model loads, so the manifest can record what ran
//! and a request the machine cannot honour fails at the start (exit 2), not mid-run.
use tch::Device;

use crate::error::Error;

/// The encoder's number format. fp32 is the default: bf16 met the speed and validity
/// targets but not, for `goldstein`, the bar on batch composition (docs/performance.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Precision {
    /// float32 throughout: reproduces the reference scores exactly (up to summation order).
    #[default]
    Fp32,
    /// Mixed precision (see [`crate::mixed`]): the transformer's matrix products in
    /// bfloat16 (AVX512_BF16 on the CPU, tensor cores on a GPU); layer norms, softmax,
    /// pooling, normalisation and heads in float32.
    Bf16,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Bf16 => "bf16",
        }
    }
}

/// What the user asked for with `--device`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DeviceRequest {
    #[default]
    Cpu,
    Cuda,
    /// The first CUDA GPU if libtorch sees one, else the CPU.
    Auto,
}

impl DeviceRequest {
    /// The device to load the encoder on, and a note for the user when `auto` fell back.
    /// `cuda` without a usable GPU is a usage error: the CPU build of libtorch (what
    /// `scripts/bootstrap` installs by default) never sees one.
    pub fn resolve(self) -> Result<(Device, Option<String>), Error> {
        let gpu = tch::Cuda::is_available();
        match (self, gpu) {
            (DeviceRequest::Cpu, _) => Ok((Device::Cpu, None)),
            (DeviceRequest::Cuda | DeviceRequest::Auto, true) => Ok((Device::Cuda(0), None)),
            (DeviceRequest::Cuda, false) => Err(Error::Usage(
                "--device cuda: libtorch sees no CUDA GPU (a GPU, its driver and the CUDA \
                 libtorch from `scripts/bootstrap --cuda` are needed); use --device cpu or auto"
                    .into(),
            )),
            (DeviceRequest::Auto, false) => Ok((
                Device::Cpu,
                Some("--device auto: no CUDA GPU visible to libtorch; using the CPU".into()),
            )),
        }
    }
}

/// The manifest's name for a device.
pub fn device_name(device: Device) -> String {
    match device {
        Device::Cpu => "cpu".into(),
        Device::Cuda(i) => format!("cuda:{i}"),
        Device::Mps => "mps".into(),
        Device::Vulkan => "vulkan".into(),
    }
}
