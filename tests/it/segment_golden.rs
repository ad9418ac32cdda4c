//! The English Golden Rules for sentence segmentation, read from the shared data sets:
//! prints the pass count and every failing rule, and fails below 51 of 52. Skips, saying
//! so, without the data sets.
use crate::common::dataset;

use detente::input::ParagraphRule;
use detente::text::segment::segment;

const FILE: &str = "golden_rules_en.jsonl";
const MIN_PASS: usize = 51;

/// Collapses every run of white space to one space and trims.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn golden_rules_en() {
    let Some(path) = dataset(FILE, "segment_golden::golden_rules_en") else {
        return;
    };
    let data = std::fs::read_to_string(&path).unwrap();
    let (mut total, mut passed) = (0, 0);
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("golden rule line is JSON");
        let rule = v["rule"].as_u64().unwrap_or(0);
        let title = v["title"].as_str().unwrap_or("");
        let input = v["input"].as_str().expect("rule has an input");
        let expected: Vec<String> = v["expected"]
            .as_array()
            .expect("rule has an expected list")
            .iter()
            .map(|e| norm(e.as_str().expect("expected sentence is a string")))
            .collect();
        let got: Vec<String> = segment(input, ParagraphRule::BlankLines, true)
            .iter()
            .map(|s| norm(&input[s.span.start..s.span.end]))
            .collect();
        total += 1;
        if got == expected {
            passed += 1;
        } else {
            println!("FAIL rule {rule} ({title})\n  expected: {expected:?}\n  got:      {got:?}");
        }
    }
    println!("golden rules: {passed}/{total} passed");
    assert!(total > 0, "{FILE} holds no rules");
    assert!(
        passed >= MIN_PASS.min(total),
        "{passed}/{total} golden rules passed, want at least {MIN_PASS}"
    );
}
