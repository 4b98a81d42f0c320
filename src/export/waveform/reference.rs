//! The f64 twin of `shaders/waveform.wgsl`: the same pulses, the same noise draws.

use super::{BURST_TONES, SHAPE_BURST, SHAPE_FRIEDLANDER, WaveParams, WavePulse, WaveWindow};
use crate::rng;

use super::{FRIEDLANDER_SPAN, RICKER_SPAN};

/// A pulse's value τ seconds after its arrival, peak 1: a Friedlander blast wave with b = 1
/// (Friedlander 1946; the form of Kinney & Graham, *Explosive Shocks in Air*, 1985) or a
/// Ricker wavelet of `RICKER_SPAN` periods centred on the middle one.
pub fn pulse_shape(tau: f64, period_s: f64, shape: u32, smoothing_s: f64) -> f64 {
    if shape == super::SHAPE_NWAVE {
        return if (0.0..period_s).contains(&tau) { 1.0 - 2.0 * tau / period_s } else { 0.0 };
    }
    if shape == SHAPE_FRIEDLANDER {
        let lead = 6.0 * smoothing_s;
        if tau < -lead || tau > FRIEDLANDER_SPAN * period_s + lead {
            return 0.0;
        }
        return super::absorption::friedlander_filtered(tau, period_s, smoothing_s);
    }
    if tau < 0.0 {
        return 0.0;
    }
    if tau > RICKER_SPAN * period_s {
        return 0.0;
    }
    let u = std::f64::consts::PI * (tau - 0.5 * RICKER_SPAN * period_s) / period_s;
    (1.0 - 2.0 * u * u) * (-u * u).exp()
}

/// A moving source's burst τ after its pick: `BURST_TONES` tones of random frequency in the
/// octave around 1/`period_s` and random phase, scaled to RMS 1, under the envelope cos(πτ/D) of
/// `duration_s` D centred on the pick: one track's bursts, half an envelope apart, add in power to
/// a constant.
pub fn burst(tau: f64, period_s: f64, duration_s: f64, key: u32, seed: u64) -> f64 {
    let half = 0.5 * duration_s;
    if tau.abs() >= half {
        return 0.0;
    }
    let envelope = (0.5 * std::f64::consts::PI * tau / half).cos();
    let sum: f64 = (0..BURST_TONES)
        .map(|k| {
            let h = rng::pcg4d(rng::key(seed, key, k, rng::stream::BURST));
            let freq = (rng::unit_open0(h[0]) - 0.5).exp2() / period_s;
            (std::f64::consts::TAU * (freq * tau + rng::unit_open0(h[1]))).cos()
        })
        .sum();
    envelope * (2.0 / f64::from(BURST_TONES)).sqrt() * sum
}

/// Every window's samples, window after window.
pub fn synthesise(params: &WaveParams, windows: &[WaveWindow], pulses: &[WavePulse], seed: u64) -> Vec<f64> {
    let n = params.samples_per_window as usize;
    let mut out = vec![0.0; windows.len() * n];
    for (w, chunk) in windows.iter().zip(out.chunks_mut(n)) {
        let mine = &pulses[w.first_pulse as usize..(w.first_pulse + w.pulse_count) as usize];
        for (i, sample) in chunk.iter_mut().enumerate() {
            let signal: f64 = mine
                .iter()
                .map(|p| {
                    let from_pick = i as f64 - f64::from(p.delay_samples) - f64::from(p.delay_fraction);
                    let tau = from_pick / f64::from(params.rate_hz);
                    let value = if p.shape == SHAPE_BURST {
                        burst(tau, f64::from(p.period_s), f64::from(p.duration_s), p.key, seed)
                    } else {
                        pulse_shape(tau, f64::from(p.period_s), p.shape, f64::from(p.smoothing_s))
                    };
                    f64::from(p.amplitude) * value
                })
                .sum();
            let n = w.first_sample + i as u32;
            let h = rng::pcg4d(rng::key(seed, w.sensor_id, n, rng::stream::WAVEFORM));
            let white = rng::box_muller(h[0], h[1]).0;
            let share = f64::from(if n >= w.switch_sample { w.red_share_after } else { w.red_share });
            let red = if share > 0.0 {
                super::noise::red(seed, w.sensor_id, n, params.red_octaves, f64::from(params.red_norm))
            } else {
                0.0
            };
            *sample = signal + (1.0 - share).sqrt() * white + share.sqrt() * red;
        }
    }
    out
}
