//! From scenario, sensors and events to the records the kernels read: the parameters, each
//! sensor, each event or coverage source with its reach.

use super::layout::*;
use super::reach::{BestCase, camera_reach_m, radar_reach_m, reach_m, rf_reach_m};
use crate::deploy::Sensor;
use crate::events::Event;
use crate::physics::source::SourceModel;
use crate::physics::{acoustic, electro_optical};
use crate::scenario::{Environment, Modality, Truth};
use crate::weather::Weather;

/// The kernel parameters that do not depend on the grid. The speed and survey σ are the
/// detection kernel's per-pair draws (the truth's); `belief` sets them for the coverage kernel.
pub fn params(env: &Environment, truth: &Truth, seed: u64) -> GpuParams {
    let nominal_noise = |is_day| Weather::nominal(env, is_day).acoustic_noise_db(env, is_day) as f32;
    GpuParams {
        roughness_m: env.roughness_m as f32,
        surface_layer_m: env.surface_layer_m as f32,
        lapse_aloft_k_per_m: env.lapse_aloft_k_per_m as f32,
        shadow_max_db: env.shadow_max_db as f32,
        noise_acoustic_day_db: nominal_noise(true),
        noise_acoustic_night_db: nominal_noise(false),
        noise_seismic_day_db: env.seismic_noise_day_db as f32,
        noise_seismic_night_db: env.seismic_noise_night_db as f32,
        rayleigh_speed_mps: env.rayleigh_speed_mps as f32,
        seismic_q: env.seismic_q as f32,
        speed_sigma_mps: truth.path_speed_sigma_mps as f32,
        ground_speed_sigma_fraction: truth.ground_speed_sigma_fraction as f32,
        survey_sigma_m: 0.0,
        footprint_sigma_mps: truth.footprint_speed_sigma_mps as f32,
        seed_lo: seed as u32,
        seed_hi: (seed >> 32) as u32,
        extinction_visible_per_m: camera_extinction(env)[0] as f32,
        extinction_thermal_per_m: camera_extinction(env)[1] as f32,
        lg_q0: env.lg_q0 as f32,
        lg_q_exponent: env.lg_q_exponent as f32,
        lg_speed_mps: env.lg_speed_mps as f32,
        lg_speed_sigma_fraction: truth.lg_speed_sigma_fraction as f32,
        ..GpuParams::default()
    }
}

/// The coverage kernel's parameters: what the verifier believes. Its σ of a path's speed folds
/// the forecast's wind and temperature errors into the turbulence (docs/design.md §3).
pub fn belief_params(env: &Environment, truth: &Truth, seed: u64) -> GpuParams {
    GpuParams {
        speed_sigma_mps: crate::weather::acoustic_speed_sigma_mps(env, truth) as f32,
        survey_sigma_m: truth.survey_sigma_m as f32,
        footprint_sigma_mps: 0.0,
        fitted_speed_sigma_mps: truth.path_speed_sigma_mps as f32,
        ..params(env, truth, seed)
    }
}

/// Extinction of haze and fog in the scenario's visibility, visible and thermal band, 1/m.
pub fn camera_extinction(env: &Environment) -> [f64; 2] {
    let v = env.visibility_km * 1000.0;
    [
        electro_optical::extinction_per_m(v, electro_optical::VISIBLE_WAVELENGTH_UM),
        electro_optical::extinction_per_m(v, electro_optical::THERMAL_WAVELENGTH_UM),
    ]
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
        dead_time_s: s.dead_time_s as f32,
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
        view_fraction: s.sight.view_fraction as f32,
        mdv_mps: s.sight.mdv_mps as f32,
    }
}

/// An event as the detection kernel reads it, in the world's weather there and then.
pub fn gpu_event(e: &Event, env: &Environment, weather: &Weather, best: &BestCase) -> GpuEvent {
    // The ground truth's z is the height above ground the scenario gives.
    GpuEvent {
        x: e.x as f32,
        y: e.y as f32,
        id: e.id,
        persistent: u32::from(e.kind == crate::events::EventKind::Movement),
        velocity_x_mps: e.velocity_mps.map_or(0.0, |v| v[0]) as f32,
        velocity_y_mps: e.velocity_mps.map_or(0.0, |v| v[1]) as f32,
        speed_mps: e.velocity_mps.map_or(0.0, |v| v[0].hypot(v[1])) as f32,
        motion: if e.velocity_mps.is_some() { MOTION_KNOWN } else { MOTION_UNMODELLED },
        ..gpu_source(&e.source, env, weather, best, e.is_day)
    }
}

/// A source as the kernels read it, at the origin, in a weather: coverage places it at each
/// cell, in the nominal weather.
pub fn gpu_source(src: &SourceModel, env: &Environment, weather: &Weather, best: &BestCase, is_day: bool) -> GpuEvent {
    let air = weather.air(env);
    GpuEvent {
        x: 0.0,
        y: 0.0,
        z: src.height_m as f32,
        id: 0,
        acoustic_db: src.acoustic_db as f32,
        acoustic_freq_hz: src.acoustic_freq_hz as f32,
        seismic_db: src.seismic_db as f32,
        seismic_freq_hz: src.seismic_freq_hz as f32,
        reach_acoustic_m: reach_m(src, env, weather, best, Modality::Acoustic, is_day) as f32,
        reach_seismic_m: reach_m(src, env, weather, best, Modality::Seismic, is_day) as f32,
        is_day: u32::from(is_day),
        alpha_db_per_m: acoustic::absorption_db_per_m(
            src.acoustic_freq_hz,
            weather.temperature_c,
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
        reach_eo_m: camera_reach_m(src, best, camera_extinction(env), is_day) as f32,
        reach_rf_m: rf_reach_m(src, best) as f32,
        // Transient unless the caller knows better (`gpu_event`, `world::coverage_source`).
        persistent: 0,
        sound_speed_mps: air.sound_speed_mps as f32,
        temperature_k: air.temperature_k as f32,
        surface_gradient_k_per_m: air.surface_gradient_k_per_m as f32,
        wind_to_x_mps: weather.wind_to_mps[0] as f32,
        wind_to_y_mps: weather.wind_to_mps[1] as f32,
        acoustic_noise_db: weather.acoustic_noise_db(env, is_day) as f32,
        regional_db: src.regional_db.unwrap_or(UNSEEN_DB) as f32,
        regional_freq_hz: src.regional_freq_hz as f32,
        velocity_x_mps: 0.0,
        velocity_y_mps: 0.0,
        speed_mps: 0.0,
        motion: MOTION_UNMODELLED,
        // No salvos unless the caller knows better (`world::coverage_source`).
        salvo_spread_s: 0.0,
        salvo_guns_min: 0,
        salvo_guns_max: 0,
        pad: 0,
    }
}
