//! Turns what the user named on the command line (files, directories, `-` for stdin) into
//! [`Document`]s: decoded UTF-8 text with an id, a paragraph rule and metadata.
//!
//! Reading is split in two so that the expensive part runs in parallel: [`Reader`] walks
//! the inputs in a fixed order and hands out cheap [`Unit`]s (a whole txt file, one JSONL
//! line, one CSV record), and [`decode`] turns a unit into a document (reading the file,
//! checking UTF-8, parsing JSON) on any thread. A bad unit becomes an [`InputError`] that
//! names the file and line; it never stops the others.
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod error;
pub mod shard;

pub use error::{InputError, InputErrorKind};
use InputErrorKind as Kind;

/// Documents (input units) per chunk by default: big enough to keep every core busy and
/// batches full, small enough that memory does not grow with the corpus.
pub const CHUNK_UNITS: usize = 4096;
/// Bytes of input per chunk, at most.
pub const CHUNK_BYTES: u64 = 4 << 20;

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
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
    /// is read by [`crate::text::article`].
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

fn describe(path: &Path, name: String, opts: &IngestOptions) -> InputFile {
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

fn open(file: &InputFile) -> std::io::Result<Box<dyn Read + Send>> {
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

/// Walks the expanded inputs in order and hands out [`Unit`]s in chunks.
pub struct Reader {
    files: std::vec::IntoIter<Result<InputFile, InputError>>,
    opts: IngestOptions,
    current: Option<Stream>,
}

enum Stream {
    Jsonl {
        source: Arc<str>,
        reader: BufReader<Box<dyn Read + Send>>,
        line: u64,
    },
    Csv {
        source: Arc<str>,
        reader: csv::Reader<Box<dyn Read + Send>>,
        id: Option<usize>,
        text: usize,
        date: Option<usize>,
        kept: Vec<Option<usize>>,
    },
}

impl Reader {
    pub fn new(files: Vec<Result<InputFile, InputError>>, opts: IngestOptions) -> Reader {
        Reader {
            files: files.into_iter(),
            opts,
            current: None,
        }
    }

    /// The next chunk of at most `max_units` units or about `max_bytes` bytes; empty when
    /// the inputs are exhausted.
    pub fn next_chunk(&mut self, max_units: usize, max_bytes: u64) -> Vec<Unit> {
        let mut units = Vec::new();
        let mut bytes = 0u64;
        while units.len() < max_units && bytes < max_bytes {
            match self.next_unit() {
                Some(u) => {
                    bytes += u.weight();
                    units.push(u);
                }
                None => break,
            }
        }
        units
    }

    fn next_unit(&mut self) -> Option<Unit> {
        loop {
            if let Some(stream) = &mut self.current {
                match next_in_stream(stream) {
                    Some(u) => return Some(u),
                    None => self.current = None,
                }
            }
            let file = match self.files.next()? {
                Ok(f) => f,
                Err(e) => return Some(Unit::Failed(e)),
            };
            let Some(format) = file.format else {
                return Some(Unit::Failed(InputError::new(
                    file.name.to_string(),
                    None,
                    Kind::UnknownFormat,
                    "cannot tell the format from the file name; use --format txt|lines|jsonl|csv",
                )));
            };
            match format {
                Format::Txt | Format::Lines if file.path.is_some() => {
                    return Some(Unit::File { file, format });
                }
                Format::Txt | Format::Lines => {
                    let mut bytes = Vec::new();
                    return Some(
                        match open(&file).and_then(|mut r| r.read_to_end(&mut bytes)) {
                            Ok(_) => Unit::Bytes {
                                name: file.name.clone(),
                                bytes,
                                format,
                            },
                            Err(e) => Unit::Failed(InputError::new(
                                file.name.to_string(),
                                None,
                                Kind::Io,
                                e.to_string(),
                            )),
                        },
                    );
                }
                Format::Jsonl => match open(&file) {
                    Ok(r) => {
                        self.current = Some(Stream::Jsonl {
                            source: file.name.clone(),
                            reader: BufReader::with_capacity(1 << 16, r),
                            line: 0,
                        })
                    }
                    Err(e) => {
                        return Some(Unit::Failed(InputError::new(
                            file.name.to_string(),
                            None,
                            Kind::Io,
                            e.to_string(),
                        )))
                    }
                },
                Format::Csv => match self.open_csv(&file) {
                    Ok(s) => self.current = Some(s),
                    Err(e) => return Some(Unit::Failed(e)),
                },
            }
        }
    }

    fn open_csv(&self, file: &InputFile) -> Result<Stream, InputError> {
        let fail = |kind, msg: String| InputError::new(file.name.to_string(), Some(1), kind, msg);
        let r = open(file).map_err(|e| fail(Kind::Io, e.to_string()))?;
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(r);
        let headers = reader
            .byte_headers()
            .map_err(|e| fail(Kind::Csv, e.to_string()))?
            .clone();
        let find = |name: &str| {
            headers.iter().position(|h| {
                let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
                h == name.as_bytes()
            })
        };
        let text = find(&self.opts.text_column).ok_or_else(|| {
            fail(
                Kind::MissingField,
                format!(
                    "no column '{}' in the header (set --text-column)",
                    self.opts.text_column
                ),
            )
        })?;
        let id = find(&self.opts.id_column);
        let date = match &self.opts.date_column {
            None => None,
            Some(name) => Some(find(name).ok_or_else(|| {
                fail(
                    Kind::MissingField,
                    format!("no column '{name}' in the header (named by --date-column)"),
                )
            })?),
        };
        let kept = self.opts.keep_fields.iter().map(|k| find(k)).collect();
        Ok(Stream::Csv {
            source: file.name.clone(),
            reader,
            id,
            text,
            date,
            kept,
        })
    }
}

fn next_in_stream(stream: &mut Stream) -> Option<Unit> {
    match stream {
        Stream::Jsonl {
            source,
            reader,
            line,
        } => loop {
            let mut buf = Vec::new();
            *line += 1;
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(_) => {
                    while matches!(buf.last(), Some(b'\n' | b'\r')) {
                        buf.pop();
                    }
                    if buf.iter().all(|b| b.is_ascii_whitespace()) {
                        continue; // blank lines between records are allowed
                    }
                    return Some(Unit::JsonLine {
                        source: source.clone(),
                        line: *line,
                        bytes: buf,
                    });
                }
                Err(e) => {
                    let err =
                        InputError::new(source.to_string(), Some(*line), Kind::Io, e.to_string());
                    // An I/O error mid-stream (a truncated .gz) ends this file.
                    *reader = BufReader::new(Box::new(std::io::empty()));
                    return Some(Unit::Failed(err));
                }
            }
        },
        Stream::Csv {
            source,
            reader,
            id,
            text,
            date,
            kept,
        } => {
            let mut record = csv::ByteRecord::new();
            match reader.read_byte_record(&mut record) {
                Ok(false) => None,
                Ok(true) => {
                    let line = record.position().map(|p| p.line()).unwrap_or(0);
                    let field = |i: usize| record.get(i).map(|f| f.to_vec());
                    Some(Unit::CsvRecord {
                        source: source.clone(),
                        line,
                        id: id.and_then(field),
                        text: field(*text).unwrap_or_default(),
                        date: date.and_then(field),
                        kept: kept.iter().map(|k| k.and_then(field)).collect(),
                    })
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    let unrecoverable = !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                    let err = InputError::new(source.to_string(), line, Kind::Csv, e.to_string());
                    if unrecoverable {
                        *reader = csv::Reader::from_reader(Box::new(std::io::empty()));
                    }
                    Some(Unit::Failed(err))
                }
            }
        }
    }
}

/// Turns a unit into a document. Runs on any thread.
pub fn decode(unit: Unit, opts: &IngestOptions) -> Result<Document, InputError> {
    // A document with no text would leave neither rows nor an error row: make it an error.
    decode_unit(unit, opts).and_then(|d| {
        if d.text.trim().is_empty() {
            let what = if d.line.is_some() {
                format!("field '{}' is empty", opts.text_column)
            } else {
                "the file is empty".into()
            };
            Err(InputError::new(
                d.source.to_string(),
                d.line,
                Kind::Empty,
                what,
            ))
        } else {
            Ok(d)
        }
    })
}

fn decode_unit(unit: Unit, opts: &IngestOptions) -> Result<Document, InputError> {
    match unit {
        Unit::Failed(e) => Err(e),
        Unit::File { file, format } => {
            let mut bytes = Vec::with_capacity(file.size as usize);
            open(&file)
                .and_then(|mut r| r.read_to_end(&mut bytes))
                .map_err(|e| {
                    InputError::new(file.name.to_string(), None, Kind::Io, e.to_string())
                })?;
            whole_file(file.name, bytes, format)
        }
        Unit::Bytes {
            name,
            bytes,
            format,
        } => whole_file(name, bytes, format),
        Unit::JsonLine {
            source,
            line,
            bytes,
        } => json_line(source, line, bytes, opts),
        Unit::CsvRecord {
            source,
            line,
            id,
            text,
            date,
            kept,
        } => {
            let fail =
                |kind, msg: String| InputError::new(source.to_string(), Some(line), kind, msg);
            let (text, recoded) = utf8(text).map_err(|m| {
                fail(
                    Kind::InvalidUtf8,
                    format!("column '{}': {m}", opts.text_column),
                )
            })?;
            let doc_id = match id {
                Some(id) if !id.is_empty() => {
                    utf8(id)
                        .map_err(|m| {
                            fail(
                                Kind::InvalidUtf8,
                                format!("column '{}': {m}", opts.id_column),
                            )
                        })?
                        .0
                }
                _ => format!("{source}#{line}"),
            };
            let kept = kept
                .into_iter()
                .map(|v| {
                    v.map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default()
                })
                .collect();
            Ok(Document {
                doc_id,
                text: strip_bom(text),
                paragraphs: ParagraphRule::BlankLines,
                structured: false,
                recoded,
                title: String::new(),
                date: date
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default(),
                kept,
                source,
                line: Some(line),
            })
        }
    }
}

fn whole_file(name: Arc<str>, bytes: Vec<u8>, format: Format) -> Result<Document, InputError> {
    let fail = |line, kind, msg: String| InputError::new(name.to_string(), line, kind, msg);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(fail(
            None,
            Kind::Empty,
            "the file is empty (or holds only white space)".into(),
        ));
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        let line = line_of(&bytes, pos);
        return Err(fail(
            Some(line),
            Kind::Binary,
            "a NUL byte: this looks like a binary file, not text".into(),
        ));
    }
    let (text, recoded) = match decode_text(bytes) {
        Ok(t) => t,
        Err((bytes, pos)) => {
            let line = line_of(&bytes, pos);
            return Err(fail(
                Some(line),
                Kind::InvalidUtf8,
                format!("invalid UTF-8 at byte {pos}, and not plausible as Windows-1252"),
            ));
        }
    };
    Ok(Document {
        doc_id: name.to_string(),
        text: strip_bom(text),
        paragraphs: if format == Format::Lines {
            ParagraphRule::Lines
        } else {
            ParagraphRule::BlankLines
        },
        structured: format == Format::Txt,
        recoded,
        title: String::new(),
        date: String::new(),
        kept: Vec::new(),
        source: name,
        line: None,
    })
}

fn json_line(
    source: Arc<str>,
    line: u64,
    bytes: Vec<u8>,
    opts: &IngestOptions,
) -> Result<Document, InputError> {
    let fail = |kind, msg: String| InputError::new(source.to_string(), Some(line), kind, msg);
    let (line_text, recoded) = decode_text(bytes).map_err(|(_, pos)| {
        fail(
            Kind::InvalidUtf8,
            format!("invalid UTF-8 at byte {pos} of the line, and not plausible as Windows-1252"),
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&line_text)
        .map_err(|e| fail(Kind::Json, format!("malformed JSON: {e}")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| fail(Kind::Json, "expected a JSON object".into()))?;
    let text = match obj.get(&opts.text_column) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(fail(
                Kind::MissingField,
                format!("field '{}' is not a string", opts.text_column),
            ))
        }
        None => {
            return Err(fail(
                Kind::MissingField,
                format!("no field '{}'", opts.text_column),
            ))
        }
    };
    let scalar = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let doc_id = match obj.get(&opts.id_column) {
        None | Some(serde_json::Value::Null) => format!("{source}#{line}"),
        v => scalar(v),
    };
    Ok(Document {
        doc_id,
        text: strip_bom(text),
        paragraphs: ParagraphRule::BlankLines,
        structured: false,
        recoded,
        title: scalar(obj.get("title")),
        date: scalar(obj.get("date")),
        kept: opts
            .keep_fields
            .iter()
            .map(|k| scalar(obj.get(k)))
            .collect(),
        source,
        line: Some(line),
    })
}

fn utf8(bytes: Vec<u8>) -> Result<(String, bool), String> {
    decode_text(bytes).map_err(|(_, pos)| {
        format!("invalid UTF-8 at byte {pos}, and not plausible as Windows-1252")
    })
}

/// Bytes 0x80..=0x9F of Windows-1252; `None` where the code page leaves a byte undefined.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// UTF-8, or else Windows-1252 when that is plausible: no byte the code page leaves
/// undefined, no control characters other than tab and line ends, and at most one byte
/// in five outside ASCII (text in a Western language, not binary data). Returns the text
/// and whether it was recoded; on failure the bytes and the first invalid UTF-8 offset.
pub fn decode_text(bytes: Vec<u8>) -> Result<(String, bool), (Vec<u8>, usize)> {
    let err = match String::from_utf8(bytes) {
        Ok(t) => return Ok((t, false)),
        Err(e) => e,
    };
    let pos = err.utf8_error().valid_up_to();
    let bytes = err.into_bytes();
    let high = bytes.iter().filter(|&&b| b >= 0x80).count();
    let control = bytes
        .iter()
        .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c));
    if control || high * 5 > bytes.len() {
        return Err((bytes, pos));
    }
    let mut text = String::with_capacity(bytes.len() + high);
    for &b in &bytes {
        match b {
            0x00..=0x7f => text.push(b as char),
            0x80..=0x9f => match CP1252_HIGH[(b - 0x80) as usize] {
                Some(c) => text.push(c),
                None => return Err((bytes, pos)),
            },
            _ => text.push(char::from_u32(b as u32).expect("Latin-1 is Unicode")),
        }
    }
    Ok((text, true))
}

fn strip_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// 1-based line of byte `pos`.
fn line_of(bytes: &[u8], pos: usize) -> u64 {
    bytes[..pos.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

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
