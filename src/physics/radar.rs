//! Radars (docs/design.md §3): the radar equation referred to a stated range, the single-pulse
//! detection probability of a Swerling 1 target, and the range error a radar reports with.
//! `shaders/pair.wgsl` evaluates the same laws in f32.

/// SNR at range r for a target of cross-section σ, dB, from the SNR the radar achieves at a
/// reference range on a reference cross-section: the radar equation's R⁻⁴ and σ¹ scaling
/// (Skolnik, Introduction to Radar Systems, 3rd ed., 2001, ch. 2).
pub fn snr_db(snr_ref_db: f64, range_ref_m: f64, range_m: f64, rcs_m2: f64, rcs_ref_m2: f64) -> f64 {
    snr_ref_db + 40.0 * (range_ref_m / range_m.max(1.0)).log10() + 10.0 * (rcs_m2 / rcs_ref_m2).log10()
}

/// σ of the ground range a radar reports at a ground range, m: its own σ plus, for a
/// counter-battery radar back-tracing a trajectory, a share of the range (CEP ∝ range).
pub fn range_sigma_m(own_sigma_m: f64, range_fraction: f64, ground_range_m: f64) -> f64 {
    own_sigma_m + range_fraction * ground_range_m
}

/// P(detect) of a Swerling 1 target (Rayleigh-fluctuating amplitude, slow fluctuation) by a
/// single-pulse square-law detector at false-alarm probability Pfa: Pfa^(1/(1+SNR)), SNR
/// linear (Swerling, IRE Trans. Information Theory IT-6, 1960; Skolnik 2001, §2.8).
pub fn swerling1_pd(snr_db: f64, pfa: f64) -> f64 {
    let snr = 10f64.powf(snr_db / 10.0);
    pfa.clamp(f64::MIN_POSITIVE, 1.0).powf(1.0 / (1.0 + snr))
}

/// How a radar knows a source moves (the kernels' `GpuEvent::motion`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Motion {
    /// No velocity modelled: taken to pass the Doppler notch.
    Unmodelled,
    /// Ground velocity, m/s.
    Known([f64; 2]),
    /// A speed, m/s, in a heading uniform over the circle.
    AnyHeading(f64),
}

/// The probability that a source's radial speed reaches a moving-target radar's minimum
/// detectable velocity, the edge of the Doppler notch that rejects the ground clutter (Skolnik
/// 2001, ch. 3: MTI and pulse-Doppler radar): 1 or 0 for a known velocity along the unit
/// line of sight `towards` (sensor → source); for a heading uniform over the circle,
/// P(|v·cos θ| ≥ MDV) = 1 − (2/π)·asin(MDV/v).
pub fn passes_notch(motion: Motion, towards: [f64; 2], mdv_mps: f64) -> f64 {
    if mdv_mps <= 0.0 {
        return 1.0;
    }
    match motion {
        Motion::Unmodelled => 1.0,
        Motion::Known(v) => f64::from(u8::from((v[0] * towards[0] + v[1] * towards[1]).abs() >= mdv_mps)),
        Motion::AnyHeading(speed) if speed <= mdv_mps => 0.0,
        Motion::AnyHeading(speed) => 1.0 - std::f64::consts::FRAC_2_PI * (mdv_mps / speed).asin(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, Normal};

    /// The closed form for a random heading against headings drawn uniformly, each passing or
    /// not by its known velocity.
    #[test]
    fn the_doppler_notch_passes_a_random_heading_as_the_arcsine_law() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let towards = [0.6, 0.8];
        for (speed, mdv) in [(1.25, 0.5), (10.0, 0.5), (0.4, 0.5), (3.0, 2.9)] {
            let n = 100_000;
            let passed: f64 = (0..n)
                .map(|_| {
                    let a = rng.random_range(0.0..std::f64::consts::TAU);
                    passes_notch(Motion::Known([speed * a.cos(), speed * a.sin()]), towards, mdv)
                })
                .sum();
            let closed = passes_notch(Motion::AnyHeading(speed), towards, mdv);
            assert!((passed / f64::from(n) - closed).abs() < 0.006, "{speed} m/s, MDV {mdv}: {passed} vs {closed}");
        }
        assert_eq!(passes_notch(Motion::Unmodelled, towards, 0.5), 1.0);
        assert_eq!(passes_notch(Motion::Known([0.0, 0.0]), towards, 0.0), 1.0, "no notch");
        // A walker at 1.25 m/s heading anywhere passes a 0.5 m/s notch 73.8 % of the time.
        assert!((passes_notch(Motion::AnyHeading(1.25), towards, 0.5) - 0.7380).abs() < 1e-4);
    }

    #[test]
    fn radar_equation_scales_as_r4_and_sigma() {
        assert!((snr_db(13.0, 10_000.0, 20_000.0, 1.0, 1.0) - (13.0 - 12.041)).abs() < 1e-3);
        assert!((snr_db(13.0, 10_000.0, 10_000.0, 10.0, 1.0) - 23.0).abs() < 1e-12);
    }

    /// The closed form against a Monte Carlo square-law detector: complex Gaussian noise of
    /// unit power, threshold −ln Pfa, a complex Gaussian (Swerling 1) target of power SNR.
    #[test]
    fn swerling1_matches_a_simulated_square_law_detector() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let unit = Normal::new(0.0, std::f64::consts::FRAC_1_SQRT_2).expect("normal");
        let pfa: f64 = 1e-3;
        let threshold = -pfa.ln();
        for snr_db_value in [0.0, 6.0, 13.0, 20.0] {
            let snr = 10f64.powf(snr_db_value / 10.0);
            let trials = 200_000;
            let hits = (0..trials)
                .filter(|_| {
                    let (nr, ni) = (unit.sample(&mut rng), unit.sample(&mut rng));
                    let (sr, si) = (snr.sqrt() * unit.sample(&mut rng), snr.sqrt() * unit.sample(&mut rng));
                    (nr + sr).powi(2) + (ni + si).powi(2) > threshold
                })
                .count();
            let simulated = hits as f64 / trials as f64;
            let closed = swerling1_pd(snr_db_value, pfa);
            // Binomial standard error at 200,000 trials is below 0.0012.
            assert!((simulated - closed).abs() < 0.005, "SNR {snr_db_value} dB: {simulated} vs {closed}");
        }
        assert!((swerling1_pd(-100.0, pfa) - pfa).abs() < 1e-12, "no signal: the false-alarm rate");
    }
}
