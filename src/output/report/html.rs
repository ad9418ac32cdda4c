//! The report's HTML: one file, styles, script and SVG charts inline, nothing fetched.
//!
//! Every string that comes from the input goes through [`esc`] (text and attribute
//! values: `& < > " '` as entities) or, inside the embedded JSON, [`json_for_script`]
//! (`< > &` and the JavaScript line separators as `\uXXXX`), so no `<` of an article ever
//! reaches the file raw. The script builds its few dynamic elements with `textContent`.
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{DocView, Overview, ReportOptions, SentenceView};
use crate::error::Error;
use crate::output::{commit, open_partial};

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

/// The event classes in the order of the conflict–cooperation scale, with short labels.
const CLASSES: [(&str, &str); 5] = [
    ("material_cooperation", "MCO"),
    ("verbal_cooperation", "VCO"),
    ("statement", "ST"),
    ("verbal_conflict", "VCF"),
    ("material_conflict", "MCF"),
];

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON text safe inside `<script type="application/json">`: no `<`, `>` or `&`, and no
/// U+2028/U+2029, all as `\uXXXX` escapes (which JSON reads back as the same characters).
pub fn json_for_script(v: &serde_json::Value) -> String {
    let text = serde_json::to_string(v).expect("JSON values serialize");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A sentence's background: white for no tension, deepening red towards 1.
fn shade(t: Option<f64>) -> String {
    match t {
        Some(t) => format!("rgba(215,48,39,{:.3})", 0.04 + 0.56 * t.clamp(0.0, 1.0)),
        None => "transparent".into(),
    }
}

fn class_label(class: &str) -> &str {
    CLASSES
        .iter()
        .find(|(c, _)| *c == class)
        .map_or("?", |(_, l)| l)
}

/// Writes the whole report as `output.partial`, then moves it into place.
pub(super) fn write(
    output: &Path,
    inputs: &[PathBuf],
    opts: &ReportOptions,
    ov: &Overview,
    docs: &[DocView],
) -> Result<(), Error> {
    let mut page = String::with_capacity(1 << 20);
    head(&mut page, inputs, ov);
    filters(&mut page, ov, opts);
    charts(&mut page, ov, opts);
    pairs(&mut page, ov, opts);
    classes(&mut page, ov);
    top_sentences(&mut page, ov, docs);
    documents(&mut page, ov, opts, docs);
    tail(&mut page, ov, docs);
    let file = open_partial(output, None)?;
    let mut w = std::io::BufWriter::new(file);
    w.write_all(page.as_bytes()).map_err(Error::io(output))?;
    w.flush().map_err(Error::io(output))?;
    drop(w);
    commit(output)
}

fn head(p: &mut String, inputs: &[PathBuf], ov: &Overview) {
    let names: Vec<String> = inputs
        .iter()
        .map(|i| esc(&i.file_name().unwrap_or_default().to_string_lossy()))
        .collect();
    let range = match (&ov.first_date, &ov.last_date) {
        (Some(a), Some(b)) => format!("dates from {} to {}", esc(a), esc(b)),
        _ => "no dates".into(),
    };
    let _ = write!(
        p,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>detente report</title><style>{CSS}</style></head><body>\n\
<header><h1>detente report</h1><p id=\"summary\"><b id=\"n-docs\">{}</b> documents, \
<b id=\"n-sentences\">{}</b> sentences, <span id=\"date-range\">{range}</span>. From {}.</p>\
<div id=\"errors\" hidden></div></header>\n",
        ov.documents,
        ov.sentences,
        names.join(", ")
    );
}

/// The pairs (or dyads) that get a chart: the most frequent, ties in name order.
fn top_pairs(ov: &Overview, opts: &ReportOptions) -> Vec<String> {
    let mut v: Vec<(&String, &u64)> = ov
        .pair_counts
        .iter()
        .filter(|(p, _)| ov.series.contains_key(*p))
        .collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.into_iter()
        .take(opts.top_pairs)
        .map(|(p, _)| p.clone())
        .collect()
}

fn filters(p: &mut String, ov: &Overview, opts: &ReportOptions) {
    let what = if ov.directed { "directed pair" } else { "dyad" };
    p.push_str("<nav id=\"filters\"><label>");
    p.push_str(what);
    p.push_str(" <select id=\"f-pair\"><option value=\"\">all</option>");
    for pair in top_pairs(ov, opts) {
        let _ = write!(p, "<option value=\"{0}\">{0}</option>", esc(&pair));
    }
    let _ = write!(
        p,
        "</select></label> <label>from <input id=\"f-from\" type=\"date\"></label> \
<label>to <input id=\"f-to\" type=\"date\"></label> <label>event class <select id=\"f-class\">\
<option value=\"\">all</option>"
    );
    for (c, _) in CLASSES.iter().filter(|(c, _)| ov.classes.contains_key(*c)) {
        let _ = write!(p, "<option value=\"{c}\">{}</option>", c.replace('_', " "));
    }
    p.push_str(
        "</select></label> <label>word <input id=\"f-word\" type=\"search\" placeholder=\"any word\"></label> \
<label>go to <select id=\"f-doc\"><option value=\"\">document…</option></select></label> \
<span id=\"f-status\"></span></nav>\n",
    );
}

/// Months as numbers (year × 12 + month − 1), for the charts' x axis.
fn month_number(m: &str) -> Option<i64> {
    let y: i64 = m.get(..4)?.parse().ok()?;
    let mo: i64 = m.get(5..7)?.parse().ok()?;
    Some(y * 12 + mo - 1)
}

fn charts(p: &mut String, ov: &Overview, opts: &ReportOptions) {
    let pairs = top_pairs(ov, opts);
    let what = if ov.directed {
        "directed pairs (who acts on whom: <code>source</code> &gt; <code>target</code>, states)"
    } else {
        "dyads"
    };
    let _ = write!(
        p,
        "<section id=\"overview\"><h2>Tension over time</h2><p class=\"note\">Monthly mean \
<code>tension</code> of the {} most frequent {what}; a point per month with dated sentences.</p>\
<div id=\"charts\">",
        pairs.len()
    );
    if pairs.is_empty() {
        p.push_str("<p class=\"note\">No dated sentences with a pair and a tension.</p>");
    }
    let months: BTreeSet<i64> = pairs
        .iter()
        .flat_map(|pair| ov.series[pair].keys().filter_map(|m| month_number(m)))
        .collect();
    let (lo, hi) = (
        months.first().copied().unwrap_or(0),
        months.last().copied().unwrap_or(0),
    );
    let (w, h, left, right, top, bottom) = (240.0, 130.0, 26.0, 10.0, 10.0, 22.0);
    let x = |m: i64| {
        if hi == lo {
            (left + w - right) / 2.0
        } else {
            left + (m - lo) as f64 / (hi - lo) as f64 * (w - left - right)
        }
    };
    let y = |v: f64| top + (1.0 - v) * (h - top - bottom);
    let label = |m: i64| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
    for pair in &pairs {
        let n = ov.pair_counts[pair];
        let _ = write!(
            p,
            "<figure class=\"dyad-chart\" data-pair=\"{0}\"><figcaption>{0} <small>({n} sentences)</small></figcaption>\
<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"tension of {0} by month\">",
            esc(pair)
        );
        for v in [0.0, 0.5, 1.0] {
            let (x2, yy, ty) = (w - right, y(v), y(v) + 4.0);
            let _ = write!(
                p,
                "<line class=\"grid\" x1=\"{left}\" x2=\"{x2}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text x=\"2\" y=\"{ty:.1}\">{v}</text>"
            );
        }
        let points: Vec<(f64, f64, String, f64, u64)> = ov.series[pair]
            .iter()
            .filter_map(|(m, mean)| {
                Some((
                    x(month_number(m)?),
                    y(mean.get()?),
                    m.clone(),
                    mean.get()?,
                    mean.count(),
                ))
            })
            .collect();
        let line: Vec<String> = points
            .iter()
            .map(|(a, b, ..)| format!("{a:.1},{b:.1}"))
            .collect();
        let _ = write!(p, "<polyline points=\"{}\"/>", line.join(" "));
        for (a, b, m, v, n) in &points {
            let _ = write!(
                p,
                "<circle cx=\"{a:.1}\" cy=\"{b:.1}\" r=\"3\"><title>{}: mean tension {v:.3} ({n} sentences)</title></circle>",
                esc(m)
            );
        }
        let _ = write!(
            p,
            "<text x=\"{left}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text></svg></figure>",
            h - 6.0,
            label(lo),
            w - right,
            h - 6.0,
            label(hi)
        );
    }
    p.push_str("</div>\n");
}

/// The most frequent pairs over the whole input, dated or not: mean tension as a bar.
fn pairs(p: &mut String, ov: &Overview, opts: &ReportOptions) {
    let mut v: Vec<(&String, &u64)> = ov.pair_counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.truncate(2 * opts.top_pairs);
    let what = if ov.directed {
        "directed pairs"
    } else {
        "dyads"
    };
    let _ = write!(p, "<h2>Most frequent {what}</h2>");
    if v.is_empty() {
        p.push_str("<p class=\"note\">No sentence names two states.</p>\n");
        return;
    }
    let h = 22 * v.len() + 4;
    let _ = write!(p, "<svg id=\"pairs\" viewBox=\"0 0 560 {h}\" width=\"560\" height=\"{h}\" role=\"img\" aria-label=\"mean tension of the most frequent pairs\">");
    for (i, (pair, n)) in v.iter().enumerate() {
        let t = ov.pair_tension.get(*pair).and_then(|m| m.get());
        let yy = 22 * i + 2;
        let width = 300.0 * t.unwrap_or(0.0);
        let value = t.map_or("no tension".to_string(), |t| format!("{t:.3}"));
        let _ = write!(
            p,
            "<text x=\"0\" y=\"{}\">{} ({n} sentences)</text><rect x=\"170\" y=\"{yy}\" width=\"{width:.1}\" height=\"16\" style=\"fill:{}\"/>\
<text x=\"{:.1}\" y=\"{}\">{value}</text>",
            yy + 13,
            esc(pair),
            shade(t),
            176.0 + width,
            yy + 13
        );
    }
    p.push_str("</svg><p class=\"note\">Mean <code>tension</code> of each pair's sentences, dated or not.</p>\n");
}

fn classes(p: &mut String, ov: &Overview) {
    p.push_str("<h2>Event classes</h2>");
    let total: u64 = ov.classes.values().sum();
    if total == 0 {
        p.push_str("<p class=\"note\">No <code>event_class</code> column (run the <code>tension</code> scorer).</p>\n");
        return;
    }
    let mut rows: Vec<(String, u64)> = CLASSES
        .iter()
        .filter_map(|(c, _)| ov.classes.get(*c).map(|n| (c.to_string(), *n)))
        .collect();
    rows.extend(
        ov.classes
            .iter()
            .filter(|(c, _)| !CLASSES.iter().any(|(k, _)| k == c))
            .map(|(c, n)| (c.clone(), *n)),
    );
    let h = 22 * rows.len() + 4;
    let _ = write!(p, "<svg id=\"classes\" viewBox=\"0 0 560 {h}\" width=\"560\" height=\"{h}\" role=\"img\" aria-label=\"share of each event class\">");
    for (i, (c, n)) in rows.iter().enumerate() {
        let share = *n as f64 / total as f64;
        let yy = 22 * i + 2;
        let _ = write!(
            p,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"ev-{}\" x=\"170\" y=\"{yy}\" width=\"{:.1}\" height=\"16\"/>\
<text x=\"{:.1}\" y=\"{}\">{:.1}% ({n})</text>",
            yy + 13,
            esc(&c.replace('_', " ")),
            esc(c),
            300.0 * share,
            176.0 + 300.0 * share,
            yy + 13,
            100.0 * share
        );
    }
    p.push_str("</svg>\n");
}

fn top_sentences(p: &mut String, ov: &Overview, docs: &[DocView]) {
    p.push_str("<h2>Most tense sentences</h2>");
    if !ov.has_tension {
        p.push_str("<p class=\"note\">No <code>tension</code> column.</p></section>\n");
        return;
    }
    let mut top: Vec<_> = ov.top.iter().map(|r| &r.0).collect();
    top.sort_by(|a, b| b.cmp(a));
    p.push_str("<ol id=\"top\">");
    for s in top {
        let _ = write!(
            p,
            "<li data-pairs=\"{}\" data-date=\"{}\" data-classes=\"{}\"><span class=\"t\" style=\"background:{}\">{:.3}</span> ",
            esc(&s.pairs.join(" ")),
            esc(&s.date),
            esc(&s.class),
            shade(Some(s.tension.0)),
            s.tension.0
        );
        if docs.iter().any(|d| d.seq == s.doc_seq) {
            let _ = write!(p, "<a href=\"#doc-{}\">{}</a>", s.doc_seq, esc(&s.doc_id));
        } else {
            let _ = write!(
                p,
                "<span class=\"nodoc\" title=\"no view: over --max-docs\">{}</span>",
                esc(&s.doc_id)
            );
        }
        let _ = write!(
            p,
            " <small>{} {}</small> <q>{}</q></li>",
            esc(&s.date),
            esc(&s.class.replace('_', " ")),
            esc(&s.text)
        );
    }
    p.push_str("</ol></section>\n");
}

fn documents(p: &mut String, ov: &Overview, opts: &ReportOptions, docs: &[DocView]) {
    let left_out = ov.documents - docs.len() as u64;
    let _ = write!(
        p,
        "<section id=\"documents\"><h2>Documents</h2><p class=\"note\" id=\"left-out\" data-left-out=\"{left_out}\">\
{} of {} documents have a view, the most tense first (mean <code>tension</code>).",
        docs.len(),
        ov.documents
    );
    if left_out > 0 {
        let _ = write!(
            p,
            " <b>{left_out} documents are left out</b> (<code>--max-docs {}</code>); the overview above covers all of them.",
            opts.max_docs
        );
    }
    p.push_str(" Hover over or tap a sentence for all of its scores.</p>\n");
    for d in docs {
        document(p, d);
    }
    p.push_str("</section>\n");
}

fn document(p: &mut String, d: &DocView) {
    let pairs: BTreeSet<&str> = d
        .sentences
        .iter()
        .flat_map(|s| s.pairs.iter().map(String::as_str))
        .collect();
    let classes: BTreeSet<&str> = d
        .sentences
        .iter()
        .map(|s| s.class.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    let title = if d.title.is_empty() {
        &d.doc_id
    } else {
        &d.title
    };
    let _ = write!(
        p,
        "<article class=\"doc\" id=\"doc-{}\" data-date=\"{}\" data-pairs=\"{}\" data-classes=\"{}\">\
<h3>{}</h3><p class=\"docmeta\">",
        d.seq,
        esc(&d.date),
        esc(&pairs.into_iter().collect::<Vec<_>>().join(" ")),
        esc(&classes.into_iter().collect::<Vec<_>>().join(" ")),
        esc(title)
    );
    let mut meta: Vec<String> = Vec::new();
    if !d.date.is_empty() {
        meta.push(format!("<time>{}</time>", esc(&d.date)));
    }
    if !d.dateline.is_empty() {
        meta.push(format!(
            "<span class=\"dateline\">{}</span>",
            esc(&d.dateline)
        ));
    }
    meta.push(format!("<code>{}</code>", esc(&d.doc_id)));
    if let Some(t) = d.mean_tension {
        meta.push(format!("mean tension {t:.3}"));
    }
    let _ = write!(p, "{}</p><div class=\"text\"><p>", meta.join(" · "));
    let mut last_paragraph: Option<&str> = None;
    for s in &d.sentences {
        if last_paragraph.is_some_and(|l| l != s.paragraph) {
            p.push_str("</p><p>");
        } else if last_paragraph.is_some() {
            p.push(' ');
        }
        last_paragraph = Some(&s.paragraph);
        sentence(p, s);
    }
    p.push_str("</p></div></article>\n");
}

fn sentence(p: &mut String, s: &SentenceView) {
    let scores: Vec<String> = s
        .scores
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let _ = write!(
        p,
        "<span class=\"s\" tabindex=\"0\" data-class=\"{}\" data-pairs=\"{}\" data-scores=\"{}\" style=\"background:{}\">{}",
        esc(&s.class),
        esc(&s.pairs.join(" ")),
        esc(&scores.join("\n")),
        shade(s.tension),
        esc(&s.text)
    );
    if !s.class.is_empty() {
        let _ = write!(
            p,
            "<b class=\"ev ev-{0}\" title=\"{1}\">{2}</b>",
            esc(&s.class),
            esc(&s.class.replace('_', " ")),
            class_label(&s.class)
        );
    }
    if !s.actors.is_empty() {
        let _ = write!(
            p,
            "<i class=\"act\">{}</i>",
            esc(&s.actors.replace(';', " "))
        );
    }
    p.push_str("</span>");
}

fn tail(p: &mut String, ov: &Overview, docs: &[DocView]) {
    let shown: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| {
            serde_json::json!({
                "anchor": format!("doc-{}", d.seq),
                "doc_id": d.doc_id,
                "title": if d.title.is_empty() { &d.doc_id } else { &d.title },
            })
        })
        .collect();
    let data = serde_json::json!({
        "documents": ov.documents,
        "sentences": ov.sentences,
        "shown": shown,
    });
    let _ = write!(
        p,
        "<div id=\"tip\" hidden></div>\n<script type=\"application/json\" id=\"report-data\">{}</script>\n<script>{JS}</script>\n</body></html>\n",
        json_for_script(&data)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_raw_markup() {
        let nasty = "</script><b onclick='x'>\"&amp;\u{2028}";
        let e = esc(nasty);
        assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
        assert_eq!(
            e,
            "&lt;/script&gt;&lt;b onclick=&#39;x&#39;&gt;&quot;&amp;amp;\u{2028}"
        );
        let j = json_for_script(&serde_json::json!({ "t": nasty }));
        assert!(
            !j.contains('<') && !j.contains('>') && !j.contains('&') && !j.contains('\u{2028}')
        );
        let back: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(back["t"], nasty);
    }
}
