//! How far each kind of sensor hears each class, tallied as the run streams: the figures the
//! validation cases check (`detection.<class>.…` in `[expect]`, docs/validation.md).
//!
//! Only a class's own events count (launches, fire, movement), not impacts: an impact is heard
//! where it lands, and its figures are the launch's victim's.

use crate::deploy::Sensor;
use crate::events::{Event, EventKind};
use crate::scenario::Modality;

/// Log-spaced distance bins from `FIRST_BIN_KM`, `BINS_PER_DECADE` per decade: percentiles to
/// within 1.2 % of the distance.
const FIRST_BIN_KM: f64 = 0.01;
const BINS_PER_DECADE: f64 = 200.0;
const BINS: usize = 1200;
/// Received levels of acoustic rows, in `LEVEL_STEP_DB` bins from `LOWEST_LEVEL_DB`: medians to
/// 0.1 dB, far finer than any published level they are held against.
const LOWEST_LEVEL_DB: f64 = -50.0;
const LEVEL_STEP_DB: f64 = 0.1;
const LEVEL_BINS: usize = 3500;

/// Per class: own events, detections per row, and the distances of detections per modality.
#[derive(Debug, Clone, Default)]
pub struct DetectionTally {
    /// Own events per class.
    pub events: Vec<u64>,
    /// [class][row]: detections of the class's own events by the row's sensors.
    pub by_row: Vec<Vec<u64>>,
    /// Active sensors per row.
    pub row_sensors: Vec<u64>,
    /// [class][modality]: histogram of detection distances.
    distances: Vec<Vec<Vec<u64>>>,
    /// [class][row]: histogram of received levels; empty for rows that are not acoustic.
    levels: Vec<Vec<Vec<u64>>>,
}

impl DetectionTally {
    pub fn new(classes: usize, rows: usize, sensors: &[Sensor]) -> Self {
        let mut row_sensors = vec![0; rows];
        let mut acoustic_rows = vec![false; rows];
        for s in sensors.iter().filter(|s| s.active) {
            if let Some(n) = row_sensors.get_mut(usize::from(s.row)) {
                *n += 1;
            }
            if let Some(acoustic) = acoustic_rows.get_mut(usize::from(s.row)) {
                *acoustic |= s.modality == Modality::Acoustic;
            }
        }
        let level_bins: Vec<Vec<u64>> =
            acoustic_rows.iter().map(|&a| if a { vec![0; LEVEL_BINS] } else { Vec::new() }).collect();
        Self {
            events: vec![0; classes],
            by_row: vec![vec![0; rows]; classes],
            row_sensors,
            distances: vec![vec![vec![0; BINS]; Modality::ALL.len()]; classes],
            levels: vec![level_bins; classes],
        }
    }

    fn own(e: &Event) -> bool {
        e.kind != EventKind::Impact
    }

    pub fn event(&mut self, e: &Event) {
        if Self::own(e)
            && let Some(n) = self.events.get_mut(usize::from(e.class))
        {
            *n += 1;
        }
    }

    /// One detection of `e` by `s` (where the sensor was surveyed) at a received `level_db`.
    pub fn detection(&mut self, e: &Event, s: &Sensor, level_db: f64) {
        if !Self::own(e) {
            return;
        }
        let class = usize::from(e.class);
        if let Some(n) = self.by_row.get_mut(class).and_then(|r| r.get_mut(usize::from(s.row))) {
            *n += 1;
        }
        let km = (e.x - s.x).hypot(e.y - s.y) / 1000.0;
        let bin = ((km / FIRST_BIN_KM).max(1.0).log10() * BINS_PER_DECADE) as usize;
        if let Some(h) = self.distances.get_mut(class).and_then(|m| m.get_mut(s.modality.code() as usize)) {
            h[bin.min(BINS - 1)] += 1;
        }
        if let Some(h) = self.levels.get_mut(class).and_then(|r| r.get_mut(usize::from(s.row)))
            && !h.is_empty()
            && level_db.is_finite()
        {
            let bin = ((level_db - LOWEST_LEVEL_DB) / LEVEL_STEP_DB).max(0.0) as usize;
            h[bin.min(LEVEL_BINS - 1)] += 1;
        }
    }

    /// Median received level of the class's own events at an acoustic row, dB (bin centre);
    /// NaN without detections or for a row that is not acoustic.
    pub fn median_level_db(&self, class: usize, row: usize) -> f64 {
        let Some(h) = self.levels.get(class).and_then(|r| r.get(row)) else { return f64::NAN };
        let total: u64 = h.iter().sum();
        let mut seen = 0;
        for (bin, n) in h.iter().enumerate() {
            seen += n;
            if total > 0 && 2 * seen >= total {
                return LOWEST_LEVEL_DB + (bin as f64 + 0.5) * LEVEL_STEP_DB;
            }
        }
        f64::NAN
    }

    /// Fraction of (own event, active sensor of the row) pairs that detected; NaN without any.
    pub fn pair_rate(&self, class: usize, row: usize) -> f64 {
        let pairs = self.events.get(class).copied().unwrap_or(0) * self.row_sensors.get(row).copied().unwrap_or(0);
        let detected = self.by_row.get(class).and_then(|r| r.get(row)).copied().unwrap_or(0);
        if pairs > 0 { detected as f64 / pairs as f64 } else { f64::NAN }
    }

    /// The `q` quantile of the detection distance of a modality, km (bin upper edge); NaN
    /// without detections.
    pub fn distance_quantile_km(&self, class: usize, modality: Modality, q: f64) -> f64 {
        let Some(h) = self.distances.get(class).map(|m| &m[modality.code() as usize]) else { return f64::NAN };
        let total: u64 = h.iter().sum();
        if total == 0 {
            return f64::NAN;
        }
        let target = (q * total as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (bin, n) in h.iter().enumerate() {
            seen += n;
            if seen >= target {
                return FIRST_BIN_KM * 10f64.powf((bin + 1) as f64 / BINS_PER_DECADE);
            }
        }
        f64::NAN
    }

    /// Fraction of a modality's detections farther than `km` (to the bin's resolution).
    pub fn beyond_fraction(&self, class: usize, modality: Modality, km: f64) -> f64 {
        let Some(h) = self.distances.get(class).map(|m| &m[modality.code() as usize]) else { return f64::NAN };
        let total: u64 = h.iter().sum();
        if total == 0 {
            return f64::NAN;
        }
        let first = ((km / FIRST_BIN_KM).max(1.0).log10() * BINS_PER_DECADE) as usize;
        h.iter().skip(first).sum::<u64>() as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_rates_follow_the_tallied_detections() {
        let mut sensors = vec![Sensor::test_acoustic(0), Sensor::test_acoustic(1)];
        sensors[1].row = 1;
        let mut tally = DetectionTally::new(1, 2, &sensors);
        let e = Event::test_at(EventKind::Launch, 0.0, 0.0);
        for k in 1..=100 {
            tally.event(&e);
            let s = Sensor { x: f64::from(k) * 1000.0, ..sensors[0].clone() };
            tally.detection(&e, &s, 100.0 + f64::from(k));
        }
        tally.detection(&Event { kind: EventKind::Impact, ..e.clone() }, &sensors[1], 0.0);
        assert_eq!(tally.pair_rate(0, 0), 1.0);
        assert_eq!(tally.pair_rate(0, 1), 0.0, "impacts do not count");
        let median = tally.distance_quantile_km(0, Modality::Acoustic, 0.5);
        assert!((median / 50.0 - 1.0).abs() < 0.02, "median {median}");
        let beyond = tally.beyond_fraction(0, Modality::Acoustic, 80.0);
        assert!((beyond - 0.21).abs() < 0.011, "beyond 80 km {beyond}");
        assert!(tally.distance_quantile_km(0, Modality::Seismic, 0.5).is_nan());
        let level = tally.median_level_db(0, 0);
        assert!((level - 150.0).abs() < 0.1, "median level {level}");
        assert!(tally.median_level_db(0, 1).is_nan(), "no own event heard by row 1");
    }
}
