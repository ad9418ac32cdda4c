//! Which sentence encoder the transformer scorers run on (`--model`), and where the files
//! trained on it live in the models folder. Each encoder has its own trained files (the
//! LoRA delta and heads, the role head, the actor sentiment head, the precision table):
//! heads fit on one encoder's states mean nothing on another's.
//!
//! - `minilm` (the default): all-MiniLM-L6-v2, its trained files in `heads/`, `roles/`
//!   and `actor_sentiment/` (`models/heads.md`).
//! - `mpnet`: all-mpnet-base-v2 (12 layers, 768 wide, 5 to 7 times slower on a CPU),
//!   its trained files in the same folders under `mpnet/` (`models/mpnet.md`); the encoder
//!   itself comes from `scripts/bootstrap --mpnet`.
use std::path::{Path, PathBuf};

/// The encoder the transformer scorers run on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    /// all-MiniLM-L6-v2: 6 layers, 384 wide (models/heads.md).
    #[default]
    Minilm,
    /// all-mpnet-base-v2: 12 layers, 768 wide, 5 to 7 times slower (models/mpnet.md;
    /// fetched by scripts/bootstrap --mpnet).
    Mpnet,
}

impl Model {
    /// The name `--model` takes.
    pub fn name(self) -> &'static str {
        match self {
            Model::Minilm => "minilm",
            Model::Mpnet => "mpnet",
        }
    }

    /// The encoder's folder name in the models folder.
    pub fn encoder(self) -> &'static str {
        match self {
            Model::Minilm => super::files::MODEL_NAME,
            Model::Mpnet => "all-mpnet-base-v2",
        }
    }

    /// The encoder's folder.
    pub fn encoder_dir(self, models: &Path) -> PathBuf {
        models.join(self.encoder())
    }

    /// The folder the trained files are relative to: the models folder itself for the
    /// default encoder, `mpnet/` in it for the larger one. Paths such as
    /// [`super::heads::CONFIG`] are joined to this.
    pub fn trained(self, models: &Path) -> PathBuf {
        models.join(self.file(""))
    }

    /// A trained file's path relative to the models folder (`heads/config.json` →
    /// `mpnet/heads/config.json` for `mpnet`).
    pub fn file(self, rel: &str) -> PathBuf {
        match self {
            Model::Minilm => PathBuf::from(rel),
            Model::Mpnet => Path::new("mpnet").join(rel),
        }
    }

    /// What the build scripts need to be told to work on this encoder's files: empty for
    /// the default, ` --model mpnet` for the larger one.
    pub fn build_flag(self) -> &'static str {
        match self {
            Model::Minilm => "",
            Model::Mpnet => " --model mpnet",
        }
    }

    /// The command that installs the encoder.
    pub fn install_hint(self) -> &'static str {
        match self {
            Model::Minilm => "scripts/bootstrap",
            Model::Mpnet => "scripts/bootstrap --mpnet",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoder_has_its_own_trained_files() {
        let m = Path::new("models");
        assert_eq!(Model::default(), Model::Minilm);
        assert_eq!(Model::Minilm.trained(m), Path::new("models/"));
        assert_eq!(
            Model::Minilm.trained(m).join(super::super::heads::CONFIG),
            Path::new("models/heads/config.json")
        );
        assert_eq!(
            Model::Mpnet.trained(m).join(super::super::heads::CONFIG),
            Path::new("models/mpnet/heads/config.json")
        );
        assert_eq!(
            Model::Mpnet.file(super::super::heads::WEIGHTS),
            Path::new("mpnet/heads/heads.safetensors")
        );
        assert_eq!(
            Model::Mpnet.encoder_dir(m),
            Path::new("models/all-mpnet-base-v2")
        );
        assert_eq!(Model::Minilm.encoder(), "all-MiniLM-L6-v2");
    }
}
