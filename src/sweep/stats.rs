//! The summary's 95 % intervals: for a rate pooled over the replicas, Wilson's score interval
//! widened to the replicas' bootstrap where they disagree more than counting explains; a
//! percentile bootstrap of the mean over replicas for everything else.

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

/// A rate pooled over replicas (Σ successes / Σ trials) and its 95 % interval: the union of
/// Wilson's interval on the pooled counts and a percentile bootstrap of the pooled rate over the
/// replicas. Wilson alone treats every event as independent, but the events of one replica
/// share its weather, sensor survey and clocks: measured on the smoke sweep at 4 m/s, the
/// artillery detection rate varies by 0.135 (standard deviation) between replicas, twice what
/// binomial counting gives, so Wilson's interval was half as wide as the replicas say. The
/// bootstrap over replicas carries that spread; Wilson keeps the interval honest where the
/// bootstrap cannot (no successes at all, a single replica).
pub fn pooled_rate_interval(successes: &[f64], trials: &[f64], seed: u64) -> (f64, f64, f64) {
    let (s, n) = (successes.iter().sum::<f64>(), trials.iter().sum::<f64>());
    let (w_low, w_high) = wilson_interval(s, n, Z_95);
    if n.is_nan() || n <= 0.0 {
        return (f64::NAN, w_low, w_high);
    }
    let k = successes.len();
    if k < 2 {
        return (s / n, w_low, w_high);
    }
    let mut rates = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    for b in 0..BOOTSTRAP_RESAMPLES {
        let (mut sb, mut nb) = (0.0, 0.0);
        for j in 0..k {
            let h = crate::rng::pcg4d(crate::rng::key(seed, b as u32, j as u32, crate::rng::purpose::SWEEP_BOOTSTRAP));
            let pick = ((u64::from(h[0]) * k as u64) >> 32) as usize;
            sb += successes[pick];
            nb += trials[pick];
        }
        if nb > 0.0 {
            rates.push(sb / nb);
        }
    }
    if rates.is_empty() {
        return (s / n, w_low, w_high);
    }
    rates.sort_by(f64::total_cmp);
    let at = |q: f64| rates[((q * rates.len() as f64) as usize).min(rates.len() - 1)];
    (s / n, w_low.min(at(0.025)), w_high.max(at(0.975)))
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
    fn a_pooled_rate_widens_to_the_replica_spread_only_when_the_replicas_disagree() {
        // Binomial replicas (every replica 50 of 100): the interval is Wilson's on 500 of 1000.
        let (p, lo, hi) = pooled_rate_interval(&[50.0; 10], &[100.0; 10], 3);
        let (w_lo, w_hi) = wilson_interval(500.0, 1000.0, Z_95);
        assert!(p == 0.5 && lo == w_lo && hi == w_hi, "{lo} {hi} vs {w_lo} {w_hi}");
        // Replicas at 10 % and 90 % (weather that decides the rate): Wilson on 10,000 events
        // says ±0.01; the replicas say the mean of ten such draws is uncertain by about
        // ±1.96 × 0.4 / √10 = ±0.25.
        let successes: Vec<f64> = (0..10).map(|i| if i % 2 == 0 { 100.0 } else { 900.0 }).collect();
        let (p, lo, hi) = pooled_rate_interval(&successes, &[1000.0; 10], 3);
        assert!(p == 0.5 && hi - lo > 0.3 && hi - lo < 0.6, "{lo} {hi}");
        // None seen: the bootstrap collapses to 0, Wilson keeps an upper bound.
        let (p, lo, hi) = pooled_rate_interval(&[0.0; 5], &[20.0; 5], 3);
        assert!(p == 0.0 && lo == 0.0 && (hi - wilson_interval(0.0, 100.0, Z_95).1).abs() < 1e-12);
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
