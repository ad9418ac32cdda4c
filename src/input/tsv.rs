//! The tab-separated tables the project ships and reads besides corpora (the actor
//! tables in `models/actors/`, the silver roots in `datasets/`): `#` comment lines and
//! blank lines anywhere, then one header line, then rows. One reader, so every table
//! skips the same lines and numbers them the same way in its errors.

/// The data rows of a table: each with its 1-based line number in the file and its
/// tab-separated fields, after the header (comment and blank lines skipped).
pub fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .skip(1)
        .map(|(i, line)| (i + 1, line.split('\t').collect()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn rows_skip_comments_blank_lines_and_the_header() {
        let t = "# a comment\n\nname\tcode\nJapan\tJPN\n# later comment\nKorea\tKOR\n";
        let rows: Vec<_> = super::rows(t).collect();
        assert_eq!(rows, [(4, vec!["Japan", "JPN"]), (6, vec!["Korea", "KOR"])]);
    }
}
