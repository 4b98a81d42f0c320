//! The CPU reference of `shaders/detect.wgsl`, in f64, from the same inputs the kernel reads.

use crate::abi::*;
use crate::abi::{SensorGrid, max_reach, reach_for};
use crate::physics::electro_optical;
use crate::physics::rf::SPEED_OF_LIGHT_MPS;
use crate::physics::{self, acoustic, radar, seismic};
use crate::rng;
use crate::scenario::Modality;
use crate::terrain::Terrain;
use crate::terrain::viewshed::SightLines;
use rayon::prelude::*;

/// What one (event, sensor) pair yields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Observed level (with fluctuation), dB.
    pub level_db: f64,
    /// Observed signal-to-noise ratio, dB.
    pub snr_db: f64,
    /// Arrival delay after the event's origin time, s.
    pub delay_s: f64,
    /// Azimuth sensor → source, clockwise from grid north, radians; NaN without a bearing.
    pub bearing_rad: f64,
    pub detected: bool,
    pub range_m: f64,
    /// Received level before fluctuation, dB (for the physics tests).
    pub mean_level_db: f64,
    /// SNR − threshold, dB; radars and cameras: P(detect) − the uniform draw.
    pub margin: f64,
    /// P(detect) of radars and cameras; −1 for thresholded modalities.
    pub pd: f64,
    /// Least terrain clearance of the sight line, m (+∞ where terrain is ignored).
    pub clearance_m: f64,
    /// Ground range sensor → source as a radar measures it (N(0, σr) added), m; NaN for
    /// sensors without a range.
    pub measured_range_m: f64,
    /// The phase picked, as in `Received`.
    pub phase: u32,
}

/// Whether the source has a regional seismic phase (UNSEEN_DB: none).
pub fn has_regional_phase(e: &GpuEvent) -> bool {
    f64::from(e.regional_db) > 0.5 * UNSEEN_DB
}

/// `Received::phase` of every direct path.
const DIRECT: u32 = seismic::Phase::Direct as u32;

/// Wrap an angle into [−π, π).
pub fn wrap_angle(a: f64) -> f64 {
    use std::f64::consts::{PI, TAU};
    a - TAU * ((a + PI) / TAU).floor()
}

/// The deterministic part of a pair: mean received level, background noise, propagation speed
/// and range (the twin of `received` in shaders/pair.wgsl).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Received {
    pub level_db: f64,
    pub noise_db: f64,
    pub speed_mps: f64,
    pub range_m: f64,
    /// P(detect) of radars (Swerling 1) and cameras (TTP); −1 for thresholded modalities.
    pub pd: f64,
    /// Least terrain clearance of the sight line, m; +∞ where terrain is ignored.
    pub clearance_m: f64,
    /// The phase a seismic sensor picks (`physics::seismic::Phase` as its code); 0 otherwise.
    pub phase: u32,
}

/// σ of the ground range a radar reports at this ground range, m: its own, or a counter-battery
/// radar's share of range (the twin of `range_sigma` in shaders/pair.wgsl).
pub fn range_sigma_m(s: &GpuSensor, ground_range_m: f64) -> f64 {
    radar::range_sigma_m(f64::from(s.range_sigma_m), f64::from(s.location_fraction), ground_range_m)
}

/// Inside the sensor's instrumented range and sector.
fn in_view(e: &GpuEvent, s: &GpuSensor, horizontal: f64) -> bool {
    let f = f64::from;
    let azimuth = (f(e.x) - f(s.x)).atan2(f(e.y) - f(s.y));
    horizontal >= f(s.min_range_m)
        && horizontal <= f(s.max_range_m)
        && wrap_angle(azimuth - f(s.azimuth_rad)).abs() <= f(s.half_sector_rad)
}

/// The nominal noise a sensor's SNR is measured against, dB on its modality's level scale (what
/// false alarms are scaled by; an event's own acoustic background is `GpuEvent::acoustic_noise_db`):
/// the acoustic background in the nominal wind or the ground noise, by day or night; the receiver's gain (as −gain) for RF detectors;
/// 0 for radars and cameras, whose level is already an SNR or a cycle ratio. A detection's level
/// is its SNR plus this; false alarms follow the same law.
pub fn noise_db(p: &GpuParams, s: &GpuSensor, is_day: bool) -> f64 {
    let f = f64::from;
    match (s.modality, is_day) {
        (MODALITY_ACOUSTIC, true) => f(p.noise_acoustic_day_db),
        (MODALITY_ACOUSTIC, false) => f(p.noise_acoustic_night_db),
        (MODALITY_SEISMIC, true) => f(p.noise_seismic_day_db),
        (MODALITY_SEISMIC, false) => f(p.noise_seismic_night_db),
        (MODALITY_RF, _) => -f(s.gain_db),
        _ => 0.0,
    }
}

/// Radar, camera and RF (the twin of `received_by_sight` in shaders/pair.wgsl).
fn received_by_sight(
    p: &GpuParams,
    sight: &dyn SightLines,
    e: &GpuEvent,
    s: &GpuSensor,
    horizontal: f64,
    range: f64,
) -> Received {
    let f = f64::from;
    let c = SPEED_OF_LIGHT_MPS;
    let unseen_pd = if s.modality == MODALITY_RF { -1.0 } else { 0.0 };
    let unseen = |clearance_m| Received {
        level_db: UNSEEN_DB,
        noise_db: 0.0,
        speed_mps: c,
        range_m: range,
        pd: unseen_pd,
        clearance_m,
        phase: DIRECT,
    };
    if reach_for(e, s.modality) <= 0.0 || !in_view(e, s, horizontal) {
        return unseen(f64::INFINITY);
    }
    // A counter-battery radar looks at the round rising through its fence above the launcher.
    let counter_battery = s.modality == MODALITY_RADAR && s.counter_battery != 0;
    let lift = if counter_battery { f(s.fence_height_m) } else { 0.0 };
    let clearance = sight.sight_clearance_m(s, [f(s.x), f(s.y), f(s.z)], [f(e.x), f(e.y), f(e.z) + lift]);
    if s.modality == MODALITY_RF {
        let exponent = if clearance >= 0.0 { f(s.los_exponent) } else { f(s.nlos_exponent) };
        return Received {
            level_db: f(e.rf_dbm_1m) - 10.0 * exponent * range.log10(),
            noise_db: noise_db(p, s, e.is_day != 0),
            speed_mps: c,
            range_m: range,
            pd: -1.0,
            clearance_m: clearance,
            phase: DIRECT,
        };
    }
    if clearance < 0.0 {
        return Received { pd: 0.0, ..unseen(clearance) };
    }
    if s.modality == MODALITY_RADAR {
        let rcs_dbsm = f(if counter_battery { e.projectile_rcs_dbsm } else { e.rcs_dbsm });
        if rcs_dbsm <= 0.5 * UNSEEN_DB {
            return Received { pd: 0.0, ..unseen(clearance) };
        }
        let snr_db = f(s.gain_db) + rcs_dbsm - 40.0 * range.log10();
        // The kernel caps the linear SNR at 10^30 to stay finite in f32; Pd is 1 − 1e-29 there.
        // A surveillance radar reports only movers outside its Doppler notch.
        let notch =
            if counter_battery { 1.0 } else { radar::passes_notch(motion(e), towards(e, s, horizontal), f(s.mdv_mps)) };
        let pd = radar::swerling1_pd(snr_db.min(300.0), f(s.pfa)) * notch;
        return Received { level_db: snr_db, pd, clearance_m: clearance, ..unseen(clearance) };
    }
    let contrast0 = if s.band == 1 { f(e.contrast_thermal) } else { f(e.contrast_visible) };
    let extinction = if s.band == 1 { f(p.extinction_thermal_per_m) } else { f(p.extinction_visible_per_m) };
    if contrast0 * (-extinction * range).exp() < f(s.min_contrast) {
        return Received { pd: 0.0, ..unseen(clearance) };
    }
    let cycles = electro_optical::cycles_on_target(f(e.critical_dim_m), range, f(s.ifov_rad));
    let n50 = f(s.n50);
    Received {
        level_db: 10.0 * (cycles / n50).log10(),
        noise_db: 0.0,
        speed_mps: c,
        range_m: range,
        // A scanning camera sees a transient source only when it happens in view.
        pd: electro_optical::ttp_probability(cycles, n50) * if e.persistent != 0 { 1.0 } else { f(s.view_fraction) },
        clearance_m: clearance,
        phase: DIRECT,
    }
}

/// How the source moves, as the kernel reads it.
fn motion(e: &GpuEvent) -> radar::Motion {
    match e.motion {
        MOTION_KNOWN => radar::Motion::Known([f64::from(e.velocity_x_mps), f64::from(e.velocity_y_mps)]),
        MOTION_ANY_HEADING => radar::Motion::AnyHeading(f64::from(e.speed_mps)),
        _ => radar::Motion::Unmodelled,
    }
}

/// Horizontal unit vector sensor → source (zero when the source is overhead).
fn towards(e: &GpuEvent, s: &GpuSensor, horizontal: f64) -> [f64; 2] {
    if horizontal <= 0.0 {
        return [0.0; 2];
    }
    [(f64::from(e.x) - f64::from(s.x)) / horizontal, (f64::from(e.y) - f64::from(s.y)) / horizontal]
}

/// The deterministic part of a pair; sight lines settled by `sight` (the march: a `Terrain`).
pub fn received(p: &GpuParams, sight: &dyn SightLines, e: &GpuEvent, s: &GpuSensor) -> Received {
    let f = f64::from;
    let (dx, dy, dz) = (f(e.x) - f(s.x), f(e.y) - f(s.y), f(e.z) - f(s.z));
    let horizontal = dx.hypot(dy);
    let range = (dx * dx + dy * dy + dz * dz).sqrt().max(1.0);
    let is_day = e.is_day != 0;
    if s.modality >= MODALITY_RADAR {
        return received_by_sight(p, sight, e, s, horizontal, range);
    }
    if s.modality == MODALITY_SEISMIC {
        let ground = seismic::Ground {
            rayleigh_speed_mps: f(p.rayleigh_speed_mps),
            surface_q: f(p.seismic_q),
            lg_q0: f(p.lg_q0),
            lg_q_exponent: f(p.lg_q_exponent),
            lg_speed_mps: f(p.lg_speed_mps),
        };
        let arrival = seismic::stronger_phase(
            &ground,
            f(e.seismic_db),
            f(e.seismic_freq_hz),
            has_regional_phase(e).then_some(f(e.regional_db)),
            f(e.regional_freq_hz),
            range,
        );
        return Received {
            level_db: arrival.level_db,
            noise_db: noise_db(p, s, is_day),
            speed_mps: arrival.speed_mps,
            range_m: range,
            pd: -1.0,
            clearance_m: f64::INFINITY,
            phase: arrival.phase as u32,
        };
    }
    let wind_along =
        if horizontal > 0.0 { -(dx * f(e.wind_to_x_mps) + dy * f(e.wind_to_y_mps)) / horizontal } else { 0.0 };
    let air = acoustic::AirColumn {
        sound_speed_mps: f(e.sound_speed_mps),
        temperature_k: f(e.temperature_k),
        surface_gradient_k_per_m: f(e.surface_gradient_k_per_m),
        surface_layer_m: f(p.surface_layer_m),
        lapse_aloft_k_per_m: f(p.lapse_aloft_k_per_m),
        roughness_m: f(p.roughness_m),
        wind_speed_mps: f(e.wind_to_x_mps).hypot(f(e.wind_to_y_mps)),
    };
    let level = f(e.acoustic_db)
        - acoustic::spreading_db(range)
        - f(e.alpha_db_per_m) * range
        - acoustic::ground_attenuation_db(range, f(e.z), f(s.z))
        - acoustic::refraction_db(&air, wind_along, range, f(e.z), f(s.z), f(p.shadow_max_db));
    Received {
        level_db: level,
        noise_db: f(e.acoustic_noise_db),
        speed_mps: air.sound_speed_mps + wind_along * acoustic::path_wind_factor(&air, range),
        range_m: range,
        pd: -1.0,
        clearance_m: f64::INFINITY,
        phase: DIRECT,
    }
}

/// The sound speed's departure over the event's footprint towards this sensor, m/s (the twin of
/// `footprint_speed` in shaders/detect.wgsl): the second and third azimuthal harmonics with
/// per-event weights of variance 1/2 each, so that σ is `footprint_sigma_mps` in every direction.
pub fn footprint_speed_mps(p: &GpuParams, e: &GpuEvent, s: &GpuSensor) -> f64 {
    if p.footprint_sigma_mps <= 0.0 {
        return 0.0;
    }
    let seed = u64::from(p.seed_lo) | (u64::from(p.seed_hi) << 32);
    let a = rng::event_normals(seed, e.id);
    let theta = (f64::from(s.x) - f64::from(e.x)).atan2(f64::from(s.y) - f64::from(e.y));
    let harmonics = a[0] * (2.0 * theta).cos()
        + a[1] * (2.0 * theta).sin()
        + a[2] * (3.0 * theta).cos()
        + a[3] * (3.0 * theta).sin();
    f64::from(p.footprint_sigma_mps) * harmonics * std::f64::consts::FRAC_1_SQRT_2
}

/// Travel time plus onset-picking error, s (the twin of `arrival_delay` in shaders/detect.wgsl):
/// sound and ground waves travel at the path's own speed, z[3] σ off the layered model's, and
/// are picked worse as the SNR falls; light keeps the row's timing σ.
pub fn arrival_delay_s(p: &GpuParams, e: &GpuEvent, s: &GpuSensor, r: &Received, snr_db: f64, z: &[f64; 4]) -> f64 {
    let f = f64::from;
    match s.modality {
        MODALITY_ACOUSTIC | MODALITY_SEISMIC => {
            let lg = r.phase == seismic::Phase::Lg as u32;
            let speed = if s.modality == MODALITY_ACOUSTIC {
                r.speed_mps + f(p.speed_sigma_mps) * z[3] + footprint_speed_mps(p, e, s)
            } else {
                let fraction = if lg { p.lg_speed_sigma_fraction } else { p.ground_speed_sigma_fraction };
                r.speed_mps * (1.0 + f(fraction) * z[3])
            };
            r.range_m / speed.max(1.0)
                + physics::pick_sigma_s(pick_at_threshold_s(e, s, r), f(s.threshold_db), snr_db) * z[1]
        }
        _ => r.range_m / r.speed_mps + f(s.timing_sigma_s) * z[1],
    }
}

/// σ of an onset pick at threshold, s: the row's, or for Lg no finer than half its period.
pub fn pick_at_threshold_s(e: &GpuEvent, s: &GpuSensor, r: &Received) -> f64 {
    let phase = if r.phase == seismic::Phase::Lg as u32 { seismic::Phase::Lg } else { seismic::Phase::Direct };
    seismic::pick_at_threshold_s(f64::from(s.timing_sigma_s), phase, f64::from(e.regional_freq_hz))
}

/// Bearing error at an observed SNR: σθ·10^(−(SNR − threshold)/20), between the floor and π.
/// Radars and cameras point to a fraction of their beam or pixel whatever the signal: σ constant.
pub fn bearing_sigma_rad(s: &GpuSensor, snr_db: f64) -> f64 {
    let f = f64::from;
    let modality = Modality::ALL.get(s.modality as usize).copied().unwrap_or(Modality::Rf);
    physics::bearing_sigma_rad(modality, f(s.bearing_sigma_rad), f(s.bearing_floor_rad), f(s.threshold_db), snr_db)
}

pub use crate::physics::{BEARING_EXPONENT_MAX, bearing_sigma_law};

pub fn evaluate_pair(p: &GpuParams, terrain: &Terrain, e: &GpuEvent, s: &GpuSensor) -> Outcome {
    let r = received(p, terrain, e, s);
    let seed = u64::from(p.seed_lo) | (u64::from(p.seed_hi) << 32);
    let z = rng::pair_normals(seed, e.id, s.id);
    let (fluctuation, margin) = if r.pd >= 0.0 {
        (0.0, r.pd - rng::pair_uniform(seed, e.id, s.id))
    } else {
        let fluctuation = f64::from(s.fluctuation_db) * z[0];
        (fluctuation, r.level_db - r.noise_db + fluctuation - f64::from(s.threshold_db))
    };
    let snr = r.level_db - r.noise_db + fluctuation;
    let bearing = if s.bearing_sigma_rad > 0.0 {
        let (dx, dy) = (f64::from(e.x) - f64::from(s.x), f64::from(e.y) - f64::from(s.y));
        wrap_angle(dx.atan2(dy) + bearing_sigma_rad(s, snr) * z[2])
    } else {
        f64::NAN
    };
    Outcome {
        level_db: r.level_db + fluctuation,
        snr_db: snr,
        delay_s: arrival_delay_s(p, e, s, &r, snr, &z),
        bearing_rad: bearing,
        detected: margin >= 0.0 && s.enabled != 0,
        range_m: r.range_m,
        mean_level_db: r.level_db,
        margin,
        pd: r.pd,
        clearance_m: r.clearance_m,
        measured_range_m: {
            let ground = (f64::from(e.x) - f64::from(s.x)).hypot(f64::from(e.y) - f64::from(s.y));
            let sigma = range_sigma_m(s, ground);
            if sigma > 0.0 { ground + sigma * z[3] } else { f64::NAN }
        },
        phase: r.phase,
    }
}

/// A detection from the reference, f64.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReferenceDetection {
    pub event_id: u32,
    pub sensor_id: u32,
    pub outcome: Outcome,
}

/// Every detection of `events` against the grid's sensors, in parallel over events, and the
/// number of pairs within reach. Sorted by (event, sensor).
pub fn detect_events(
    p: &GpuParams,
    terrain: &Terrain,
    events: &[GpuEvent],
    grid: &SensorGrid,
) -> (Vec<ReferenceDetection>, u64) {
    let per_event: Vec<(Vec<ReferenceDetection>, u64)> = events
        .par_iter()
        .map(|e| {
            let mut found = Vec::new();
            let mut evaluated = 0u64;
            for_each_candidate(e, grid, |s| {
                let reach = reach_for(e, s.modality);
                let (dx, dy, dz) = (e.x - s.x, e.y - s.y, e.z - s.z);
                if dx * dx + dy * dy + dz * dz > reach * reach {
                    return;
                }
                evaluated += 1;
                let o = evaluate_pair(p, terrain, e, s);
                if o.detected {
                    found.push(ReferenceDetection { event_id: e.id, sensor_id: s.id, outcome: o });
                }
            });
            found.sort_by_key(|d| d.sensor_id);
            (found, evaluated)
        })
        .collect();
    let pairs = per_event.iter().map(|(_, n)| n).sum();
    (per_event.into_iter().flat_map(|(d, _)| d).collect(), pairs)
}

/// Calls `visit` for each sensor of each modality layer in the grid cells that the modality's
/// reach box touches (a superset of the kernel's disc rows; the caller filters by reach).
fn for_each_candidate(e: &GpuEvent, grid: &SensorGrid, mut visit: impl FnMut(&GpuSensor)) {
    let (nx, ny) = (grid.nx as i32, grid.ny as i32);
    let (ox, oy, cell) = (grid.origin[0] as f32, grid.origin[1] as f32, grid.cell_m as f32);
    let index = |v: f32, o: f32, n: i32| (((v - o) / cell).floor() as i32).clamp(0, n - 1);
    for layer in 0..grid.layers {
        let reach = if grid.layers == 1 { max_reach(e) } else { reach_for(e, layer) };
        if reach <= 0.0 {
            continue;
        }
        let base = layer as i32 * nx * ny;
        let (cx0, cx1) = (index(e.x - reach, ox, nx), index(e.x + reach, ox, nx));
        let (cy0, cy1) = (index(e.y - reach, oy, ny), index(e.y + reach, oy, ny));
        for cy in cy0..=cy1 {
            let start = grid.cell_start[(base + cy * nx + cx0) as usize] as usize;
            let end = grid.cell_start[(base + cy * nx + cx1 + 1) as usize] as usize;
            grid.sensors[start..end].iter().for_each(&mut visit);
        }
    }
}
