//! The summary's 95 % intervals: Wilson's score interval for a rate pooled over the replicas,
//! a percentile bootstrap of the mean over replicas for everything else.

/// The standard normal quantile of 0.975: a two-sided 95 % interval.
pub const Z_95: f64 = 1.959_963_984_540_054;
/// Bootstrap resamples: a stated choice; the percentile interval's Monte Carlo error at 2,000
/// resamples is a few per cent of its width (Efron & Tibshirani, "An Introduction to the
/// Bootstrap", 1993, §19.3, recommend 1,000 or more for percentile intervals).
pub const BOOTSTRAP_RESAMPLES: usize = 2000;

/// Wilson's score interval for `successes` of `trials` (E. B. Wilson, JASA 22(158), 1927):
/// unlike the normal approximation it stays inside [0, 1] and is honest near 0 and 1, where
/// wrong-side rates live. NaN for no trials.
pub fn wilson_interval(successes: f64, trials: f64, z: f64) -> (f64, f64) {
    if trials.is_nan() || trials <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let p = successes / trials;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * trials)) / (1.0 + z2 / trials);
    let half = z / (1.0 + z2 / trials) * (p * (1.0 - p) / trials + z2 / (4.0 * trials * trials)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Mean of the finite values and its 95 % percentile-bootstrap interval over them (the
/// replicas are the independent units; NaN replicas, e.g. a CEP with nothing located, are left
/// out). With one value the interval is NaN: one replica says nothing about the spread.
pub fn bootstrap_mean_interval(values: &[f64], seed: u64) -> (f64, f64, f64) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let n = finite.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let mean = finite.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return (mean, f64::NAN, f64::NAN);
    }
    let mut means = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    for b in 0..BOOTSTRAP_RESAMPLES {
        let mut sum = 0.0;
        for k in 0..n {
            let h = crate::rng::pcg4d(crate::rng::key(seed, b as u32, k as u32, crate::rng::purpose::SWEEP_BOOTSTRAP));
            sum += finite[((u64::from(h[0]) * n as u64) >> 32) as usize];
        }
        means.push(sum / n as f64);
    }
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((q * BOOTSTRAP_RESAMPLES as f64) as usize).min(BOOTSTRAP_RESAMPLES - 1)];
    (mean, at(0.025), at(0.975))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe, Statistics in Medicine 17 (1998), Table II: 81/263 → 0.2553–0.3662 (method 3).
        let (lo, hi) = wilson_interval(81.0, 263.0, Z_95);
        assert!((lo - 0.2553).abs() < 5e-4 && (hi - 0.3662).abs() < 5e-4, "{lo} {hi}");
        // 0 of 10: the interval is [0, 0.2775] (same table, 0/10 → 0.0000–0.2775).
        let (lo, hi) = wilson_interval(0.0, 10.0, Z_95);
        assert!(lo == 0.0 && (hi - 0.2775).abs() < 5e-4, "{lo} {hi}");
        assert!(wilson_interval(0.0, 0.0, Z_95).0.is_nan());
    }

    #[test]
    fn bootstrap_interval_brackets_the_mean_and_narrows_with_more_replicas() {
        let few: Vec<f64> = (0..5).map(f64::from).collect();
        let many: Vec<f64> = (0..80).map(|i| f64::from(i % 5)).collect();
        let (m, lo, hi) = bootstrap_mean_interval(&few, 1);
        assert!((m - 2.0).abs() < 1e-12 && lo < m && m < hi, "{lo} {m} {hi}");
        let (m2, lo2, hi2) = bootstrap_mean_interval(&many, 1);
        assert!((m2 - 2.0).abs() < 1e-12 && hi2 - lo2 < 0.5 * (hi - lo), "{lo2} {hi2} vs {lo} {hi}");
        // The standard error of the mean of 80 draws from {0..4} is sqrt(2/80) = 0.158: the
        // 95 % interval is about ±0.31.
        assert!((hi2 - lo2 - 2.0 * 1.96 * (2.0f64 / 80.0).sqrt()).abs() < 0.08, "{lo2} {hi2}");
        let (m3, lo3, _) = bootstrap_mean_interval(&[f64::NAN, 3.0], 1);
        assert!(m3 == 3.0 && lo3.is_nan(), "one finite replica: no interval");
    }
}
