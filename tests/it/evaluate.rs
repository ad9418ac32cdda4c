//! `detente evaluate` on a tiny scored table and gold file, and `detente train
//! --pool-folds` on tiny fold files, against figures worked out by hand.
use crate::common::{ok, root, show, Workdir};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Four gold sentences; `a` has a second scored row, which does not count.
const SCORED: &str = "doc_id,sentence,sentiment,event_class,event_confidence,tension
a,0,0.5,verbal_conflict,0.9,0.8
a,1,-0.5,statement,0.2,0.0
b,0,0.25,statement,0.6,0.1
c,0,-0.25,verbal_conflict,0.75,0.6
d,0,0.3,verbal_cooperation,0.95,0.7
";

const GOLD: &str = "# hand-made
id\trating\tclass\tsplit
a\t2.0\tverbal_conflict\tdev
b\t1.0\tverbal_cooperation\tdev
c\t-1.0\tverbal_conflict\ttest
d\t0.0\tverbal_cooperation\ttest
";

fn close(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-12, "{got} != {want}");
}

#[test]
fn evaluate_computes_each_figure_on_the_joined_rows() {
    let w = Workdir::new();
    let scored = w.write("scored.csv", SCORED.as_bytes());
    let gold = w.write("gold.tsv", GOLD.as_bytes());
    let args = [
        "evaluate",
        scored.to_str().unwrap(),
        "--gold",
        gold.to_str().unwrap(),
        "--number",
        "4*sentiment=rating",
        "--band",
        "1",
        "--label",
        "event_class=class",
        "--auc",
        "tension=class:verbal_conflict/verbal_cooperation",
        "--reliability",
        "event_confidence:event_class=class",
        "--bins",
        "0,0.5,0.8,1",
        "--by",
        "split",
    ];
    let out = ok(w.run(&[&args[..], &["--json"]].concat()));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"], 4);
    let m = &v["metrics"];
    assert_eq!(m[0]["metric"], "number 4*sentiment=rating");
    let all = &m[0]["groups"][0];
    assert_eq!(
        (all["group"].as_str(), all["n"].as_u64()),
        (Some("all"), Some(4))
    );
    // x = 4·[0.5, 0.25, −0.25, 0.3], y = [2, 1, −1, 0]: Sxy 4.4, Sxx 4.88, Syy 5.
    close(&all["pearson"], 1.1 / 1.525f64.sqrt());
    // ranks [3, 1, 0, 2] and [3, 2, 0, 1]: 4 / 5.
    close(&all["spearman"], 0.8);
    // At ±1: predicted [pos, neu, neu, pos], gold [pos, neu, neu, neu]: (2/3 + 4/5) / 2.
    close(&all["macro_f1_3"], (2.0 / 3.0 + 0.8) / 2.0);
    // b is wrong; F1 statement 0, verbal_conflict 1, verbal_cooperation 2/3.
    let l = &m[1]["groups"][0];
    close(&l["accuracy"], 0.75);
    close(&l["macro_f1"], (1.0 + 2.0 / 3.0) / 3.0);
    assert_eq!(l["per_class_f1"][0][0], "statement");
    let dev = &m[1]["groups"][1];
    assert_eq!(
        (dev["group"].as_str(), dev["n"].as_u64()),
        (Some("dev"), Some(2))
    );
    close(&dev["accuracy"], 0.5);
    // Conflict a 0.8, c 0.6 against cooperation b 0.1, d 0.7: 3 of 4 pairs.
    let a = &m[2]["groups"][0];
    assert_eq!(
        (a["positives"].as_u64(), a["negatives"].as_u64()),
        (Some(2), Some(2))
    );
    close(&a["auc"], 0.75);
    close(&m[2]["groups"][2]["auc"], 0.0);
    // b 0.6 wrong, c 0.75 right in 0.5–0.8; a 0.9, d 0.95 right in 0.8–1.
    let bins = &m[3]["groups"][0]["bins"];
    assert_eq!(bins[1]["n"], 2);
    close(&bins[1]["mean_confidence"], 0.675);
    close(&bins[1]["accuracy"], 0.5);
    close(&bins[2]["accuracy"], 1.0);
    assert_eq!(bins[2]["to"], 1.0);

    let text = stdout(&ok(w.run(&args)));
    for line in [
        "4 gold rows joined to scored rows",
        "| group | n | Pearson | Spearman | macro-F1 ±1 |",
        "| all | 4 | 0.891 | 0.800 | 0.733 |",
        "| group | n | accuracy | macro-F1 | F1 statement | F1 verbal_conflict | F1 verbal_cooperation |",
        "| all | 4 | 0.750 | 0.556 | 0.000 | 1.000 | 0.667 |",
        "| test | 2 | 1.000 | 1.000 | — | 1.000 | 1.000 |",
        "| dev | 1 | 1 | 1.000 |",
        "| all | 0.50–0.80 | 2 | 0.675 | 0.500 |",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} not in\n{text}");
    }
}

#[test]
fn evaluate_compares_roles_as_code_sets() {
    let w = Workdir::new();
    let scored = w.write(
        "roles.csv",
        b"doc_id,source,target\n1,KORGOV,JPN\n2,USA;CHN,\n3,RUS,UKRMIL\n",
    );
    let gold = w.write(
        "gold.csv",
        b"id,source,target\n1,KOR,JPNGOV\n2,CHN;USA,IRN\n3,RUS,UKR\n",
    );
    let out = ok(w.run(&[
        "evaluate",
        scored.to_str().unwrap(),
        "--gold",
        gold.to_str().unwrap(),
        "--codes",
        "3",
        "--label",
        "source=source",
        "--label",
        "target=target",
        "--label",
        "source,target=source,target",
        "--json",
    ]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let acc = |k: usize| v["metrics"][k]["groups"][0]["accuracy"].as_f64().unwrap();
    assert_eq!((acc(0), acc(1), acc(2)), (1.0, 2.0 / 3.0, 2.0 / 3.0));
}

#[test]
fn evaluate_reads_gold_columns_from_the_scored_table_and_names_missing_ids() {
    let w = Workdir::new();
    // x's second row (a second sentence) is neither scored nor gold.
    let scored = w.write(
        "s.csv",
        b"doc_id,tension,gold\nx,0.9,1\nx,0.1,0\ny,0.2,0\nz,0.4,true\n",
    );
    let out = ok(w.run(&[
        "evaluate",
        scored.to_str().unwrap(),
        "--auc",
        "tension=gold",
        "--json",
    ]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = &v["metrics"][0]["groups"][0];
    assert_eq!(
        (&all["positives"], &all["negatives"]),
        (&2.into(), &1.into())
    );
    assert_eq!(all["auc"], 1.0);

    let gold = w.write("g.csv", b"id,gold\nx,1\nq,0\n");
    let out = w.run(&[
        "evaluate",
        scored.to_str().unwrap(),
        "--gold",
        gold.to_str().unwrap(),
        "--auc",
        "tension=gold",
    ]);
    assert!(!out.status.success(), "{}", show(&out));
    assert!(
        show(&out).contains("1 gold ids have no row"),
        "{}",
        show(&out)
    );
    let out = w.run(&["evaluate", scored.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}

/// Two folds of three tension sentences and two of two news sentences. Each fold lacks
/// some classes: its macro-F1 averages over the classes it has (as scikit-learn does).
const FOLD_HEAD: &str = "item,fold,gold,p_statement,p_verbal_cooperation,p_material_cooperation,p_verbal_conflict,p_material_conflict,silver_root,cameo_root,cameo_confidence,goldstein,tension,sentence\n";
const FOLD_0: &str = "0,0,0,0.6,0.1,0.1,0.1,0.1,01,01,0.45,0.5,0.1,a
1,0,1,0.1,0.5,0.2,0.1,0.1,04,05,0.3,2.5,0.1,b
2,0,3,0.1,0.1,0.1,0.3,0.4,13,18,0.25,-8,0.9,c
";
const FOLD_1: &str = "3,1,4,0.05,0.05,0.1,0.1,0.7,19,19,0.65,-9,0.95,d
4,1,2,0.1,0.2,0.6,0.05,0.05,,07,0.5,6,0.05,e
5,1,3,0.05,0.05,0.05,0.8,0.05,11,11,0.85,-2,0.6,f
";
const NEWS_HEAD: &str = "item,fold,gold,p_negative,p_neutral,p_positive,sentence\n";

const POOLED: &str = "
tension: macro-F1 0.867, accuracy 0.833, AUC conflict vs cooperation 1.000
per class F1: statement 1.000, verbal_cooperation 1.000, material_cooperation 1.000, verbal_conflict 0.667, material_conflict 0.667
  fold 0: macro-F1 0.500 accuracy 0.667
  fold 1: macro-F1 1.000 accuracy 1.000
| confidence | n | mean confidence | accuracy |
|---|---:|---:|---:|
| 0.00–0.50 | 1 | 0.400 | 0.000 |
| 0.50–0.70 | 3 | 0.567 | 1.000 |
| 0.70–0.80 | 1 | 0.700 | 1.000 |
| 0.80–0.90 | 1 | 0.800 | 1.000 |

roots (held-out sentences with a silver root, 5): cameo_root = silver root 0.600; without 01-02 (4) 0.500; given a right event_class (4) 0.750; Spearman goldstein vs silver root G 1.000
| root | n | cameo_root right |
|---|---:|---:|
| 01 Make public statement | 1 | 1.000 |
| 04 Consult | 1 | 0.000 |
| 11 Disapprove | 1 | 1.000 |
| 13 Threaten | 1 | 0.000 |
| 19 Fight | 1 | 1.000 |

reliability of cameo_confidence (p(root)) on those sentences:
| confidence | n | mean confidence | accuracy |
|---|---:|---:|---:|
| 0.20–0.40 | 2 | 0.275 | 0.000 |
| 0.40–0.60 | 1 | 0.450 | 1.000 |
| 0.60–0.80 | 1 | 0.650 | 1.000 |
| 0.80–0.90 | 1 | 0.850 | 1.000 |

news sentiment_label: macro-F1 0.778, accuracy 0.750; per class F1: negative 1.000, neutral 0.667, positive 0.667
  fold 0: macro-F1 1.000
  fold 1: macro-F1 0.333
| confidence | n | mean confidence | accuracy |
|---|---:|---:|---:|
| 0.00–0.50 | 1 | 0.400 | 1.000 |
| 0.50–0.70 | 1 | 0.550 | 0.000 |
| 0.70–0.80 | 1 | 0.700 | 1.000 |
| 0.90–0.95 | 1 | 0.900 | 1.000 |
";

#[test]
fn pool_folds_prints_the_tables_of_the_model_card() {
    let w = Workdir::new();
    w.write("cv/fold-0.csv", format!("{FOLD_HEAD}{FOLD_0}").as_bytes());
    w.write("cv/fold-1.csv", format!("{FOLD_HEAD}{FOLD_1}").as_bytes());
    w.write(
        "cv/news-fold-0.csv",
        format!("{NEWS_HEAD}0,0,0,0.7,0.2,0.1,x\n1,0,1,0.3,0.4,0.3,y\n").as_bytes(),
    );
    w.write(
        "cv/news-fold-1.csv",
        format!("{NEWS_HEAD}2,1,2,0.1,0.55,0.35,z\n3,1,2,0.05,0.05,0.9,w\n").as_bytes(),
    );
    let models = root().join("models");
    let out = ok(w.run(&[
        "train",
        "--pool-folds",
        w.path("cv").to_str().unwrap(),
        "--models",
        models.to_str().unwrap(),
    ]));
    let text = stdout(&out);
    let (first, rest) = text.split_once('\n').unwrap();
    assert!(
        first.ends_with(": folds [0, 1]; 6 tension, 4 news sentences out of fold"),
        "{text}"
    );
    assert_eq!(rest, POOLED);
}
