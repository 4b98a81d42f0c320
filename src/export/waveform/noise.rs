//! The background a waveform sits in (docs/design.md §14). At a geophone, white. At a
//! microphone, the ambient (white over the band) plus wind noise, whose pressure spectrum in the
//! inertial subrange of turbulence falls as f^(−7/3) (Batchelor, "Pressure fluctuations in
//! isotropic turbulence", Proc. Camb. Phil. Soc. 47, 1951; frozen turbulence carried past the
//! microphone, Taylor 1938), mixed by their powers in the scenario's nominal weather: the same
//! levels the detection model adds (`physics::acoustic::noise_with_wind_db`). Total σ stays 1.
//!
//! The red part is a sum of octaves: octave j holds unit normals at every 2^j-th absolute sample,
//! joined linearly (and rescaled so the variance does not dip between knots), weighted so its
//! power density at f_s/2^(j+1) goes as f^(−7/3). Drawn per channel and absolute sample, it is
//! the same wherever windows of one channel overlap, as the white part is.

use crate::rng;

pub use crate::physics::acoustic::WIND_NOISE_EXPONENT;
/// The red part's octaves reach down to about this frequency, Hz (stated: the slowest wind
/// gusts a window of seconds can show; below it the spectrum is flat).
pub const RED_LOWEST_HZ: f64 = 1.0;
/// Octaves at most, whatever the rate.
pub const MAX_RED_OCTAVES: u32 = 20;

/// Octaves of the red part at a sample rate: from 2 samples up to about 1/`RED_LOWEST_HZ`.
pub fn red_octaves(rate_hz: f64) -> u32 {
    let octaves = (rate_hz / RED_LOWEST_HZ).log2().floor() - 1.0;
    if octaves.is_finite() { octaves.clamp(0.0, f64::from(MAX_RED_OCTAVES)) as u32 } else { 0 }
}

/// Octave j's weight before normalisation: 2^(j(β−1)/2), so its power density ∝ f^(−β).
pub fn octave_weight(j: u32) -> f64 {
    (f64::from(j) * (WIND_NOISE_EXPONENT - 1.0) / 2.0).exp2()
}

/// 1/√(Σ weights²): the red part's σ is 1.
pub fn red_norm(octaves: u32) -> f64 {
    let power: f64 = (1..=octaves).map(|j| octave_weight(j).powi(2)).sum();
    if power > 0.0 { 1.0 / power.sqrt() } else { 0.0 }
}

/// The stream word of octave j's knots.
pub fn octave_stream(j: u32) -> u32 {
    rng::stream::WIND_NOISE ^ (j << 8)
}

/// The red part at absolute sample `n` of a channel (the f64 twin of the kernel's).
pub fn red(seed: u64, channel: u32, n: u32, octaves: u32, norm: f64) -> f64 {
    let mut sum = 0.0;
    for j in 1..=octaves {
        let m = n >> j;
        let t = f64::from(n & ((1u32 << j) - 1)) / f64::from(1u32 << j);
        let knot = |k: u32| {
            let h = rng::pcg4d(rng::key(seed, channel, k, octave_stream(j)));
            rng::box_muller(h[0], h[1]).0
        };
        let joined = ((1.0 - t) * knot(m) + t * knot(m.wrapping_add(1))) / ((1.0 - t).powi(2) + t * t).sqrt();
        sum += octave_weight(j) * joined;
    }
    norm * sum
}

/// The share of a microphone's noise power that is wind noise, at scenario time `t_s` and a
/// longitude, in the scenario's nominal weather.
pub fn wind_share(environment: &crate::scenario::Environment, day: bool) -> f64 {
    let ambient_db = if day { environment.acoustic_noise_day_db } else { environment.acoustic_noise_night_db };
    let total_db =
        crate::physics::acoustic::noise_with_wind_db(ambient_db, environment.wind_noise_db, environment.wind_speed_mps);
    let wind_db =
        crate::physics::acoustic::noise_with_wind_db(-1e9, environment.wind_noise_db, environment.wind_speed_mps);
    10f64.powf((wind_db - total_db) / 10.0).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octaves_reach_down_to_about_one_hertz_and_the_red_part_has_unit_variance() {
        assert_eq!(red_octaves(1000.0), 8);
        assert_eq!(red_octaves(0.5), 0);
        let octaves = red_octaves(1000.0);
        let norm = red_norm(octaves);
        let n = 200_000u32;
        let values: Vec<f64> = (0..n).map(|i| red(7, 3, i * 37, octaves, norm)).collect();
        let mean = values.iter().sum::<f64>() / f64::from(n);
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / f64::from(n);
        assert!((variance - 1.0).abs() < 0.05, "variance {variance}");
    }

    #[test]
    fn wind_takes_the_share_its_level_has_over_the_ambient() {
        let mut environment = crate::scenario::Environment {
            acoustic_noise_day_db: 45.0,
            wind_noise_db: 55.0,
            wind_speed_mps: crate::physics::acoustic::WIND_NOISE_REFERENCE_MPS,
            ..Default::default()
        };
        assert!((wind_share(&environment, true) - 10.0 / 11.0).abs() < 1e-9);
        environment.wind_speed_mps = 0.0;
        assert!(wind_share(&environment, true) < 1e-6);
    }
}
