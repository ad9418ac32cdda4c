//! Helpers shared by the integration tests: running the binary on small hand-made inputs,
//! reading its CSVs and comparing them within a tolerance, finding the models and the
//! shared data sets.
#![allow(dead_code)]
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary with libtorch, which runs every command itself. The `detente` front, which
/// hands encoder runs to it, has its own tests (`front.rs`).
pub const BIN: &str = env!("CARGO_BIN_EXE_detente-torch");

/// The `detente` front beside [`BIN`], built by `scripts/build/bin` (which `scripts/test`
/// runs first); a test that needs it fails with that instruction when it is missing.
pub fn front_bin() -> PathBuf {
    let front = Path::new(BIN).with_file_name("detente");
    assert!(
        front.is_file(),
        "{} is missing: build both binaries with scripts/build/bin (scripts/test does)",
        front.display()
    );
    front
}

/// Runs the binary in `dir` with a clean environment (only PATH and HOME).
pub fn run(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear().current_dir(dir).args(args);
    for key in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    cmd.output().expect("run detente")
}

pub fn show(out: &Output) -> String {
    format!(
        "status: {:?}\n--- stderr ---\n{}\n--- stdout ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    )
}

pub fn ok(out: Output) -> Output {
    assert!(out.status.success(), "detente failed\n{}", show(&out));
    out
}

pub type Table = (Vec<String>, Vec<Vec<String>>);

pub fn read_csv(path: &Path) -> Table {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The models folder that `scripts/bootstrap` fills; a test that needs it fails (not
/// skips) without it.
pub fn models() -> PathBuf {
    let m = root().join("models");
    assert!(
        m.join("all-MiniLM-L6-v2/model.safetensors").is_file(),
        "the encoder is not installed in {}: run scripts/bootstrap first",
        m.display()
    );
    m
}

/// A temporary working directory per test.
pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }
    /// Runs the binary with a clean environment (only PATH and HOME) in this directory.
    pub fn run(&self, args: &[&str]) -> Output {
        run(self.dir.path(), args)
    }
}

/// Where the skipped tests are listed, one line each; `scripts/test` empties it before the
/// suite and prints it after, so a skip is counted in the suite's output.
pub const SKIP_LOG: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/skipped-tests.txt");

/// A file of the shared data sets (`DETENTE_DATASETS`, else `../shared/datasets` beside
/// the repository), for tests that measure on data the repository does not ship. `None`
/// when it is missing: the test then skips, and says so on the terminal (not captured)
/// and in [`SKIP_LOG`]. With `DETENTE_REQUIRE_DATASETS=1` a missing file fails the test.
pub fn dataset(name: &str, test: &str) -> Option<PathBuf> {
    // The library's own resolution, the one `detente train` uses.
    let message = match detente::train::data::datasets_dir() {
        Ok((dir, _)) if dir.join(name).is_file() => return Some(dir.join(name)),
        Ok((dir, origin)) => format!(
            "SKIPPED {test}: {} not found (data sets from {origin}; set DETENTE_DATASETS)",
            dir.join(name).display()
        ),
        Err(e) => format!("SKIPPED {test}: {e}"),
    };
    if std::env::var_os("DETENTE_REQUIRE_DATASETS").is_some_and(|v| v == "1") {
        panic!("{message}, and DETENTE_REQUIRE_DATASETS=1");
    }
    log_skip(&message);
    None
}

/// Reports a skipped test (`SKIPPED <test>: reason`) on the terminal and in [`SKIP_LOG`].
pub fn log_skip(message: &str) {
    // Straight to the terminal: the test harness captures print! and eprint!, not this.
    let _ = writeln!(std::io::stderr(), "{message}");
    if let Ok(mut log) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(SKIP_LOG)
    {
        let _ = writeln!(log, "{message}");
    }
}

/// A txt article whose headline and text try to break out of HTML and script: tags,
/// `</div>`, `</script>`, quotes, entities, a comment and an `onerror` attribute.
pub const HOSTILE_ARTICLE: &str = "Monday, March 2 2026\n\n\
Hostile <script>alert(\"headline\")</script> & \"quotes\" in the title\n\n\
SEOUL \u{2014} North Korea said \"</div><script>document.title='pwned';window.PWNED=1</script>\" was a threat to Japan & the US. \
The statement used &lt;b&gt; entities, 'single quotes', </textarea> and <img src=x onerror=\"window.PWNED=2\">.\n\n\
Japan warned North Korea it would respond with force if missiles <!-- flew --> again, a </style> official said.\n";

/// The sample corpus plus [`HOSTILE_ARTICLE`], copied into `dir/corpus`; returns that path.
pub fn hostile_corpus(w: &Workdir) -> PathBuf {
    for f in std::fs::read_dir(root().join("datasets/sample")).unwrap() {
        let f = f.unwrap().path();
        w.write(
            &format!("corpus/{}", f.file_name().unwrap().to_string_lossy()),
            &std::fs::read(&f).unwrap(),
        );
    }
    w.write("corpus/zz-hostile.txt", HOSTILE_ARTICLE.as_bytes());
    w.path("corpus")
}

/// How far an fp32 score printed with 6 decimals may differ between two CPUs: their
/// matrix kernels (AVX-512, AMX, AVX2) sum in different orders, which moves a score by
/// about 1e-6 (seen: `tension_max` 0.241137 against 0.241136 on an AMX machine). Golden
/// files are compared with it; on one machine the output is identical however the run is
/// cut (tests/invariance.rs), and bf16 scores are compared with fp32 ones elsewhere.
pub const ACROSS_CPUS: f64 = 1e-5;

/// Whether two `KEY:number;KEY:number` cells (`actor_sentiment`) name the same keys in the
/// same order with numbers within `tol` plus one unit of their last printed decimal (each
/// side is rounded on its own, so values `tol` apart may print one unit further apart).
/// `None` when the cells are not such lists.
fn keyed_numbers_close(a: &str, b: &str, tol: f64) -> Option<bool> {
    let parse = |c: &str| -> Option<Vec<(String, f64, usize)>> {
        c.split(';')
            .map(|kv| {
                let (k, v) = kv.split_once(':')?;
                let decimals = v.split_once('.')?.1.len();
                Some((k.to_string(), v.parse().ok()?, decimals))
            })
            .collect()
    };
    let (x, y) = (parse(a)?, parse(b)?);
    Some(
        x.len() == y.len()
            && x.iter().zip(&y).all(|((ka, va, d), (kb, vb, _))| {
                ka == kb && (va - vb).abs() <= tol + 10f64.powi(-(*d as i32)) + 1e-12
            }),
    )
}

/// Compares two CSVs field by field: numbers within `tol` (also inside `actor_sentiment`'s
/// `KEY:number` lists, see [`keyed_numbers_close`]), everything else exactly.
pub fn assert_csv_close(expected: &Path, actual: &Path, tol: f64) {
    let (eh, erows) = read_csv(expected);
    let (ah, arows) = read_csv(actual);
    assert_eq!(eh, ah, "headers differ");
    assert_eq!(
        erows.len(),
        arows.len(),
        "row counts differ: {} vs {}",
        expected.display(),
        actual.display()
    );
    for (i, (e, a)) in erows.iter().zip(&arows).enumerate() {
        for (j, (ev, av)) in e.iter().zip(a).enumerate() {
            let close = match (ev.parse::<f64>(), av.parse::<f64>()) {
                (Ok(x), Ok(y)) if ev.contains('.') => (x - y).abs() <= tol,
                _ if tol > 0.0 && ev != av => keyed_numbers_close(ev, av, tol).unwrap_or(false),
                _ => ev == av,
            };
            assert!(close, "row {i}, column {}: expected\n  {ev}\ngot\n  {av}\nexpected row: {e:?}\nactual row:   {a:?}", eh[j]);
        }
    }
}
