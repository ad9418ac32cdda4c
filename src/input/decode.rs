//! [`decode`]: one unit → one [`Document`], on any thread: reading the file, checking
//! UTF-8 (with a Windows-1252 fallback), parsing JSON and CSV fields.
use std::io::Read;
use std::sync::Arc;

use super::files::open;
use super::*;
use InputErrorKind as Kind;

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

pub(super) fn whole_file(
    name: Arc<str>,
    bytes: Vec<u8>,
    format: Format,
) -> Result<Document, InputError> {
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

pub(super) fn json_line(
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
