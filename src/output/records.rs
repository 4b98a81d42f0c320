//! Rows of the result file's tables (DESIGN §7, schema version 1). Each table's units and
//! column meanings are written beside it as attributes.

use hdf5::H5Type;

/// Sensor modality as an HDF5 enum.
#[derive(H5Type, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ModalityCode {
    Acoustic = 0,
    Seismic = 1,
    Radar = 2,
    EoIr = 3,
    Rf = 4,
}

/// Side of the line as an HDF5 enum (0 is reserved for "indeterminate" in estimates).
#[derive(H5Type, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum SideCode {
    Indeterminate = 0,
    A = 1,
    B = 2,
}

/// What an event is.
#[derive(H5Type, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum EventKindCode {
    Launch = 0,
    Impact = 1,
    Fire = 2,
    Movement = 3,
}

#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct SensorRecord {
    pub id: u32,
    pub modality: ModalityCode,
    pub row: u16,
    pub lon: f64,
    pub lat: f64,
    pub x: f64,
    pub y: f64,
    pub z: f64,
    pub chainage_km: f64,
    pub offset_m: f64,
    pub side: SideCode,
    pub status: u8,
    pub threshold_db: f32,
    pub fluctuation_db: f32,
    pub timing_sigma_ms: f32,
    pub bearing_sigma_deg: f32,
    pub false_alarms_per_day: f32,
    pub cost_eur: f64,
}

pub const SENSOR_UNITS: &str = "id: 1; modality: enum; row: index into attribute row_names; lon: degree_east; \
lat: degree_north; x: m; y: m; z: m above ground; chainage_km: km; offset_m: m (negative side A); side: enum; \
status: 0 ok; threshold_db: dB SNR; fluctuation_db: dB; timing_sigma_ms: ms; bearing_sigma_deg: degree (0 = no bearing); \
false_alarms_per_day: 1/day; cost_eur: EUR";

#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct EventRecord {
    pub id: u32,
    pub class: u16,
    pub kind: EventKindCode,
    pub responsible_side: SideCode,
    pub t_s: f64,
    pub lon: f64,
    pub lat: f64,
    pub x: f64,
    pub y: f64,
    pub z: f64,
    pub chainage_km: f64,
    pub offset_m: f64,
    pub linked_id: i64,
    pub acoustic_db: f32,
    pub acoustic_freq_hz: f32,
    pub seismic_db: f32,
    pub seismic_freq_hz: f32,
    pub is_day: u8,
}

pub const EVENT_UNITS: &str = "id: 1; class: index into attribute class_names; kind: enum; responsible_side: enum; \
t_s: s since scenario start; lon: degree_east; lat: degree_north; x: m; y: m; z: m above ground; chainage_km: km; \
offset_m: m (negative side A); linked_id: launch<->impact partner id, -1 if none; acoustic_db: dB re (20 uPa)^2 s at 1 m; \
acoustic_freq_hz: Hz; seismic_db: dB re 1 nm/s at 10 m; seismic_freq_hz: Hz; is_day: 1 local day, 0 night";

#[derive(H5Type, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct DetectionRecord {
    pub event_id: i64,
    pub sensor_id: u32,
    pub modality: ModalityCode,
    pub t_s: f64,
    pub snr_db: f32,
    pub level_db: f32,
    pub bearing_rad: f32,
}

pub const DETECTION_UNITS: &str = "event_id: id in /events, -1 = false alarm; sensor_id: id in /sensors; \
modality: enum; t_s: s since scenario start (arrival time); snr_db: dB; level_db: dB (acoustic re 20 uPa, seismic re 1 nm/s); \
bearing_rad: rad clockwise from grid north, sensor to source, NaN if none";
