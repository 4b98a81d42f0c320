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

/// Wavelength the meteorological visibility refers to, µm (the eye's peak; Kruse et al. 1962).
pub const VISIBLE_WAVELENGTH_UM: f64 = 0.55;
/// Centre of the long-wave infrared window thermal cameras image in (8–12 µm), µm.
pub const THERMAL_WAVELENGTH_UM: f64 = 10.0;

/// Extinction coefficient of haze and fog at a wavelength, 1/m, from the visibility:
/// σ = (3.912/V)·(λ/0.55 µm)^(−q), the Kruse relation (Kruse, McGlauchlin & McQuistan, *Elements
/// of Infrared Technology*, Wiley 1962) with the size-distribution exponent q of Kim, McArthur &
/// Korevaar (Proc. SPIE 4214, 2001): 1.6 above 50 km, 1.3 from 6 to 50 km, 0.16·V + 0.34 from 1
/// to 6 km, V − 0.5 from 0.5 to 1 km, 0 in fog below (V in km). Long waves pass haze far better
/// than light; fog stops both. Molecular absorption in the infrared window is left out.
pub fn extinction_per_m(visibility_m: f64, wavelength_um: f64) -> f64 {
    let v_km = visibility_m / 1000.0;
    let q = if v_km > 50.0 {
        1.6
    } else if v_km > 6.0 {
        1.3
    } else if v_km > 1.0 {
        0.16 * v_km + 0.34
    } else if v_km > 0.5 {
        v_km - 0.5
    } else {
        0.0
    };
    KOSCHMIEDER / visibility_m * (wavelength_um / VISIBLE_WAVELENGTH_UM).powf(-q)
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
    fn infrared_passes_haze_and_not_fog() {
        // Visible light: Koschmieder's 3.912/V whatever the visibility.
        assert!((extinction_per_m(10_000.0, VISIBLE_WAVELENGTH_UM) - 3.912e-4).abs() < 1e-12);
        // 10 µm in 10 km haze: (10/0.55)^−1.3 = 0.0232 of it.
        let haze = extinction_per_m(10_000.0, THERMAL_WAVELENGTH_UM) / 3.912e-4;
        assert!((haze - (10.0f64 / 0.55).powf(-1.3)).abs() < 1e-12, "{haze}");
        // Fog below 500 m: as opaque in the infrared as in the visible.
        assert_eq!(extinction_per_m(300.0, THERMAL_WAVELENGTH_UM), extinction_per_m(300.0, VISIBLE_WAVELENGTH_UM));
        // q is continuous at its breakpoints (6 km: 0.16·6 + 0.34 = 1.3; 1 km: 0.5).
        for v in [1_000.0, 6_000.0] {
            let (a, b) = (extinction_per_m(v * 0.999_999, 10.0), extinction_per_m(v * 1.000_001, 10.0));
            assert!((a / b - 1.0).abs() < 1e-4, "{v}: {a} {b}");
        }
    }

    #[test]
    fn contrast_falls_to_two_percent_at_the_visibility() {
        assert!((apparent_contrast(1.0, 10_000.0, 10_000.0) - 0.02).abs() < 1e-4);
    }
}
