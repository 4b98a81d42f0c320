//! Source levels of explosions from their TNT-equivalent mass.
//!
//! Acoustic: Kinney & Graham, *Explosive Shocks in Air*, 2nd ed. (1985), Table XI and eq. for
//! the positive-phase duration, give peak overpressure and duration at scaled distance
//! Z = R / W^(1/3). The detector integrates energy over a 1 s window, so the source level is the
//! sound exposure level of a Friedlander pulse, p(t) = ΔP·(1 − t/t₊)·e^(−t/t₊), whose energy is
//! ΔP²·t₊·(1 − e⁻²)/4, evaluated at a reference distance in the weak-shock regime and carried
//! back to 1 m by spherical spreading.
//!
//! Seismic: the USBM scaled-distance law PPV = K·(R/√W)^(−β) (Siskind et al., USBM RI 8507,
//! 1980; K = 1140 mm/s and β = 1.6 in metric units) gives the peak particle velocity of a
//! confined blast; `coupling_db` corrects it for a surface or shallow burst.

/// Sea-level standard pressure, ISO 2533:1975 (Pa).
pub const SEA_LEVEL_PRESSURE_PA: f64 = 101_325.0;
/// Reference sound pressure in air, ISO 1683:2015 (Pa).
pub const REFERENCE_SOUND_PRESSURE_PA: f64 = 20e-6;
/// Scaled distance (m/kg^(1/3)) where the blast has decayed to a weak shock: the peak
/// overpressure there is about 1.7 % of ambient (Kinney & Graham), so linear acoustics holds.
pub const WEAK_SHOCK_SCALED_DISTANCE: f64 = 50.0;
/// USBM RI 8507 site constant, metric (mm/s).
pub const USBM_K_MM_PER_S: f64 = 1140.0;
/// USBM RI 8507 decay exponent.
pub const USBM_BETA: f64 = 1.6;

/// Peak overpressure over ambient, ΔP/P0, Kinney & Graham (1985) eq. (6-2).
pub fn overpressure_ratio(scaled_distance: f64) -> f64 {
    let z = scaled_distance;
    808.0 * (1.0 + (z / 4.5).powi(2))
        / ((1.0 + (z / 0.048).powi(2)).sqrt() * (1.0 + (z / 0.32).powi(2)).sqrt() * (1.0 + (z / 1.35).powi(2)).sqrt())
}

/// Positive-phase duration per kg^(1/3), ms, Kinney & Graham (1985) eq. (6-6).
pub fn positive_phase_ms_per_cube_root_kg(scaled_distance: f64) -> f64 {
    let z = scaled_distance;
    980.0 * (1.0 + (z / 0.54).powi(10))
        / ((1.0 + (z / 0.02).powi(3)) * (1.0 + (z / 0.74).powi(6)) * (1.0 + (z / 6.9).powi(2)).sqrt())
}

/// Acoustic source level of a TNT-equivalent mass: sound exposure level at 1 m,
/// dB re (20 µPa)²·s.
pub fn acoustic_source_db(tnt_kg: f64) -> f64 {
    let cube_root = tnt_kg.cbrt();
    let range = WEAK_SHOCK_SCALED_DISTANCE * cube_root;
    let peak_pa = overpressure_ratio(WEAK_SHOCK_SCALED_DISTANCE) * SEA_LEVEL_PRESSURE_PA;
    let duration_s = positive_phase_ms_per_cube_root_kg(WEAK_SHOCK_SCALED_DISTANCE) * cube_root * 1e-3;
    let friedlander_energy = (1.0 - (-2.0f64).exp()) / 4.0;
    20.0 * (peak_pa / REFERENCE_SOUND_PRESSURE_PA).log10()
        + 10.0 * (friedlander_energy * duration_s).log10()
        + 20.0 * range.log10()
}

/// Peak sound pressure level less sound exposure level of the source's pulse, dB: the same
/// Friedlander pulse as `acoustic_source_db`, so Lpk = SEL − 10·lg((1 − e⁻²)/4 · t₊ / 1 s). The
/// model carries one pulse shape to every range (linear acoustics beyond the weak-shock
/// distance), so this converts any received exposure level of the source to its peak level.
pub fn peak_minus_exposure_db(tnt_kg: f64) -> f64 {
    let duration_s = positive_phase_ms_per_cube_root_kg(WEAK_SHOCK_SCALED_DISTANCE) * tnt_kg.cbrt() * 1e-3;
    let friedlander_energy = (1.0 - (-2.0f64).exp()) / 4.0;
    -10.0 * (friedlander_energy * duration_s).log10()
}

/// Dominant frequency of the blast pulse, Hz: the Friedlander spectrum peaks near 1/(2π t₊).
pub fn dominant_frequency_hz(tnt_kg: f64) -> f64 {
    let duration_s = positive_phase_ms_per_cube_root_kg(WEAK_SHOCK_SCALED_DISTANCE) * tnt_kg.cbrt() * 1e-3;
    1.0 / (std::f64::consts::TAU * duration_s)
}

/// Seismic source level at the 10 m reference distance, dB re 1 nm/s.
pub fn seismic_source_db(tnt_kg: f64, coupling_db: f64) -> f64 {
    let scaled = super::seismic::REFERENCE_DISTANCE_M / tnt_kg.sqrt();
    let ppv_nm_per_s = USBM_K_MM_PER_S * scaled.powf(-USBM_BETA) * 1e6;
    20.0 * ppv_nm_per_s.log10() + coupling_db
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overpressure_is_ten_atmospheres_at_unit_scaled_distance_and_acoustic_far_out() {
        // Kinney & Graham: about 10 atmospheres at Z = 1 m/kg^(1/3).
        assert!((overpressure_ratio(1.0) - 10.0).abs() < 0.5, "{}", overpressure_ratio(1.0));
        // Far out the blast is an acoustic wave: amplitude ∝ 1/R.
        let ratio = overpressure_ratio(400.0) / overpressure_ratio(200.0);
        assert!((ratio - 0.5).abs() < 0.01, "{ratio}");
        // Positive phase lengthens with distance toward its acoustic limit.
        assert!(positive_phase_ms_per_cube_root_kg(50.0) > positive_phase_ms_per_cube_root_kg(5.0));
    }

    #[test]
    fn source_level_grows_with_charge_by_cube_root_scaling() {
        // Energy ∝ t₊·R² ∝ W: +10·log10(8) ≈ 9.03 dB for eight times the charge.
        let delta = acoustic_source_db(8.0) - acoustic_source_db(1.0);
        assert!((delta - 10.0 * 8f64.log10()).abs() < 1e-9, "{delta}");
        assert!(dominant_frequency_hz(8.0) < dominant_frequency_hz(1.0));
    }

    #[test]
    fn peak_level_at_the_weak_shock_distance_is_kinney_and_grahams() {
        // Carried out to Z = 50 by spherical spreading, the exposure level less the pulse's
        // peak-to-exposure difference must give back K&G's peak overpressure there.
        for tnt in [0.2, 4.0, 250.0] {
            let range = WEAK_SHOCK_SCALED_DISTANCE * f64::cbrt(tnt);
            let sel = acoustic_source_db(tnt) - 20.0 * range.log10();
            let peak_pa = overpressure_ratio(WEAK_SHOCK_SCALED_DISTANCE) * SEA_LEVEL_PRESSURE_PA;
            let expected = 20.0 * (peak_pa / REFERENCE_SOUND_PRESSURE_PA).log10();
            assert!((sel + peak_minus_exposure_db(tnt) - expected).abs() < 1e-9, "{tnt} kg");
        }
    }

    #[test]
    fn seismic_level_follows_usbm_law() {
        // W = 100 kg: scaled distance 1 → PPV = 1140 mm/s = 1.14e9 nm/s → 181.14 dB.
        assert!((seismic_source_db(100.0, 0.0) - 181.138).abs() < 0.01);
    }
}
