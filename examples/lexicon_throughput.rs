//! In-process speed of the lexicon scorer on one thread: scores every line of a file
//! (one sentence per line) `--repeat` times and prints sentences per second.
//!
//!     cargo run --release --example lexicon_throughput -- SENTENCES.txt [REPEAT]
//!
//! `scripts/bench/lexicon` runs it beside the Python reference on the same sentences.
use std::time::Instant;

use detente::score::Vader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or("usage: lexicon_throughput SENTENCES.txt [REPEAT]")?;
    let repeat: usize = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(5);
    let models = detente::model::files::resolve(None).path;
    let vader = Vader::from_files(
        &models.join("vader/vader_lexicon.txt"),
        &models.join("vader/emoji_utf8_lexicon.txt"),
    )?;
    let text = std::fs::read_to_string(path)?;
    let sentences: Vec<&str> = text.lines().collect();
    let mut checksum = 0.0;
    let mut best = f64::INFINITY;
    for _ in 0..repeat {
        let start = Instant::now();
        for s in &sentences {
            checksum += vader.polarity_scores(s).compound;
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "detente lexicon: {} sentences in {:.4} s (best of {repeat}) = {:.0} sentences/s (one thread; checksum {checksum:.4})",
        sentences.len(),
        best,
        sentences.len() as f64 / best
    );
    Ok(())
}
