//! Sentence embeddings as a float32 `.npy` file, its rows aligned with the CSV's.
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{commit, open_partial};
use crate::error::Error;

/// A float32 `.npy` file of N×dim rows, written as rows arrive; the header's row count is
/// filled in by [`NpyOut::finish`].
pub struct NpyOut {
    file: BufWriter<File>,
    path: PathBuf,
    dim: usize,
    rows: usize,
}

const NPY_HEADER_LEN: usize = 128;

impl NpyOut {
    /// Creates `FILE.partial`; [`NpyOut::finish`] fills in the row count and renames it.
    pub fn create(path: &Path, dim: usize) -> Result<NpyOut, Error> {
        Self::open(path, dim, None)
    }

    /// Reopens a partial file, keeping its first `rows` rows.
    pub fn resume(path: &Path, dim: usize, rows: usize) -> Result<NpyOut, Error> {
        Self::open(path, dim, Some(rows))
    }

    fn open(path: &Path, dim: usize, rows: Option<usize>) -> Result<NpyOut, Error> {
        let keep = rows.map(|r| (NPY_HEADER_LEN + r * dim * 4) as u64);
        let mut file = BufWriter::new(open_partial(path, keep)?);
        if rows.is_none() {
            file.write_all(&npy_header(0, dim))
                .map_err(Error::io(path))?;
        }
        Ok(NpyOut {
            file,
            path: path.to_path_buf(),
            dim,
            rows: rows.unwrap_or(0),
        })
    }

    /// Flushes and returns the number of complete rows.
    pub fn checkpoint(&mut self) -> Result<usize, Error> {
        self.file.flush().map_err(Error::io(&self.path))?;
        Ok(self.rows)
    }

    /// Appends rows (row-major, a multiple of `dim` values).
    pub fn write(&mut self, values: &[f32]) -> Result<(), Error> {
        debug_assert_eq!(values.len() % self.dim, 0);
        for v in values {
            self.file
                .write_all(&v.to_le_bytes())
                .map_err(Error::io(&self.path))?;
        }
        self.rows += values.len() / self.dim;
        Ok(())
    }

    pub fn finish(mut self) -> Result<usize, Error> {
        let io = Error::io(&self.path);
        self.file.seek(SeekFrom::Start(0)).map_err(&io)?;
        self.file
            .write_all(&npy_header(self.rows, self.dim))
            .map_err(&io)?;
        self.file.flush().map_err(&io)?;
        drop(self.file);
        commit(&self.path)?;
        Ok(self.rows)
    }
}

/// An NPY 1.0 header padded to a fixed 128 bytes, so it can be rewritten in place.
fn npy_header(rows: usize, dim: usize) -> Vec<u8> {
    let dict = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dim}), }}");
    let mut h = b"\x93NUMPY\x01\x00".to_vec();
    let len = (NPY_HEADER_LEN - 10) as u16;
    h.extend_from_slice(&len.to_le_bytes());
    h.extend_from_slice(dict.as_bytes());
    while h.len() < NPY_HEADER_LEN - 1 {
        h.push(b' ');
    }
    h.push(b'\n');
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_header_is_aligned_and_rewritable() {
        let a = npy_header(0, 384);
        let b = npy_header(123456789, 384);
        assert_eq!(a.len(), 128);
        assert_eq!(b.len(), 128);
        assert!(std::str::from_utf8(&b[10..])
            .unwrap()
            .contains("(123456789, 384)"));
    }
}
