//! The weather the simulated world has at each event: the nominal `[environment]` (what the
//! forecast says, and all the verifier and the coverage maps know) plus a smooth random
//! departure that varies along the line and in time with the `[truth]` correlation scales
//! (docs/design.md §3). Sensors that hear one event share its weather, so its departure is the
//! part of their fluctuation they have in common.

use crate::physics::acoustic::{self, AirColumn};
use crate::rng;
use crate::scenario::{Environment, Truth};

/// The weather at one place and time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weather {
    pub temperature_c: f64,
    /// The 10 m wind as the vector the air moves towards, m/s (x east, y north of the plane).
    pub wind_to_mps: [f64; 2],
    /// Temperature gradient of the surface layer, K/m.
    pub surface_gradient_k_per_m: f64,
}

impl Weather {
    /// The forecast: the scenario's nominal weather, by day or night.
    pub fn nominal(env: &Environment, is_day: bool) -> Self {
        Self {
            temperature_c: env.temperature_c,
            wind_to_mps: acoustic::wind_to_mps(env.wind_speed_mps, env.wind_from_deg),
            surface_gradient_k_per_m: if is_day {
                env.temperature_gradient_day_k_per_m
            } else {
                env.temperature_gradient_night_k_per_m
            },
        }
    }

    pub fn wind_speed_mps(&self) -> f64 {
        self.wind_to_mps[0].hypot(self.wind_to_mps[1])
    }

    /// The air an acoustic path crosses in this weather.
    pub fn air(&self, env: &Environment) -> AirColumn {
        AirColumn {
            sound_speed_mps: acoustic::sound_speed_mps(self.temperature_c),
            temperature_k: self.temperature_c + acoustic::ZERO_CELSIUS_K,
            surface_gradient_k_per_m: self.surface_gradient_k_per_m,
            surface_layer_m: env.surface_layer_m,
            lapse_aloft_k_per_m: env.lapse_aloft_k_per_m,
            roughness_m: env.roughness_m,
            wind_speed_mps: self.wind_speed_mps(),
        }
    }

    /// The acoustic background a microphone hears in this weather: ambient plus wind noise.
    pub fn acoustic_noise_db(&self, env: &Environment, is_day: bool) -> f64 {
        let ambient = if is_day { env.acoustic_noise_day_db } else { env.acoustic_noise_night_db };
        acoustic::noise_with_wind_db(ambient, env.wind_noise_db, self.wind_speed_mps())
    }
}

/// σ of a sound path's own speed error as the coverage maps take it, m/s, independent from path
/// to path: the turbulence the truth draws per path, and the wind profile they do not model (a
/// path averages the wind of the layer it samples, which the 10 m reading only approximates:
/// `path_wind_factor_sigma`). The locator models the profile (`verify::observe`) and keeps the
/// turbulence alone.
pub fn path_speed_sigma_mps(env: &Environment, truth: &Truth) -> f64 {
    let profile = acoustic::path_wind_factor_sigma(env.roughness_m, env.surface_layer_m) * env.wind_speed_mps;
    truth.path_speed_sigma_mps.hypot(profile)
}

/// σ of the speed a sound path travels at as the verifier knows it, m/s, all of it taken as
/// the path's own: the forecast's wind error along the path (σ per component), its temperature
/// error through c ∝ √T, the footprint's variation, and the path's own (`path_speed_sigma_mps`). The coverage maps use it;
/// the locator keeps the shared part (one wind and temperature error per event) as parameters
/// of its own (docs/design.md §6).
pub fn acoustic_speed_sigma_mps(env: &Environment, truth: &Truth) -> f64 {
    let dc_dt = acoustic::sound_speed_mps(env.temperature_c) / (2.0 * (env.temperature_c + acoustic::ZERO_CELSIUS_K));
    (truth.wind_sigma_mps.powi(2)
        + (dc_dt * truth.temperature_sigma_c).powi(2)
        + truth.footprint_speed_sigma_mps.powi(2)
        + path_speed_sigma_mps(env, truth).powi(2))
    .sqrt()
}

/// Which departure a lattice knot draws (the hash's second word).
#[derive(Debug, Clone, Copy)]
enum Field {
    WindX = 1,
    WindY = 2,
    Temperature = 3,
    Gradient = 4,
}

/// The world's weather over the run: nominal plus departures, each a standard normal field on a
/// lattice of `correlation_km` along the line by `correlation_h` in time, interpolated
/// bilinearly between independent knots and rescaled to unit variance everywhere.
#[derive(Debug, Clone)]
pub struct WeatherField {
    seed: u64,
    env: Environment,
    truth: Truth,
}

impl WeatherField {
    pub fn new(env: &Environment, truth: &Truth, seed: u64) -> Self {
        Self { seed: rng::sub_seed(seed, rng::purpose::WEATHER, 0), env: env.clone(), truth: truth.clone() }
    }

    /// The weather at a chainage along the line and a time of the run.
    pub fn at(&self, chainage_km: f64, t_s: f64, is_day: bool) -> Weather {
        let nominal = Weather::nominal(&self.env, is_day);
        let t = &self.truth;
        let z = |field| self.departure(field, chainage_km, t_s);
        Weather {
            temperature_c: nominal.temperature_c + t.temperature_sigma_c * z(Field::Temperature),
            wind_to_mps: [
                nominal.wind_to_mps[0] + t.wind_sigma_mps * z(Field::WindX),
                nominal.wind_to_mps[1] + t.wind_sigma_mps * z(Field::WindY),
            ],
            surface_gradient_k_per_m: nominal.surface_gradient_k_per_m
                + t.temperature_gradient_sigma_k_per_m * z(Field::Gradient),
        }
    }

    /// A standard normal departure, continuous in chainage and time.
    fn departure(&self, field: Field, chainage_km: f64, t_s: f64) -> f64 {
        let u = chainage_km / self.truth.correlation_km;
        let v = t_s / (3600.0 * self.truth.correlation_h);
        let (i, j) = (u.floor(), v.floor());
        let (fu, fv) = (u - i, v - j);
        let knot = |di: f64, dj: f64| {
            // Knot indices wrap into u32: far beyond any line or run length.
            let h = rng::pcg4d(rng::key(self.seed, field as u32, (i + di) as i64 as u32, (j + dj) as i64 as u32));
            rng::box_muller(h[0], h[1]).0
        };
        let w = [(1.0 - fu) * (1.0 - fv), fu * (1.0 - fv), (1.0 - fu) * fv, fu * fv];
        let sum = w[0] * knot(0.0, 0.0) + w[1] * knot(1.0, 0.0) + w[2] * knot(0.0, 1.0) + w[3] * knot(1.0, 1.0);
        sum / w.iter().map(|x| x * x).sum::<f64>().sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departures_are_standard_normal_and_smooth() {
        let field = WeatherField::new(&Environment::default(), &Truth::default(), 42);
        let n = 20_000;
        let draws: Vec<f64> =
            (0..n).map(|k| field.departure(Field::WindX, 37.0 * k as f64, 5000.0 * k as f64)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.05 && (var - 1.0).abs() < 0.05, "mean {mean}, variance {var}");
        // Within a few km and minutes the field barely moves; across many correlation lengths it
        // is independent.
        let a = field.departure(Field::Temperature, 500.0, 36_000.0);
        let b = field.departure(Field::Temperature, 501.0, 36_060.0);
        assert!((a - b).abs() < 0.1, "{a} vs {b}");
    }

    #[test]
    fn zero_sigmas_give_the_nominal_weather() {
        let env = Environment::default();
        let truth = Truth {
            wind_sigma_mps: 0.0,
            temperature_sigma_c: 0.0,
            temperature_gradient_sigma_k_per_m: 0.0,
            ..Truth::default()
        };
        let field = WeatherField::new(&env, &truth, 7);
        assert_eq!(field.at(123.0, 4567.0, true), Weather::nominal(&env, true));
        assert_eq!(field.at(123.0, 4567.0, false), Weather::nominal(&env, false));
    }
}
