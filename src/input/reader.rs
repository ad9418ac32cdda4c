//! [`Reader`]: walks the input files in order and hands out cheap units (a whole txt
//! file, one JSONL line, one CSV record) in chunks, without decoding them.
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use super::files::open;
use super::*;
use InputErrorKind as Kind;

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
