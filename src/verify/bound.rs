//! The oracle beside blind association (docs/design.md §6): on the same detections, grouped by
//! their true event, located and attributed by the same rules, scored but not written. It is the
//! upper bound blind association is held to: what a perfect association would have found.

use super::associate::{Candidate, Oracle};
use super::observe::SensorModel;
use super::score::{ClassScore, attributable};
use crate::geo::{ContactLine, Plane};
use crate::output::records::{DetectionRecord, EventRecord, MetricRecord};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// The oracle's run, scored per class.
pub struct OracleBound {
    oracle: Oracle,
    scores: Vec<ClassScore>,
    seen: HashSet<i64>,
}

/// What `assess` needs besides the candidate.
pub struct Judge<'a> {
    pub models: &'a [SensorModel],
    pub laws: &'a [crate::detect::signature::CallLaw],
    pub line: &'a ContactLine,
    pub plane: &'a Plane,
    pub confidence: f64,
    pub events: &'a HashMap<u32, EventRecord>,
}

impl OracleBound {
    /// `scores`: the classes' tallies with the truth counted and nothing located yet.
    pub fn new(horizon_s: f64, scores: Vec<ClassScore>) -> Self {
        Self { oracle: Oracle::new(horizon_s), scores, seen: HashSet::new() }
    }

    pub fn push(&mut self, d: DetectionRecord) {
        self.oracle.push(d);
    }

    /// Scores the events whose arrivals have all come by `now`.
    pub fn ready(&mut self, now: f64, judge: &Judge) {
        let batch = self.oracle.ready(now);
        self.score(batch, judge);
    }

    /// Scores the rest and gives the per-class records (`false_alarms_per_day` NaN: an oracle
    /// makes no false candidates).
    pub fn finish(mut self, judge: &Judge) -> Vec<MetricRecord> {
        let batch = self.oracle.finish();
        self.score(batch, judge);
        self.scores.iter().enumerate().map(|(i, score)| score.record(i as u16, f64::NAN)).collect()
    }

    fn score(&mut self, batch: Vec<Candidate>, judge: &Judge) {
        let rows: Vec<_> = batch
            .par_iter()
            .filter_map(|c| {
                super::assess(c, judge.models, judge.laws, judge.line, judge.plane, judge.confidence, judge.events)
            })
            .collect();
        for r in rows {
            let Some(ev) = u32::try_from(r.truth_event_id).ok().and_then(|id| judge.events.get(&id)) else {
                continue;
            };
            if !self.seen.insert(r.truth_event_id) || !attributable(ev) {
                continue;
            }
            if let Some(score) = self.scores.get_mut(usize::from(ev.class)) {
                score.located(ev, r.error_m, r.nees([ev.x, ev.y]), r.attributed_side);
            }
        }
    }
}

/// Right-side attributions per event of a class's record: what a user of the verifier counts on.
pub fn right_side_rate(m: &MetricRecord) -> f64 {
    if m.events == 0 {
        return f64::NAN;
    }
    (m.true_a_attributed_a + m.true_b_attributed_b) as f64 / m.events as f64
}
