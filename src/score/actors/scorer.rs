//! The `actors` scorer: its columns, coding each document's sentences in order (so that
//! first mentions bind later short ones), and the paragraph carry-over.
use std::path::Path;

use super::bindings::Bindings;
use super::coded::Coded;
use super::gazetteer::Gazetteer;
use super::learned::{self, LearnedRoles};
use super::names::Names;
use crate::error::Error;
use crate::score::{
    Cell, Column, DocumentPass, Identity, ParagraphPass, Roles, Scorer, ScorerOptions, Sentence,
    SpanGroups, SpanPass,
};

/// The columns, in order; `actors_inherited` (with `--actors-carry`) comes last.
pub const COLUMNS: [Column; 6] = [
    Column::label("actors"),
    Column::label("dyad"),
    Column::label("source"),
    Column::label("target"),
    Column::text("source_text"),
    Column::text("target_text"),
];

pub fn columns(opts: &ScorerOptions) -> Vec<Column> {
    let mut c = COLUMNS.to_vec();
    if opts.actors_carry {
        c.push(Column::flag("actors_inherited"));
    }
    c
}

pub fn build(models: &Path, opts: &ScorerOptions) -> Result<Box<dyn Scorer>, Error> {
    let gazetteer = Gazetteer::load(models)?;
    let names = Names::load(models, gazetteer.codes())?;
    let learned = match opts.roles {
        Roles::Learned => Some(LearnedRoles::load(models, opts.model)?),
        Roles::Rules => None,
    };
    Ok(Box::new(ActorsScorer {
        gazetteer,
        names,
        id: Identity::of("actors", opts),
        carry: opts.actors_carry,
        learned,
    }))
}

/// Every file the actors scorer reads for these options: the coder's tables, and with
/// learned roles the role head and the tuned encoder's heads it reads the states of.
pub fn files(opts: &ScorerOptions) -> Vec<std::path::PathBuf> {
    let mut f: Vec<std::path::PathBuf> = super::FILES.iter().map(Into::into).collect();
    if opts.roles == Roles::Learned {
        f.extend(crate::score::registry::heads_files(opts));
        f.extend(
            [
                crate::model::span_heads::ROLE_CONFIG,
                crate::model::span_heads::ROLE_WEIGHTS,
            ]
            .map(|p| opts.model.file(p)),
        );
    }
    f
}

/// The first two distinct actors, sorted, joined with `-`; empty with fewer than two.
pub fn dyad(actors: &[String]) -> String {
    match actors {
        [a, b, ..] => {
            let (x, y) = if a <= b { (a, b) } else { (b, a) };
            format!("{x}-{y}")
        }
        _ => String::new(),
    }
}

pub struct ActorsScorer {
    gazetteer: Gazetteer,
    names: Names,
    id: Identity,
    carry: bool,
    /// The role head (`--roles learned`); `None`: the rules pick the roles.
    learned: Option<LearnedRoles>,
}

impl ActorsScorer {
    /// Codes one sentence alone (no earlier sentence binds its short mentions).
    pub fn code(&self, text: &str, date: &str) -> Coded {
        self.names.code(&self.gazetteer, text, date, None)
    }
}

fn cells_of(c: &Coded, inherited: Option<bool>, out: &mut Vec<Cell>) {
    out.push(Cell::Text(c.states.join(";")));
    out.push(Cell::Text(dyad(&c.states)));
    out.push(Cell::Text(c.source.join(";")));
    out.push(Cell::Text(c.target.join(";")));
    out.push(Cell::Text(c.source_text.join(";")));
    out.push(Cell::Text(c.target_text.join(";")));
    if let Some(i) = inherited {
        out.push(Cell::Text(if i { "true" } else { "false" }.into()));
    }
}

impl Scorer for ActorsScorer {
    fn identity(&self) -> &Identity {
        &self.id
    }
    /// Placeholders: every sentence is coded by the [`DocumentPass`], in its document's
    /// order, so that earlier sentences can bind later short mentions.
    fn score(&self, _sentence: &Sentence<'_>, out: &mut Vec<Cell>) {
        cells_of(&Coded::default(), self.carry.then_some(false), out);
    }
    fn document_pass(&self) -> Option<&dyn DocumentPass> {
        Some(self)
    }
    fn span_pass(&self) -> Option<&dyn SpanPass> {
        self.learned.as_ref().map(|_| self as &dyn SpanPass)
    }
    fn paragraph_pass(&self) -> Option<&dyn ParagraphPass> {
        self.carry.then_some(self as &dyn ParagraphPass)
    }
}

impl DocumentPass for ActorsScorer {
    /// Codes the document's sentences in order, so that a first mention ("South Korean
    /// President Park Geun-hye", "Japan's foreign minister") binds the later short ones
    /// ("Park", "the minister").
    fn document(&self, sentences: &[Sentence<'_>], cells: &mut [&mut [Cell]]) {
        let mut bindings = Bindings::default();
        for (s, c) in sentences.iter().zip(cells.iter_mut()) {
            let choose = |phrases: &[super::Phrase], rules| match &self.learned {
                Some(l) => l.choose(s, phrases, rules),
                None => rules,
            };
            let coded = self.names.code_with(
                &self.gazetteer,
                s.text,
                s.date,
                Some(&mut bindings),
                Some(&choose),
            );
            let mut new = Vec::with_capacity(c.len());
            cells_of(&coded, self.carry.then_some(false), &mut new);
            c.clone_from_slice(&new);
        }
    }
}

impl SpanPass for ActorsScorer {
    /// Codes the document's sentences in order, as [`DocumentPass::document`] will: each
    /// actor phrase's byte range, keyed by [`learned::key`], for the role head.
    fn spans(&self, sentences: &[Sentence<'_>]) -> Vec<SpanGroups> {
        self.names
            .code_document(&self.gazetteer, sentences)
            .into_iter()
            .map(|c| SpanGroups {
                keys: c.phrases.iter().map(learned::range_key).collect(),
                ranges: c.phrases.into_iter().map(|r| vec![r]).collect(),
            })
            .collect()
    }
}

impl ParagraphPass for ActorsScorer {
    /// The carry-over: a sentence without actors takes the first two actors of its
    /// paragraph (in order of first mention across the paragraph), flagged inherited. Its
    /// source and target stay its own.
    fn paragraph(&self, sentences: &mut [&mut [Cell]]) {
        if !self.carry {
            return;
        }
        let mut first: Vec<String> = Vec::new();
        for cells in sentences.iter() {
            if let Some(Cell::Text(a)) = cells.first() {
                for c in a.split(';').filter(|c| !c.is_empty()) {
                    if first.len() < 2 && !first.iter().any(|f| f == c) {
                        first.push(c.to_string());
                    }
                }
            }
        }
        if first.is_empty() {
            return;
        }
        let last = COLUMNS.len();
        for cells in sentences.iter_mut() {
            if matches!(cells.first(), Some(Cell::Text(a)) if a.is_empty()) {
                cells[0] = Cell::Text(first.join(";"));
                cells[1] = Cell::Text(dyad(&first));
                cells[last] = Cell::Text("true".into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tables::Tables;
    use super::*;

    #[test]
    fn dyad_is_the_first_two_sorted() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(dyad(&v(&["KOR", "JPN"])), "JPN-KOR");
        assert_eq!(dyad(&v(&["JPN", "KOR", "USA"])), "JPN-KOR");
        assert_eq!(dyad(&v(&["USA", "CHN", "AAA"])), "CHN-USA");
        assert_eq!(dyad(&v(&["KOR"])), "");
        assert_eq!(dyad(&[]), "");
    }

    #[test]
    fn carry_over_fills_sentences_without_actors() {
        let scorer = ActorsScorer {
            gazetteer: Gazetteer::new(
                vec![
                    ("Japan".into(), "JPN".into()),
                    ("Korea".into(), "KOR".into()),
                ],
                Vec::new(),
                Vec::new(),
            )
            .unwrap(),
            names: Names::build(&Tables::default(), Default::default()).unwrap(),
            id: Identity::of(
                "actors",
                &ScorerOptions {
                    actors_carry: true,
                    roles: crate::score::Roles::Rules,
                    ..Default::default()
                },
            ),
            carry: true,
            learned: None,
        };
        let texts = [
            "Officials met.",
            "Japan and Korea signed.",
            "It took years.",
            "Japan wept.",
        ];
        // As the run calls them: score, then the document, then the paragraph.
        let sentences: Vec<Sentence<'_>> = texts
            .iter()
            .map(|t| Sentence {
                text: t,
                embedding: None,
                span_keys: &[],
                spans: &[],
                date: "",
            })
            .collect();
        let mut rows: Vec<Vec<Cell>> = sentences
            .iter()
            .map(|s| {
                let mut c = Vec::new();
                scorer.score(s, &mut c);
                c
            })
            .collect();
        let mut slices: Vec<&mut [Cell]> = rows.iter_mut().map(|r| r.as_mut_slice()).collect();
        scorer.document(&sentences, &mut slices);
        scorer.paragraph(&mut slices);
        let t = |s: &str| Cell::Text(s.into());
        let head = |r: &[Cell]| vec![r[0].clone(), r[1].clone(), r[6].clone()];
        assert_eq!(head(&rows[0]), vec![t("JPN;KOR"), t("JPN-KOR"), t("true")]);
        assert_eq!(head(&rows[1]), vec![t("JPN;KOR"), t("JPN-KOR"), t("false")]);
        assert_eq!(head(&rows[2]), vec![t("JPN;KOR"), t("JPN-KOR"), t("true")]);
        assert_eq!(head(&rows[3]), vec![t("JPN"), t(""), t("false")]);
        // Source and target stay the sentence's own.
        assert_eq!(rows[0][2], t(""));
        assert_eq!(rows[1][2], t("JPN;KOR"));
    }
}
