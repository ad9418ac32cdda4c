//! `detente scorers`: what can be scored, which columns each scorer adds, which files it
//! reads and whether they are installed.
use std::path::PathBuf;
use std::process::ExitCode;

use detente::score::{self, ScorerOptions};

#[derive(clap::Args)]
pub struct Args {
    /// Models folder (default: DETENTE_MODELS, the repository's models/, ~/.cache/detente/models).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// The encoder whose trained files to list (minilm, the default, or mpnet).
    #[arg(long, value_enum, default_value_t = detente::model::Model::default())]
    model: detente::model::Model,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let models = detente::model::files::resolve(args.models.as_deref());
    println!("models: {} (from {})", models.path.display(), models.origin);
    let all = score::registry();
    let opts = ScorerOptions {
        model: args.model,
        ..ScorerOptions::all()
    };
    for s in all {
        // Its own files, and the encoder's weights when it reads embeddings.
        let encoder = (s.needs_embedding)(&opts).then(|| {
            opts.model
                .encoder_dir(&models.path)
                .join(detente::model::encoder::WEIGHTS)
        });
        let installed = s
            .file_paths(&models.path, &opts)
            .iter()
            .chain(&encoder)
            .all(|p| p.is_file());
        println!();
        println!(
            "{}  {}",
            s.name,
            if installed {
                "(installed)".to_string()
            } else {
                format!("(missing files: run {})", args.model.install_hint())
            }
        );
        println!("  {}", s.description);
        let typed = |cols: &[score::Column]| -> String {
            cols.iter()
                .map(|c| format!("{} ({})", c.name, c.kind.describe()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!("  columns: {}", typed(&(s.columns)(&opts)));
        if !s.document_columns.is_empty() {
            println!("  --docs columns: {}", typed(s.document_columns));
        }
        println!(
            "  needs the sentence encoder: {}",
            if (s.needs_embedding)(&opts) {
                "yes"
            } else {
                "no"
            }
        );
        for f in (s.files)(&opts) {
            println!("  file: {}", f.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
