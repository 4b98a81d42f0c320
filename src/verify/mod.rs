//! The baseline verifier (docs/design.md §6): detections → associated candidate events → located
//! estimates with covariance → attributed to a side or indeterminate → scored per class.
//! It reads /events and /detections back from the result file in chunks (memory follows the
//! association horizon, not the run length) and writes /estimates and /metrics.

pub mod associate;
pub mod bound;
pub mod locate;
pub mod observe;
pub mod pairing;
pub mod score;
pub mod search;
pub mod search_gpu;

pub use locate::{Estimate, Observation, locate};

use crate::deploy::Sensor;
use crate::detect::signature::{CallLaw, call_laws};
use crate::error::{Error, Result};
use crate::geo::{ContactLine, Plane};
use crate::gpu::Gpu;
use crate::output::records::*;
use crate::output::{Table, names_attr};
use crate::scenario::{Association, LoadedScenario};
use associate::{Blind, Candidate, Oracle};
use bound::{Judge, OracleBound};
use observe::{SensorModel, observation, sensor_models};
use pairing::{Envelope, Pairing};
use rayon::prelude::*;
use score::{ClassScore, attributable, attribute};
use search::{CpuScorer, LevelScorer};
use search_gpu::GpuScorer;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// Detections read back per chunk.
const READ_CHUNK: usize = 1 << 18;
/// Standard normal quantile of 1 − 1e-4: the χ² gate on a fit's residuals.
const CHI2_TAIL_SIGMAS: f64 = 3.719;

/// Whether a fit's χ² with `dof` degrees of freedom lies beyond the gate (its upper 1e-4 tail):
/// the verifier's test that one source explains the detections, shared by the attribution, the
/// locator's retry and the blind association's trim.
pub fn exceeds_chi2_gate(chi2: f64, dof: usize) -> bool {
    chi2 > chi2_upper_quantile(dof as f64, CHI2_TAIL_SIGMAS)
}

/// The χ² quantile with k degrees of freedom at the standard normal quantile z, by the
/// Wilson–Hilferty cube-root approximation (Wilson & Hilferty, PNAS 17, 1931): within a few %
/// of the exact value from k = 1 up, where the plain normal approximation is far too low.
pub fn chi2_upper_quantile(k: f64, z: f64) -> f64 {
    let v = 2.0 / (9.0 * k);
    k * (1.0 - v + z * v.sqrt()).powi(3)
}

/// What the verifier found.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub association: Association,
    pub candidates: u64,
    pub located: u64,
    /// Arrivals the blind association could not place in any candidate.
    pub unassociated: u64,
    /// Blind candidates dropped because the microphones nearer their fit than their members
    /// heard nothing when it says they should have.
    pub unheard: u64,
    /// What the pairing took the first estimate of each launch and impact for.
    pub kinds: KindConfusion,
    /// Blind candidates joined to an earlier one that one fit explains with them (one event split).
    pub merged: u64,
    /// Blind candidates dissolved because a later one with more members explains most of their
    /// arrivals.
    pub dissolved: u64,
    /// Where the blind association's grid search ran (the adapter, or the f64 reference), the
    /// grid points it scored and those the reference scored again for the device; None: oracle.
    pub search: Option<SearchCounts>,
    /// Estimates not explained by any event (false alarms, split events), per day.
    pub false_alarms_per_day: f64,
    /// One row per class, in scenario order, with its name.
    pub metrics: Vec<(String, MetricRecord)>,
    /// Under blind association, the oracle's rows on the same detections (the upper bound, also
    /// in /metrics_oracle); None: the oracle associated.
    pub oracle_metrics: Option<Vec<MetricRecord>>,
    pub seconds: f64,
}

impl VerifyReport {
    pub fn metric(&self, class: &str, name: &str) -> f64 {
        let Some((_, m)) = self.metrics.iter().find(|(c, _)| c == class) else { return f64::NAN };
        match name {
            "detection_rate" => m.detection_rate,
            "false_alarms_per_day" => m.false_alarms_per_day,
            "cep50_m" => m.cep50_m,
            "cep90_m" => m.cep90_m,
            "nees_mean" => m.nees_mean,
            "attribution_accuracy" => m.attribution_accuracy,
            "wrong_side_rate" => m.wrong_side_rate,
            "indeterminate_rate" => m.indeterminate_rate,
            "track_origin_accuracy" => m.track_origin_accuracy,
            "impact_as_launch_rate" => m.impact_as_launch_rate,
            "blind_gap" => self.blind_gap(class),
            "crossings_verified_rate" if m.tracks_crossing > 0 => {
                m.crossings_verified as f64 / m.tracks_crossing as f64
            }
            _ => f64::NAN,
        }
    }

    /// The oracle's rate of right-side attributions per event of a class minus blind
    /// association's (NaN when the oracle associated or the class had no events).
    pub fn blind_gap(&self, class: &str) -> f64 {
        let i = self.metrics.iter().position(|(c, _)| c == class);
        match (i, &self.oracle_metrics) {
            (Some(i), Some(bound)) => bound::right_side_rate(&bound[i]) - bound::right_side_rate(&self.metrics[i].1),
            _ => f64::NAN,
        }
    }
}

/// Launches and impacts (rows, as the truth has them) against what the sound and the pairing
/// took their first estimate for (columns: launch, impact, ambiguous, unpaired).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KindConfusion {
    pub launches: [u64; 4],
    pub impacts: [u64; 4],
}

impl KindConfusion {
    fn count(&mut self, truth: EventKindCode, taken_for: EstimateKindCode) {
        let column = match taken_for {
            EstimateKindCode::Launch => 0,
            EstimateKindCode::Impact => 1,
            EstimateKindCode::Ambiguous => 2,
            EstimateKindCode::Unpaired => 3,
        };
        match truth {
            EventKindCode::Launch => self.launches[column] += 1,
            EventKindCode::Impact => self.impacts[column] += 1,
            _ => {}
        }
    }
}

/// What the blind association's grid search did.
#[derive(Debug, Clone)]
pub struct SearchCounts {
    pub device: String,
    pub points: u64,
    /// (grid point, partner arrival) pairs the kernel evaluated, and those it would have with
    /// every partner in the travel-time window on every grid.
    pub pairs: u64,
    pub window_pairs: u64,
    pub recomputed: u64,
    pub dispatches: u64,
    /// Wall time in the search kernel's dispatches, upload to read-back, s (0 on the reference).
    pub seconds: f64,
}

enum Associator<'m> {
    Oracle(Oracle),
    Blind(Box<Blind<'m>>),
}

impl Associator<'_> {
    fn push(&mut self, d: DetectionRecord) {
        match self {
            Self::Oracle(a) => a.push(d),
            Self::Blind(a) => a.push(d),
        }
    }
    fn ready(&mut self, now: f64) -> Result<Vec<Candidate>> {
        match self {
            Self::Oracle(a) => Ok(a.ready(now)),
            Self::Blind(a) => a.ready(now),
        }
    }
    fn finish(&mut self) -> Result<Vec<Candidate>> {
        match self {
            Self::Oracle(a) => Ok(a.finish()),
            Self::Blind(a) => a.finish(),
        }
    }
}

/// The longest travel time between two sensors, s: an event's arrivals all fall within it.
fn horizon_s(models: &[SensorModel], sensors: &[Sensor]) -> f64 {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for s in sensors {
        lo = [lo[0].min(s.x), lo[1].min(s.y)];
        hi = [hi[0].max(s.x), hi[1].max(s.y)];
    }
    let slowest =
        models.iter().map(|m| locate::slowest_speed_mps(m.speed_mps, m.wind_mps, m.air)).fold(f64::INFINITY, f64::min);
    if sensors.is_empty() { 0.0 } else { (hi[0] - lo[0]).hypot(hi[1] - lo[1]) / slowest + 1.0 }
}

/// What an observation tells of a source `range_m` away, 1/m²: its arrival time as a distance
/// along the path (σ_t times the signal's speed), its bearing across it (σ_θ times the range)
/// and its range, each as an inverse variance.
fn position_weight(o: &Observation, range_m: f64) -> f64 {
    let range_m = range_m.max(1.0);
    let timed = (o.sigma_at_s(range_m, false) * o.speed_mps).powi(-2);
    let across = o.bearing.map_or(0.0, |(_, s)| (s.hypot(o.position_sigma_m / range_m) * range_m).powi(-2));
    let along = o.range.map_or(0.0, |(_, s)| s.hypot(o.position_sigma_m).powi(-2));
    timed + across + along
}

/// 1 − ρ² of the x–y covariance below which an estimate's ellipse counts as a line: an axis ratio
/// beyond ~200 (a stated threshold: the fits of well-spread arrivals stay far above it).
const DEGENERATE_ELLIPSE: f64 = 1e-4;

/// Estimates nearer the line than this many σ also take the likelihood-ratio side test (farther
/// out a fit's side is not in doubt however its σ is misjudged).
const SIDE_TEST_SIGMAS: f64 = 10.0;
/// Points along the line at which the constrained fit is first evaluated.
const SIDE_TEST_POINTS: usize = 41;

/// The confidence in an estimate's side from the likelihood ratio: Δ = (least χ² with the
/// source on the line) − (χ² of the free fit), Φ(√Δ) (Wilks: Δ is χ² with one degree of
/// freedom at the boundary). The line is searched over the chainages within four σ of the
/// estimate's (at least ±500 m), then around the best point.
fn side_confidence(obs: &[Observation], e: &locate::Estimate, line: &ContactLine, chainage_km: f64) -> f64 {
    let sigma_m = (e.cov_xy[0][0] + e.cov_xy[1][1]).sqrt();
    let half_km = (4.0 * sigma_m).max(500.0) / 1000.0;
    let chi2_at = |c: f64| locate::chi2_at(obs, line.point_at(c.clamp(0.0, line.length_km()), 0.0));
    let step = 2.0 * half_km / (SIDE_TEST_POINTS - 1) as f64;
    let (mut best_c, mut best) = (chainage_km, f64::INFINITY);
    for k in 0..SIDE_TEST_POINTS {
        let c = chainage_km - half_km + k as f64 * step;
        let v = chi2_at(c);
        if v < best {
            (best_c, best) = (c, v);
        }
    }
    // Golden-section search within one step either side of the best point.
    let (mut lo, mut hi) = (best_c - step, best_c + step);
    let ratio = 0.5 * (5f64.sqrt() - 1.0);
    for _ in 0..12 {
        let (m1, m2) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
        if chi2_at(m1) < chi2_at(m2) { hi = m2 } else { lo = m1 }
    }
    best = best.min(chi2_at(0.5 * (lo + hi)));
    crate::physics::normal_cdf((best - e.chi2).max(0.0).sqrt())
}

/// Locate, attribute and match one candidate to the event most of its detections came from.
fn assess(
    c: &Candidate,
    models: &[SensorModel],
    laws: &[CallLaw],
    line: &ContactLine,
    plane: &Plane,
    confidence: f64,
    events: &HashMap<u32, EventRecord>,
) -> Option<EstimateRecord> {
    let obs: Vec<Observation> = c.iter().map(|d| observation(&models[d.sensor_id as usize], d)).collect();
    let e = locate(&obs)?;
    let mut a = attribute(&e, line, confidence);
    // A fit its own residuals reject (χ² beyond its 1e-4 upper tail) is not evidence for a
    // side, however small its covariance: typically arrivals of different events taken for one.
    let dof = (obs.len() + obs.iter().filter(|o| o.bearing.is_some()).count()).saturating_sub(3);
    if dof > 0 && exceeds_chi2_gate(e.chi2, dof) {
        a.side = SideCode::Indeterminate;
    }
    // Nor is one whose error ellipse has collapsed to a line: the geometry fixes one direction
    // only, and the linearised covariance misjudges the other by orders of magnitude.
    let c2 = e.cov_xy[0][1] * e.cov_xy[0][1] / (e.cov_xy[0][0] * e.cov_xy[1][1]);
    if 1.0 - c2 < DEGENERATE_ELLIPSE {
        a.side = SideCode::Indeterminate;
    }
    // Near the line a linearised σ can misjudge a poorly conditioned fit (a source far outside
    // a small array, located by one phase): the side must also survive the likelihood-ratio
    // test against the best fit with the source on the line itself.
    if matches!(a.side, SideCode::A | SideCode::B) && a.offset_m.abs() < SIDE_TEST_SIGMAS * a.sigma_n_m {
        let held = side_confidence(&obs, &e, line, a.chainage_km);
        a.confidence = a.confidence.min(held);
        if held < confidence {
            a.side = SideCode::Indeterminate;
        }
    }
    // The event the fit mostly stands on: each detection votes with what it tells of the
    // position at the fit (a few sharp arrivals outweigh many loose ones that joined; an RF
    // detector's arrival, timed to the microsecond but at the speed of light, tells little).
    let mut votes: HashMap<i64, f64> = HashMap::new();
    for (d, o) in c.iter().zip(&obs) {
        *votes.entry(d.event_id).or_default() += position_weight(o, (o.x - e.x).hypot(o.y - e.y));
    }
    let truth = votes.into_iter().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0))).map_or(-1, |(id, _)| id);
    let truth_event = u32::try_from(truth).ok().and_then(|id| events.get(&id));
    let error_m = truth_event.map_or(f64::NAN, |ev| (e.x - ev.x).hypot(e.y - ev.y));
    // A heavy munition lands on its victim's side: the side it is attributed to is the other.
    // The verifier is taken to tell a strike from a gun by its signature, ~20–40 dB above any
    // gun's (a stated simplification: no signature classifier is modelled).
    if truth_event.is_some_and(|ev| ev.kind == EventKindCode::Strike) {
        a.side = match a.side {
            SideCode::A => SideCode::B,
            SideCode::B => SideCode::A,
            other => other,
        };
    }
    let [lon, lat] = plane.inverse(e.x, e.y).unwrap_or([f64::NAN; 2]);
    Some(EstimateRecord {
        id: 0,
        x: e.x,
        y: e.y,
        lon,
        lat,
        t0_s: e.t0_s,
        sigma_x_m: e.cov_xy[0][0].sqrt(),
        sigma_y_m: e.cov_xy[1][1].sqrt(),
        rho_xy: e.cov_xy[0][1] / (e.cov_xy[0][0] * e.cov_xy[1][1]).sqrt(),
        sigma_n_m: a.sigma_n_m,
        chainage_km: a.chainage_km,
        offset_m: a.offset_m,
        attributed_side: a.side,
        confidence: a.confidence,
        n_detections: c.len() as u32,
        chi2: e.chi2,
        truth_event_id: truth,
        error_m,
        kind: EstimateKindCode::Unpaired,
        p_launch: launch_probability(c, models, laws).map_or(f32::NAN, |p| p as f32),
    })
}

/// P(launch) from the calls of a candidate's microphones, each weighed by its row's law at its
/// SNR above its sensor's threshold (`detect::signature`); None when none was called.
fn launch_probability(c: &Candidate, models: &[SensorModel], laws: &[CallLaw]) -> Option<f64> {
    let calls: Vec<_> = c
        .iter()
        .filter_map(|d| {
            let (model, law) = (models.get(d.sensor_id as usize)?, laws.get(d.sensor_id as usize)?);
            Some((d.signature, law.separation(f64::from(d.snr_db) - model.threshold_db)))
        })
        .collect();
    crate::detect::signature::p_launch(&calls)
}

/// Whether a candidate was located from sound and ground waves alone (`pairing`: only such an
/// estimate may be an impact).
fn heard_only(c: &Candidate) -> bool {
    c.iter().all(|d| matches!(d.modality, ModalityCode::Acoustic | ModalityCode::Seismic))
}

/// When each sensor stops reporting, by id (infinite: never), as the deployment's state of health
/// tells a verifier: out from the start, or lost at a time listed in /sensor_losses.
fn outages(file: &hdf5::File, sensors: &[Sensor], count: usize) -> Result<Vec<f64>> {
    let mut out_from_s = vec![f64::INFINITY; count];
    for s in sensors.iter().filter(|s| !s.active) {
        out_from_s[s.id as usize] = f64::NEG_INFINITY;
    }
    if file.link_exists("sensor_losses") {
        let losses =
            crate::output::reader::read_table::<crate::output::records::SensorLossRecord>(file, "sensor_losses")
                .map_err(|e| Error::output("sensor_losses", e))?;
        for l in losses {
            if let Some(t) = out_from_s.get_mut(l.sensor_id as usize) {
                *t = t.min(l.t_s);
            }
        }
    }
    Ok(out_from_s)
}

/// Verify the detections of an open result file and write /estimates and /metrics to it.
pub fn verify(
    file: &hdf5::File,
    loaded: &LoadedScenario,
    plane: &Plane,
    line: &ContactLine,
    sensors: &[Sensor],
    gpu: Option<&Gpu>,
) -> Result<VerifyReport> {
    let started = Instant::now();
    let s = &loaded.scenario;
    let h5 = |what: &str, e: hdf5::Error| Error::output(what, e);
    let models = sensor_models(sensors, &s.environment, &s.truth);
    let laws = call_laws(sensors, &s.rows);
    let events: HashMap<u32, EventRecord> = crate::output::reader::read_table::<EventRecord>(file, "events")
        .map_err(|e| h5("events", e))?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let mut scores = vec![ClassScore::default(); s.classes.len()];
    for e in events.values().filter(|e| attributable(e)) {
        if let Some(score) = scores.get_mut(usize::from(e.class)) {
            score.truth(e);
        }
    }
    let horizon = horizon_s(&models, sensors);
    // Under blind association the oracle runs beside it, scored but unwritten: its upper bound.
    let mut oracle_bound = match s.verify.association {
        Association::Blind => Some(OracleBound::new(horizon, scores.clone())),
        Association::Oracle => None,
    };
    let judge = Judge { models: &models, laws: &laws, line, plane, confidence: s.verify.confidence, events: &events };
    let deepest_km =
        s.classes.iter().map(|c| c.depth_km[1].max(c.impact_depth_km.map_or(0.0, |d| d[1]))).fold(0.0, f64::max);
    let farthest_sensor_m = sensors.iter().map(|x| x.offset_m.abs()).fold(0.0, f64::max);
    // The blind search runs on the device when there is one, else on its f64 reference.
    let device = match (s.verify.association, gpu) {
        (Association::Blind, Some(gpu)) => Some((GpuScorer::new(gpu)?, gpu.describe())),
        _ => None,
    };
    let scorer: &dyn LevelScorer = match &device {
        Some((scorer, _)) => scorer,
        None => &CpuScorer,
    };
    let mut associator = match s.verify.association {
        Association::Oracle => Associator::Oracle(Oracle::new(horizon)),
        Association::Blind => {
            let out_from_s = outages(file, sensors, models.len())?;
            Associator::Blind(Box::new(
                Blind::new(&models, horizon, deepest_km * 1000.0 + farthest_sensor_m, scorer).with_outages(out_from_s),
            ))
        }
    };
    let detections = file.dataset("detections").map_err(|e| h5("detections", e))?;
    let mut table = Table::create::<EstimateRecord>(
        file,
        "estimates",
        "Located candidate events with their covariance and attribution (the baseline verifier)",
        ESTIMATE_UNITS,
    )
    .map_err(|e| h5("estimates", e))?;
    let mut seen: HashSet<i64> = HashSet::new();
    let (mut candidates, mut located, mut unexplained) = (0u64, 0u64, 0u64);
    // Estimates leave through the pairing, which takes each for a launch or an impact once every
    // estimate that could pair with it has come.
    let mut pairing = Pairing::new(Envelope::of(s), s.verify.confidence)
        .withholding(s.verify.unsettled == crate::scenario::Unsettled::Withhold);
    let mut kinds = KindConfusion::default();
    let mut process = |batch: Vec<Candidate>, last: bool, table: &mut Table| -> Result<()> {
        candidates += batch.len() as u64;
        let assessed: Vec<(EstimateRecord, bool)> = batch
            .par_iter()
            .filter_map(|c| {
                let r = assess(c, &models, &laws, line, plane, s.verify.confidence, &events)?;
                // A strike is told by its signature (`assess`): it is not a gun's round.
                let strike = u32::try_from(r.truth_event_id)
                    .ok()
                    .and_then(|id| events.get(&id))
                    .is_some_and(|ev| ev.kind == EventKindCode::Strike);
                Some((r, heard_only(c) && !strike))
            })
            .collect();
        let mut rows: Vec<EstimateRecord> =
            assessed.into_iter().flat_map(|(r, heard)| pairing.push(r, heard)).collect();
        if last {
            rows.extend(pairing.finish());
        }
        for r in &mut rows {
            r.id = located as u32;
            located += 1;
            let truth = u32::try_from(r.truth_event_id).ok().and_then(|id| events.get(&id));
            match truth {
                Some(ev) if seen.insert(r.truth_event_id) => {
                    kinds.count(ev.kind, r.kind);
                    if let Some(score) = scores.get_mut(usize::from(ev.class)) {
                        if attributable(ev) {
                            score.located(ev, r.error_m, r.nees([ev.x, ev.y]), r.attributed_side);
                        } else {
                            score.impact_located(r.attributed_side);
                        }
                    }
                }
                _ => unexplained += 1,
            }
        }
        table.append(&rows).map_err(|e| h5("estimates", e))
    };
    let total = detections.size();
    for start in (0..total).step_by(READ_CHUNK) {
        let end = (start + READ_CHUNK).min(total);
        let chunk: Vec<DetectionRecord> =
            detections.read_slice_1d(ndarray::s![start..end]).map_err(|e| h5("detections", e))?.to_vec();
        let now = chunk.last().map_or(0.0, |d| d.t_s);
        for d in chunk {
            associator.push(d);
            if let Some(b) = &mut oracle_bound {
                b.push(d);
            }
        }
        if let Some(b) = &mut oracle_bound {
            b.ready(now, &judge);
        }
        let batch = associator.ready(now)?;
        process(batch, false, &mut table)?;
    }
    let batch = associator.finish()?;
    process(batch, true, &mut table)?;
    let (unassociated, window_pairs, unheard, merged, dissolved) = match &associator {
        Associator::Blind(b) => (b.unassociated, b.window_pairs, b.unheard, b.merged, b.dissolved),
        Associator::Oracle(_) => (0, 0, 0, 0, 0),
    };
    let days = s.duration_h / 24.0;
    let false_alarms_per_day = if days > 0.0 { unexplained as f64 / days } else { f64::NAN };
    let metrics: Vec<(String, MetricRecord)> = s
        .classes
        .iter()
        .zip(&scores)
        .enumerate()
        .map(|(i, (c, score))| (c.name.clone(), score.record(i as u16, false_alarms_per_day)))
        .collect();
    let metric_rows: Vec<MetricRecord> = metrics.iter().map(|(_, m)| *m).collect();
    let mut metric_table = Table::create::<MetricRecord>(
        file,
        "metrics",
        "Scores of the verifier against ground truth, one row per class",
        METRIC_UNITS,
    )
    .map_err(|e| h5("metrics", e))?;
    metric_table.append(&metric_rows).map_err(|e| h5("metrics", e))?;
    let oracle_metrics = oracle_bound.map(|b| b.finish(&judge));
    if let Some(rows) = &oracle_metrics {
        let mut bound_table = Table::create::<MetricRecord>(
            file,
            "metrics_oracle",
            "Upper bound of blind association: the oracle's scores on the same detections, one row per class",
            METRIC_UNITS,
        )
        .map_err(|e| h5("metrics_oracle", e))?;
        bound_table.append(rows).map_err(|e| h5("metrics_oracle", e))?;
    }
    let class_names: Vec<String> = s.classes.iter().map(|c| c.name.clone()).collect();
    if oracle_metrics.is_some() {
        let ds = file.dataset("metrics_oracle").map_err(|e| h5("metrics_oracle", e))?;
        names_attr(&ds, "class_names", &class_names).map_err(|e| h5("metrics_oracle", e))?;
    }
    let ds = file.dataset("metrics").map_err(|e| h5("metrics", e))?;
    names_attr(&ds, "class_names", &class_names).map_err(|e| h5("metrics", e))?;
    let association = match s.verify.association {
        Association::Oracle => "oracle",
        Association::Blind => "blind",
    };
    crate::output::text_attr(&ds, "association", association).map_err(|e| h5("metrics", e))?;
    let unsettled = match s.verify.unsettled {
        crate::scenario::Unsettled::Claim => "claim",
        crate::scenario::Unsettled::Withhold => "withhold",
    };
    crate::output::text_attr(&ds, "unsettled", unsettled).map_err(|e| h5("metrics", e))?;
    ds.new_attr::<f64>()
        .create("confidence")
        .and_then(|a| a.write_scalar(&s.verify.confidence))
        .map_err(|e| h5("metrics", e))?;
    let search = match (s.verify.association, &device) {
        (Association::Oracle, _) => None,
        (Association::Blind, Some((scorer, name))) => Some(SearchCounts {
            device: name.clone(),
            points: scorer.points.get(),
            pairs: scorer.pairs.get(),
            window_pairs,
            recomputed: scorer.recomputed.get(),
            dispatches: scorer.dispatches.get(),
            seconds: scorer.seconds.get(),
        }),
        (Association::Blind, None) => Some(SearchCounts {
            device: "the f64 reference (CPU)".into(),
            points: 0,
            pairs: 0,
            window_pairs,
            recomputed: 0,
            dispatches: 0,
            seconds: 0.0,
        }),
    };
    Ok(VerifyReport {
        association: s.verify.association,
        candidates,
        located,
        unassociated,
        unheard,
        merged,
        dissolved,
        kinds,
        search,
        false_alarms_per_day,
        metrics,
        oracle_metrics,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the fit is well conditioned the likelihood-ratio side test agrees with the Gaussian
    /// one (Wilks: the constrained χ² rises by (d/σn)²); on the line it has no confidence.
    #[test]
    fn the_side_test_agrees_with_the_gaussian_where_the_fit_is_linear() {
        let pts = vec![[0.0, 0.0], [10_000.0, 0.0]];
        let line = ContactLine::new(vec![pts.clone()], vec![pts]);
        let sensors: Vec<[f64; 2]> = (0..8)
            .map(|k| {
                let a = f64::from(k) * std::f64::consts::TAU / 8.0;
                [5_000.0 + 3_000.0 * a.sin(), 3_000.0 * a.cos()]
            })
            .collect();
        for source_y in [0.0, 10.0, 20.0, -25.0] {
            let obs: Vec<Observation> = sensors
                .iter()
                .map(|s| Observation {
                    x: s[0],
                    y: s[1],
                    t_s: 100.0 + (s[0] - 5_000.0).hypot(s[1] - source_y) / 340.0,
                    sigma_t_s: 0.05,
                    speed_mps: 340.0,
                    wind_mps: [0.0; 2],
                    bearing: None,
                    range: None,
                    path_speed_sigma_mps: 0.0,
                    position_sigma_m: 0.0,
                    shared: None,
                    air: None,
                })
                .collect();
            let e = locate::locate(&obs).expect("located");
            let a = attribute(&e, &line, 0.95);
            let gaussian = a.confidence;
            let held = side_confidence(&obs, &e, &line, a.chainage_km);
            assert!((held - gaussian).abs() < 0.01, "source at y = {source_y}: {held} vs {gaussian}");
        }
    }

    /// The event an estimate is scored against is the one whose detections fix its position: an
    /// RF detector's arrival, timed to a microsecond but at the speed of light, with a bearing of
    /// σ 1° at 10 km, tells less than one microphone's arrival timed to 10 ms (on the full line a
    /// drone's RF detection that joined three arrivals of a gun's round took the estimate, 7 km
    /// from the drone, by its timing σ alone).
    #[test]
    fn a_detection_votes_with_what_it_tells_of_the_position() -> Result<(), String> {
        let at = |sigma_t_s: f64, speed_mps: f64, bearing: Option<(f64, f64)>| Observation {
            x: 0.0,
            y: 0.0,
            t_s: 0.0,
            sigma_t_s,
            speed_mps,
            wind_mps: [0.0; 2],
            bearing,
            range: None,
            path_speed_sigma_mps: 0.0,
            position_sigma_m: 0.0,
            shared: None,
            air: None,
        };
        let light = 299_792_458.0;
        let sound = position_weight(&at(0.01, 340.0, None), 10_000.0);
        let rf = position_weight(&at(1e-6, light, Some((0.0, 1f64.to_radians()))), 10_000.0);
        let expected = (1f64.to_radians() * 10_000.0).powi(-2) + (1e-6 * light).powi(-2);
        if (rf / expected - 1.0).abs() > 1e-9 {
            return Err(format!("RF weight {rf} against {expected}"));
        }
        if rf >= sound / 100.0 {
            return Err(format!("RF weight {rf} not far below one microphone's {sound}"));
        }
        // An untimed bearing weighs by its bearing alone.
        let untimed = position_weight(&at(f64::INFINITY, light, Some((0.0, 1f64.to_radians()))), 10_000.0);
        if (untimed / (1f64.to_radians() * 10_000.0).powi(-2) - 1.0).abs() > 1e-9 {
            return Err(format!("untimed bearing weight {untimed}"));
        }
        Ok(())
    }

    #[test]
    fn chi2_quantiles_match_tables() {
        // Upper 1e-4 points of χ², from the regularised incomplete gamma function:
        // k = 3: 21.108, k = 10: 35.564, k = 100: 161.319.
        for (k, exact) in [(3.0, 21.108), (10.0, 35.564), (100.0, 161.319)] {
            let q = chi2_upper_quantile(k, CHI2_TAIL_SIGMAS);
            assert!((q / exact - 1.0).abs() < 0.04, "k = {k}: {q} vs {exact}");
        }
    }
}
