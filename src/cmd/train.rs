//! `detente train`: trains, measures and exports the trained scorers' weights
//! (`models/heads/`) with a fixed seed. The work is in [`detente::train`].
use std::path::PathBuf;
#[cfg(feature = "torch")]
use std::process::ExitCode;

#[cfg(feature = "torch")]
use anyhow::Context;
use detente::train;
#[cfg(feature = "torch")]
use detente::train::{data::Paths, Job, Recipe};

#[derive(clap::Args)]
pub struct Args {
    /// Cross-validate first (stratified, --folds folds of the tension sentences and of the
    /// news sentences; the tension sentences by groups, see --folds-by).
    #[arg(long)]
    cv: bool,
    /// Number of CV folds.
    #[arg(long, default_value_t = 5, value_name = "K")]
    folds: usize,
    /// How the tension sentences are cut into CV folds: `group` keeps near-duplicate and
    /// same-story sentences in one fold (stratified group folds); `sentence` is the
    /// stratified folds of single sentences used before.
    #[arg(long, value_enum, default_value_t = train::FoldsBy::Group, value_name = "BY")]
    folds_by: train::FoldsBy,
    /// Run only these CV folds (e.g. 0,1), so that folds can run in separate processes.
    #[arg(long, value_delimiter = ',', value_name = "F,G", requires = "cv")]
    only_folds: Option<Vec<usize>>,
    /// Where each CV fold's held-out predictions go, as fold-K.csv (item, fold, gold,
    /// p_statement … p_material_conflict, sentence) [default: $DETENTE_HOME/train/cv].
    #[arg(long, value_name = "DIR", requires = "cv")]
    cv_out: Option<PathBuf>,
    /// Only cross-validate: train, measure and export no shipped model.
    #[arg(long, requires = "cv")]
    no_ship: bool,
    /// First tuned encoder layer (LoRA on layers START..5; the ones below are frozen).
    #[arg(long, default_value_t = 2, value_name = "START")]
    start: usize,
    /// Weight of each tension class in the class cross-entropy, in the order statement,
    /// verbal_cooperation, material_cooperation, verbal_conflict, material_conflict.
    #[arg(long, value_delimiter = ',', value_name = "W,W,W,W,W")]
    class_weights: Option<Vec<f64>>,
    /// Passes over the sentiment sentences.
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    epochs: f64,
    /// Random seed (dev split, folds, shuffles, initialisation, dropout).
    #[arg(long, default_value_t = 1234, value_name = "N")]
    seed: u64,
    /// Keep the 10% dev split of the sentiment sentences out of training (the default
    /// with the stack).
    #[arg(long)]
    hold_out_dev: bool,
    /// No VADER stacking stage: the head alone (then the dev split is trained on unless
    /// --hold-out-dev). By default a ridge on the head's output and VADER's four outputs,
    /// fitted on the held-out dev split, is shipped.
    #[arg(long)]
    no_stack: bool,
    /// Where to export heads.safetensors and config.json (default: models/heads for
    /// --model minilm, models/mpnet/heads for mpnet; with --head, that head's folder).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The encoder to tune, or whose tuned token states a --head reads: minilm
    /// (all-MiniLM-L6-v2) or mpnet (all-mpnet-base-v2; scripts/bootstrap --mpnet).
    #[arg(long, value_enum, default_value_t = detente::model::Model::default())]
    model: detente::model::Model,
    /// Models folder holding the base encoder and VADER (default: as `score` finds it).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// The labelled tension sentences (default: cameo_quad_train.tsv in the data-sets
    /// folder: DETENTE_DATASETS, else ../shared/datasets beside the repository).
    #[arg(long, value_name = "FILE")]
    tension: Option<PathBuf>,
    /// The political-news sentiment sentences (default: newsmtsc_train.jsonl in the
    /// data-sets folder).
    #[arg(long, value_name = "FILE")]
    news: Option<PathBuf>,
    /// The silver CAMEO roots of the tension sentences (written by
    /// scripts/build/silver_roots.py).
    #[arg(long, default_value = train::data::ROOTS_FILE, value_name = "FILE")]
    roots: PathBuf,
    /// Own labelled sentences (`id kind event_class text`, e.g. datasets/events_train.tsv)
    /// that train the event heads beside the tension sentences: in every CV fold's
    /// training side, never measured (repeat the flag for several tables). An optional
    /// `cameo_root` column (two digits, within the class) trains the root head too.
    #[arg(long, value_name = "FILE")]
    extra_tension: Vec<PathBuf>,
    /// A teacher's class probabilities of unlabelled real sentences (a table of keys and
    /// hashes, e.g. datasets/teacher_classes.tsv from scripts/build/teacher_labels.py):
    /// the class head also learns the teacher's probabilities (soft cross-entropy). No CV
    /// with it: the teacher saw every labelled sentence.
    #[arg(long, value_name = "FILE", conflicts_with = "cv")]
    soft_tension: Option<PathBuf>,
    /// How many times each --extra-tension sentence is in the tension pool (oversampling
    /// the own sentences against the labelled ones).
    #[arg(
        long,
        default_value_t = 1,
        value_name = "N",
        requires = "extra_tension"
    )]
    extra_repeat: usize,
    /// Teacher-labelled sentences per step (--soft-tension).
    #[arg(
        long,
        default_value_t = 32,
        value_name = "N",
        requires = "soft_tension"
    )]
    soft_batch: usize,
    /// Weight of the soft cross-entropy (--soft-tension).
    #[arg(
        long,
        default_value_t = 1.5,
        value_name = "W",
        requires = "soft_tension"
    )]
    soft_weight: f64,
    /// The metrics file (JSON; default: $DETENTE_HOME/train/metrics.json).
    #[arg(long, value_name = "FILE")]
    metrics: Option<PathBuf>,
    /// The reference outputs for the test suite (default:
    /// tests/fixtures/heads_reference.jsonl, heads_reference_mpnet.jsonl for --model mpnet).
    #[arg(long, value_name = "FILE")]
    reference: Option<PathBuf>,
    /// The sentences the reference outputs are computed for.
    #[arg(
        long,
        default_value = "tests/fixtures/parity_sentences.txt",
        value_name = "FILE"
    )]
    parity: PathBuf,
    /// Recompute the frozen layers instead of keeping them in $DETENTE_HOME/train.
    #[arg(long)]
    no_cache: bool,
    /// Gigabytes of frozen-layer cache files that $DETENTE_HOME/train keeps: after the
    /// caches are read or built, older files this run did not use are removed, least
    /// recently used first, until the folder is within this (one MPNet set takes about
    /// 2.6 GB, one MiniLM set about 1.3 GB).
    #[arg(long, value_name = "GB", default_value_t = 5.0)]
    cache_keep: f64,
    /// Train nothing: pool the fold-K.csv and news-fold-K.csv files that --cv wrote to DIR
    /// (however the folds were split between processes) and print the tables of
    /// models/heads.md. The roots come from the models folder's heads/config.json.
    #[arg(long, value_name = "DIR", conflicts_with = "cv")]
    pool_folds: Option<PathBuf>,
    /// libtorch threads (default: all cores).
    #[arg(long, default_value_t = 0, value_name = "N")]
    threads: usize,
    /// Fit a head on pooled token states instead of models/heads/: `roles` (the role
    /// head of models/roles/, from --silver and --gold; see models/roles.md). With
    /// --no-ship, only cross-validate and measure. --out defaults to models/roles.
    /// `actor-sentiment`: the actor sentiment head of models/actor_sentiment/ from
    /// --news (models/actor_sentiment.md); --out defaults to models/actor_sentiment.
    #[arg(long, value_enum, value_name = "HEAD")]
    head: Option<SpanHeadKind>,
    /// Silver roles of real news for --head roles (scripts/build/roles_silver).
    #[arg(long, default_value = "datasets/roles_silver.tsv", value_name = "FILE")]
    silver: PathBuf,
    /// The team's gold roles for --head roles: dev rows supervise, test rows measure
    /// (repeat the flag for several tables).
    #[arg(
        long,
        default_values = ["datasets/events_gold.tsv", "datasets/roles_wire.tsv"],
        value_name = "FILE"
    )]
    gold: Vec<PathBuf>,
    /// The weight of a gold dev phrase against a silver one (--head roles).
    #[arg(long, default_value_t = 3.0, value_name = "W")]
    gold_weight: f32,
    /// The weight of a silver phrase the parse left in no role (labelled neither) against
    /// one it put in a role (--head roles): the parse's silence is weaker evidence.
    #[arg(long, default_value_t = 1.0, value_name = "W")]
    silver_neither_weight: f32,
    /// --head roles: write each measured sentence's gold, rules' and learned roles here
    /// (TSV), to read the errors.
    #[arg(long, value_name = "FILE")]
    dump: Option<PathBuf>,
    /// The L2 penalty of a span head's fit (on standardised inputs).
    #[arg(long, default_value_t = 1e-3, value_name = "L")]
    l2: f64,
}

/// The heads `--head` fits.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SpanHeadKind {
    Roles,
    ActorSentiment,
}

/// Where the trained files go: `--out`, else the folder `own` (`heads`, `roles`, …) of the
/// encoder's trained files in the repository's `models/`.
#[cfg(feature = "torch")]
fn out_dir(args: &Args, own: &str) -> PathBuf {
    match &args.out {
        Some(out) => out.clone(),
        None => PathBuf::from("models").join(args.model.file(own)),
    }
}

/// `--head roles`: the role head, its CV and its figures.
#[cfg(feature = "torch")]
fn roles(args: &Args) -> anyhow::Result<ExitCode> {
    let (datasets, origin) = train::data::datasets_dir()?;
    eprintln!(
        "detente train: data sets from {} ({origin})",
        datasets.display()
    );
    let yardstick = datasets.join("cameo_examples_roles.tsv");
    let models = detente::model::files::resolve(args.models.as_deref()).path;
    if args.threads > 0 {
        detente::model::set_threads(args.threads);
    }
    let out = out_dir(args, "roles");
    let job = train::roles::RoleJob {
        paths: train::role_data::RolePaths {
            silver: args.silver.clone(),
            gold: args.gold.clone(),
            yardstick: yardstick.is_file().then_some(yardstick),
            datasets,
        },
        models,
        model: args.model,
        out: (!args.no_ship).then_some(out),
        folds: if args.cv { args.folds } else { 0 },
        gold_weight: args.gold_weight,
        silver_neither_weight: args.silver_neither_weight,
        fit: train::spans::FitSettings {
            l2: args.l2,
            seed: args.seed as i64,
            ..Default::default()
        },
        workers: if args.threads > 0 { args.threads } else { 2 },
        dump: args.dump.clone(),
    };
    let m = train::roles::run(&job, &mut |line| eprintln!("detente train: {line}"))
        .context("train --head roles")?;
    println!("{}", serde_json::to_string_pretty(&m)?);
    Ok(ExitCode::SUCCESS)
}

/// `--head actor-sentiment`: the actor sentiment head, its CV and its figures.
#[cfg(feature = "torch")]
fn actor_sentiment(args: &Args) -> anyhow::Result<ExitCode> {
    let news = match &args.news {
        Some(file) => file.clone(),
        None => {
            let (datasets, origin) = train::data::datasets_dir()?;
            eprintln!(
                "detente train: data sets from {} ({origin})",
                datasets.display()
            );
            datasets.join(train::data::NEWS_FILE)
        }
    };
    if args.threads > 0 {
        detente::model::set_threads(args.threads);
    }
    let out = out_dir(args, "actor_sentiment");
    let job = train::actor_sentiment::ActorJob {
        news,
        models: detente::model::files::resolve(args.models.as_deref()).path,
        model: args.model,
        out: (!args.no_ship).then_some(out),
        folds: if args.cv { args.folds } else { 0 },
        fit: train::actor_sentiment::fit_settings(args.l2, args.seed as i64),
        workers: if args.threads > 0 { args.threads } else { 2 },
    };
    let m = train::actor_sentiment::run(&job, &mut |line| eprintln!("detente train: {line}"))
        .context("train --head actor-sentiment")?;
    println!("{}", serde_json::to_string_pretty(&m)?);
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "torch")]
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.head == Some(SpanHeadKind::Roles) {
        return roles(&args);
    }
    if args.head == Some(SpanHeadKind::ActorSentiment) {
        return actor_sentiment(&args);
    }
    if let Some(dir) = &args.pool_folds {
        let models = detente::model::files::resolve(args.models.as_deref()).path;
        let config = detente::model::heads::config(&args.model.trained(&models))?;
        print!("{}", train::pool::pool(dir, &config.tension.roots)?);
        return Ok(ExitCode::SUCCESS);
    }
    let heads_out = out_dir(&args, "heads");
    let home = detente::model::files::cache_dir()
        .ok_or_else(|| detente::Error::Usage("neither DETENTE_HOME nor HOME is set".into()))?;
    let datasets = || -> anyhow::Result<PathBuf> {
        let (dir, origin) = train::data::datasets_dir().map_err(|e| {
            detente::Error::Usage(format!("{e} (or pass --tension FILE and --news FILE)"))
        })?;
        eprintln!("detente train: data sets from {} ({origin})", dir.display());
        Ok(dir)
    };
    let tension = match args.tension {
        Some(file) => file,
        None => datasets()?.join(train::data::TENSION_FILE),
    };
    let news = match args.news {
        Some(file) => file,
        None => datasets()?.join(train::data::NEWS_FILE),
    };
    let ungdc = match &args.soft_tension {
        Some(_) => datasets()?.join(train::data::UNGDC_DIR),
        None => PathBuf::new(),
    };
    let models = detente::model::files::resolve(args.models.as_deref()).path;
    if args.threads > 0 {
        detente::model::set_threads(args.threads);
    }
    let job = Job {
        recipe: Recipe {
            start: args.start,
            seed: args.seed,
            epochs: args.epochs,
            hold_out_dev: args.hold_out_dev || !args.no_stack,
            stack: !args.no_stack,
            class_weights: match args.class_weights.as_deref() {
                Some(&[a, b, c, d, e]) => [a, b, c, d, e],
                Some(_) => anyhow::bail!("--class-weights takes five weights"),
                None => [1.0; 5],
            },
            extra_repeat: match args.extra_repeat {
                0 => anyhow::bail!("--extra-repeat takes 1 or more (1: each own sentence once)"),
                n => n,
            },
            sobs: if args.soft_tension.is_some() {
                args.soft_batch
            } else {
                0
            },
            w_soft: if args.soft_tension.is_some() {
                args.soft_weight
            } else {
                0.0
            },
            ..Recipe::default()
        },
        data: Paths {
            hutto: home.join("data/hutto_ICWSM_2014"),
            cameo: home.join("data/cameo"),
            tension,
            roots: args.roots,
            extra_tension: args.extra_tension,
            soft_tension: args.soft_tension,
            ungdc,
            news,
        },
        models,
        model: args.model,
        folds: if args.cv { args.folds } else { 0 },
        folds_by: args.folds_by,
        only_folds: args.only_folds,
        cv_out: Some(args.cv_out.unwrap_or_else(|| home.join("train/cv"))),
        ship: !args.no_ship,
        out: heads_out,
        parity: args.parity,
        reference: args.reference.unwrap_or_else(|| {
            PathBuf::from(match args.model {
                detente::model::Model::Minilm => "tests/fixtures/heads_reference.jsonl",
                detente::model::Model::Mpnet => "tests/fixtures/heads_reference_mpnet.jsonl",
            })
        }),
        cache: (!args.no_cache).then(|| home.join("train")),
        cache_keep: (args.cache_keep.max(0.0) * 1e9) as u64,
    };
    let metrics_path = args
        .metrics
        .unwrap_or_else(|| home.join("train/metrics.json"));
    let outcome =
        train::run(&job, &mut |line| eprintln!("detente train: {line}")).context("train")?;
    if let Some(dir) = metrics_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&outcome.metrics)? + "\n";
    std::fs::write(&metrics_path, text)
        .with_context(|| format!("writing {}", metrics_path.display()))?;
    eprintln!("detente train: metrics in {}", metrics_path.display());
    println!("{}", train::summary(&outcome.metrics));
    Ok(ExitCode::SUCCESS)
}
