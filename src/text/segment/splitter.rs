//! The sentence splitter: a state machine that makes one linear pass over a paragraph,
//! never allocating per character, and decides at each terminator and new line whether a
//! sentence ends there. Its rules, tuned for wire copy:
//!
//! - A full stop ends a sentence when the next word can start one, unless it belongs to a
//!   number ("3.5"), a title that always precedes a name ("Gen.", "Lt. Col.", "e.g."), an
//!   initial ("J. R. Smith", but "you and I." ends), or an abbreviation ("U.S.", "Co.",
//!   "Jan. 5", "No. 1", "N°. 12"); after an abbreviation or initial only a typical opening
//!   word ("The", "He", "Officials") starts a new sentence. "a.m."/"p.m." end a sentence
//!   before a capitalised word unless it is a day, month or time zone ("5 p.m. Tuesday"),
//!   or the sentence so far is an opening time phrase ("At 5 a.m. Mr. Smith left.").
//!   Abbreviations include units, currencies, publications and regulations ("Rs. 500",
//!   "Eq. 2", "85 Fed. Reg. 41020") and books of the Bible before chapter:verse ("Matt.
//!   5:9"): before a number they never end a sentence. "Q." and "A." open an interview
//!   answer's sentence.
//! - A full stop glued to a capitalised word ("world.Today") ends a sentence, except
//!   inside e-mail addresses, URLs and dotted abbreviations.
//! - Reference marks glued after a terminator belong to the sentence it ends: bracketed
//!   (`2019.[3]`, `[12][13]`, `[a]`) after any terminator, one to three digits after a full
//!   stop that follows a letter or closing bracket ("annex).4"; not "3.5" or "2030.12").
//! - `!`, `?` end a sentence when the next word is not lower case ("Yahoo! in") and no
//!   dash follows ("the minister — wow! — agreed"); an
//!   ellipsis ("...", "…", ". . .") ends one before a capitalised word other than "I",
//!   an ellipsis plus full stop (four dots) before any sentence start, and "[...]" never.
//!   Ideographic "。", "！", "？" end one even with no space after them.
//! - Closing quotes and brackets stay with the sentence they close; a parenthesised
//!   citation after a closing quote ('..." (Smith 55).') stays with the quote.
//! - Lists: a sentence may start with a bullet and/or an enumerator ("1.", "2.)", "3)",
//!   "(4)", "a.", "ii.", "(iv)", "• 9."), whose full stop never ends it; once a list starts, the next
//!   enumerator ("2." after "1.") or a bullet starts a new sentence even without a full
//!   stop, and so does a new line that starts with a list item.
//! - New lines: inside prose a single new line is a hard wrap, not a boundary, except
//!   after a heading: a line of at most 60 bytes that is the whole sentence so far, with no
//!   punctuation or continuing word at its end, before a capitalised line. A
//!   paragraph of several lines with no sentence punctuation at all (a list of short
//!   items) is split at each new line, unless a line is long or visibly continues.
use super::lists::{bullet_len, enumerator, joins, line_list, marker, Enumerator};
use super::span::Span;
use super::words::{
    dotted, first_word, in_list, is_space, listed, lower, pronoun_i, starts_capital,
    starts_sentence, strip_openers, ABBREVIATIONS, CAPITALISED_ABBREVIATIONS, CLOSERS,
    CONTINUATIONS, HEADING_MAX, NEVER_ENDS, OPENERS, QUOTES, TIME_CONTINUATIONS, TIME_PREPOSITIONS,
    TOP_LEVEL_DOMAINS, WORD_MAX,
};

/// Sentences of the paragraph `para` of `text`, as absolute byte spans.
pub fn sentences(text: &str, para: Span) -> Vec<Span> {
    let p = &text[para.start..para.end];
    let mut s = Splitter {
        p,
        b: p.as_bytes(),
        base: para.start,
        out: Vec::new(),
        cut: 0,
        start: 0,
        expect: None,
        bulleted: false,
        line_start: 0,
        line_list: None,
    };
    s.run();
    s.out
}

/// The state of one pass over a paragraph.
struct Splitter<'a> {
    p: &'a str,
    b: &'a [u8],
    base: usize,
    out: Vec<Span>,
    /// Where the current sentence's range starts (the last cut).
    cut: usize,
    /// The current sentence's first non-space byte.
    start: usize,
    /// The enumerator that would open the next list item.
    expect: Option<Enumerator>,
    /// Whether the current list's items start with bullets.
    bulleted: bool,
    /// Where the current line starts.
    line_start: usize,
    /// Whether the paragraph is a list of lines (decided at its first new line).
    line_list: Option<bool>,
}

impl Splitter<'_> {
    fn run(&mut self) {
        let n = self.b.len();
        let mut i = self.begin(0);
        while i < n {
            i = match self.b[i] {
                b'.' | b'!' | b'?' => self.terminator(i),
                0xE2 => match self.b.get(i + 1..i + 3) {
                    Some([0x80, 0xA6] | [0x80, 0xBD]) => self.terminator(i), // … ‽
                    _ if i > self.start
                        && is_space(self.b[i - 1])
                        && bullet_len(self.b, i).is_some() =>
                    {
                        self.cut_at(i);
                        self.begin(i)
                    }
                    _ => i + 1,
                },
                0xE3 | 0xEF if cjk_terminator(self.b, i) > 0 => self.cjk_terminator(i),
                b'\n' => self.newline(i),
                b' ' | b'\t' | b'\r' if self.expect.is_some() && i > self.start => {
                    let k = i + 1;
                    if k < n && !is_space(self.b[k]) && self.expected_at(k) {
                        self.cut_at(k);
                        self.begin(k)
                    } else {
                        k
                    }
                }
                _ => i + 1,
            };
        }
        self.push(self.cut, n);
    }

    /// Pushes the trimmed range `[from, to)` if anything is left of it.
    fn push(&mut self, from: usize, to: usize) {
        let s = &self.p[from..to];
        let t = s.trim_start();
        let start = from + (s.len() - t.len());
        let end = start + t.trim_end().len();
        if start < end {
            self.out.push(Span {
                start: self.base + start,
                end: self.base + end,
            });
        }
    }

    /// Ends the current sentence at byte `at`.
    fn cut_at(&mut self, at: usize) {
        if at > self.cut {
            self.push(self.cut, at);
            self.cut = at;
        }
    }

    /// Starts a sentence at or after `at`: skips white space and a list marker; returns
    /// where scanning goes on.
    fn begin(&mut self, at: usize) -> usize {
        let s = self.skip_space(at);
        self.start = s;
        match marker(self.b, s) {
            Some(m) => {
                if let Some(e) = m.number {
                    self.expect = Some(Enumerator {
                        value: e.value + 1,
                        ..e
                    });
                }
                self.bulleted = m.bullet;
                m.end
            }
            None => s,
        }
    }

    fn skip_space(&self, at: usize) -> usize {
        let s = &self.p[at..];
        at + (s.len() - s.trim_start().len())
    }

    /// Does the next list item's enumerator (or a bullet, in a bulleted list) start at `k`?
    fn expected_at(&self, k: usize) -> bool {
        match (self.expect, enumerator(self.b, k)) {
            (Some(want), Some((got, _))) => want == got,
            _ => false,
        }
    }

    /// A run of terminators at `i`: decides whether it ends the sentence and returns where
    /// scanning goes on.
    fn terminator(&mut self, i: usize) -> usize {
        let (b, n) = (self.b, self.b.len());
        let mut j = i;
        let (mut dots, mut strong, mut spaced) = (0usize, false, false);
        while j < n {
            match b[j] {
                b'.' => dots += 1,
                b'!' | b'?' => strong = true,
                0xE2 if b.get(j + 1..j + 3) == Some(&[0x80, 0xA6]) => {
                    dots += 3;
                    j += 3;
                    continue;
                }
                0xE2 if b.get(j + 1..j + 3) == Some(&[0x80, 0xBD]) => {
                    strong = true;
                    j += 3;
                    continue;
                }
                // A spaced ellipsis ". . .": a space, then a full stop not before a word.
                b' ' if dots > 0
                    && b.get(j + 1) == Some(&b'.')
                    && !b.get(j + 2).is_some_and(u8::is_ascii_alphanumeric) =>
                {
                    spaced = true;
                }
                _ => break,
            }
            j += 1;
        }
        let attached = i > 0 && !is_space(b[i - 1]);
        // "[...]" marks an omission, never an end.
        if !strong
            && dots >= 2
            && i > 0
            && matches!(b[i - 1], b'[' | b'(')
            && matches!(b.get(j), Some(b']' | b')'))
        {
            return j + 1;
        }
        // Closing quotes and brackets stay with the sentence.
        let mut k = j;
        let mut quoted = false;
        while let Some(c) = self.p[k..].chars().next() {
            if !CLOSERS.contains(&c) {
                break;
            }
            quoted |= QUOTES.contains(&c);
            k += c.len_utf8();
        }
        if k >= n {
            return n;
        }
        let next = self.p[k..].chars().next().unwrap_or(' ');
        let glued = !next.is_whitespace();
        // A reference mark after the terminator ("2019.[3] The", "annex).4 Delegates")
        // belongs to the sentence it ends; the next capitalised word starts another.
        if glued {
            if let Some(len) = self.reference_mark(i, k) {
                let rest_at = self.skip_space(k + len);
                if rest_at >= n {
                    return n;
                }
                if rest_at > k + len && starts_capital(&self.p[rest_at..]) {
                    self.cut_at(k + len);
                    return self.begin(k + len).max(k + len);
                }
                return k + len;
            }
        }
        if glued && !(dots == 1 && !strong && k == i + 1 && self.glued_sentence(i)) {
            return k;
        }
        let rest_at = self.skip_space(k);
        if rest_at >= n {
            return n;
        }
        let rest = &self.p[rest_at..];
        let mut cut = k;
        // "the minister — wow! — agreed": an aside set off by dashes.
        let dash = rest.starts_with(['—', '–']) || rest.starts_with("- ");
        let mut ends = if strong {
            starts_sentence(rest) && !dash
        } else if dots == 1 {
            self.full_stop_ends(i, rest)
        } else if spaced && attached && dots >= 4 && b[i] == b'.' && b.get(i + 1) == Some(&b' ') {
            // "compounds. . . . The": the full stop ends the sentence, the ellipsis opens
            // the next one.
            cut = i + 1;
            starts_sentence(rest)
        } else if dots >= 4 {
            starts_sentence(rest)
        } else {
            starts_capital(rest) && !pronoun_i(rest)
        };
        if ends && quoted && rest.starts_with('(') && citation(rest) {
            ends = false;
        }
        if !ends {
            return k;
        }
        self.cut_at(cut);
        let resume = self.begin(cut);
        resume.max(k)
    }

    /// The length of a reference mark glued to the terminator run that starts at `i` and
    /// ends at `k`: a bracketed number ("[3]", "[12, 14]") after any terminator, or one to
    /// three digits after a full stop that follows a letter or a closing bracket ("annex).4",
    /// "report.12"; not "3.5" nor "2030.12", which read as numbers), then white space.
    fn reference_mark(&self, i: usize, k: usize) -> Option<usize> {
        let b = self.b;
        let spaced = |e: usize| b.get(e).is_none_or(|c| is_space(*c));
        if b.get(k) == Some(&b'[') {
            // One or more marks: "[12][13]", "[a]", "[note 2]".
            let mut e = k;
            while b.get(e) == Some(&b'[') {
                let close = b[e..].iter().take(12).position(|&c| c == b']')?;
                let inner = &b[e + 1..e + close];
                let mark = !inner.is_empty()
                    && inner
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b',' | b' ' | b'-'));
                if !mark {
                    return None;
                }
                e += close + 1;
            }
            return spaced(e).then_some(e - k);
        }
        let before = i.checked_sub(1).map(|j| b[j])?;
        if !(before.is_ascii_alphabetic() || matches!(before, b')' | b']' | b'"')) {
            return None;
        }
        let digits = b[k..]
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_digit())
            .count();
        ((1..=3).contains(&digits) && spaced(k + digits)).then_some(digits)
    }

    /// A run of ideographic terminators ("。", "！", "？") at `i`: it ends the sentence,
    /// with or without white space after it, unless the paragraph ends first or a closing
    /// quote runs straight on into more text.
    fn cjk_terminator(&mut self, i: usize) -> usize {
        let mut k = i;
        loop {
            let n = cjk_terminator(self.b, k);
            if n == 0 {
                break;
            }
            k += n;
        }
        let run_end = k;
        while let Some(c) = self.p[k..].chars().next() {
            if !CLOSERS.contains(&c) {
                break;
            }
            k += c.len_utf8();
        }
        if self.skip_space(k) >= self.b.len() {
            return self.b.len();
        }
        // "「本当ですか？」と彼は聞いた。": a closed quote that the sentence runs on from.
        if k > run_end && !self.p[k..].starts_with(char::is_whitespace) {
            return k;
        }
        self.cut_at(k);
        self.begin(k).max(k)
    }

    /// Is the full stop at `i`, glued to the next word, a sentence end ("world.Today",
    /// "1,000.That") rather than part of a name, address or abbreviation?
    fn glued_sentence(&self, i: usize) -> bool {
        let b = self.b;
        let Some(&before) = i.checked_sub(1).and_then(|k| b.get(k)) else {
            return false;
        };
        if !(before.is_ascii_lowercase() || before.is_ascii_digit()) {
            return false;
        }
        if !(b.get(i + 1).is_some_and(u8::is_ascii_uppercase)
            && b.get(i + 2).is_some_and(u8::is_ascii_lowercase))
        {
            return false;
        }
        let url = |c: &u8| matches!(c, b'@' | b'/' | b':' | b'\\' | b'_' | b'=' | b'#' | b'.');
        let Some(ws) = self.word_start(i) else {
            return false;
        };
        if b[ws..i].iter().any(url) {
            return false;
        }
        // "Yahoo.Com": a domain, not a sentence.
        let tld_len = b[i + 1..]
            .iter()
            .take(8)
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let tld = &self.p[i + 1..i + 1 + tld_len];
        if in_list(tld, TOP_LEVEL_DOMAINS) {
            return false;
        }
        let mut k = i + 1;
        while k < b.len() && !is_space(b[k]) {
            if k - i > 64
                || (url(&b[k]) && !(b[k] == b'.' && b.get(k + 1).is_none_or(|c| is_space(*c))))
            {
                return false;
            }
            k += 1;
        }
        true
    }

    /// Where the word that ends at `i` starts (after white space or the sentence start),
    /// or `None` when it is longer than 64 bytes.
    fn word_start(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let lim = self.start.max(i.saturating_sub(64));
        let mut k = i;
        while k > lim {
            if is_space(b[k - 1]) || (k >= 2 && b[k - 2] == 0xC2 && b[k - 1] == 0xA0) {
                return Some(k);
            }
            k -= 1;
        }
        (k == self.start).then_some(k)
    }

    /// Does the single full stop at `i` end the sentence, given the text `rest` after it?
    fn full_stop_ends(&self, i: usize, rest: &str) -> bool {
        if !starts_sentence(rest) {
            return false; // "e.g. something", "the U.S. economy"
        }
        let Some(ws) = self.word_start(i) else {
            return true;
        };
        let word = strip_openers(&self.p[ws..i]);
        let Some(first) = word.chars().next() else {
            return true;
        };
        let mut buf = [0u8; WORD_MAX];
        let Some(lw) = lower(word, &mut buf) else {
            return true;
        };
        if listed(lw, NEVER_ENDS) {
            return false;
        }
        let next_word = first_word(rest);
        if lw == b"a.m" || lw == b"p.m" {
            return self.time_ends(ws, rest);
        }
        let next_digit = strip_openers(rest).starts_with(|c: char| c.is_ascii_digit());
        // "said no. Sen. Smith": lower-case "no" abbreviates only before a number.
        if lw == b"no" && first == 'n' {
            return !next_digit;
        }
        if listed(lw, ABBREVIATIONS) && in_list(next_word, NEVER_ENDS) {
            return true; // "Co. Mr. Smith"; but "U.S. Sen." (dotted) stays together
        }
        if listed(lw, ABBREVIATIONS)
            || (first.is_uppercase() && listed(lw, CAPITALISED_ABBREVIATIONS))
            || dotted(word)
        {
            return !next_digit && in_list(next_word, OPENERS);
        }
        // "Q. When …? A. The ministry …": interview markers open their sentence.
        if matches!(word, "Q" | "A") && ws == self.start {
            return false;
        }
        if word.chars().count() == 1 && first.is_uppercase() {
            // "you and I." ends; "Albert I. Jones", "J. Smith" do not.
            if first == 'I' && self.previous_word_lower(ws) {
                return true;
            }
            return in_list(next_word, OPENERS);
        }
        true
    }

    /// Does the word before the one that starts at `ws` start with a lower-case letter?
    fn previous_word_lower(&self, ws: usize) -> bool {
        let b = self.b;
        let mut k = ws;
        while k > self.start && is_space(b[k - 1]) && ws - k < 64 {
            k -= 1;
        }
        let end = k;
        while k > self.start && !is_space(b[k - 1]) && end - k < 64 {
            k -= 1;
        }
        self.p
            .get(k..end)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_lowercase)
    }

    /// Does "a.m."/"p.m." (its word starting at `ws`) end the sentence before `rest`?
    fn time_ends(&self, ws: usize, rest: &str) -> bool {
        let w = first_word(rest);
        if w.is_empty()
            || w.starts_with(|c: char| c.is_ascii_digit())
            || in_list(w, TIME_CONTINUATIONS)
        {
            return false;
        }
        // Time zones: "GMT", "ET", "EDT".
        if (2..=4).contains(&w.len()) && w.bytes().all(|c| c.is_ascii_uppercase()) {
            return false;
        }
        // "Beijing time", "New York time".
        let mut r = rest;
        for _ in 0..3 {
            let t = r.trim_start();
            let wlen = t.find(char::is_whitespace).unwrap_or(t.len());
            if t[..wlen].trim_end_matches(|c: char| c.is_ascii_punctuation()) == "time" {
                return false;
            }
            r = &t[wlen..];
        }
        // "At 5 a.m. Mr. Smith went", "On Tuesday at 9 p.m. President Yoon spoke": an
        // opening time phrase, not a sentence.
        let head = &self.p[self.start..ws];
        if head.len() <= 40 {
            let mut words = head.split_whitespace();
            let n = head.split_whitespace().count();
            let first = words.next().unwrap_or("");
            if n <= 5 && (in_list(first, TIME_PREPOSITIONS) || in_list(first, TIME_CONTINUATIONS)) {
                return false;
            }
        }
        true
    }

    /// A new line at `i`: a boundary before a list item, or in a list of lines.
    fn newline(&mut self, i: usize) -> usize {
        let line_start = self.line_start;
        let k = self.skip_space(i);
        // The last new line of this run of white space starts the next line; the run is
        // passed over whole, so scanning stays linear however long it is.
        self.line_start = i + 1 + self.p[i + 1..k].rfind('\n').map_or(0, |x| x + 1);
        if k >= self.b.len() || i < self.start {
            return k.max(i + 1);
        }
        let list = *self.line_list.get_or_insert_with(|| line_list(self.p));
        let prev = self.p[line_start.max(self.start)..i].trim_end();
        let item = match marker(self.b, k) {
            Some(m) if m.bullet && m.number.is_none() && bullet_len(self.b, k).is_none() => {
                // "-" or "*": a list when the line before announces one or is an item.
                self.bulleted || prev.ends_with(':')
            }
            Some(m) => m.number.is_none_or(|e| {
                Some(e) == self.expect
                    || prev.ends_with([':', ';'])
                    || !self.p[m.end..].trim_start().starts_with(char::is_lowercase)
            }),
            None => false,
        };
        // A heading or short title line ("Key points", "Rail strike called off"): the whole
        // sentence so far, short, with no punctuation at its end and no word that
        // continues, before a line that starts with a capital.
        let heading = self.start >= line_start
            && prev.len() <= HEADING_MAX
            && !prev.ends_with(|c: char| c.is_ascii_punctuation())
            && !in_list(prev.rsplit(' ').next().unwrap_or(""), CONTINUATIONS)
            && starts_capital(&self.p[k..]);
        if item || heading || (list && !joins(prev, &self.p[k..])) {
            self.line_start = k;
            self.cut_at(k);
            return self.begin(k).max(k);
        }
        k
    }
}

/// The length of an ideographic terminator ("。", "！", "？") at `b[i..]`, or 0.
fn cjk_terminator(b: &[u8], i: usize) -> usize {
    match b.get(i..i + 3) {
        Some([0xE3, 0x80, 0x82] | [0xEF, 0xBC, 0x81] | [0xEF, 0xBC, 0x9F]) => 3,
        _ => 0,
    }
}

/// Is `rest` a short parenthesised citation ending a quote: "(Smith 55)." or "(AP)."?
fn citation(rest: &str) -> bool {
    let b = rest.as_bytes();
    for (k, &c) in b.iter().enumerate().skip(1).take(64) {
        match c {
            b')' => {
                return matches!(b.get(k + 1), Some(b'.' | b'!' | b'?'))
                    && b.get(k + 2).is_none_or(|c| is_space(*c))
            }
            b'(' | b'.' | b'!' | b'?' | b'\n' => return false,
            _ => {}
        }
    }
    false
}
