//! Any bytes, read as a txt file, a lines file, a JSONL line and a CSV record: a document
//! or a named error, never a panic; a document's text is valid UTF-8 by construction.
#![no_main]
use std::sync::Arc;

use detente::input::{decode, Format, IngestOptions, Unit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = IngestOptions::default();
    let name: Arc<str> = Arc::from("fuzz.txt");
    for format in [Format::Txt, Format::Lines] {
        let unit = Unit::Bytes { name: name.clone(), bytes: data.to_vec(), format };
        if let Err(e) = decode(unit, &opts) {
            assert_eq!(e.source_name, "fuzz.txt");
        }
    }
    let unit = Unit::JsonLine { source: name.clone(), line: 7, bytes: data.to_vec() };
    if let Err(e) = decode(unit, &opts) {
        assert_eq!(e.line, Some(7));
    }
    let half = data.len() / 2;
    let unit = Unit::CsvRecord {
        source: name,
        line: 3,
        id: Some(data[..half].to_vec()),
        text: data[half..].to_vec(),
        date: None,
        kept: vec![None],
    };
    let _ = decode(unit, &opts);
});
