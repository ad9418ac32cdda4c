//! Which number format the encoder computes in: `--precision fp32 | bf16 | int8 | auto`.
//!
//! No precision is fastest on every CPU: bf16 matrix products run about 3× fp32's speed on
//! an AMD EPYC with AVX512_BF16 and more with AMX, but at half fp32's speed on an Intel
//! Xeon with AVX512_BF16 and no AMX (docs/performance.md). So `auto`, the default, measures
//! instead of guessing. On the first run on a machine it times the encoder's matrix
//! products in each precision the heads are validated for ([`Validity`], the table
//! `scripts/build/precision_check` writes beside the heads), picks the fastest, and caches the
//! timings keyed by CPU model and flags, device and libtorch version ([`cache_path`]).
//! Every later run on that machine reads the cache and makes the same choice, so output
//! stays identical run to run. The manifest records the choice and why.
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
#[cfg(feature = "torch")]
use tch::{Kind, Tensor};

use super::device::Device;
use super::files;
#[cfg(feature = "torch")]
use super::int8::Int8Linear;
use crate::error::Error;

/// The encoder's number format, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// float32 throughout: reproduces the reference scores exactly (up to summation order).
    Fp32,
    /// Mixed precision (see [`crate::model::bert`]): the transformer's matrix products in
    /// bfloat16 (AVX512_BF16 or AMX on the CPU, tensor cores on a GPU); layer norms,
    /// softmax, pooling, normalisation and heads in float32.
    Bf16,
    /// The transformer's linear layers as exact int8 products ([`crate::model::int8`]):
    /// weights per output channel, activations per row; everything else in float32.
    Int8,
}

impl Precision {
    /// Every precision, fp32 first (the reference, and the choice on a tie).
    pub const ALL: [Precision; 3] = [Precision::Fp32, Precision::Bf16, Precision::Int8];

    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Bf16 => "bf16",
            Precision::Int8 => "int8",
        }
    }

    pub fn parse(s: &str) -> Option<Precision> {
        Precision::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The kind of the float matrices (int8 quantizes float32 ones at load).
    #[cfg(feature = "torch")]
    pub(crate) fn kind(self) -> Kind {
        match self {
            Precision::Fp32 | Precision::Int8 => Kind::Float,
            Precision::Bf16 => Kind::BFloat16,
        }
    }
}

/// What the user asked for with `--precision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PrecisionRequest {
    /// The fastest precision on this machine among those validated for the heads
    /// (measured once per machine and cached).
    #[default]
    Auto,
    /// float32 throughout.
    Fp32,
    /// Mixed precision: matrix products in bfloat16.
    Bf16,
    /// Linear layers as int8 products (weights per channel, activations per token).
    Int8,
}

/// A resolved precision and why it was chosen (for the manifest and the user).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub precision: Precision,
    pub reason: String,
}

/// A non-fp32 precision is chosen only when its products are at least this much faster
/// than fp32's: fp32 reproduces the reference exactly, so a near tie goes to it.
pub const MIN_GAIN: f64 = 1.10;
/// How far (absolute) a model-card figure may move from its fp32 value for a precision to
/// count as valid.
pub const TOLERANCE: f64 = 0.01;
/// The validity table, relative to the models folder (written by `scripts/build/precision_check`).
pub const VALIDITY: &str = "heads/precision.tsv";

/// Which precisions keep every model-card figure within [`TOLERANCE`] of fp32, as measured
/// in advance for the shipped heads.
#[derive(Debug, Clone, PartialEq)]
pub struct Validity {
    /// fp32 and every precision whose figures all hold.
    pub valid: Vec<Precision>,
    /// Why a precision is not in `valid` (for the reason), or where the table came from.
    pub note: String,
}

impl Validity {
    /// Reads `heads/precision.tsv` of the models folder: lines `precision figure fp32
    /// value`, `#` comments, and one `# heads.safetensors sha256 HEX` line naming the heads
    /// the table was measured on. A missing table, or one measured on other heads, validates
    /// fp32 only (and says so); a malformed one is an error naming its file and line.
    pub fn load(models: &Path) -> Result<Validity, Error> {
        let path = models.join(VALIDITY);
        let only_fp32 = |note: String| Validity {
            valid: vec![Precision::Fp32],
            note,
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(only_fp32(format!(
                "no {} in the models folder: only fp32 is validated",
                VALIDITY
            )));
        };
        let table = parse_validity(&text).map_err(|(line, message)| Error::Model {
            path: path.clone(),
            message: format!("line {line}: {message}"),
        })?;
        let heads = models.join(super::heads::WEIGHTS);
        let sha = match heads.is_file() {
            true => files::sha256_file(&heads)?,
            false => String::new(),
        };
        if table.heads_sha256 != sha {
            return Ok(only_fp32(format!(
                "{VALIDITY} was measured on other heads than {}: only fp32 is validated \
                 (rerun scripts/build/precision_check)",
                super::heads::WEIGHTS
            )));
        }
        let mut valid = vec![Precision::Fp32];
        let mut notes = Vec::new();
        for p in Precision::ALL.into_iter().skip(1) {
            let rows: Vec<&Row> = table.rows.iter().filter(|r| r.precision == p).collect();
            let worst = rows
                .iter()
                .map(|r| ((r.value - r.fp32).abs(), r.figure.as_str()))
                .fold((0.0, ""), |a, b| if b.0 > a.0 { b } else { a });
            if rows.is_empty() {
                notes.push(format!("{} not measured", p.as_str()));
            } else if worst.0 > TOLERANCE {
                notes.push(format!(
                    "{} moves {} by {:.4} from fp32",
                    p.as_str(),
                    worst.1,
                    worst.0
                ));
            } else {
                valid.push(p);
            }
        }
        Ok(Validity {
            valid,
            note: notes.join("; "),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    precision: Precision,
    figure: String,
    fp32: f64,
    value: f64,
}

#[derive(Debug, Default, PartialEq)]
struct Table {
    heads_sha256: String,
    rows: Vec<Row>,
}

fn parse_validity(text: &str) -> Result<Table, (usize, String)> {
    let mut table = Table::default();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(sha) = comment.trim().strip_prefix("heads.safetensors sha256 ") {
                table.heads_sha256 = sha.trim().to_string();
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 4 {
            return Err((
                line_no,
                format!(
                    "{} fields, expected 4 (precision, figure, fp32, value)",
                    f.len()
                ),
            ));
        }
        let precision = Precision::parse(f[0])
            .ok_or_else(|| (line_no, format!("unknown precision '{}'", f[0])))?;
        let num = |s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| (line_no, format!("'{s}' is not a number")))
        };
        table.rows.push(Row {
            precision,
            figure: f[1].to_string(),
            fp32: num(f[2])?,
            value: num(f[3])?,
        });
    }
    if table.heads_sha256.is_empty() {
        return Err((0, "no '# heads.safetensors sha256 HEX' line".into()));
    }
    Ok(table)
}

/// The measured speed of the encoder's matrix products, per precision, on one machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// What the timings are keyed by: CPU model and flags, device, libtorch.
    pub key: String,
    /// GFLOP/s of one encoder layer's products (one thread), per precision.
    pub gflops: Vec<(Precision, f64)>,
    pub measured_unix_seconds: u64,
}

impl Probe {
    fn gflops_of(&self, p: Precision) -> Option<f64> {
        self.gflops.iter().find(|(q, _)| *q == p).map(|(_, g)| *g)
    }
}

/// The fastest valid precision by the probe's timings: fp32 unless another valid one is at
/// least [`MIN_GAIN`] × as fast.
pub fn choose(probe: &Probe, valid: &[Precision]) -> Precision {
    let fp32 = probe.gflops_of(Precision::Fp32).unwrap_or(0.0);
    valid
        .iter()
        .filter_map(|&p| probe.gflops_of(p).map(|g| (p, g)))
        .filter(|&(p, g)| p == Precision::Fp32 || g >= MIN_GAIN * fp32)
        .fold(
            (Precision::Fp32, fp32),
            |a, b| if b.1 > a.1 { b } else { a },
        )
        .0
}

/// Resolves `--precision` for a run whose encoder runs on `device` with the models of
/// `models`. `auto` reads or makes the probe cache (well under a second the first time).
pub fn resolve(request: PrecisionRequest, device: Device, models: &Path) -> Result<Choice, Error> {
    let fixed = |p: Precision| Choice {
        precision: p,
        reason: format!("--precision {}", p.as_str()),
    };
    match request {
        PrecisionRequest::Fp32 => return Ok(fixed(Precision::Fp32)),
        PrecisionRequest::Bf16 => return Ok(fixed(Precision::Bf16)),
        PrecisionRequest::Int8 => return Ok(fixed(Precision::Int8)),
        PrecisionRequest::Auto => {}
    }
    let mut validity = Validity::load(models)?;
    if device == Device::Cpu && !cpu_has_int8_dot() && validity.valid.contains(&Precision::Int8) {
        // Without VNNI, oneDNN's int8 kernels saturate 16-bit partial sums: the scores are
        // no longer those the table validated (docs/performance.md, "int8").
        validity.valid.retain(|&p| p != Precision::Int8);
        validity.note = [
            validity.note.as_str(),
            "int8 needs AVX512_VNNI, AVX_VNNI or AMX",
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    }
    let (probe, origin) = cached_probe(device)?;
    let precision = choose(&probe, &validity.valid);
    let speeds: Vec<String> = probe
        .gflops
        .iter()
        .map(|(p, g)| format!("{} {g:.0} GFLOP/s", p.as_str()))
        .collect();
    let valid: Vec<&str> = validity.valid.iter().map(|p| p.as_str()).collect();
    let mut reason = format!(
        "auto: {} is the fastest of the validated precisions ({}) on this machine: {} per \
         thread ({origin})",
        precision.as_str(),
        valid.join(", "),
        speeds.join(", "),
    );
    if !validity.note.is_empty() {
        reason.push_str(&format!("; {}", validity.note));
    }
    Ok(Choice { precision, reason })
}

/// Environment variables that cap the instruction sets of libtorch's kernels (oneDNN, MKL,
/// ATen): a run under a cap is a different machine for the probe.
const KERNEL_CAPS: [&str; 4] = [
    "ONEDNN_MAX_CPU_ISA",
    "DNNL_MAX_CPU_ISA",
    "MKL_ENABLE_INSTRUCTIONS",
    "ATEN_CPU_CAPABILITY",
];

/// The set kernel caps among [`KERNEL_CAPS`], as `NAME=value` joined by spaces, `var`
/// reading the environment.
fn kernel_caps(var: impl Fn(&str) -> Option<String>) -> String {
    KERNEL_CAPS
        .iter()
        .filter_map(|name| var(name).map(|v| format!("{name}={v}")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the probe's timings are keyed by: the CPU's model name and every flag, the device,
/// the libtorch version the binary was built against, and any environment variable that
/// caps the kernels' instruction sets (`ONEDNN_MAX_CPU_ISA=AVX512_CORE` makes an AMX
/// machine run as one without AMX; the key has no such part when none is set).
pub fn machine_key(device: Device) -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into())
    };
    let key = format!(
        "cpu {} | flags {} | device {} | libtorch {}",
        field("model name"),
        field("flags"),
        device.name(),
        env!("DETENTE_LIBTORCH_VERSION")
    );
    match kernel_caps(|name| std::env::var(name).ok()) {
        caps if caps.is_empty() => key,
        caps => format!("{key} | caps {caps}"),
    }
}

/// `$DETENTE_HOME/precision/probe-HASH.json` (default `~/.cache/detente/...`), HASH from
/// [`machine_key`]; `None` without a home folder.
pub fn cache_path(key: &str) -> Option<PathBuf> {
    let hash = Sha256::digest(key.as_bytes());
    let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
    files::cache_dir().map(|d| d.join("precision").join(format!("probe-{hex}.json")))
}

/// The cached probe for this machine, or a new one (written to the cache). Two processes
/// starting at once on a fresh cache measure once: the second waits for the first's file.
fn cached_probe(device: Device) -> Result<(Probe, String), Error> {
    let key = machine_key(device);
    match cache_path(&key) {
        Some(path) => probe_cached_at(&path, key, device),
        None => Ok((
            measure(device, key)?,
            "measured now; no cache folder".into(),
        )),
    }
}

/// The probe cached at `path` for `key`, or a new one written there.
fn probe_cached_at(path: &Path, key: String, device: Device) -> Result<(Probe, String), Error> {
    let path = path.to_path_buf();
    let read = |path: &Path| -> Option<Probe> {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str::<Probe>(&text)
            .ok()
            .filter(|p| p.key == key)
    };
    if let Some(p) = read(&path) {
        let origin = format!(
            "measured {}, cached in {}",
            day(p.measured_unix_seconds),
            path.display()
        );
        return Ok((p, origin));
    }
    let dir = path.parent().expect("a file in a folder");
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    let lock = path.with_extension("lock");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock)
        {
            Ok(_) => break,
            Err(_) if Instant::now() < deadline => {
                // A lock older than a probe can take was left by a killed process.
                if lock_age(&lock).is_some_and(|age| age > Duration::from_secs(10)) {
                    let _ = std::fs::remove_file(&lock);
                    continue;
                }
                std::thread::sleep(Duration::from_millis(100));
                if let Some(p) = read(&path) {
                    let origin =
                        format!("measured by a concurrent run, cached in {}", path.display());
                    return Ok((p, origin));
                }
            }
            Err(_) => break,
        }
    }
    let probe = measure(device, key);
    let written = probe.as_ref().ok().map(|p| write_atomic(&path, p));
    let _ = std::fs::remove_file(&lock);
    let probe = probe?;
    if let Some(Err(e)) = written {
        return Ok((probe, format!("measured now; not cached: {e}")));
    }
    Ok((probe, format!("measured now, cached in {}", path.display())))
}

fn lock_age(lock: &Path) -> Option<Duration> {
    std::fs::metadata(lock)
        .ok()?
        .modified()
        .ok()?
        .elapsed()
        .ok()
}

fn write_atomic(path: &Path, probe: &Probe) -> Result<(), Error> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let text = serde_json::to_string_pretty(probe).expect("a probe serialises");
    std::fs::write(&tmp, text).map_err(Error::io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(Error::io(path))
}

/// `YYYY-MM-DD` of a Unix time (UTC).
fn day(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    // Civil from days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Rows of the probe's activations: a typical batch of the encoder's token budget.
#[cfg(feature = "torch")]
const PROBE_ROWS: i64 = 512;
/// The encoder's width and its feed-forward width (all-MiniLM-L6-v2).
#[cfg(feature = "torch")]
const HIDDEN: i64 = 384;
#[cfg(feature = "torch")]
const FFN: i64 = 1536;

/// Times one encoder layer's matrix products (the four attention projections and the two
/// feed-forward ones, with the casts the mixed-precision path makes and int8's
/// quantization and rescaling) in each precision,
/// on one libtorch thread as each encoder worker runs; best of five after a warm-up.
#[cfg(not(feature = "torch"))]
pub fn measure(_device: Device, _key: String) -> Result<Probe, Error> {
    Err(Error::NeedsTorch)
}

#[cfg(feature = "torch")]
pub fn measure(device: Device, key: String) -> Result<Probe, Error> {
    let threads = tch::get_num_threads();
    tch::set_num_threads(1);
    let result = Precision::ALL
        .into_iter()
        .map(|p| Ok((p, layer_gflops(p, device)?)))
        .collect::<Result<Vec<_>, Error>>();
    tch::set_num_threads(threads);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Rounded to 0.1 GFLOP/s and passed through its JSON form, so the run that measures
    // decides from exactly the numbers every later run reads from the cache.
    let probe = Probe {
        key,
        gflops: result?
            .into_iter()
            .map(|(p, g)| (p, (g * 10.0).round() / 10.0))
            .collect(),
        measured_unix_seconds: now,
    };
    let text = serde_json::to_string(&probe).expect("a probe serialises");
    Ok(serde_json::from_str(&text).expect("a probe reads back"))
}

#[cfg(feature = "torch")]
fn layer_gflops(p: Precision, device: Device) -> Result<f64, Error> {
    let _guard = tch::no_grad_guard();
    let dev = device.tch();
    let opts = (Kind::Float, dev);
    tch::manual_seed(0);
    let x = Tensor::f_randn([PROBE_ROWS, HIDDEN], opts)?;
    let weight = |o: i64, i: i64| -> Result<Tensor, Error> {
        Ok((Tensor::f_randn([o, i], opts)? * 0.05).f_to_kind(p.kind())?)
    };
    // The six linear layers in [`super::bert::TARGETS`] order: four attention
    // projections, then the feed-forward ones.
    let shapes = [(HIDDEN, HIDDEN); 4]
        .into_iter()
        .chain([(FFN, HIDDEN), (HIDDEN, FFN)]);
    let weights: Vec<Tensor> = shapes
        .map(|(o, i)| weight(o, i))
        .collect::<Result<_, _>>()?;
    // Under int8, the encoder's int8 layers, with their per-row quantization and rescaling.
    let int8: Vec<Option<Int8Linear>> = weights
        .iter()
        .map(|w| {
            let b = Tensor::zeros([w.size()[0]], opts);
            (p == Precision::Int8).then(|| Int8Linear::new(w, &b))
        })
        .collect();
    let lin = |k: usize, input: &Tensor| -> Result<Tensor, Error> {
        Ok(match &int8[k] {
            Some(q) => q.forward(input),
            None => input.f_matmul(&weights[k].f_tr()?)?,
        })
    };
    let once = || -> Result<(), Error> {
        let xb = x.f_to_kind(p.kind())?;
        for k in 0..4 {
            let _ = lin(k, &xb)?.f_to_kind(Kind::Float)?;
        }
        let f = lin(4, &xb)?;
        let o = lin(5, &f)?.f_to_kind(Kind::Float)?;
        if device.is_cuda() {
            tch::Cuda::synchronize(0);
        }
        drop(o);
        Ok(())
    };
    once()?;
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let t = Instant::now();
        once()?;
        best = best.min(t.elapsed().as_secs_f64());
    }
    let flops =
        2.0 * PROBE_ROWS as f64 * (4.0 * (HIDDEN * HIDDEN) as f64 + 2.0 * (HIDDEN * FFN) as f64);
    Ok(flops / best.max(1e-9) / 1e9)
}

/// A note for the user when bf16 is asked for on a CPU that has no bfloat16 instructions
/// (libtorch then emulates them, and fp32 may well be faster), or int8 on one without
/// VNNI or AMX (oneDNN's int8 kernels then saturate and the scores move further).
pub fn precision_note(request: PrecisionRequest, device: Device) -> Option<String> {
    let x86 = cfg!(target_arch = "x86_64");
    match request {
        // Without libtorch nothing runs in any precision; a run that needs the encoder is
        // handed to `detente-torch`, which gives the note.
        _ if !cfg!(feature = "torch") => None,
        _ if device != Device::Cpu => None,
        PrecisionRequest::Bf16 if !(x86 && cpu_has_bf16()) => Some(
            "--precision bf16: this CPU has no AVX512_BF16 instructions, so bfloat16 is \
             emulated; --precision fp32 or auto may be faster"
                .into(),
        ),
        PrecisionRequest::Int8 if !cpu_has_int8_dot() => Some(
            "--precision int8: this CPU has no VNNI or AMX int8 instructions; its int8 \
             products saturate and scores move further from fp32 than \
             models/heads/precision.tsv says"
                .into(),
        ),
        _ => None,
    }
}

#[cfg(target_arch = "x86_64")]
fn cpu_has_bf16() -> bool {
    std::arch::is_x86_feature_detected!("avx512bf16")
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_has_bf16() -> bool {
    false
}

/// Whether the CPU has exact int8 dot products (VNNI or AMX), the kernels the int8
/// validity was measured with.
#[cfg(target_arch = "x86_64")]
fn cpu_has_int8_dot() -> bool {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    std::arch::is_x86_feature_detected!("avx512vnni")
        || info
            .split_whitespace()
            .any(|f| f == "avx_vnni" || f == "amx_int8")
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_has_int8_dot() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(fp32: f64, bf16: f64) -> Probe {
        probe3(fp32, bf16, 0.0)
    }

    fn probe3(fp32: f64, bf16: f64, int8: f64) -> Probe {
        Probe {
            key: "k".into(),
            gflops: vec![
                (Precision::Fp32, fp32),
                (Precision::Bf16, bf16),
                (Precision::Int8, int8),
            ],
            measured_unix_seconds: 0,
        }
    }

    #[test]
    fn chooses_the_fastest_valid_precision_and_fp32_on_a_near_tie() {
        let both = [Precision::Fp32, Precision::Bf16];
        assert_eq!(choose(&probe(100.0, 300.0), &both), Precision::Bf16);
        assert_eq!(choose(&probe(300.0, 160.0), &both), Precision::Fp32);
        // 5% faster is within the margin: fp32 reproduces the reference, so it wins.
        assert_eq!(choose(&probe(100.0, 105.0), &both), Precision::Fp32);
        assert_eq!(choose(&probe(100.0, 111.0), &both), Precision::Bf16);
        // A precision the cards do not validate is never chosen, however fast.
        assert_eq!(
            choose(&probe(100.0, 900.0), &[Precision::Fp32]),
            Precision::Fp32
        );
        // int8 competes like bf16: the fastest valid one, past the margin.
        let all = Precision::ALL;
        assert_eq!(choose(&probe3(100.0, 300.0, 400.0), &all), Precision::Int8);
        assert_eq!(choose(&probe3(100.0, 300.0, 400.0), &both), Precision::Bf16);
        assert_eq!(choose(&probe3(100.0, 90.0, 108.0), &all), Precision::Fp32);
        assert_eq!(Precision::parse("int8"), Some(Precision::Int8));
    }

    #[test]
    fn validity_table_parses_and_rejects_bad_lines() {
        let t = "# measured by scripts/build/precision_check\n# heads.safetensors sha256 abc\n\
                 bf16\tnyt_r\t0.6655\t0.6656\n\nbf16\ttension_auc\t0.9978\t0.9978\n";
        let table = parse_validity(t).unwrap();
        assert_eq!(table.heads_sha256, "abc");
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].figure, "nyt_r");
        assert_eq!(
            parse_validity("# heads.safetensors sha256 a\nbf16\tx\t1\n")
                .unwrap_err()
                .0,
            2
        );
        assert!(
            parse_validity("# heads.safetensors sha256 a\nfp16\tx\t1\t1\n")
                .unwrap_err()
                .1
                .contains("unknown precision")
        );
        assert!(
            parse_validity("bf16\tx\t1\t1\n").is_err(),
            "the heads' hash is required"
        );
    }

    #[test]
    fn validity_follows_the_tolerance_and_the_heads_hash() {
        let dir = tempfile::tempdir().unwrap();
        let heads = dir.path().join(super::super::heads::WEIGHTS);
        std::fs::create_dir_all(heads.parent().unwrap()).unwrap();
        std::fs::write(&heads, b"weights").unwrap();
        let sha = files::sha256_file(&heads).unwrap();
        let write = |rows: &str, sha: &str| {
            std::fs::write(
                dir.path().join(VALIDITY),
                format!("# heads.safetensors sha256 {sha}\n{rows}"),
            )
            .unwrap()
        };
        write(
            "bf16\tnyt_r\t0.6655\t0.6656\nint8\tnyt_r\t0.6655\t0.6705\n",
            &sha,
        );
        assert_eq!(Validity::load(dir.path()).unwrap().valid, Precision::ALL);
        write("bf16\tnyt_r\t0.6655\t0.6656\n", &sha);
        let v = Validity::load(dir.path()).unwrap();
        assert_eq!(v.valid, [Precision::Fp32, Precision::Bf16]);
        assert!(v.note.contains("int8 not measured"), "{}", v.note);
        write("bf16\tnyt_r\t0.6655\t0.6856\n", &sha);
        let v = Validity::load(dir.path()).unwrap();
        assert_eq!(v.valid, [Precision::Fp32]);
        assert!(v.note.contains("nyt_r"), "{}", v.note);
        write("bf16\tnyt_r\t0.6655\t0.6656\n", "other");
        let v = Validity::load(dir.path()).unwrap();
        assert_eq!(v.valid, [Precision::Fp32]);
        assert!(v.note.contains("other heads"), "{}", v.note);
        std::fs::remove_file(dir.path().join(VALIDITY)).unwrap();
        assert_eq!(Validity::load(dir.path()).unwrap().valid, [Precision::Fp32]);
    }

    #[test]
    fn the_probe_measures_every_precision_and_the_key_names_the_machine() {
        let key = machine_key(Device::Cpu);
        assert!(
            key.contains("libtorch 2.") && key.contains("device cpu"),
            "{key}"
        );
        let p = measure(Device::Cpu, key).unwrap();
        assert_eq!(p.gflops.len(), Precision::ALL.len());
        assert!(p.gflops.iter().all(|(_, g)| *g > 0.1), "{:?}", p.gflops);
    }

    #[test]
    fn the_cache_is_written_once_read_after_and_a_stale_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("precision/probe-test.json");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // A lock left by a killed process, older than any probe.
        let lock = std::fs::File::create(path.with_extension("lock")).unwrap();
        let old = std::time::SystemTime::now() - Duration::from_secs(60);
        lock.set_modified(old).unwrap();
        let t = Instant::now();
        let (first, origin) = probe_cached_at(&path, "k".into(), Device::Cpu).unwrap();
        assert!(origin.starts_with("measured now"), "{origin}");
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "waited on a stale lock"
        );
        assert!(!path.with_extension("lock").exists());
        let (second, origin) = probe_cached_at(&path, "k".into(), Device::Cpu).unwrap();
        assert!(origin.contains("cached in"), "{origin}");
        assert_eq!(first, second);
        // Another machine's key is measured again, not read.
        let (_, origin) = probe_cached_at(&path, "other".into(), Device::Cpu).unwrap();
        assert!(origin.starts_with("measured now"), "{origin}");
    }

    #[test]
    fn days_are_civil_dates() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(1_796_083_200), "2026-12-01");
    }

    #[test]
    fn kernel_caps_name_only_the_set_variables() {
        assert_eq!(kernel_caps(|_| None), "");
        let caps = kernel_caps(|name| {
            (name == "ONEDNN_MAX_CPU_ISA" || name == "ATEN_CPU_CAPABILITY")
                .then(|| "AVX2".to_string())
        });
        assert_eq!(caps, "ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=AVX2");
    }
}
