//! `--shard K/N`: which documents one of N independent processes (a Slurm array task, a
//! Kubernetes indexed job) handles, so that together they cover the corpus exactly once.
//!
//! A document belongs to shard `fnv1a64(doc_id) mod N`. FNV-1a (64-bit, offset basis
//! 0xcbf29ce484222325, prime 0x100000001b3) over the UTF-8 bytes of `doc_id` is fixed by
//! its specification, so the split is the same on every platform and in every version;
//! Rust's default hasher is randomised per process and could not be used. Documents with
//! the same id land in the same shard, so duplicate ids are still detected.
use std::fmt;
use std::str::FromStr;

/// One shard of N: documents whose id hashes to `index` modulo `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

/// The hash that assigns documents to shards, named in the manifest.
pub const HASH_NAME: &str = "fnv1a-64";

/// FNV-1a, 64-bit.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Shard {
    /// The shard that owns a key (a `doc_id`, or the place of an input error).
    pub fn of(key: &str, count: u64) -> u64 {
        fnv1a64(key.as_bytes()) % count
    }

    /// Whether this shard handles the document (or error) with this key.
    pub fn owns(&self, key: &str) -> bool {
        Shard::of(key, self.count) == self.index
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N` with 0 ≤ K < N.
    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("'{s}' is not K/N (e.g. 0/4)"))?;
        let num = |v: &str, what: &str| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| format!("'{s}': {what} '{v}' is not a whole number"))
        };
        let (index, count) = (num(k, "K")?, num(n, "N")?);
        if count == 0 {
            return Err(format!("'{s}': N must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "'{s}': K must be between 0 and N-1 = {}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv).
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn parses_and_validates() {
        assert_eq!("2/5".parse::<Shard>(), Ok(Shard { index: 2, count: 5 }));
        assert_eq!("0/1".parse::<Shard>().unwrap().to_string(), "0/1");
        for bad in ["5/5", "1/0", "3", "-1/4", "a/b", "1/"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_id_has_exactly_one_owner() {
        let n = 7;
        for i in 0..500 {
            let id = format!("doc-{i}");
            let owners = (0..n)
                .filter(|&k| Shard { index: k, count: n }.owns(&id))
                .count();
            assert_eq!(owners, 1, "{id}");
        }
    }
}
