//! The CPU reference of `shaders/detect.wgsl`, in f64, from the same inputs the kernel reads.

use super::layout::*;
use super::model::SensorGrid;
use crate::physics::{acoustic, seismic};
use crate::rng;
use rayon::prelude::*;

/// Bearing error grows as 1/√SNR below threshold, up to 10^8 times its threshold value (then
/// it is capped at π anyway); the cap keeps the kernel's f32 finite.
const BEARING_EXPONENT_MAX: f64 = 8.0;

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
}

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
}

pub fn received(p: &GpuParams, e: &GpuEvent, s: &GpuSensor) -> Received {
    let f = f64::from;
    let (dx, dy, dz) = (f(e.x) - f(s.x), f(e.y) - f(s.y), f(e.z) - f(s.z));
    let horizontal = dx.hypot(dy);
    let range = (dx * dx + dy * dy + dz * dz).sqrt().max(1.0);
    let is_day = e.is_day != 0;
    if s.modality == MODALITY_SEISMIC {
        return Received {
            level_db: seismic::level_db(
                f(e.seismic_db),
                range,
                f(e.seismic_freq_hz),
                f(p.seismic_q),
                f(p.rayleigh_speed_mps),
            ),
            noise_db: if is_day { f(p.noise_seismic_day_db) } else { f(p.noise_seismic_night_db) },
            speed_mps: f(p.rayleigh_speed_mps),
            range_m: range,
        };
    }
    let wind_along =
        if horizontal > 0.0 { -(dx * f(p.wind_to_x_mps) + dy * f(p.wind_to_y_mps)) / horizontal } else { 0.0 };
    let dtdz = if is_day { f(p.dtdz_day_k_per_m) } else { f(p.dtdz_night_k_per_m) };
    let gradient = acoustic::effective_gradient_per_s(f(p.temperature_c), dtdz, wind_along);
    let level = f(e.acoustic_db)
        - acoustic::spreading_db(range)
        - f(e.alpha_db_per_m) * range
        - acoustic::ground_attenuation_db(range, f(e.z), f(s.z))
        - acoustic::shadow_attenuation_db(range, gradient, f(p.sound_speed_mps), f(e.z), f(s.z), f(p.shadow_max_db));
    Received {
        level_db: level,
        noise_db: if is_day { f(p.noise_acoustic_day_db) } else { f(p.noise_acoustic_night_db) },
        speed_mps: f(p.sound_speed_mps) + wind_along,
        range_m: range,
    }
}

/// Bearing error at an observed SNR: σθ·10^(−(SNR − threshold)/20), between the floor and π.
pub fn bearing_sigma_rad(s: &GpuSensor, snr_db: f64) -> f64 {
    bearing_sigma_law(f64::from(s.bearing_sigma_rad), f64::from(s.bearing_floor_rad), f64::from(s.threshold_db), snr_db)
}

/// The same law from the sensor's figures: σ at the threshold SNR, its floor, the threshold.
pub fn bearing_sigma_law(at_threshold_rad: f64, floor_rad: f64, threshold_db: f64, snr_db: f64) -> f64 {
    let growth = 10f64.powf((-(snr_db - threshold_db) / 20.0).min(BEARING_EXPONENT_MAX));
    (at_threshold_rad * growth).clamp(floor_rad, std::f64::consts::PI)
}

pub fn evaluate_pair(p: &GpuParams, e: &GpuEvent, s: &GpuSensor) -> Outcome {
    let r = received(p, e, s);
    let seed = u64::from(p.seed_lo) | (u64::from(p.seed_hi) << 32);
    let z = rng::pair_normals(seed, e.id, s.id);
    let fluctuation = f64::from(s.fluctuation_db) * z[0];
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
        delay_s: r.range_m / r.speed_mps + f64::from(s.timing_sigma_s) * z[1],
        bearing_rad: bearing,
        detected: snr >= f64::from(s.threshold_db) && s.enabled != 0,
        range_m: r.range_m,
        mean_level_db: r.level_db,
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
pub fn detect_events(p: &GpuParams, events: &[GpuEvent], grid: &SensorGrid) -> (Vec<ReferenceDetection>, u64) {
    let per_event: Vec<(Vec<ReferenceDetection>, u64)> = events
        .par_iter()
        .map(|e| {
            let mut found = Vec::new();
            let mut evaluated = 0u64;
            for_each_candidate(e, grid, |s| {
                let reach = if s.modality == MODALITY_SEISMIC { e.reach_seismic_m } else { e.reach_acoustic_m };
                let (dx, dy, dz) = (e.x - s.x, e.y - s.y, e.z - s.z);
                if dx * dx + dy * dy + dz * dz > reach * reach {
                    return;
                }
                evaluated += 1;
                let o = evaluate_pair(p, e, s);
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

/// Calls `visit` for each sensor in the grid cells that the event's reach box touches, with the
/// same f32 box arithmetic as the kernel.
fn for_each_candidate(e: &GpuEvent, grid: &SensorGrid, mut visit: impl FnMut(&GpuSensor)) {
    let reach = e.reach_acoustic_m.max(e.reach_seismic_m);
    if reach <= 0.0 {
        return;
    }
    let (nx, ny) = (grid.nx as i32, grid.ny as i32);
    let (ox, oy, cell) = (grid.origin[0] as f32, grid.origin[1] as f32, grid.cell_m as f32);
    let index = |v: f32, o: f32, n: i32| (((v - o) / cell).floor() as i32).clamp(0, n - 1);
    let (cx0, cx1) = (index(e.x - reach, ox, nx), index(e.x + reach, ox, nx));
    let (cy0, cy1) = (index(e.y - reach, oy, ny), index(e.y + reach, oy, ny));
    for cy in cy0..=cy1 {
        let start = grid.cell_start[(cy * nx + cx0) as usize] as usize;
        let end = grid.cell_start[(cy * nx + cx1 + 1) as usize] as usize;
        grid.sensors[start..end].iter().for_each(&mut visit);
    }
}
