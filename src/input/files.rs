//! The inputs named on the command line, expanded into files in a fixed order (directories
//! read recursively, sorted), each with its format and the name its documents get.
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use InputErrorKind as Kind;

/// Expands the command line's inputs into files in a fixed order: each directory is
/// walked recursively and its files sorted by path. Problems (a path that does not
/// exist) come back as errors in the same order, so that they are reported, not fatal.
pub fn expand_inputs(
    inputs: &[PathBuf],
    opts: &IngestOptions,
) -> Vec<Result<InputFile, InputError>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(Ok(InputFile {
                path: None,
                name: Arc::from("-"),
                // stdin has no extension: txt unless --format says otherwise.
                format: opts.format.or(Some(Format::Txt)),
                compression: Compression::None,
                size: 0,
            }));
            continue;
        }
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                let kind = if e.kind() == std::io::ErrorKind::NotFound {
                    Kind::NotFound
                } else {
                    Kind::Io
                };
                out.push(Err(InputError::new(
                    input.display().to_string(),
                    None,
                    kind,
                    e.to_string(),
                )));
                continue;
            }
        };
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(input, &mut files, &mut out);
            files.sort();
            for path in files {
                let rel = path.strip_prefix(input).unwrap_or(&path);
                let name = rel.to_string_lossy().replace('\\', "/");
                let file = describe(&path, name, opts);
                // Directories contribute only the files whose format we know (or all of
                // them under --format), so READMEs and stray files are not read as text.
                if file.format.is_some() {
                    out.push(Ok(file));
                }
            }
        } else {
            let name = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| input.display().to_string());
            out.push(Ok(describe(input, name, opts)));
        }
    }
    out
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Result<InputFile, InputError>>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(Err(InputError::new(
                dir.display().to_string(),
                None,
                Kind::Io,
                e.to_string(),
            )));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, files, errors),
            Ok(_) => {
                if path.is_file() {
                    files.push(path)
                }
            }
            Err(_) => {}
        }
    }
}

pub(super) fn describe(path: &Path, name: String, opts: &IngestOptions) -> InputFile {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, compression) = if let Some(s) = file_name.strip_suffix(".gz") {
        (s.to_string(), Compression::Gzip)
    } else if let Some(s) = file_name.strip_suffix(".zst") {
        (s.to_string(), Compression::Zstd)
    } else {
        (file_name.clone(), Compression::None)
    };
    let guessed = Path::new(&stem)
        .extension()
        .and_then(|e| Format::from_extension(&e.to_string_lossy()));
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    InputFile {
        path: Some(path.to_path_buf()),
        name: Arc::from(name),
        format: opts.format.or(guessed),
        compression,
        size,
    }
}

pub(super) fn open(file: &InputFile) -> std::io::Result<Box<dyn Read + Send>> {
    let raw: Box<dyn Read + Send> = match &file.path {
        None => Box::new(std::io::stdin()),
        Some(p) => Box::new(File::open(p)?),
    };
    Ok(match file.compression {
        Compression::None => raw,
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(raw)?),
    })
}
