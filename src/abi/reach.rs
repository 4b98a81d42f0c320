//! How far a source can be detected by each modality in the most favourable case the
//! deployment allows: the bound every kernel walk and every reference search stops at.

use super::layout::*;
use crate::deploy::Sensor;
use crate::physics::source::SourceModel;
use crate::physics::{acoustic, seismic};
use crate::scenario::{Environment, Modality};
use crate::terrain::{EARTH_RADIUS_M, Terrain};
use crate::weather::Weather;

/// P(detect) beyond an event's reach is below 1e-6 in the most favourable conditions:
/// the fluctuation would have to exceed 4.753 σ (upper tail of the standard normal).
pub const REACH_TAIL_SIGMAS: f64 = 4.753;
pub use crate::physics::MAX_REACH_M;
/// TTP probability is below 1e-6 when N/N50 is below this: P ≤ (N/N50)^E and E ≥ 1.51, so
/// (N/N50)^1.51 < 1e-6 gives N/N50 < 1e-6^(1/1.51).
pub const TTP_TAIL_RATIO: f64 = 1.07e-4;

/// The most favourable camera of one band: the longest instrumented range, the least
/// resolvable contrast and the finest IFOV·N50.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CameraBest {
    pub present: bool,
    pub max_range_m: f64,
    pub min_contrast: f64,
    pub ifov_n50: f64,
}

impl Default for CameraBest {
    fn default() -> Self {
        Self { present: false, max_range_m: 0.0, min_contrast: f64::INFINITY, ifov_n50: f64::INFINITY }
    }
}

/// The most favourable RF detector: the least received power it needs at the tail of its
/// shadowing, the smallest path-loss exponent, the longest instrumented range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfBest {
    pub needed_dbm: f64,
    pub exponent: f64,
    /// The smallest exponent past an obstacle.
    pub nlos_exponent: f64,
    pub max_range_m: f64,
}

/// The index of a wave modality in `BestCase`'s per-wave arrays; None for the sight modalities,
/// whose bests are kept by name.
fn wave_index(modality: Modality) -> Option<usize> {
    match modality {
        Modality::Acoustic => Some(0),
        Modality::Seismic => Some(1),
        Modality::Radar | Modality::EoIr | Modality::Rf => None,
    }
}

/// The most favourable detection conditions over a deployment, per simulated modality.
#[derive(Debug, Clone, Copy)]
pub struct BestCase {
    /// Lowest threshold minus the largest tail fluctuation, per modality (acoustic, seismic).
    pub margin_db: [f64; 2],
    pub present: [bool; 2],
    /// Tallest acoustic sensor, m: the least ground attenuation and the latest shadow onset.
    pub acoustic_height_m: f64,
    /// Longest surveillance-radar range, m; 0 without such radars.
    pub radar_max_range_m: f64,
    /// Longest counter-battery range, m, and the highest fence, m; 0 without such radars.
    pub counter_battery_max_range_m: f64,
    pub fence_max_m: f64,
    /// Cameras by band: visible, thermal.
    pub cameras: [CameraBest; 2],
    pub rf: Option<RfBest>,
    /// Tallest radar, camera or RF mast, m.
    pub sight_mast_m: f64,
    /// The terrain's bound on every line of sight, once `over` has seen it.
    pub horizon: Option<HorizonBound>,
}

/// What bounds a line of sight over a terrain: no ray clears an earth of effective radius k·R
/// lifted to the terrain's lowest point farther than √(2kR·h₁) + √(2kR·h₂), the heights taken
/// above that point; the terrain is at least that high everywhere, so neither can a real ray.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HorizonBound {
    pub effective_radius_m: f64,
    /// Highest minus lowest ground, m.
    pub relief_m: f64,
    /// One march step: the sampled profile can miss the tangent point by that much.
    pub step_m: f64,
}

impl BestCase {
    /// The most favourable conditions with the detection kernel's tail (P ≥ 1e-6).
    pub fn of(sensors: &[Sensor]) -> Self {
        Self::with_tail(sensors, REACH_TAIL_SIGMAS)
    }

    /// The most favourable conditions when a wave or RF sensor's fluctuation may lift its level
    /// by `tail_sigmas` σ at most: the reach where P(detect) falls below that tail's probability
    /// (the maps' stated `[coverage] reach_probability`).
    pub fn with_tail(sensors: &[Sensor], tail_sigmas: f64) -> Self {
        let mut margin = [f64::INFINITY; 2];
        let mut present = [false; 2];
        let mut acoustic_height_m: f64 = 0.0;
        let mut radar_max_range_m: f64 = 0.0;
        let (mut counter_battery_max_range_m, mut fence_max_m): (f64, f64) = (0.0, 0.0);
        let mut cameras = [CameraBest::default(); 2];
        let mut rf: Option<RfBest> = None;
        let mut sight_mast_m: f64 = 0.0;
        for s in sensors {
            if s.modality.needs_terrain() {
                sight_mast_m = sight_mast_m.max(s.z);
            }
            let sight = &s.sight;
            let k = match s.modality {
                Modality::Acoustic => 0,
                Modality::Seismic => 1,
                Modality::Radar if sight.counter_battery => {
                    counter_battery_max_range_m = counter_battery_max_range_m.max(sight.max_range_m);
                    fence_max_m = fence_max_m.max(sight.fence_height_m);
                    continue;
                }
                Modality::Radar => {
                    radar_max_range_m = radar_max_range_m.max(sight.max_range_m);
                    continue;
                }
                Modality::EoIr => {
                    let c = &mut cameras[usize::from(sight.thermal)];
                    c.present = true;
                    c.max_range_m = c.max_range_m.max(sight.max_range_m);
                    c.min_contrast = c.min_contrast.min(sight.min_contrast);
                    c.ifov_n50 = c.ifov_n50.min(sight.ifov_rad * sight.n50);
                    continue;
                }
                Modality::Rf => {
                    // SNR = P + gain ≥ threshold − 4.753σ at the tail: P ≥ threshold − tail − gain.
                    let needed = s.threshold_db - tail_sigmas * s.fluctuation_db - sight.gain_db;
                    let b = rf.get_or_insert(RfBest {
                        needed_dbm: f64::INFINITY,
                        exponent: f64::INFINITY,
                        nlos_exponent: f64::INFINITY,
                        max_range_m: 0.0,
                    });
                    b.nlos_exponent = b.nlos_exponent.min(sight.nlos_exponent);
                    b.needed_dbm = b.needed_dbm.min(needed);
                    b.exponent = b.exponent.min(sight.los_exponent);
                    b.max_range_m = b.max_range_m.max(sight.max_range_m);
                    continue;
                }
            };
            present[k] = true;
            margin[k] = margin[k].min(s.threshold_db - tail_sigmas * s.fluctuation_db);
            if k == 0 {
                acoustic_height_m = acoustic_height_m.max(s.z);
            }
        }
        Self {
            margin_db: margin,
            present,
            acoustic_height_m,
            radar_max_range_m,
            counter_battery_max_range_m,
            fence_max_m,
            cameras,
            rf,
            sight_mast_m,
            horizon: None,
        }
    }

    /// The same with the terrain's horizon bound on line-of-sight reaches (none for the flat
    /// stand-in of runs without line-of-sight sensors, which marches nothing).
    pub fn over(self, terrain: &Terrain) -> Self {
        if terrain.is_none() {
            return self;
        }
        let horizon = HorizonBound {
            effective_radius_m: terrain.k_factor * EARTH_RADIUS_M,
            relief_m: terrain.dem.relief_m(),
            step_m: terrain.step_m,
        };
        Self { horizon: Some(horizon), ..self }
    }

    /// Range beyond which no sight line from a mast reaches a source `source_height_m` above
    /// the ground, m; +∞ without a terrain bound.
    pub fn line_of_sight_limit_m(&self, source_height_m: f64) -> f64 {
        match self.horizon {
            Some(h) => {
                let reach = |height: f64| (2.0 * h.effective_radius_m * (height.max(0.0) + h.relief_m)).sqrt();
                reach(self.sight_mast_m) + reach(source_height_m) + h.step_m
            }
            None => f64::INFINITY,
        }
    }
}

/// Range beyond which no radar sees the source: the longest instrumented range of the radars
/// that look for it (surveillance radars for a source with a radar cross-section,
/// counter-battery radars for one with a projectile), within the horizon (Swerling 1 never
/// falls below Pfa inside it).
pub fn radar_reach_m(src: &SourceModel, best: &BestCase) -> f64 {
    let surveillance =
        if src.rcs_m2.is_some() { best.radar_max_range_m.min(best.line_of_sight_limit_m(src.height_m)) } else { 0.0 };
    let counter_battery = if src.projectile_rcs_m2.is_some() {
        best.counter_battery_max_range_m.min(best.line_of_sight_limit_m(src.height_m + best.fence_max_m))
    } else {
        0.0
    };
    surveillance.max(counter_battery).min(MAX_REACH_M)
}

/// Range beyond which no camera detects the source with P ≥ 1e-6: per band, the least of the
/// instrumented range, the range where the apparent contrast falls to the least resolvable one
/// (C0·exp(−σ·R) = Cmin, σ the band's extinction) and the range where TTP falls below 1e-6.
/// Visible cameras are blind at night.
pub fn camera_reach_m(src: &SourceModel, best: &BestCase, extinction_per_m: [f64; 2], is_day: bool) -> f64 {
    let Some(dc) = src.critical_dimension_m else {
        return 0.0;
    };
    let contrasts = [if is_day { src.visible_contrast } else { 0.0 }, src.thermal_contrast];
    best.cameras
        .iter()
        .zip(contrasts)
        .zip(extinction_per_m)
        .filter(|((c, c0), _)| c.present && *c0 > c.min_contrast)
        .map(|((c, c0), extinction)| {
            let by_contrast = (c0 / c.min_contrast).ln() / extinction;
            let by_resolution = dc / (2.0 * c.ifov_n50 * TTP_TAIL_RATIO);
            c.max_range_m
                .min(by_contrast)
                .min(by_resolution)
                .min(best.line_of_sight_limit_m(src.height_m))
                .min(MAX_REACH_M)
        })
        .fold(0.0, f64::max)
}

/// Range beyond which no RF detector hears the source's link with P ≥ 1e-6: the line-of-sight
/// exponent with the most favourable sensitivity, threshold and shadowing tail out to the
/// terrain's horizon bound, and the obstructed exponent beyond it.
pub fn rf_reach_m(src: &SourceModel, best: &BestCase) -> f64 {
    match (src.rf_dbm_1m, best.rf) {
        (Some(p1), Some(b)) => {
            let at = |exponent: f64| 10f64.powf((p1 - b.needed_dbm) / (10.0 * exponent));
            let r = at(b.exponent).min(best.line_of_sight_limit_m(src.height_m)).max(at(b.nlos_exponent));
            // One more metre for f32 positions, as the acoustic reach.
            (r + 1.0).min(b.max_range_m).min(MAX_REACH_M)
        }
        _ => 0.0,
    }
}

/// Range beyond which no sensor of the modality detects the source with P ≥ 1e-6 in this
/// weather at this time of day: the level with every loss at its smallest over directions and
/// sensors (spreading, absorption, ground attenuation for the tallest sensor, and the refraction
/// of the downwind path, the most favourable: its mean gradient is the largest at every height)
/// against the noise there, with the most favourable threshold and fluctuation. Monotone in
/// range (the downwind mean gradient never rises with the height a longer path samples), so
/// bisection.
pub fn reach_m(
    src: &SourceModel,
    env: &Environment,
    weather: &Weather,
    best: &BestCase,
    modality: Modality,
    is_day: bool,
) -> f64 {
    let Some(k) = wave_index(modality) else { return 0.0 };
    if !best.present[k] {
        return 0.0;
    }
    let air = weather.air(env);
    let alpha = acoustic::absorption_db_per_m(
        src.acoustic_freq_hz,
        weather.temperature_c,
        env.relative_humidity_pct,
        env.pressure_kpa,
    );
    let acoustic_noise = weather.acoustic_noise_db(env, is_day);
    let level_at = |r: f64| -> f64 {
        if modality == Modality::Acoustic {
            let downwind = air.wind_speed_mps;
            src.acoustic_db
                - acoustic::spreading_db(r)
                - alpha * r
                - acoustic::ground_attenuation_db(r, src.height_m, best.acoustic_height_m)
                - acoustic::refraction_db(&air, downwind, r, src.height_m, best.acoustic_height_m, env.shadow_max_db)
                - acoustic_noise
        } else {
            let noise = if is_day { env.seismic_noise_day_db } else { env.seismic_noise_night_db };
            let regional = src.regional_db;
            seismic::stronger_phase(
                &env.ground(),
                src.seismic_db,
                src.seismic_freq_hz,
                regional,
                src.regional_freq_hz,
                r,
            )
            .level_db
                - noise
        }
    };
    let margin = best.margin_db[k];
    if level_at(1.0) < margin {
        return 0.0;
    }
    if level_at(MAX_REACH_M) >= margin {
        return MAX_REACH_M;
    }
    let (mut lo, mut hi) = (1.0, MAX_REACH_M);
    while hi - lo > 1.0 {
        let mid = 0.5 * (lo + hi);
        if level_at(mid) >= margin { lo = mid } else { hi = mid }
    }
    // One more metre for the f32 rounding of positions on the GPU.
    hi + 1.0
}

/// Reach of the event for sensors of a modality code, m.
pub fn reach_for(e: &GpuEvent, modality: u32) -> f32 {
    match modality {
        MODALITY_ACOUSTIC => e.reach_acoustic_m,
        MODALITY_SEISMIC => e.reach_seismic_m,
        MODALITY_RADAR => e.reach_radar_m,
        MODALITY_EO_IR => e.reach_eo_m,
        _ => e.reach_rf_m,
    }
}

/// The longest reach over modalities, m: what the detection kernel's walk covers.
pub fn max_reach(e: &GpuEvent) -> f32 {
    (0..MODALITY_COUNT).map(|m| reach_for(e, m)).fold(0.0, f32::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{gpu_sensor, gpu_source, params};
    use crate::coverage::reference::detection_probability;
    use crate::scenario::Truth;

    fn sensor(modality: Modality, height_m: f64, threshold_db: f64, fluctuation_db: f64) -> Sensor {
        Sensor {
            modality,
            z: height_m,
            threshold_db,
            fluctuation_db,
            bearing_sigma_rad: 0.0,
            bearing_floor_rad: 0.0,
            ..Sensor::test_acoustic(0)
        }
    }

    /// Beyond its reach a source is heard with P < 1e-6 by every sensor in every direction, by
    /// day and by night, with and without wind, under a superadiabatic surface layer and a
    /// strong inversion; just inside it, downwind, the best sensor is close to that probability
    /// (the bound is tight where nothing else attenuates).
    #[test]
    fn reach_bounds_detection_in_every_direction() {
        let source = SourceModel {
            acoustic_db: 168.0,
            acoustic_freq_hz: 24.0,
            seismic_db: 120.0,
            seismic_freq_hz: 10.0,
            // A 500 kg blast's Lg: its reach is the regional phase's.
            regional_db: Some(seismic::lg_anchor_db(seismic::local_magnitude(500.0), 8.0)),
            regional_freq_hz: 8.0,
            height_m: 2.0,
            rcs_m2: None,
            critical_dimension_m: None,
            visible_contrast: 0.0,
            thermal_contrast: 0.0,
            rf_dbm_1m: None,
            rf_link_fraction: 1.0,
            projectile_rcs_m2: None,
        };
        let sensors = [
            sensor(Modality::Acoustic, 2.0, 10.0, 5.0),
            sensor(Modality::Acoustic, 1.0, 12.0, 4.0),
            sensor(Modality::Seismic, 0.0, 10.0, 3.0),
        ];
        let best = BestCase::of(&sensors);
        let weathers = [(0.0, None), (4.0, None), (12.0, None), (3.0, Some(-0.02)), (6.0, Some(0.05))];
        for (wind, gradient) in weathers {
            let env = Environment { wind_speed_mps: wind, ..Environment::default() };
            let p = params(&env, &Truth::default(), 1);
            for is_day in [true, false] {
                let mut weather = Weather::nominal(&env, is_day);
                if let Some(g) = gradient {
                    weather.surface_gradient_k_per_m = g;
                }
                let e = gpu_source(&source, &env, &weather, &best, is_day);
                for (i, s) in sensors.iter().map(gpu_sensor).enumerate() {
                    let reach =
                        f64::from(if s.modality == MODALITY_SEISMIC { e.reach_seismic_m } else { e.reach_acoustic_m });
                    assert!(reach > 100.0 && reach < MAX_REACH_M, "reach {reach}");
                    let mut best_inside: f64 = 0.0;
                    for d in 0..72 {
                        let a = f64::from(d) * 5f64.to_radians();
                        for (range, inside) in [(reach * 1.001, false), (reach * 0.999, true)] {
                            let at = GpuSensor { x: (range * a.sin()) as f32, y: (range * a.cos()) as f32, ..s };
                            let (pd, _) = detection_probability(&p, &crate::terrain::Terrain::flat(), &e, &at);
                            if inside {
                                best_inside = best_inside.max(pd);
                            } else {
                                assert!(
                                    pd < 1e-6,
                                    "P {pd} beyond reach {reach} (wind {wind}, {gradient:?}, day {is_day})"
                                );
                            }
                        }
                    }
                    // The first acoustic sensor and the geophone set the bound; the second is deafer.
                    if i != 1 {
                        assert!(best_inside > 1e-9, "the bound is loose: P {best_inside} just inside {reach}");
                    }
                }
            }
        }
    }

    /// A drone's control link heard 260 km away in free space is cut at the horizon bound of a
    /// hilly terrain, and beyond that bound no ray from the tallest mast clears the terrain in
    /// any direction: the bound never hides a pair the march would see.
    #[test]
    fn line_of_sight_reach_stops_at_the_horizon_bound() {
        use crate::terrain::procedural::{self, Relief};
        let drone = SourceModel {
            acoustic_db: 0.0,
            acoustic_freq_hz: 100.0,
            seismic_db: 0.0,
            seismic_freq_hz: 10.0,
            regional_db: None,
            regional_freq_hz: 8.0,
            height_m: 100.0,
            rcs_m2: Some(0.03),
            critical_dimension_m: None,
            visible_contrast: 0.0,
            thermal_contrast: 0.0,
            rf_dbm_1m: Some(10.0),
            rf_link_fraction: 1.0,
            projectile_rcs_m2: None,
        };
        let mut rf = sensor(Modality::Rf, 10.0, 0.0, 0.0);
        rf.sight = crate::deploy::Sight {
            gain_db: 100.0,
            los_exponent: 2.0,
            nlos_exponent: 3.5,
            max_range_m: MAX_REACH_M,
            half_sector_rad: std::f64::consts::PI,
            ..Default::default()
        };
        let relief = Relief { base_m: 150.0, amplitude_m: 60.0, wavelength_m: 20_000.0, octaves: 5 };
        let dem = procedural::dem(&relief, 7, -100_000.0, -100_000.0, 100_000.0, 100_000.0, 250.0).expect("dem");
        let terrain = Terrain { dem, step_m: 250.0, k_factor: 4.0 / 3.0, source: "procedural".into() };
        let free = rf_reach_m(&drone, &BestCase::of(std::slice::from_ref(&rf)));
        let best = BestCase::of(std::slice::from_ref(&rf)).over(&terrain);
        let bounded = rf_reach_m(&drone, &best);
        assert!(free > 250_000.0, "free-space reach {free}");
        let limit = best.line_of_sight_limit_m(drone.height_m);
        assert!((bounded - (limit + 1.0)).abs() < 1e-6, "reach {bounded}, bound {limit}");
        assert!(bounded < 0.5 * free, "the bound cuts the reach: {bounded} of {free}");
        // Beyond the bound: blocked, whichever direction.
        for d in 0..36 {
            let a = f64::from(d) * 10f64.to_radians();
            let half = 0.5 * limit * 1.001;
            let (dx, dy) = (half * a.sin(), half * a.cos());
            let (near, far) = ([-dx, -dy, 10.0], [dx, dy, 100.0]);
            assert!(terrain.clearance_m(near, far) < 0.0, "a ray past the bound clears at {d}0°");
        }
    }
}
