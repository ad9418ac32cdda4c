//! Finds the models folder, names the encoder's files in it, and fingerprints the files a
//! run uses. It sits below every other model file (it uses only `error`), so `heads` and
//! `encoder` can both use it.
//!
//! Search order: `--models DIR`, then `DETENTE_MODELS`, then the repository's `models/`
//! (where `scripts/bootstrap` installs them, found from the source tree the binary was
//! built in), then `~/.cache/detente/models` (also filled by bootstrap), so that a binary
//! copied elsewhere still finds its models.
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::Error;

/// The folder name of the encoder under the models directory.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";
/// Files the encoder reads from its model folder.
pub const CONFIG: &str = "config.json";
pub const WEIGHTS: &str = "model.safetensors";
pub const TOKENIZER: &str = "tokenizer.json";
pub const SBERT_CONFIG: &str = "sentence_bert_config.json";
pub const POOLING_CONFIG: &str = "1_Pooling/config.json";

/// Where the models folder was found, and why.
#[derive(Debug, Clone)]
pub struct ModelsDir {
    pub path: PathBuf,
    pub origin: &'static str,
}

/// Resolves the models folder. `explicit` (`--models`) is used as given; the other places
/// are used only if they hold the encoder folder.
pub fn resolve(explicit: Option<&Path>) -> ModelsDir {
    if let Some(p) = explicit {
        return ModelsDir {
            path: p.to_path_buf(),
            origin: "--models",
        };
    }
    if let Some(p) = std::env::var_os("DETENTE_MODELS").filter(|p| !p.is_empty()) {
        return ModelsDir {
            path: PathBuf::from(p),
            origin: "DETENTE_MODELS",
        };
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let cache = cache_dir().map(|c| c.join("models"));
    let has_models = |p: &Path| p.join(MODEL_NAME).is_dir() || p.join("vader").is_dir();
    if has_models(&repo) {
        return ModelsDir {
            path: repo,
            origin: "the repository's models/",
        };
    }
    if let Some(c) = cache.filter(|c| has_models(c)) {
        return ModelsDir {
            path: c,
            origin: "the cache (~/.cache/detente/models)",
        };
    }
    ModelsDir {
        path: repo,
        origin: "the repository's models/ (empty)",
    }
}

/// `DETENTE_HOME`, else `~/.cache/detente`.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(h) = std::env::var_os("DETENTE_HOME").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(h));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/detente"))
}

/// Checks that every file exists, naming the first missing one and who needs it.
pub fn require(files: &[PathBuf], needed_by: &str) -> Result<(), Error> {
    for f in files {
        if !f.is_file() {
            return Err(Error::ModelFileMissing {
                path: f.clone(),
                needed_by: needed_by.to_string(),
            });
        }
    }
    Ok(())
}

/// Lower-case hex sha256 of a file.
pub fn sha256_file(path: &Path) -> Result<String, Error> {
    let io = Error::io(path);
    let mut f = std::fs::File::open(path).map_err(&io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(&io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
