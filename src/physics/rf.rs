//! RF detectors of drone links (docs/design.md §3): log-distance path loss referred to free
//! space at 1 m, and the link budget against the detector's sensitivity. `shaders/pair.wgsl`
//! evaluates the same laws in f32.

/// Speed of light, m/s (exact, SI).
pub const SPEED_OF_LIGHT_MPS: f64 = 299_792_458.0;

/// Free-space path loss at distance d, dB: 20·log10(4π·d·f/c) (Friis, Proc. IRE 34, 1946).
pub fn free_space_loss_db(distance_m: f64, frequency_hz: f64) -> f64 {
    20.0 * (4.0 * std::f64::consts::PI * distance_m * frequency_hz / SPEED_OF_LIGHT_MPS).log10()
}

/// Log-distance path loss, dB: free space to 1 m, then 10·n·log10(d / 1 m) with exponent n
/// (2 in free space; ~2–3 with line of sight over ground, ~3–4 without: Rappaport, Wireless
/// Communications, 2nd ed., 2002, §4.9 and table 4.2).
pub fn log_distance_loss_db(distance_m: f64, frequency_hz: f64, exponent: f64) -> f64 {
    free_space_loss_db(1.0, frequency_hz) + 10.0 * exponent * distance_m.max(1.0).log10()
}

/// Received power, dBm, of a transmitter of EIRP (dBm) with a duty cycle (the fraction of time
/// it transmits; a detector integrating over its dwell sees the mean power).
pub fn received_dbm(eirp_dbm: f64, duty_cycle: f64, loss_db: f64) -> f64 {
    eirp_dbm + 10.0 * duty_cycle.clamp(1e-9, 1.0).log10() - loss_db
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponent_two_is_free_space_and_losses_grow_with_the_exponent() {
        for d in [10.0, 1_000.0, 25_000.0] {
            assert!((log_distance_loss_db(d, 2.4e9, 2.0) - free_space_loss_db(d, 2.4e9)).abs() < 1e-9);
            assert!(log_distance_loss_db(d, 2.4e9, 3.5) > log_distance_loss_db(d, 2.4e9, 2.0));
        }
        // 2.4 GHz at 1 km: 100.05 dB (the textbook 20·log10(d km) + 20·log10(f MHz) + 32.44).
        assert!((free_space_loss_db(1_000.0, 2.4e9) - (20.0 * 2400f64.log10() + 32.44)).abs() < 0.01);
        assert!((received_dbm(20.0, 0.5, 100.0) - (20.0 - 3.0103 - 100.0)).abs() < 1e-3);
    }
}
