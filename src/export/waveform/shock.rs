//! A supersonic bullet's shock wave (docs/design.md §14): the N-wave a microphone near the line
//! of fire hears ahead of the muzzle blast. The detection model does not report it (the muzzle
//! blast is the detection); the waveform carries it as the physics does.
//!
//! Each small-arms event fires one round from its position towards the line of contact (the
//! nearest point of the line, turned by a uniform draw within ±`AIM_SPREAD_DEG`), at a constant
//! speed over its supersonic range. A microphone at distance b from the trajectory hears the
//! Mach cone (sin θ = c/v) emitted where the bullet was at s = a − b·tan θ (a: the microphone's
//! place along the trajectory), if that lies within the supersonic range, at
//! t = t₀ + s/v + b/(c·cos θ), the earliest of all paths, so never after the muzzle blast;
//! where the microphone picked the blast, the shock is placed that much ahead of the pick. The
//! N-wave's peak and duration are Whitham's far field with the constants Maher gives
//! ("Acoustical characterization of gunshots", IEEE SAFE 2007, after Whitham 1952 and
//! Stoughton 1997):
//!   Δp = 0.53·p₀·(M² − 1)^(1/8)·d / (b^(3/4)·l^(1/4)),   T = 1.82·M·b^(1/4)·d / (c·(M² − 1)^(3/8)·l^(1/4)),
//! and its level against the microphone's noise (the detection model's ambient plus wind, in
//! the nominal weather) gives its amplitude in noise σ. Absorption and the ground's reflection
//! of the N-wave are not modelled.

use crate::export::source::Source;
use std::collections::HashMap;

/// The round (stated: 7.62×39 mm M43 ball, the most common rifle round on both sides): muzzle
/// speed, m/s (the cartridge's nominal), diameter and length, m.
pub const MUZZLE_SPEED_MPS: f64 = 715.0;
pub const BULLET_DIAMETER_M: f64 = 7.62e-3;
pub const BULLET_LENGTH_M: f64 = 26.8e-3;
/// How far the round stays supersonic, m (stated: it falls below Mach 1 at about this range;
/// the speed is held constant up to it).
pub const SUPERSONIC_RANGE_M: f64 = 500.0;
/// The line of fire's spread about the direction to the line, degrees either side (stated).
pub const AIM_SPREAD_DEG: f64 = 20.0;
/// A shock below this many noise σ is left out (it would not show in the waveform).
const MIN_PEAK_SIGMA: f64 = 0.05;
/// Reference sound pressure, Pa (dB re 20 µPa).
const REFERENCE_PRESSURE_PA: f64 = 20e-6;

/// One shock wave at one microphone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shock {
    /// Arrival in the sensor's clock, scenario s.
    pub t_s: f64,
    /// The N-wave's peak in units of the noise σ, and its duration, s.
    pub peak_sigma: f64,
    pub duration_s: f64,
    /// Where on the trajectory it was emitted (plane, m): array elements hear it from there.
    pub from: [f64; 2],
    pub event_id: u32,
}

/// The Mach cone's geometry at a microphone: when the shock arrives after the shot, its miss
/// distance, and where it was emitted; None when the microphone is outside the cone's reach.
pub fn arrival(
    muzzle: [f64; 2],
    direction: [f64; 2],
    microphone: [f64; 2],
    speed_mps: f64,
    sound_mps: f64,
) -> Option<(f64, f64, [f64; 2])> {
    if speed_mps <= sound_mps {
        return None;
    }
    let r = [microphone[0] - muzzle[0], microphone[1] - muzzle[1]];
    let along = r[0] * direction[0] + r[1] * direction[1];
    let miss = (r[0] * direction[1] - r[1] * direction[0]).abs();
    let sin = sound_mps / speed_mps;
    let cos = (1.0 - sin * sin).sqrt();
    let emitted = along - miss * sin / cos;
    if !(0.0..=SUPERSONIC_RANGE_M).contains(&emitted) || miss < BULLET_LENGTH_M {
        return None;
    }
    let delay = emitted / speed_mps + miss / (sound_mps * cos);
    Some((delay, miss, [muzzle[0] + emitted * direction[0], muzzle[1] + emitted * direction[1]]))
}

/// Whitham's N-wave at miss distance `miss_m`: peak overpressure, Pa, and duration, s.
pub fn n_wave(miss_m: f64, mach: f64, pressure_pa: f64, sound_mps: f64) -> (f64, f64) {
    let m2 = mach * mach - 1.0;
    let (d, l) = (BULLET_DIAMETER_M, BULLET_LENGTH_M);
    let peak = 0.53 * pressure_pa * m2.powf(0.125) * d / (miss_m.powf(0.75) * l.powf(0.25));
    let duration = 1.82 * mach * miss_m.powf(0.25) * d / (sound_mps * m2.powf(0.375) * l.powf(0.25));
    (peak, duration)
}

/// The nearest point of a polyline to `p`.
fn nearest_on_line(line: &[[f64; 2]], p: [f64; 2]) -> Option<[f64; 2]> {
    let mut best: Option<([f64; 2], f64)> = None;
    for pair in line.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let ab = [b[0] - a[0], b[1] - a[1]];
        let length2 = ab[0] * ab[0] + ab[1] * ab[1];
        let t = if length2 > 0.0 {
            (((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / length2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let q = [a[0] + t * ab[0], a[1] + t * ab[1]];
        let d2 = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2);
        if best.is_none_or(|(_, b)| d2 < b) {
            best = Some((q, d2));
        }
    }
    best.map(|(q, _)| q)
}

/// Every shock wave at every microphone, by sensor id, in time order.
pub fn shocks(source: &Source) -> HashMap<u32, Vec<Shock>> {
    let env = &source.environment;
    let sound = source.sound_speed_mps;
    let mach = MUZZLE_SPEED_MPS / sound;
    let pressure_pa = env.pressure_kpa * 1000.0;
    let microphones: Vec<_> =
        source.sensors.iter().filter(|s| s.modality == crate::scenario::Modality::Acoustic).collect();
    // Where a microphone picked the shot's muzzle blast, the shock is placed against that pick
    // (the world's sound speed and the pick's error included), by the nominal lead the cone has
    // over the blast: the waveform then agrees with the picks.
    let picked: HashMap<(i64, u32), f64> = source
        .detections
        .iter()
        .filter(|d| d.modality == crate::scenario::Modality::Acoustic && d.event_id >= 0)
        .map(|d| ((d.event_id, d.sensor_id), d.t_s))
        .collect();
    let mut out: HashMap<u32, Vec<Shock>> = HashMap::new();
    for event in source.events.iter().filter(|e| e.kind == crate::events::EventKind::Fire) {
        let muzzle = [event.x, event.y];
        let Some(target) = nearest_on_line(&source.line_xy, muzzle) else { continue };
        let to_line = [target[0] - muzzle[0], target[1] - muzzle[1]];
        let distance = to_line[0].hypot(to_line[1]);
        if distance < 1.0 {
            continue;
        }
        let key = crate::rng::key(source.seed, event.id, 0, crate::rng::stream::SHOCK);
        let turn = (2.0 * crate::rng::unit_open0(crate::rng::pcg4d(key)[0]) - 1.0) * AIM_SPREAD_DEG.to_radians();
        let (sin, cos) = turn.sin_cos();
        let (ux, uy) = (to_line[0] / distance, to_line[1] / distance);
        let direction = [ux * cos - uy * sin, ux * sin + uy * cos];
        let day = source.is_day(event.t_s, event.lon);
        let ambient = if day { env.acoustic_noise_day_db } else { env.acoustic_noise_night_db };
        let noise_db = crate::physics::acoustic::noise_with_wind_db(ambient, env.wind_noise_db, env.wind_speed_mps);
        let noise_pa = REFERENCE_PRESSURE_PA * 10f64.powf(noise_db / 20.0);
        for s in &microphones {
            let Some((delay, miss, from)) = arrival(muzzle, direction, [s.true_x, s.true_y], MUZZLE_SPEED_MPS, sound)
            else {
                continue;
            };
            let (peak_pa, duration_s) = n_wave(miss, mach, pressure_pa, sound);
            let peak_sigma = peak_pa / noise_pa;
            if peak_sigma >= MIN_PEAK_SIGMA {
                let blast_s = (s.true_x - muzzle[0]).hypot(s.true_y - muzzle[1]) / sound;
                let t_s = match picked.get(&(i64::from(event.id), s.id)) {
                    Some(pick) => pick - (blast_s - delay),
                    None => event.t_s + delay + s.clock_offset_s,
                };
                out.entry(s.id).or_default().push(Shock { t_s, peak_sigma, duration_s, from, event_id: event.id });
            }
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cone_arrives_first_along_its_ray_and_not_behind_the_muzzle() {
        let (v, c) = (715.0, 340.0);
        let microphone = [200.0, 30.0];
        let (delay, miss, from) = arrival([0.0, 0.0], [1.0, 0.0], microphone, v, c).expect("in the cone");
        assert!((miss - 30.0).abs() < 1e-9);
        // The earliest arrival over every emission point is the cone's.
        let earliest = (0..=50_000)
            .map(|k| {
                let s = k as f64 * 0.01;
                s / v + ((microphone[0] - s).powi(2) + microphone[1].powi(2)).sqrt() / c
            })
            .fold(f64::MAX, f64::min);
        assert!((delay - earliest).abs() < 1e-6, "cone {delay} against {earliest}");
        assert!(from[0] > 0.0 && from[0] < 200.0 && from[1] == 0.0);
        // Behind the muzzle, or beyond the supersonic range: no shock.
        assert!(arrival([0.0, 0.0], [1.0, 0.0], [-50.0, 10.0], v, c).is_none());
        assert!(arrival([0.0, 0.0], [1.0, 0.0], [2_000.0, 10.0], v, c).is_none());
        assert!(arrival([0.0, 0.0], [1.0, 0.0], [100.0, 10.0], 300.0, c).is_none(), "subsonic");
    }

    #[test]
    fn the_n_wave_weakens_as_the_miss_to_the_three_quarters_and_lengthens_as_its_fourth_root() {
        let (near_peak, near_t) = n_wave(10.0, 2.1, 101_325.0, 340.0);
        let (far_peak, far_t) = n_wave(160.0, 2.1, 101_325.0, 340.0);
        assert!((near_peak / far_peak - 16f64.powf(0.75)).abs() < 1e-9);
        assert!((far_t / near_t - 2.0).abs() < 1e-9);
        // Tens to hundreds of pascals and a fraction of a millisecond at 10 m: a rifle's crack.
        assert!(near_peak > 50.0 && near_peak < 1_000.0, "{near_peak} Pa");
        assert!(near_t > 1e-4 && near_t < 1e-3, "{near_t} s");
    }
}
