//! The frozen bottom of the encoder, computed once: for every sentence, the hidden states
//! entering the first tuned layer (stored as f16, as the Python recipe did). Training then
//! runs only the tuned top layers; the maths is the same because the bottom is frozen.
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use tch::{Kind, Tensor};

use crate::error::Error;
use crate::model::bert::{self, Bert};
use crate::model::tokenize::SentenceTokenizer;

/// Longest sentence the cache holds, in tokens (evaluation length; training cuts to
/// `max_len`).
pub const CACHE_TOKENS: usize = 128;
const BATCH: usize = 64;

pub struct Cache {
    /// One [n_tokens, hidden] f16 tensor per sentence.
    states: Vec<Tensor>,
}

/// Token ids of each text, cut at `max_tokens` (keeping the final `[SEP]`).
pub fn tokenize(tok: &SentenceTokenizer, texts: &[String]) -> Result<Vec<Vec<u32>>, Error> {
    texts.iter().map(|t| Ok(tok.encode(t)?.ids)).collect()
}

/// Indices sorted by length (stable), so that batches pad little.
pub fn by_length(lengths: &[usize], idx: &[usize]) -> Vec<usize> {
    let mut order = idx.to_vec();
    order.sort_by_key(|&i| lengths[i]);
    order
}

impl Cache {
    /// Runs embeddings and layers `0..start` (no adapters) over every sentence.
    pub fn build(base: &Bert, ids: &[Vec<u32>], start: usize) -> Cache {
        let lengths: Vec<usize> = ids.iter().map(|s| s.len()).collect();
        let all: Vec<usize> = (0..ids.len()).collect();
        let mut states: Vec<Option<Tensor>> = (0..ids.len()).map(|_| None).collect();
        tch::no_grad(|| {
            for chunk in by_length(&lengths, &all).chunks(BATCH) {
                let batch: Vec<&[u32]> = chunk.iter().map(|&i| ids[i].as_slice()).collect();
                let (tok, mask) = bert::pad_ids(&batch);
                let h = bert::run_layers(
                    base,
                    None,
                    base.embeddings_padded(&tok),
                    &mask,
                    0,
                    start,
                    false,
                );
                for (b, &i) in chunk.iter().enumerate() {
                    let n = lengths[i] as i64;
                    states[i] = Some(h.get(b as i64).narrow(0, 0, n).to_kind(Kind::Half));
                }
            }
        });
        Cache {
            states: states
                .into_iter()
                .map(|s| s.expect("every sentence cached"))
                .collect(),
        }
    }

    /// Like [`Cache::build`], but kept in `dir` under a name fingerprinted by the base
    /// weights (`weights_sha256`), `start` and every token id, so a later run with the same
    /// inputs reads it instead of recomputing.
    pub fn load_or_build(
        base: &Bert,
        ids: &[Vec<u32>],
        start: usize,
        dir: &Path,
        weights_sha256: &str,
    ) -> Result<Cache, Error> {
        let mut h = Sha256::new();
        h.update(format!("{weights_sha256} start {start} n {}", ids.len()));
        for s in ids {
            h.update((s.len() as u32).to_le_bytes());
            s.iter().for_each(|id| h.update(id.to_le_bytes()));
        }
        let fp: String = h.finalize()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = dir.join(format!("frozen-{fp}.safetensors"));
        let io = Error::io(&path);
        if path.is_file() {
            // Read now: the newest in the folder, so the last to be pruned. A folder that
            // cannot be written to still serves its caches.
            let _ = touch(&path);
            let t = Tensor::read_safetensors(&path).map_err(|e| Error::Model {
                path: path.clone(),
                message: format!("{e} (delete it to recompute)"),
            })?;
            let get = |n: &str| {
                t.iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.shallow_clone())
            };
            if let (Some(states), Some(lengths)) = (get("states"), get("lengths")) {
                let lengths = Vec::<i64>::try_from(&lengths)?;
                if lengths.len() == ids.len()
                    && lengths.iter().zip(ids).all(|(&l, s)| l as usize == s.len())
                {
                    let mut off = 0;
                    let states = lengths
                        .iter()
                        .map(|&l| {
                            off += l;
                            states.narrow(0, off - l, l)
                        })
                        .collect();
                    return Ok(Cache { states });
                }
            }
        }
        let cache = Cache::build(base, ids, start);
        std::fs::create_dir_all(dir).map_err(&io)?;
        let lengths: Vec<i64> = cache.states.iter().map(|s| s.size()[0]).collect();
        let all = Tensor::cat(&cache.states, 0);
        let tmp = path.with_extension("tmp");
        Tensor::write_safetensors(
            &[("states", &all), ("lengths", &Tensor::from_slice(&lengths))],
            &tmp,
        )
        .map_err(|e| Error::Model {
            path: tmp.clone(),
            message: e.to_string(),
        })?;
        std::fs::rename(&tmp, &path).map_err(&io)?;
        Ok(cache)
    }

    /// Removes the least recently used cache files of `dir` not used since `since`, oldest
    /// first, until the folder's cache files take at most `keep_bytes`. Files this run read or
    /// wrote are never removed, however large. Returns the removed paths and their sizes.
    pub fn prune(
        dir: &Path,
        keep_bytes: u64,
        since: SystemTime,
    ) -> Result<Vec<(PathBuf, u64)>, Error> {
        let io = Error::io(dir);
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(&io)? {
            let entry = entry.map_err(&io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !(name.starts_with("frozen-") && name.ends_with(".safetensors")) {
                continue;
            }
            let meta = entry.metadata().map_err(&io)?;
            files.push((entry.path(), meta.len(), meta.modified().map_err(&io)?));
        }
        // Newest first; keep while under the budget, then remove what this run did not use.
        files.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        let mut total = 0u64;
        let mut removed = Vec::new();
        for (path, len, modified) in files {
            total += len;
            if total > keep_bytes && modified < since {
                std::fs::remove_file(&path).map_err(Error::io(&path))?;
                total -= len;
                removed.push((path, len));
            }
        }
        Ok(removed)
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    pub fn length(&self, i: usize) -> usize {
        self.states[i].size()[0] as usize
    }

    pub fn lengths(&self) -> Vec<usize> {
        (0..self.len()).map(|i| self.length(i)).collect()
    }

    /// A padded batch: states [B, L, H] (f32) and mask [B, L], L = min(max_len, longest).
    /// A sentence over L keeps its first L − 1 states and the state of its final `[SEP]`
    /// (an approximation of re-tokenising: its lower layers saw the whole sentence).
    pub fn batch(&self, idx: &[usize], max_len: usize) -> (Tensor, Tensor) {
        let longest = idx.iter().map(|&i| self.length(i)).max().unwrap_or(1);
        let l = longest.min(max_len) as i64;
        let mut mask = vec![0f32; idx.len() * l as usize];
        let rows: Vec<Tensor> = idx
            .iter()
            .enumerate()
            .map(|(b, &i)| {
                let s = &self.states[i];
                let n = s.size()[0];
                let kept = if n > l {
                    Tensor::cat(&[s.narrow(0, 0, l - 1), s.narrow(0, n - 1, 1)], 0)
                } else {
                    s.shallow_clone()
                };
                let k = kept.size()[0];
                mask[b * l as usize..b * l as usize + k as usize].fill(1.0);
                kept.constant_pad_nd([0, 0, 0, l - k])
            })
            .collect();
        let x = Tensor::stack(&rows, 0).to_kind(Kind::Float);
        (x, Tensor::from_slice(&mask).view([idx.len() as i64, l]))
    }
}

/// Marks a cache file as just used (its modification time), for [`Cache::prune`].
fn touch(path: &Path) -> std::io::Result<()> {
    std::fs::File::options()
        .write(true)
        .open(path)?
        .set_modified(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn file(dir: &Path, name: &str, len: usize, age_s: u64) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, vec![0u8; len]).unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(age_s))
            .unwrap();
        p
    }

    #[test]
    fn prune_removes_the_least_recently_used_until_under_the_budget_and_spares_this_run() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let oldest = file(d, "frozen-a.safetensors", 400, 300);
        let older = file(d, "frozen-b.safetensors", 300, 200);
        let old = file(d, "frozen-c.safetensors", 200, 100);
        let other = file(d, "notes.txt", 5000, 400);
        let since = SystemTime::now() - Duration::from_secs(10);
        // This run's file alone is over the budget: kept all the same.
        let mine = file(d, "frozen-d.safetensors", 600, 0);
        let removed = Cache::prune(d, 850, since).unwrap();
        let names: Vec<_> = removed.iter().map(|(p, n)| (p.clone(), *n)).collect();
        assert_eq!(names, vec![(older.clone(), 300), (oldest.clone(), 400)]);
        assert!(mine.is_file() && old.is_file() && other.is_file());
        assert!(!older.exists() && !oldest.exists());
        // Under the budget: nothing goes.
        assert!(Cache::prune(d, 10_000, since).unwrap().is_empty());
        // A file read again is this run's: spared even over the budget.
        touch(&old).unwrap();
        assert!(Cache::prune(d, 0, since).unwrap().is_empty());
    }
}
