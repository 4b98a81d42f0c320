//! What the verifier knows about each sensor (where it is, how its signals travel, how well it
//! times and points) and how a detection becomes an observation for the locator.

use super::locate::{Observation, WeatherError};
use crate::deploy::Sensor;
use crate::output::records::DetectionRecord;
use crate::physics::acoustic::AirColumn;
use crate::physics::{self, acoustic, radar, seismic};
use crate::scenario::{Environment, Modality, Truth};

/// A sensor as the verifier models it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SensorModel {
    pub x: f64,
    pub y: f64,
    pub speed_mps: f64,
    /// Wind vector (towards), m/s; zero for ground waves.
    pub wind_mps: [f64; 2],
    /// Onset-time σ at the threshold, s, and that threshold, dB (the pick improves with SNR).
    pub sigma_t_s: f64,
    pub threshold_db: f64,
    /// σ of the range-independent part of an arrival time beyond the pick: the clock and, for
    /// waves, the surveyed position's error along the path, s.
    pub fixed_sigma_s: f64,
    /// σ of this sensor's paths' own speed error, m/s, and the weather error its sound shares.
    pub path_speed_sigma_mps: f64,
    pub shared: Option<WeatherError>,
    /// For sound: the nominal air its paths cross (their share of the 10 m wind); None otherwise.
    pub air: Option<AirColumn>,
    /// σ of each surveyed coordinate, m.
    pub position_sigma_m: f64,
    pub modality: Modality,
    /// Bearing σ at the threshold SNR, its floor (rad) and the threshold (dB); None: no bearing.
    pub bearing: Option<(f64, f64, f64)>,
    /// Range σ of a radar: metres plus a share of the range (counter-battery); None: no range.
    pub range_sigma_m: Option<(f64, f64)>,
    /// How a seismic sensor's arrivals on the regional phase travel; None for other modalities.
    pub lg: Option<LgModel>,
    /// Its onset picker's dead time after each pick, s (docs/design.md §3.6): a setting of the
    /// deployment's own equipment, which the verifier knows.
    pub dead_time_s: f64,
}

/// What the verifier believes of Lg arrivals at one sensor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LgModel {
    pub speed_mps: f64,
    pub path_speed_sigma_mps: f64,
    /// Clock and the surveyed position's error along the path, s.
    pub fixed_sigma_s: f64,
    /// Onset σ at the threshold, s: the row's, no finer than half a period at the frequency the
    /// verifier assumes Lg is picked at (`source::DEFAULT_REGIONAL_FREQ_HZ`; a class that sets
    /// its own is picked differently from what the verifier believes).
    pub sigma_t_s: f64,
}

impl SensorModel {
    /// The bearing σ at an observed SNR, as the sensor reports it (the simulation's own law).
    pub fn bearing_sigma_rad(&self, snr_db: f64) -> Option<f64> {
        let (at_threshold, floor, threshold) = self.bearing?;
        Some(physics::bearing_sigma_rad(self.modality, at_threshold, floor, threshold, snr_db))
    }
}

/// Models indexed by sensor id (ids run from 0 in deployment order): the nominal weather, the
/// surveyed positions, and the stated σ of what the verifier does not know (docs/design.md §3).
pub fn sensor_models(sensors: &[Sensor], env: &Environment, truth: &Truth) -> Vec<SensorModel> {
    let wind = acoustic::wind_to_mps(env.wind_speed_mps, env.wind_from_deg);
    let c = acoustic::sound_speed_mps(env.temperature_c);
    let weather = WeatherError {
        wind_sigma_mps: truth.wind_sigma_mps,
        sound_speed_sigma_mps: c / (2.0 * (env.temperature_c + acoustic::ZERO_CELSIUS_K)) * truth.temperature_sigma_c,
        footprint_sigma_mps: truth.footprint_speed_sigma_mps,
    };
    // The profile a path's wind comes from. By day and by night alike: the path height it
    // sets grows with the wind's shear far more than with the temperature gradient, and beyond
    // ~1 km every path samples the whole surface layer (docs/design.md §6).
    let air = crate::weather::Weather::nominal(env, true).air(env);
    let clock_s = truth.clock_sigma_ms * 1e-3;
    let mut models = vec![
        SensorModel {
            x: 0.0,
            y: 0.0,
            speed_mps: 1.0,
            wind_mps: [0.0; 2],
            sigma_t_s: 1.0,
            threshold_db: 0.0,
            fixed_sigma_s: 0.0,
            path_speed_sigma_mps: 0.0,
            shared: None,
            air: None,
            position_sigma_m: 0.0,
            modality: Modality::Acoustic,
            bearing: None,
            range_sigma_m: None,
            lg: None,
            dead_time_s: 0.0,
        };
        sensors.iter().map(|s| s.id as usize + 1).max().unwrap_or(0)
    ];
    for s in sensors {
        // Only sound is carried by the wind.
        let wind_mps = if s.modality == Modality::Acoustic { wind } else { [0.0; 2] };
        let speed_mps = physics::signal_speed_mps(s.modality, env.temperature_c, env.rayleigh_speed_mps);
        let (path_speed_sigma_mps, survey_s) = match s.modality {
            Modality::Acoustic => (truth.path_speed_sigma_mps, truth.survey_sigma_m / speed_mps),
            Modality::Seismic => (truth.ground_speed_sigma_fraction * speed_mps, truth.survey_sigma_m / speed_mps),
            _ => (0.0, 0.0),
        };
        models[s.id as usize] = SensorModel {
            x: s.x,
            y: s.y,
            speed_mps,
            wind_mps,
            sigma_t_s: s.timing_sigma_s,
            threshold_db: s.threshold_db,
            fixed_sigma_s: clock_s.hypot(survey_s),
            path_speed_sigma_mps,
            shared: (s.modality == Modality::Acoustic).then_some(weather),
            air: (s.modality == Modality::Acoustic).then_some(air),
            position_sigma_m: truth.survey_sigma_m,
            modality: s.modality,
            bearing: (s.bearing_sigma_rad > 0.0).then_some((s.bearing_sigma_rad, s.bearing_floor_rad, s.threshold_db)),
            range_sigma_m: (s.sight.range_sigma_m > 0.0 || s.sight.location_fraction > 0.0)
                .then_some((s.sight.range_sigma_m, s.sight.location_fraction)),
            lg: (s.modality == Modality::Seismic).then(|| LgModel {
                speed_mps: env.lg_speed_mps,
                path_speed_sigma_mps: truth.lg_speed_sigma_fraction * env.lg_speed_mps,
                fixed_sigma_s: clock_s.hypot(truth.survey_sigma_m / env.lg_speed_mps),
                sigma_t_s: seismic::pick_at_threshold_s(
                    s.timing_sigma_s,
                    seismic::Phase::Lg,
                    physics::source::DEFAULT_REGIONAL_FREQ_HZ,
                ),
            }),
            dead_time_s: s.dead_time_s,
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
    // An arrival on the regional phase travels, and is picked, as Lg does.
    let lg = model.lg.filter(|_| d.phase == seismic::Phase::Lg);
    let (speed_mps, path_speed_sigma_mps, fixed_sigma_s, sigma_t_s) = match lg {
        Some(lg) => (lg.speed_mps, lg.path_speed_sigma_mps, lg.fixed_sigma_s, lg.sigma_t_s),
        None => (model.speed_mps, model.path_speed_sigma_mps, model.fixed_sigma_s, model.sigma_t_s),
    };
    // Waves are picked better as the SNR rises; light keeps the row's σ.
    let pick = match model.modality {
        Modality::Acoustic | Modality::Seismic => {
            physics::pick_sigma_s(sigma_t_s, model.threshold_db, f64::from(d.snr_db))
        }
        _ => sigma_t_s,
    };
    Observation {
        x: model.x,
        y: model.y,
        t_s: d.t_s,
        sigma_t_s: pick.hypot(fixed_sigma_s),
        speed_mps,
        wind_mps: model.wind_mps,
        path_speed_sigma_mps,
        position_sigma_m: model.position_sigma_m,
        shared: model.shared,
        air: model.air,
        bearing,
        range: model.range_sigma_m.filter(|_| d.range_m.is_finite()).map(|(metres, share)| {
            let range = f64::from(d.range_m);
            (range, radar::range_sigma_m(metres, share, range.abs()))
        }),
    }
}
