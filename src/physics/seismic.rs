//! Seismic surface-wave propagation: geometric spreading and anelastic attenuation.

/// Reference distance of seismic source levels (m).
pub const REFERENCE_DISTANCE_M: f64 = 10.0;
/// Geometric spreading exponent of surface (Rayleigh) waves: amplitude ∝ r^(−1/2)
/// (Aki & Richards, Quantitative Seismology, 2nd ed., §7.2).
pub const SURFACE_WAVE_SPREADING: f64 = 0.5;

/// Level at range r (dB re the source unit) of a source of level `source_db` at 10 m:
/// L = Ls − 20·n·log10(r/r0) − 8.686·π·f·(r − r0)/(Q·v). Inside r0 the level is Ls.
pub fn level_db(source_db: f64, range_m: f64, freq_hz: f64, quality_factor: f64, speed_mps: f64) -> f64 {
    let r = range_m.max(REFERENCE_DISTANCE_M);
    source_db
        - 20.0 * SURFACE_WAVE_SPREADING * (r / REFERENCE_DISTANCE_M).log10()
        - 8.686 * std::f64::consts::PI * freq_hz * (r - REFERENCE_DISTANCE_M) / (quality_factor * speed_mps)
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
}
