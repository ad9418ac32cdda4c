//! The `detente` front (`src/front.rs`): built without libtorch, it runs what needs no
//! encoder itself and hands the rest to `detente-torch` beside it. Each test copies the
//! front into a folder next to a stand-in `detente-torch` (a script that notes it was
//! called, then runs the real one), so the hand-over can be seen.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use super::common::{front_bin, ok, read_csv, show, Workdir, BIN};

const STORY: &str = "Seoul called in the Japanese ambassador to protest on Tuesday. \
The two governments agreed to hold talks next week.\n\nOfficials said the row would not \
derail the visit.\n";

/// A folder with a copy of the front as `detente` and a stand-in `detente-torch` that
/// appends a line to `called` and runs the real one; the stand-in is an hour older than
/// the front.
struct Pair {
    work: Workdir,
    front: PathBuf,
    torch: PathBuf,
}

impl Pair {
    fn new() -> Pair {
        let work = Workdir::new();
        let bin = work.path("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let torch = bin.join("detente-torch");
        std::fs::write(
            &torch,
            format!(
                "#!/bin/sh\necho called >> '{}'\nexec '{}' \"$@\"\n",
                work.path("called").display(),
                BIN
            ),
        )
        .unwrap();
        make_executable(&torch);
        let front = bin.join("detente");
        std::fs::copy(front_bin(), &front).unwrap();
        let pair = Pair { work, front, torch };
        pair.torch_age(-3600);
        pair
    }

    /// Sets the stand-in's modification time `seconds` from the front's.
    fn torch_age(&self, seconds: i64) {
        let front = std::fs::metadata(&self.front).unwrap().modified().unwrap();
        let when = if seconds >= 0 {
            front + Duration::from_secs(seconds as u64)
        } else {
            front - Duration::from_secs(seconds.unsigned_abs())
        };
        let f = std::fs::File::options()
            .write(true)
            .open(&self.torch)
            .unwrap();
        f.set_modified(when).unwrap();
    }

    /// Runs the front; returns its output and whether it handed over (and resets that).
    fn run(&self, args: &[&str]) -> (Output, bool) {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> (Output, bool) {
        let called = self.work.path("called");
        let _ = std::fs::remove_file(&called);
        let out = run_in(&self.front, self.work.dir.path(), args, env);
        (out, called.exists())
    }
}

fn run_in(bin: &Path, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin);
    cmd.env_clear()
        .current_dir(dir)
        .args(args)
        .envs(env.iter().copied());
    for key in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    cmd.output().expect("run the front")
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The same command through `detente-torch` itself, for comparison.
fn direct(work: &Workdir, args: &[&str]) -> Output {
    run_in(Path::new(BIN), work.dir.path(), args, &[])
}

fn assert_same_bytes(a: &Path, b: &Path) {
    let (x, y) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(x == y, "{} and {} differ", a.display(), b.display());
}

#[test]
fn front_scores_the_lexicon_itself_and_hands_the_encoder_over_with_identical_output() {
    let pair = Pair::new();
    pair.work.write("in/story.txt", STORY.as_bytes());

    let (out, handed) = pair.run(&[
        "score",
        "in",
        "--scorers",
        "lexicon,actors",
        "--roles",
        "rules",
        "-o",
        "front.csv",
    ]);
    let out = ok(out);
    assert!(
        !handed,
        "a run without the encoder must stay in the front\n{}",
        show(&out)
    );
    ok(direct(
        &pair.work,
        &[
            "score",
            "in",
            "--scorers",
            "lexicon,actors",
            "--roles",
            "rules",
            "-o",
            "torch.csv",
        ],
    ));
    assert_same_bytes(&pair.work.path("front.csv"), &pair.work.path("torch.csv"));
    let (out, handed) = pair.run(&["aggregate", "front.csv", "--by", "doc", "-o", "agg.csv"]);
    ok(out);
    assert!(!handed);
    assert_eq!(read_csv(&pair.work.path("agg.csv")).1.len(), 1);

    let (out, handed) = pair.run(&["score", "in", "-o", "front-all.csv"]);
    let out = ok(out);
    assert!(
        handed,
        "the default scorers need the encoder\n{}",
        show(&out)
    );
    ok(direct(&pair.work, &["score", "in", "-o", "torch-all.csv"]));
    assert_same_bytes(
        &pair.work.path("front-all.csv"),
        &pair.work.path("torch-all.csv"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("error:") && !stderr.contains("warning:"),
        "{stderr}"
    );
}

#[test]
fn front_hands_over_train_and_device_requests_and_keeps_segment() {
    let pair = Pair::new();
    pair.work.write("in/story.txt", STORY.as_bytes());
    // `train` without its data sets: the usage error comes from detente-torch.
    let (out, handed) = pair.run_env(
        &["train", "--head", "roles"],
        &[("DETENTE_DATASETS", "/nonexistent/detente-datasets")],
    );
    assert!(handed, "train needs libtorch\n{}", show(&out));
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("DETENTE_DATASETS"),
        "{}",
        show(&out)
    );
    let (out, handed) = pair.run(&[
        "score",
        "in",
        "--scorers",
        "lexicon",
        "--device",
        "auto",
        "-o",
        "a.csv",
    ]);
    ok(out);
    assert!(handed, "only detente-torch can tell whether a GPU is there");
    let (out, handed) = pair.run(&["segment", "in", "-o", "s.csv"]);
    ok(out);
    assert!(!handed);
}

#[test]
fn an_older_front_hands_everything_over_and_a_missing_torch_binary_is_named() {
    let pair = Pair::new();
    pair.work.write("in/story.txt", STORY.as_bytes());
    pair.torch_age(3600);
    let (out, handed) = pair.run(&["score", "in", "--scorers", "lexicon", "-o", "a.csv"]);
    ok(out);
    assert!(
        handed,
        "a front older than detente-torch may be stale: it must hand over"
    );

    std::fs::remove_file(&pair.torch).unwrap();
    let (out, _) = pair.run(&["score", "in", "--scorers", "lexicon", "-o", "b.csv"]);
    ok(out);
    let (out, _) = pair.run(&["score", "in", "-o", "c.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("detente-torch") && stderr.contains("scripts/build/bin"),
        "{stderr}"
    );
    assert!(
        !pair.work.path("c.csv").exists(),
        "nothing is written before the hand-over"
    );
}

#[test]
fn front_does_not_link_libtorch() {
    let front = front_bin();
    let out = Command::new("ldd")
        .arg(&front)
        .output()
        .expect("ldd (glibc) runs");
    assert!(out.status.success(), "{}", show(&out));
    let libs = String::from_utf8_lossy(&out.stdout);
    assert!(
        !libs.contains("libtorch") && !libs.contains("libc10"),
        "{libs}"
    );
}
