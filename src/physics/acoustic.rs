//! Outdoor sound propagation: ISO 9613-1 air absorption, ISO 9613-2 ground term, spherical
//! spreading and a refraction shadow term.

/// Reference atmospheric pressure, ISO 9613-1 §3 (kPa).
pub const REFERENCE_PRESSURE_KPA: f64 = 101.325;
/// Reference air temperature, ISO 9613-1 §3 (K).
pub const REFERENCE_TEMPERATURE_K: f64 = 293.15;
/// Triple-point isotherm temperature, ISO 9613-1 Annex B (K).
pub const TRIPLE_POINT_K: f64 = 273.16;
/// 0 °C in kelvin.
pub const ZERO_CELSIUS_K: f64 = 273.15;
/// Speed of sound in dry air at 0 °C, m/s (ISO 9613-1 Annex A uses 343.2 at 20 °C, the same
/// ideal-gas law).
pub const SOUND_SPEED_0C_MPS: f64 = 331.3;
/// Height of the standard wind measurement, WMO-No. 8 (2018) Vol. I §5.1.2 (m).
pub const WIND_REFERENCE_HEIGHT_M: f64 = 10.0;

/// Pure-tone atmospheric absorption coefficient in dB per metre, ISO 9613-1:1993 eqs. (3)–(5)
/// and Annex B (saturation vapour pressure), exact closed form.
pub fn absorption_db_per_m(freq_hz: f64, temp_c: f64, rh_pct: f64, pressure_kpa: f64) -> f64 {
    let t = temp_c + ZERO_CELSIUS_K;
    let pa = pressure_kpa / REFERENCE_PRESSURE_KPA;
    let exponent = -6.8346 * (TRIPLE_POINT_K / t).powf(1.261) + 4.6151;
    let h = rh_pct * 10f64.powf(exponent) / pa; // molar concentration of water vapour, %
    let tr = t / REFERENCE_TEMPERATURE_K;
    let fr_o = pa * (24.0 + 4.04e4 * h * (0.02 + h) / (0.391 + h));
    let fr_n = pa * tr.powf(-0.5) * (9.0 + 280.0 * h * (-4.170 * (tr.powf(-1.0 / 3.0) - 1.0)).exp());
    let f2 = freq_hz * freq_hz;
    8.686
        * f2
        * (1.84e-11 / pa * tr.sqrt()
            + tr.powf(-2.5)
                * (0.01275 * (-2239.1 / t).exp() / (fr_o + f2 / fr_o)
                    + 0.1068 * (-3352.0 / t).exp() / (fr_n + f2 / fr_n)))
}

/// Ground attenuation for A-weighted levels over porous ground, ISO 9613-2:1996 eq. (10):
/// A_gr = 4.8 − (2 h_m / d)(17 + 300 / d) ≥ 0, with h_m the mean height of the path.
pub fn ground_attenuation_db(range_m: f64, source_height_m: f64, sensor_height_m: f64) -> f64 {
    let mean_height = 0.5 * (source_height_m + sensor_height_m);
    (4.8 - (2.0 * mean_height / range_m) * (17.0 + 300.0 / range_m)).max(0.0)
}

/// Speed of sound in still air, m/s (ideal gas: c ∝ √T).
/// The wind as a vector the air moves towards, m/s (x east, y north of the plane), from a
/// meteorological "from" direction clockwise from grid north.
pub fn wind_to_mps(speed_mps: f64, from_deg: f64) -> [f64; 2] {
    let to = (from_deg + 180.0).to_radians();
    [speed_mps * to.sin(), speed_mps * to.cos()]
}

pub fn sound_speed_mps(temp_c: f64) -> f64 {
    SOUND_SPEED_0C_MPS * (1.0 + temp_c / ZERO_CELSIUS_K).sqrt()
}

/// Effective vertical gradient of sound speed, 1/s: temperature part c/(2T)·dT/dz plus the
/// wind component along the path, taking a linear profile from 0 at the ground to the
/// reported wind at the standard 10 m height.
pub fn effective_gradient_per_s(temp_c: f64, dtdz_k_per_m: f64, wind_along_path_mps: f64) -> f64 {
    let c = sound_speed_mps(temp_c);
    c / (2.0 * (temp_c + ZERO_CELSIUS_K)) * dtdz_k_per_m + wind_along_path_mps / WIND_REFERENCE_HEIGHT_M
}

/// Excess attenuation of the upward-refraction shadow zone (upwind, or a daytime lapse).
///
/// For a linear sound-speed gradient a < 0 the shadow begins at
/// r_s = √(2c/|a|)·(√h_s + √h_r) (Embleton, "Tutorial on sound propagation outdoors",
/// JASA 100(1), 1996, eq. 14). The attenuation ramps linearly from 0 at r_s to `max_db` at 2 r_s,
/// where turbulent scattering caps it (Embleton 1996 §V reports 20–30 dB).
pub fn shadow_attenuation_db(
    range_m: f64,
    gradient_per_s: f64,
    sound_speed_mps: f64,
    source_height_m: f64,
    sensor_height_m: f64,
    max_db: f64,
) -> f64 {
    if gradient_per_s >= 0.0 {
        return 0.0;
    }
    let onset = (2.0 * sound_speed_mps / -gradient_per_s).sqrt()
        * (source_height_m.max(0.0).sqrt() + sensor_height_m.max(0.0).sqrt());
    if onset <= 0.0 {
        return max_db;
    }
    max_db * ((range_m - onset) / onset).clamp(0.0, 1.0)
}

/// Spherical spreading loss re 1 m, dB.
pub fn spreading_db(range_m: f64) -> f64 {
    20.0 * range_m.max(1.0).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact mid-band frequencies of the octave bands 63 Hz … 8 kHz (IEC 61260-1, base 10).
    fn octave_mid_hz() -> [f64; 8] {
        std::array::from_fn(|i| 1000.0 * 10f64.powf(0.3 * (i as f64 - 4.0)))
    }

    /// ISO 9613-2:1996 Table 2: α in dB/km at 63 … 8000 Hz for each (°C, % RH) it lists.
    const ISO_9613_2_TABLE_2: [(f64, f64, [f64; 8]); 6] = [
        (10.0, 70.0, [0.1, 0.4, 1.0, 1.9, 3.7, 9.7, 32.8, 117.0]),
        (20.0, 70.0, [0.1, 0.3, 1.1, 2.8, 5.0, 9.0, 22.9, 76.6]),
        (30.0, 70.0, [0.1, 0.3, 1.0, 3.1, 7.4, 12.7, 23.1, 59.3]),
        (15.0, 20.0, [0.3, 0.6, 1.2, 2.7, 8.2, 28.2, 88.8, 202.0]),
        (15.0, 50.0, [0.1, 0.5, 1.2, 2.2, 4.2, 10.8, 36.2, 129.0]),
        (15.0, 80.0, [0.1, 0.3, 1.1, 2.4, 4.2, 8.3, 23.7, 82.8]),
    ];

    #[test]
    fn absorption_matches_iso_9613_2_table_2_within_its_rounding() {
        for (temp, rh, row) in ISO_9613_2_TABLE_2 {
            for (f, table) in octave_mid_hz().into_iter().zip(row) {
                let computed = absorption_db_per_m(f, temp, rh, REFERENCE_PRESSURE_KPA) * 1000.0;
                // The table prints one decimal below 100 dB/km and whole numbers above.
                let half_unit = if table >= 100.0 { 0.5 } else { 0.05 };
                assert!(
                    (computed - table).abs() <= half_unit + 1e-9,
                    "{temp} °C {rh} % {f:.0} Hz: {computed:.3} dB/km vs table {table}"
                );
            }
        }
    }

    #[test]
    fn spherical_spreading_loses_six_db_per_doubling() {
        assert!((spreading_db(2000.0) - spreading_db(1000.0) - 6.0206).abs() < 1e-3);
        assert_eq!(spreading_db(1.0), 0.0);
    }

    #[test]
    fn ground_term_saturates_at_4_8_db_and_vanishes_near_high_sensors() {
        assert!((ground_attenuation_db(1e7, 1.0, 2.0) - 4.8).abs() < 1e-3);
        assert_eq!(ground_attenuation_db(10.0, 5.0, 5.0), 0.0);
    }

    #[test]
    fn sound_speed_at_20c_is_343() {
        assert!((sound_speed_mps(20.0) - 343.2).abs() < 0.1);
    }

    #[test]
    fn shadow_only_under_upward_refraction() {
        assert_eq!(shadow_attenuation_db(5e4, 0.01, 340.0, 1.0, 2.0, 20.0), 0.0);
        let a = -0.0058;
        let onset = (2.0 * 340.0 / 0.0058f64).sqrt() * (1.0 + 2f64.sqrt());
        assert_eq!(shadow_attenuation_db(0.99 * onset, a, 340.0, 1.0, 2.0, 20.0), 0.0);
        assert!((shadow_attenuation_db(1.5 * onset, a, 340.0, 1.0, 2.0, 20.0) - 10.0).abs() < 1e-9);
        assert_eq!(shadow_attenuation_db(10.0 * onset, a, 340.0, 1.0, 2.0, 20.0), 20.0);
    }
}
