//! A point of the design space: for each sized row, left out or deployed at an offset with a
//! spacing per stretch; turned into the scenario's `[[rows]]` and costed.

use crate::deploy::Sensor;
use crate::scenario::{Scenario, SensorRow, SizeRow};
use std::fmt;

/// Separates a row's name from its stretch in the rows a per-stretch layout writes
/// (`NAME@C0-C1km`).
const STRETCH_MARK: char = '@';

/// The `[[rows]]` name a (possibly per-stretch) row came from.
pub fn base_name(row_name: &str) -> &str {
    row_name.split(STRETCH_MARK).next().unwrap_or(row_name)
}

/// How one sized row is deployed.
#[derive(Debug, Clone, PartialEq)]
pub struct RowChoice {
    pub offset_km: f64,
    /// Spacing in each stretch of the line, km (one entry: the whole line).
    pub spacing_km: Vec<f64>,
}

/// One candidate deployment: a choice per `[[size.rows]]` entry (None: left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub choices: Vec<Option<RowChoice>>,
}

impl Layout {
    /// The scenario's rows with the sized ones replaced: a row with one spacing per stretch
    /// becomes one row per stretch (`NAME@C0-C1km`, limited to that stretch's chainage).
    pub fn rows(&self, scenario: &Scenario, sized: &[SizeRow], stretches: &[[f64; 2]]) -> Vec<SensorRow> {
        let mut rows = Vec::new();
        for row in &scenario.rows {
            let Some(k) = sized.iter().position(|r| r.row == row.name) else {
                rows.push(row.clone());
                continue;
            };
            let Some(choice) = &self.choices[k] else { continue };
            if choice.spacing_km.len() == 1 {
                rows.push(SensorRow {
                    offset_km: Some(choice.offset_km),
                    spacing_km: Some(choice.spacing_km[0]),
                    ..row.clone()
                });
                continue;
            }
            for (stretch, &spacing) in stretches.iter().zip(&choice.spacing_km) {
                let [c0, c1] = row.chainage_km.map_or(*stretch, |[a, b]| [a.max(stretch[0]), b.min(stretch[1])]);
                if c1 <= c0 {
                    continue;
                }
                rows.push(SensorRow {
                    name: format!("{}{STRETCH_MARK}{c0:.0}-{c1:.0}km", row.name),
                    offset_km: Some(choice.offset_km),
                    spacing_km: Some(spacing),
                    chainage_km: Some([c0, c1]),
                    ..row.clone()
                });
            }
        }
        rows
    }

    /// "A-acoustic −3 km every 2.4 km; B-radar left out".
    pub fn describe(&self, sized: &[SizeRow]) -> String {
        sized
            .iter()
            .zip(&self.choices)
            .map(|(r, c)| match c {
                None => format!("{} left out", r.row),
                Some(c) if c.spacing_km.len() == 1 => {
                    format!("{} {:+} km every {:.3} km", r.row, c.offset_km, c.spacing_km[0])
                }
                Some(c) => {
                    let (lo, hi) = c.spacing_km.iter().fold((f64::MAX, 0.0f64), |(lo, hi), &s| (lo.min(s), hi.max(s)));
                    format!("{} {:+} km every {lo:.3}–{hi:.3} km by stretch", r.row, c.offset_km)
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What a deployment costs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cost {
    pub sensors_eur: f64,
    pub per_km_eur: f64,
    pub sensors: usize,
}

impl Cost {
    pub fn total(&self) -> f64 {
        self.sensors_eur + self.per_km_eur
    }

    /// Unit costs of the deployed sensors plus each sized row's per-km cost over the chainage
    /// its sensors span.
    pub fn of(sensors: &[Sensor], rows: &[SensorRow], sized: &[SizeRow]) -> Self {
        let mut per_km_eur = 0.0;
        for (r, row) in rows.iter().enumerate() {
            let Some(size_row) = sized.iter().find(|s| s.row == base_name(&row.name)) else { continue };
            let (lo, hi) = sensors
                .iter()
                .filter(|s| usize::from(s.row) == r)
                .fold((f64::MAX, f64::MIN), |(lo, hi), s| (lo.min(s.chainage_km), hi.max(s.chainage_km)));
            if hi >= lo {
                // Half a spacing past each end sensor: the stretch the row watches.
                let spacing = row.spacing_km.unwrap_or(0.0);
                per_km_eur += size_row.per_km_cost_eur * (hi - lo + spacing);
            }
        }
        Self { sensors_eur: sensors.iter().map(|s| s.cost_eur).sum(), per_km_eur, sensors: sensors.len() }
    }
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.2} M EUR ({} sensors {:.2} M, per-km {:.2} M)",
            self.total() / 1e6,
            self.sensors,
            self.sensors_eur / 1e6,
            self.per_km_eur / 1e6
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::LoadedScenario;

    #[test]
    fn a_layout_replaces_its_rows_splits_them_by_stretch_and_drops_those_left_out() {
        let loaded = LoadedScenario::load(None).expect("embedded scenario");
        let s = &loaded.scenario;
        let sized = &s.size.rows;
        let names: Vec<&str> = sized.iter().map(|r| r.row.as_str()).collect();
        assert_eq!(names, ["A-acoustic-3km", "B-acoustic-3km", "A-counter-battery-8km", "B-counter-battery-8km"]);
        let layout = Layout {
            choices: vec![
                Some(RowChoice { offset_km: -4.0, spacing_km: vec![2.0, 3.0] }),
                Some(RowChoice { offset_km: 3.0, spacing_km: vec![1.5, 1.5] }),
                None,
                None,
            ],
        };
        let stretches = [[0.0, 100.0], [100.0, 948.1]];
        let rows = layout.rows(s, sized, &stretches);
        assert_eq!(rows.len(), s.rows.len() - 2 + 2, "two rows split in two, two left out");
        let a: Vec<_> = rows.iter().filter(|r| r.name.starts_with("A-acoustic-3km@")).collect();
        assert_eq!(a.len(), 2);
        assert_eq!((a[0].chainage_km, a[0].spacing_km, a[0].offset_km), (Some([0.0, 100.0]), Some(2.0), Some(-4.0)));
        assert_eq!(a[1].chainage_km, Some([100.0, 948.1]));
        assert_eq!(a[1].spacing_km, Some(3.0));
        assert!(!rows.iter().any(|r| r.name.contains("counter-battery")));
        assert!(rows.iter().any(|r| r.name == "A-acoustic-12km"), "rows not sized stay as they are");
        assert!(layout.describe(sized).contains("A-counter-battery-8km left out"));
    }
}
