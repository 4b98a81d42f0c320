//! Launch or detonation, by the sound (docs/design.md §3.6). A microphone's processor calls each
//! impulsive arrival a gun's launch (a muzzle blast) or a round's detonation from the shape of
//! its waveform; the call is reliable far above the detection threshold and a coin's toss at it,
//! where the shape is lost in noise.
//!
//! The call is the sign of a latent score, `y·m(Δ) + √ρ·u + √(1−ρ)·v`: y is +1 for a launch and
//! −1 for a detonation, m(Δ) the separation at Δ dB above the sensor's threshold, u a draw shared
//! by every arrival of one event (the same round, charge and ground under it for every sensor
//! that hears it) and v each arrival's own. The world draws u and v; the verifier knows the law
//! (m, ρ; m is the row's, `call_error` and `call_scale_db`) but not an event's draw, and turns an estimate's calls into P(launch) by integrating
//! over u (`p_launch`). With ρ > 0 many calls cannot make a verdict certain: a round that sounds
//! like the other kind sounds so to all.
//!
//! No published per-arrival error rate of launch/impact classification was found (classifiers of
//! explosive events exist, e.g. US patent 8,511,145, "Explosive event discrimination", US Army,
//! but its figures were not read here). The three constants below are stated assumptions; a
//! row may state its own classifier's first two.

use crate::events::EventKind;
use crate::physics::normal_cdf;
use crate::rng;
use crate::scenario::Modality;

/// A microphone's call of an arrival, as an HDF5 enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, hdf5::H5Type)]
#[repr(u8)]
pub enum Signature {
    /// No call: not a microphone's arrival, or not an impulse (a vehicle's or a drone's sound).
    None = 0,
    /// A gun's or a mortar's launch, a rifle's shot: a muzzle blast.
    Launch = 1,
    /// A round's or a bomb's detonation.
    Detonation = 2,
}

/// The default share of calls wrong far above threshold (stated assumption; a row's
/// `call_error`).
pub const ERROR_FAR_ABOVE: f64 = 0.05;
/// The default dB above threshold over which the separation grows to 1 − 1/e of its far value
/// (stated assumption; a row's `call_scale_db`).
pub const SEPARATION_SCALE_DB: f64 = 10.0;
/// Share of the score's variance common to all arrivals of one event (stated assumption).
pub const SHARED_VARIANCE: f64 = 0.3;
/// The most calls `p_launch` weighs, the strongest first: beyond a few dozen the shared draw
/// dominates, and the bound keeps its cost fixed for an artillery round heard by hundreds.
pub const MOST_CALLS: usize = 32;

/// A row's classifier: the score's separation far above threshold, in σ of the score, and the
/// dB over which it grows. The world calls with it; the verifier knows it (the row's spec).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallLaw {
    pub separation_far: f64,
    pub scale_db: f64,
}

impl Default for CallLaw {
    fn default() -> Self {
        Self::new(ERROR_FAR_ABOVE, SEPARATION_SCALE_DB)
    }
}

impl CallLaw {
    /// The law whose calls far above threshold are wrong a share `error_far` of the time.
    pub fn new(error_far: f64, scale_db: f64) -> Self {
        Self { separation_far: crate::physics::upper_tail_sigmas(error_far), scale_db }
    }

    /// The share of calls wrong far above threshold.
    pub fn error_far(&self) -> f64 {
        1.0 - normal_cdf(self.separation_far)
    }

    /// Separation of the score at `excess_db` above threshold (0 at or below it).
    pub fn separation(&self, excess_db: f64) -> f64 {
        self.separation_far * (1.0 - (-excess_db.max(0.0) / self.scale_db).exp())
    }
}

/// Each sensor's launch-or-detonation law by id: its row's (`[[rows]] call_error`,
/// `call_scale_db`), the default where it has none.
pub fn call_laws(sensors: &[crate::deploy::Sensor], rows: &[crate::scenario::SensorRow]) -> Vec<CallLaw> {
    let mut laws = vec![CallLaw::default(); sensors.iter().map(|x| x.id as usize + 1).max().unwrap_or(0)];
    for x in sensors {
        laws[x.id as usize] = rows.get(usize::from(x.row)).map_or_else(CallLaw::default, |r| r.call_law());
    }
    laws
}

/// +1 for an event whose sound is a launch, −1 for a detonation, None for no impulse.
fn truth_sign(kind: EventKind) -> Option<f64> {
    match kind {
        EventKind::Launch | EventKind::Fire => Some(1.0),
        EventKind::Impact | EventKind::Strike => Some(-1.0),
        EventKind::Movement => None,
    }
}

fn from_score(score: f64) -> Signature {
    if score >= 0.0 { Signature::Launch } else { Signature::Detonation }
}

/// The world's call of one arrival of `event_id` at `sensor_id`, whose score is `separation`
/// apart (its row's law at the arrival's SNR).
pub fn call(
    seed: u64,
    event_id: u32,
    sensor_id: u32,
    modality: Modality,
    kind: EventKind,
    separation: f64,
) -> Signature {
    let Some(y) = truth_sign(kind).filter(|_| modality == Modality::Acoustic) else {
        return Signature::None;
    };
    let shared = rng::normal(seed, event_id, rng::stream::EVENT_WIDE, rng::stream::SIGNATURE);
    let own = rng::normal(seed, event_id, sensor_id, rng::stream::SIGNATURE);
    from_score(y * separation + SHARED_VARIANCE.sqrt() * shared + (1.0 - SHARED_VARIANCE).sqrt() * own)
}

/// The call of a microphone's false alarm (an impulse of no event): a coin's toss, drawn from
/// the sensor and the alarm's time so that a run is reproducible.
pub fn false_alarm_call(seed: u64, sensor_id: u32, t_s: f64, modality: Modality) -> Signature {
    if modality != Modality::Acoustic {
        return Signature::None;
    }
    let bits = t_s.to_bits();
    from_score(rng::normal(seed ^ bits, u32::MAX - 1, sensor_id, rng::stream::SIGNATURE))
}

/// Grid of the shared draw u over which `p_launch` integrates: ±6 σ in steps of 0.1 σ (the
/// integrand varies on the scale √(1−ρ)/√ρ ≈ 1.5 σ of u).
const U_STEP: f64 = 0.1;
const U_HALF_RANGE: f64 = 6.0;

/// P(launch) of an event from its arrivals' calls, each with its separation (its law at its
/// SNR), for equal prior odds (each round is one launch and one detonation); None when no
/// arrival was called.
pub fn p_launch(calls: &[(Signature, f64)]) -> Option<f64> {
    let mut called: Vec<(f64, f64)> = calls
        .iter()
        .filter_map(|&(s, separation)| match s {
            Signature::Launch => Some((1.0, separation)),
            Signature::Detonation => Some((-1.0, separation)),
            Signature::None => None,
        })
        .collect();
    if called.is_empty() {
        return None;
    }
    called.sort_by(|a, b| b.1.total_cmp(&a.1));
    called.truncate(MOST_CALLS);
    let (a, b) = (SHARED_VARIANCE.sqrt(), (1.0 - SHARED_VARIANCE).sqrt());
    let steps = (2.0 * U_HALF_RANGE / U_STEP).round() as usize;
    // log of ∫ φ(u) Π Φ(c·(y·m + a·u)/b) du for y = ±1, as a log-sum over the grid.
    let log_likelihood = |y: f64| {
        let terms: Vec<f64> = (0..=steps)
            .map(|i| {
                let u = -U_HALF_RANGE + i as f64 * U_STEP;
                let mut log = -0.5 * u * u;
                for &(c, m) in &called {
                    log += normal_cdf(c * (y * m + a * u) / b).max(f64::MIN_POSITIVE).ln();
                }
                log
            })
            .collect();
        let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        top + terms.iter().map(|t| (t - top).exp()).sum::<f64>().ln()
    };
    let log_odds = log_likelihood(1.0) - log_likelihood(-1.0);
    Some(1.0 / (1.0 + (-log_odds).exp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Far above threshold a call is wrong 5 % of the time, at threshold half of the time, for
    /// launches and detonations alike.
    #[test]
    fn calls_are_wrong_as_often_as_the_law_says() {
        let n = 40_000u32;
        let wrong_rate = |kind: EventKind, excess: f64| {
            let right = if kind == EventKind::Launch { Signature::Launch } else { Signature::Detonation };
            let m = CallLaw::default().separation(excess);
            let wrong = (0..n).filter(|&i| call(11, i, 3, Modality::Acoustic, kind, m) != right).count();
            wrong as f64 / f64::from(n)
        };
        for kind in [EventKind::Launch, EventKind::Impact] {
            assert!((wrong_rate(kind, 200.0) - 0.05).abs() < 0.005, "{kind:?} far above");
            assert!((wrong_rate(kind, 0.0) - 0.5).abs() < 0.01, "{kind:?} at threshold");
            let mid = 1.0 - normal_cdf(CallLaw::default().separation(10.0));
            assert!((wrong_rate(kind, 10.0) - mid).abs() < 0.01, "{kind:?} 10 dB above");
        }
        assert_eq!(call(11, 0, 3, Modality::Seismic, EventKind::Launch, 30.0), Signature::None);
        assert_eq!(call(11, 0, 3, Modality::Acoustic, EventKind::Movement, 30.0), Signature::None);
    }

    /// One event's calls share a draw: at one event, a wrong call makes another more likely.
    #[test]
    fn an_events_calls_err_together() {
        let (mut both, mut first) = (0u32, 0u32);
        for e in 0..40_000u32 {
            let m = CallLaw::default().separation(100.0);
            let wrong = |s: u32| call(5, e, s, Modality::Acoustic, EventKind::Launch, m) == Signature::Detonation;
            if wrong(1) {
                first += 1;
                both += u32::from(wrong(2));
            }
        }
        let p_second_given_first = f64::from(both) / f64::from(first);
        assert!(p_second_given_first > 0.1, "{p_second_given_first} against 0.05 independent");
    }

    /// A row's law: its far error as given, and its separation growing over its scale.
    #[test]
    fn a_rows_law_keeps_its_far_error_and_scale() {
        let law = CallLaw::new(0.01, 5.0);
        assert!((law.error_far() - 0.01).abs() < 1e-9);
        assert!((law.separation(5.0) / law.separation_far - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        assert_eq!(law.separation(-3.0), 0.0);
        assert!((CallLaw::default().error_far() - ERROR_FAR_ABOVE).abs() < 1e-9);
    }

    /// P(launch) is calibrated: over many events with random numbers of calls at random SNR,
    /// by rows of two laws, those given P ≥ 0.95 are launches at least 95 % of the time (within
    /// the sample's error), and in every band of P the share of launches matches its mean P.
    #[test]
    fn p_launch_is_calibrated() {
        let laws = [CallLaw::default(), CallLaw::new(0.15, 3.0)];
        let (mut confident, mut confident_wrong) = (0u32, 0u32);
        let mut bands = [(0.0f64, 0.0f64, 0u32); 5];
        for e in 0..6_000u32 {
            let h = rng::pcg4d([e, 17, 0, 99]);
            let kind = if h[0] & 1 == 0 { EventKind::Launch } else { EventKind::Impact };
            let heard = 1 + h[1] % 12;
            let calls: Vec<(Signature, f64)> = (0..heard)
                .map(|s| {
                    let excess = f64::from(rng::pcg4d([e, s, 1, 99])[0] % 3000) / 100.0;
                    let m = laws[(s % 2) as usize].separation(excess);
                    (call(23, e, s, Modality::Acoustic, kind, m), m)
                })
                .collect();
            let p = p_launch(&calls).expect("calls");
            let launch = kind == EventKind::Launch;
            if p >= 0.95 {
                confident += 1;
                confident_wrong += u32::from(!launch);
            }
            let band = &mut bands[((p * 5.0) as usize).min(4)];
            band.0 += p;
            band.1 += f64::from(u8::from(launch));
            band.2 += 1;
        }
        let wrong = f64::from(confident_wrong) / f64::from(confident);
        assert!(confident > 1000 && wrong < 0.05 + 0.01, "{confident_wrong} of {confident} wrong");
        for (sum_p, launches, n) in bands.into_iter().filter(|b| b.2 > 200) {
            let (mean_p, share) = (sum_p / f64::from(n), launches / f64::from(n));
            assert!((mean_p - share).abs() < 0.05, "band of {n}: mean P {mean_p:.3}, launches {share:.3}");
        }
        assert_eq!(p_launch(&[(Signature::None, 30.0)]), None);
    }
}
