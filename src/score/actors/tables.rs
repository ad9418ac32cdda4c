//! Every file under `models/actors/` and its reader, one place for every format: the
//! registry tables (pycountry's ISO 3166-1 JSON, gdelt-py's countries JSON), the alias
//! table, and the people, organisation, agent, surname and place tables (TSV).
use std::path::Path;

use crate::error::Error;

pub const ALIASES: &str = "actors/aliases.tsv";
pub const ISO: &str = "actors/iso3166-1.json";
pub const GDELT: &str = "actors/countries.json";

pub const PEOPLE: &str = "actors/people.tsv";
pub const PEOPLE_CURRENT: &str = "actors/people_current.tsv";
/// Leaders of the 1980s-2000s the dictionaries lack (written for detente); read as `PEOPLE`.
pub const PEOPLE_EARLIER: &str = "actors/people_earlier.tsv";
pub const ORGANISATIONS: &str = "actors/organisations.tsv";
pub const ORGANISATIONS_CURRENT: &str = "actors/organisations_current.tsv";
pub const AGENTS: &str = "actors/agents.tsv";
pub const SURNAMES: &str = "actors/surnames.tsv";
pub const PLACES: &str = "actors/places.tsv";

/// One row of the alias table.
#[derive(Debug, Clone)]
pub struct Alias {
    pub text: String,
    /// Empty: blocked.
    pub codes: Vec<String>,
    pub kind: String,
    pub proper: bool,
}

fn model_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Model {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, Error> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    serde_json::from_str(&text).map_err(|e| model_error(path, format!("not valid JSON: {e}")))
}

/// A registry name as it appears in running text, or `None` for the inverted catalogue
/// forms ("Korea, Republic of"): "Holy See (Vatican City State)" → "Holy See", "the
/// State of Palestine" → "State of Palestine".
fn running_name(name: &str) -> Option<String> {
    let name = name.split(" (").next().unwrap_or(name).trim();
    let name = name.strip_prefix("the ").unwrap_or(name);
    (!name.is_empty() && !name.contains(',')).then(|| name.to_string())
}

/// pycountry's `iso3166-1.json`: `name`, `common_name` and `official_name` of each code.
pub(super) fn read_iso(path: &Path) -> Result<Vec<(String, String)>, Error> {
    let json = read_json(path)?;
    let list = json["3166-1"]
        .as_array()
        .ok_or_else(|| model_error(path, "no \"3166-1\" list"))?;
    let mut out = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let code = c["alpha_3"]
            .as_str()
            .filter(|c| is_code(c))
            .ok_or_else(|| model_error(path, format!("entry {i}: no valid alpha_3")))?;
        for key in ["name", "common_name", "official_name"] {
            if let Some(n) = c[key].as_str().and_then(running_name) {
                out.push((n, code.to_string()));
            }
        }
    }
    Ok(out)
}

/// gdelt-py's `countries.json`: FIPS code → `{iso3, name}`; adds the short forms news
/// text uses ("Russia", "Brunei", "Ivory Coast", "Kosovo").
pub(super) fn read_gdelt(path: &Path) -> Result<Vec<(String, String)>, Error> {
    let json = read_json(path)?;
    let map = json
        .as_object()
        .ok_or_else(|| model_error(path, "not a JSON object"))?;
    let mut out = Vec::new();
    for (fips, c) in map {
        let (Some(code), Some(name)) = (c["iso3"].as_str(), c["name"].as_str()) else {
            return Err(model_error(path, format!("{fips}: no iso3 or name")));
        };
        if is_code(code) {
            if let Some(n) = running_name(name) {
                out.push((n, code.to_string()));
            }
        }
    }
    Ok(out)
}

fn is_code(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// Reads the alias table: `#` comments, a header `text codes kind guard`, then one row
/// per name.
pub fn read_aliases(path: &Path) -> Result<Vec<Alias>, Error> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    parse_aliases(&text)
        .map_err(|(line, message)| model_error(path, format!("line {line}: {message}")))
}

const KINDS: [&str; 5] = ["short", "demonym", "capital", "seat", "block"];

/// Parses the alias table; errors carry the 1-based line.
pub fn parse_aliases(text: &str) -> Result<Vec<Alias>, (usize, String)> {
    let mut out = Vec::new();
    let mut header = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if !header {
            if f != ["text", "codes", "kind", "guard"] {
                return Err((
                    n,
                    "expected the header: text, codes, kind, guard (tab-separated)".into(),
                ));
            }
            header = true;
            continue;
        }
        let [t, codes, kind, guard] = f[..] else {
            return Err((
                n,
                format!("expected 4 tab-separated fields, found {}", f.len()),
            ));
        };
        if t.is_empty() || t.trim() != t {
            return Err((n, "empty text, or space around it".into()));
        }
        let codes: Vec<String> = if codes == "-" {
            Vec::new()
        } else {
            codes.split(';').map(String::from).collect()
        };
        if let Some(bad) = codes.iter().find(|c| !is_code(c)) {
            return Err((
                n,
                format!("{bad:?} is not an ISO 3166-1 alpha-3 code or '-'"),
            ));
        }
        if !KINDS.contains(&kind) {
            return Err((
                n,
                format!("kind {kind:?} is not one of {}", KINDS.join(", ")),
            ));
        }
        let proper = match guard {
            "proper" => true,
            "-" => false,
            other => return Err((n, format!("guard {other:?} is not 'proper' or '-'"))),
        };
        out.push(Alias {
            text: t.to_string(),
            codes,
            kind: kind.to_string(),
            proper,
        });
    }
    if !header {
        return Err((1, "no header row".into()));
    }
    Ok(out)
}

/// The rows of the name tables: people and current people (name, code, from, to),
/// organisations and agents (name, code).
#[derive(Debug, Clone, Default)]
pub struct Tables {
    pub people: Vec<Vec<String>>,
    pub current: Vec<Vec<String>>,
    /// The PETRARCH2-derived organisations, then the curated ones (which win).
    pub organisations: Vec<Vec<String>>,
    pub agents: Vec<Vec<String>>,
    /// (surname as written, person's name).
    pub surnames: Vec<Vec<String>>,
}

/// Reads the people, organisation, agent and surname tables that `Names` compiles:
/// every code an actor code, every surname's person in a people table.
pub(super) fn read_names(models: &Path) -> Result<Tables, Error> {
    let mut tables = Tables::default();
    let coded = |file: &str, width: usize| -> Result<Vec<Vec<String>>, Error> {
        read_tsv(models, file, width)?
            .into_iter()
            .map(|(line, f)| {
                if is_actor_code(&f[1]) {
                    Ok(f)
                } else {
                    Err(table_error(
                        models,
                        file,
                        line,
                        &format!("{:?} is not an actor code", f[1]),
                    ))
                }
            })
            .collect()
    };
    tables.people = coded(PEOPLE, 4)?;
    tables.people.extend(coded(PEOPLE_EARLIER, 4)?);
    tables.current = coded(PEOPLE_CURRENT, 4)?;
    tables.organisations = coded(ORGANISATIONS, 2)?;
    tables
        .organisations
        .extend(coded(ORGANISATIONS_CURRENT, 2)?);
    tables.agents = read_tsv(models, AGENTS, 2)?
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    let named: std::collections::HashSet<&str> = tables
        .people
        .iter()
        .chain(&tables.current)
        .map(|f| f[0].as_str())
        .collect();
    let mut surnames = Vec::new();
    for (line, f) in read_tsv(models, SURNAMES, 2)? {
        if !named.contains(f[1].as_str()) {
            return Err(table_error(
                models,
                SURNAMES,
                line,
                &format!("{:?} is in no people table", f[1]),
            ));
        }
        surnames.push(f);
    }
    tables.surnames = surnames;
    Ok(tables)
}

/// The place table (name as news writes it, state code, kind): regions, provinces, cities
/// (`place`) and forms of the state's own name (`variant`: misspellings, older spellings)
/// from the PETRARCH2 country dictionary; `true` for a place.
pub(super) fn read_places(models: &Path) -> Result<Vec<(String, String, bool)>, Error> {
    read_tsv(models, PLACES, 3)?
        .into_iter()
        .map(|(line, f)| {
            let [name, code, kind] = <[String; 3]>::try_from(f).expect("three fields");
            let fail = |m: String| Err(table_error(models, PLACES, line, &m));
            if !is_code(&code) {
                return fail(format!("{code:?} is not a state code"));
            }
            match kind.as_str() {
                "place" => Ok((name, code, true)),
                "variant" => Ok((name, code, false)),
                other => fail(format!("kind {other:?} is not 'place' or 'variant'")),
            }
        })
        .collect()
}

/// Whether `code` is an actor code: three capital letters, then capitals and digits
/// (the dictionaries' finer codes, `NGOHINDEN211DEV`).
fn is_actor_code(code: &str) -> bool {
    code.len() >= 3
        && code[..3].chars().all(|c| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

pub(super) fn table_error(models: &Path, file: &str, line: usize, message: &str) -> Error {
    Error::Model {
        path: models.join(file),
        message: if line > 0 {
            format!("line {line}: {message}")
        } else {
            message.to_string()
        },
    }
}

/// A table's rows after its header (lines starting with `#` skipped), with their line
/// numbers; each must have `width` tab-separated fields.
fn read_tsv(models: &Path, file: &str, width: usize) -> Result<Vec<(usize, Vec<String>)>, Error> {
    let path = models.join(file);
    let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
    let mut rows = Vec::new();
    for (line, fields) in crate::input::tsv::rows(&text) {
        let f: Vec<String> = fields.iter().map(|s| s.trim().to_string()).collect();
        if f.len() != width {
            return Err(table_error(
                models,
                file,
                line,
                &format!("{} fields, expected {width}", f.len()),
            ));
        }
        rows.push((line, f));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_table_errors_name_the_line() {
        let head = "# comment\ntext\tcodes\tkind\tguard\n";
        assert!(parse_aliases(&format!("{head}Korea\tKOR\tshort\t-\n")).is_ok());
        let err = |body: &str| parse_aliases(&format!("{head}{body}")).unwrap_err();
        assert_eq!(err("Korea\tKO\tshort\t-\n").0, 3);
        assert_eq!(err("Korea\tKOR\tshort\n").0, 3);
        assert_eq!(err("Korea\tKOR\tnickname\t-\n").0, 3);
        assert_eq!(err("Korea\tKOR\tshort\tmaybe\n").0, 3);
        assert_eq!(parse_aliases("Korea\tKOR\tshort\t-\n").unwrap_err().0, 1);
    }
}
