//! What-if edits made on the scenario's own TOML text (toml_edit keeps the user's comments and
//! layout), each re-parsed and checked as a scenario file is: the edited scenario is always
//! one `linewatch run` accepts, and saving it writes exactly that text.

use crate::error::{Error, Result};
use crate::scenario::LoadedScenario;
use std::collections::BTreeSet;
use toml_edit::{DocumentMut, Item, Value};

/// A field the what-if panel edits.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// `rows[i].<key>` (offset_km, spacing_km, threshold_db, modality, …).
    Row(usize, &'static str),
    /// `environment.<key>`.
    Environment(&'static str),
    /// `coverage.<key>` (time_of_day).
    Coverage(&'static str),
}

impl Field {
    pub fn describe(&self) -> String {
        match self {
            Self::Row(i, key) => format!("rows[{i}].{key}"),
            Self::Environment(key) => format!("environment.{key}"),
            Self::Coverage(key) => format!("coverage.{key}"),
        }
    }
}

fn parse(loaded: &LoadedScenario) -> Result<DocumentMut> {
    loaded
        .text
        .parse::<DocumentMut>()
        .map_err(|e| Error::file(&loaded.file, "scenario", format!("cannot edit the scenario text: {e}")))
}

fn reload(loaded: &LoadedScenario, doc: &DocumentMut) -> Result<LoadedScenario> {
    LoadedScenario::from_text(doc.to_string(), loaded.file.clone(), loaded.base_dir.clone())
}

/// The table a field lives in, created when the scenario left it to its defaults.
fn table_of<'d>(loaded: &LoadedScenario, doc: &'d mut DocumentMut, field: &Field) -> Result<&'d mut toml_edit::Table> {
    let not_editable = |why: &str| Error::file(&loaded.file, field.describe(), why.to_string());
    match field {
        Field::Row(i, _) => doc
            .get_mut("rows")
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|rows| rows.get_mut(*i))
            .ok_or_else(|| not_editable("no such [[rows]] table")),
        Field::Environment(_) | Field::Coverage(_) => {
            let name = if matches!(field, Field::Environment(_)) { "environment" } else { "coverage" };
            if doc.get(name).is_none() {
                doc.insert(name, Item::Table(toml_edit::Table::new()));
            }
            doc.get_mut(name).and_then(Item::as_table_mut).ok_or_else(|| not_editable("not a [table]"))
        }
    }
}

/// The scenario with one field set; an invalid value is an error naming the field, as
/// `linewatch validate` would give it.
pub fn set(loaded: &LoadedScenario, field: &Field, value: impl Into<Value>) -> Result<LoadedScenario> {
    let mut doc = parse(loaded)?;
    let key = match field {
        Field::Row(_, k) | Field::Environment(k) | Field::Coverage(k) => *k,
    };
    let table = table_of(loaded, &mut doc, field)?;
    table.insert(key, Item::Value(value.into()));
    reload(loaded, &doc)
}

/// The scenario with `losses.out_of_service` listing these sensor ids (none: the key removed).
pub fn set_out_of_service(loaded: &LoadedScenario, ids: &BTreeSet<u32>) -> Result<LoadedScenario> {
    let mut doc = parse(loaded)?;
    if doc.get("losses").is_none() {
        if ids.is_empty() {
            return Ok(loaded.clone());
        }
        doc.insert("losses", Item::Table(toml_edit::Table::new()));
    }
    let losses = doc
        .get_mut("losses")
        .and_then(Item::as_table_mut)
        .ok_or_else(|| Error::file(&loaded.file, "losses", "not a [table]".to_string()))?;
    if ids.is_empty() {
        losses.remove("out_of_service");
    } else {
        let list: toml_edit::Array = ids.iter().map(|&id| i64::from(id)).collect();
        losses.insert("out_of_service", Item::Value(Value::Array(list)));
    }
    reload(loaded, &doc)
}
