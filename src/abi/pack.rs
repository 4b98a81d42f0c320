//! From scenario, sensors and events to the records the kernels read: the parameters, each
//! sensor, each event or coverage source with its reach.

use super::layout::*;
use super::reach::{BestCase, camera_reach_m, radar_reach_m, reach_m, rf_reach_m};
use crate::deploy::Sensor;
use crate::events::Event;
use crate::physics::acoustic;
use crate::physics::source::SourceModel;
use crate::scenario::{Environment, Modality};

/// The kernel parameters that do not depend on the grid.
pub fn params(env: &Environment, seed: u64) -> GpuParams {
    let wind = acoustic::wind_to_mps(env.wind_speed_mps, env.wind_from_deg);
    GpuParams {
        temperature_c: env.temperature_c as f32,
        relative_humidity_pct: env.relative_humidity_pct as f32,
        pressure_kpa: env.pressure_kpa as f32,
        sound_speed_mps: acoustic::sound_speed_mps(env.temperature_c) as f32,
        wind_to_x_mps: wind[0] as f32,
        wind_to_y_mps: wind[1] as f32,
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
        visibility_m: (env.visibility_km * 1000.0) as f32,
        ..GpuParams::default()
    }
}

pub fn gpu_sensor(s: &Sensor) -> GpuSensor {
    GpuSensor {
        x: s.x as f32,
        y: s.y as f32,
        z: s.z as f32,
        id: s.id,
        modality: s.modality.code(),
        enabled: u32::from(s.active),
        threshold_db: s.threshold_db as f32,
        fluctuation_db: s.fluctuation_db as f32,
        timing_sigma_s: s.timing_sigma_s as f32,
        bearing_sigma_rad: s.bearing_sigma_rad as f32,
        bearing_floor_rad: s.bearing_floor_rad as f32,
        view: 0,
        gain_db: s.sight.gain_db as f32,
        pfa: s.sight.pfa as f32,
        n50: s.sight.n50 as f32,
        ifov_rad: s.sight.ifov_rad as f32,
        min_contrast: s.sight.min_contrast as f32,
        band: u32::from(s.sight.thermal),
        min_range_m: s.sight.min_range_m as f32,
        max_range_m: s.sight.max_range_m as f32,
        azimuth_rad: s.sight.azimuth_rad as f32,
        half_sector_rad: s.sight.half_sector_rad as f32,
        los_exponent: s.sight.los_exponent as f32,
        nlos_exponent: s.sight.nlos_exponent as f32,
        range_sigma_m: s.sight.range_sigma_m as f32,
        counter_battery: u32::from(s.sight.counter_battery),
        location_fraction: s.sight.location_fraction as f32,
        fence_height_m: s.sight.fence_height_m as f32,
    }
}

pub fn gpu_event(e: &Event, env: &Environment, best: &BestCase) -> GpuEvent {
    // The ground truth's z is the height above ground the scenario gives.
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
        reach_acoustic_m: reach_m(src, env, best, Modality::Acoustic, is_day) as f32,
        reach_seismic_m: reach_m(src, env, best, Modality::Seismic, is_day) as f32,
        is_day: u32::from(is_day),
        alpha_db_per_m: acoustic::absorption_db_per_m(
            src.acoustic_freq_hz,
            env.temperature_c,
            env.relative_humidity_pct,
            env.pressure_kpa,
        ) as f32,
        rcs_dbsm: src.rcs_m2.map_or(UNSEEN_DB, |s| 10.0 * s.log10()) as f32,
        projectile_rcs_dbsm: src.projectile_rcs_m2.map_or(UNSEEN_DB, |s| 10.0 * s.log10()) as f32,
        critical_dim_m: src.critical_dimension_m.unwrap_or(0.0) as f32,
        contrast_visible: if is_day { src.visible_contrast as f32 } else { 0.0 },
        contrast_thermal: src.thermal_contrast as f32,
        rf_dbm_1m: src.rf_dbm_1m.unwrap_or(0.0) as f32,
        reach_radar_m: radar_reach_m(src, best) as f32,
        reach_eo_m: camera_reach_m(src, best, env.visibility_km * 1000.0, is_day) as f32,
        reach_rf_m: rf_reach_m(src, best) as f32,
    }
}
