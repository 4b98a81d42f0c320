//! Byte layouts shared with `shaders/detect.wgsl` (field order and sizes must match it).

use crate::scenario::Modality;
use bytemuck::{Pod, Zeroable};

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct GpuParams {
    /// The layered atmosphere's shape (the weather itself is each event's).
    pub roughness_m: f32,
    pub surface_layer_m: f32,
    pub lapse_aloft_k_per_m: f32,
    pub shadow_max_db: f32,
    /// Nominal acoustic background with the nominal wind, by day and night (false alarms).
    pub noise_acoustic_day_db: f32,
    pub noise_acoustic_night_db: f32,
    pub noise_seismic_day_db: f32,
    pub noise_seismic_night_db: f32,
    pub rayleigh_speed_mps: f32,
    pub seismic_q: f32,
    /// Detection (truth): σ of a path's effective sound speed, m/s, and of the ground speed, as
    /// a fraction, drawn per pair. Coverage (belief): the verifier's σ of the speed a path
    /// travels at, m/s, and of a sensor's surveyed position, m.
    pub speed_sigma_mps: f32,
    pub ground_speed_sigma_fraction: f32,
    pub survey_sigma_m: f32,
    /// Detection: σ of the sound speed's variation over an event's footprint, m/s (second and
    /// third azimuthal harmonics, drawn per event); 0 in coverage.
    pub footprint_sigma_mps: f32,
    pub seed_lo: u32,
    pub seed_hi: u32,
    pub grid_nx: u32,
    pub grid_ny: u32,
    pub cell_size_m: f32,
    pub grid_origin_x: f32,
    pub grid_origin_y: f32,
    /// Events in this dispatch (detect_events) or pairs (evaluate_pairs).
    pub item_count: u32,
    /// Capacity of the detections buffer.
    pub capacity: u32,
    /// Extinction of haze and fog for cameras, visible and thermal band, 1/m.
    pub extinction_visible_per_m: f32,
    pub extinction_thermal_per_m: f32,
    /// The crust's regional phase: Q(f) = lg_q0·f^lg_q_exponent and the group speed, m/s.
    pub lg_q0: f32,
    pub lg_q_exponent: f32,
    pub lg_speed_mps: f32,
    /// Detection: σ of Lg's group speed per pair, fraction; coverage: the verifier's σ of it.
    pub lg_speed_sigma_fraction: f32,
    /// Coverage: σ of a sound path's own speed once the event's weather is fitted (the
    /// turbulence alone), m/s: what blind association's confirming window keeps. 0 in detection.
    pub fitted_speed_sigma_mps: f32,
    pub pad: [u32; 2],
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct GpuEvent {
    pub x: f32,
    pub y: f32,
    pub z: f32,
    pub id: u32,
    pub acoustic_db: f32,
    pub acoustic_freq_hz: f32,
    pub seismic_db: f32,
    pub seismic_freq_hz: f32,
    pub reach_acoustic_m: f32,
    pub reach_seismic_m: f32,
    pub is_day: u32,
    /// ISO 9613-1 absorption at `acoustic_freq_hz` in the run's weather, dB/m (host, f64).
    pub alpha_db_per_m: f32,
    /// Radar cross-section, dB re 1 m².
    pub rcs_dbsm: f32,
    /// Critical dimension, m, and the inherent contrast in each band (visible is 0 at night).
    pub critical_dim_m: f32,
    pub contrast_visible: f32,
    pub contrast_thermal: f32,
    /// RF power at 1 m, dBm: EIRP, duty cycle and free-space loss to 1 m at the carrier.
    pub rf_dbm_1m: f32,
    /// Reach of each line-of-sight modality, m; 0 when the source has no such signature.
    pub reach_radar_m: f32,
    pub reach_eo_m: f32,
    pub reach_rf_m: f32,
    /// Radar cross-section of the projectile in flight (launches), dBsm; UNSEEN_DB: none.
    pub projectile_rcs_dbsm: f32,
    /// 1: the source persists (a vehicle, a drone: a scanning camera comes round to it); 0: a
    /// transient flash or blast.
    pub persistent: u32,
    /// The weather at the event (`weather::Weather`): the truth's own in a run, the nominal in a
    /// coverage map. Sound speed in still air, m/s, and air temperature, K.
    pub sound_speed_mps: f32,
    pub temperature_k: f32,
    /// Temperature gradient of the surface layer, K/m.
    pub surface_gradient_k_per_m: f32,
    /// The 10 m wind (towards), m/s.
    pub wind_to_x_mps: f32,
    pub wind_to_y_mps: f32,
    /// Acoustic background at the sensors in that wind, dB.
    pub acoustic_noise_db: f32,
    /// Regional seismic phase (Lg): peak ground velocity at 100 km, dB re 1 nm/s (UNSEEN_DB:
    /// none), and the frequency it is picked at, Hz.
    pub regional_db: f32,
    pub regional_freq_hz: f32,
    /// How the source moves, for a radar's Doppler notch: `motion` MOTION_UNMODELLED (taken to
    /// move fast enough), MOTION_KNOWN (ground velocity `velocity_*_mps`), MOTION_ANY_HEADING
    /// (coverage: `speed_mps` in a heading uniform over the circle).
    pub velocity_x_mps: f32,
    pub velocity_y_mps: f32,
    pub speed_mps: f32,
    pub motion: u32,
    /// Coverage: the source class's salvos (`[classes.salvo]`): guns fire within
    /// `salvo_spread_s`, `salvo_guns_min..=salvo_guns_max` of them (0: no salvos). 0 in
    /// detection.
    pub salvo_spread_s: f32,
    pub salvo_guns_min: u32,
    pub salvo_guns_max: u32,
    pub pad: u32,
}

/// Zeros, with the default crust under them: a zero Q would make Lg infinite.
impl Default for GpuParams {
    fn default() -> Self {
        let env = crate::scenario::Environment::default();
        Self {
            lg_q0: env.lg_q0 as f32,
            lg_q_exponent: env.lg_q_exponent as f32,
            lg_speed_mps: env.lg_speed_mps as f32,
            ..Zeroable::zeroed()
        }
    }
}

/// Zeros, with no regional seismic phase (a zero would be a 0 dB Lg at 100 km).
impl Default for GpuEvent {
    fn default() -> Self {
        Self {
            regional_db: UNSEEN_DB as f32,
            regional_freq_hz: crate::physics::source::DEFAULT_REGIONAL_FREQ_HZ as f32,
            ..Zeroable::zeroed()
        }
    }
}

impl GpuEvent {
    /// The same source in still air with no temperature gradient, at `temperature_c`, against an
    /// acoustic background of `noise_db`: the starting point of closed-form tests and benches.
    pub fn in_still_air(self, temperature_c: f64, noise_db: f64) -> Self {
        Self {
            sound_speed_mps: crate::physics::acoustic::sound_speed_mps(temperature_c) as f32,
            temperature_k: (temperature_c + crate::physics::acoustic::ZERO_CELSIUS_K) as f32,
            surface_gradient_k_per_m: 0.0,
            wind_to_x_mps: 0.0,
            wind_to_y_mps: 0.0,
            acoustic_noise_db: noise_db as f32,
            ..self
        }
    }
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct GpuSensor {
    pub x: f32,
    pub y: f32,
    pub z: f32,
    pub id: u32,
    pub modality: u32,
    pub enabled: u32,
    pub threshold_db: f32,
    pub fluctuation_db: f32,
    pub timing_sigma_s: f32,
    pub bearing_sigma_rad: f32,
    pub bearing_floor_rad: f32,
    /// The coverage kernel's viewshed of this sensor: its slot + 1 (`terrain::viewshed`); 0:
    /// the sight line is marched.
    pub view: u32,
    /// The onset picker's dead time, s: the coverage kernel's chance that a salvo's earlier
    /// round holds the picker (`coverage::reference::salvo_pick_free`); 0 in detection, where
    /// the host's picker applies it.
    pub dead_time_s: f32,
    // From here on: the WGSL `Sight`, uploaded as an array of its own (`split_sensors`).
    /// Radar: SNR on 1 m² at 1 m, dB; RF: minus the sensitivity, dB.
    pub gain_db: f32,
    pub pfa: f32,
    pub n50: f32,
    pub ifov_rad: f32,
    pub min_contrast: f32,
    /// Camera band: 0 visible, 1 thermal.
    pub band: u32,
    pub min_range_m: f32,
    pub max_range_m: f32,
    pub azimuth_rad: f32,
    pub half_sector_rad: f32,
    pub los_exponent: f32,
    pub nlos_exponent: f32,
    pub range_sigma_m: f32,
    /// 1: a counter-battery radar.
    pub counter_battery: u32,
    /// Counter-battery: per-axis σ of the reported launch point per metre of range.
    pub location_fraction: f32,
    /// Counter-battery: height above the launcher where the round must be in view, m.
    pub fence_height_m: f32,
    /// Camera: the fraction of its sector in view at once (transient sources).
    pub view_fraction: f32,
    /// Surveillance radar: minimum detectable radial velocity, m/s.
    pub mdv_mps: f32,
}

/// Words of the WGSL `Sensor` at the head of a `GpuSensor`; the rest is its `Sight`.
pub const SENSOR_WORDS: usize = 13;
/// Words of the WGSL `Sight`.
pub const SIGHT_WORDS: usize = 18;

/// The sensors as the kernels bind them: the acoustic and seismic walks read only the first
/// array, the line-of-sight walks the second one too (same index).
pub fn split_sensors(sensors: &[GpuSensor]) -> (Vec<[u32; SENSOR_WORDS]>, Vec<[u32; SIGHT_WORDS]>) {
    sensors
        .iter()
        .map(|s| {
            let words: &[u32; SENSOR_WORDS + SIGHT_WORDS] = bytemuck::cast_ref(s);
            let mut head = [0u32; SENSOR_WORDS];
            let mut tail = [0u32; SIGHT_WORDS];
            head.copy_from_slice(&words[..SENSOR_WORDS]);
            tail.copy_from_slice(&words[SENSOR_WORDS..]);
            (head, tail)
        })
        .unzip()
}

/// One detection as the kernel writes it; the delay is relative to the event's origin time so
/// that f32 keeps microseconds.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct GpuDetection {
    pub event_id: u32,
    pub sensor_id: u32,
    pub delay_s: f32,
    pub snr_db: f32,
    pub level_db: f32,
    pub bearing_rad: f32,
    /// Ground range a radar measures, m; NaN for the other modalities.
    pub range_m: f32,
    /// The phase picked (`physics::seismic::Phase`): 1 regional Lg, 0 every direct path.
    pub phase: u32,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub struct GpuPairOut {
    pub level_db: f32,
    pub snr_db: f32,
    pub delay_s: f32,
    pub bearing_rad: f32,
    pub detected: u32,
    pub range_m: f32,
    /// Thresholded modalities: SNR − threshold, dB. Radar and cameras: P(detect) − the uniform
    /// draw (detected when ≥ 0).
    pub margin_db: f32,
    /// Least terrain clearance of the sight line, m; +∞ for modalities that ignore terrain.
    pub clearance_m: f32,
    /// Ground range a radar measures, m; NaN for the other modalities.
    pub measured_range_m: f32,
    /// The phase picked, as in `GpuDetection`.
    pub phase: u32,
}

/// Modality codes as the kernels read them: `Modality`'s own discriminants, which the result
/// file's HDF5 enum also carries; the WGSL side is generated from them (`shaders::constants`).
pub const MODALITY_ACOUSTIC: u32 = Modality::Acoustic.code();
pub const MODALITY_SEISMIC: u32 = Modality::Seismic.code();
pub const MODALITY_RADAR: u32 = Modality::Radar.code();
pub const MODALITY_EO_IR: u32 = Modality::EoIr.code();
pub const MODALITY_RF: u32 = Modality::Rf.code();
/// Modalities, hence layers of the coverage grid.
pub const MODALITY_COUNT: u32 = Modality::ALL.len() as u32;

/// Level of a pair that cannot detect at all (out of view, behind terrain, no signature), dB.
pub const UNSEEN_DB: f64 = -1000.0;

/// `GpuEvent::motion`: no velocity modelled (a blast, a mover without a track).
pub const MOTION_UNMODELLED: u32 = 0;
/// `GpuEvent::motion`: the ground velocity is known (a track's sample).
pub const MOTION_KNOWN: u32 = 1;
/// `GpuEvent::motion`: a known speed in a heading uniform over the circle (coverage cells).
pub const MOTION_ANY_HEADING: u32 = 2;
