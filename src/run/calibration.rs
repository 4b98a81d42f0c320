//! Whether the coverage maps predict the verifier (docs/design.md §5): at the true positions of
//! a class's attributable events, at the map's time of day, the mean of the map's `verifiable`
//! against the share of those events the verifier located and attributed to the right side.

use crate::output::reader::read_table;
use crate::output::records::{EstimateRecord, EventRecord, SideCode};
use crate::scenario::{Scenario, TimeOfDay};
use crate::verify::score::{attributable, true_side};
use std::collections::HashMap;

/// Predicted against achieved for one class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Events compared: attributable, at the map's time of day, inside its corridor.
    pub events: u64,
    /// Mean `verifiable` of the map at their positions.
    pub predicted: f64,
    /// Share of them the verifier attributed to the right side with its confidence.
    pub achieved: f64,
}

impl Calibration {
    /// predicted − achieved: positive when the map promises more than the verifier delivers.
    pub fn gap(&self) -> f64 {
        self.predicted - self.achieved
    }
}

/// The verifier's verdict on each event: the side its first estimate was attributed to.
pub fn verdicts(file: &hdf5::File) -> hdf5::Result<HashMap<i64, SideCode>> {
    let mut first: HashMap<i64, SideCode> = HashMap::new();
    for e in read_table::<EstimateRecord>(file, "estimates")? {
        first.entry(e.truth_event_id).or_insert(e.attributed_side);
    }
    Ok(first)
}

/// The calibration of the map of `class` written to `file`; None without such a map or events.
pub fn calibrate(
    file: &hdf5::File,
    scenario: &Scenario,
    class: &str,
    events: &[EventRecord],
    verdicts: &HashMap<i64, SideCode>,
) -> hdf5::Result<Option<Calibration>> {
    let Some(index) = scenario.classes.iter().position(|c| c.name == class) else { return Ok(None) };
    let group = format!("coverage/{class}");
    let Ok(g) = file.group(&group) else { return Ok(None) };
    let x: Vec<f64> = g.dataset("x")?.read_raw()?;
    let y: Vec<f64> = g.dataset("y")?.read_raw()?;
    let verifiable: Vec<f32> = g.dataset("verifiable")?.read_raw()?;
    if x.len() < 2 || y.len() < 2 || verifiable.len() != x.len() * y.len() {
        return Ok(None);
    }
    let (dx, dy) = (x[1] - x[0], y[1] - y[0]);
    let by_day = scenario.coverage.time_of_day == TimeOfDay::Day;
    let (mut n, mut predicted, mut achieved) = (0u64, 0.0, 0.0);
    for e in events.iter().filter(|e| usize::from(e.class) == index && attributable(e) && (e.is_day != 0) == by_day) {
        // The cell the event stands in.
        let i = ((e.x - x[0]) / dx).round();
        let j = ((e.y - y[0]) / dy).round();
        if !(i >= 0.0 && j >= 0.0 && (i as usize) < x.len() && (j as usize) < y.len()) {
            continue;
        }
        let v = verifiable[j as usize * x.len() + i as usize];
        if v.is_nan() {
            continue;
        }
        n += 1;
        predicted += f64::from(v);
        achieved += f64::from(u8::from(verdicts.get(&i64::from(e.id)) == Some(&true_side(e))));
    }
    Ok((n > 0).then(|| Calibration { events: n, predicted: predicted / n as f64, achieved: achieved / n as f64 }))
}
