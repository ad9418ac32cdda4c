//! `detente evaluate`: the figures of a scored table against gold labels, joined by id
//! (see [`detente::train::evaluate`]). This file reads the scored table and the flags.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use detente::output::table::TableIn;
use detente::train::evaluate::{self, Metric, Spec, Table};
use detente::train::metrics::RELIABILITY_EDGES;

#[derive(clap::Args)]
#[command(after_help = "\
Each metric flag is repeatable and names a scored column (or a sum like
`p_verbal_conflict+p_material_conflict-p_verbal_cooperation-p_material_cooperation`, or
`4*sentiment`) and a gold column. Rows with an empty score or gold number are left out
of that figure; labels compare every row (an empty cell is a label: no actor). The
figures come in this order: --number, --label, --auc, --reliability, each as given; with
--json, as `metrics[k].groups[g]` (group 0 is `all`).

Examples:
  detente evaluate out.csv --gold gold.tsv --label event_class=class \\
      --auc tension=class:verbal_conflict,material_conflict/verbal_cooperation,material_cooperation \\
      --number goldstein=goldstein --reliability event_confidence:event_class=class
  detente evaluate out.csv --gold events_gold.tsv --codes 3 --by split \\
      --label source=source --label target=target --label source,target=source,target")]
pub struct Args {
    /// The scored table (CSV or Parquet) written by `detente score`; the first row of each
    /// id counts (score gold sentences with --no-split).
    #[arg(value_name = "SCORED")]
    scored: PathBuf,
    /// The gold table: CSV, or TSV when the name ends in .tsv or .tab; lines starting with
    /// `#` are comments. Every gold id must have a scored row. Default: SCORED itself (gold
    /// columns carried with `score --keep-fields`).
    #[arg(long, value_name = "FILE")]
    gold: Option<PathBuf>,
    /// The id column of SCORED.
    #[arg(long, default_value = "doc_id", value_name = "COL")]
    id: String,
    /// The id column of the gold table (default: `id`; without --gold, --id).
    #[arg(long, value_name = "COL")]
    gold_id: Option<String>,
    /// Also give each figure per value of this gold column (e.g. a split).
    #[arg(long, value_name = "COL")]
    by: Option<String>,
    /// Pearson r and Spearman's rho of a score against a gold number.
    #[arg(long, value_name = "SCORE=GOLD")]
    number: Vec<String>,
    /// With --number: also 3-class macro-F1, each side cut at ±T (below −T negative, above
    /// T positive, else neutral).
    #[arg(long, value_name = "T")]
    band: Option<f64>,
    /// Accuracy, macro-F1 and per-class F1 of a label against a gold label. Either side
    /// may be several columns, comma-separated, compared together (`source,target`).
    #[arg(long, value_name = "LABEL=GOLD")]
    label: Vec<String>,
    /// Labels are `;`-separated codes, compared as sets of their first N characters
    /// (`KORGOV;JPN` = `KOR;JPN` with 3).
    #[arg(long, value_name = "N")]
    codes: Option<usize>,
    /// AUC of a score for the positive gold rows against the negative ones: gold 1/true
    /// against 0/false, or with `GOLD:A,B/C,D` the gold values A or B against C or D
    /// (other rows left out).
    #[arg(long, value_name = "SCORE=GOLD[:POS/NEG]")]
    auc: Vec<String>,
    /// Reliability: how often LABEL equals GOLD per band of the confidence CONF.
    #[arg(long, value_name = "CONF:LABEL=GOLD")]
    reliability: Vec<String>,
    /// The band edges of --reliability.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "EDGES",
        default_value = "0,0.5,0.7,0.8,0.9,0.95,1"
    )]
    bins: Vec<f64>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
}

/// The whole scored table in memory.
fn read_scored(path: &Path) -> anyhow::Result<Table> {
    let mut t = TableIn::open(path)?;
    let header = t.header().to_vec();
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    while t
        .read(&mut record)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message))?
    {
        rows.push(
            record
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect(),
        );
    }
    Ok(Table {
        path: path.to_path_buf(),
        header,
        rows,
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut metrics = Vec::new();
    for (flags, parse) in [
        (&args.number, Metric::number as fn(&str) -> _),
        (&args.label, Metric::label),
        (&args.auc, Metric::auc),
        (&args.reliability, Metric::reliability),
    ] {
        for f in flags {
            metrics.push(parse(f)?);
        }
    }
    if metrics.is_empty() {
        return Err(detente::Error::Usage(
            "nothing to compute: give --number, --label, --auc or --reliability".into(),
        )
        .into());
    }
    let mut bins = args.bins.clone();
    if let Some(last) = bins.last_mut().filter(|b| **b == 1.0) {
        // A confidence of exactly 1 falls in the last band.
        *last = RELIABILITY_EDGES[RELIABILITY_EDGES.len() - 1];
    }
    let scored = read_scored(&args.scored)?;
    let (gold, gold_id) = match &args.gold {
        Some(path) => (
            Table::read(path)?,
            args.gold_id.clone().unwrap_or_else(|| "id".into()),
        ),
        // One gold row per document: its first scored row.
        None => (
            scored.first_rows(scored.column(&args.id)?),
            args.gold_id.clone().unwrap_or(args.id.clone()),
        ),
    };
    let spec = Spec {
        id: args.id,
        gold_id,
        by: args.by,
        band: args.band,
        codes: args.codes,
        bins,
        metrics,
    };
    let report = evaluate::evaluate(&scored, &gold, &spec).context("evaluate")?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{}", evaluate::render(&report));
    }
    Ok(ExitCode::SUCCESS)
}
