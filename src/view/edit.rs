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

#[cfg(test)]
mod tests {
    use super::*;

    fn smoke() -> LoadedScenario {
        let text = include_str!("../../scenarios/ci-smoke.toml").to_string();
        LoadedScenario::from_text(text, "ci-smoke.toml".into(), std::path::PathBuf::from("scenarios"))
            .expect("the smoke scenario parses")
    }

    #[test]
    fn an_edit_changes_one_field_and_keeps_the_comments() {
        let loaded = smoke();
        let edited = set(&loaded, &Field::Row(1, "spacing_km"), 3.5).expect("a valid spacing");
        assert_eq!(edited.scenario.rows[1].spacing_km, Some(3.5));
        assert_eq!(edited.scenario.rows[0].spacing_km, loaded.scenario.rows[0].spacing_km);
        let comments = |t: &str| t.lines().filter(|l| l.trim_start().starts_with('#')).count();
        assert_eq!(comments(&edited.text), comments(&loaded.text));
        let night = set(&loaded, &Field::Coverage("time_of_day"), "night").expect("night");
        assert_eq!(night.scenario.coverage.time_of_day, crate::scenario::TimeOfDay::Night);
        let windy = set(&loaded, &Field::Environment("wind_speed_mps"), 9.0).expect("wind");
        assert_eq!(windy.scenario.environment.wind_speed_mps, 9.0);
    }

    #[test]
    fn a_bad_value_is_an_error_naming_the_field() {
        let loaded = smoke();
        let e = set(&loaded, &Field::Row(0, "spacing_km"), -1.0).expect_err("a negative spacing");
        assert!(e.to_string().contains("rows[0].spacing_km"), "{e}");
        assert!(set(&loaded, &Field::Row(99, "spacing_km"), 1.0).is_err(), "no such row");
        assert!(set(&loaded, &Field::Row(0, "modality"), "sonar").is_err(), "no such modality");
    }

    #[test]
    fn out_of_service_round_trips_and_an_empty_set_removes_the_key() {
        let loaded = smoke();
        let ids: BTreeSet<u32> = [3, 1, 7].into();
        let with = set_out_of_service(&loaded, &ids).expect("valid ids");
        assert_eq!(with.scenario.losses.out_of_service, vec![1, 3, 7]);
        let without = set_out_of_service(&with, &BTreeSet::new()).expect("none");
        assert!(without.scenario.losses.out_of_service.is_empty());
        assert!(!without.text.contains("out_of_service"));
    }
}
