//! From scenario, sensors and events to what the kernel reads: parameters, the spatial grid of
//! sensors, and each event's reach.

use super::layout::*;
use crate::deploy::Sensor;
use crate::events::{Event, SourceModel};
use crate::physics::{acoustic, seismic};
use crate::scenario::{Environment, Modality};

/// P(detect) beyond an event's reach is below 1e-6 in the most favourable conditions:
/// the fluctuation would have to exceed 4.753 σ (upper tail of the standard normal).
pub const REACH_TAIL_SIGMAS: f64 = 4.753;
/// Largest range ever searched, m: beyond the curvature of the earth a flat plane is wrong.
pub const MAX_REACH_M: f64 = 2.0e6;
/// Grid cells, at most (the cell grows to keep the index small).
const MAX_GRID_CELLS: f64 = 4.0e6;
/// Default grid cell, m. Bigger cells mean longer contiguous runs of sensors per grid row (busier
/// lanes) but more candidates outside short reaches. Measured on the full line, 24 h, lavapipe:
/// 10 km 5.9e6, 25 km 7.2e6, 50 km 7.6e6 pairs/s; 25 km keeps culling useful for the short-range
/// classes.
pub const DEFAULT_CELL_M: f64 = 25_000.0;

pub fn modality_code(m: Modality) -> u32 {
    match m {
        Modality::Acoustic => MODALITY_ACOUSTIC,
        Modality::Seismic => MODALITY_SEISMIC,
        Modality::Radar => 2,
        Modality::EoIr => 3,
        Modality::Rf => 4,
    }
}

/// The kernel parameters that do not depend on the grid.
pub fn params(env: &Environment, seed: u64) -> GpuParams {
    // Wind "from" direction, clockwise from grid north; the air moves the opposite way.
    let to = (env.wind_from_deg + 180.0).to_radians();
    GpuParams {
        temperature_c: env.temperature_c as f32,
        relative_humidity_pct: env.relative_humidity_pct as f32,
        pressure_kpa: env.pressure_kpa as f32,
        sound_speed_mps: acoustic::sound_speed_mps(env.temperature_c) as f32,
        wind_to_x_mps: (env.wind_speed_mps * to.sin()) as f32,
        wind_to_y_mps: (env.wind_speed_mps * to.cos()) as f32,
        dtdz_day_k_per_m: env.temperature_gradient_day_k_per_m as f32,
        dtdz_night_k_per_m: env.temperature_gradient_night_k_per_m as f32,
        shadow_max_db: env.shadow_max_db as f32,
        noise_acoustic_day_db: env.acoustic_noise_day_db as f32,
        noise_acoustic_night_db: env.acoustic_noise_night_db as f32,
        noise_seismic_day_db: env.seismic_noise_day_db as f32,
        noise_seismic_night_db: env.seismic_noise_night_db as f32,
        rayleigh_speed_mps: env.rayleigh_speed_mps as f32,
        seismic_q: env.seismic_q as f32,
        seed_lo: seed as u32,
        seed_hi: (seed >> 32) as u32,
        ..GpuParams::default()
    }
}

pub fn gpu_sensor(s: &Sensor) -> GpuSensor {
    GpuSensor {
        x: s.x as f32,
        y: s.y as f32,
        z: s.z as f32,
        id: s.id,
        modality: modality_code(s.modality),
        enabled: u32::from(s.active),
        threshold_db: s.threshold_db as f32,
        fluctuation_db: s.fluctuation_db as f32,
        timing_sigma_s: s.timing_sigma_s as f32,
        bearing_sigma_rad: s.bearing_sigma_rad as f32,
        bearing_floor_rad: s.bearing_floor_rad as f32,
        pad: 0,
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
}

impl BestCase {
    pub fn of(sensors: &[Sensor]) -> Self {
        let mut margin = [f64::INFINITY; 2];
        let mut present = [false; 2];
        let mut acoustic_height_m: f64 = 0.0;
        for s in sensors {
            let k = match s.modality {
                Modality::Acoustic => 0,
                Modality::Seismic => 1,
                _ => continue,
            };
            present[k] = true;
            margin[k] = margin[k].min(s.threshold_db - REACH_TAIL_SIGMAS * s.fluctuation_db);
            if k == 0 {
                acoustic_height_m = acoustic_height_m.max(s.z);
            }
        }
        Self { margin_db: margin, present, acoustic_height_m }
    }
}

/// Range beyond which no sensor of the modality detects the source with P ≥ 1e-6 at this time
/// of day: the level with every loss at its smallest over directions and sensors (spreading,
/// absorption, ground attenuation for the tallest sensor, and the refraction shadow only where
/// even the downwind path refracts upward) against the noise of that time of day, with the most
/// favourable threshold and fluctuation. Monotone in range, so bisection.
pub fn reach_m(src: &SourceModel, env: &Environment, best: &BestCase, modality: usize, is_day: bool) -> f64 {
    if !best.present[modality] {
        return 0.0;
    }
    let level_at = |r: f64| -> f64 {
        if modality == 0 {
            let alpha = acoustic::absorption_db_per_m(
                src.acoustic_freq_hz,
                env.temperature_c,
                env.relative_humidity_pct,
                env.pressure_kpa,
            );
            let (noise, dtdz) = if is_day {
                (env.acoustic_noise_day_db, env.temperature_gradient_day_k_per_m)
            } else {
                (env.acoustic_noise_night_db, env.temperature_gradient_night_k_per_m)
            };
            // Downwind is the most favourable direction: the largest effective gradient.
            let downwind = acoustic::effective_gradient_per_s(env.temperature_c, dtdz, env.wind_speed_mps.abs());
            let shadow = acoustic::shadow_attenuation_db(
                r,
                downwind,
                acoustic::sound_speed_mps(env.temperature_c),
                src.height_m,
                best.acoustic_height_m,
                env.shadow_max_db,
            );
            src.acoustic_db
                - acoustic::spreading_db(r)
                - alpha * r
                - acoustic::ground_attenuation_db(r, src.height_m, best.acoustic_height_m)
                - shadow
                - noise
        } else {
            let noise = if is_day { env.seismic_noise_day_db } else { env.seismic_noise_night_db };
            seismic::level_db(src.seismic_db, r, src.seismic_freq_hz, env.seismic_q, env.rayleigh_speed_mps) - noise
        }
    };
    let margin = best.margin_db[modality];
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

pub fn gpu_event(e: &Event, env: &Environment, best: &BestCase) -> GpuEvent {
    GpuEvent { x: e.x as f32, y: e.y as f32, id: e.id, ..gpu_source(&e.source, env, best, e.is_day) }
}

/// A source as the kernels read it, at the origin: coverage places it at each cell.
pub fn gpu_source(src: &SourceModel, env: &Environment, best: &BestCase, is_day: bool) -> GpuEvent {
    GpuEvent {
        x: 0.0,
        y: 0.0,
        z: src.height_m as f32,
        id: 0,
        acoustic_db: src.acoustic_db as f32,
        acoustic_freq_hz: src.acoustic_freq_hz as f32,
        seismic_db: src.seismic_db as f32,
        seismic_freq_hz: src.seismic_freq_hz as f32,
        reach_acoustic_m: reach_m(src, env, best, 0, is_day) as f32,
        reach_seismic_m: reach_m(src, env, best, 1, is_day) as f32,
        is_day: u32::from(is_day),
        alpha_db_per_m: acoustic::absorption_db_per_m(
            src.acoustic_freq_hz,
            env.temperature_c,
            env.relative_humidity_pct,
            env.pressure_kpa,
        ) as f32,
    }
}

/// Sensors bucketed in a uniform grid, sorted by (layer, cell row-major), so the sensors of a
/// run of cells in one grid row of one layer are contiguous. One layer holds every sensor;
/// `by_modality` puts acoustic sensors in layer 0 and geophones in layer 1, so that a walk
/// with one modality's reach visits only that modality's sensors.
#[derive(Debug, Clone)]
pub struct SensorGrid {
    pub sensors: Vec<GpuSensor>,
    /// Index of the first sensor of each cell; `layers·nx·ny + 1` entries.
    pub cell_start: Vec<u32>,
    pub layers: u32,
    pub nx: u32,
    pub ny: u32,
    pub origin: [f64; 2],
    pub cell_m: f64,
}

impl SensorGrid {
    pub fn build(sensors: &[GpuSensor], cell_m: f64) -> Self {
        Self::layered(sensors, cell_m, 1, |_| 0)
    }

    /// Layer 0 acoustic, layer 1 seismic.
    pub fn by_modality(sensors: &[GpuSensor], cell_m: f64) -> Self {
        Self::layered(sensors, cell_m, 2, |s| u32::from(s.modality == MODALITY_SEISMIC))
    }

    fn layered(sensors: &[GpuSensor], cell_m: f64, layers: u32, layer_of: impl Fn(&GpuSensor) -> u32) -> Self {
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for s in sensors {
            for (k, v) in [f64::from(s.x), f64::from(s.y)].into_iter().enumerate() {
                lo[k] = lo[k].min(v);
                hi[k] = hi[k].max(v);
            }
        }
        if sensors.is_empty() {
            lo = [0.0; 2];
            hi = [0.0; 2];
        }
        let mut cell = cell_m;
        let cells = |c: f64| ((hi[0] - lo[0]) / c + 1.0).floor() * ((hi[1] - lo[1]) / c + 1.0).floor();
        while cells(cell) > MAX_GRID_CELLS {
            cell *= 2.0;
        }
        let nx = ((hi[0] - lo[0]) / cell).floor() as u32 + 1;
        let ny = ((hi[1] - lo[1]) / cell).floor() as u32 + 1;
        let cell_of = |s: &GpuSensor| {
            let cx = (((f64::from(s.x) - lo[0]) / cell).floor() as u32).min(nx - 1);
            let cy = (((f64::from(s.y) - lo[1]) / cell).floor() as u32).min(ny - 1);
            layer_of(s).min(layers - 1) * nx * ny + cy * nx + cx
        };
        let mut sorted = sensors.to_vec();
        sorted.sort_by_key(|s| (cell_of(s), s.id));
        let mut cell_start = vec![0u32; (layers * nx * ny + 1) as usize];
        for s in &sorted {
            cell_start[cell_of(s) as usize + 1] += 1;
        }
        for i in 1..cell_start.len() {
            cell_start[i] += cell_start[i - 1];
        }
        Self { sensors: sorted, cell_start, layers, nx, ny, origin: lo, cell_m: cell }
    }

    /// Copy the grid's geometry into the kernel parameters.
    pub fn apply(&self, p: &mut GpuParams) {
        p.grid_nx = self.nx;
        p.grid_ny = self.ny;
        p.cell_size_m = self.cell_m as f32;
        p.grid_origin_x = self.origin[0] as f32;
        p.grid_origin_y = self.origin[1] as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::reference::detection_probability;
    use crate::geo::Side;

    fn sensor(modality: Modality, height_m: f64, threshold_db: f64, fluctuation_db: f64) -> Sensor {
        Sensor {
            id: 0,
            modality,
            row: 0,
            lon: 0.0,
            lat: 0.0,
            x: 0.0,
            y: 0.0,
            z: height_m,
            chainage_km: 0.0,
            offset_m: 0.0,
            side: Side::A,
            active: true,
            threshold_db,
            fluctuation_db,
            timing_sigma_s: 1e-3,
            bearing_sigma_rad: 0.0,
            bearing_floor_rad: 0.0,
            false_alarms_per_day: 0.0,
            cost_eur: 0.0,
        }
    }

    /// Beyond its reach a source is heard with P < 1e-6 by every sensor in every direction, by
    /// day and by night, with and without wind; just inside it, downwind, the best sensor is
    /// close to that probability (the bound is tight where nothing else attenuates).
    #[test]
    fn reach_bounds_detection_in_every_direction() {
        let source = SourceModel {
            acoustic_db: 168.0,
            acoustic_freq_hz: 24.0,
            seismic_db: 120.0,
            seismic_freq_hz: 10.0,
            height_m: 2.0,
        };
        let sensors = [
            sensor(Modality::Acoustic, 2.0, 10.0, 5.0),
            sensor(Modality::Acoustic, 1.0, 12.0, 4.0),
            sensor(Modality::Seismic, 0.0, 10.0, 3.0),
        ];
        let best = BestCase::of(&sensors);
        for wind in [0.0, 4.0, 12.0] {
            let env = Environment { wind_speed_mps: wind, ..Environment::default() };
            let p = params(&env, 1);
            for is_day in [true, false] {
                let e = gpu_source(&source, &env, &best, is_day);
                for (i, s) in sensors.iter().map(gpu_sensor).enumerate() {
                    let reach =
                        f64::from(if s.modality == MODALITY_SEISMIC { e.reach_seismic_m } else { e.reach_acoustic_m });
                    assert!(reach > 100.0 && reach < MAX_REACH_M, "reach {reach}");
                    let mut best_inside: f64 = 0.0;
                    for d in 0..72 {
                        let a = f64::from(d) * 5f64.to_radians();
                        for (range, inside) in [(reach * 1.001, false), (reach * 0.999, true)] {
                            let at = GpuSensor { x: (range * a.sin()) as f32, y: (range * a.cos()) as f32, ..s };
                            let (pd, _) = detection_probability(&p, &e, &at);
                            if inside {
                                best_inside = best_inside.max(pd);
                            } else {
                                assert!(pd < 1e-6, "P {pd} beyond reach {reach} (wind {wind}, day {is_day})");
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
}
