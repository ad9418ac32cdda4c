//! Progress on stderr for long runs: documents, sentences, sentences/s and, when the input
//! size is known, a bar with an ETA. Nothing is drawn in the first second, when stderr is
//! not a terminal, or under `--quiet`.
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    enabled: bool,
    started: Instant,
    total_bytes: Option<u64>,
    bar: Option<ProgressBar>,
    pub bytes: u64,
    pub documents: u64,
    pub sentences: u64,
}

impl Progress {
    /// `total_bytes`: the input size when every input is a plain file.
    pub fn new(quiet: bool, total_bytes: Option<u64>) -> Progress {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
            started: Instant::now(),
            total_bytes,
            bar: None,
            bytes: 0,
            documents: 0,
            sentences: 0,
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Records a finished chunk and redraws.
    pub fn advance(&mut self, bytes: u64, documents: u64, sentences: u64) {
        self.bytes += bytes;
        self.documents += documents;
        self.sentences += sentences;
        if !self.enabled || self.started.elapsed() < Duration::from_secs(1) {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let (bar, template) = match self.total_bytes {
                Some(total) => (
                    ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
                    "{elapsed_precise} [{bar:30}] {percent:>3}% {msg} ETA {eta}",
                ),
                None => (
                    ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                    "{elapsed_precise} {spinner} {msg}",
                ),
            };
            bar.set_style(
                ProgressStyle::with_template(template)
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        bar.set_position(self.bytes);
        bar.set_message(format!(
            "{} documents, {} sentences, {:.0} sentences/s",
            self.documents,
            self.sentences,
            self.sentences as f64 / secs
        ));
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
