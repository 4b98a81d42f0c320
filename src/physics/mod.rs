//! Signal propagation and source models, f64: the CPU reference of `shaders/propagation.wgsl`.
//!
//! The acoustic and seismic functions have WGSL twins of the same name and shape; the detection
//! tests hold the two together on random inputs. `radar`, `electro_optical` and `rf` are the
//! closed forms of the sight-line modalities (`shaders/pair.wgsl` evaluates them in f32).

pub mod acoustic;
pub mod electro_optical;
pub mod explosion;
pub mod radar;
pub mod rf;
pub mod seismic;
pub mod source;

use crate::scenario::Modality;

/// Largest range ever searched, m: beyond the curvature of the earth a flat plane is wrong.
pub const MAX_REACH_M: f64 = 2.0e6;

/// The bearing error of a sensor at an observed SNR: σθ·10^(−(SNR − threshold)/20), at least the
/// floor and at most π (the error of a bearing grows as the signal falls towards the threshold;
/// the exponent is capped at `BEARING_EXPONENT_MAX` so that f32 stays finite).
pub fn bearing_sigma_law(at_threshold_rad: f64, floor_rad: f64, threshold_db: f64, snr_db: f64) -> f64 {
    let growth = 10f64.powf((-(snr_db - threshold_db) / 20.0).min(BEARING_EXPONENT_MAX));
    (at_threshold_rad * growth).clamp(floor_rad, std::f64::consts::PI)
}

/// The bearing σ of a sensor of `modality` at an observed SNR: radars and cameras point to a
/// fraction of their beam or pixel whatever the signal (σ constant); acoustic arrays, geophone
/// arrays and RF direction finders follow [`bearing_sigma_law`].
pub fn bearing_sigma_rad(
    modality: Modality,
    at_threshold_rad: f64,
    floor_rad: f64,
    threshold_db: f64,
    snr_db: f64,
) -> f64 {
    match modality {
        Modality::Radar | Modality::EoIr => at_threshold_rad,
        _ => bearing_sigma_law(at_threshold_rad, floor_rad, threshold_db, snr_db),
    }
}

/// The speed a modality's signal travels at in still air, m/s: sound at the temperature,
/// Rayleigh waves at the ground's speed, light for the rest (arrival times of radars, cameras
/// and RF detectors carry no position information).
pub fn signal_speed_mps(modality: Modality, temperature_c: f64, rayleigh_speed_mps: f64) -> f64 {
    match modality {
        Modality::Acoustic => acoustic::sound_speed_mps(temperature_c),
        Modality::Seismic => rayleigh_speed_mps,
        Modality::Radar | Modality::EoIr | Modality::Rf => rf::SPEED_OF_LIGHT_MPS,
    }
}

/// Onset-time error of a wave arrival at an observed SNR, s: the row's σ at the threshold,
/// falling as 1/√SNR (the Cramér–Rao bound on a pulse's arrival time scales so) to a floor of
/// `PICK_FLOOR_FRACTION` of it; never above the σ at threshold.
pub fn pick_sigma_s(at_threshold_s: f64, threshold_db: f64, snr_db: f64) -> f64 {
    at_threshold_s * 10f64.powf(-(snr_db - threshold_db) / 20.0).clamp(PICK_FLOOR_FRACTION, 1.0)
}

/// Floor of the onset-time error, as a fraction of its σ at threshold (stated assumption: the
/// pulse's rise time and the sampling limit a pick however strong the signal).
pub const PICK_FLOOR_FRACTION: f64 = 0.1;

/// Cap of the bearing law's exponent (a factor of 10^8 over the σ at threshold).
pub const BEARING_EXPONENT_MAX: f64 = 8.0;

/// Standard normal cumulative distribution, Φ(x).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The x whose upper tail 1 − Φ(x) is `p` (0 < p < 1/2), by bisection on `erfc` to 1e-9 σ;
/// 0 for p ≥ 1/2 and 40 (beyond any f64 tail) for p ≤ 0.
pub fn upper_tail_sigmas(p: f64) -> f64 {
    if p >= 0.5 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0, 40.0);
    if p.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return hi;
    }
    while hi - lo > 1e-9 {
        let mid = 0.5 * (lo + hi);
        if 0.5 * erfc(mid / std::f64::consts::SQRT_2) > p { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// Complementary error function, Numerical Recipes 3rd ed. §6.2.2 (Chebyshev fit,
/// fractional error below 1.2e-7 everywhere).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t * (-z * z + erfc_fit(t)).exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// erfcx(z) = e^(z²)·erfc(z) for z ≥ 0, the same fit without its e^(−z²): finite where erfc
/// underflows.
pub fn erfcx(z: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.5 * z);
    t * erfc_fit(t).exp()
}

/// The Chebyshev polynomial of the fit, in t = 1/(1 + z/2).
fn erfc_fit(t: f64) -> f64 {
    -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_tails_match_table_values() {
        // 1e-6 → 4.753 σ (abi::reach::REACH_TAIL_SIGMAS), 1e-4 → 3.719, 1e-3 → 3.090.
        for (p, sigmas) in [(1e-6, 4.753), (1e-4, 3.719), (1e-3, 3.090), (0.5, 0.0)] {
            assert!((upper_tail_sigmas(p) - sigmas).abs() < 2e-3, "{p}: {}", upper_tail_sigmas(p));
        }
        assert_eq!(upper_tail_sigmas(0.0), 40.0);
    }

    #[test]
    fn normal_cdf_matches_table_values() {
        // Abramowitz & Stegun Table 26.1.
        for (x, p) in [(0.0, 0.5), (1.0, 0.841_344_7), (1.644_853_6, 0.95), (-2.0, 0.022_750_1)] {
            assert!((normal_cdf(x) - p).abs() < 1e-6, "Φ({x}) = {} not {p}", normal_cdf(x));
        }
    }
}
