//! The domain's values as rows of the result file's tables.

use crate::deploy::Sensor;
use crate::deploy::losses::SensorLoss;
use crate::events::Event;
use crate::output::*;
use crate::weather::Weather;

pub(super) fn loss_record(l: &SensorLoss) -> SensorLossRecord {
    SensorLossRecord { sensor_id: l.sensor_id, t_s: l.t_s, cause: l.cause }
}

/// A sensor as surveyed, with where it really is and its clock's offset.
pub(super) fn sensor_record(s: &Sensor, truth: &Sensor, clock_offset_s: f64) -> SensorRecord {
    SensorRecord {
        id: s.id,
        modality: s.modality,
        row: s.row,
        lon: s.lon,
        lat: s.lat,
        x: s.x,
        y: s.y,
        z: s.z,
        chainage_km: s.chainage_km,
        offset_m: s.offset_m,
        side: s.side.into(),
        status: u8::from(!s.active),
        threshold_db: s.threshold_db as f32,
        fluctuation_db: s.fluctuation_db as f32,
        timing_sigma_ms: (s.timing_sigma_s * 1e3) as f32,
        bearing_sigma_deg: s.bearing_sigma_rad.to_degrees() as f32,
        false_alarms_per_day: s.false_alarms_per_day as f32,
        cost_eur: s.cost_eur,
        true_x: truth.x,
        true_y: truth.y,
        clock_offset_s,
    }
}

pub(super) fn event_record(e: &Event, weather: &Weather) -> EventRecord {
    EventRecord {
        id: e.id,
        class: e.class,
        kind: e.kind,
        responsible_side: e.responsible.into(),
        t_s: e.t_s,
        lon: e.lon,
        lat: e.lat,
        x: e.x,
        y: e.y,
        z: e.z,
        chainage_km: e.chainage_km,
        offset_m: e.offset_m,
        linked_id: e.linked_id,
        track_id: e.track_id,
        track_sample: e.track_sample,
        salvo_id: e.salvo_id,
        acoustic_db: e.source.acoustic_db as f32,
        acoustic_freq_hz: e.source.acoustic_freq_hz as f32,
        seismic_db: e.source.seismic_db as f32,
        seismic_freq_hz: e.source.seismic_freq_hz as f32,
        is_day: u8::from(e.is_day),
        temperature_c: weather.temperature_c as f32,
        temperature_gradient_k_per_m: weather.surface_gradient_k_per_m as f32,
        wind_to_x_mps: weather.wind_to_mps[0] as f32,
        wind_to_y_mps: weather.wind_to_mps[1] as f32,
        velocity_x_mps: e.velocity_mps.map_or(f32::NAN, |v| v[0] as f32),
        velocity_y_mps: e.velocity_mps.map_or(f32::NAN, |v| v[1] as f32),
    }
}
