//! Where the encoder computes: `--device` (its number format, `--precision`, is
//! [`super::precision`]'s). Resolved once, before any model loads, so the manifest can
//! record what ran and a request the machine cannot honour fails at the start (exit 2),
//! not mid-run.

use crate::error::Error;

/// Where the encoder computes: libtorch's device, wrapped so that nothing outside the
/// model layer names libtorch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Device {
    Cpu,
    /// The CUDA GPU of this index.
    Cuda(usize),
}

impl Device {
    pub fn is_cuda(self) -> bool {
        matches!(self, Device::Cuda(_))
    }

    /// The manifest's name for the device: `cpu`, `cuda:0`.
    pub fn name(self) -> String {
        match self {
            Device::Cpu => "cpu".into(),
            Device::Cuda(i) => format!("cuda:{i}"),
        }
    }

    #[cfg(feature = "torch")]
    pub(crate) fn tch(self) -> tch::Device {
        match self {
            Device::Cpu => tch::Device::Cpu,
            Device::Cuda(i) => tch::Device::Cuda(i),
        }
    }
}

/// Keeps the encoder's activations in reused memory. libtorch allocates each
/// intermediate tensor (a few MB per batch) with `malloc`, and glibc serves blocks of that
/// size with `mmap` and gives them back on `free`, so every batch faulted in fresh zeroed
/// pages: 2.4 million page faults and 17% of the CPU time of an fp32 run on 40 UN
/// speeches. With blocks up to 32 MiB kept on the heap and up to 256 MiB of free heap
/// kept rather than trimmed, the same run takes 0.26 million faults and is 12% faster
/// (docs/performance.md). Elsewhere than glibc it does nothing.
///
/// # Safety
///
/// Call it before the process starts any other thread (first thing in `main`): glibc's
/// `mallopt` is not safe to call while other threads may be allocating.
pub unsafe fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: the caller guarantees no other thread exists yet (this function's contract);
    // mallopt only sets allocator parameters, and a rejected value leaves glibc's default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

/// Ends a successful process at once, without running static destructors: libtorch's
/// deregister its thousands of operators one by one, which took 0.08 s of every run (7%
/// of a lexicon-only run over 237,030 sentences; models/lexicon.md). Call it last, when
/// every output is written and closed; it flushes standard output first. Elsewhere than
/// glibc it returns and the process ends as usual.
pub fn exit_success_now() {
    use std::io::Write;
    let flushed = std::io::stdout().flush().is_ok();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if flushed {
        // SAFETY: `_exit` ends the process; the caller has closed every output, and the
        // skipped destructors only free memory and deregister libtorch's operators.
        unsafe { libc::_exit(0) }
    }
    let _ = flushed;
}

/// The CPU's model name and the instruction-set flags that decide which matrix kernels
/// libtorch runs (from `/proc/cpuinfo`; "unknown" elsewhere), e.g. `AMD EPYC (avx2 fma
/// avx512f avx512_bf16)`. Recorded in the manifest and printed by the tests, because
/// speed and bf16 rounding differ with them.
pub fn cpu_summary() -> String {
    const FLAGS: [&str; 7] = [
        "avx2",
        "fma",
        "avx512f",
        "avx512_bf16",
        "amx_tile",
        "amx_bf16",
        "amx_int8",
    ];
    let Ok(info) = std::fs::read_to_string("/proc/cpuinfo") else {
        return "unknown".into();
    };
    let field = |name: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
    };
    let model = field("model name").unwrap_or_else(|| "unknown".into());
    let flags = field("flags").unwrap_or_default();
    let have: Vec<&str> = FLAGS
        .iter()
        .copied()
        .filter(|f| flags.split_whitespace().any(|g| g == *f))
        .collect();
    format!("{model} ({})", have.join(" "))
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
    /// Without libtorch (the `detente` front) a request other than `cpu` is handed to
    /// `detente-torch`, which can tell whether a GPU is there.
    pub fn resolve(self) -> Result<(Device, Option<String>), Error> {
        #[cfg(feature = "torch")]
        let gpu = tch::Cuda::is_available();
        #[cfg(not(feature = "torch"))]
        let gpu = match self {
            DeviceRequest::Cpu => false,
            DeviceRequest::Cuda | DeviceRequest::Auto => return Err(Error::NeedsTorch),
        };
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
