// Sensor waveforms around detections: one thread per output sample. A window is one sensor's
// span; the pulses of every detection of that sensor that reach into it are summed over Gaussian
// noise of unit σ, white, or at a microphone partly red (wind), drawn per channel and absolute
// sample, so windows that overlap hold the same noise. The f64 twin is
// src/export/waveform/reference.rs.

#import rng

const WORKGROUP_SIZE: u32 = 64u;
const SHAPE_FRIEDLANDER: u32 = 0u;
const SHAPE_RICKER: u32 = 1u;
const SHAPE_BURST: u32 = 2u;
const SHAPE_NWAVE: u32 = 3u;
// A Friedlander pulse is cut after this many positive-phase durations (its tail is below
// 2e-6 of its peak); a Ricker wavelet spans three periods centred on the middle one (its ends
// are 1e-8 of its peak): no step where either starts or stops.
const FRIEDLANDER_SPAN: f32 = 16.0;
const RICKER_SPAN: f32 = 3.0;
const PI: f32 = 3.141592653589793;
const TAU: f32 = 6.283185307179586;

struct WaveParams {
    samples_per_window: u32,
    window_count: u32,
    rate_hz: f32,
    seed_lo: u32,
    seed_hi: u32,
    // The wind noise's octaves and the factor that gives their sum unit variance.
    red_octaves: u32,
    red_norm: f32,
    _pad0: u32,
}

struct WaveWindow {
    sensor_id: u32,
    // The window's first sample in the sensor's continuous stream (sample 0 at scenario time 0).
    first_sample: u32,
    first_pulse: u32,
    pulse_count: u32,
    // The share of the noise power that is wind noise (red); the rest is white. From absolute
    // sample switch_sample on (day turning to night or back) it is red_share_after.
    red_share: f32,
    red_share_after: f32,
    switch_sample: u32,
}

struct WavePulse {
    // Arrival after the window's first sample: whole samples (exact, so every window holding a
    // sample sees the same time to the pick) and the fraction of a sample beyond them.
    delay_samples: i32,
    delay_fraction: f32,
    // Peak amplitude in units of the noise σ.
    amplitude: f32,
    // Friedlander: positive-phase duration; Ricker: one period of its peak frequency, s.
    period_s: f32,
    shape: u32,
    // Friedlander: σ of the air-absorption low-pass over its path, s (0: unfiltered).
    smoothing_s: f32,
    // Burst: its envelope's length, centred on the pick, s, and its draws' key (the event).
    duration_s: f32,
    key: u32,
}

@group(0) @binding(0) var<uniform> params: WaveParams;
@group(0) @binding(1) var<storage, read> windows: array<WaveWindow>;
@group(0) @binding(2) var<storage, read> pulses: array<WavePulse>;
@group(0) @binding(3) var<storage, read_write> samples: array<f32>;

// erfcx(z) = exp(z²)·erfc(z) for z ≥ 0: the Chebyshev fit of Numerical Recipes' erfcc without
// its exp(−z²) (fractional error below 1.2e-7); the f64 twin is src/export/waveform/absorption.rs.
fn erfcx(z: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    return t * exp(poly);
}

// A Friedlander wave through the Gaussian low-pass of σ, closed form (see absorption.rs):
// F = J0·(1 + λ²σ² − λτ) − λσ²·g(τ), J0 through erfcx so no factor overflows.
fn friedlander_filtered(tau: f32, period_s: f32, sigma: f32) -> f32 {
    let lambda = 1.0 / period_s;
    if sigma <= 0.0 {
        if tau < 0.0 {
            return 0.0;
        }
        return (1.0 - lambda * tau) * exp(-lambda * tau);
    }
    let s2 = sigma * sigma;
    let z = (lambda * s2 - tau) / (sigma * 1.4142135623730951);
    let gauss = exp(-tau * tau / (2.0 * s2));
    var j0 = 0.0;
    if z >= 0.0 {
        j0 = 0.5 * gauss * erfcx(z);
    } else {
        j0 = 0.5 * exp(-lambda * tau + 0.5 * lambda * lambda * s2) * (2.0 - erfcx(-z) * exp(-z * z));
    }
    let g = gauss / (sigma * 2.5066282746310002);
    return j0 * (1.0 + lambda * lambda * s2 - lambda * tau) - lambda * s2 * g;
}

// A moving source's burst τ after its pick: BURST_TONES tones of random frequency within the
// octave around 1/period and random phase, RMS 1, under a cosine envelope of `duration` centred
// on the pick. The f64 twin is reference::burst.
fn burst(tau: f32, period_s: f32, duration_s: f32, key: u32) -> f32 {
    let half = 0.5 * duration_s;
    if abs(tau) >= half {
        return 0.0;
    }
    // cos(πτ/D): bursts half an envelope apart add in power to a constant (cos² + sin² = 1).
    let envelope = cos(0.5 * PI * tau / half);
    var sum = 0.0;
    for (var k = 0u; k < BURST_TONES; k++) {
        let h = pcg4d(vec4<u32>(params.seed_lo, key, k, STREAM_BURST ^ params.seed_hi));
        let freq = exp2(unit_open0(h.x) - 0.5) / period_s;
        sum += cos(TAU * fract(freq * tau + unit_open0(h.y)));
    }
    return envelope * sqrt(2.0 / f32(BURST_TONES)) * sum;
}

// A pulse's value at τ seconds after its arrival (peak 1 unfiltered).
fn pulse_shape(tau: f32, period_s: f32, shape: u32, smoothing_s: f32) -> f32 {
    // A bullet's N-wave: from +1 down to −1 over its duration.
    if shape == SHAPE_NWAVE {
        if tau < 0.0 || tau >= period_s {
            return 0.0;
        }
        return 1.0 - 2.0 * tau / period_s;
    }
    if shape == SHAPE_FRIEDLANDER {
        let lead = 6.0 * smoothing_s;
        if tau < -lead || tau > FRIEDLANDER_SPAN * period_s + lead {
            return 0.0;
        }
        return friedlander_filtered(tau, period_s, smoothing_s);
    }
    if tau < 0.0 {
        return 0.0;
    }
    // Ricker wavelet centred 1.5 periods after the arrival.
    if tau > RICKER_SPAN * period_s {
        return 0.0;
    }
    let u = PI * (tau - 0.5 * RICKER_SPAN * period_s) / period_s;
    return (1.0 - 2.0 * u * u) * exp(-u * u);
}

// Wind noise at absolute sample n of a channel: octave j holds unit normals every 2^j samples,
// joined linearly and rescaled to unit variance, weighted 2^(j(β−1)/2) with β = 7/3 so the power
// density falls as f^(−7/3). The f64 twin is src/export/waveform/noise.rs.
fn red_noise(channel: u32, n: u32) -> f32 {
    var sum = 0.0;
    for (var j = 1u; j <= params.red_octaves; j++) {
        let m = n >> j;
        let t = f32(n & ((1u << j) - 1u)) / f32(1u << j);
        let stream = (STREAM_WIND_NOISE ^ (j << 8u)) ^ params.seed_hi;
        let ha = pcg4d(vec4<u32>(params.seed_lo, channel, m, stream));
        let hb = pcg4d(vec4<u32>(params.seed_lo, channel, m + 1u, stream));
        let a = box_muller(ha.x, ha.y).x;
        let b = box_muller(hb.x, hb.y).x;
        let joined = ((1.0 - t) * a + t * b) / sqrt((1.0 - t) * (1.0 - t) + t * t);
        sum += exp2(f32(j) * WIND_NOISE_OCTAVE_EXPONENT) * joined;
    }
    return params.red_norm * sum;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn synthesise(@builtin(global_invocation_id) id: vec3<u32>) {
    let k = id.x;
    let window_index = k / params.samples_per_window;
    if window_index >= params.window_count {
        return;
    }
    let i = k % params.samples_per_window;
    let w = windows[window_index];
    var value = 0.0;
    for (var p = 0u; p < w.pulse_count; p++) {
        let pulse = pulses[w.first_pulse + p];
        let tau = (f32(i32(i) - pulse.delay_samples) - pulse.delay_fraction) / params.rate_hz;
        if pulse.shape == SHAPE_BURST {
            value += pulse.amplitude * burst(tau, pulse.period_s, pulse.duration_s, pulse.key);
        } else {
            value += pulse.amplitude * pulse_shape(tau, pulse.period_s, pulse.shape, pulse.smoothing_s);
        }
    }
    let n = w.first_sample + i;
    let h = pcg4d(vec4<u32>(params.seed_lo, w.sensor_id, n, STREAM_WAVEFORM ^ params.seed_hi));
    let white = box_muller(h.x, h.y).x;
    var red = 0.0;
    let share = select(w.red_share, w.red_share_after, n >= w.switch_sample);
    if share > 0.0 {
        red = red_noise(w.sensor_id, n);
    }
    value += sqrt(1.0 - share) * white + sqrt(share) * red;
    samples[k] = value;
}
