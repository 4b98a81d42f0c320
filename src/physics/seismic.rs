//! Seismic propagation: the local surface wave of the near surface and, for large sources, the
//! regional crustal phase Lg (docs/design.md §3.2). A sensor picks whichever is the stronger.

/// Reference distance of the local surface wave's source level (m).
pub const REFERENCE_DISTANCE_M: f64 = 10.0;
/// Geometric spreading exponent of surface (Rayleigh) waves: amplitude ∝ r^(−1/2)
/// (Aki & Richards, Quantitative Seismology, 2nd ed., §7.2).
pub const SURFACE_WAVE_SPREADING: f64 = 0.5;

/// The distance local magnitude is anchored at, m: ML = log10 A + 3.0 at 100 km, A the
/// Wood–Anderson amplitude in mm (Richter 1935; Hutton & Boore, BSSA 77(6), 1987).
pub const LG_ANCHOR_M: f64 = 100_000.0;
/// Static magnification of the Wood–Anderson seismograph, Richter's 2800 (Anderson & Wood,
/// BSSA 15, 1925). The IASPEI standard's 2080 would lower every magnitude by 0.13.
pub const WOOD_ANDERSON_GAIN: f64 = 2800.0;
/// Distance where Lg's geometric spreading turns from spherical (r⁻¹) to cylindrical (r^−½),
/// m: ~200 km in the Fennoscandian craton (Kvamme, Hansen & Bungum, GJI 120, 1995), the
/// cratonic analogue taken for the East European craton under Ukraine.
pub const LG_CROSSOVER_M: f64 = 200_000.0;
/// Nearest distance the regional law is evaluated at, m: inside it the local wave dominates
/// every source the magnitude law covers.
pub const LG_NEAREST_M: f64 = 1_000.0;
/// Local magnitude of a 5 kg TNT surface explosion in northern Ukraine: the detection floor of
/// the Malyn array, "magnitudes < 0.1 (< 5 kg TNT)" (Brissaud et al., Sandia seminar, 4 May
/// 2023, on Dando et al., Nature 621, 2023). A conference figure, the only Ukrainian pairing
/// of magnitude and charge found; calibrate it with trials.
pub const MAGNITUDE_AT_ANCHOR_CHARGE: f64 = 0.1;
pub const ANCHOR_CHARGE_KG: f64 = 5.0;
/// Magnitude per decade of yield, 0.79 (Sykes, Phillips Laboratory PL-TR-92-2002, 1991:
/// mb = 4.48 + 0.79·log10 Y); taken for ML of small surface blasts.
pub const MAGNITUDE_PER_DECADE: f64 = 0.79;

/// Level at range r (dB re the source unit) of a source of level `source_db` at 10 m:
/// L = Ls − 20·n·log10(r/r0) − 8.686·π·f·(r − r0)/(Q·v). Inside r0 the level is Ls.
pub fn level_db(source_db: f64, range_m: f64, freq_hz: f64, quality_factor: f64, speed_mps: f64) -> f64 {
    let r = range_m.max(REFERENCE_DISTANCE_M);
    source_db
        - 20.0 * SURFACE_WAVE_SPREADING * (r / REFERENCE_DISTANCE_M).log10()
        - 8.686 * std::f64::consts::PI * freq_hz * (r - REFERENCE_DISTANCE_M) / (quality_factor * speed_mps)
}

/// Local magnitude of a surface explosion of `tnt_kg`: ML = 0.1 + 0.79·log10(W / 5 kg).
pub fn local_magnitude(tnt_kg: f64) -> f64 {
    MAGNITUDE_AT_ANCHOR_CHARGE + MAGNITUDE_PER_DECADE * (tnt_kg / ANCHOR_CHARGE_KG).log10()
}

/// Peak ground velocity of Lg at the 100 km anchor, dB re 1 nm/s, of a source of local
/// magnitude `ml` at frequency f: the Wood–Anderson amplitude 10^(ML − 3) mm, divided by the
/// instrument's gain (flat in displacement above its 1.25 Hz natural frequency), times 2πf.
pub fn lg_anchor_db(ml: f64, freq_hz: f64) -> f64 {
    let displacement_nm = 10f64.powf(ml - 3.0) / WOOD_ANDERSON_GAIN * 1e6;
    20.0 * (std::f64::consts::TAU * freq_hz * displacement_nm).log10()
}

/// Lg's quality factor at f: Q0·f^η (Kvamme et al. 1995: 440·f^0.7).
pub fn lg_quality(q0: f64, exponent: f64, freq_hz: f64) -> f64 {
    q0 * freq_hz.max(1e-3).powf(exponent)
}

/// Geometric spreading loss of Lg relative to the anchor, dB (a gain inside it): r⁻¹ out to the
/// crossover, r^−½ beyond.
pub fn lg_spreading_db(range_m: f64) -> f64 {
    let r = range_m.max(LG_NEAREST_M);
    let spherical = |to: f64| 20.0 * (to / LG_ANCHOR_M).log10();
    if r <= LG_CROSSOVER_M { spherical(r) } else { spherical(LG_CROSSOVER_M) + 10.0 * (r / LG_CROSSOVER_M).log10() }
}

/// Lg level at range r, dB re 1 nm/s, from its level at the 100 km anchor: the spreading and
/// the anelastic loss 8.686·π·f·(r − 100 km)/(Q(f)·U), a gain inside the anchor.
pub fn lg_level_db(anchor_db: f64, range_m: f64, freq_hz: f64, q0: f64, exponent: f64, speed_mps: f64) -> f64 {
    let r = range_m.max(LG_NEAREST_M);
    anchor_db
        - lg_spreading_db(r)
        - 8.686 * std::f64::consts::PI * freq_hz * (r - LG_ANCHOR_M) / (lg_quality(q0, exponent, freq_hz) * speed_mps)
}

/// The ground a seismic wave crosses: the near surface of the local wave and the crust of Lg.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ground {
    pub rayleigh_speed_mps: f64,
    pub surface_q: f64,
    pub lg_q0: f64,
    pub lg_q_exponent: f64,
    pub lg_speed_mps: f64,
}

/// The phase a seismic sensor picks; written to /detections (0 also for every other modality).
#[derive(Debug, Clone, Copy, PartialEq, Eq, hdf5::H5Type)]
#[repr(u8)]
pub enum Phase {
    /// Sound, light, the local surface wave: the signal's own direct path.
    Direct = 0,
    /// The regional crustal shear wave.
    Lg = 1,
}

/// What a seismic sensor receives of a source: its stronger phase, the level and the speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrival {
    pub level_db: f64,
    pub speed_mps: f64,
    pub phase: Phase,
}

impl Phase {
    /// The phase of a kernel's code (anything but Lg's is a direct path).
    pub fn from_code(code: u32) -> Self {
        if code == Self::Lg as u32 { Self::Lg } else { Self::Direct }
    }
}

/// The stronger of the local surface wave and Lg at range r (Lg travels ten times faster and
/// arrives first, so a sensor that hears it picks it).
pub fn stronger_phase(
    ground: &Ground,
    local_db: f64,
    local_freq_hz: f64,
    lg_anchor: Option<f64>,
    lg_freq_hz: f64,
    range_m: f64,
) -> Arrival {
    let local = level_db(local_db, range_m, local_freq_hz, ground.surface_q, ground.rayleigh_speed_mps);
    let direct = Arrival { level_db: local, speed_mps: ground.rayleigh_speed_mps, phase: Phase::Direct };
    let Some(anchor) = lg_anchor else { return direct };
    let lg = lg_level_db(anchor, range_m, lg_freq_hz, ground.lg_q0, ground.lg_q_exponent, ground.lg_speed_mps);
    if lg > local { Arrival { level_db: lg, speed_mps: ground.lg_speed_mps, phase: Phase::Lg } } else { direct }
}

/// σ of an onset pick at threshold, s: the row's, but no finer than half a period for the
/// emergent Lg onset (a stated assumption).
pub fn pick_at_threshold_s(row_sigma_s: f64, phase: Phase, lg_freq_hz: f64) -> f64 {
    match phase {
        Phase::Direct => row_sigma_s,
        Phase::Lg => row_sigma_s.max(0.5 / lg_freq_hz.max(1e-3)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossless_surface_waves_lose_3_db_per_doubling() {
        let near = level_db(100.0, 1000.0, 10.0, f64::INFINITY, 300.0);
        let far = level_db(100.0, 2000.0, 10.0, f64::INFINITY, 300.0);
        assert!((near - far - 3.0103).abs() < 1e-3);
    }

    #[test]
    fn anelastic_loss_is_linear_in_range() {
        // 10 Hz, Q = 20, v = 300 m/s: 8.686·π·10/6000 = 0.04548 dB/m.
        let spread_only = level_db(100.0, 1010.0, 0.0, 20.0, 300.0);
        let with_loss = level_db(100.0, 1010.0, 10.0, 20.0, 300.0);
        assert!((spread_only - with_loss - 45.48).abs() < 0.01);
    }

    #[test]
    fn a_magnitude_3_lg_is_one_wood_anderson_millimetre_at_100_km() {
        // 1 mm / 2800 = 357.1 nm; at f = 1/(2π) Hz the velocity is 357.1 nm/s: 51.06 dB.
        let db = lg_anchor_db(3.0, 1.0 / std::f64::consts::TAU);
        assert!((db - 20.0 * (1e6 / 2800.0f64).log10()).abs() < 1e-9, "{db}");
        assert!((local_magnitude(5.0) - 0.1).abs() < 1e-12);
        assert!((local_magnitude(500.0) - (0.1 + 2.0 * 0.79)).abs() < 1e-12);
    }

    #[test]
    fn lg_spreads_spherically_then_cylindrically_and_continuously() {
        let db = |r: f64| lg_spreading_db(r);
        assert!(db(LG_ANCHOR_M).abs() < 1e-12);
        assert!((db(50_000.0) - db(100_000.0) + 6.0206).abs() < 1e-3, "6 dB per doubling inside the crossover");
        assert!((db(800_000.0) - db(400_000.0) - 3.0103).abs() < 1e-3, "3 dB per doubling beyond it");
        assert!((db(LG_CROSSOVER_M * (1.0 + 1e-9)) - db(LG_CROSSOVER_M)).abs() < 1e-6, "no step at the crossover");
        // No anelastic loss at the anchor; Q = 440·8^0.7 = 1,886.4 at 8 Hz, U = 3.5 km/s:
        // 8.686·π·8·100 km / (1886.4·3500) = 3.3066 dB more from 100 to 200 km.
        let at = |r: f64| lg_level_db(50.0, r, 8.0, 440.0, 0.7, 3500.0);
        assert!((at(LG_ANCHOR_M) - 50.0).abs() < 1e-12);
        let anelastic = at(100_000.0) - at(200_000.0) - 6.0206;
        assert!((anelastic - 3.3066).abs() < 0.001, "{anelastic}");
    }

    #[test]
    fn a_heavy_blast_is_picked_on_its_local_wave_near_and_on_lg_far() {
        let ground = Ground {
            rayleigh_speed_mps: 300.0,
            surface_q: 20.0,
            lg_q0: 440.0,
            lg_q_exponent: 0.7,
            lg_speed_mps: 3500.0,
        };
        let local = crate::physics::explosion::seismic_source_db(500.0, -20.0);
        let lg = lg_anchor_db(local_magnitude(500.0), 8.0);
        let near = stronger_phase(&ground, local, 10.0, Some(lg), 8.0, 500.0);
        let far = stronger_phase(&ground, local, 10.0, Some(lg), 8.0, 20_000.0);
        assert_eq!(stronger_phase(&ground, local, 10.0, None, 8.0, 20_000.0).phase, Phase::Direct);
        assert_eq!((near.phase, far.phase), (Phase::Direct, Phase::Lg));
        assert_eq!(far.speed_mps, 3500.0);
        assert!(
            pick_at_threshold_s(0.005, Phase::Lg, 8.0) == 0.0625
                && pick_at_threshold_s(0.005, Phase::Direct, 8.0) == 0.005
        );
    }
}
