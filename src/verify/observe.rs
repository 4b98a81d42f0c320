//! What the verifier knows about each sensor (where it is, how its signals travel, how well it
//! times and points) and how a detection becomes an observation for the locator.

use super::locate::Observation;
use crate::deploy::Sensor;
use crate::output::records::DetectionRecord;
use crate::physics::{self, acoustic, radar};
use crate::scenario::{Environment, Modality};

/// A sensor as the verifier models it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SensorModel {
    pub x: f64,
    pub y: f64,
    pub speed_mps: f64,
    /// Wind vector (towards), m/s; zero for ground waves.
    pub wind_mps: [f64; 2],
    pub sigma_t_s: f64,
    pub modality: Modality,
    /// Bearing σ at the threshold SNR, its floor (rad) and the threshold (dB); None: no bearing.
    pub bearing: Option<(f64, f64, f64)>,
    /// Range σ of a radar: metres plus a share of the range (counter-battery); None: no range.
    pub range_sigma_m: Option<(f64, f64)>,
}

impl SensorModel {
    /// The bearing σ at an observed SNR, as the sensor reports it (the simulation's own law).
    pub fn bearing_sigma_rad(&self, snr_db: f64) -> Option<f64> {
        let (at_threshold, floor, threshold) = self.bearing?;
        Some(physics::bearing_sigma_rad(self.modality, at_threshold, floor, threshold, snr_db))
    }
}

/// Models indexed by sensor id (ids run from 0 in deployment order).
pub fn sensor_models(sensors: &[Sensor], env: &Environment) -> Vec<SensorModel> {
    let wind = acoustic::wind_to_mps(env.wind_speed_mps, env.wind_from_deg);
    let mut models = vec![
        SensorModel {
            x: 0.0,
            y: 0.0,
            speed_mps: 1.0,
            wind_mps: [0.0; 2],
            sigma_t_s: 1.0,
            modality: Modality::Acoustic,
            bearing: None,
            range_sigma_m: None,
        };
        sensors.iter().map(|s| s.id as usize + 1).max().unwrap_or(0)
    ];
    for s in sensors {
        // Only sound is carried by the wind.
        let wind_mps = if s.modality == Modality::Acoustic { wind } else { [0.0; 2] };
        models[s.id as usize] = SensorModel {
            x: s.x,
            y: s.y,
            speed_mps: physics::signal_speed_mps(s.modality, env.temperature_c, env.rayleigh_speed_mps),
            wind_mps,
            sigma_t_s: s.timing_sigma_s,
            modality: s.modality,
            bearing: (s.bearing_sigma_rad > 0.0).then_some((s.bearing_sigma_rad, s.bearing_floor_rad, s.threshold_db)),
            range_sigma_m: (s.sight.range_sigma_m > 0.0 || s.sight.location_fraction > 0.0)
                .then_some((s.sight.range_sigma_m, s.sight.location_fraction)),
        };
    }
    models
}

pub fn observation(model: &SensorModel, d: &DetectionRecord) -> Observation {
    let bearing = if d.bearing_rad.is_finite() {
        model.bearing_sigma_rad(f64::from(d.snr_db)).map(|sigma| (f64::from(d.bearing_rad), sigma))
    } else {
        None
    };
    Observation {
        x: model.x,
        y: model.y,
        t_s: d.t_s,
        sigma_t_s: model.sigma_t_s,
        speed_mps: model.speed_mps,
        wind_mps: model.wind_mps,
        bearing,
        range: model.range_sigma_m.filter(|_| d.range_m.is_finite()).map(|(metres, share)| {
            let range = f64::from(d.range_m);
            (range, radar::range_sigma_m(metres, share, range.abs()))
        }),
    }
}
