//! `detente report`: one self-contained HTML file. Checked on the generated file (no raw
//! `<` of article text, nothing loaded from the network, one view per document, a chart per
//! pair, `--max-docs`) and in a real browser (Debian's chromium, headless): the page's
//! script runs without errors and a hostile document cannot run code.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{hostile_corpus, log_skip, models, ok, root, Workdir};

/// The tags the report writes; any other `<` in the file would be the input's.
const TAGS: [&str; 40] = [
    "!DOCTYPE",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "h2",
    "h3",
    "p",
    "b",
    "span",
    "div",
    "nav",
    "label",
    "select",
    "option",
    "input",
    "section",
    "code",
    "figure",
    "figcaption",
    "svg",
    "line",
    "text",
    "polyline",
    "circle",
    "rect",
    "small",
    "ol",
    "li",
    "a",
    "q",
    "article",
    "time",
    "i",
    "script",
    "!--",
];

/// Scores the sample corpus plus a hostile article (CSV and Parquet, with `--docs`) and
/// returns the work directory.
fn scored() -> Workdir {
    models();
    let w = Workdir::new();
    let corpus = hostile_corpus(&w);
    let corpus = corpus.to_str().unwrap();
    for ext in ["csv", "parquet"] {
        ok(w.run(&[
            "score",
            corpus,
            "-o",
            &format!("s.{ext}"),
            "--docs",
            &format!("d.{ext}"),
            "--quiet",
        ]));
    }
    w
}

fn report(w: &Workdir, args: &[&str]) -> String {
    let mut a = vec!["report"];
    a.extend(args);
    ok(w.run(&a));
    std::fs::read_to_string(w.path(args[args.iter().position(|x| *x == "-o").unwrap() + 1]))
        .unwrap()
}

/// Every `<` opens one of the report's own tags (so none comes from article text),
/// outside the script, which must be the report's own (`src/output/report/report.js`).
fn only_own_tags(html: &str) {
    let js = std::fs::read_to_string(root().join("src/output/report/report.js")).unwrap();
    let own = format!("<script>{js}</script>");
    assert_eq!(
        html.matches(&own).count(),
        1,
        "the report's script is not as written"
    );
    let html = html.replace(&own, "<script></script>");
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '-')
            .collect();
        assert!(
            TAGS.contains(&name.as_str()) && name != "!--",
            "a raw '<' that is not the report's: {:?}",
            &html[i..(i + 60).min(html.len())]
        );
    }
}

#[test]
fn report_is_self_contained_and_escapes_hostile_text() {
    let w = scored();
    let html = report(&w, &["s.csv", "--docs", "d.csv", "-o", "r.html"]);
    only_own_tags(&html);
    for bad in [
        "<script>alert",
        "<img",
        "</div><script>document",
        "<!-- flew",
    ] {
        assert!(!html.contains(bad), "{bad:?} reached the report raw");
    }
    // The headline and the text, shown as text; in the embedded JSON as \u003c.
    assert!(html.contains("&lt;script&gt;alert(&quot;headline&quot;)&lt;/script&gt; &amp; &quot;quotes&quot; in the title"));
    assert!(html.contains("&lt;/div&gt;&lt;script&gt;document.title=&#39;pwned&#39;"));
    assert!(html.contains("&amp;lt;b&amp;gt; entities"));
    assert!(html.contains(
        r#"\u003cscript\u003ealert(\"headline\")\u003c/script\u003e \u0026 \"quotes\" in the title"#
    ));
    assert_eq!(html.matches("<script").count(), 2);
    // Nothing from the network: no tag with a src or a stylesheet link, no url() or
    // @import in the styles; the only links are anchors within the page.
    for (i, _) in html.match_indices('<') {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        assert!(!tag.contains(" src=") && !tag.starts_with("<link"), "{tag}");
        if let Some(j) = tag.find(" href=\"") {
            assert!(tag[j + 7..].starts_with('#'), "{tag}");
        }
    }
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(!style.contains("url(") && !style.contains("@import"));
    // 17 sample documents and the hostile one, each with a view; a chart per pair.
    assert_eq!(html.matches("<article class=\"doc\"").count(), 18);
    assert_eq!(html.matches("<figure class=\"dyad-chart\"").count(), 8);
    let pairs_svg = &html[html.find("<svg id=\"pairs\"").unwrap()..];
    let pairs_svg = &pairs_svg[..pairs_svg.find("</svg>").unwrap()];
    let listed = pairs_svg.matches(" sentences)</text>").count();
    assert!((8..=16).contains(&listed), "{listed} pairs listed");
    assert!(html.contains("<b id=\"n-docs\">18</b> documents, <b id=\"n-sentences\">"));
    assert!(html.contains("dates from 2026-02-11 to 2026-12-06"));
    // Each sentence carries its scores and its event class; titles and datelines from --docs.
    assert!(html.contains("forced_split: false\ndate: 2026-03-02\nsentiment_lexicon: "));
    let rows = crate::common::read_csv(&w.path("s.csv")).1.len();
    assert_eq!(html.matches("\ntension: ").count(), rows);
    assert!(html.contains(&format!("<b id=\"n-sentences\">{rows}</b>")));
    assert!(html.contains("<b class=\"ev ev-"));
    assert!(html.contains("<span class=\"dateline\">SEOUL</span>"));

    // The Parquet of the same run gives the same report; the manifest finds the --docs.
    let from_parquet = report(&w, &["s.parquet", "-o", "rp.html"]);
    assert_eq!(from_parquet.replace("From s.parquet.", "From s.csv."), html);

    // A file is needed: stdout is refused as a usage error.
    let o = w.run(&["report", "s.csv", "-o", "-"]);
    assert_eq!(o.status.code(), Some(2), "{}", crate::common::show(&o));

    // --max-docs: the most tense documents keep a view; the report says what it left out.
    let capped = report(&w, &["s.csv", "--max-docs", "5", "-o", "r5.html"]);
    assert_eq!(capped.matches("<article class=\"doc\"").count(), 5);
    assert!(capped.contains("<b>13 documents are left out</b> (<code>--max-docs 5</code>)"));
    assert!(capped.contains("<b id=\"n-docs\">18</b> documents"));
    let tensions: Vec<f64> = capped
        .match_indices("</code> · mean tension ")
        .map(|(i, m)| capped[i + m.len()..i + m.len() + 5].parse().unwrap())
        .collect();
    assert_eq!(tensions.len(), 5);
    assert!(tensions.windows(2).all(|p| p[0] >= p[1]), "{tensions:?}");
}

/// Opens the report of the sample corpus plus a hostile article in headless chromium:
/// the script ran (its marker is there) without console or script errors, every view and
/// chart is in the page, the hostile document ran nothing. Saves a screenshot.
#[test]
fn report_opens_in_a_real_browser() {
    let test = "report::report_opens_in_a_real_browser";
    let found = Command::new(root().join("scripts/chromium"))
        .output()
        .unwrap();
    if !found.status.success() {
        log_skip(&format!(
            "SKIPPED {test}: no browser: {}",
            String::from_utf8_lossy(&found.stderr).trim()
        ));
        return;
    }
    let browser = PathBuf::from(String::from_utf8(found.stdout).unwrap().trim());
    let w = scored();
    report(&w, &["s.csv", "-o", "r.html"]);
    let page = format!("file://{}", w.path("r.html").display());
    let chromium = |args: &[&str]| {
        // `timeout`: a browser that hangs fails the test instead of stalling the suite.
        let out = Command::new("timeout")
            .arg("120")
            .arg(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1280,2400",
            ])
            .arg(format!("--user-data-dir={}", w.path("chromium").display()))
            .args(args)
            .arg(&page)
            .output()
            .expect("run chromium");
        assert!(
            out.status.success(),
            "chromium failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let out = chromium(&["--enable-logging=stderr", "--v=0", "--dump-dom"]);
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(
        dom.contains("<div id=\"errors\" hidden=\"\"></div>"),
        "script errors in {dom}"
    );
    assert!(
        dom.contains("<div id=\"ok\" hidden=\"\">ok 18 8</div>"),
        "the script did not finish"
    );
    assert!(dom.contains("<title>detente report</title>"));
    assert_eq!(
        dom.matches("<script").count(),
        2,
        "a script element came from the input"
    );
    assert!(!dom.contains("<img"));
    assert_eq!(dom.matches("<article class=\"doc\"").count(), 18);
    assert_eq!(dom.matches("<figure class=\"dyad-chart\"").count(), 8);
    // The document menu, built by the script from the embedded JSON, holds the hostile
    // title as text.
    assert!(dom.contains(
        "&lt;script&gt;alert(\"headline\")&lt;/script&gt; &amp; \"quotes\" in the title</option>"
    ));

    // Filters from the address: the documents with a material-conflict sentence and the
    // word "missile" (any case) stay, the others are hidden.
    let (h, rows) = crate::common::read_csv(&w.path("s.csv"));
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let docs_where = |f: &dyn Fn(&Vec<String>) -> bool| -> std::collections::BTreeSet<String> {
        rows.iter()
            .filter(|r| f(r))
            .map(|r| r[col("doc_id")].clone())
            .collect()
    };
    let conflict = docs_where(&|r| r[col("event_class")] == "material_conflict");
    let missile = docs_where(&|r| r[col("text")].to_lowercase().contains("missile"));
    let expected = conflict.intersection(&missile).count();
    assert!(expected > 0 && expected < 18);
    let filtered = Command::new("timeout")
        .arg("120")
        .arg(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("--user-data-dir={}", w.path("chromium").display()))
        .arg(format!("{page}?class=material_conflict&word=Missile"))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&filtered.stdout);
    assert!(
        dom.contains(&format!("showing {expected} of 18 document views")),
        "{dom}"
    );
    let visible = dom
        .match_indices("<article class=\"doc\"")
        .filter(|(i, _)| !dom[*i..*i + dom[*i..].find('>').unwrap()].contains("hidden"))
        .count();
    assert_eq!(visible, expected);
    assert!(
        dom.contains("class=\"s hit\""),
        "no sentence marked as matching"
    );

    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    chromium(&[&format!("--screenshot={}", shot.display())]);
    let png = std::fs::read(&shot).expect("no screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{}",
        shot.display()
    );
    println!("screenshot: {}", shot.display());
}
