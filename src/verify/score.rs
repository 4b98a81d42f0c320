//! Attribution of a located estimate to a side, and the per-class scores against ground truth.

use super::locate::Estimate;
use crate::geo::ContactLine;
use crate::output::records::{EventKindCode, EventRecord, MetricRecord, SideCode};
use crate::physics::normal_cdf;

/// Where an estimate lies relative to the line and how sure the verifier is of the side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attribution {
    pub chainage_km: f64,
    pub offset_m: f64,
    pub sigma_n_m: f64,
    /// Φ(|d|/σn): the probability that the source is on the side the estimate is on.
    pub confidence: f64,
    pub side: SideCode,
}

pub fn attribute(e: &Estimate, line: &ContactLine, threshold: f64) -> Attribution {
    let at = line.locate([e.x, e.y]);
    let sigma_n_m = e.sigma_along(at.normal);
    let confidence = if sigma_n_m > 0.0 { normal_cdf(at.offset_m.abs() / sigma_n_m) } else { 1.0 };
    let side = match (confidence >= threshold, at.offset_m < 0.0) {
        (false, _) => SideCode::Indeterminate,
        (true, true) => SideCode::A,
        (true, false) => SideCode::B,
    };
    Attribution { chainage_km: at.chainage_km, offset_m: at.offset_m, sigma_n_m, confidence, side }
}

/// Events that carry responsibility: launches, direct fire, movements (an impact lands on the
/// victim's side, so artillery and mortar are attributed by their launch).
pub fn attributable(e: &EventRecord) -> bool {
    e.kind != EventKindCode::Impact
}

/// The side an estimate of this event should be attributed to: the responsible side, except
/// for a sample of a moving source, which is where the source then is (a track that crossed is
/// on the other side; who moved is the track's attribution, scored by `TrackTally`).
pub fn true_side(e: &EventRecord) -> SideCode {
    match (e.track_id >= 0, e.offset_m < 0.0) {
        (false, _) => e.responsible_side,
        (true, true) => SideCode::A,
        (true, false) => SideCode::B,
    }
}

/// What the verifier made of one track: the side of its earliest attributed sample (the track
/// is attributed to the side it came from), and the sides it was seen on.
#[derive(Debug, Clone, Copy)]
struct TrackTally {
    responsible: SideCode,
    /// Ground truth: some of its samples lie on each side.
    crossed: bool,
    sides_present: [bool; 2],
    earliest: Option<(f64, SideCode)>,
    seen_on: [bool; 2],
}

/// Running scores of one class.
#[derive(Debug, Clone, Default)]
pub struct ClassScore {
    pub events: u64,
    errors_m: Vec<f64>,
    nees_sum: f64,
    /// confusion[true side A/B][attributed A, B, indeterminate]
    confusion: [[u64; 3]; 2],
    tracks: std::collections::HashMap<i64, TrackTally>,
    impacts_located: u64,
    impacts_attributed: u64,
}

impl ClassScore {
    /// Count a ground-truth event that carries responsibility.
    pub fn truth(&mut self, e: &EventRecord) {
        self.events += 1;
        if e.track_id < 0 {
            return;
        }
        let t = self.tracks.entry(e.track_id).or_insert(TrackTally {
            responsible: e.responsible_side,
            crossed: false,
            sides_present: [false; 2],
            earliest: None,
            seen_on: [false; 2],
        });
        t.sides_present[usize::from(e.offset_m >= 0.0)] = true;
        t.crossed = t.sides_present[0] && t.sides_present[1];
    }

    /// Count a located event: its error, its normalised error squared and the side it was given.
    pub fn located(&mut self, truth: &EventRecord, error_m: f64, nees: f64, side: SideCode) {
        self.errors_m.push(error_m);
        self.nees_sum += nees;
        if let (Some(t), Some(seen)) = (self.tracks.get_mut(&truth.track_id), side_index(side)) {
            t.seen_on[seen] = true;
            if t.earliest.is_none_or(|(at, _)| truth.t_s < at) {
                t.earliest = Some((truth.t_s, side));
            }
        }
        let row = usize::from(true_side(truth) == SideCode::B);
        let column = match side {
            SideCode::A => 0,
            SideCode::B => 1,
            SideCode::Indeterminate => 2,
        };
        self.confusion[row][column] += 1;
    }

    /// Count a located impact of this class's rounds and whether it was given a side: the
    /// verifier cannot tell it from a launch, so a side is a launch claimed where it landed.
    pub fn impact_located(&mut self, side: SideCode) {
        self.impacts_located += 1;
        self.impacts_attributed += u64::from(side_index(side).is_some());
    }

    pub fn record(&self, class: u16, false_alarms_per_day: f64) -> MetricRecord {
        let located = self.errors_m.len() as u64;
        let [[aa, ab, ai], [ba, bb, bi]] = self.confusion;
        let attributed = aa + ab + ba + bb;
        let ratio = |n: u64, d: u64| if d > 0 { n as f64 / d as f64 } else { f64::NAN };
        let mut sorted = self.errors_m.clone();
        sorted.sort_by(f64::total_cmp);
        let tracks = self.tracks.values();
        let crossing: Vec<&TrackTally> = self.tracks.values().filter(|t| t.crossed).collect();
        let attributed_tracks: Vec<&TrackTally> = self.tracks.values().filter(|t| t.earliest.is_some()).collect();
        let origin_right =
            attributed_tracks.iter().filter(|t| t.earliest.is_some_and(|(_, s)| s == t.responsible)).count();
        MetricRecord {
            class,
            events: self.events,
            located,
            detection_rate: ratio(located, self.events),
            false_alarms_per_day,
            cep50_m: quantile(&sorted, 0.5),
            cep90_m: quantile(&sorted, 0.9),
            nees_mean: if located > 0 { self.nees_sum / located as f64 } else { f64::NAN },
            attributed,
            attribution_accuracy: ratio(aa + bb, located),
            wrong_side_rate: ratio(ab + ba, attributed),
            indeterminate_rate: ratio(ai + bi, located),
            true_a_attributed_a: aa,
            true_a_attributed_b: ab,
            true_a_indeterminate: ai,
            true_b_attributed_a: ba,
            true_b_attributed_b: bb,
            true_b_indeterminate: bi,
            tracks: tracks.len() as u64,
            tracks_crossing: crossing.len() as u64,
            crossings_verified: crossing.iter().filter(|t| t.seen_on[0] && t.seen_on[1]).count() as u64,
            tracks_attributed: attributed_tracks.len() as u64,
            track_origin_accuracy: ratio(origin_right as u64, attributed_tracks.len() as u64),
            impacts_located: self.impacts_located,
            impacts_attributed: self.impacts_attributed,
            impact_as_launch_rate: ratio(self.impacts_attributed, self.impacts_located),
        }
    }
}

fn side_index(side: SideCode) -> Option<usize> {
    match side {
        SideCode::A => Some(0),
        SideCode::B => Some(1),
        SideCode::Indeterminate => None,
    }
}

/// Linear-interpolated quantile of sorted values; NaN when empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let at = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let (i, f) = (at.floor() as usize, at.fract());
            if i + 1 < n { sorted[i] + f * (sorted[i + 1] - sorted[i]) } else { sorted[n - 1] }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.9) - 4.6).abs() < 1e-12);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn confident_estimates_get_a_side_and_doubtful_ones_do_not() {
        let pts = vec![[0.0, 0.0], [10_000.0, 0.0]];
        let line = ContactLine::new(vec![pts.clone()], vec![pts]);
        let estimate = |y: f64, sigma: f64| Estimate {
            x: 5_000.0,
            y,
            t0_s: 0.0,
            cov_xy: [[sigma * sigma, 0.0], [0.0, sigma * sigma]],
            chi2: 0.0,
            iterations: 1,
            weather: [0.0; crate::verify::locate::WEATHER],
        };
        // North of an eastward line is its left: side A (negative offsets).
        let a = attribute(&estimate(2_000.0, 100.0), &line, 0.95);
        assert_eq!(a.side, SideCode::A);
        assert!((a.offset_m + 2_000.0).abs() < 1e-9 && (a.sigma_n_m - 100.0).abs() < 1e-9);
        // 100 m off the line with σ = 100 m: Φ(1) = 0.84 < 0.95.
        let doubtful = attribute(&estimate(-100.0, 100.0), &line, 0.95);
        assert_eq!(doubtful.side, SideCode::Indeterminate);
        assert!((doubtful.confidence - 0.8413).abs() < 1e-3);
        assert_eq!(attribute(&estimate(-500.0, 100.0), &line, 0.95).side, SideCode::B);
    }
}
