//! Outdoor sound propagation: ISO 9613-1 air absorption, ISO 9613-2 ground term, spherical
//! spreading, refraction through a layered atmosphere (a log wind profile over a surface layer
//! and a lapse aloft) with a turbulence-capped shadow, and wind noise (docs/design.md §3).

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

/// The wind as a vector the air moves towards, m/s (x east, y north of the plane), from a
/// meteorological "from" direction clockwise from grid north.
pub fn wind_to_mps(speed_mps: f64, from_deg: f64) -> [f64; 2] {
    let to = (from_deg + 180.0).to_radians();
    [speed_mps * to.sin(), speed_mps * to.cos()]
}

/// Speed of sound in still air, m/s (ideal gas: c ∝ √T).
pub fn sound_speed_mps(temp_c: f64) -> f64 {
    SOUND_SPEED_0C_MPS * (1.0 + temp_c / ZERO_CELSIUS_K).sqrt()
}

/// The air one acoustic path crosses: the weather at an event (the truth's own, or the nominal
/// forecast the verifier and the maps use) and the profile's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AirColumn {
    pub sound_speed_mps: f64,
    pub temperature_k: f64,
    /// Temperature gradient of the surface layer, K/m.
    pub surface_gradient_k_per_m: f64,
    /// Depth of that layer, m, and the gradient above it, K/m.
    pub surface_layer_m: f64,
    pub lapse_aloft_k_per_m: f64,
    /// Aerodynamic roughness length, m.
    pub roughness_m: f64,
    /// Speed of the 10 m wind, m/s.
    pub wind_speed_mps: f64,
}

/// Mean effective sound-speed gradient over the layer from the ground to `height_m`, 1/s, for a
/// path along which the 10 m wind blows at `wind_along_mps`.
///
/// Effective sound speed c(z) = c0 + b·ln(1 + z/z0) + (c0/2T)·ΔT(z): the log-lin profile of
/// outdoor-sound models (Salomons, *Computational Atmospheric Acoustics*, Kluwer 2001),
/// with b = u_along(10 m)/ln(1 + 10/z0) (the neutral log wind profile, Stull 1988 ch. 9) and a
/// temperature that changes at the surface layer's gradient up to its depth and at the lapse
/// aloft above it. The lapse aloft is taken no steeper than the surface's, so that the mean
/// gradient never rises with height for a downwind path (the reach bound relies on it).
pub fn layer_gradient_per_s(air: &AirColumn, wind_along_mps: f64, height_m: f64) -> f64 {
    let h = height_m.max(1e-3);
    let depth = air.surface_layer_m;
    let aloft = air.lapse_aloft_k_per_m.min(air.surface_gradient_k_per_m);
    let rise = air.surface_gradient_k_per_m * h.min(depth) + aloft * (h - depth).max(0.0);
    // Floored at 1 µm: a zero roughness (a record left at its default) must not give 0·∞.
    let z0 = air.roughness_m.max(MIN_ROUGHNESS_M);
    let b = wind_along_mps / (1.0 + WIND_REFERENCE_HEIGHT_M / z0).ln();
    air.sound_speed_mps / (2.0 * air.temperature_k) * rise / h + b * (1.0 + h / z0).ln() / h
}

/// Height a path of ground range r samples, m: the apex r²/(8R) of the circular ray joining its
/// ends in a linear profile of curvature radius R = c/|g| (rays in a linear profile are circular arcs; Embleton 1996), with |g| the
/// direction-free gradient scale |c/(2T)·dT/dz| + |u10|/10 m; at least the 10 m of the wind
/// reference. Independent of direction, so that the downwind path stays the most favourable.
pub fn path_height_m(air: &AirColumn, range_m: f64) -> f64 {
    (range_m * range_m * PathProfile::of(air).height_per_range2).max(WIND_REFERENCE_HEIGHT_M)
}

/// What `path_wind_factor` needs of the air, once: the height a path samples per range², the
/// top of the layer it may sample, the roughness and ln(1 + 10 m/z0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathProfile {
    pub height_per_range2: f64,
    pub top_m: f64,
    pub roughness_m: f64,
    pub log_reference: f64,
}

impl PathProfile {
    pub fn of(air: &AirColumn) -> Self {
        let scale = (air.sound_speed_mps / (2.0 * air.temperature_k) * air.surface_gradient_k_per_m).abs()
            + air.wind_speed_mps.abs() / WIND_REFERENCE_HEIGHT_M;
        let roughness_m = air.roughness_m.max(MIN_ROUGHNESS_M);
        Self {
            height_per_range2: scale / (8.0 * air.sound_speed_mps),
            top_m: air.surface_layer_m.max(WIND_REFERENCE_HEIGHT_M),
            roughness_m,
            log_reference: (1.0 + WIND_REFERENCE_HEIGHT_M / roughness_m).ln(),
        }
    }
}

/// Excess attenuation of refraction on a path of this range, dB: the shadow of the mean gradient
/// over the height the path samples. Downwind paths refract downwards near the source and meet
/// the lapse aloft farther out (the limit of a surface duct); up- and crosswind paths shadow
/// sooner; the change with direction is continuous.
pub fn refraction_db(
    air: &AirColumn,
    wind_along_mps: f64,
    range_m: f64,
    source_height_m: f64,
    sensor_height_m: f64,
    max_db: f64,
) -> f64 {
    let gradient = layer_gradient_per_s(air, wind_along_mps, path_height_m(air, range_m));
    shadow_attenuation_db(range_m, gradient, air.sound_speed_mps, source_height_m, sensor_height_m, max_db)
}

/// The wind a sound path travels in, as a multiple of the 10 m wind: the mean of the log profile
/// over the layer the path samples (`path_height_m`), no higher than the surface layer's top
/// (at least 10 m). Short paths near the ground travel in less wind than the 10 m reading, long
/// ones in more.
pub fn path_wind_factor(air: &AirColumn, range_m: f64) -> f64 {
    let p = PathProfile::of(air);
    let top = (range_m * range_m * p.height_per_range2).max(WIND_REFERENCE_HEIGHT_M).min(p.top_m);
    log_profile_mean(top, p.roughness_m) / p.log_reference
}

/// Mean of ln(1 + z/z0) over z in [0, h]: ((1 + x)·ln(1 + x) − x)/x with x = h/z0.
pub fn log_profile_mean(height_m: f64, roughness_m: f64) -> f64 {
    let x = height_m / roughness_m.max(MIN_ROUGHNESS_M);
    (1.0 + x) * (1.0 + x).ln() / x - 1.0
}

/// σ of `path_wind_factor` over the paths of one event, taken as spread evenly between its
/// values at the bottom (10 m) and the top of the surface layer: what a verifier that knows only
/// the 10 m wind must allow for.
pub fn path_wind_factor_sigma(roughness_m: f64, surface_layer_m: f64) -> f64 {
    let reference = (1.0 + WIND_REFERENCE_HEIGHT_M / roughness_m.max(MIN_ROUGHNESS_M)).ln();
    let top = surface_layer_m.max(WIND_REFERENCE_HEIGHT_M);
    (log_profile_mean(top, roughness_m) - log_profile_mean(WIND_REFERENCE_HEIGHT_M, roughness_m))
        / reference
        / 12f64.sqrt()
}

/// Least roughness length the profile uses, m (below any surface's; scenarios give ≥ 1e-5 m).
pub const MIN_ROUGHNESS_M: f64 = 1e-6;

/// Exponent of wind noise's pressure spectrum, f^(−7/3): the inertial subrange of turbulence
/// (Batchelor, "Pressure fluctuations in isotropic turbulence", Proc. Camb. Phil. Soc. 47,
/// 1951), carried past the microphone (Taylor's frozen turbulence, 1938).
pub const WIND_NOISE_EXPONENT: f64 = 7.0 / 3.0;

/// 10 m wind at which `Environment::wind_noise_db` is given, m/s.
pub const WIND_NOISE_REFERENCE_MPS: f64 = 5.0;

/// Background at a microphone, dB: the ambient plus wind noise that scales as 40·log10 of the
/// wind (pressure ∝ ρu², Strasberg 1988), added by power.
pub fn noise_with_wind_db(ambient_db: f64, wind_noise_db: f64, wind_speed_mps: f64) -> f64 {
    let wind = wind_noise_db + 40.0 * (wind_speed_mps.max(0.01) / WIND_NOISE_REFERENCE_MPS).log10();
    10.0 * (10f64.powf(ambient_db / 10.0) + 10f64.powf(wind / 10.0)).log10()
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

    /// The nominal air of the default scenario by day: 5 °C, the standard lapse, a 4 m/s wind.
    fn day_air() -> AirColumn {
        AirColumn {
            sound_speed_mps: sound_speed_mps(5.0),
            temperature_k: 278.15,
            surface_gradient_k_per_m: -0.0065,
            surface_layer_m: 100.0,
            lapse_aloft_k_per_m: -0.0065,
            roughness_m: 0.05,
            wind_speed_mps: 4.0,
        }
    }

    #[test]
    fn layer_gradient_is_the_temperature_term_in_calm_air_and_the_log_profile_in_wind() {
        let calm = AirColumn { wind_speed_mps: 0.0, ..day_air() };
        let c = calm.sound_speed_mps;
        let expected = c / (2.0 * 278.15) * -0.0065;
        for h in [5.0, 80.0, 2_000.0] {
            assert!((layer_gradient_per_s(&calm, 0.0, h) - expected).abs() < 1e-12, "h = {h}");
        }
        // Isothermal air, wind only: the mean gradient over [0, h] is (u(h) − u(0))/h with
        // u(z) = u10·ln(1 + z/z0)/ln(1 + 10/z0); at h = 10 m that is u10/10.
        let windy = AirColumn { surface_gradient_k_per_m: 0.0, lapse_aloft_k_per_m: 0.0, ..day_air() };
        assert!((layer_gradient_per_s(&windy, 4.0, 10.0) - 0.4).abs() < 1e-12);
        // Above a shallow inversion the lapse pulls the mean down.
        let night = AirColumn { surface_gradient_k_per_m: 0.02, ..calm };
        let above = layer_gradient_per_s(&night, 0.0, 300.0);
        let expected = c / (2.0 * 278.15) * (0.02 * 100.0 - 0.0065 * 200.0) / 300.0;
        assert!((above - expected).abs() < 1e-12);
    }

    /// From upwind through crosswind to downwind the attenuation changes without a jump: no
    /// straight edge in a coverage picture at crosswind.
    #[test]
    fn refraction_is_continuous_in_direction() {
        let air = day_air();
        for range in [500.0, 3_000.0, 8_000.0, 20_000.0] {
            let mut last = refraction_db(&air, -4.0, range, 1.5, 2.0, 20.0);
            for k in 1..=4000 {
                let along = -4.0 + 8.0 * f64::from(k) / 4000.0;
                let now = refraction_db(&air, along, range, 1.5, 2.0, 20.0);
                assert!(now <= last + 1e-9, "the attenuation rose towards downwind at {range} m");
                assert!((now - last).abs() < 0.5, "a {:.2} dB jump at {along:.3} m/s, {range} m", last - now);
                last = now;
            }
        }
    }

    /// A downwind duct by day is shallow: paths of a few km stay in it, paths of tens of km
    /// sample the lapse aloft and meet the turbulence-capped shadow; upwind shadows sooner.
    #[test]
    fn downwind_ducting_ends_where_paths_reach_the_lapse_aloft() {
        let air = day_air();
        assert_eq!(refraction_db(&air, 4.0, 2_000.0, 1.5, 2.0, 20.0), 0.0);
        assert_eq!(refraction_db(&air, 4.0, 40_000.0, 1.5, 2.0, 20.0), 20.0);
        assert!(refraction_db(&air, -4.0, 2_000.0, 1.5, 2.0, 20.0) > 10.0);
        // A night inversion carries sound farther downwind than the day's lapse does.
        let night = AirColumn { surface_gradient_k_per_m: 0.02, ..air };
        assert!(
            refraction_db(&night, 4.0, 4_000.0, 1.5, 2.0, 20.0) < refraction_db(&air, 4.0, 4_000.0, 1.5, 2.0, 20.0)
        );
    }

    #[test]
    fn paths_travel_in_the_mean_wind_of_the_layer_they_sample() {
        let air = day_air();
        let short = path_wind_factor(&air, 100.0);
        let long = path_wind_factor(&air, 30_000.0);
        // 10 m layer: mean of ln(1 + z/z0) is ((1 + 200)·ln 201 − 200)/200 over ln 201.
        let expected = ((201.0 * 201f64.ln() - 200.0) / 200.0) / 201f64.ln();
        assert!((short - expected).abs() < 1e-12, "{short} vs {expected}");
        assert!(short < 1.0 && long > 1.0 && long < 1.5, "{short} {long}");
        let sigma = path_wind_factor_sigma(air.roughness_m, air.surface_layer_m);
        assert!(((long - short) / 12f64.sqrt() - sigma).abs() < 1e-12);
    }

    #[test]
    fn wind_noise_adds_by_power_and_rises_twelve_db_per_doubling() {
        let at_reference = noise_with_wind_db(45.0, 55.0, WIND_NOISE_REFERENCE_MPS);
        assert!((at_reference - 10.0 * (10f64.powf(4.5) + 10f64.powf(5.5)).log10()).abs() < 1e-9);
        let (fast, faster) = (noise_with_wind_db(0.0, 55.0, 10.0), noise_with_wind_db(0.0, 55.0, 20.0));
        assert!((faster - fast - 40.0 * 2f64.log10()).abs() < 1e-6);
        // Calm air leaves the ambient.
        assert!((noise_with_wind_db(45.0, 55.0, 0.0) - 45.0).abs() < 1e-6);
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
