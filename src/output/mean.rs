//! A running mean, for the statistics that `aggregate` and `report` compute over the rows
//! of sentence tables in one pass.

/// A running mean of the values added; `None` until one is.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Mean {
    sum: f64,
    n: u64,
}

impl Mean {
    pub(crate) fn add(&mut self, v: f64) {
        self.sum += v;
        self.n += 1;
    }
    /// Adds the value when there is one (an empty cell is not a zero).
    pub(crate) fn add_some(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.add(v);
        }
    }
    /// How many values were added.
    pub(crate) fn count(&self) -> u64 {
        self.n
    }
    pub(crate) fn get(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::Mean;

    #[test]
    fn mean_of_present_values() {
        let mut m = Mean::default();
        assert_eq!(m.get(), None);
        m.add(1.0);
        m.add_some(None);
        m.add_some(Some(2.0));
        assert_eq!(m.get(), Some(1.5));
    }
}
