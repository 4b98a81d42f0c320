//! False alarms: each sensor reports noise crossings at its stated rate, as a Poisson process.
//! O(sensors) work per block, so it runs on the CPU, from counter-seeded streams that make it
//! independent of thread order like everything else.

use crate::deploy::Sensor;
use crate::rng::{purpose, sub_seed};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, Poisson};

/// Mean excess of a false alarm's SNR over the threshold, dB. Noise crossings cluster just
/// above threshold because the noise tail falls off fast; 1 dB is an assumption.
pub const EXCESS_MEAN_DB: f64 = 1.0;

/// A false alarm: sensor, time, observed SNR, bearing (NaN if the sensor gives none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FalseAlarm {
    pub sensor_id: u32,
    pub t_s: f64,
    pub snr_db: f64,
    pub bearing_rad: f64,
}

/// The false alarms of every sensor in [t0, t1) of block `block`.
pub fn false_alarms(seed: u64, block: u32, t0: f64, t1: f64, sensors: &[Sensor]) -> Vec<FalseAlarm> {
    let mut out = Vec::new();
    let Ok(excess) = Exp::new(1.0 / EXCESS_MEAN_DB) else {
        return out;
    };
    for s in sensors {
        let expected = s.false_alarms_per_day * (t1 - t0) / 86_400.0;
        if expected <= 0.0 || expected.is_nan() || !s.active {
            continue;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(sub_seed(seed, purpose::FALSE_ALARMS ^ block, s.id));
        let Ok(poisson) = Poisson::new(expected) else {
            continue;
        };
        let n = poisson.sample(&mut rng) as u64;
        for _ in 0..n {
            let bearing = if s.bearing_sigma_rad > 0.0 {
                rng.random_range(-std::f64::consts::PI..std::f64::consts::PI)
            } else {
                f64::NAN
            };
            out.push(FalseAlarm {
                sensor_id: s.id,
                t_s: rng.random_range(t0..t1),
                snr_db: s.threshold_db + excess.sample(&mut rng),
                bearing_rad: bearing,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sensor(id: u32, rate: f64) -> Sensor {
        Sensor { false_alarms_per_day: rate, ..Sensor::test_acoustic(id) }
    }

    #[test]
    fn rate_matches_the_stated_one() {
        let sensors: Vec<Sensor> = (0..1000).map(|i| sensor(i, 24.0)).collect();
        let fa = false_alarms(9, 0, 0.0, 3600.0, &sensors);
        // 1000 sensors × 1 per hour: Poisson(1000), 5 σ ≈ 158.
        assert!((fa.len() as f64 - 1000.0).abs() < 158.0, "{}", fa.len());
        assert!(fa.iter().all(|f| f.snr_db >= 10.0 && (0.0..3600.0).contains(&f.t_s)));
        assert_eq!(fa, false_alarms(9, 0, 0.0, 3600.0, &sensors));
        assert_ne!(fa, false_alarms(10, 0, 0.0, 3600.0, &sensors));
    }
}
