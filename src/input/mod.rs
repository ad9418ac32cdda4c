//! Turns what the user named on the command line (files, directories, `-` for stdin) into
//! [`Document`]s: decoded UTF-8 text with an id, a paragraph rule and metadata.
//!
//! Reading is split in two so that the expensive part runs in parallel: [`Reader`] walks
//! the inputs in a fixed order and hands out cheap [`Unit`]s (a whole txt file, one JSONL
//! line, one CSV record), and [`decode`] turns a unit into a document (reading the file,
//! checking UTF-8, parsing JSON) on any thread. A bad unit becomes an [`InputError`] that
//! names the file and line; it never stops the others.
use std::path::PathBuf;
use std::sync::Arc;

mod decode;
mod error;
mod files;
mod reader;
pub mod shard;
pub mod tsv;

pub use decode::{decode, decode_text};
pub use error::{InputError, InputErrorKind};
pub use files::expand_inputs;
pub use reader::Reader;

/// Documents (input units) per chunk by default: big enough to keep every core busy and
/// batches full, small enough that memory does not grow with the corpus.
pub const CHUNK_UNITS: usize = 4096;
/// Bytes of input per chunk, at most.
pub const CHUNK_BYTES: u64 = 4 << 20;

/// Input formats.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One article per file, paragraphs separated by blank lines.
    Txt,
    /// One paragraph per line, a whole file per document.
    Lines,
    /// One JSON object per line: `id`, `text`, optional `title`, `date`.
    Jsonl,
    /// A CSV file with a header; one row per document.
    Csv,
}

impl Format {
    fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Txt),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// How a document's text falls into paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParagraphRule {
    /// Paragraphs are separated by one or more blank lines.
    BlankLines,
    /// Every non-blank line is a paragraph.
    Lines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

/// One input file (or stdin) with the name it gets in `doc_id`s and error messages.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// `None` for stdin.
    pub path: Option<PathBuf>,
    /// The file's path relative to the input root, or its file name when it was named
    /// directly; `-` for stdin.
    pub name: Arc<str>,
    pub format: Option<Format>,
    compression: Compression,
    /// Size on disk, for progress (0 for stdin).
    pub size: u64,
}

/// Options that decide how inputs are read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IngestOptions {
    /// Overrides the format guessed from each file's extension.
    pub format: Option<Format>,
    pub id_column: String,
    pub text_column: String,
    /// Extra JSONL fields or CSV columns carried into the output.
    pub keep_fields: Vec<String>,
    /// CSV input: the column holding each document's date (`--date-column`).
    pub date_column: Option<String>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            format: None,
            id_column: "id".into(),
            text_column: "text".into(),
            keep_fields: Vec::new(),
            date_column: None,
        }
    }
}

/// A decoded document, ready to be segmented.
#[derive(Debug, Clone)]
pub struct Document {
    pub doc_id: String,
    /// The text as read: UTF-8, a BOM removed, line ends kept. Offsets point into it.
    pub text: String,
    pub paragraphs: ParagraphRule,
    /// A txt article whose structure (date line, headline, dateline, credit, boilerplate)
    /// is read by the text layer (`text::article`).
    pub structured: bool,
    /// The bytes were not UTF-8 and were read as Windows-1252 (a warning, not an error).
    pub recoded: bool,
    /// JSONL `title` (empty for other formats).
    pub title: String,
    /// The date as written in the input: JSONL `date`, or the CSV `--date-column` value
    /// (empty for txt and lines, whose date comes from the article itself).
    pub date: String,
    /// Values of `--keep-fields`, in that order (empty where absent).
    pub kept: Vec<String>,
    /// Where the document came from, for messages.
    pub source: Arc<str>,
    pub line: Option<u64>,
}

/// A piece of input that decodes to one document (or one error), on any thread.
#[derive(Debug)]
pub enum Unit {
    /// A whole txt or lines file.
    File { file: InputFile, format: Format },
    /// Stdin read as one txt or lines document.
    Bytes {
        name: Arc<str>,
        bytes: Vec<u8>,
        format: Format,
    },
    /// One JSONL line (without its line end).
    JsonLine {
        source: Arc<str>,
        line: u64,
        bytes: Vec<u8>,
    },
    /// One CSV record: the text, the id (if the column exists) and the kept fields.
    CsvRecord {
        source: Arc<str>,
        line: u64,
        id: Option<Vec<u8>>,
        text: Vec<u8>,
        date: Option<Vec<u8>>,
        kept: Vec<Option<Vec<u8>>>,
    },
    /// A problem found while walking the inputs (an unreadable file, a broken CSV).
    Failed(InputError),
}

impl Unit {
    /// Bytes this unit accounts for, for chunking and progress.
    pub fn weight(&self) -> u64 {
        match self {
            Unit::File { file, .. } => file.size.max(1),
            Unit::Bytes { bytes, .. } => bytes.len() as u64,
            Unit::JsonLine { bytes, .. } => bytes.len() as u64 + 1,
            Unit::CsvRecord { text, .. } => text.len() as u64 + 1,
            Unit::Failed(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decode::{json_line, whole_file};
    use super::files::describe;
    use super::*;
    use std::path::Path;
    use InputErrorKind as Kind;

    fn opts() -> IngestOptions {
        IngestOptions::default()
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = whole_file(
            Arc::from("a.txt"),
            // 0x81 is undefined in Windows-1252, so no fallback applies.
            b"fine\nalso fine\nbad \x81 here\n".to_vec(),
            Format::Txt,
        )
        .unwrap_err();
        assert_eq!(err.kind, Kind::InvalidUtf8);
        assert_eq!(err.line, Some(3));
        assert_eq!(
            err.to_string(),
            "a.txt:3: invalid UTF-8 at byte 19, and not plausible as Windows-1252"
        );
    }

    #[test]
    fn windows_1252_is_read_when_plausible() {
        let d = whole_file(
            Arc::from("w.txt"),
            b"The caf\xe9 \x93talks\x94 cost \x80 5.\n".to_vec(),
            Format::Txt,
        )
        .unwrap();
        assert!(d.recoded);
        assert_eq!(d.text, "The café “talks” cost € 5.\n");
        // Mostly high bytes: binary, not text in a Western language.
        assert!(decode_text(vec![0xe9; 40]).is_err());
        assert_eq!(
            decode_text("ok ✓".as_bytes().to_vec()).unwrap(),
            ("ok ✓".to_string(), false)
        );
    }

    #[test]
    fn empty_and_binary_files_are_errors() {
        assert_eq!(
            whole_file(Arc::from("e.txt"), b" \n\n".to_vec(), Format::Txt)
                .unwrap_err()
                .kind,
            Kind::Empty
        );
        assert_eq!(
            whole_file(Arc::from("b.txt"), b"%PDF\n\x00\x01".to_vec(), Format::Txt)
                .unwrap_err()
                .kind,
            Kind::Binary
        );
    }

    #[test]
    fn records_without_text_are_errors() {
        let e = decode(
            Unit::JsonLine {
                source: Arc::from("r.jsonl"),
                line: 2,
                bytes: br#"{"id": "a", "text": "  "}"#.to_vec(),
            },
            &opts(),
        )
        .unwrap_err();
        assert_eq!((e.kind, e.line), (Kind::Empty, Some(2)));
        let e = decode(
            Unit::CsvRecord {
                source: Arc::from("r.csv"),
                line: 3,
                id: None,
                text: Vec::new(),
                date: None,
                kept: Vec::new(),
            },
            &opts(),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "r.csv:3: field 'text' is empty");
    }

    #[test]
    fn bom_is_removed() {
        let d = whole_file(
            Arc::from("x.txt"),
            "\u{feff}Hello.".as_bytes().to_vec(),
            Format::Txt,
        )
        .unwrap();
        assert_eq!(d.text, "Hello.");
    }

    #[test]
    fn jsonl_ids_and_metadata() {
        let d = json_line(
            Arc::from("c.jsonl"),
            4,
            br#"{"id": 7, "text": "Hi.", "title": "T", "date": "2020-01-01"}"#.to_vec(),
            &opts(),
        )
        .unwrap();
        assert_eq!(
            (d.doc_id.as_str(), d.title.as_str(), d.date.as_str()),
            ("7", "T", "2020-01-01")
        );
        let d = json_line(
            Arc::from("c.jsonl"),
            4,
            br#"{"text": "Hi."}"#.to_vec(),
            &opts(),
        )
        .unwrap();
        assert_eq!(d.doc_id, "c.jsonl#4");
        let e = json_line(
            Arc::from("c.jsonl"),
            5,
            br#"{"id": 1, "text": "cut in ha"#.to_vec(),
            &opts(),
        )
        .unwrap_err();
        assert_eq!((e.kind, e.line), (Kind::Json, Some(5)));
        let e = json_line(Arc::from("c.jsonl"), 6, br#"{"id": 1}"#.to_vec(), &opts()).unwrap_err();
        assert_eq!(e.kind, Kind::MissingField);
    }

    #[test]
    fn formats_from_extensions() {
        let o = opts();
        assert_eq!(
            describe(Path::new("a/b.txt"), "b.txt".into(), &o).format,
            Some(Format::Txt)
        );
        assert_eq!(
            describe(Path::new("a/b.jsonl.gz"), "b".into(), &o).format,
            Some(Format::Jsonl)
        );
        assert_eq!(
            describe(Path::new("a/b.csv.zst"), "b".into(), &o).format,
            Some(Format::Csv)
        );
        assert_eq!(describe(Path::new("a/b.md"), "b".into(), &o).format, None);
        let lines = IngestOptions {
            format: Some(Format::Lines),
            ..opts()
        };
        assert_eq!(
            describe(Path::new("a/b.txt"), "b".into(), &lines).format,
            Some(Format::Lines)
        );
    }
}
