//! Finds where a field sits in a TOML text, so that a semantic error (a negative spacing, a
//! NaN) can name its line and column like a syntax error does.

use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// One step of a field path: a key, or an index into an array (of tables).
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A field path such as `rows[2].spacing_km`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldPath(pub Vec<Step>);

impl FieldPath {
    pub fn key(&self, k: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Key(k.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Index(i));
        p
    }

    pub fn parse(dotted: &str) -> Self {
        Self(dotted.split('.').map(|k| Step::Key(k.to_string())).collect())
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(k) if i == 0 => write!(f, "{k}")?,
                Step::Key(k) => write!(f, ".{k}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Byte range of the deepest part of `path` present in `text` (the value if it is there, else
/// the closest enclosing table), or `None` if the text does not parse.
pub fn locate(text: &str, path: &FieldPath) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut best = None;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut array: Option<&toml::de::DeArray<'_>> = None;
    for step in &path.0 {
        let value = match step {
            Step::Key(k) => table.and_then(|t| t.iter().find(|(key, _)| key.get_ref().as_ref() == k.as_str())).map(
                |(key, value)| {
                    best = Some(key.span());
                    value
                },
            ),
            Step::Index(i) => array.and_then(|a| a.get(*i)),
        };
        let Some(value) = value else { break };
        if !matches!(value.get_ref(), DeValue::Table(_)) || matches!(step, Step::Index(_)) {
            best = Some(value.span());
        }
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a),
            _ => {}
        }
    }
    best
}

/// The deepest field whose key or value contains byte `offset`, e.g. `rows[1].modality`.
pub fn path_at(text: &str, offset: usize) -> FieldPath {
    let Ok(root) = DeTable::parse(text) else {
        return path_by_lines(text, offset);
    };
    let mut path = FieldPath::default();
    let mut value: Option<&DeValue<'_>> = None;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    loop {
        let next = if let Some(t) = table {
            t.iter().find(|(k, v)| k.span().contains(&offset) || extent(v).contains(&offset)).map(|(k, v)| {
                path.0.push(Step::Key(k.get_ref().to_string()));
                v
            })
        } else if let Some(DeValue::Array(a)) = value {
            a.iter().enumerate().find(|(_, v)| extent(v).contains(&offset)).map(|(i, v)| {
                path.0.push(Step::Index(i));
                v
            })
        } else {
            None
        };
        let Some(next) = next else { return path };
        value = Some(next.get_ref());
        table = match next.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
}

/// The field at `offset` of a text that does not parse (a duplicated key, a table header that
/// clashes, a control character), read line by line: the last table header before the offset
/// (`[[rows]]` counted, to give the index) and the key of the offset's line, if it has one.
fn path_by_lines(text: &str, offset: usize) -> FieldPath {
    let mut table = FieldPath::default();
    let mut arrays: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let count = arrays.entry(name.clone()).and_modify(|n| *n += 1).or_insert(0);
            table = FieldPath::parse(&name).index(*count);
        } else if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = FieldPath::parse(name.trim());
        }
        if offset < end {
            let key = trimmed.split('=').next().map(str::trim).filter(|k| {
                trimmed.contains('=')
                    && !k.is_empty()
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
            });
            return match key {
                Some(k) => k.split('.').fold(table, |p, k| p.key(k)),
                None => table,
            };
        }
        start = end;
    }
    table
}

/// Bytes a value covers with everything inside it: a table of an array of tables spans only
/// its `[[header]]`, its keys lie beyond.
fn extent(v: &toml::Spanned<DeValue<'_>>) -> Range<usize> {
    let mut r = v.span();
    let mut widen = |s: Range<usize>| {
        r.start = r.start.min(s.start);
        r.end = r.end.max(s.end);
    };
    match v.get_ref() {
        DeValue::Table(t) => t.iter().for_each(|(k, x)| {
            widen(k.span());
            widen(extent(x));
        }),
        DeValue::Array(a) => a.iter().for_each(|x| widen(extent(x))),
        _ => {}
    }
    r
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_that_does_not_parse_still_names_the_field() {
        let text = "name = \"x\"\n[[rows]]\na = 1\n[[rows]]\njitter_m = 1\njitter_m = 2\n[rows]\nb = 1\n";
        let at = |needle: &str| text.rfind(needle).expect("in the text");
        assert_eq!(path_at(text, at("jitter_m = 2")).to_string(), "rows[1].jitter_m");
        assert_eq!(path_at(text, at("[rows]") + 1).to_string(), "rows");
        assert_eq!(path_at(text, at("name")).to_string(), "name");
    }

    #[test]
    fn finds_a_field_inside_an_array_of_tables() {
        let text = "name = \"x\"\n[[rows]]\nspacing_km = 1\n[[rows]]\nname = \"b\"\nspacing_km = -1\n";
        let path = FieldPath::default().key("rows").index(1).key("spacing_km");
        let span = locate(text, &path).expect("found");
        assert_eq!(line_column(text, span.start), (6, 14), "points at the value");
        assert_eq!(path.to_string(), "rows[1].spacing_km");
    }

    #[test]
    fn names_the_field_at_an_offset() {
        let text = "[[rows]]\nname = \"a\"\n[[rows]]\nmodality = \"sonar\"\n";
        let offset = text.find("sonar").expect("present");
        assert_eq!(path_at(text, offset).to_string(), "rows[1].modality");
    }

    #[test]
    fn falls_back_to_the_enclosing_table() {
        let text = "[environment]\ntemperature_c = 3\n";
        let span = locate(text, &FieldPath::parse("environment.wind_speed_mps")).expect("found");
        assert_eq!(line_column(text, span.start).0, 1);
    }
}
