//! What a run reports: per-class counts, coverage and timings, for the printed summary and
//! `check`.

use crate::coverage::map::ClassMap;
use crate::events::{Event, EventKind};
use crate::gpu::Gpu;
use crate::scenario::{Modality, Scenario};
use crate::world::World;

/// Per-class counts for the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassSummary {
    pub name: String,
    /// Violations (a launch and its impact count once).
    pub violations: u64,
    pub events: u64,
    /// Events with at least one detection.
    pub detected_events: u64,
    /// Events with at least three detections (enough to locate by time differences).
    pub located_events: u64,
    pub detections: u64,
}

/// What a run produced.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub scenario: String,
    pub adapter: String,
    pub line_km: f64,
    pub sensors: usize,
    pub sensors_by_modality: Vec<(String, usize)>,
    pub duration_h: f64,
    pub events: u64,
    pub violations: u64,
    pub detections: u64,
    pub false_alarms: u64,
    /// Arrivals lost within a sensor's onset-picker dead time (not in `detections`).
    pub unpicked: u64,
    pub pairs_evaluated: u64,
    /// Events the f64 reference detected because the device's loop budget was too small.
    pub events_by_reference: u64,
    pub classes: Vec<ClassSummary>,
    pub seconds: f64,
    pub gpu_seconds: f64,
    /// Time spent appending to the HDF5 tables (chunking, shuffle, deflate, I/O).
    pub write_seconds: f64,
    pub coverage: Vec<CoverageSummary>,
    pub coverage_seconds: f64,
    /// The verifier's scores, unless it was skipped.
    pub verify: Option<crate::verify::VerifyReport>,
    /// Sensors lost ([losses]): failed, jammed, destroyed.
    pub losses: [usize; 4],
    /// Detections by row and distance, per class (validation figures).
    pub heard: super::tally::DetectionTally,
}

/// A class's coverage in the summary.
#[derive(Debug, Clone, Default)]
pub struct CoverageSummary {
    pub class: String,
    pub cells: u64,
    pub covered_fraction: f64,
    pub gaps: usize,
    pub longest_gap_km: f64,
    /// "km 686–706, near Siversk (4 km)" for the longest gap; empty without gaps.
    pub longest_gap_at: String,
    pub seconds: f64,
    /// Cells the f64 reference computed (over the device's loop budget).
    pub cells_by_reference: u64,
    /// The map against the verifier at the class's events (a run that verified).
    pub calibration: Option<super::calibration::Calibration>,
    /// Fractions of the cells within the profile depth whose p_detect and p_k reach the target.
    pub p_detect_fraction: f64,
    pub p_k_fraction: f64,
}

impl CoverageSummary {
    pub fn of(map: &ClassMap) -> Self {
        let (p_detect_fraction, p_k_fraction) = map.detect_and_k_fractions();
        Self {
            class: map.class.clone(),
            cells: map.cells,
            covered_fraction: map.covered_fraction(),
            gaps: map.gaps.len(),
            longest_gap_km: map.gaps.iter().map(|g| g.end_km - g.start_km).fold(0.0, f64::max),
            longest_gap_at: map
                .gaps
                .iter()
                .zip(&map.gap_places)
                .max_by(|a, b| (a.0.end_km - a.0.start_km).total_cmp(&(b.0.end_km - b.0.start_km)))
                .map(|(g, place)| format!("km {:.0}–{:.0} {place}", g.start_km, g.end_km).trim_end().to_string())
                .unwrap_or_default(),
            seconds: map.seconds,
            cells_by_reference: map.cells_by_reference,
            calibration: None,
            p_detect_fraction,
            p_k_fraction,
        }
    }
}

impl RunSummary {
    /// The summary of a run that has not simulated anything yet.
    pub fn start(s: &Scenario, world: &World, gpu: &Gpu) -> Self {
        let sensors = &world.sensors;
        Self {
            scenario: s.name.clone(),
            adapter: gpu.describe(),
            line_km: world.line.length_km(),
            sensors: sensors.len(),
            sensors_by_modality: Modality::ALL
                .iter()
                .map(|m| (m.name().to_string(), sensors.iter().filter(|x| x.modality == *m).count()))
                .filter(|(_, n)| *n > 0)
                .collect(),
            duration_h: s.duration_h,
            classes: s.classes.iter().map(|c| ClassSummary { name: c.name.clone(), ..Default::default() }).collect(),
            heard: super::tally::DetectionTally::new(s.classes.len(), s.rows.len(), sensors),
            ..Default::default()
        }
    }

    /// Count a block's events and the detections each had.
    pub fn tally(&mut self, events: &[Event], per_event: &[u32]) {
        for (e, &n) in events.iter().zip(per_event) {
            let c = &mut self.classes[e.class as usize];
            c.events += 1;
            // A launch and its impact are one violation, and so are the samples of one track.
            if e.kind != EventKind::Impact && e.track_sample == 0 {
                c.violations += 1;
                self.violations += 1;
            }
            self.events += 1;
            c.detections += u64::from(n);
            c.detected_events += u64::from(n >= 1);
            c.located_events += u64::from(n >= 3);
        }
    }
}
