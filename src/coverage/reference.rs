//! Coverage metrics of one cell, f64.

use crate::abi::reach_for;
use crate::abi::{GpuEvent, GpuParams, GpuSensor, MODALITY_ACOUSTIC, MODALITY_RADAR, MODALITY_SEISMIC};
use crate::detect::reference::{Received, bearing_sigma_rad, pick_at_threshold_s, range_sigma_m, received};
use crate::physics::{self, normal_cdf};
use crate::terrain::viewshed::SightLines;
use crate::verify::associate::CONFIRMING_SIGMA_S;

use super::fix_rule::FixRule;

/// Largest k for P(≥k) (the kernel keeps k + 1 probabilities per thread).
pub const MAX_K: usize = 8;
/// Timing error floor, s: a zero σt would make the Fisher information infinite.
pub const MIN_TIMING_SIGMA_S: f64 = 1e-6;
/// Sensors that detect less often than this add nothing meaningful to the location bound, and
/// their f32 tail probabilities are denormal: they count in P(≥k), not in the information.
pub const LOCATION_PD_FLOOR: f64 = 1e-6;
/// det(S) / max(diag S)² at or below which the location information counts as singular: the
/// weak direction is then ~30 times worse than the strong one (a source far outside its
/// array's aperture). The f32 kernel resolves S's entries to ~1e-7, so σ carries a relative
/// error of ~1e-7 / conditioning: at 1e-3 that is 1e-4, inside the 1e-3 contract. Cells below
/// are reported as not locatable (σ = ∞, attribution at chance): conservative by design.
pub const SINGULAR_DET: f64 = 1e-3;

/// Where a cell is relative to the line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellSite {
    /// Signed offset from the line, m (negative: side A).
    pub offset_m: f64,
    /// Unit normal of the line at the nearest point, pointing to side B.
    pub normal: [f64; 2],
}

impl CellSite {
    /// The site of a kernel cell.
    pub fn of(cell: &super::GpuCell) -> Self {
        Self { offset_m: f64::from(cell.offset_m), normal: [f64::from(cell.normal_x), f64::from(cell.normal_y)] }
    }
}

/// The metrics of docs/design.md §5 for one cell and one source class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellMetrics {
    /// P(at least one detection).
    pub p_detect: f64,
    /// P(the detections fix the source by the verifier's rule): at least k location
    /// constraints, or what blind association accepts (`FixRule`); exact under independence.
    pub p_k: f64,
    /// Cross-line standard deviation of the location estimate from the Cramér–Rao bound, m
    /// (infinite when the geometry cannot locate at all).
    pub sigma_n_m: f64,
    /// Φ(|d| / σn): the chance the located source lands on its true side.
    pub p_attrib: f64,
    /// p_k × p_attrib.
    pub verifiable: f64,
    /// det(S)/max(diag S)² of the location information, in [0, 1]: 1 for an isotropic
    /// geometry, toward 0 as it degenerates (0 when nothing constrains the position).
    pub conditioning: f64,
    /// Sensors within reach: the (cell, sensor) pairs evaluated.
    pub sensors: u32,
}

/// P(at least k successes) of independent trials with probabilities `ps`: the exact dynamic
/// program over the count, truncated at k (O(n·k)).
pub fn poisson_binomial_at_least(ps: &[f64], k: usize) -> f64 {
    let trials: Vec<(f64, usize)> = ps.iter().map(|&p| (p, 1)).collect();
    constraints_at_least(&trials, k)
}

/// P(the successes of independent trials add up to at least k), trial i adding `c` with
/// probability p: the location constraints of independent detections, each an arrival time plus a
/// bearing and a range where its sensor reports them. The same dynamic program over the running
/// total, truncated at k.
pub fn constraints_at_least(trials: &[(f64, usize)], k: usize) -> f64 {
    if k == 0 {
        return 1.0;
    }
    // below[j] = P(exactly j so far), j < k; the rest of the mass has reached k.
    let mut below = vec![0.0; k];
    below[0] = 1.0;
    for &(p, c) in trials {
        for j in (0..k).rev() {
            let stay = below[j] * (1.0 - p);
            let arrive = if j >= c { below[j - c] * p } else { 0.0 };
            below[j] = stay + arrive;
        }
    }
    (1.0 - below.iter().sum::<f64>()).clamp(0.0, 1.0)
}

/// The location constraints one detection by `s` gives the verifier (`verify::locate` needs
/// three for x, y and the origin time): its arrival time, its bearing where the sensor reports
/// one, its range where it measures one (a surveillance radar with range and bearing, or a
/// counter-battery radar, fixes a source alone).
pub fn constraints_of(s: &GpuSensor, ground_range_m: f64) -> usize {
    let ranged = s.modality >= MODALITY_RADAR && range_sigma_m(s, ground_range_m) > 0.0;
    1 + usize::from(s.bearing_sigma_rad > 0.0) + usize::from(ranged)
}

/// σ of the speed a wave's path travels at as the verifier weighs it, m/s: for sound the
/// believed σ with the event's weather error folded in, or (`fitted`) the path's own once a fit
/// has estimated that weather; for ground waves their own fraction (nothing is shared).
fn path_speed_sigma_mps(p: &GpuParams, s: &GpuSensor, r: &Received, fitted: bool) -> f64 {
    let f = f64::from;
    if s.modality == MODALITY_ACOUSTIC {
        f(if fitted { p.fitted_speed_sigma_mps } else { p.speed_sigma_mps })
    } else if r.phase == crate::physics::seismic::Phase::Lg as u32 {
        f(p.lg_speed_sigma_fraction) * r.speed_mps
    } else {
        f(p.ground_speed_sigma_fraction) * r.speed_mps
    }
}

/// σ of an arrival time as the verifier weighs it, s (the twin of `arrival_sigma_s` in
/// shaders/coverage.wgsl): the pick at this SNR, the surveyed position's error along the path,
/// and the believed speed's error over the range, r·σc/c² (docs/design.md §3).
pub fn arrival_sigma_s(p: &GpuParams, e: &GpuEvent, s: &GpuSensor, r: &Received, snr_db: f64) -> f64 {
    let f = f64::from;
    let pick = physics::pick_sigma_s(pick_at_threshold_s(e, s, r), f(s.threshold_db), snr_db);
    let model = r.range_m * path_speed_sigma_mps(p, s, r, false) / (r.speed_mps * r.speed_mps);
    let survey = f(p.survey_sigma_m) / r.speed_mps;
    (pick * pick + survey * survey + model * model).sqrt().max(MIN_TIMING_SIGMA_S)
}

/// P(a detection by `s` of a source `r.range_m` away can confirm a blind candidate): its arrival
/// time, the event's weather fitted, is known to `CONFIRMING_SIGMA_S` (the twin of
/// `confirming_pd` in shaders/coverage.wgsl; src/verify/associate.rs::confirmed). Light keeps its
/// row's σ. A wave's pick sharpens with the SNR, so it confirms when the SNR it is received at
/// clears the margin over the threshold at which the pick, the surveyed position's error and
/// the path's own speed error over the range fit within that σ: P(margin drawn ≥ that margin).
pub fn confirming_probability(p: &GpuParams, e: &GpuEvent, s: &GpuSensor, r: &Received, pd: f64, mean_snr: f64) -> f64 {
    let f = f64::from;
    if s.modality > MODALITY_SEISMIC {
        return if f(s.timing_sigma_s) <= CONFIRMING_SIGMA_S { pd } else { 0.0 };
    }
    let model = r.range_m * path_speed_sigma_mps(p, s, r, true) / (r.speed_mps * r.speed_mps);
    let survey = f(p.survey_sigma_m) / r.speed_mps;
    let spare = CONFIRMING_SIGMA_S * CONFIRMING_SIGMA_S - model * model - survey * survey;
    let at_threshold = pick_at_threshold_s(e, s, r);
    let sharpest = at_threshold * physics::PICK_FLOOR_FRACTION;
    if spare <= 0.0 || spare < sharpest * sharpest {
        return 0.0;
    }
    let allowed = spare.sqrt();
    if allowed >= at_threshold {
        return pd;
    }
    if r.pd >= 0.0 {
        // A law of its own, no SNR to sharpen the pick with: the pick at threshold does not fit.
        return 0.0;
    }
    let needed_db = 20.0 * (at_threshold / allowed).log10();
    margin_probability(mean_snr - f(s.threshold_db) - needed_db, f(s.fluctuation_db))
}

/// P(the onset picker of a sensor with dead time `dead_time_s` is free when a round of `e`'s
/// class arrives: no other round of its salvo came within the dead time before it; 1 without
/// salvos or dead time (the twin of `salvo_pick_free` in shaders/coverage.wgsl; the picker is
/// src/run/picker.rs). A salvo of n guns fires at times uniform over its spread S (as
/// src/events.rs draws them); with x = τ/S (at most 1), a round at t has no mate in [t − τ, t)
/// with probability (1 − min(t, τ)/S)^(n−1), whose mean over t is
/// P(free | n) = (1 − (1 − x)^n)/n + (1 − x)^n. A round is in a salvo of n guns in proportion to
/// n (guns uniform over the class's range), so P(free) = Σ (1 + (n − 1)(1 − x)^n) / Σ n.
/// Stated simplifications: the mates are heard where the round is (they stand tens of metres
/// apart), every mate within τ holds the picker (one lost itself does not), and neither the
/// mates' travel-time differences nor other events' arrivals are counted.
pub fn salvo_pick_free(dead_time_s: f64, e: &GpuEvent) -> f64 {
    let (fewest, most) = (e.salvo_guns_min.max(1), e.salvo_guns_max);
    if dead_time_s <= 0.0 || most < 2 || fewest > most {
        return 1.0;
    }
    let spread = f64::from(e.salvo_spread_s);
    let x = if spread > 0.0 { (dead_time_s / spread).min(1.0) } else { 1.0 };
    let (mut free, mut rounds) = (0.0, 0.0);
    for n in fewest..=most {
        free += 1.0 + f64::from(n - 1) * (1.0 - x).powi(n as i32);
        rounds += f64::from(n);
    }
    free / rounds
}

/// P(a received level's margin, mean `margin_db`, fluctuating by σ `fluctuation_db`, is ≥ 0):
/// Φ(margin/σ), a step without fluctuation.
fn margin_probability(margin_db: f64, fluctuation_db: f64) -> f64 {
    if fluctuation_db > 0.0 {
        normal_cdf(margin_db / fluctuation_db)
    } else if margin_db >= 0.0 {
        1.0
    } else {
        0.0
    }
}

/// Probability that sensor `s` detects a source `e`: Φ((L − N − T)/σ) (a step without
/// fluctuation), or the radar's and camera's own law; and the mean SNR.
pub fn detection_probability(p: &GpuParams, sight: &dyn SightLines, e: &GpuEvent, s: &GpuSensor) -> (f64, f64) {
    if s.enabled == 0 {
        return (0.0, f64::NEG_INFINITY);
    }
    let r = received(p, sight, e, s);
    if r.pd >= 0.0 {
        return (r.pd, r.level_db - r.noise_db);
    }
    let margin = r.level_db - r.noise_db - f64::from(s.threshold_db);
    (margin_probability(margin, f64::from(s.fluctuation_db)), r.level_db - r.noise_db)
}

/// Metrics for a source of class `e` placed at the cell (e.x, e.y), against `sensors` (those in
/// reach are used; the caller may pass a superset), for the verifier's `rule`.
pub fn cell_metrics<'s>(
    p: &GpuParams,
    sight: &dyn SightLines,
    e: &GpuEvent,
    site: CellSite,
    sensors: impl IntoIterator<Item = &'s GpuSensor>,
    rule: FixRule,
) -> CellMetrics {
    let blind = rule.is_blind();
    // Detections that count towards the fix: P(they count) and the constraints they add.
    let mut trials = Vec::new();
    let mut none = 1.0;
    // P(no radar fixes the source alone), under blind association.
    let mut no_lone_fix = 1.0;
    let mut info = LocationInfo::default();
    let mut in_reach = 0u32;
    for s in sensors {
        let reach = reach_for(e, s.modality);
        let (dx, dy, dz) = (e.x - s.x, e.y - s.y, e.z - s.z);
        if dx * dx + dy * dy + dz * dz > reach * reach || s.enabled == 0 {
            continue;
        }
        in_reach += 1;
        let (heard, mean_snr) = detection_probability(p, sight, e, s);
        // A salvo's earlier round may hold the picker when this one arrives.
        let free = salvo_pick_free(f64::from(s.dead_time_s), e);
        let pd = heard * free;
        if pd <= 0.0 {
            continue;
        }
        none *= 1.0 - pd;
        let r = received(p, sight, e, s);
        // u: unit vector source → sensor (horizontal).
        let (ux, uy) = (-f64::from(dx), -f64::from(dy));
        let h = ux.hypot(uy);
        let ranged = s.modality >= MODALITY_RADAR && range_sigma_m(s, h) > 0.0;
        let bearing = s.bearing_sigma_rad > 0.0;
        // How often this sensor's detection enters the fit.
        let counts = if !blind {
            trials.push((pd, constraints_of(s, h)));
            pd
        } else if ranged && bearing {
            no_lone_fix *= 1.0 - pd;
            pd
        } else {
            let confirms = free * confirming_probability(p, e, s, &r, heard, mean_snr);
            trials.push((confirms, 1 + usize::from(bearing)));
            confirms
        };
        if h <= 0.0 || counts < LOCATION_PD_FLOOR {
            continue;
        }
        let (ux, uy) = (ux / h, uy / h);
        let survey = f64::from(p.survey_sigma_m);
        // TDOA: t_i = t0 + |s_i − x|/c, so ∂t_i/∂(x, y) = −u/c and ∂t_i/∂t0 = 1.
        // Arrival times locate only at the speed of sound or of the ground; a radar adds its
        // range along u (∂r/∂(x, y) = −u).
        if s.modality <= MODALITY_SEISMIC {
            let st = arrival_sigma_s(p, e, s, &r, mean_snr);
            info.add_arrival([-ux / r.speed_mps, -uy / r.speed_mps], counts / (st * st));
        } else if ranged {
            // The surveyed position's error adds to a range and, over the range, to a bearing.
            let sr = range_sigma_m(s, h);
            info.add_bearing([ux, uy], counts / (sr * sr + survey * survey));
        }
        // Bearing from the sensor to the source: |∂φ/∂(x, y)| = 1/r, perpendicular to u.
        if bearing {
            let sigma = bearing_sigma_rad(s, mean_snr);
            let blur = survey / h;
            info.add_bearing([uy / h, -ux / h], counts / (sigma * sigma + blur * blur));
        }
    }
    let p_detect = (1.0 - none).clamp(0.0, 1.0);
    let k = (rule.constraints() as usize).clamp(1, MAX_K);
    let p_k = (1.0 - no_lone_fix * (1.0 - constraints_at_least(&trials, k))).clamp(0.0, 1.0);
    let sigma_n_m = info.cross_line_sigma(site.normal);
    let p_attrib = if sigma_n_m.is_finite() { normal_cdf(site.offset_m.abs() / sigma_n_m) } else { 0.5 };
    CellMetrics {
        p_detect,
        p_k,
        sigma_n_m,
        p_attrib,
        verifiable: p_k * p_attrib,
        conditioning: info.conditioning(),
        sensors: in_reach,
    }
}

/// Expected Fisher information about the source position (x, y), with the unknown origin
/// time t0 eliminated (its Schur complement). For arrivals with gradients aᵢ = ∂tᵢ/∂(x, y) and
/// weights wᵢ = Pdᵢ/σtᵢ², eliminating t0 leaves Σ wᵢ(aᵢ − ā)(aᵢ − ā)ᵀ, ā the weighted mean:
/// accumulated by West's weighted incremental update (CACM 22(9), 1979), which has none of the
/// cancellation of forming the 3×3 matrix and inverting it. Bearings add Σ vᵢ hᵢhᵢᵀ directly.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LocationInfo {
    weight: f64,
    mean: [f64; 2],
    /// Upper triangle of the 2×2 information: xx, xy, yy.
    s: [f64; 3],
}

impl LocationInfo {
    pub fn add_arrival(&mut self, a: [f64; 2], w: f64) {
        if w <= 0.0 {
            return;
        }
        // S += (W_old·w/W)·δδᵀ: no subtraction of nearly equal numbers, whatever the weights.
        let previous = self.weight;
        self.weight += w;
        let delta = [a[0] - self.mean[0], a[1] - self.mean[1]];
        let ratio = w / self.weight;
        self.mean = [self.mean[0] + ratio * delta[0], self.mean[1] + ratio * delta[1]];
        let gain = previous * ratio;
        self.s[0] += gain * delta[0] * delta[0];
        self.s[1] += gain * delta[0] * delta[1];
        self.s[2] += gain * delta[1] * delta[1];
    }

    pub fn add_bearing(&mut self, h: [f64; 2], v: f64) {
        self.s[0] += v * h[0] * h[0];
        self.s[1] += v * h[0] * h[1];
        self.s[2] += v * h[1] * h[1];
    }

    /// det(S)/max(diag S)², in [0, 1]; 0 without information.
    pub fn conditioning(&self) -> f64 {
        let [a, b, d] = self.s;
        let scale = a.abs().max(d.abs());
        if scale > 0.0 { ((a * d - b * b) / (scale * scale)).clamp(0.0, 1.0) } else { 0.0 }
    }

    /// √(nᵀ S⁻¹ n): the Cramér–Rao standard deviation across the line. Infinite when S is
    /// singular (fewer constraints than unknowns) or ill-conditioned beyond `SINGULAR_DET`.
    pub fn cross_line_sigma(&self, n: [f64; 2]) -> f64 {
        let [a, b, d] = self.s;
        let scale = a.abs().max(d.abs());
        let det = a * d - b * b;
        if !(det.is_finite() && scale > 0.0) || det <= SINGULAR_DET * scale * scale {
            return f64::INFINITY;
        }
        let variance = (n[0] * n[0] * d - 2.0 * n[0] * n[1] * b + n[1] * n[1] * a) / det;
        if variance > 0.0 { variance.sqrt() } else { f64::INFINITY }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terrain::Terrain;

    #[test]
    fn poisson_binomial_matches_brute_force_enumeration() {
        let ps = [0.1, 0.5, 0.9, 0.33, 0.72, 0.05, 0.6];
        for k in 0..=ps.len() {
            let mut brute = 0.0;
            for mask in 0u32..(1 << ps.len()) {
                if mask.count_ones() as usize >= k {
                    brute += ps
                        .iter()
                        .enumerate()
                        .map(|(i, &p)| if mask >> i & 1 == 1 { p } else { 1.0 - p })
                        .product::<f64>();
                }
            }
            let dp = poisson_binomial_at_least(&ps, k);
            assert!((dp - brute).abs() < 1e-12, "k = {k}: {dp} vs {brute}");
        }
    }

    /// Trials that add 1, 2 or 3 constraints (an arrival, with a bearing, with a range too)
    /// against enumeration; a lone radar with range and bearing reaches three by itself.
    #[test]
    fn constraints_add_up_as_enumeration_says() {
        let trials = [(0.1, 1), (0.5, 3), (0.9, 2), (0.33, 1), (0.72, 2), (0.05, 3)];
        for k in 0..=MAX_K {
            let mut brute = 0.0;
            for mask in 0u32..(1 << trials.len()) {
                let total: usize =
                    trials.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, t)| t.1).sum();
                if total >= k {
                    brute += trials
                        .iter()
                        .enumerate()
                        .map(|(i, &(p, _))| if mask >> i & 1 == 1 { p } else { 1.0 - p })
                        .product::<f64>();
                }
            }
            let dp = constraints_at_least(&trials, k);
            assert!((dp - brute).abs() < 1e-12, "k = {k}: {dp} vs {brute}");
        }
        assert!((constraints_at_least(&[(0.8, 3)], 3) - 0.8).abs() < 1e-15, "a radar's fix alone");
        assert_eq!(constraints_at_least(&[(0.8, 2), (0.0, 1)], 3), 0.0, "one bearing sensor is not a fix");
    }

    /// The share of salvo rounds the picker is free for, simulated: salvos of a uniform number
    /// of guns fired at uniform times over the spread, a round lost when a mate came within the
    /// dead time before it (the closed form's model: within 0.004 of it), or only when the
    /// picker's last pick did (src/run/picker.rs, which a lost mate does not hold: within 0.04,
    /// the closed form the lower; 0.01 at a microphone's 0.5 s in the wartime sector's salvos).
    #[test]
    fn salvo_pick_free_is_the_share_of_rounds_the_picker_takes() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for (dead, spread, guns) in [(0.5, 5.0, [2, 4]), (1.0, 5.0, [2, 4]), (0.5, 10.0, [2, 6]), (1.0, 0.0, [3, 3])] {
            let e = GpuEvent {
                salvo_spread_s: spread as f32,
                salvo_guns_min: guns[0],
                salvo_guns_max: guns[1],
                ..Default::default()
            };
            let (mut rounds, mut free_of_mates, mut picked) = (0u32, 0u32, 0u32);
            for _ in 0..100_000 {
                let n = rng.random_range(guns[0]..=guns[1]);
                let mut times: Vec<f64> = (0..n).map(|_| rng.random::<f64>() * spread).collect();
                times.sort_by(f64::total_cmp);
                let mut last_pick = f64::NEG_INFINITY;
                for (k, &t) in times.iter().enumerate() {
                    rounds += 1;
                    free_of_mates += u32::from(k == 0 || t - times[k - 1] >= dead);
                    if t - last_pick >= dead {
                        picked += 1;
                        last_pick = t;
                    }
                }
            }
            let closed = salvo_pick_free(dead, &e);
            let (mates, picker) = (f64::from(free_of_mates) / f64::from(rounds), f64::from(picked) / f64::from(rounds));
            assert!((closed - mates).abs() < 0.004, "τ {dead}, S {spread}, {guns:?}: {closed} vs {mates}");
            assert!(picker >= closed && picker - closed < 0.04, "τ {dead}, S {spread}, {guns:?}: {closed} vs {picker}");
        }
        let none = GpuEvent::default();
        assert_eq!(salvo_pick_free(0.5, &none), 1.0, "no salvos: nothing holds the picker");
        assert_eq!(salvo_pick_free(0.0, &GpuEvent { salvo_guns_min: 2, salvo_guns_max: 4, ..none }), 1.0);
    }

    fn quiet_params() -> GpuParams {
        GpuParams { roughness_m: 0.05, surface_layer_m: 100.0, ..Default::default() }
    }

    fn loud_source() -> GpuEvent {
        GpuEvent { z: 5000.0, acoustic_db: 200.0, reach_acoustic_m: 1e9, is_day: 1, ..Default::default() }
            .in_still_air(15.0, 40.0)
    }

    fn sensor(x: f32, y: f32, timing: f32, bearing: f32) -> GpuSensor {
        GpuSensor {
            x,
            y,
            z: 5000.0,
            enabled: 1,
            threshold_db: 10.0,
            fluctuation_db: 5.0,
            timing_sigma_s: timing,
            bearing_sigma_rad: bearing,
            bearing_floor_rad: bearing,
            ..Default::default()
        }
    }

    fn ring(n: usize, radius: f32, timing: f32, bearing: f32) -> Vec<GpuSensor> {
        (0..n)
            .map(|i| {
                let a = std::f32::consts::TAU * i as f32 / n as f32;
                sensor(radius * a.cos(), radius * a.sin(), timing, bearing)
            })
            .collect()
    }

    /// Blind association's fix: two arrays with bearings (four constraints) do not make one, as
    /// they do for the oracle's three; a third array makes five; arrays beyond their confirming
    /// range (0.125 s · c² / σ_path, 14.7 km at 1 m/s) detect but confirm nothing.
    #[test]
    fn the_blind_rule_counts_what_blind_association_accepts() {
        let p = GpuParams { fitted_speed_sigma_mps: 1.0, ..quiet_params() };
        let (flat, e) = (Terrain::flat(), loud_source());
        let site = CellSite { offset_m: 10.0, normal: [0.0, 1.0] };
        let metrics = |sensors: &[GpuSensor], rule| cell_metrics(&p, &flat, &e, site, sensors, rule);
        let two = ring(2, 2000.0, 1e-3, 0.01);
        assert!(metrics(&two, FixRule::Constraints(3)).p_k > 0.999);
        assert_eq!(metrics(&two, FixRule::Blind).p_k, 0.0);
        assert!(metrics(&ring(3, 2000.0, 1e-3, 0.01), FixRule::Blind).p_k > 0.999);
        let far = ring(3, 20_000.0, 1e-3, 0.01);
        let m = metrics(&far, FixRule::Blind);
        assert!(m.p_detect > 0.999 && m.p_k == 0.0, "{m:?}");
        assert!(m.sigma_n_m.is_infinite(), "nothing that enters the fit, nothing located: {m:?}");
        assert!(metrics(&far, FixRule::Constraints(3)).p_k > 0.999);
    }

    /// A pick of 0.2 s at threshold, no speed or survey error: it fits the 0.125 s window once
    /// the SNR sharpens it by 20·log10(0.2/0.125) = 4.08 dB, so a mean margin one fluctuation σ
    /// above that confirms with Φ(1).
    #[test]
    fn a_blunt_pick_confirms_at_the_snr_that_sharpens_it() {
        let p = quiet_params();
        let (flat, e) = (Terrain::flat(), loud_source());
        let s = sensor(2000.0, 0.0, 0.2, 0.0);
        let r = received(&p, &flat, &e, &s);
        let needed = 20.0 * (0.2f64 / CONFIRMING_SIGMA_S).log10();
        let snr = f64::from(s.threshold_db) + needed + f64::from(s.fluctuation_db);
        let confirms = confirming_probability(&p, &e, &s, &r, 0.99, snr);
        assert!((confirms - normal_cdf(1.0)).abs() < 1e-6, "{confirms}");
        let sharp = sensor(2000.0, 0.0, 0.1, 0.0);
        assert_eq!(confirming_probability(&p, &e, &sharp, &r, 0.99, snr), 0.99, "within the window at threshold");
        let radar = GpuSensor { modality: MODALITY_RADAR, ..s };
        assert_eq!(confirming_probability(&p, &e, &radar, &r, 0.99, snr), 0.0, "light's σ does not sharpen");
    }

    #[test]
    fn crlb_of_three_sensors_on_a_ring_is_the_analytic_value() {
        // Σ u uᵀ = (3/2) I and Σ u = 0 for three unit vectors 120° apart, so with Pd = 1 the
        // (x, y) block of J⁻¹ is (2 c² σt² / 3) I: σn = c σt √(2/3) whatever the normal. At this
        // SNR the pick is at its floor, and no speed or survey error is believed.
        let p = quiet_params();
        let (r, st) = (2000.0f32, 1e-3f32);
        let sensors: Vec<GpuSensor> = (0..3)
            .map(|i| {
                let a = std::f32::consts::TAU * i as f32 / 3.0;
                sensor(r * a.cos(), r * a.sin(), st, 0.0)
            })
            .collect();
        let site = CellSite { offset_m: 10.0, normal: [0.6, 0.8] };
        let m = cell_metrics(&p, &Terrain::flat(), &loud_source(), site, &sensors, FixRule::Constraints(3));
        let c = f64::from(loud_source().sound_speed_mps);
        let expected = c * 1e-3 * physics::PICK_FLOOR_FRACTION * (2.0f64 / 3.0).sqrt();
        assert!((m.p_k - 1.0).abs() < 1e-9, "{m:?}");
        assert!((m.sigma_n_m / expected - 1.0).abs() < 1e-5, "{} vs {expected}", m.sigma_n_m);
        assert!((m.p_attrib - normal_cdf(10.0 / expected)).abs() < 1e-9);
    }

    #[test]
    fn one_sensor_cannot_locate_and_attributes_by_chance() {
        let p = quiet_params();
        let m = cell_metrics(
            &p,
            &Terrain::flat(),
            &loud_source(),
            CellSite { offset_m: 500.0, normal: [0.0, 1.0] },
            &[sensor(100.0, 0.0, 1e-3, 0.0)],
            FixRule::Constraints(1),
        );
        assert!(m.sigma_n_m.is_infinite());
        assert_eq!(m.p_attrib, 0.5);
        assert!(m.p_detect > 0.999);
    }

    #[test]
    fn single_sensor_pd_is_one_half_at_the_spreading_limit() {
        // 120 dB source, 40 dB noise, 10 dB threshold, no absorption or ground: Pd = 0.5 at
        // r = 10^(70/20) m.
        let p = quiet_params();
        let source = GpuEvent { acoustic_db: 120.0, ..loud_source() };
        let r = 10f32.powf(70.0 / 20.0);
        let (pd, _) = detection_probability(&p, &Terrain::flat(), &source, &sensor(r, 0.0, 1e-3, 0.0));
        assert!((pd - 0.5).abs() < 1e-5, "{pd}");
    }
}
