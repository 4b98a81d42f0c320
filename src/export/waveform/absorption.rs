//! Air absorption as a filter on a blast wave (docs/design.md §14).
//!
//! ISO 9613-1's pure-tone absorption α(f) grows about as f² below the molecular relaxation
//! frequencies, so over a path of r metres it is the Gaussian low-pass
//! |H(f)| = exp(−2π²σ²f²), σ² = (ln 10 / 20)·(α(f₀)/f₀²)·r / (2π²), with α fitted at the pulse's
//! dominant frequency f₀ (a stated approximation: exact where α ∝ f², and the phase of the
//! relaxation dispersion is left out). A Friedlander wave (1 − λτ)e^(−λτ) through it has the
//! closed form
//!
//!   F(τ) = J₀(τ)·(1 + λ²σ² − λτ) − λσ²·g(τ),
//!   J₀(τ) = ½·exp(−λτ + λ²σ²/2)·erfc((λσ² − τ)/(σ√2)),
//!
//! g the Gaussian of σ (J₀ is the exponential's convolution, F = J₀ + λ ∂J₀/∂λ). It is
//! evaluated through the scaled complementary error function, so neither factor overflows. The
//! kernel evaluates the same; each pulse's amplitude is divided by F's peak, so the filtered
//! pulse still peaks at its detection's SNR, a little after its pick.

use std::f64::consts::PI;

use crate::physics::erfcx;

/// The Gaussian low-pass's σ, s, for a path of `range_m` at a pulse's dominant frequency.
pub fn smoothing_s(freq_hz: f64, range_m: f64, environment: &crate::scenario::Environment) -> f64 {
    if !(freq_hz > 0.0 && range_m > 0.0) {
        return 0.0;
    }
    let alpha = crate::physics::acoustic::absorption_db_per_m(
        freq_hz,
        environment.temperature_c,
        environment.relative_humidity_pct,
        environment.pressure_kpa,
    );
    let variance = (10f64.ln() / 20.0) * alpha / (freq_hz * freq_hz) * range_m / (2.0 * PI * PI);
    if variance.is_finite() && variance > 0.0 { variance.sqrt() } else { 0.0 }
}

/// A Friedlander wave of positive-phase duration `period_s` through the Gaussian low-pass of
/// `sigma_s`, at τ after its arrival (unnormalised: the unfiltered wave peaks at 1).
pub fn friedlander_filtered(tau: f64, period_s: f64, sigma_s: f64) -> f64 {
    let lambda = 1.0 / period_s;
    if sigma_s <= 0.0 {
        return if tau < 0.0 { 0.0 } else { (1.0 - lambda * tau) * (-lambda * tau).exp() };
    }
    let s2 = sigma_s * sigma_s;
    let z = (lambda * s2 - tau) / (sigma_s * std::f64::consts::SQRT_2);
    let gauss = (-tau * tau / (2.0 * s2)).exp();
    let j0 = if z >= 0.0 {
        0.5 * gauss * erfcx(z)
    } else {
        0.5 * (-lambda * tau + 0.5 * lambda * lambda * s2).exp() * (2.0 - erfcx(-z) * (-z * z).exp())
    };
    let g = gauss / (sigma_s * (2.0 * PI).sqrt());
    j0 * (1.0 + lambda * lambda * s2 - lambda * tau) - lambda * s2 * g
}

/// The filtered wave's peak and when it comes after the arrival, s.
pub fn peak(period_s: f64, sigma_s: f64) -> (f64, f64) {
    if sigma_s <= 0.0 {
        return (1.0, 0.0);
    }
    // The peak lies within a few σ of the arrival: a fine grid, then a parabola through the best.
    let (from, to) = (-sigma_s, 4.0 * sigma_s + 0.5 * period_s);
    let steps = 200;
    let at = |k: usize| from + (to - from) * k as f64 / steps as f64;
    let best = (0..=steps)
        .map(|k| (k, friedlander_filtered(at(k), period_s, sigma_s)))
        .fold((0, f64::MIN), |b, (k, v)| if v > b.1 { (k, v) } else { b });
    let (k, value) = best;
    if k == 0 || k == steps {
        return (value, at(k));
    }
    let (a, b, c) =
        (friedlander_filtered(at(k - 1), period_s, sigma_s), value, friedlander_filtered(at(k + 1), period_s, sigma_s));
    let shift = 0.5 * (a - c) / (a - 2.0 * b + c);
    let step = (to - from) / steps as f64;
    (b - 0.25 * (a - c) * shift, at(k) + shift * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// erfc by direct quadrature of 2/√π ∫ e^(−t²) over [z, z + 12].
    fn erfc_by_quadrature(z: f64) -> f64 {
        let n = 200_000;
        let h = 12.0 / n as f64;
        let sum: f64 = (0..n).map(|i| (-(z + (i as f64 + 0.5) * h).powi(2)).exp()).sum();
        2.0 / PI.sqrt() * sum * h
    }

    #[test]
    fn erfcx_is_the_scaled_complementary_error_function() {
        for z in [0.0f64, 0.3, 1.0, 2.5, 5.0] {
            let want = (z * z).exp() * erfc_by_quadrature(z);
            assert!((erfcx(z) / want - 1.0).abs() < 1e-6, "z {z}: {} against {want}", erfcx(z));
        }
    }

    #[test]
    fn the_closed_form_is_the_convolution_and_tends_to_the_wave_as_sigma_vanishes() {
        let (period, sigma) = (0.01, 0.002);
        let g = |u: f64| (-u * u / (2.0 * sigma * sigma)).exp() / (sigma * (2.0 * PI).sqrt());
        for tau in [-0.004, -0.001, 0.0, 0.001, 0.003, 0.01, 0.03] {
            // Midpoint rule over the wave's support.
            let n = 40_000;
            let h = 0.2 / n as f64;
            let numeric: f64 = (0..n)
                .map(|i| {
                    let s = (i as f64 + 0.5) * h;
                    (1.0 - s / period) * (-s / period).exp() * g(tau - s)
                })
                .sum::<f64>()
                * h;
            let closed = friedlander_filtered(tau, period, sigma);
            assert!((closed - numeric).abs() < 1e-5, "τ {tau}: {closed} against {numeric}");
        }
        assert!((friedlander_filtered(0.004, period, 1e-7) - (1.0 - 0.4) * (-0.4f64).exp()).abs() < 1e-4);
        let (value, at) = peak(period, sigma);
        assert!(value < 1.0 && value > 0.5 && at > 0.0 && at < 3.0 * sigma, "peak {value} at {at}");
    }

    #[test]
    fn smoothing_grows_as_the_square_root_of_range() {
        let environment = crate::scenario::Environment::default();
        let near = smoothing_s(50.0, 1_000.0, &environment);
        let far = smoothing_s(50.0, 16_000.0, &environment);
        assert!(near > 0.0 && (far / near - 4.0).abs() < 1e-9, "{near} {far}");
    }
}
