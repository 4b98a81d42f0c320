//! EO/IR cameras (docs/design.md §3): resolvable cycles on target, atmospheric contrast loss,
//! and the Targeting Task Performance probability of a task (detection, recognition, …).
//! `shaders/pair.wgsl` evaluates the same laws in f32.

/// Koschmieder's constant: meteorological visibility V is where a black object's contrast
/// falls to 2 %, so the extinction coefficient is −ln 0.02 / V = 3.912 / V (WMO-No. 8, §9.1).
pub const KOSCHMIEDER: f64 = 3.912;

/// Cycles resolved across a target's critical dimension d_c at range R by a sensor of
/// instantaneous field of view IFOV (one cycle = two pixels): N = d_c / (2·R·IFOV).
pub fn cycles_on_target(critical_dimension_m: f64, range_m: f64, ifov_rad: f64) -> f64 {
    critical_dimension_m / (2.0 * range_m.max(1e-3) * ifov_rad)
}

/// Apparent contrast after a path of R through air of visibility V: C0·exp(−3.912·R/V).
pub fn apparent_contrast(inherent: f64, range_m: f64, visibility_m: f64) -> f64 {
    inherent * (-KOSCHMIEDER * range_m / visibility_m).exp()
}

/// The TTP task probability for N resolved cycles against the N50 of the task:
/// P = (N/N50)^E / (1 + (N/N50)^E), E = 1.51 + 0.24·N/N50 (Vollmerhausen & Jacobs, "The
/// Targeting Task Performance (TTP) Metric", NVESD technical report AMSEL-NV-TR-230, 2004).
pub fn ttp_probability(cycles: f64, n50: f64) -> f64 {
    if cycles <= 0.0 {
        return 0.0;
    }
    let ratio = cycles / n50;
    let e = 1.51 + 0.24 * ratio;
    // 1 / (1 + ratio^−E): the same value, without inf/inf when ratio^E overflows near the camera.
    1.0 / (1.0 + (-e * ratio.ln()).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttp_is_a_half_at_n50_and_rises_with_resolution() {
        assert!((ttp_probability(2.0, 2.0) - 0.5).abs() < 1e-12);
        // Twice the N50: E = 1.99, P = 2^1.99/(1 + 2^1.99) = 0.799; half of it: 0.244.
        assert!((ttp_probability(4.0, 2.0) - 0.7989).abs() < 1e-3);
        assert!((ttp_probability(1.0, 2.0) - 0.2440).abs() < 1e-3);
        assert!(ttp_probability(20.0, 2.0) > 0.99);
        assert_eq!(ttp_probability(0.0, 2.0), 0.0);
        assert_eq!(ttp_probability(5_000.0, 0.75), 1.0, "close to the camera, not NaN");
        // A 2.3 m vehicle at 2 km through a 0.1 mrad IFOV: 5.75 cycles.
        assert!((cycles_on_target(2.3, 2_000.0, 1e-4) - 5.75).abs() < 1e-12);
    }

    #[test]
    fn contrast_falls_to_two_percent_at_the_visibility() {
        assert!((apparent_contrast(1.0, 10_000.0, 10_000.0) - 0.02).abs() < 1e-4);
    }
}
